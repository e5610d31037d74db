import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const NO_RESET = 'Your back-office role does not have “Reset passwords”.';

describe('Capability gating', () => {
  it('disables Reset Password, with the reason, for an admin whose role lacks it', async () => {
    const user = setupUser();
    const backend = new FakeBackend().withBackOfficeRole('admin', 'Helpdesk', [
      'manage_customer_users',
    ]);
    renderApp('/customer-users/cu-0001/show', { backend });
    const reset = await screen.findByRole('button', { name: 'Reset Password' });
    expect(reset).toBeDisabled();
    // The reason: the wrapper's title while the tooltip is closed, the tooltip on hover.
    const wrapper = reset.parentElement as HTMLElement;
    expect(wrapper).toHaveAttribute('title', NO_RESET);
    await user.hover(wrapper);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(NO_RESET);
    // What the role has stays available.
    expect(screen.getByRole('button', { name: 'Disable' })).toBeEnabled();
    expect(screen.getByRole('link', { name: 'Edit' })).not.toHaveAttribute('aria-disabled');
    expect(backend.callsOf('my_capabilities')).toHaveLength(1);
  });

  it('leaves what the role lacks out of the grid row’s menu and the bulk actions', async () => {
    const user = setupUser();
    const backend = new FakeBackend().withBackOfficeRole('admin', 'Helpdesk', [
      'manage_customer_users',
    ]);
    renderApp('/customer-users', { backend });
    const row = (await screen.findByText('user1@example.com')).closest('tr') as HTMLElement;
    await user.click(within(row).getByRole('button', { name: 'More actions' }));
    const menu = await screen.findByRole('menu');
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((item) => item.textContent),
    ).toEqual(['View', 'Edit', 'Disable', 'Delete']);
    await user.keyboard('{Escape}');
    await user.click(within(row).getByRole('checkbox'));
    expect(await screen.findByRole('button', { name: 'Reset Password' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Unlock' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Disable' })).toBeEnabled();
    // Import and export need "Import / export", which Helpdesk does not have.
    expect(screen.getByRole('button', { name: 'Export' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Import' })).toBeDisabled();
  });

  it('asks again when another admin becomes the current one', async () => {
    const user = setupUser();
    const backend = new FakeBackend().withBackOfficeRole('brenda', 'Viewer', []);
    renderApp('/settings', { backend });
    const section = await screen.findByRole('region', { name: 'Current admin' });
    const registration = await screen.findByRole('region', { name: 'Registration' });
    await user.click(within(registration).getByRole('switch', { name: 'Confirmation Required' }));
    expect(within(registration).getByRole('button', { name: 'Save' })).toBeEnabled();

    await user.click(within(section).getByRole('combobox', { name: 'Back-office user' }));
    await user.click(await screen.findByRole('option', { name: 'Brenda Sanders (brenda)' }));
    await user.click(within(section).getByRole('button', { name: 'Switch' }));

    // The button is wrapped anew to hold the reason: found again, not kept.
    const save = () => within(registration).getByRole('button', { name: 'Save' });
    await waitFor(() => expect(save()).toBeDisabled());
    expect(save().parentElement).toHaveAttribute(
      'title',
      'Your back-office role does not have “Manage settings and templates”.',
    );
    expect(backend.callsOf('my_capabilities')).toHaveLength(2);
  });

  it('disables creating a role without “Manage customer user roles”', async () => {
    const backend = new FakeBackend().withBackOfficeRole('admin', 'Helpdesk', [
      'manage_customer_users',
    ]);
    renderApp('/customer-user-roles', { backend });
    const create = await screen.findByRole('link', { name: 'Create Customer User Role' });
    expect(create).toHaveAttribute('aria-disabled', 'true');
    expect(create.parentElement).toHaveAttribute(
      'title',
      'Your back-office role does not have “Manage customer user roles”.',
    );
  });
});
