// Customer user roles and back-office roles through the real desktop window (issue #12):
// create a role with a permission in its matrix, give it to a customer user, read the grant
// and its role on the user's page, see the core refuse to delete a role someone holds; then
// work as an admin whose back-office role (made on System › Users) lacks "Reset passwords"
// and find Reset Password unavailable, with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  By,
  clickRole,
  clickText,
  clickVisible,
  fillByLabel,
  findVisible,
  innerText,
  invoke,
  pickOption,
  waitFor,
  waitForText,
  withApp,
  xpathLiteral,
} from './lib/app.mjs';

const ROLE = 'Order Viewers';
const BACK_OFFICE_ROLE = 'Helpdesk';
const NO_RESET = 'Your back-office role does not have “Reset passwords”.';

/** Picks `option` (its value or its text) in the native select labelled `label`. */
async function selectOption(driver, label, option) {
  const select = By.xpath(`//select[@aria-label=${xpathLiteral(label)}]`);
  await waitFor(async () => (await findVisible(driver, select)).isEnabled(), {
    message: `the select "${label}" enabled`,
  });
  const lit = xpathLiteral(option);
  await clickVisible(driver, By.xpath(`//select[@aria-label=${xpathLiteral(label)}]/option[@value=${lit} or normalize-space(.)=${lit}]`));
  await waitFor(
    async () =>
      driver.executeScript(
        'const [select, option] = arguments; const chosen = select.selectedOptions[0];' +
          ' return select.value === option || (chosen && chosen.textContent.trim() === option);',
        await findVisible(driver, select),
        option,
      ),
    { message: `"${option}" chosen in "${label}"` },
  );
}

/** An enabled demo user who holds no Administrator role (its Corporate grants would cover ours). */
async function someBuyer(driver) {
  const page = await invoke(driver, 'list_customer_users', {
    query: { filter: { enabled: true, confirmed: true, authStatus: 'active' }, pageSize: 50 },
  });
  const user = page.rows.find((r) => !r.roles.includes('Administrator'));
  assert.ok(user, 'a demo user without the Administrator role');
  return user;
}

test('a role’s grant reaches its user; a held role is not deleted; a back-office role gates Reset Password', { timeout: 300_000 }, (t) =>
  withApp(t, async (driver) => {
    // Create the role: Order View at Department (Same Level).
    await driver.executeScript("window.location.hash = '#/customer-user-roles'");
    await clickText(driver, 'Create Customer User Role');
    await fillByLabel(driver, 'Label', ROLE);
    await selectOption(driver, 'Order View level', 'department');
    await clickRole(driver, 'button', 'Save');
    await waitForText(driver, 'Customer User Role has been saved');
    const [role] = await invoke(driver, 'list_customer_user_roles', { query: { label: ROLE, desc: false } });
    assert.equal(role.label, ROLE);
    assert.match(role.role, /^ROLE_FRONTEND_ORDER_VIEWERS_/);
    assert.equal(role.predefined, true);
    assert.deepEqual(role.permissions, { order: { view: 'department' } });
    // Its page shows the code the core made.
    await waitForText(driver, role.role);

    // Give it to a customer user on their edit form.
    const buyer = await someBuyer(driver);
    await driver.executeScript(`window.location.hash = '#/customer-users/${buyer.id}/edit'`);
    await clickText(driver, ROLE);
    await clickRole(driver, 'button', 'Save');
    await waitForText(driver, 'Customer User has been saved');
    const edited = await invoke(driver, 'get_customer_user', { id: buyer.id });
    assert.ok(edited.userRoles.some((r) => r.id === role.id), JSON.stringify(edited.userRoles));

    // The user's page (Save opens it): the grant, with the role it comes from.
    const orderView = By.xpath(
      "//table[@aria-label='Permissions granted']//tr[td[1][normalize-space(.)='Order'] and td[2][normalize-space(.)='View']]",
    );
    const grant = await waitFor(
      async () => {
        const text = await innerText(driver, orderView);
        return text.includes(ROLE) && text;
      },
      { timeout: 30_000, message: `the Order View grant naming ${ROLE}` },
    );
    assert.match(grant, /Department \(Same Level\)/);
    assert.match(grant, new RegExp(`from .*${ROLE}`));

    // The core refuses to delete a role someone holds, and the window says why.
    await driver.executeScript(`window.location.hash = '#/customer-user-roles/${role.id}/show'`);
    await waitForText(driver, role.role);
    await clickRole(driver, 'button', 'Delete');
    await clickVisible(driver, By.xpath("//*[@role='dialog']//button[normalize-space(.)='Confirm']"));
    await waitForText(driver, `The role "${ROLE}" cannot be deleted: 1 customer user still holds it. Take it from them first.`);
    assert.equal((await invoke(driver, 'get_customer_user_role', { id: role.id })).users, 1);

    // System › Users: a back-office role that may manage customer users but not reset
    // passwords, given to Ann Rivera.
    await driver.executeScript("window.location.hash = '#/back-office-users'");
    await clickRole(driver, 'button', 'Create back-office role');
    await fillByLabel(driver, 'Label', BACK_OFFICE_ROLE);
    await clickVisible(driver, By.xpath("//*[@role='dialog']//label[normalize-space(.)='Manage customer users']"));
    await clickVisible(driver, By.xpath("//*[@role='dialog']//button[normalize-space(.)='Save']"));
    await waitForText(driver, `The back-office role ${BACK_OFFICE_ROLE} was saved.`);
    await selectOption(driver, 'Back-office role of Ann Rivera', BACK_OFFICE_ROLE);
    await waitForText(driver, `Ann Rivera now has the back-office role ${BACK_OFFICE_ROLE}.`);

    // Settings › Current admin: work as Ann Rivera.
    await driver.executeScript("window.location.hash = '#/settings'");
    await clickVisible(
      driver,
      By.xpath("//label[normalize-space(.)='Back-office user']/following-sibling::*//*[@role='combobox']"),
    );
    await pickOption(driver, 'Ann Rivera (ann.rivera)');
    await clickRole(driver, 'button', 'Switch');
    await waitForText(driver, 'You are now working as Ann Rivera (ann.rivera).');
    assert.equal((await invoke(driver, 'current_admin')).username, 'ann.rivera');

    // The user's page: Reset Password is there but unavailable, and says why.
    await driver.executeScript(`window.location.hash = '#/customer-users/${buyer.id}/show'`);
    // Found again on each try: the button is wrapped anew once Ann's capabilities arrive.
    const resetButton = By.xpath("//button[normalize-space(.)='Reset Password']");
    const reset = await waitFor(
      async () => {
        const button = await findVisible(driver, resetButton);
        return !(await button.isEnabled()) && button;
      },
      { timeout: 30_000, message: 'Reset Password disabled' },
    );
    // The reason: its wrapper's title, or the tooltip's text while the pointer rests on it.
    const reason = await driver.executeScript(
      "const wrapper = arguments[0].parentElement; const tip = wrapper.getAttribute('aria-describedby');" +
        " return wrapper.getAttribute('title') || (tip && document.getElementById(tip)?.innerText) || '';",
      reset,
    );
    assert.equal(reason, NO_RESET);
    // What Helpdesk may do stays available.
    assert.equal(await (await findVisible(driver, By.xpath("//button[normalize-space(.)='Disable']"))).isEnabled(), true);
    // The core refuses it all the same.
    await assert.rejects(
      invoke(driver, 'reset_password', { id: buyer.id }),
      (e) => e.apiError?.code === 'forbidden',
    );
    assert.equal((await invoke(driver, 'get_customer_user', { id: buyer.id })).authStatus, 'active');
  }),
);
