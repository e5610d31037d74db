// Hand-written from docs/api.md until ts-rs generates this file.
import type { Ref } from './Ref';
import type { RoleRef } from './RoleRef';

export type Website = {
  id: string;
  name: string;
  url: string;
  localizations: Array<Ref>;
  defaultRole: RoleRef | null;
  guestRole: RoleRef | null;
  organization: Ref;
};
