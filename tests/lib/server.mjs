// server.mjs — start a real huohua server for the API tests.
//
//   const s = await startServer();          // temp dir, `huohua demo`, a second
//                                            // enterprise, `huohua serve --port 0`
//   const t = await s.login('admin');        // bearer token
//   const r = await s.api('GET', '/api/brands', { token: t });
//   r.status, r.headers, r.json, r.text
//   await s.stop();                          // SIGTERM, then remove the temp dir
//
// The demo enterprise (id 1) has brands 1 (Lumina) and 2 (Qinghe), stores 1–20
// (1–8 serve both brands, 9–14 only brand 1, 15–20 only brand 2), staff 1–40
// (two per store, ba001/ba002 at store 1), accounts admin (1), lumina.mgr (2),
// qinghe.mgr (3) and ba001…ba040 (4…43), all with password huohua123.
//
// The second ("foreign") enterprise gets an owner through the CLI
// (`huohua enterprise add` + `huohua user add`) and, once the server runs, a
// brand, a store, a staff member and a staff account through its owner's API
// calls: s.foreign = {enterpriseId, owner, ownerId, token, brandId, storeId,
// staffId, staffLogin, staffAccountId}.
//
// stderr is collected line by line: s.lines(), s.sms() (the log provider's
// {"event":"sms.sent"} lines) and s.waitForCode(phone).
//
// The binary is $HUOHUA_BIN, default build/huohua of this checkout.

import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import http from 'node:http';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '../..');
export const BIN = process.env.HUOHUA_BIN || join(ROOT, 'build', 'huohua');
export const PASSWORD = 'huohua123';
const execFileP = promisify(execFile);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Wait for the binary (the lead may be rebuilding it). */
export async function waitForBinary(timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(BIN)) {
    if (Date.now() > deadline) throw new Error(`huohua binary not found at ${BIN} (build it or set HUOHUA_BIN)`);
    await sleep(500);
  }
}

/** Run the CLI; returns stdout. Retries briefly when the binary is being replaced. */
export async function cli(args, { env = {}, timeout = 60_000 } = {}) {
  for (let attempt = 0; ; attempt++) {
    await waitForBinary();
    try {
      const { stdout } = await execFileP(BIN, args, { env: { ...process.env, ...env }, timeout, maxBuffer: 16 << 20 });
      return stdout;
    } catch (e) {
      if (attempt < 5 && (e.code === 'ENOENT' || e.code === 'ETXTBSY' || e.code === 'EACCES')) {
        await sleep(1000);
        continue;
      }
      throw e;
    }
  }
}

/** The routes the binary knows: [{method, path, auth}] */
export async function routes() {
  const out = await cli(['routes', '--json']);
  return out.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l));
}

/**
 * One HTTP request. body: an object/array/number (sent as JSON), a string or a
 * Buffer (sent as is). Content-Type defaults to application/json when there is
 * a body; pass headers {'content-type': null} to leave it out. `chunked: true`
 * sends the body without Content-Length. `agent: false` uses a fresh
 * connection (for answers that close it, such as 413). With the header
 * Expect: 100-continue the body is sent only after "100 Continue".
 * Resolves {status, headers, text, json, raw} — json is null when the answer
 * is not JSON. Never rejects on HTTP status; rejects on network errors.
 */
export function request(baseUrl, method, path, { token, body, headers = {}, chunked = false, agent, timeout = 30_000 } = {}) {
  const u = new URL(path, baseUrl);
  const h = {};
  let payload = null;
  if (body !== undefined) {
    if (Buffer.isBuffer(body)) payload = body;
    else if (typeof body === 'string') payload = Buffer.from(body, 'utf8');
    else payload = Buffer.from(JSON.stringify(body), 'utf8');
    h['content-type'] = 'application/json';
    if (!chunked) h['content-length'] = String(payload.length);
  }
  if (token) h.authorization = `Bearer ${token}`;
  for (const [k, v] of Object.entries(headers)) {
    const key = k.toLowerCase();
    if (v === null || v === undefined) delete h[key];
    else h[key] = v;
  }
  return new Promise((resolveP, reject) => {
    let answered = false;
    const req = http.request({
      hostname: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h,
      agent: agent === undefined ? keepAliveAgent : agent, timeout,
    }, (res) => {
      answered = true;
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = raw.toString('utf8');
        let json = null;
        if (/json/.test(res.headers['content-type'] || '')) {
          try { json = JSON.parse(text); } catch { json = null; }
        }
        resolveP({ status: res.statusCode, headers: res.headers, text, json, raw });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`request timed out: ${method} ${path}`)));
    req.on('error', (e) => { if (!answered) reject(e); });
    if (payload && /100-continue/i.test(h.expect || '')) {
      // send the body only once the server asks for it (it may answer at once instead)
      req.on('continue', () => req.end(payload));
      return;
    }
    if (payload) {
      if (chunked) {
        // a few chunks, so the server sees a streamed body of unknown length
        const step = Math.max(1, Math.ceil(payload.length / 4));
        for (let i = 0; i < payload.length; i += step) req.write(payload.subarray(i, i + step));
      } else {
        req.write(payload);
      }
    }
    req.end();
  });
}

const keepAliveAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

// servers this process started; none may outlive it (e.g. when a test aborts)
const live = new Set();
process.on('exit', () => {
  for (const c of live) { try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ } }
});

/** Is this a well-formed error answer {error:{code,message[,field]}}? Returns a reason or null. */
export function errorShapeProblem(r) {
  if (!/application\/json/.test(r.headers['content-type'] || '')) return `content-type ${r.headers['content-type']}`;
  const j = r.json;
  if (!j || typeof j !== 'object' || Array.isArray(j)) return 'body is not a JSON object';
  const keys = Object.keys(j);
  if (keys.length !== 1 || keys[0] !== 'error') return `top-level keys ${keys.join(',')}`;
  const e = j.error;
  if (!e || typeof e !== 'object') return 'error is not an object';
  if (typeof e.code !== 'string' || !e.code) return 'error.code missing';
  if (typeof e.message !== 'string' || !e.message) return 'error.message missing';
  for (const k of Object.keys(e)) if (!['code', 'message', 'field'].includes(k)) return `unexpected error key ${k}`;
  if ('field' in e && typeof e.field !== 'string') return 'error.field is not a string';
  return null;
}

let seq = 0;
/** A unique suffix for codes and logins within this process. */
export function uniq(prefix = 'T') {
  seq += 1;
  return `${prefix}${process.pid.toString(36)}${Date.now().toString(36)}${seq}`.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/**
 * Start a server on a fresh database.
 * options: demo (true), foreign (true: add the second enterprise), env, args
 * (extra `serve` flags), db (reuse an existing database file: no seeding).
 */
export async function startServer({ demo = true, foreign = true, env = {}, args = [], db: existingDb } = {}) {
  await waitForBinary();
  const dir = existingDb ? null : mkdtempSync(join(tmpdir(), 'huohua-api-'));
  const db = existingDb || join(dir, 'h.db');
  let foreignInfo = null;
  if (!existingDb && demo) await cli(['demo', '--db', db, '--quiet']);
  if (!existingDb && foreign) {
    const id = Number((await cli(['enterprise', 'add', '--name', '外部企业 Other Co', '--db', db])).trim().split('\n').pop());
    const out = await cli(['user', 'add', '--db', db, '--enterprise', String(id), '--login', 'other.owner',
      '--password', PASSWORD, '--role', 'owner', '--name', '外部管理员']);
    const m = out.match(/id (\d+)/);
    foreignInfo = { enterpriseId: id, owner: 'other.owner', ownerId: m ? Number(m[1]) : null };
  }

  const s = {
    dir, db, url: null, child: null, pid: null, foreign: foreignInfo, env, args,
    _stderr: [], _partial: '', _waiters: [], _tokens: new Map(),
  };

  s.launch = async function launch() {
    await waitForBinary();
    const child = spawn(BIN, ['serve', '--db', db, '--port', '0', '--listen', '127.0.0.1', ...args], {
      env: { ...process.env, HUOHUA_SMS_PROVIDER: 'log', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    s.child = child;
    s.pid = child.pid;
    live.add(child);
    child.once('exit', () => live.delete(child));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => {
      const parts = (s._partial + d).split('\n');
      s._partial = parts.pop();
      for (const p of parts) s._stderr.push(p);
      for (const w of s._waiters.splice(0)) w();
    });
    let stdout = '';
    s.url = await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('server did not print "listening on" within 20 s\n' + stdout + s._stderr.slice(-20).join('\n'))), 20_000);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = stdout.match(/huohua listening on (http:\/\/\S+?)\/?\s/);
        if (m) { clearTimeout(timer); ok(m[1]); }
      });
      child.once('exit', (code, sig) => { clearTimeout(timer); fail(new Error(`server exited (${code ?? sig}) before listening\n${stdout}${s._stderr.join('\n')}`)); });
    });
    child.on('exit', () => { s.exited = true; });
    s.exited = false;
    return s.url;
  };

  /** {status, headers, text, json} — see request(). */
  s.api = (method, path, opts = {}) => request(s.url, method, path, opts);

  /** Log in and return the bearer token (throws unless 200). */
  s.loginRaw = (login, password = PASSWORD) => s.api('POST', '/api/auth/login', { body: { login, password } });
  s.login = async (login, password = PASSWORD) => {
    const r = await s.loginRaw(login, password);
    if (r.status !== 200) throw new Error(`login ${login} → ${r.status} ${r.text}`);
    return r.json.token;
  };
  /** A cached token per login (one login per account per server). */
  s.token = async (login) => {
    if (!s._tokens.has(login)) s._tokens.set(login, await s.login(login));
    return s._tokens.get(login);
  };

  s.lines = () => s._stderr.slice();
  /** The log provider's sms.sent lines, oldest first. */
  s.sms = () => {
    const out = [];
    for (const line of s._stderr) {
      if (!line.includes('"sms.sent"')) continue;
      try {
        const j = JSON.parse(line.slice(line.indexOf('{')));
        if (j.event === 'sms.sent') out.push(j);
      } catch { /* not JSON */ }
    }
    return out;
  };
  /** Wait for the newest OTP sent to phone (E.164), after `after` sms lines. */
  s.waitForCode = async (e164, { after = 0, timeout = 10_000 } = {}) => {
    const deadline = Date.now() + timeout;
    for (;;) {
      const hit = s.sms().slice(after).reverse().find((m) => m.phone === e164 && m.code);
      if (hit) return String(hit.code);
      if (Date.now() > deadline) throw new Error(`no sms.sent line for ${e164}:\n${s._stderr.slice(-10).join('\n')}`);
      await new Promise((r) => { s._waiters.push(r); setTimeout(r, 100); });
    }
  };

  /** Is the server up and answering /healthz with 200 {status:"ok"}? */
  s.healthy = async () => {
    try {
      const r = await s.api('GET', '/healthz');
      return r.status === 200 && r.json && r.json.status === 'ok';
    } catch { return false; }
  };

  function waitExit(ms) {
    const child = s.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((r) => {
      const t = setTimeout(r, ms);
      child.once('exit', () => { clearTimeout(t); r(); });
    });
  }

  /** SIGKILL the server (no cleanup); the database stays for restart(). */
  s.kill9 = async () => {
    if (s.child && s.child.exitCode === null && s.child.signalCode === null) {
      process.kill(s.child.pid, 'SIGKILL');
      await waitExit(5000);
    }
    keepAliveAgent.destroy();
  };
  /** Start the server again on the same database (new port). */
  s.restart = async () => {
    await s.kill9();
    s._tokens.clear();
    return s.launch();
  };
  /** SIGTERM, wait, and remove the temporary directory. */
  s.stop = async () => {
    if (s.child && s.child.exitCode === null && s.child.signalCode === null) {
      s.child.kill('SIGTERM');
      await waitExit(5000);
      if (s.child.exitCode === null && s.child.signalCode === null) {
        process.kill(s.child.pid, 'SIGKILL');
        await waitExit(3000);
      }
    }
    keepAliveAgent.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };

  await s.launch();
  try {
    await seedForeign();
  } catch (e) {
    await s.stop();
    throw e;
  }
  return s;

  async function seedForeign() {
    if (foreignInfo) {
      // the foreign tenant's organisation, created through its owner's API calls
      const t = await s.login(foreignInfo.owner);
      foreignInfo.token = t;
      const b = await s.api('POST', '/api/brands', { token: t, body: { name: '外部品牌 Foreign', code: 'FOREIGN' } });
      if (b.status !== 201) throw new Error(`foreign brand: ${b.status} ${b.text}`);
      foreignInfo.brandId = b.json.id;
      const st = await s.api('POST', '/api/stores', {
        token: t,
        body: { name: '外部门店', retailer: '外部零售', city_code: '310100', address: '外部路 1 号', counter_code: 'X001', brand_ids: [b.json.id] },
      });
      if (st.status !== 201) throw new Error(`foreign store: ${st.status} ${st.text}`);
      foreignInfo.storeId = st.json.id;
      const sf = await s.api('POST', '/api/staff', { token: t, body: { name: '外部导购', store_id: st.json.id, employee_no: 'X-BA1' } });
      if (sf.status !== 201) throw new Error(`foreign staff: ${sf.status} ${sf.text}`);
      foreignInfo.staffId = sf.json.id;
      const acc = await s.api('POST', '/api/accounts', {
        token: t,
        body: { login: 'other.ba1', password: PASSWORD, name: '外部导购', role: 'staff', staff_id: sf.json.id },
      });
      if (acc.status !== 201) throw new Error(`foreign account: ${acc.status} ${acc.text}`);
      foreignInfo.staffLogin = 'other.ba1';
      foreignInfo.staffAccountId = acc.json.id;
      s._tokens.set(foreignInfo.owner, t);
    }
  }
}

/** Demo ids (see the header comment). */
export const DEMO = {
  enterpriseId: 1,
  brands: { lumina: 1, qinghe: 2 },
  storeBoth: 1,           // stores 1–8 serve both brands
  storeLuminaOnly: 9,     // 9–14
  storeQingheOnly: 15,    // 15–20
  accounts: { admin: 1, lumina: 2, qinghe: 3, ba001: 4 },
  staffOfStore: (store) => [store * 2 - 1, store * 2],
};

// ---- helpers for the member and touchpoint suites (touchpoints, products,
// members_admin, counter, tags, imports, member_self)

/** Assert an error answer: status, the one error shape, and (when given) field and code.
 *  field undefined = not checked, null = must be absent. */
export async function expectError(r, status, field, code) {
  const { default: assert } = await import('node:assert/strict');
  assert.ok(r.status < 500, `never 5xx: ${r.status} ${r.text.slice(0, 300)}`);
  assert.equal(r.status, status, `status: ${r.text.slice(0, 300)}`);
  assert.equal(errorShapeProblem(r), null, `error shape: ${r.text.slice(0, 300)}`);
  if (field !== undefined) assert.equal(r.json.error.field, field ?? undefined, `field: ${r.text.slice(0, 300)}`);
  if (code) assert.equal(r.json.error.code, code, `code: ${r.text.slice(0, 300)}`);
  return r;
}

/**
 * Run a table of bad requests as subtests. Each row:
 * [name, method, path, body, status, field?, {token?, headers?, code?}?]
 * body: undefined (none), a string/Buffer (sent as is), or an object (JSON).
 */
export async function errorTable(t, s, defaultToken, rows) {
  for (const [name, method, path, body, status, field, opt = {}] of rows) {
    await t.test(`${method} ${path.slice(0, 70)} — ${name} → ${status}${field ? ' ' + field : ''}`, async () => {
      const token = 'token' in opt ? opt.token : defaultToken;
      const r = await s.api(method, path, { token, body, headers: opt.headers });
      await expectError(r, status, field, opt.code);
    });
  }
}

/** Call fn() until done(result) is true; returns the last result. */
export async function poll(fn, done, { timeout = 20_000, interval = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v?.json ?? v).slice(0, 300)}`);
    await sleep(interval);
  }
}

/** The value of cookie `name` set by an answer, or null. */
export function setCookieValue(r, name) {
  const c = [].concat(r.headers['set-cookie'] || []).find((x) => x.startsWith(`${name}=`));
  return c ? c.slice(name.length + 1).split(';')[0] : null;
}

/** Run one SQL statement on a server's database with the sqlite3 shell (to age OTP codes, …). */
export async function sqlite(s, statement) {
  const shell = ['/usr/bin/sqlite3', '/usr/local/bin/sqlite3'].find((p) => existsSync(p));
  if (!shell) throw new Error('the sqlite3 shell is not installed');
  const { stdout } = await execFileP(shell, ['-cmd', '.timeout 5000', s.db, statement]);
  return stdout;
}

/** Move every OTP code an hour into the past: the 60 s resend window and the
 *  hourly caps (per phone, per client) no longer count them; expiry is unchanged. */
export function ageOtpCodes(s) {
  return sqlite(s, 'UPDATE otp_codes SET created_at = created_at - 3600000');
}

/**
 * Member sign-in by phone + SMS code: asks for a code (aging the phone's
 * earlier codes first so the 60 s resend window does not apply), reads it from
 * the server log and logs in. opts: cookie (e.g. 'hh_did=…'), enterpriseId.
 * Returns the login answer (status 200 expected by the caller).
 */
export async function memberLogin(s, phone, { cookie, enterpriseId } = {}) {
  const e164 = phone.startsWith('+') ? phone : `+86${phone}`;
  await ageOtpCodes(s);
  const extra = enterpriseId ? { enterprise_id: enterpriseId } : {};
  const n = s.sms().length;
  const o = await s.api('POST', '/api/member/otp', { body: { phone: e164, ...extra } });
  if (o.status !== 200) throw new Error(`member otp ${e164} → ${o.status} ${o.text}`);
  const code = await s.waitForCode(e164, { after: n });
  return s.api('POST', '/api/member/login', {
    body: { phone: e164, code, ...extra }, headers: cookie ? { cookie } : {},
  });
}

/** A counter code for a customer's phone, asked for by a staff token. */
export async function counterCode(s, token, phone) {
  const e164 = phone.startsWith('+') ? phone : `+86${phone}`;
  await ageOtpCodes(s);
  const n = s.sms().length;
  const o = await s.api('POST', '/api/counter/otp', { token, body: { phone: e164 } });
  if (o.status !== 200) throw new Error(`counter otp ${e164} → ${o.status} ${o.text}`);
  return s.waitForCode(e164, { after: n });
}
