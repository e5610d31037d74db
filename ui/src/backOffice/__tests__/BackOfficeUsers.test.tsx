import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const rolesTable = () => screen.findByRole('table', { name: 'Back-office roles' });
const rowOf = async (table: HTMLElement, text: string) =>
  (await within(table).findByText(text)).closest('tr') as HTMLElement;

describe('System › Users', () => {
  it('lists the back-office users and changes one’s back-office role', async () => {
    const user = setupUser();
    const { backend } = renderApp('/back-office-users');
    const users = await screen.findByRole('table', { name: 'Back-office users' });
    const amanda = await rowOf(users, 'Amanda Cole');
    expect(within(amanda).getByText('amanda')).toBeInTheDocument();
    expect(within(amanda).getByText('amanda@example.com')).toBeInTheDocument();
    const select = within(amanda).getByLabelText('Back-office role of Amanda Cole');
    await waitFor(() => expect(select).toHaveValue('bo-role-admin'));

    await user.selectOptions(select, 'Sales');
    expect(
      await screen.findByText('Amanda Cole now has the back-office role Sales.'),
    ).toBeInTheDocument();
    expect(backend.callsOf('set_back_office_user_role')).toEqual([
      { user: 'user-amanda', role: 'bo-role-sales' },
    ]);
    await waitFor(() =>
      expect(screen.getByLabelText('Back-office role of Amanda Cole')).toHaveValue('bo-role-sales'),
    );
    // The roles' user counts follow.
    expect(within(await rowOf(await rolesTable(), 'Sales')).getByText('1')).toBeInTheDocument();
  });

  it('shows the built-in Administrator as everything, not editable', async () => {
    renderApp('/back-office-users');
    const administrator = await rowOf(await rolesTable(), 'Administrator');
    expect(within(administrator).getByText('Everything')).toBeInTheDocument();
    expect(within(administrator).queryByRole('button')).toBeNull();
    const sales = await rowOf(await rolesTable(), 'Sales');
    expect(within(sales).getByText('Manage customer users, Import / export')).toBeInTheDocument();
  });

  it('creates, edits and deletes a back-office role with its capabilities', async () => {
    const user = setupUser();
    const { backend } = renderApp('/back-office-users');
    await rolesTable();
    await user.click(screen.getByRole('button', { name: 'Create back-office role' }));
    let dialog = await screen.findByRole('dialog', { name: 'Create back-office role' });
    await user.type(within(dialog).getByLabelText('Label'), 'Auditor');
    await user.click(within(dialog).getByLabelText('Unlock'));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('The back-office role Auditor was saved.')).toBeInTheDocument();
    expect(backend.callsOf('create_back_office_role')).toEqual([
      { input: { label: 'Auditor', capabilities: ['unlock'] } },
    ]);
    const auditor = await rowOf(await rolesTable(), 'Auditor');
    expect(within(auditor).getByText('Unlock')).toBeInTheDocument();

    await user.click(within(auditor).getByRole('button', { name: 'Edit Auditor' }));
    dialog = await screen.findByRole('dialog', { name: 'Edit Auditor' });
    expect(within(dialog).getByLabelText('Unlock')).toBeChecked();
    await user.click(within(dialog).getByLabelText('Reset passwords'));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(backend.callsOf('update_back_office_role')).toEqual([
        {
          id: expect.any(String),
          input: { label: 'Auditor', capabilities: ['unlock', 'reset_passwords'] },
        },
      ]),
    );
    await waitFor(async () =>
      expect(
        within(await rowOf(await rolesTable(), 'Auditor')).getByText('Reset passwords, Unlock'),
      ).toBeInTheDocument(),
    );

    await user.click(
      within(await rowOf(await rolesTable(), 'Auditor')).getByRole('button', {
        name: 'Delete Auditor',
      }),
    );
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Confirm' }),
    );
    expect(
      await screen.findByText('The back-office role Auditor was deleted.'),
    ).toBeInTheDocument();
    await waitFor(async () => expect(within(await rolesTable()).queryByText('Auditor')).toBeNull());
  });

  it('shows the core’s refusal in the dialog, under the label', async () => {
    const user = setupUser();
    renderApp('/back-office-users');
    await rolesTable();
    await user.click(screen.getByRole('button', { name: 'Create back-office role' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create back-office role' });
    await user.type(within(dialog).getByLabelText('Label'), 'sales');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(
      await within(dialog).findByText('Role with this name already exists'),
    ).toBeInTheDocument();
  });

  it('disables the changes for an admin who may not manage back-office users', async () => {
    const backend = new FakeBackend().withBackOfficeRole('admin', 'Helpdesk', ['unlock']);
    renderApp('/back-office-users', { backend });
    const users = await screen.findByRole('table', { name: 'Back-office users' });
    const select = within(await rowOf(users, 'Brenda Sanders')).getByLabelText(
      'Back-office role of Brenda Sanders',
    );
    expect(select).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Create back-office role' })).toBeDisabled();
    expect(
      within(await rowOf(await rolesTable(), 'Sales')).getByRole('button', {
        name: 'Edit Sales',
      }),
    ).toBeDisabled();
  });
});
