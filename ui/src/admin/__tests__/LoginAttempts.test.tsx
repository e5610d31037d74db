import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { LoginAttempt } from '../../bindings/LoginAttempt';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const attempt = (
  fields: Partial<LoginAttempt> & Pick<LoginAttempt, 'id' | 'at'>,
): LoginAttempt => ({
  customerUserId: 'cu-0001',
  username: 'user1@example.com',
  success: true,
  reason: null,
  source: 'storefront',
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
  ...fields,
});

const seeded = () => {
  const backend = new FakeBackend();
  backend.loginAttempts = [
    attempt({ id: 'la-1', at: '2026-03-01T09:00:00Z' }),
    attempt({
      id: 'la-2',
      at: '2026-03-01T10:00:00Z',
      success: false,
      reason: 'bad_credentials',
      ip: null,
      userAgent: null,
    }),
    attempt({
      id: 'la-3',
      at: '2026-03-02T08:00:00Z',
      customerUserId: 'cu-0002',
      username: 'user2@example.com',
      success: false,
      reason: 'password_expired',
      source: 'cli',
    }),
  ];
  return backend;
};

const rowTexts = async () => {
  const table = await screen.findByRole('table', { name: 'Login Attempts' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    );
};

describe('Login Attempts', () => {
  it('lists the attempts newest first, with the refusal in words', async () => {
    const { backend } = renderApp('/login-attempts', { backend: seeded() });
    const rows = await rowTexts();
    expect(rows.map((r) => r.slice(1))).toEqual([
      [
        'user2@example.com',
        'Password expired',
        'cli',
        '203.0.113.7',
        'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
      ],
      ['user1@example.com', 'Bad credentials', 'storefront', '—', '—'],
      [
        'user1@example.com',
        'Success',
        'storefront',
        '203.0.113.7',
        'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
      ],
    ]);
    expect(backend.callsOf('list_login_attempts')).toEqual([
      { query: { user: null, success: null, from: null, to: null, limit: 500 } },
    ]);
  });

  it('filters by result and by user', async () => {
    const user = setupUser();
    const { backend } = renderApp('/login-attempts', { backend: seeded() });
    await screen.findByText('Success');
    await user.click(screen.getByRole('combobox', { name: 'Result' }));
    await user.click(await screen.findByRole('option', { name: 'Failed' }));
    await waitFor(() => expect(screen.queryByText('Success')).toBeNull());
    expect(screen.getByText('Bad credentials')).toBeInTheDocument();
    expect(backend.callsOf('list_login_attempts').at(-1)).toMatchObject({
      query: { success: false },
    });

    await user.type(screen.getByLabelText('User'), 'user2');
    await waitFor(() => expect(screen.queryByText('Bad credentials')).toBeNull());
    expect(screen.getByText('Password expired')).toBeInTheDocument();
    expect(backend.callsOf('list_login_attempts').at(-1)).toMatchObject({
      query: { user: 'user2', success: false },
    });
  });

  it('reads ?user= from the address, as the view page links to it', async () => {
    const { backend } = renderApp('/login-attempts?user=cu-0002', { backend: seeded() });
    expect(await screen.findByText('Password expired')).toBeInTheDocument();
    expect(screen.getByLabelText('User')).toHaveValue('cu-0002');
    expect(screen.queryByText('user1@example.com')).toBeNull();
    expect(backend.callsOf('list_login_attempts')).toEqual([
      { query: { user: 'cu-0002', success: null, from: null, to: null, limit: 500 } },
    ]);
  });

  it('sends the From and To times as RFC 3339 instants', async () => {
    const { backend } = renderApp('/login-attempts', { backend: seeded() });
    await screen.findByText('Success');
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-03-01T09:30' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-03-01T23:59' } });
    await waitFor(() =>
      expect(backend.callsOf('list_login_attempts').at(-1)).toEqual({
        query: {
          user: null,
          success: null,
          from: new Date('2026-03-01T09:30').toISOString(),
          to: new Date('2026-03-01T23:59').toISOString(),
          limit: 500,
        },
      }),
    );
  });
});
