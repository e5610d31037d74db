// Hand-written from docs/api.md until ts-rs generates this file.
export type Page<T> = { rows: Array<T>; nextCursor: string | null; prevCursor: string | null };
