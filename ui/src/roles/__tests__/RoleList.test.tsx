import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp, setupUser } from '../../test/renderApp';
import type { FakeBackend } from '../../dev/fakeBackend';

const rowOf = async (label: string) => {
  const cell = await screen.findByText(label, { selector: 'td span' });
  return cell.closest('tr') as HTMLElement;
};

/** The query of the grid's last `list_customer_user_roles`. */
const lastQuery = (backend: FakeBackend) =>
  backend.callsOf('list_customer_user_roles').at(-1)?.query;

describe('Customer User Roles grid', () => {
  it('lists the roles with their type, customer and users', async () => {
    renderApp('/customer-user-roles');
    const acme = await rowOf('Acme Approver');
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent?.trim());
    expect(headers).toEqual([
      'Label',
      'Role code',
      'Type',
      'Customer',
      'Self-Managed',
      'Public',
      'Users',
    ]);
    expect(within(acme).getByText('Customizable')).toBeInTheDocument();
    expect(within(acme).getByText('Acme Corp')).toBeInTheDocument();
    const buyer = await rowOf('Buyer');
    expect(within(buyer).getByText('Predefined')).toBeInTheDocument();
    expect(within(buyer).getByText('ROLE_FRONTEND_BUYER')).toBeInTheDocument();
    // Every seeded customer user holds the Buyer role.
    expect(within(buyer).getByText('3')).toBeInTheDocument();
  });

  it('sends the quick search, the filters and the sort to the core as a RoleQuery', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-user-roles');
    await rowOf('Buyer');
    expect(lastQuery(backend)).toEqual({ desc: false, sort: 'label' });

    await user.type(screen.getByLabelText('Quick search'), 'acme');
    await waitFor(() => expect(lastQuery(backend)).toMatchObject({ q: 'acme' }));
    await waitFor(() => expect(screen.queryByText('Buyer', { selector: 'td span' })).toBeNull());
    await user.clear(screen.getByLabelText('Quick search'));
    await waitFor(() => expect(lastQuery(backend)).not.toHaveProperty('q'));

    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.click(await screen.findByRole('menuitemcheckbox', { name: 'Type' }));
    await user.click(await screen.findByRole('combobox', { name: 'Type' }));
    await user.click(await screen.findByRole('option', { name: 'Customizable' }));
    await waitFor(() => expect(lastQuery(backend)).toMatchObject({ predefined: false }));
    await waitFor(() => expect(screen.queryByText('Buyer', { selector: 'td span' })).toBeNull());
    expect(await rowOf('Acme Approver')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.click(await screen.findByRole('menuitemcheckbox', { name: 'Role code contains' }));
    await user.type(await screen.findByLabelText('Role code contains'), 'APPROVER');
    await waitFor(() =>
      expect(lastQuery(backend)).toMatchObject({ predefined: false, role: 'APPROVER' }),
    );

    await user.click(screen.getByRole('button', { name: /Sort by users/i }));
    await waitFor(() => expect(lastQuery(backend)).toMatchObject({ sort: 'users', desc: false }));
    await user.click(screen.getByRole('button', { name: /Sort by users/i }));
    await waitFor(() => expect(lastQuery(backend)).toMatchObject({ sort: 'users', desc: true }));
  });

  it('shows the core’s refusal to delete a role its users still hold', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-user-roles/role-buyer/show');
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Are you sure you want to delete the role Buyer?'),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    expect(
      await screen.findByText(
        'The role "Buyer" cannot be deleted: 3 customer users still hold it. Take it from them first.',
      ),
    ).toBeInTheDocument();
    expect(backend.roles.map((r) => r.id)).toContain('role-buyer');
  });

  it('deletes a role nobody holds and goes back to the grid', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-user-roles/role-acme-approver/show');
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Confirm' }),
    );
    expect(await screen.findByText('Customer User Role deleted')).toBeInTheDocument();
    await waitFor(() => expect(window.location.hash).toBe('#/customer-user-roles'));
    expect(backend.roles.map((r) => r.id)).not.toContain('role-acme-approver');
  });
});
