import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

describe('Export', () => {
  it('exports what the grid shows, with its filters and search', async () => {
    const user = setupUser();
    const backend = new FakeBackend({ users: 6 });
    renderApp('/customer-users', {
      backend,
      uiState: {
        'customer-users.listParams': {
          sort: 'id',
          order: 'ASC',
          page: 1,
          perPage: 25,
          filter: { enabled: 'false' },
          displayedFilters: { enabled: true },
        },
      },
    });
    await screen.findByText('user3@example.com');
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Export what the grid shows' }));
    expect(await screen.findByText('2 customer users were exported.')).toBeInTheDocument();
    const [call] = backend.callsOf('export_customer_users');
    expect(call.query).toEqual({ filter: { enabled: false }, q: null });
    expect(call.path).toBeNull();
  });

  it('exports everyone', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users');
    await screen.findByText('user1@example.com');
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Export all customer users' }));
    expect(await screen.findByText('3 customer users were exported.')).toBeInTheDocument();
    expect(backend.callsOf('export_customer_users')[0].query).toEqual({});
  });

  it('exports the addresses of what the grid shows', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users');
    await screen.findByText('user1@example.com');
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.click(
      await screen.findByRole('menuitem', { name: 'Export the addresses of what the grid shows' }),
    );
    await screen.findByText(/were exported\./);
    expect(backend.callsOf('export_customer_users')[0].kind).toBe('customer_user_addresses');
  });
});
