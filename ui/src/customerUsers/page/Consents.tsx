import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Box,
  Button,
  Chip,
  Link,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tooltip,
  Typography,
} from '@mui/material';
import type { ConsentStatus } from '../../bindings/ConsentStatus';
import { Gated } from '../../backOffice/capabilities';
import { call } from '../../data/api';
import { CUSTOMER_USERS } from '../../data/dataProvider';
import { QueryState } from '../../layout/ListStates';
import { useReadOnly } from '../../layout/StoreInfo';
import { formatDateTime } from '../fields';

const consentsKey = (userId: string) => [CUSTOMER_USERS, userId, 'consents'];

/** Every consent of the store with whether this user accepted it, and when; Accept / Withdraw. */
export const Consents = ({ userId }: { userId: string }) => {
  const queryClient = useQueryClient();
  const writable = !useReadOnly();
  const { data, error, isPending } = useQuery({
    queryKey: consentsKey(userId),
    queryFn: () => call('customer_user_consents', { id: userId }),
  });
  const change = useMutation({
    mutationFn: ({ consent, accept }: { consent: string; accept: boolean }) =>
      call(accept ? 'accept_consent' : 'withdraw_consent', { user: userId, consent }),
    onSuccess: (statuses) => {
      queryClient.setQueryData(consentsKey(userId), statuses);
      void queryClient.invalidateQueries({ queryKey: [CUSTOMER_USERS, 'history', userId] });
    },
  });

  if (isPending || error)
    return <QueryState pending={isPending} error={error} label="Loading consents" />;
  if (data.length === 0)
    return (
      <Typography variant="body2" color="text.secondary">
        The store asks for no consents.
      </Typography>
    );

  const action = ({ consent, acceptedAt }: ConsentStatus) => {
    if (!acceptedAt)
      return (
        <Gated capability="manage_customer_users">
          {(disabled) => (
            <Button
              size="small"
              disabled={disabled || change.isPending}
              onClick={() => change.mutate({ consent: consent.id, accept: true })}
            >
              Accept
            </Button>
          )}
        </Gated>
      );
    if (consent.mandatory)
      return (
        // A disabled button gets no pointer events: its wrapper holds the tooltip.
        <Tooltip title="A mandatory consent cannot be withdrawn." describeChild>
          <Box component="span" sx={{ display: 'inline-flex' }}>
            <Button size="small" disabled>
              Withdraw
            </Button>
          </Box>
        </Tooltip>
      );
    return (
      <Gated capability="manage_customer_users">
        {(disabled) => (
          <Button
            size="small"
            color="warning"
            disabled={disabled || change.isPending}
            onClick={() => change.mutate({ consent: consent.id, accept: false })}
          >
            Withdraw
          </Button>
        )}
      </Gated>
    );
  };

  return (
    <>
      {change.error ? (
        <Alert severity="error" sx={{ mb: 1 }} onClose={() => change.reset()}>
          {change.error.message}
        </Alert>
      ) : null}
      <Table size="small" aria-label="Consents">
        <TableHead>
          <TableRow>
            <TableCell>Consent</TableCell>
            <TableCell>Status</TableCell>
            {writable ? <TableCell>Actions</TableCell> : null}
          </TableRow>
        </TableHead>
        <TableBody>
          {data.map((status) => (
            <TableRow key={status.consent.id}>
              <TableCell>
                {status.consent.url ? (
                  <Link href={status.consent.url} target="_blank" rel="noreferrer">
                    {status.consent.name}
                  </Link>
                ) : (
                  status.consent.name
                )}{' '}
                {status.consent.mandatory ? (
                  <Chip label="Mandatory" size="small" variant="outlined" />
                ) : null}
              </TableCell>
              <TableCell>
                {status.acceptedAt
                  ? `Accepted ${formatDateTime(status.acceptedAt)}`
                  : 'Not accepted'}
              </TableCell>
              {writable ? <TableCell>{action(status)}</TableCell> : null}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
};
