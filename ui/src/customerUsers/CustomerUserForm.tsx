import { useEffect, useMemo, useRef, useState } from 'react';
import { useFormContext, useFormState, useWatch } from 'react-hook-form';
import { Alert, Box, Divider, Button as MuiButton, Stack, Typography } from '@mui/material';
import AddIcon from '@mui/icons-material/AddCircleOutline';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import PasswordIcon from '@mui/icons-material/Password';
import RemoveIcon from '@mui/icons-material/RemoveCircleOutline';
import {
  ArrayInput,
  AutocompleteArrayInput,
  AutocompleteInput,
  Button,
  CheckboxGroupInput,
  DateInput,
  PasswordInput,
  ReferenceArrayInput,
  ReferenceInput,
  SaveButton,
  SelectInput,
  SimpleForm,
  SimpleFormIterator,
  TextInput,
  Toolbar,
  useDataProvider,
  useGetList,
  useNotify,
  useSimpleFormIterator,
  useInput,
  useSimpleFormIteratorItem,
  ValidationError,
} from 'react-admin';
import type { Customer } from '../bindings/Customer';
import type { RoleRef } from '../bindings/RoleRef';
import type { Website } from '../bindings/Website';
import type { AppDataProvider } from '../data/dataProvider';
import { Gated } from '../backOffice/capabilities';
import { CheckboxInput } from './CheckboxInput';
import { CountryRegionPickers, type CountryRegion } from './CountryRegionPickers';
import { ExtraFieldInputs } from './ExtraFieldInputs';
import { useExtraFields } from './extraFields';
import { fieldLabel } from './fieldTable';
import type { CustomerUserFormValues } from './formValues';
import {
  birthdayRule,
  customerRule,
  defaultsRule,
  emailRule,
  maxLength255,
  newCustomerNameRule,
  notBlank,
  passwordConfirmRule,
  passwordRule,
  rolesRule,
  todayIso,
} from './validation';

export type FormMode = 'create' | 'edit';

const ALL = { page: 1, perPage: 1000 };

export const Section = ({ title, children }: { title: string; children: React.ReactNode }) => (
  <Box component="section" sx={{ width: '100%', mb: 2 }}>
    <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
      {title}
    </Typography>
    {children}
    <Divider sx={{ mt: 2 }} />
  </Box>
);

const Row = ({ children }: { children: React.ReactNode }) => (
  <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ width: '100%' }}>
    {children}
  </Stack>
);

/** The server's message for the whole form (e.g. a field not on screen). */
export const ServerErrorBanner = () => {
  const { errors } = useFormState();
  const root = (errors.root as { serverError?: { message?: string } } | undefined)?.serverError;
  if (!root?.message) return null;
  return (
    <Alert severity="error" sx={{ width: '100%', mb: 2 }} role="alert">
      {root.message}
    </Alert>
  );
};

/**
 * The core's warning about the stored address (it mixes scripts, so it can pass for another),
 * while the field still holds that address: a new one is checked again when it is saved.
 */
const EmailWarning = ({ warning, stored }: { warning?: string; stored?: string | null }) => {
  const email = useWatch<CustomerUserFormValues>({ name: 'email' });
  if (!warning || email !== stored) return null;
  return (
    <Alert severity="warning" sx={{ width: '100%', mt: 1 }}>
      {warning}
    </Alert>
  );
};

// ---------------------------------------------------------------------------------------------

export const customerOption = (c: Customer | undefined) => (c ? c.path || c.name : '');

const CustomerSection = ({ mode }: { mode: FormMode }) => {
  const createNew = useWatch<CustomerUserFormValues>({ name: 'createNewCustomer' });
  const { setValue } = useFormContext<CustomerUserFormValues>();
  return (
    <Section title="Customer">
      {createNew ? (
        <Row>
          <TextInput
            source="newCustomer.name"
            label="New Customer Name"
            validate={[newCustomerNameRule, maxLength255]}
            fullWidth
          />
          <ReferenceInput source="newCustomer.parent" reference="customers" perPage={50}>
            <AutocompleteInput
              label="Parent Customer"
              optionText={customerOption}
              filterToQuery={(q: string) => ({ q })}
              fullWidth
            />
          </ReferenceInput>
        </Row>
      ) : (
        <ReferenceInput source="customer" reference="customers" perPage={50}>
          <AutocompleteInput
            label={fieldLabel('customer')}
            optionText={customerOption}
            filterToQuery={(q: string) => ({ q })}
            validate={customerRule}
            fullWidth
            onChange={(_value: unknown, record: unknown) => {
              // On create the customer's sales representatives apply by default (seed step 7).
              if (mode !== 'create') return;
              const customer = record as Customer | undefined;
              setValue(
                'salesRepresentatives',
                (customer?.salesRepresentatives ?? []).map((u) => u.id),
                { shouldDirty: true },
              );
            }}
          />
        </ReferenceInput>
      )}
      <CheckboxInput
        source="createNewCustomer"
        label="Create new customer"
        helperText="Creates the customer together with this customer user"
      />
      <ReferenceArrayInput source="salesRepresentatives" reference="users" perPage={1000}>
        <AutocompleteArrayInput
          label={fieldLabel('salesRepresentatives')}
          optionText="name"
          fullWidth
          helperText={
            mode === 'create' ? "Defaults to the customer's sales representatives" : undefined
          }
        />
      </ReferenceArrayInput>
    </Section>
  );
};

// ---------------------------------------------------------------------------------------------

const PasswordSection = ({ mode }: { mode: FormMode }) => {
  const generate = useWatch<CustomerUserFormValues>({ name: 'generatePassword' });
  const { setValue } = useFormContext<CustomerUserFormValues>();
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const [generated, setGenerated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onGenerate = async () => {
    setBusy(true);
    try {
      const password = await dataProvider.generatePassword();
      setValue('password', password, { shouldDirty: true, shouldValidate: true });
      setValue('passwordConfirm', password, { shouldDirty: true, shouldValidate: true });
      setGenerated(password);
    } catch (e) {
      notify(e instanceof Error ? e.message : 'No password could be generated.', { type: 'error' });
    } finally {
      setBusy(false);
    }
  };

  const onCopy = async () => {
    if (!generated) return;
    try {
      await navigator.clipboard.writeText(generated);
      notify('Password copied to the clipboard', { type: 'info' });
    } catch {
      notify('The clipboard is not available; select the password and copy it.', {
        type: 'warning',
      });
    }
  };

  return (
    <Section title="Password">
      <CheckboxInput
        source="generatePassword"
        label="Generate Password"
        helperText="A random password nobody sees; the customer user sets their own by link"
      />
      {mode === 'create' ? (
        <CheckboxInput
          source="sendWelcomeEmail"
          label="Send Welcome Email"
          helperText="With a link to the website to choose a password"
        />
      ) : null}
      {generate ? null : (
        <>
          <Row>
            <PasswordInput
              source="password"
              label="Password"
              validate={passwordRule(mode)}
              autoComplete="new-password"
              helperText={
                mode === 'edit'
                  ? 'Leave blank to keep the current password'
                  : 'At least 8 characters, with upper and lower case letters and a number'
              }
              fullWidth
            />
            <PasswordInput
              source="passwordConfirm"
              label="Confirm Password"
              validate={passwordConfirmRule}
              autoComplete="new-password"
              fullWidth
            />
          </Row>
          <Stack direction="row" spacing={1} alignItems="center" sx={{ mb: 1 }}>
            {/* A plain MUI button: no aria-label, so the label "Generate Password" names only the checkbox. */}
            <MuiButton
              size="small"
              startIcon={<PasswordIcon />}
              onClick={onGenerate}
              disabled={busy}
            >
              Generate Password
            </MuiButton>
            {generated ? (
              <>
                <Typography
                  component="code"
                  aria-label="Generated password"
                  sx={{ fontFamily: 'monospace', px: 1, py: 0.5, bgcolor: 'action.hover' }}
                >
                  {generated}
                </Typography>
                <MuiButton size="small" startIcon={<ContentCopyIcon />} onClick={onCopy}>
                  Copy
                </MuiButton>
              </>
            ) : null}
          </Stack>
        </>
      )}
    </Section>
  );
};

// ---------------------------------------------------------------------------------------------

/**
 * Preferred Localization (seed step 10): shown only when the websites together enable more than
 * one localization; its options are the chosen website's; cleared when the website changes.
 */
export const PreferredLocalizationInput = ({ websites }: { websites: Website[] }) => {
  const websiteId = useWatch<CustomerUserFormValues>({ name: 'website' }) as string | null;
  const { setValue } = useFormContext<CustomerUserFormValues>();
  const previous = useRef(websiteId);
  useEffect(() => {
    if (previous.current !== websiteId) {
      previous.current = websiteId;
      setValue('preferredLocalization', null, { shouldDirty: true });
    }
  }, [websiteId, setValue]);

  const distinct = new Set(websites.flatMap((w) => (w.localizations ?? []).map((l) => l.id)));
  if (distinct.size <= 1) return null;
  const website = websites.find((w) => w.id === websiteId);
  const choices = website?.localizations ?? [];
  return (
    <SelectInput
      source="preferredLocalization"
      label={fieldLabel('preferredLocalization')}
      choices={choices}
      optionText="name"
      emptyText="None"
      disabled={!website}
      helperText={website ? undefined : 'Choose a website first'}
      fullWidth
    />
  );
};

const WebsiteSection = () => {
  const { data: websites = [] } = useGetList<Website>('websites', {
    pagination: ALL,
    sort: { field: 'name', order: 'ASC' },
  });
  return (
    <Section title="Website">
      <Row>
        <SelectInput
          source="website"
          label={fieldLabel('website')}
          choices={websites}
          optionText="name"
          emptyText="None"
          helperText="E-mails about the account point to this website"
          fullWidth
        />
        <PreferredLocalizationInput websites={websites} />
      </Row>
    </Section>
  );
};

// ---------------------------------------------------------------------------------------------

/** The roles available to the chosen customer: the predefined ones plus that customer's. */
const RolesSection = () => {
  const customer = useWatch<CustomerUserFormValues>({ name: 'customer' }) as string | null;
  const createNew = useWatch<CustomerUserFormValues>({ name: 'createNewCustomer' });
  const customerId = createNew ? null : customer || null;
  const { getValues, setValue } = useFormContext<CustomerUserFormValues>();
  const { data: roles, isFetching } = useGetList<RoleRef>('roles', {
    filter: { customer: customerId },
    pagination: ALL,
    sort: { field: 'label', order: 'ASC' },
  });

  // Labels of every role offered so far, to name the ones a change of customer takes away.
  const labels = useRef(new Map<string, string>());
  const [dropped, setDropped] = useState<string[]>([]);

  // Drop ticked roles of a customer the user no longer belongs to, and say which (the core
  // drops them the same way when a user moves).
  useEffect(() => {
    if (isFetching || !roles) return;
    const available = new Set(roles.map((r) => r.id));
    const selected = getValues('userRoles') ?? [];
    const lost = selected.filter((id) => !available.has(id));
    if (lost.length > 0) {
      setDropped(lost.map((id) => labels.current.get(id) ?? id));
      setValue(
        'userRoles',
        selected.filter((id) => available.has(id)),
        { shouldDirty: true },
      );
    }
    for (const r of roles) labels.current.set(r.id, r.label);
  }, [roles, isFetching, getValues, setValue]);

  return (
    <Section title={fieldLabel('userRoles')}>
      <CheckboxGroupInput
        source="userRoles"
        label={fieldLabel('userRoles')}
        choices={roles ?? []}
        optionText={(r: RoleRef) => (r.customerId ? `${r.label} (customer role)` : r.label)}
        row={false}
        validate={rolesRule}
        helperText="An enabled customer user needs at least one role"
      />
      {dropped.length > 0 && (
        <Alert severity="info" role="status">
          Roles of the previous customer were taken away: {dropped.join(', ')}.
        </Alert>
      )}
    </Section>
  );
};

// ---------------------------------------------------------------------------------------------

const ADDRESS_TYPES = [
  { id: 'billing', name: 'Billing' },
  { id: 'shipping', name: 'Shipping' },
];
const ADDRESS_DEFAULTS = [
  { id: 'billing', name: 'Default billing' },
  { id: 'shipping', name: 'Default shipping' },
];

const AddAddressButton = () => {
  const { add } = useSimpleFormIterator();
  return (
    <Button
      label="Add Address"
      onClick={() =>
        add({
          label: '',
          street: '',
          city: '',
          postalCode: '',
          country: '',
          region: '',
          regionText: '',
          types: [],
          defaults: [],
        })
      }
    >
      <AddIcon />
    </Button>
  );
};

const RemoveAddressButton = () => {
  const { remove, index } = useSimpleFormIteratorItem();
  return (
    <Button
      label="Remove Address"
      color="warning"
      onClick={() => remove()}
      aria-describedby={`address-${index}`}
    >
      <RemoveIcon />
    </Button>
  );
};

/**
 * The address book's Country and Region pickers on this address's `country`, `region` and
 * `regionText` (a country with regions takes a region code, any other the region as typed);
 * the server's errors on them show under the input on screen.
 */
const AddressCountryRegionInputs = () => {
  const country = useInput({ source: 'country', validate: notBlank });
  const region = useInput({ source: 'region' });
  const regionText = useInput({ source: 'regionText' });
  const inputs = { country, region, regionText };
  const error = (key: keyof CountryRegion) => {
    const message = inputs[key].fieldState.error?.message;
    return message ? <ValidationError error={message} /> : undefined;
  };
  return (
    <CountryRegionPickers
      value={{
        country: country.field.value ?? '',
        region: region.field.value ?? '',
        regionText: regionText.field.value ?? '',
      }}
      onChange={(patch) => {
        for (const [key, value] of Object.entries(patch))
          inputs[key as keyof CountryRegion].field.onChange(value);
      }}
      onBlur={(key) => inputs[key].field.onBlur()}
      errors={{
        country: error('country'),
        region: error('region'),
        regionText: error('regionText'),
      }}
      required={false}
      sx={{ flex: 1, minWidth: 180 }}
    />
  );
};

const AddressesSection = () => (
  <Section title={fieldLabel('addresses')}>
    <ArrayInput source="addresses" label={false}>
      <SimpleFormIterator
        disableReordering
        disableClear
        addButton={<AddAddressButton />}
        removeButton={<RemoveAddressButton />}
        getItemLabel={(index) => `Address ${index + 1}`}
        sx={{ '& .RaSimpleFormIterator-line': { pb: 2 } }}
      >
        <TextInput source="label" label="Label" validate={maxLength255} helperText={false} />
        <Row>
          <TextInput source="namePrefix" label="Name Prefix" helperText={false} />
          <TextInput source="firstName" label="First Name" helperText={false} />
          <TextInput source="middleName" label="Middle Name" helperText={false} />
          <TextInput source="lastName" label="Last Name" helperText={false} />
          <TextInput source="nameSuffix" label="Name Suffix" helperText={false} />
        </Row>
        <TextInput source="organization" label="Organization" helperText={false} fullWidth />
        <Row>
          <TextInput source="street" label="Street" validate={notBlank} fullWidth />
          <TextInput source="street2" label="Street 2" fullWidth />
        </Row>
        <Row>
          <TextInput source="city" label="City" validate={notBlank} />
          <TextInput source="postalCode" label="Postal Code" validate={notBlank} />
          <AddressCountryRegionInputs />
          <TextInput source="phone" label="Phone" />
        </Row>
        <Row>
          <CheckboxGroupInput source="types" label="Types" choices={ADDRESS_TYPES} />
          <CheckboxGroupInput
            source="defaults"
            label="Defaults"
            choices={ADDRESS_DEFAULTS}
            validate={defaultsRule}
          />
        </Row>
      </SimpleFormIterator>
    </ArrayInput>
  </Section>
);

// ---------------------------------------------------------------------------------------------

/** The organization's own fields; none, no section. */
const AdditionalInformationSection = () => {
  const { data: fields } = useExtraFields();
  if (!fields || fields.length === 0) return null;
  return (
    <Section title="Additional information">
      <ExtraFieldInputs fields={fields} />
    </Section>
  );
};

const FormToolbar = () => (
  <Toolbar>
    <Gated capability="manage_customer_users">
      {(disabled) => <SaveButton label="Save" alwaysEnable={!disabled} disabled={disabled} />}
    </Gated>
  </Toolbar>
);

/**
 * The one form for Create and Edit, in the order of the user guide's "Create a Customer User".
 * Input names are the server's field paths, so its errors land under the right inputs.
 */
export const CustomerUserForm = ({
  mode,
  record,
  emailWarning,
}: {
  mode: FormMode;
  record: CustomerUserFormValues;
  /** The stored address's `emailWarning` (edit), shown under the e-mail field. */
  emailWarning?: string;
}) => {
  const maxBirthday = useMemo(() => todayIso(), []);
  return (
    <SimpleForm record={record} toolbar={<FormToolbar />} noValidate sx={{ maxWidth: 1100 }}>
      <ServerErrorBanner />
      <Section title="General">
        <CheckboxInput
          source="enabled"
          label={fieldLabel('enabled')}
          helperText="The customer user can sign in to the storefront"
        />
        <Row>
          <TextInput source="namePrefix" label={fieldLabel('namePrefix')} validate={maxLength255} />
          <TextInput
            source="firstName"
            label={fieldLabel('firstName')}
            validate={[notBlank, maxLength255]}
          />
          <TextInput source="middleName" label={fieldLabel('middleName')} validate={maxLength255} />
          <TextInput
            source="lastName"
            label={fieldLabel('lastName')}
            validate={[notBlank, maxLength255]}
          />
          <TextInput source="nameSuffix" label={fieldLabel('nameSuffix')} validate={maxLength255} />
        </Row>
        <Row>
          <TextInput
            source="email"
            label={fieldLabel('email')}
            type="email"
            validate={emailRule}
            fullWidth
          />
          <DateInput
            source="birthday"
            label={fieldLabel('birthday')}
            validate={birthdayRule}
            inputProps={{ max: maxBirthday }}
          />
        </Row>
        <EmailWarning warning={emailWarning} stored={record.email} />
      </Section>
      <CustomerSection mode={mode} />
      <PasswordSection mode={mode} />
      <WebsiteSection />
      <AddressesSection />
      <RolesSection />
      <Section title="Ownership">
        <ReferenceInput source="owner" reference="users" perPage={1000}>
          <SelectInput
            label={fieldLabel('owner')}
            optionText="name"
            emptyText="None"
            helperText={mode === 'create' ? 'Defaults to you' : undefined}
          />
        </ReferenceInput>
      </Section>
      <AdditionalInformationSection />
    </SimpleForm>
  );
};
