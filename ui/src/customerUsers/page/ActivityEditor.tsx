import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Stack,
  TextField,
} from '@mui/material';
import { useDataProvider, useNotify } from 'react-admin';
import type { ActivityItem } from '../../bindings/ActivityItem';
import { CUSTOMER_USERS, type AppDataProvider } from '../../data/dataProvider';
import { fieldErrors } from '../../admin/shared';
import { localInputToUtc, utcToLocalInput } from './localDateTime';

/** What the editor is open on: a new note or event, or the item to change. */
export type ActivityDraft = { kind: 'note' | 'event'; item?: ActivityItem };

/** Every activity query of one user: a change refreshes whichever kinds are shown. */
export const activityKey = (userId: string) => [CUSTOMER_USERS, userId, 'activity'];

const TITLES = {
  note: { add: 'Add note', edit: 'Edit note' },
  event: { add: 'Schedule event', edit: 'Edit event' },
};

const EditorForm = ({
  userId,
  draft,
  onClose,
}: {
  userId: string;
  draft: ActivityDraft;
  onClose: () => void;
}) => {
  const dataProvider = useDataProvider<AppDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const { kind, item } = draft;
  const [body, setBody] = useState(item?.body ?? '');
  const [title, setTitle] = useState(item?.title ?? '');
  const [startsAt, setStartsAt] = useState(utcToLocalInput(item?.startsAt));
  const [endsAt, setEndsAt] = useState(utcToLocalInput(item?.endsAt));
  const [errors, setErrors] = useState<Record<string, string>>({});

  const save = useMutation({
    mutationFn: () => {
      if (kind === 'note') {
        const input = { body };
        return item ? dataProvider.updateNote(item.id, input) : dataProvider.addNote(userId, input);
      }
      const input = {
        title,
        description: body.trim() ? body : null,
        startsAt: localInputToUtc(startsAt),
        endsAt: localInputToUtc(endsAt),
      };
      return item ? dataProvider.updateEvent(item.id, input) : dataProvider.addEvent(userId, input);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: activityKey(userId) });
      const what = kind === 'note' ? 'note' : 'event';
      notify(`The ${what} was ${item ? 'saved' : kind === 'note' ? 'added' : 'scheduled'}.`, {
        type: 'success',
      });
      onClose();
    },
    onError: (error) => {
      setErrors(fieldErrors(error));
      notify(error.message, { type: 'error' });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const heading = TITLES[kind][item ? 'edit' : 'add'];
  const timeInput = { inputLabel: { shrink: true } };

  return (
    <form onSubmit={submit} noValidate>
      <DialogTitle>{heading}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          {kind === 'event' ? (
            <TextField
              label="Title"
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              error={!!errors.title}
              helperText={errors.title}
              autoFocus
              fullWidth
            />
          ) : null}
          <TextField
            label={kind === 'note' ? 'Note' : 'Description'}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            error={!!(errors.body ?? errors.description)}
            helperText={errors.body ?? errors.description}
            autoFocus={kind === 'note'}
            multiline
            minRows={kind === 'note' ? 4 : 2}
            fullWidth
          />
          {kind === 'event' ? (
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
              <TextField
                label="Starts at"
                type="datetime-local"
                value={startsAt}
                onChange={(e) => setStartsAt(e.target.value)}
                error={!!errors.startsAt}
                helperText={errors.startsAt}
                slotProps={timeInput}
                fullWidth
              />
              <TextField
                label="Ends at"
                type="datetime-local"
                value={endsAt}
                onChange={(e) => setEndsAt(e.target.value)}
                error={!!errors.endsAt}
                helperText={errors.endsAt}
                slotProps={timeInput}
                fullWidth
              />
            </Stack>
          ) : null}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="contained" disabled={save.isPending}>
          Save
        </Button>
      </DialogActions>
    </form>
  );
};

/** The dialog that adds or edits a note or an event of the user `userId`. */
export const ActivityEditor = ({
  userId,
  draft,
  onClose,
}: {
  userId: string;
  draft: ActivityDraft | null;
  onClose: () => void;
}) => (
  <Dialog open={!!draft} onClose={onClose} fullWidth maxWidth="sm">
    {/* Keyed, so that each opening starts from the item's saved values. */}
    {draft ? (
      <EditorForm
        key={draft.item?.id ?? `new-${draft.kind}`}
        userId={userId}
        draft={draft}
        onClose={onClose}
      />
    ) : null}
  </Dialog>
);
