import { useMemo } from 'react';
import { Edit, ShowButton, TopToolbar, useRecordContext } from 'react-admin';
import type { Role } from '../bindings/Role';
import { RoleForm } from './RoleForm';
import { formValuesToRoleInput, roleToFormValues } from './roleFormValues';

const EditForm = () => {
  const role = useRecordContext<Role>();
  const values = useMemo(() => (role ? roleToFormValues(role) : null), [role]);
  return values ? <RoleForm record={values} /> : null;
};

const EditTitle = () => {
  const role = useRecordContext<Role>();
  return <span>{role ? `Edit ${role.label}` : 'Edit Customer User Role'}</span>;
};

export const RoleEdit = () => (
  <Edit
    mutationMode="pessimistic"
    redirect="show"
    title={<EditTitle />}
    actions={
      <TopToolbar>
        <ShowButton label="View" />
      </TopToolbar>
    }
    transform={formValuesToRoleInput}
  >
    <EditForm />
  </Edit>
);
