// Smoke test: the real desktop window starts on a fresh database and renders the UI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { bodyText, waitFor, withApp } from './lib/app.mjs';

test('the main window opens, is titled "Customer Users" and renders', { timeout: 120_000 }, (t) =>
  withApp(t, async (driver, app) => {
    const title = await waitFor(async () => (await driver.getTitle()) === 'Customer Users' && 'ok', {
      timeout: 30_000,
      message: 'document title "Customer Users"',
    }).catch(async (error) => {
      error.message += ` (title is ${JSON.stringify(await driver.getTitle())})`;
      throw error;
    });
    assert.equal(title, 'ok');

    const text = await waitFor(() => bodyText(driver), {
      timeout: 30_000,
      message: 'a non-empty page body',
    });
    assert.ok(text.length > 0);

    // The database given with --db through tauri-driver reached the app.
    const log = await readFile(app.logFile, 'utf8');
    assert.match(log, new RegExp(`database: ${app.dbPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(from --db\\)`));

    if (process.env.E2E_SCREENSHOTS === '1') await app.screenshot('window');
  }),
);
