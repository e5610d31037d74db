// The customer-user flows through the real desktop window: create (with a validation error
// shown in place, then fixed), find with a column filter and the quick search, edit, disable
// and enable, delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  By,
  byLabel,
  byText,
  clickRole,
  clickVisible,
  clickText,
  fillByLabel,
  findByLabel,
  findVisible,
  invoke,
  pickOption,
  waitFor,
  waitForText,
  withApp,
} from './lib/app.mjs';

/** The grid rows' text, one string a row. */
async function gridRows(driver) {
  const rows = await driver.findElements(By.css('table tbody tr'));
  return Promise.all(rows.map((r) => r.getText()));
}

async function openGrid(driver) {
  await driver.executeScript("window.location.hash = '#/customer-users'");
  await waitFor(async () => (await gridRows(driver)).length > 0, { timeout: 30_000, message: 'grid rows' });
}

/** Types into the quick search and waits until every row shows `expect`. */
async function quickSearch(driver, text, expect) {
  await fillByLabel(driver, 'Quick search', text);
  return waitFor(
    async () => {
      const rows = await gridRows(driver);
      return rows.length > 0 && rows.every((r) => r.includes(expect)) && rows;
    },
    { message: `grid rows all showing ${expect}` },
  );
}

test('create, find, edit, disable, enable and delete a customer user', { timeout: 300_000 }, (t) =>
  withApp(t, async (driver) => {
    await openGrid(driver);
    // An email the demo data already uses, to see the server's rule shown in place.
    const taken = (await invoke(driver, 'list_customer_users', { query: { pageSize: 1 } })).rows[0].email;

    await clickText(driver, 'Create Customer User');
    await fillByLabel(driver, 'First Name', 'Jerry');
    await fillByLabel(driver, 'Last Name', 'Coleman');
    await fillByLabel(driver, 'Email Address', taken);
    await fillByLabel(driver, 'Customer', 'Acme Corp');
    await pickOption(driver, 'Acme Corporation');
    await fillByLabel(driver, 'Password', 'Secret123');
    await fillByLabel(driver, 'Confirm Password', 'Secret123');
    await clickText(driver, 'Buyer');
    await clickRole(driver, 'button', 'Save');

    // The error sits under the Email Address input, and nothing was saved.
    const emailInput = await findByLabel(driver, 'Email Address');
    const helper = await waitFor(async () => {
      const id = await emailInput.getAttribute('aria-describedby');
      const el = id && (await driver.findElement(By.id(id.split(' ')[0])));
      const text = el && (await el.getText());
      return text && text.includes('This email is already used.') && text;
    }, { message: 'the email error under the Email Address input' });
    assert.match(helper, /This email is already used\./);
    assert.equal((await invoke(driver, 'list_customer_users', { query: { q: 'jerry.coleman@example.com' } })).rows.length, 0);

    await fillByLabel(driver, 'Email Address', 'jerry.coleman@example.com');
    await clickRole(driver, 'button', 'Save');
    await waitForText(driver, 'Customer User has been saved');

    // Find it with a column filter (Last Name is) …
    await openGrid(driver);
    await clickText(driver, 'Add filter');
    await clickText(driver, 'Last Name is');
    await fillByLabel(driver, 'Last Name is', 'coleman');
    const filtered = await waitFor(async () => {
      const rows = await gridRows(driver);
      return rows.length > 0 && rows.every((r) => /Coleman/i.test(r)) && rows;
    }, { message: 'rows filtered to Coleman' });
    assert.ok(filtered.some((r) => r.includes('jerry.coleman@example.com')));
    await clickRole(driver, 'button', 'Remove this filter');
    await waitFor(async () => (await driver.findElements(byLabel('Last Name is'))).length === 0, {
      message: 'the Last Name filter removed',
    });

    // … and with the quick search.
    await openGrid(driver);
    const [row] = await quickSearch(driver, 'jerry.coleman', 'jerry.coleman@example.com');
    assert.match(row, /Acme Corporation/);
    assert.match(row, /Jerry/);

    // Edit: open the row's view page, then Edit.
    await clickText(driver, 'jerry.coleman@example.com');
    await waitForText(driver, 'History');
    await clickRole(driver, 'button', 'Edit');
    await fillByLabel(driver, 'Last Name', 'Colman');
    await clickRole(driver, 'button', 'Save');
    await waitForText(driver, 'Customer User has been saved');
    const user = (await invoke(driver, 'list_customer_users', { query: { q: 'jerry.coleman@example.com' } })).rows[0];
    assert.equal(user.lastName, 'Colman');

    // Disable and enable from the view page.
    await driver.executeScript(`window.location.hash = '#/customer-users/${user.id}/show'`);
    await clickRole(driver, 'button', 'Disable');
    await waitForText(driver, 'Customer User has been disabled');
    assert.equal((await invoke(driver, 'get_customer_user', { id: user.id })).enabled, false);
    await clickRole(driver, 'button', 'Enable');
    await waitForText(driver, 'Customer User has been enabled');
    assert.equal((await invoke(driver, 'get_customer_user', { id: user.id })).enabled, true);
    // The History section lists the change of last name.
    await driver.navigate().refresh();
    await waitForText(driver, 'Coleman → Colman');

    // Delete, confirming the dialog.
    await clickRole(driver, 'button', 'Delete');
    await findVisible(driver, byText('Delete Customer User'));
    // The dialog's Confirm: the new user is unconfirmed, so the page has a Confirm action too.
    await clickVisible(driver, By.xpath("//*[@role='dialog']//button[normalize-space(.)='Confirm']"));
    await waitForText(driver, 'Customer User deleted');
    // The grid remembers the quick search, which now finds nobody.
    await driver.executeScript("window.location.hash = '#/customer-users'");
    assert.equal(await (await findByLabel(driver, 'Quick search')).getAttribute('value'), 'jerry.coleman');
    await waitForText(driver, 'No customer users match the current search and filters.');
    assert.equal((await invoke(driver, 'list_customer_users', { query: { q: 'jerry.coleman' } })).rows.length, 0);
  }),
);
