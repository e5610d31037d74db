import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Card,
  Chip,
  CircularProgress,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { Title, useDataProvider } from 'react-admin';
import type { ImportRecord } from '../bindings/ImportRecord';
import { formatDateTime } from '../customerUsers/fields';
import type { AppDataProvider } from '../data/dataProvider';

const KINDS: Record<ImportRecord['kind'], string> = {
  customer_users: 'Customer users',
  customer_user_addresses: 'Addresses',
};

const MODES: Record<string, string> = {
  all_or_nothing: 'All or nothing',
  valid_rows_only: 'Valid rows only',
};

/** The counts shown, in their columns' order, with their headers. */
const COUNTS = [
  ['read', 'Read'],
  ['added', 'Added'],
  ['updated', 'Updated'],
  ['replaced', 'Replaced'],
  ['unchanged', 'Unchanged'],
  ['errors', 'Errors'],
] as const;

const COLUMNS = ['Finished', 'File', 'What', 'Mode', 'By', 'Outcome', ...COUNTS.map(([, h]) => h)];

/** Every import that was run (checks are not recorded), newest first. */
export const Imports = () => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const { data, error, isPending } = useQuery<ImportRecord[], Error>({
    queryKey: ['imports'],
    queryFn: () => dataProvider.listImports(),
  });
  return (
    <Card sx={{ mt: 2 }}>
      <Title title="Imports" />
      {isPending && <CircularProgress size={24} sx={{ m: 2 }} aria-label="Loading imports" />}
      {error && <Alert severity="error">{error.message}</Alert>}
      {data && data.length === 0 && (
        <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>
          No imports yet. Import a file from the Customer Users grid.
        </Typography>
      )}
      {data && data.length > 0 && (
        <TableContainer>
          <Table size="small" aria-label="Imports">
            <TableHead>
              <TableRow>
                {COLUMNS.map((column) => (
                  <TableCell key={column}>{column}</TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {data.map((run) => (
                <TableRow key={run.id}>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(run.finishedAt)}
                  </TableCell>
                  <TableCell>{run.file}</TableCell>
                  <TableCell>{KINDS[run.kind]}</TableCell>
                  <TableCell>{MODES[run.mode] ?? run.mode}</TableCell>
                  <TableCell>{run.actor}</TableCell>
                  <TableCell>
                    {run.outcome === 'imported' ? (
                      <Chip label="Imported" color="success" size="small" variant="outlined" />
                    ) : (
                      <Chip label="Nothing written" color="error" size="small" variant="outlined" />
                    )}
                  </TableCell>
                  {COUNTS.map(([count]) => (
                    <TableCell key={count} align="right">
                      {run.counts[count].toLocaleString()}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
    </Card>
  );
};
