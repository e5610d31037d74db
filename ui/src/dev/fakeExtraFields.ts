/**
 * The fake backend's own customer user fields (System › Customer User Fields, issue #13): the
 * fields, the checks of the values users are given, and the grid's filters on them.
 */
import type { ApiError } from '../bindings/ApiError';
import type { ExtraField } from '../bindings/ExtraField';
import type { ExtraFieldInput } from '../bindings/ExtraFieldInput';
import type { ExtraFieldKind } from '../bindings/ExtraFieldKind';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import { apiError, BLANK, idMaker } from './fakeCommon';

export type ExtraValues = { [key in string]?: JsonValue };

export const NOT_A_CHOICE = 'The value you selected is not a valid choice.';
const KINDS: ExtraFieldKind[] = ['text', 'number', 'date', 'boolean', 'choice'];
const nextId = idMaker();

const isBlank = (v: JsonValue | undefined) => v === null || v === undefined || v === '';

/** Why `value` does not fit `field`, or nothing. */
function refusal(field: ExtraField, value: JsonValue): string | undefined {
  switch (field.kind) {
    case 'text':
      return typeof value === 'string' ? undefined : 'This value should be text.';
    case 'number':
      return typeof value === 'number' ? undefined : 'This value should be a number.';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'This value should be yes or no.';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? undefined
        : 'This value is not a valid date.';
    case 'choice':
      return typeof value === 'string' && field.choices.includes(value) ? undefined : NOT_A_CHOICE;
  }
}

export class FakeExtraFields {
  fields: ExtraField[] = [];

  list(): ExtraField[] {
    return structuredClone([...this.fields].sort((a, b) => a.position - b.position));
  }

  create(input: ExtraFieldInput): ExtraField {
    const field = this.checked(null, input);
    this.fields.push(field);
    return structuredClone(field);
  }

  update(id: string, input: ExtraFieldInput): ExtraField {
    const before = this.find(id);
    Object.assign(before, this.checked(before, input));
    return structuredClone(before);
  }

  /** Removes the field; `values` are the users' values, which lose it too. */
  delete(id: string, values: ExtraValues[]) {
    const field = this.find(id);
    this.fields = this.fields.filter((f) => f.id !== id);
    for (const extra of values) delete extra[field.name];
  }

  /** The core's refusals of a user's `extra`, as field errors on `extra.<name>`. */
  check(extra: ExtraValues): ApiError['fields'] {
    const errors: ApiError['fields'] = [];
    for (const [name, value] of Object.entries(extra)) {
      const field = this.fields.find((f) => f.name === name);
      const message = !field
        ? 'This field does not exist.'
        : isBlank(value)
          ? undefined
          : refusal(field, value as JsonValue);
      if (message) errors.push({ field: `extra.${name}`, message });
    }
    return errors;
  }

  /** `extra` merged into the user's values: a blank value clears the field. */
  apply(values: ExtraValues, extra: ExtraValues) {
    for (const [name, value] of Object.entries(extra)) {
      if (isBlank(value)) delete values[name];
      else values[name] = value;
    }
  }

  /** `GridFilter.extra`: text contains, the other kinds equal (yes/no as "true"/"false"). */
  matches(values: ExtraValues, filter: { [key in string]?: string } | undefined): boolean {
    return Object.entries(filter ?? {}).every(([name, wanted]) => {
      if (wanted === undefined) return true;
      const field = this.fields.find((f) => f.name === name);
      const value = values[name];
      if (!field || isBlank(value)) return false;
      return field.kind === 'text'
        ? String(value).toLowerCase().includes(wanted.toLowerCase())
        : String(value) === wanted;
    });
  }

  private find(id: string): ExtraField {
    const found = this.fields.find((f) => f.id === id);
    if (!found) throw apiError('not_found', 'Customer user field not found.');
    return found;
  }

  private checked(before: ExtraField | null, input: ExtraFieldInput): ExtraField {
    const fields: ApiError['fields'] = [];
    const name = before ? before.name : (input.name ?? '').trim();
    if (before && input.name != null && input.name !== before.name)
      fields.push({ field: 'name', message: 'The name cannot be changed.' });
    if (!name) fields.push({ field: 'name', message: BLANK });
    else if (!/^[a-z][a-z0-9_]*$/.test(name))
      fields.push({
        field: 'name',
        message: 'Use lowercase letters, digits and underscores, starting with a letter.',
      });
    else if (!before && this.fields.some((f) => f.name === name))
      fields.push({ field: 'name', message: 'This name is already used.' });
    const label = (input.label ?? before?.label ?? '').trim();
    if (!label) fields.push({ field: 'label', message: BLANK });
    const kind = input.kind ?? before?.kind;
    if (!kind || !KINDS.includes(kind)) fields.push({ field: 'kind', message: NOT_A_CHOICE });
    else if (before && kind !== before.kind)
      fields.push({ field: 'kind', message: 'The kind cannot change once the field is made.' });
    const choices = [
      ...new Set((input.choices ?? before?.choices ?? []).map((c) => c.trim())),
    ].filter(Boolean);
    if (kind === 'choice' && choices.length === 0)
      fields.push({ field: 'choices', message: 'A choice field needs at least one choice.' });
    if (fields.length)
      throw apiError('validation', 'The customer user field is not valid.', fields);
    return {
      id: before?.id ?? nextId('field'),
      name,
      label,
      kind: kind as ExtraFieldKind,
      choices: kind === 'choice' ? choices : [],
      position: before?.position ?? this.fields.length + 1,
    };
  }

  /** For `npm run dev`: an account tier, a credit limit, a flag and a date. */
  seedDemo() {
    this.create({
      name: 'account_tier',
      label: 'Account tier',
      kind: 'choice',
      choices: ['Gold', 'Silver', 'Bronze'],
    });
    this.create({ name: 'credit_limit', label: 'Credit limit', kind: 'number' });
    this.create({ name: 'onboarded', label: 'Onboarded', kind: 'boolean' });
    this.create({ name: 'contract_date', label: 'Contract date', kind: 'date' });
  }
}
