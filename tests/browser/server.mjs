// server.mjs — start a real huohua server for the browser tests.
//
// startServer() makes a temporary directory, seeds it with `huohua demo`,
// spawns `huohua serve` on a random port (--port 0) and resolves once the
// server prints "listening on http://…". It collects stderr so tests can read
// the log-provider SMS lines ({"event":"sms.sent","phone":…,"code":…}).
// stop() kills the server and removes the directory.
//
// The binary is $HUOHUA_BIN, default build/huohua of this checkout.

import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '../..');
export const BIN = process.env.HUOHUA_BIN || join(ROOT, 'build/huohua');
export const WEB = join(ROOT, 'web');
export const SHOTS = join(here, 'screenshots');
const run = promisify(execFile);

export function haveBinary() { return existsSync(BIN); }
export function haveChromium() { return existsSync(process.env.CHROMIUM || '/usr/bin/chromium'); }
export function haveVendor() { return existsSync(join(WEB, 'vendor/vue/vue.esm-browser.prod.js')); }

/** Why the browser suite cannot run here, or null when it can. */
export function skipReason() {
  if (!haveBinary()) return `huohua binary not found at ${BIN} (build it or set HUOHUA_BIN)`;
  if (!haveChromium()) return 'chromium not found at /usr/bin/chromium';
  if (!haveVendor()) return 'web/vendor missing: run `npm ci && bash scripts/vendor.sh`';
  return null;
}

export async function startServer({ env = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'huohua-browser-'));
  const db = join(dir, 'h.db');
  await run(BIN, ['demo', '--db', db], { env: { ...process.env, ...env }, timeout: 60_000 });

  const child = spawn(BIN, ['serve', '--db', db, '--port', '0', '--listen', '127.0.0.1', '--web', WEB], {
    env: { ...process.env, HUOHUA_SMS_PROVIDER: 'log', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const smsWaiters = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const w of smsWaiters.splice(0)) w();
  });

  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not print "listening on" within 20 s\n' + stdout + stderr)), 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolveUrl(m[1].replace(/\/$/, '')); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}\n${stdout}${stderr}`)); });
  });

  /** The log provider's OTP lines, oldest first: [{phone, code, ...}] */
  function smsSent() {
    const out = [];
    for (const line of stderr.split('\n')) {
      if (!line.includes('"sms.sent"')) continue;
      try {
        const j = JSON.parse(line.slice(line.indexOf('{')));
        if (j.event === 'sms.sent') out.push(j);
      } catch (_) { /* not JSON */ }
    }
    return out;
  }

  /** Wait for the OTP sent to a phone (E.164 or national digits). */
  async function waitForCode(phone, { timeout = 10_000, after = 0 } = {}) {
    const digits = String(phone).replace(/\D/g, '').slice(-11);
    const deadline = Date.now() + timeout;
    for (;;) {
      const hit = smsSent().slice(after).reverse().find((m) => String(m.phone).replace(/\D/g, '').endsWith(digits) && m.code);
      if (hit) return String(hit.code);
      if (Date.now() > deadline) throw new Error(`no sms.sent line for ${phone} in server stderr:\n${stderr.slice(-2000)}`);
      await new Promise((r) => { smsWaiters.push(r); setTimeout(r, 200); });
    }
  }

  async function stop() {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => { const k = setTimeout(() => { child.kill('SIGKILL'); r(); }, 3000); child.once('exit', () => { clearTimeout(k); r(); }); });
    }
    rmSync(dir, { recursive: true, force: true });
  }

  return { url, dir, db, child, stop, smsSent, waitForCode, logs: () => stderr };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * A page that fails the test on any uncaught script error, and collects
 * console errors other than expected HTTP 4xx answers.
 */
export async function newPage(browser, { mobile = false, lang } = {}) {
  const context = await browser.newContext(mobile
    ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' }
    : { viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  if (lang) await context.addInitScript((l) => localStorage.setItem('hh.lang', l), lang);
  return page;
}

export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.waitForTimeout(250); // let transitions settle
  await page.screenshot({ path: join(SHOTS, name + '.png') });
}

/** Pick an option in an <hh-select> (searchable): open it, type, click the match. */
export async function pick(page, scope, name, text, { search = true } = {}) {
  const root = page.locator(`${scope} .hh-select[data-name="${name}"]`).first();
  await root.locator('.hh-select-control').click();
  if (search && await root.locator('.hh-select-search input').count()) {
    await root.locator('.hh-select-search input').fill(text);
  }
  const opt = root.locator('.hh-select-option', { hasText: text }).first();
  await opt.waitFor();
  await opt.click();
  // multi selects stay open: close them by pressing Escape in the search box
  if (await root.locator('.hh-select-menu').count()) await page.keyboard.press('Escape');
}

/** Call the API of a test server: {status, data} (data parsed when JSON). */
export async function api(srv, method, path, body, token) {
  const res = await fetch(srv.url + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let data = null;
  try { data = JSON.parse(text); } catch (_) { data = text; }
  return { status: res.status, data };
}

/** The same, for setup steps that must succeed: returns the data or throws. */
export async function apiOk(srv, method, path, body, token) {
  const r = await api(srv, method, path, body, token);
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.data)}`);
  return r.data;
}

/** Locators and steps of the admin console shared by its tests. */
export function adminHelpers(page) {
  const drawer = '.hh-drawer';
  return {
    drawer,
    field: (name) => page.locator(`${drawer} [data-field="${name}"]`),
    save: () => page.click(`${drawer} [data-test=save]`),
    closed: () => page.locator(drawer).waitFor({ state: 'detached' }),
    row: (text) => page.locator('.hh-table tbody tr', { hasText: text }).first(),
    async go(nav) {
      await page.click(`.admin-nav [data-nav="${nav}"]`);
      await page.locator('.page-head h1').waitFor();
    },
  };
}
