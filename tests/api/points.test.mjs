// points.test.mjs — the points ledger through the API (SPEC §3.6, §4.3):
// registration, profile and daily check-in awards by the earn rules; the
// member's balance with its lots and expiry, and history; manual adjustments
// with a reason (audited) and reversals; the ledger explorer (a transaction
// with its entries summing to zero); earn rules with multipliers and caps;
// levels with privilege coupons and history; scope (brand managers, staff,
// another tenant); bad-input tables; and many connections spending one
// member's points at once never driving the balance negative.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  startServer, expectError, errorTable, memberLogin, request, cli, sqlite, PASSWORD,
} from '../lib/server.mjs';

let s, T, LUM, QIN, BA, F;
before(async () => {
  s = await startServer();
  F = s.foreign;
  T = await s.token('admin');
  LUM = await s.token('lumina.mgr');
  QIN = await s.token('qinghe.mgr');
  BA = await s.token('ba001');
});
after(async () => { await s?.stop(); });

let phoneSeq = 0;
async function member(opts = {}) {
  phoneSeq += 1;
  const phone = `1350000${String(1000 + phoneSeq).slice(-4)}`;
  const r = await memberLogin(s, phone, opts);
  assert.equal(r.status, 200, r.text);
  return { token: r.json.token, id: r.json.member.id, phone };
}
const points = async (m) => (await s.api('GET', '/api/member/points', { token: m.token })).json;
const adjust = (id, body, token = T) => s.api('POST', `/api/members/${id}/points/adjust`, { token, body });
const sumEntries = (t) => t.entries.reduce((a, e) => a + e.amount, 0);

test('registration earns points in a lot that expires at the end of next year (China time)', async () => {
  const m = await member();
  const p = await points(m);
  assert.equal(p.balance, 100, 'the demo registration rule gives 100');
  assert.equal(p.lots.length, 1);
  const lot = p.lots[0];
  assert.equal(lot.remaining, 100);
  assert.equal(lot.source, 'register');
  // the end of the calendar year after the year earned, in Asia/Shanghai
  const earnedYear = new Date(lot.earned_at + 8 * 3600e3).getUTCFullYear();
  assert.equal(lot.expires_at, Date.UTC(earnedYear + 2, 0, 1) - 8 * 3600e3 - 1);
  assert.deepEqual(p.next_expiry, { at: lot.expires_at, points: 100 });
  assert.equal(p.level.current.name, '普通会员');
  assert.equal(p.level.next.name, '银卡会员');
  assert.equal(p.level.next.needed, 900);
  assert.equal(p.checkin.today, false);
  assert.equal(p.checkin.points, 5);
  assert.ok(p.earn_ways.some((w) => w.action === 'checkin' && w.points === 5));
  const h = (await s.api('GET', '/api/member/points/history', { token: m.token })).json;
  assert.equal(h.total, 1);
  assert.equal(h.items[0].kind, 'earn');
  assert.equal(h.items[0].rule_name, '注册有礼');
  // a second sign-in is no second registration
  const again = await memberLogin(s, m.phone);
  assert.equal(again.json.created, false);
  assert.equal((await points(m)).balance, 100);
});

test('daily check-in: once per local day, with an analytics event', async () => {
  const m = await member();
  const c = await s.api('POST', '/api/member/points/checkin', { token: m.token });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.points, 5);
  assert.equal(c.json.balance, 105);
  assert.deepEqual(c.json.checkin, { today: true, streak: 1, points: 5 });
  await expectError(await s.api('POST', '/api/member/points/checkin', { token: m.token }), 409, 'day', 'conflict');
  await expectError(await s.api('POST', '/api/member/points/checkin', { token: m.token, body: {} }), 409, 'day');
  // a retry with the same Idempotency-Key replays the first answer
  const m2 = await member();
  const k = { 'idempotency-key': `ci-${m2.id}` };
  const a = await s.api('POST', '/api/member/points/checkin', { token: m2.token, headers: k });
  const b = await s.api('POST', '/api/member/points/checkin', { token: m2.token, headers: k });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.equal(b.headers['idempotent-replayed'], 'true');
  assert.equal((await points(m2)).balance, 105);
  const tl = (await s.api('GET', `/api/members/${m.id}/timeline?limit=500`, { token: T })).json.items;
  assert.ok(tl.some((x) => x.kind === 'points.checkin'), 'points.checkin event');
});

test('profile completion earns once, when the profile is complete', async () => {
  const m = await member();
  let r = await s.api('PATCH', '/api/member/me', { token: m.token, body: { name: '李四' } });
  assert.equal(r.status, 200);
  assert.equal(r.json.points_awarded, 0, 'not complete yet');
  r = await s.api('PATCH', '/api/member/me', { token: m.token, body: { gender: 'male', birthday: '1991-02-03', city_code: '310100' } });
  assert.equal(r.json.points_awarded, 50);
  r = await s.api('PATCH', '/api/member/me', { token: m.token, body: { name: '李四四' } });
  assert.equal(r.json.points_awarded, 0, 'once');
  assert.equal((await points(m)).balance, 150);
});

test('manual adjustment with a reason, audited; the ledger shows balanced entries', async () => {
  const m = await member();
  const up = await adjust(m.id, { points: 400, reason: '客服补偿' });
  assert.equal(up.status, 201, up.text);
  assert.equal(up.json.balance, 500);
  const t = up.json.transaction;
  assert.equal(t.kind, 'adjust');
  assert.equal(t.reason, '客服补偿');
  assert.equal(t.actor_login, 'admin');
  assert.equal(t.balanced, true);
  assert.equal(sumEntries(t), 0);
  assert.deepEqual(t.entries.map((e) => [e.account_kind, e.amount]).sort(), [['adjusted', -400], ['member', 400]]);
  assert.equal(t.lot_moves.length, 1);
  const down = await adjust(m.id, { points: -450, reason: '重复发放扣回' });
  assert.equal(down.status, 201);
  assert.equal(down.json.balance, 50);
  // the 450 came from the lots that expire first: both lots consumed in order
  assert.equal(down.json.transaction.lot_moves.reduce((a, x) => a + x.amount, 0), -450);
  await expectError(await adjust(m.id, { points: -51, reason: '超额' }), 422, 'points', 'unprocessable');
  const audit = await s.api('GET', `/api/audit?entity=member&entity_id=${m.id}`, { token: T });
  assert.ok(audit.json.items.some((a) => a.action === 'points.adjust' && a.after.reason === '客服补偿'));
  // the detail of a transaction
  const d = await s.api('GET', `/api/points/transactions/${t.id}`, { token: T });
  assert.equal(d.status, 200);
  assert.equal(d.json.member_phone_masked.includes('****'), true);
  assert.equal(d.json.balanced, true);
  // the member's account in the console
  const acct = await s.api('GET', `/api/members/${m.id}/points`, { token: T });
  assert.equal(acct.json.balance, 50);
  assert.equal(acct.json.ledger_balance, 50);
  // the programme accounts sum to zero with the members'
  const acc = (await s.api('GET', '/api/points/accounts', { token: T })).json;
  assert.equal(acc.sum_of_all, 0);
  assert.ok(acc.items.some((a) => a.kind === 'issued' && a.balance < 0));
});

test('a correction is a reversing transaction, once', async () => {
  const m = await member();
  const up = (await adjust(m.id, { points: 30, reason: '活动补发' })).json.transaction;
  const rev = await s.api('POST', `/api/points/transactions/${up.id}/reverse`, { token: T, body: { reason: '发错了' } });
  assert.equal(rev.status, 201, rev.text);
  assert.equal(rev.json.kind, 'reversal');
  assert.equal(rev.json.points, -30);
  assert.equal(rev.json.reverses_id, up.id);
  assert.equal(sumEntries(rev.json), 0);
  assert.equal((await points(m)).balance, 100);
  const again = await s.api('GET', `/api/points/transactions/${up.id}`, { token: T });
  assert.equal(again.json.corrected_by, rev.json.id);
  await expectError(await s.api('POST', `/api/points/transactions/${up.id}/reverse`, { token: T, body: { reason: 'x' } }), 409, 'id');
  await expectError(await s.api('POST', `/api/points/transactions/${rev.json.id}/reverse`, { token: T, body: { reason: 'x' } }), 422, 'id');
  // a spend (negative adjustment) reversed: the points return to their lots
  const down = (await adjust(m.id, { points: -60, reason: '兑换线下礼品' })).json.transaction;
  assert.equal((await points(m)).balance, 40);
  const back = await s.api('POST', `/api/points/transactions/${down.id}/reverse`, { token: T, body: { reason: '礼品缺货' } });
  assert.equal(back.status, 201);
  const p = await points(m);
  assert.equal(p.balance, 100);
  assert.equal(p.lots.find((l) => l.source === 'register').remaining, 100, 'back in the original lot');
  // the award itself, once the points are spent, cannot be taken back
  const reg = (await s.api('GET', `/api/points/transactions?member_id=${m.id}&kind=earn`, { token: T })).json.items[0];
  await adjust(m.id, { points: -100, reason: '用完' });
  await expectError(await s.api('POST', `/api/points/transactions/${reg.id}/reverse`, { token: T, body: { reason: 'x' } }), 422, 'id');
});

test('ledger explorer: filters and scope', async () => {
  const m = await member();
  await adjust(m.id, { points: 7, reason: 'a' });
  const list = await s.api('GET', `/api/points/transactions?member_id=${m.id}`, { token: T });
  assert.equal(list.status, 200);
  assert.equal(list.json.total, 2);
  assert.deepEqual(list.json.items.map((x) => x.kind), ['adjust', 'earn']);
  assert.equal((await s.api('GET', `/api/points/transactions?member_id=${m.id}&kind=adjust`, { token: T })).json.total, 1);
  assert.equal((await s.api('GET', `/api/points/transactions?member_id=${m.id}&source=register`, { token: T })).json.total, 1);
  assert.equal((await s.api('GET', `/api/points/transactions?member_id=${m.id}&from=${Date.now() + 864e5 * 400}`, { token: T })).json.total, 0);
  // brand managers read the ledger; staff do not; another tenant sees nothing of it
  assert.equal((await s.api('GET', `/api/points/transactions?member_id=${m.id}`, { token: LUM })).status, 200);
  await expectError(await s.api('GET', '/api/points/transactions', { token: BA }), 403);
  assert.equal((await s.api('GET', `/api/points/transactions?member_id=${m.id}`, { token: F.token })).json.total, 0);
  const id = list.json.items[0].id;
  await expectError(await s.api('GET', `/api/points/transactions/${id}`, { token: F.token }), 404, 'id');
  await expectError(await s.api('GET', `/api/members/${m.id}/points`, { token: F.token }), 404, 'id');
  assert.equal((await s.api('GET', '/api/points/accounts', { token: F.token })).json.transactions, 0);
});

test('brand managers adjust only points their brands fund; staff not at all', async () => {
  const m = await member();
  await expectError(await adjust(m.id, { points: 10, reason: 'x' }, LUM), 403, 'brand_id');
  await expectError(await adjust(m.id, { points: 10, reason: 'x', brand_id: 2 }, LUM), 403, 'brand_id');
  const ok = await adjust(m.id, { points: 10, reason: '澄光补偿', brand_id: 1 }, LUM);
  assert.equal(ok.status, 201, ok.text);
  assert.ok(ok.json.transaction.entries.some((e) => e.account_kind === 'adjusted' && e.brand_id === 1));
  await expectError(await s.api('POST', `/api/points/transactions/${ok.json.transaction.id}/reverse`, { token: QIN, body: { reason: 'x' } }), 403, 'id');
  await expectError(await adjust(m.id, { points: 10, reason: 'x' }, BA), 403);
  // staff see a member's points at a glance in the counter lookup
  const look = await s.api('GET', `/api/counter/lookup?phone=${m.phone}`, { token: BA });
  assert.equal(look.status, 200, look.text);
  assert.equal(look.json.member.points.balance, 110);
});

test('earn rules: create, multiplier, cap, archive; traceable awards', async () => {
  // a campaign-less multiplier on check-ins inside a window: ×3
  const mult = await s.api('POST', '/api/points/rules', {
    token: T, body: { name: '签到三倍', kind: 'multiplier', action: 'checkin', multiplier_pct: 300, starts_at: Date.now() - 6e4, ends_at: Date.now() + 36e5 },
  });
  assert.equal(mult.status, 201, mult.text);
  const m = await member();
  const c = await s.api('POST', '/api/member/points/checkin', { token: m.token });
  assert.equal(c.json.points, 15);
  const t = (await s.api('GET', `/api/points/transactions/${c.json.txn_id}`, { token: T })).json;
  assert.equal(t.rule_name, '每日签到');
  assert.equal(t.source, 'checkin');
  assert.equal(t.props.multiplier_rule_id, mult.json.id);
  assert.equal(t.props.base, 5);
  // pause the multiplier: back to 5
  const p = await s.api('PATCH', `/api/points/rules/${mult.json.id}`, { token: T, body: { status: 'paused' } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.status, 'paused');
  // an action rule with a total cap: referral 200, at most 300 per member
  const rules = (await s.api('GET', '/api/points/rules?kind=action', { token: T })).json.items;
  const checkin = rules.find((r) => r.action === 'checkin');
  assert.ok(checkin.award_count >= 1);
  const capped = await s.api('PATCH', `/api/points/rules/${checkin.id}`, { token: T, body: { total_cap: 5 } });
  assert.equal(capped.status, 200, capped.text);
  // brand managers write rules of their brands only
  const own = await s.api('POST', '/api/points/rules', { token: LUM, body: { name: '澄光消费', kind: 'spend', brand_id: 1, points: 2, unit_fen: 100 } });
  assert.equal(own.status, 201, own.text);
  await expectError(await s.api('POST', '/api/points/rules', { token: LUM, body: { name: '全企业', kind: 'spend', points: 2, unit_fen: 100 } }), 403, 'brand_id');
  await expectError(await s.api('POST', '/api/points/rules', { token: LUM, body: { name: '青禾', kind: 'spend', brand_id: 2, points: 2, unit_fen: 100 } }), 403, 'brand_id');
  await expectError(await s.api('PATCH', `/api/points/rules/${checkin.id}`, { token: LUM, body: { points: 9 } }), 403);
  await expectError(await s.api('PATCH', `/api/points/rules/${own.json.id}`, { token: QIN, body: { points: 9 } }), 403);
  assert.equal((await s.api('GET', `/api/points/rules/${own.json.id}`, { token: LUM })).status, 200);
  const del = await s.api('DELETE', `/api/points/rules/${own.json.id}`, { token: LUM });
  assert.equal(del.json.status, 'archived');
  await expectError(await s.api('DELETE', `/api/points/rules/${own.json.id}`, { token: LUM }), 409, 'id');
  assert.ok(!(await s.api('GET', '/api/points/rules', { token: T })).json.items.some((r) => r.id === own.json.id), 'archived rules are hidden');
  assert.ok((await s.api('GET', '/api/points/rules?include_archived=1', { token: T })).json.items.some((r) => r.id === own.json.id));
  // the member who checked in for 15 is over the cap of 5 now: tomorrow's check-in would be refused (422 limit);
  // today's second check-in is a 409 anyway
  await expectError(await s.api('GET', `/api/points/rules/${own.json.id}`, { token: F.token }), 404, 'id');
  const audit = await s.api('GET', `/api/audit?entity=points_rule&entity_id=${own.json.id}`, { token: T });
  assert.deepEqual(audit.json.items.map((a) => a.action).sort(), ['points_rule.archive', 'points_rule.create']);
  // over the cap: a member who checked in yesterday (5 points, moved back a day) gets nothing more from a rule capped at 5
  const capped5 = await member();
  const first = await s.api('POST', '/api/member/points/checkin', { token: capped5.token });
  assert.equal(first.json.points, 5);
  await sqlite(s, `UPDATE points_txns SET source_id = source_id - 1, day = date(day, '-1 day') WHERE id = ${first.json.txn_id}`);
  await expectError(await s.api('POST', '/api/member/points/checkin', { token: capped5.token }), 422, 'limit', 'unprocessable');
  // restore the check-in rule for the tests below
  await s.api('PATCH', `/api/points/rules/${checkin.id}`, { token: T, body: { total_cap: null } });
  const third = await s.api('POST', '/api/member/points/checkin', { token: capped5.token });
  assert.equal(third.status, 201, 'without the cap the day\'s check-in is open again');
});

test('levels: upgrade at once with privilege coupons and history', async () => {
  // a privilege coupon template (the coupons module's table)
  await sqlite(s, "INSERT INTO coupon_templates (id, enterprise_id, brand_id, name, kind, value_fen, min_spend_fen, validity, valid_days, quantity, claimable, created_at, updated_at) VALUES (9001, 1, 1, '银卡专享 满100减20', 'cash', 2000, 10000, 'relative', 30, 1000, 0, 0, 0)");
  const cur = (await s.api('GET', '/api/points/levels', { token: T })).json;
  const ladder = cur.levels.map((l) => ({ id: l.id, name: l.name, threshold: l.threshold, earn_multiplier_pct: l.earn_multiplier_pct, benefits: l.benefits }));
  ladder[1] = { ...ladder[1], threshold: 104, coupon_template_ids: [9001] };
  const put = await s.api('PUT', '/api/points/levels', { token: T, body: { basis: 'points', window_days: 365, review: 'year', levels: ladder } });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.levels[1].coupon_templates[0].name, '银卡专享 满100减20');
  const m = await member(); // 100 points: not yet
  let p = await points(m);
  assert.equal(p.level.current.name, '普通会员');
  assert.equal(p.level.next.needed, 4);
  const c = await s.api('POST', '/api/member/points/checkin', { token: m.token }); // +5 → 105
  assert.equal(c.status, 201, c.text);
  p = await points(m);
  assert.equal(p.level.current.name, '银卡会员', 'upgraded in the same write');
  assert.equal(p.level.history.length, 1);
  assert.equal(p.level.history[0].direction, 'up');
  assert.ok(p.level.review_at > Date.now());
  const coupons = JSON.parse(await sqlite(s, `SELECT json_group_array(json_object('source', source, 'template_id', template_id)) FROM coupons WHERE member_id = ${m.id}`));
  assert.deepEqual(coupons, [{ source: 'level', template_id: 9001 }]);
  const hist = await s.api('GET', `/api/points/level-history?member_id=${m.id}`, { token: T });
  assert.equal(hist.json.total, 1);
  assert.equal(hist.json.items[0].to_name, '银卡会员');
  assert.deepEqual(hist.json.items[0].coupons.map((x) => x.template_id), [9001]);
  // adjustments do not count towards levels (only earned points)
  const m2 = await member();
  await adjust(m2.id, { points: 50, reason: 'x' });
  assert.equal((await points(m2)).level.current.name, '普通会员');
  // put the demo ladder back
  const back = await s.api('PUT', '/api/points/levels', { token: T, body: { basis: 'points', window_days: 365, review: 'year', levels: cur.levels.map((l) => ({ id: l.id, name: l.name, threshold: l.threshold, earn_multiplier_pct: l.earn_multiplier_pct, benefits: l.benefits })) } });
  assert.equal(back.status, 200);
  const audit = await s.api('GET', '/api/audit?entity=enterprise&entity_id=1', { token: T });
  assert.ok(audit.json.items.some((a) => a.action === 'points.levels'));
  await expectError(await s.api('PUT', '/api/points/levels', { token: LUM, body: { basis: 'points', window_days: 365, review: 'year', levels: [] } }), 403);
});

test('expiry policy settings', async () => {
  const g = await s.api('GET', '/api/points/settings', { token: T });
  assert.equal(g.json.expiry_mode, 'year_end');
  const p = await s.api('PUT', '/api/points/settings', { token: T, body: { expiry_mode: 'days', expiry_days: 30 } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.expiry_mode, 'days');
  const m = await member();
  const lot = (await points(m)).lots[0];
  assert.ok(lot.expires_at - lot.earned_at > 29 * 864e5 && lot.expires_at - lot.earned_at <= 31 * 864e5);
  const back = await s.api('PUT', '/api/points/settings', { token: T, body: { expiry_mode: 'year_end', expiry_years: 1 } });
  assert.equal(back.status, 200);
  await expectError(await s.api('PUT', '/api/points/settings', { token: LUM, body: { expiry_mode: 'never' } }), 403);
});

test('merge: points move to the survivor with their expiry', async () => {
  const a = await member();
  const b = await member();
  await adjust(b.id, { points: 20, reason: 'x' });
  const r = await s.api('POST', '/api/members/merge', { token: T, body: { survivor_id: a.id, merged_id: b.id, reason: '同一人' } });
  assert.equal(r.status, 200, r.text);
  const acct = (await s.api('GET', `/api/members/${a.id}/points`, { token: T })).json;
  assert.equal(acct.balance, 220);
  assert.equal((await s.api('GET', `/api/members/${b.id}/points`, { token: T })).json.balance, 0);
  const tr = (await s.api('GET', `/api/points/transactions?member_id=${a.id}&kind=transfer`, { token: T })).json.items[0];
  assert.equal(tr.points, 120);
  assert.equal(tr.source, 'merge');
});

test('bad input: member points', async (t) => {
  const m = await member();
  await errorTable(t, s, m.token, [
    ['account token on a member route', 'GET', '/api/member/points', undefined, 401, undefined, { token: T }],
    ['no session', 'GET', '/api/member/points', undefined, 401, undefined, { token: null }],
    ['history limit 0', 'GET', '/api/member/points/history?limit=0', undefined, 400, 'limit'],
    ['history offset -1', 'GET', '/api/member/points/history?offset=-1', undefined, 400, 'offset'],
    ['check-in with a field', 'POST', '/api/member/points/checkin', { day: '2020-01-01' }, 400, 'day'],
    ['check-in malformed', 'POST', '/api/member/points/checkin', '{"x":', 400, undefined, { code: 'malformed_json' }],
    ['check-in JSON array', 'POST', '/api/member/points/checkin', [], 400],
    ['check-in by an account', 'POST', '/api/member/points/checkin', undefined, 401, undefined, { token: T }],
  ]);
});

test('bad input: adjustments and reversals', async (t) => {
  const m = await member();
  const fm = await memberLogin(s, '13500009999', { enterpriseId: F.enterpriseId });
  assert.equal(fm.status, 200, fm.text);
  const txn = (await adjust(m.id, { points: 5, reason: 'x' })).json.transaction;
  const exp = (await s.api('GET', `/api/points/transactions?member_id=${m.id}&kind=earn`, { token: T })).json.items[0];
  const P = `/api/members/${m.id}/points/adjust`;
  await errorTable(t, s, T, [
    ['missing points', 'POST', P, { reason: 'x' }, 400, 'points'],
    ['points 0', 'POST', P, { points: 0, reason: 'x' }, 400, 'points'],
    ['points as text', 'POST', P, { points: '10', reason: 'x' }, 400, 'points'],
    ['points fractional', 'POST', P, { points: 1.5, reason: 'x' }, 400, 'points'],
    ['points huge', 'POST', P, { points: 1e12, reason: 'x' }, 400, 'points'],
    ['missing reason', 'POST', P, { points: 5 }, 400, 'reason'],
    ['empty reason', 'POST', P, { points: 5, reason: '  ' }, 400, 'reason'],
    ['reason too long', 'POST', P, { points: 5, reason: '理'.repeat(201) }, 400, 'reason'],
    ['unknown field', 'POST', P, { points: 5, reason: 'x', bogus: 1 }, 400, 'bogus'],
    ['brand_id 0', 'POST', P, { points: 5, reason: 'x', brand_id: 0 }, 400, 'brand_id'],
    ['foreign brand', 'POST', P, { points: 5, reason: 'x', brand_id: F.brandId }, 404, 'brand_id'],
    ['insufficient points', 'POST', P, { points: -1000, reason: 'x' }, 422, 'points'],
    ['malformed JSON', 'POST', P, '{"points":', 400, undefined, { code: 'malformed_json' }],
    ['unknown member', 'POST', '/api/members/999999/points/adjust', { points: 5, reason: 'x' }, 404, 'id'],
    ['foreign member', 'POST', `/api/members/${fm.json.member.id}/points/adjust`, { points: 5, reason: 'x' }, 404, 'id'],
    ['member of another tenant, by its owner, on ours', 'POST', P, { points: 5, reason: 'x' }, 404, 'id', { token: F.token }],
    ['bad id', 'POST', '/api/members/abc/points/adjust', { points: 5, reason: 'x' }, 404],
    ['member token', 'POST', P, { points: 5, reason: 'x' }, 401, undefined, { token: m.token }],
    ['reverse: missing reason', 'POST', `/api/points/transactions/${txn.id}/reverse`, {}, 400, 'reason'],
    ['reverse: unknown txn', 'POST', '/api/points/transactions/999999/reverse', { reason: 'x' }, 404, 'id'],
    ['reverse: foreign tenant', 'POST', `/api/points/transactions/${txn.id}/reverse`, { reason: 'x' }, 404, 'id', { token: F.token }],
    ['reverse: staff', 'POST', `/api/points/transactions/${txn.id}/reverse`, { reason: 'x' }, 403, undefined, { token: BA }],
    ['reverse: extra field', 'POST', `/api/points/transactions/${exp.id}/reverse`, { reason: 'x', points: 1 }, 400, 'points'],
    ['txn list: kind bogus', 'GET', '/api/points/transactions?kind=bogus', undefined, 400, 'kind'],
    ['txn list: member_id abc', 'GET', '/api/points/transactions?member_id=abc', undefined, 400, 'member_id'],
    ['txn list: from abc', 'GET', '/api/points/transactions?from=abc', undefined, 400, 'from'],
    ['txn list: limit 501', 'GET', '/api/points/transactions?limit=501', undefined, 400, 'limit'],
    ['txn: bad id', 'GET', '/api/points/transactions/0', undefined, 404],
    ['member points: foreign', 'GET', `/api/members/${fm.json.member.id}/points`, undefined, 404, 'id'],
  ]);
  // the refused writes left the balance alone
  assert.equal((await points(m)).balance, 105);
});

test('bad input: rules, levels, settings', async (t) => {
  const R = '/api/points/rules';
  const ok = { name: '规则', kind: 'spend', points: 1, unit_fen: 100 };
  const rule = (await s.api('POST', R, { token: T, body: { name: '待改', kind: 'action', action: 'event', points: 10 } })).json;
  const lv = (await s.api('GET', '/api/points/levels', { token: T })).json;
  const L = { basis: 'points', window_days: 365, review: 'year', levels: lv.levels.map((l) => ({ id: l.id, name: l.name, threshold: l.threshold })) };
  await errorTable(t, s, T, [
    ['rule: missing name', 'POST', R, { ...ok, name: undefined }, 400, 'name'],
    ['rule: missing kind', 'POST', R, { name: 'x', points: 1 }, 400, 'kind'],
    ['rule: kind bogus', 'POST', R, { ...ok, kind: 'bogus' }, 400, 'kind'],
    ['rule: spend without unit', 'POST', R, { name: 'x', kind: 'spend', points: 1 }, 400, 'unit_fen'],
    ['rule: spend with action', 'POST', R, { ...ok, action: 'register' }, 400, 'action'],
    ['rule: action without action', 'POST', R, { name: 'x', kind: 'action', points: 1 }, 400, 'action'],
    ['rule: action bogus', 'POST', R, { name: 'x', kind: 'action', action: 'fly', points: 1 }, 400, 'action'],
    ['rule: action with store', 'POST', R, { name: 'x', kind: 'action', action: 'event', points: 1, store_id: 1 }, 400, 'store_id'],
    ['rule: multiplier 100', 'POST', R, { name: 'x', kind: 'multiplier', multiplier_pct: 100 }, 400, 'multiplier_pct'],
    ['rule: multiplier 5000', 'POST', R, { name: 'x', kind: 'multiplier', multiplier_pct: 5000 }, 400, 'multiplier_pct'],
    ['rule: multiplier with cap', 'POST', R, { name: 'x', kind: 'multiplier', multiplier_pct: 200, daily_cap: 5 }, 400, 'daily_cap'],
    ['rule: points 0', 'POST', R, { ...ok, points: 0 }, 400, 'points'],
    ['rule: points text', 'POST', R, { ...ok, points: '1' }, 400, 'points'],
    ['rule: window backwards', 'POST', R, { ...ok, starts_at: 2000, ends_at: 1000 }, 400, 'ends_at'],
    ['rule: daily over total', 'POST', R, { ...ok, daily_cap: 10, total_cap: 5 }, 400, 'daily_cap'],
    ['rule: unknown brand', 'POST', R, { ...ok, brand_id: 999 }, 400, 'brand_id'],
    ['rule: foreign brand', 'POST', R, { ...ok, brand_id: F.brandId }, 400, 'brand_id'],
    ['rule: foreign store', 'POST', R, { ...ok, store_id: F.storeId }, 400, 'store_id'],
    ['rule: unknown campaign', 'POST', R, { name: 'x', kind: 'multiplier', multiplier_pct: 200, campaign_id: 999 }, 400, 'campaign_id'],
    ['rule: name too long', 'POST', R, { ...ok, name: '名'.repeat(33) }, 400, 'name'],
    ['rule: status archived', 'POST', R, { ...ok, status: 'archived' }, 400, 'status'],
    ['rule: unknown field', 'POST', R, { ...ok, bogus: 1 }, 400, 'bogus'],
    ['rule: staff', 'POST', R, ok, 403, undefined, { token: BA }],
    ['rule patch: kind', 'PATCH', `${R}/${rule.id}`, { kind: 'spend' }, 400, 'kind'],
    ['rule patch: nothing', 'PATCH', `${R}/${rule.id}`, {}, 400],
    ['rule patch: name null', 'PATCH', `${R}/${rule.id}`, { name: null }, 400, 'name'],
    ['rule patch: unknown', 'PATCH', `${R}/999999`, { name: 'x' }, 404, 'id'],
    ['rule patch: foreign', 'PATCH', `${R}/${rule.id}`, { name: 'x' }, 404, 'id', { token: F.token }],
    ['rule list: kind bogus', 'GET', `${R}?kind=x`, undefined, 400, 'kind'],
    ['rule list: status bogus', 'GET', `${R}?status=x`, undefined, 400, 'status'],
    ['levels: basis bogus', 'PUT', '/api/points/levels', { ...L, basis: 'love' }, 400, 'basis'],
    ['levels: review bogus', 'PUT', '/api/points/levels', { ...L, review: 'week' }, 400, 'review'],
    ['levels: window 0', 'PUT', '/api/points/levels', { ...L, window_days: 0 }, 400, 'window_days'],
    ['levels: not an array', 'PUT', '/api/points/levels', { ...L, levels: {} }, 400, 'levels'],
    ['levels: thresholds not increasing', 'PUT', '/api/points/levels', { ...L, levels: [{ name: 'a', threshold: 10 }, { name: 'b', threshold: 10 }] }, 400, 'levels[1].threshold'],
    ['levels: duplicate names', 'PUT', '/api/points/levels', { ...L, levels: [{ name: 'a', threshold: 0 }, { name: 'a', threshold: 10 }] }, 400, 'levels[1].name'],
    ['levels: empty name', 'PUT', '/api/points/levels', { ...L, levels: [{ name: '', threshold: 0 }] }, 400, 'levels[0].name'],
    ['levels: negative threshold', 'PUT', '/api/points/levels', { ...L, levels: [{ name: 'a', threshold: -1 }] }, 400, 'levels[0].threshold'],
    ['levels: multiplier 50', 'PUT', '/api/points/levels', { ...L, levels: [{ name: 'a', threshold: 0, earn_multiplier_pct: 50 }] }, 400, 'levels[0].earn_multiplier_pct'],
    ['levels: unknown level field', 'PUT', '/api/points/levels', { ...L, levels: [{ name: 'a', threshold: 0, x: 1 }] }, 400, 'levels[0].x'],
    ['levels: unknown level id', 'PUT', '/api/points/levels', { ...L, levels: [{ id: 999999, name: 'a', threshold: 0 }] }, 400, 'levels[0].id'],
    ['levels: unknown coupon template', 'PUT', '/api/points/levels', { ...L, levels: [{ name: 'a', threshold: 0, coupon_template_ids: [999999] }] }, 400, 'levels[0].coupon_template_ids'],
    ['levels: 21 levels', 'PUT', '/api/points/levels', { ...L, levels: Array.from({ length: 21 }, (_, i) => ({ name: `L${i}`, threshold: i })) }, 400, 'levels'],
    ['levels: missing basis', 'PUT', '/api/points/levels', { ...L, basis: undefined }, 400, 'basis'],
    ['settings: mode bogus', 'PUT', '/api/points/settings', { expiry_mode: 'soon' }, 400, 'expiry_mode'],
    ['settings: days without days', 'PUT', '/api/points/settings', { expiry_mode: 'days' }, 400, 'expiry_days'],
    ['settings: years 11', 'PUT', '/api/points/settings', { expiry_mode: 'year_end', expiry_years: 11 }, 400, 'expiry_years'],
    ['settings: staff', 'PUT', '/api/points/settings', { expiry_mode: 'never' }, 403, undefined, { token: BA }],
    ['level history: member_id abc', 'GET', '/api/points/level-history?member_id=abc', undefined, 400, 'member_id'],
  ]);
  // nothing of the refused level ladders was stored
  assert.deepEqual((await s.api('GET', '/api/points/levels', { token: T })).json.levels.map((l) => l.name), lv.levels.map((l) => l.name));
});

test('concurrency: 120 connections spend one member\'s points at once; the balance never goes below zero', { timeout: 60_000 }, async () => {
  const m = await member();
  await adjust(m.id, { points: 400, reason: '并发测试' }); // 500
  const agent = new http.Agent({ keepAlive: false, maxSockets: 120 });
  const answers = await Promise.all(Array.from({ length: 120 }, (_, i) => request(s.url, 'POST', `/api/members/${m.id}/points/adjust`, {
    token: T, body: { points: -7, reason: `并发扣减 ${i}` }, agent,
  })));
  agent.destroy();
  const by = {};
  for (const r of answers) by[r.status] = (by[r.status] || 0) + 1;
  assert.deepEqual(by, { 201: 71, 422: 49 }, `statuses ${JSON.stringify(by)}`);
  for (const r of answers.filter((x) => x.status === 422)) assert.equal(r.json.error.field, 'points');
  const p = await points(m);
  assert.equal(p.balance, 3, '500 - 71 × 7');
  const acct = (await s.api('GET', `/api/members/${m.id}/points`, { token: T })).json;
  assert.equal(acct.ledger_balance, 3);
  assert.equal(acct.lots.reduce((a, l) => a + l.remaining, 0), 3);
  // the whole database is consistent while the server runs
  const out = await cli(['check', '--db', s.db, '--json']);
  const report = JSON.parse(out);
  assert.equal(report.ok, true, out);
});
