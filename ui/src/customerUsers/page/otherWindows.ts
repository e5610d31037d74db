import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { isTauri } from '@tauri-apps/api/core';
import { emitTo, listen } from '@tauri-apps/api/event';
import { CUSTOMER_USERS } from '../../data/dataProvider';

/** The event a quick action's window sends the main window when it closes: a user's id. */
const USER_CHANGED = 'customer-user-changed';

/**
 * Tells the main window that `userId` may have changed in this window (a quick action's own
 * window), so the page or grid it shows reads the user again.
 */
export const announceUserChanged = (userId: string) =>
  isTauri() ? emitTo('main', USER_CHANGED, userId) : Promise.resolve();

/**
 * Reads customer users again when another window says one changed: the page's sections, the
 * grid's Orders column and the user's History all start with the resource's key.
 */
export function useUserChangesFromOtherWindows() {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!isTauri()) return;
    let stop: (() => void) | undefined;
    let unmounted = false;
    void listen<string>(USER_CHANGED, () => {
      void queryClient.invalidateQueries({ queryKey: [CUSTOMER_USERS] });
    }).then((unlisten) => {
      if (unmounted) unlisten();
      else stop = unlisten;
    });
    return () => {
      unmounted = true;
      stop?.();
    };
  }, [queryClient]);
}
