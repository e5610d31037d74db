import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../dev/fakeBackend';
import { renderApp, setupUser } from '../../test/renderApp';

type User = ReturnType<typeof setupUser>;

const usd = (amount: number) =>
  new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' }).format(amount);

const withDisplay = (display: string) => {
  const backend = new FakeBackend();
  backend.settings.find((s) => s.key === 'quickActionsDisplay')!.value = display;
  return backend;
};

async function fillLine(user: User, form: HTMLElement, n: number, values: string[]) {
  const line = within(form).getByRole('group', { name: `Line ${n}` });
  for (const [i, name] of ['SKU', 'Name', 'Quantity', 'Price'].entries()) {
    const input = within(line).getByRole(name === 'Quantity' ? 'spinbutton' : 'textbox', { name });
    await user.clear(input);
    await user.type(input, values[i]);
  }
}

describe('The quick actions of the view page', () => {
  it('creates an order in a dialog; it shows in Orders, made by the current admin', async () => {
    const user = setupUser();
    const { backend } = renderApp('/customer-users/cu-0001/show');
    const orders = await screen.findByRole('region', { name: 'Orders' });
    expect(await within(orders).findByText('No orders')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Create order' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create order' });
    const form = within(dialog).getByRole('form', { name: 'Create order' });
    expect(within(form).getByRole('textbox', { name: 'Currency' })).toHaveValue('USD');
    expect(within(form).getByRole('combobox', { name: 'Status' })).toHaveTextContent('Open');
    await fillLine(user, form, 1, ['WID-1', 'Widget', '4', '12.50']);
    await user.click(within(form).getByRole('button', { name: 'Add line' }));
    await fillLine(user, form, 2, ['GAD-2', 'Gadget', '1', '149.00']);
    await user.click(within(form).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const table = await within(orders).findByRole('table', { name: 'Orders' });
    const [, order] = within(table).getAllByRole('row');
    expect(
      within(order)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['SO-1001', 'Open', usd(199), expect.any(String), expect.any(String), 'John Doe']);
    expect(backend.callsOf('create_related_record')).toEqual([
      {
        user: 'cu-0001',
        kind: 'order',
        input: {
          currency: 'USD',
          status: 'open',
          validUntil: null,
          items: [
            { sku: 'WID-1', name: 'Widget', quantity: 4, price: '12.50' },
            { sku: 'GAD-2', name: 'Gadget', quantity: 1, price: '149.00' },
          ],
        },
      },
    ]);

    // The row opens the order: every field, its line items, and the way back.
    await user.click(within(order).getByRole('link', { name: 'SO-1001' }));
    const items = await screen.findByRole('table', { name: 'Line items' });
    expect(window.location.hash).toMatch(/^#\/customer-users\/cu-0001\/related\/order\/order-/);
    expect(within(items).getAllByRole('row')[1]).toHaveTextContent(
      `WID-1Widget4${usd(12.5)}${usd(50)}`,
    );
    expect(within(items).getAllByRole('row')[2]).toHaveTextContent('GAD-2Gadget1');
    await user.click(screen.getByRole('link', { name: 'Back to Amanda Cole' }));
    expect(await screen.findByRole('region', { name: 'Orders' })).toBeInTheDocument();
    expect(window.location.hash).toBe('#/customer-users/cu-0001/show');
  });

  it('shows the core’s line errors under the line’s fields', async () => {
    const user = setupUser();
    renderApp('/customer-users/cu-0001/show');
    await user.click(await screen.findByRole('button', { name: 'Create quote' }));
    const form = await screen.findByRole('form', { name: 'Create quote' });
    expect(within(form).getByLabelText('Valid Until')).toBeInTheDocument();
    await fillLine(user, form, 1, [' ', 'Widget', '2', 'abc']);
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    const line = within(form).getByRole('group', { name: 'Line 1' });
    expect(await within(line).findByText('This value is not a valid price.')).toBeInTheDocument();
    expect(within(line).getByRole('textbox', { name: 'SKU' })).toHaveAccessibleDescription(
      'This value should not be blank.',
    );
  });

  it('opens the forms in place when the setting says so', async () => {
    const user = setupUser();
    renderApp('/customer-users/cu-0001/show', { backend: withDisplay('in_place') });
    const orders = await screen.findByRole('region', { name: 'Orders' });
    await user.click(screen.getByRole('button', { name: 'Create order' }));
    const form = within(orders).getByRole('form', { name: 'Create order' });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(within(orders).queryByRole('form')).not.toBeInTheDocument();
    expect(form).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Create address' }));
    const book = screen.getByRole('region', { name: 'Addresses' });
    expect(within(book).getByRole('form', { name: 'New address' })).toBeInTheDocument();
  });

  it('opens a window when the setting says so; the window’s form saves', async () => {
    const user = setupUser();
    const { backend, unmount } = renderApp('/customer-users/cu-0001/show', {
      backend: withDisplay('window'),
    });
    await user.click(await screen.findByRole('button', { name: 'Create quote' }));
    await waitFor(() =>
      expect(backend.callsOf('open_window')).toEqual([
        { path: '/customer-users/cu-0001/quick/quote', title: 'Create quote — Amanda Cole' },
      ]),
    );
    expect(screen.queryByRole('form')).not.toBeInTheDocument();
    unmount();

    renderApp('/customer-users/cu-0001/quick/quote', { backend });
    expect(
      await screen.findByRole('heading', { name: 'Create quote — Amanda Cole' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('navigation')).not.toBeInTheDocument();
    const form = screen.getByRole('form', { name: 'Create quote' });
    await fillLine(user, form, 1, ['WID-1', 'Widget', '2', '10']);
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    // Outside the desktop app the window cannot close: it goes to the user's page.
    const quotes = await screen.findByRole('region', { name: 'Quotes' });
    expect(await within(quotes).findByText('Q-1001')).toBeInTheDocument();
  });

  it('asks the activity timeline for a new note from "More actions"', async () => {
    const user = setupUser();
    renderApp('/customer-users/cu-0001/show');
    await user.click(await screen.findByRole('button', { name: 'More actions' }));
    await user.click(screen.getByRole('menuitem', { name: 'Add note' }));
    const editor = await screen.findByRole('dialog');
    expect(within(editor).getByRole('textbox', { name: 'Note' })).toBeInTheDocument();
  });
});
