import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const GATE = 'Who is working here?';
const header = () => screen.findByRole('status', { name: 'Current admin' });

describe('Current admin', () => {
  it('asks who is working at first launch and shows them in the header', async () => {
    const user = setupUser();
    const backend = new FakeBackend({ currentAdmin: null });
    renderApp('/customer-users', { backend });

    const dialog = await screen.findByRole('dialog', { name: GATE });
    // Nothing of the app behind it until someone is chosen.
    expect(screen.queryByText('user1@example.com')).toBeNull();
    expect(screen.queryByRole('status', { name: 'Current admin' })).toBeNull();
    for (const name of ['John Doe (admin)', 'Amanda Cole (amanda)', 'Brenda Sanders (brenda)']) {
      expect(await within(dialog).findByRole('radio', { name })).toBeInTheDocument();
    }
    expect(within(dialog).getByRole('button', { name: 'Continue' })).toBeDisabled();

    // It cannot be dismissed.
    await user.keyboard('{Escape}');
    expect(screen.getByRole('dialog', { name: GATE })).toBeInTheDocument();

    await user.click(within(dialog).getByRole('radio', { name: 'Amanda Cole (amanda)' }));
    await user.click(within(dialog).getByRole('button', { name: 'Continue' }));

    expect(await header()).toHaveTextContent('Amanda Cole (amanda)');
    expect(backend.callsOf('set_current_admin')).toEqual([{ id: 'user-amanda' }]);
    expect(backend.currentAdmin()?.username).toBe('amanda');
    expect(await screen.findByText('user1@example.com')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog', { name: GATE })).toBeNull());
  });

  it('shows nothing to choose when an admin is already current', async () => {
    renderApp('/customer-users');
    expect(await header()).toHaveTextContent('John Doe (admin)');
    expect(await screen.findByText('user1@example.com')).toBeInTheDocument();
    expect(screen.queryByRole('dialog', { name: GATE })).toBeNull();
  });

  it('creates a back-office user, showing the refusals under the fields, and makes them current', async () => {
    const user = setupUser();
    const backend = new FakeBackend({ currentAdmin: null });
    renderApp('/customer-users', { backend });

    const dialog = await screen.findByRole('dialog', { name: GATE });
    await user.click(
      await within(dialog).findByRole('button', { name: 'Create a back-office user' }),
    );
    const username = within(dialog).getByLabelText('Username');
    const email = within(dialog).getByLabelText('Email');
    await user.type(username, 'amanda');
    await user.type(within(dialog).getByLabelText('First Name'), 'Ann');
    await user.type(within(dialog).getByLabelText('Last Name'), 'Rivera');
    await user.type(email, 'ann.rivera');
    await user.click(within(dialog).getByRole('button', { name: 'Create and continue' }));

    expect(await within(dialog).findByText('This username is already used.')).toBeInTheDocument();
    expect(username).toHaveAttribute('aria-invalid', 'true');
    expect(username).toHaveAccessibleDescription('This username is already used.');
    expect(email).toHaveAccessibleDescription('This value is not a valid email address.');
    expect(backend.callsOf('set_current_admin')).toEqual([]);

    // Typing again clears the message: it was about the value that is gone.
    await user.clear(username);
    expect(within(dialog).queryByText('This username is already used.')).toBeNull();
    await user.type(username, 'ann.rivera');
    await user.type(email, '@example.com');
    await user.click(within(dialog).getByRole('button', { name: 'Create and continue' }));

    expect(await header()).toHaveTextContent('Ann Rivera (ann.rivera)');
    const created = backend.users.find((u) => u.username === 'ann.rivera');
    expect(created).toMatchObject({ name: 'Ann Rivera', email: 'ann.rivera@example.com' });
    expect(backend.callsOf('create_back_office_user')).toEqual([
      {
        input: { username: 'amanda', firstName: 'Ann', lastName: 'Rivera', email: 'ann.rivera' },
      },
      {
        input: {
          username: 'ann.rivera',
          firstName: 'Ann',
          lastName: 'Rivera',
          email: 'ann.rivera@example.com',
        },
      },
    ]);
    expect(backend.callsOf('set_current_admin')).toEqual([{ id: created!.id }]);
  });

  it('switches in Settings and the header follows', async () => {
    const user = setupUser();
    const { backend } = renderApp('/settings');
    expect(await header()).toHaveTextContent('John Doe (admin)');

    const section = await screen.findByRole('region', { name: 'Current admin' });
    const select = within(section).getByRole('combobox', { name: 'Back-office user' });
    await waitFor(() => expect(select).toHaveTextContent('John Doe (admin)'));
    expect(within(section).getByRole('button', { name: 'Switch' })).toBeDisabled();

    await user.click(select);
    await user.click(await screen.findByRole('option', { name: 'Brenda Sanders (brenda)' }));
    await user.click(within(section).getByRole('button', { name: 'Switch' }));

    await waitFor(() =>
      expect(screen.getByRole('status', { name: 'Current admin' })).toHaveTextContent(
        'Brenda Sanders (brenda)',
      ),
    );
    expect(backend.callsOf('set_current_admin')).toEqual([{ id: 'user-brenda' }]);
    expect(
      await screen.findByText('You are now working as Brenda Sanders (brenda).'),
    ).toBeInTheDocument();
    expect(within(section).getByRole('button', { name: 'Switch' })).toBeDisabled();
  });

  it('records the chosen admin as the actor of a change', async () => {
    const user = setupUser();
    const backend = new FakeBackend({ currentAdmin: null });
    renderApp('/customer-users/cu-0001/show', { backend });

    const dialog = await screen.findByRole('dialog', { name: GATE });
    await user.click(await within(dialog).findByRole('radio', { name: 'Brenda Sanders (brenda)' }));
    await user.click(within(dialog).getByRole('button', { name: 'Continue' }));

    expect(await screen.findByText('No changes recorded.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Disable' }));
    expect(await screen.findByText(/Yes → No/)).toBeInTheDocument();
    const history = screen.getByRole('table', { name: 'History' });
    expect(within(history).getByText('brenda')).toBeInTheDocument();
    expect(backend.history.map((h) => h.actor)).toEqual(['brenda']);
  });
});

/** What `run` threw, as the fake backend's commands reject with a plain `ApiError`. */
function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('Fake backend', () => {
  it('refuses changes while nobody is chosen', () => {
    const backend = new FakeBackend({ currentAdmin: null });
    expect(backend.handle('current_admin', undefined)).toBeNull();
    expect(refusal(() => backend.handle('set_customer_user_enabled', { id: 'cu-0001' }))).toEqual({
      code: 'conflict',
      message: 'Choose who you are first: no back-office user is acting in this window.',
      fields: [],
    });
    expect(refusal(() => backend.handle('set_current_admin', { id: 'nobody' }))).toMatchObject({
      code: 'not_found',
      message: 'No enabled back-office user has the username "nobody".',
    });
    expect(backend.handle('set_current_admin', { id: 'brenda' })).toMatchObject({
      id: 'user-brenda',
    });
    expect(backend.handle('set_customer_user_enabled', { id: 'cu-0001' })).toMatchObject({
      enabled: false,
    });
    expect(backend.history.map((h) => h.actor)).toEqual(['brenda']);
  });
});
