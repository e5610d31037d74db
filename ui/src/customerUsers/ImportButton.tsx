import { useState } from 'react';
import {
  Alert,
  Box,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  LinearProgress,
  Link,
  List,
  ListItem,
  Radio,
  RadioGroup,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import UploadIcon from '@mui/icons-material/Upload';
import { Button, useDataProvider, useNotify, useRefresh } from 'react-admin';
import type { ImportChoice } from '../bindings/ImportChoice';
import type { ImportKind } from '../bindings/ImportKind';
import type { ImportProgress } from '../bindings/ImportProgress';
import type { ImportReport } from '../bindings/ImportReport';
import type { AppDataProvider } from '../data/dataProvider';

type Running = { mode: ImportChoice; progress: ImportProgress | null };

/**
 * "Import": pick (or type) a CSV file, check it, read Oro-style row errors, then import it
 * all or nothing, or only the valid rows with the failed ones saved to fix.
 */
export const ImportButton = ({ disabled }: { disabled?: boolean }) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [path, setPath] = useState('');
  const [report, setReport] = useState<ImportReport | null>(null);
  const [running, setRunning] = useState<Running | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [kind, setKind] = useState<ImportKind>('customer_users');

  const run = async (mode: ImportChoice) => {
    setError(null);
    setRunning({ mode, progress: null });
    try {
      const result = await dataProvider.importCustomerUsers(path.trim(), mode, kind, (progress) =>
        setRunning({ mode, progress }),
      );
      if (result) {
        setReport(result);
        if (result.written) refresh();
      }
    } catch (e) {
      setReport(null);
      setError(e instanceof Error ? e.message : 'The import failed.');
    } finally {
      setRunning(null);
    }
  };
  const browse = async () => {
    const picked = await dataProvider.pickImportFile();
    if (picked) {
      setPath(picked);
      setReport(null);
    }
  };
  const template = async () => {
    try {
      const saved = await dataProvider.saveImportTemplate(kind);
      if (saved) notify(`The data template is in ${saved}.`, { type: 'success' });
    } catch (e) {
      notify(e instanceof Error ? e.message : 'The template could not be saved.', {
        type: 'error',
      });
    }
  };
  const close = () => {
    setOpen(false);
    setReport(null);
    setError(null);
  };
  // Escape or a click beside the dialog would hide a run still going (and its Cancel): the
  // dialog stays while a check or import runs, and can be dismissed again once it has ended.
  const dismiss = () => {
    if (running === null) close();
  };

  const checked = report?.mode === 'check_only' ? report : null;
  const percent =
    running?.progress && running.progress.total > 0
      ? (100 * running.progress.done) / running.progress.total
      : 0;
  return (
    <>
      <Button label="Import" disabled={disabled} onClick={() => setOpen(true)}>
        <UploadIcon />
      </Button>
      <Dialog
        open={open}
        onClose={dismiss}
        disableEscapeKeyDown={running !== null}
        aria-labelledby="import-title"
        fullWidth
        maxWidth="md"
      >
        <DialogTitle id="import-title">Import Customer Users</DialogTitle>
        <DialogContent>
          <Typography variant="body2" sx={{ mb: 2 }}>
            A CSV file in Oro&apos;s format (or one exported here). Rows match users by ID, then by
            email (addresses by Address ID, then their user); empty cells leave values as they are.
            Every row is checked before anything is written.{' '}
            <Link component="button" type="button" onClick={() => void template()}>
              Download data template
            </Link>
          </Typography>
          <RadioGroup
            row
            aria-label="The file holds"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as ImportKind);
              setReport(null);
            }}
          >
            <FormControlLabel
              value="customer_users"
              control={<Radio />}
              label="Customer users"
              disabled={running !== null}
            />
            <FormControlLabel
              value="customer_user_addresses"
              control={<Radio />}
              label="Customer user addresses"
              disabled={running !== null}
            />
          </RadioGroup>
          <Stack direction="row" spacing={1} alignItems="center">
            <TextField
              label="File"
              value={path}
              onChange={(e) => {
                setPath(e.target.value);
                setReport(null);
              }}
              fullWidth
              size="small"
              disabled={running !== null}
            />
            <Button
              label="Browse…"
              onClick={() => void browse()}
              disabled={running !== null}
              variant="outlined"
            />
          </Stack>
          {running && (
            <Box sx={{ mt: 2 }}>
              <LinearProgress
                variant={running.progress?.total ? 'determinate' : 'indeterminate'}
                value={percent}
                aria-label="Import progress"
              />
              <Typography variant="body2" sx={{ mt: 1 }}>
                {running.mode === 'checkOnly' ? 'Checking' : 'Importing'}:{' '}
                {(running.progress?.rows ?? 0).toLocaleString()} rows read
              </Typography>
            </Box>
          )}
          {error && (
            <Alert severity="error" sx={{ mt: 2 }}>
              {error}
            </Alert>
          )}
          {report && !running && <ReportView report={report} />}
        </DialogContent>
        <DialogActions>
          {running ? (
            <Button label="Cancel" onClick={() => void dataProvider.cancelImport()} />
          ) : (
            <>
              <Button label="Close" onClick={close} />
              <Button
                label={checked ? 'Check again' : 'Check file'}
                onClick={() => void run('checkOnly')}
                disabled={path.trim() === ''}
              />
              {checked &&
                checked.counts.errors > 0 &&
                checked.counts.errors < checked.counts.read && (
                  <Button
                    label="Import valid rows only"
                    onClick={() => void run('validRowsOnly')}
                    variant="outlined"
                  />
                )}
              {checked && checked.counts.errors === 0 && (
                <Button
                  label="Import"
                  onClick={() => void run('allOrNothing')}
                  variant="contained"
                />
              )}
            </>
          )}
        </DialogActions>
      </Dialog>
    </>
  );
};

const ReportView = ({ report }: { report: ImportReport }) => {
  const failed = report.counts.errors > 0;
  const severity = report.written ? (failed ? 'warning' : 'success') : failed ? 'error' : 'info';
  return (
    <Box sx={{ mt: 2 }}>
      <Alert severity={severity} role="status">
        {report.message}
        {report.rejects && ` The rows with errors are in ${report.rejects}.`}
      </Alert>
      {report.errors.length > 0 && (
        <List dense aria-label="Import errors" sx={{ maxHeight: 240, overflow: 'auto' }}>
          {report.errors.map((line, i) => (
            <ListItem key={i} disableGutters>
              <Typography variant="body2" color="error">
                {line}
              </Typography>
            </ListItem>
          ))}
          {report.counts.errors > report.errors.length && (
            <ListItem disableGutters>
              <Typography variant="body2">
                … {report.counts.errors.toLocaleString()} rows have errors in all.
              </Typography>
            </ListItem>
          )}
        </List>
      )}
    </Box>
  );
};
