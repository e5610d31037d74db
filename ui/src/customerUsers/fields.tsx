import { Chip } from '@mui/material';
import { useRecordContext } from 'react-admin';

/** The "Password" column: Oro's auth status as a badge. */
export const AuthStatusBadge = ({ status }: { status: string | null | undefined }) =>
  status === 'reset' ? (
    <Chip label="Reset" color="warning" size="small" variant="outlined" />
  ) : status === 'active' ? (
    <Chip label="Active" color="success" size="small" variant="outlined" />
  ) : (
    <Chip label={status ?? '—'} size="small" variant="outlined" />
  );

export const AuthStatusField = (_props: { source?: string; label?: string; sortBy?: string }) => {
  const record = useRecordContext<{ id: string; authStatus?: string }>();
  return record ? <AuthStatusBadge status={record.authStatus} /> : null;
};

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
  [r.namePrefix, r.firstName, r.middleName, r.lastName, r.nameSuffix]
    .filter((p) => p && String(p).trim() !== '')
    .join(' ');

export const formatDateTime = (value: string | null | undefined) => {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toLocaleString();
};
