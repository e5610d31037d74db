// CSV export through the running app: the command the Export button calls, given a file
// (the native save dialog is GTK's own window, which WebDriver cannot reach), streams Oro's
// CSV with progress reported to the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { invoke, withApp } from './lib/app.mjs';

test('export every customer user as Oro’s CSV with progress', { timeout: 120_000 }, (t) =>
  withApp(t, async (driver, app) => {
    const file = path.join(app.tmpDir, 'export.csv');
    const result = await driver.executeAsyncScript(
      `const [file, done] = arguments;
       const progress = [];
       const id = window.__TAURI_INTERNALS__.transformCallback((message) => {
         // A channel delivers {index, message} and a final {end} marker.
         if (message && message.message) progress.push(message.message);
       });
       window.__TAURI_INTERNALS__
         .invoke('export_customer_users', { query: {}, path: file, onProgress: '__CHANNEL__:' + id })
         .then((summary) => done({ summary, progress }), (error) => done({ error }));`,
      file,
    );
    assert.ok(!result.error, JSON.stringify(result.error));
    const csv = await readFile(file, 'utf8');
    const lines = csv.trim().split('\n');
    assert.match(lines[0], /^ID,Name Prefix,First Name,Middle Name,Last Name,Name Suffix,Birthday,Email Address,Customer Id,Customer Name,Roles 1 Role,/);
    // Oro's columns, then one per field the organization defined (System › Customer User Fields).
    const fields = await invoke(driver, 'list_customer_user_fields');
    assert.ok(fields.length > 0, 'the demo defines fields of its own');
    assert.ok(
      lines[0].endsWith(`,Guest,Enabled,Confirmed,Owner Username,Website Id,Owner Id,${fields.map((f) => f.label).join(',')}`),
      lines[0],
    );
    const everyone = await invoke(driver, 'list_customer_users', { query: { pageSize: 500 } });
    assert.equal(lines.length - 1, everyone.rows.length);
    assert.equal(result.summary.exported, everyone.rows.length);
    assert.equal(result.summary.message, `${everyone.rows.length} customer users were exported.`);
    const last = result.progress.at(-1);
    assert.deepEqual(last, { done: everyone.rows.length, total: everyone.rows.length });
  }),
);
