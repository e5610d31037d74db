import { Stack } from '@mui/material';
import { BooleanInput, DateInput, NumberInput, SelectInput, TextInput } from 'react-admin';
import type { ExtraField } from '../bindings/ExtraField';
import { choicesOf, extraSource } from './extraFields';

/**
 * One input for an own field, by its kind. Its source is the core's error path
 * (`extra.<name>`), so a refused value's message shows under it.
 */
const ExtraFieldInput = ({ field }: { field: ExtraField }) => {
  const common = { source: extraSource(field), label: field.label };
  switch (field.kind) {
    case 'number':
      return <NumberInput {...common} />;
    case 'date':
      return <DateInput {...common} />;
    case 'boolean':
      // No default: an untouched switch leaves the value unset rather than saving "No".
      return <BooleanInput {...common} defaultValue={null} />;
    case 'choice':
      return <SelectInput {...common} choices={choicesOf(field)} emptyText="None" />;
    default:
      return <TextInput {...common} fullWidth />;
  }
};

/** The organization's own fields (System › Customer User Fields), in their order. */
export const ExtraFieldInputs = ({ fields }: { fields: ExtraField[] }) => (
  <Stack spacing={0} sx={{ width: '100%', maxWidth: 600 }}>
    {fields.map((field) => (
      <ExtraFieldInput key={field.id} field={field} />
    ))}
  </Stack>
);
