import { useState, type MouseEvent } from 'react';
import {
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  LinearProgress,
  Menu,
  MenuItem,
  Typography,
} from '@mui/material';
import DownloadIcon from '@mui/icons-material/Download';
import { Button, useDataProvider, useListContext, useNotify } from 'react-admin';
import type { ExportQuery } from '../bindings/ExportQuery';
import type { ImportKind } from '../bindings/ImportKind';
import { toGridFilter, type AppDataProvider } from '../data/dataProvider';

/** "Export": everyone, or just what the grid's filters and search show, as Oro's CSV. */
export const ExportButton = ({ disabled }: { disabled?: boolean }) => {
  const { filterValues } = useListContext();
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);

  const start = async (query: ExportQuery, kind: ImportKind = 'customer_users') => {
    setAnchor(null);
    setProgress({ done: 0, total: 0 });
    try {
      const summary = await dataProvider.exportCustomerUsers(
        query,
        (done, total) => setProgress({ done, total }),
        kind,
      );
      if (summary) notify(summary.message, { type: 'success' });
    } catch (error) {
      notify(error instanceof Error ? error.message : 'The export failed.', { type: 'error' });
    } finally {
      setProgress(null);
    }
  };
  const filtered = toGridFilter(filterValues);
  const percent = progress && progress.total > 0 ? (100 * progress.done) / progress.total : 0;
  return (
    <>
      <Button
        label="Export"
        aria-haspopup="menu"
        disabled={disabled}
        onClick={(event: MouseEvent<HTMLElement>) => setAnchor(event.currentTarget)}
      >
        <DownloadIcon />
      </Button>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        <MenuItem onClick={() => void start({})}>Export all customer users</MenuItem>
        <MenuItem onClick={() => void start({ filter: filtered.filter, q: filtered.q })}>
          Export what the grid shows
        </MenuItem>
        <MenuItem
          onClick={() =>
            void start({ filter: filtered.filter, q: filtered.q }, 'customer_user_addresses')
          }
        >
          Export the addresses of what the grid shows
        </MenuItem>
      </Menu>
      <Dialog open={progress !== null} aria-labelledby="export-title" fullWidth maxWidth="xs">
        <DialogTitle id="export-title">Exporting customer users</DialogTitle>
        <DialogContent>
          <LinearProgress
            variant={progress?.total ? 'determinate' : 'indeterminate'}
            value={percent}
            aria-label="Export progress"
          />
          <Typography variant="body2" sx={{ mt: 1 }}>
            {progress?.total
              ? `${progress.done.toLocaleString()} of ${progress.total.toLocaleString()}`
              : 'Choose where to save the file…'}
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button label="Cancel" onClick={() => void dataProvider.cancelExport()} />
        </DialogActions>
      </Dialog>
    </>
  );
};
