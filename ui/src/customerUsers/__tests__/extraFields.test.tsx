import { screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { createChoiceField, messageUnder } from '../../test/helpers';
import { renderApp, setupUser } from '../../test/renderApp';

const section = (name: string) => screen.findByRole('region', { name });

const detail = (scope: HTMLElement, label: string) =>
  within(scope).getByText(label, { selector: 'dt' }).nextElementSibling?.textContent;

async function pick(user: UserEvent, label: string, option: string) {
  await user.click(await screen.findByRole('combobox', { name: label }));
  await user.click(await screen.findByRole('option', { name: option }));
}

/** A backend whose organization has a choice field and a number field. */
function withFields() {
  const backend = new FakeBackend();
  backend.extraFields.create({
    name: 'account_tier',
    label: 'Account tier',
    kind: 'choice',
    choices: ['Gold', 'Silver', 'Bronze'],
  });
  backend.extraFields.create({ name: 'credit_limit', label: 'Credit limit', kind: 'number' });
  backend.extraFields.create({ name: 'onboarded', label: 'Onboarded', kind: 'boolean' });
  return backend;
}

describe('The organization’s own customer user fields', () => {
  it('creates a choice field, gives a user a value in the form and shows it on the page', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-user-fields');
    await createChoiceField(user, {
      label: 'Account tier',
      name: 'account_tier',
      choices: ['Gold', 'Silver'],
    });
    expect(await screen.findByText('The field Account tier was saved.')).toBeInTheDocument();

    window.location.hash = '#/customer-users/cu-0001';
    expect(
      await screen.findByRole('heading', { name: 'Additional information' }),
    ).toBeInTheDocument();
    await pick(user, 'Account tier', 'Silver');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(window.location.hash).toBe('#/customer-users/cu-0001/show'));
    expect(backend.callsOf('update_customer_user')).toEqual([
      { id: 'cu-0001', patch: { extra: { account_tier: 'Silver' } } },
    ]);
    const info = await section('Additional information');
    expect(detail(info, 'Account tier')).toBe('Silver');
  });

  it('sends the values typed on create', async () => {
    const user = setupUser();
    const backend = withFields();
    renderApp('/customer-users/create', { backend });
    await screen.findByRole('heading', { name: 'Additional information' });
    const paste = async (label: string, text: string) => {
      await user.click(screen.getAllByLabelText(label)[0]);
      await user.paste(text);
    };
    await paste('First Name', 'Ada');
    await paste('Last Name', 'Lovelace');
    await paste('Email Address', 'ada@example.com');
    await paste('Customer', 'Acme');
    await user.click(await screen.findByText('Acme Corp', { selector: 'li' }));
    await user.click(screen.getByLabelText('Generate Password'));
    await user.click(await screen.findByLabelText('Buyer'));
    await paste('Credit limit', '2500');
    await user.click(screen.getByLabelText('Onboarded'));
    await user.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(backend.callsOf('create_customer_user')).toHaveLength(1));
    const { input } = backend.callsOf('create_customer_user')[0] as {
      input: { extra: Record<string, unknown> };
    };
    expect(input.extra).toMatchObject({ credit_limit: 2500, onboarded: true });
    expect(input.extra.account_tier ?? null).toBeNull();
  });

  it('shows the core’s refusal of a value under its input', async () => {
    const user = setupUser();
    const backend = withFields();
    renderApp('/customer-users/cu-0001', { backend });
    await screen.findByRole('heading', { name: 'Additional information' });
    await pick(user, 'Account tier', 'Gold');
    // Meanwhile someone takes Gold out of the field's choices.
    backend.extraFields.fields[0].choices = ['Silver', 'Bronze'];
    await user.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() =>
      expect(messageUnder(screen.getByRole('combobox', { name: 'Account tier' }))).toBe(
        'The value you selected is not a valid choice.',
      ),
    );
    expect(backend.customerUsers[0].extra).toEqual({});
  });

  it('shows each field’s value on the page, yes/no and "—" for none', async () => {
    const backend = withFields();
    backend.customerUsers[0].extra = { account_tier: 'Gold', onboarded: true };
    renderApp('/customer-users/cu-0001/show', { backend });
    const info = await section('Additional information');
    expect(detail(info, 'Account tier')).toBe('Gold');
    expect(detail(info, 'Onboarded')).toBe('Yes');
    expect(detail(info, 'Credit limit')).toBe('—');
  });

  it('is not on the page or in the form while there are no fields', async () => {
    renderApp('/customer-users/cu-0001/show');
    expect(await screen.findByRole('heading', { name: 'History' })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Additional information' })).toBeNull();
  });
});

describe('Customer Users grid: orders, own fields and consents', () => {
  it('shows the optional Orders column and sorts by it', async () => {
    const user = setupUser();
    const backend = new FakeBackend();
    backend.userPage.createRelated('cu-0002', 'order', {}, null, '2026-02-03T10:00:00Z');
    backend.userPage.createRelated('cu-0002', 'order', {}, null, '2026-02-05T10:00:00Z');
    renderApp('/customer-users', { backend });
    await screen.findByText('user2@example.com');
    expect(screen.queryByRole('columnheader', { name: /Orders/ })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Columns' }));
    const menu = await screen.findByRole('presentation');
    await user.click(within(menu).getByLabelText('Orders'));
    await user.click(within(menu).getByLabelText('Last order'));
    await user.keyboard('{Escape}');
    const row = screen.getByText('user2@example.com').closest('tr') as HTMLElement;
    expect(within(row).getByText('2')).toBeInTheDocument();
    expect(
      within(row).getByText(new Date('2026-02-05T10:00:00Z').toLocaleDateString()),
    ).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: /Sort by Orders/i }));
    await waitFor(() =>
      expect(backend.callsOf('list_customer_users').at(-1)).toMatchObject({
        query: { sort: { field: 'orders' } },
      }),
    );
  });

  it('shows an own field as an optional column and filters by it', async () => {
    const user = setupUser();
    const backend = withFields();
    backend.customerUsers[0].extra = { account_tier: 'Gold' };
    backend.customerUsers[1].extra = { account_tier: 'Silver' };
    renderApp('/customer-users', { backend });
    await screen.findByText('user2@example.com');

    await user.click(screen.getByRole('button', { name: 'Columns' }));
    const menu = await screen.findByRole('presentation');
    await user.click(within(menu).getByLabelText('Account tier'));
    await user.keyboard('{Escape}');
    expect(await screen.findByRole('columnheader', { name: 'Account tier' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Sort by Account tier/i })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.click(await screen.findByRole('menuitemcheckbox', { name: 'Account tier' }));
    await pick(user, 'Account tier', 'Silver');
    await waitFor(() => expect(screen.queryByText('user1@example.com')).toBeNull());
    expect(screen.getByText('user2@example.com')).toBeInTheDocument();
    expect(backend.callsOf('list_customer_users').at(-1)).toMatchObject({
      query: { filter: { extra: { account_tier: 'Silver' } } },
    });
  });

  it('filters by a consent the users did not accept', async () => {
    const user = setupUser();
    const backend = new FakeBackend();
    backend.userPage.accepted.set('cu-0001 consent-newsletter', '2026-01-01T00:00:00Z');
    renderApp('/customer-users', { backend });
    await screen.findByText('user1@example.com');

    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.click(await screen.findByRole('menuitemcheckbox', { name: 'Consent' }));
    await pick(user, 'Consent', 'Newsletter');
    await waitFor(() =>
      expect(backend.callsOf('list_customer_users').at(-1)).toMatchObject({
        query: { filter: { consentAccepted: 'consent-newsletter' } },
      }),
    );
    await waitFor(() => expect(screen.queryByText('user2@example.com')).toBeNull());

    await pick(user, 'Consent status', 'Not accepted');
    await waitFor(() => expect(screen.queryByText('user1@example.com')).toBeNull());
    expect(screen.getByText('user2@example.com')).toBeInTheDocument();
    expect(backend.callsOf('list_customer_users').at(-1)).toMatchObject({
      query: { filter: { consentNotAccepted: 'consent-newsletter' } },
    });
  });
});
