import type { AddressInput } from '../bindings/AddressInput';
import type { CustomerUser } from '../bindings/CustomerUser';
import type { CustomerUserInput } from '../bindings/CustomerUserInput';
import type { CustomerUserPatch } from '../bindings/CustomerUserPatch';
import type { JsonValue } from '../bindings/serde_json/JsonValue';

export type AddressType = 'billing' | 'shipping';

/** One address as the form holds it (text inputs give '' for empty). */
export interface AddressFormValues {
  id?: string | null;
  label?: string | null;
  namePrefix?: string | null;
  firstName?: string | null;
  middleName?: string | null;
  lastName?: string | null;
  nameSuffix?: string | null;
  organization?: string | null;
  street?: string | null;
  street2?: string | null;
  city?: string | null;
  postalCode?: string | null;
  /** ISO 3166-1 alpha-2. */
  country?: string | null;
  /** ISO 3166-2 (`US-CA`), where the country has regions. */
  region?: string | null;
  /** The region as typed, where the country has none to pick from. */
  regionText?: string | null;
  phone?: string | null;
  types?: AddressType[] | null;
  defaults?: AddressType[] | null;
}

/** The create/edit form's values. Field names match the server's error paths (docs/api.md). */
export interface CustomerUserFormValues {
  id?: string;
  namePrefix?: string | null;
  firstName?: string | null;
  middleName?: string | null;
  lastName?: string | null;
  nameSuffix?: string | null;
  email?: string | null;
  birthday?: string | null;
  enabled?: boolean;
  customer?: string | null;
  createNewCustomer?: boolean;
  newCustomer?: { name?: string | null; parent?: string | null } | null;
  salesRepresentatives?: string[] | null;
  password?: string | null;
  passwordConfirm?: string | null;
  generatePassword?: boolean;
  /** Create only: queue the welcome e-mail with a link to choose a password. */
  sendWelcomeEmail?: boolean;
  website?: string | null;
  preferredLocalization?: string | null;
  owner?: string | null;
  userRoles?: string[] | null;
  addresses?: AddressFormValues[] | null;
  /** The organization's own fields by name (System › Customer User Fields). */
  extra?: { [name: string]: JsonValue | undefined } | null;
}

export const emptyFormValues = (): CustomerUserFormValues => ({
  namePrefix: '',
  firstName: '',
  middleName: '',
  lastName: '',
  nameSuffix: '',
  email: '',
  birthday: null,
  enabled: true,
  customer: null,
  createNewCustomer: false,
  newCustomer: { name: '', parent: null },
  salesRepresentatives: [],
  password: '',
  passwordConfirm: '',
  generatePassword: false,
  sendWelcomeEmail: false,
  website: null,
  preferredLocalization: null,
  owner: null,
  userRoles: [],
  addresses: [],
  extra: {},
});

export function recordToFormValues(r: CustomerUser): CustomerUserFormValues {
  return {
    id: r.id,
    namePrefix: r.namePrefix ?? '',
    firstName: r.firstName ?? '',
    middleName: r.middleName ?? '',
    lastName: r.lastName ?? '',
    nameSuffix: r.nameSuffix ?? '',
    email: r.email ?? '',
    birthday: r.birthday ?? null,
    enabled: r.enabled,
    customer: r.customer?.id ?? null,
    createNewCustomer: false,
    newCustomer: { name: '', parent: null },
    salesRepresentatives: (r.salesRepresentatives ?? []).map((u) => u.id),
    password: '',
    passwordConfirm: '',
    generatePassword: false,
    website: r.website?.id ?? null,
    preferredLocalization: r.preferredLocalization?.id ?? null,
    owner: r.owner?.id ?? null,
    userRoles: (r.userRoles ?? []).map((role) => role.id),
    addresses: (r.addresses ?? []).map((a) => ({
      ...a,
      types: [...(a.types ?? [])],
      defaults: [...(a.defaults ?? [])],
    })),
    extra: { ...(r.extra ?? {}) },
  };
}

const text = (v: string | null | undefined): string => (v == null ? '' : String(v));
const optional = (v: string | null | undefined): string | null => {
  const s = text(v);
  return s.trim() === '' ? null : s;
};
const optionalId = (v: string | null | undefined): string | null => (v ? String(v) : null);

function addressToInput(a: AddressFormValues): AddressInput {
  const types = (a.types ?? []).filter(
    (t): t is AddressType => t === 'billing' || t === 'shipping',
  );
  const out: AddressInput = {
    label: optional(a.label),
    namePrefix: optional(a.namePrefix),
    firstName: optional(a.firstName),
    middleName: optional(a.middleName),
    lastName: optional(a.lastName),
    nameSuffix: optional(a.nameSuffix),
    organization: optional(a.organization),
    street: text(a.street),
    street2: optional(a.street2),
    city: text(a.city),
    postalCode: text(a.postalCode),
    country: text(a.country).trim().toUpperCase(),
    region: optional(a.region),
    regionText: optional(a.regionText),
    phone: optional(a.phone),
    types,
    defaults: (a.defaults ?? []).filter((d) => types.includes(d)),
  } as AddressInput;
  if (a.id) out.id = a.id;
  return out;
}

/** The own fields' values to send: a cleared input as `null`, which clears the value. */
function extraToInput(extra: CustomerUserFormValues['extra']): CustomerUserInput['extra'] {
  const entries = Object.entries(extra ?? {}).flatMap(([name, value]) =>
    value === undefined ? [] : [[name, value === '' ? null : value] as const],
  );
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/**
 * The form's values as a `CustomerUserInput`: blank optional texts become null, the
 * "create new customer" switch chooses between `customer` and `newCustomer`, and password
 * keys are only present when a password is typed (or generation is ticked).
 */
export function formValuesToInput(v: CustomerUserFormValues): CustomerUserInput {
  const input = {
    namePrefix: optional(v.namePrefix),
    firstName: text(v.firstName),
    middleName: optional(v.middleName),
    lastName: text(v.lastName),
    nameSuffix: optional(v.nameSuffix),
    email: text(v.email).trim(),
    birthday: optional(v.birthday),
    enabled: v.enabled ?? true,
    salesRepresentatives: [...(v.salesRepresentatives ?? [])],
    website: optionalId(v.website),
    preferredLocalization: optionalId(v.preferredLocalization),
    owner: optionalId(v.owner),
    userRoles: [...(v.userRoles ?? [])],
    addresses: (v.addresses ?? []).map(addressToInput),
  } as CustomerUserInput;
  if (v.createNewCustomer) {
    // `customer` stays absent: the server creates the customer in the same transaction.
    input.newCustomer = {
      name: text(v.newCustomer?.name),
      parent: optionalId(v.newCustomer?.parent),
    } as CustomerUserInput['newCustomer'];
  } else {
    input.customer = optionalId(v.customer);
  }
  const extra = extraToInput(v.extra);
  if (extra) input.extra = extra;
  if (v.sendWelcomeEmail) input.sendWelcomeEmail = true;
  if (v.generatePassword) {
    input.generatePassword = true;
  } else if (text(v.password) !== '' || text(v.passwordConfirm) !== '') {
    input.password = text(v.password);
    input.passwordConfirm = text(v.passwordConfirm);
  }
  return input;
}

/** The saved record in input shape, to diff an edit against. */
export function recordToInput(r: CustomerUser): CustomerUserInput {
  return formValuesToInput(recordToFormValues(r));
}

const isEmpty = (v: unknown) => v == null || (typeof v === 'string' && v.trim() === '');

/**
 * Deep equality for JSON-like values; object key order does not matter, and a blank string
 * equals null (an untouched empty input equals a cleared one).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmpty(a) || isEmpty(b)) return isEmpty(a) && isEmpty(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const k of keys) {
      if (!jsonEqual(ao[k], bo[k])) return false;
    }
    return true;
  }
  return false;
}

/** Keys whose values are only ever sent, never read back from the record. */
const WRITE_ONLY = [
  'password',
  'passwordConfirm',
  'generatePassword',
  'sendWelcomeEmail',
  'newCustomer',
] as const;

/** Only the keys of `next` that differ from `prev` (docs/api.md: an absent key keeps its value). */
export function diffInput(
  prev: Partial<CustomerUserInput>,
  next: Partial<CustomerUserInput>,
): CustomerUserPatch {
  const patch: Record<string, unknown> = {};
  const p = prev as Record<string, unknown>;
  for (const [key, value] of Object.entries(next)) {
    if (value === undefined) continue;
    if ((WRITE_ONLY as readonly string[]).includes(key)) {
      if (value !== null && value !== false) patch[key] = value;
      continue;
    }
    if (!jsonEqual(p[key], value)) patch[key] = value;
  }
  if (patch.newCustomer) delete patch.customer;
  return patch as CustomerUserPatch;
}
