import { isTauri } from '@tauri-apps/api/core';
import { getCurrentWindow } from '@tauri-apps/api/window';
import { Alert, Box, Typography } from '@mui/material';
import { useGetOne } from 'react-admin';
import { useNavigate, useParams } from 'react-router-dom';
import type { CustomerUser } from '../../bindings/CustomerUser';
import { CUSTOMER_USERS } from '../../data/dataProvider';
import { fullName } from '../fields';
import { announceUserChanged } from './otherWindows';
import { isQuickForm, QUICK_LABEL } from './quickActions';
import { QuickForm } from './QuickForm';

/**
 * A quick action's form alone in its own window (the setting "quickActionsDisplay" =
 * window): `/customer-users/:id/quick/:form`. Saving or cancelling closes the window, once the
 * main window was told to read the user again; outside the desktop app (`npm run dev`, tests)
 * it goes to the user's page instead.
 */
export const QuickWindow = () => {
  const { id = '', form } = useParams();
  const navigate = useNavigate();
  const { data: user } = useGetOne<CustomerUser>(CUSTOMER_USERS, { id });
  if (!isQuickForm(form)) return <Alert severity="error">There is no quick action “{form}”.</Alert>;
  const done = () => {
    if (isTauri()) void announceUserChanged(id).finally(() => getCurrentWindow().close());
    else navigate(`/customer-users/${id}/show`);
  };
  const heading = `${QUICK_LABEL[form]}${user ? ` — ${fullName(user)}` : ''}`;
  return (
    <Box component="main" sx={{ p: 3, maxWidth: 960, mx: 'auto' }}>
      <Typography variant="h5" component="h1" gutterBottom>
        {heading}
      </Typography>
      <QuickForm form={form} userId={id} onDone={done} />
    </Box>
  );
};
