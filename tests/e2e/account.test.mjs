// Account lifecycle through the real desktop window: an admin password reset whose e-mail
// reaches a real SMTP server on loopback, unlocking a user locked by failed sign-ins (made
// with the CLI on the same database), and a bulk action on a grid selection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import {
  By,
  clickRole,
  clickVisible,
  fillByLabel,
  invoke,
  REPO_ROOT,
  waitFor,
  waitForText,
  withApp,
} from './lib/app.mjs';

const cli = () =>
  process.env.CUSTOMER_USERS_CLI || path.join(REPO_ROOT, 'target', 'debug', 'customer-users');

/** Runs the CLI on the app's database; returns its exit status and output. */
function runCli(dbPath, args, input = '') {
  const out = spawnSync(cli(), ['--db', dbPath, ...args], { input, encoding: 'utf8' });
  if (out.error) throw out.error;
  return out;
}

/** A real SMTP server on a free loopback port, keeping every message it accepts. */
async function startSmtp() {
  const mails = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      let data = '';
      stream.on('data', (chunk) => (data += chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        done();
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { mails, port: server.server.address().port, close: () => new Promise((r) => server.close(r)) };
}

/** Quoted-printable soft breaks and `=3D` undone, as a mail reader shows the text. */
const readable = (data) => data.replace(/=\r?\n/g, '').replace(/=3D/g, '=');

/** The grid rows' text, one string a row: every cell, also those the sticky actions cover. */
async function gridRows(driver) {
  return driver.executeScript(
    "return [...document.querySelectorAll('table tbody tr')].map((r) => r.innerText.replace(/\\s+/g, ' '))",
  );
}

/** Opens the grid with the quick search set to `text` and waits until every row shows `expect`. */
async function searchGrid(driver, text, expect) {
  await driver.executeScript("window.location.hash = '#/customer-users'");
  await fillByLabel(driver, 'Quick search', text);
  return waitFor(
    async () => {
      const rows = await gridRows(driver);
      return rows.length > 0 && rows.every((r) => r.includes(expect)) && rows;
    },
    { timeout: 30_000, message: `grid rows all showing ${expect}` },
  );
}

/** Demo users who may sign in: enabled, confirmed, Active. */
async function activeUsers(driver, count) {
  const page = await invoke(driver, 'list_customer_users', {
    query: { filter: { enabled: true, confirmed: true, authStatus: 'active' }, pageSize: count },
  });
  assert.equal(page.rows.length, count);
  return page.rows;
}

test('reset a password from the view page; the e-mail arrives with a working link', { timeout: 300_000 }, async (t) => {
  const smtp = await startSmtp();
  t.after(smtp.close);
  await withApp(t, async (driver) => {
    for (const [key, value] of [
      ['smtpHost', '127.0.0.1'],
      ['smtpPort', smtp.port],
      ['smtpEncryption', 'none'],
      ['emailFrom', 'shop@example.com'],
    ]) {
      await invoke(driver, 'set_setting', { key, value });
    }
    const [user] = await activeUsers(driver, 1);
    await driver.executeScript(`window.location.hash = '#/customer-users/${user.id}/show'`);
    await clickRole(driver, 'button', 'Reset Password');
    await waitForText(
      driver,
      `Customer user ${user.email} will receive the email to reset password and will be disabled from login.`,
    );
    await clickVisible(driver, By.xpath("//*[@role='dialog']//button[normalize-space(.)='Reset Password']"));
    await waitForText(driver, `Password reset request has been sent to ${user.email}.`);
    const shown = await invoke(driver, 'get_customer_user', { id: user.id });
    assert.equal(shown.authStatus, 'reset');

    // The background delivery sends it at once; the link carries the website and a token.
    const mail = await waitFor(() => smtp.mails.find((m) => m.to.includes(user.email)), {
      timeout: 30_000,
      message: 'the reset e-mail at the SMTP server',
    });
    const text = readable(mail.data);
    assert.match(text, /Subject: Please reset your password/);
    const token = /\/customer\/user\/reset\?token=([A-Za-z0-9_-]{43})/.exec(text)?.[1];
    assert.ok(token, text);
    // The view page shows when the link went out and when it expires.
    await driver.navigate().refresh();
    await waitForText(driver, 'Reset Link Expires At');
    const sent = await invoke(driver, 'get_customer_user', { id: user.id });
    assert.ok(sent.passwordRequestedAt && sent.resetLinkExpiresAt);
    assert.equal(Date.parse(sent.resetLinkExpiresAt) - Date.parse(sent.passwordRequestedAt), 86_400_000);
    const outbox = await invoke(driver, 'list_outbox', { query: { customerUserId: user.id } });
    assert.equal(outbox[0].state, 'sent');
    assert.ok(!outbox[0].body.includes(token), 'the outbox never shows the token');
  });
});

test('unlock a user locked by failed sign-ins from the grid row', { timeout: 300_000 }, (t) =>
  withApp(t, async (driver, app) => {
    const [user] = await activeUsers(driver, 1);
    for (let i = 0; i < 10; i++) {
      const out = runCli(app.dbPath, ['--json', 'auth', 'check', user.email, '--source', 'e2e'], 'Wrong-password-1');
      assert.equal(out.status, 5, out.stderr);
    }
    const [row] = await searchGrid(driver, user.email, user.email);
    assert.match(row, /Locked/);
    await clickRole(driver, 'button', 'More actions');
    await clickRole(driver, 'menuitem', 'Unlock');
    await waitForText(driver, `${user.email} has been unlocked.`);
    await waitFor(async () => (await gridRows(driver)).every((r) => r.includes('Active')), {
      message: 'the row showing Active',
    });
    const after = await invoke(driver, 'get_customer_user', { id: user.id });
    assert.equal(after.authStatus, 'active');
    assert.equal(after.lockedAt, null);
  }),
);

test('disable a selection of users with a bulk action and read the summary', { timeout: 300_000 }, (t) =>
  withApp(t, async (driver) => {
    const [someone] = await activeUsers(driver, 1);
    await searchGrid(driver, someone.customerName, someone.customerName);
    const emails = (await gridRows(driver)).slice(0, 2).map((text) => /\S+@\S+/.exec(text)[0]);
    for (let i = 1; i <= 2; i++) {
      await clickVisible(driver, By.css(`table tbody tr:nth-child(${i}) .MuiCheckbox-root`));
    }
    // The selection's toolbar, not a row's own Disable button.
    await clickVisible(
      driver,
      By.xpath("//*[contains(@class, 'RaBulkActionsToolbar-toolbar')]//button[normalize-space(.)='Disable']"),
    );
    await waitForText(driver, 'Disabled 2 customer users.');
    await waitForText(driver, 'Nothing was skipped.');
    for (const email of emails) {
      const user = (await invoke(driver, "list_customer_users", { query: { q: email } })).rows.find((r) => r.email === email);
      assert.equal(user.enabled, false, email);
    }
  }),
);
