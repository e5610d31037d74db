import type { MouseEvent } from 'react';
import ToggleOnIcon from '@mui/icons-material/ToggleOn';
import ToggleOffIcon from '@mui/icons-material/ToggleOff';
import { useMutation } from '@tanstack/react-query';
import { Button, useDataProvider, useNotify, useRecordContext, useRefresh } from 'react-admin';
import type { CustomerUser } from '../bindings/CustomerUser';
import type { AppDataProvider } from '../data/dataProvider';
import { Gated } from '../backOffice/capabilities';

/**
 * "Enable" / "Disable" (Oro's operations) of `record`: calls `set_customer_user_enabled`.
 * Shared by the view page's button and the grid row's menu.
 */
export function useEnableToggle(record: { id: string; enabled: boolean } | undefined) {
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const { mutate, isPending } = useMutation<CustomerUser, Error, boolean>({
    mutationFn: (enabled) => dataProvider.setCustomerUserEnabled(record!.id, enabled),
    onSuccess: (user) => {
      notify(user.enabled ? 'Customer User has been enabled' : 'Customer User has been disabled', {
        type: 'success',
      });
      refresh();
    },
    onError: (error) =>
      notify(error.message || 'The change could not be saved.', { type: 'error' }),
  });
  const enabling = !record?.enabled;
  return {
    label: enabling ? 'Enable' : 'Disable',
    icon: enabling ? <ToggleOnIcon /> : <ToggleOffIcon />,
    toggle: () => mutate(enabling),
    isPending,
  };
}

/** The view page's "Enable" / "Disable" button. */
export const EnableToggleButton = ({ size = 'small' }: { size?: 'small' | 'medium' }) => {
  const record = useRecordContext<{ id: string; enabled: boolean }>();
  const { label, icon, toggle, isPending } = useEnableToggle(record);
  if (!record) return null;
  return (
    <Gated capability="manage_customer_users">
      {(disabled) => (
        <Button
          label={label}
          size={size}
          disabled={disabled || isPending}
          onClick={(event: MouseEvent) => {
            event.stopPropagation();
            toggle();
          }}
        >
          {icon}
        </Button>
      )}
    </Gated>
  );
};
