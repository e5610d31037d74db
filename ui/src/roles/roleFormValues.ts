import type { Capability } from '../bindings/Capability';
import type { Role } from '../bindings/Role';
import type { RoleInput } from '../bindings/RoleInput';
import { granted, type Permissions } from './PermissionMatrix';

/** What the role form edits: a role with its customer as an id (`null`: predefined). */
export interface RoleFormValues {
  id?: string;
  /** The code, shown (read-only) once the role exists. */
  role?: string;
  label: string;
  customer: string | null;
  selfManaged: boolean;
  public: boolean;
  permissions: Permissions;
  capabilities: Capability[];
}

/** A new role with Oro's defaults: public, not self-managed, nothing granted. */
export const emptyRoleFormValues = (): RoleFormValues => ({
  label: '',
  customer: null,
  selfManaged: false,
  public: true,
  permissions: {},
  capabilities: [],
});

export const roleToFormValues = (role: Role): RoleFormValues => ({
  id: role.id,
  role: role.role,
  label: role.label,
  customer: role.customer?.id ?? null,
  selfManaged: role.selfManaged,
  public: role.public,
  permissions: structuredClone(role.permissions),
  capabilities: [...role.capabilities],
});

/** The form as `create_customer_user_role` / `update_customer_user_role` take it. */
export const formValuesToRoleInput = (values: RoleFormValues): RoleInput => ({
  label: values.label,
  // No customer makes a predefined role: the core takes "" for that.
  customer: values.customer || '',
  selfManaged: !!values.selfManaged,
  public: !!values.public,
  permissions: granted(values.permissions ?? {}),
  capabilities: values.capabilities ?? [],
});
