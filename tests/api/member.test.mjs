// member.test.mjs — member H5 identity: phone + SMS one-time code.
//
// The code is read from the server's stderr (the "log" SMS provider prints a
// {"event":"sms.sent","phone","code"} line). Time-dependent cases (a second
// code after the 60 s resend window, an expired code) age the otp_codes rows
// with the sqlite3 shell instead of waiting; they are skipped without it.
// Budget: the server allows 20 codes per client address an hour, this file
// asks for fewer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { startServer, errorShapeProblem } from '../lib/server.mjs';

const run = promisify(execFile);
const SQLITE = ['/usr/bin/sqlite3', '/usr/local/bin/sqlite3'].find((p) => existsSync(p));
const noSqlite = SQLITE ? false : 'the sqlite3 shell is not installed';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s?.stop(); });

async function sql(statement) {
  await run(SQLITE, ['-cmd', '.timeout 5000', s.db, statement]);
}
const otp = (phone, extra = {}) => s.api('POST', '/api/member/otp', { body: { phone, ...extra } });
const mlogin = (phone, code, extra = {}) => s.api('POST', '/api/member/login', { body: { phone, code, ...extra } });
function err(r, status, field, code) {
  assert.equal(r.status, status, r.text);
  assert.equal(errorShapeProblem(r), null, r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field ?? undefined, r.text);
  if (code) assert.equal(r.json.error.code, code);
}
const wrongCode = (code) => String((Number(code) + 1) % 1000000).padStart(6, '0');

const P1 = '+8613912340001';

test('landing context', async () => {
  const c = await s.api('GET', '/api/member/context');
  assert.equal(c.status, 200);
  assert.equal(c.json.enterprise.id, 1);
  assert.deepEqual(c.json.brands.map((b) => b.id), [1, 2]);
  const f = await s.api('GET', `/api/member/context?e=${s.foreign.enterpriseId}`);
  assert.equal(f.status, 200);
  assert.equal(f.json.enterprise.id, s.foreign.enterpriseId);
  assert.deepEqual(f.json.brands.map((b) => b.id), [s.foreign.brandId]);
});

test('OTP flow: code from the log, login creates the member, me shows the masked phone, logout', async () => {
  const sent = await otp('139 1234 0001');
  assert.equal(sent.status, 200, sent.text);
  assert.equal(sent.json.sent, true);
  assert.equal(sent.json.resend_after_ms, 60000);
  assert.ok(sent.json.expires_at > Date.now() + 4 * 60_000 && sent.json.expires_at <= Date.now() + 5 * 60_000 + 1000, 'valid 5 minutes');
  assert.ok(!/\d{6}/.test(sent.text.replace(String(sent.json.expires_at), '')), 'the code is not in the answer');
  const code = await s.waitForCode(P1);
  assert.match(code, /^\d{6}$/);

  const before = (await s.api('GET', '/api/overview', { token: await s.token('admin') })).json.members;
  const r = await mlogin('13912340001', code);
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.token, /^[0-9a-f]{64}$/);
  assert.equal(r.json.created, true);
  assert.ok(r.json.expires_at > Date.now());
  assert.equal(r.json.member.phone_masked, '139****0001');
  assert.equal(r.json.member.phone, undefined, 'the full phone is not shown');
  assert.ok(!r.text.includes('13912340001'), 'the full phone appears nowhere in the answer');
  const cookie = [].concat(r.headers['set-cookie'] || []).find((c) => c.startsWith('hh_member='));
  assert.ok(cookie, 'Set-Cookie hh_member');
  assert.match(cookie, /;\s*HttpOnly/i);
  assert.match(cookie, /;\s*SameSite=Strict/i);
  const after = (await s.api('GET', '/api/overview', { token: await s.token('admin') })).json.members;
  assert.equal(after, before + 1);

  const me = await s.api('GET', '/api/member/me', { token: r.json.token });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.member.id, r.json.member.id);
  assert.equal(me.json.member.phone_masked, '139****0001');
  assert.equal(me.json.member.phone, undefined);
  assert.ok(!me.text.includes('13912340001'));
  const viaCookie = await s.api('GET', '/api/member/me', { headers: { cookie: `hh_member=${r.json.token}` } });
  assert.equal(viaCookie.status, 200);

  // the code is used: it does not work again
  err(await mlogin(P1, code), 400, 'code', 'invalid');

  const out = await s.api('POST', '/api/member/logout', { token: r.json.token });
  assert.equal(out.status, 200, out.text);
  const cleared = [].concat(out.headers['set-cookie'] || []).find((c) => c.startsWith('hh_member='));
  assert.ok(cleared && /Max-Age=0/i.test(cleared), 'the cookie is cleared');
  err(await s.api('GET', '/api/member/me', { token: r.json.token }), 401, undefined, 'unauthenticated');
});

test('asking again within 60 s → 429 with Retry-After (also under another spelling of the number)', async () => {
  for (const spelling of [P1, '13912340001', '008613912340001', '+86 139-1234-0001']) {
    const r = await otp(spelling);
    err(r, 429, 'phone', 'throttled');
    assert.ok(r.headers['retry-after'], 'Retry-After');
  }
});

test('a second login of the same phone recognises the member (created false)', { skip: noSqlite }, async () => {
  await sql(`UPDATE otp_codes SET created_at = created_at - 120000 WHERE phone = '${P1}'`);
  const sent = await otp(P1);
  assert.equal(sent.status, 200, sent.text);
  const n = s.sms().length;
  const code = await s.waitForCode(P1);
  assert.ok(n >= 2);
  const r = await mlogin('008613912340001', code);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, false);
  assert.equal(r.json.member.phone_masked, '139****0001');
  const members = (await s.api('GET', '/api/overview', { token: await s.token('admin') })).json.members;
  assert.equal(members, 1, 'still one member for the phone');
});

test('wrong code → 400; after 5 wrong attempts → 429 even with the right code', async () => {
  const phone = '+8613912340002';
  assert.equal((await otp(phone)).status, 200);
  const code = await s.waitForCode(phone);
  for (let i = 0; i < 5; i++) {
    err(await mlogin(phone, wrongCode(code)), 400, 'code', 'invalid');
  }
  const r = await mlogin(phone, code);
  err(r, 429, 'code', 'throttled');
  assert.ok(r.headers['retry-after']);
  err(await mlogin(phone, wrongCode(code)), 429, 'code');
});

test('an expired code is refused', { skip: noSqlite }, async () => {
  const phone = '+8613912340003';
  assert.equal((await otp(phone)).status, 200);
  const code = await s.waitForCode(phone);
  await sql(`UPDATE otp_codes SET created_at = created_at - 301000, expires_at = expires_at - 301000 WHERE phone = '${phone}'`);
  err(await mlogin(phone, code), 400, 'code', 'invalid');
});

test('bad phone numbers → 400 field phone', async (t) => {
  const bad = [
    ['empty', ''],
    ['blanks', '   '],
    ['letters', 'abcdefghijk'],
    ['letters and digits', '139abcd0001'],
    ['too short', '1391234'],
    ['too long', '139123400011'],
    ['landline 010-12345678', '010-12345678'],
    ['landline 021 6888 8888', '021 6888 8888'],
    ['landline +86 755 1234 5678', '+86 755 1234 5678'],
    ['service number 95588', '95588'],
    ['not a mobile prefix', '12012345678'],
    ['only a plus', '+'],
    ['unknown country code', '+999 1234 5678'],
    ['emoji', '📱13912340009'],
    ['control character', '1391234\u00070009'],
  ];
  for (const [name, phone] of bad) {
    await t.test(name, async () => {
      const r = await otp(phone);
      err(r, 400, 'phone', 'invalid');
    });
  }
  await t.test('not a string', async () => err(await otp(13912340009), 400, 'phone', 'invalid'));
  await t.test('missing', async () => err(await s.api('POST', '/api/member/otp', { body: {} }), 400, 'phone', 'invalid'));
  await t.test('landline message says mobile', async () => {
    const r = await s.api('POST', '/api/member/otp', { body: { phone: '010-12345678' }, headers: { 'accept-language': 'en' } });
    assert.match(r.json.error.message, /mobile/i);
  });
  assert.equal(s.sms().filter((m) => !/^\+(86139123400(01|02|03))$/.test(m.phone)).length, 0, 'no code was sent to a bad number');
});

test('+852 / +853 / +886 mobiles and the 0086 prefix are accepted and normalised to E.164', async () => {
  const cases = [
    ['+852 5123 4567', '+85251234567'],
    ['+853 6612 3456', '+85366123456'],
    ['+886 912 345 678', '+886912345678'],
    ['0086 139 1234 0004', '+8613912340004'],
  ];
  for (const [input, e164] of cases) {
    const r = await otp(input);
    assert.equal(r.status, 200, `${input}: ${r.text}`);
    const code = await s.waitForCode(e164);
    assert.match(code, /^\d{6}$/, `${input} → ${e164}`);
  }
  // a Hong Kong member signs in and sees a masked number
  const hk = await mlogin('+85251234567', await s.waitForCode('+85251234567'));
  assert.equal(hk.status, 200, hk.text);
  assert.equal(hk.json.created, true);
  assert.ok(hk.json.member.phone_masked.startsWith('+852'), hk.json.member.phone_masked);
  assert.ok(hk.json.member.phone_masked.includes('*'));
  assert.ok(!hk.text.includes('51234567'));
});

test('members are per enterprise', async () => {
  const phone = '+8613912340005';
  const ent = s.foreign.enterpriseId;
  assert.equal((await otp(phone, { enterprise_id: ent })).status, 200);
  const code = await s.waitForCode(phone);
  // the code belongs to the other enterprise: it does not sign in to the demo one
  err(await mlogin(phone, code), 400, 'code');
  const r = await mlogin(phone, code, { enterprise_id: ent });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, true);
  assert.equal(r.json.member.enterprise_id ?? ent, ent);
  // the demo owner's overview does not count the other enterprise's member
  const o = (await s.api('GET', '/api/overview', { token: await s.token('admin') })).json;
  assert.equal(o.members, 2, 'P1 and the Hong Kong member');
  // the member token does not open the account routes of that enterprise either
  assert.equal((await s.api('GET', '/api/brands', { token: r.json.token })).status, 401);
});

test('the SMS outbox (owner) lists the codes sent, masked', async () => {
  const r = await s.api('GET', '/api/sms/outbox?limit=100', { token: await s.token('admin') });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.total >= 5);
  assert.ok(r.json.items.every((m) => m.kind === 'otp' && m.phone_masked));
  assert.ok(!r.json.items.some((m) => m.phone === '+8613912340005'), 'the other enterprise\'s messages are not listed');
  const fo = await s.api('GET', '/api/sms/outbox', { token: s.foreign.token });
  assert.equal(fo.json.total, 1);
});
