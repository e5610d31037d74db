import { useQuery } from '@tanstack/react-query';
import { useDataProvider } from 'react-admin';
import type { AppDataProvider } from '../data/dataProvider';

/** What customer users are asked to accept (System › Consents). */
export const CONSENTS = ['consents'];

export const useConsents = () => {
  const dataProvider = useDataProvider<AppDataProvider>();
  return useQuery({
    queryKey: CONSENTS,
    queryFn: () => dataProvider.listConsents(),
  });
};
