/**
 * The database the window shows (`store_info`). A read-only one (a backup, a share this user
 * cannot write) is browsed, searched, exported and its History read; every change is refused
 * by the core, so the app says so once in the layout and hides the actions that would change.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, Box } from '@mui/material';
import { useDataProvider } from 'react-admin';
import type { AppDataProvider } from '../data/dataProvider';

export const STORE_INFO = ['storeInfo'];

/** `store_info`, asked once: the file and its access do not change while the window is open. */
export function useStoreInfo() {
  const dataProvider = useDataProvider<AppDataProvider>();
  return useQuery({
    queryKey: STORE_INFO,
    queryFn: () => dataProvider.storeInfo(),
    staleTime: Infinity,
  });
}

/**
 * Whether the database is read-only. `false` while `store_info` loads or if it failed: the
 * actions then show as usual, and the core still refuses what it cannot write.
 */
export function useReadOnly(): boolean {
  return useStoreInfo().data?.readOnly === true;
}

/** "Read-only: /path/to/file cannot be changed here. …", above every page of a read-only store. */
export const ReadOnlyBanner = () => {
  const { data } = useStoreInfo();
  if (!data?.readOnly) return null;
  return (
    <Alert severity="info" role="status" aria-label="Read-only database" sx={{ mt: 1, mb: 1 }}>
      <strong>Read-only:</strong>{' '}
      <Box component="code" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>
        {data.path}
      </Box>{' '}
      cannot be changed here. You can browse, search, export and see History.
    </Alert>
  );
};
