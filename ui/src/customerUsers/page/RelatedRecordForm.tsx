import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import AddIcon from '@mui/icons-material/Add';
import {
  Box,
  Button,
  MenuItem,
  Stack,
  TextField,
  Typography,
  type TextFieldProps,
} from '@mui/material';
import { useNotify } from 'react-admin';
import type { LineItem } from '../../bindings/LineItem';
import type { RelatedInput } from '../../bindings/RelatedInput';
import type { RelatedKind } from '../../bindings/RelatedKind';
import { call } from '../../data/api';
import { formErrors } from './fieldErrors';
import { PageForm } from './PageForm';
import { QUICK_LABEL } from './quickActions';
import { relatedKey, statusLabel, useRelatedKinds } from './related';

type Line = { sku: string; name: string; quantity: string; price: string };
const LINE_FIELDS: [keyof Line, string][] = [
  ['sku', 'SKU'],
  ['name', 'Name'],
  ['quantity', 'Quantity'],
  ['price', 'Price'],
];
const emptyLine = (): Line => ({ sku: '', name: '', quantity: '1', price: '' });
const isBlank = (l: Line) => !l.sku.trim() && !l.name.trim() && !l.price.trim();

/**
 * A new order, quote, request for quote or shopping list of one user: currency, status, line
 * items (and a quote's "valid until"). The core numbers it, totals it and names the admin who
 * made it; Enter saves, Escape cancels.
 */
export const RelatedRecordForm = ({
  userId,
  kind,
  onDone,
}: {
  userId: string;
  kind: RelatedKind;
  /** After a save or a cancel. */
  onDone: () => void;
}) => {
  const kinds = useRelatedKinds();
  const statuses = kinds.data?.find((k) => k.kind === kind);
  const [currency, setCurrency] = useState('USD');
  const [status, setStatus] = useState<string | null>(null);
  const [validUntil, setValidUntil] = useState('');
  const [lines, setLines] = useState<Line[]>([emptyLine()]);
  // Lines left blank are not sent: the core's `items.N` count the lines it was sent.
  const [sentRows, setSentRows] = useState<number[]>([]);
  const queryClient = useQueryClient();
  const notify = useNotify();
  const save = useMutation({
    mutationFn: (input: RelatedInput) =>
      call('create_related_record', { user: userId, kind, input }),
    onSuccess: (record) => {
      void queryClient.invalidateQueries({ queryKey: relatedKey(userId, kind) });
      notify(`${record.number} was created.`, { type: 'success' });
      onDone();
    },
  });
  const lineFields = sentRows.flatMap((_, n) =>
    LINE_FIELDS.map(([field]) => `items.${n}.${field}`),
  );
  const { byField, rest } = formErrors(save.error, [
    'currency',
    'status',
    'validUntil',
    ...lineFields,
  ]);
  const lineError = (row: number, field: keyof Line) => {
    const n = sentRows.indexOf(row);
    return n < 0 ? undefined : byField[`items.${n}.${field}`];
  };
  const shownStatus = status ?? statuses?.defaultStatus ?? '';

  const submit = () => {
    const rows = lines.flatMap((l, row) => (isBlank(l) ? [] : [row]));
    setSentRows(rows);
    const items: LineItem[] = rows.map((row) => ({
      sku: lines[row].sku.trim(),
      name: lines[row].name.trim(),
      quantity: Number(lines[row].quantity),
      price: lines[row].price.trim(),
    }));
    save.mutate({
      currency: currency.trim().toUpperCase() || null,
      status: shownStatus || null,
      items,
      validUntil: kind === 'quote' && validUntil ? validUntil : null,
    });
  };
  const setLine = (row: number, patch: Partial<Line>) =>
    setLines((all) => all.map((l, i) => (i === row ? { ...l, ...patch } : l)));
  const field = (name: string, props: TextFieldProps) => (
    <TextField size="small" error={!!byField[name]} helperText={byField[name]} {...props} />
  );

  return (
    <PageForm
      label={QUICK_LABEL[kind]}
      errors={rest}
      saving={save.isPending}
      onSave={submit}
      onCancel={onDone}
    >
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} useFlexGap>
        {field('currency', {
          label: 'Currency',
          value: currency,
          autoFocus: true,
          onChange: (e) => setCurrency(e.target.value),
          slotProps: { htmlInput: { maxLength: 3 } },
        })}
        {field('status', {
          select: true,
          label: 'Status',
          value: shownStatus,
          onChange: (e) => setStatus(e.target.value),
          sx: { minWidth: 200 },
          children: (statuses?.statuses ?? []).map((s) => (
            <MenuItem key={s} value={s}>
              {statusLabel(s)}
            </MenuItem>
          )),
        })}
        {kind === 'quote'
          ? field('validUntil', {
              label: 'Valid Until',
              type: 'date',
              value: validUntil,
              onChange: (e) => setValidUntil(e.target.value),
              slotProps: { inputLabel: { shrink: true } },
            })
          : null}
      </Stack>
      <Typography variant="subtitle2" component="h3">
        Line items
      </Typography>
      {lines.map((line, row) => (
        <Stack
          key={row}
          direction={{ xs: 'column', sm: 'row' }}
          spacing={1}
          useFlexGap
          role="group"
          aria-label={`Line ${row + 1}`}
        >
          {LINE_FIELDS.map(([key, label]) => (
            <TextField
              key={key}
              size="small"
              label={label}
              value={line[key]}
              type={key === 'quantity' ? 'number' : 'text'}
              onChange={(e) => setLine(row, { [key]: e.target.value })}
              error={!!lineError(row, key)}
              helperText={lineError(row, key)}
              sx={{ flex: key === 'name' ? 2 : 1 }}
              slotProps={{
                htmlInput:
                  key === 'quantity' ? { min: 1 } : key === 'price' ? { inputMode: 'decimal' } : {},
              }}
            />
          ))}
          <Button
            color="warning"
            disabled={lines.length === 1}
            onClick={() => setLines((all) => all.filter((_, i) => i !== row))}
          >
            Remove line
          </Button>
        </Stack>
      ))}
      <Box>
        <Button startIcon={<AddIcon />} onClick={() => setLines((all) => [...all, emptyLine()])}>
          Add line
        </Button>
      </Box>
    </PageForm>
  );
};
