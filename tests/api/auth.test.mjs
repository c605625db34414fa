// auth.test.mjs — account sessions: login, cookie, wrong password, throttling,
// logout, /api/auth/me, password change, disabled accounts.
//
// Throttling is in memory per server: 5 failures per login name and 30 per
// client address in 15 minutes. This file stays well under 30 failures in all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, errorShapeProblem, PASSWORD, DEMO } from '../lib/server.mjs';

let s;
before(async () => { s = await startServer({ foreign: false }); });
after(async () => { await s?.stop(); });

function assertError(r, status, field, code) {
  assert.equal(r.status, status, `status: ${r.text}`);
  assert.equal(errorShapeProblem(r), null, `error shape: ${r.text}`);
  if (field !== undefined) assert.equal(r.json.error.field, field ?? undefined, `field: ${r.text}`);
  if (code) assert.equal(r.json.error.code, code);
}

test('login ok: token, account without secrets, cookie HttpOnly + SameSite=Strict', async () => {
  const r = await s.loginRaw('admin');
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.token, /^[0-9a-f]{64}$/);
  assert.ok(r.json.expires_at > Date.now());
  assert.equal(r.json.account.login, 'admin');
  assert.equal(r.json.account.role, 'owner');
  const flat = JSON.stringify(r.json.account);
  assert.ok(!/hash|password/i.test(flat), 'no password hash in the answer');
  const cookies = [].concat(r.headers['set-cookie'] || []);
  const c = cookies.find((x) => x.startsWith('hh_session='));
  assert.ok(c, `Set-Cookie hh_session: ${cookies}`);
  assert.ok(c.startsWith(`hh_session=${r.json.token}`), 'cookie carries the token');
  assert.match(c, /;\s*HttpOnly/i);
  assert.match(c, /;\s*SameSite=Strict/i);
  assert.match(c, /;\s*Path=\//i);
  // the cookie alone authenticates
  const me = await s.api('GET', '/api/auth/me', { headers: { cookie: `hh_session=${r.json.token}` } });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.account.login, 'admin');
});

test('login name is case-insensitive', async () => {
  const r = await s.loginRaw('ADMIN');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.account.login, 'admin');
});

test('wrong password → 401 naming the field; unknown login → the same answer', async () => {
  const wrong = await s.loginRaw('lumina.mgr', 'not-the-password');
  assertError(wrong, 401, 'password', 'unauthenticated');
  const unknown = await s.loginRaw('nobody.here', 'not-the-password');
  assertError(unknown, 401, 'password', 'unauthenticated');
  assert.equal(unknown.json.error.message, wrong.json.error.message, 'same message: nothing tells which logins exist');
  assert.equal(unknown.text, wrong.text, 'byte-identical answers');
  assert.equal(wrong.headers['set-cookie'], undefined, 'no cookie on failure');
  // English on request
  const en = await s.api('POST', '/api/auth/login', { body: { login: 'nobody.here', password: 'x' }, headers: { 'accept-language': 'en-US' } });
  assertError(en, 401, 'password');
  assert.match(en.json.error.message, /[A-Za-z]/);
});

test('missing or empty fields → 400 naming the field', async () => {
  assertError(await s.api('POST', '/api/auth/login', { body: { password: PASSWORD } }), 400, 'login', 'invalid');
  assertError(await s.api('POST', '/api/auth/login', { body: { login: 'admin' } }), 400, 'password', 'invalid');
  assertError(await s.api('POST', '/api/auth/login', { body: { login: '', password: PASSWORD } }), 400, 'login', 'invalid');
  assertError(await s.api('POST', '/api/auth/login', { body: { login: 'admin', password: 123 } }), 400, 'password', 'invalid');
  assertError(await s.api('POST', '/api/auth/login', { body: '{"login":' }), 400, undefined, 'malformed_json');
});

test('throttling: the 6th attempt after 5 failures → 429 with Retry-After, even with the right password', async () => {
  const login = 'ba030';
  for (let i = 0; i < 5; i++) {
    const r = await s.loginRaw(login, `wrong-${i}-password`);
    assertError(r, 401, 'password');
  }
  const sixth = await s.loginRaw(login, 'wrong-again-password');
  assertError(sixth, 429, undefined, 'throttled');
  assert.ok(sixth.headers['retry-after'], 'Retry-After header');
  assert.ok(Number(sixth.headers['retry-after']) > 0, `Retry-After is a number of seconds: ${sixth.headers['retry-after']}`);
  const right = await s.loginRaw(login, PASSWORD);
  assertError(right, 429, undefined, 'throttled');
  // other logins are not affected
  const other = await s.loginRaw('ba031');
  assert.equal(other.status, 200, other.text);
});

test('logout ends the session and clears the cookie', async () => {
  const token = await s.login('ba002');
  assert.equal((await s.api('GET', '/api/auth/me', { token })).status, 200);
  const out = await s.api('POST', '/api/auth/logout', { token });
  assert.equal(out.status, 200, out.text);
  assert.deepEqual(out.json, { ok: true });
  const c = [].concat(out.headers['set-cookie'] || []).find((x) => x.startsWith('hh_session='));
  assert.ok(c, 'Set-Cookie clears hh_session');
  assert.match(c, /Max-Age=0/i);
  assertError(await s.api('GET', '/api/auth/me', { token }), 401, undefined, 'unauthenticated');
  assertError(await s.api('GET', '/api/brands', { token }), 401, undefined, 'unauthenticated');
  // a second logout with the dead token is refused
  assertError(await s.api('POST', '/api/auth/logout', { token }), 401);
  // via cookie as well
  const t2 = await s.login('ba002');
  const out2 = await s.api('POST', '/api/auth/logout', { headers: { cookie: `hh_session=${t2}` } });
  assert.equal(out2.status, 200, out2.text);
  assertError(await s.api('GET', '/api/auth/me', { token: t2 }), 401);
});

test('no token, a malformed token or an unknown token → 401', async () => {
  assertError(await s.api('GET', '/api/auth/me'), 401, undefined, 'unauthenticated');
  assertError(await s.api('GET', '/api/auth/me', { token: 'abc' }), 401);
  assertError(await s.api('GET', '/api/auth/me', { token: 'f'.repeat(64) }), 401);
  assertError(await s.api('GET', '/api/auth/me', { headers: { authorization: 'Basic YWRtaW46aHVvaHVhMTIz' } }), 401);
  assertError(await s.api('GET', '/api/auth/me', { headers: { cookie: 'hh_session=' + '0'.repeat(64) } }), 401);
});

test('/api/auth/me shows the account and its enterprise', async () => {
  const owner = await s.api('GET', '/api/auth/me', { token: await s.token('admin') });
  assert.equal(owner.status, 200);
  assert.equal(owner.json.account.id, DEMO.accounts.admin);
  assert.equal(owner.json.enterprise.id, DEMO.enterpriseId);
  assert.equal(typeof owner.json.enterprise.name, 'string');
  assert.equal(owner.json.enterprise.timezone, 'Asia/Shanghai');
  assert.ok(owner.json.account.last_login_at > 0);

  const bm = await s.api('GET', '/api/auth/me', { token: await s.token('lumina.mgr') });
  assert.equal(bm.json.account.role, 'brand_manager');
  assert.deepEqual(bm.json.account.brand_ids, [DEMO.brands.lumina]);

  const staff = await s.api('GET', '/api/auth/me', { token: await s.token('ba001') });
  assert.equal(staff.json.account.role, 'staff');
  assert.equal(staff.json.account.store_id, 1);
  assert.equal(staff.json.account.staff_id, 1);
  assert.ok(!/hash/i.test(staff.text));
});

test('password change: wrong old, short new, success ends other sessions', async () => {
  const login = 'ba020';
  const a = await s.login(login);
  const b = await s.login(login);

  const wrongOld = await s.api('POST', '/api/auth/password', { token: a, body: { old_password: 'not-it-at-all', new_password: 'brand-new-pass-1' } });
  assertError(wrongOld, 400, 'old_password', 'invalid');
  const short = await s.api('POST', '/api/auth/password', { token: a, body: { old_password: PASSWORD, new_password: 'short' } });
  assertError(short, 400, 'new_password', 'invalid');
  const missing = await s.api('POST', '/api/auth/password', { token: a, body: { old_password: PASSWORD } });
  assertError(missing, 400, 'new_password', 'invalid');
  // both sessions still live after the failures
  assert.equal((await s.api('GET', '/api/auth/me', { token: b })).status, 200);

  const ok = await s.api('POST', '/api/auth/password', { token: a, body: { old_password: PASSWORD, new_password: 'brand-new-pass-1' } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await s.api('GET', '/api/auth/me', { token: a })).status, 200, 'the session that changed it stays');
  assertError(await s.api('GET', '/api/auth/me', { token: b }), 401, undefined, 'unauthenticated');
  assertError(await s.loginRaw(login, PASSWORD), 401, 'password');
  const fresh = await s.loginRaw(login, 'brand-new-pass-1');
  assert.equal(fresh.status, 200, fresh.text);

  // audited, without the password
  const audit = await s.api('GET', `/api/audit?entity=account&entity_id=${fresh.json.account.id}&action=account.password`, { token: await s.token('admin') });
  assert.equal(audit.status, 200);
  assert.equal(audit.json.total, 1);
  assert.ok(!audit.text.includes('brand-new-pass-1'));
});

test('password change needs a session', async () => {
  assertError(await s.api('POST', '/api/auth/password', { body: { old_password: PASSWORD, new_password: 'whatever-123' } }), 401);
});

test('a disabled account cannot log in and its sessions end; enabling it again works', async () => {
  const admin = await s.token('admin');
  const login = 'ba021';
  const me = await s.loginRaw(login);
  assert.equal(me.status, 200);
  const id = me.json.account.id;
  const t = me.json.token;

  const dis = await s.api('DELETE', `/api/accounts/${id}`, { token: admin });
  assert.equal(dis.status, 200, dis.text);
  assert.equal(dis.json.disabled, true);
  assertError(await s.api('GET', '/api/auth/me', { token: t }), 401, undefined, 'unauthenticated');
  const refused = await s.loginRaw(login);
  assertError(refused, 403, 'login', 'forbidden');
  assert.equal(refused.json.token, undefined);
  assert.equal(refused.headers['set-cookie'], undefined);

  const en = await s.api('PATCH', `/api/accounts/${id}`, { token: admin, body: { disabled: false } });
  assert.equal(en.status, 200, en.text);
  assert.equal(en.json.disabled, false);
  assert.equal((await s.loginRaw(login)).status, 200);

  // disabling through PATCH works the same way
  const t2 = await s.login(login);
  const dis2 = await s.api('PATCH', `/api/accounts/${id}`, { token: admin, body: { disabled: true } });
  assert.equal(dis2.status, 200, dis2.text);
  assertError(await s.api('GET', '/api/auth/me', { token: t2 }), 401);
  assertError(await s.loginRaw(login), 403, 'login');
});

test('one cannot disable oneself', async () => {
  const admin = await s.token('admin');
  const r = await s.api('DELETE', `/api/accounts/${DEMO.accounts.admin}`, { token: admin });
  assertError(r, 422, 'id');
  const p = await s.api('PATCH', `/api/accounts/${DEMO.accounts.admin}`, { token: admin, body: { disabled: true } });
  assertError(p, 422, 'disabled');
  assert.equal((await s.api('GET', '/api/auth/me', { token: admin })).status, 200);
});

test('an archived staff member\'s account stops working', async () => {
  const admin = await s.token('admin');
  // ba022 is staff 22 (store 11)
  const t = await s.login('ba022');
  const arch = await s.api('DELETE', '/api/staff/22', { token: admin });
  assert.equal(arch.status, 200, arch.text);
  assertError(await s.api('GET', '/api/auth/me', { token: t }), 401);
  const again = await s.loginRaw('ba022');
  assert.notEqual(again.status, 200, 'no usable session for an archived staff member');
  if (again.status === 200) {
    assertError(await s.api('GET', '/api/auth/me', { token: again.json.token }), 401);
  }
});
