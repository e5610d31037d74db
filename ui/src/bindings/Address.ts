// Hand-written from docs/api.md until ts-rs generates this file.
export type Address = {
  id: string;
  label: string | null;
  namePrefix: string | null;
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  nameSuffix: string | null;
  organization: string | null;
  street: string;
  street2: string | null;
  city: string;
  postalCode: string;
  country: string;
  region: string | null;
  phone: string | null;
  types: Array<'billing' | 'shipping'>;
  defaults: Array<'billing' | 'shipping'>;
};
