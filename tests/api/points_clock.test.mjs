// points_clock.test.mjs — points across a calendar-year boundary with the
// test-only fixed clock (HUOHUA_CLOCK, see `huohua serve --help`): points
// earned on 31 December expire at the end of the next year, those earned a
// minute after midnight China time (still 31 December in UTC) a year later;
// daily check-in counts local days; at the first millisecond of the new year
// the housekeeping moves expired remainders to the expired account (once,
// however often it runs) and reviews levels: a member whose rolling-window
// points no longer reach the level drops at the period end, not before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, memberLogin, poll, cli } from '../lib/server.mjs';

// instants in China time (UTC+8, no daylight saving)
const cn = (y, mo, d, h = 0, mi = 0, s = 0, ms = 0) => Date.UTC(y, mo - 1, d, h - 8, mi, s, ms);
const END_2026 = cn(2027, 1, 1) - 1;
const END_2027 = cn(2028, 1, 1) - 1;

let s, m;
const PHONE = '13500007777';
before(async () => { s = await startServer({ foreign: false, env: { HUOHUA_CLOCK: String(cn(2025, 12, 31, 12)) } }); });
after(async () => { await s?.stop(); });

async function at(instant) {
  s.env.HUOHUA_CLOCK = String(instant);
  await s.restart();
  const r = await memberLogin(s, PHONE);
  assert.equal(r.status, 200, r.text);
  m = { token: r.json.token, id: r.json.member.id };
}
const points = async () => (await s.api('GET', '/api/member/points', { token: m.token })).json;
const checkin = () => s.api('POST', '/api/member/points/checkin', { token: m.token });

test('31 Dec 2025: registration and check-in earn lots valid to the end of 2026; a level is reached', async () => {
  const T = await s.login('admin');
  const lv = (await s.api('GET', '/api/points/levels', { token: T })).json;
  const ladder = lv.levels.map((l) => ({ id: l.id, name: l.name, threshold: l.threshold }));
  ladder[1].threshold = 105; // 银卡 at 105 points earned in 365 days
  const put = await s.api('PUT', '/api/points/levels', { token: T, body: { basis: 'points', window_days: 365, review: 'year', levels: ladder } });
  assert.equal(put.status, 200, put.text);
  const r = await memberLogin(s, PHONE);
  assert.equal(r.status, 200, r.text);
  m = { token: r.json.token, id: r.json.member.id };
  const c = await checkin();
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.day, '2025-12-31');
  const p = await points();
  assert.equal(p.balance, 105);
  assert.deepEqual(p.lots.map((l) => l.expires_at), [END_2026, END_2026]);
  assert.equal(p.level.current.name, '银卡会员');
  assert.equal(p.level.review_at, cn(2026, 1, 1), 'reviewed at the end of the year');
});

test('00:30 on 1 Jan 2026 China time (still 31 Dec in UTC): a new local day, lots valid to the end of 2027', async () => {
  await at(cn(2026, 1, 1, 0, 30));
  const c = await checkin();
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.day, '2026-01-01');
  assert.equal(c.json.checkin.streak, 2, 'consecutive local days across the year boundary');
  await expectConflict();
  const p = await points();
  assert.equal(p.balance, 110);
  assert.deepEqual(p.lots.map((l) => l.expires_at), [END_2026, END_2026, END_2027]);
  // the review at the year's end kept the level (105 earned within 365 days) and moved the next review on
  const lvl = await poll(points, (x) => x.level.review_at === cn(2027, 1, 1), { what: 'the level review' });
  assert.equal(lvl.level.current.name, '银卡会员');
  assert.equal(lvl.level.history.length, 1);
});

async function expectConflict() {
  const again = await checkin();
  assert.equal(again.status, 409);
  assert.equal(again.json.error.field, 'day');
}

test('the last millisecond of 2026: nothing has expired yet', async () => {
  await at(END_2026);
  // let the housekeeping of the restart run, then look
  await new Promise((r) => setTimeout(r, 2500));
  const p = await points();
  assert.equal(p.balance, 110);
  const T = await s.login('admin');
  const ex = await s.api('GET', `/api/points/transactions?member_id=${m.id}&kind=expire`, { token: T });
  assert.equal(ex.json.total, 0);
  assert.equal(p.level.current.name, '银卡会员', 'no review before the period ends');
});

test('the first millisecond of 2027: the 2025 points expire (once) and the level drops at the period end', async () => {
  await at(cn(2027, 1, 1));
  const p = await poll(points, (x) => x.balance === 5 && x.level.history.length === 2, { what: 'expiry and the level review' });
  assert.deepEqual(p.lots.map((l) => [l.remaining, l.expires_at]), [[5, END_2027]]);
  assert.equal(p.level.current.name, '普通会员');
  assert.equal(p.level.history[0].direction, 'down');
  assert.equal(p.level.history[0].basis_value, 5, 'only the 2026 check-in is in the 365-day window');
  const T = await s.login('admin');
  const ex = (await s.api('GET', `/api/points/transactions?member_id=${m.id}&kind=expire`, { token: T })).json;
  assert.equal(ex.total, 1);
  assert.equal(ex.items[0].points, -105);
  const d = (await s.api('GET', `/api/points/transactions/${ex.items[0].id}`, { token: T })).json;
  assert.equal(d.balanced, true);
  assert.deepEqual(d.entries.map((e) => [e.account_kind, e.amount]).sort(), [['expired', 105], ['member', -105]]);
  assert.equal(d.lot_moves.length, 2);
  const h = (await s.api('GET', '/api/member/points/history', { token: m.token })).json;
  assert.equal(h.items[0].kind, 'expire');
  // running the housekeeping again (another restart at the same instant) changes nothing
  await at(cn(2027, 1, 1));
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal((await s.api('GET', `/api/points/transactions?member_id=${m.id}&kind=expire`, { token: await s.login('admin') })).json.total, 1);
  assert.equal((await points()).balance, 5);
  // and the ledger is consistent
  const report = JSON.parse(await cli(['check', '--db', s.db, '--json']));
  assert.equal(report.ok, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
});
