import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend, PLAIN_HTTP_REFUSAL } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const section = (name: string) => screen.findByRole('region', { name });
const indicator = () => screen.findByRole('status', { name: 'Sync' });

/** The value a `<dt>` label names on the Server screen. */
const detail = (label: string) => {
  const dt = screen.getAllByText(label).find((el) => el.tagName === 'DT');
  return dt?.nextElementSibling?.textContent ?? null;
};

describe('Server', () => {
  it('is reached from the System menu and says which records are the team’s', async () => {
    const user = setupUser();
    renderApp('/customer-users');
    const system = await screen.findByRole('list', { name: 'System' });
    await user.click(within(system).getByRole('menuitem', { name: 'Server' }));
    expect(await section('Sign in')).toBeInTheDocument();
    expect(window.location.hash).toBe('#/server');
    expect(
      screen.getByText(
        'SMTP settings (smtp*) stay on this desktop; every other setting, the e-mail templates, customer users, customers, websites, roles and back-office users are the team’s and sync.',
      ),
    ).toBeInTheDocument();
    // Never signed in: the app bar shows no sync state.
    expect(screen.queryByRole('status', { name: 'Sync' })).toBeNull();
  });

  it('signs in and shows the server, who is signed in and the sync', async () => {
    const user = setupUser();
    const { backend } = renderApp('/server');
    const form = await section('Sign in');
    await user.type(within(form).getByLabelText('Server URL'), 'https://team.example.com');
    await user.type(within(form).getByLabelText('E-mail'), 'admin@example.com');
    await user.type(within(form).getByLabelText('Password'), 's3cret!');
    expect(within(form).getByLabelText('Password')).toHaveAttribute('type', 'password');
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));

    const team = await section('Team server');
    expect(within(team).getByText('Signed in as')).toBeInTheDocument();
    expect(detail('Signed in as')).toBe('admin@example.com');
    expect(detail('Server')).toBe('https://team.example.com/');
    expect(detail('Joined team')).toBe('https://team.example.com/');
    expect(detail('Pending changes')).toBe('0');
    expect(detail('Last error')).toBe('None');
    expect(detail('Last sync')).not.toBe('Never');
    expect(await screen.findByText('Signed in to https://team.example.com/.')).toBeInTheDocument();
    expect(
      within(team).getByText(/Signing out keeps this desktop’s data: every record stays here/),
    ).toBeInTheDocument();
    expect(within(team).getByRole('button', { name: 'Sync now' })).toBeEnabled();
    expect(screen.queryByRole('region', { name: 'Sign in' })).toBeNull();
    expect(screen.queryByDisplayValue('s3cret!')).toBeNull();
    expect(await indicator()).toHaveTextContent('Up to date');

    expect(backend.callsOf('server_sign_in')).toEqual([
      {
        url: 'https://team.example.com',
        email: 'admin@example.com',
        password: 's3cret!',
        caFile: null,
        insecureHttp: false,
      },
    ]);
  });

  it('shows the refusal of plain http:// under the Server URL, and signs in once allowed', async () => {
    const user = setupUser();
    const { backend } = renderApp('/server');
    const form = await section('Sign in');
    const url = within(form).getByLabelText('Server URL');
    await user.type(url, 'http://example.com');
    await user.type(within(form).getByLabelText('E-mail'), 'admin@example.com');
    await user.type(within(form).getByLabelText('Password'), 's3cret!');
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));

    expect(await within(form).findByText(PLAIN_HTTP_REFUSAL)).toBeInTheDocument();
    expect(url).toHaveAttribute('aria-invalid', 'true');
    expect(url).toHaveAccessibleDescription(PLAIN_HTTP_REFUSAL);
    expect(screen.queryByRole('region', { name: 'Team server' })).toBeNull();

    await user.click(
      within(form).getByRole('checkbox', {
        name: 'Allow plain http:// to another machine (private network only)',
      }),
    );
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));
    expect(await section('Team server')).toBeInTheDocument();
    expect(detail('Server')).toBe('http://example.com/');
    expect(backend.callsOf('server_sign_in').map((c) => c.insecureHttp)).toEqual([false, true]);
  });

  it('shows a refused CA file under its field and a wrong password above the button', async () => {
    const user = setupUser();
    const backend = new FakeBackend();
    backend.serverPassword = 'right';
    renderApp('/server', { backend });
    const form = await section('Sign in');
    await user.type(within(form).getByLabelText('Server URL'), 'https://team.example.com');
    await user.type(within(form).getByLabelText('E-mail'), 'admin@example.com');
    await user.type(within(form).getByLabelText('Password'), 'wrong');
    const caFile = within(form).getByLabelText('Extra CA certificate file (PEM)');
    await user.type(caFile, '/home/admin/notes.txt');
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));

    const message = '/home/admin/notes.txt is not a PEM certificate: no certificate found';
    expect(await within(form).findByText(message)).toBeInTheDocument();
    expect(caFile).toHaveAccessibleDescription(message);

    await user.clear(caFile);
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));
    expect(
      await within(form).findByText(
        'The e-mail or the password is wrong, or the account is disabled.',
      ),
    ).toBeInTheDocument();
    expect(backend.callsOf('server_sign_in').at(-1)).toMatchObject({ caFile: null });
  });

  it('signs out, keeping the records, and offers to sign in again', async () => {
    const user = setupUser();
    const backend = new FakeBackend().signedInToServer();
    renderApp('/server', { backend });
    const team = await section('Team server');
    await user.click(within(team).getByRole('button', { name: 'Sign out' }));

    expect(
      await screen.findByText('Signed out. Every record stays on this desktop.'),
    ).toBeInTheDocument();
    const form = await section('Sign in');
    // The joined team's address is offered again.
    expect(within(form).getByLabelText('Server URL')).toHaveValue('https://team.example.com/');
    expect(backend.callsOf('server_sign_out')).toHaveLength(1);
    expect(backend.customerUsers).toHaveLength(3);
    expect(await indicator()).toHaveTextContent('Not synced');
  });

  it('wakes the sync with Sync now', async () => {
    const user = setupUser();
    const backend = new FakeBackend().signedInToServer();
    backend.sync.status.pending = 2;
    renderApp('/server', { backend });
    const team = await section('Team server');
    expect(detail('Pending changes')).toBe('2');
    await user.click(within(team).getByRole('button', { name: 'Sync now' }));
    await waitFor(() => expect(detail('Pending changes')).toBe('0'));
    expect(backend.callsOf('sync_now')).toEqual([{ replaceLocal: false }]);
  });
});
