/**
 * A `datetime-local` input holds the admin's wall-clock time without a zone; the core stores
 * RFC 3339 UTC. These convert between the two in the window's time zone.
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-03-01T10:30` (local) → `2026-03-01T09:30:00Z`; `null` when blank or not a time. */
export function localInputToUtc(value: string): string | null {
  if (!value.trim()) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An RFC 3339 time → what a `datetime-local` input shows for it here; '' for none. */
export function utcToLocalInput(value: string | null | undefined): string {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
