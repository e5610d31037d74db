/**
 * The current admin: the back-office user who acts in this window. Every change the core
 * records names them, and it refuses changes while nobody is chosen, so the app asks first.
 *
 * The header, the first-launch gate and the Settings switch all read one react-query entry
 * (`CURRENT_ADMIN`): switching in one place shows everywhere at once.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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
  FormControlLabel,
  MenuItem,
  Radio,
  RadioGroup,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import PersonIcon from '@mui/icons-material/Person';
import { useDataProvider, useNotify } from 'react-admin';
import type { User } from '../bindings/User';
import type { BackOfficeUserInput } from '../bindings/BackOfficeUserInput';
import type { AppDataProvider } from '../data/dataProvider';
import { fieldErrors } from '../admin/shared';
import { useReadOnly, useStoreInfo } from './StoreInfo';

export const CURRENT_ADMIN = ['currentAdmin'];
/** Under react-admin's `users` key, so what invalidates the Owner choices refreshes these too. */
export const BACK_OFFICE_USERS = ['users', 'backOffice'];

/** "John Doe (admin)". */
export const adminLabel = (user: Pick<User, 'name' | 'username'>) =>
  user.name.trim() ? `${user.name} (${user.username})` : user.username;

export function useCurrentAdmin() {
  const dataProvider = useDataProvider<AppDataProvider>();
  return useQuery({ queryKey: CURRENT_ADMIN, queryFn: () => dataProvider.currentAdmin() });
}

export function useBackOfficeUsers() {
  const dataProvider = useDataProvider<AppDataProvider>();
  return useQuery({ queryKey: BACK_OFFICE_USERS, queryFn: () => dataProvider.listUsers() });
}

/** `set_current_admin`; on success the header (and everything reading `CURRENT_ADMIN`) updates. */
export function useSetCurrentAdmin() {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => dataProvider.setCurrentAdmin(id),
    onSuccess: (user) => queryClient.setQueryData(CURRENT_ADMIN, user),
  });
}

// ---------------------------------------------------------------------------------------------
// Header

/**
 * The app bar's "John Doe (admin)"; nothing while nobody is chosen, nor on a read-only store,
 * where nobody acts.
 */
export const CurrentAdminLabel = () => {
  const { data } = useCurrentAdmin();
  const readOnly = useReadOnly();
  if (!data || readOnly) return null;
  return (
    <Box
      role="status"
      aria-label="Current admin"
      title="Current admin"
      sx={{ display: 'flex', alignItems: 'center', gap: 0.5, mx: 1, minWidth: 0 }}
    >
      <PersonIcon fontSize="small" aria-hidden />
      <Typography variant="body2" component="span" noWrap>
        {adminLabel(data)}
      </Typography>
    </Box>
  );
};

// ---------------------------------------------------------------------------------------------
// Settings

/** Settings › Current admin: switch to another back-office user. */
export const CurrentAdminSwitch = () => {
  const readOnly = useReadOnly();
  const current = useCurrentAdmin();
  const users = useBackOfficeUsers();
  const switchTo = useSetCurrentAdmin();
  const notify = useNotify();
  const [selected, setSelected] = useState<string>();
  const choices = users.data ?? [];
  const wanted = selected ?? current.data?.id ?? '';
  // MUI warns about a value none of the options has (the list is still loading).
  const value = choices.some((u) => u.id === wanted) ? wanted : '';

  return (
    <Box>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {readOnly
          ? 'This database is read-only: nobody makes changes in this window, so there is no one to switch to.'
          : 'Changes made in this window are recorded under this back-office user.'}
      </Typography>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ alignItems: 'flex-start' }}>
        <TextField
          select
          label="Back-office user"
          value={value}
          onChange={(event) => {
            setSelected(event.target.value);
            switchTo.reset();
          }}
          error={!!switchTo.error || users.isError}
          helperText={switchTo.error?.message ?? users.error?.message}
          disabled={users.isPending || readOnly}
          size="small"
          sx={{ minWidth: 280 }}
        >
          {choices.map((user) => (
            <MenuItem key={user.id} value={user.id}>
              {adminLabel(user)}
            </MenuItem>
          ))}
        </TextField>
        <Button
          variant="contained"
          disabled={readOnly || !value || value === current.data?.id || switchTo.isPending}
          onClick={() =>
            switchTo.mutate(value, {
              onSuccess: (user) => {
                setSelected(undefined);
                notify(`You are now working as ${adminLabel(user)}.`, { type: 'success' });
              },
            })
          }
        >
          Switch
        </Button>
      </Stack>
    </Box>
  );
};

// ---------------------------------------------------------------------------------------------
// Creating a back-office user

const FIELDS: { name: keyof BackOfficeUserInput; label: string; type?: string }[] = [
  { name: 'username', label: 'Username' },
  { name: 'firstName', label: 'First Name' },
  { name: 'lastName', label: 'Last Name' },
  { name: 'email', label: 'Email', type: 'email' },
];

const EMPTY: BackOfficeUserInput = { username: '', firstName: '', lastName: '', email: '' };

/** Creates a back-office user, then makes them current. */
const CreateBackOfficeUser = ({ onBack }: { onBack?: () => void }) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const [input, setInput] = useState<BackOfficeUserInput>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string>();

  const create = useMutation({
    mutationFn: async (values: BackOfficeUserInput) => {
      const user = await dataProvider.createBackOfficeUser(values);
      return dataProvider.setCurrentAdmin(user.id);
    },
    onSuccess: (user) => queryClient.setQueryData(CURRENT_ADMIN, user),
    onError: (error) => {
      const byField = fieldErrors(error);
      const shown = Object.fromEntries(
        FIELDS.filter((f) => byField[f.name]).map((f) => [f.name, byField[f.name]]),
      );
      setErrors(shown);
      setProblem(Object.keys(shown).length > 0 ? undefined : error.message);
    },
    // Created even if making them current failed: the list (and the Owner choices) show them.
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    create.mutate({
      username: input.username.trim(),
      firstName: input.firstName.trim(),
      lastName: input.lastName.trim(),
      email: input.email.trim(),
    });
  };

  return (
    <Box component="form" onSubmit={submit} noValidate aria-label="Create a back-office user">
      <DialogContent sx={{ pt: 0 }}>
        <DialogContentText sx={{ mb: 2 }}>
          Create a back-office user: changes you make are recorded under their username.
        </DialogContentText>
        <Stack spacing={2}>
          {FIELDS.map((field, i) => (
            <TextField
              key={field.name}
              name={field.name}
              label={field.label}
              type={field.type ?? 'text'}
              value={input[field.name]}
              onChange={(event) => {
                const value = event.target.value;
                setInput((previous) => ({ ...previous, [field.name]: value }));
                setErrors(({ [field.name]: _fixed, ...rest }) => rest);
              }}
              error={!!errors[field.name]}
              helperText={errors[field.name]}
              autoComplete="off"
              autoFocus={i === 0}
              size="small"
              fullWidth
            />
          ))}
        </Stack>
        {problem ? (
          <Alert severity="error" sx={{ mt: 2 }}>
            {problem}
          </Alert>
        ) : null}
      </DialogContent>
      <DialogActions>
        {onBack ? (
          <Button onClick={onBack} disabled={create.isPending}>
            Back
          </Button>
        ) : null}
        <Button type="submit" variant="contained" disabled={create.isPending}>
          Create and continue
        </Button>
      </DialogActions>
    </Box>
  );
};

// ---------------------------------------------------------------------------------------------
// Choosing one

const PickBackOfficeUser = ({ users, onCreate }: { users: User[]; onCreate: () => void }) => {
  const [selected, setSelected] = useState<string>('');
  const choose = useSetCurrentAdmin();
  const labelId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (selected) choose.mutate(selected);
  };

  return (
    <Box component="form" onSubmit={submit} noValidate aria-label="Choose a back-office user">
      <DialogContent sx={{ pt: 0 }}>
        <DialogContentText id={labelId} sx={{ mb: 1 }}>
          Choose the back-office user you work as: changes you make are recorded under their
          username.
        </DialogContentText>
        <RadioGroup
          aria-labelledby={labelId}
          value={selected}
          onChange={(event) => setSelected(event.target.value)}
        >
          {users.map((user) => (
            <FormControlLabel
              key={user.id}
              value={user.id}
              control={<Radio />}
              label={adminLabel(user)}
            />
          ))}
        </RadioGroup>
        {choose.error ? (
          <Alert severity="error" sx={{ mt: 2 }}>
            {choose.error.message}
          </Alert>
        ) : null}
      </DialogContent>
      <DialogActions>
        <Button onClick={onCreate} disabled={choose.isPending}>
          Create a back-office user
        </Button>
        <Button type="submit" variant="contained" disabled={!selected || choose.isPending}>
          Continue
        </Button>
      </DialogActions>
    </Box>
  );
};

/** Asks who is working; it cannot be dismissed (no Escape, no backdrop): someone must be. */
const ChooseCurrentAdmin = ({ loadError }: { loadError: Error | null }) => {
  const users = useBackOfficeUsers();
  const [creating, setCreating] = useState(false);
  const titleId = useId();
  const none = users.data !== undefined && users.data.length === 0;
  return (
    <Dialog open disableEscapeKeyDown aria-labelledby={titleId} maxWidth="xs" fullWidth>
      <DialogTitle id={titleId}>Who is working here?</DialogTitle>
      {loadError ? (
        <Alert severity="error" sx={{ mx: 3, mb: 2 }}>
          {loadError.message}
        </Alert>
      ) : null}
      {users.error ? (
        <Alert severity="error" sx={{ mx: 3, mb: 2 }}>
          {users.error.message}
        </Alert>
      ) : null}
      {users.isPending ? (
        <Box sx={{ display: 'flex', justifyContent: 'center', py: 2 }}>
          <CircularProgress aria-label="Loading back-office users" />
        </Box>
      ) : creating || none || users.isError ? (
        <CreateBackOfficeUser onBack={creating && !none ? () => setCreating(false) : undefined} />
      ) : (
        <PickBackOfficeUser users={users.data ?? []} onCreate={() => setCreating(true)} />
      )}
    </Dialog>
  );
};

/**
 * Renders the app once a current admin is chosen; until then (first launch) only the dialog
 * that asks who is working. A read-only store needs nobody (nothing can be changed, nor anyone
 * chosen): the app shows at once. If `store_info` fails, the store is taken as writable.
 */
export const CurrentAdminGate = ({ children }: { children: ReactNode }) => {
  const store = useStoreInfo();
  const { data, error, isPending } = useCurrentAdmin();
  if (store.isPending) return null;
  if (store.data?.readOnly || data) return <>{children}</>;
  if (isPending) return null;
  return <ChooseCurrentAdmin loadError={error} />;
};
