// Hand-written from docs/api.md until ts-rs generates this file.
import type { Address } from './Address';
import type { Ref } from './Ref';
import type { RoleRef } from './RoleRef';

export type CustomerUser = {
  id: string;
  namePrefix: string | null;
  firstName: string;
  middleName: string | null;
  lastName: string;
  nameSuffix: string | null;
  email: string;
  birthday: string | null;
  enabled: boolean;
  confirmed: boolean;
  isGuest: boolean;
  authStatus: 'active' | 'reset';
  hasPassword: boolean;
  loginCount: number;
  lastLogin: string | null;
  passwordChangedAt: string | null;
  passwordRequestedAt: string | null;
  customer: Ref;
  website: Ref | null;
  preferredLocalization: Ref | null;
  owner: Ref | null;
  organization: Ref;
  userRoles: Array<RoleRef>;
  salesRepresentatives: Array<Ref>;
  addresses: Array<Address>;
  createdAt: string;
  updatedAt: string;
};
