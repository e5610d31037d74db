import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const rowOf = async (email: string) => {
  const cell = await screen.findByText(email);
  return cell.closest('tr') as HTMLElement;
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

  it('disables and enables through set_customer_user_enabled', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users');
    const row = await rowOf('user1@example.com');
    await user.click(within(row).getByRole('button', { name: 'Disable' }));
    expect(await screen.findByText('Customer User has been disabled')).toBeInTheDocument();
    expect(backend.callsOf('set_customer_user_enabled')).toEqual([
      { id: 'cu-0001', enabled: false },
    ]);
    const updated = await rowOf('user1@example.com');
    await user.click(await within(updated).findByRole('button', { name: 'Enable' }));
    // A second notification waits for the first to go.
    expect(
      await screen.findByText('Customer User has been enabled', {}, { timeout: 8000 }),
    ).toBeInTheDocument();
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
    await user.click(within(row).getByRole('button', { name: 'Enable' }));
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
    await user.click(within(row).getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Delete Customer User')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('Customer User deleted')).toBeInTheDocument();
    expect(backend.callsOf('delete_customer_user')).toEqual([{ id: 'cu-0001' }]);
    await waitFor(() => expect(screen.queryByText('user1@example.com')).not.toBeInTheDocument());

    backend.failures.set('delete_customer_user', {
      code: 'conflict',
      message: 'The customer user owns records and cannot be deleted.',
      fields: [],
    });
    row = await rowOf('user2@example.com');
    await user.click(within(row).getByRole('button', { name: 'Delete' }));
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Confirm' }),
    );
    expect(
      await screen.findByText(
        'The customer user owns records and cannot be deleted.',
        {},
        { timeout: 8000 },
      ),
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
