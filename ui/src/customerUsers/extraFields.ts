import { useQuery } from '@tanstack/react-query';
import { useDataProvider } from 'react-admin';
import type { ExtraField } from '../bindings/ExtraField';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import type { AppDataProvider } from '../data/dataProvider';

/** The organization's own customer user fields (System › Customer User Fields). */
export const EXTRA_FIELDS = ['customer-user-fields'];

export const useExtraFields = () => {
  const dataProvider = useDataProvider<AppDataProvider>();
  return useQuery({
    queryKey: EXTRA_FIELDS,
    queryFn: () => dataProvider.listCustomerUserFields(),
  });
};

/** Where a user's value of `field` sits in a record, and the path of the core's errors about it. */
export const extraSource = (field: ExtraField) => `extra.${field.name}`;

/** A choice field's options, as react-admin's choice inputs take them. */
export const choicesOf = (field: ExtraField) => field.choices.map((c) => ({ id: c, name: c }));

const isBlank = (value: JsonValue | undefined) =>
  value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

/** A `YYYY-MM-DD` date in the window's locale, read as that calendar day wherever we are. */
function formatDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).toLocaleDateString() : value;
}

/** A user's value of `field` as the page and the grid show it; "—" when there is none. */
export function formatExtraValue(field: ExtraField, value: JsonValue | undefined): string {
  if (isBlank(value)) return '—';
  if (field.kind === 'boolean') return value === true || value === 'true' ? 'Yes' : 'No';
  if (field.kind === 'date' && typeof value === 'string') return formatDate(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
