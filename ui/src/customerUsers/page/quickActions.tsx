import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { useNotify } from 'react-admin';
import type { CustomerUser } from '../../bindings/CustomerUser';
import type { RelatedKind } from '../../bindings/RelatedKind';
import { useSettings } from '../../app/settings';
import { call } from '../../data/api';
import { fullName } from '../fields';

/** What a quick action creates. */
export type QuickForm = 'address' | RelatedKind;
export type TimelineForm = 'note' | 'event';

export const QUICK_LABEL: Record<QuickForm, string> = {
  address: 'Create address',
  order: 'Create order',
  quote: 'Create quote',
  rfq: 'Create request for quote',
  shoppingList: 'Create shopping list',
};

export const isQuickForm = (value: string | undefined): value is QuickForm =>
  !!value && Object.hasOwn(QUICK_LABEL, value);

/** Where the quick actions' forms open: the setting "quickActionsDisplay". */
type QuickDisplay = 'in_place' | 'dialog' | 'window';

function useQuickDisplay(): QuickDisplay {
  // The Settings screen's query: a change saved there is seen here at once.
  const { data } = useSettings();
  const value = data?.find((s) => s.key === 'quickActionsDisplay')?.value;
  return value === 'in_place' || value === 'window' ? value : 'dialog';
}

type QuickState = {
  /** The form open inside its section of the page. */
  inPlace: QuickForm | null;
  setInPlace: (form: QuickForm | null) => void;
  dialog: QuickForm | null;
  setDialog: (form: QuickForm | null) => void;
  /** The new note or event the activity timeline is asked to open. */
  timeline: TimelineForm | null;
  setTimeline: (form: TimelineForm | null) => void;
};

const QuickContext = createContext<QuickState | null>(null);

/** Holds which quick action form is open, for the toolbar and the page's sections to share. */
export const QuickActionsProvider = ({ children }: { children: ReactNode }) => {
  const [inPlace, setInPlace] = useState<QuickForm | null>(null);
  const [dialog, setDialog] = useState<QuickForm | null>(null);
  const [timeline, setTimeline] = useState<TimelineForm | null>(null);
  const value = useMemo(
    () => ({ inPlace, setInPlace, dialog, setDialog, timeline, setTimeline }),
    [inPlace, dialog, timeline],
  );
  return <QuickContext.Provider value={value}>{children}</QuickContext.Provider>;
};

export function useQuickActions(): QuickState {
  const state = useContext(QuickContext);
  if (!state) throw new Error('useQuickActions needs a QuickActionsProvider.');
  return state;
}

/** Opens `form` for `user` where the setting says: in place, in a dialog or in a new window. */
export function useStartQuickAction(user: CustomerUser | undefined) {
  const display = useQuickDisplay();
  const { setInPlace, setDialog } = useQuickActions();
  const notify = useNotify();
  return (form: QuickForm) => {
    if (!user) return;
    if (display === 'in_place') setInPlace(form);
    else if (display === 'dialog') setDialog(form);
    else
      call('open_window', {
        path: `/customer-users/${user.id}/quick/${form}`,
        title: `${QUICK_LABEL[form]} — ${fullName(user)}`,
      }).catch((e: Error) => notify(e.message, { type: 'error' }));
  };
}
