import { useState } from 'react';
import { Box, Card, MenuItem, TableCell, TableRow, TextField, Typography } from '@mui/material';
import { Title, useDataProvider } from 'react-admin';
import type { ExtraField } from '../bindings/ExtraField';
import type { ExtraFieldKind } from '../bindings/ExtraFieldKind';
import { EXTRA_FIELDS, useExtraFields } from '../customerUsers/extraFields';
import type { AppDataProvider } from '../data/dataProvider';
import { QueryState } from '../layout/ListStates';
import { ChoicesInput } from './ChoicesInput';
import {
  ConfirmDelete,
  CreateButton,
  FormDialog,
  RecordActions,
  RecordsTable,
  useDraftSave,
} from './records';

const KIND_LABELS: Record<ExtraFieldKind, string> = {
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
  const { draft, change, errors, submit, saving } = useDraftSave({
    initial: editing,
    save: (d) => {
      const choices = d.kind === 'choice' ? d.choices.map((c) => c.trim()).filter(Boolean) : [];
      const input = { label: d.label, kind: d.kind, choices };
      // The name is the field's key in every user's values: it is set once.
      return d.id
        ? dataProvider.updateCustomerUserField(d.id, input)
        : dataProvider.createCustomerUserField({ ...input, name: d.name.trim() });
    },
    saved: (field) => `The field ${field.label} was saved.`,
    queryKey: EXTRA_FIELDS,
    onClose,
  });
  return (
    <FormDialog
      title={draft.id ? `Edit ${editing.label}` : 'Create customer user field'}
      onSubmit={submit}
      onClose={onClose}
      saving={saving}
    >
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
          errors.kind ?? (draft.id ? 'The kind cannot change once the field is made.' : undefined)
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
    </FormDialog>
  );
};

/** System › Customer User Fields: the organization's own fields of its customer users. */
export const CustomerUserFields = () => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const { data, error, isPending } = useExtraFields();
  const [editing, setEditing] = useState<Draft | null>(null);
  const [deleting, setDeleting] = useState<ExtraField | null>(null);
  return (
    <Box sx={{ py: 2 }}>
      <Title title="Customer User Fields" />
      <CreateButton capability="manage_settings" onClick={() => setEditing(draftOf())}>
        Create field
      </CreateButton>
      <QueryState pending={isPending} error={error} label="Loading customer user fields" />
      {data ? (
        <Card variant="outlined">
          {data.length === 0 ? (
            <Typography color="text.secondary" sx={{ p: 2 }}>
              No fields yet. Each field you add shows under “Additional information” on every
              customer user.
            </Typography>
          ) : (
            <RecordsTable
              label="Customer user fields"
              columns={['Label', 'Name', 'Kind', 'Choices']}
            >
              {data.map((field) => (
                <TableRow key={field.id}>
                  <TableCell>{field.label}</TableCell>
                  <TableCell>
                    <code>{field.name}</code>
                  </TableCell>
                  <TableCell>{KIND_LABELS[field.kind] ?? field.kind}</TableCell>
                  <TableCell>{field.choices.join(', ') || '—'}</TableCell>
                  <RecordActions
                    name={field.label}
                    capability="manage_settings"
                    onEdit={() => setEditing(draftOf(field))}
                    onDelete={() => setDeleting(field)}
                  />
                </TableRow>
              ))}
            </RecordsTable>
          )}
        </Card>
      ) : null}
      {editing ? <FieldDialog editing={editing} onClose={() => setEditing(null)} /> : null}
      <ConfirmDelete
        record={deleting}
        title="Delete customer user field"
        content={`Delete the field ${deleting?.label ?? ''}? Every customer user loses its value.`}
        remove={(field) => dataProvider.deleteCustomerUserField(field.id)}
        deleted={(field) => `The field ${field.label} was deleted.`}
        queryKey={EXTRA_FIELDS}
        onClose={() => setDeleting(null)}
      />
    </Box>
  );
};
