import { useEffect, useMemo } from 'react';
import { Box, Typography, type TablePaginationProps } from '@mui/material';
import PeopleOutlineIcon from '@mui/icons-material/PeopleOutline';
import {
  CreateButton,
  DatagridConfigurable,
  DateField,
  DateInput,
  FilterButton,
  List,
  NumberField,
  Pagination,
  ReferenceInput,
  SearchInput,
  SelectColumnsButton,
  SelectInput,
  TextField,
  TextInput,
  TopToolbar,
  useListContext,
} from 'react-admin';
import type { ExtraField } from '../bindings/ExtraField';
import { BulkActions } from './BulkActions';
import { ConsentFilter } from './ConsentFilter';
import { extraFieldColumns, extraFieldFilters } from './ExtraFieldColumns';
import { ExportButton } from './ExportButton';
import { ImportButton } from './ImportButton';
import { fieldLabel } from './fieldTable';
import { extraSource, useExtraFields } from './extraFields';
import { AuthStatusField, YES_NO, YesNoField } from './fields';
import { RowActions } from './RowActions';
import { Gated } from '../backOffice/capabilities';
import { call } from '../data/api';
import { ListError, NoResults } from '../layout/ListStates';
import { useReadOnly } from '../layout/StoreInfo';

export const PAGE_SIZES = [10, 25, 50, 100, 200];

/** Out of sight, still read by screen readers. */
const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

const AUTH_STATUSES = [
  { id: 'active', name: 'Active' },
  { id: 'reset', name: 'Reset' },
  { id: 'expired', name: 'Expired' },
  { id: 'locked', name: 'Locked' },
];

const textFilters = (source: string, label: string) => [
  <TextInput key={source} source={source} label={`${label} contains`} resettable />,
  <TextInput key={`${source}Eq`} source={`${source}Eq`} label={`${label} is`} resettable />,
];

/** One filter per column (text: "contains" and "is"), plus the always-on quick search `q`. */
export const customerUserFilters = [
  <SearchInput
    key="q"
    source="q"
    alwaysOn
    placeholder="Search name, email or customer"
    inputProps={{ 'aria-label': 'Quick search' }}
    sx={{ minWidth: 320 }}
  />,
  ...textFilters('customerName', fieldLabel('customer')),
  ...textFilters('firstName', fieldLabel('firstName')),
  ...textFilters('lastName', fieldLabel('lastName')),
  ...textFilters('email', fieldLabel('email')),
  <SelectInput key="enabled" source="enabled" label={fieldLabel('enabled')} choices={YES_NO} />,
  <SelectInput
    key="confirmed"
    source="confirmed"
    label={fieldLabel('confirmed')}
    choices={YES_NO}
  />,
  <SelectInput key="isGuest" source="isGuest" label={fieldLabel('isGuest')} choices={YES_NO} />,
  <SelectInput
    key="authStatus"
    source="authStatus"
    label={fieldLabel('authStatus')}
    choices={AUTH_STATUSES}
  />,
  <ReferenceInput key="websiteId" source="websiteId" reference="websites">
    <SelectInput label={fieldLabel('website')} optionText="name" />
  </ReferenceInput>,
  <TextInput key="roles" source="roles" label="Roles contains" resettable />,
  <DateInput key="createdFrom" source="createdFrom" label="Created from" />,
  <DateInput key="createdTo" source="createdTo" label="Created to" />,
  <DateInput key="updatedFrom" source="updatedFrom" label="Updated from" />,
  <DateInput key="updatedTo" source="updatedTo" label="Updated to" />,
  <ConsentFilter
    key="consent"
    source="consent"
    label="Consent"
    defaultValue={{ accepted: 'true' }}
  />,
];

/** The columns hidden until the admin picks them in "Columns". */
const OPTIONAL_COLUMNS = ['createdAt', 'updatedAt', 'websiteName', 'roles', 'orders', 'lastOrder'];

/**
 * Where the grid remembers its columns. react-admin remembers them by position, so a grid with
 * other columns (an own field added or removed) starts from the defaults rather than showing
 * the wrong ones.
 */
const columnsKey = (fields: ExtraField[]) =>
  ['customer-users.datagrid.v2', ...fields.map((f) => f.name)].join('.');

/** On a read-only store only what reads: filters, columns, Export. */
const ListActions = ({ columns }: { columns: string }) => {
  const readOnly = useReadOnly();
  return (
    <TopToolbar>
      <FilterButton />
      <SelectColumnsButton preferenceKey={columns} />
      {readOnly ? null : (
        <Gated capability={['import_export', 'manage_customer_users']}>
          {(disabled) => <ImportButton disabled={disabled} />}
        </Gated>
      )}
      <Gated capability="import_export">{(disabled) => <ExportButton disabled={disabled} />}</Gated>
      {readOnly ? null : (
        <Gated capability="manage_customer_users">
          {(disabled) => <CreateButton label="Create Customer User" disabled={disabled} />}
        </Gated>
      )}
    </TopToolbar>
  );
};

const EmptyState = () => {
  const readOnly = useReadOnly();
  return (
    <Box sx={{ textAlign: 'center', py: 8, px: 2, width: '100%' }}>
      <PeopleOutlineIcon sx={{ fontSize: 64, color: 'text.secondary' }} />
      <Typography variant="h6" gutterBottom>
        No customer users yet
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Customer users are the people of your customers who sign in to the storefront.
      </Typography>
      {readOnly ? null : (
        <Gated capability="manage_customer_users">
          {(disabled) => (
            <CreateButton variant="contained" label="Create Customer User" disabled={disabled} />
          )}
        </Gated>
      )}
    </Box>
  );
};

let firstPageReported = false;

/** Tells the app, once a launch, that the first grid page is on screen: it logs the time. */
const ReportFirstPage = () => {
  const { isPending, data } = useListContext();
  useEffect(() => {
    if (isPending || !data || firstPageReported) return;
    firstPageReported = true;
    requestAnimationFrame(() => void call('first_page_shown').catch(() => undefined));
  }, [isPending, data]);
  return null;
};

/** Keyset paging knows no total: the range is the rows on this page, "of more" while there are. */
const KeysetPagination = () => {
  const { data, page, perPage, hasNextPage } = useListContext();
  const rows = data?.length ?? 0;
  const from = rows ? (page - 1) * perPage + 1 : 0;
  const to = from ? from + rows - 1 : 0;
  // react-admin passes MUI's TablePagination props through without declaring them.
  const range: Pick<TablePaginationProps, 'labelDisplayedRows'> = {
    labelDisplayedRows: () =>
      hasNextPage ? `${from}-${to} of more than ${to}` : `${from}-${to} of ${to}`,
  };
  return <Pagination rowsPerPageOptions={PAGE_SIZES} {...range} />;
};

export const CustomerUserList = () => {
  const readOnly = useReadOnly();
  const { data, isPending } = useExtraFields();
  const fields = useMemo(() => data ?? [], [data]);
  const filters = useMemo(() => [...customerUserFilters, ...extraFieldFilters(fields)], [fields]);
  const columns = columnsKey(fields);
  return (
    <List
      title="Customer Users"
      sort={{ field: 'id', order: 'ASC' }}
      perPage={25}
      filters={filters}
      actions={<ListActions columns={columns} />}
      pagination={<KeysetPagination />}
      empty={<EmptyState />}
      error={<ListError title="Customer users could not be loaded" />}
      // The toolbar keeps the window's width while a wide grid makes the page scroll sideways.
      // Not a scrolling card: WebKitGTK 2.50 then hit-tests the lower rows at a stale place
      // after the filters above the grid change, and clicks on them go nowhere.
      sx={{ minWidth: 0, '& .RaList-main': { minWidth: 0 } }}
    >
      <ReportFirstPage />
      {/* The own fields' columns are known first: the column chooser counts them once. */}
      {isPending ? null : (
        <DatagridConfigurable
          preferenceKey={columns}
          rowClick="show"
          // Every bulk action changes: a read-only store has no selection column.
          bulkActionButtons={readOnly ? false : <BulkActions />}
          omit={[...OPTIONAL_COLUMNS, ...fields.map(extraSource)]}
          empty={<NoResults what="customer users" />}
          size="small"
          sx={{
            '& .RaDatagrid-headerCell, & .RaDatagrid-rowCell': { whiteSpace: 'nowrap', px: 1 },
            // The actions stay in view while a wide grid scrolls sideways. One icon button wide,
            // so they cover no status column: the header's "Actions" is there for screen readers
            // (and the column chooser) only.
            '& .row-actions': {
              position: 'sticky',
              right: 0,
              zIndex: 1,
              width: 0,
              px: 0.5,
              textAlign: 'center',
              bgcolor: 'background.paper',
              boxShadow: (theme) => `-1px 0 0 ${theme.palette.divider}`,
            },
            '& thead .row-actions > span': visuallyHidden,
          }}
        >
          <TextField source="customerName" label={fieldLabel('customer')} />
          <TextField source="firstName" label={fieldLabel('firstName')} />
          <TextField source="lastName" label={fieldLabel('lastName')} />
          <TextField source="email" label={fieldLabel('email')} />
          <YesNoField source="enabled" label={fieldLabel('enabled')} />
          <YesNoField source="confirmed" label={fieldLabel('confirmed')} />
          <YesNoField source="isGuest" label={fieldLabel('isGuest')} />
          <AuthStatusField source="authStatus" label={fieldLabel('authStatus')} />
          <DateField source="createdAt" label={fieldLabel('createdAt')} showTime />
          <DateField source="updatedAt" label={fieldLabel('updatedAt')} showTime />
          <TextField source="websiteName" label={fieldLabel('website')} />
          <TextField source="roles" label={fieldLabel('userRoles')} />
          <NumberField source="orders" label="Orders" />
          <DateField source="lastOrder" label="Last order" />
          {extraFieldColumns(fields)}
          <RowActions label="Actions" cellClassName="row-actions" headerClassName="row-actions" />
        </DatagridConfigurable>
      )}
    </List>
  );
};
