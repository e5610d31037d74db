import type { ReactNode } from 'react';
import { Box, Typography } from '@mui/material';

/** A labelled value of `Details`; `<dt>`/`<dd>` so the label names the value. */
export const Detail = ({ label, children }: { label: string; children: ReactNode }) => (
  <Box sx={{ display: 'contents' }}>
    <Typography component="dt" variant="body2" color="text.secondary" sx={{ fontWeight: 500 }}>
      {label}
    </Typography>
    <Typography component="dd" variant="body2" sx={{ m: 0 }}>
      {children}
    </Typography>
  </Box>
);

/**
 * A record's values as a two-column list, labels beside values. `breakWords` breaks values too
 * long for their column (URLs, file paths) rather than letting them run out of it.
 */
export const Details = ({
  children,
  breakWords = false,
}: {
  children: ReactNode;
  breakWords?: boolean;
}) => (
  <Box
    component="dl"
    sx={{
      display: 'grid',
      gridTemplateColumns: 'max-content 1fr',
      columnGap: 3,
      rowGap: 1,
      m: 0,
      ...(breakWords ? { '& dd': { wordBreak: 'break-word' } } : {}),
    }}
  >
    {children}
  </Box>
);
