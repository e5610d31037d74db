import { useId, type ReactNode } from 'react';
import { Box, Card, CardContent, Typography } from '@mui/material';

/**
 * A titled card; a `<section>` named by its heading, so tests and screen readers find it.
 * `action` sits at the heading's end (an "Add address" button, say).
 */
export const SectionCard = ({
  title,
  children,
  action,
  fill = true,
}: {
  title: string;
  children: ReactNode;
  action?: ReactNode;
  fill?: boolean;
}) => {
  const headingId = useId();
  return (
    <Card
      variant="outlined"
      component="section"
      aria-labelledby={headingId}
      sx={{ height: fill ? '100%' : undefined }}
    >
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1 }}>
          <Typography id={headingId} variant="h6" component="h2" sx={{ flexGrow: 1 }}>
            {title}
          </Typography>
          {action}
        </Box>
        {children}
      </CardContent>
    </Card>
  );
};
