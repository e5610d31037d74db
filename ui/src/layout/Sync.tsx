/**
 * The team server sync, as the window sees it. The sync itself runs in the background on the
 * Rust side; the window asks `sync_status` every second (and right after each action) and
 * keeps the answer in one react-query entry (`SYNC_VIEW`), which the app-bar indicator, the
 * Server and Sync screens and the customer user's view page all read.
 *
 * The poll writes the entry with `setQueryData`, not as a refetch: react-admin's loading
 * indicator (and its Refresh button) then do not blink every second.
 */
import { useEffect, useId, useRef, useState, type ReactElement, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import {
  Alert,
  Box,
  Button,
  Chip,
  CircularProgress,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  LinearProgress,
  Popover,
  Stack,
  Typography,
} from '@mui/material';
import CloudDoneIcon from '@mui/icons-material/CloudDone';
import CloudOffIcon from '@mui/icons-material/CloudOff';
import CloudSyncIcon from '@mui/icons-material/CloudSync';
import ErrorOutlineIcon from '@mui/icons-material/ErrorOutline';
import HelpOutlineIcon from '@mui/icons-material/HelpOutline';
import SyncIcon from '@mui/icons-material/Sync';
import { useDataProvider, useNotify } from 'react-admin';
import { Link } from 'react-router-dom';
import type { SyncState } from '../bindings/SyncState';
import type { SyncView } from '../bindings/SyncView';
import { formatDateTime } from '../customerUsers/fields';
import type { AppDataProvider } from '../data/dataProvider';

export const SYNC_VIEW = ['syncView'];
/** How often the window asks `sync_status`. */
export const SYNC_POLL_MS = 1000;

/** The last `sync_status` answer; `data` is undefined until the first one. */
export function useSyncView() {
  const dataProvider = useDataProvider<AppDataProvider>();
  return useQuery({
    queryKey: SYNC_VIEW,
    queryFn: () => dataProvider.syncStatus(),
    // The poll keeps it fresh (`useSyncPolling`); a screen that mounts reads what it has.
    staleTime: Infinity,
  });
}

/** The query keys that hold records: refetched when a sync has brought some. */
const holdsRecords = (key: readonly unknown[]) => key[0] !== SYNC_VIEW[0] && key[0] !== 'storeInfo';

/**
 * Stores a fresh view. When the pull cursor moved, the sync brought records from the team:
 * what the screens show is refetched (in the background; the grid stays as it is meanwhile).
 */
function storeView(queryClient: QueryClient, view: SyncView) {
  const previous = queryClient.getQueryData<SyncView>(SYNC_VIEW);
  queryClient.setQueryData(SYNC_VIEW, view);
  if (previous && previous.status.cursor !== view.status.cursor) {
    void queryClient.invalidateQueries({ predicate: (q) => holdsRecords(q.queryKey) });
  }
}

/** Asks `sync_status` once and stores the answer; a failed ask keeps the last one. */
function useAskSyncStatus() {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  return async () => {
    try {
      storeView(queryClient, await dataProvider.syncStatus());
    } catch {
      // The indicator keeps what it showed; the next poll asks again.
    }
  };
}

/** Asks `sync_status` every `SYNC_POLL_MS` while mounted (the app bar's indicator is). */
export function useSyncPolling() {
  const ask = useAskSyncStatus();
  const askRef = useRef(ask);
  useEffect(() => {
    askRef.current = ask;
  });
  useEffect(() => {
    let busy = false;
    const timer = setInterval(() => {
      // One question at a time: a slow answer is not stacked under the next.
      if (busy) return;
      busy = true;
      void askRef.current().finally(() => {
        busy = false;
      });
    }, SYNC_POLL_MS);
    return () => clearInterval(timer);
  }, []);
}

/**
 * A sync command (each answers with the view): the answer is stored, then `sync_status` is
 * asked again at once, since `sync_now` and `sync_retry` only wake the background sync.
 */
export function useSyncCommand<T>(
  command: (dataProvider: AppDataProvider, arg: T) => Promise<SyncView>,
) {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const ask = useAskSyncStatus();
  return useMutation({
    mutationFn: (arg: T) => command(dataProvider, arg),
    onSuccess: (view) => {
      storeView(queryClient, view);
      void ask();
    },
  });
}

/** "Sync now" (or, with `true`, "Start from the team's data"). */
export const useSyncNow = () =>
  useSyncCommand((dataProvider, replaceLocal: boolean) => dataProvider.syncNow(replaceLocal));

/** The indicator's words for a state, with `received` while a sync runs. */
export function syncStateLabel(view: Pick<SyncView, 'state' | 'received' | 'status'>): string {
  switch (view.state) {
    case 'signedOut':
      return 'Not synced';
    case 'syncing':
      return typeof view.received === 'number'
        ? `Syncing… (${view.received.toLocaleString()} received)`
        : 'Syncing…';
    case 'upToDate':
      return 'Up to date';
    case 'offline':
      return 'Offline';
    case 'needsDecision':
      return 'Needs your decision';
    case 'signInAgain':
      return 'Sign in again';
  }
}

/** Can "Sync now" do anything: signed in, and not waiting for a decision or a new sign-in. */
export const canSyncNow = (state: SyncState) =>
  state === 'upToDate' || state === 'offline' || state === 'syncing';

const STATE_LOOK: Record<
  SyncState,
  { icon: ReactElement; color: 'default' | 'success' | 'warning' | 'error' | 'info' }
> = {
  signedOut: { icon: <CloudOffIcon />, color: 'default' },
  syncing: { icon: <SyncIcon />, color: 'info' },
  upToDate: { icon: <CloudDoneIcon />, color: 'success' },
  offline: { icon: <CloudOffIcon />, color: 'warning' },
  needsDecision: { icon: <HelpOutlineIcon />, color: 'warning' },
  signInAgain: { icon: <ErrorOutlineIcon />, color: 'error' },
};

/** What one state means, in a sentence, for the popover. */
const STATE_SENTENCE: Record<SyncState, string> = {
  signedOut:
    'This desktop has joined a team but is not signed in to its server: changes made here wait until you sign in.',
  syncing: 'Sending this desktop’s changes and receiving the team’s.',
  upToDate: 'This desktop has the team’s latest records.',
  offline: 'The team server cannot be reached: changes made here wait and are sent later.',
  needsDecision: 'The first sync with the team waits for your decision.',
  signInAgain:
    'The team server no longer accepts this desktop’s sign-in: sign in again to keep syncing.',
};

// ---------------------------------------------------------------------------------------------
// Decision

/** The first sync needs the admin's word: start from the team's data, or not now. */
export const SyncDecisionDialog = ({
  open,
  decision,
  onClose,
}: {
  open: boolean;
  decision: string | null;
  onClose: () => void;
}) => {
  const titleId = useId();
  const replace = useSyncNow();
  const notify = useNotify();
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <DialogTitle id={titleId}>Start from the team’s data?</DialogTitle>
      <DialogContent>
        {decision ? <DialogContentText sx={{ mb: 2 }}>{decision}</DialogContentText> : null}
        <DialogContentText>
          The team’s data will replace this desktop’s records. This desktop’s demo data and its own
          records are not sent to the team server.
        </DialogContentText>
        {replace.error ? (
          <Alert severity="error" sx={{ mt: 2 }}>
            {replace.error.message}
          </Alert>
        ) : null}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={replace.isPending}>
          Not now
        </Button>
        <Button
          variant="contained"
          disabled={replace.isPending}
          onClick={() =>
            replace.mutate(true, {
              onSuccess: () => {
                onClose();
                notify('Starting from the team’s data: the sync runs in the background.', {
                  type: 'info',
                });
              },
            })
          }
        >
          Start from the team’s data
        </Button>
      </DialogActions>
    </Dialog>
  );
};

// ---------------------------------------------------------------------------------------------
// Indicator

const PopoverLine = ({ label, children }: { label: string; children: ReactNode }) => (
  <Typography variant="body2">
    <Box component="span" sx={{ color: 'text.secondary' }}>
      {label}:
    </Box>{' '}
    {children}
  </Typography>
);

/**
 * The app bar's sync chip: nothing on a desktop that never joined a team, "Not synced" on one
 * that did but is signed out, else the state. A click opens the details and "Sync now"; while a
 * sync runs a thin bar runs under the app bar. Nothing here blocks the page.
 */
export const SyncIndicator = () => {
  useSyncPolling();
  const { data: view } = useSyncView();
  const syncNow = useSyncNow();
  const notify = useNotify();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const popoverId = useId();

  // The decision dialog opens once each time the state becomes `needsDecision`.
  const deciding = view?.state === 'needsDecision';
  const [dismissed, setDismissed] = useState(false);
  if (!deciding && dismissed) setDismissed(false);

  if (!view) return null;
  const { state, status } = view;
  if (state === 'signedOut' && !status.joined) return null;
  const look = STATE_LOOK[state];
  const label = syncStateLabel(view);
  const close = () => setAnchor(null);

  return (
    <>
      <Box role="status" aria-label="Sync" sx={{ display: 'flex', alignItems: 'center', mx: 1 }}>
        <Chip
          icon={look.icon}
          label={label}
          size="small"
          variant="outlined"
          onClick={(event) => setAnchor(event.currentTarget)}
          aria-haspopup="dialog"
          aria-expanded={anchor ? true : undefined}
          aria-controls={anchor ? popoverId : undefined}
          sx={{
            color: 'inherit',
            borderColor: 'currentColor',
            '& .MuiChip-icon': { color: 'inherit' },
            maxWidth: 260,
          }}
        />
      </Box>
      {state === 'syncing' && typeof view.received === 'number' ? (
        <LinearProgress
          aria-label="Sync progress"
          color="inherit"
          sx={{ position: 'absolute', left: 0, right: 0, bottom: 0, height: 2 }}
        />
      ) : null}
      <Popover
        id={popoverId}
        open={!!anchor}
        anchorEl={anchor}
        onClose={close}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}
        transformOrigin={{ vertical: 'top', horizontal: 'right' }}
        slotProps={{ paper: { role: 'dialog', 'aria-label': 'Sync details' } }}
      >
        <Box sx={{ p: 2, maxWidth: 360 }}>
          <Typography variant="subtitle1" component="h2">
            {label}
          </Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
            {STATE_SENTENCE[state]}
          </Typography>
          <Stack spacing={0.5}>
            {status.server ? <PopoverLine label="Server">{status.server}</PopoverLine> : null}
            <PopoverLine label="Pending changes">{status.pending.toLocaleString()}</PopoverLine>
            <PopoverLine label="Last sync">
              {status.lastSync ? formatDateTime(status.lastSync) : 'Never'}
            </PopoverLine>
            {status.lastError ? (
              <PopoverLine label="Last error">{status.lastError}</PopoverLine>
            ) : null}
            {status.refused.length > 0 ? (
              <PopoverLine label="Refused changes">
                {status.refused.length.toLocaleString()}
              </PopoverLine>
            ) : null}
            {status.waiting.length > 0 ? (
              <PopoverLine label="Waiting records">
                {status.waiting.length.toLocaleString()}
              </PopoverLine>
            ) : null}
          </Stack>
          {syncNow.error ? (
            <Alert severity="error" sx={{ mt: 1 }}>
              {syncNow.error.message}
            </Alert>
          ) : null}
          <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap" sx={{ mt: 2 }}>
            {deciding ? (
              <Button
                variant="contained"
                size="small"
                onClick={() => {
                  close();
                  setDismissed(false);
                }}
              >
                Decide…
              </Button>
            ) : state === 'signInAgain' || state === 'signedOut' ? (
              <Button
                variant="contained"
                size="small"
                component={Link}
                to="/server"
                onClick={close}
              >
                Sign in
              </Button>
            ) : (
              <Button
                variant="contained"
                size="small"
                startIcon={
                  syncNow.isPending ? (
                    <CircularProgress size={14} color="inherit" aria-hidden />
                  ) : (
                    <CloudSyncIcon />
                  )
                }
                disabled={!canSyncNow(state) || syncNow.isPending}
                onClick={() =>
                  syncNow.mutate(false, {
                    onSuccess: () => notify('Syncing in the background.', { type: 'info' }),
                  })
                }
              >
                Sync now
              </Button>
            )}
            <Button size="small" component={Link} to="/sync" onClick={close}>
              Open Sync
            </Button>
            <Button size="small" component={Link} to="/server" onClick={close}>
              Server
            </Button>
          </Stack>
        </Box>
      </Popover>
      <SyncDecisionDialog
        open={deciding && !dismissed}
        decision={view.decision}
        onClose={() => setDismissed(true)}
      />
    </>
  );
};
