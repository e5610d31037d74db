import { useMemo } from 'react';
import { Edit, ShowButton, TopToolbar, useRecordContext } from 'react-admin';
import type { CustomerUser } from '../bindings/CustomerUser';
import { CustomerUserForm } from './CustomerUserForm';
import { formValuesToInput, recordToFormValues, type CustomerUserFormValues } from './formValues';
import { fullName } from './fields';

const EditForm = () => {
  const record = useRecordContext<CustomerUser>();
  const values = useMemo(() => (record ? recordToFormValues(record) : null), [record]);
  return values ? (
    <CustomerUserForm mode="edit" record={values} emailWarning={record?.emailWarning} />
  ) : null;
};

const EditTitle = () => {
  const record = useRecordContext<CustomerUser>();
  return <span>{record ? `Edit ${fullName(record)}` : 'Edit Customer User'}</span>;
};

export const CustomerUserEdit = () => (
  <Edit
    mutationMode="pessimistic"
    redirect="show"
    title={<EditTitle />}
    actions={
      <TopToolbar>
        <ShowButton label="View" />
      </TopToolbar>
    }
    transform={(values: CustomerUserFormValues) => formValuesToInput(values)}
  >
    <EditForm />
  </Edit>
);
