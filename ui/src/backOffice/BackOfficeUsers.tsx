import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Box,
  NativeSelect,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@mui/material';
import { Title, useDataProvider, useNotify } from 'react-admin';
import type { BackOfficeUser } from '../bindings/BackOfficeUser';
import type { AppDataProvider } from '../data/dataProvider';
import { SectionCard } from '../admin/shared';
import { QueryState } from '../layout/ListStates';
import { useReadOnly } from '../layout/StoreInfo';
import { BackOfficeRoles, useBackOfficeRoles } from './BackOfficeRoles';
import { Gated } from './capabilities';
import { BACK_OFFICE, BACK_OFFICE_USERS_WITH_ROLES } from './queryKeys';

/** The back-office role select of one user: the change is saved as soon as it is picked. */
const RoleSelect = ({ user }: { user: BackOfficeUser }) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const readOnly = useReadOnly();
  const roles = useBackOfficeRoles();
  const change = useMutation({
    mutationFn: (role: string) => dataProvider.setBackOfficeUserRole(user.id, role),
    onSuccess: (updated) => {
      notify(`${updated.name} now has the back-office role ${updated.role?.name}.`, {
        type: 'success',
      });
    },
    onError: (error) => notify(error.message, { type: 'error' }),
    // The current admin's own capabilities may have changed with it.
    onSettled: () => queryClient.invalidateQueries({ queryKey: BACK_OFFICE }),
  });
  return (
    <Gated capability="manage_back_office_users">
      {(disabled) => (
        <NativeSelect
          value={user.role?.id ?? ''}
          onChange={(event) => change.mutate(event.target.value)}
          disabled={disabled || readOnly || change.isPending || !roles.data}
          inputProps={{ 'aria-label': `Back-office role of ${user.name}` }}
          sx={{ minWidth: 200 }}
        >
          {user.role ? null : (
            <option value="" disabled>
              No role
            </option>
          )}
          {(roles.data ?? []).map((role) => (
            <option key={role.id} value={role.id}>
              {role.label}
            </option>
          ))}
        </NativeSelect>
      )}
    </Gated>
  );
};

const Users = () => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const { data, error, isPending } = useQuery({
    queryKey: BACK_OFFICE_USERS_WITH_ROLES,
    queryFn: () => dataProvider.listBackOfficeUsers(),
  });
  if (isPending || error)
    return <QueryState pending={isPending} error={error} label="Loading back-office users" />;
  return (
    <Table size="small" aria-label="Back-office users">
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          <TableCell>Username</TableCell>
          <TableCell>Email</TableCell>
          <TableCell>Enabled</TableCell>
          <TableCell>Back-office role</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {data.map((user) => (
          <TableRow key={user.id}>
            <TableCell>{user.name}</TableCell>
            <TableCell>{user.username}</TableCell>
            <TableCell>{user.email}</TableCell>
            <TableCell>{user.enabled ? 'Yes' : 'No'}</TableCell>
            <TableCell>
              <RoleSelect user={user} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};

/**
 * System › Users: who works in the back office and what their back-office role lets them do
 * in this app, and those roles.
 */
export const BackOfficeUsers = () => (
  <Box sx={{ py: 2 }}>
    <Title title="Users" />
    <Stack spacing={2}>
      <SectionCard id="back-office-users" title="Back-office users">
        <Users />
      </SectionCard>
      <SectionCard id="back-office-roles" title="Back-office roles">
        <BackOfficeRoles />
      </SectionCard>
    </Stack>
  </Box>
);
