import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const rowOf = async (name: string) => {
  const table = await screen.findByRole('table', { name: 'Consents' });
  return within(table).getByText(name).closest('tr') as HTMLElement;
};

describe('System › Consents', () => {
  it('is reached from the System menu and lists the consents with their acceptances', async () => {
    const user = setupUser();
    const backend = new FakeBackend();
    backend.userPage.accepted.set('cu-0001 consent-terms', '2026-01-01T00:00:00Z');
    backend.userPage.accepted.set('cu-0002 consent-terms', '2026-01-01T00:00:00Z');
    renderApp('/customer-users', { backend });
    const system = await screen.findByRole('list', { name: 'System' });
    await user.click(within(system).getByRole('menuitem', { name: 'Consents' }));
    expect(window.location.hash).toBe('#/consents');
    const terms = await rowOf('Terms and Conditions');
    expect(within(terms).getByText('Yes')).toBeInTheDocument();
    expect(within(terms).getByText('2 users')).toBeInTheDocument();
    expect(within(await rowOf('Newsletter')).getByText('0 users')).toBeInTheDocument();
  });

  it('creates a consent in a dialog', async () => {
    const user = setupUser();
    const { backend } = renderApp('/consents');
    await user.click(await screen.findByRole('button', { name: 'Create consent' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create consent' });
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('This value should not be blank.')).toBeInTheDocument();

    await user.type(within(dialog).getByLabelText('Name'), 'Marketing calls');
    await user.click(within(dialog).getByLabelText('Mandatory'));
    await user.type(within(dialog).getByLabelText('Content'), 'We may call you.');
    await user.type(within(dialog).getByLabelText('Page URL'), 'https://shop.example.com/calls');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('The consent Marketing calls was saved.')).toBeInTheDocument();
    expect(backend.callsOf('create_consent').at(-1)).toEqual({
      input: {
        name: 'Marketing calls',
        mandatory: true,
        content: 'We may call you.',
        url: 'https://shop.example.com/calls',
      },
    });
    const row = await rowOf('Marketing calls');
    expect(within(row).getByText('Yes')).toBeInTheDocument();
  });

  it('edits a consent', async () => {
    const user = setupUser();
    const { backend } = renderApp('/consents');
    await user.click(
      within(await rowOf('Newsletter')).getByRole('button', { name: 'Edit Newsletter' }),
    );
    const dialog = await screen.findByRole('dialog', { name: 'Edit Newsletter' });
    expect(within(dialog).getByLabelText('Content')).toHaveValue('News and offers by e-mail.');
    await user.clear(within(dialog).getByLabelText('Name'));
    await user.type(within(dialog).getByLabelText('Name'), 'Weekly newsletter');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await rowOf('Weekly newsletter')).toBeInTheDocument();
    expect(backend.callsOf('update_consent')[0]).toMatchObject({
      id: 'consent-newsletter',
      input: { name: 'Weekly newsletter', mandatory: false },
    });
  });

  it('deletes a consent nobody accepted, and says why one users accepted stays', async () => {
    const user = setupUser();
    const backend = new FakeBackend();
    backend.userPage.accepted.set('cu-0001 consent-terms', '2026-01-01T00:00:00Z');
    renderApp('/consents', { backend });
    await user.click(
      within(await rowOf('Newsletter')).getByRole('button', { name: 'Delete Newsletter' }),
    );
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Confirm' }),
    );
    expect(await screen.findByText('The consent Newsletter was deleted.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText('Newsletter')).not.toBeInTheDocument());
    await user.keyboard('{Escape}');

    await user.click(
      within(await rowOf('Terms and Conditions')).getByRole('button', {
        name: 'Delete Terms and Conditions',
      }),
    );
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Confirm' }),
    );
    expect(
      await screen.findByText(
        'The consent “Terms and Conditions” cannot be deleted: 1 customer user has accepted it.',
      ),
    ).toBeInTheDocument();
    expect(await rowOf('Terms and Conditions')).toBeInTheDocument();
  });

  it('leaves the editing to admins who may manage settings', async () => {
    const backend = new FakeBackend();
    backend.backOfficeRoleOf['user-admin'] = 'bo-role-sales';
    renderApp('/consents', { backend });
    const row = await rowOf('Newsletter');
    expect(screen.getByRole('button', { name: 'Create consent' })).toBeDisabled();
    expect(within(row).getByRole('button', { name: 'Delete Newsletter' })).toBeDisabled();
  });
});
