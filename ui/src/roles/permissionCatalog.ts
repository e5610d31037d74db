import { useQuery } from '@tanstack/react-query';
import { useDataProvider } from 'react-admin';
import type { Labelled } from '../bindings/Labelled';
import type { AppDataProvider } from '../data/dataProvider';

export const PERMISSION_CATALOG = ['permission-catalog'];

/**
 * `permission_catalog`, asked once: the entities, actions, levels and capabilities with the
 * labels every screen shows, the same the CLI and the core use.
 */
export function usePermissionCatalog() {
  const dataProvider = useDataProvider<AppDataProvider>();
  return useQuery({
    queryKey: PERMISSION_CATALOG,
    queryFn: () => dataProvider.permissionCatalog(),
    staleTime: Infinity,
  });
}

/** The catalog's label for `value`; the value itself while the catalog loads. */
export const labelIn = <T>(list: Labelled<T>[] | undefined, value: T): string =>
  list?.find((entry) => entry.value === value)?.label ?? String(value);
