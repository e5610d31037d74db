import type { ReactNode } from 'react';
import { Autocomplete, createFilterOptions, TextField, type SxProps } from '@mui/material';
import type { Country } from '../bindings/Country';
import type { Region } from '../bindings/Region';
import { useCountries, useRegions } from './page/countries';

/** An address's country (ISO 3166-1 alpha-2) and region: a code, or the text typed. */
export interface CountryRegion {
  country: string;
  /** ISO 3166-2 (`US-CA`), where the country has regions. */
  region: string;
  /** The region as typed, where the country has none to pick from. */
  regionText: string;
}

type CountryRegionErrors = Partial<Record<keyof CountryRegion, ReactNode>>;

/** The bundled country with this code, once the list is loaded (null before, or if unknown). */
export const useCountry = (code: string | null | undefined) => {
  const countries = useCountries();
  const country = countries.data?.find((c) => c.code === code) ?? null;
  return { countries, country };
};

const byNameOrCode = createFilterOptions<Country>({ stringify: (c) => `${c.name} ${c.code}` });

/**
 * The Country picker (found by name or code) and, beside it, a Region picker over the chosen
 * country's regions, or a "Region" text for a country without any. Picking another country
 * clears both region values, so only the one the country takes is ever set.
 */
export const CountryRegionPickers = ({
  value,
  onChange,
  onBlur,
  errors = {},
  required = true,
  sx = { flex: 1 },
}: {
  value: CountryRegion;
  onChange: (patch: Partial<CountryRegion>) => void;
  onBlur?: (field: keyof CountryRegion) => void;
  /** Messages to show under the inputs (a region error shows under whichever region input). */
  errors?: CountryRegionErrors;
  /** Marks Country and the Region picker as required. */
  required?: boolean;
  sx?: SxProps;
}) => {
  const { countries, country } = useCountry(value.country);
  const regions = useRegions(country?.hasRegions ? country.code : null);
  const region = regions.data?.find((r) => r.code === value.region) ?? null;
  const regionError = country?.hasRegions
    ? (errors.region ?? errors.regionText)
    : (errors.regionText ?? errors.region);

  return (
    <>
      <Autocomplete<Country>
        sx={sx}
        size="small"
        options={countries.data ?? []}
        loading={countries.isPending}
        value={country}
        onChange={(_, c) => onChange({ country: c?.code ?? '', region: '', regionText: '' })}
        onBlur={() => onBlur?.('country')}
        getOptionLabel={(c) => c.name}
        isOptionEqualToValue={(a, b) => a.code === b.code}
        filterOptions={byNameOrCode}
        autoHighlight
        renderOption={({ key, ...props }, c) => (
          <li key={key} {...props}>
            {c.name} ({c.code})
          </li>
        )}
        renderInput={(params) => (
          <TextField
            {...params}
            label="Country"
            error={!!errors.country}
            helperText={errors.country}
            required={required}
          />
        )}
      />
      {country?.hasRegions ? (
        <Autocomplete<Region>
          sx={sx}
          size="small"
          options={regions.data ?? []}
          loading={regions.isPending}
          value={region}
          onChange={(_, r) => onChange({ region: r?.code ?? '' })}
          onBlur={() => onBlur?.('region')}
          getOptionLabel={(r) => r.name}
          isOptionEqualToValue={(a, b) => a.code === b.code}
          autoHighlight
          renderInput={(params) => (
            <TextField
              {...params}
              label="Region"
              error={!!regionError}
              helperText={regionError}
              required={required}
            />
          )}
        />
      ) : (
        <TextField
          sx={sx}
          size="small"
          label="Region"
          value={value.regionText}
          onChange={(e) => onChange({ regionText: e.target.value })}
          onBlur={() => onBlur?.('regionText')}
          error={!!regionError}
          helperText={regionError}
        />
      )}
    </>
  );
};
