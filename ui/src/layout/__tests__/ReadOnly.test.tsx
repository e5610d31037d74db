import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const PATH = '/mnt/share/backup-2026-03.db';
const BANNER = 'Read-only database';
const GATE = 'Who is working here?';

const rowOf = async (email: string) => {
  const cell = await screen.findByText(email);
  return cell.closest('tr') as HTMLElement;
};

describe('Read-only database', () => {
  it('says so above the page, with the file, and lists what still works', async () => {
    const backend = new FakeBackend({ readOnly: true, storePath: PATH });
    renderApp('/customer-users', { backend });

    const banner = await screen.findByRole('status', { name: BANNER });
    expect(banner).toHaveTextContent(
      `Read-only: ${PATH} cannot be changed here. You can browse, search, export and see History.`,
    );
    expect(await screen.findByText('user1@example.com')).toBeInTheDocument();
    expect(backend.callsOf('store_info')).toEqual([{}]);
  });

  it('shows no banner when the database can be written', async () => {
    const { backend } = renderApp('/customer-users');
    expect(await screen.findByText('user1@example.com')).toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf('store_info').length).toBeGreaterThan(0));
    expect(screen.queryByRole('status', { name: BANNER })).toBeNull();
    expect(screen.queryByText(/cannot be changed here/)).toBeNull();
    expect(screen.getByRole('link', { name: 'Create Customer User' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Import' })).toBeInTheDocument();
  });

  it('does not ask who is working: nobody can change anything', async () => {
    const backend = new FakeBackend({ readOnly: true, storePath: PATH, currentAdmin: null });
    renderApp('/customer-users', { backend });

    expect(await screen.findByText('user1@example.com')).toBeInTheDocument();
    expect(screen.getByRole('status', { name: BANNER })).toHaveTextContent(PATH);
    expect(screen.queryByRole('dialog', { name: GATE })).toBeNull();
    expect(screen.queryByRole('status', { name: 'Current admin' })).toBeNull();
    expect(backend.callsOf('set_current_admin')).toEqual([]);
    expect(backend.callsOf('create_back_office_user')).toEqual([]);
  });

  it('still asks who is working on a writable database', async () => {
    renderApp('/customer-users', { backend: new FakeBackend({ currentAdmin: null }) });
    expect(await screen.findByRole('dialog', { name: GATE })).toBeInTheDocument();
    expect(screen.queryByText('user1@example.com')).toBeNull();
  });

  it('offers no changes in the grid: no Create, Import, selection or row changes', async () => {
    const user = setupUser();
    renderApp('/customer-users', { backend: new FakeBackend({ readOnly: true }) });
    const row = await rowOf('user1@example.com');

    expect(screen.getByRole('button', { name: 'Export' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Create Customer User' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Import' })).toBeNull();
    expect(within(row).queryByRole('checkbox')).toBeNull();

    await user.click(within(row).getByRole('button', { name: 'More actions' }));
    const menu = await screen.findByRole('menu');
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((item) => item.textContent),
    ).toEqual(['View']);
  });

  it('offers no changes on the view page, and still shows the History', async () => {
    const backend = new FakeBackend({ readOnly: true });
    backend.history.push({
      id: 'chg-1',
      entity: 'customer_user',
      entityId: 'cu-0001',
      op: 'update',
      fields: { firstName: ['Amy', 'Amanda'] },
      actor: 'admin',
      via: 'window',
      at: '2026-02-01T10:00:00Z',
      hlc: '1',
      import: null,
      overwritten: {},
    });
    renderApp('/customer-users/cu-0001/show', { backend });

    const history = await screen.findByRole('table', { name: 'History' });
    expect(within(history).getByText(/Amy → Amanda/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Customer Users' })).toBeInTheDocument();
    for (const name of ['Edit', 'Disable', 'Delete']) {
      expect(screen.queryByRole('button', { name })).toBeNull();
      expect(screen.queryByRole('link', { name })).toBeNull();
    }
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

describe('Fake backend, read-only', () => {
  it('answers store_info and refuses changes as the core does, reading as usual', () => {
    expect(new FakeBackend().handle('store_info', {})).toMatchObject({ readOnly: false });
    const backend = new FakeBackend({ readOnly: true, storePath: PATH });
    expect(backend.handle('store_info', {})).toEqual({ path: PATH, readOnly: true });
    const refused = {
      code: 'storage',
      message: `${PATH} is read-only: it can be looked at and exported, not changed.`,
      fields: [],
    };
    expect(
      refusal(() => backend.handle('set_customer_user_enabled', { id: 'cu-0001', enabled: false })),
    ).toEqual(refused);
    expect(refusal(() => backend.handle('set_current_admin', { id: 'brenda' }))).toEqual(refused);
    expect(backend.handle('get_customer_user', { id: 'cu-0001' })).toMatchObject({
      enabled: true,
    });
    expect(backend.history).toEqual([]);
  });
});
