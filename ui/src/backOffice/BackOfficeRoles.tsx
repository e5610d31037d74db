import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Checkbox,
  Chip,
  FormControl,
  FormControlLabel,
  FormGroup,
  FormLabel,
  TableCell,
  TableRow,
  TextField,
} from '@mui/material';
import { useDataProvider, useNotify } from 'react-admin';
import type { BackOfficeCapability } from '../bindings/BackOfficeCapability';
import type { BackOfficeRole } from '../bindings/BackOfficeRole';
import type { BackOfficeRoleInput } from '../bindings/BackOfficeRoleInput';
import type { AppDataProvider } from '../data/dataProvider';
import {
  ConfirmDelete,
  CreateButton,
  FormDialog,
  RecordActions,
  RecordsTable,
} from '../admin/records';
import { fieldErrors } from '../admin/shared';
import { QueryState } from '../layout/ListStates';
import { labelIn, usePermissionCatalog } from '../roles/permissionCatalog';
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
  const submit = () => {
    setProblem(undefined);
    save.mutate({ label: draft.label, capabilities: draft.capabilities });
  };
  return (
    <FormDialog
      title={draft.id ? `Edit ${editing.label}` : 'Create back-office role'}
      onSubmit={submit}
      onClose={onClose}
      saving={save.isPending}
    >
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
    </FormDialog>
  );
};

/** The back-office roles; the built-in Administrator may do everything and cannot change. */
export const BackOfficeRoles = () => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const catalog = usePermissionCatalog();
  const { data, error, isPending } = useBackOfficeRoles();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<BackOfficeRole | null>(null);
  if (isPending || error)
    return <QueryState pending={isPending} error={error} label="Loading back-office roles" />;
  const capabilityLabels = (role: BackOfficeRole) =>
    role.capabilities.length === 0
      ? 'Nothing'
      : role.capabilities.map((c) => labelIn(catalog.data?.backOfficeCapabilities, c)).join(', ');
  return (
    <>
      <CreateButton
        capability="manage_back_office_users"
        onClick={() => setEditing({ label: '', capabilities: [] })}
      >
        Create back-office role
      </CreateButton>
      <RecordsTable label="Back-office roles" columns={['Label', 'Capabilities', 'Users']}>
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
            {role.builtin ? (
              // The built-in Administrator cannot change: nothing to edit or delete.
              <TableCell />
            ) : (
              <RecordActions
                name={role.label}
                capability="manage_back_office_users"
                onEdit={() =>
                  setEditing({ id: role.id, label: role.label, capabilities: role.capabilities })
                }
                onDelete={() => setDeleting(role)}
              />
            )}
          </TableRow>
        ))}
      </RecordsTable>
      {editing ? <RoleDialog editing={editing} onClose={() => setEditing(null)} /> : null}
      <ConfirmDelete
        record={deleting}
        title="Delete back-office role"
        content={`Are you sure you want to delete the back-office role ${deleting?.label ?? ''}?`}
        remove={(role) => dataProvider.deleteBackOfficeRole(role.id)}
        deleted={(role) => `The back-office role ${role.label} was deleted.`}
        queryKey={BACK_OFFICE}
        onClose={() => setDeleting(null)}
      />
    </>
  );
};
