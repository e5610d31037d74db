import { screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, FakeBackend } from '../../dev/fakeBackend';
import { messageUnder } from '../../test/helpers';
import { renderApp, setupUser } from '../../test/renderApp';

/** The input a label names, scoped to the user's own fields (addresses repeat name labels). */
const field = (label: string) => screen.getAllByLabelText(label)[0] as HTMLInputElement;

/** Pastes a value in one go: per-key typing re-renders the whole form on every key. */
async function fill(user: UserEvent, input: HTMLElement, text: string) {
  await user.click(input);
  await user.paste(text);
}

async function pickCustomer(user: UserEvent, name: string) {
  const input = await screen.findByLabelText('Customer');
  await fill(user, input, name.slice(0, 4));
  await user.click(await screen.findByText(name, { selector: 'li' }));
}

/** Picks `option` in the autocomplete `name` (the address book's pickers), typing `typed`. */
async function pick(user: UserEvent, name: string, typed: string, option: string) {
  await fill(user, screen.getByRole('combobox', { name }), typed);
  await user.click(await screen.findByRole('option', { name: option }));
}

async function addAddress(user: UserEvent) {
  await user.click(screen.getByText('Add Address', { selector: 'button' }));
  await fill(user, screen.getByLabelText('Street'), '1 Main St');
  await fill(user, screen.getByLabelText('City'), 'Springfield');
  await fill(user, screen.getByLabelText('Postal Code'), '12345');
}

async function fillValidUser(user: UserEvent) {
  await fill(user, field('First Name'), 'Ada');
  await fill(user, field('Last Name'), 'Lovelace');
  await fill(user, field('Email Address'), 'ada@example.com');
  await pickCustomer(user, 'Acme Corp');
  await fill(user, field('Password'), 'Secret123');
  await fill(user, field('Confirm Password'), 'Secret123');
  await user.click(await screen.findByLabelText('Buyer'));
}

describe('Create / Edit customer user form', () => {
  it('shows the server’s field errors under the right inputs', async () => {
    const user = setupUser();
    const backend = new FakeBackend();
    backend.failures.set(
      'create_customer_user',
      apiError('validation', 'The customer user is not valid.', [
        { field: 'email', message: 'This email is already used.' },
        { field: 'lastName', message: 'This last name is reserved.' },
        { field: 'addresses.0.city', message: 'This city is unknown.' },
        { field: 'addresses.0.country', message: 'This country is closed.' },
        { field: 'addresses.0.region', message: 'Region US-IL does not belong to country US' },
        { field: 'userRoles', message: 'This role cannot be given here.' },
      ]),
    );
    renderApp('/customer-users/create', { backend });
    await screen.findByText('General');
    await fillValidUser(user);

    await addAddress(user);
    // Countries are found by their code as well as their name.
    await pick(user, 'Country', 'us', 'United States (US)');
    await pick(user, 'Region', 'Illi', 'Illinois');

    await user.click(screen.getByText('Save', { selector: 'button' }));

    await waitFor(() =>
      expect(messageUnder(field('Email Address'))).toBe('This email is already used.'),
    );
    expect(messageUnder(field('Last Name'))).toBe('This last name is reserved.');
    expect(messageUnder(screen.getByLabelText('City'))).toBe('This city is unknown.');
    expect(messageUnder(screen.getByRole('combobox', { name: 'Country' }))).toBe(
      'This country is closed.',
    );
    expect(messageUnder(screen.getByRole('combobox', { name: 'Region' }))).toBe(
      'Region US-IL does not belong to country US',
    );
    expect(screen.getByText('This role cannot be given here.')).toBeInTheDocument();
    expect(messageUnder(field('First Name'))).toBe('');
    expect(screen.getByRole('alert')).toHaveTextContent('The customer user is not valid.');

    const sent = backend.callsOf('create_customer_user')[0].input as Record<string, unknown>;
    expect(sent).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      customer: 'cust-acme',
      password: 'Secret123',
      passwordConfirm: 'Secret123',
      userRoles: ['role-buyer'],
      salesRepresentatives: ['user-amanda'],
      addresses: [
        expect.objectContaining({
          street: '1 Main St',
          city: 'Springfield',
          country: 'US',
          region: 'US-IL',
          regionText: null,
        }),
      ],
    });
    expect(sent).not.toHaveProperty('newCustomer');
    expect(sent).not.toHaveProperty('generatePassword');
  });

  it('checks the rules on the client before sending', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users/create');
    await screen.findByText('General');
    await fill(user, field('Email Address'), 'not-an-email');
    await fill(user, field('Password'), 'Secret123');
    await fill(user, field('Confirm Password'), 'Secret124');
    await user.click(screen.getByText('Save', { selector: 'button' }));
    await waitFor(() =>
      expect(messageUnder(field('First Name'))).toBe('This value should not be blank.'),
    );
    expect(messageUnder(field('Email Address'))).toBe('This value is not a valid email address.');
    expect(messageUnder(field('Confirm Password'))).toBe('The password fields must match.');
    expect(
      screen.getByText('Please select at least one role before you enable the customer user.'),
    ).toBeInTheDocument();
    expect(backend.callsOf('create_customer_user')).toHaveLength(0);
  });

  it('creates with a new customer, a generated password and the welcome e-mail, then shows the user', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users/create');
    await screen.findByText('General');
    await fill(user, field('First Name'), 'Grace');
    await fill(user, field('Last Name'), 'Hopper');
    await fill(user, field('Email Address'), 'grace@example.com');
    await user.click(screen.getByLabelText('Create new customer'));
    await fill(user, screen.getByLabelText('New Customer Name'), 'Navy');
    await user.click(screen.getByLabelText('Generate Password'));
    expect(screen.queryByLabelText('Password')).not.toBeInTheDocument();
    await user.click(screen.getByLabelText('Send Welcome Email'));
    await user.click(await screen.findByLabelText('Buyer'));
    await user.click(screen.getByText('Save', { selector: 'button' }));

    expect(await screen.findByText('Customer User has been saved')).toBeInTheDocument();
    const sent = backend.callsOf('create_customer_user')[0].input as Record<string, unknown>;
    expect(sent).toMatchObject({
      newCustomer: { name: 'Navy', parent: null },
      generatePassword: true,
      sendWelcomeEmail: true,
      userRoles: ['role-buyer'],
    });
    expect(sent).not.toHaveProperty('password');
    expect(sent).not.toHaveProperty('customer');
    expect(await screen.findByRole('heading', { name: 'History' })).toBeInTheDocument();
    expect(screen.getByText('grace@example.com')).toBeInTheDocument();
  });

  it('fills both password fields from generate_password and offers to copy it', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users/create');
    await screen.findByText('General');
    await user.click(screen.getByText('Generate Password', { selector: 'button' }));
    expect(await screen.findByLabelText('Generated password')).toHaveTextContent('Gen3ratedPw');
    expect(field('Password')).toHaveValue('Gen3ratedPw');
    expect(field('Confirm Password')).toHaveValue('Gen3ratedPw');
    expect(screen.getByText('Copy', { selector: 'button' })).toBeInTheDocument();
    expect(backend.callsOf('generate_password')).toHaveLength(1);
  });

  it('offers the customer’s roles and re-fetches them when the customer changes', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users/create');
    await screen.findByLabelText('Buyer');
    expect(screen.queryByLabelText(/Acme Approver/)).not.toBeInTheDocument();
    await pickCustomer(user, 'Acme Corp');
    expect(await screen.findByLabelText(/Acme Approver/)).toBeInTheDocument();
    expect(backend.callsOf('list_roles')).toContainEqual({ customer: 'cust-acme' });
    // The customer's sales representatives become the default.
    expect(screen.getByText('Amanda Cole')).toBeInTheDocument();
  });

  it('says which roles a change of customer takes away', async () => {
    const user = setupUser();
    renderApp('/customer-users/create');
    await pickCustomer(user, 'Acme Corp');
    await user.click(await screen.findByLabelText(/Acme Approver/));
    await user.click(screen.getByLabelText('Buyer'));
    await pickCustomer(user, 'Globex');
    expect(
      await screen.findByText('Roles of the previous customer were taken away: Acme Approver.'),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText(/Acme Approver/)).not.toBeInTheDocument();
    expect(screen.getByLabelText('Buyer')).toBeChecked();
  });

  it('edits and sends only the changed keys, keeping the password when left blank', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users/cu-0001');
    const first = await screen.findByDisplayValue('Amanda');
    expect(messageUnder(field('Password'))).toBe('Leave blank to keep the current password');
    await user.clear(first);
    await fill(user, first, 'Amy');
    await user.click(screen.getByText('Save', { selector: 'button' }));
    expect(await screen.findByText('Customer User has been saved')).toBeInTheDocument();
    expect(backend.callsOf('update_customer_user')).toEqual([
      { id: 'cu-0001', patch: { firstName: 'Amy' } },
    ]);
  });

  it('saves the region picked for a country with regions as its ISO 3166-2 code', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users/cu-0001');
    await screen.findByDisplayValue('Amanda');
    await addAddress(user);
    await pick(user, 'Country', 'United St', 'United States (US)');
    await user.click(screen.getByText('Save', { selector: 'button' }));

    // The core's rule, under the Region picker.
    const region = screen.getByRole('combobox', { name: 'Region' });
    await waitFor(() =>
      expect(messageUnder(region)).toBe('State is required for country United States'),
    );
    expect(screen.queryByRole('textbox', { name: 'Region' })).not.toBeInTheDocument();

    await pick(user, 'Region', 'Tex', 'Texas');
    await user.click(screen.getByText('Save', { selector: 'button' }));
    expect(await screen.findByText('Customer User has been saved')).toBeInTheDocument();
    const patches = backend.callsOf('update_customer_user').map((c) => c.patch);
    expect(patches[patches.length - 1]).toEqual({
      addresses: [expect.objectContaining({ country: 'US', region: 'US-TX', regionText: null })],
    });
    expect(backend.find('cu-0001').addresses[0]).toMatchObject({
      region: 'US-TX',
      regionText: null,
      regionName: 'Texas',
    });
  });

  it('keeps the typed region of a country without regions through an unrelated edit', async () => {
    const user = setupUser();
    const backend = new FakeBackend();
    backend.userPage.addAddress('cu-0001', {
      street: '8 Marina View',
      city: 'Singapore',
      postalCode: '018960',
      country: 'SG',
      regionText: 'Central',
      types: ['billing'],
      defaults: [],
    });
    renderApp('/customer-users/cu-0001', { backend });
    await waitFor(() =>
      expect(screen.getByRole('combobox', { name: 'Country' })).toHaveValue('Singapore'),
    );
    const regionText = screen.getByRole('textbox', { name: 'Region' });
    expect(regionText).toHaveValue('Central');

    const street = screen.getByDisplayValue('8 Marina View');
    await user.clear(street);
    await fill(user, street, '10 Marina View');
    await user.click(screen.getByText('Save', { selector: 'button' }));
    expect(await screen.findByText('Customer User has been saved')).toBeInTheDocument();
    expect(backend.callsOf('update_customer_user')[0].patch).toEqual({
      addresses: [
        expect.objectContaining({
          street: '10 Marina View',
          country: 'SG',
          region: null,
          regionText: 'Central',
        }),
      ],
    });
    expect(backend.find('cu-0001').addresses[0]).toMatchObject({
      street: '10 Marina View',
      regionText: 'Central',
    });
  });

  it('shows the server’s error on a typed region under the Region text', async () => {
    const user = setupUser();
    const backend = new FakeBackend();
    backend.failures.set(
      'update_customer_user',
      apiError('validation', 'The customer user is not valid.', [
        { field: 'addresses.0.regionText', message: 'This region is too long.' },
      ]),
    );
    renderApp('/customer-users/cu-0001', { backend });
    await screen.findByDisplayValue('Amanda');
    await addAddress(user);
    await pick(user, 'Country', 'Singa', 'Singapore (SG)');
    await fill(user, screen.getByRole('textbox', { name: 'Region' }), 'Central');
    await user.click(screen.getByText('Save', { selector: 'button' }));
    await waitFor(() =>
      expect(messageUnder(screen.getByRole('textbox', { name: 'Region' }))).toBe(
        'This region is too long.',
      ),
    );
    expect(backend.callsOf('update_customer_user')[0].patch).toEqual({
      addresses: [expect.objectContaining({ country: 'SG', region: null, regionText: 'Central' })],
    });
  });

  it('warns under the e-mail field while it holds the stored look-alike address', async () => {
    const user = setupUser();
    const backend = new FakeBackend();
    // A Cyrillic "а" (U+0430) for the Latin "a", with the warning the core gives it.
    backend.customerUsers[0].email = '\u0430manda@example.com';
    backend.customerUsers[0].emailWarning =
      'This email address mixes Cyrillic and Latin letters in "\u0430manda", so it can pass for another address.';
    renderApp('/customer-users/cu-0001', { backend });
    const email = await screen.findByDisplayValue('\u0430manda@example.com');
    const warning = await screen.findByText(
      'This email address mixes Cyrillic and Latin letters in "\u0430manda", so it can pass for another address.',
    );
    expect(warning.closest('[role="alert"]')).toBeInTheDocument();

    // A new address is checked again when saved: the warning was about the old one.
    await user.clear(email);
    await fill(user, email, 'amanda@example.com');
    expect(screen.queryByText(/can pass for another address/)).toBeNull();
  });

  it('shows no e-mail warning for a plain address', async () => {
    renderApp('/customer-users/cu-0001');
    expect(await screen.findByDisplayValue('user1@example.com')).toBeInTheDocument();
    expect(screen.queryByText(/can pass for another address/)).toBeNull();
  });
});

describe('Preferred Localization', () => {
  it('is hidden when the websites enable only one localization between them', async () => {
    const backend = new FakeBackend();
    backend.websites = backend.websites.map((w) => ({
      ...w,
      localizations: [{ id: 'loc-en', name: 'English (United States)' }],
    }));
    renderApp('/customer-users/create', { backend });
    await screen.findByText('E-mails about the account point to this website');
    await waitFor(() => expect(backend.callsOf('list_websites').length).toBeGreaterThan(0));
    await screen.findByLabelText('Buyer');
    expect(screen.queryByLabelText('Preferred Localization')).not.toBeInTheDocument();
  });

  it('shows the chosen website’s localizations and clears the choice when the website changes', async () => {
    const user = setupUser();
    renderApp('/customer-users/create');
    const select = await screen.findByLabelText('Preferred Localization');
    expect(select).toHaveAttribute('aria-disabled', 'true');

    await user.click(screen.getByRole('combobox', { name: 'Website' }));
    await user.click(await screen.findByText('Default', { selector: 'li' }));
    await user.click(screen.getByRole('combobox', { name: 'Preferred Localization' }));
    // Options of this menu only (the Website menu may still be closing).
    const optionsOf = async (label: string) =>
      within(await screen.findByRole('listbox', { name: label }))
        .getAllByRole('option')
        .map((o) => o.textContent);
    const options = await optionsOf('Preferred Localization');
    expect(options).toEqual(['None', 'English (United States)', 'German (Germany)']);
    await user.click(screen.getByText('German (Germany)', { selector: 'li' }));
    expect(screen.getByRole('combobox', { name: 'Preferred Localization' })).toHaveTextContent(
      'German (Germany)',
    );

    await user.click(screen.getByRole('combobox', { name: 'Website' }));
    await user.click(await screen.findByText('Europe', { selector: 'li' }));
    await waitFor(() =>
      expect(
        screen.getByRole('combobox', { name: 'Preferred Localization' }),
      ).not.toHaveTextContent('German (Germany)'),
    );
    await user.click(screen.getByRole('combobox', { name: 'Preferred Localization' }));
    const euOptions = await optionsOf('Preferred Localization');
    expect(euOptions).toEqual(['None', 'French (France)']);
  });
});
