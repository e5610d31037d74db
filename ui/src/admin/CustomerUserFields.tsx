import { useId, useState, type FormEvent } from 'react';
import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import EditIcon from '@mui/icons-material/Edit';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Box,
  Button,
  Card,
  CircularProgress,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { Confirm, Title, useDataProvider, useNotify } from 'react-admin';
import type { ExtraField } from '../bindings/ExtraField';
import type { ExtraFieldKind } from '../bindings/ExtraFieldKind';
import { EXTRA_FIELDS, useExtraFields } from '../customerUsers/extraFields';
import type { AppDataProvider } from '../data/dataProvider';
import { Gated } from '../backOffice/capabilities';
import { useReadOnly } from '../layout/StoreInfo';
import { ChoicesInput } from './ChoicesInput';
import { fieldErrors } from './shared';

export const KIND_LABELS: Record<ExtraFieldKind, string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  boolean: 'Yes/No',
  choice: 'Choice',
};

type Draft = { id?: string; name: string; label: string; kind: ExtraFieldKind; choices: string[] };

const draftOf = (f?: ExtraField): Draft => ({
  id: f?.id,
  name: f?.name ?? '',
  label: f?.label ?? '',
  kind: f?.kind ?? 'text',
  choices: f?.choices ?? [],
});

const FieldDialog = ({ editing, onClose }: { editing: Draft; onClose: () => void }) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const titleId = useId();
  const [draft, setDraft] = useState(editing);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const change = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !(k in patch))));
  };
  const save = useMutation({
    mutationFn: () => {
      const choices =
        draft.kind === 'choice' ? draft.choices.map((c) => c.trim()).filter(Boolean) : [];
      const input = { label: draft.label, kind: draft.kind, choices };
      // The name is the field's key in every user's values: it is set once.
      return draft.id
        ? dataProvider.updateCustomerUserField(draft.id, input)
        : dataProvider.createCustomerUserField({ ...input, name: draft.name.trim() });
    },
    onSuccess: (field) => {
      notify(`The field ${field.label} was saved.`, { type: 'success' });
      onClose();
    },
    onError: (error) => {
      setErrors(fieldErrors(error));
      notify(error.message, { type: 'error' });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: EXTRA_FIELDS }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <Box component="form" onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>
          {draft.id ? `Edit ${editing.label}` : 'Create customer user field'}
        </DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField
              label="Label"
              value={draft.label}
              onChange={(e) => change({ label: e.target.value })}
              error={!!errors.label}
              helperText={errors.label}
              autoFocus
              fullWidth
            />
            <TextField
              label="Name"
              value={draft.name}
              onChange={(e) => change({ name: e.target.value })}
              error={!!errors.name}
              helperText={
                errors.name ??
                (draft.id
                  ? 'The name cannot change once the field is created.'
                  : 'Lowercase letters, digits and underscores, e.g. account_tier.')
              }
              disabled={!!draft.id}
              fullWidth
            />
            <TextField
              select
              label="Kind"
              value={draft.kind}
              onChange={(e) => change({ kind: e.target.value as ExtraFieldKind })}
              error={!!errors.kind}
              helperText={
                errors.kind ??
                (draft.id ? 'The kind cannot change once the field is made.' : undefined)
              }
              // The core refuses a kind change: the stored values are of the kind they were made.
              disabled={!!draft.id}
              fullWidth
            >
              {Object.entries(KIND_LABELS).map(([kind, label]) => (
                <MenuItem key={kind} value={kind}>
                  {label}
                </MenuItem>
              ))}
            </TextField>
            {draft.kind === 'choice' ? (
              <ChoicesInput
                value={draft.choices}
                onChange={(choices) => change({ choices })}
                error={errors.choices}
              />
            ) : null}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={save.isPending}>
            Save
          </Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
};

/** System › Customer User Fields: the organization's own fields of its customer users. */
export const CustomerUserFields = () => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const readOnly = useReadOnly();
  const { data, error, isPending } = useExtraFields();
  const [editing, setEditing] = useState<Draft | null>(null);
  const [deleting, setDeleting] = useState<ExtraField | null>(null);
  const remove = useMutation({
    mutationFn: (field: ExtraField) => dataProvider.deleteCustomerUserField(field.id),
    onSuccess: (_, field) => notify(`The field ${field.label} was deleted.`, { type: 'success' }),
    onError: (e) => notify(e.message, { type: 'error' }),
    onSettled: () => {
      setDeleting(null);
      return queryClient.invalidateQueries({ queryKey: EXTRA_FIELDS });
    },
  });
  return (
    <Box sx={{ py: 2 }}>
      <Title title="Customer User Fields" />
      {readOnly ? null : (
        <Gated capability="manage_settings">
          {(disabled) => (
            <Button
              startIcon={<AddIcon />}
              disabled={disabled}
              onClick={() => setEditing(draftOf())}
              sx={{ mb: 1 }}
            >
              Create field
            </Button>
          )}
        </Gated>
      )}
      {isPending ? <CircularProgress size={24} aria-label="Loading customer user fields" /> : null}
      {error ? <Alert severity="error">{error.message}</Alert> : null}
      {data ? (
        <Card variant="outlined">
          {data.length === 0 ? (
            <Typography color="text.secondary" sx={{ p: 2 }}>
              No fields yet. Each field you add shows under “Additional information” on every
              customer user.
            </Typography>
          ) : (
            <Table size="small" aria-label="Customer user fields">
              <TableHead>
                <TableRow>
                  <TableCell>Label</TableCell>
                  <TableCell>Name</TableCell>
                  <TableCell>Kind</TableCell>
                  <TableCell>Choices</TableCell>
                  <TableCell>Actions</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.map((field) => (
                  <TableRow key={field.id}>
                    <TableCell>{field.label}</TableCell>
                    <TableCell>
                      <code>{field.name}</code>
                    </TableCell>
                    <TableCell>{KIND_LABELS[field.kind] ?? field.kind}</TableCell>
                    <TableCell>{field.choices.join(', ') || '—'}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>
                      {readOnly ? null : (
                        <Gated capability="manage_settings">
                          {(disabled) => (
                            <>
                              <Button
                                size="small"
                                startIcon={<EditIcon />}
                                disabled={disabled}
                                aria-label={`Edit ${field.label}`}
                                onClick={() => setEditing(draftOf(field))}
                              >
                                Edit
                              </Button>
                              <Button
                                size="small"
                                color="error"
                                startIcon={<DeleteIcon />}
                                disabled={disabled}
                                aria-label={`Delete ${field.label}`}
                                onClick={() => setDeleting(field)}
                              >
                                Delete
                              </Button>
                            </>
                          )}
                        </Gated>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Card>
      ) : null}
      {editing ? <FieldDialog editing={editing} onClose={() => setEditing(null)} /> : null}
      <Confirm
        isOpen={deleting !== null}
        loading={remove.isPending}
        title="Delete customer user field"
        content={`Delete the field ${deleting?.label ?? ''}? Every customer user loses its value.`}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Box>
  );
};
