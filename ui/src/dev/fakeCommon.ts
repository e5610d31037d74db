/** What the fake backend's parts share: the core's error, its word for a missing value, ids. */
import type { ApiError } from '../bindings/ApiError';

/** An error as the core's commands refuse with it. */
export const apiError = (
  code: ApiError['code'],
  message: string,
  fields: ApiError['fields'] = [],
): ApiError => ({ code, message, fields });

export const BLANK = 'This value should not be blank.';

/** Now as the core writes it, to the millisecond: `2026-01-01T00:00:00.000Z`. */
export const now = () => new Date().toISOString();

/**
 * A maker of new ids, `note-0001`, `note-0002`, …: each part counts its own, so that the ids one
 * part gives do not hang on what another part made before.
 */
export function idMaker() {
  let counter = 0;
  return (prefix: string) => `${prefix}-${String(++counter).padStart(4, '0')}`;
}
