import { useId, useState, type MouseEvent } from 'react';
import {
  Box,
  Divider,
  IconButton,
  ListItemIcon,
  ListItemText,
  Menu,
  MenuItem,
} from '@mui/material';
import DeleteIcon from '@mui/icons-material/Delete';
import EditIcon from '@mui/icons-material/Edit';
import MoreVertIcon from '@mui/icons-material/MoreVert';
import VisibilityIcon from '@mui/icons-material/Visibility';
import {
  Confirm,
  useCreatePath,
  useDeleteController,
  useRecordContext,
  useResourceContext,
} from 'react-admin';
import { Link } from 'react-router-dom';
import { accountActions, useAccountAction, type AccountState } from './AccountActions';
import { useEnableToggle } from './EnableToggleButton';
import { fullName } from './fields';
import { useCapabilities } from '../backOffice/capabilities';
import { useReadOnly } from '../layout/StoreInfo';

type RowRecord = AccountState & { firstName?: string; lastName?: string };

/**
 * A grid row's actions, as Oro's grid shows them: one "More actions" button whose menu holds
 * View, Edit, Enable/Disable, Delete (after a confirmation) and the account actions that apply.
 * One narrow column, so the sticky actions never cover the status columns.
 */
export const RowActions = (_props: {
  label?: string;
  cellClassName?: string;
  headerClassName?: string;
}) => {
  const record = useRecordContext<RowRecord>();
  if (!record) return null;
  return <RowActionsMenu record={record} />;
};

const RowActionsMenu = ({ record }: { record: RowRecord }) => {
  const resource = useResourceContext();
  const createPath = useCreatePath();
  const menuId = useId();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const readOnly = useReadOnly();
  const { can } = useCapabilities();
  const toggle = useEnableToggle(record);
  const account = useAccountAction(record);
  const { handleDelete, isPending: deleting } = useDeleteController({
    record,
    resource,
    redirect: false,
    mutationMode: 'pessimistic',
    mutationOptions: { onSettled: () => setConfirmingDelete(false) },
  });
  const close = () => setAnchor(null);
  // A read-only store is only looked at: View is all there is. What the current admin's
  // back-office role does not allow is left out of this compact menu; the view page shows it
  // disabled, with the reason.
  const manages = !readOnly && can('manage_customer_users');
  const actions = readOnly ? [] : accountActions(record).filter((a) => can(a.capability));
  const busy = toggle.isPending || account.isPending || deleting;
  return (
    // Clicks here (also in the menu and dialogs, which React bubbles through their portals)
    // are not the row's click that opens the view page.
    <Box component="span" onClick={(e) => e.stopPropagation()} sx={{ display: 'inline-flex' }}>
      <IconButton
        size="small"
        aria-label="More actions"
        aria-haspopup="menu"
        aria-controls={anchor ? menuId : undefined}
        aria-expanded={anchor ? 'true' : undefined}
        disabled={busy}
        onClick={(event: MouseEvent<HTMLElement>) => setAnchor(event.currentTarget)}
      >
        <MoreVertIcon fontSize="small" />
      </IconButton>
      <Menu id={menuId} anchorEl={anchor} open={anchor !== null} onClose={close}>
        <MenuItem
          component={Link}
          to={createPath({ resource, id: record.id, type: 'show' })}
          onClick={close}
        >
          <ListItemIcon>
            <VisibilityIcon />
          </ListItemIcon>
          <ListItemText>View</ListItemText>
        </MenuItem>
        {!manages
          ? null
          : [
              <MenuItem
                key="edit"
                component={Link}
                to={createPath({ resource, id: record.id, type: 'edit' })}
                onClick={close}
              >
                <ListItemIcon>
                  <EditIcon />
                </ListItemIcon>
                <ListItemText>Edit</ListItemText>
              </MenuItem>,
              <MenuItem
                key="toggle"
                onClick={() => {
                  close();
                  toggle.toggle();
                }}
              >
                <ListItemIcon>{toggle.icon}</ListItemIcon>
                <ListItemText>{toggle.label}</ListItemText>
              </MenuItem>,
              <MenuItem
                key="delete"
                onClick={() => {
                  close();
                  setConfirmingDelete(true);
                }}
                sx={{ color: 'error.main' }}
              >
                <ListItemIcon sx={{ color: 'inherit' }}>
                  <DeleteIcon />
                </ListItemIcon>
                <ListItemText>Delete</ListItemText>
              </MenuItem>,
            ]}
        {actions.length > 0 && <Divider />}
        {actions.map((action) => (
          <MenuItem
            key={action.command}
            onClick={() => {
              close();
              account.start(action);
            }}
          >
            <ListItemIcon>{action.icon}</ListItemIcon>
            <ListItemText>{action.label}</ListItemText>
          </MenuItem>
        ))}
      </Menu>
      <Confirm
        isOpen={confirmingDelete}
        loading={deleting}
        title="Delete Customer User"
        content={`Are you sure you want to delete ${fullName(record) || 'this customer user'}?`}
        onConfirm={handleDelete}
        onClose={() => setConfirmingDelete(false)}
      />
      {account.dialog}
    </Box>
  );
};
