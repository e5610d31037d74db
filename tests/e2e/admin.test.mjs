// Who acts: on the first launch on a new database the window asks which back-office user is
// working; the header shows them, and History names them on what they change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { By, byLabel, clickRole, clickText, findVisible, invoke, waitFor, waitForText, withApp } from './lib/app.mjs';

test('the first launch asks who is working, and History names them', { timeout: 300_000 }, (t) =>
  withApp(
    t,
    async (driver) => {
      await waitForText(driver, 'Who is working here?');
      await assert.rejects(
        invoke(driver, 'set_setting', { key: 'lockoutMaxAttempts', value: 5 }),
        (e) => e.apiError?.code === 'conflict',
        'nothing changes before someone is chosen',
      );

      await clickText(driver, 'Ann Rivera (ann.rivera)');
      await clickRole(driver, 'button', 'Continue');
      // innerText: WebKitWebDriver's getText reads this header label as empty.
      await waitFor(
        async () => {
          const label = await findVisible(driver, byLabel('Current admin'));
          const text = await driver.executeScript('return arguments[0].innerText', label);
          return text.includes('Ann Rivera (ann.rivera)');
        },
        { message: 'the header naming Ann Rivera' },
      );

      const user = (await invoke(driver, 'list_customer_users', { query: { filter: { enabled: true }, pageSize: 1 } }))
        .rows[0];
      await driver.executeScript(`window.location.hash = '#/customer-users/${user.id}/show'`);
      await clickRole(driver, 'button', 'Disable');
      await waitForText(driver, 'Customer User has been disabled');
      await driver.navigate().refresh();
      await findVisible(driver, By.xpath("//table//td[normalize-space(.)='ann.rivera']"));
      const history = await invoke(driver, 'customer_user_history', { id: user.id });
      assert.equal(history[0].actor, 'ann.rivera');
      assert.equal(history[0].via, 'window');
      assert.equal((await invoke(driver, 'current_admin')).username, 'ann.rivera');
    },
    { admin: null },
  ),
);
