// Hand-written from docs/api.md until ts-rs generates this file.
export type ChangeRecord = {
  id: string;
  entity: string;
  entityId: string;
  op: 'create' | 'update' | 'delete';
  fields: Record<string, [unknown, unknown]>;
  actor: string;
  at: string;
  hlc: string;
};
