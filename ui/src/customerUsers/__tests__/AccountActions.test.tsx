import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const rowOf = async (email: string) => {
  const cell = await screen.findByText(email);
  return cell.closest('tr') as HTMLElement;
};

const detail = (label: string) => {
  const dt = screen.getAllByText(label).find((el) => el.tagName === 'DT');
  return dt?.nextElementSibling?.textContent ?? null;
};

describe('Account actions', () => {
  it('resets a password from the view page after Oro’s confirmation text', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users/cu-0001/show');
    await user.click(await screen.findByRole('button', { name: 'Reset Password' }));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText(
        'Customer user user1@example.com will receive the email to reset password and will be disabled from login.',
      ),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Reset Password' }));
    expect(
      await screen.findByText('Password reset request has been sent to user1@example.com.'),
    ).toBeInTheDocument();
    expect(backend.callsOf('reset_password')).toEqual([{ id: 'cu-0001' }]);
    await waitFor(() => expect(detail('Password')).toBe('Reset'));
    // A requested reset can be revoked from the same page.
    expect(await screen.findByRole('button', { name: 'Revoke Reset Link' })).toBeInTheDocument();
  });

  it('offers only what applies: a disabled user gets no reset, an unconfirmed one Confirm', async () => {
    const backend = new FakeBackend();
    backend.customerUsers[0].enabled = false;
    backend.customerUsers[0].confirmed = false;
    const user = setupUser();
    renderApp('/customer-users/cu-0001/show', { backend });
    expect(await screen.findByRole('button', { name: 'Confirm' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Resend Confirmation Email' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Reset Password' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('Confirmation successful')).toBeInTheDocument();
    expect(backend.outbox.map((m) => m.template)).toEqual([
      'customer_user_welcome_email_registered_by_admin',
    ]);
  });

  it('unlocks a locked user from the grid row’s menu', async () => {
    const backend = new FakeBackend();
    Object.assign(backend.customerUsers[0], {
      authStatus: 'locked',
      lockedAt: '2026-11-25T10:00:00Z',
      lockedUntil: null,
    });
    const user = setupUser();
    renderApp('/customer-users', { backend });
    const row = await rowOf('user1@example.com');
    expect(within(row).getByText('Locked')).toBeInTheDocument();
    await user.click(within(row).getByRole('button', { name: 'More actions' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Unlock' }));
    expect(await screen.findByText('user1@example.com has been unlocked.')).toBeInTheDocument();
    await waitFor(async () =>
      expect(within(await rowOf('user1@example.com')).getByText('Active')).toBeInTheDocument(),
    );
  });

  it('runs a bulk action on the selection and lists what was skipped and why', async () => {
    const backend = new FakeBackend();
    backend.customerUsers[1].authStatus = 'locked';
    const user = setupUser();
    renderApp('/customer-users', { backend });
    for (const email of ['user1@example.com', 'user2@example.com']) {
      const row = await rowOf(email);
      await user.click(within(row).getByRole('checkbox'));
    }
    await user.click(await screen.findByRole('button', { name: 'Unlock' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Unlocked 1 customer user. Skipped 1.',
    });
    const skipped = within(dialog).getByRole('list', { name: 'Skipped' });
    expect(within(skipped).getByText('user1@example.com')).toBeInTheDocument();
    expect(within(skipped).getByText('user1@example.com is not locked.')).toBeInTheDocument();
    expect(backend.callsOf('bulk_action')).toEqual([
      { action: 'unlock', ids: ['cu-0001', 'cu-0002'] },
    ]);
  });

  it('takes a role from the selection in bulk, and an enabled user keeps their last one', async () => {
    const backend = new FakeBackend();
    backend.customerUsers[1].enabled = false;
    const user = setupUser();
    renderApp('/customer-users', { backend });
    for (const email of ['user1@example.com', 'user2@example.com']) {
      const row = await rowOf(email);
      await user.click(within(row).getByRole('checkbox'));
    }
    await user.click(await screen.findByRole('button', { name: 'Roles' }));
    const picker = await screen.findByRole('dialog', { name: 'Roles of 2 customer users' });
    await user.click(within(picker).getByRole('combobox', { name: 'Role' }));
    await user.click(await screen.findByRole('option', { name: 'Buyer' }));
    await user.click(within(picker).getByRole('button', { name: 'Take away' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Took the role from 1 customer user. Skipped 1.',
    });
    const skipped = within(dialog).getByRole('list', { name: 'Skipped' });
    expect(within(skipped).getByText('user1@example.com')).toBeInTheDocument();
    expect(within(skipped).getByText(/^You cannot remove last role from /)).toBeInTheDocument();
    expect(backend.callsOf('bulk_role')).toEqual([
      { role: backend.roles[1].id, add: false, ids: ['cu-0001', 'cu-0002'] },
    ]);
    expect(backend.customerUsers[1].userRoles).toEqual([]);
  });
});
