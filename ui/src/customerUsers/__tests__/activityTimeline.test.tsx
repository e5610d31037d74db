import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

/** A user with an older note, a scheduled event and an e-mail sent, on their page. */
async function openTimeline(backend = new FakeBackend()) {
  const user = setupUser();
  const id = backend.customerUsers[0].id;
  backend.activity.addNote(id, { body: 'First call' }, '2026-01-05T09:00:00Z');
  backend.activity.addEvent(id, {
    title: 'Kick-off meeting',
    startsAt: '2026-01-10T14:00:00Z',
    endsAt: '2026-01-10T15:00:00Z',
  });
  backend.queue(backend.customerUsers[0], 'customer_user_force_reset_password', 'Reset it');
  backend.outbox[0].createdAt = '2026-01-07T08:00:00Z';
  renderApp(`/customer-users/${id}/show`, { backend });
  const list = await screen.findByRole('list', { name: 'Activity' });
  return { user, backend, id, list };
}

const items = (list: HTMLElement) =>
  within(list)
    .getAllByRole('listitem')
    .map((li) => li.textContent ?? '');

describe('Activity timeline', () => {
  it('shows notes, e-mails and events newest first, with who and the e-mail state', async () => {
    const { list } = await openTimeline();
    const [event, email, note] = items(list);
    expect(event).toContain('Kick-off meeting');
    expect(email).toContain('Reset it');
    expect(email).toContain('Queued');
    expect(note).toContain('First call');
    expect(note).toContain('John Doe');
  });

  it('adds a note that comes first', async () => {
    const { user, backend, id, list } = await openTimeline();
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add note' });
    await user.type(within(dialog).getByLabelText('Note'), 'Asked for a quote{Enter}by Friday');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('The note was added.')).toBeInTheDocument();
    expect(backend.callsOf('add_note')).toEqual([
      { user: id, input: { body: 'Asked for a quote\nby Friday' } },
    ]);
    await waitFor(() => expect(items(list)[0]).toContain('Asked for a quote'));
    expect(items(list)[0]).toContain('John Doe');
  });

  it('shows the refusal of a blank note under it', async () => {
    const { user } = await openTimeline();
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add note' });
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('This value should not be blank.')).toBeInTheDocument();
  });

  it('filters to events only', async () => {
    const { user, backend, list } = await openTimeline();
    await user.click(screen.getByRole('button', { name: 'Notes' }));
    await user.click(screen.getByRole('button', { name: 'E-mails' }));
    await waitFor(() => expect(items(list)).toHaveLength(1));
    expect(items(list)[0]).toContain('Kick-off meeting');
    expect(screen.getByRole('button', { name: 'Events' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByRole('button', { name: 'Notes' })).toHaveAttribute('aria-pressed', 'false');
    expect(backend.callsOf('customer_user_activity').at(-1)).toMatchObject({ kinds: ['event'] });
  });

  it('schedules an event, its local times sent in UTC', async () => {
    const { user, backend, id, list } = await openTimeline();
    await user.click(screen.getByRole('button', { name: 'Schedule event' }));
    const dialog = await screen.findByRole('dialog', { name: 'Schedule event' });
    await user.type(within(dialog).getByLabelText('Title'), 'Product demo');
    await user.type(within(dialog).getByLabelText('Starts at'), '2026-12-01T10:30');
    await user.type(within(dialog).getByLabelText('Ends at'), '2026-12-01T11:30');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('The event was scheduled.')).toBeInTheDocument();
    expect(backend.callsOf('add_event')).toEqual([
      {
        user: id,
        input: {
          title: 'Product demo',
          description: null,
          startsAt: new Date('2026-12-01T10:30').toISOString().replace('.000', ''),
          endsAt: new Date('2026-12-01T11:30').toISOString().replace('.000', ''),
        },
      },
    ]);
    await waitFor(() => expect(items(list)[0]).toContain('Product demo'));
  });

  it('edits and deletes a note', async () => {
    const { user, backend, list } = await openTimeline();
    const note = within(list).getAllByRole('listitem').at(-1) as HTMLElement;
    await user.click(within(note).getByRole('button', { name: 'Edit note' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit note' });
    const body = within(dialog).getByLabelText('Note');
    expect(body).toHaveValue('First call');
    await user.type(body, ' again');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('The note was saved.')).toBeInTheDocument();
    await waitFor(() => expect(items(list).at(-1)).toContain('First call again'));

    const edited = within(list).getAllByRole('listitem').at(-1) as HTMLElement;
    await user.click(within(edited).getByRole('button', { name: 'Delete note' }));
    const confirm = await screen.findByRole('dialog');
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('The note was deleted.')).toBeInTheDocument();
    await waitFor(() => expect(items(list)).toHaveLength(2));
    expect(backend.activity.written.filter((w) => w.kind === 'note')).toHaveLength(0);
  });

  it('leaves the writing to admins who may manage customer users', async () => {
    const backend = new FakeBackend();
    backend.backOfficeRoleOf['user-admin'] = 'bo-role-readers';
    backend.backOfficeRoles.push({ id: 'bo-role-readers', label: 'Readers', capabilities: [] });
    const { list } = await openTimeline(backend);
    expect(screen.getByRole('button', { name: 'Add note' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Schedule event' })).toBeDisabled();
    const note = within(list).getAllByRole('listitem').at(-1) as HTMLElement;
    expect(within(note).getByRole('button', { name: 'Delete note' })).toBeDisabled();
  });
});
