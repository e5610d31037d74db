import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

type User = ReturnType<typeof setupUser>;

const addressBook = () => screen.findByRole('region', { name: 'Addresses' });

/** Picks `option` in the autocomplete `name` of `form`, typing `typed` to find it. */
async function pick(user: User, form: HTMLElement, name: string, typed: string, option: string) {
  const input = within(form).getByRole('combobox', { name });
  await user.type(input, typed);
  await user.click(await screen.findByRole('option', { name: option }));
}

/** Opens the new address form of `book` and fills its label, street, city and postal code. */
async function openNewAddress(user: User, book: HTMLElement) {
  await user.click(within(book).getByRole('button', { name: 'Add address' }));
  const form = within(book).getByRole('form', { name: 'New address' });
  await user.type(within(form).getByRole('textbox', { name: 'Label' }), 'Head office');
  await user.type(within(form).getByRole('textbox', { name: 'Street' }), '1 Market St');
  await user.type(within(form).getByRole('textbox', { name: 'City' }), 'San Francisco');
  await user.type(within(form).getByRole('textbox', { name: 'Postal Code' }), '94105');
  return form;
}

describe('The address book of the view page', () => {
  it('adds an address with a region and shows it', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users/cu-0001/show');
    const book = await addressBook();
    expect(within(book).getByText('No addresses')).toBeInTheDocument();

    const form = await openNewAddress(user, book);
    // Countries are found by their code as well as their name.
    await pick(user, form, 'Country', 'US', 'United States (US)');
    await pick(user, form, 'Region', 'Calif', 'California');
    expect(within(form).getByRole('checkbox', { name: 'Default billing' })).toBeDisabled();
    await user.click(within(form).getByRole('checkbox', { name: 'Billing' }));
    await user.click(within(form).getByRole('checkbox', { name: 'Default billing' }));
    await user.click(within(form).getByRole('button', { name: 'Save' }));

    const card = await within(book).findByRole('article', { name: 'Head office' });
    expect(within(book).queryByRole('form')).not.toBeInTheDocument();
    expect(card).toHaveTextContent('1 Market St');
    expect(card).toHaveTextContent('San Francisco, California 94105');
    expect(card).toHaveTextContent('United States');
    expect(within(card).getByText('Default billing')).toBeInTheDocument();
    expect(backend.callsOf('add_customer_user_address')).toEqual([
      {
        user: 'cu-0001',
        input: expect.objectContaining({
          street: '1 Market St',
          country: 'US',
          region: 'US-CA',
          regionText: null,
          types: ['billing'],
          defaults: ['billing'],
        }),
      },
    ]);
  });

  it('shows the core’s "region required" under Region; Escape cancels', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users/cu-0001/show');
    const book = await addressBook();
    const form = await openNewAddress(user, book);
    await pick(user, form, 'Country', 'United', 'United States (US)');
    // Enter in a text field saves.
    await user.type(within(form).getByRole('textbox', { name: 'Phone' }), '555{Enter}');

    const region = within(form).getByRole('combobox', { name: 'Region' });
    await waitFor(() =>
      expect(region).toHaveAccessibleDescription('State is required for country United States'),
    );
    expect(backend.find('cu-0001').addresses).toEqual([]);

    await user.keyboard('{Escape}');
    expect(within(book).queryByRole('form')).not.toBeInTheDocument();
  });

  it('takes a typed region for a country without regions', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users/cu-0001/show');
    const book = await addressBook();
    const form = await openNewAddress(user, book);
    await pick(user, form, 'Country', 'Singa', 'Singapore (SG)');
    await user.type(within(form).getByRole('textbox', { name: 'Region' }), 'Central');
    await user.click(within(form).getByRole('button', { name: 'Save' }));

    const card = await within(book).findByRole('article', { name: 'Head office' });
    expect(card).toHaveTextContent('San Francisco, Central 94105');
    expect(backend.callsOf('add_customer_user_address')[0].input).toMatchObject({
      country: 'SG',
      region: null,
      regionText: 'Central',
    });
  });

  it('edits an address in place and deletes one after confirming', async () => {
    const backend = new FakeBackend();
    for (const label of ['Home', 'Office'])
      backend.userPage.addAddress('cu-0001', {
        label,
        street: `${label} street 1`,
        city: 'Austin',
        postalCode: '73301',
        country: 'US',
        region: 'US-TX',
        types: ['shipping'],
        defaults: label === 'Home' ? ['shipping'] : [],
      });
    const user = setupUser();
    renderApp('/customer-users/cu-0001/show', { backend });
    const book = await addressBook();

    const office = within(book).getByRole('article', { name: 'Office' });
    await user.click(within(office).getByRole('button', { name: 'Edit' }));
    const form = within(book).getByRole('form', { name: 'Edit address' });
    await waitFor(() =>
      expect(within(form).getByRole('combobox', { name: 'Region' })).toHaveValue('Texas'),
    );
    await user.click(within(form).getByRole('checkbox', { name: 'Default shipping' }));
    await user.click(within(form).getByRole('button', { name: 'Save' }));

    // One default per type: the office takes it from home.
    const saved = await within(book).findByRole('article', { name: 'Office' });
    expect(within(saved).getByText('Default shipping')).toBeInTheDocument();
    const home = within(book).getByRole('article', { name: 'Home' });
    expect(within(home).queryByText('Default shipping')).not.toBeInTheDocument();

    await user.click(within(home).getByRole('button', { name: 'Delete' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete address' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() =>
      expect(within(book).queryByRole('article', { name: 'Home' })).not.toBeInTheDocument(),
    );
    expect(backend.find('cu-0001').addresses.map((a) => a.label)).toEqual(['Office']);
  });
});
