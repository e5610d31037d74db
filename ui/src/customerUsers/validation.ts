import type { Validator } from 'react-admin';
import type { AddressFormValues, CustomerUserFormValues } from './formValues';

/**
 * Client-side checks that mirror Oro's rules (reference §1 validation, §2). The server stays
 * the authority: its field errors are shown in place under the same inputs.
 * These validators carry no `isRequired` flag on purpose, so labels stay exactly as written.
 */
export const MESSAGES = {
  blank: 'This value should not be blank.',
  email: 'This value is not a valid email address.',
  emailShort: 'This value is too short. It should have 6 characters or more.',
  tooLong: 'This value is too long. It should have 255 characters or less.',
  passwordsMatch: 'The password fields must match.',
  birthdayFuture: 'The birth date cannot be in the future.',
  roleRequired: 'Please select at least one role before you enable the customer user.',
  defaultNotType: 'A default must also be one of the address types.',
  uniqueDefault: (type: string) => `Only one address can be the default ${type} address.`,
};

const isBlank = (v: unknown) => v == null || String(v).trim() === '';

export const notBlank: Validator = (value) => (isBlank(value) ? MESSAGES.blank : undefined);

export const maxLength255: Validator = (value) =>
  typeof value === 'string' && value.length > 255 ? MESSAGES.tooLong : undefined;

// Close to Symfony's strict mode for the common cases; the server decides the rest.
const EMAIL = /^[^\s@"(),:;<>[\\\]]+@[^\s@"(),:;<>[\\\]]+\.[^\s@"(),:;<>[\\\].]{2,}$/;

export const emailRule: Validator = (value) => {
  if (isBlank(value)) return MESSAGES.blank;
  const v = String(value).trim();
  if (!EMAIL.test(v)) return MESSAGES.email;
  if (v.length < 6) return MESSAGES.emailShort;
  return v.length > 255 ? MESSAGES.tooLong : undefined;
};

export const todayIso = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

export const birthdayRule: Validator = (value) =>
  typeof value === 'string' && value !== '' && value > todayIso()
    ? MESSAGES.birthdayFuture
    : undefined;

export const customerRule: Validator = (value, all: CustomerUserFormValues) =>
  !all.createNewCustomer && isBlank(value) ? MESSAGES.blank : undefined;

export const newCustomerNameRule: Validator = (value, all: CustomerUserFormValues) =>
  all.createNewCustomer && isBlank(value) ? MESSAGES.blank : undefined;

export const passwordRule =
  (mode: 'create' | 'edit'): Validator =>
  (value, all: CustomerUserFormValues) =>
    mode === 'create' && !all.generatePassword && isBlank(value) ? MESSAGES.blank : undefined;

export const passwordConfirmRule: Validator = (value, all: CustomerUserFormValues) => {
  if (all.generatePassword) return undefined;
  const password = all.password ?? '';
  return (value ?? '') !== password ? MESSAGES.passwordsMatch : undefined;
};

export const rolesRule: Validator = (value, all: CustomerUserFormValues) =>
  all.enabled && (!Array.isArray(value) || value.length === 0) ? MESSAGES.roleRequired : undefined;

/** `defaults` ⊆ `types`, and at most one default address per type across the list. */
export const defaultsRule: Validator = (value, all: CustomerUserFormValues, props) => {
  const defaults: string[] = Array.isArray(value) ? value : [];
  if (defaults.length === 0) return undefined;
  const match = /addresses\.(\d+)\.defaults$/.exec(String(props?.source ?? ''));
  const index = match ? Number(match[1]) : -1;
  const addresses: AddressFormValues[] = all.addresses ?? [];
  const own = addresses[index];
  if (own && defaults.some((d) => !(own.types ?? []).includes(d as 'billing'))) {
    return MESSAGES.defaultNotType;
  }
  for (const type of defaults) {
    const first = addresses.findIndex((a) => (a.defaults ?? []).includes(type as 'billing'));
    if (first !== -1 && first !== index) return MESSAGES.uniqueDefault(type);
  }
  return undefined;
};
