// receipts.test.mjs — receipt upload and review with amount tiers (SPEC §3.5
// "客单越高优惠越大"): a member uploads a photo (JPEG/PNG/WebP by magic bytes,
// at most 5 MiB, SHA-256 kept) and submits the receipt; duplicates (same
// number at the same store, or the same photo) are refused; staff of the
// receipt's store or the brand's managers approve — paying the highest
// matching tier in the same transaction (coupon, red envelope, lottery draws;
// points of the tier and of the earn rules: purchase, receipt) — or reject with a reason. Tiers are
// edited by owners and brand managers. Bad input gets a 4xx naming the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { startServer, expectError, errorTable, memberLogin, sqlite, uniq } from '../lib/server.mjs';
import { liveCampaign } from '../lib/rewards.mjs';

let s, T, F, M1, M2;
before(async () => {
  s = await startServer();
  F = s.foreign;
  T = await s.token('admin');
  M1 = (await memberLogin(s, '13911110001')).json.token;
  M2 = (await memberLogin(s, '13911110002')).json.token;
});
after(async () => { await s?.stop(); });

// A 1×1 PNG; random bytes after IEND make each photo distinct (viewers ignore them).
const PNG1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const png = () => Buffer.concat([PNG1, randomBytes(16)]);
const jpeg = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]);
const webp = () => { const b = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 '), randomBytes(32)]); return b; };

const upload = (token, body, type = 'image/png') =>
  s.api('POST', '/api/member/receipts/photo', { token, body, headers: { 'content-type': type } });
async function photoToken(token, body = png()) {
  const r = await upload(token, body);
  assert.equal(r.status, 201, r.text);
  return r.json.photo_token;
}
const hour = 3600_000;
const receiptBody = (photo_token, extra = {}) => ({
  brand_id: 1, store_id: 1, purchased_at: Date.now() - hour, amount_fen: 25800, receipt_no: uniq('R'), photo_token, ...extra,
});
async function submit(token, extra = {}, photo) {
  const r = await s.api('POST', '/api/member/receipts', { token, body: receiptBody(photo || await photoToken(token), extra) });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('upload: magic bytes, size cap, SHA-256 as the photo token', async () => {
  for (const [body, type] of [[png(), 'image/png'], [jpeg(), 'image/jpeg'], [webp(), 'image/webp']]) {
    const r = await upload(M1, body, type);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.type, type);
    assert.equal(r.json.bytes, body.length);
    assert.equal(r.json.sha256, createHash('sha256').update(body).digest('hex'));
    assert.equal(r.json.photo_token, r.json.sha256);
  }
  // the type comes from the bytes, not from the header
  const lie = await upload(M1, Buffer.from('GIF89a' + 'x'.repeat(40)), 'image/png');
  await expectError(lie, 415, 'photo');
  await expectError(await upload(M1, Buffer.from('%PDF-1.4 not a photo'), 'image/jpeg'), 415, 'photo');
  await expectError(await upload(M1, Buffer.alloc(0), 'image/png'), 400, 'photo');
  const big = Buffer.concat([PNG1, Buffer.alloc(5 * 1024 * 1024)]);
  await expectError(await upload(M1, big), 413, 'photo');
  // far over the cap: refused by the server before the body is stored (member uploads stop at 8 MiB)
  const huge = await s.api('POST', '/api/member/receipts/photo', { token: M1, body: Buffer.concat([PNG1, Buffer.alloc(9 * 1024 * 1024)]), headers: { 'content-type': 'image/png' }, agent: false });
  await expectError(huge, 413);
  // exactly the cap is accepted
  const edge = Buffer.concat([PNG1, randomBytes(5 * 1024 * 1024 - PNG1.length)]);
  assert.equal((await upload(M1, edge)).status, 201);
  // members only, signed in
  await expectError(await upload(undefined, png()), 401);
  await expectError(await upload(T, png()), 401);
});

let first;
test('submit: a pending receipt with its photo; my receipts list it', async () => {
  first = await submit(M1, { amount_fen: 25800 });
  assert.equal(first.status, 'pending');
  assert.equal(first.brand_id, 1);
  assert.equal(first.store_id, 1);
  assert.ok(first.store_name.length > 0);
  assert.ok(first.retailer.length > 0, 'the retailer defaults to the store\'s');
  assert.deepEqual(first.rewards, []);
  const mine = await s.api('GET', '/api/member/receipts', { token: M1 });
  assert.equal(mine.status, 200);
  assert.equal(mine.json.items[0].id, first.id);
  assert.equal(mine.json.items[0].status, 'pending');
  const other = await s.api('GET', '/api/member/receipts', { token: M2 });
  assert.ok(!other.json.items.some((x) => x.id === first.id), 'nobody else\'s receipts');
  const ev = await sqlite(s, `SELECT kind, store_id, brand_id FROM events WHERE kind = 'receipt.submitted' AND member_id = ${first.member_id ?? 'member_id'}`);
  assert.match(ev, /receipt\.submitted\|1\|1/);
  // a store not on file: name and retailer typed by the member
  const free = await submit(M1, { store_id: undefined, store_name: '街角便利店', retailer: '便利蜂' });
  assert.equal(free.store_id, null);
  assert.equal(free.store_name, '街角便利店');
  assert.equal(free.retailer, '便利蜂');
});

test('duplicates are refused: same receipt number at the same store, or the same photo', async () => {
  const p = await photoToken(M1);
  const dupNo = await s.api('POST', '/api/member/receipts', { token: M1, body: receiptBody(p, { receipt_no: first.receipt_no }) });
  await expectError(dupNo, 409, 'receipt_no', 'conflict');
  assert.match(dupNo.json.error.message, /已经提交过/);
  // the same number at another store is another receipt
  const other = await s.api('POST', '/api/member/receipts', { token: M1, body: receiptBody(p, { receipt_no: first.receipt_no, store_id: 2 }) });
  assert.equal(other.status, 201, other.text);
  // the same photo: refused at upload, and at submission when two people uploaded it
  const photo = png();
  const a = await photoToken(M1, photo);
  const b = await photoToken(M2, photo);
  assert.equal(a, b);
  await submit(M1, {}, a);
  await expectError(await upload(M1, photo), 409, 'photo');
  await expectError(await s.api('POST', '/api/member/receipts', { token: M2, body: receiptBody(b) }), 409, 'photo_token');
  // a token is the uploader's own: another member cannot use it
  const mine = await photoToken(M1);
  await expectError(await s.api('POST', '/api/member/receipts', { token: M2, body: receiptBody(mine) }), 422, 'photo_token');
  // a used token is gone
  await expectError(await s.api('POST', '/api/member/receipts', { token: M1, body: receiptBody(a) }), 422, 'photo_token');
});

test('submit: bad input names the field', async (t) => {
  const tok = await photoToken(M1);
  const base = receiptBody(tok);
  const without = (k) => { const b = { ...base }; delete b[k]; return b; };
  await errorTable(t, s, M1, [
    ['no body', 'POST', '/api/member/receipts', undefined, 400],
    ['malformed JSON', 'POST', '/api/member/receipts', '{"brand_id": 1,', 400],
    ['not an object', 'POST', '/api/member/receipts', [1, 2], 400],
    ['unknown field', 'POST', '/api/member/receipts', { ...base, member_id: 5 }, 400, 'member_id'],
    ['brand missing', 'POST', '/api/member/receipts', without('brand_id'), 400, 'brand_id'],
    ['brand as text', 'POST', '/api/member/receipts', { ...base, brand_id: '1' }, 400, 'brand_id'],
    ['unknown brand', 'POST', '/api/member/receipts', { ...base, brand_id: 999999 }, 404, 'brand_id'],
    ['foreign brand', 'POST', '/api/member/receipts', { ...base, brand_id: F.brandId }, 404, 'brand_id'],
    ['foreign store', 'POST', '/api/member/receipts', { ...base, store_id: F.storeId }, 404, 'store_id'],
    ['store not selling the brand', 'POST', '/api/member/receipts', { ...base, store_id: 15 }, 422, 'store_id'],
    ['no store at all', 'POST', '/api/member/receipts', without('store_id'), 400, 'store_id'],
    ['typed store without retailer', 'POST', '/api/member/receipts', { ...without('store_id'), store_name: '小店' }, 400, 'retailer'],
    ['amount zero', 'POST', '/api/member/receipts', { ...base, amount_fen: 0 }, 400, 'amount_fen'],
    ['amount negative', 'POST', '/api/member/receipts', { ...base, amount_fen: -100 }, 400, 'amount_fen'],
    ['amount as float', 'POST', '/api/member/receipts', { ...base, amount_fen: 12.5 }, 400, 'amount_fen'],
    ['amount absurd', 'POST', '/api/member/receipts', { ...base, amount_fen: 1e12 }, 400, 'amount_fen'],
    ['purchase in the future', 'POST', '/api/member/receipts', { ...base, purchased_at: Date.now() + 86400_000 }, 400, 'purchased_at'],
    ['purchase too old', 'POST', '/api/member/receipts', { ...base, purchased_at: Date.now() - 200 * 86400_000 }, 422, 'purchased_at'],
    ['receipt number empty', 'POST', '/api/member/receipts', { ...base, receipt_no: '  ' }, 400, 'receipt_no'],
    ['receipt number too long', 'POST', '/api/member/receipts', { ...base, receipt_no: 'x'.repeat(65) }, 400, 'receipt_no'],
    ['receipt number with a control char', 'POST', '/api/member/receipts', { ...base, receipt_no: 'A\u0001B' }, 400, 'receipt_no'],
    ['photo token missing', 'POST', '/api/member/receipts', without('photo_token'), 400, 'photo_token'],
    ['photo token not hex', 'POST', '/api/member/receipts', { ...base, photo_token: '../../etc/passwd' }, 400, 'photo_token'],
    ['photo token unknown', 'POST', '/api/member/receipts', { ...base, photo_token: 'a'.repeat(64) }, 422, 'photo_token'],
    ['unknown campaign', 'POST', '/api/member/receipts', { ...base, campaign_id: 999999 }, 404, 'campaign_id'],
    ['no member session', 'POST', '/api/member/receipts', base, 401, undefined, { token: null }],
    ['account session', 'POST', '/api/member/receipts', base, 401, undefined, { token: T }],
    ['list: bad status', 'GET', '/api/member/receipts?status=lost', undefined, 400, 'status'],
    ['list: bad limit', 'GET', '/api/member/receipts?limit=0', undefined, 400, 'limit'],
  ]);
});

test('review queue: staff see their store only, brand managers their brands, foreign tenants nothing', async () => {
  const r9 = await submit(M2, { store_id: 9, amount_fen: 9900 });
  const q = async (login, qs = 'status=pending') => (await s.api('GET', `/api/receipts?${qs}&limit=500`, { token: await s.token(login) })).json;
  const admin = await q('admin');
  assert.ok(admin.items.some((x) => x.id === first.id) && admin.items.some((x) => x.id === r9.id));
  assert.ok(admin.items.every((x) => x.status === 'pending'));
  // oldest first in the queue
  const ids = admin.items.map((x) => x.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  assert.match(admin.items[0].member_phone_masked, /\*\*\*\*/);
  assert.equal(admin.items[0].member_phone, undefined, 'no unmasked phone');
  const ba001 = await q('ba001');
  assert.ok(ba001.items.some((x) => x.id === first.id));
  assert.ok(ba001.items.every((x) => x.store_id === 1), 'staff of store 1 see store 1 only');
  const ba017 = await q('ba017');
  assert.ok(ba017.items.some((x) => x.id === r9.id));
  assert.ok(!ba017.items.some((x) => x.id === first.id));
  assert.ok(ba017.items.every((x) => x.store_id === 9));
  const qinghe = await q('qinghe.mgr');
  assert.ok(qinghe.items.every((x) => x.brand_id === 2));
  const foreign = await q(F.owner);
  assert.equal(foreign.total, 0);
  // the receipt itself and its photo
  const got = await s.api('GET', `/api/receipts/${first.id}`, { token: await s.token('ba001') });
  assert.equal(got.status, 200);
  assert.equal(got.json.matching_tier.name, '满 200 元', 'the demo tier ¥200 → ¥20 coupon matches ¥258');
  const photo = await s.api('GET', `/api/receipts/${first.id}/photo`, { token: await s.token('ba001') });
  assert.equal(photo.status, 200);
  assert.equal(photo.headers['content-type'], 'image/png');
  assert.equal(createHash('sha256').update(photo.raw).digest('hex'), got.json.photo_sha256);
  for (const [login, status] of [['ba017', 403], ['qinghe.mgr', 403], [F.owner, 404], [F.staffLogin, 404]]) {
    const tok = await s.token(login);
    assert.equal((await s.api('GET', `/api/receipts/${first.id}`, { token: tok })).status, status, login);
    assert.equal((await s.api('GET', `/api/receipts/${first.id}/photo`, { token: tok })).status, status, login);
    await expectError(await s.api('POST', `/api/receipts/${first.id}/approve`, { token: tok }), status);
    await expectError(await s.api('POST', `/api/receipts/${first.id}/reject`, { token: tok, body: { reason: 'x' } }), status);
  }
  // members never see the photo through the review routes
  await expectError(await s.api('GET', `/api/receipts/${first.id}/photo`, { token: M1 }), 401);
});

test('approve: the highest matching tier pays in the same transaction; approving twice is refused', async () => {
  const ba001 = await s.token('ba001');
  const r = await s.api('POST', `/api/receipts/${first.id}/approve`, { token: ba001 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'approved');
  assert.equal(r.json.reviewed_by_name.length > 0, true);
  const coupon = r.json.rewards.find((x) => x.kind === 'coupon');
  assert.equal(coupon.status, 'granted');
  assert.match(coupon.name, /¥20/);
  assert.match(coupon.code, /^[2-9A-HJ-NP-Z]{12}$/);
  // the tier's points, and the earn rules' points for the purchase and the receipt, in the ledger
  const points = r.json.rewards.filter((x) => x.kind === 'points');
  assert.ok(points.length >= 1 && points.every((x) => x.status === 'granted' && x.txn_id > 0), JSON.stringify(points));
  const txns = await sqlite(s, `SELECT count(*) FROM points_txns WHERE source = 'receipt' AND source_id = ${first.id}`);
  assert.equal(Number(txns.trim()), points.length);
  const row = await sqlite(s, `SELECT source, source_id, member_id, status FROM coupons WHERE id = ${coupon.coupon_id}`);
  assert.equal(row.trim(), `receipt|${first.id}|${r.json.member_id}|issued`);
  const ev = await sqlite(s, `SELECT count(*) FROM events WHERE kind = 'receipt.approved' AND json_extract(props_json, '$.receipt_id') = ${first.id} AND staff_id = 1 AND store_id = 1`);
  assert.equal(ev.trim(), '1');
  const audit = await sqlite(s, `SELECT count(*) FROM audit_log WHERE action = 'receipt.approve' AND entity_id = ${first.id}`);
  assert.equal(audit.trim(), '1');
  await expectError(await s.api('POST', `/api/receipts/${first.id}/approve`, { token: ba001 }), 409, 'status');
  await expectError(await s.api('POST', `/api/receipts/${first.id}/reject`, { token: T, body: { reason: '重复' } }), 409, 'status');
  // the member sees it with its rewards
  const mine = (await s.api('GET', '/api/member/receipts', { token: M1 })).json.items.find((x) => x.id === first.id);
  assert.equal(mine.status, 'approved');
  assert.equal(mine.rewards.find((x) => x.kind === 'coupon').code, coupon.code);
  // a bigger receipt earns the higher tier
  const big = await submit(M1, { amount_fen: 66600 });
  const a = await s.api('POST', `/api/receipts/${big.id}/approve`, { token: await s.token('lumina.mgr') });
  assert.equal(a.status, 200, a.text);
  assert.match(a.json.rewards.find((x) => x.kind === 'coupon').name, /¥60/);
  // below every tier: approved with no tier reward, only what the earn rules give
  const small = await submit(M1, { amount_fen: 1000 });
  const n = await s.api('POST', `/api/receipts/${small.id}/approve`, { token: T });
  assert.equal(n.status, 200);
  assert.deepEqual(n.json.rewards.filter((x) => !x.rule), []);
  assert.equal(n.json.tier_id, null);
});

test('concurrent approvals of one receipt: exactly one pays', async () => {
  const x = await submit(M2, { amount_fen: 30000 });
  const tokens = [T, await s.token('ba001'), await s.token('ba002'), await s.token('lumina.mgr')];
  const all = await Promise.all(tokens.flatMap((token) => [0, 1].map(() =>
    s.api('POST', `/api/receipts/${x.id}/approve`, { token, agent: false }))));
  assert.equal(all.filter((r) => r.status === 200).length, 1);
  assert.equal(all.filter((r) => r.status === 409).length, all.length - 1);
  const n = await sqlite(s, `SELECT count(*) FROM coupons WHERE source = 'receipt' AND source_id = ${x.id}`);
  assert.equal(n.trim(), '1');
});

test('reject: a reason is required; the member sees it and may submit the receipt again', async (t) => {
  const x = await submit(M2, { amount_fen: 12000 });
  await errorTable(t, s, await s.token('ba001'), [
    ['no body', 'POST', `/api/receipts/${x.id}/reject`, undefined, 400],
    ['no reason', 'POST', `/api/receipts/${x.id}/reject`, {}, 400, 'reason'],
    ['empty reason', 'POST', `/api/receipts/${x.id}/reject`, { reason: '   ' }, 400, 'reason'],
    ['reason not text', 'POST', `/api/receipts/${x.id}/reject`, { reason: 5 }, 400, 'reason'],
    ['reason too long', 'POST', `/api/receipts/${x.id}/reject`, { reason: '长'.repeat(201) }, 400, 'reason'],
    ['unknown field', 'POST', `/api/receipts/${x.id}/reject`, { reason: 'x', why: 1 }, 400, 'why'],
    ['approve: unknown field', 'POST', `/api/receipts/${x.id}/approve`, { amount: 1 }, 400, 'amount'],
    ['approve: a note is not a field', 'POST', `/api/receipts/${x.id}/approve`, { note: 'ok' }, 400, 'note'],
    ['approve: malformed', 'POST', `/api/receipts/${x.id}/approve`, '{', 400],
    ['unknown receipt', 'POST', '/api/receipts/99999999/reject', { reason: 'x' }, 404, 'id'],
    ['bad id', 'POST', '/api/receipts/abc/approve', undefined, 404, 'id'],
    ['photo of unknown receipt', 'GET', '/api/receipts/99999999/photo', undefined, 404, 'id'],
  ]);
  const r = await s.api('POST', `/api/receipts/${x.id}/reject`, { token: await s.token('ba001'), body: { reason: '照片模糊，看不清金额' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'rejected');
  assert.equal(r.json.reject_reason, '照片模糊，看不清金额');
  const mine = (await s.api('GET', '/api/member/receipts?status=rejected', { token: M2 })).json.items;
  assert.equal(mine.find((y) => y.id === x.id).reject_reason, '照片模糊，看不清金额');
  // a rejected receipt does not block a new submission of the same number
  const again = await s.api('POST', '/api/member/receipts', { token: M2, body: receiptBody(await photoToken(M2), { receipt_no: x.receipt_no }) });
  assert.equal(again.status, 201, again.text);
  const ev = await sqlite(s, `SELECT count(*) FROM events WHERE kind = 'receipt.rejected' AND json_extract(props_json, '$.receipt_id') = ${x.id}`);
  assert.equal(ev.trim(), '1');
  const list = await s.api('GET', '/api/receipts?status=bogus', { token: T });
  await expectError(list, 400, 'status');
});

let tpl, pool, camp;
test('tiers: CRUD by owners and brand managers, with bad input', async (t) => {
  const list = await s.api('GET', '/api/receipt-tiers?brand_id=1', { token: T });
  assert.equal(list.status, 200);
  assert.equal(list.json.items.length, 2, 'the demo tiers of Lumina');
  tpl = list.json.items[0].coupon_template_id;
  const now = Date.now();
  // a live campaign (campaign API) and an envelope pool of brand 1 (a row as the envelope module stores it)
  camp = (await liveCampaign(s, T, { name: '小票抽奖' })).id;
  await sqlite(s, `INSERT INTO envelope_pools (enterprise_id, brand_id, name, mode, amount_fen, budget_fen, remaining_fen, count_total, count_remaining, per_member_limit, created_at, updated_at) VALUES (1, 1, '小票红包', 'fixed', 888, 1776, 1776, 2, 2, 5, ${now}, ${now})`);
  pool = Number((await sqlite(s, 'SELECT max(id) FROM envelope_pools')).trim());
  const body = { brand_id: 1, campaign_id: camp, name: '满 1000 元', min_amount_fen: 100000, coupon_template_id: tpl, envelope_pool_id: pool, draws: 2, points: 100 };
  await errorTable(t, s, T, [
    ['no reward', 'POST', '/api/receipt-tiers', { brand_id: 1, name: 'x', min_amount_fen: 100 }, 400, 'coupon_template_id'],
    ['draws without a campaign', 'POST', '/api/receipt-tiers', { brand_id: 1, name: 'x', min_amount_fen: 100, draws: 1 }, 400, 'draws'],
    ['min missing', 'POST', '/api/receipt-tiers', { brand_id: 1, name: 'x', points: 5 }, 400, 'min_amount_fen'],
    ['min zero', 'POST', '/api/receipt-tiers', { ...body, min_amount_fen: 0 }, 400, 'min_amount_fen'],
    ['name empty', 'POST', '/api/receipt-tiers', { ...body, name: '' }, 400, 'name'],
    ['draws too many', 'POST', '/api/receipt-tiers', { ...body, draws: 101 }, 400, 'draws'],
    ['unknown template', 'POST', '/api/receipt-tiers', { ...body, coupon_template_id: 999999 }, 404, 'coupon_template_id'],
    ['unknown pool', 'POST', '/api/receipt-tiers', { ...body, envelope_pool_id: 999999 }, 404, 'envelope_pool_id'],
    ['unknown campaign', 'POST', '/api/receipt-tiers', { ...body, campaign_id: 999999 }, 404, 'campaign_id'],
    ['template of another brand', 'POST', '/api/receipt-tiers', { ...body, brand_id: 2, campaign_id: undefined, draws: 0 }, 422, 'coupon_template_id'],
    ['foreign brand', 'POST', '/api/receipt-tiers', { ...body, brand_id: F.brandId }, 404, 'brand_id'],
    ['unknown field', 'POST', '/api/receipt-tiers', { ...body, color: 'red' }, 400, 'color'],
    ['malformed', 'POST', '/api/receipt-tiers', '{"x"', 400],
    ['a brand manager of another brand', 'POST', '/api/receipt-tiers', body, 403, 'brand_id', { token: await s.token('qinghe.mgr') }],
    ['staff', 'POST', '/api/receipt-tiers', body, 403, undefined, { token: await s.token('ba001') }],
    ['same minimum as a demo tier', 'POST', '/api/receipt-tiers', { ...body, campaign_id: undefined, draws: 0, min_amount_fen: 20000 }, 409, 'min_amount_fen'],
  ]);
  const c = await s.api('POST', '/api/receipt-tiers', { token: await s.token('lumina.mgr'), body });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.campaign_name, '小票抽奖');
  assert.equal(c.json.envelope_pool_name, '小票红包');
  const id = c.json.id;
  await errorTable(t, s, T, [
    ['nothing to change', 'PATCH', `/api/receipt-tiers/${id}`, {}, 400],
    ['brand cannot change', 'PATCH', `/api/receipt-tiers/${id}`, { brand_id: 2 }, 400, 'brand_id'],
    ['clearing every reward', 'PATCH', `/api/receipt-tiers/${id}`, { coupon_template_id: null, envelope_pool_id: null, draws: 0, points: 0 }, 400, 'coupon_template_id'],
    ['unknown tier', 'PATCH', '/api/receipt-tiers/999999', { name: 'x' }, 404, 'id'],
    ['foreign owner', 'PATCH', `/api/receipt-tiers/${id}`, { name: 'x' }, 404, 'id', { token: F.token }],
    ['other brand manager', 'DELETE', `/api/receipt-tiers/${id}`, undefined, 403, undefined, { token: await s.token('qinghe.mgr') }],
  ]);
  const p = await s.api('PATCH', `/api/receipt-tiers/${id}`, { token: T, body: { name: '满千元大礼', points: 0 } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.name, '满千元大礼');
  assert.equal(p.json.points, 0);
  assert.equal(p.json.draws, 2);
  const g = await s.api('GET', `/api/receipt-tiers/${id}`, { token: await s.token('ba001') });
  assert.equal(g.status, 200, 'staff of a store selling the brand may read tiers');
  const gone = await s.api('POST', '/api/receipt-tiers', { token: T, body: { brand_id: 1, name: '临时', min_amount_fen: 777, points: 7 } });
  assert.equal((await s.api('DELETE', `/api/receipt-tiers/${gone.json.id}`, { token: T })).status, 200);
  assert.equal((await s.api('GET', `/api/receipt-tiers/${gone.json.id}`, { token: T })).status, 404);
  const audit = await sqlite(s, `SELECT group_concat(action) FROM audit_log WHERE entity = 'receipt_tier'`);
  assert.match(audit, /receipt_tier\.create.*receipt_tier\.update.*receipt_tier\.delete/);
});

test('a campaign tier pays a coupon, a red envelope and lottery draws; a reward that runs out is listed, not fatal', async () => {
  const x = await submit(M1, { amount_fen: 150000 });
  const r = await s.api('POST', `/api/receipts/${x.id}/approve`, { token: T });
  assert.equal(r.status, 200, r.text);
  const by = Object.fromEntries(r.json.rewards.map((e) => [e.kind, e]));
  assert.equal(by.coupon.status, 'granted');
  assert.equal(by.envelope.status, 'granted');
  assert.equal(by.envelope.amount_fen, 888);
  assert.equal(by.draws.status, 'granted');
  assert.equal(by.draws.draws, 2);
  assert.equal(r.json.campaign_id, camp, 'the receipt counts for the tier\'s campaign');
  const grants = await sqlite(s, `SELECT count(*) FROM lottery_grants WHERE source = 'receipt' AND source_id = ${x.id} AND campaign_id = ${camp}`);
  assert.equal(grants.trim(), '2');
  const env = await sqlite(s, `SELECT source, source_id, amount_fen FROM red_envelopes WHERE id = ${by.envelope.envelope_id}`);
  assert.equal(env.trim(), `receipt|${x.id}|888`);
  // the pool holds two envelopes: the third big receipt gets none, and is approved all the same
  const y = await submit(M2, { amount_fen: 150000 });
  assert.equal((await s.api('POST', `/api/receipts/${y.id}/approve`, { token: T })).json.rewards.find((e) => e.kind === 'envelope').status, 'granted');
  const z = await submit(M2, { amount_fen: 150000 });
  const last = await s.api('POST', `/api/receipts/${z.id}/approve`, { token: T });
  assert.equal(last.status, 200, last.text);
  const e = last.json.rewards.find((x) => x.kind === 'envelope');
  assert.equal(e.status, 'failed');
  assert.match(e.message, /领完|预算/);
  assert.equal(last.json.rewards.find((x) => x.kind === 'coupon').status, 'granted');
  const left = await sqlite(s, `SELECT remaining_fen, count_remaining FROM envelope_pools WHERE id = ${pool}`);
  assert.equal(left.trim(), '0|0', 'the pool\'s budget is never exceeded');
  // once the campaign has ended its tier no longer matches: the plain demo tier pays
  const ended = await s.api('POST', `/api/campaigns/${camp}/end`, { token: T });
  assert.equal(ended.status, 200, ended.text);
  const w = await submit(M2, { amount_fen: 150000 });
  const after = await s.api('POST', `/api/receipts/${w.id}/approve`, { token: T });
  assert.match(after.json.rewards.find((x) => x.kind === 'coupon').name, /¥60/);
  assert.equal(after.json.rewards.find((x) => x.kind === 'draws'), undefined);
});

test('a campaign tier counts against the campaign\'s limits: over the limit the receipt is approved without its rewards', async () => {
  const c = await liveCampaign(s, T, { name: '每人一次', per_member_total: 1 });
  const tier = await s.api('POST', '/api/receipt-tiers', { token: T, body: { brand_id: 1, campaign_id: c.id, name: '活动满 3000', min_amount_fen: 300000, coupon_template_id: tpl } });
  assert.equal(tier.status, 201, tier.text);
  const a = await submit(M1, { amount_fen: 300000 });
  const first = await s.api('POST', `/api/receipts/${a.id}/approve`, { token: T });
  assert.equal(first.json.tier_id, tier.json.id);
  assert.equal(first.json.rewards[0].status, 'granted');
  const b = await submit(M1, { amount_fen: 300000 });
  const second = await s.api('POST', `/api/receipts/${b.id}/approve`, { token: T });
  assert.equal(second.status, 200, second.text);
  assert.equal(second.json.status, 'approved');
  // the campaign tier is refused; points of the earn rules (purchase, receipt) are not the campaign's
  const tierRewards = second.json.rewards.filter((x) => !(x.kind === 'points' && x.rule));
  assert.equal(tierRewards.length, 1);
  assert.equal(tierRewards[0].kind, 'campaign');
  assert.equal(tierRewards[0].status, 'failed');
  assert.match(tierRewards[0].message, /上限/);
  const n = await sqlite(s, `SELECT count(*) FROM coupons WHERE source = 'receipt' AND source_id = ${b.id}`);
  assert.equal(n.trim(), '0');
});

test('stores to choose from on the H5, by brand', async () => {
  const r = await s.api('GET', '/api/member/receipts/stores?brand_id=2', { token: M1 });
  assert.equal(r.status, 200);
  assert.ok(r.json.items.length > 0);
  assert.ok(!r.json.items.some((x) => x.id >= 9 && x.id <= 14), 'stores 9–14 sell only Lumina');
  await expectError(await s.api('GET', '/api/member/receipts/stores?brand_id=x', { token: M1 }), 400, 'brand_id');
});
