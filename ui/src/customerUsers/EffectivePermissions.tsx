import { useQuery } from '@tanstack/react-query';
import {
  Box,
  List,
  ListItem,
  ListItemText,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useDataProvider } from 'react-admin';
import type { Source } from '../bindings/Source';
import { CUSTOMER_USERS, type AppDataProvider } from '../data/dataProvider';
import { QueryState } from '../layout/ListStates';
import { labelIn, usePermissionCatalog } from '../roles/permissionCatalog';

/** "from Buyer, Acme Purchaser": the roles a grant comes from. */
const fromRoles = (sources: Source[]) => `from ${sources.map((s) => s.label).join(', ')}`;

/**
 * "What this user can do" (`customer_user_permissions`): each grant of the user's roles
 * together, at the widest level any of them gives and with the roles that give it, then the
 * capabilities and their roles.
 */
export const EffectivePermissions = ({ id }: { id: string }) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const catalog = usePermissionCatalog();
  const { data, error, isPending } = useQuery({
    // Under the resource's key: whatever refreshes the user refreshes this too.
    queryKey: [CUSTOMER_USERS, 'permissions', id],
    queryFn: () => dataProvider.customerUserPermissions(id),
  });
  const pending = isPending || catalog.isLoading;
  if (pending || error)
    return <QueryState pending={pending} error={error} label="Loading what this user can do" />;
  if (data.grants.length === 0 && data.capabilities.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No roles grant anything
      </Typography>
    );
  }
  const entityLabel = (entity: string) =>
    catalog.data?.entities.find((e) => e.entity === entity)?.label ?? entity;
  return (
    <>
      {data.grants.length > 0 ? (
        <Table size="small" aria-label="Permissions granted">
          <TableHead>
            <TableRow>
              <TableCell>Entity</TableCell>
              <TableCell>Action</TableCell>
              <TableCell>Access level</TableCell>
              <TableCell>Roles</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {data.grants.map((grant) => (
              <TableRow key={`${grant.entity}.${grant.action}`}>
                <TableCell>{entityLabel(grant.entity)}</TableCell>
                <TableCell>{labelIn(catalog.data?.actions, grant.action)}</TableCell>
                <TableCell>{labelIn(catalog.data?.levels, grant.level)}</TableCell>
                <TableCell>{fromRoles(grant.from)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
      {data.capabilities.length > 0 ? (
        <Box sx={{ mt: 2 }}>
          <Typography variant="subtitle2" component="h3">
            Capabilities
          </Typography>
          <List dense aria-label="Capabilities granted">
            {data.capabilities.map((grant) => (
              <ListItem key={grant.capability} disableGutters>
                <ListItemText
                  primary={labelIn(catalog.data?.capabilities, grant.capability)}
                  secondary={fromRoles(grant.from)}
                />
              </ListItem>
            ))}
          </List>
        </Box>
      ) : null}
    </>
  );
};
