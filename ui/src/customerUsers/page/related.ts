import { useQuery } from '@tanstack/react-query';
import type { RelatedKind } from '../../bindings/RelatedKind';
import { call } from '../../data/api';
import { CUSTOMER_USERS } from '../../data/dataProvider';

/** The kinds of related record with their labels and statuses; fixed while the app runs. */
export const useRelatedKinds = () =>
  useQuery({
    queryKey: ['related-kinds'],
    queryFn: () => call('related_kinds'),
    staleTime: Infinity,
  });

/** One record of each kind, as its page's title names it (`related_kinds` has the plurals). */
export const KIND_NAME: Record<RelatedKind, string> = {
  rfq: 'Request For Quote',
  quote: 'Quote',
  order: 'Order',
  shoppingList: 'Shopping List',
};

export const relatedKey = (userId: string, kind: RelatedKind) => [
  CUSTOMER_USERS,
  userId,
  'related',
  kind,
];

export const relatedPath = (userId: string, kind: RelatedKind, id: string) =>
  `/customer-users/${userId}/related/${kind}/${id}`;

/** `total` (a decimal string) in `currency`; as typed when the currency is not one Intl knows. */
export function formatMoney(total: string, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(Number(total));
  } catch {
    return `${total} ${currency}`;
  }
}

/** A status code ("sent_to_customer") as words ("Sent to customer"). */
export const statusLabel = (status: string) => {
  const words = status.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};
