import { useMemo } from 'react';
import { Create } from 'react-admin';
import { CustomerUserForm } from './CustomerUserForm';
import { emptyFormValues, formValuesToInput, type CustomerUserFormValues } from './formValues';

export const CustomerUserCreate = () => {
  const record = useMemo(() => emptyFormValues(), []);
  return (
    <Create
      title="Create Customer User"
      redirect="show"
      transform={(values: CustomerUserFormValues) => formValuesToInput(values)}
    >
      <CustomerUserForm mode="create" record={record} />
    </Create>
  );
};
