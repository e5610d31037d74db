import { AddressForm } from './AddressForm';
import type { QuickForm as Form } from './quickActions';
import { RelatedRecordForm } from './RelatedRecordForm';

/** The form a quick action opens, wherever it opens; `onDone` after a save or a cancel. */
export const QuickForm = ({
  form,
  userId,
  onDone,
}: {
  form: Form;
  userId: string;
  onDone: () => void;
}) =>
  form === 'address' ? (
    <AddressForm userId={userId} onDone={onDone} />
  ) : (
    <RelatedRecordForm userId={userId} kind={form} onDone={onDone} />
  );
