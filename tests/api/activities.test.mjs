// activities.test.mjs — store events (活动报名, SPEC §3.5): capacity and
// waitlist decided in the writer (many members racing for the last seats from
// many connections → exactly capacity registered, the rest waitlisted in
// order), cancel with promotion of the first waitlisted, SMS reminders as
// service messages through the outbox, staff check-in by member QR or phone,
// no-show report with CSV export, and bad input naming the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectError, errorTable, memberLogin, sqlite, poll } from '../lib/server.mjs';

let s, T, F;
const members = []; // {token, id, phone, code}
before(async () => {
  s = await startServer();
  F = s.foreign;
  T = await s.token('admin');
  for (let i = 0; i < 14; i++) {
    const phone = `1380000${String(1000 + i)}`;
    const r = await memberLogin(s, phone);
    assert.equal(r.status, 200, r.text);
    const me = await s.api('GET', '/api/member/me', { token: r.json.token });
    members.push({ token: r.json.token, id: r.json.member.id, phone: `+86${phone}`, code: me.json.member_code });
  }
});
after(async () => { await s?.stop(); });

const hour = 3600_000;
const eventBody = (extra = {}) => ({
  brand_id: 1, store_id: 1, title: '澄光护肤体验课', description: '到店体验', starts_at: Date.now() + 24 * hour,
  ends_at: Date.now() + 26 * hour, capacity: 3, ...extra,
});
async function create(extra = {}, token = T) {
  const r = await s.api('POST', '/api/activities', { token, body: eventBody(extra) });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const signup = (m, id, agent) => s.api('POST', `/api/member/activities/${id}/signup`, { token: m.token, agent });
const cancel = (m, id) => s.api('POST', `/api/member/activities/${id}/cancel`, { token: m.token });

test('admin creates an event; bad input names the field', async (t) => {
  const a = await create({ remind_minutes: 60 });
  assert.equal(a.capacity, 3);
  assert.equal(a.waitlist, true);
  assert.equal(a.remind_minutes, 60);
  assert.equal(a.registered, 0);
  assert.equal(a.seats_left, 3);
  assert.equal(a.phase, 'open');
  assert.ok(a.store_name.length > 0);
  const b = eventBody();
  await errorTable(t, s, T, [
    ['no body', 'POST', '/api/activities', undefined, 400],
    ['malformed', 'POST', '/api/activities', '{"title":', 400],
    ['unknown field', 'POST', '/api/activities', { ...b, price: 1 }, 400, 'price'],
    ['no title', 'POST', '/api/activities', { ...b, title: undefined }, 400, 'title'],
    ['empty title', 'POST', '/api/activities', { ...b, title: ' ' }, 400, 'title'],
    ['capacity zero', 'POST', '/api/activities', { ...b, capacity: 0 }, 400, 'capacity'],
    ['capacity text', 'POST', '/api/activities', { ...b, capacity: '10' }, 400, 'capacity'],
    ['end before start', 'POST', '/api/activities', { ...b, ends_at: b.starts_at - 1 }, 400, 'ends_at'],
    ['in the past', 'POST', '/api/activities', { ...b, starts_at: Date.now() - 3 * hour, ends_at: Date.now() - 2 * hour }, 400, 'ends_at'],
    ['waitlist not boolean', 'POST', '/api/activities', { ...b, waitlist: 'yes' }, 400, 'waitlist'],
    ['remind too far', 'POST', '/api/activities', { ...b, remind_minutes: 99999 }, 400, 'remind_minutes'],
    ['store not selling the brand', 'POST', '/api/activities', { ...b, store_id: 15 }, 422, 'store_id'],
    ['unknown store', 'POST', '/api/activities', { ...b, store_id: 999999 }, 404, 'store_id'],
    ['foreign store', 'POST', '/api/activities', { ...b, store_id: F.storeId }, 404, 'store_id'],
    ['foreign brand', 'POST', '/api/activities', { ...b, brand_id: F.brandId }, 404, 'brand_id'],
    ['unknown campaign', 'POST', '/api/activities', { ...b, campaign_id: 999999 }, 404, 'campaign_id'],
    ['brand manager of another brand', 'POST', '/api/activities', b, 403, 'brand_id', { token: await s.token('qinghe.mgr') }],
    ['staff', 'POST', '/api/activities', b, 403, undefined, { token: await s.token('ba001') }],
    ['member session', 'POST', '/api/activities', b, 401, undefined, { token: members[0].token }],
    ['patch: nothing', 'PATCH', `/api/activities/${a.id}`, {}, 400],
    ['patch: bad status', 'PATCH', `/api/activities/${a.id}`, { status: 'done' }, 400, 'status'],
    ['patch: brand is fixed', 'PATCH', `/api/activities/${a.id}`, { brand_id: 2 }, 400, 'brand_id'],
    ['patch: unknown event', 'PATCH', '/api/activities/999999', { title: 'x' }, 404, 'id'],
    ['patch: foreign owner', 'PATCH', `/api/activities/${a.id}`, { title: 'x' }, 404, 'id', { token: F.token }],
    ['get: foreign owner', 'GET', `/api/activities/${a.id}`, undefined, 404, 'id', { token: F.token }],
    ['get: staff of another store', 'GET', `/api/activities/${a.id}`, undefined, 403, undefined, { token: await s.token('ba017') }],
    ['list: bad status', 'GET', '/api/activities?status=x', undefined, 400, 'status'],
  ]);
  const mgr = await create({ title: '经理创建' }, await s.token('lumina.mgr'));
  assert.equal(mgr.brand_id, 1);
  const list = await s.api('GET', '/api/activities?upcoming=1', { token: await s.token('ba001') });
  assert.ok(list.json.items.some((x) => x.id === a.id), 'staff of store 1 see its events');
  const other = await s.api('GET', '/api/activities', { token: await s.token('ba017') });
  assert.ok(!other.json.items.some((x) => x.store_id === 1), 'staff of store 9 do not');
  assert.equal((await s.api('GET', '/api/activities', { token: F.token })).json.total, 0);
});

test('many members race for 3 seats from many connections: exactly 3 registered, the rest waitlisted in order', async () => {
  const a = await create({ capacity: 3 });
  const racers = members.slice(0, 12);
  const all = await Promise.all(racers.map((m) => signup(m, a.id, false)));
  for (const r of all) assert.equal(r.status, 201, r.text);
  const statuses = all.map((r) => r.json.my_status);
  assert.equal(statuses.filter((x) => x === 'registered').length, 3);
  assert.equal(statuses.filter((x) => x === 'waitlisted').length, 9);
  const positions = all.filter((r) => r.json.my_status === 'waitlisted').map((r) => r.json.my_position).sort((x, y) => x - y);
  assert.deepEqual(positions, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const got = (await s.api('GET', `/api/activities/${a.id}`, { token: T })).json;
  assert.equal(got.registered, 3);
  assert.equal(got.waitlisted, 9);
  assert.equal(got.seats_left, 0);
  assert.equal(got.phase, 'full');
  const signups = (await s.api('GET', `/api/activities/${a.id}/signups`, { token: await s.token('ba001') })).json;
  assert.equal(signups.total, 12);
  assert.match(signups.items[0].member_phone_masked, /\*\*\*\*/);
  assert.equal(signups.items[0].member_phone, undefined);

  // sign up twice → refused
  const reg = racers[statuses.indexOf('registered')];
  await expectError(await signup(reg, a.id), 409, 'id');
  const waiter = racers.find((m, i) => all[i].json.my_position === 1);
  await expectError(await signup(waiter, a.id), 409, 'id');

  // a registered guest cancels: the first waitlisted takes the seat and is told by SMS
  const before = s.sms().length;
  const c = await cancel(reg, a.id);
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.my_status, null);
  assert.equal(c.json.registered, 3, 'the seat was taken again at once');
  assert.equal(c.json.waitlisted, 8);
  const w = (await s.api('GET', `/api/member/activities/${a.id}`, { token: waiter.token })).json;
  assert.equal(w.my_status, 'registered');
  const second = racers.find((m, i) => all[i].json.my_position === 2);
  assert.equal((await s.api('GET', `/api/member/activities/${a.id}`, { token: second.token })).json.my_position, 1, 'the waitlist moved up');
  const sms = await poll(async () => s.sms().slice(before), (l) => l.some((m) => m.phone === waiter.phone));
  const notice = sms.find((m) => m.phone === waiter.phone);
  assert.equal(notice.kind, 'service');
  assert.match(notice.text, /有了名额/);
  assert.doesNotMatch(notice.text, /拒收/, 'service messages carry no marketing opt-out line');
  const ev = await sqlite(s, `SELECT count(*) FROM events WHERE kind = 'activity.promoted' AND member_id = ${waiter.id}`);
  assert.equal(ev.trim(), '1');
  // cancel twice → refused
  await expectError(await cancel(reg, a.id), 409, 'id');
  // a waitlisted member may leave the queue; signing up again puts them at the back
  const third = racers.find((m, i) => all[i].json.my_position === 3);
  assert.equal((await cancel(third, a.id)).status, 200);
  const back = await signup(third, a.id);
  assert.equal(back.status, 201);
  assert.equal(back.json.my_status, 'waitlisted');
  assert.equal(back.json.my_position, 8);

  // more seats: the waitlist moves in
  const p = await s.api('PATCH', `/api/activities/${a.id}`, { token: T, body: { capacity: 5 } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.registered, 5);
  // fewer seats than guests: refused
  await expectError(await s.api('PATCH', `/api/activities/${a.id}`, { token: T, body: { capacity: 2 } }), 422, 'capacity');
});

test('a full event without a waitlist refuses; closed and cancelled events refuse; foreign members see nothing', async () => {
  const a = await create({ capacity: 1, waitlist: false });
  assert.equal((await signup(members[0], a.id)).status, 201);
  const full = await signup(members[1], a.id);
  await expectError(full, 422, 'id');
  assert.match(full.json.error.message, /名额已满/);
  const closed = await create({ title: '停止报名' });
  await s.api('PATCH', `/api/activities/${closed.id}`, { token: T, body: { status: 'closed' } });
  await expectError(await signup(members[0], closed.id), 422, 'id');
  // cancelling an event tells everyone who holds a seat
  const before = s.sms().length;
  assert.equal((await s.api('PATCH', `/api/activities/${a.id}`, { token: T, body: { status: 'cancelled' } })).status, 200);
  await poll(async () => s.sms().slice(before), (l) => l.some((m) => m.phone === members[0].phone && /已取消/.test(m.text)));
  await expectError(await signup(members[2], a.id), 422, 'id');
  await expectError(await s.api('PATCH', `/api/activities/${a.id}`, { token: T, body: { status: 'open' } }), 422, 'status');
  // a member of another enterprise cannot see or join it
  const fm = await memberLogin(s, '13800009999', { enterpriseId: F.enterpriseId });
  assert.equal(fm.status, 200, fm.text);
  await expectError(await s.api('POST', `/api/member/activities/${closed.id}/signup`, { token: fm.json.token }), 404, 'id');
  await expectError(await s.api('GET', `/api/member/activities/${closed.id}`, { token: fm.json.token }), 404, 'id');
  assert.ok(!(await s.api('GET', '/api/member/activities', { token: fm.json.token })).json.items.some((x) => x.id === closed.id));
});

test('member list: upcoming events with my status and waitlist position', async (t) => {
  const m = members[13];
  const a = await create({ title: '我的活动', capacity: 1 });
  await signup(members[12], a.id);
  const r = await signup(m, a.id);
  assert.equal(r.json.my_status, 'waitlisted');
  const list = await s.api('GET', '/api/member/activities', { token: m.token });
  assert.equal(list.status, 200);
  const mine = list.json.items.find((x) => x.id === a.id);
  assert.equal(mine.my_status, 'waitlisted');
  assert.equal(mine.my_position, 1);
  assert.ok(list.json.items.every((x) => x.ends_at > Date.now()));
  const onlyMine = await s.api('GET', '/api/member/activities?mine=1', { token: m.token });
  assert.deepEqual(onlyMine.json.items.map((x) => x.id), [a.id]);
  await errorTable(t, s, m.token, [
    ['unknown event', 'POST', '/api/member/activities/999999/signup', undefined, 404, 'id'],
    ['bad id', 'POST', '/api/member/activities/abc/signup', undefined, 404, 'id'],
    ['unknown field', 'POST', `/api/member/activities/${a.id}/signup`, { seats: 2 }, 400, 'seats'],
    ['malformed', 'POST', `/api/member/activities/${a.id}/cancel`, '{', 400],
    ['no session', 'POST', `/api/member/activities/${a.id}/signup`, undefined, 401, undefined, { token: null }],
    ['account session', 'GET', '/api/member/activities', undefined, 401, undefined, { token: T }],
    ['bad brand filter', 'GET', '/api/member/activities?brand_id=-1', undefined, 400, 'brand_id'],
  ]);
});

test('staff check in guests by member QR or phone; only registered guests, once, at their own store', async (t) => {
  // starts in 30 minutes: sign-up still open, check-in already open (2 h before)
  const a = await create({ title: '签到测试', capacity: 2, starts_at: Date.now() + 30 * 60_000, ends_at: Date.now() + 3 * hour });
  const [g1, g2, w1, none] = [members[0], members[1], members[2], members[3]];
  for (const m of [g1, g2, w1]) assert.equal((await signup(m, a.id)).status, 201);
  const ba001 = await s.token('ba001');
  const r = await s.api('POST', `/api/activities/${a.id}/checkin`, { token: ba001, body: { code: `HHM:${g1.code}` } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.signup.status, 'attended');
  assert.equal(r.json.signup.member_id, g1.id);
  assert.ok(r.json.signup.checked_in_at > 0);
  // the event in the answer counts this check-in (the staff app shows it)
  assert.equal(r.json.activity.id, a.id);
  assert.equal(r.json.activity.attended, 1);
  assert.equal(r.json.activity.registered, 2);
  const ev = await sqlite(s, `SELECT store_id, staff_id FROM events WHERE kind = 'activity.checkin' AND member_id = ${g1.id}`);
  assert.equal(ev.trim(), '1|1');
  const byPhone = await s.api('POST', `/api/activities/${a.id}/checkin`, { token: await s.token('lumina.mgr'), body: { phone: g2.phone.slice(3) } });
  assert.equal(byPhone.status, 200, byPhone.text);
  assert.equal(byPhone.json.activity.attended, 2);
  await errorTable(t, s, ba001, [
    ['twice', 'POST', `/api/activities/${a.id}/checkin`, { code: g1.code }, 409, 'code'],
    ['waitlisted guest', 'POST', `/api/activities/${a.id}/checkin`, { code: w1.code }, 422, 'code'],
    ['not signed up', 'POST', `/api/activities/${a.id}/checkin`, { code: none.code }, 422, 'code'],
    ['not signed up, by phone', 'POST', `/api/activities/${a.id}/checkin`, { phone: none.phone }, 422, 'phone'],
    ['forged code', 'POST', `/api/activities/${a.id}/checkin`, { code: 'HHM:ABCDEFGH12345678' }, 400, 'code'],
    ['bad phone', 'POST', `/api/activities/${a.id}/checkin`, { phone: '12345' }, 400, 'phone'],
    ['unknown phone', 'POST', `/api/activities/${a.id}/checkin`, { phone: '13999999999' }, 404, 'phone'],
    ['nothing given', 'POST', `/api/activities/${a.id}/checkin`, {}, 400, 'code'],
    ['code not text', 'POST', `/api/activities/${a.id}/checkin`, { code: 12 }, 400, 'code'],
    ['unknown field', 'POST', `/api/activities/${a.id}/checkin`, { member_id: 1 }, 400, 'member_id'],
    ['malformed', 'POST', `/api/activities/${a.id}/checkin`, '[', 400],
    ['unknown event', 'POST', '/api/activities/999999/checkin', { code: g1.code }, 404, 'id'],
    ['staff of another store', 'POST', `/api/activities/${a.id}/checkin`, { code: g2.code }, 403, undefined, { token: await s.token('ba017') }],
    ['brand manager of another brand', 'POST', `/api/activities/${a.id}/checkin`, { code: g2.code }, 403, undefined, { token: await s.token('qinghe.mgr') }],
    ['foreign staff', 'POST', `/api/activities/${a.id}/checkin`, { code: g2.code }, 404, 'id', { token: await s.token(F.staffLogin) }],
  ]);
  // too early: an event tomorrow
  const later = await create({ title: '明天' });
  await signup(g1, later.id);
  await expectError(await s.api('POST', `/api/activities/${later.id}/checkin`, { token: ba001, body: { code: g1.code } }), 422, 'id');
  // a guest who checked in cannot cancel
  await expectError(await cancel(g1, a.id), 422, 'id');
  const audit = await sqlite(s, `SELECT count(*) FROM audit_log WHERE action = 'activity.checkin'`);
  assert.equal(audit.trim(), '2');
});

test('reminders: registered guests get a service SMS remind_minutes before the start, once', async () => {
  const before = s.sms().length;
  const a = await create({ title: '提醒测试', capacity: 1, remind_minutes: 120, starts_at: Date.now() + 60 * 60_000, ends_at: Date.now() + 2 * hour });
  await signup(members[5], a.id);
  await signup(members[6], a.id); // waitlisted: no reminder
  const got = await poll(async () => s.sms().slice(before).filter((m) => /提醒测试/.test(m.text) && /提醒/.test(m.text)),
    (l) => l.length >= 1, { timeout: 25_000, interval: 500, what: 'the reminder' });
  assert.equal(got[0].phone, members[5].phone);
  assert.equal(got[0].kind, 'service');
  assert.match(got[0].text, /出示会员码/);
  const outbox = await s.api('GET', '/api/sms/outbox?limit=50', { token: T });
  assert.ok(outbox.json.items.some((m) => m.kind === 'service' && /提醒测试/.test(m.text)));
  const row = await sqlite(s, `SELECT reminded_at IS NOT NULL FROM activities WHERE id = ${a.id}`);
  assert.equal(row.trim(), '1');
  await new Promise((r) => setTimeout(r, 11_000)); // one more pass: nothing sent twice
  assert.equal(s.sms().slice(before).filter((m) => /提醒测试/.test(m.text) && /提醒：/.test(m.text)).length, 1);
});

test('no-show report after the end, with CSV export', async (t) => {
  const a = await create({ title: '缺席统计', capacity: 5, starts_at: Date.now() + 30 * 60_000, ends_at: Date.now() + 2 * hour });
  for (const m of members.slice(7, 10)) await signup(m, a.id);
  await s.api('POST', `/api/activities/${a.id}/checkin`, { token: T, body: { code: members[7].code } });
  const during = await s.api('GET', `/api/activities/${a.id}/no-shows`, { token: T });
  assert.equal(during.status, 200);
  assert.equal(during.json.ended, false);
  // the event took place in the past
  await sqlite(s, `UPDATE activities SET starts_at = ${Date.now() - 3 * hour}, ends_at = ${Date.now() - hour} WHERE id = ${a.id}`);
  const r = await s.api('GET', `/api/activities/${a.id}/no-shows`, { token: await s.token('ba001') });
  assert.equal(r.status, 200);
  assert.equal(r.json.ended, true);
  assert.equal(r.json.attended, 1);
  assert.deepEqual(r.json.items.map((x) => x.member_id).sort(), [members[8].id, members[9].id].sort());
  const csv = await s.api('GET', `/api/activities/${a.id}/no-shows?format=csv`, { token: T });
  assert.equal(csv.status, 200);
  assert.match(csv.headers['content-type'], /text\/csv/);
  assert.match(csv.headers['content-disposition'], /no-shows-\d+\.csv/);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0].replaceAll('"', ''), '会员ID,姓名,手机号,活动,门店,活动开始,报名时间');
  assert.equal(lines.length, 3);
  assert.ok(lines.slice(1).every((l) => /\*\*\*\*/.test(l) && /缺席统计/.test(l)), 'phones masked');
  // after the end: no sign-up, no cancel, no check-in
  await expectError(await signup(members[10], a.id), 422, 'id');
  await expectError(await cancel(members[8], a.id), 422, 'id');
  await expectError(await s.api('POST', `/api/activities/${a.id}/checkin`, { token: T, body: { code: members[8].code } }), 422, 'id');
  await errorTable(t, s, T, [
    ['bad format', 'GET', `/api/activities/${a.id}/no-shows?format=xlsx`, undefined, 400, 'format'],
    ['unknown event', 'GET', '/api/activities/999999/no-shows', undefined, 404, 'id'],
    ['foreign owner', 'GET', `/api/activities/${a.id}/no-shows`, undefined, 404, 'id', { token: F.token }],
    ['staff of another store', 'GET', `/api/activities/${a.id}/no-shows`, undefined, 403, undefined, { token: await s.token('ba017') }],
    ['signups: bad status', 'GET', `/api/activities/${a.id}/signups?status=x`, undefined, 400, 'status'],
  ]);
});

test('demo data: two upcoming store events at store 1', async () => {
  const r = await s.api('GET', '/api/member/activities', { token: members[0].token });
  const demo = r.json.items.filter((x) => ['澄光新品精华体验课', '青禾冷泡茶品鉴会'].includes(x.title));
  assert.equal(demo.length, 2);
  assert.ok(demo.every((x) => x.store_id === 1 && x.starts_at > Date.now()));
});
