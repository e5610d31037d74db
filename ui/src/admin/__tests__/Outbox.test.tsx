import { render, screen, waitFor, within } from '@testing-library/react';
import { AdminContext, Notification } from 'react-admin';
import { describe, expect, it } from 'vitest';
import { createQueryClient } from '../../App';
import type { OutboxMessage } from '../../bindings/OutboxMessage';
import { createDataProvider } from '../../data/dataProvider';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';
import { CustomerUserEmails } from '../Outbox';

const message = (fields: Partial<OutboxMessage> & Pick<OutboxMessage, 'id'>): OutboxMessage => ({
  template: 'customer_user_force_reset_password',
  customerUserId: 'cu-0001',
  recipient: 'user1@example.com',
  subject: 'Please reset your password',
  body: 'Hello, Amanda!\nhttps://shop.example.com/customer/user/reset?token=••••••',
  link: 'reset',
  state: 'sent',
  attempts: 1,
  nextAttemptAt: '2026-03-01T10:00:00Z',
  lastError: null,
  createdAt: '2026-03-01T10:00:00Z',
  sentAt: '2026-03-01T10:00:05Z',
  ...fields,
});

/** Oldest first, as the fake stores them: it answers newest first. */
const seeded = () => {
  const backend = new FakeBackend();
  backend.outbox = [
    message({ id: 'msg-1', subject: 'Welcome' }),
    message({
      id: 'msg-2',
      recipient: 'user2@example.com',
      customerUserId: 'cu-0002',
      state: 'failed',
      attempts: 5,
      lastError: '550 5.1.1 <user2@example.com>: Recipient address rejected',
      createdAt: '2026-03-02T10:00:00Z',
      sentAt: null,
    }),
  ];
  return backend;
};

const rowOf = async (text: string) => (await screen.findByText(text)).closest('tr') as HTMLElement;

describe('Email Outbox', () => {
  it('lists the messages newest first; Retry queues a failed one again', async () => {
    const user = setupUser();
    const { backend } = renderApp('/outbox', { backend: seeded() });
    const table = await screen.findByRole('table', { name: 'Email Outbox' });
    const headers = within(table)
      .getAllByRole('columnheader')
      .map((h) => h.textContent);
    expect(headers.slice(0, 6)).toEqual([
      'Created',
      'To',
      'Subject',
      'State',
      'Attempts',
      'Last error',
    ]);
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('user2@example.com');

    const failed = await rowOf('550 5.1.1 <user2@example.com>: Recipient address rejected');
    expect(within(failed).getByText('Failed')).toBeInTheDocument();
    expect(within(failed).getByText('5')).toBeInTheDocument();
    const sent = await rowOf('Welcome');
    expect(within(sent).getByText('Sent')).toBeInTheDocument();
    expect(within(sent).queryByRole('button', { name: 'Retry' })).toBeNull();

    await user.click(within(failed).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('The message was queued again.')).toBeInTheDocument();
    expect(backend.callsOf('retry_message')).toEqual([{ id: 'msg-2' }]);
    expect(await within(failed).findByText('Queued')).toBeInTheDocument();
    expect(within(failed).queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('filters by state', async () => {
    const user = setupUser();
    const { backend } = renderApp('/outbox', { backend: seeded() });
    await screen.findByText('Welcome');
    await user.click(screen.getByRole('combobox', { name: 'State' }));
    await user.click(await screen.findByRole('option', { name: 'Failed' }));
    await waitFor(() => expect(screen.queryByText('Welcome')).toBeNull());
    expect(screen.getByText('user2@example.com')).toBeInTheDocument();
    expect(backend.callsOf('list_outbox').at(-1)).toEqual({
      query: { state: 'failed', customerUserId: null, limit: 200 },
    });
  });

  it('expands a row to its body', async () => {
    const user = setupUser();
    renderApp('/outbox', { backend: seeded() });
    const row = await rowOf('Welcome');
    expect(screen.queryByLabelText('Body of the message to user1@example.com')).toBeNull();
    await user.click(row);
    expect(row).toHaveAttribute('aria-expanded', 'true');
    expect(
      await screen.findByLabelText('Body of the message to user1@example.com'),
    ).toHaveTextContent('reset?token=••••••');
  });

  it('"Send now" reports what was sent', async () => {
    const user = setupUser();
    const backend = seeded();
    backend.outbox.push(message({ id: 'msg-3', subject: 'Confirm', state: 'queued' }));
    backend.settings.find((s) => s.key === 'smtpHost')!.value = 'mail.example.com';
    renderApp('/outbox', { backend });
    const row = await rowOf('Confirm');
    expect(within(row).getByText('Queued')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Send now' }));
    expect(await screen.findByText('Sent 1, retrying 0, failed 0.')).toBeInTheDocument();
    expect(await within(row).findByText('Sent')).toBeInTheDocument();
  });

  it('"Send now" without SMTP says so and leads to the Settings', async () => {
    const user = setupUser();
    renderApp('/outbox', { backend: seeded() });
    await screen.findByText('Welcome');
    await user.click(screen.getByRole('button', { name: 'Send now' }));
    const alert = await screen.findByText('SMTP is not configured: set the SMTP host in Settings.');
    await user.click(
      within(alert.closest('.MuiSnackbarContent-root') as HTMLElement).getByRole('link', {
        name: 'Open Settings',
      }),
    );
    expect(await screen.findByRole('region', { name: 'Email / SMTP' })).toBeInTheDocument();
    expect(window.location.hash).toBe('#/settings');
  });
});

describe('CustomerUserEmails', () => {
  it("lists one customer user's messages, with Retry", async () => {
    const user = setupUser();
    const backend = seeded().install();
    render(
      <AdminContext dataProvider={createDataProvider()} queryClient={createQueryClient()}>
        <CustomerUserEmails customerUserId="cu-0002" />
        <Notification />
      </AdminContext>,
    );
    const table = await screen.findByRole('table', { name: 'Emails' });
    expect(backend.callsOf('list_outbox')).toEqual([
      { query: { state: null, customerUserId: 'cu-0002', limit: 200 } },
    ]);
    expect(within(table).queryByText('Welcome')).toBeNull();
    await user.click(within(table).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('The message was queued again.')).toBeInTheDocument();
    expect(await within(table).findByText('Queued')).toBeInTheDocument();
  });

  it('says when there are none', async () => {
    new FakeBackend().install();
    render(
      <AdminContext dataProvider={createDataProvider()} queryClient={createQueryClient()}>
        <CustomerUserEmails customerUserId="cu-0001" />
      </AdminContext>,
    );
    expect(await screen.findByText('No emails sent to this customer user.')).toBeInTheDocument();
  });
});
