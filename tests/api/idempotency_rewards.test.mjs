// idempotency_rewards.test.mjs — SPEC §4 invariant 5 for every POST that moves
// money, stock or points: a coupon claim, a counter redemption and its undo, a
// lottery draw (free, by points, by pass code), a red-envelope claim, a sample
// request (and its cancel), a gift order (and its cancel), a receipt
// submission and approval, a points adjustment and a check-in. For each, 10
// concurrent requests with one Idempotency-Key and one body are answered byte
// for byte alike (nine of them marked Idempotent-Replayed) and apply once —
// one coupon, one redemption, one draw, one envelope, one request, one order,
// one reward, one transaction; stock, budget and balance moved once. The same
// key with another body (or path) is 422 idempotency_mismatch and changes
// nothing; a late retry still replays, even after what it used has changed
// (template archived, campaign paused and its free draws stopped, pool and
// offer closed, gift withdrawn, redemption undone, pass code used, photo moved).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, cli, uniq, errorShapeProblem } from '../lib/server.mjs';
import { liveCampaign, couponTemplate, member } from '../lib/rewards.mjs';

const N = 10;
let s, T, BA, m, m2, c, tpl, tpl2, pool, pool2, offer, gift;
before(async () => {
  s = await startServer({ foreign: false });
  T = await s.login('admin');
  BA = await s.login('ba001');
  m = await member(s, '13755550001');
  m2 = await member(s, '13755550002');
  for (const x of [m, m2]) ok(await s.api('POST', `/api/members/${x.id}/points/adjust`, { token: T, body: { points: 5000, reason: '幂等测试' } }), 201);
  c = await liveCampaign(s, T, { budget_fen: 100000, free_draws_per_day: 1000, draw_points: 10 });
  // generous limits everywhere: a request applied twice would succeed twice
  tpl = await couponTemplate(s, T, { campaign_id: c.id, value_fen: 500, quantity: 100, per_member_limit: null });
  tpl2 = await couponTemplate(s, T, { value_fen: 300, quantity: 100, per_member_limit: null });
  ok(await s.api('POST', `/api/campaigns/${c.id}/prizes`, { token: T, body: { name: '旅行套装', stock: 50, weight: 1, fulfilment: 'counter' } }), 201);
  ok(await s.api('PUT', `/api/campaigns/${c.id}/lottery-pool`, { token: T, body: { no_prize_weight: 1 } }));
  pool = ok(await s.api('POST', '/api/envelope-pools', { token: T, body: { brand_id: 1, campaign_id: c.id, name: '幂等红包', mode: 'random', count_total: 50, budget_fen: 5000, min_fen: 10, per_member_limit: 1000 } }), 201);
  pool2 = ok(await s.api('POST', '/api/envelope-pools', { token: T, body: { brand_id: 1, name: '幂等红包 2', mode: 'fixed', count_total: 50, amount_fen: 20, per_member_limit: 1000 } }), 201);
  offer = ok(await s.api('POST', '/api/sample-offers', { token: T, body: { brand_id: 1, campaign_id: c.id, name: '幂等试用装', stock: 20 } }), 201);
  gift = ok(await s.api('POST', '/api/gifts', { token: T, body: { brand_id: 1, name: '幂等礼品', points: 150, stock: 20 } }), 201);
});
after(async () => { await s?.stop(); });

function ok(r, status = 200) {
  assert.equal(r.status, status, r.text);
  return r.json;
}
const get = async (path, token = T) => ok(await s.api('GET', path, { token }));
const balance = async (x) => (await get(`/api/members/${x.id}/points`)).balance;
const campaign = () => get(`/api/campaigns/${c.id}`);

/**
 * N concurrent requests with one key and one body: one status (expected), one
 * answer byte for byte, N − 1 marked replayed. Then the key with `other`
 * ({path?, body}) → 422, and a late retry → the same answer. Returns the answer.
 */
async function once(t, { method = 'POST', path, token, body, status, other }) {
  const key = `ik-${uniq('')}`;
  const headers = { 'idempotency-key': key };
  const answers = await Promise.all(Array.from({ length: N }, () => s.api(method, path, { token, body, headers })));
  const statuses = answers.map((r) => r.status);
  assert.deepEqual(statuses, Array(N).fill(status), `${path}: ${statuses} ${answers.find((r) => r.status !== status)?.text ?? ''}`);
  for (const r of answers) assert.ok(r.raw.equals(answers[0].raw), `${path}: byte for byte\n${answers[0].text}\n${r.text}`);
  const replayed = answers.filter((r) => r.headers['idempotent-replayed'] === 'true').length;
  assert.equal(replayed, N - 1, `${path}: all but one are replays`);
  const mismatch = await s.api(method, other.path ?? path, { token, body: other.body, headers });
  assert.equal(mismatch.status, 422, `${path}: same key, other request: ${mismatch.text}`);
  assert.equal(errorShapeProblem(mismatch), null);
  assert.equal(mismatch.json.error.code, 'idempotency_mismatch');
  const late = await s.api(method, path, { token, body, headers });
  assert.ok(late.raw.equals(answers[0].raw), `${path}: a late retry replays the first answer`);
  assert.equal(late.headers['idempotent-replayed'], 'true');
  t.diagnostic(`${method} ${path}: ${N} × ${status}, ${replayed} replayed, mismatch 422`);
  return answers[0].json;
}

const myCoupons = async (x, templateId) => (await get(`/api/coupons?member_id=${x.id}&template_id=${templateId}&limit=500`)).total;

test('coupon claim: one coupon, one unit of the template, one use of the campaign', async (t) => {
  const before = { mine: await myCoupons(m, tpl.id), camp: await campaign() };
  const a = await once(t, {
    path: '/api/member/coupons', token: m.token, body: { template_id: tpl.id }, status: 201,
    other: { body: { template_id: tpl2.id } },
  });
  assert.equal(a.template_id, tpl.id);
  assert.equal(await myCoupons(m, tpl.id) - before.mine, 1);
  assert.equal(await myCoupons(m, tpl2.id), 0, 'the mismatched claim took nothing');
  const after = await campaign();
  assert.equal(after.used_count - before.camp.used_count, 1);
  assert.equal(after.spent_fen - before.camp.spent_fen, 500);
  assert.equal((await get(`/api/coupon-templates/${tpl.id}`)).issued, before.mine + 1);
});

let redemption;
test('counter redemption and its undo: one redemption, one undo', async (t) => {
  const c1 = ok(await s.api('POST', '/api/member/coupons', { token: m2.token, body: { template_id: tpl.id } }), 201);
  const c2 = ok(await s.api('POST', '/api/member/coupons', { token: m2.token, body: { template_id: tpl.id } }), 201);
  redemption = await once(t, {
    path: '/api/counter/redemptions', token: BA, body: { code: c1.code, method: 'coupon_code' }, status: 201,
    other: { body: { code: c2.code, method: 'coupon_code' } },
  });
  assert.equal(redemption.coupon_id, c1.id);
  const list = await get(`/api/redemptions?member_id=${m2.id}`);
  assert.equal(list.total, 1, 'one redemption');
  assert.equal((await get(`/api/coupons/${c2.id}`)).status, 'issued', 'the mismatched coupon was not redeemed');
  // undo
  const u = await once(t, {
    path: `/api/redemptions/${redemption.id}/undo`, token: BA, body: { reason: '顾客改用其他券' }, status: 200,
    other: { body: { reason: '另一个原因' } },
  });
  assert.ok(u.undone_at);
  assert.equal(u.undo_reason, '顾客改用其他券');
  assert.equal((await get(`/api/coupons/${c1.id}`)).status, 'issued', 'the coupon is back, once');
  assert.equal((await get(`/api/audit?action=coupon.redemption_undo&entity_id=${redemption.id}`)).total, 1, 'one undo audited');
  // redeemable again, and that is a new redemption
  ok(await s.api('POST', '/api/counter/redemptions', { token: BA, body: { code: c1.code, method: 'coupon_code' } }), 201);
  assert.equal((await get(`/api/redemptions?member_id=${m2.id}`)).total, 2);
});

test('lottery draw: one draw, one use, one unit of stock at most', async (t) => {
  const before = { draws: (await get(`/api/campaigns/${c.id}/draws?member_id=${m.id}`)).total, camp: await campaign() };
  const prizeBefore = (await get(`/api/campaigns/${c.id}/prizes`)).items[0].remaining;
  const d = await once(t, {
    path: `/api/member/lottery/${c.id}/draws`, token: m.token, body: { entry: 'free' }, status: 201,
    other: { body: { entry: 'points' } },
  });
  const draws = await get(`/api/campaigns/${c.id}/draws?member_id=${m.id}`);
  assert.equal(draws.total - before.draws, 1, 'one draw');
  assert.equal(draws.items[0].id, d.id);
  assert.equal((await campaign()).used_count - before.camp.used_count, 1);
  const prizeAfter = (await get(`/api/campaigns/${c.id}/prizes`)).items[0].remaining;
  assert.equal(prizeBefore - prizeAfter, d.prize ? 1 : 0);
  // by points: spent once
  const b0 = await balance(m);
  await once(t, {
    path: `/api/member/lottery/${c.id}/draws`, token: m.token, body: { entry: 'points' }, status: 201,
    other: { body: { entry: 'free' } },
  });
  assert.equal(b0 - await balance(m), 10, 'the draw points were spent once');
});

test('red envelope claim: one envelope, the pool and the budget moved once', async (t) => {
  const p0 = await get(`/api/envelope-pools/${pool.id}`);
  const c0 = await campaign();
  const e = await once(t, {
    path: '/api/member/envelopes', token: m.token, body: { pool_id: pool.id }, status: 201,
    other: { body: { pool_id: pool2.id } },
  });
  const p1 = await get(`/api/envelope-pools/${pool.id}`);
  assert.equal(p0.count_remaining - p1.count_remaining, 1);
  assert.equal(p0.remaining_fen - p1.remaining_fen, e.amount_fen);
  assert.equal((await get(`/api/envelopes?member_id=${m.id}&pool_id=${pool.id}`)).total, 1);
  assert.equal((await get(`/api/envelopes?member_id=${m.id}&pool_id=${pool2.id}`)).total, 0);
  assert.equal((await campaign()).spent_fen - c0.spent_fen, e.amount_fen);
});

test('sample request and its cancel: one request, one unit of stock, returned once', async (t) => {
  const address = { name: '李四', phone: '13755550001', province: '上海市', city: '上海市', district: '徐汇区', detail: '漕溪北路 1 号' };
  const r = await once(t, {
    path: '/api/member/samples', token: m.token, body: { offer_id: offer.id, address }, status: 201,
    other: { body: { offer_id: offer.id, address: { ...address, detail: '漕溪北路 2 号' } } },
  });
  assert.equal((await get(`/api/sample-requests?member_id=${m.id}&offer_id=${offer.id}`)).total, 1);
  assert.equal((await get(`/api/sample-offers/${offer.id}`)).remaining, 19);
  const x = await once(t, {
    path: `/api/member/samples/${r.id}/cancel`, token: m.token, body: undefined, status: 200,
    other: { body: {} },
  });
  assert.equal(x.status, 'cancelled');
  assert.equal((await get(`/api/sample-offers/${offer.id}`)).remaining, 20, 'the unit came back once');
});

test('gift order and its cancel: one order, points and stock taken and returned once', async (t) => {
  const b0 = await balance(m);
  const o = await once(t, {
    path: '/api/member/gift-orders', token: m.token, body: { gift_id: gift.id, fulfilment: 'pickup', store_id: 1 }, status: 201,
    other: { body: { gift_id: gift.id, quantity: 2, fulfilment: 'pickup', store_id: 1 } },
  });
  assert.equal(b0 - await balance(m), 150, 'points spent once');
  assert.equal((await get(`/api/gifts/${gift.id}`)).remaining, 19);
  assert.equal((await get(`/api/gift-orders?member_id=${m.id}&gift_id=${gift.id}`)).total, 1);
  const x = await once(t, {
    path: `/api/member/gift-orders/${o.id}/cancel`, token: m.token, body: undefined, status: 200,
    other: { body: {} },
  });
  assert.equal(x.status, 'cancelled');
  assert.equal(await balance(m), b0, 'points returned once');
  assert.equal((await get(`/api/gifts/${gift.id}`)).remaining, 20);
});

test('receipt submission and approval: one receipt; the tier pays once', async (t) => {
  const tier = ok(await s.api('POST', '/api/receipt-tiers', { token: T, body: { brand_id: 1, name: '满 100 元', min_amount_fen: 10000, coupon_template_id: tpl2.id, points: 30 } }), 201);
  assert.ok(tier.id);
  const receipt = async () => {
    const photo = ok(await s.api('POST', '/api/member/receipts/photo', { token: m2.token, body: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]), headers: { 'content-type': 'image/jpeg' } }), 201);
    return ok(await s.api('POST', '/api/member/receipts', {
      token: m2.token,
      body: { brand_id: 1, store_id: 1, purchased_at: Date.now() - 3600_000, amount_fen: 12800, receipt_no: uniq('R'), photo_token: photo.photo_token },
    }), 201);
  };
  // the submission itself: one receipt (the photo moves under it after the first commit)
  const photo = ok(await s.api('POST', '/api/member/receipts/photo', { token: m2.token, body: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]), headers: { 'content-type': 'image/jpeg' } }), 201);
  const submission = { brand_id: 1, store_id: 1, purchased_at: Date.now() - 3600_000, amount_fen: 12800, receipt_no: uniq('R'), photo_token: photo.photo_token };
  const r1 = await once(t, {
    path: '/api/member/receipts', token: m2.token, body: submission, status: 201,
    other: { body: { ...submission, amount_fen: 12900 } },
  });
  assert.equal(r1.status, 'pending');
  assert.equal((await get(`/api/receipts?member_id=${m2.id}`)).total, 1, 'one receipt');
  const r2 = await receipt();
  const b0 = await balance(m2);
  const coupons0 = await myCoupons(m2, tpl2.id);
  const a = await once(t, {
    path: `/api/receipts/${r1.id}/approve`, token: BA, body: undefined, status: 200,
    other: { path: `/api/receipts/${r2.id}/approve` },
  });
  assert.equal(a.status, 'approved');
  assert.equal(await myCoupons(m2, tpl2.id) - coupons0, 1, 'one coupon of the tier');
  const gained = await balance(m2) - b0;
  const awards = (await get(`/api/points/transactions?member_id=${m2.id}&kind=earn&limit=500`)).items.filter((x) => x.source === 'receipt' || x.source_id === r1.id);
  assert.ok(gained > 0, 'the receipt earned points');
  assert.equal(awards.reduce((n, x) => n + x.points, 0), gained, 'each award once');
  assert.equal((await get(`/api/receipts/${r2.id}`)).status, 'pending', 'the mismatched receipt is untouched');
});

test('points adjustment and check-in: one transaction each', async (t) => {
  const b0 = await balance(m2);
  const audit0 = (await get(`/api/audit?action=points.adjust&entity=member&entity_id=${m2.id}`)).total;
  const adj = await once(t, {
    path: `/api/members/${m2.id}/points/adjust`, token: T, body: { points: 77, reason: '补偿' }, status: 201,
    other: { body: { points: 78, reason: '补偿' } },
  });
  assert.equal(adj.transaction.points, 77);
  assert.equal(await balance(m2) - b0, 77, 'adjusted once');
  assert.equal((await get(`/api/audit?action=points.adjust&entity=member&entity_id=${m2.id}`)).total - audit0, 1, 'audited once');

  const down = await once(t, {
    path: `/api/members/${m2.id}/points/adjust`, token: T, body: { points: -50, reason: '扣减' }, status: 201,
    other: { body: { points: -50, reason: '扣减 2' } },
  });
  assert.equal(down.balance, b0 + 27);
  assert.equal(await balance(m2), b0 + 27, 'taken once');
  const b1 = await balance(m2);
  const ci = await once(t, {
    path: '/api/member/points/checkin', token: m2.token, body: undefined, status: 201,
    other: { body: {} },
  });
  assert.equal(await balance(m2) - b1, ci.points, 'checked in once');
  // the ledger is consistent after all of it
  const out = await cli(['check', '--db', s.db, '--json']);
  assert.equal(JSON.parse(out).ok, true);
});

test('a pass-code draw retried with its key replays the draw (the code is used by then)', async (t) => {
  const b = ok(await s.api('POST', `/api/campaigns/${c.id}/pass-batches`, { token: T, body: { quantity: 3 } }), 202);
  for (let i = 0; (await get(`/api/pass-batches/${b.id}`)).status === 'running'; i++) {
    assert.ok(i < 400, 'the pass batch finishes');
    await new Promise((r) => setTimeout(r, 50));
  }
  const csv = await s.api('GET', `/api/pass-batches/${b.id}/codes.csv`, { token: T });
  const [code, other] = csv.text.trim().split('\n').slice(1).map((l) => l.split(',')[1]);
  const d = await once(t, {
    path: `/api/member/lottery/${c.id}/draws`, token: m2.token, body: { entry: 'pass_code', pass_code: code }, status: 201,
    other: { body: { entry: 'pass_code', pass_code: other } },
  });
  assert.equal(d.entry, 'pass_code');
  assert.equal((await get(`/api/campaigns/${c.id}/draws?member_id=${m2.id}`)).items.filter((x) => x.entry === 'pass_code').length, 1);
  // without the key, the used code is refused
  const again = await s.api('POST', `/api/member/lottery/${c.id}/draws`, { token: m2.token, body: { entry: 'pass_code', pass_code: code } });
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error.field, 'pass_code');
});

test('a retry after the world changed still gets its first answer and changes nothing', async () => {
  const c2 = await liveCampaign(s, T, { free_draws_per_day: 10 });
  const t2 = await couponTemplate(s, T, { campaign_id: c2.id, quantity: 10, per_member_limit: null });
  ok(await s.api('POST', `/api/campaigns/${c2.id}/prizes`, { token: T, body: { name: '小样', stock: 5, weight: 1, fulfilment: 'mail' } }), 201);
  const p2 = ok(await s.api('POST', '/api/envelope-pools', { token: T, body: { brand_id: 1, campaign_id: c2.id, name: '关闭的红包', mode: 'fixed', count_total: 10, amount_fen: 50 } }), 201);
  const o2 = ok(await s.api('POST', '/api/sample-offers', { token: T, body: { brand_id: 1, campaign_id: c2.id, name: '关闭的试用装', stock: 5 } }), 201);
  const g2 = ok(await s.api('POST', '/api/gifts', { token: T, body: { brand_id: 1, name: '下架的礼品', points: 100, stock: 5 } }), 201);
  const x = await member(s, '13755550003');
  const address = { name: '王五', phone: '13755550003', detail: '虹桥路 1 号' };
  const calls = [
    ['coupon claim', 'POST', '/api/member/coupons', x.token, { template_id: t2.id }],
    ['draw', 'POST', `/api/member/lottery/${c2.id}/draws`, x.token, { entry: 'free' }],
    ['envelope', 'POST', '/api/member/envelopes', x.token, { pool_id: p2.id }],
    ['sample', 'POST', '/api/member/samples', x.token, { offer_id: o2.id, address }],
    ['gift order', 'POST', '/api/member/gift-orders', x.token, { gift_id: g2.id, fulfilment: 'pickup', store_id: 1 }],
  ];
  const first = [];
  for (const [what, method, path, token, body] of calls) {
    const key = `late-${uniq('')}`;
    const r = await s.api(method, path, { token, body, headers: { 'idempotency-key': key } });
    assert.equal(r.status, 201, `${what}: ${r.text}`);
    first.push({ what, method, path, token, body, key, r });
  }
  const coupon = first[0].r.json;
  const rkey = `late-${uniq('')}`;
  const redR = await s.api('POST', '/api/counter/redemptions', { token: BA, body: { code: coupon.code, method: 'coupon_code' }, headers: { 'idempotency-key': rkey } });
  const red = ok(redR, 201);
  // the world changes: template archived, campaign without free draws and paused, pool closed, offer closed, gift withdrawn, redemption undone
  ok(await s.api('POST', `/api/redemptions/${red.id}/undo`, { token: BA, body: { reason: '撤销' } }));
  ok(await s.api('DELETE', `/api/coupon-templates/${t2.id}`, { token: T }));
  ok(await s.api('PATCH', `/api/campaigns/${c2.id}`, { token: T, body: { free_draws_per_day: 0 } }));
  ok(await s.api('POST', `/api/campaigns/${c2.id}/pause`, { token: T }));
  ok(await s.api('POST', `/api/envelope-pools/${p2.id}/close`, { token: T }));
  ok(await s.api('PATCH', `/api/sample-offers/${o2.id}`, { token: T, body: { status: 'closed' } }));
  ok(await s.api('PATCH', `/api/gifts/${g2.id}`, { token: T, body: { status: 'archived' } }));
  for (const f of first) {
    const again = await s.api(f.method, f.path, { token: f.token, body: f.body, headers: { 'idempotency-key': f.key } });
    assert.equal(again.status, 201, `${f.what}: the retry replays instead of answering ${again.status} ${again.text}`);
    assert.ok(again.raw.equals(f.r.raw), `${f.what}: byte for byte`);
    assert.equal(again.headers['idempotent-replayed'], 'true');
  }
  const redAgain = await s.api('POST', '/api/counter/redemptions', { token: BA, body: { code: coupon.code, method: 'coupon_code' }, headers: { 'idempotency-key': rkey } });
  assert.equal(redAgain.status, 201, `the redemption's retry replays: ${redAgain.text}`);
  assert.ok(redAgain.raw.equals(redR.raw), 'byte for byte');
  assert.equal(redAgain.headers['idempotent-replayed'], 'true');
  assert.equal((await get(`/api/coupons/${coupon.id}`)).status, 'issued', 'the undone redemption was not redone by the retry');
  assert.equal((await get(`/api/redemptions?member_id=${x.id}`)).total, 1);
  assert.equal((await get(`/api/campaigns/${c2.id}/draws?member_id=${x.id}`)).total, 1);
  assert.equal((await get(`/api/envelopes?member_id=${x.id}`)).total, 1);
  assert.equal((await get(`/api/gift-orders?member_id=${x.id}`)).total, 1);
});
