// Hand-written from docs/api.md until ts-rs generates this file.
import type { AddressInput } from './AddressInput';

export type CustomerUserInput = {
  namePrefix?: string | null;
  firstName: string;
  middleName?: string | null;
  lastName: string;
  nameSuffix?: string | null;
  email: string;
  birthday?: string | null;
  enabled?: boolean;
  confirmed?: boolean;
  isGuest?: boolean;
  customer?: string | null;
  newCustomer?: { name: string; parent?: string | null } | null;
  salesRepresentatives?: Array<string> | null;
  password?: string | null;
  passwordConfirm?: string | null;
  generatePassword?: boolean;
  website?: string | null;
  preferredLocalization?: string | null;
  owner?: string | null;
  userRoles?: Array<string>;
  addresses?: Array<AddressInput>;
};
