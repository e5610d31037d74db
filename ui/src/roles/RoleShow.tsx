import { Alert, Box, CircularProgress, Grid, Stack, Chip, Typography } from '@mui/material';
import {
  DeleteWithConfirmButton,
  EditButton,
  ListButton,
  Show,
  TopToolbar,
  useRecordContext,
} from 'react-admin';
import type { Role } from '../bindings/Role';
import { SectionCard } from '../admin/shared';
import { Gated } from '../backOffice/capabilities';
import { Detail, Details } from '../layout/Details';
import { useReadOnly } from '../layout/StoreInfo';
import { PermissionMatrix } from './PermissionMatrix';
import { labelIn, usePermissionCatalog } from './permissionCatalog';
import { roleType } from './RoleList';

const ShowActions = () => {
  const record = useRecordContext<Role>();
  const readOnly = useReadOnly();
  return (
    <TopToolbar>
      <ListButton label="Customer User Roles" />
      {readOnly || !record ? null : (
        <>
          <Gated capability="manage_roles">
            {(disabled) => <EditButton disabled={disabled} />}
          </Gated>
          <Gated capability="manage_roles">
            {(disabled) => (
              // Pessimistic: a role its users still hold is refused, and the core's message
              // (how many hold it) is what the notification shows.
              <DeleteWithConfirmButton
                mutationMode="pessimistic"
                confirmTitle="Delete Customer User Role"
                confirmContent={`Are you sure you want to delete the role ${record.label}?`}
                disabled={disabled}
              />
            )}
          </Gated>
        </>
      )}
    </TopToolbar>
  );
};

const ShowTitle = () => {
  const record = useRecordContext<Role>();
  return <span>{record ? record.label : 'Customer User Role'}</span>;
};

const RoleDetails = () => {
  const role = useRecordContext<Role>();
  const catalog = usePermissionCatalog();
  if (!role) return null;
  return (
    <Box sx={{ p: 2 }}>
      <Stack spacing={2}>
        <SectionCard id="role-general" title="General">
          <Details>
            <Detail label="Label">{role.label}</Detail>
            <Detail label="Role code">{role.role}</Detail>
            <Detail label="Type">{roleType(role)}</Detail>
            <Detail label="Customer">{role.customer?.name ?? '—'}</Detail>
            <Detail label="Self-Managed">{role.selfManaged ? 'Yes' : 'No'}</Detail>
            <Detail label="Public">{role.public ? 'Yes' : 'No'}</Detail>
            <Detail label="Users">{String(role.users)}</Detail>
          </Details>
        </SectionCard>
        <SectionCard id="role-permissions" title="Permissions">
          {catalog.error ? <Alert severity="error">{catalog.error.message}</Alert> : null}
          {catalog.data ? (
            <PermissionMatrix catalog={catalog.data} value={role.permissions} />
          ) : catalog.isLoading ? (
            <CircularProgress size={24} aria-label="Loading permissions" />
          ) : null}
        </SectionCard>
        <SectionCard id="role-capabilities" title="Capabilities">
          {role.capabilities.length === 0 ? (
            <Typography variant="body2" color="text.secondary">
              No capabilities
            </Typography>
          ) : (
            <Grid container spacing={1}>
              {role.capabilities.map((capability) => (
                <Grid key={capability}>
                  <Chip label={labelIn(catalog.data?.capabilities, capability)} size="small" />
                </Grid>
              ))}
            </Grid>
          )}
        </SectionCard>
      </Stack>
    </Box>
  );
};

export const RoleShow = () => (
  <Show actions={<ShowActions />} title={<ShowTitle />}>
    <RoleDetails />
  </Show>
);
