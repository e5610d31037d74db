import { CommandError } from '../../data/api';

/**
 * A failed save as a form shows it: each message under the field it names (`fields` are the
 * form's), and what names none of them in an alert above.
 */
export function formErrors(error: unknown, fields: readonly string[]) {
  const byField: Record<string, string> = {};
  const rest: string[] = [];
  if (!error) return { byField, rest };
  const named = error instanceof CommandError ? error.fields : [];
  for (const f of named) {
    if (fields.includes(f.field)) byField[f.field] ??= f.message;
    else rest.push(f.message);
  }
  if (named.length === 0) rest.push(error instanceof Error ? error.message : String(error));
  return { byField, rest };
}
