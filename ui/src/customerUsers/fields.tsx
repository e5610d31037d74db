import { Chip } from '@mui/material';
import { useRecordContext } from 'react-admin';
import { NAME_PARTS } from './fieldTable';

const STATUS_BADGES: Record<string, { label: string; color: 'success' | 'warning' | 'error' }> = {
  active: { label: 'Active', color: 'success' },
  reset: { label: 'Reset', color: 'warning' },
  expired: { label: 'Expired', color: 'warning' },
  locked: { label: 'Locked', color: 'error' },
};

/** The "Password" column: Oro's auth status (plus Expired and Locked) as a badge. */
export const AuthStatusBadge = ({ status }: { status: string | null | undefined }) => {
  const badge = status ? STATUS_BADGES[status] : undefined;
  return badge ? (
    <Chip label={badge.label} color={badge.color} size="small" variant="outlined" />
  ) : (
    <Chip label={status ?? '—'} size="small" variant="outlined" />
  );
};

export const AuthStatusField = (_props: { source?: string; label?: string; sortBy?: string }) => {
  const record = useRecordContext<{ id: string; authStatus?: string }>();
  return record ? <AuthStatusBadge status={record.authStatus} /> : null;
};

/** A yes/no filter's choices (its values as the URL holds them). */
export const YES_NO = [
  { id: 'true', name: 'Yes' },
  { id: 'false', name: 'No' },
];

/** Booleans as the words Oro's grid shows. */
export const YesNoField = ({ source }: { source: string; label?: string; sortBy?: string }) => {
  const record = useRecordContext<Record<string, unknown> & { id: string }>();
  if (!record) return null;
  return <span>{record[source] ? 'Yes' : 'No'}</span>;
};

export const fullName = (r: {
  namePrefix?: string | null;
  firstName?: string | null;
  middleName?: string | null;
  lastName?: string | null;
  nameSuffix?: string | null;
}) =>
  NAME_PARTS.map((part) => (r as Record<string, unknown>)[part])
    .filter((p) => p && String(p).trim() !== '')
    .join(' ');

export const formatDateTime = (value: string | null | undefined) => {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toLocaleString();
};
