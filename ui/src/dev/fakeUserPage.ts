/**
 * The fake backend's part of the customer user's full page (issue #13): countries and regions,
 * the address book, consents and the related records (orders, quotes, …). Only the rules the
 * page needs to show its paths: the core has the real ones.
 */
import type { Address } from '../bindings/Address';
import type { AddressInput } from '../bindings/AddressInput';
import type { ApiError } from '../bindings/ApiError';
import type { Consent } from '../bindings/Consent';
import type { ConsentStatus } from '../bindings/ConsentStatus';
import type { Country } from '../bindings/Country';
import type { CustomerUser } from '../bindings/CustomerUser';
import type { LineItem } from '../bindings/LineItem';
import type { Ref } from '../bindings/Ref';
import type { Region } from '../bindings/Region';
import type { RelatedInput } from '../bindings/RelatedInput';
import type { RelatedKind } from '../bindings/RelatedKind';
import type { RelatedRecord } from '../bindings/RelatedRecord';
import type { RelatedStatuses } from '../bindings/RelatedStatuses';
import type { User } from '../bindings/User';
import { apiError, BLANK, idMaker, now } from './fakeCommon';
import { acceptKey, view } from './fakeConsents';

/** What this part reads of the fake backend. */
export interface UserPageHost {
  customerUsers: CustomerUser[];
  find(id: string): CustomerUser;
  currentAdmin(): User | null;
}

const nextId = idMaker();

export const COUNTRIES: Country[] = [
  { code: 'DE', name: 'Germany', hasRegions: true },
  { code: 'SG', name: 'Singapore', hasRegions: false },
  { code: 'GB', name: 'United Kingdom', hasRegions: true },
  { code: 'US', name: 'United States', hasRegions: true },
];

export const REGIONS: Record<string, Region[]> = {
  DE: [
    { code: 'DE-BY', name: 'Bayern' },
    { code: 'DE-BE', name: 'Berlin' },
    { code: 'DE-HH', name: 'Hamburg' },
  ],
  GB: [
    { code: 'GB-ENG', name: 'England' },
    { code: 'GB-NIR', name: 'Northern Ireland' },
    { code: 'GB-SCT', name: 'Scotland' },
    { code: 'GB-WLS', name: 'Wales' },
  ],
  US: [
    { code: 'US-CA', name: 'California' },
    { code: 'US-IL', name: 'Illinois' },
    { code: 'US-NY', name: 'New York' },
    { code: 'US-TX', name: 'Texas' },
  ],
};

export const RELATED_KINDS: RelatedStatuses[] = [
  {
    kind: 'rfq',
    label: 'Requests For Quote',
    statuses: ['submitted', 'processing', 'declined', 'cancelled'],
    defaultStatus: 'submitted',
  },
  {
    kind: 'quote',
    label: 'Quotes',
    statuses: ['draft', 'sent_to_customer', 'accepted', 'declined', 'expired'],
    defaultStatus: 'draft',
  },
  {
    kind: 'order',
    label: 'Orders',
    statuses: ['open', 'processing', 'shipped', 'closed', 'cancelled'],
    defaultStatus: 'open',
  },
  {
    kind: 'shoppingList',
    label: 'Shopping Lists',
    statuses: ['open', 'converted'],
    defaultStatus: 'open',
  },
];

const NUMBER_PREFIX: Record<RelatedKind, string> = {
  rfq: 'RFQ-',
  quote: 'Q-',
  order: 'SO-',
  shoppingList: 'SL-',
};

type CountryRegionInput = Pick<AddressInput, 'country' | 'region' | 'regionText'>;

/**
 * The core's checks of an address's country and region, under the address's own field names:
 * a region (of the country) where the country has regions, a typed one only where it has none.
 */
export function countryRegionProblems(input: CountryRegionInput): ApiError['fields'] {
  const fields: ApiError['fields'] = [];
  const country = COUNTRIES.find((c) => c.code === input.country);
  const region = input.region || null;
  const regionText = input.regionText?.trim() || null;
  if (!country) fields.push({ field: 'country', message: BLANK });
  else if (country.hasRegions) {
    if (!region)
      fields.push({ field: 'region', message: `State is required for country ${country.name}` });
    else if (!(REGIONS[country.code] ?? []).some((r) => r.code === region))
      fields.push({
        field: 'region',
        message: `Region ${region} does not belong to country ${country.code}`,
      });
    if (regionText)
      fields.push({
        field: 'regionText',
        message: 'Custom region can be used only for countries without predefined regions.',
      });
  }
  return fields;
}

/** An address's country and region as the core stores them, with their names. */
export function storedCountryRegion(
  input: CountryRegionInput,
): Pick<Address, 'country' | 'region' | 'regionText' | 'countryName' | 'regionName'> {
  const country = COUNTRIES.find((c) => c.code === input.country);
  const region = country?.hasRegions ? input.region || null : null;
  return {
    country: input.country,
    region,
    regionText: country?.hasRegions ? null : input.regionText?.trim() || null,
    countryName: country?.name ?? null,
    regionName: (REGIONS[input.country] ?? []).find((r) => r.code === region)?.name ?? null,
  };
}

const cents = (items: LineItem[]) =>
  items.reduce((sum, i) => sum + Math.round(Number(i.price) * 100) * i.quantity, 0);

export class FakeUserPage {
  consents: Consent[] = [
    {
      id: 'consent-terms',
      name: 'Terms and Conditions',
      mandatory: true,
      content: 'The store’s terms of sale.',
      url: null,
      acceptances: 0,
    },
    {
      id: 'consent-privacy',
      name: 'Privacy Policy',
      mandatory: true,
      content: null,
      url: 'https://shop.example.com/privacy',
      acceptances: 0,
    },
    {
      id: 'consent-newsletter',
      name: 'Newsletter',
      mandatory: false,
      content: 'News and offers by e-mail.',
      url: null,
      acceptances: 0,
    },
  ];
  /** `acceptKey(user, consent)` → when it was accepted. */
  accepted = new Map<string, string>();
  related: RelatedRecord[] = [];
  /** The windows `open_window` opened. */
  windows: { path: string; title: string }[] = [];

  constructor(private readonly host: UserPageHost) {}

  regionsOf(country: string): Region[] {
    return REGIONS[country] ?? [];
  }

  addAddress(userId: string, input: AddressInput): CustomerUser {
    const user = this.host.find(userId);
    user.addresses.push(this.checkedAddress(user, nextId('addr'), input));
    return this.saved(user);
  }

  updateAddress(id: string, input: AddressInput): CustomerUser {
    const user = this.ownerOf(id);
    user.addresses = user.addresses.map((a) =>
      a.id === id ? this.checkedAddress(user, id, input) : a,
    );
    return this.saved(user);
  }

  deleteAddress(id: string): CustomerUser {
    const user = this.ownerOf(id);
    user.addresses = user.addresses.filter((a) => a.id !== id);
    return this.saved(user);
  }

  private ownerOf(addressId: string): CustomerUser {
    const user = this.host.customerUsers.find((u) => u.addresses.some((a) => a.id === addressId));
    if (!user) throw apiError('not_found', 'Address not found.');
    return user;
  }

  private saved(user: CustomerUser): CustomerUser {
    user.updatedAt = now();
    return structuredClone(user);
  }

  /** The address as stored, or the core's field errors; a new default takes it from the rest. */
  private checkedAddress(user: CustomerUser, id: string, input: AddressInput): Address {
    const fields: ApiError['fields'] = [];
    for (const key of ['street', 'city', 'postalCode'] as const)
      if (!input[key]?.trim()) fields.push({ field: key, message: BLANK });
    fields.push(...countryRegionProblems(input));
    if (input.defaults.some((d) => !input.types.includes(d)))
      fields.push({
        field: 'defaults',
        message: 'A default must also be one of the address types.',
      });
    if (fields.length) throw apiError('validation', 'The address is not valid.', fields);
    for (const other of user.addresses)
      if (other.id !== id)
        other.defaults = other.defaults.filter((d) => !input.defaults.includes(d));
    return {
      id,
      label: input.label ?? null,
      namePrefix: input.namePrefix ?? null,
      firstName: input.firstName ?? null,
      middleName: input.middleName ?? null,
      lastName: input.lastName ?? null,
      nameSuffix: input.nameSuffix ?? null,
      organization: input.organization ?? null,
      street: input.street,
      street2: input.street2 ?? null,
      city: input.city,
      postalCode: input.postalCode,
      ...storedCountryRegion(input),
      phone: input.phone ?? null,
      types: [...input.types],
      defaults: [...input.defaults],
    };
  }

  consentStatuses(userId: string): ConsentStatus[] {
    this.host.find(userId);
    return this.consents.map((consent) => ({
      consent: view(this, consent),
      acceptedAt: this.accepted.get(acceptKey(userId, consent.id)) ?? null,
    }));
  }

  setConsent(userId: string, consentId: string, accept: boolean): ConsentStatus[] {
    this.host.find(userId);
    const consent = this.consents.find((c) => c.id === consentId);
    if (!consent) throw apiError('not_found', 'Consent not found.');
    const key = acceptKey(userId, consentId);
    if (accept) {
      if (!this.accepted.has(key)) this.accepted.set(key, now());
    } else {
      if (consent.mandatory)
        throw apiError('conflict', `“${consent.name}” is mandatory: it cannot be withdrawn.`);
      this.accepted.delete(key);
    }
    return this.consentStatuses(userId);
  }

  listRelated(userId: string, kind: RelatedKind): RelatedRecord[] {
    return this.related
      .filter((r) => r.customerUser.id === userId && r.kind === kind)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((r) => structuredClone(r));
  }

  getRelated(kind: RelatedKind, id: string): RelatedRecord {
    const found = this.related.find((r) => r.kind === kind && r.id === id);
    if (!found) throw apiError('not_found', 'Record not found.');
    return structuredClone(found);
  }

  createRelated(
    userId: string,
    kind: RelatedKind,
    input: RelatedInput,
    createdBy: Ref | null = this.adminRef(),
    at = now(),
  ): RelatedRecord {
    const user = this.host.find(userId);
    const statuses = RELATED_KINDS.find((k) => k.kind === kind);
    if (!statuses) throw apiError('invalid_input', `"${kind}" is not a kind of related record.`);
    const items = input.items ?? [];
    const fields: ApiError['fields'] = [];
    items.forEach((item, n) => {
      if (!item.sku.trim()) fields.push({ field: `items.${n}.sku`, message: BLANK });
      if (!(item.quantity > 0))
        fields.push({ field: `items.${n}.quantity`, message: 'This value should be positive.' });
      if (!/^\d+(\.\d{1,2})?$/.test(item.price))
        fields.push({ field: `items.${n}.price`, message: 'This value is not a valid price.' });
    });
    const currency = input.currency || 'USD';
    if (!/^[A-Z]{3}$/.test(currency))
      fields.push({ field: 'currency', message: 'This value is not a valid currency.' });
    const status = input.status || statuses.defaultStatus;
    if (!statuses.statuses.includes(status))
      fields.push({ field: 'status', message: 'The value you selected is not a valid choice.' });
    if (fields.length) throw apiError('validation', 'The record is not valid.', fields);
    const sameKind = this.related.filter((r) => r.kind === kind).length;
    const record: RelatedRecord = {
      id: nextId(kind),
      kind,
      number: input.number || `${NUMBER_PREFIX[kind]}${1001 + sameKind}`,
      status,
      total: (cents(items) / 100).toFixed(2),
      currency,
      items: items.map((i) => ({ ...i })),
      customerUser: { id: user.id, name: `${user.firstName} ${user.lastName}` },
      customer: { ...user.customer },
      createdBy,
      createdAt: at,
      updatedAt: at,
      validUntil: kind === 'quote' ? (input.validUntil ?? null) : null,
    };
    this.related.push(record);
    return structuredClone(record);
  }

  private adminRef(): Ref | null {
    const admin = this.host.currentAdmin();
    return admin ? { id: admin.id, name: admin.name } : null;
  }

  /** For `npm run dev`: addresses, accepted consents and records on the first users. */
  seedDemo() {
    const day = (n: number) => new Date(Date.UTC(2026, 1, n, 9, 30)).toISOString();
    const john: Ref = { id: 'user-admin', name: 'John Doe' };
    this.host.customerUsers.slice(0, 12).forEach((user, i) => {
      this.addAddress(user.id, {
        label: 'Head office',
        firstName: user.firstName,
        lastName: user.lastName,
        organization: user.customer.name,
        street: `${100 + i} Market Street`,
        city: 'San Francisco',
        postalCode: '94105',
        country: 'US',
        region: 'US-CA',
        phone: '+1 415 555 0100',
        types: ['billing', 'shipping'],
        defaults: ['billing', 'shipping'],
      });
      if (i % 3 === 0)
        this.addAddress(user.id, {
          label: 'Warehouse',
          street: 'Hafenstraße 7',
          city: 'Hamburg',
          postalCode: '20457',
          country: 'DE',
          region: 'DE-HH',
          types: ['shipping'],
          defaults: [],
        });
      for (const consent of this.consents.filter((c) => c.mandatory || i % 2 === 0))
        this.accepted.set(acceptKey(user.id, consent.id), day(1 + i));
      const widget = { sku: 'WID-1', name: 'Widget', quantity: 4, price: '12.50' };
      const gadget = { sku: 'GAD-2', name: 'Gadget', quantity: 1, price: '149.00' };
      this.createRelated(user.id, 'order', { items: [widget, gadget] }, null, day(2 + i));
      this.createRelated(
        user.id,
        'order',
        { status: 'shipped', items: [gadget] },
        john,
        day(3 + i),
      );
      this.createRelated(
        user.id,
        'quote',
        { items: [widget], validUntil: '2026-06-30' },
        john,
        day(4 + i),
      );
      this.createRelated(user.id, 'rfq', { items: [gadget] }, null, day(5 + i));
      this.createRelated(user.id, 'shoppingList', { items: [widget] }, null, day(6 + i));
    });
  }
}
