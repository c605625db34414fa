// lottery.test.mjs — the lottery (SPEC §3.4 lottery, §4): the prize pool and
// its rules once members have drawn, the 50,000-yuan cap, the member page with
// disclosed odds, draws by free daily draws / pass codes / product unit codes /
// granted draws / points (not open yet), campaign limits, fulfilment (counter
// coupon + QR, mail address → shipped, coupon, red envelope, a refused
// fulfilment recorded as failed), stock never oversold and daily caps honoured
// under many concurrent connections, Idempotency-Key, verification by
// `huohua lottery verify` (passes on a real campaign, fails after a draw row is
// tampered with), the seed revealed at the end and every roll recomputed here
// with node's own HMAC, scope and bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, errorTable, expectError, sqlite, poll, BIN, uniq } from '../lib/server.mjs';
import { liveCampaign, member, MIN, DAY } from '../lib/rewards.mjs';

const execFileP = promisify(execFile);
let s, T, tok, m1, m2;
before(async () => {
  s = await startServer();
  T = await s.token('admin');
  tok = { lumina: await s.token('lumina.mgr'), qinghe: await s.token('qinghe.mgr'), ba001: await s.token('ba001') };
  m1 = await member(s, '13900001001');
  m2 = await member(s, '13900001002');
});
after(async () => { await s?.stop(); });

const prize = (cid, body, token = T) => s.api('POST', `/api/campaigns/${cid}/prizes`, { token, body });
const pool = (cid, token = T) => s.api('GET', `/api/campaigns/${cid}/prizes`, { token });
const draw = (cid, m, body = { entry: 'free' }, headers) =>
  s.api('POST', `/api/member/lottery/${cid}/draws`, { token: m.token, body, headers });
const page = (cid, m) => s.api('GET', `/api/member/lottery/${cid}`, { token: m.token });
const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json; };
const num = async (sql) => Number((await sqlite(s, sql)).trim());

/** Run `huohua lottery verify` on the server's database: {code, out}. */
async function verify(cid) {
  try {
    const { stdout } = await execFileP(BIN, ['lottery', 'verify', String(cid), '--db', s.db]);
    return { code: 0, out: stdout };
  } catch (e) {
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

const rollOf = (seed, id) => createHmac('sha256', seed).update(String(id)).digest().subarray(0, 8).toString('hex');

test('a prize pool: prizes with live stock and odds, the no-prize outcome, the seed commitment', async () => {
  const c = await liveCampaign(s, T, { free_draws_per_day: 3 });
  const a = ok(await prize(c.id, { name: '旅行套装', image: 'https://img.example.com/kit.png', value_fen: 19900, stock: 10, weight: 10, fulfilment: 'counter', claim_days: 14 }), 201);
  assert.equal(a.remaining, 10);
  assert.equal(a.won, 0);
  assert.equal(a.fulfilment, 'counter');
  assert.ok(a.counter_template_id > 0, 'a hidden coupon template of kind prize');
  const tpl = (await sqlite(s, `SELECT kind, claimable, validity, valid_days, status FROM coupon_templates WHERE id = ${a.counter_template_id}`)).trim();
  assert.equal(tpl, 'prize|0|relative|14|active');
  // the lottery keeps that template: the coupon template list shows it only when prizes are asked for
  const listed = ok(await s.api('GET', '/api/coupon-templates?limit=200', { token: T }));
  assert.ok(!listed.items.some((t) => t.id === a.counter_template_id), 'not among the coupon templates');
  const prizes = ok(await s.api('GET', '/api/coupon-templates?kind=prize&limit=200', { token: T }));
  assert.ok(prizes.items.some((t) => t.id === a.counter_template_id), 'listed under kind=prize');
  const b = ok(await prize(c.id, { name: '正装精华 50ml', value_fen: 5000000, stock: 1, weight: 1, daily_cap: 1, fulfilment: 'mail' }), 201);
  assert.equal(b.value_fen, 5000000, 'exactly 50,000 yuan is allowed');
  await expectError(await prize(c.id, { name: '汽车', value_fen: 5000001, stock: 1, weight: 1, fulfilment: 'mail' }), 422, 'value_fen');
  const put = ok(await s.api('PUT', `/api/campaigns/${c.id}/lottery-pool`, { token: T, body: { no_prize_weight: 89, no_prize_label: '再接再厉' } }));
  assert.equal(put.pool.no_prize_weight, 89);
  const l = ok(await pool(c.id));
  assert.equal(l.total, 2);
  assert.equal(l.locked, false);
  assert.deepEqual(l.items.map((p) => p.name), ['旅行套装', '正装精华 50ml']);
  assert.ok(Math.abs(l.items[0].odds_pct - 10) < 1e-9);
  assert.ok(Math.abs(l.items[1].odds_pct - 1) < 1e-9);
  assert.ok(Math.abs(l.pool.no_prize_odds_pct - 89) < 1e-9);
  assert.equal(l.pool.no_prize_label, '再接再厉');
  assert.equal(l.seed_commitment, c.seed_commitment, 'the campaign\'s own commitment');
  // edits before any draw: anything goes
  const e = ok(await s.api('PATCH', `/api/prizes/${b.id}`, { token: T, body: { weight: 2, stock: 3, daily_cap: null, image: '/img/serum.png' } }));
  assert.equal(e.weight, 2);
  assert.equal(e.stock, 3);
  assert.equal(e.remaining, 3);
  assert.equal(e.daily_cap, null);
  assert.equal(ok(await s.api('GET', `/api/prizes/${b.id}`, { token: T })).image, '/img/serum.png');
  // only one fallback prize
  ok(await prize(c.id, { name: '小样', stock: 100, weight: 0, fulfilment: 'counter', is_fallback: true }), 201);
  await expectError(await prize(c.id, { name: '小样 2', stock: 100, weight: 0, fulfilment: 'counter', is_fallback: true }), 409, 'is_fallback');
  // delete before any draw: the hidden template is archived
  const x = ok(await prize(c.id, { name: '临时', stock: 1, weight: 1, fulfilment: 'counter' }), 201);
  ok(await s.api('DELETE', `/api/prizes/${x.id}`, { token: T }));
  assert.equal((await sqlite(s, `SELECT status FROM coupon_templates WHERE id = ${x.counter_template_id}`)).trim(), 'archived');
  await expectError(await s.api('GET', `/api/prizes/${x.id}`, { token: T }), 404, 'id');
  // audited
  const au = ok(await s.api('GET', `/api/audit?entity=lottery_prize&entity_id=${b.id}`, { token: T }));
  assert.deepEqual(au.items.map((i) => i.action).sort(), ['lottery_prize.create', 'lottery_prize.update']);
});

test('the member page: prizes, disclosed odds, draws left today, my results; free draws per day', async () => {
  const c = await liveCampaign(s, T, { free_draws_per_day: 2 });
  ok(await prize(c.id, { name: '试用装', image: '/img/a.png', value_fen: 900, stock: 50, weight: 30, fulfilment: 'counter' }), 201);
  ok(await s.api('PUT', `/api/campaigns/${c.id}/lottery-pool`, { token: T, body: { no_prize_weight: 70 } }));
  const p = ok(await page(c.id, m1));
  assert.equal(p.campaign.id, c.id);
  assert.equal(p.campaign.status_now, 'live');
  assert.equal(p.prizes.length, 1);
  assert.equal(p.prizes[0].image, '/img/a.png');
  assert.equal(p.prizes[0].remaining, 50);
  assert.ok(Math.abs(p.prizes[0].odds_pct - 30) < 1e-9);
  assert.ok(Math.abs(p.no_prize.odds_pct - 70) < 1e-9);
  assert.equal(p.no_prize.label, '谢谢参与');
  assert.equal(p.me.free_left_today, 2);
  assert.equal(p.me.draws_left_today, 2);
  assert.equal(p.fairness.seed_commitment, c.seed_commitment);
  assert.equal(p.fairness.seed, null, 'the seed stays secret while the campaign runs');
  assert.equal(p.draws.length, 0);
  const d1 = ok(await draw(c.id, m1), 201);
  assert.equal(d1.entry, 'free');
  assert.match(d1.roll, /^[0-9a-f]{16}$/);
  assert.equal(d1.free_left_today, 1);
  if (d1.prize) {
    assert.equal(d1.claim, 'counter');
    assert.equal(d1.claim_status, 'unclaimed');
    assert.match(d1.coupon.code, /^[2-9A-HJ-NP-Z]{12}$/);
  } else {
    assert.equal(d1.claim_status, 'none');
  }
  ok(await draw(c.id, m1), 201);
  await expectError(await draw(c.id, m1), 422, 'entry');
  const p2 = ok(await page(c.id, m1));
  assert.equal(p2.me.free_left_today, 0);
  assert.equal(p2.draws.length, 2);
  assert.equal(p2.draws[1].id, d1.id);
  assert.equal(p2.draws[1].roll, d1.roll);
  // another member's count is their own
  assert.equal(ok(await page(c.id, m2)).me.free_left_today, 2);
  // events in the same transaction
  assert.equal(await num(`SELECT count(*) FROM events WHERE kind = 'lottery.draw' AND campaign_id = ${c.id}`), 2);
  const wins = await num(`SELECT count(*) FROM lottery_draws WHERE campaign_id = ${c.id} AND prize_id IS NOT NULL`);
  assert.equal(await num(`SELECT count(*) FROM events WHERE kind = 'lottery.win' AND campaign_id = ${c.id}`), wins);
  // a draw's events carry its time and id: how the member timeline and a merge find them
  assert.equal(await num(`SELECT count(*) FROM events e JOIN lottery_draws d ON d.id = e.props_json ->> 'draw_id'
    AND d.at = e.at AND d.member_id = e.member_id WHERE e.campaign_id = ${c.id}`), 2 + wins);
});

test('once members have drawn the pool is locked: odds and prizes fixed, stock only grows (and is replayable)', async () => {
  const c = await liveCampaign(s, T, { free_draws_per_day: 50 });
  const a = ok(await prize(c.id, { name: '帆布袋', stock: 5, weight: 50, daily_cap: 100, fulfilment: 'mail' }), 201);
  ok(await s.api('PUT', `/api/campaigns/${c.id}/lottery-pool`, { token: T, body: { no_prize_weight: 50 } }));
  ok(await draw(c.id, m1), 201);
  assert.equal(ok(await pool(c.id)).locked, true);
  await expectError(await s.api('PATCH', `/api/prizes/${a.id}`, { token: T, body: { weight: 60 } }), 409, 'weight');
  await expectError(await s.api('PATCH', `/api/prizes/${a.id}`, { token: T, body: { daily_cap: null } }), 409, 'daily_cap');
  await expectError(await s.api('PATCH', `/api/prizes/${a.id}`, { token: T, body: { fulfilment: 'counter' } }), 409, 'fulfilment');
  await expectError(await s.api('PATCH', `/api/prizes/${a.id}`, { token: T, body: { stock: 4 } }), 409, 'stock');
  await expectError(await s.api('DELETE', `/api/prizes/${a.id}`, { token: T }), 409);
  await expectError(await prize(c.id, { name: '新奖', stock: 1, weight: 1, fulfilment: 'mail' }), 409);
  await expectError(await s.api('PUT', `/api/campaigns/${c.id}/lottery-pool`, { token: T, body: { no_prize_weight: 1 } }), 409, 'no_prize_weight');
  await expectError(await s.api('PUT', `/api/campaigns/${c.id}/lottery-pool`, { token: T, body: { mode: 'fixed' } }), 409, 'mode');
  ok(await s.api('PUT', `/api/campaigns/${c.id}/lottery-pool`, { token: T, body: { no_prize_label: '下次好运', no_prize_weight: 50 } }));
  const before = ok(await s.api('GET', `/api/prizes/${a.id}`, { token: T }));
  const grown = ok(await s.api('PATCH', `/api/prizes/${a.id}`, { token: T, body: { stock: 8, name: '帆布袋（新款）' } }));
  assert.equal(grown.stock, 8);
  assert.equal(grown.remaining, before.remaining + 3);
  assert.equal(await num(`SELECT quantity FROM lottery_stock_adds WHERE prize_id = ${a.id}`), 3);
  for (let i = 0; i < 12; i++) ok(await draw(c.id, i % 2 ? m1 : m2), 201);
  const v = await verify(c.id);
  assert.equal(v.code, 0, v.out);
  assert.match(v.out, /13 draws/);
  assert.match(v.out, /OK: every draw matches the seed/);
});

test('stock is never oversold and daily caps hold under many concurrent connections', async () => {
  const c = await liveCampaign(s, T, { free_draws_per_day: 1000 });
  const small = ok(await prize(c.id, { name: '限量礼盒', stock: 7, weight: 50, fulfilment: 'counter' }), 201);
  const capped = ok(await prize(c.id, { name: '每日限量', stock: 1000, weight: 50, daily_cap: 4, fulfilment: 'mail' }), 201);
  ok(await s.api('PUT', `/api/campaigns/${c.id}/lottery-pool`, { token: T, body: { no_prize_weight: 0 } }));
  const members = [];
  for (let i = 0; i < 8; i++) members.push(await member(s, `139000020${String(i).padStart(2, '0')}`));
  const N = 240;
  const answers = await Promise.all(Array.from({ length: N }, (_, i) => draw(c.id, members[i % members.length])));
  assert.deepEqual([...new Set(answers.map((r) => r.status))], [201], answers.find((r) => r.status !== 201)?.text);
  const won = (id) => answers.filter((r) => r.json.prize && r.json.prize.id === id).length;
  assert.equal(won(small.id), 7, 'all of the small stock and no more');
  assert.equal(won(capped.id), 4, 'the daily cap');
  assert.equal(answers.filter((r) => !r.json.prize).length, N - 11);
  const l = ok(await pool(c.id));
  for (const p of l.items) {
    assert.equal(p.remaining + p.won, p.stock, `${p.name}: left + won = stock`);
    assert.equal(p.won, won(p.id));
  }
  assert.equal(l.items.find((p) => p.id === small.id).remaining, 0);
  assert.equal(l.items.find((p) => p.id === capped.id).won_today, 4);
  assert.equal(await num(`SELECT count(*) FROM coupons WHERE source = 'lottery' AND template_id = ${small.counter_template_id}`), 7);
  assert.equal(await num(`SELECT count(*) FROM lottery_draws WHERE campaign_id = ${c.id}`), N);
  const v = await verify(c.id);
  assert.equal(v.code, 0, v.out);
});

test('verify fails after a draw row is tampered with, naming the draw', async () => {
  const c = await liveCampaign(s, T, { free_draws_per_day: 30 });
  const p = ok(await prize(c.id, { name: '杯子', stock: 20, weight: 20, fulfilment: 'mail' }), 201);
  ok(await s.api('PUT', `/api/campaigns/${c.id}/lottery-pool`, { token: T, body: { no_prize_weight: 80 } }));
  const ds = [];
  for (let i = 0; i < 20; i++) ds.push(ok(await draw(c.id, m2), 201));
  assert.equal((await verify(c.id)).code, 0);
  const http = ok(await s.api('GET', `/api/campaigns/${c.id}/lottery-verify`, { token: T }));
  assert.equal(http.ok, true);
  assert.equal(http.draws, 20);
  assert.equal(http.commitment_ok, true);
  // a losing draw turned into a win
  const loser = ds.find((d) => !d.prize);
  await sqlite(s, `UPDATE lottery_draws SET prize_id = ${p.id} WHERE id = ${loser.id}`);
  const v = await verify(c.id);
  assert.equal(v.code, 1, v.out);
  assert.match(v.out, new RegExp(`draw ${loser.id}: stored outcome prize ${p.id}`));
  assert.match(v.out, /FAILED/);
  await sqlite(s, `UPDATE lottery_draws SET prize_id = NULL WHERE id = ${loser.id}`);
  assert.equal((await verify(c.id)).code, 0);
  // a forged roll
  await sqlite(s, `UPDATE lottery_draws SET roll = roll + 1 WHERE id = ${ds[3].id}`);
  const v2 = await verify(c.id);
  assert.equal(v2.code, 1);
  assert.match(v2.out, new RegExp(`draw ${ds[3].id}: stored roll`));
  await sqlite(s, `UPDATE lottery_draws SET roll = roll - 1 WHERE id = ${ds[3].id}`);
  // stock that does not add up: a unit gone missing
  await sqlite(s, `UPDATE lottery_prizes SET remaining = remaining - 1 WHERE id = ${p.id}`);
  const v3 = await verify(c.id);
  assert.equal(v3.code, 1);
  assert.match(v3.out, new RegExp(`prize ${p.id}`));
  const bad = ok(await s.api('GET', `/api/campaigns/${c.id}/lottery-verify`, { token: T }));
  assert.equal(bad.ok, false);
  assert.ok(bad.mismatches.length >= 1);
  // usage and unknown campaigns
  const u = await execFileP(BIN, ['lottery', 'verify', '--help']);
  assert.match(u.stdout, /Usage: huohua lottery verify CAMPAIGN/);
  const nf = await verify(999999);
  assert.equal(nf.code, 1);
  assert.match(nf.out, /no campaign 999999/);
});

test('the seed is revealed when the campaign ends and every roll recomputes with HMAC-SHA-256', async () => {
  const c = await liveCampaign(s, T, { free_draws_per_day: 5 });
  ok(await prize(c.id, { name: '笔记本', stock: 3, weight: 1, fulfilment: 'mail' }), 201);
  ok(await s.api('PUT', `/api/campaigns/${c.id}/lottery-pool`, { token: T, body: { no_prize_weight: 3 } }));
  for (let i = 0; i < 5; i++) ok(await draw(c.id, m1), 201);
  ok(await s.api('POST', `/api/campaigns/${c.id}/end`, { token: T }));
  const p = ok(await page(c.id, m1));
  assert.equal(p.campaign.status_now, 'ended');
  assert.match(p.fairness.seed, /^[0-9a-f]{64}$/);
  assert.equal(createHash('sha256').update(p.fairness.seed).digest('hex'), p.fairness.seed_commitment);
  assert.equal(p.draws.length, 5);
  for (const d of p.draws) assert.equal(d.roll, rollOf(p.fairness.seed, d.id), `draw ${d.id}`);
  // no more draws, nor prizes, after the end
  await expectError(await draw(c.id, m1), 422, 'campaign_id');
  await expectError(await prize(c.id, { name: 'x', stock: 1, weight: 1, fulfilment: 'mail' }), 422);
});

test('fulfilment: counter coupon with its QR, mail address then shipping, coupon template, red envelope, a refused one recorded', async () => {
  // counter: one prize, no "no prize": every draw wins it
  const c = await liveCampaign(s, T, { free_draws_per_day: 10 });
  const cp = ok(await prize(c.id, { name: '柜台礼', stock: 2, weight: 1, fulfilment: 'counter', value_fen: 1000 }), 201);
  const w = ok(await draw(c.id, m1), 201);
  assert.equal(w.prize.id, cp.id);
  assert.equal(w.claim, 'counter');
  assert.equal(w.claim_status, 'unclaimed');
  assert.equal(w.coupon.status, 'issued');
  assert.ok(w.coupon.valid_to > Date.now() + 29 * DAY);
  const row = (await sqlite(s, `SELECT source, source_id, member_id, template_id FROM coupons WHERE id = ${w.coupon.id}`)).trim();
  assert.equal(row, `lottery|${w.id}|${m1.id}|${cp.counter_template_id}`);
  const qr = await s.api('GET', `/api/member/lottery/draws/${w.id}/qr.svg`, { token: m1.token });
  assert.equal(qr.status, 200);
  assert.match(qr.headers['content-type'], /image\/svg\+xml/);
  assert.match(qr.text, /<svg/);
  await expectError(await s.api('GET', `/api/member/lottery/draws/${w.id}/qr.svg`, { token: m2.token }), 404, 'id');

  // mail: address, then the operator ships it
  const c2 = await liveCampaign(s, T, { free_draws_per_day: 10 });
  ok(await prize(c2.id, { name: '邮寄礼', stock: 5, weight: 1, fulfilment: 'mail' }), 201);
  const mw = ok(await draw(c2.id, m1), 201);
  assert.equal(mw.claim, 'mail');
  assert.equal(mw.claim_status, 'unclaimed');
  const addr = `/api/member/lottery/draws/${mw.id}/address`;
  await expectError(await s.api('POST', addr, { token: m1.token, body: { name: '王芳', phone: '123', detail: '路 1 号' } }), 400, 'phone');
  await expectError(await s.api('POST', addr, { token: m2.token, body: { name: '王芳', phone: '13900001001', detail: '路 1 号' } }), 404, 'id');
  const a1 = ok(await s.api('POST', addr, { token: m1.token, body: { name: '王芳', phone: '13900001001', province: '上海市', city: '上海市', district: '杨浦区', detail: '国定路 100 号' } }));
  assert.equal(a1.claim_status, 'claimed');
  assert.equal(a1.address.name, '王芳');
  assert.equal(a1.address.phone, '+8613900001001');
  const saved = ok(await s.api('POST', '/api/member/addresses', { token: m1.token, body: { name: '王芳', phone: '13900001001', detail: '淞沪路 8 号' } }), 201);
  const a2 = ok(await s.api('POST', addr, { token: m1.token, body: { address_id: saved.id } }));
  assert.equal(a2.address.detail, '淞沪路 8 号');
  await expectError(await s.api('PATCH', `/api/draws/${mw.id}`, { token: T, body: { claim_status: 'shipped' } }), 400, 'tracking_no');
  const sh = ok(await s.api('PATCH', `/api/draws/${mw.id}`, { token: T, body: { claim_status: 'shipped', tracking_no: 'SF1234567890' } }));
  assert.equal(sh.claim_status, 'shipped');
  assert.equal(sh.tracking_no, 'SF1234567890');
  assert.match(sh.member_phone, /\*/, 'the member phone is masked');
  await expectError(await s.api('POST', addr, { token: m1.token, body: { address_id: saved.id } }), 409, 'id');
  ok(await s.api('PATCH', `/api/draws/${mw.id}`, { token: T, body: { claim_status: 'delivered' } }));
  const mine = ok(await page(c2.id, m1)).draws[0];
  assert.equal(mine.claim_status, 'delivered');
  assert.equal(mine.tracking_no, 'SF1234567890');
  await expectError(await s.api('PATCH', `/api/draws/${w.id}`, { token: T, body: { claim_status: 'shipped', tracking_no: 'X' } }), 422, 'claim_status');
  const list = ok(await s.api('GET', `/api/campaigns/${c2.id}/draws?claim=mail&won=1`, { token: T }));
  assert.equal(list.total, 1);
  assert.equal(list.items[0].address.detail, '淞沪路 8 号');

  // coupon: a template of the brand; red envelope: a pool of the brand (made in the database
  // here, the coupon and envelope modules have their own APIs); the pool pays once per member
  const c3 = await liveCampaign(s, T, { free_draws_per_day: 10 });
  const now = Date.now();
  await sqlite(s, `INSERT INTO coupon_templates (enterprise_id, brand_id, name, kind, value_fen, validity, valid_days, created_at, updated_at) VALUES (1, 1, '满100减20', 'cash', 2000, 'relative', 30, ${now}, ${now})`);
  const tid = await num('SELECT max(id) FROM coupon_templates');
  await sqlite(s, `INSERT INTO envelope_pools (enterprise_id, brand_id, name, mode, amount_fen, budget_fen, remaining_fen, count_total, count_remaining, per_member_limit, created_at, updated_at) VALUES (1, 1, '红包', 'fixed', 888, 100000, 100000, 100, 100, 1, ${now}, ${now})`);
  const pid = await num('SELECT max(id) FROM envelope_pools');
  const coupon = ok(await prize(c3.id, { name: '20 元券', stock: 3, weight: 1, fulfilment: 'coupon', coupon_template_id: tid }), 201);
  await expectError(await prize(c3.id, { name: '红包', stock: 3, weight: 1, fulfilment: 'envelope' }), 400, 'envelope_pool_id');
  await expectError(await prize(c3.id, { name: '红包', stock: 3, weight: 1, fulfilment: 'mail', envelope_pool_id: pid }), 400, 'envelope_pool_id');
  await expectError(await prize(c3.id, { name: '红包', stock: 3, weight: 1, fulfilment: 'envelope', envelope_pool_id: 99999 }), 400, 'envelope_pool_id');
  const env = ok(await prize(c3.id, { name: '8.88 元红包', stock: 3, weight: 1000000000, fulfilment: 'envelope', envelope_pool_id: pid }), 201);
  ok(await s.api('PATCH', `/api/prizes/${coupon.id}`, { token: T, body: { weight: 0 } }));
  const e1 = ok(await draw(c3.id, m2), 201);
  assert.equal(e1.prize.id, env.id);
  assert.equal(e1.claim_status, 'claimed');
  assert.equal(e1.envelope.amount_fen, 888);
  // the pool's per-member limit refuses the second envelope: the draw stands, the fulfilment is "failed"
  const e2 = ok(await draw(c3.id, m2), 201);
  assert.equal(e2.prize.id, env.id);
  assert.equal(e2.claim_status, 'failed');
  assert.equal(e2.envelope, null);
  assert.match((await sqlite(s, `SELECT claim_error FROM lottery_draws WHERE id = ${e2.id}`)).trim(), /红包/);
  assert.equal(ok(await pool(c3.id)).stats.failed, 1);
  assert.equal((await verify(c3.id)).code, 0);
  const c4 = await liveCampaign(s, T, { free_draws_per_day: 10 });
  ok(await prize(c4.id, { name: '20 元券', stock: 3, weight: 1, fulfilment: 'coupon', coupon_template_id: tid }), 201);
  const cw = ok(await draw(c4.id, m2), 201);
  assert.equal(cw.claim, 'coupon');
  assert.equal(cw.claim_status, 'claimed');
  assert.equal((await sqlite(s, `SELECT template_id, source FROM coupons WHERE id = ${cw.coupon.id}`)).trim(), `${tid}|lottery`);
});

test('pass codes: a printed batch (job, progress, CSV), single use; product unit codes bound to the campaign', async () => {
  const c = await liveCampaign(s, T);
  ok(await prize(c.id, { name: '好礼', stock: 100, weight: 1, fulfilment: 'mail' }), 201);
  const b = ok(await s.api('POST', `/api/campaigns/${c.id}/pass-batches`, { token: T, body: { quantity: 4500, name: '瓶盖码第一批' } }), 202);
  assert.equal(b.kind, 'codes');
  assert.equal(b.status, 'running');
  const done = await poll(() => s.api('GET', `/api/pass-batches/${b.id}`, { token: T }), (r) => r.json.status !== 'running', { what: 'pass batch' });
  assert.equal(done.json.status, 'done', done.text);
  assert.equal(done.json.done, 4500);
  const csv = await s.api('GET', `/api/pass-batches/${b.id}/codes.csv`, { token: T });
  assert.equal(csv.status, 200);
  assert.match(csv.headers['content-type'], /text\/csv/);
  const lines = csv.text.trim().split('\n');
  assert.equal(lines[0], 'serial,code,url');
  assert.equal(lines.length, 4501);
  const codes = lines.slice(1).map((l) => l.split(','));
  assert.equal(new Set(codes.map((x) => x[1])).size, 4500, 'unique codes');
  assert.match(codes[0][2], new RegExp(`/m/\\?e=1#/lottery/${c.id}\\?code=${codes[0][1]}$`));
  // staff may not download printed codes (they are worth a draw each)
  await expectError(await s.api('GET', `/api/pass-batches/${b.id}/codes.csv`, { token: tok.ba001 }), 403);
  const code = codes[0][1];
  const typed = `${code.slice(0, 4).toLowerCase()}-${code.slice(4, 8)} ${code.slice(8)}`;
  const d = ok(await draw(c.id, m1, { entry: 'pass_code', pass_code: typed }), 201);
  assert.equal(d.entry, 'pass_code');
  await expectError(await draw(c.id, m2, { entry: 'pass_code', pass_code: code }), 409, 'pass_code');
  await expectError(await draw(c.id, m2, { entry: 'pass_code', pass_code: 'ABCDEFGHJKLM' }), 422, 'pass_code');
  await expectError(await draw(c.id, m2, { entry: 'pass_code', pass_code: '!!' }), 422, 'pass_code');
  await expectError(await draw(c.id, m2, { entry: 'pass_code' }), 400, 'pass_code');
  // another campaign's code
  const other = await liveCampaign(s, T);
  ok(await prize(other.id, { name: '好礼', stock: 1, weight: 1, fulfilment: 'mail' }), 201);
  await expectError(await draw(other.id, m2, { entry: 'pass_code', pass_code: codes[1][1] }), 422, 'pass_code');
  const l = ok(await s.api('GET', `/api/campaigns/${c.id}/pass-batches`, { token: T }));
  assert.equal(l.items[0].used, 1);

  // a product batch bound to the campaign: each unit's code enters one draw
  const pb = ok(await s.api('POST', '/api/product-batches', { token: T, body: { brand_id: 1, product: '精华液', batch_no: uniq('LB'), production_date: '2025-03-01', quantity: 20 } }), 202);
  await poll(() => s.api('GET', `/api/product-batches/${pb.id}`, { token: T }), (r) => r.json.status === 'done', { what: 'product batch' });
  const units = (await s.api('GET', `/api/product-batches/${pb.id}/codes.csv`, { token: T })).text.trim().split('\n').slice(1).map((x) => x.split(',')[1]);
  await expectError(await draw(c.id, m1, { entry: 'pass_code', pass_code: units[0] }), 422, 'pass_code');
  const bound = ok(await s.api('POST', `/api/campaigns/${c.id}/pass-batches`, { token: T, body: { product_batch_id: pb.id } }), 201);
  assert.equal(bound.kind, 'product');
  assert.equal(bound.quantity, 20);
  await expectError(await s.api('POST', `/api/campaigns/${c.id}/pass-batches`, { token: T, body: { product_batch_id: pb.id } }), 409, 'product_batch_id');
  await expectError(await s.api('GET', `/api/pass-batches/${bound.id}/codes.csv`, { token: T }), 409, 'id');
  ok(await draw(c.id, m1, { entry: 'pass_code', pass_code: units[0].toLowerCase() }), 201);
  await expectError(await draw(c.id, m2, { entry: 'pass_code', pass_code: units[0] }), 409, 'pass_code');
  ok(await draw(c.id, m2, { entry: 'pass_code', pass_code: units[1] }), 201);
  assert.equal(ok(await s.api('GET', `/api/pass-batches/${bound.id}`, { token: T })).used, 2);
  assert.equal((await verify(c.id)).code, 0);
});

test('granted draws (approved receipts), no points entry without draw_points, campaign limits, Idempotency-Key', async () => {
  const c = await liveCampaign(s, T, { per_member_daily: 3, free_draws_per_day: 10 });
  ok(await prize(c.id, { name: '好礼', stock: 100, weight: 1, fulfilment: 'mail' }), 201);
  ok(await s.api('PUT', `/api/campaigns/${c.id}/lottery-pool`, { token: T, body: { no_prize_weight: 1 } }));
  await expectError(await draw(c.id, m1, { entry: 'receipt' }), 422, 'entry');
  await sqlite(s, `INSERT INTO lottery_grants (enterprise_id, campaign_id, member_id, source, source_id, granted_at) VALUES (1, ${c.id}, ${m1.id}, 'receipt', 7, ${Date.now()})`);
  assert.equal(ok(await page(c.id, m1)).me.granted_left, 1);
  const g = ok(await draw(c.id, m1, { entry: 'receipt' }), 201);
  assert.equal(g.entry, 'receipt');
  assert.equal(await num(`SELECT draw_id FROM lottery_grants WHERE member_id = ${m1.id} AND campaign_id = ${c.id}`), g.id);
  await expectError(await draw(c.id, m1, { entry: 'receipt' }), 422, 'entry');
  const pts = await expectError(await draw(c.id, m1, { entry: 'points' }), 422, 'entry');
  assert.equal(pts.json.error.message, '本活动不支持积分抽奖');
  // per-member daily limit of the campaign: the receipt draw counted, and the refused ones did not
  const plain = ok(await draw(c.id, m1), 201);
  ok(await draw(c.id, m1), 201);
  await expectError(await draw(c.id, m1), 422, 'limit');
  // a retry with the same key applies once
  const h = { 'Idempotency-Key': uniq('draw') };
  const r1 = ok(await draw(c.id, m2, { entry: 'free' }, h), 201);
  const r2 = ok(await draw(c.id, m2, { entry: 'free' }, h), 201);
  assert.deepEqual(r2, r1);
  // the writer makes the answer of a keyed draw itself (it stores it), the
  // HTTP thread that of a plain one: the same fields either way
  assert.deepEqual(Object.keys(r1), Object.keys(plain));
  assert.equal(r1.entry, 'free');
  assert.equal(r1.free_left_today, plain.free_left_today); // each one's first free draw of the day
  assert.equal(await num(`SELECT count(*) FROM lottery_draws WHERE campaign_id = ${c.id} AND member_id = ${m2.id}`), 1);
  // a draft campaign is unknown to members; a campaign without prizes cannot be drawn
  const draft = ok(await s.api('POST', '/api/campaigns', { token: T, body: { brand_id: 1, name: '草稿', starts_at: Date.now(), ends_at: Date.now() + DAY, free_draws_per_day: 1 } }), 201);
  await expectError(await page(draft.id, m1), 404, 'id');
  await expectError(await draw(draft.id, m1), 404, 'id');
  const empty = await liveCampaign(s, T, { free_draws_per_day: 1 });
  await expectError(await draw(empty.id, m1), 422, 'campaign_id');
  const nofree = await liveCampaign(s, T);
  ok(await prize(nofree.id, { name: '好礼', stock: 1, weight: 1, fulfilment: 'mail' }), 201);
  await expectError(await draw(nofree.id, m1), 422, 'entry');
});

test('fixed mode: a roll on a prize that is out turns into the fallback prize', async () => {
  const c = await liveCampaign(s, T, { free_draws_per_day: 100 });
  const big = ok(await prize(c.id, { name: '大奖', stock: 1, weight: 1000, fulfilment: 'mail' }), 201);
  const fb = ok(await prize(c.id, { name: '保底小样', stock: 100, weight: 0, fulfilment: 'mail', is_fallback: true }), 201);
  ok(await s.api('PUT', `/api/campaigns/${c.id}/lottery-pool`, { token: T, body: { mode: 'fixed', no_prize_weight: 0 } }));
  const first = ok(await draw(c.id, m1), 201);
  assert.equal(first.prize.id, big.id);
  assert.equal(first.fallback, false);
  const l = ok(await pool(c.id));
  assert.ok(Math.abs(l.items.find((p) => p.id === fb.id).odds_pct - 100) < 1e-9, 'the fallback now takes the big prize\'s share');
  const second = ok(await draw(c.id, m1), 201);
  assert.equal(second.prize.id, fb.id);
  assert.equal(second.fallback, true);
  assert.equal((await verify(c.id)).code, 0);
});

test('scope: brand managers of other brands, staff, foreign tenants, members', async () => {
  const c = await liveCampaign(s, T, { free_draws_per_day: 1 });
  const p = ok(await prize(c.id, { name: '好礼', stock: 1, weight: 1, fulfilment: 'mail' }, tok.lumina), 201);
  ok(await pool(c.id, tok.lumina));
  ok(await pool(c.id, tok.ba001), 200);
  await expectError(await pool(c.id, tok.qinghe), 403);
  await expectError(await prize(c.id, { name: 'x', stock: 1, weight: 1, fulfilment: 'mail' }, tok.qinghe), 403);
  await expectError(await prize(c.id, { name: 'x', stock: 1, weight: 1, fulfilment: 'mail' }, tok.ba001), 403);
  await expectError(await s.api('PATCH', `/api/prizes/${p.id}`, { token: tok.qinghe, body: { name: 'y' } }), 403);
  await expectError(await s.api('DELETE', `/api/prizes/${p.id}`, { token: tok.ba001 }), 403);
  const f = s.foreign.token;
  await expectError(await pool(c.id, f), 404);
  await expectError(await s.api('GET', `/api/prizes/${p.id}`, { token: f }), 404);
  await expectError(await s.api('PATCH', `/api/prizes/${p.id}`, { token: f, body: { name: 'y' } }), 404);
  await expectError(await s.api('GET', `/api/campaigns/${c.id}/draws`, { token: f }), 404);
  await expectError(await s.api('POST', `/api/campaigns/${c.id}/pass-batches`, { token: f, body: { quantity: 1 } }), 404);
  await expectError(await pool(c.id, m1.token), 401);
  await expectError(await s.api('GET', `/api/member/lottery/${c.id}`, { token: T }), 401);
  // a member of the foreign enterprise does not see this campaign
  const fm = await member(s, '13900009999', { enterpriseId: s.foreign.enterpriseId });
  await expectError(await page(c.id, fm), 404, 'id');
  await expectError(await draw(c.id, fm), 404, 'id');
  const d = ok(await draw(c.id, m1), 201);
  await expectError(await s.api('POST', `/api/member/lottery/draws/${d.id}/address`, { token: fm.token, body: { name: 'a', phone: '13900001001', detail: 'x' } }), 404, 'id');
  await expectError(await s.api('PATCH', `/api/draws/${d.id}`, { token: tok.qinghe, body: { claim_status: 'shipped', tracking_no: 'x' } }), 403);
});

test('bad input is refused with a 4xx naming the field', async (t) => {
  const c = await liveCampaign(s, T, { free_draws_per_day: 1 });
  const p = ok(await prize(c.id, { name: '好礼', stock: 1, weight: 1, fulfilment: 'mail' }), 201);
  const d = ok(await draw(c.id, m1), 201);
  const P = `/api/campaigns/${c.id}/prizes`;
  const good = { name: 'x', stock: 1, weight: 1, fulfilment: 'mail' };
  await errorTable(t, s, T, [
    ['not JSON', 'POST', P, '{', 400],
    ['an array', 'POST', P, [], 400],
    ['unknown field', 'POST', P, { ...good, colour: 'red' }, 400, 'colour'],
    ['no name', 'POST', P, { ...good, name: undefined }, 400, 'name'],
    ['empty name', 'POST', P, { ...good, name: '  ' }, 400, 'name'],
    ['long name', 'POST', P, { ...good, name: '奖'.repeat(41) }, 400, 'name'],
    ['stock 0', 'POST', P, { ...good, stock: 0 }, 400, 'stock'],
    ['stock text', 'POST', P, { ...good, stock: '5' }, 400, 'stock'],
    ['stock huge', 'POST', P, { ...good, stock: 1e12 }, 400, 'stock'],
    ['weight negative', 'POST', P, { ...good, weight: -1 }, 400, 'weight'],
    ['weight over the cap', 'POST', P, { ...good, weight: 1000000001 }, 400, 'weight'],
    ['weight float', 'POST', P, { ...good, weight: 1.5 }, 400, 'weight'],
    ['no fulfilment', 'POST', P, { ...good, fulfilment: undefined }, 400, 'fulfilment'],
    ['bad fulfilment', 'POST', P, { ...good, fulfilment: 'pigeon' }, 400, 'fulfilment'],
    ['value negative', 'POST', P, { ...good, value_fen: -1 }, 400, 'value_fen'],
    ['value over 50,000 yuan', 'POST', P, { ...good, value_fen: 9e15 }, 422, 'value_fen'],
    ['daily cap 0', 'POST', P, { ...good, daily_cap: 0 }, 400, 'daily_cap'],
    ['image scheme', 'POST', P, { ...good, image: 'javascript:alert(1)' }, 400, 'image'],
    ['fallback text', 'POST', P, { ...good, is_fallback: 'yes' }, 400, 'is_fallback'],
    ['claim days 0', 'POST', P, { ...good, claim_days: 0 }, 400, 'claim_days'],
    ['coupon without template', 'POST', P, { ...good, fulfilment: 'coupon' }, 400, 'coupon_template_id'],
    ['unknown template', 'POST', P, { ...good, fulfilment: 'coupon', coupon_template_id: 999999 }, 400, 'coupon_template_id'],
    ['unknown campaign', 'POST', '/api/campaigns/999999/prizes', good, 404, 'id'],
    ['campaign id text', 'POST', '/api/campaigns/abc/prizes', good, 404, 'id'],
    ['patch nothing', 'PATCH', `/api/prizes/${p.id}`, {}, 400],
    ['patch stock 0', 'PATCH', `/api/prizes/${p.id}`, { stock: 0 }, 400, 'stock'],
    ['patch template on mail', 'PATCH', `/api/prizes/${p.id}`, { coupon_template_id: 1 }, 400, 'coupon_template_id'],
    ['patch unknown prize', 'PATCH', '/api/prizes/999999', { name: 'x' }, 404, 'id'],
    ['delete unknown prize', 'DELETE', '/api/prizes/999999', undefined, 404, 'id'],
    ['pool nothing', 'PUT', `/api/campaigns/${c.id}/lottery-pool`, {}, 400],
    ['pool bad mode', 'PUT', `/api/campaigns/${c.id}/lottery-pool`, { mode: 'random' }, 400, 'mode'],
    ['pool weight text', 'PUT', `/api/campaigns/${c.id}/lottery-pool`, { no_prize_weight: 'a' }, 400, 'no_prize_weight'],
    ['draws bad claim_status', 'GET', `/api/campaigns/${c.id}/draws?claim_status=lost`, undefined, 400, 'claim_status'],
    ['draws bad member', 'GET', `/api/campaigns/${c.id}/draws?member_id=x`, undefined, 400, 'member_id'],
    ['draws bad limit', 'GET', `/api/campaigns/${c.id}/draws?limit=0`, undefined, 400, 'limit'],
    ['draw patch bad status', 'PATCH', `/api/draws/${d.id}`, { claim_status: 'lost' }, 400, 'claim_status'],
    ['draw patch unknown', 'PATCH', '/api/draws/999999', { claim_status: 'shipped', tracking_no: 'x' }, 404, 'id'],
    ['batch neither', 'POST', `/api/campaigns/${c.id}/pass-batches`, {}, 400, 'quantity'],
    ['batch both', 'POST', `/api/campaigns/${c.id}/pass-batches`, { quantity: 1, product_batch_id: 1 }, 400, 'product_batch_id'],
    ['batch too many', 'POST', `/api/campaigns/${c.id}/pass-batches`, { quantity: 1000001 }, 400, 'quantity'],
    ['batch unknown product batch', 'POST', `/api/campaigns/${c.id}/pass-batches`, { product_batch_id: 999999 }, 400, 'product_batch_id'],
    ['unknown pass batch', 'GET', '/api/pass-batches/999999', undefined, 404, 'id'],
  ]);
  const M = `/api/member/lottery/${c.id}/draws`;
  await errorTable(t, s, m1.token, [
    ['draw not JSON', 'POST', M, 'x', 400],
    ['draw no entry', 'POST', M, {}, 400, 'entry'],
    ['draw bad entry', 'POST', M, { entry: 'lucky' }, 400, 'entry'],
    ['draw entry number', 'POST', M, { entry: 1 }, 400, 'entry'],
    ['draw unknown field', 'POST', M, { entry: 'free', x: 1 }, 400, 'x'],
    ['draw pass code on free', 'POST', M, { entry: 'free', pass_code: 'AAAA' }, 400, 'pass_code'],
    ['draw long pass code', 'POST', M, { entry: 'pass_code', pass_code: 'A'.repeat(65) }, 400, 'pass_code'],
    ['draw touchpoint text', 'POST', M, { entry: 'free', touchpoint_id: 'x' }, 400, 'touchpoint_id'],
    ['draw unknown touchpoint', 'POST', M, { entry: 'free', touchpoint_id: 999999 }, 400, 'touchpoint_id'],
    ['draw unknown campaign', 'POST', '/api/member/lottery/999999/draws', { entry: 'free' }, 404, 'id'],
    ['page unknown campaign', 'GET', '/api/member/lottery/999999', undefined, 404, 'id'],
    ['address nothing', 'POST', `/api/member/lottery/draws/${d.id}/address`, {}, 400, 'name'],
    ['address both', 'POST', `/api/member/lottery/draws/${d.id}/address`, { address_id: 1, name: 'x' }, 400, 'name'],
    ['address unknown saved', 'POST', `/api/member/lottery/draws/${d.id}/address`, { address_id: 999999 }, d.claim ? 400 : 422],
    ['address unknown draw', 'POST', '/api/member/lottery/draws/999999/address', { address_id: 1 }, 404, 'id'],
    ['qr of a draw without coupon', 'GET', `/api/member/lottery/draws/${d.id}/qr.svg`, undefined, 404, 'id'],
  ]);
  assert.ok(await s.healthy());
});

test('draws paid with points: the campaign\'s draw_points leave the ledger; too few points is 422 points', async () => {
  const c = await liveCampaign(s, T, { draw_points: 40 });
  ok(await prize(c.id, { name: '积分好礼', stock: 100, weight: 1, fulfilment: 'mail' }), 201);
  const m = await member(s, '13930000077');
  const bal = async () => (await s.api('GET', '/api/member/points', { token: m.token })).json.balance;
  const start = await bal();
  if (start !== 100) {
    const give = await s.api('POST', `/api/members/${m.id}/points/adjust`, { token: T, body: { points: 100 - start, reason: '抽奖测试' } });
    assert.ok(give.status < 300, give.text);
  }
  assert.equal(await bal(), 100);
  const d1 = ok(await draw(c.id, m, { entry: 'points' }), 201);
  assert.equal(d1.entry, 'points');
  ok(await draw(c.id, m, { entry: 'points' }), 201);
  assert.equal(await bal(), 20);
  await expectError(await draw(c.id, m, { entry: 'points' }), 422, 'points');
  assert.equal(await bal(), 20, 'a refused draw takes nothing');
  const spent = await sqlite(s, `SELECT count(*), sum(points) FROM points_txns WHERE source = 'lottery' AND member_id = ${m.id}`);
  assert.equal(spent.trim(), '2|-80');
});

test('a printed pass-code batch and a product batch survive kill -9: they resume, every code once, the files whole', async () => {
  const c = await liveCampaign(s, T);
  ok(await prize(c.id, { name: '好礼', stock: 10, weight: 1, fulfilment: 'mail' }), 201);
  const b = ok(await s.api('POST', `/api/campaigns/${c.id}/pass-batches`, { token: T, body: { quantity: 150000, name: '断电续作' } }), 202);
  const pb = ok(await s.api('POST', '/api/product-batches', { token: T, body: { brand_id: 1, product: '断电续作', batch_no: uniq('KB'), production_date: '2025-03-01', quantity: 250000 } }), 202);
  const before = await poll(() => s.api('GET', `/api/pass-batches/${b.id}`, { token: T }), (r) => r.json.done > 0, { timeout: 30_000, interval: 20, what: 'pass codes started' });
  assert.equal(before.json.status, 'running', 'killed halfway');
  await s.restart(); // kill -9
  T = await s.token('admin');
  const done = await poll(() => s.api('GET', `/api/pass-batches/${b.id}`, { token: T }), (r) => r.json.status !== 'running', { timeout: 120_000, what: 'pass batch' });
  assert.equal(done.json.status, 'done', done.text);
  assert.equal(done.json.done, 150000);
  assert.equal((await sqlite(s, `SELECT count(*) || ' ' || count(DISTINCT code) FROM lottery_pass_codes WHERE batch_id = ${b.id}`)).trim(), '150000 150000');
  const csv = await s.api('GET', `/api/pass-batches/${b.id}/codes.csv`, { token: T });
  assert.equal(csv.status, 200);
  const lines = csv.text.trim().split('\n');
  assert.equal(lines.length, 150001);
  assert.equal(new Set(lines.slice(1).map((l) => l.split(',')[1])).size, 150000);
  const pdone = await poll(() => s.api('GET', `/api/product-batches/${pb.id}`, { token: T }), (r) => r.json.status !== 'running', { timeout: 120_000, what: 'product batch' });
  assert.equal(pdone.json.status, 'done', pdone.text);
  const pcsv = await s.api('GET', `/api/product-batches/${pb.id}/codes.csv`, { token: T });
  assert.equal(pcsv.status, 200);
  const plines = pcsv.text.trim().split('\n');
  assert.equal(plines.length, 250001);
  assert.equal(plines[250000].split(',')[0], '250000');
  // no half-written file is left beside them
  const left = await execFileP('/bin/sh', ['-c', `ls '${s.db}.files' | grep -c '\\.part$' || true`]);
  assert.equal(left.stdout.trim(), '0');
});
