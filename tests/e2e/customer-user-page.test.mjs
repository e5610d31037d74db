// The customer user's page through the real desktop window (issue #13): add an address with
// a region picked from the country's list, read the user's accepted consents, create an
// order through a quick action and find it in the user's orders with Created By, add a note
// and see it at the top of the timeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  By,
  clickRole,
  clickVisible,
  fillByLabel,
  fillOrderLine,
  gridRowText,
  innerText,
  invoke,
  pickOption,
  waitFor,
  waitForOrder,
  waitForText,
  withApp,
  xpathLiteral,
} from './lib/app.mjs';

/** Types `text` into the combobox labelled `label` and picks the option `option`. */
async function pick(driver, label, text, option) {
  await fillByLabel(driver, label, text);
  await pickOption(driver, option);
}

test('an address with a region, the accepted consents, an order by quick action and a note, on the user’s page', { timeout: 300_000 }, (t) =>
  withApp(t, async (driver) => {
    // The first demo users have a full page: consents accepted among the rest.
    const page = await invoke(driver, 'list_customer_users', { query: { sort: { field: 'id', order: 'ASC' }, pageSize: 1 } });
    const user = page.rows[0];
    const consents = await invoke(driver, 'customer_user_consents', { id: user.id });
    const accepted = consents.find((c) => c.acceptedAt);
    assert.ok(accepted, `the demo user accepted a consent: ${JSON.stringify(consents)}`);
    await driver.executeScript(`window.location.hash = '#/customer-users/${user.id}/show'`);

    // Consents: the accepted one says so, with its time.
    const consentRow = By.xpath(
      `//table[@aria-label='Consents']//tr[td[1][contains(normalize-space(.), ${xpathLiteral(accepted.consent.name)})]]`,
    );
    const consentText = await waitFor(async () => {
      const text = await innerText(driver, consentRow);
      return !/Not accepted/.test(text) && text;
    }, { timeout: 30_000, message: `${accepted.consent.name} shown as accepted` });
    assert.match(consentText, /\d/, `the time accepted is shown: ${consentText}`);

    // Address book: Germany needs a region, picked from its list.
    await clickRole(driver, 'button', 'Add address');
    await fillByLabel(driver, 'Street', 'Unter den Linden 1');
    await fillByLabel(driver, 'City', 'Berlin');
    await fillByLabel(driver, 'Postal Code', '10117');
    await pick(driver, 'Country', 'Germany', 'Germany (DE)');
    await clickVisible(driver, By.xpath("//form[@aria-label='New address']//button[normalize-space(.)='Save']"));
    await waitForText(driver, 'State is required for country Germany');
    await pick(driver, 'Region', 'Berl', 'Berlin');
    await clickVisible(driver, By.xpath("//form[@aria-label='New address']//button[normalize-space(.)='Save']"));
    await waitForText(driver, 'The address was saved.');
    const stored = await invoke(driver, 'get_customer_user', { id: user.id });
    const added = stored.addresses.find((a) => a.street === 'Unter den Linden 1');
    assert.ok(added, JSON.stringify(stored.addresses));
    assert.equal(added.country, 'DE');
    assert.equal(added.region, 'DE-BE');
    assert.equal(added.regionName, 'Berlin');

    // Quick action: Create order (the default setting opens it in a dialog).
    await clickRole(driver, 'button', 'Create order');
    const dialog = "//*[@role='dialog']";
    await fillOrderLine(driver, { sku: 'E2E-1', name: 'Safety Boots', quantity: '3', price: '19.99' });
    await clickVisible(driver, By.xpath(`${dialog}//button[normalize-space(.)='Save']`));
    const admin = await invoke(driver, 'current_admin');
    const order = await waitForOrder(driver, user.id, 'E2E-1');
    assert.equal(order.total, '59.97');
    assert.equal(order.createdBy?.name, admin.name);
    // The Orders grid on the page shows it with Created By.
    const rowText = await gridRowText(driver, 'Orders', order.number);
    assert.ok(rowText.includes(admin.name), rowText);

    // A note, at the top of the timeline.
    await clickRole(driver, 'button', 'Add note');
    await fillByLabel(driver, 'Note', 'Called about the e2e order.');
    await clickVisible(driver, By.xpath("//*[@role='dialog']//button[normalize-space(.)='Save']"));
    await waitForText(driver, 'Called about the e2e order.');
    const notes = await invoke(driver, 'customer_user_activity', { id: user.id, kinds: ['note'] });
    assert.equal(notes[0].body, 'Called about the e2e order.');
    assert.equal(notes[0].by?.name, admin.name);
  }),
);
