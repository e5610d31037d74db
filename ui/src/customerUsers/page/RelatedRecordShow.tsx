import { useQuery } from '@tanstack/react-query';
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import { Box, Button, Link, Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { Title } from 'react-admin';
import { Link as RouterLink, useParams } from 'react-router-dom';
import type { RelatedKind } from '../../bindings/RelatedKind';
import { call } from '../../data/api';
import { Detail, Details } from '../../layout/Details';
import { QueryState } from '../../layout/ListStates';
import { formatDateTime } from '../fields';
import { formatMoney, KIND_NAME, statusLabel } from './related';
import { SectionCard } from './SectionCard';

const subtotal = (quantity: number, price: string) =>
  ((Math.round(Number(price) * 100) * quantity) / 100).toFixed(2);

/** One order, quote, request for quote or shopping list of a user: `/customer-users/:userId/related/:kind/:id`. */
export const RelatedRecordShow = () => {
  const { userId = '', kind = '', id = '' } = useParams();
  const {
    data: r,
    error,
    isPending,
  } = useQuery({
    queryKey: ['related', kind, id],
    queryFn: () => call('get_related_record', { kind: kind as RelatedKind, id }),
  });
  const label = KIND_NAME[kind as RelatedKind] ?? 'Record';
  return (
    <Box sx={{ py: 2 }}>
      <Title title={r ? `${label} ${r.number}` : label} />
      <Button
        component={RouterLink}
        to={`/customer-users/${userId}/show`}
        startIcon={<ArrowBackIcon />}
        sx={{ mb: 1 }}
      >
        {r ? `Back to ${r.customerUser.name}` : 'Back to the customer user'}
      </Button>
      <QueryState pending={isPending} error={error} label="Loading" />
      {r ? (
        <>
          <SectionCard title={`${label} ${r.number}`} fill={false}>
            <Details>
              <Detail label="Number">{r.number}</Detail>
              <Detail label="Status">{statusLabel(r.status)}</Detail>
              <Detail label="Total">{formatMoney(r.total, r.currency)}</Detail>
              <Detail label="Currency">{r.currency}</Detail>
              <Detail label="Customer User">
                <Link component={RouterLink} to={`/customer-users/${r.customerUser.id}/show`}>
                  {r.customerUser.name}
                </Link>
              </Detail>
              <Detail label="Customer">{r.customer.name}</Detail>
              <Detail label="Created By">{r.createdBy?.name ?? '—'}</Detail>
              <Detail label="Created At">{formatDateTime(r.createdAt)}</Detail>
              <Detail label="Updated At">{formatDateTime(r.updatedAt)}</Detail>
              {r.kind === 'quote' ? (
                <Detail label="Valid Until">{r.validUntil ?? '—'}</Detail>
              ) : null}
            </Details>
          </SectionCard>
          <Box sx={{ mt: 2 }}>
            <SectionCard title="Line items" fill={false}>
              <Table size="small" aria-label="Line items">
                <TableHead>
                  <TableRow>
                    <TableCell>SKU</TableCell>
                    <TableCell>Name</TableCell>
                    <TableCell align="right">Quantity</TableCell>
                    <TableCell align="right">Price</TableCell>
                    <TableCell align="right">Subtotal</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {r.items.map((item, i) => (
                    <TableRow key={i}>
                      <TableCell>{item.sku}</TableCell>
                      <TableCell>{item.name}</TableCell>
                      <TableCell align="right">{item.quantity}</TableCell>
                      <TableCell align="right">{formatMoney(item.price, r.currency)}</TableCell>
                      <TableCell align="right">
                        {formatMoney(subtotal(item.quantity, item.price), r.currency)}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </SectionCard>
          </Box>
        </>
      ) : null}
    </Box>
  );
};
