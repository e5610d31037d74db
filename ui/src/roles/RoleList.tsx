import {
  AutocompleteInput,
  CreateButton,
  Datagrid,
  FilterButton,
  FunctionField,
  List,
  NumberField,
  Pagination,
  ReferenceInput,
  SearchInput,
  SelectInput,
  TextField,
  TextInput,
  TopToolbar,
} from 'react-admin';
import type { Role } from '../bindings/Role';
import { Gated } from '../backOffice/capabilities';
import { customerOption } from '../customerUsers/CustomerUserForm';
import { PAGE_SIZES } from '../customerUsers/CustomerUserList';
import { YES_NO, YesNoField } from '../customerUsers/fields';
import { ListError, NoResults } from '../layout/ListStates';
import { useReadOnly } from '../layout/StoreInfo';

/** Predefined roles serve every customer; a customizable one belongs to its customer. */
export const roleType = (role: Pick<Role, 'predefined'>) =>
  role.predefined ? 'Predefined' : 'Customizable';

const TYPES = [
  { id: 'true', name: 'Predefined' },
  { id: 'false', name: 'Customizable' },
];

/** One filter per column of `RoleQuery`, plus the always-on quick search `q`. */
const roleFilters = [
  <SearchInput
    key="q"
    source="q"
    alwaysOn
    placeholder="Search label, code or customer"
    inputProps={{ 'aria-label': 'Quick search' }}
    sx={{ minWidth: 320 }}
  />,
  <TextInput key="label" source="label" label="Label contains" resettable />,
  <TextInput key="role" source="role" label="Role code contains" resettable />,
  <ReferenceInput key="customer" source="customer" reference="customers" perPage={50}>
    <AutocompleteInput
      label="Customer"
      optionText={customerOption}
      filterToQuery={(q: string) => ({ q })}
    />
  </ReferenceInput>,
  <SelectInput key="predefined" source="predefined" label="Type" choices={TYPES} />,
  <SelectInput key="selfManaged" source="selfManaged" label="Self-Managed" choices={YES_NO} />,
  <SelectInput key="public" source="public" label="Public" choices={YES_NO} />,
];

const ListActions = () => {
  const readOnly = useReadOnly();
  return (
    <TopToolbar>
      <FilterButton />
      {readOnly ? null : (
        <Gated capability="manage_roles">
          {(disabled) => <CreateButton label="Create Customer User Role" disabled={disabled} />}
        </Gated>
      )}
    </TopToolbar>
  );
};

/** Customers › Customer User Roles: Oro's roles grid. */
export const RoleList = () => (
  <List
    title="Customer User Roles"
    sort={{ field: 'label', order: 'ASC' }}
    perPage={25}
    filters={roleFilters}
    actions={<ListActions />}
    pagination={<Pagination rowsPerPageOptions={PAGE_SIZES} />}
    // Predefined roles always exist: "nothing here yet" never applies, only "nothing matches".
    empty={false}
    error={<ListError title="Customer user roles could not be loaded" />}
  >
    <Datagrid
      rowClick="show"
      bulkActionButtons={false}
      empty={<NoResults what="roles" />}
      size="small"
    >
      <TextField source="label" label="Label" />
      <TextField source="role" label="Role code" />
      <FunctionField<Role> label="Type" sortBy="type" render={roleType} />
      <TextField source="customer.name" label="Customer" sortBy="customer" emptyText="—" />
      <YesNoField source="selfManaged" label="Self-Managed" sortBy="selfManaged" />
      <YesNoField source="public" label="Public" sortBy="public" />
      <NumberField source="users" label="Users" sortBy="users" />
    </Datagrid>
  </List>
);
