import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RefusedChange } from '../../bindings/RefusedChange';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const UNIQUE_EMAIL = 'This email is already used by another customer user of the team.';

const refused = (fields: Partial<RefusedChange> & Pick<RefusedChange, 'seq'>): RefusedChange => ({
  entity: 'customer_user',
  entityId: 'cu-0002',
  field: 'email',
  message: UNIQUE_EMAIL,
  at: '2026-03-01T10:00:00Z',
  ...fields,
});

const seeded = () => {
  const backend = new FakeBackend().signedInToServer();
  backend.sync.status.refused = [
    refused({ seq: 7 }),
    refused({
      seq: 9,
      entity: 'website',
      entityId: 'web-eu',
      field: null,
      message: 'The website was deleted on the server.',
    }),
  ];
  backend.sync.status.waiting = [
    {
      entity: 'customer_user',
      entityId: 'cu-0099',
      reason: 'Its customer cust-0042 has not arrived yet.',
    },
  ];
  return backend;
};

const rowOf = async (text: string) => (await screen.findByText(text)).closest('tr') as HTMLElement;

describe('Sync screen', () => {
  it('lists the refused changes and the waiting records', async () => {
    renderApp('/sync', { backend: seeded() });
    const table = await screen.findByRole('table', { name: 'Refused changes' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Record', 'Field', 'Reason', 'Time', '']);

    const email = await rowOf(UNIQUE_EMAIL);
    const link = within(email).getByRole('link', { name: 'Customer user cu-0002' });
    expect(link).toHaveAttribute('href', '#/customer-users/cu-0002/show');
    expect(within(email).getByText('Email Address')).toBeInTheDocument();
    expect(within(email).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(within(email).getByRole('button', { name: 'Discard' })).toBeInTheDocument();

    const website = await rowOf('The website was deleted on the server.');
    expect(within(website).getByText('Website web-eu')).toBeInTheDocument();
    expect(within(website).queryByRole('link')).toBeNull();

    const waiting = screen.getByRole('table', { name: 'Waiting records' });
    expect(
      within(waiting).getByText('Its customer cust-0042 has not arrived yet.'),
    ).toBeInTheDocument();
    expect(
      within(waiting).getByRole('link', { name: 'Customer user cu-0099' }),
    ).toBeInTheDocument();
  });

  it('says so when nothing was refused and nothing waits', async () => {
    renderApp('/sync', { backend: new FakeBackend().signedInToServer() });
    expect(
      await screen.findByText(
        'No refused changes: the team server took every change sent from this desktop.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'No records are waiting: everything received from the team server is written here.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('sends a refused change again with Retry', async () => {
    const user = setupUser();
    const { backend } = renderApp('/sync', { backend: seeded() });
    const row = await rowOf(UNIQUE_EMAIL);
    await user.click(within(row).getByRole('button', { name: 'Retry' }));

    expect(
      await screen.findByText('The change will be sent again at the next sync.'),
    ).toBeInTheDocument();
    expect(backend.callsOf('sync_retry')).toEqual([{ seq: 7 }]);
    await waitFor(() => expect(screen.queryByText(UNIQUE_EMAIL)).toBeNull());
    expect(screen.getByText('The website was deleted on the server.')).toBeInTheDocument();
  });

  it('drops a refused change with Discard, once confirmed', async () => {
    const user = setupUser();
    const { backend } = renderApp('/sync', { backend: seeded() });
    const row = await rowOf('The website was deleted on the server.');

    await user.click(within(row).getByRole('button', { name: 'Discard' }));
    let dialog = await screen.findByRole('dialog', { name: 'Discard this change?' });
    expect(
      within(dialog).getByText(
        'This desktop’s change to Website web-eu is dropped: the record becomes the team’s copy again.',
      ),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(backend.callsOf('sync_discard')).toEqual([]);

    await user.click(within(row).getByRole('button', { name: 'Discard' }));
    dialog = await screen.findByRole('dialog', { name: 'Discard this change?' });
    await user.click(within(dialog).getByRole('button', { name: 'Discard' }));

    expect(await screen.findByText('The change was discarded.')).toBeInTheDocument();
    expect(backend.callsOf('sync_discard')).toEqual([{ seq: 9 }]);
    await waitFor(() =>
      expect(screen.queryByText('The website was deleted on the server.')).toBeNull(),
    );
    expect(screen.getByText(UNIQUE_EMAIL)).toBeInTheDocument();
  });

  it('is reached from the indicator', async () => {
    const user = setupUser();
    renderApp('/customer-users', { backend: seeded() });
    const indicator = await screen.findByRole('status', { name: 'Sync' });
    await user.click(within(indicator).getByRole('button', { name: 'Up to date' }));
    const details = await screen.findByRole('dialog', { name: 'Sync details' });
    expect(within(details).getByText('Refused changes:').parentElement).toHaveTextContent(
      'Refused changes: 2',
    );
    await user.click(within(details).getByRole('link', { name: 'Open Sync' }));
    expect(await screen.findByRole('table', { name: 'Refused changes' })).toBeInTheDocument();
    expect(window.location.hash).toBe('#/sync');
  });
});

describe('Customer user view page', () => {
  it('says when the team server refused a change to this user', async () => {
    const user = setupUser();
    renderApp('/customer-users/cu-0002/show', { backend: seeded() });
    const alert = await screen.findByText(
      `The team server refused a change to this user: ${UNIQUE_EMAIL}`,
    );
    await user.click(
      within(alert.closest('[role="alert"]') as HTMLElement).getByRole('link', {
        name: 'Open Sync',
      }),
    );
    expect(await screen.findByRole('table', { name: 'Refused changes' })).toBeInTheDocument();
  });

  it('says nothing for a user the server took every change of', async () => {
    const { backend } = renderApp('/customer-users/cu-0001/show', { backend: seeded() });
    expect(await screen.findByRole('heading', { name: 'History' })).toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf('sync_status').length).toBeGreaterThan(1));
    expect(screen.queryByText(/The team server refused a change/)).toBeNull();
  });
});
