// Hand-written from docs/api.md until ts-rs generates this file.
import type { Ref } from './Ref';

export type Customer = {
  id: string;
  name: string;
  parent: Ref | null;
  path: string;
  salesRepresentatives: Array<Ref>;
};
