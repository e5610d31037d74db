import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import {
  Checkbox,
  FormControl,
  FormControlLabel,
  FormGroup,
  FormHelperText,
  FormLabel,
  Stack,
  TextField,
  type TextFieldProps,
} from '@mui/material';
import { useNotify } from 'react-admin';
import type { Address } from '../../bindings/Address';
import type { AddressInput } from '../../bindings/AddressInput';
import type { AddressType } from '../../bindings/AddressType';
import type { Country } from '../../bindings/Country';
import { call } from '../../data/api';
import { CountryRegionPickers, useCountry } from '../CountryRegionPickers';
import { formErrors } from './fieldErrors';
import { PageForm } from './PageForm';
import { useStoreUser } from './userCache';

const TEXTS = [
  ['label', 'Label'],
  ['namePrefix', 'Name Prefix'],
  ['firstName', 'First Name'],
  ['middleName', 'Middle Name'],
  ['lastName', 'Last Name'],
  ['nameSuffix', 'Name Suffix'],
  ['organization', 'Organization'],
  ['street', 'Street'],
  ['street2', 'Street 2'],
  ['city', 'City'],
  ['postalCode', 'Postal Code'],
  ['regionText', 'Region'],
  ['phone', 'Phone'],
] as const;
type TextKey = (typeof TEXTS)[number][0];
type Values = Record<TextKey, string> & {
  country: string;
  region: string;
  types: AddressType[];
  defaults: AddressType[];
};
const LABEL = Object.fromEntries(TEXTS) as Record<TextKey, string>;
const REQUIRED: readonly TextKey[] = ['street', 'city', 'postalCode'];
/** The names the core's errors give the fields this form has. */
const FIELDS = [...TEXTS.map(([key]) => key), 'country', 'region', 'types', 'defaults'];
const TYPES: [AddressType, string][] = [
  ['billing', 'Billing'],
  ['shipping', 'Shipping'],
];

const fromAddress = (a?: Address): Values => ({
  ...(Object.fromEntries(TEXTS.map(([key]) => [key, a?.[key] ?? ''])) as Record<TextKey, string>),
  country: a?.country ?? '',
  region: a?.region ?? '',
  types: [...(a?.types ?? [])],
  defaults: [...(a?.defaults ?? [])],
});

const toInput = (v: Values, country: Country | null): AddressInput => {
  const optional = (s: string) => (s.trim() === '' ? null : s.trim());
  // A country with regions takes one of its regions, any other the region as typed.
  const regions = country?.hasRegions ?? false;
  return {
    label: optional(v.label),
    namePrefix: optional(v.namePrefix),
    firstName: optional(v.firstName),
    middleName: optional(v.middleName),
    lastName: optional(v.lastName),
    nameSuffix: optional(v.nameSuffix),
    organization: optional(v.organization),
    street: v.street.trim(),
    street2: optional(v.street2),
    city: v.city.trim(),
    postalCode: v.postalCode.trim(),
    country: v.country,
    region: regions ? optional(v.region) : null,
    regionText: regions ? null : optional(v.regionText),
    phone: optional(v.phone),
    types: v.types,
    defaults: v.defaults.filter((d) => v.types.includes(d)),
  };
};

/**
 * One address's form, new (no `address`) or to edit: Enter saves, Escape cancels. The core
 * checks it; its messages show under the fields they name.
 */
export const AddressForm = ({
  userId,
  address,
  onDone,
}: {
  userId: string;
  address?: Address;
  /** After a save or a cancel. */
  onDone: () => void;
}) => {
  const [values, setValues] = useState(() => fromAddress(address));
  const { country } = useCountry(values.country);
  const storeUser = useStoreUser();
  const notify = useNotify();
  const save = useMutation({
    mutationFn: (input: AddressInput) =>
      address
        ? call('update_customer_user_address', { id: address.id, input })
        : call('add_customer_user_address', { user: userId, input }),
    onSuccess: (user) => {
      storeUser(user);
      notify('The address was saved.', { type: 'success' });
      onDone();
    },
  });
  const { byField, rest } = formErrors(save.error, FIELDS);
  const set = (patch: Partial<Values>) => setValues((v) => ({ ...v, ...patch }));

  const text = (key: TextKey, props: TextFieldProps = {}) => (
    <TextField
      label={LABEL[key]}
      value={values[key]}
      onChange={(e) => set({ [key]: e.target.value })}
      error={!!byField[key]}
      helperText={byField[key]}
      size="small"
      required={REQUIRED.includes(key)}
      {...props}
    />
  );
  const toggleType = (type: AddressType, on: boolean) =>
    set({
      types: on ? [...values.types, type] : values.types.filter((t) => t !== type),
      defaults: on ? values.defaults : values.defaults.filter((d) => d !== type),
    });
  const toggleDefault = (type: AddressType, on: boolean) =>
    set({ defaults: on ? [...values.defaults, type] : values.defaults.filter((d) => d !== type) });

  return (
    <PageForm
      label={address ? 'Edit address' : 'New address'}
      errors={rest}
      saving={save.isPending}
      onSave={() => save.mutate(toInput(values, country))}
      onCancel={onDone}
    >
      {text('label', { autoFocus: true, fullWidth: true })}
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} useFlexGap>
        {text('namePrefix')}
        {text('firstName')}
        {text('middleName')}
        {text('lastName')}
        {text('nameSuffix')}
      </Stack>
      {text('organization', { fullWidth: true })}
      {text('street', { fullWidth: true })}
      {text('street2', { fullWidth: true })}
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} useFlexGap>
        {text('city', { sx: { flex: 2 } })}
        {text('postalCode', { sx: { flex: 1 } })}
      </Stack>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} useFlexGap>
        <CountryRegionPickers value={values} onChange={set} errors={byField} />
      </Stack>
      {text('phone')}
      <FormControl component="fieldset" error={!!(byField.types || byField.defaults)}>
        <FormLabel component="legend">Address types</FormLabel>
        <FormGroup row>
          {TYPES.map(([type, label]) => (
            <FormControlLabel
              key={type}
              label={label}
              control={
                <Checkbox
                  checked={values.types.includes(type)}
                  onChange={(e) => toggleType(type, e.target.checked)}
                />
              }
            />
          ))}
          {TYPES.map(([type, label]) => (
            <FormControlLabel
              key={`default-${type}`}
              label={`Default ${label.toLowerCase()}`}
              control={
                <Checkbox
                  checked={values.defaults.includes(type)}
                  disabled={!values.types.includes(type)}
                  onChange={(e) => toggleDefault(type, e.target.checked)}
                />
              }
            />
          ))}
        </FormGroup>
        {byField.types || byField.defaults ? (
          <FormHelperText>{byField.types || byField.defaults}</FormHelperText>
        ) : null}
      </FormControl>
    </PageForm>
  );
};
