import { useEffect, useRef, useState } from 'react';
import {
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Tooltip,
} from '@mui/material';
import KeyboardIcon from '@mui/icons-material/Keyboard';
import { Button } from 'react-admin';
import { useLocation, useNavigate } from 'react-router-dom';
import { dialogOpen, isEditable, SHORTCUTS } from './shortcuts';
import { useReadOnly } from './StoreInfo';

const QUICK_SEARCH = 'input[name="q"]';

function focusQuickSearch(): boolean {
  const input = document.querySelector<HTMLInputElement>(QUICK_SEARCH);
  if (!input) return false;
  input.focus();
  input.select();
  return true;
}

/** The shortcuts dialog, opened by the toolbar button, `?` or F1. */
export const ShortcutsDialog = ({ open, onClose }: { open: boolean; onClose: () => void }) => (
  <Dialog open={open} onClose={onClose} aria-labelledby="shortcuts-title" maxWidth="sm" fullWidth>
    <DialogTitle id="shortcuts-title">Keyboard shortcuts</DialogTitle>
    <DialogContent>
      <Table size="small" aria-label="Keyboard shortcuts">
        <TableBody>
          {SHORTCUTS.map((s) => (
            <TableRow key={s.description}>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 ? (s.keys[0] === 'G' ? ' then ' : ' or ') : null}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </TableCell>
              <TableCell>{s.description}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </DialogContent>
    <DialogActions>
      <Button label="Close" onClick={onClose} />
    </DialogActions>
  </Dialog>
);

/**
 * Global keyboard shortcuts plus the toolbar button that lists them. Single-key shortcuts are
 * ignored while typing in a field or while a dialog is open; Esc is left to the dialogs.
 */
export const KeyboardShortcuts = () => {
  const navigate = useNavigate();
  const location = useLocation();
  const [helpOpen, setHelpOpen] = useState(false);
  const pendingG = useRef(0);
  // A read-only store creates nothing: N and Ctrl+N do nothing there.
  const readOnly = useReadOnly();

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const ctrl = event.ctrlKey || event.metaKey;
      const key = event.key;

      if (ctrl && !event.altKey && (key === 's' || key === 'S')) {
        const submit = document.querySelector<HTMLButtonElement>(
          'form button[type="submit"]:not([disabled])',
        );
        if (submit) {
          event.preventDefault();
          submit.click();
        }
        return;
      }
      if (ctrl && !event.altKey && !event.shiftKey && (key === 'n' || key === 'N')) {
        event.preventDefault();
        if (!readOnly) navigate('/customer-users/create');
        return;
      }
      if (key === 'F1') {
        event.preventDefault();
        setHelpOpen(true);
        return;
      }
      if (ctrl || event.altKey || isEditable(event.target) || dialogOpen()) return;

      if (key === '/') {
        event.preventDefault();
        if (!focusQuickSearch()) {
          navigate('/customer-users');
          let tries = 0;
          const retry = () => {
            if (!focusQuickSearch() && tries++ < 20) window.setTimeout(retry, 50);
          };
          window.setTimeout(retry, 0);
        }
      } else if ((key === 'n' || key === 'N') && !readOnly) {
        event.preventDefault();
        navigate('/customer-users/create');
      } else if (key === '?') {
        event.preventDefault();
        setHelpOpen(true);
      } else if (key === 'g' || key === 'G') {
        pendingG.current = Date.now();
      } else if ((key === 'l' || key === 'L') && Date.now() - pendingG.current < 1500) {
        pendingG.current = 0;
        event.preventDefault();
        navigate('/customer-users');
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [navigate, location.pathname, readOnly]);

  return (
    <>
      <Tooltip title="Keyboard shortcuts (?)">
        <IconButton
          color="inherit"
          aria-label="Keyboard shortcuts"
          onClick={() => setHelpOpen(true)}
        >
          <KeyboardIcon />
        </IconButton>
      </Tooltip>
      <ShortcutsDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
    </>
  );
};
