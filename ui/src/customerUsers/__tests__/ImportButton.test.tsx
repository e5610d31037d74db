import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const BAD_ROW = 'Error in row #2. Email Address: This value is not a valid email address.';

type User = ReturnType<typeof setupUser>;

/** Opens the grid's Import dialog. */
async function openImport(user: User) {
  await user.click(screen.getByRole('button', { name: 'Import' }));
  return screen.findByRole('dialog', { name: 'Import Customer Users' });
}

/** Types `path` into the dialog and checks the file. */
async function checkFile(user: User, dialog: HTMLElement, path: string) {
  await user.type(within(dialog).getByLabelText('File'), path);
  await user.click(within(dialog).getByRole('button', { name: 'Check file' }));
}

describe('Import', () => {
  it('checks first, shows the row errors, and imports once the file is fixed', async () => {
    const user = setupUser();
    const backend = new FakeBackend({ users: 3 });
    backend.importErrors['/data/users.csv'] = [BAD_ROW];
    renderApp('/customer-users', { backend });
    await screen.findByText('user1@example.com');
    const dialog = await openImport(user);
    await checkFile(user, dialog, '/data/users.csv');

    expect(await within(dialog).findByText(BAD_ROW)).toBeInTheDocument();
    expect(within(dialog).getByRole('status')).toHaveTextContent('1 row has errors.');
    expect(within(dialog).queryByRole('button', { name: 'Import' })).not.toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Import valid rows only' })).toBeEnabled();
    expect(backend.callsOf('import_customer_users')[0]).toMatchObject({
      path: '/data/users.csv',
      mode: 'checkOnly',
    });

    backend.importErrors['/data/users.csv'] = [];
    await user.click(within(dialog).getByRole('button', { name: 'Check again' }));
    expect(await within(dialog).findByText(/The file is ready to import\./)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(
      await within(dialog).findByText(/Import finished\. Read: 2, added: 2/),
    ).toBeInTheDocument();
    expect(backend.callsOf('import_customer_users').map((c) => c.mode)).toEqual([
      'checkOnly',
      'checkOnly',
      'allOrNothing',
    ]);
  });

  it('imports the valid rows and says where the failed ones went', async () => {
    const user = setupUser();
    const backend = new FakeBackend({ users: 3 });
    backend.importErrors['/home/admin/users.csv'] = [BAD_ROW];
    renderApp('/customer-users', { backend });
    await screen.findByText('user1@example.com');
    const dialog = await openImport(user);
    await user.click(within(dialog).getByRole('button', { name: 'Browse…' }));
    // The picked path arrives after the command answers, not within the click.
    await waitFor(() =>
      expect(within(dialog).getByLabelText('File')).toHaveValue('/home/admin/users.csv'),
    );
    await user.click(within(dialog).getByRole('button', { name: 'Check file' }));
    await user.click(await within(dialog).findByRole('button', { name: 'Import valid rows only' }));
    expect(backend.callsOf('import_customer_users').at(-1)).toMatchObject({
      mode: 'validRowsOnly',
      kind: 'customer_users',
    });
    expect(
      await within(dialog).findByText(
        /The rows with errors are in \/home\/admin\/users-errors\.csv\./,
      ),
    ).toBeInTheDocument();
  });

  it('imports an address file and saves the address template', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users');
    await screen.findByText('user1@example.com');
    const dialog = await openImport(user);
    await user.click(within(dialog).getByLabelText('Customer user addresses'));
    await user.click(within(dialog).getByRole('button', { name: 'Download data template' }));
    expect(backend.callsOf('save_import_template')[0]).toMatchObject({
      kind: 'customer_user_addresses',
    });
    await checkFile(user, dialog, '/data/addresses.csv');
    await within(dialog).findByText(/The file is ready to import\./);
    expect(backend.callsOf('import_customer_users')[0]).toMatchObject({
      path: '/data/addresses.csv',
      mode: 'checkOnly',
      kind: 'customer_user_addresses',
    });
  });

  it('stays open while a run goes on, with its Cancel; closes again once the run ended', async () => {
    const user = setupUser();
    const backend = new FakeBackend({ users: 3 });
    let finish = () => {};
    backend.importGate = new Promise<void>((resolve) => (finish = resolve));
    renderApp('/customer-users', { backend });
    await screen.findByText('user1@example.com');
    const dialog = await openImport(user);
    await checkFile(user, dialog, '/data/users.csv');
    expect(await within(dialog).findByText(/Checking: 0 rows read/)).toBeInTheDocument();

    // Neither Escape nor a click beside the dialog closes it while the check runs. (A closing
    // MUI dialog stays in the DOM for its exit transition, but at once turns invisible.)
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(dialog).toBeVisible();
    const backdrop = dialog.closest('.MuiDialog-container') as HTMLElement;
    await user.click(backdrop);
    expect(dialog).toBeVisible();
    expect(within(dialog).getByText(/Checking: 0 rows read/)).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Close' })).not.toBeInTheDocument();

    // The run's Cancel is there and stops it; then Escape closes the dialog again.
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(backend.callsOf('cancel_import')).toHaveLength(1);
    expect(
      await within(dialog).findByText('The import was cancelled. Nothing was written.'),
    ).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeInTheDocument();
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(dialog).not.toBeVisible();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

    // A run that finishes by itself: the report shows, and a click beside closes the dialog.
    const again = await openImport(user);
    await user.click(within(again).getByRole('button', { name: 'Check file' }));
    expect(await within(again).findByText(/Checking: 0 rows read/)).toBeInTheDocument();
    fireEvent.keyDown(again, { key: 'Escape' });
    expect(again).toBeVisible();
    finish();
    expect(await within(again).findByRole('status')).toHaveTextContent(
      'The file is ready to import.',
    );
    await user.click(again.closest('.MuiDialog-container') as HTMLElement);
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });
});
