import { invoke } from '@tauri-apps/api/core';
import type { ApiError } from '../bindings/ApiError';
import type { CommandName, Commands } from '../bindings/commands';

/** An `ApiError` (docs/api.md) raised as a JS `Error`, so callers get a stack and a message. */
export class CommandError extends Error {
  readonly code: ApiError['code'];
  readonly fields: ApiError['fields'];

  constructor(error: ApiError) {
    super(error.message);
    this.name = 'CommandError';
    this.code = error.code;
    this.fields = error.fields ?? [];
  }
}

const CODES: ReadonlyArray<ApiError['code']> = [
  'validation',
  'not_found',
  'conflict',
  'invalid_input',
  'storage',
  'internal',
  'unavailable',
  'unauthorized',
  'forbidden',
];

/** Turns whatever a rejected `invoke` gave us into an `ApiError`. */
export function toApiError(raw: unknown): ApiError {
  if (raw instanceof CommandError) {
    return { code: raw.code, message: raw.message, fields: raw.fields };
  }
  if (raw && typeof raw === 'object') {
    const o = raw as Record<string, unknown>;
    const code = CODES.includes(o.code as ApiError['code'])
      ? (o.code as ApiError['code'])
      : 'internal';
    const message =
      typeof o.message === 'string' && o.message ? o.message : 'Something went wrong.';
    const fields = Array.isArray(o.fields)
      ? (o.fields as unknown[])
          .filter((f): f is { field: string; message: string } => {
            const r = f as Record<string, unknown> | null;
            return !!r && typeof r.field === 'string' && typeof r.message === 'string';
          })
          .map((f) => ({ field: f.field, message: f.message }))
      : [];
    return { code, message, fields };
  }
  if (typeof raw === 'string' && raw) {
    // Tauri itself rejects with a string when a command is missing or its arguments don't parse.
    return { code: 'internal', message: raw, fields: [] };
  }
  return { code: 'internal', message: 'Something went wrong.', fields: [] };
}

/**
 * `invoke` with errors normalised to `CommandError`, typed by the command map the Rust side
 * generates (`bindings/commands.ts`): its name, arguments and result.
 */
export async function call<K extends CommandName>(
  command: K,
  args?: Commands[K]['args'],
): Promise<Commands[K]['returns']> {
  try {
    return await invoke<Commands[K]['returns']>(command, args);
  } catch (raw) {
    throw new CommandError(toApiError(raw));
  }
}
