import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const RESET = 'customer_user_force_reset_password';

/** Opens the reset template's editor; returns its card and the preview card. */
async function openResetTemplate(backend = new FakeBackend()) {
  const user = setupUser();
  renderApp('/email-templates', { backend });
  const list = await screen.findByRole('list', { name: 'Email templates' });
  await user.click(within(list).getByText(RESET));
  const editor = await screen.findByRole('region', { name: RESET });
  const preview = screen.getByRole('region', { name: 'Preview' });
  return { user, backend, list, editor, preview };
}

/** Replaces a field's text; pasted, since user-event reads `{` in typed text as a key name. */
async function replaceText(user: ReturnType<typeof setupUser>, field: HTMLElement, text: string) {
  await user.clear(field);
  await user.click(field);
  await user.paste(text);
}

describe('Email Templates', () => {
  it('edits a template beside its live preview and saves it', async () => {
    const { user, backend, list, editor, preview } = await openResetTemplate();
    expect(within(editor).getByLabelText('Subject')).toHaveValue('Please reset your password');
    expect(within(editor).getByText('{{ entity.fullName }}')).toBeInTheDocument();
    expect(within(editor).getByText('{{ setPasswordUrl }}')).toBeInTheDocument();
    expect(await within(preview).findByText(/Hello, Amanda Cole!/)).toBeInTheDocument();
    expect(within(preview).getByText('Please reset your password')).toBeInTheDocument();

    await replaceText(user, within(editor).getByLabelText('Subject'), 'Reset now');
    await replaceText(
      user,
      within(editor).getByLabelText('Content'),
      'Dear {{ entity.fullName }}, follow {{ resetUrl }}',
    );
    expect(
      await within(preview).findByText(
        'Dear Amanda Cole, follow https://store.example.com/customer/user/reset?token=TOKEN',
      ),
    ).toBeInTheDocument();
    expect(within(preview).getByText('Reset now')).toBeInTheDocument();

    await user.click(within(editor).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('The email template was saved.')).toBeInTheDocument();
    expect(backend.callsOf('update_email_template')).toEqual([
      {
        name: RESET,
        subject: 'Reset now',
        content: 'Dear {{ entity.fullName }}, follow {{ resetUrl }}',
      },
    ]);
    expect(within(editor).getByText('Customized')).toBeInTheDocument();
    expect(within(list).getByText('Customized')).toBeInTheDocument();
    expect(within(editor).getByRole('button', { name: 'Save' })).toBeDisabled();
  });

  it('shows what does not render in the preview, and the refusal under the field', async () => {
    const { user, editor, preview } = await openResetTemplate();
    await within(preview).findByText(/Hello, Amanda Cole!/);
    await replaceText(user, within(editor).getByLabelText('Content'), 'Hi {% if %}');
    expect(
      await within(preview).findByText('Content: syntax error: unexpected end of input (line 1)'),
    ).toBeInTheDocument();

    await user.click(within(editor).getByRole('button', { name: 'Save' }));
    expect(within(editor).getByLabelText('Content')).toHaveAccessibleDescription(
      'syntax error: unexpected end of input (line 1)',
    );
  });

  it('restores the default wording after a confirmation', async () => {
    const backend = new FakeBackend();
    Object.assign(backend.templates[0], {
      subject: 'Our own subject',
      customized: true,
      updatedAt: '2026-02-01T10:00:00Z',
    });
    const { user, editor } = await openResetTemplate(backend);
    expect(within(editor).getByText('Customized')).toBeInTheDocument();
    expect(within(editor).getByLabelText('Subject')).toHaveValue('Our own subject');

    await user.click(within(editor).getByRole('button', { name: 'Restore default' }));
    const dialog = await screen.findByRole('dialog', { name: 'Restore default' });
    await user.click(within(dialog).getByRole('button', { name: 'Restore default' }));

    expect(await screen.findByText('The default wording was restored.')).toBeInTheDocument();
    expect(backend.callsOf('restore_email_template')).toEqual([{ name: RESET }]);
    await waitFor(() =>
      expect(within(editor).getByLabelText('Subject')).toHaveValue('Please reset your password'),
    );
    expect(within(editor).queryByText('Customized')).toBeNull();
  });
});
