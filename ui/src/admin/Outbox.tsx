import { useState, type MouseEvent } from 'react';
import ReplayIcon from '@mui/icons-material/Replay';
import SendIcon from '@mui/icons-material/Send';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Box,
  Button,
  Card,
  Chip,
  CircularProgress,
  Collapse,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { Title, useCloseNotification, useDataProvider, useNotify, useRefresh } from 'react-admin';
import { Link } from 'react-router-dom';
import type { OutboxDelivery } from '../bindings/OutboxDelivery';
import type { OutboxMessage } from '../bindings/OutboxMessage';
import type { OutboxQuery } from '../bindings/OutboxQuery';
import type { OutboxState } from '../bindings/OutboxState';
import { formatDateTime } from '../customerUsers/fields';
import type { AppDataProvider } from '../data/dataProvider';
import { QueryState } from '../layout/ListStates';

const STATES: {
  state: OutboxState;
  label: string;
  color: 'info' | 'success' | 'error' | 'default';
}[] = [
  { state: 'queued', label: 'Queued', color: 'info' },
  { state: 'sent', label: 'Sent', color: 'success' },
  { state: 'failed', label: 'Failed', color: 'error' },
  { state: 'cancelled', label: 'Cancelled', color: 'default' },
];

const StateChip = ({ state }: { state: OutboxState }) => {
  const known = STATES.find((s) => s.state === state);
  return (
    <Chip label={known?.label ?? state} color={known?.color} size="small" variant="outlined" />
  );
};

const useOutbox = (query: OutboxQuery) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  return useQuery({ queryKey: ['outbox', query], queryFn: () => dataProvider.listOutbox(query) });
};

const RetryButton = ({ id }: { id: string }) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const { mutate, isPending } = useMutation({
    mutationFn: () => dataProvider.retryMessage(id),
    onSuccess: () => {
      notify('The message was queued again.', { type: 'success' });
      refresh();
    },
    onError: (error) => notify(error.message, { type: 'error' }),
  });
  return (
    <Button
      size="small"
      startIcon={<ReplayIcon />}
      disabled={isPending}
      onClick={(event: MouseEvent) => {
        // The row itself expands on click.
        event.stopPropagation();
        mutate();
      }}
    >
      Retry
    </Button>
  );
};

const COLUMNS = ['Created', 'To', 'Subject', 'State', 'Attempts', 'Last error'];

/** A message and, once clicked, its body (the core masked the link's token in it). */
const OutboxRow = ({ message }: { message: OutboxMessage }) => {
  const [open, setOpen] = useState(false);
  const toggle = () => setOpen(!open);
  return (
    <>
      <TableRow
        hover
        tabIndex={0}
        aria-expanded={open}
        onClick={toggle}
        onKeyDown={(event) => {
          if (event.target === event.currentTarget && event.key === 'Enter') toggle();
        }}
        sx={{ cursor: 'pointer', '& > td': { borderBottom: open ? 'none' : undefined } }}
      >
        <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(message.createdAt)}</TableCell>
        <TableCell>{message.recipient}</TableCell>
        <TableCell>{message.subject}</TableCell>
        <TableCell>
          <StateChip state={message.state} />
        </TableCell>
        <TableCell>{String(message.attempts)}</TableCell>
        <TableCell sx={{ maxWidth: 360, wordBreak: 'break-word' }}>
          {message.lastError ?? '—'}
        </TableCell>
        <TableCell>
          {message.state === 'failed' || message.state === 'cancelled' ? (
            <RetryButton id={message.id} />
          ) : null}
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell colSpan={COLUMNS.length + 1} sx={{ py: 0 }}>
          <Collapse in={open} unmountOnExit>
            <Box
              component="pre"
              aria-label={`Body of the message to ${message.recipient}`}
              sx={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontFamily: 'inherit', my: 2 }}
            >
              {message.body}
            </Box>
          </Collapse>
        </TableCell>
      </TableRow>
    </>
  );
};

const OutboxTable = ({
  label,
  messages,
  empty,
}: {
  label: string;
  messages: OutboxMessage[];
  empty: string;
}) =>
  messages.length === 0 ? (
    <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>
      {empty}
    </Typography>
  ) : (
    <TableContainer>
      <Table size="small" aria-label={label}>
        <TableHead>
          <TableRow>
            {COLUMNS.map((column) => (
              <TableCell key={column}>{column}</TableCell>
            ))}
            <TableCell aria-label="Actions" />
          </TableRow>
        </TableHead>
        <TableBody>
          {messages.map((message) => (
            <OutboxRow key={message.id} message={message} />
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );

const OpenSettingsButton = () => {
  const close = useCloseNotification();
  return (
    <Button component={Link} to="/settings" color="inherit" size="small" onClick={close}>
      Open Settings
    </Button>
  );
};

const summary = ({ sent, retrying, failed, cancelled }: OutboxDelivery) =>
  `Sent ${sent}, retrying ${retrying}, failed ${failed}.` +
  (cancelled > 0 ? ` Cancelled ${cancelled}.` : '');

const SendNowButton = () => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const { mutate, isPending } = useMutation({
    mutationFn: () => dataProvider.deliverOutbox(),
    onSuccess: (delivery) => {
      notify(summary(delivery), { type: 'success' });
      refresh();
    },
    // A run fails as a whole only for want of a usable SMTP setup (host, keychain password).
    // The Notification hands unknown options to its Snackbar: `action` is the button slot.
    onError: (error) =>
      notify(error.message, {
        type: 'error',
        autoHideDuration: 10000,
        action: <OpenSettingsButton />,
      }),
  });
  return (
    <Button
      variant="contained"
      startIcon={<SendIcon />}
      disabled={isPending}
      onClick={() => mutate()}
    >
      Send now
    </Button>
  );
};

/** Every email the app queued, newest first, with what the SMTP server answered. */
export const Outbox = () => {
  const [state, setState] = useState<OutboxState | 'all'>('all');
  const { data, error, isPending } = useOutbox({
    state: state === 'all' ? null : state,
    customerUserId: null,
    limit: 200,
  });
  return (
    <Box sx={{ py: 2 }}>
      <Title title="Email Outbox" />
      <Stack direction="row" spacing={2} sx={{ mb: 2, alignItems: 'center' }}>
        <TextField
          select
          label="State"
          value={state}
          onChange={(event) => setState(event.target.value as OutboxState | 'all')}
          size="small"
          sx={{ minWidth: 160 }}
        >
          <MenuItem value="all">All</MenuItem>
          {STATES.map((s) => (
            <MenuItem key={s.state} value={s.state}>
              {s.label}
            </MenuItem>
          ))}
        </TextField>
        <Box sx={{ flex: 1 }} />
        <SendNowButton />
      </Stack>
      <Card variant="outlined">
        {isPending ? <CircularProgress sx={{ m: 2 }} aria-label="Loading the outbox" /> : null}
        {error ? <Alert severity="error">{error.message}</Alert> : null}
        {data ? <OutboxTable label="Email Outbox" messages={data} empty="No messages." /> : null}
      </Card>
    </Box>
  );
};

/** The emails sent (or not yet) to one customer user, for their view page. */
export const CustomerUserEmails = ({ customerUserId }: { customerUserId: string }) => {
  const { data, error, isPending } = useOutbox({ state: null, customerUserId, limit: 200 });
  if (isPending || error)
    return <QueryState pending={isPending} error={error} label="Loading emails" />;
  return (
    <OutboxTable label="Emails" messages={data} empty="No emails sent to this customer user." />
  );
};
