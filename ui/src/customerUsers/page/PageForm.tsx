import type { FormEvent, KeyboardEvent, ReactNode } from 'react';
import { Alert, Box, Button, Stack } from '@mui/material';

/**
 * A form of the user's page (an address, a new order, …) wherever it opens: in place, in a
 * dialog or in its own window. The core's messages that name none of its fields (`errors`) show
 * above it, Save and Cancel below. Enter saves, once at a time; Escape cancels. The core checks
 * the values, not the browser: `required` only marks a field.
 */
export const PageForm = ({
  label,
  errors,
  saving,
  onSave,
  onCancel,
  children,
}: {
  label: string;
  errors: string[];
  saving: boolean;
  onSave: () => void;
  onCancel: () => void;
  children: ReactNode;
}) => {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!saving) onSave();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    // An open list (a select's, the country picker's) takes Escape for itself first.
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.stopPropagation();
    onCancel();
  };
  return (
    <Box component="form" noValidate aria-label={label} onSubmit={submit} onKeyDown={onKeyDown}>
      {errors.length === 0 ? null : (
        <Alert severity="error" sx={{ mb: 2 }}>
          {[...new Set(errors)].join(' ')}
        </Alert>
      )}
      <Stack spacing={2} useFlexGap>
        {children}
        <Stack direction="row" spacing={1}>
          <Button type="submit" variant="contained" disabled={saving}>
            Save
          </Button>
          <Button onClick={() => onCancel()}>Cancel</Button>
        </Stack>
      </Stack>
    </Box>
  );
};
