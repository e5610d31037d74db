import { useMemo } from 'react';
import { Create } from 'react-admin';
import { RoleForm } from './RoleForm';
import { emptyRoleFormValues, formValuesToRoleInput } from './roleFormValues';

export const RoleCreate = () => {
  const record = useMemo(() => emptyRoleFormValues(), []);
  return (
    <Create title="Create Customer User Role" redirect="show" transform={formValuesToRoleInput}>
      <RoleForm record={record} />
    </Create>
  );
};
