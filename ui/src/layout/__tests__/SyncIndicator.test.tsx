import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const indicator = () => screen.findByRole('status', { name: 'Sync' });

const DECISION =
  'This desktop has 3 customer users of its own, and the team’s server already has records.';

describe('Sync indicator', () => {
  it('shows nothing on a desktop that never joined a team', async () => {
    const { backend } = renderApp('/customer-users');
    expect(await screen.findByText('user1@example.com')).toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf('sync_status').length).toBeGreaterThan(0));
    expect(screen.queryByRole('status', { name: 'Sync' })).toBeNull();
  });

  it('reads "Up to date" after signing in', async () => {
    const user = setupUser();
    renderApp('/server');
    const form = await screen.findByRole('region', { name: 'Sign in' });
    await user.type(within(form).getByLabelText('Server URL'), 'http://localhost:8080');
    await user.type(within(form).getByLabelText('E-mail'), 'admin@example.com');
    await user.type(within(form).getByLabelText('Password'), 's3cret!');
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));

    expect(await indicator()).toHaveTextContent('Up to date');
  });

  it('reads "Offline" when the server cannot be reached, and says why in its details', async () => {
    const user = setupUser();
    const backend = new FakeBackend().signedInToServer();
    backend.sync.state = 'offline';
    backend.sync.status.pending = 4;
    backend.sync.status.lastError = 'The team server is offline: it cannot be reached.';
    renderApp('/customer-users', { backend });

    const chip = within(await indicator()).getByRole('button', { name: 'Offline' });
    await user.click(chip);
    const details = await screen.findByRole('dialog', { name: 'Sync details' });
    expect(within(details).getByText('Pending changes:').parentElement).toHaveTextContent(
      'Pending changes: 4',
    );
    expect(
      within(details).getByText('The team server is offline: it cannot be reached.'),
    ).toBeInTheDocument();
    expect(within(details).getByText('Last sync:').parentElement).not.toHaveTextContent('Never');
    // The grid stays usable behind it.
    expect(screen.getByText('user1@example.com')).toBeInTheDocument();
  });

  it('follows the state as the poll finds it, with a progress bar while syncing', async () => {
    const backend = new FakeBackend().signedInToServer();
    renderApp('/customer-users', { backend });
    expect(await indicator()).toHaveTextContent('Up to date');
    expect(screen.queryByRole('progressbar', { name: 'Sync progress' })).toBeNull();

    backend.sync.state = 'syncing';
    backend.sync.received = 120;
    await waitFor(() =>
      expect(screen.getByRole('status', { name: 'Sync' })).toHaveTextContent(
        'Syncing… (120 received)',
      ),
    );
    expect(screen.getByRole('progressbar', { name: 'Sync progress' })).toBeInTheDocument();
    expect(screen.getByText('user1@example.com')).toBeInTheDocument();

    backend.sync.state = 'signInAgain';
    backend.sync.received = null;
    await waitFor(() =>
      expect(screen.getByRole('status', { name: 'Sync' })).toHaveTextContent('Sign in again'),
    );
    expect(screen.queryByRole('progressbar', { name: 'Sync progress' })).toBeNull();
  });

  it('syncs now from its details', async () => {
    const user = setupUser();
    const backend = new FakeBackend().signedInToServer();
    backend.sync.status.pending = 1;
    renderApp('/customer-users', { backend });
    await user.click(within(await indicator()).getByRole('button', { name: 'Up to date' }));
    const details = await screen.findByRole('dialog', { name: 'Sync details' });
    await user.click(within(details).getByRole('button', { name: 'Sync now' }));

    expect(await screen.findByText('Syncing in the background.')).toBeInTheDocument();
    expect(backend.callsOf('sync_now')).toEqual([{ replaceLocal: false }]);
    await waitFor(() =>
      expect(within(details).getByText('Pending changes:').parentElement).toHaveTextContent(
        'Pending changes: 0',
      ),
    );
  });
});

describe('Sync decision', () => {
  const deciding = () => {
    const backend = new FakeBackend().signedInToServer();
    backend.sync.state = 'needsDecision';
    backend.sync.decision = DECISION;
    return backend;
  };

  it('asks once, and starts from the team’s data when told to', async () => {
    const user = setupUser();
    const backend = deciding();
    renderApp('/customer-users', { backend });

    const dialog = await screen.findByRole('dialog', { name: 'Start from the team’s data?' });
    expect(within(dialog).getByText(DECISION)).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'The team’s data will replace this desktop’s records. This desktop’s demo data and its own records are not sent to the team server.',
      ),
    ).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Start from the team’s data' }));
    expect(backend.callsOf('sync_now')).toEqual([{ replaceLocal: true }]);
    await waitFor(() =>
      expect(screen.queryByRole('dialog', { name: 'Start from the team’s data?' })).toBeNull(),
    );
    expect(await indicator()).toHaveTextContent('Up to date');
  });

  it('is dismissed with Not now and does not come back while the state stays', async () => {
    const user = setupUser();
    const backend = deciding();
    renderApp('/customer-users', { backend });
    const dialog = await screen.findByRole('dialog', { name: 'Start from the team’s data?' });
    await user.click(within(dialog).getByRole('button', { name: 'Not now' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog', { name: 'Start from the team’s data?' })).toBeNull(),
    );

    // The next polls still say `needsDecision`: the dialog stays closed.
    const asked = backend.callsOf('sync_status').length;
    await waitFor(() => expect(backend.callsOf('sync_status').length).toBeGreaterThan(asked + 1));
    expect(screen.queryByRole('dialog', { name: 'Start from the team’s data?' })).toBeNull();
    expect(backend.callsOf('sync_now')).toEqual([]);

    // The indicator opens it again.
    await user.click(
      within(await indicator()).getByRole('button', { name: 'Needs your decision' }),
    );
    await user.click(await screen.findByRole('button', { name: 'Decide…' }));
    expect(
      await screen.findByRole('dialog', { name: 'Start from the team’s data?' }),
    ).toBeInTheDocument();
  });
});
