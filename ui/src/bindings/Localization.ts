// Hand-written from docs/api.md until ts-rs generates this file.
export type Localization = { id: string; name: string; code: string };
