// Launch benchmark of the desktop app on a given database:
//
//   node tests/e2e/bench/launch.mjs PATH/TO/DB.sqlite3 [RUNS]
//
// Launch time: the app is started RUNS times straight on a private Xvfb display, without
// WebDriver (whose automation session holds the page back by most of a second). When the
// window has painted its first grid page, the UI tells the app, which logs "first grid page on
// screen N ms after launch"; the time counted here runs from the spawn to that line. Memory:
// the PSS (shared libraries counted once) of the app and of its WebKit processes at that
// moment, and in one more run driven through tauri-driver, after paging, sorting and a quick
// search. Set CUSTOMER_USERS_APP to the binary (e.g. target/release/customer-users-desktop).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appBinary, By, clickVisible, fillByLabel, killGroup, spawnGroup, startXvfb, waitFor, withApp } from '../lib/app.mjs';

const [dbPath, runsArg] = process.argv.slice(2);
if (!dbPath) {
  console.error('usage: node tests/e2e/bench/launch.mjs DB [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg || 5);

/** Proportional set size: private memory plus a fair share of libraries shared with others. */
const pssMb = (pid) => Number(/Pss:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))[1]) / 1024;
const children = (pid) => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter(Boolean);
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
const mb = (m) => `app ${m.app.toFixed(0)} MB + WebKit ${m.webkit.toFixed(0)} MB = ${(m.app + m.webkit).toFixed(0)} MB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const tmp = await mkdtemp(path.join(os.tmpdir(), 'cu-launch-'));
const { xvfb, display } = await startXvfb(path.join(tmp, 'xvfb.log'));
// One set of XDG folders for every run, as on a desktop: the first run starts cold.
const env = { ...process.env, DISPLAY: display, GDK_BACKEND: 'x11', NO_AT_BRIDGE: '1', CUSTOMER_USERS_LOG: 'info' };
for (const kind of ['DATA', 'CONFIG', 'CACHE', 'STATE']) env[`XDG_${kind}_HOME`] = path.join(tmp, kind.toLowerCase());
delete env.WAYLAND_DISPLAY;

const results = [];
try {
  for (let run = 1; run <= runs; run++) {
    const log = path.join(tmp, `app-${run}.log`);
    const spawned = Date.now();
    const app = spawnGroup(appBinary(), ['--db', dbPath], { env, logFile: log });
    try {
      const reported = await waitFor(
        async () => /first grid page on screen (\d+) ms after launch/.exec(await readFile(log, 'utf8')),
        { timeout: 60_000, interval: 5, message: `the first grid page (see ${log})` },
      );
      const seen = Date.now() - spawned;
      const mem = memory(app.pid);
      results.push({ seen, own: Number(reported[1]), mem });
      console.log(`run ${run}: first grid page ${seen} ms after spawn (${reported[1]} ms after main); ${mb(mem)}`);
    } finally {
      await killGroup(app);
    }
  }
} finally {
  await killGroup(xvfb);
  await rm(tmp, { recursive: true, force: true });
}

let afterWork;
await withApp(
  async (driver) => {
    const pid = execFileSync('pgrep', ['-n', '-f', 'customer-users-desktop --db']).toString().trim();
    const rows = () => driver.findElements(By.css('table tbody tr'));
    await waitFor(async () => (await rows()).length > 0, { timeout: 60_000, message: 'first grid row' });
    for (let i = 0; i < 5; i++) await clickVisible(driver, By.css('[aria-label="Go to next page"]'));
    await clickVisible(driver, By.xpath("//span[normalize-space(.)='Last Name']"));
    await fillByLabel(driver, 'Quick search', 'anna');
    await waitFor(async () => (await rows()).length > 0, { message: 'search rows' });
    afterWork = memory(pid);
  },
  { dbPath, name: 'launch-bench-work' },
);
console.log(`after 5 next pages, a sort and a quick search: ${mb(afterWork)}`);
const total = (m) => m.app + m.webkit;
console.log(
  `median over ${runs} launches: first grid page ${median(results.map((r) => r.seen))} ms after spawn; ` +
    `memory at first page median ${median(results.map((r) => total(r.mem))).toFixed(0)} MB, after work ${total(afterWork).toFixed(0)} MB`,
);
