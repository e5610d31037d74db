import { useState } from 'react';
import {
  Box,
  Card,
  FormControlLabel,
  Switch,
  TableCell,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { Title, useDataProvider } from 'react-admin';
import type { Consent } from '../bindings/Consent';
import { CONSENTS, useConsents } from '../customerUsers/consents';
import type { AppDataProvider } from '../data/dataProvider';
import { QueryState } from '../layout/ListStates';
import {
  ConfirmDelete,
  CreateButton,
  FormDialog,
  RecordActions,
  RecordsTable,
  useDraftSave,
} from './records';

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
  const { draft, change, errors, submit, saving } = useDraftSave({
    initial: editing,
    save: (d) => {
      const input = {
        name: d.name,
        mandatory: d.mandatory,
        content: d.content.trim() ? d.content : null,
        url: d.url.trim() ? d.url.trim() : null,
      };
      return d.id ? dataProvider.updateConsent(d.id, input) : dataProvider.createConsent(input);
    },
    saved: (consent) => `The consent ${consent.name} was saved.`,
    queryKey: CONSENTS,
    onClose,
  });
  return (
    <FormDialog
      title={draft.id ? `Edit ${editing.name}` : 'Create consent'}
      onSubmit={submit}
      onClose={onClose}
      saving={saving}
    >
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
    </FormDialog>
  );
};

const acceptedBy = (n: number) => `${n} ${n === 1 ? 'user' : 'users'}`;

/** System › Consents: what customer users are asked to accept (Oro's Consent Management). */
export const Consents = () => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const { data, error, isPending } = useConsents();
  const [editing, setEditing] = useState<Draft | null>(null);
  const [deleting, setDeleting] = useState<Consent | null>(null);
  return (
    <Box sx={{ py: 2 }}>
      <Title title="Consents" />
      <CreateButton capability="manage_settings" onClick={() => setEditing(draftOf())}>
        Create consent
      </CreateButton>
      <QueryState pending={isPending} error={error} label="Loading consents" />
      {data ? (
        <Card variant="outlined">
          {data.length === 0 ? (
            <Typography color="text.secondary" sx={{ p: 2 }}>
              No consents yet.
            </Typography>
          ) : (
            <RecordsTable label="Consents" columns={['Name', 'Mandatory', 'Accepted by']}>
              {data.map((consent) => (
                <TableRow key={consent.id}>
                  <TableCell>{consent.name}</TableCell>
                  <TableCell>{consent.mandatory ? 'Yes' : 'No'}</TableCell>
                  <TableCell>{acceptedBy(Number(consent.acceptances))}</TableCell>
                  <RecordActions
                    name={consent.name}
                    capability="manage_settings"
                    onEdit={() => setEditing(draftOf(consent))}
                    onDelete={() => setDeleting(consent)}
                  />
                </TableRow>
              ))}
            </RecordsTable>
          )}
        </Card>
      ) : null}
      {editing ? <ConsentDialog editing={editing} onClose={() => setEditing(null)} /> : null}
      {/* A consent users accepted stays: the core's refusal says how many. */}
      <ConfirmDelete
        record={deleting}
        title="Delete consent"
        content={`Are you sure you want to delete the consent ${deleting?.name ?? ''}?`}
        remove={(consent) => dataProvider.deleteConsent(consent.id)}
        deleted={(consent) => `The consent ${consent.name} was deleted.`}
        queryKey={CONSENTS}
        onClose={() => setDeleting(null)}
      />
    </Box>
  );
};
