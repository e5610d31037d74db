/**
 * The customer user's fields as the core declares them once (src-tauri/core/src/customer_user/
 * field.rs, generated into `bindings/customerUserFields.ts`): the labels and the lists of API
 * names the UI needs, taken from that table instead of spelled again by hand.
 */
import type { Field } from '../bindings/Field';
import type { FieldDef } from '../bindings/FieldDef';
import { CUSTOMER_USER_FIELDS } from '../bindings/customerUserFields';

const BY_API = new Map<string, FieldDef>(CUSTOMER_USER_FIELDS.map((d) => [d.api, d]));

/** The label the grid, the form and the view page show for the field. */
export const fieldLabel = (api: Field): string => BY_API.get(api)?.label ?? api;

/**
 * The API names of the fields whose declarations pass `keep`, in the table's order.
 * (`field` is the API name typed as a `Field`: the core checks that the two agree.)
 */
const apiNames = (keep: (d: FieldDef) => boolean): Field[] =>
  CUSTOMER_USER_FIELDS.filter(keep).map((d) => d.field);

/** The fields an update from the form or the CLI may set. */
export const WRITABLE_FIELDS: readonly Field[] = apiNames((d) => d.writable);

/**
 * The parts of the name, in the order `fullName` joins them: the text fields
 * (Name Prefix, First Name, Middle Name, Last Name, Name Suffix).
 */
export const NAME_PARTS: readonly Field[] = apiNames(
  (d) => d.kind === 'text' || d.kind === 'optionalText',
);

/** The fields held as one plain value (texts, the e-mail address and the birthday). */
export const PLAIN_VALUE_FIELDS: readonly Field[] = apiNames((d) =>
  ['text', 'optionalText', 'email', 'date'].includes(d.kind),
);
