import { useId } from 'react';
import { Dialog, DialogContent, DialogTitle } from '@mui/material';
import { QUICK_LABEL, useQuickActions } from './quickActions';
import { QuickForm } from './QuickForm';

/** The quick action form open in a dialog (the setting "quickActionsDisplay" = dialog). */
export const QuickDialog = ({ userId }: { userId: string }) => {
  const { dialog, setDialog } = useQuickActions();
  const titleId = useId();
  const close = () => setDialog(null);
  return (
    <Dialog open={!!dialog} onClose={close} aria-labelledby={titleId} maxWidth="md" fullWidth>
      {dialog ? (
        <>
          <DialogTitle id={titleId}>{QUICK_LABEL[dialog]}</DialogTitle>
          <DialogContent>
            <QuickForm form={dialog} userId={userId} onDone={close} />
          </DialogContent>
        </>
      ) : null}
    </Dialog>
  );
};
