import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend, toRoleRef } from '../../dev/fakeBackend';
import { renderApp } from '../../test/renderApp';

const section = () => screen.findByRole('region', { name: 'What this user can do' });

describe('What this user can do', () => {
  it('lists each grant of the user’s roles together, with the roles it comes from', async () => {
    const backend = new FakeBackend();
    const u = backend.customerUsers[0];
    u.userRoles = [
      toRoleRef(backend.role('role-buyer')),
      toRoleRef(backend.role('role-acme-approver')),
    ];
    renderApp(`/customer-users/${u.id}/show`, { backend });
    const region = await section();
    const table = await within(region).findByRole('table', { name: 'Permissions granted' });
    const rows = within(table)
      .getAllByRole('row')
      .map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent));
    expect(rows.slice(1)).toEqual([
      ['Customer', 'View', 'Department (Same Level)', 'from Buyer'],
      // The widest level wins: Acme Approver's Department over Buyer's User (Own).
      ['Order', 'View', 'Department (Same Level)', 'from Acme Approver'],
      ['Order', 'Create', 'User (Own)', 'from Buyer'],
      ['Order', 'Edit', 'Department (Same Level)', 'from Acme Approver'],
    ]);
    const capabilities = within(region).getByRole('list', { name: 'Capabilities granted' });
    expect(within(capabilities).getByText('Update User Profile')).toBeInTheDocument();
    expect(within(capabilities).getByText('from Buyer')).toBeInTheDocument();
    expect(backend.callsOf('customer_user_permissions')).toEqual([{ id: u.id }]);
  });

  it('names the roles that give the same level together', async () => {
    const backend = new FakeBackend();
    const u = backend.customerUsers[0];
    backend.role('role-acme-approver').permissions.customer = { view: 'department' };
    u.userRoles = [
      toRoleRef(backend.role('role-acme-approver')),
      toRoleRef(backend.role('role-buyer')),
    ];
    renderApp(`/customer-users/${u.id}/show`, { backend });
    const region = await section();
    expect(await within(region).findByText('from Acme Approver, Buyer')).toBeInTheDocument();
  });

  it('says so when the roles grant nothing', async () => {
    const backend = new FakeBackend();
    const u = backend.customerUsers[2];
    u.userRoles = [];
    renderApp(`/customer-users/${u.id}/show`, { backend });
    expect(await within(await section()).findByText('No roles grant anything')).toBeInTheDocument();
  });
});
