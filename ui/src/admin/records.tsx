/**
 * The pieces of a System screen that lists records and edits them one at a time (Consents,
 * Customer User Fields, back-office roles): Create above a table, Edit and Delete on each row,
 * a dialog to create or edit, and a confirmation before a delete.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import EditIcon from '@mui/icons-material/Edit';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@mui/material';
import { Confirm, useNotify } from 'react-admin';
import { Gated, type Needed } from '../backOffice/capabilities';
import { useReadOnly } from '../layout/StoreInfo';
import { fieldErrors } from './shared';

/** The screen's Create button: none in a read-only store, disabled without `capability`. */
export const CreateButton = ({
  capability,
  onClick,
  children,
}: {
  capability: Needed;
  onClick: () => void;
  children: ReactNode;
}) => {
  const readOnly = useReadOnly();
  if (readOnly) return null;
  return (
    <Gated capability={capability}>
      {(disabled) => (
        <Button startIcon={<AddIcon />} disabled={disabled} onClick={onClick} sx={{ mb: 1 }}>
          {children}
        </Button>
      )}
    </Gated>
  );
};

/** The records' table: `columns`, then Actions, which each row fills with `RecordActions`. */
export const RecordsTable = ({
  label,
  columns,
  children,
}: {
  label: string;
  columns: string[];
  children: ReactNode;
}) => (
  <Table size="small" aria-label={label}>
    <TableHead>
      <TableRow>
        {columns.map((column) => (
          <TableCell key={column}>{column}</TableCell>
        ))}
        <TableCell>Actions</TableCell>
      </TableRow>
    </TableHead>
    <TableBody>{children}</TableBody>
  </Table>
);

/**
 * A row's Actions cell: Edit and Delete, named after the record ("Edit Newsletter") so that
 * screen readers and tests tell the rows apart. Empty in a read-only store; disabled without
 * `capability`.
 */
export const RecordActions = ({
  name,
  capability,
  onEdit,
  onDelete,
}: {
  name: string;
  capability: Needed;
  onEdit: () => void;
  onDelete: () => void;
}) => {
  const readOnly = useReadOnly();
  return (
    <TableCell sx={{ whiteSpace: 'nowrap' }}>
      {readOnly ? null : (
        <Gated capability={capability}>
          {(disabled) => (
            <>
              <Button
                size="small"
                startIcon={<EditIcon />}
                disabled={disabled}
                aria-label={`Edit ${name}`}
                onClick={onEdit}
              >
                Edit
              </Button>
              <Button
                size="small"
                color="error"
                startIcon={<DeleteIcon />}
                disabled={disabled}
                aria-label={`Delete ${name}`}
                onClick={onDelete}
              >
                Delete
              </Button>
            </>
          )}
        </Gated>
      )}
    </TableCell>
  );
};

/**
 * Asks before `remove` deletes `record` (open while it is not null); then says `deleted(record)`
 * or the core's refusal, closes and refreshes `queryKey` either way.
 */
export function ConfirmDelete<T>({
  record,
  title,
  content,
  remove,
  deleted,
  queryKey,
  onClose,
}: {
  record: T | null;
  title: string;
  content: string;
  remove: (record: T) => Promise<unknown>;
  deleted: (record: T) => string;
  queryKey: QueryKey;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const mutation = useMutation({
    mutationFn: remove,
    onSuccess: (_, removed) => notify(deleted(removed), { type: 'success' }),
    onError: (e) => notify(e.message, { type: 'error' }),
    onSettled: () => {
      onClose();
      return queryClient.invalidateQueries({ queryKey });
    },
  });
  return (
    <Confirm
      isOpen={record !== null}
      loading={mutation.isPending}
      title={title}
      content={content}
      onConfirm={() => record !== null && mutation.mutate(record)}
      onClose={onClose}
    />
  );
}

/**
 * The create or edit dialog, one form named by its title: Save (or Enter) submits, Cancel or
 * Escape closes, and both buttons wait while `saving`. The core checks the values, not the
 * browser (`noValidate`).
 */
export const FormDialog = ({
  title,
  onSubmit,
  onClose,
  saving,
  children,
}: {
  title: string;
  onSubmit: () => void;
  onClose: () => void;
  saving: boolean;
  children: ReactNode;
}) => {
  const titleId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <Box component="form" onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>{title}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {children}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={saving}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={saving}>
            Save
          </Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
};

/**
 * A `FormDialog`'s draft and its `submit`: `change` also clears the core's message of each field it
 * changes; a refusal puts the messages under the fields they name (`errors`) and notifies the
 * whole. A save says `saved(record)` and closes; `queryKey` is refreshed either way.
 */
export function useDraftSave<D extends object, R>({
  initial,
  save,
  saved,
  queryKey,
  onClose,
}: {
  initial: D;
  save: (draft: D) => Promise<R>;
  saved: (record: R) => string;
  queryKey: QueryKey;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const change = (patch: Partial<D>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !(k in patch))));
  };
  const mutation = useMutation({
    mutationFn: () => save(draft),
    onSuccess: (record) => {
      notify(saved(record), { type: 'success' });
      onClose();
    },
    onError: (error) => {
      setErrors(fieldErrors(error));
      notify(error.message, { type: 'error' });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey }),
  });
  return { draft, change, errors, submit: () => mutation.mutate(), saving: mutation.isPending };
}
