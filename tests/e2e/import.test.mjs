// CSV import through the real desktop window: a file with one bad row is checked, the
// admin reads Oro's row error, fixes the file, checks again, imports, and finds the new
// users in the grid and the import in a user's History. The file path is typed into the
// dialog (its Browse… button opens GTK's own window, which WebDriver cannot reach).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  By,
  clickRole,
  clickVisible,
  fillByLabel,
  waitFor,
  waitForText,
  withApp,
} from './lib/app.mjs';

const HEADER = 'First Name,Last Name,Email Address,Customer Name,Roles 1 Role';
const rows = (secondEmail) =>
  [
    HEADER,
    'Ines,Imported,ines.imported@example.com,Acme Corporation,ROLE_FRONTEND_BUYER',
    `Ivo,Imported,${secondEmail},Acme Corporation,ROLE_FRONTEND_ADMINISTRATOR`,
  ].join('\n') + '\n';

/** A button of the open dialog (the toolbar behind it has an "Import" button too). */
const dialogButton = (name) =>
  By.xpath(`//*[@role='dialog']//button[normalize-space(.)='${name}']`);

test('import a file with a bad row: read the error, fix it, import, find the users', { timeout: 180_000 }, (t) =>
  withApp(t, async (driver, app) => {
    const file = path.join(app.tmpDir, 'new-buyers.csv');
    await writeFile(file, rows('ivo.imported@'));

    await clickRole(driver, 'button', 'Import');
    await fillByLabel(driver, 'File', file);
    await clickVisible(driver, dialogButton('Check file'));
    await waitForText(driver, 'Error in row #2. Email Address: This value is not a valid email address.');
    await waitForText(driver, '1 row has errors. Read: 2, to add: 1,');

    await writeFile(file, rows('ivo.imported@example.com'));
    await clickVisible(driver, dialogButton('Check again'));
    await waitForText(driver, 'The file is ready to import. Read: 2, to add: 2,');
    await clickVisible(driver, dialogButton('Import'));
    await waitForText(driver, 'Import finished. Read: 2, added: 2, updated: 0');
    await clickVisible(driver, dialogButton('Close'));

    await fillByLabel(driver, 'Quick search', 'imported@example.com');
    const emails = await waitFor(async () => {
      const text = await driver.executeScript(
        "return [...document.querySelectorAll('table tbody tr')].map((r) => r.innerText)",
      );
      const found = text.filter((r) => r.includes('imported@example.com'));
      return found.length === 2 && text.length === 2 ? found : null;
    });
    assert.ok(emails.some((r) => r.includes('ines.imported@example.com')));
    assert.ok(emails.some((r) => r.includes('ivo.imported@example.com')));

    await clickVisible(driver, By.xpath("//table//tbody//td[contains(., 'ines.imported@example.com')]"));
    await waitForText(driver, 'by import of new-buyers.csv (2 rows read)');
  }),
);
