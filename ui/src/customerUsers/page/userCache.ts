import { useQueryClient } from '@tanstack/react-query';
import type { CustomerUser } from '../../bindings/CustomerUser';
import { CUSTOMER_USERS } from '../../data/dataProvider';

/**
 * Puts a user that a command gave back into react-admin's cache of the view page, so the page
 * shows it without asking again; its history is asked again, since the change is in it.
 */
export function useStoreUser() {
  const queryClient = useQueryClient();
  return (user: CustomerUser) => {
    queryClient.setQueriesData({ queryKey: [CUSTOMER_USERS, 'getOne', { id: user.id }] }, user);
    void queryClient.invalidateQueries({ queryKey: [CUSTOMER_USERS, 'history', user.id] });
  };
}
