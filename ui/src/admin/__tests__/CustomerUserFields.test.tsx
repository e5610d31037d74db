import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { createChoiceField } from '../../test/helpers';
import { renderApp, setupUser } from '../../test/renderApp';

const rowOf = async (label: string) => {
  const table = await screen.findByRole('table', { name: 'Customer user fields' });
  return within(table).getByText(label).closest('tr') as HTMLElement;
};

describe('System › Customer User Fields', () => {
  it('is reached from the System menu', async () => {
    const user = setupUser();
    renderApp('/customer-users');
    const system = await screen.findByRole('list', { name: 'System' });
    await user.click(within(system).getByRole('menuitem', { name: 'Customer User Fields' }));
    expect(window.location.hash).toBe('#/customer-user-fields');
    expect(await screen.findByText(/No fields yet/)).toBeInTheDocument();
  });

  it('creates a choice field with its choices', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-user-fields');
    await createChoiceField(user, {
      label: 'Account tier',
      name: 'account_tier',
      choices: ['Gold', 'Silver'],
    });

    expect(await screen.findByText('The field Account tier was saved.')).toBeInTheDocument();
    expect(backend.callsOf('create_customer_user_field')).toEqual([
      {
        input: {
          label: 'Account tier',
          kind: 'choice',
          choices: ['Gold', 'Silver'],
          name: 'account_tier',
        },
      },
    ]);
    const row = await rowOf('Account tier');
    expect(within(row).getByText('account_tier')).toBeInTheDocument();
    expect(within(row).getByText('Choice')).toBeInTheDocument();
    expect(within(row).getByText('Gold, Silver')).toBeInTheDocument();
  });

  it('shows the refusals under the inputs', async () => {
    const user = setupUser();
    renderApp('/customer-user-fields');
    await user.click(await screen.findByRole('button', { name: 'Create field' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create customer user field' });
    await user.type(within(dialog).getByLabelText('Label'), 'Tier');
    await user.type(within(dialog).getByLabelText('Name'), 'Account Tier');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(
      await within(dialog).findByText(
        'Use lowercase letters, digits and underscores, starting with a letter.',
      ),
    ).toBeInTheDocument();
  });

  it('edits a field, its name fixed, and deletes one', async () => {
    const user = setupUser();
    const backend = new FakeBackend();
    backend.extraFields.create({ name: 'credit_limit', label: 'Credit limit', kind: 'number' });
    backend.customerUsers[0].extra = { credit_limit: 500 };
    renderApp('/customer-user-fields', { backend });
    await user.click(
      within(await rowOf('Credit limit')).getByRole('button', { name: 'Edit Credit limit' }),
    );
    const dialog = await screen.findByRole('dialog', { name: 'Edit Credit limit' });
    expect(within(dialog).getByLabelText('Name')).toBeDisabled();
    // The core refuses a change of kind: the select is shut, saying why.
    const kind = within(dialog).getByRole('combobox', { name: 'Kind' });
    expect(kind).toHaveAttribute('aria-disabled', 'true');
    expect(kind).toHaveTextContent('Number');
    expect(
      within(dialog).getByText('The kind cannot change once the field is made.'),
    ).toBeInTheDocument();
    await user.clear(within(dialog).getByLabelText('Label'));
    await user.type(within(dialog).getByLabelText('Label'), 'Credit line');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    const row = await rowOf('Credit line');
    expect(backend.callsOf('update_customer_user_field')[0]).toEqual({
      id: backend.extraFields.fields[0].id,
      input: { label: 'Credit line', kind: 'number', choices: [] },
    });

    await user.click(within(row).getByRole('button', { name: 'Delete Credit line' }));
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Confirm' }),
    );
    expect(await screen.findByText('The field Credit line was deleted.')).toBeInTheDocument();
    await waitFor(() => expect(backend.extraFields.fields).toHaveLength(0));
    expect(backend.customerUsers[0].extra).toEqual({});
  });

  it('leaves the editing to admins who may manage settings', async () => {
    const backend = new FakeBackend();
    backend.backOfficeRoleOf['user-admin'] = 'bo-role-sales';
    renderApp('/customer-user-fields', { backend });
    expect(await screen.findByRole('button', { name: 'Create field' })).toBeDisabled();
  });
});
