import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Box,
  Chip,
  Grid,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import {
  DeleteWithConfirmButton,
  EditButton,
  ListButton,
  Show,
  TopToolbar,
  useDataProvider,
  useRecordContext,
} from 'react-admin';
import type { ChangeRecord } from '../bindings/ChangeRecord';
import type { CustomerUser } from '../bindings/CustomerUser';
import { CUSTOMER_USER_FIELDS } from '../bindings/customerUserFields';
import { CUSTOMER_USERS, type AppDataProvider } from '../data/dataProvider';
import { Link, useParams } from 'react-router-dom';
import { CustomerUserEmails } from '../admin/Outbox';
import { RefusedChangeAlerts } from '../admin/Sync';
import { Gated } from '../backOffice/capabilities';
import { AccountActionButtons } from './AccountActions';
import { EffectivePermissions } from './EffectivePermissions';
import { EnableToggleButton } from './EnableToggleButton';
import { fieldLabel } from './fieldTable';
import { AuthStatusBadge, formatDateTime, fullName } from './fields';
import { Detail, Details } from '../layout/Details';
import { QueryState } from '../layout/ListStates';
import { useReadOnly } from '../layout/StoreInfo';
import { ActivityTimeline } from './page/ActivityTimeline';
import { AdditionalInformation } from './page/AdditionalInformation';
import { AddressBook } from './page/AddressBook';
import { Consents } from './page/Consents';
import { QuickActionButtons } from './page/QuickActionButtons';
import { QuickActionsProvider } from './page/quickActions';
import { QuickDialog } from './page/QuickDialog';
import { RelatedRecords } from './page/RelatedRecords';
import { SectionCard } from './page/SectionCard';

const yesNo = (v: boolean | null | undefined) => (v ? 'Yes' : 'No');
const orDash = (v: unknown) => (v == null || v === '' ? '—' : String(v));

const Chips = ({ items, empty }: { items: string[]; empty: string }) =>
  items.length === 0 ? (
    <Typography variant="body2" color="text.secondary">
      {empty}
    </Typography>
  ) : (
    <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap">
      {items.map((item) => (
        <Chip key={item} label={item} size="small" />
      ))}
    </Stack>
  );

// ---------------------------------------------------------------------------------------------
// History

/** The change log's field names as labels: the field table's, plus the typed password. */
const FIELD_LABELS: Record<string, string> = {
  ...Object.fromEntries(CUSTOMER_USER_FIELDS.map((d) => [d.api, d.label])),
  password: 'Password',
};

export function formatHistoryValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    return value.length === 0 ? '—' : value.map(formatHistoryValue).join(', ');
  }
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const key of ['name', 'label', 'email', 'street', 'id']) {
      if (typeof o[key] === 'string' && o[key]) return o[key] as string;
    }
    return JSON.stringify(value);
  }
  return String(value);
}

const OPS: Record<string, string> = { create: 'Created', update: 'Updated', delete: 'Deleted' };

const History = ({ id }: { id: string }) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const { data, error, isPending } = useQuery<ChangeRecord[], Error>({
    queryKey: [CUSTOMER_USERS, 'history', id],
    queryFn: () => dataProvider.customerUserHistory(id),
  });
  if (isPending || error)
    return <QueryState pending={isPending} error={error} label="Loading history" />;
  if (!data || data.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No changes recorded.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="History">
      <TableHead>
        <TableRow>
          <TableCell>When</TableCell>
          <TableCell>Who</TableCell>
          <TableCell>Action</TableCell>
          <TableCell>Changes</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {data.map((change) => (
          <TableRow key={change.id}>
            <TableCell sx={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
              {formatDateTime(change.at)}
            </TableCell>
            <TableCell sx={{ verticalAlign: 'top' }}>{change.actor}</TableCell>
            <TableCell sx={{ verticalAlign: 'top' }}>
              {OPS[change.op] ?? change.op}
              {change.import && (
                <Typography variant="body2" color="text.secondary">
                  by import of {change.import.file} ({change.import.counts.read.toLocaleString()}{' '}
                  rows read)
                </Typography>
              )}
            </TableCell>
            <TableCell>
              {Object.entries(change.fields ?? {}).map(([field, pair]) => {
                const [before, after] = (pair ?? [null, null]) as [unknown, unknown];
                const overwrite = change.overwritten?.[field];
                return (
                  <Typography key={field} variant="body2">
                    <strong>{FIELD_LABELS[field] ?? field}:</strong> {formatHistoryValue(before)} →{' '}
                    {formatHistoryValue(after)}
                    {overwrite && (
                      <Typography component="span" variant="body2" color="text.secondary">
                        {' '}
                        (overwritten by {overwrite.by} at {formatDateTime(overwrite.at)})
                      </Typography>
                    )}
                  </Typography>
                );
              })}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};

// ---------------------------------------------------------------------------------------------

const ShowActions = () => {
  const record = useRecordContext<CustomerUser>();
  const readOnly = useReadOnly();
  // A read-only store is only looked at: back to the grid is all there is.
  if (readOnly)
    return (
      <TopToolbar>
        <ListButton label="Customer Users" />
      </TopToolbar>
    );
  return (
    <TopToolbar>
      <ListButton label="Customer Users" />
      <Gated capability="manage_customer_users">
        {(disabled) => <EditButton disabled={disabled} />}
      </Gated>
      <EnableToggleButton />
      {record ? <AccountActionButtons user={record} /> : null}
      <QuickActionButtons />
      {record ? (
        <Gated capability="manage_customer_users">
          {(disabled) => (
            <DeleteWithConfirmButton
              mutationMode="pessimistic"
              confirmTitle="Delete Customer User"
              confirmContent={`Are you sure you want to delete ${fullName(record)}?`}
              disabled={disabled}
            />
          )}
        </Gated>
      ) : null}
    </TopToolbar>
  );
};

const ShowTitle = () => {
  const record = useRecordContext<CustomerUser>();
  return <span>{record ? fullName(record) : 'Customer User'}</span>;
};

const CustomerUserDetails = () => {
  const r = useRecordContext<CustomerUser>();
  if (!r) return null;
  return (
    <Box sx={{ p: 2 }}>
      <RefusedChangeAlerts entity="customer_user" id={r.id} />
      {!r.confirmed ? (
        <Alert severity="warning" sx={{ mb: 2 }}>
          This customer user has not confirmed their e-mail address.
        </Alert>
      ) : null}
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 6 }}>
          <SectionCard title="General">
            <Details>
              <Detail label={fieldLabel('namePrefix')}>{orDash(r.namePrefix)}</Detail>
              <Detail label={fieldLabel('firstName')}>{orDash(r.firstName)}</Detail>
              <Detail label={fieldLabel('middleName')}>{orDash(r.middleName)}</Detail>
              <Detail label={fieldLabel('lastName')}>{orDash(r.lastName)}</Detail>
              <Detail label={fieldLabel('nameSuffix')}>{orDash(r.nameSuffix)}</Detail>
              <Detail label={fieldLabel('email')}>
                {r.email}
                {r.emailWarning ? (
                  <Alert severity="warning" sx={{ mt: 0.5 }}>
                    {r.emailWarning}
                  </Alert>
                ) : null}
              </Detail>
              <Detail label={fieldLabel('birthday')}>{orDash(r.birthday)}</Detail>
              <Detail label={fieldLabel('enabled')}>{yesNo(r.enabled)}</Detail>
              <Detail label={fieldLabel('confirmed')}>{yesNo(r.confirmed)}</Detail>
              <Detail label={fieldLabel('isGuest')}>{yesNo(r.isGuest)}</Detail>
              <Detail label={fieldLabel('authStatus')}>
                <AuthStatusBadge status={r.authStatus} />
              </Detail>
            </Details>
          </SectionCard>
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <SectionCard title="Customer and website" fill={false}>
            <Details>
              <Detail label={fieldLabel('customer')}>{r.customer?.name ?? '—'}</Detail>
              <Detail label={fieldLabel('website')}>{r.website?.name ?? '—'}</Detail>
              <Detail label={fieldLabel('preferredLocalization')}>
                {r.preferredLocalization?.name ?? '—'}
              </Detail>
              <Detail label={fieldLabel('owner')}>{r.owner?.name ?? '—'}</Detail>
              <Detail label={fieldLabel('organization')}>{r.organization?.name ?? '—'}</Detail>
            </Details>
          </SectionCard>
          <Box sx={{ mt: 2 }}>
            <SectionCard title="Password and sign-in" fill={false}>
              <Details>
                <Detail label={fieldLabel('authStatus')}>
                  <AuthStatusBadge status={r.authStatus} />
                </Detail>
                <Detail label={fieldLabel('passwordChangedAt')}>
                  {formatDateTime(r.passwordChangedAt)}
                </Detail>
                <Detail label={fieldLabel('passwordRequestedAt')}>
                  {formatDateTime(r.passwordRequestedAt)}
                </Detail>
                <Detail label={fieldLabel('resetLinkExpiresAt')}>
                  {formatDateTime(r.resetLinkExpiresAt)}
                </Detail>
                <Detail label={fieldLabel('lockedAt')}>{formatDateTime(r.lockedAt)}</Detail>
                <Detail label={fieldLabel('lockedUntil')}>
                  {r.lockedAt
                    ? r.lockedUntil
                      ? formatDateTime(r.lockedUntil)
                      : 'Until unlocked'
                    : '—'}
                </Detail>
              </Details>
            </SectionCard>
          </Box>
          <Box sx={{ mt: 2 }}>
            <SectionCard title="Activity" fill={false}>
              <Details>
                <Detail label={fieldLabel('loginCount')}>{String(r.loginCount ?? 0)}</Detail>
                <Detail label="Login Attempts">
                  <Link to={`/login-attempts?user=${encodeURIComponent(r.id)}`}>
                    View login attempts
                  </Link>
                </Detail>
                <Detail label={fieldLabel('lastLogin')}>{formatDateTime(r.lastLogin)}</Detail>
                <Detail label={fieldLabel('createdAt')}>{formatDateTime(r.createdAt)}</Detail>
                <Detail label={fieldLabel('updatedAt')}>{formatDateTime(r.updatedAt)}</Detail>
              </Details>
            </SectionCard>
          </Box>
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <SectionCard title={fieldLabel('userRoles')}>
            <Chips items={(r.userRoles ?? []).map((role) => role.label)} empty="No roles" />
          </SectionCard>
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <SectionCard title={fieldLabel('salesRepresentatives')}>
            <Chips
              items={(r.salesRepresentatives ?? []).map((u) => u.name)}
              empty="No sales representatives"
            />
          </SectionCard>
        </Grid>
        <Grid size={12}>
          <AdditionalInformation record={r} />
        </Grid>
        <Grid size={12}>
          <SectionCard title="What this user can do">
            <EffectivePermissions id={r.id} />
          </SectionCard>
        </Grid>
        <Grid size={12}>
          <AddressBook user={r} />
        </Grid>
        <Grid size={12}>
          <SectionCard title="Consents">
            <Consents userId={r.id} />
          </SectionCard>
        </Grid>
        <Grid size={12}>
          <RelatedRecords userId={r.id} />
        </Grid>
        <Grid size={12}>
          <SectionCard title="Activity timeline">
            <ActivityTimeline userId={r.id} />
          </SectionCard>
        </Grid>
        <Grid size={12}>
          <SectionCard title="Emails">
            <CustomerUserEmails customerUserId={r.id} />
          </SectionCard>
        </Grid>
        <Grid size={12}>
          <SectionCard title="History">
            <History id={r.id} />
          </SectionCard>
        </Grid>
      </Grid>
      <QuickDialog userId={r.id} />
    </Box>
  );
};

export const CustomerUserShow = () => {
  const { id } = useParams();
  return (
    // The toolbar's quick actions open their forms in the page's sections or its dialog; each
    // user's page starts with none open.
    <QuickActionsProvider key={id}>
      <Show actions={<ShowActions />} title={<ShowTitle />}>
        <CustomerUserDetails />
      </Show>
    </QuickActionsProvider>
  );
};
