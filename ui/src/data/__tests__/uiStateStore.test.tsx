import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';
import { loadUiState, tauriStore } from '../uiStateStore';

describe('UI-state store', () => {
  it('loads every key once and writes each change through set_ui_state', async () => {
    const backend = new FakeBackend().install();
    backend.uiState = { theme: 'dark' };
    const { state } = await loadUiState();
    const store = tauriStore(state);
    expect(store.getItem('theme')).toBe('dark');

    const seen: unknown[] = [];
    store.subscribe('sidebar.open', (v) => seen.push(v));
    store.setItem('sidebar.open', false);
    store.setItem('sidebar.open', false); // unchanged: not written again
    store.removeItem('theme');
    await waitFor(() =>
      expect(backend.callsOf('set_ui_state')).toEqual([
        { key: 'sidebar.open', value: false },
        { key: 'theme', value: null },
      ]),
    );
    expect(seen).toEqual([false, false]);
    expect(backend.uiState).toEqual({ 'sidebar.open': false });
  });

  it('starts from defaults when get_ui_state fails', async () => {
    const backend = new FakeBackend().install();
    backend.failures.set('get_ui_state', { code: 'storage', message: 'disk full', fields: [] });
    expect(await loadUiState()).toEqual({ state: {}, error: 'disk full' });
  });

  it('remembers sort, page size and visible columns across restarts', async () => {
    const user = setupUser();
    const backend = new FakeBackend({ users: 12 });
    const first = renderApp('/customer-users', { backend });
    await screen.findByText('user1@example.com');
    expect(screen.queryByRole('columnheader', { name: 'Created At' })).not.toBeInTheDocument();

    // Sort by Last Name, descending (two clicks).
    await user.click(screen.getByRole('button', { name: /Sort by last Name/i }));
    await waitFor(() =>
      expect(backend.callsOf('list_customer_users').at(-1)).toMatchObject({
        query: { sort: { field: 'lastName', order: 'ASC' } },
      }),
    );
    await user.click(screen.getByRole('button', { name: /Sort by last Name/i }));
    await waitFor(() =>
      expect(backend.callsOf('list_customer_users').at(-1)).toMatchObject({
        query: { sort: { field: 'lastName', order: 'DESC' } },
      }),
    );

    // 10 rows per page.
    await user.click(screen.getByRole('combobox', { name: /Rows per page/ }));
    await user.click(await screen.findByRole('option', { name: '10' }));
    await waitFor(() =>
      expect(backend.callsOf('list_customer_users').at(-1)).toMatchObject({
        query: { pageSize: 10 },
      }),
    );

    // Show the optional Created At column.
    await user.click(screen.getByRole('button', { name: 'Columns' }));
    const menu = await screen.findByRole('presentation');
    await user.click(within(menu).getByLabelText('Created At'));
    await user.keyboard('{Escape}');
    expect(await screen.findByRole('columnheader', { name: 'Created At' })).toBeInTheDocument();

    await waitFor(() =>
      expect(backend.uiState['customer-users.listParams']).toMatchObject({
        sort: 'lastName',
        order: 'DESC',
        perPage: 10,
      }),
    );
    const keys = backend.callsOf('set_ui_state').map((c) => c.key);
    expect(keys).toContain('customer-users.listParams');
    expect(keys.some((k) => String(k).startsWith('preferences.customer-users.datagrid'))).toBe(
      true,
    );
    first.unmount();

    // "Restart": a new store from what set_ui_state saved.
    backend.calls = [];
    renderApp('/customer-users', { backend });
    expect(await screen.findByRole('columnheader', { name: 'Created At' })).toBeInTheDocument();
    await waitFor(() =>
      expect(backend.callsOf('list_customer_users')[0]).toMatchObject({
        query: { sort: { field: 'lastName', order: 'DESC' }, pageSize: 10 },
      }),
    );
  });
});
