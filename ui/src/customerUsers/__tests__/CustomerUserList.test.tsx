import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const rowOf = async (email: string) => {
  const cell = await screen.findByText(email);
  return cell.closest('tr') as HTMLElement;
};

/**
 * Closes the notification showing `text` (Escape, as a user can) and waits until it is gone: the
 * next one shows only then, and would otherwise wait for this one's 4-second auto-hide.
 */
const dismissNotification = async (user: ReturnType<typeof setupUser>, text: string) => {
  await user.keyboard('{Escape}');
  await waitFor(() => expect(screen.queryByText(text)).not.toBeInTheDocument());
};

/** Opens the row's "More actions" menu and picks `name` in it. */
const rowAction = async (user: ReturnType<typeof setupUser>, row: HTMLElement, name: string) => {
  await user.click(within(row).getByRole('button', { name: 'More actions' }));
  await user.click(await screen.findByRole('menuitem', { name }));
};

describe('Customer Users grid', () => {
  it('renders the rows with Oro columns and the Password badge', async () => {
    renderApp('/customer-users');
    const row = await rowOf('user2@example.com');
    expect(screen.getAllByText('Customer Users').length).toBeGreaterThan(0);
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent?.trim());
    // The first column holds the selection checkboxes of the bulk actions.
    expect(headers.slice(1, 9)).toEqual([
      'Customer',
      'First Name',
      'Last Name',
      'Email Address',
      'Enabled',
      'Confirmed',
      'Guest',
      'Password',
    ]);
    expect(headers).not.toContain('Created At');
    expect(within(row).getByText('Globex')).toBeInTheDocument();
    expect(within(row).getByText('Brandon')).toBeInTheDocument();
    expect(within(row).getByText('Reset')).toBeInTheDocument();
    const first = await rowOf('user1@example.com');
    expect(within(first).getByText('Active')).toBeInTheDocument();
    expect(within(first).getAllByText('Yes').length).toBeGreaterThan(0);
  });

  it('keeps the row actions in one compact "More actions" menu', async () => {
    const user = setupUser();
    const backend = new FakeBackend();
    Object.assign(backend.customerUsers[0], {
      authStatus: 'locked',
      lockedAt: '2026-11-25T10:00:00Z',
    });
    renderApp('/customer-users', { backend });
    const row = await rowOf('user1@example.com');
    // The sticky actions cell is the row's last and holds a single icon button, nothing else:
    // narrow enough to leave the Password and Guest columns in view.
    const actions = within(row).getAllByRole('cell').at(-1) as HTMLElement;
    expect(actions).toHaveClass('row-actions');
    expect(within(actions).getAllByRole('button')).toHaveLength(1);
    expect(within(actions).queryAllByRole('link')).toHaveLength(0);
    expect(within(actions).getByRole('button')).toHaveAccessibleName('More actions');
    expect(within(actions).getByRole('button')).toHaveTextContent('');
    expect(screen.getByRole('columnheader', { name: 'Actions' })).toBeInTheDocument();

    await user.click(within(actions).getByRole('button', { name: 'More actions' }));
    const menu = await screen.findByRole('menu');
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((item) => item.textContent),
    ).toEqual(['View', 'Edit', 'Disable', 'Delete', 'Reset Password', 'Unlock']);
    await user.click(within(menu).getByRole('menuitem', { name: 'View' }));
    await waitFor(() => expect(window.location.hash).toBe('#/customer-users/cu-0001/show'));

    window.location.hash = '#/customer-users';
    await waitFor(() => expect(screen.getByText('user1@example.com').closest('tr')).not.toBeNull());
    await user.click(
      within(await rowOf('user1@example.com')).getByRole('button', { name: 'More actions' }),
    );
    await user.click(await screen.findByRole('menuitem', { name: 'Edit' }));
    await waitFor(() => expect(window.location.hash).toBe('#/customer-users/cu-0001'));
  });

  it('disables and enables through set_customer_user_enabled', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users');
    const row = await rowOf('user1@example.com');
    await rowAction(user, row, 'Disable');
    expect(await screen.findByText('Customer User has been disabled')).toBeInTheDocument();
    expect(backend.callsOf('set_customer_user_enabled')).toEqual([
      { id: 'cu-0001', enabled: false },
    ]);
    await dismissNotification(user, 'Customer User has been disabled');
    const updated = await rowOf('user1@example.com');
    await rowAction(user, updated, 'Enable');
    expect(await screen.findByText('Customer User has been enabled')).toBeInTheDocument();
    expect(backend.callsOf('set_customer_user_enabled')[1]).toEqual({
      id: 'cu-0001',
      enabled: true,
    });
  });

  it('shows the refusal when enabling fails', async () => {
    const user = setupUser();
    const backend = new FakeBackend();
    backend.customerUsers[2].userRoles = [];
    renderApp('/customer-users', { backend });
    const row = await rowOf('user3@example.com');
    await rowAction(user, row, 'Enable');
    expect(
      await screen.findByText(
        'Please select at least one role before you enable the customer user.',
      ),
    ).toBeInTheDocument();
  });

  it('deletes after confirmation and shows a refused delete', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users');
    let row = await rowOf('user1@example.com');
    await rowAction(user, row, 'Delete');
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Delete Customer User')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('Customer User deleted')).toBeInTheDocument();
    expect(backend.callsOf('delete_customer_user')).toEqual([{ id: 'cu-0001' }]);
    await waitFor(() => expect(screen.queryByText('user1@example.com')).not.toBeInTheDocument());
    await dismissNotification(user, 'Customer User deleted');

    backend.failures.set('delete_customer_user', {
      code: 'conflict',
      message: 'The customer user owns records and cannot be deleted.',
      fields: [],
    });
    row = await rowOf('user2@example.com');
    await rowAction(user, row, 'Delete');
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Confirm' }),
    );
    expect(
      await screen.findByText('The customer user owns records and cannot be deleted.'),
    ).toBeInTheDocument();
    expect(screen.getByText('user2@example.com')).toBeInTheDocument();
  });

  it('shows an empty state and an error state', async () => {
    const backend = new FakeBackend({ users: 0 });
    renderApp('/customer-users', { backend });
    expect(await screen.findByText('No customer users yet')).toBeInTheDocument();
  });

  it('shows the error when the grid cannot load', async () => {
    const backend = new FakeBackend();
    backend.failures.set('list_customer_users', {
      code: 'storage',
      message: 'The database is locked.',
      fields: [],
    });
    renderApp('/customer-users', { backend });
    expect(await screen.findByText('Customer users could not be loaded')).toBeInTheDocument();
    expect(screen.getAllByText('The database is locked.').length).toBeGreaterThan(0);
    backend.failures.clear();
  });

  it('sends the quick search and column filters to list_customer_users', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users');
    await rowOf('user1@example.com');
    const search = screen.getByPlaceholderText('Search name, email or customer');
    await user.type(search, 'globex');
    await waitFor(() =>
      expect(backend.callsOf('list_customer_users').at(-1)).toMatchObject({
        query: { q: 'globex' },
      }),
    );
    await waitFor(() => expect(screen.queryByText('user1@example.com')).not.toBeInTheDocument());
    expect(screen.getByText('user2@example.com')).toBeInTheDocument();
  });

  it('shows the range of the rows on the page, "of more" while there is a next page', async () => {
    const user = setupUser();
    renderApp('/customer-users', { backend: new FakeBackend({ users: 30 }) });
    await rowOf('user1@example.com');
    expect(await screen.findByText('1-25 of more than 25')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Go to next page' }));
    expect(await screen.findByText('26-30 of 30')).toBeInTheDocument();
    await user.type(screen.getByPlaceholderText('Search name, email or customer'), 'user30@');
    expect(await screen.findByText('1-1 of 1')).toBeInTheDocument();
  });
});
