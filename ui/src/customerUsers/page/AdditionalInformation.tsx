import type { CustomerUser } from '../../bindings/CustomerUser';
import { Detail, Details } from '../../layout/Details';
import { formatExtraValue, useExtraFields } from '../extraFields';
import { SectionCard } from './SectionCard';

/**
 * The "Additional information" card: each of the organization's own fields with this user's
 * value. It shows nothing while the organization has no such fields.
 */
export const AdditionalInformation = ({ record }: { record: CustomerUser }) => {
  const { data: fields } = useExtraFields();
  if (!fields || fields.length === 0) return null;
  return (
    <SectionCard title="Additional information" fill={false}>
      <Details>
        {fields.map((field) => (
          <Detail key={field.id} label={field.label}>
            {formatExtraValue(field, record.extra?.[field.name])}
          </Detail>
        ))}
      </Details>
    </SectionCard>
  );
};
