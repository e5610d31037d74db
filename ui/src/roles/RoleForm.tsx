import {
  AutocompleteInput,
  CheckboxGroupInput,
  ReferenceInput,
  SaveButton,
  SimpleForm,
  TextInput,
  Toolbar,
} from 'react-admin';
import { Gated } from '../backOffice/capabilities';
import { CheckboxInput } from '../customerUsers/CheckboxInput';
import { customerOption, Section, ServerErrorBanner } from '../customerUsers/CustomerUserForm';
import { maxLength255, notBlank } from '../customerUsers/validation';
import { PermissionMatrixInput } from './PermissionMatrix';
import { usePermissionCatalog } from './permissionCatalog';
import type { RoleFormValues } from './roleFormValues';

const RoleFormToolbar = () => (
  <Toolbar>
    <Gated capability="manage_roles">
      {(disabled) => <SaveButton label="Save" alwaysEnable={!disabled} disabled={disabled} />}
    </Gated>
  </Toolbar>
);

/** The capabilities beyond records, as the catalog names them. */
const CapabilitiesInput = () => {
  const catalog = usePermissionCatalog();
  return (
    <CheckboxGroupInput
      source="capabilities"
      // The section's heading names them.
      label={false}
      choices={catalog.data?.capabilities ?? []}
      optionValue="value"
      optionText="label"
      row={false}
    />
  );
};

/**
 * The one form for creating and editing a customer user role (Oro's role page): label,
 * customer, the storefront flags, the permission matrix and the capabilities. Input names are
 * the core's field names, so its errors land under the right inputs.
 */
export const RoleForm = ({ record }: { record: RoleFormValues }) => (
  <SimpleForm record={record} toolbar={<RoleFormToolbar />} noValidate sx={{ maxWidth: 1400 }}>
    <ServerErrorBanner />
    <Section title="General">
      <TextInput source="label" label="Label" validate={[notBlank, maxLength255]} fullWidth />
      {record.role ? (
        <TextInput
          source="role"
          label="Role code"
          readOnly
          helperText="Made from the label when the role was created; it never changes"
          fullWidth
        />
      ) : null}
      <ReferenceInput source="customer" reference="customers" perPage={50}>
        <AutocompleteInput
          label="Customer"
          optionText={customerOption}
          filterToQuery={(q: string) => ({ q })}
          helperText="Empty for a predefined role, which serves every customer"
          fullWidth
        />
      </ReferenceInput>
      <CheckboxInput
        source="selfManaged"
        label="Self-Managed"
        helperText="The customer's own administrators may manage it on the storefront"
      />
      <CheckboxInput
        source="public"
        label="Public"
        helperText="Offered to the customer's users on the storefront"
      />
    </Section>
    <Section title="Permissions">
      <PermissionMatrixInput source="permissions" />
    </Section>
    <Section title="Capabilities">
      <CapabilitiesInput />
    </Section>
  </SimpleForm>
);
