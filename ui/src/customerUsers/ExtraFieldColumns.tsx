import { DateInput, NumberInput, SelectInput, TextInput, useRecordContext } from 'react-admin';
import type { CustomerUserRow } from '../bindings/CustomerUserRow';
import type { ExtraField } from '../bindings/ExtraField';
import { choicesOf, extraSource, formatExtraValue } from './extraFields';
import { YES_NO } from './fields';

/** A grid cell of an own field; `source` names the column for the column chooser. */
const ExtraValueField = ({
  field,
}: {
  field: ExtraField;
  source: string;
  label: string;
  sortable: boolean;
}) => {
  const row = useRecordContext<CustomerUserRow>();
  return row ? <span>{formatExtraValue(field, row.extra?.[field.name])}</span> : null;
};

/** One column per own field; the core sorts by none of them. */
export const extraFieldColumns = (fields: ExtraField[]) =>
  fields.map((field) => (
    <ExtraValueField
      key={field.id}
      field={field}
      source={extraSource(field)}
      label={field.label}
      sortable={false}
    />
  ));

/** One filter per own field, writing `GridFilter.extra[name]`: text contains, others equal. */
export const extraFieldFilters = (fields: ExtraField[]) =>
  fields.map((field) => {
    const props = { key: field.id, source: extraSource(field) };
    switch (field.kind) {
      case 'number':
        return <NumberInput {...props} label={field.label} />;
      case 'date':
        return <DateInput {...props} label={field.label} />;
      case 'boolean':
        return <SelectInput {...props} label={field.label} choices={YES_NO} />;
      case 'choice':
        return <SelectInput {...props} label={field.label} choices={choicesOf(field)} />;
      default:
        return <TextInput {...props} label={`${field.label} contains`} resettable />;
    }
  });
