import { useState } from 'react';
import AddCommentIcon from '@mui/icons-material/AddComment';
import DeleteIcon from '@mui/icons-material/Delete';
import EditIcon from '@mui/icons-material/Edit';
import EmailIcon from '@mui/icons-material/Email';
import EventIcon from '@mui/icons-material/Event';
import EventAvailableIcon from '@mui/icons-material/EventAvailable';
import NotesIcon from '@mui/icons-material/Notes';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Box,
  Button,
  Chip,
  IconButton,
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  Stack,
  Typography,
} from '@mui/material';
import { Confirm, useDataProvider, useNotify } from 'react-admin';
import type { ActivityItem } from '../../bindings/ActivityItem';
import type { ActivityKind } from '../../bindings/ActivityKind';
import type { AppDataProvider } from '../../data/dataProvider';
import { Gated } from '../../backOffice/capabilities';
import { QueryState } from '../../layout/ListStates';
import { useReadOnly } from '../../layout/StoreInfo';
import { formatDateTime } from '../fields';
import { ActivityEditor, activityKey, type ActivityDraft } from './ActivityEditor';
import { useQuickActions } from './quickActions';

const KINDS: { kind: ActivityKind; label: string }[] = [
  { kind: 'note', label: 'Notes' },
  { kind: 'email', label: 'E-mails' },
  { kind: 'event', label: 'Events' },
];

const EMAIL_STATES: Record<
  string,
  { label: string; color: 'info' | 'success' | 'error' | 'default' }
> = {
  queued: { label: 'Queued', color: 'info' },
  sent: { label: 'Sent', color: 'success' },
  failed: { label: 'Failed', color: 'error' },
  cancelled: { label: 'Cancelled', color: 'default' },
};

const ICONS: Record<ActivityKind, typeof NotesIcon> = {
  note: NotesIcon,
  email: EmailIcon,
  event: EventIcon,
};

const NOUN: Record<ActivityKind, string> = { note: 'note', email: 'e-mail', event: 'event' };

const EmailState = ({ state }: { state: string | null }) => {
  if (!state) return null;
  const known = EMAIL_STATES[state];
  return (
    <Chip label={known?.label ?? state} color={known?.color} size="small" variant="outlined" />
  );
};

/** When the item happened and who did it: an event's time span, else its time. */
const Byline = ({ item }: { item: ActivityItem }) => {
  const when =
    item.kind === 'event' && item.endsAt
      ? `${formatDateTime(item.startsAt ?? item.at)} – ${formatDateTime(item.endsAt)}`
      : formatDateTime(item.at);
  return (
    <Typography component="span" variant="body2" color="text.secondary">
      {item.by ? `${when} · ${item.by.name}` : when}
    </Typography>
  );
};

const ItemContent = ({ item }: { item: ActivityItem }) => {
  // A note's title is only its first line: the body shows it whole.
  const text = item.kind === 'note' ? (item.body ?? item.title) : item.title;
  const detail = item.kind === 'event' ? item.body : null;
  return (
    <ListItemText
      primary={
        <Stack direction="row" spacing={1} alignItems="center" useFlexGap flexWrap="wrap">
          <Typography component="span" sx={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {text}
          </Typography>
          {item.kind === 'email' ? <EmailState state={item.state} /> : null}
        </Stack>
      }
      secondary={
        <>
          {detail ? (
            <Typography
              component="span"
              variant="body2"
              sx={{ display: 'block', whiteSpace: 'pre-wrap' }}
            >
              {detail}
            </Typography>
          ) : null}
          <Byline item={item} />
        </>
      }
      slotProps={{ secondary: { component: 'div' } }}
    />
  );
};

const ItemActions = ({
  item,
  onEdit,
  onDelete,
}: {
  item: ActivityItem;
  onEdit: () => void;
  onDelete: () => void;
}) => (
  <Gated capability="manage_customer_users">
    {(disabled) => (
      <Stack direction="row">
        <IconButton
          aria-label={`Edit ${NOUN[item.kind]}`}
          size="small"
          disabled={disabled}
          onClick={onEdit}
        >
          <EditIcon fontSize="small" />
        </IconButton>
        <IconButton
          aria-label={`Delete ${NOUN[item.kind]}`}
          size="small"
          disabled={disabled}
          onClick={onDelete}
        >
          <DeleteIcon fontSize="small" />
        </IconButton>
      </Stack>
    )}
  </Gated>
);

const useDeleteItem = (userId: string, done: () => void) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  return useMutation({
    mutationFn: (item: ActivityItem) =>
      item.kind === 'note' ? dataProvider.deleteNote(item.id) : dataProvider.deleteEvent(item.id),
    onSuccess: (_, item) => {
      void queryClient.invalidateQueries({ queryKey: activityKey(userId) });
      notify(`The ${NOUN[item.kind]} was deleted.`, { type: 'success' });
      done();
    },
    onError: (error) => {
      notify(error.message, { type: 'error' });
      done();
    },
  });
};

/**
 * The user's notes, the e-mails sent to them and their events in one list, newest first,
 * with chips that choose which kinds show. The page's quick actions "Add note" and "Schedule
 * event" open their new form here.
 */
export const ActivityTimeline = ({ userId }: { userId: string }) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const { timeline, setTimeline } = useQuickActions();
  const [shown, setShown] = useState<ActivityKind[]>(KINDS.map((k) => k.kind));
  const [draft, setDraft] = useState<ActivityDraft | null>(null);
  const [deleting, setDeleting] = useState<ActivityItem | null>(null);
  const remove = useDeleteItem(userId, () => setDeleting(null));
  // A read-only store is only looked at: no writing buttons at all.
  const readOnly = useReadOnly();
  // Only an admin who may write gets the toolbar's quick actions: one asked for needs no check.
  const open = timeline ? { kind: timeline } : draft;
  const close = () => {
    setDraft(null);
    setTimeline(null);
  };

  const { data, error, isPending } = useQuery({
    queryKey: [...activityKey(userId), shown],
    queryFn: () => dataProvider.customerUserActivity(userId, shown),
    enabled: shown.length > 0,
    // The list stays while the other kinds come, so a click on a chip does not make it jump.
    placeholderData: keepPreviousData,
  });

  const toggle = (kind: ActivityKind) =>
    setShown((now) =>
      now.includes(kind)
        ? now.filter((k) => k !== kind)
        : KINDS.map((k) => k.kind).filter((k) => k === kind || now.includes(k)),
    );

  return (
    <Box>
      <Stack
        direction="row"
        spacing={1}
        alignItems="center"
        useFlexGap
        flexWrap="wrap"
        sx={{ mb: 1 }}
      >
        <Stack direction="row" spacing={1} role="group" aria-label="Show">
          {KINDS.map(({ kind, label }) => {
            const on = shown.includes(kind);
            return (
              <Chip
                key={kind}
                label={label}
                aria-pressed={on}
                color={on ? 'primary' : 'default'}
                variant={on ? 'filled' : 'outlined'}
                onClick={() => toggle(kind)}
              />
            );
          })}
        </Stack>
        <Box sx={{ flexGrow: 1 }} />
        {readOnly ? null : (
          <Gated capability="manage_customer_users">
            {(disabled) => (
              <>
                <Button
                  startIcon={<AddCommentIcon />}
                  disabled={disabled}
                  onClick={() => setDraft({ kind: 'note' })}
                >
                  Add note
                </Button>
                <Button
                  startIcon={<EventAvailableIcon />}
                  disabled={disabled}
                  onClick={() => setDraft({ kind: 'event' })}
                >
                  Schedule event
                </Button>
              </>
            )}
          </Gated>
        )}
      </Stack>
      {shown.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          Choose what to show.
        </Typography>
      ) : isPending || error ? (
        <QueryState pending={isPending} error={error} label="Loading activity" />
      ) : data.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          Nothing yet.
        </Typography>
      ) : (
        <List aria-label="Activity" dense disablePadding>
          {data.map((item) => {
            const Icon = ICONS[item.kind];
            // E-mails are the outbox's: the timeline only shows them.
            const editable = item.kind !== 'email' && !readOnly;
            return (
              <ListItem
                key={`${item.kind}-${item.id}`}
                divider
                alignItems="flex-start"
                secondaryAction={
                  editable ? (
                    <ItemActions
                      item={item}
                      onEdit={() => setDraft({ kind: item.kind as 'note' | 'event', item })}
                      onDelete={() => setDeleting(item)}
                    />
                  ) : null
                }
                sx={{ pr: editable ? 12 : 2 }}
              >
                <ListItemIcon sx={{ minWidth: 36, mt: 0.5 }}>
                  <Icon fontSize="small" titleAccess={NOUN[item.kind]} />
                </ListItemIcon>
                <ItemContent item={item} />
              </ListItem>
            );
          })}
        </List>
      )}
      <ActivityEditor userId={userId} draft={open} onClose={close} />
      <Confirm
        isOpen={!!deleting}
        loading={remove.isPending}
        title={`Delete ${deleting ? NOUN[deleting.kind] : ''}`}
        content={`Delete “${deleting?.title ?? ''}”? This cannot be undone.`}
        confirm="Delete"
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Box>
  );
};
