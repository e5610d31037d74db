// Hand-written from docs/api.md until ts-rs generates this file.
export type User = { id: string; username: string; name: string; email: string };
