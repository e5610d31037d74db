import { Alert, AlertTitle, Box, Typography } from '@mui/material';
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
