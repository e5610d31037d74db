// A quick action in a window of its own (issue #13): with "Quick actions open their form"
// set to a new window, Create order opens a second desktop window on the form; saving there
// records the order with the admin as Created By, closes that window, and the user's page in
// the main window shows the order in its Orders grid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  By,
  clickRole,
  clickVisible,
  fillOrderLine,
  gridRowText,
  invoke,
  waitFor,
  waitForOrder,
  waitForText,
  withApp,
} from './lib/app.mjs';

test('Create order opens its form in a new window when the setting says so', { timeout: 300_000 }, (t) =>
  withApp(t, async (driver) => {
    await invoke(driver, 'set_setting', { key: 'quickActionsDisplay', value: 'window' });
    const page = await invoke(driver, 'list_customer_users', { query: { pageSize: 1 } });
    const user = page.rows[0];
    const main = await driver.getWindowHandle();
    await driver.executeScript(`window.location.hash = '#/customer-users/${user.id}/show'`);
    await clickRole(driver, 'button', 'Create order');
    const handles = await waitFor(async () => {
      const all = await driver.getAllWindowHandles();
      return all.length === 2 && all;
    }, { timeout: 30_000, message: 'a second window' });
    await driver.switchTo().window(handles.find((h) => h !== main));
    await waitForText(driver, 'Create order', { timeout: 30_000 });
    await fillOrderLine(driver, { sku: 'WIN-1', name: 'Hard Hat', quantity: '2', price: '5.25' });
    await clickVisible(driver, By.xpath("//button[normalize-space(.)='Save']"));
    await driver.switchTo().window(main);
    await waitFor(async () => (await driver.getAllWindowHandles()).length === 1, {
      timeout: 30_000,
      message: 'the quick action window closed after saving',
    });
    const admin = await invoke(driver, 'current_admin');
    const order = await waitForOrder(driver, user.id, 'WIN-1');
    assert.equal(order.total, '10.50');
    assert.equal(order.createdBy?.name, admin.name);
    const rowText = await gridRowText(driver, 'Orders', order.number);
    assert.ok(rowText.includes(admin.name), rowText);
  }),
);
