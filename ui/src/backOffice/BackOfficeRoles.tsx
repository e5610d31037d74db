import { useId, useState, type FormEvent } from 'react';
import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import EditIcon from '@mui/icons-material/Edit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Box,
  Button,
  Checkbox,
  Chip,
  CircularProgress,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormGroup,
  FormLabel,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
} from '@mui/material';
import { Confirm, useDataProvider, useNotify } from 'react-admin';
import type { BackOfficeCapability } from '../bindings/BackOfficeCapability';
import type { BackOfficeRole } from '../bindings/BackOfficeRole';
import type { BackOfficeRoleInput } from '../bindings/BackOfficeRoleInput';
import type { AppDataProvider } from '../data/dataProvider';
import { fieldErrors } from '../admin/shared';
import { useReadOnly } from '../layout/StoreInfo';
import { labelIn, usePermissionCatalog } from '../roles/permissionCatalog';
import { Gated } from './capabilities';
import { BACK_OFFICE, BACK_OFFICE_ROLES } from './queryKeys';

export function useBackOfficeRoles() {
  const dataProvider = useDataProvider<AppDataProvider>();
  return useQuery({
    queryKey: BACK_OFFICE_ROLES,
    queryFn: () => dataProvider.listBackOfficeRoles(),
  });
}

/** The role being edited in the dialog: a new one has no id. */
type Editing = { id?: string; label: string; capabilities: BackOfficeCapability[] };

/** Creates or edits a back-office role: its label and the capabilities it gives. */
const RoleDialog = ({ editing, onClose }: { editing: Editing; onClose: () => void }) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const catalog = usePermissionCatalog();
  const titleId = useId();
  const [draft, setDraft] = useState(editing);
  const [labelError, setLabelError] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const save = useMutation({
    mutationFn: (input: BackOfficeRoleInput) =>
      draft.id
        ? dataProvider.updateBackOfficeRole(draft.id, input)
        : dataProvider.createBackOfficeRole(input),
    onSuccess: (role) => {
      notify(`The back-office role ${role.label} was saved.`, { type: 'success' });
      onClose();
    },
    onError: (error) => {
      const label = fieldErrors(error).label;
      setLabelError(label);
      setProblem(label ? undefined : error.message);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: BACK_OFFICE }),
  });
  const toggle = (capability: BackOfficeCapability, on: boolean) =>
    setDraft((d) => ({
      ...d,
      capabilities: on
        ? [...d.capabilities, capability]
        : d.capabilities.filter((c) => c !== capability),
    }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    save.mutate({ label: draft.label, capabilities: draft.capabilities });
  };
  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <Box component="form" onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>
          {draft.id ? `Edit ${editing.label}` : 'Create back-office role'}
        </DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField
              label="Label"
              value={draft.label}
              onChange={(event) => {
                setDraft((d) => ({ ...d, label: event.target.value }));
                setLabelError(undefined);
              }}
              error={!!labelError}
              helperText={labelError}
              autoFocus
              size="small"
              fullWidth
            />
            <FormControl component="fieldset">
              <FormLabel component="legend">Capabilities</FormLabel>
              <FormGroup>
                {(catalog.data?.backOfficeCapabilities ?? []).map((capability) => (
                  <FormControlLabel
                    key={capability.value}
                    label={capability.label}
                    control={
                      <Checkbox
                        checked={draft.capabilities.includes(capability.value)}
                        onChange={(event) => toggle(capability.value, event.target.checked)}
                      />
                    }
                  />
                ))}
              </FormGroup>
            </FormControl>
            {problem ? <Alert severity="error">{problem}</Alert> : null}
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

/** The back-office roles; the built-in Administrator may do everything and cannot change. */
export const BackOfficeRoles = () => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const readOnly = useReadOnly();
  const catalog = usePermissionCatalog();
  const { data, error, isPending } = useBackOfficeRoles();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<BackOfficeRole | null>(null);
  const remove = useMutation({
    mutationFn: (role: BackOfficeRole) => dataProvider.deleteBackOfficeRole(role.id),
    onSuccess: (_, role) =>
      notify(`The back-office role ${role.label} was deleted.`, { type: 'success' }),
    onError: (e) => notify(e.message, { type: 'error' }),
    onSettled: () => {
      setDeleting(null);
      return queryClient.invalidateQueries({ queryKey: BACK_OFFICE });
    },
  });
  if (isPending) return <CircularProgress size={24} aria-label="Loading back-office roles" />;
  if (error) return <Alert severity="error">{error.message}</Alert>;
  const capabilityLabels = (role: BackOfficeRole) =>
    role.capabilities.length === 0
      ? 'Nothing'
      : role.capabilities.map((c) => labelIn(catalog.data?.backOfficeCapabilities, c)).join(', ');
  return (
    <>
      {readOnly ? null : (
        <Gated capability="manage_back_office_users">
          {(disabled) => (
            <Button
              startIcon={<AddIcon />}
              disabled={disabled}
              onClick={() => setEditing({ label: '', capabilities: [] })}
              sx={{ mb: 1 }}
            >
              Create back-office role
            </Button>
          )}
        </Gated>
      )}
      <Table size="small" aria-label="Back-office roles">
        <TableHead>
          <TableRow>
            <TableCell>Label</TableCell>
            <TableCell>Capabilities</TableCell>
            <TableCell>Users</TableCell>
            <TableCell>Actions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {data.map((role) => (
            <TableRow key={role.id}>
              <TableCell>{role.label}</TableCell>
              <TableCell>
                {role.builtin ? (
                  <Chip label="Everything" size="small" color="primary" variant="outlined" />
                ) : (
                  capabilityLabels(role)
                )}
              </TableCell>
              <TableCell>{String(role.users)}</TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                {role.builtin || readOnly ? null : (
                  <Gated capability="manage_back_office_users">
                    {(disabled) => (
                      <>
                        <Button
                          size="small"
                          startIcon={<EditIcon />}
                          disabled={disabled}
                          aria-label={`Edit ${role.label}`}
                          onClick={() =>
                            setEditing({
                              id: role.id,
                              label: role.label,
                              capabilities: role.capabilities,
                            })
                          }
                        >
                          Edit
                        </Button>
                        <Button
                          size="small"
                          color="error"
                          startIcon={<DeleteIcon />}
                          disabled={disabled}
                          aria-label={`Delete ${role.label}`}
                          onClick={() => setDeleting(role)}
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
      {editing ? <RoleDialog editing={editing} onClose={() => setEditing(null)} /> : null}
      <Confirm
        isOpen={deleting !== null}
        loading={remove.isPending}
        title="Delete back-office role"
        content={`Are you sure you want to delete the back-office role ${deleting?.label ?? ''}?`}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      />
    </>
  );
};
