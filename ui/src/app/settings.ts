import { useQuery } from '@tanstack/react-query';
import { useDataProvider } from 'react-admin';
import type { AppDataProvider } from '../data/dataProvider';

/** The system configuration (System › Settings), for its screen and for what it configures. */
export const SETTINGS = ['settings'];

export const useSettings = () => {
  const dataProvider = useDataProvider<AppDataProvider>();
  return useQuery({
    queryKey: SETTINGS,
    queryFn: () => dataProvider.listSettings(),
  });
};
