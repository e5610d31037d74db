import type { ReactNode } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Box, Tooltip } from '@mui/material';
import { useDataProvider } from 'react-admin';
import type { BackOfficeCapability } from '../bindings/BackOfficeCapability';
import type { AppDataProvider } from '../data/dataProvider';
import { useCurrentAdmin } from '../layout/CurrentAdmin';
import { labelIn, usePermissionCatalog } from '../roles/permissionCatalog';
import { MY_CAPABILITIES } from './queryKeys';

/** What an action needs: one capability, or several (an import needs two). */
export type Needed = BackOfficeCapability | readonly BackOfficeCapability[];

/**
 * What the current admin's back-office role lets them do (`my_capabilities`), asked again
 * whenever someone else becomes the current admin. `refusal` says why an action is not
 * theirs. While the capabilities are unknown (nobody chosen, or the command failed) nothing
 * is refused here: the core refuses what an admin may not do whatever the window shows.
 */
export function useCapabilities() {
  const dataProvider = useDataProvider<AppDataProvider>();
  const adminId = useCurrentAdmin().data?.id;
  const catalog = usePermissionCatalog();
  const mine = useQuery({
    queryKey: [...MY_CAPABILITIES, adminId],
    queryFn: () => dataProvider.myCapabilities(),
    enabled: !!adminId,
    // Asked once per admin, not by every button that mounts: a change in System › Users
    // invalidates it, and coming back to the window (from the CLI, say) asks again.
    staleTime: Infinity,
    refetchOnWindowFocus: 'always',
    // The previous admin's stay until the new admin's arrive, so the page does not flicker.
    placeholderData: keepPreviousData,
  });
  const refusal = (needed: Needed): string | undefined => {
    const held = mine.data;
    if (!held) return undefined;
    const list: readonly BackOfficeCapability[] = typeof needed === 'string' ? [needed] : needed;
    const missing = list.find((c) => !held.includes(c));
    if (!missing) return undefined;
    const label = labelIn(catalog.data?.backOfficeCapabilities, missing);
    return `Your back-office role does not have “${label}”.`;
  };
  return {
    refusal,
    can: (needed: Needed) => !refusal(needed),
    isLoading: mine.isLoading || catalog.isLoading,
  };
}

/**
 * Renders the app once the current admin's capabilities are known: an action never shows as
 * allowed and then turns disabled under the pointer.
 */
export const CapabilitiesGate = ({ children }: { children: ReactNode }) =>
  useCapabilities().isLoading ? null : <>{children}</>;

/**
 * `children(disabled)`, disabled with the reason in a tooltip when the current admin's
 * back-office role lacks what `capability` names.
 */
export const Gated = ({
  capability,
  children,
}: {
  capability: Needed;
  children: (disabled: boolean) => ReactNode;
}) => {
  const reason = useCapabilities().refusal(capability);
  if (!reason) return <>{children(false)}</>;
  return (
    // A disabled button gets no pointer events, so its wrapper holds the tooltip; with
    // describeChild the wrapper's title carries the reason while the tooltip is closed.
    <Tooltip title={reason} describeChild>
      <Box component="span" sx={{ display: 'inline-flex' }}>
        {children(true)}
      </Box>
    </Tooltip>
  );
};
