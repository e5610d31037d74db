import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const section = (name: string) => screen.findByRole('region', { name });

describe('Settings', () => {
  it('is reached from the System menu', async () => {
    const user = setupUser();
    renderApp('/customer-users');
    const system = await screen.findByRole('list', { name: 'System' });
    for (const item of ['Settings', 'Email Templates', 'Email Outbox', 'Login Attempts']) {
      expect(within(system).getByRole('menuitem', { name: item })).toBeInTheDocument();
    }
    await user.click(within(system).getByRole('menuitem', { name: 'Settings' }));
    expect(await section('Login attempts')).toBeInTheDocument();
    expect(window.location.hash).toBe('#/settings');
  });

  it('groups the settings in sections and saves a changed one', async () => {
    const user = setupUser();
    const { backend } = renderApp('/settings');
    const lockout = await section('Login attempts');
    expect(await section('Registration')).toBeInTheDocument();
    expect(await section('Password policy')).toBeInTheDocument();
    expect(await section('Email / SMTP')).toBeInTheDocument();
    const field = within(lockout).getByLabelText('Max Login Attempts');
    expect(field).toHaveValue(10);
    expect(within(lockout).getByRole('button', { name: 'Save' })).toBeDisabled();

    await user.clear(field);
    await user.type(field, '5');
    expect(within(lockout).getByText('Default: 10')).toBeInTheDocument();
    await user.click(within(lockout).getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('The settings were saved.')).toBeInTheDocument();
    expect(backend.callsOf('set_setting')).toEqual([{ key: 'lockoutMaxAttempts', value: 5 }]);
    expect(field).toHaveValue(5);
    expect(within(lockout).getByRole('button', { name: 'Save' })).toBeDisabled();
  });

  it('shows the refusal under the field', async () => {
    const user = setupUser();
    renderApp('/settings');
    const lockout = await section('Login attempts');
    const field = within(lockout).getByLabelText('Max Login Attempts');
    await user.clear(field);
    await user.type(field, '0');
    await user.click(within(lockout).getByRole('button', { name: 'Save' }));

    expect(
      await within(lockout).findByText('This value should be between 1 and 1000.'),
    ).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription('This value should be between 1 and 1000.');

    // Typing again clears the message: it was about the value that is gone.
    await user.type(field, '0');
    expect(within(lockout).queryByText('This value should be between 1 and 1000.')).toBeNull();
  });

  it('saves a switch and a choice of one section together', async () => {
    const user = setupUser();
    const { backend } = renderApp('/settings');
    const registration = await section('Registration');
    await user.click(within(registration).getByRole('switch', { name: 'Confirmation Required' }));
    expect(within(registration).getByText('Default: on')).toBeInTheDocument();
    await user.click(within(registration).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('The settings were saved.')).toBeInTheDocument();

    const smtp = await section('Email / SMTP');
    await user.click(within(smtp).getByRole('combobox', { name: 'SMTP Encryption' }));
    await user.click(await screen.findByRole('option', { name: 'tls' }));
    await user.type(within(smtp).getByLabelText('SMTP Host'), 'mail.example.com');
    await user.click(within(smtp).getByRole('button', { name: 'Save' }));

    expect(backend.callsOf('set_setting')).toEqual([
      { key: 'confirmationRequired', value: false },
      { key: 'smtpHost', value: 'mail.example.com' },
      { key: 'smtpEncryption', value: 'tls' },
    ]);
  });

  it('saves and forgets the SMTP password without ever showing it', async () => {
    const user = setupUser();
    const backend = new FakeBackend();
    renderApp('/settings', { backend });
    const smtp = await section('Email / SMTP');
    expect(await within(smtp).findByText('No password saved.')).toBeInTheDocument();
    expect(within(smtp).getByRole('button', { name: 'Forget password' })).toBeDisabled();

    const field = within(smtp).getByLabelText('SMTP Password');
    expect(field).toHaveAttribute('type', 'password');
    await user.type(field, 's3cret!');
    await user.click(within(smtp).getByRole('button', { name: 'Save password' }));

    expect(
      await within(smtp).findByText('A password is saved in the system keychain.'),
    ).toBeInTheDocument();
    expect(backend.smtpPassword).toBe('s3cret!');
    expect(field).toHaveValue('');
    expect(screen.queryByDisplayValue('s3cret!')).toBeNull();

    await user.click(within(smtp).getByRole('button', { name: 'Forget password' }));
    expect(await within(smtp).findByText('No password saved.')).toBeInTheDocument();
    expect(backend.callsOf('set_smtp_password')).toEqual([
      { password: 's3cret!' },
      { password: null },
    ]);
  });
});
