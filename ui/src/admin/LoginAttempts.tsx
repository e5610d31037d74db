import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Box,
  Card,
  Chip,
  CircularProgress,
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
import { Title, useDataProvider } from 'react-admin';
import { useSearchParams } from 'react-router-dom';
import type { AttemptQuery } from '../bindings/AttemptQuery';
import type { LoginAttempt } from '../bindings/LoginAttempt';
import type { Refusal } from '../bindings/Refusal';
import { formatDateTime } from '../customerUsers/fields';
import type { AppDataProvider } from '../data/dataProvider';
import { useDebouncedValue } from './shared';

const REFUSALS: Record<Refusal, string> = {
  bad_credentials: 'Bad credentials',
  disabled: 'Disabled',
  unconfirmed: 'Not confirmed',
  password_reset: 'Password reset',
  password_expired: 'Password expired',
  locked: 'Locked',
};

type Result = 'all' | 'success' | 'failed';

/** A `datetime-local` value (local time, no zone) as the RFC 3339 instant the core wants. */
const toInstant = (local: string): string | null => {
  const date = new Date(local);
  return local === '' || Number.isNaN(date.getTime()) ? null : date.toISOString();
};

const ResultChip = ({ attempt }: { attempt: LoginAttempt }) =>
  attempt.success ? (
    <Chip label="Success" color="success" size="small" variant="outlined" />
  ) : (
    <Chip
      label={attempt.reason ? REFUSALS[attempt.reason] : 'Failed'}
      color="error"
      size="small"
      variant="outlined"
    />
  );

const AttemptsTable = ({ attempts }: { attempts: LoginAttempt[] }) =>
  attempts.length === 0 ? (
    <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>
      No login attempts.
    </Typography>
  ) : (
    <TableContainer>
      <Table size="small" aria-label="Login Attempts">
        <TableHead>
          <TableRow>
            {['Time', 'Email', 'Result', 'Source', 'IP', 'User agent'].map((column) => (
              <TableCell key={column}>{column}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {attempts.map((attempt) => (
            <TableRow key={attempt.id}>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(attempt.at)}</TableCell>
              <TableCell>{attempt.username}</TableCell>
              <TableCell>
                <ResultChip attempt={attempt} />
              </TableCell>
              <TableCell>{attempt.source}</TableCell>
              <TableCell>{attempt.ip ?? '—'}</TableCell>
              <TableCell sx={{ maxWidth: 320, wordBreak: 'break-word' }}>
                {attempt.userAgent ?? '—'}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );

const LoginAttemptsScreen = ({ initialUser }: { initialUser: string }) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const [user, setUser] = useState(initialUser);
  const [result, setResult] = useState<Result>('all');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  // One query per pause in typing, not per key.
  const settledUser = useDebouncedValue(user.trim(), 300);
  const query: AttemptQuery = {
    user: settledUser || null,
    success: result === 'all' ? null : result === 'success',
    from: toInstant(from),
    to: toInstant(to),
    limit: 500,
  };
  const { data, error, isPending } = useQuery({
    queryKey: ['login-attempts', query],
    queryFn: () => dataProvider.listLoginAttempts(query),
    // The rows stay while the next filter's rows load, instead of blinking to a spinner.
    placeholderData: keepPreviousData,
  });
  return (
    <Box sx={{ py: 2 }}>
      <Title title="Login Attempts" />
      <Stack direction="row" spacing={2} useFlexGap sx={{ mb: 2, flexWrap: 'wrap' }}>
        <TextField
          label="User"
          placeholder="Email or customer user id"
          value={user}
          onChange={(event) => setUser(event.target.value)}
          size="small"
        />
        <TextField
          select
          label="Result"
          value={result}
          onChange={(event) => setResult(event.target.value as Result)}
          size="small"
          sx={{ minWidth: 140 }}
        >
          <MenuItem value="all">All</MenuItem>
          <MenuItem value="success">Success</MenuItem>
          <MenuItem value="failed">Failed</MenuItem>
        </TextField>
        <TextField
          label="From"
          type="datetime-local"
          value={from}
          onChange={(event) => setFrom(event.target.value)}
          size="small"
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <TextField
          label="To"
          type="datetime-local"
          value={to}
          onChange={(event) => setTo(event.target.value)}
          size="small"
          slotProps={{ inputLabel: { shrink: true } }}
        />
      </Stack>
      <Card variant="outlined">
        {isPending ? <CircularProgress sx={{ m: 2 }} aria-label="Loading login attempts" /> : null}
        {error ? <Alert severity="error">{error.message}</Alert> : null}
        {data ? <AttemptsTable attempts={data} /> : null}
      </Card>
    </Box>
  );
};

/** Every sign-in to the storefront, newest first; `?user=ID` (from the view page) prefilters. */
export const LoginAttempts = () => {
  const [params] = useSearchParams();
  const user = params.get('user') ?? '';
  // Keyed so that following another user's link starts over from that user.
  return <LoginAttemptsScreen key={user} initialUser={user} />;
};
