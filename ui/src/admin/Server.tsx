/**
 * System › Server: signing this desktop in to the team server, and how the sync stands.
 * Signing in waits for the network (a spinner shows); every other sync command only wakes the
 * background sync, whose progress the app-bar indicator shows.
 */
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import CloudSyncIcon from '@mui/icons-material/CloudSync';
import LoginIcon from '@mui/icons-material/Login';
import LogoutIcon from '@mui/icons-material/Logout';
import {
  Alert,
  Box,
  Button,
  Checkbox,
  CircularProgress,
  FormControlLabel,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { Title, useNotify } from 'react-admin';
import { Link } from 'react-router-dom';
import type { SyncView } from '../bindings/SyncView';
import { formatDateTime } from '../customerUsers/fields';
import type { ServerSignIn } from '../data/dataProvider';
import { BACK_OFFICE_USERS, CURRENT_ADMIN } from '../layout/CurrentAdmin';
import { Detail, Details } from '../layout/Details';
import {
  SyncDecisionDialog,
  canSyncNow,
  syncStateLabel,
  useSyncCommand,
  useSyncNow,
  useSyncView,
} from '../layout/Sync';
import { SectionCard, fieldErrors } from './shared';

/** Which records are the team's: said once, on this screen. */
export const TEAM_RECORDS =
  'SMTP settings (smtp*) stay on this desktop; every other setting, the e-mail templates, customer users, customers, websites, roles and back-office users are the team’s and sync.';

type Draft = {
  url: string;
  email: string;
  password: string;
  caFile: string;
  insecureHttp: boolean;
};

/** The inputs that can carry a refusal of their own. */
const FIELDS = ['url', 'email', 'password', 'caFile'] as const;

const SignInForm = ({ view }: { view: SyncView }) => {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [draft, setDraft] = useState<Draft>(() => ({
    url: view.status.server ?? view.status.joined ?? '',
    email: view.status.admin ?? '',
    password: '',
    caFile: '',
    insecureHttp: false,
  }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string>();

  const signIn = useSyncCommand((dataProvider, input: ServerSignIn) =>
    dataProvider.serverSignIn(input),
  );

  const change = (key: keyof Draft, value: string | boolean) => {
    setDraft((previous) => ({ ...previous, [key]: value }));
    setErrors(({ [key]: _fixed, ...rest }) => rest);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    setErrors({});
    const caFile = draft.caFile.trim();
    signIn.mutate(
      {
        url: draft.url.trim(),
        email: draft.email.trim(),
        password: draft.password,
        caFile: caFile === '' ? null : caFile,
        insecureHttp: draft.insecureHttp,
      },
      {
        onSuccess: (signedIn) => {
          setDraft((previous) => ({ ...previous, password: '' }));
          // The admin signed in becomes the one who acts in this window.
          void queryClient.invalidateQueries({ queryKey: CURRENT_ADMIN });
          void queryClient.invalidateQueries({ queryKey: BACK_OFFICE_USERS });
          notify(`Signed in to ${signedIn.status.server ?? 'the team server'}.`, {
            type: 'success',
          });
        },
        onError: (error) => {
          const byField = fieldErrors(error);
          const shown = Object.fromEntries(
            FIELDS.filter((f) => byField[f]).map((f) => [f, byField[f]]),
          );
          setErrors(shown);
          setProblem(Object.keys(shown).length > 0 ? undefined : error.message);
        },
      },
    );
  };

  const text = (
    key: (typeof FIELDS)[number],
    label: string,
    extra: { type?: string; autoComplete?: string; helperText?: string; placeholder?: string },
  ) => (
    <TextField
      name={key}
      label={label}
      type={extra.type ?? 'text'}
      value={draft[key]}
      onChange={(event) => change(key, event.target.value)}
      error={!!errors[key]}
      helperText={errors[key] ?? extra.helperText}
      placeholder={extra.placeholder}
      autoComplete={extra.autoComplete ?? 'off'}
      disabled={signIn.isPending}
      size="small"
      fullWidth
    />
  );

  return (
    <Box component="form" onSubmit={submit} noValidate aria-label="Sign in to the team server">
      <Stack spacing={2} sx={{ maxWidth: 560 }}>
        {text('url', 'Server URL', {
          type: 'url',
          placeholder: 'https://team.example.com',
        })}
        {text('email', 'E-mail', { type: 'email', autoComplete: 'username' })}
        {text('password', 'Password', { type: 'password', autoComplete: 'current-password' })}
        {text('caFile', 'Extra CA certificate file (PEM)', {
          helperText:
            'Optional: the path of a PEM file, for a server whose certificate this system does not trust.',
        })}
        <FormControlLabel
          control={
            <Checkbox
              checked={draft.insecureHttp}
              onChange={(event) => change('insecureHttp', event.target.checked)}
              disabled={signIn.isPending}
            />
          }
          label="Allow plain http:// to another machine (private network only)"
        />
        {problem ? <Alert severity="error">{problem}</Alert> : null}
        <Box>
          <Button
            type="submit"
            variant="contained"
            disabled={signIn.isPending}
            startIcon={
              signIn.isPending ? (
                <CircularProgress size={16} color="inherit" aria-hidden />
              ) : (
                <LoginIcon />
              )
            }
          >
            {signIn.isPending ? 'Signing in…' : 'Sign in'}
          </Button>
        </Box>
      </Stack>
    </Box>
  );
};

const SignedIn = ({ view }: { view: SyncView }) => {
  const notify = useNotify();
  const syncNow = useSyncNow();
  const signOut = useSyncCommand((dataProvider, _: void) => dataProvider.serverSignOut());
  const [deciding, setDeciding] = useState(false);
  const { state, status } = view;
  const busy = syncNow.isPending || signOut.isPending;
  const error = syncNow.error ?? signOut.error;
  return (
    <Box>
      {state === 'needsDecision' ? (
        <Alert
          severity="warning"
          sx={{ mb: 2 }}
          action={
            <Button color="inherit" size="small" onClick={() => setDeciding(true)}>
              Decide…
            </Button>
          }
        >
          {view.decision ?? 'The first sync with the team waits for your decision.'}
        </Alert>
      ) : null}
      {state === 'signInAgain' ? (
        <Alert severity="error" sx={{ mb: 2 }}>
          The team server no longer accepts this desktop’s sign-in: sign in again below.
        </Alert>
      ) : null}
      <Details breakWords>
        <Detail label="State">{syncStateLabel(view)}</Detail>
        <Detail label="Server">{status.server ?? '—'}</Detail>
        <Detail label="Signed in as">{status.admin ?? '—'}</Detail>
        <Detail label="Joined team">{status.joined ?? 'Not yet: the first sync joins it.'}</Detail>
        <Detail label="Last sync">
          {status.lastSync ? formatDateTime(status.lastSync) : 'Never'}
        </Detail>
        <Detail label="Last error">{status.lastError ?? 'None'}</Detail>
        <Detail label="Pending changes">{status.pending.toLocaleString()}</Detail>
        <Detail label="Refused changes">
          {status.refused.length.toLocaleString()}
          {status.refused.length > 0 ? (
            <>
              {' '}
              (<Link to="/sync">see them on the Sync screen</Link>)
            </>
          ) : null}
        </Detail>
      </Details>
      {error ? (
        <Alert severity="error" sx={{ mt: 2 }}>
          {error.message}
        </Alert>
      ) : null}
      <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap" sx={{ mt: 2 }}>
        <Button
          variant="contained"
          startIcon={<CloudSyncIcon />}
          disabled={busy || !canSyncNow(state)}
          onClick={() =>
            syncNow.mutate(false, {
              onSuccess: () => notify('Syncing in the background.', { type: 'info' }),
            })
          }
        >
          Sync now
        </Button>
        <Button
          variant="outlined"
          startIcon={<LogoutIcon />}
          disabled={busy}
          onClick={() =>
            signOut.mutate(undefined, {
              onSuccess: () =>
                notify('Signed out. Every record stays on this desktop.', { type: 'success' }),
            })
          }
        >
          Sign out
        </Button>
        <Button component={Link} to="/sync">
          Open Sync
        </Button>
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
        Signing out keeps this desktop’s data: every record stays here, and changes not sent yet
        wait until you sign in again.
      </Typography>
      <SyncDecisionDialog
        open={deciding && state === 'needsDecision'}
        decision={view.decision}
        onClose={() => setDeciding(false)}
      />
    </Box>
  );
};

export const Server = () => {
  const { data, error, isPending } = useSyncView();
  const signedIn = !!data && data.state !== 'signedOut';
  const needsSignIn = !!data && (data.state === 'signedOut' || data.state === 'signInAgain');
  return (
    <Box sx={{ py: 2 }}>
      <Title title="Server" />
      {isPending ? <CircularProgress aria-label="Loading the sync status" /> : null}
      {error ? <Alert severity="error">{error.message}</Alert> : null}
      {data ? (
        <Stack spacing={2}>
          <Typography variant="body2" color="text.secondary">
            {TEAM_RECORDS}
          </Typography>
          {signedIn ? (
            <SectionCard id="server-team" title="Team server">
              <SignedIn view={data} />
            </SectionCard>
          ) : null}
          {needsSignIn ? (
            <SectionCard id="server-sign-in" title="Sign in">
              {data.state === 'signedOut' ? (
                <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
                  {data.status.joined
                    ? 'This desktop has joined a team: sign in to its server to keep syncing.'
                    : 'Sign in to the team’s server to share this desktop’s records with the team.'}
                </Typography>
              ) : null}
              <SignInForm view={data} />
            </SectionCard>
          ) : null}
        </Stack>
      ) : null}
    </Box>
  );
};
