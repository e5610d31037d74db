import { Stack } from '@mui/material';
import { SelectInput } from 'react-admin';
import { useConsents } from './consents';

const STATES = [
  { id: 'true', name: 'Accepted' },
  { id: 'false', name: 'Not accepted' },
];

/**
 * The grid's "Consent" filter: a consent and whether the users accepted it, held as
 * `consent: { id, accepted }` (the data provider makes it `consentAccepted` or
 * `consentNotAccepted`). `source` and `label` name it in the filter menu.
 */
export const ConsentFilter = ({
  size,
}: {
  source: string;
  label: string;
  defaultValue?: unknown;
  size?: 'small' | 'medium';
}) => {
  const { data: consents = [] } = useConsents();
  return (
    <Stack direction="row" spacing={1}>
      <SelectInput
        source="consent.id"
        label="Consent"
        choices={consents}
        optionText="name"
        size={size}
        helperText={false}
      />
      <SelectInput
        source="consent.accepted"
        label="Consent status"
        choices={STATES}
        size={size}
        helperText={false}
      />
    </Stack>
  );
};
