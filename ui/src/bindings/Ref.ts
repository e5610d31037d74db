// Hand-written from docs/api.md until ts-rs generates this file.
export type Ref = { id: string; name: string };
