// Launch benchmark of the real desktop window on a given database:
//
//   node tests/e2e/bench/launch.mjs PATH/TO/DB.sqlite3 [RUNS]
//
// For each run it starts the app under Xvfb through tauri-driver and measures, from the app
// process's start (its /proc start time) to the first grid row being on screen, then the
// memory of the app process and of its WebKit processes, after the first page and
// again after paging, sorting and a quick search (PSS: shared libraries counted once). Set CUSTOMER_USERS_APP to the binary
// (e.g. target/release/customer-users-desktop).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { By, fillByLabel, waitFor, withApp } from '../lib/app.mjs';

const [dbPath, runsArg] = process.argv.slice(2);
if (!dbPath) {
  console.error('usage: node tests/e2e/bench/launch.mjs DB [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg || 3);
const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString());
const bootTime = Number(/btime (\d+)/.exec(readFileSync('/proc/stat', 'utf8'))[1]);

const newest = (pattern) => execFileSync('pgrep', ['-n', '-f', pattern]).toString().trim();
/** When a process started, in ms since the epoch. */
function startedAt(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (bootTime + Number(fields[19]) / ticks) * 1000;
}
/** Proportional set size: private memory plus a fair share of libraries shared with others. */
const pssMb = (pid) => Number(/Pss:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))[1]) / 1024;
const children = (pid) => {
  try {
    return execFileSync('pgrep', ['-P', pid]).toString().trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
};
/** PSS of the app and of every process below it (WebKit's web and network processes). */
function memory(pid) {
  const below = [];
  const walk = (p) => children(p).forEach((c) => (below.push(c), walk(c)));
  walk(pid);
  return { app: pssMb(pid), webkit: below.reduce((sum, p) => sum + pssMb(p), 0) };
}
const rows = (driver) => driver.findElements(By.css('table tbody tr'));

const results = [];
for (let run = 1; run <= runs; run++) {
  await withApp(
    async (driver) => {
      const pid = await waitFor(() => newest('customer-users-desktop --db'), { message: 'the app process' });
      await waitFor(async () => (await rows(driver)).length > 0, { timeout: 60_000, interval: 10, message: 'first grid row' });
      const firstRow = Date.now() - startedAt(pid);
      const atFirstPage = memory(pid);
      // Some work: next pages, a sort, a quick search.
      for (let i = 0; i < 5; i++) {
        const next = await driver.findElement(By.css('[aria-label="Go to next page"]'));
        await next.click();
      }
      await driver.findElement(By.xpath("//span[normalize-space(.)='Last Name']")).click();
      await fillByLabel(driver, 'Quick search', 'anna');
      await waitFor(async () => (await rows(driver)).length > 0, { message: 'search rows' });
      const afterWork = memory(pid);
      results.push({ run, firstRow, atFirstPage, afterWork });
      console.log(
        `run ${run}: first grid row ${firstRow.toFixed(0)} ms after launch; PSS at first page app ${atFirstPage.app.toFixed(0)} MB + WebKit ${atFirstPage.webkit.toFixed(0)} MB; after paging/sort/search app ${afterWork.app.toFixed(0)} MB + WebKit ${afterWork.webkit.toFixed(0)} MB`,
      );
    },
    { dbPath, name: `launch-bench-${run}` },
  );
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `median over ${runs} runs: first grid row ${median(results.map((r) => r.firstRow)).toFixed(0)} ms; ` +
    `peak PSS app ${Math.max(...results.map((r) => r.afterWork.app)).toFixed(0)} MB, ` +
    `app + WebKit ${Math.max(...results.map((r) => r.afterWork.app + r.afterWork.webkit)).toFixed(0)} MB`,
);
