import { useId, useState, type FormEvent } from 'react';
import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import EditIcon from '@mui/icons-material/Edit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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
  FormControlLabel,
  Stack,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { Confirm, Title, useDataProvider, useNotify } from 'react-admin';
import type { Consent } from '../bindings/Consent';
import type { AppDataProvider } from '../data/dataProvider';
import { Gated } from '../backOffice/capabilities';
import { useReadOnly } from '../layout/StoreInfo';
import { fieldErrors } from './shared';

/** The consents as System › Consents lists them. */
export const CONSENTS = ['consents'];

type Draft = { id?: string; name: string; mandatory: boolean; content: string; url: string };

const draftOf = (c?: Consent): Draft => ({
  id: c?.id,
  name: c?.name ?? '',
  mandatory: c?.mandatory ?? false,
  content: c?.content ?? '',
  url: c?.url ?? '',
});

const ConsentDialog = ({ editing, onClose }: { editing: Draft; onClose: () => void }) => {
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
      const input = {
        name: draft.name,
        mandatory: draft.mandatory,
        content: draft.content.trim() ? draft.content : null,
        url: draft.url.trim() ? draft.url.trim() : null,
      };
      return draft.id
        ? dataProvider.updateConsent(draft.id, input)
        : dataProvider.createConsent(input);
    },
    onSuccess: (consent) => {
      notify(`The consent ${consent.name} was saved.`, { type: 'success' });
      onClose();
    },
    onError: (error) => {
      setErrors(fieldErrors(error));
      notify(error.message, { type: 'error' });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: CONSENTS }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <Box component="form" onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>
          {draft.id ? `Edit ${editing.name}` : 'Create consent'}
        </DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField
              label="Name"
              value={draft.name}
              onChange={(e) => change({ name: e.target.value })}
              error={!!errors.name}
              helperText={errors.name}
              autoFocus
              fullWidth
            />
            <FormControlLabel
              label="Mandatory"
              control={
                <Switch
                  checked={draft.mandatory}
                  onChange={(e) => change({ mandatory: e.target.checked })}
                />
              }
            />
            <TextField
              label="Content"
              value={draft.content}
              onChange={(e) => change({ content: e.target.value })}
              error={!!errors.content}
              helperText={errors.content ?? 'The text the customer user agrees to.'}
              multiline
              minRows={4}
              fullWidth
            />
            <TextField
              label="Page URL"
              value={draft.url}
              onChange={(e) => change({ url: e.target.value })}
              error={!!errors.url}
              helperText={errors.url ?? 'A page of the storefront that holds the full text.'}
              type="url"
              fullWidth
            />
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

const acceptedBy = (n: number) => `${n} ${n === 1 ? 'user' : 'users'}`;

/** System › Consents: what customer users are asked to accept (Oro's Consent Management). */
export const Consents = () => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const readOnly = useReadOnly();
  const { data, error, isPending } = useQuery({
    queryKey: CONSENTS,
    queryFn: () => dataProvider.listConsents(),
  });
  const [editing, setEditing] = useState<Draft | null>(null);
  const [deleting, setDeleting] = useState<Consent | null>(null);
  const remove = useMutation({
    mutationFn: (consent: Consent) => dataProvider.deleteConsent(consent.id),
    onSuccess: (_, consent) =>
      notify(`The consent ${consent.name} was deleted.`, { type: 'success' }),
    // A consent users accepted stays: the core says how many.
    onError: (e) => notify(e.message, { type: 'error' }),
    onSettled: () => {
      setDeleting(null);
      return queryClient.invalidateQueries({ queryKey: CONSENTS });
    },
  });
  return (
    <Box sx={{ py: 2 }}>
      <Title title="Consents" />
      {readOnly ? null : (
        <Gated capability="manage_settings">
          {(disabled) => (
            <Button
              startIcon={<AddIcon />}
              disabled={disabled}
              onClick={() => setEditing(draftOf())}
              sx={{ mb: 1 }}
            >
              Create consent
            </Button>
          )}
        </Gated>
      )}
      {isPending ? <CircularProgress size={24} aria-label="Loading consents" /> : null}
      {error ? <Alert severity="error">{error.message}</Alert> : null}
      {data ? (
        <Card variant="outlined">
          {data.length === 0 ? (
            <Typography color="text.secondary" sx={{ p: 2 }}>
              No consents yet.
            </Typography>
          ) : (
            <Table size="small" aria-label="Consents">
              <TableHead>
                <TableRow>
                  <TableCell>Name</TableCell>
                  <TableCell>Mandatory</TableCell>
                  <TableCell>Accepted by</TableCell>
                  <TableCell>Actions</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.map((consent) => (
                  <TableRow key={consent.id}>
                    <TableCell>{consent.name}</TableCell>
                    <TableCell>{consent.mandatory ? 'Yes' : 'No'}</TableCell>
                    <TableCell>{acceptedBy(Number(consent.acceptances))}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>
                      {readOnly ? null : (
                        <Gated capability="manage_settings">
                          {(disabled) => (
                            <>
                              <Button
                                size="small"
                                startIcon={<EditIcon />}
                                disabled={disabled}
                                aria-label={`Edit ${consent.name}`}
                                onClick={() => setEditing(draftOf(consent))}
                              >
                                Edit
                              </Button>
                              <Button
                                size="small"
                                color="error"
                                startIcon={<DeleteIcon />}
                                disabled={disabled}
                                aria-label={`Delete ${consent.name}`}
                                onClick={() => setDeleting(consent)}
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
      {editing ? <ConsentDialog editing={editing} onClose={() => setEditing(null)} /> : null}
      <Confirm
        isOpen={deleting !== null}
        loading={remove.isPending}
        title="Delete consent"
        content={`Are you sure you want to delete the consent ${deleting?.name ?? ''}?`}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Box>
  );
};
