// member_self.test.mjs — the member H5 after a scan (SPEC §2 steps 1–3, §3.2):
// attribution (anonymous scans of a device become the member's when the person
// signs in on that device: first touch, owner = the counter QR's promoter),
// then self-service: profile, marketing consents with time and source,
// delivery addresses (at most 20; nobody else's), and the member QR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, expectError, errorTable, memberLogin, setCookieValue,
} from '../lib/server.mjs';

let s, T, F;
before(async () => {
  s = await startServer();
  F = s.foreign;
  T = await s.token('admin');
});
after(async () => { await s?.stop(); });

const detail = async (id) => (await s.api('GET', `/api/members/${id}`, { token: T })).json;
const timeline = async (id) => (await s.api('GET', `/api/members/${id}/timeline?limit=500`, { token: T })).json.items;

let tp, me, tokA;
test('attribution: anonymous scans of a counter QR, then sign-in on that device', async () => {
  tp = (await s.api('POST', '/api/touchpoints', { token: T, body: { name: '朝阳店 张芳雪', brand_id: 1, channel: 'counter', staff_id: 3, utm_campaign: 'spring' } })).json;
  const first = await s.api('GET', `/s/${tp.code}`);
  assert.equal(first.status, 302);
  const did = setCookieValue(first, 'hh_did');
  assert.ok(did);
  const second = await s.api('GET', `/s/${tp.code}`, { headers: { cookie: `hh_did=${did}` } });
  assert.equal(second.status, 302);
  // another device's scan is not this person's
  const other = await s.api('GET', `/s/${tp.code}`);
  assert.notEqual(setCookieValue(other, 'hh_did'), did);

  const r = await memberLogin(s, '13700000001', { cookie: `hh_did=${did}; other=1` });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, true);
  tokA = r.json.token;
  me = r.json.member;
  const d = await detail(me.id);
  assert.equal(d.first_touchpoint_id, tp.id);
  assert.equal(d.first_touchpoint_name, tp.name);
  assert.equal(d.first_channel, 'counter');
  assert.ok(d.first_touch_at > 0);
  assert.equal(d.last_touchpoint_id, tp.id);
  assert.equal(d.owner_staff_id, 3, 'the promoter of the counter QR owns the new member');
  assert.equal(d.owner_store_id, 2);
  assert.equal(d.registered_via, 'h5');
  const scans = (await timeline(me.id)).filter((x) => x.type === 'scan');
  assert.equal(scans.length, 2, 'both anonymous scans of the device, not the other device\'s');
  assert.ok(scans.every((x) => x.touchpoint_id === tp.id && x.channel === 'counter' && x.staff_id === 3));
  const events = (await timeline(me.id)).filter((x) => x.type === 'event');
  assert.ok(events.some((x) => x.kind === 'member.registered' && x.touchpoint_id === tp.id));

  // a second sign-in recognises the person
  const again = await memberLogin(s, '13700000001');
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.created, false);
  assert.equal(again.json.member.id, me.id);
});

test('a scan while signed in is the member\'s at once; first touch stays, last touch moves', async () => {
  const link = (await s.api('POST', '/api/touchpoints', { token: T, body: { name: 'KOL 链接', brand_id: 2, channel: 'kol', kind: 'link' } })).json;
  const r = await s.api('GET', `/s/${link.code}`, { headers: { cookie: `hh_member=${tokA}` } });
  assert.equal(r.status, 302);
  const d = await detail(me.id);
  assert.equal(d.first_touchpoint_id, tp.id);
  assert.equal(d.last_touchpoint_id, link.id);
  assert.equal(d.last_channel, 'kol');
  assert.equal(d.owner_staff_id, 3, 'the owner does not change');
  assert.ok((await timeline(me.id)).some((x) => x.type === 'scan' && x.touchpoint_id === link.id));
});

test('GET /api/member/me: lifecycle, consents, member code; masked', async () => {
  const r = await s.api('GET', '/api/member/me', { token: tokA });
  assert.equal(r.status, 200, r.text);
  const m = r.json.member;
  assert.equal(m.id, me.id);
  assert.equal(m.phone_masked, '137****0001');
  assert.equal(m.phone, undefined);
  assert.ok(!r.text.includes('13700000001'));
  assert.equal(m.lifecycle, 'new');
  assert.deepEqual(m.consents, { sms: { granted: false, at: null, source: null }, wechat: { granted: false, at: null, source: null } });
  assert.match(r.json.member_code, /^[0-9A-Z]{9,}$/);
});

test('PATCH /api/member/me: profile and validation', async (t) => {
  const r = await s.api('PATCH', '/api/member/me', { token: tokA, body: { name: '刘一', gender: 'male', birthday: '1992-07-08', city_code: '110100' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.member.name, '刘一');
  assert.equal(r.json.member.gender, 'male');
  assert.equal(r.json.member.birthday, '1992-07-08');
  assert.equal(r.json.member.city_code, '110100');
  const clear = await s.api('PATCH', '/api/member/me', { token: tokA, body: { city_code: '' } });
  assert.equal(clear.status, 200, clear.text);
  assert.equal(clear.json.member.city_code, null);
  assert.equal((await s.api('PATCH', '/api/member/me', { token: tokA, body: { city_code: '310100' } })).status, 200);
  const d = await detail(me.id);
  assert.equal(d.name, '刘一');
  assert.equal(d.city_code, '310100');
  assert.ok((await timeline(me.id)).some((x) => x.kind === 'member.profile_updated'));
  const P = '/api/member/me';
  const future = new Date(Date.now() + 3 * 86400_000).toISOString().slice(0, 10);
  await errorTable(t, s, tokA, [
    ['malformed JSON', 'PATCH', P, '{"name":"x"', 400, null, { code: 'malformed_json' }],
    ['nothing', 'PATCH', P, {}, 400, null],
    ['phone cannot change here', 'PATCH', P, { phone: '13700000009' }, 400, 'phone'],
    ['status', 'PATCH', P, { status: 'erased' }, 400, 'status'],
    ['gender', 'PATCH', P, { gender: 'other' }, 400, 'gender'],
    ['birthday format', 'PATCH', P, { birthday: '08/07/1992' }, 400, 'birthday'],
    ['birthday impossible', 'PATCH', P, { birthday: '1992-04-31' }, 400, 'birthday'],
    ['birthday future', 'PATCH', P, { birthday: future }, 400, 'birthday'],
    ['birthday before 1900', 'PATCH', P, { birthday: '1899-12-31' }, 400, 'birthday'],
    ['city unknown', 'PATCH', P, { city_code: '000000' }, 400, 'city_code'],
    ['city too long', 'PATCH', P, { city_code: '3101000' }, 400, 'city_code'],
    ['name too long', 'PATCH', P, { name: 'n'.repeat(33) }, 400, 'name'],
    ['name an object', 'PATCH', P, { name: { a: 1 } }, 400, 'name'],
    ['no session', 'PATCH', P, { name: 'x' }, 401, undefined, { token: null }],
    ['an admin token', 'PATCH', P, { name: 'x' }, 401, undefined, { token: T }],
  ]);
  assert.equal((await detail(me.id)).name, '刘一');
});

test('consents: set with time and source h5; unchanged decisions keep their time', async (t) => {
  const t0 = Date.now();
  const r = await s.api('PUT', '/api/member/consents', { token: tokA, body: { sms: true } });
  assert.equal(r.status, 200, r.text);
  const c = r.json.member.consents;
  assert.equal(c.sms.granted, true);
  assert.equal(c.sms.source, 'h5');
  assert.ok(c.sms.at >= t0 - 1000 && c.sms.at <= Date.now() + 1000);
  assert.deepEqual(c.wechat, { granted: false, at: null, source: null });
  const same = await s.api('PUT', '/api/member/consents', { token: tokA, body: { sms: true, wechat: true } });
  assert.equal(same.json.member.consents.sms.at, c.sms.at, 'sms unchanged: its time is kept');
  assert.equal(same.json.member.consents.wechat.granted, true);
  assert.ok(same.json.member.consents.wechat.at >= c.sms.at);
  await new Promise((ok) => setTimeout(ok, 5));
  const off = await s.api('PUT', '/api/member/consents', { token: tokA, body: { sms: false } });
  assert.equal(off.json.member.consents.sms.granted, false);
  assert.ok(off.json.member.consents.sms.at > c.sms.at, 'withdrawal is timed');
  const d = await detail(me.id);
  assert.equal(d.consent_sms, false);
  assert.equal(d.consent_wechat, true);
  assert.equal(d.consent_wechat_source, 'h5');
  assert.ok((await timeline(me.id)).some((x) => x.kind === 'member.consent_changed'));
  const P = '/api/member/consents';
  await errorTable(t, s, tokA, [
    ['nothing', 'PUT', P, {}, 400, null],
    ['sms a string', 'PUT', P, { sms: 'yes' }, 400, 'sms'],
    ['wechat 1', 'PUT', P, { wechat: 1 }, 400, 'wechat'],
    ['unknown field', 'PUT', P, { email: true }, 400, 'email'],
    ['malformed', 'PUT', P, 'true', 400, null, { code: 'malformed_json' }],
    ['no session', 'PUT', P, { sms: true }, 401, undefined, { token: null }],
  ]);
});

test('addresses: create, list, update, default, delete; validation', async (t) => {
  const A = '/api/member/addresses';
  const a1 = await s.api('POST', A, { token: tokA, body: { name: '刘一', phone: '137 0000 0002', province: '上海市', city: '上海市', district: '杨浦区', detail: '国定路 1 号' } });
  assert.equal(a1.status, 201, a1.text);
  assert.equal(a1.json.phone, '+8613700000002');
  assert.equal(a1.json.is_default, true, 'the first address is the default');
  const a2 = await s.api('POST', A, { token: tokA, body: { name: '刘一', phone: '13700000003', detail: '公司 2 号', is_default: true } });
  assert.equal(a2.status, 201, a2.text);
  let l = (await s.api('GET', A, { token: tokA })).json;
  assert.equal(l.total, 2);
  assert.deepEqual(l.items.map((x) => [x.id, x.is_default]), [[a2.json.id, true], [a1.json.id, false]], 'one default, listed first');
  const u = await s.api('PATCH', `${A}/${a1.json.id}`, { token: tokA, body: { detail: '国定路 100 号', is_default: true } });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.json.detail, '国定路 100 号');
  assert.equal(u.json.district, '杨浦区', 'other fields kept');
  l = (await s.api('GET', A, { token: tokA })).json;
  assert.equal(l.items.filter((x) => x.is_default).length, 1);
  assert.equal(l.items[0].id, a1.json.id);
  const del = await s.api('DELETE', `${A}/${a2.json.id}`, { token: tokA });
  assert.equal(del.status, 200, del.text);
  assert.equal(del.json.ok, true);
  assert.deepEqual((await s.api('GET', A, { token: tokA })).json.items.map((x) => x.id), [a1.json.id]);
  assert.equal((await detail(me.id)).addresses.length, 1, 'the admin detail shows it');
  await errorTable(t, s, tokA, [
    ['malformed', 'POST', A, '{', 400, null, { code: 'malformed_json' }],
    ['missing name', 'POST', A, { phone: '13700000002', detail: 'x' }, 400, 'name'],
    ['missing phone', 'POST', A, { name: 'x', detail: 'x' }, 400, 'phone'],
    ['missing detail', 'POST', A, { name: 'x', phone: '13700000002' }, 400, 'detail'],
    ['landline', 'POST', A, { name: 'x', phone: '021-68888888', detail: 'x' }, 400, 'phone'],
    ['bad phone', 'POST', A, { name: 'x', phone: '123', detail: 'x' }, 400, 'phone'],
    ['detail too long', 'POST', A, { name: 'x', phone: '13700000002', detail: '路'.repeat(201) }, 400, 'detail'],
    ['province too long', 'POST', A, { name: 'x', phone: '13700000002', detail: 'x', province: 'p'.repeat(33) }, 400, 'province'],
    ['is_default a string', 'POST', A, { name: 'x', phone: '13700000002', detail: 'x', is_default: 'yes' }, 400, 'is_default'],
    ['unknown field', 'POST', A, { name: 'x', phone: '13700000002', detail: 'x', zip: '200000' }, 400, 'zip'],
    ['PATCH nothing', 'PATCH', `${A}/${a1.json.id}`, {}, 400, null],
    ['PATCH empty name', 'PATCH', `${A}/${a1.json.id}`, { name: '' }, 400, 'name'],
    ['PATCH unknown id', 'PATCH', `${A}/999999`, { name: 'x' }, 404, 'id'],
    ['DELETE unknown id', 'DELETE', `${A}/999999`, undefined, 404, 'id'],
    ['DELETE already deleted', 'DELETE', `${A}/${a2.json.id}`, undefined, 404, 'id'],
    ['no session', 'GET', A, undefined, 401, undefined, { token: null }],
  ]);
});

test('another member\'s address is 404; at most 20 addresses (422)', async () => {
  const b = await memberLogin(s, '13700000011');
  assert.equal(b.status, 200, b.text);
  const tokB = b.json.token;
  const mine = (await s.api('GET', '/api/member/addresses', { token: tokA })).json.items[0];
  await expectError(await s.api('PATCH', `/api/member/addresses/${mine.id}`, { token: tokB, body: { detail: '偷改' } }), 404, 'id', 'not_found');
  await expectError(await s.api('DELETE', `/api/member/addresses/${mine.id}`, { token: tokB }), 404, 'id');
  assert.equal((await s.api('GET', '/api/member/addresses', { token: tokB })).json.total, 0);
  assert.equal((await s.api('GET', '/api/member/addresses', { token: tokA })).json.items[0].detail, '国定路 100 号');
  // a foreign tenant's member cannot touch it either
  const f = await memberLogin(s, '13700000011', { enterpriseId: F.enterpriseId });
  assert.equal(f.status, 200, f.text);
  await expectError(await s.api('DELETE', `/api/member/addresses/${mine.id}`, { token: f.json.token }), 404, 'id');
  // 20 addresses
  for (let i = 1; i <= 20; i++) {
    const r = await s.api('POST', '/api/member/addresses', { token: tokB, body: { name: '收件人', phone: '13700000012', detail: `第 ${i} 号` } });
    assert.equal(r.status, 201, `${i}: ${r.text}`);
  }
  const over = await s.api('POST', '/api/member/addresses', { token: tokB, body: { name: '收件人', phone: '13700000012', detail: '第 21 号' } });
  await expectError(over, 422, undefined, 'unprocessable');
  const l = (await s.api('GET', '/api/member/addresses', { token: tokB })).json;
  assert.equal(l.total, 20);
  assert.equal(l.items.filter((x) => x.is_default).length, 1);
});

test('the member QR (svg) carries the member code the counter looks up', async () => {
  const r = await s.api('GET', '/api/member/qr.svg', { token: tokA });
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^image\/svg\+xml/);
  assert.match(r.text, /<svg[\s>]/);
  const viaCookie = await s.api('GET', '/api/member/qr.svg', { headers: { cookie: `hh_member=${tokA}` } });
  assert.equal(viaCookie.status, 200);
  assert.equal(viaCookie.text, r.text, 'the same code every time');
  await expectError(await s.api('GET', '/api/member/qr.svg'), 401);
  await expectError(await s.api('GET', '/api/member/qr.svg', { token: T }), 401);
  const code = (await s.api('GET', '/api/member/me', { token: tokA })).json.member_code;
  const look = await s.api('GET', `/api/counter/lookup?code=HHM:${code}`, { token: await s.token('ba003') });
  assert.equal(look.status, 200, look.text);
  assert.equal(look.json.member.id, me.id);
  assert.equal(look.json.member.mine, true, 'staff 3 owns this member');
});
