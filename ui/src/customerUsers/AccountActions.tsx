import { useState, type ReactNode } from 'react';
import LockOpenIcon from '@mui/icons-material/LockOpen';
import LockResetIcon from '@mui/icons-material/LockReset';
import LinkOffIcon from '@mui/icons-material/LinkOff';
import MarkEmailReadIcon from '@mui/icons-material/MarkEmailRead';
import SendIcon from '@mui/icons-material/Send';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Confirm, useDataProvider, useNotify, useRefresh } from 'react-admin';
import type { BackOfficeCapability } from '../bindings/BackOfficeCapability';
import type { CustomerUser } from '../bindings/CustomerUser';
import { Gated } from '../backOffice/capabilities';
import { CUSTOMER_USERS, type AccountCommand, type AppDataProvider } from '../data/dataProvider';

/** What the actions need of a user: a grid row or a full record. */
export interface AccountState {
  id: string;
  email: string;
  enabled: boolean;
  confirmed: boolean;
  authStatus: string;
  resetLinkExpiresAt?: string | null;
}

interface AccountAction {
  command: AccountCommand;
  /** What the current admin's back-office role needs for it. */
  capability: BackOfficeCapability;
  label: string;
  icon: ReactNode;
  /** Oro's confirmation text, where the action asks first. */
  confirm?: (email: string) => string;
  success: (email: string) => string;
  failure?: (email: string) => string;
}

const CONFIRM: AccountAction = {
  command: 'confirm_customer_user',
  capability: 'manage_customer_users',
  label: 'Confirm',
  icon: <MarkEmailReadIcon />,
  success: () => 'Confirmation successful',
};
const RESEND: AccountAction = {
  command: 'resend_confirmation',
  capability: 'manage_customer_users',
  label: 'Resend Confirmation Email',
  icon: <SendIcon />,
  success: () => 'Confirmation email has been sent',
};
const RESET: AccountAction = {
  command: 'reset_password',
  capability: 'reset_passwords',
  label: 'Reset Password',
  icon: <LockResetIcon />,
  confirm: (email) =>
    `Customer user ${email} will receive the email to reset password and will be disabled from login.`,
  success: (email) => `Password reset request has been sent to ${email}.`,
  failure: (email) => `Password reset request to ${email} has failed.`,
};
const REVOKE: AccountAction = {
  command: 'revoke_reset',
  capability: 'reset_passwords',
  label: 'Revoke Reset Link',
  icon: <LinkOffIcon />,
  confirm: (email) =>
    `The reset link sent to ${email} will stop working and they sign in with their current password again.`,
  success: () => 'The password reset was revoked.',
};
const UNLOCK: AccountAction = {
  command: 'unlock_customer_user',
  capability: 'unlock',
  label: 'Unlock',
  icon: <LockOpenIcon />,
  success: (email) => `${email} has been unlocked.`,
};

/** The actions that apply to the user as they are now, as Oro shows its operations. */
export function accountActions(user: AccountState): AccountAction[] {
  const actions: AccountAction[] = [];
  if (!user.confirmed) actions.push(CONFIRM, RESEND);
  if (user.enabled) actions.push(RESET);
  if (user.authStatus === 'reset' || user.resetLinkExpiresAt) actions.push(REVOKE);
  if (user.authStatus === 'locked') actions.push(UNLOCK);
  return actions;
}

/** Runs an action after its confirmation (if any), then tells the admin and refreshes. */
export function useAccountAction(user: AccountState) {
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState<AccountAction | null>(null);
  const { mutate, isPending } = useMutation<CustomerUser, Error, AccountAction>({
    mutationFn: (action) => dataProvider.accountAction(action.command, user.id),
    onSuccess: (_, action) => {
      notify(action.success(user.email), { type: 'success' });
      void queryClient.invalidateQueries({ queryKey: [CUSTOMER_USERS] });
      refresh();
    },
    onError: (error, action) =>
      notify(action.failure ? `${action.failure(user.email)} ${error.message}` : error.message, {
        type: 'error',
      }),
  });
  const start = (action: AccountAction) => (action.confirm ? setAsking(action) : mutate(action));
  const dialog = (
    <Confirm
      isOpen={asking !== null}
      loading={isPending}
      title={asking?.label ?? ''}
      content={asking?.confirm?.(user.email) ?? ''}
      confirm={asking?.label ?? 'Confirm'}
      onConfirm={() => {
        if (asking) mutate(asking);
        setAsking(null);
      }}
      onClose={() => setAsking(null)}
    />
  );
  return { start, dialog, isPending };
}

/** The view page's buttons. */
export const AccountActionButtons = ({ user }: { user: AccountState }) => {
  const { start, dialog, isPending } = useAccountAction(user);
  return (
    <>
      {accountActions(user).map((action) => (
        <Gated key={action.command} capability={action.capability}>
          {(disabled) => (
            <Button
              label={action.label}
              disabled={disabled || isPending}
              onClick={() => start(action)}
            >
              {action.icon}
            </Button>
          )}
        </Gated>
      ))}
      {dialog}
    </>
  );
};
