import { useState } from 'react';
import RestoreIcon from '@mui/icons-material/Restore';
import SaveIcon from '@mui/icons-material/Save';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Box,
  Button,
  Card,
  Chip,
  CircularProgress,
  Grid,
  List,
  ListItemButton,
  ListItemText,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { Confirm, Title, useDataProvider, useNotify } from 'react-admin';
import type { EmailTemplate } from '../bindings/EmailTemplate';
import type { AppDataProvider } from '../data/dataProvider';
import { Gated } from '../backOffice/capabilities';
import { SectionCard, fieldErrors, useDebouncedValue } from './shared';

const TEMPLATES = ['email-templates'];

const VARIABLES = [
  'entity.fullName',
  'entity.firstName',
  'entity.lastName',
  'entity.email',
  'entity.organization',
  'entity.customer',
  'entity.website',
  'signInUrl',
  'forgotPasswordUrl',
  'confirmUrl',
  'setPasswordUrl',
  'resetUrl',
];

const CustomizedChip = () => <Chip label="Customized" size="small" color="info" />;

const Variables = () => (
  <Typography variant="body2" color="text.secondary" component="div">
    Variables:{' '}
    {VARIABLES.map((name, i) => (
      <span key={name}>
        {i > 0 ? ', ' : null}
        <code>{`{{ ${name} }}`}</code>
      </span>
    ))}
  </Typography>
);

const FIELD_LABELS: Record<string, string> = { subject: 'Subject', content: 'Content' };

/** What the edits give for a sample customer user, or why they do not render. */
const Preview = ({ subject, content }: { subject: string; content: string }) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  // Asked for once typing pauses, not on every key.
  const settledSubject = useDebouncedValue(subject, 300);
  const settledContent = useDebouncedValue(content, 300);
  const { data, error, isFetching } = useQuery({
    queryKey: ['email-template-preview', settledSubject, settledContent],
    queryFn: () => dataProvider.previewEmailTemplate(settledSubject, settledContent),
    // The last good rendering stays while the next one is on its way.
    placeholderData: keepPreviousData,
  });
  const errors = Object.entries(fieldErrors(error)).filter(([field]) => field in FIELD_LABELS);
  return (
    <SectionCard id="email-template-preview" title="Preview">
      {error ? (
        <Stack spacing={1}>
          {errors.length > 0 ? (
            errors.map(([field, message]) => (
              <Alert key={field} severity="error">
                {FIELD_LABELS[field]}: {message}
              </Alert>
            ))
          ) : (
            <Alert severity="error">{error.message}</Alert>
          )}
        </Stack>
      ) : data ? (
        <Box aria-busy={isFetching}>
          <Typography variant="subtitle1" component="p" sx={{ fontWeight: 600 }}>
            {data.subject}
          </Typography>
          <Box
            component="pre"
            aria-label="Rendered body"
            sx={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontFamily: 'inherit', m: 0 }}
          >
            {data.body}
          </Box>
        </Box>
      ) : (
        <CircularProgress size={24} aria-label="Rendering the preview" />
      )}
    </SectionCard>
  );
};

const TemplateEditor = ({ template }: { template: EmailTemplate }) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [subject, setSubject] = useState(template.subject);
  const [content, setContent] = useState(template.content);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const dirty = subject !== template.subject || content !== template.content;

  const replace = (saved: EmailTemplate) => {
    queryClient.setQueryData<EmailTemplate[]>(TEMPLATES, (all) =>
      all?.map((t) => (t.name === saved.name ? saved : t)),
    );
    setSubject(saved.subject);
    setContent(saved.content);
    setErrors({});
  };

  const save = useMutation({
    mutationFn: () => dataProvider.updateEmailTemplate(template.name, subject, content),
    onSuccess: (saved) => {
      replace(saved);
      notify('The email template was saved.', { type: 'success' });
    },
    onError: (error) => {
      setErrors(fieldErrors(error));
      notify(error.message, { type: 'error' });
    },
  });

  const restore = useMutation({
    mutationFn: () => dataProvider.restoreEmailTemplate(template.name),
    onSuccess: (restored) => {
      replace(restored);
      setConfirming(false);
      notify('The default wording was restored.', { type: 'success' });
    },
    onError: (error) => {
      setConfirming(false);
      notify(error.message, { type: 'error' });
    },
  });

  return (
    <Grid container spacing={2}>
      <Grid size={{ xs: 12, lg: 6 }}>
        <SectionCard id="email-template-editor" title={template.name}>
          {template.customized ? <CustomizedChip /> : null}
          <Stack spacing={2} sx={{ mt: 1 }}>
            <TextField
              label="Subject"
              value={subject}
              onChange={(event) => {
                setSubject(event.target.value);
                setErrors(({ subject: _fixed, ...rest }) => rest);
              }}
              error={!!errors.subject}
              helperText={errors.subject}
              fullWidth
            />
            <TextField
              label="Content"
              value={content}
              onChange={(event) => {
                setContent(event.target.value);
                setErrors(({ content: _fixed, ...rest }) => rest);
              }}
              error={!!errors.content}
              helperText={errors.content}
              multiline
              minRows={10}
              fullWidth
              slotProps={{ htmlInput: { sx: { fontFamily: 'monospace' } } }}
            />
            <Variables />
            <Gated capability="manage_settings">
              {(refused) => (
                <Stack direction="row" spacing={1}>
                  <Button
                    variant="contained"
                    startIcon={<SaveIcon />}
                    disabled={refused || !dirty || save.isPending}
                    onClick={() => save.mutate()}
                  >
                    Save
                  </Button>
                  <Button
                    startIcon={<RestoreIcon />}
                    disabled={refused || !(template.customized || dirty) || restore.isPending}
                    onClick={() => setConfirming(true)}
                  >
                    Restore default
                  </Button>
                </Stack>
              )}
            </Gated>
          </Stack>
        </SectionCard>
        <Confirm
          isOpen={confirming}
          loading={restore.isPending}
          title="Restore default"
          content={`Put back the default subject and content of ${template.name}? Your wording is lost.`}
          confirm="Restore default"
          onConfirm={() => restore.mutate()}
          onClose={() => setConfirming(false)}
        />
      </Grid>
      <Grid size={{ xs: 12, lg: 6 }}>
        <Preview subject={subject} content={content} />
      </Grid>
    </Grid>
  );
};

/** Oro's Emails › Templates for the customer user emails: pick one, edit it, see it rendered. */
export const EmailTemplates = () => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const { data, error, isPending } = useQuery({
    queryKey: TEMPLATES,
    queryFn: () => dataProvider.listEmailTemplates(),
  });
  const [selected, setSelected] = useState<string | null>(null);
  const template = data?.find((t) => t.name === selected);
  return (
    <Box sx={{ py: 2 }}>
      <Title title="Email Templates" />
      {isPending ? <CircularProgress aria-label="Loading email templates" /> : null}
      {error ? <Alert severity="error">{error.message}</Alert> : null}
      {data ? (
        <Grid container spacing={2}>
          <Grid size={{ xs: 12, md: 3 }}>
            <Card variant="outlined">
              <List aria-label="Email templates" disablePadding>
                {data.map((t) => (
                  <ListItemButton
                    key={t.name}
                    selected={t.name === selected}
                    onClick={() => setSelected(t.name)}
                  >
                    <ListItemText
                      primary={t.name}
                      secondary={t.subject}
                      slotProps={{ primary: { sx: { wordBreak: 'break-word' } } }}
                    />
                    {t.customized ? <CustomizedChip /> : null}
                  </ListItemButton>
                ))}
              </List>
            </Card>
          </Grid>
          <Grid size={{ xs: 12, md: 9 }}>
            {template ? (
              // Keyed so that choosing another template starts from its saved wording.
              <TemplateEditor key={template.name} template={template} />
            ) : (
              <Typography color="text.secondary">Choose a template to edit it.</Typography>
            )}
          </Grid>
        </Grid>
      ) : null}
    </Box>
  );
};
