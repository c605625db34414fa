// counter.test.mjs — member work at the counter in the staff app (SPEC §2
// step 3 and §3.2): a promoter registers a customer with the customer's SMS
// code (new → 201 and owned by that promoter; known → 200 recognised), looks
// members up by phone or member QR (masked only), lists "my members"; brand
// managers have no staff id and cannot register. Invariant 6 under
// concurrency: 20 simultaneous registrations of one phone make one member.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, expectError, errorTable, counterCode, memberLogin,
} from '../lib/server.mjs';

let s, T, F, tok;
before(async () => {
  s = await startServer();
  F = s.foreign;
  T = await s.token('admin');
  tok = {};
  for (const l of ['lumina.mgr', 'ba001', 'ba002', 'ba003', 'ba005']) tok[l] = await s.token(l);
});
after(async () => { await s?.stop(); });

const register = (token, body) => s.api('POST', '/api/counter/register', { token, body });
async function registerNew(token, phone, extra = {}) {
  const code = await counterCode(s, token, phone);
  return register(token, { phone, code, ...extra });
}
const noFullPhone = (r, phone) => assert.ok(!r.text.includes(phone.replace(/^\+86/, '')), `the full phone ${phone} is not in ${r.text.slice(0, 300)}`);

const P1 = '13812340001';
let m1;
test('staff registers a new customer: 201, created, owned by that promoter, consent recorded', async () => {
  const o = await s.api('POST', '/api/counter/otp', { token: tok.ba001, body: { phone: P1 } });
  assert.equal(o.status, 200, o.text);
  assert.equal(o.json.sent, true);
  assert.ok(o.json.resend_after_ms > 0 && o.json.expires_at > Date.now());
  noFullPhone(o, P1);
  const code = await s.waitForCode(`+86${P1}`);
  const r = await register(tok.ba001, { phone: P1, code, name: '王小明', consent_sms: true });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.created, true);
  assert.equal(r.json.reactivated, false);
  const m = r.json.member;
  assert.equal(m.owner_staff_id, 1);
  assert.equal(m.owner_store_id, 1);
  assert.ok(m.owner_staff_name && m.owner_store_name);
  assert.equal(m.registered_via, 'counter');
  assert.equal(m.name, '王小明');
  assert.equal(m.mine, true);
  assert.equal(m.phone_masked, '138****0001');
  assert.equal(m.phone, undefined);
  assert.equal(m.lifecycle, 'new');
  assert.equal(m.consent_sms, true);
  noFullPhone(r, P1);
  m1 = m;
  // the admin detail agrees
  const d = (await s.api('GET', `/api/members/${m.id}`, { token: T })).json;
  assert.equal(d.owner_staff_id, 1);
  assert.equal(d.registered_via, 'counter');
  assert.equal(d.consent_sms, true);
  assert.equal(d.consent_sms_source, 'counter');
  assert.ok(d.consent_sms_at > 0);
  assert.ok(d.owner_history.length >= 1 && d.owner_history[0].to_staff_id === 1);
  const audit = (await s.api('GET', `/api/audit?entity=member&entity_id=${m.id}`, { token: T })).json;
  assert.ok(audit.items.some((a) => a.action === 'member.register'), JSON.stringify(audit.items.map((a) => a.action)));
});

test('the same phone again (another promoter): 200 recognised, owner unchanged', async () => {
  const r = await registerNew(tok.ba002, P1, { name: '别的名字' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, false);
  assert.equal(r.json.member.id, m1.id);
  assert.equal(r.json.member.owner_staff_id, 1, 'the first promoter keeps the member');
  assert.equal(r.json.member.mine, false);
  assert.equal(r.json.member.name, '王小明', 'a known name is not overwritten');
  const list = (await s.api('GET', `/api/members?q=${P1}`, { token: T })).json;
  assert.equal(list.total, 1);
});

test('a brand manager (no staff id) cannot register; nor list "my members"', async () => {
  await expectError(await register(tok['lumina.mgr'], { phone: '13812340009', code: '123456' }), 403, undefined, 'forbidden');
  await expectError(await s.api('GET', '/api/counter/members', { token: tok['lumina.mgr'] }), 403);
  await expectError(await s.api('GET', '/api/counter/members', { token: T }), 403);
  // and nothing was created
  assert.equal((await s.api('GET', '/api/members?q=13812340009', { token: T })).json.total, 0);
});

test('counter otp and register: bad input table', async (t) => {
  const member = await memberLogin(s, '13812340003');
  assert.equal(member.status, 200, member.text);
  const code = await counterCode(s, tok.ba003, '13812340002');
  const wrong = String((Number(code) + 1) % 1000000).padStart(6, '0');
  const R = '/api/counter/register';
  const O = '/api/counter/otp';
  await errorTable(t, s, tok.ba003, [
    ['otp malformed JSON', 'POST', O, '{"phone"', 400, null, { code: 'malformed_json' }],
    ['otp unknown field', 'POST', O, { phone: '13812340002', name: 'x' }, 400, 'name'],
    ['otp missing phone', 'POST', O, {}, 400, 'phone'],
    ['otp phone a number', 'POST', O, { phone: 13812340004 }, 400, 'phone'],
    ['otp landline', 'POST', O, { phone: '021-68888888' }, 400, 'phone'],
    ['otp letters', 'POST', O, { phone: 'abcdefghijk' }, 400, 'phone'],
    ['otp too long', 'POST', O, { phone: '1'.repeat(40) }, 400, 'phone'],
    ['otp again within 60 s', 'POST', O, { phone: '13812340002' }, 429, 'phone', { code: 'throttled' }],
    ['otp no auth', 'POST', O, { phone: '13812340004' }, 401, undefined, { token: null }],
    ['otp with a member token', 'POST', O, { phone: '13812340004' }, 401, undefined, { token: member.json.token }],
    ['register malformed JSON', 'POST', R, '{', 400, null, { code: 'malformed_json' }],
    ['register array body', 'POST', R, [], 400, null],
    ['register unknown field', 'POST', R, { phone: '13812340002', code, staff_id: 2 }, 400, 'staff_id'],
    ['register missing code', 'POST', R, { phone: '13812340002' }, 400, 'code'],
    ['register code 5 digits', 'POST', R, { phone: '13812340002', code: '12345' }, 400, 'code'],
    ['register code letters', 'POST', R, { phone: '13812340002', code: 'abcdef' }, 400, 'code'],
    ['register code a number', 'POST', R, { phone: '13812340002', code: 123456 }, 400, 'code'],
    ['register wrong code', 'POST', R, { phone: '13812340002', code: wrong }, 400, 'code'],
    ['register no code sent to that phone', 'POST', R, { phone: '13812340005', code: '123456' }, 400, 'code'],
    ['register bad phone', 'POST', R, { phone: '12345', code }, 400, 'phone'],
    ['register name too long', 'POST', R, { phone: '13812340002', code, name: '名'.repeat(33) }, 400, 'name'],
    ['register name a number', 'POST', R, { phone: '13812340002', code, name: 1 }, 400, 'name'],
    ['register consent_sms a string', 'POST', R, { phone: '13812340002', code, consent_sms: 'yes' }, 400, 'consent_sms'],
    ['register no auth', 'POST', R, { phone: '13812340002', code }, 401, undefined, { token: null }],
  ]);
  // after all that, the right code still works once (one wrong attempt only)
  const ok = await register(tok.ba003, { phone: '13812340002', code });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.member.owner_staff_id, 3);
  await expectError(await register(tok.ba003, { phone: '13812340002', code }), 400, 'code');
});

test('lookup by phone: masked only; unknown 404; bad 400', async (t) => {
  const r = await s.api('GET', `/api/counter/lookup?phone=${P1}`, { token: tok.ba005 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.member.id, m1.id);
  assert.equal(r.json.member.phone_masked, '138****0001');
  assert.equal(r.json.member.mine, false);
  noFullPhone(r, P1);
  const e = await s.api('GET', `/api/counter/lookup?phone=${encodeURIComponent('+86 138 1234 0001')}`, { token: tok.ba001 });
  assert.equal(e.json.member.id, m1.id);
  assert.equal(e.json.member.mine, true);
  await errorTable(t, s, tok.ba001, [
    ['unknown phone', 'GET', '/api/counter/lookup?phone=13812349999', undefined, 404, 'phone', { code: 'not_found' }],
    ['invalid phone', 'GET', '/api/counter/lookup?phone=12345', undefined, 400, 'phone'],
    ['landline', 'GET', '/api/counter/lookup?phone=02168888888', undefined, 400, 'phone'],
    ['neither phone nor code', 'GET', '/api/counter/lookup', undefined, 400],
    ['empty phone', 'GET', '/api/counter/lookup?phone=', undefined, 400],
    ['no auth', 'GET', `/api/counter/lookup?phone=${P1}`, undefined, 401, undefined, { token: null }],
  ]);
});

test('lookup by member QR (HHM:<code>) from /api/member/me; forged code 400; another tenant\'s member 404', async (t) => {
  const login = await memberLogin(s, P1);
  assert.equal(login.status, 200, login.text);
  assert.equal(login.json.created, false);
  const me = (await s.api('GET', '/api/member/me', { token: login.json.token })).json;
  assert.equal(me.member.id, m1.id);
  const code = me.member_code;
  assert.ok(code && code.length > 8);
  for (const q of [`HHM:${code}`, code, code.toLowerCase()]) {
    const r = await s.api('GET', `/api/counter/lookup?code=${encodeURIComponent(q)}`, { token: tok.ba002 });
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    assert.equal(r.json.member.id, m1.id);
    noFullPhone(r, P1);
  }
  const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const last = code[code.length - 1];
  const forged = code.slice(0, -1) + ALPHABET[(ALPHABET.indexOf(last) + 1) % 32];
  // a foreign tenant's member code
  const fm = await memberLogin(s, '13812340077', { enterpriseId: F.enterpriseId });
  assert.equal(fm.status, 200, fm.text);
  const fcode = (await s.api('GET', '/api/member/me', { token: fm.json.token })).json.member_code;
  await errorTable(t, s, tok.ba002, [
    ['forged code', 'GET', `/api/counter/lookup?code=${encodeURIComponent('HHM:' + forged)}`, undefined, 400, 'code'],
    ['truncated code', 'GET', `/api/counter/lookup?code=HHM:${code.slice(0, -2)}`, undefined, 400, 'code'],
    ['a touchpoint-like junk code', 'GET', '/api/counter/lookup?code=HHM:ZZZZZZZZZZ', undefined, 400, 'code'],
    ['prefix only', 'GET', '/api/counter/lookup?code=HHM:', undefined, 400, 'code'],
    ['another tenant\'s member', 'GET', `/api/counter/lookup?code=HHM:${fcode}`, undefined, 404, 'code'],
  ]);
});

test('"my members" lists exactly my registrations', async () => {
  const mine = [m1.id];
  for (const p of ['13812340011', '13812340012', '13812340013']) {
    const r = await registerNew(tok.ba001, p, { name: `客${p.slice(-2)}` });
    assert.equal(r.status, 201, r.text);
    mine.push(r.json.member.id);
  }
  const other = await registerNew(tok.ba002, '13812340021');
  assert.equal(other.status, 201, other.text);
  const list = await s.api('GET', '/api/counter/members?limit=500', { token: tok.ba001 });
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.total, mine.length);
  assert.deepEqual(list.json.items.map((m) => m.id).sort((a, b) => a - b), mine.sort((a, b) => a - b));
  assert.ok(list.json.items.every((m) => m.mine === true && m.owner_staff_id === 1 && m.phone === undefined && m.phone_masked));
  for (const p of [P1, '13812340011', '13812340012', '13812340013']) assert.ok(!list.text.includes(p));
  const q = (await s.api('GET', '/api/counter/members?q=0012', { token: tok.ba001 })).json;
  assert.deepEqual(q.items.map((m) => m.id), [mine[2]]);
  const n = (await s.api('GET', `/api/counter/members?q=${encodeURIComponent('客13')}`, { token: tok.ba001 })).json;
  assert.deepEqual(n.items.map((m) => m.id), [mine[3]]);
  const b2 = (await s.api('GET', '/api/counter/members', { token: tok.ba002 })).json;
  assert.deepEqual(b2.items.map((m) => m.id), [other.json.member.id]);
  await expectError(await s.api('GET', '/api/counter/members?limit=0', { token: tok.ba001 }), 400, 'limit');
});

test('staff read only members their store owns', async (t) => {
  const store2 = (await registerNew(tok.ba003, '13812340031')).json.member; // staff 3, store 2
  await errorTable(t, s, tok.ba001, [
    ['another store\'s member', 'GET', `/api/members/${store2.id}`, undefined, 403, undefined, { code: 'forbidden' }],
    ['another store\'s timeline', 'GET', `/api/members/${store2.id}/timeline`, undefined, 403],
    ['unknown member', 'GET', '/api/members/999999', undefined, 404, 'id'],
    ['staff cannot edit', 'PATCH', `/api/members/${m1.id}`, { name: 'x' }, 403],
    ['staff cannot reassign', 'POST', `/api/members/${m1.id}/owner`, { staff_id: 2, reason: 'x' }, 403],
  ]);
  const own = await s.api('GET', `/api/members/${m1.id}`, { token: tok.ba002 });
  assert.equal(own.status, 200, 'a colleague at the same store reads it');
  assert.equal(own.json.phone, undefined);
  const list = (await s.api('GET', '/api/members?limit=500', { token: tok.ba001 })).json;
  assert.ok(list.items.length >= 4 && list.items.every((m) => m.owner_store_id === 1), 'the list holds store 1 members only');
});

test('20 concurrent registrations of one phone with the same valid code → one 201, one member', async () => {
  const phone = '13812340099';
  const toks = [];
  for (let i = 1; i <= 20; i++) toks.push(await s.token(`ba${String(i).padStart(3, '0')}`));
  const code = await counterCode(s, toks[0], phone);
  const rs = await Promise.all(toks.map((tk) => register(tk, { phone, code })));
  const statuses = rs.map((r) => r.status);
  assert.ok(statuses.every((x) => x < 500), statuses.join(','));
  assert.equal(statuses.filter((x) => x === 201).length, 1, statuses.join(','));
  assert.equal(statuses.filter((x) => x === 200).length, 0, 'the code is single-use');
  for (const r of rs.filter((x) => x.status !== 201)) await expectError(r, 400, 'code');
  const winner = rs.find((r) => r.status === 201).json.member;
  const list = (await s.api('GET', `/api/members?q=${phone}`, { token: T })).json;
  assert.equal(list.total, 1);
  assert.equal(list.items[0].id, winner.id);
  assert.ok(await s.healthy());
});
