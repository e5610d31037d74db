import { screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { messageUnder } from '../../test/helpers';
import { renderApp, setupUser } from '../../test/renderApp';

const select = (label: string) => screen.getByLabelText(label) as HTMLSelectElement;

async function fillLabel(user: UserEvent, label: string) {
  await user.click(await screen.findByLabelText('Label'));
  await user.paste(label);
}

describe('Role form and its permission matrix', () => {
  it('sets a cell, a whole column and a whole row, and sends that matrix', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-user-roles/create');
    await fillLabel(user, 'Purchaser');
    await screen.findByRole('table', { name: 'Permissions' });

    // Only the actions an entity has get a cell.
    expect(screen.getByLabelText('Order View level')).toBeInTheDocument();
    expect(screen.queryByLabelText('Order Delete level')).not.toBeInTheDocument();
    expect([...select('Order View level').options].map((o) => o.textContent)).toEqual([
      'None',
      'User (Own)',
      'Department (Same Level)',
      'Corporate (All Levels)',
    ]);

    await user.selectOptions(select('Create: all entities'), 'user');
    expect(select('Order Create level')).toHaveValue('user');
    expect(select('Checkout Create level')).toHaveValue('user');
    expect(select('Create: all entities')).toHaveValue('user');

    await user.selectOptions(select('Order View level'), 'department');
    // The row now holds different levels: its header says so.
    expect(select('Order: all actions')).toHaveValue('');
    expect(within(select('Order: all actions')).getByText('Mixed')).toBeInTheDocument();

    await user.selectOptions(select('Quote: all actions'), 'corporate');
    expect(select('Quote View level')).toHaveValue('corporate');
    expect(select('Quote Edit level')).toHaveValue('corporate');

    await user.click(screen.getByLabelText('Update User Profile'));
    await user.click(screen.getByLabelText('Self-Managed'));
    await user.click(screen.getByText('Save', { selector: 'button' }));

    expect(await screen.findByText('Customer User Role has been saved')).toBeInTheDocument();
    const [{ input }] = backend.callsOf('create_customer_user_role');
    const create = { create: 'user' };
    expect(input).toEqual({
      label: 'Purchaser',
      customer: '',
      selfManaged: true,
      public: true,
      permissions: {
        customer_address: create,
        customer_user: create,
        customer_user_address: create,
        customer_user_role: create,
        order: { view: 'department', create: 'user' },
        quote: { view: 'corporate', edit: 'corporate' },
        request_for_quote: create,
        shopping_list: create,
        checkout: create,
      },
      capabilities: ['update_own_profile'],
    });
    // The new role's page: its generated code, and the matrix as saved.
    const role = backend.roles.find((r) => r.label === 'Purchaser')!;
    expect(await screen.findByText(role.role)).toBeInTheDocument();
    expect(role.role).toMatch(/^ROLE_FRONTEND_PURCHASER_/);
    expect(screen.getAllByText('Department (Same Level)')).toHaveLength(1);
  });

  it('shows the code read-only on edit and keeps the customer', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-user-roles/role-acme-approver/edit');
    const code = await screen.findByLabelText('Role code');
    expect(code).toHaveValue('ROLE_FRONTEND_ACME_APPROVER');
    expect(code).toHaveAttribute('readonly');
    expect(await screen.findByLabelText('Order Edit level')).toHaveValue('department');
    const label = screen.getByLabelText('Label');
    await user.clear(label);
    await user.paste('Acme Buyer');
    await user.click(screen.getByText('Save', { selector: 'button' }));
    expect(await screen.findByText('Customer User Role has been saved')).toBeInTheDocument();
    const [sent] = backend.callsOf('update_customer_user_role');
    expect(sent).toMatchObject({
      id: 'role-acme-approver',
      input: { label: 'Acme Buyer', customer: 'cust-acme' },
    });
    expect(sent.input).not.toHaveProperty('role');
    expect(backend.role('role-acme-approver').role).toBe('ROLE_FRONTEND_ACME_APPROVER');
  });

  it('shows the core’s label rule under the label', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-user-roles/create');
    // A predefined role of that name exists already (the rule ignores case).
    await fillLabel(user, 'buyer');
    await user.click(screen.getByText('Save', { selector: 'button' }));
    await waitFor(() =>
      expect(messageUnder(screen.getByLabelText('Label'))).toBe(
        'Role with this name already exists',
      ),
    );
    expect(backend.roles.filter((r) => r.label.toLowerCase() === 'buyer')).toHaveLength(1);
  });
});
