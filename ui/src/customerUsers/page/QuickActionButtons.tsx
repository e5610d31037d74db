import { useId, useState, type ReactNode } from 'react';
import AddLocationAltIcon from '@mui/icons-material/AddLocationAlt';
import MoreVertIcon from '@mui/icons-material/MoreVert';
import RequestQuoteIcon from '@mui/icons-material/RequestQuote';
import ShoppingCartIcon from '@mui/icons-material/ShoppingCart';
import { Button, Menu, MenuItem } from '@mui/material';
import { useRecordContext } from 'react-admin';
import type { CustomerUser } from '../../bindings/CustomerUser';
import { Gated } from '../../backOffice/capabilities';
import { QUICK_LABEL, useQuickActions, useStartQuickAction, type QuickForm } from './quickActions';

const MAIN: [QuickForm, ReactNode][] = [
  ['address', <AddLocationAltIcon key="address" />],
  ['order', <ShoppingCartIcon key="order" />],
  ['quote', <RequestQuoteIcon key="quote" />],
];

/**
 * The view page's quick actions: "Create address", "Create order", "Create quote", and "More
 * actions" with the rest of what can be made for the user, a note and an event among them.
 */
export const QuickActionButtons = () => {
  const user = useRecordContext<CustomerUser>();
  const start = useStartQuickAction(user);
  const { setTimeline } = useQuickActions();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const menuId = useId();
  const pick = (act: () => void) => () => {
    setAnchor(null);
    act();
  };
  if (!user) return null;
  return (
    <Gated capability="manage_customer_users">
      {(disabled) => (
        <>
          {MAIN.map(([form, icon]) => (
            <Button
              key={form}
              size="small"
              startIcon={icon}
              disabled={disabled}
              onClick={() => start(form)}
            >
              {QUICK_LABEL[form]}
            </Button>
          ))}
          <Button
            size="small"
            startIcon={<MoreVertIcon />}
            disabled={disabled}
            aria-haspopup="menu"
            aria-controls={anchor ? menuId : undefined}
            aria-expanded={anchor ? true : undefined}
            onClick={(e) => setAnchor(e.currentTarget)}
          >
            More actions
          </Button>
          <Menu id={menuId} anchorEl={anchor} open={!!anchor} onClose={() => setAnchor(null)}>
            <MenuItem onClick={pick(() => start('rfq'))}>{QUICK_LABEL.rfq}</MenuItem>
            <MenuItem onClick={pick(() => start('shoppingList'))}>
              {QUICK_LABEL.shoppingList}
            </MenuItem>
            <MenuItem onClick={pick(() => setTimeline('note'))}>Add note</MenuItem>
            <MenuItem onClick={pick(() => setTimeline('event'))}>Schedule event</MenuItem>
          </Menu>
        </>
      )}
    </Gated>
  );
};
