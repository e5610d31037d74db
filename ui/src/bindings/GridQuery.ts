// Hand-written from docs/api.md until ts-rs generates this file.
import type { GridFilter } from './GridFilter';

export type GridQuery = {
  filter?: GridFilter;
  q?: string | null;
  sort?: {
    field:
      | 'id'
      | 'customerName'
      | 'firstName'
      | 'lastName'
      | 'email'
      | 'enabled'
      | 'confirmed'
      | 'isGuest'
      | 'authStatus'
      | 'createdAt'
      | 'updatedAt'
      | 'websiteName'
      | 'roles';
    order: 'ASC' | 'DESC';
  } | null;
  pageSize?: number;
  after?: string | null;
  before?: string | null;
};
