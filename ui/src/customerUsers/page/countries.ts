import { useQuery } from '@tanstack/react-query';
import { call } from '../../data/api';

/** The ISO countries the core bundles: they never change while the app runs. */
export const useCountries = () =>
  useQuery({ queryKey: ['countries'], queryFn: () => call('list_countries'), staleTime: Infinity });

export const useRegions = (country: string | null) =>
  useQuery({
    queryKey: ['regions', country],
    queryFn: () => call('list_regions', { country: country! }),
    enabled: !!country,
    staleTime: Infinity,
  });
