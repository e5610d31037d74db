import { useQuery } from '@tanstack/react-query';
import {
  Card,
  CardContent,
  Grid,
  Link,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { Link as RouterLink, useNavigate } from 'react-router-dom';
import type { RelatedStatuses } from '../../bindings/RelatedStatuses';
import { call } from '../../data/api';
import { QueryState } from '../../layout/ListStates';
import { formatDateTime } from '../fields';
import { useQuickActions } from './quickActions';
import { formatMoney, relatedKey, relatedPath, statusLabel, useRelatedKinds } from './related';
import { RelatedRecordForm } from './RelatedRecordForm';
import { SectionCard } from './SectionCard';

const COLUMNS = ['Number', 'Status', 'Total', 'Created At', 'Updated At', 'Created By'];

const RelatedGrid = ({ userId, kind }: { userId: string; kind: RelatedStatuses }) => {
  const navigate = useNavigate();
  const { inPlace, setInPlace } = useQuickActions();
  const { data, error, isPending } = useQuery({
    queryKey: relatedKey(userId, kind.kind),
    queryFn: () => call('list_related_records', { user: userId, kind: kind.kind }),
  });
  return (
    <SectionCard title={kind.label}>
      {inPlace === kind.kind ? (
        <Card variant="outlined" sx={{ mb: 2 }}>
          <CardContent>
            <RelatedRecordForm userId={userId} kind={kind.kind} onDone={() => setInPlace(null)} />
          </CardContent>
        </Card>
      ) : null}
      {isPending || error ? (
        <QueryState pending={isPending} error={error} label={`Loading ${kind.label}`} />
      ) : data.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          No {kind.label.toLowerCase()}
        </Typography>
      ) : (
        <Table size="small" aria-label={kind.label}>
          <TableHead>
            <TableRow>
              {COLUMNS.map((c) => (
                <TableCell key={c}>{c}</TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {data.map((r) => (
              <TableRow
                key={r.id}
                hover
                sx={{ cursor: 'pointer' }}
                onClick={() => navigate(relatedPath(userId, r.kind, r.id))}
              >
                <TableCell sx={{ whiteSpace: 'nowrap' }}>
                  {/* The row opens it for the pointer; the link, for the keyboard. */}
                  <Link
                    component={RouterLink}
                    to={relatedPath(userId, r.kind, r.id)}
                    onClick={(e) => e.stopPropagation()}
                  >
                    {r.number}
                  </Link>
                </TableCell>
                <TableCell>{statusLabel(r.status)}</TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>
                  {formatMoney(r.total, r.currency)}
                </TableCell>
                <TableCell>{formatDateTime(r.createdAt)}</TableCell>
                <TableCell>{formatDateTime(r.updatedAt)}</TableCell>
                <TableCell>{r.createdBy?.name ?? '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </SectionCard>
  );
};

/** The user's requests for quote, quotes, orders and shopping lists, a small grid each. */
export const RelatedRecords = ({ userId }: { userId: string }) => {
  const kinds = useRelatedKinds();
  if (kinds.isPending || kinds.error)
    return (
      <QueryState pending={kinds.isPending} error={kinds.error} label="Loading related records" />
    );
  return (
    <Grid container spacing={2}>
      {kinds.data.map((kind) => (
        <Grid key={kind.kind} size={{ xs: 12, xl: 6 }}>
          <RelatedGrid userId={userId} kind={kind} />
        </Grid>
      ))}
    </Grid>
  );
};
