import { useId, useState, type ReactNode } from 'react';
import { useMutation } from '@tanstack/react-query';
import AddIcon from '@mui/icons-material/Add';
import {
  Button,
  Card,
  CardActions,
  CardContent,
  Chip,
  Grid,
  Stack,
  Typography,
} from '@mui/material';
import { Confirm, useNotify } from 'react-admin';
import type { Address } from '../../bindings/Address';
import type { CustomerUser } from '../../bindings/CustomerUser';
import { Gated } from '../../backOffice/capabilities';
import { call } from '../../data/api';
import { useReadOnly } from '../../layout/StoreInfo';
import { fieldLabel } from '../fieldTable';
import { fullName } from '../fields';
import { AddressForm } from './AddressForm';
import { useQuickActions } from './quickActions';
import { SectionCard } from './SectionCard';
import { useStoreUser } from './userCache';

const TYPE_LABEL: Record<string, string> = { billing: 'Billing', shipping: 'Shipping' };

/** The lines of an address as a letter shows it. */
const addressLines = (a: Address) =>
  [
    fullName(a),
    a.organization,
    a.street,
    a.street2,
    [[a.city, a.regionName ?? a.regionText ?? a.region].filter(Boolean).join(', '), a.postalCode]
      .filter(Boolean)
      .join(' '),
    a.countryName ?? a.country,
    a.phone ? `Phone: ${a.phone}` : null,
  ].filter((l): l is string => !!l && l.trim() !== '');

const FormCard = ({ children }: { children: ReactNode }) => (
  <Card variant="outlined" sx={{ mb: 2 }}>
    <CardContent>{children}</CardContent>
  </Card>
);

const AddressCard = ({
  address,
  writable,
  onEdit,
  onDelete,
}: {
  address: Address;
  writable: boolean;
  onEdit: () => void;
  onDelete: () => void;
}) => {
  const titleId = useId();
  return (
    <Card variant="outlined" component="article" aria-labelledby={titleId} sx={{ height: '100%' }}>
      <CardContent>
        <Typography id={titleId} variant="subtitle2" gutterBottom>
          {address.label || address.street}
        </Typography>
        {addressLines(address).map((line, i) => (
          <Typography key={i} variant="body2">
            {line}
          </Typography>
        ))}
        <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap" sx={{ mt: 1 }}>
          {address.types.map((t) =>
            address.defaults.includes(t) ? (
              <Chip key={t} label={`Default ${t}`} size="small" color="primary" />
            ) : (
              <Chip key={t} label={TYPE_LABEL[t] ?? t} size="small" variant="outlined" />
            ),
          )}
        </Stack>
      </CardContent>
      {writable ? (
        <CardActions>
          <Gated capability="manage_customer_users">
            {(disabled) => (
              <Button size="small" disabled={disabled} onClick={onEdit}>
                Edit
              </Button>
            )}
          </Gated>
          <Gated capability="manage_customer_users">
            {(disabled) => (
              <Button size="small" color="warning" disabled={disabled} onClick={onDelete}>
                Delete
              </Button>
            )}
          </Gated>
        </CardActions>
      ) : null}
    </Card>
  );
};

/**
 * The user's addresses as cards, each edited or deleted where it stands; "Add address" (and
 * the quick action "Create address" shown in place) opens a new one above them.
 */
export const AddressBook = ({ user }: { user: CustomerUser }) => {
  const { inPlace, setInPlace } = useQuickActions();
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Address | null>(null);
  const writable = !useReadOnly();
  const storeUser = useStoreUser();
  const notify = useNotify();
  const remove = useMutation({
    mutationFn: (id: string) => call('delete_customer_user_address', { id }),
    onSuccess: (saved) => {
      storeUser(saved);
      notify('The address was deleted.', { type: 'success' });
    },
    onError: (e) => notify(e.message, { type: 'error' }),
    onSettled: () => setDeleting(null),
  });
  const adding = inPlace === 'address';
  const addresses = user.addresses ?? [];

  return (
    <SectionCard
      title={fieldLabel('addresses')}
      action={
        writable ? (
          <Gated capability="manage_customer_users">
            {(disabled) => (
              <Button
                startIcon={<AddIcon />}
                disabled={disabled || adding}
                onClick={() => setInPlace('address')}
              >
                Add address
              </Button>
            )}
          </Gated>
        ) : null
      }
    >
      {adding ? (
        <FormCard>
          <AddressForm userId={user.id} onDone={() => setInPlace(null)} />
        </FormCard>
      ) : null}
      {addresses.length === 0 && !adding ? (
        <Typography variant="body2" color="text.secondary">
          No addresses
        </Typography>
      ) : (
        <Grid container spacing={2}>
          {addresses.map((a) =>
            editing === a.id ? (
              <Grid key={a.id} size={12}>
                <FormCard>
                  <AddressForm userId={user.id} address={a} onDone={() => setEditing(null)} />
                </FormCard>
              </Grid>
            ) : (
              <Grid key={a.id} size={{ xs: 12, sm: 6, lg: 4 }}>
                <AddressCard
                  address={a}
                  writable={writable}
                  onEdit={() => setEditing(a.id)}
                  onDelete={() => setDeleting(a)}
                />
              </Grid>
            ),
          )}
        </Grid>
      )}
      <Confirm
        isOpen={!!deleting}
        loading={remove.isPending}
        title="Delete address"
        content={`Are you sure you want to delete the address “${deleting?.label || deleting?.street}”?`}
        confirm="Delete"
        confirmColor="warning"
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        onClose={() => setDeleting(null)}
      />
    </SectionCard>
  );
};
