import { useState, type ReactNode } from 'react';
import {
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  List,
  ListItem,
  ListItemText,
  MenuItem,
  TextField,
  Typography,
} from '@mui/material';
import BadgeIcon from '@mui/icons-material/Badge';
import DeleteIcon from '@mui/icons-material/Delete';
import LockOpenIcon from '@mui/icons-material/LockOpen';
import LockResetIcon from '@mui/icons-material/LockReset';
import SendIcon from '@mui/icons-material/Send';
import ToggleOffIcon from '@mui/icons-material/ToggleOff';
import ToggleOnIcon from '@mui/icons-material/ToggleOn';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Confirm,
  useDataProvider,
  useGetList,
  useListContext,
  useNotify,
  useRefresh,
  useUnselectAll,
} from 'react-admin';
import type { BackOfficeCapability } from '../bindings/BackOfficeCapability';
import type { BulkAction } from '../bindings/BulkAction';
import type { BulkSummary } from '../bindings/BulkSummary';
import type { Role } from '../bindings/Role';
import { Gated } from '../backOffice/capabilities';
import { CUSTOMER_USER_ROLES, CUSTOMER_USERS, type AppDataProvider } from '../data/dataProvider';

interface Choice {
  action: BulkAction;
  /** What the current admin's back-office role needs for it. */
  capability: BackOfficeCapability;
  label: string;
  icon: ReactNode;
  /** Asked before acting on the selection. */
  confirm?: (count: number) => string;
}

const CHOICES: Choice[] = [
  {
    action: 'enable',
    capability: 'manage_customer_users',
    label: 'Enable',
    icon: <ToggleOnIcon />,
  },
  {
    action: 'disable',
    capability: 'manage_customer_users',
    label: 'Disable',
    icon: <ToggleOffIcon />,
  },
  {
    action: 'resetPassword',
    capability: 'reset_passwords',
    label: 'Reset Password',
    icon: <LockResetIcon />,
    confirm: (n) =>
      `${n} customer users will receive the email to reset password and will be disabled from login.`,
  },
  { action: 'unlock', capability: 'unlock', label: 'Unlock', icon: <LockOpenIcon /> },
  {
    action: 'resendConfirmation',
    capability: 'manage_customer_users',
    label: 'Resend Confirmation',
    icon: <SendIcon />,
  },
  {
    action: 'delete',
    capability: 'manage_customer_users',
    label: 'Delete',
    icon: <DeleteIcon />,
    confirm: (n) => `Are you sure you want to delete ${n} customer users?`,
  },
];

/** The grid's actions on a selection; each ends with what was done and what was skipped. */
export const BulkActions = () => {
  const { selectedIds } = useListContext();
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const unselectAll = useUnselectAll(CUSTOMER_USERS);
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState<Choice | null>(null);
  const [summary, setSummary] = useState<BulkSummary | null>(null);
  const [choosingRole, setChoosingRole] = useState(false);
  const done = {
    onSuccess: (result: BulkSummary) => {
      setSummary(result);
      unselectAll();
      void queryClient.invalidateQueries({ queryKey: [CUSTOMER_USERS] });
      refresh();
    },
    onError: (error: Error) => notify(error.message, { type: 'error' }),
  };
  const { mutate, isPending } = useMutation<BulkSummary, Error, BulkAction>({
    mutationFn: (action) => dataProvider.bulkAction(action, selectedIds),
    ...done,
  });
  const roleChange = useMutation<BulkSummary, Error, { role: string; add: boolean }>({
    mutationFn: ({ role, add }) => dataProvider.bulkRole(role, add, selectedIds),
    ...done,
  });
  const busy = isPending || roleChange.isPending;
  const start = (choice: Choice) => (choice.confirm ? setAsking(choice) : mutate(choice.action));
  return (
    <>
      {CHOICES.map((choice) => (
        <Gated key={choice.action} capability={choice.capability}>
          {(disabled) => (
            <Button label={choice.label} disabled={disabled || busy} onClick={() => start(choice)}>
              {choice.icon}
            </Button>
          )}
        </Gated>
      ))}
      <Gated capability="manage_customer_users">
        {(disabled) => (
          <Button label="Roles" disabled={disabled || busy} onClick={() => setChoosingRole(true)}>
            <BadgeIcon />
          </Button>
        )}
      </Gated>
      <RoleChangeDialog
        open={choosingRole}
        count={selectedIds.length}
        onClose={() => setChoosingRole(false)}
        onChoose={(role, add) => {
          setChoosingRole(false);
          roleChange.mutate({ role, add });
        }}
      />
      <Confirm
        isOpen={asking !== null}
        title={asking?.label ?? ''}
        content={asking?.confirm?.(selectedIds.length) ?? ''}
        confirm={asking?.label ?? 'Confirm'}
        onConfirm={() => {
          if (asking) mutate(asking.action);
          setAsking(null);
        }}
        onClose={() => setAsking(null)}
      />
      <BulkSummaryDialog summary={summary} onClose={() => setSummary(null)} />
    </>
  );
};

/** Picks a role to give to, or take from, the selected users. */
const RoleChangeDialog = ({
  open,
  count,
  onClose,
  onChoose,
}: {
  open: boolean;
  count: number;
  onClose: () => void;
  onChoose: (role: string, add: boolean) => void;
}) => {
  const [role, setRole] = useState('');
  const { data: roles } = useGetList<Role>(
    CUSTOMER_USER_ROLES,
    { pagination: { page: 1, perPage: 1000 }, sort: { field: 'label', order: 'ASC' } },
    { enabled: open },
  );
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="bulk-role-title">
      <DialogTitle id="bulk-role-title">Roles of {count} customer users</DialogTitle>
      <DialogContent>
        <TextField
          select
          fullWidth
          margin="dense"
          label="Role"
          value={role}
          onChange={(e) => setRole(e.target.value)}
        >
          {(roles ?? []).map((r) => (
            <MenuItem key={r.id} value={r.id}>
              {r.customer ? `${r.label} (${r.customer.name})` : r.label}
            </MenuItem>
          ))}
        </TextField>
        <Typography variant="body2" color="text.secondary">
          An enabled user keeps their last role; a customer&apos;s own role fits only its users.
        </Typography>
      </DialogContent>
      <DialogActions>
        <Button label="Cancel" onClick={onClose} />
        <Button label="Take away" disabled={!role} onClick={() => onChoose(role, false)} />
        <Button label="Give" disabled={!role} onClick={() => onChoose(role, true)} />
      </DialogActions>
    </Dialog>
  );
};

const BulkSummaryDialog = ({
  summary,
  onClose,
}: {
  summary: BulkSummary | null;
  onClose: () => void;
}) => (
  <Dialog open={summary !== null} onClose={onClose} aria-labelledby="bulk-summary-title">
    <DialogTitle id="bulk-summary-title">{summary?.message}</DialogTitle>
    <DialogContent>
      {summary && summary.skipped.length > 0 ? (
        <>
          <Typography variant="body2">Skipped, and why:</Typography>
          <List dense aria-label="Skipped">
            {summary.skipped.map((s) => (
              <ListItem key={s.id} disableGutters>
                <ListItemText primary={s.email ?? s.id} secondary={s.reason} />
              </ListItem>
            ))}
          </List>
        </>
      ) : (
        <Typography variant="body2">Nothing was skipped.</Typography>
      )}
    </DialogContent>
    <DialogActions>
      <Button label="Close" onClick={onClose} />
    </DialogActions>
  </Dialog>
);
