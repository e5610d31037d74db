// Hand-written from docs/api.md until ts-rs generates this file.
export type RoleRef = { id: string; role: string; label: string; customerId: string | null };
