/**
 * System › Sync: the changes of this desktop the team server refused (each can be sent again
 * or dropped) and the records from the server that wait for another one.
 */
import { useId, useState } from 'react';
import CloudSyncIcon from '@mui/icons-material/CloudSync';
import DeleteIcon from '@mui/icons-material/Delete';
import ReplayIcon from '@mui/icons-material/Replay';
import {
  Alert,
  Box,
  Button,
  CircularProgress,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { Title, useNotify } from 'react-admin';
import { Link } from 'react-router-dom';
import type { RefusedChange } from '../bindings/RefusedChange';
import type { WaitingRecord } from '../bindings/WaitingRecord';
import { formatDateTime } from '../customerUsers/fields';
import { fieldLabel } from '../customerUsers/fieldTable';
import type { Field } from '../bindings/Field';
import {
  canSyncNow,
  syncStateLabel,
  useSyncCommand,
  useSyncNow,
  useSyncView,
} from '../layout/Sync';
import { SectionCard } from './shared';

/** The synced entities in words (`cu_sync::wire::ENTITIES`). */
const ENTITY_LABELS: Record<string, string> = {
  localization: 'Localization',
  app_user: 'Back-office user',
  customer: 'Customer',
  customer_user_role: 'Role',
  website: 'Website',
  setting: 'Setting',
  email_template: 'Email template',
  customer_user: 'Customer user',
  change_log: 'History entry',
};

const entityLabel = (entity: string) => ENTITY_LABELS[entity] ?? entity;

/** "Customer user cu-0001", a link to the view page for a customer user. */
const RecordName = ({ entity, entityId }: { entity: string; entityId: string }) => {
  const name = `${entityLabel(entity)} ${entityId}`;
  if (entity === 'customer_user')
    return <Link to={`/customer-users/${encodeURIComponent(entityId)}/show`}>{name}</Link>;
  return <>{name}</>;
};

/** A customer user's field by its label; other fields as the server named them. */
const fieldName = (change: RefusedChange) =>
  change.field === null
    ? '—'
    : change.entity === 'customer_user'
      ? fieldLabel(change.field as Field)
      : change.field;

const RetryButton = ({ change }: { change: RefusedChange }) => {
  const notify = useNotify();
  const retry = useSyncCommand((dataProvider, seq: number) => dataProvider.syncRetry(seq));
  return (
    <Button
      size="small"
      startIcon={<ReplayIcon />}
      disabled={retry.isPending}
      onClick={() =>
        retry.mutate(change.seq, {
          onSuccess: () =>
            notify('The change will be sent again at the next sync.', { type: 'success' }),
          onError: (error) => notify(error.message, { type: 'error' }),
        })
      }
    >
      Retry
    </Button>
  );
};

const DiscardButton = ({ change }: { change: RefusedChange }) => {
  const notify = useNotify();
  const titleId = useId();
  const [open, setOpen] = useState(false);
  const discard = useSyncCommand((dataProvider, seq: number) => dataProvider.syncDiscard(seq));
  const name = `${entityLabel(change.entity)} ${change.entityId}`;
  return (
    <>
      <Button
        size="small"
        color="error"
        startIcon={<DeleteIcon />}
        disabled={discard.isPending}
        onClick={() => setOpen(true)}
      >
        Discard
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby={titleId}>
        <DialogTitle id={titleId}>Discard this change?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            This desktop’s change to {name} is dropped: the record becomes the team’s copy again.
          </DialogContentText>
          {discard.error ? (
            <Alert severity="error" sx={{ mt: 2 }}>
              {discard.error.message}
            </Alert>
          ) : null}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={discard.isPending}>
            Cancel
          </Button>
          <Button
            color="error"
            variant="contained"
            disabled={discard.isPending}
            onClick={() =>
              discard.mutate(change.seq, {
                onSuccess: () => {
                  setOpen(false);
                  notify('The change was discarded.', { type: 'success' });
                },
              })
            }
          >
            Discard
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
};

const Empty = ({ children }: { children: string }) => (
  <Typography variant="body2" color="text.secondary">
    {children}
  </Typography>
);

const RefusedTable = ({ refused }: { refused: RefusedChange[] }) =>
  refused.length === 0 ? (
    <Empty>No refused changes: the team server took every change sent from this desktop.</Empty>
  ) : (
    <TableContainer>
      <Table size="small" aria-label="Refused changes">
        <TableHead>
          <TableRow>
            <TableCell>Record</TableCell>
            <TableCell>Field</TableCell>
            <TableCell>Reason</TableCell>
            <TableCell>Time</TableCell>
            <TableCell aria-label="Actions" />
          </TableRow>
        </TableHead>
        <TableBody>
          {refused.map((change) => (
            <TableRow key={change.seq}>
              <TableCell>
                <RecordName entity={change.entity} entityId={change.entityId} />
              </TableCell>
              <TableCell>{fieldName(change)}</TableCell>
              <TableCell sx={{ maxWidth: 420, wordBreak: 'break-word' }}>
                {change.message}
              </TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(change.at)}</TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                <RetryButton change={change} />
                <DiscardButton change={change} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );

const WaitingTable = ({ waiting }: { waiting: WaitingRecord[] }) =>
  waiting.length === 0 ? (
    <Empty>No records are waiting: everything received from the team server is written here.</Empty>
  ) : (
    <TableContainer>
      <Table size="small" aria-label="Waiting records">
        <TableHead>
          <TableRow>
            <TableCell>Record</TableCell>
            <TableCell>Reason</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {waiting.map((record) => (
            <TableRow key={`${record.entity}:${record.entityId}`}>
              <TableCell>
                <RecordName entity={record.entity} entityId={record.entityId} />
              </TableCell>
              <TableCell sx={{ wordBreak: 'break-word' }}>{record.reason}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );

export const Sync = () => {
  const { data, error, isPending } = useSyncView();
  const syncNow = useSyncNow();
  const notify = useNotify();
  return (
    <Box sx={{ py: 2 }}>
      <Title title="Sync" />
      {isPending ? <CircularProgress aria-label="Loading the sync status" /> : null}
      {error ? <Alert severity="error">{error.message}</Alert> : null}
      {data ? (
        <Stack spacing={2}>
          <Stack
            direction="row"
            spacing={2}
            useFlexGap
            flexWrap="wrap"
            sx={{ alignItems: 'center' }}
          >
            <Typography variant="body2">
              {data.state === 'signedOut'
                ? 'Not signed in to a team server.'
                : `${syncStateLabel(data)} · ${data.status.pending.toLocaleString()} pending ${
                    data.status.pending === 1 ? 'change' : 'changes'
                  } · last sync ${
                    data.status.lastSync ? formatDateTime(data.status.lastSync) : 'never'
                  }`}
            </Typography>
            <Box sx={{ flex: 1 }} />
            <Button
              variant="contained"
              startIcon={<CloudSyncIcon />}
              disabled={!canSyncNow(data.state) || syncNow.isPending}
              onClick={() =>
                syncNow.mutate(false, {
                  onSuccess: () => notify('Syncing in the background.', { type: 'info' }),
                  onError: (e) => notify(e.message, { type: 'error' }),
                })
              }
            >
              Sync now
            </Button>
            <Button component={Link} to="/server">
              Server
            </Button>
          </Stack>
          {data.status.lastError ? (
            <Alert severity="warning">Last error: {data.status.lastError}</Alert>
          ) : null}
          <SectionCard id="sync-refused" title="Refused changes">
            <RefusedTable refused={data.status.refused} />
          </SectionCard>
          <SectionCard id="sync-waiting" title="Waiting records">
            <WaitingTable waiting={data.status.waiting} />
          </SectionCard>
        </Stack>
      ) : null}
    </Box>
  );
};

/**
 * On a record's view page: the changes to it the team server refused, each with its reason
 * and the way to the Sync screen, where they are sent again or dropped.
 */
export const RefusedChangeAlerts = ({ entity, id }: { entity: string; id: string }) => {
  const { data } = useSyncView();
  const refused = (data?.status.refused ?? []).filter(
    (change) => change.entity === entity && change.entityId === id,
  );
  return (
    <>
      {refused.map((change) => (
        <Alert
          key={change.seq}
          severity="error"
          sx={{ mb: 2 }}
          action={
            <Button color="inherit" size="small" component={Link} to="/sync">
              Open Sync
            </Button>
          }
        >
          The team server refused a change to this user: {change.message}
        </Alert>
      ))}
    </>
  );
};
