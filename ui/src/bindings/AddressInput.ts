// Hand-written from docs/api.md until ts-rs generates this file.
import type { Address } from './Address';

export type AddressInput = Omit<Address, 'id'> & { id?: string | null };
