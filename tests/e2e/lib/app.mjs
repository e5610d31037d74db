// Drives the real Customer Users desktop window: Xvfb -> tauri-driver -> WebKitWebDriver -> app.
//
//   import { withApp, findByText, findByLabel, waitFor } from './lib/app.mjs';
//   test('…', { timeout: 120_000 }, (t) => withApp(t, async (driver, app) => { … }));
//
// Every withApp() call starts its own Xvfb display, a private D-Bus session bus (no service
// activation), tauri-driver on free ports and the app on a fresh, empty database in a temporary
// directory (XDG dirs and XDG_RUNTIME_DIR there too, so nothing touches $HOME),
// and tears all of it down afterwards, also when the test fails or times out. On failure it
// saves a screenshot, the page source and the logs in tests/e2e/artifacts/.
//
// Environment:
//   CUSTOMER_USERS_APP  the app binary (default <repo>/target/debug/customer-users-desktop)
//   TAURI_DRIVER        the tauri-driver binary (default: PATH, then ~/.cargo/bin/tauri-driver)
//   E2E_KEEP=1          keep the temporary directory (database, logs) for inspection
//   CUSTOMER_USERS_LOG  the app's log filter (default "info")
//   E2E_SCREENSHOTS=1   tests may save screenshots of passing runs too (app.screenshot(name))

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import selenium from 'selenium-webdriver';

export const { Builder, By, Key, until } = selenium;

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = path.resolve(HERE, '..');
export const REPO_ROOT = path.resolve(E2E_DIR, '..', '..');
export const ARTIFACTS_DIR = path.join(E2E_DIR, 'artifacts');
export const APP_IDENTIFIER = 'org.customerusers.desktop';

export const appBinary = () =>
  process.env.CUSTOMER_USERS_APP ||
  path.join(REPO_ROOT, 'target', 'debug', 'customer-users-desktop');

function tauriDriverBinary() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const candidate = path.join(dir, 'tauri-driver');
    if (dir && existsSync(candidate)) return candidate;
  }
  const cargoBin = path.join(os.homedir(), '.cargo', 'bin', 'tauri-driver');
  if (existsSync(cargoBin)) return cargoBin;
  throw new Error(
    "tauri-driver not found: run scripts/install-deps.sh (cargo install tauri-driver --version '^2' --locked)",
  );
}

// ---------------------------------------------------------------------------------------------
// Waiting

/** Resolves after `ms` on an unref'd timer: for timeouts raced against real work, so a won race
 * does not keep the test process alive. Use waitFor() to wait for a condition. */
const sleep = (ms) => delay(ms, undefined, { ref: false });

/**
 * Polls `condition` until it returns a truthy value and returns that value. Exceptions thrown by
 * the condition (element not found yet, stale element, …) count as "not yet".
 */
export async function waitFor(condition, { timeout = 15_000, interval = 100, message } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value;
    } catch (error) {
      if (error?.fatal) throw error; // no point in waiting any longer
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = message || condition.toString().slice(0, 200);
      const why = lastError ? ` (last error: ${lastError.message || lastError})` : '';
      throw new Error(`timed out after ${timeout} ms waiting for: ${what}${why}`);
    }
    await delay(interval);
  }
}

// ---------------------------------------------------------------------------------------------
// Finding elements (XPath 1.0, which WebKitWebDriver evaluates natively)

/** An XPath string literal for any text, quotes included. */
export function xpathLiteral(text) {
  if (!text.includes("'")) return `'${text}'`;
  if (!text.includes('"')) return `"${text}"`;
  return `concat(${text
    .split("'")
    .map((part) => `'${part}'`)
    .join(`, "'", `)})`;
}

/**
 * Locator for the innermost elements whose visible text is `text` (whitespace-normalised).
 * `exact: false` matches text containing `text`. `tag` narrows the element type ('button', …).
 */
export function byText(text, { exact = true, tag = '*' } = {}) {
  const lit = xpathLiteral(text);
  const match = exact ? `normalize-space(.)=${lit}` : `contains(normalize-space(.), ${lit})`;
  return By.xpath(`//${tag}[${match}][not(.//*[${match}])]`);
}

/**
 * Locator for a form control by its label: aria-label, <label for=…>, a control inside its
 * <label>, aria-labelledby, or (last resort) its placeholder. MUI appends " *" to required labels; the label's first text node
 * still equals the plain label, which is matched too.
 */
export function byLabel(label) {
  const lit = xpathLiteral(label);
  const labelMatch = `(normalize-space(.)=${lit} or normalize-space(text())=${lit})`;
  const control = 'self::input or self::textarea or self::select or @role="combobox" or @contenteditable="true"';
  return By.xpath(
    [
      `//*[@aria-label=${lit}]`,
      `//*[@id=//label[${labelMatch}]/@for]`,
      `//label[${labelMatch}]//*[${control}]`,
      `//*[@aria-labelledby=//*[${labelMatch}]/@id]`,
      `//*[self::input or self::textarea][@placeholder=${lit}]`,
    ].join(' | '),
  );
}

/**
 * Locator for an element by role ('button', 'link', 'menuitem', 'tab', 'checkbox', …) and
 * accessible name (its text, aria-label or title). 'button' also matches links styled as MUI
 * buttons, which react-admin uses for Create/Edit/Show buttons.
 */
export function byRole(role, name) {
  const lit = xpathLiteral(name);
  const named = `(normalize-space(.)=${lit} or @aria-label=${lit} or @title=${lit})`;
  const parts = [`//*[@role=${xpathLiteral(role)}][${named}]`];
  if (role === 'button') {
    parts.push(`//button[${named}]`, `//a[contains(@class, 'MuiButton-root')][${named}]`);
  } else if (role === 'link') {
    parts.push(`//a[${named}]`);
  } else if (role === 'textbox') {
    parts.push(`//input[${named}]`, `//textarea[${named}]`);
  }
  return By.xpath(parts.join(' | '));
}

/** Waits for the first displayed element matching `locator` and returns it. */
export async function findVisible(driver, locator, { timeout = 15_000 } = {}) {
  return waitFor(
    async () => {
      for (const element of await driver.findElements(locator)) {
        if (await element.isDisplayed()) return element;
      }
      return null;
    },
    { timeout, message: `a visible element ${locator}` },
  );
}

export const findByText = (driver, text, options = {}) =>
  findVisible(driver, byText(text, options), options);
export const findByLabel = (driver, label, options = {}) =>
  findVisible(driver, byLabel(label), options);
export const findByRole = (driver, role, name, options = {}) =>
  findVisible(driver, byRole(role, name), options);

/**
 * Finds the visible element `locator` and clicks it, finding it again while a re-render
 * replaces it or an animation leaves it not yet interactable. The page scrolls the element
 * into view first: WebKitWebDriver's own scrolling before a click can hang the session when
 * the element is above the viewport (a grid page restored at its scroll position).
 */
export async function clickVisible(driver, locator, { timeout = 15_000 } = {}) {
  return waitFor(
    async () => {
      const element = await findVisible(driver, locator, { timeout });
      await driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", element);
      await element.click();
      return element;
    },
    { timeout, message: `a click on ${locator}` },
  );
}

/** Clicks the visible element with this text (a button, link, menu item, …). */
export const clickText = (driver, text, options = {}) =>
  clickVisible(driver, byText(text, options), options);

/** Clicks the visible element with this role and accessible name. */
export const clickRole = (driver, role, name, options = {}) =>
  clickVisible(driver, byRole(role, name), options);

/** Clears the control labelled `label` and types `value` into it. */
export async function fillByLabel(driver, label, value, options = {}) {
  const input = await findByLabel(driver, label, options);
  await input.clear();
  // MUI/react-hook-form inputs can keep their value after clear(); select-all + delete as well.
  await input.sendKeys(Key.chord(Key.CONTROL, 'a'), Key.DELETE);
  await input.sendKeys(value);
  return input;
}

/** The page's visible text (document.body.innerText). */
export const bodyText = async (driver) =>
  (await driver.findElement(By.css('body')).getText()).trim();

/** The innerText of the first visible element `locator` finds (getText misses some MUI text). */
export async function innerText(driver, locator) {
  const element = await findVisible(driver, locator);
  return driver.executeScript('return arguments[0].innerText', element);
}

/** Clicks the option `name` of the open autocomplete list. */
export const pickOption = (driver, name) =>
  clickVisible(driver, By.xpath(`//li[@role='option'][normalize-space(.)=${xpathLiteral(name)}]`));

/** Fills the one line of the open order form: SKU, Name, Quantity and Price. */
export async function fillOrderLine(driver, { sku, name, quantity, price }) {
  await fillByLabel(driver, 'SKU', sku);
  await fillByLabel(driver, 'Name', name);
  await fillByLabel(driver, 'Quantity', quantity);
  await fillByLabel(driver, 'Price', price);
}

/** Waits for the order of `userId` with a line of `sku`, and returns it. */
export const waitForOrder = (driver, userId, sku) =>
  waitFor(
    async () =>
      (await invoke(driver, 'list_related_records', { user: userId, kind: 'order' })).find((o) =>
        o.items.some((i) => i.sku === sku),
      ),
    { timeout: 30_000, message: `the order with ${sku} among the user's orders` },
  );

/** Waits for the row of the grid `table` (its aria-label) with a cell reading `cell`; its text. */
export const gridRowText = (driver, table, cell) =>
  waitFor(
    () =>
      innerText(
        driver,
        By.xpath(`//table[@aria-label=${xpathLiteral(table)}]//tr[td[normalize-space(.)=${xpathLiteral(cell)}]]`),
      ),
    { timeout: 30_000, message: `${cell} in the ${table} grid` },
  );

/** Waits until the page's visible text contains `text`. */
export const waitForText = (driver, text, options = {}) =>
  waitFor(async () => (await bodyText(driver)).includes(text), {
    message: `page text containing ${JSON.stringify(text)}`,
    ...options,
  });

// The commands the app declares and their arguments' names, as `cargo test` writes them from
// src-tauri/commands/ (the names as the page sends them: camelCase).
const COMMANDS_JSON = new URL('../../../ui/src/bindings/commands.json', import.meta.url);
let declared;

/** Throws, before anything is sent, when the app has no `command` or it takes no such argument. */
function checkCommand(command, args) {
  declared ??= JSON.parse(readFileSync(COMMANDS_JSON, 'utf8'));
  const where = path.relative(process.cwd(), fileURLToPath(COMMANDS_JSON));
  if (typeof command !== 'string' || !Object.hasOwn(declared, command)) {
    throw new Error(
      `invoke: the app has no command ${JSON.stringify(command)} (${where}). ` +
        `Its commands: ${Object.keys(declared).join(', ')}.`,
    );
  }
  const valid = declared[command];
  const validList = valid.length ? valid.join(', ') : 'none';
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new Error(
      `invoke: ${command}'s arguments must be an object of named arguments, not ` +
        `${JSON.stringify(args)}. Its arguments: ${validList}.`,
    );
  }
  const unknown = Object.keys(args).filter((name) => !valid.includes(name));
  if (unknown.length) {
    throw new Error(
      `invoke: ${command} takes no argument ${unknown.map((n) => JSON.stringify(n)).join(', ')} ` +
        `(${where}). Its arguments: ${validList}.`,
    );
  }
}

/**
 * Calls a Tauri command from the page, as the UI does. Rejects with the command's ApiError.
 * Throws first when `command` or one of `args`' names is not one ui/src/bindings/commands.json
 * declares, so a test calling a renamed command or argument fails with that, not the app's reply.
 */
export async function invoke(driver, command, args = {}) {
  checkCommand(command, args);
  const result = await driver.executeAsyncScript(
    `const [command, args, done] = arguments;
     window.__TAURI_INTERNALS__.invoke(command, args).then(
       (value) => done({ ok: value === undefined ? null : value }),
       (error) => done({ error }));`,
    command,
    args,
  );
  if (result && 'error' in result) {
    const error = new Error(`${command} failed: ${JSON.stringify(result.error)}`);
    error.apiError = result.error;
    throw error;
  }
  return result.ok;
}

// ---------------------------------------------------------------------------------------------
// Processes

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Spawns a process in its own process group, its output appended to `logFile`. */
export function spawnGroup(command, args, { env, logFile, extraStdio = [] }) {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, {
    env,
    detached: true, // own process group: killGroup() reaches its children (WebKitWebDriver, app)
    stdio: ['ignore', fd, fd, ...extraStdio],
  });
  closeSync(fd);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.once('error', () => {});
  return child;
}

export async function killGroup(child, { grace = 3_000 } = {}) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const done = await Promise.race([child.exited.then(() => true), sleep(grace).then(() => false)]);
  signal('SIGKILL');
  if (!done) await Promise.race([child.exited, sleep(grace)]);
}

/** Kills every process whose environment carries our run marker (safety net for leaks). */
function killMarked(marker) {
  if (process.platform !== 'linux') return;
  const needle = `CU_E2E_RUN=${marker}`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (environ.includes(needle)) process.kill(Number(entry), 'SIGKILL');
    } catch {
      /* gone, or not ours */
    }
  }
}

function sessionBusConfig(runtimeDir) {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${runtimeDir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

/** The password of the keyring `withApp(…, { keyring: true })` creates (and unlocks). */
export const E2E_KEYRING_PASSWORD = 'e2e-keyring';

/**
 * The command-line prefix that starts gnome-keyring's Secret Service on the bus
 * dbus-run-session made, then execs the rest (tauri-driver …). The keyring lives in
 * $XDG_DATA_HOME/keyrings, which withApp() puts in the test's temporary directory; the daemon
 * carries the run marker in its environment, so teardown ends it with the rest.
 */
function withKeyring() {
  const script = [
    // A keyring daemon of the caller's (named by this variable) must not stand in for ours.
    'unset GNOME_KEYRING_CONTROL',
    `printf '%s\\n' ${E2E_KEYRING_PASSWORD} |` +
      ' gnome-keyring-daemon --components=secrets --unlock --daemonize >/dev/null ||' +
      " { echo 'withApp: gnome-keyring-daemon did not start (apt-get install gnome-keyring)' >&2; exit 1; }",
    'exec "$@"',
  ].join('\n');
  return ['sh', '-c', script, 'sh'];
}

/** Lazily unmounts anything still mounted below `dir` (a FUSE mount would block its removal). */
function unmountUnder(dir) {
  if (process.platform !== 'linux') return;
  let mounts = [];
  try {
    mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' '))
      .filter((point) => point && point.startsWith(dir + path.sep));
  } catch {
    return;
  }
  for (const point of mounts.reverse()) {
    for (const [command, args] of [
      ['fusermount3', ['-u', '-z', point]],
      ['fusermount', ['-u', '-z', point]],
      ['umount', ['-l', point]],
    ]) {
      if (spawnSync(command, args, { stdio: 'ignore' }).status === 0) break;
    }
  }
}

/** Starts Xvfb on a free display number (it reports the number once it accepts clients). */
export async function startXvfb(logFile) {
  const xvfb = spawnGroup(
    'Xvfb',
    ['-displayfd', '3', '-screen', '0', '1600x1000x24', '-nolisten', 'tcp', '-noreset'],
    { env: process.env, logFile, extraStdio: ['pipe'] },
  );
  const display = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not start within 20 s')), 20_000);
    xvfb.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start Xvfb (apt-get install xvfb): ${error.message}`));
    });
    xvfb.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (code ${code}, signal ${signal}); see ${logFile}`));
    });
    xvfb.stdio[3].on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${text.trim()}`);
      }
    });
  });
  xvfb.stdio[3].destroy();
  return { xvfb, display };
}

async function waitForDriver(driverProcess, port, logFile) {
  let exited = null;
  driverProcess.exited.then((status) => (exited = status));
  await waitFor(
    async () => {
      if (exited) {
        const log = await readFile(logFile, 'utf8').catch(() => '');
        throw Object.assign(new Error(`tauri-driver exited early: ${JSON.stringify(exited)}\n${log}`), {
          fatal: true,
        });
      }
      const response = await fetch(`http://127.0.0.1:${port}/status`);
      if (!response.ok) return false;
      const body = await response.json();
      return body?.value?.ready !== false;
    },
    { timeout: 30_000, interval: 100, message: `tauri-driver answering on port ${port}` },
  );
}

const safeName = (name) =>
  String(name || 'app')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);

// ---------------------------------------------------------------------------------------------
// The app

/**
 * Starts the app on a fresh database and runs `fn(driver, app)`; always tears everything down.
 *
 * Call as withApp(t, fn, options) from a node:test test (t names the artifacts) or withApp(fn).
 * options.args: extra command-line arguments for the app; options.env: extra environment;
 * options.dbPath: use this database file instead of a fresh one; options.admin: the back-office
 * user who acts in the window (`--as`, default 'admin'), or null to let the window ask.
 * options.keyring: true starts a gnome-keyring (Secret Service only, its keyring in the
 * temporary directory) on the window's private bus, for tests that sign the window in to a
 * team server (the tokens go to the OS keychain); without it the bus has no keychain.
 * `app` holds { dbPath, tmpDir, logFile, display, screenshot(name) }.
 */
export async function withApp(t, fn, options = {}) {
  if (typeof t === 'function') [t, fn, options] = [undefined, t, fn || {}];
  const name = safeName(options.name || t?.fullName || t?.name);
  const application = appBinary();
  if (!existsSync(application)) {
    throw new Error(`the app is not built: ${application} is missing (run cargo build at the repo root)`);
  }

  const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'cu-e2e-'));
  const marker = path.basename(tmpDir);
  const dbPath = options.dbPath || path.join(tmpDir, 'customer-users.sqlite3');
  const xdg = Object.fromEntries(
    ['DATA', 'CONFIG', 'CACHE', 'STATE'].map((kind) => [`XDG_${kind}_HOME`, path.join(tmpDir, kind.toLowerCase())]),
  );
  const app = {
    dbPath,
    tmpDir,
    logFile: path.join(xdg.XDG_DATA_HOME, APP_IDENTIFIER, 'logs', 'customer-users.log'),
    driverLog: path.join(tmpDir, 'tauri-driver.log'),
    xvfbLog: path.join(tmpDir, 'xvfb.log'),
    display: undefined,
    async screenshot(label) {
      await mkdir(ARTIFACTS_DIR, { recursive: true });
      const file = path.join(ARTIFACTS_DIR, `${name}-${safeName(label)}.png`);
      await writeFile(file, await driver.takeScreenshot(), 'base64');
      return file;
    },
  };

  let xvfb;
  let driverProcess;
  let driver;
  try {
    ({ xvfb, display: app.display } = await startXvfb(app.xvfbLog));

    // A private session bus without service activation: nothing (xdg-desktop-portal and its
    // FUSE document store, the accessibility bus, dbus-launch's autolaunched bus) gets started
    // behind our back and outlives the test. Tests that need a service start it on this bus.
    const runtimeDir = path.join(tmpDir, 'runtime');
    await mkdir(runtimeDir, { mode: 0o700 });
    const busConfig = path.join(tmpDir, 'session-bus.conf');
    await writeFile(busConfig, sessionBusConfig(runtimeDir));
    if (options.keyring) {
      await mkdir(path.join(xdg.XDG_DATA_HOME, 'keyrings'), { recursive: true, mode: 0o700 });
    }

    const env = { ...process.env, ...xdg, XDG_RUNTIME_DIR: runtimeDir };
    delete env.WAYLAND_DISPLAY;
    Object.assign(env, {
      DISPLAY: app.display,
      GDK_BACKEND: 'x11',
      NO_AT_BRIDGE: '1', // no accessibility bus on a bare Xvfb
      CUSTOMER_USERS_LOG: process.env.CUSTOMER_USERS_LOG || 'info',
      CU_E2E_RUN: marker,
      ...options.env,
    });
    delete env.CUSTOMER_USERS_DB; // the database comes from --db below
    delete env.DBUS_SESSION_BUS_ADDRESS; // dbus-run-session sets ours

    const port = await freePort();
    let nativePort = await freePort();
    while (nativePort === port) nativePort = await freePort();
    driverProcess = spawnGroup(
      'dbus-run-session',
      [
        `--config-file=${busConfig}`,
        '--',
        ...(options.keyring ? withKeyring() : []),
        tauriDriverBinary(),
        '--port',
        String(port),
        '--native-port',
        String(nativePort),
      ],
      { env, logFile: app.driverLog },
    );
    await waitForDriver(driverProcess, port, app.driverLog);

    // tauri-driver turns tauri:options into webkitgtk:browserOptions {binary, args}: the args
    // reach the app's command line as given.
    const admin = options.admin === undefined ? 'admin' : options.admin;
    const asAdmin = admin === null ? [] : ['--as', admin];
    driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}/`)
      .withCapabilities({
        browserName: 'wry',
        'tauri:options': { application, args: ['--db', dbPath, ...asAdmin, ...(options.args || [])] },
      })
      .build();
    await driver.manage().setTimeouts({ implicit: 0, pageLoad: 30_000, script: 30_000 });

    return await fn(driver, app);
  } catch (error) {
    await saveArtifacts(name, driver, app).catch((e) => console.error(`(could not save artifacts: ${e.message})`));
    throw error;
  } finally {
    if (driver) await Promise.race([driver.quit().catch(() => {}), sleep(10_000)]);
    await killGroup(driverProcess);
    killMarked(marker);
    await killGroup(xvfb);
    unmountUnder(tmpDir);
    if (process.env.E2E_KEEP === '1') console.error(`(E2E_KEEP=1: kept ${tmpDir})`);
    else {
      await rm(tmpDir, { recursive: true, force: true }).catch((error) =>
        console.error(`warning: could not remove ${tmpDir}: ${error.message}`),
      );
    }
  }
}

async function saveArtifacts(name, driver, app) {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const base = path.join(ARTIFACTS_DIR, `${name}-failure`);
  const saved = [];
  if (driver) {
    try {
      await writeFile(`${base}.png`, await driver.takeScreenshot(), 'base64');
      saved.push(`${base}.png`);
    } catch {
      /* the window may be gone */
    }
    try {
      await writeFile(`${base}.html`, await driver.getPageSource());
      saved.push(`${base}.html`);
    } catch {
      /* ditto */
    }
  }
  for (const [file, suffix] of [
    [app.logFile, 'app.log'],
    [app.driverLog, 'tauri-driver.log'],
    [app.xvfbLog, 'xvfb.log'],
  ]) {
    if (existsSync(file)) {
      await copyFile(file, `${base}.${suffix}`);
      saved.push(`${base}.${suffix}`);
    }
  }
  if (saved.length) console.error(`e2e artifacts:\n  ${saved.join('\n  ')}`);
}
