import { Alert, AlertTitle, Box, CircularProgress, Typography } from '@mui/material';
import { Button, useListContext } from 'react-admin';

/** A grid whose search and filters match nothing, with the way back. `what`: "customer users". */
export const NoResults = ({ what }: { what: string }) => {
  const { setFilters } = useListContext();
  return (
    <Box sx={{ p: 3 }}>
      <Typography variant="body2" component="span">
        No {what} match the current search and filters.
      </Typography>{' '}
      <Button label="Clear filters" onClick={() => setFilters({}, [])} />
    </Box>
  );
};

/** A grid that could not load, with the core's words and Retry. */
export const ListError = ({ title }: { title: string }) => {
  const { error, refetch } = useListContext();
  return (
    <Alert
      severity="error"
      sx={{ m: 2 }}
      action={<Button label="Retry" onClick={() => refetch()} />}
    >
      <AlertTitle>{title}</AlertTitle>
      {error?.message || 'Something went wrong.'}
    </Alert>
  );
};

/**
 * What stands in for a query's data until it has some: a spinner named `label` while `pending`,
 * the core's words once it failed, nothing after. A section returns it early,
 * `if (isPending || error) return <QueryState … />`, so that TypeScript knows `data` below.
 */
export const QueryState = ({
  pending,
  error,
  label,
}: {
  pending: boolean;
  error: Error | null;
  label: string;
}) =>
  pending ? (
    <CircularProgress size={24} aria-label={label} />
  ) : error ? (
    <Alert severity="error">{error.message}</Alert>
  ) : null;
