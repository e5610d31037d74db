import { useEffect, useState, type ReactNode } from 'react';
import { Card, CardContent, Typography } from '@mui/material';
import { HttpError } from 'react-admin';

/**
 * The per-field messages of a rejected command (`toHttpError` puts them in `body.errors`),
 * keyed by field: a setting key, `subject`, `content`, …
 */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof HttpError)) return {};
  const errors = (error.body as { errors?: Record<string, unknown> } | undefined)?.errors ?? {};
  return Object.fromEntries(
    Object.entries(errors).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** `value` once it has stayed the same for `ms`: one command per pause in typing. */
export function useDebouncedValue<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** A titled card; a `<section>` named by its heading, so tests and screen readers find it. */
export const SectionCard = ({
  id,
  title,
  children,
}: {
  id: string;
  title: string;
  children: ReactNode;
}) => (
  <Card variant="outlined" component="section" aria-labelledby={`${id}-heading`}>
    <CardContent>
      <Typography id={`${id}-heading`} variant="h6" component="h2" gutterBottom>
        {title}
      </Typography>
      {children}
    </CardContent>
  </Card>
);
