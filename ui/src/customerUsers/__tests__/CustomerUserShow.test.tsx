import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

const detail = (label: string) => {
  const dt = screen.getAllByText(label).find((el) => el.tagName === 'DT');
  return dt?.nextElementSibling?.textContent ?? null;
};

describe('Customer user view page', () => {
  it('shows the details, roles, addresses and history', async () => {
    const backend = new FakeBackend();
    const u = backend.customerUsers[1];
    u.namePrefix = 'Dr.';
    u.birthday = '1990-05-17';
    u.preferredLocalization = { id: 'loc-de', name: 'German (Germany)' };
    u.addresses = [
      {
        id: 'addr-1',
        label: 'Head office',
        namePrefix: null,
        firstName: 'Brandon',
        middleName: null,
        lastName: 'Dunn',
        nameSuffix: null,
        organization: 'Globex',
        street: '5 Elm St',
        street2: null,
        city: 'Springfield',
        postalCode: '12345',
        country: 'US',
        region: 'US-IL',
        regionText: null,
        countryName: 'United States',
        regionName: 'Illinois',
        phone: null,
        types: ['billing', 'shipping'],
        defaults: ['billing'],
      },
    ];
    backend.history.push({
      id: 'chg-1',
      entity: 'customer_user',
      entityId: u.id,
      op: 'update',
      fields: { firstName: ['Brendan', 'Brandon'], enabled: [false, true] },
      actor: 'admin',
      via: 'window',
      at: '2026-02-01T10:00:00Z',
      hlc: '1',
      import: {
        id: 'imp-1',
        kind: 'customer_users',
        file: 'crm.csv',
        actor: 'admin',
        startedAt: '2026-02-01T10:00:00Z',
        finishedAt: '2026-02-01T10:00:01Z',
        mode: 'all_or_nothing',
        outcome: 'imported',
        counts: { read: 1200, added: 1000, updated: 200, replaced: 0, unchanged: 0, errors: 0 },
      },
      overwritten: {},
    });
    renderApp(`/customer-users/${u.id}/show`, { backend });

    expect(await screen.findByRole('heading', { name: 'History' })).toBeInTheDocument();
    expect(detail('Name Prefix')).toBe('Dr.');
    expect(detail('First Name')).toBe('Brandon');
    expect(detail('Email Address')).toBe('user2@example.com');
    expect(detail('Birthday')).toBe('1990-05-17');
    expect(detail('Password')).toBe('Reset');
    expect(detail('Customer')).toBe('Globex');
    expect(detail('Website')).toBe('Default');
    expect(detail('Preferred Localization')).toBe('German (Germany)');
    expect(detail('Owner')).toBe('John Doe');
    expect(detail('Login Count')).toBe('1');
    expect(screen.getByText('Buyer')).toBeInTheDocument();
    expect(screen.getByText('Brenda Sanders')).toBeInTheDocument();
    expect(screen.getByText('Head office')).toBeInTheDocument();
    expect(screen.getByText('Default billing')).toBeInTheDocument();
    expect(screen.queryByText('Default shipping')).not.toBeInTheDocument();

    const history = await screen.findByRole('table', { name: 'History' });
    expect(within(history).getByText('admin')).toBeInTheDocument();
    expect(within(history).getByText(/Brendan → Brandon/)).toBeInTheDocument();
    expect(
      within(history).getByText(/by import of crm\.csv \(1,200 rows read\)/),
    ).toBeInTheDocument();
    expect(within(history).getByText(/No → Yes/)).toBeInTheDocument();
  });

  it('says which changed fields a later change by another admin overwrote', async () => {
    const backend = new FakeBackend();
    const u = backend.customerUsers[1];
    backend.history.push({
      id: 'chg-overwritten',
      entity: 'customer_user',
      entityId: u.id,
      op: 'update',
      fields: { firstName: ['Brendan', 'Brandon'], lastName: ['Dun', 'Dunn'] },
      actor: 'admin',
      via: 'window',
      at: '2026-02-01T10:00:00Z',
      hlc: '1',
      import: null,
      overwritten: { lastName: { by: 'bob@example.com', at: '2026-02-02T09:30:00Z' } },
    });
    renderApp(`/customer-users/${u.id}/show`, { backend });

    const history = await screen.findByRole('table', { name: 'History' });
    const lastName = within(history).getByText(/Dun → Dunn/);
    expect(lastName).toHaveTextContent('overwritten by bob@example.com');
    expect(lastName).toHaveTextContent(new Date('2026-02-02T09:30:00Z').toLocaleString());
    expect(within(history).getByText(/Brendan → Brandon/)).not.toHaveTextContent(/overwritten/);
    expect(within(history).getAllByText(/overwritten by bob@example\.com/)).toHaveLength(1);
  });

  it('disables from the view page and records it in the history', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users/cu-0001/show');
    await screen.findByRole('heading', { name: 'History' });
    expect(await screen.findByText('No changes recorded.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Disable' }));
    expect(await screen.findByText('Customer User has been disabled')).toBeInTheDocument();
    expect(backend.callsOf('set_customer_user_enabled')).toEqual([
      { id: 'cu-0001', enabled: false },
    ]);
    expect(await screen.findByRole('button', { name: 'Enable' })).toBeInTheDocument();
    expect(await screen.findByText(/Yes → No/)).toBeInTheDocument();
  });

  it('warns under the e-mail address when it mixes scripts', async () => {
    const backend = new FakeBackend();
    const u = backend.customerUsers[0];
    // A Cyrillic "а" (U+0430) for the Latin "a".
    u.email = '\u0430manda@example.com';
    u.emailWarning =
      'This email address mixes Cyrillic and Latin letters in "\u0430manda", so it can pass for another address.';
    renderApp(`/customer-users/${u.id}/show`, { backend });

    await screen.findByRole('heading', { name: 'History' });
    const dd = screen.getAllByText('Email Address').find((el) => el.tagName === 'DT')!
      .nextElementSibling as HTMLElement;
    expect(dd).toHaveTextContent('\u0430manda@example.com');
    const warning = within(dd).getByRole('alert');
    expect(warning).toHaveTextContent(
      'This email address mixes Cyrillic and Latin letters in "\u0430manda", so it can pass for another address.',
    );
  });

  it('shows no e-mail warning for a plain address', async () => {
    renderApp('/customer-users/cu-0001/show');
    await screen.findByRole('heading', { name: 'History' });
    expect(detail('Email Address')).toBe('user1@example.com');
    expect(screen.queryByText(/can pass for another address/)).toBeNull();
  });
});

describe('Keyboard shortcuts', () => {
  it('"/" focuses the quick search, "n" opens Create, "?" lists the shortcuts', async () => {
    const user = setupUser();
    renderApp('/customer-users');
    await screen.findByText('user1@example.com');
    await user.keyboard('/');
    expect(screen.getByPlaceholderText('Search name, email or customer')).toHaveFocus();
    await user.keyboard('{Escape}');
    (document.activeElement as HTMLElement).blur();

    await user.keyboard('?');
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(dialog).getByText('Create a customer user')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await waitFor(() =>
      expect(screen.queryByRole('dialog', { name: 'Keyboard shortcuts' })).toBeNull(),
    );

    await user.keyboard('n');
    expect(await screen.findByRole('heading', { name: 'General' })).toBeInTheDocument();
    expect(window.location.hash).toBe('#/customer-users/create');
  });
});
