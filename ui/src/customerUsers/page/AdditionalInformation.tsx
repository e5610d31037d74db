import { Box, Typography } from '@mui/material';
import type { CustomerUser } from '../../bindings/CustomerUser';
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
      <Box
        component="dl"
        sx={{
          display: 'grid',
          gridTemplateColumns: 'max-content 1fr',
          columnGap: 3,
          rowGap: 1,
          m: 0,
        }}
      >
        {fields.map((field) => (
          <Box key={field.id} sx={{ display: 'contents' }}>
            <Typography
              component="dt"
              variant="body2"
              color="text.secondary"
              sx={{ fontWeight: 500 }}
            >
              {field.label}
            </Typography>
            <Typography component="dd" variant="body2" sx={{ m: 0 }}>
              {formatExtraValue(field, record.extra?.[field.name])}
            </Typography>
          </Box>
        ))}
      </Box>
    </SectionCard>
  );
};
