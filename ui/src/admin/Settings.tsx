import { useState, type FormEvent } from 'react';
import SaveIcon from '@mui/icons-material/Save';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Box,
  Button,
  CircularProgress,
  FormControl,
  FormControlLabel,
  FormHelperText,
  MenuItem,
  Stack,
  Switch,
  TextField,
  Typography,
} from '@mui/material';
import { Title, useDataProvider, useNotify } from 'react-admin';
import type { Setting } from '../bindings/Setting';
import { SETTINGS, useSettings } from '../app/settings';
import type { AppDataProvider } from '../data/dataProvider';
import { Gated } from '../backOffice/capabilities';
import { CurrentAdminSwitch } from '../layout/CurrentAdmin';
import { SectionCard, fieldErrors } from './shared';

const SMTP_PASSWORD_SAVED = [...SETTINGS, 'smtpPasswordSaved'];

type Section = { id: string; title: string; holds: (key: string) => boolean };

const SECTIONS: Section[] = [
  {
    id: 'registration',
    title: 'Registration',
    holds: (key) => key === 'confirmationRequired' || key === 'resetLinkTtl',
  },
  { id: 'password', title: 'Password policy', holds: (key) => key.startsWith('password') },
  { id: 'lockout', title: 'Login attempts', holds: (key) => key.startsWith('lockout') },
  {
    id: 'email',
    title: 'Email / SMTP',
    holds: (key) =>
      key.startsWith('smtp') || ['emailFrom', 'emailFromName', 'outboxMaxAttempts'].includes(key),
  },
  // A setting the core gains later still shows up, until it is given a section.
  { id: 'other', title: 'Other', holds: () => true },
];

/** What an input holds: the flag of a switch, the text of any other field. */
type Draft = boolean | string;

const toDraft = (value: Setting['value']): Draft =>
  typeof value === 'boolean' ? value : String(value);

/** Text that is not a whole number goes as typed, so the core says what is wrong with it. */
const toValue = (setting: Setting, draft: Draft): Setting['value'] =>
  setting.kind === 'int' && typeof draft === 'string' && /^\s*-?\d+\s*$/.test(draft)
    ? Number(draft)
    : draft;

const describeValue = (value: Setting['value']) =>
  typeof value === 'boolean' ? (value ? 'on' : 'off') : value === '' ? 'empty' : String(value);

/** One input per kind of setting, its message under it: the core's refusal, or the default. */
const SettingInput = ({
  setting,
  draft,
  error,
  onChange,
}: {
  setting: Setting;
  draft: Draft;
  error: string | undefined;
  onChange: (draft: Draft) => void;
}) => {
  const helperText =
    error ??
    (draft === toDraft(setting.default) ? undefined : `Default: ${describeValue(setting.default)}`);
  if (setting.kind === 'bool') {
    return (
      <FormControl error={!!error}>
        <FormControlLabel
          control={
            <Switch checked={draft === true} onChange={(event) => onChange(event.target.checked)} />
          }
          label={setting.label}
        />
        {helperText ? <FormHelperText sx={{ mt: 0 }}>{helperText}</FormHelperText> : null}
      </FormControl>
    );
  }
  const common = {
    label: setting.label,
    value: draft,
    onChange: (event: { target: { value: string } }) => onChange(event.target.value),
    error: !!error,
    helperText,
    fullWidth: true,
    size: 'small' as const,
  };
  if (setting.kind === 'choice') {
    return (
      <TextField {...common} select>
        {setting.choices.map((choice) => (
          <MenuItem key={choice} value={choice}>
            {choice}
          </MenuItem>
        ))}
      </TextField>
    );
  }
  if (setting.kind === 'int') {
    // ts-rs types the i64 bounds as bigint; JSON carries numbers.
    const bounds = {
      min: setting.min === null ? undefined : Number(setting.min),
      max: setting.max === null ? undefined : Number(setting.max),
    };
    return <TextField {...common} type="number" slotProps={{ htmlInput: bounds }} />;
  }
  return <TextField {...common} />;
};

/**
 * A section saves its changed settings together with its Save button: one setting at a time
 * would save a half-typed number on blur, and the sections group what is changed together.
 */
const SettingsSection = ({ settings }: { settings: Setting[] }) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});

  const changed = settings.filter((s) => s.key in drafts && drafts[s.key] !== toDraft(s.value));

  const save = useMutation({
    mutationFn: async (changes: [Setting, Setting['value']][]) => {
      const saved: Setting[] = [];
      const refused: Record<string, string> = {};
      for (const [setting, value] of changes) {
        try {
          saved.push(await dataProvider.setSetting(setting.key, value));
        } catch (error) {
          refused[setting.key] = fieldErrors(error)[setting.key] ?? (error as Error).message;
        }
      }
      return { saved, refused };
    },
    onSuccess: ({ saved, refused }) => {
      queryClient.setQueryData<Setting[]>(SETTINGS, (all) =>
        all?.map((s) => saved.find((n) => n.key === s.key) ?? s),
      );
      setDrafts((previous) => {
        const next = { ...previous };
        for (const s of saved) delete next[s.key];
        return next;
      });
      setErrors(refused);
      if (Object.keys(refused).length > 0) {
        notify('Some settings were not saved: see the messages under them.', { type: 'error' });
      } else {
        notify('The settings were saved.', { type: 'success' });
      }
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(changed.map((s) => [s, toValue(s, drafts[s.key])]));
  };

  return (
    <Box component="form" onSubmit={submit} noValidate>
      <Stack spacing={2}>
        {settings.map((setting) => (
          <SettingInput
            key={setting.key}
            setting={setting}
            draft={drafts[setting.key] ?? toDraft(setting.value)}
            error={errors[setting.key]}
            onChange={(draft) => {
              setDrafts((previous) => ({ ...previous, [setting.key]: draft }));
              setErrors(({ [setting.key]: _fixed, ...rest }) => rest);
            }}
          />
        ))}
      </Stack>
      <Box sx={{ mt: 2 }}>
        <Gated capability="manage_settings">
          {(refused) => (
            <Button
              type="submit"
              variant="contained"
              startIcon={<SaveIcon />}
              disabled={refused || changed.length === 0 || save.isPending}
            >
              Save
            </Button>
          )}
        </Gated>
      </Box>
    </Box>
  );
};

/** The SMTP password lives in the system keychain: it can be replaced or forgotten, never read. */
const SmtpPassword = () => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const saved = useQuery({
    queryKey: SMTP_PASSWORD_SAVED,
    queryFn: () => dataProvider.smtpPasswordSaved(),
  });
  const change = useMutation({
    mutationFn: (next: string | null) => dataProvider.setSmtpPassword(next),
    onSuccess: (_, next) => {
      setPassword('');
      setError(undefined);
      queryClient.setQueryData(SMTP_PASSWORD_SAVED, next !== null);
      notify(next === null ? 'The SMTP password was forgotten.' : 'The SMTP password was saved.', {
        type: 'success',
      });
    },
    onError: (e) => setError(e.message),
  });

  return (
    <Box sx={{ mt: 3 }}>
      <Typography variant="subtitle1" component="h3">
        SMTP Password
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        {saved.isPending
          ? 'Checking the system keychain…'
          : saved.data
            ? 'A password is saved in the system keychain.'
            : 'No password saved.'}
      </Typography>
      <TextField
        label="SMTP Password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={!!error || saved.isError}
        helperText={error ?? saved.error?.message}
        size="small"
        fullWidth
      />
      <Box sx={{ mt: 1 }}>
        <Gated capability="manage_settings">
          {(refused) => (
            <Stack direction="row" spacing={1}>
              <Button
                variant="outlined"
                disabled={refused || password === '' || change.isPending}
                onClick={() => change.mutate(password)}
              >
                Save password
              </Button>
              <Button
                color="error"
                disabled={refused || !saved.data || change.isPending}
                onClick={() => change.mutate(null)}
              >
                Forget password
              </Button>
            </Stack>
          )}
        </Gated>
      </Box>
    </Box>
  );
};

/** System configuration (Oro's System › Configuration), one card per group of settings. */
export const Settings = () => {
  const { data, error, isPending } = useSettings();
  const bySection = new Map<Section, Setting[]>(SECTIONS.map((s) => [s, []]));
  for (const setting of data ?? []) {
    const section = SECTIONS.find((s) => s.holds(setting.key))!;
    bySection.get(section)!.push(setting);
  }
  return (
    <Box sx={{ py: 2 }}>
      <Title title="Settings" />
      {isPending ? <CircularProgress aria-label="Loading settings" /> : null}
      {error ? <Alert severity="error">{error.message}</Alert> : null}
      <Stack spacing={2}>
        <SectionCard id="settings-current-admin" title="Current admin">
          <CurrentAdminSwitch />
        </SectionCard>
        {[...bySection]
          .filter(([, settings]) => settings.length > 0)
          .map(([section, settings]) => (
            <SectionCard key={section.id} id={`settings-${section.id}`} title={section.title}>
              <SettingsSection settings={settings} />
              {section.id === 'email' ? <SmtpPassword /> : null}
            </SectionCard>
          ))}
      </Stack>
    </Box>
  );
};
