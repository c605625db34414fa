// coupons.test.mjs — coupons (SPEC §3.5): templates (kinds, validity, where
// valid, quantity, per-member limit, claimable), frozen terms once issued,
// archive; issue by admins with a result per member, lists, void; batches of
// printed codes (progress, export, reservation, resume after kill -9); the
// member's side (claim through the campaign's admission, printed codes,
// wallet with expiry, QR, campaign landing) and claims under concurrency
// (never more than the quantity). Brand managers only for their brands, staff
// never write, another tenant's ids are 404 and its brands/stores are refused
// by field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectError, errorTable, memberLogin, poll, sqlite, request } from '../lib/server.mjs';
import { liveCampaign } from '../lib/rewards.mjs';

let s, T, F, tok;
before(async () => {
  s = await startServer();
  F = s.foreign;
  T = await s.token('admin');
  tok = {};
  for (const l of ['admin', 'lumina.mgr', 'qinghe.mgr', 'ba001']) tok[l] = await s.token(l);
  tok.foreign = F.token;
});
after(async () => { await s?.stop(); });

const DAY = 24 * 3600_000;
const P = '/api/coupon-templates';
const createTpl = (body, token = T) => s.api('POST', P, { token, body });
const getTpl = (id, token = T) => s.api('GET', `${P}/${id}`, { token });
const patchTpl = (id, body, token = T) => s.api('PATCH', `${P}/${id}`, { token, body });
let phoneSeq = 0;
/** n new members signed in on the H5: [{id, token, phone}] */
async function newMembers(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    phoneSeq += 1;
    const phone = `1390${String(process.pid % 1000).padStart(3, '0')}${String(phoneSeq).padStart(4, '0')}`;
    const r = await memberLogin(s, phone);
    assert.equal(r.status, 200, r.text);
    out.push({ id: r.json.member.id, token: r.json.token, phone });
  }
  return out;
}
const cash = (extra = {}) => ({
  brand_id: 1, name: '满100减20', kind: 'cash', value_fen: 2000, min_spend_fen: 10000,
  validity: 'relative', valid_days: 30, quantity: 100, per_member_limit: 1, ...extra,
});

// ---- templates ----

test('create a cash template with stores where valid; read it back', async () => {
  const r = await createTpl(cash({ description: '全场通用', store_ids: [1, 9] }));
  assert.equal(r.status, 201, r.text);
  const t = r.json;
  assert.equal(t.brand_id, 1);
  assert.ok(t.brand_name);
  assert.equal(t.kind, 'cash');
  assert.equal(t.value_fen, 2000);
  assert.equal(t.min_spend_fen, 10000);
  assert.equal(t.discount_pct, null);
  assert.equal(t.validity, 'relative');
  assert.equal(t.valid_days, 30);
  assert.equal(t.valid_from, null);
  assert.equal(t.quantity, 100);
  assert.equal(t.issued, 0);
  assert.equal(t.remaining, 100);
  assert.equal(t.per_member_limit, 1);
  assert.equal(t.claimable, true);
  assert.equal(t.status, 'active');
  assert.deepEqual(t.brand_ids, []);
  assert.deepEqual(t.store_ids, [1, 9]);
  assert.deepEqual(t.valid_brands.map((b) => b.id), [1], 'none listed: its own brand');
  assert.deepEqual(t.valid_stores.map((x) => x.id), [1, 9]);
  assert.ok(t.valid_stores[0].name && t.valid_stores[0].city);
  const g = await getTpl(t.id);
  assert.equal(g.status, 200);
  assert.deepEqual(g.json, t);
  // audited
  const a = await s.api('GET', `/api/audit?entity=coupon_template&entity_id=${t.id}`, { token: T });
  assert.equal(a.status, 200, a.text);
  assert.ok(a.json.items.some((e) => e.action === 'coupon_template.create'), a.text);
});

test('each kind with its own terms; defaults for claimable and per-member limit', async () => {
  const now = Date.now();
  const d = await createTpl({ brand_id: 2, name: '85折', kind: 'discount', discount_pct: 85, validity: 'fixed', valid_from: now, valid_to: now + 7 * DAY, brand_ids: [1, 2] });
  assert.equal(d.status, 201, d.text);
  assert.equal(d.json.discount_pct, 85);
  assert.equal(d.json.per_member_limit, 1, 'one per member unless told');
  assert.equal(d.json.quantity, null, 'no quantity: unlimited');
  assert.equal(d.json.remaining, null);
  assert.deepEqual(d.json.valid_brands.map((b) => b.id), [1, 2]);
  const g = await createTpl({ brand_id: 1, name: '小样礼', kind: 'gift', gift_name: '精华小样 5ml', validity: 'relative', valid_days: 7, per_member_limit: null });
  assert.equal(g.status, 201, g.text);
  assert.equal(g.json.gift_name, '精华小样 5ml');
  assert.equal(g.json.per_member_limit, null, 'explicit null: unlimited');
  const smp = await createTpl({ brand_id: 1, name: '试用装', kind: 'sample', gift_name: '面霜试用装', value_fen: 3000, validity: 'relative', valid_days: 14 });
  assert.equal(smp.status, 201, smp.text);
  const p = await createTpl({ brand_id: 1, name: '一等奖', kind: 'prize', gift_name: '保温杯', validity: 'relative', valid_days: 30 });
  assert.equal(p.status, 201, p.text);
  assert.equal(p.json.claimable, false, 'prizes are handed out, not claimed');
});

test('create: bad input table', async (t) => {
  const now = Date.now();
  const ok = cash();
  const fixed = { ...ok, validity: 'fixed', valid_days: undefined, valid_from: now, valid_to: now + DAY };
  await errorTable(t, s, T, [
    ['malformed JSON', 'POST', P, '{"name":', 400, null, { code: 'malformed_json' }],
    ['array body', 'POST', P, [ok], 400, null],
    ['empty body', 'POST', P, '', 400, null],
    ['unknown field', 'POST', P, { ...ok, colour: 'red' }, 400, 'colour'],
    ['status on create', 'POST', P, { ...ok, status: 'active' }, 400, 'status'],
    ['missing brand_id', 'POST', P, { ...ok, brand_id: undefined }, 400, 'brand_id'],
    ['brand_id a string', 'POST', P, { ...ok, brand_id: '1' }, 400, 'brand_id'],
    ['brand_id unknown', 'POST', P, { ...ok, brand_id: 999999 }, 400, 'brand_id'],
    ['brand_id of another tenant', 'POST', P, { ...ok, brand_id: F.brandId }, 400, 'brand_id'],
    ['missing name', 'POST', P, { ...ok, name: undefined }, 400, 'name'],
    ['blank name', 'POST', P, { ...ok, name: '  ' }, 400, 'name'],
    ['name too long', 'POST', P, { ...ok, name: '券'.repeat(65) }, 400, 'name'],
    ['name a number', 'POST', P, { ...ok, name: 3 }, 400, 'name'],
    ['missing kind', 'POST', P, { ...ok, kind: undefined }, 400, 'kind'],
    ['unknown kind', 'POST', P, { ...ok, kind: 'points' }, 400, 'kind'],
    ['cash without value', 'POST', P, { ...ok, value_fen: undefined }, 400, 'value_fen'],
    ['cash value 0', 'POST', P, { ...ok, value_fen: 0 }, 400, 'value_fen'],
    ['cash value negative', 'POST', P, { ...ok, value_fen: -100 }, 400, 'value_fen'],
    ['cash value a float', 'POST', P, { ...ok, value_fen: 19.9 }, 400, 'value_fen'],
    ['cash value a string', 'POST', P, { ...ok, value_fen: '2000' }, 400, 'value_fen'],
    ['cash with a discount', 'POST', P, { ...ok, discount_pct: 80 }, 400, 'discount_pct'],
    ['min spend below the value', 'POST', P, { ...ok, min_spend_fen: 1000 }, 400, 'min_spend_fen'],
    ['min spend negative', 'POST', P, { ...ok, min_spend_fen: -1 }, 400, 'min_spend_fen'],
    ['discount without pct', 'POST', P, { ...ok, kind: 'discount', value_fen: undefined }, 400, 'discount_pct'],
    ['discount 0', 'POST', P, { ...ok, kind: 'discount', value_fen: undefined, discount_pct: 0 }, 400, 'discount_pct'],
    ['discount 100', 'POST', P, { ...ok, kind: 'discount', value_fen: undefined, discount_pct: 100 }, 400, 'discount_pct'],
    ['discount with a value', 'POST', P, { ...ok, kind: 'discount', discount_pct: 80 }, 400, 'value_fen'],
    ['gift without gift_name', 'POST', P, { ...ok, kind: 'gift', value_fen: undefined }, 400, 'gift_name'],
    ['cash with a gift_name', 'POST', P, { ...ok, gift_name: '杯子' }, 400, 'gift_name'],
    ['missing validity', 'POST', P, { ...ok, validity: undefined }, 400, 'validity'],
    ['unknown validity', 'POST', P, { ...ok, validity: 'forever' }, 400, 'validity'],
    ['relative without days', 'POST', P, { ...ok, valid_days: undefined }, 400, 'valid_days'],
    ['relative 0 days', 'POST', P, { ...ok, valid_days: 0 }, 400, 'valid_days'],
    ['relative 3651 days', 'POST', P, { ...ok, valid_days: 3651 }, 400, 'valid_days'],
    ['relative with a window', 'POST', P, { ...ok, valid_to: now + DAY }, 400, 'valid_to'],
    ['fixed without from', 'POST', P, { ...fixed, valid_from: undefined }, 400, 'valid_from'],
    ['fixed without to', 'POST', P, { ...fixed, valid_to: undefined }, 400, 'valid_to'],
    ['fixed to before from', 'POST', P, { ...fixed, valid_to: now - 1 }, 400, 'valid_to'],
    ['fixed to equals from', 'POST', P, { ...fixed, valid_to: now }, 400, 'valid_to'],
    ['fixed already over (expired)', 'POST', P, { ...fixed, valid_from: now - 2 * DAY, valid_to: now - DAY }, 400, 'valid_to'],
    ['fixed with days', 'POST', P, { ...fixed, valid_days: 3 }, 400, 'valid_days'],
    ['valid_to a date string', 'POST', P, { ...fixed, valid_to: '2030-01-01' }, 400, 'valid_to'],
    ['quantity 0', 'POST', P, { ...ok, quantity: 0 }, 400, 'quantity'],
    ['quantity too large', 'POST', P, { ...ok, quantity: 100000001 }, 400, 'quantity'],
    ['per-member limit 0', 'POST', P, { ...ok, per_member_limit: 0 }, 400, 'per_member_limit'],
    ['claimable a string', 'POST', P, { ...ok, claimable: 'yes' }, 400, 'claimable'],
    ['brand_ids not an array', 'POST', P, { ...ok, brand_ids: 1 }, 400, 'brand_ids'],
    ['brand_ids unknown', 'POST', P, { ...ok, brand_ids: [1, 999999] }, 400, 'brand_ids'],
    ['brand_ids of another tenant', 'POST', P, { ...ok, brand_ids: [F.brandId] }, 400, 'brand_ids'],
    ['store_ids with a string', 'POST', P, { ...ok, store_ids: ['1'] }, 400, 'store_ids'],
    ['store does not sell the brand (wrong brand)', 'POST', P, { ...ok, store_ids: [15] }, 400, 'store_ids'],
    ['store unknown', 'POST', P, { ...ok, store_ids: [999999] }, 400, 'store_ids'],
    ['store of another tenant', 'POST', P, { ...ok, store_ids: [F.storeId] }, 400, 'store_ids'],
    ['campaign unknown', 'POST', P, { ...ok, campaign_id: 999999 }, 400, 'campaign_id'],
    ['campaign_id a string', 'POST', P, { ...ok, campaign_id: 'x' }, 400, 'campaign_id'],
    ['no auth', 'POST', P, ok, 401, undefined, { token: null }],
  ]);
  // a store of brand 2 is fine once brand 2 is where the coupon is valid
  const r = await createTpl({ ...ok, brand_ids: [1, 2], store_ids: [15] });
  assert.equal(r.status, 201, r.text);
});

test('scope: brand managers for their brands, staff never, another tenant 404', async (t) => {
  const own = (await createTpl(cash({ name: '范围券' }))).json;
  await t.test('lumina.mgr for brand 1 → 201', async () => {
    const r = await createTpl(cash({ name: '经理券' }), tok['lumina.mgr']);
    assert.equal(r.status, 201, r.text);
  });
  await t.test('lumina.mgr for brand 2 → 403 brand_id', async () => {
    await expectError(await createTpl(cash({ brand_id: 2 }), tok['lumina.mgr']), 403, 'brand_id', 'forbidden');
  });
  await t.test('lumina.mgr valid at brand 2 too → 403 brand_ids', async () => {
    await expectError(await createTpl(cash({ brand_ids: [1, 2] }), tok['lumina.mgr']), 403, 'brand_ids');
  });
  await t.test('qinghe.mgr edits a Lumina template → 403', async () => {
    await expectError(await patchTpl(own.id, { name: 'x' }, tok['qinghe.mgr']), 403);
    await expectError(await getTpl(own.id, tok['qinghe.mgr']), 403);
  });
  await t.test('staff read their brands, never write', async () => {
    assert.equal((await getTpl(own.id, tok.ba001)).status, 200);
    await expectError(await createTpl(cash(), tok.ba001), 403);
    await expectError(await patchTpl(own.id, { name: 'x' }, tok.ba001), 403);
    await expectError(await s.api('DELETE', `${P}/${own.id}`, { token: tok.ba001 }), 403);
  });
  await t.test('the foreign owner: our template is 404, our list invisible', async () => {
    await expectError(await getTpl(own.id, tok.foreign), 404, 'id');
    await expectError(await patchTpl(own.id, { name: 'x' }, tok.foreign), 404, 'id');
    await expectError(await s.api('DELETE', `${P}/${own.id}`, { token: tok.foreign }), 404);
    assert.equal((await s.api('GET', P, { token: tok.foreign })).json.total, 0);
  });
  await t.test('lists are scoped: qinghe.mgr sees no Lumina template', async () => {
    const l = await s.api('GET', `${P}?limit=500`, { token: tok['qinghe.mgr'] });
    assert.equal(l.status, 200);
    assert.ok(l.json.items.every((x) => x.brand_id === 2), l.text.slice(0, 300));
  });
});

test('list with filters', async (t) => {
  const a = (await createTpl(cash({ name: '筛选甲' }))).json;
  const b = (await createTpl({ brand_id: 2, name: '筛选乙', kind: 'gift', gift_name: '杯', validity: 'relative', valid_days: 3, claimable: false })).json;
  const q = async (qs) => (await s.api('GET', `${P}?${qs}`, { token: T })).json;
  assert.ok((await q('q=筛选')).items.length >= 2);
  assert.deepEqual((await q('q=筛选&brand_id=2')).items.map((x) => x.id), [b.id]);
  assert.deepEqual((await q('q=筛选&kind=cash')).items.map((x) => x.id), [a.id]);
  assert.deepEqual((await q('q=筛选&claimable=false')).items.map((x) => x.id), [b.id]);
  const all = await q('limit=2');
  assert.equal(all.items.length, 2);
  assert.ok(all.total > 2);
  await errorTable(t, s, T, [
    ['bad status', 'GET', `${P}?status=gone`, undefined, 400, 'status'],
    ['bad kind', 'GET', `${P}?kind=x`, undefined, 400, 'kind'],
    ['bad claimable', 'GET', `${P}?claimable=maybe`, undefined, 400, 'claimable'],
    ['bad brand_id', 'GET', `${P}?brand_id=abc`, undefined, 400, 'brand_id'],
    ['bad limit', 'GET', `${P}?limit=0`, undefined, 400, 'limit'],
    ['unknown id', 'GET', `${P}/999999`, undefined, 404, 'id'],
    ['id not a number', 'GET', `${P}/abc`, undefined, 404],
  ]);
});

test('update: fields, places, status; terms checked as a whole', async (t) => {
  const tp = (await createTpl(cash({ name: '待修改' }))).json;
  const r = await patchTpl(tp.id, { name: '已修改', quantity: 500, per_member_limit: 2, claimable: false, store_ids: [2, 3], description: '说明' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, '已修改');
  assert.equal(r.json.quantity, 500);
  assert.equal(r.json.per_member_limit, 2);
  assert.equal(r.json.claimable, false);
  assert.deepEqual(r.json.store_ids, [2, 3]);
  // switch the validity to a fixed window: the days go
  const now = Date.now();
  const w = await patchTpl(tp.id, { validity: 'fixed', valid_from: now, valid_to: now + 3 * DAY });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.json.valid_days, null);
  assert.equal(w.json.valid_to, now + 3 * DAY);
  // to a discount: the value goes
  const d = await patchTpl(tp.id, { kind: 'discount', discount_pct: 90, min_spend_fen: 0 });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.value_fen, null);
  // unlimited quantity with null; places cleared with []
  const n = await patchTpl(tp.id, { quantity: null, store_ids: [] });
  assert.equal(n.status, 200, n.text);
  assert.equal(n.json.quantity, null);
  assert.deepEqual(n.json.store_ids, []);
  await errorTable(t, s, T, [
    ['empty object', 'PATCH', `${P}/${tp.id}`, {}, 400, null],
    ['brand_id cannot change', 'PATCH', `${P}/${tp.id}`, { brand_id: 2 }, 400, 'brand_id'],
    ['unknown field', 'PATCH', `${P}/${tp.id}`, { issued: 0 }, 400, 'issued'],
    ['null name', 'PATCH', `${P}/${tp.id}`, { name: null }, 400, 'name'],
    ['bad status', 'PATCH', `${P}/${tp.id}`, { status: 'deleted' }, 400, 'status'],
    ['to cash without value', 'PATCH', `${P}/${tp.id}`, { kind: 'cash' }, 400, 'value_fen'],
    ['window that ended', 'PATCH', `${P}/${tp.id}`, { valid_from: now - 3 * DAY, valid_to: now - DAY }, 400, 'valid_to'],
    ['store of another brand', 'PATCH', `${P}/${tp.id}`, { store_ids: [16] }, 400, 'store_ids'],
    ['unknown template', 'PATCH', `${P}/999999`, { name: 'x' }, 404, 'id'],
    ['malformed', 'PATCH', `${P}/${tp.id}`, '{', 400, null],
  ]);
});

test('archive, then restore; archiving twice is a conflict', async () => {
  const tp = (await createTpl(cash({ name: '将归档' }))).json;
  const a = await s.api('DELETE', `${P}/${tp.id}`, { token: T });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.status, 'archived');
  await expectError(await s.api('DELETE', `${P}/${tp.id}`, { token: T }), 409);
  const l = await s.api('GET', `${P}?status=archived&q=将归档`, { token: T });
  assert.deepEqual(l.json.items.map((x) => x.id), [tp.id]);
  const r = await patchTpl(tp.id, { status: 'active' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'active');
  const au = await s.api('GET', `/api/audit?entity=coupon_template&entity_id=${tp.id}`, { token: T });
  const actions = au.json.items.map((e) => e.action);
  assert.ok(actions.includes('coupon_template.archive') && actions.includes('coupon_template.restore'), actions.join());
});

// ---- issue, list, void ----

test('issue to members: one result per member; limits and quantity hold', async (t) => {
  const tp = (await createTpl(cash({ name: '定向发放', quantity: 3, per_member_limit: 1 }))).json;
  const [a, b, c] = await newMembers(3);
  const r = await s.api('POST', `${P}/${tp.id}/issue`, { token: tok['lumina.mgr'], body: { member_ids: [a.id, b.id, a.id, 999999] } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.requested, 3, 'duplicates counted once');
  assert.equal(r.json.issued, 2);
  assert.equal(r.json.refused, 1);
  const byMember = Object.fromEntries(r.json.results.map((x) => [x.member_id, x]));
  assert.equal(byMember[a.id].status, 'issued');
  assert.match(byMember[a.id].code, /^[2-9A-HJ-NP-Z]{12}$/);
  assert.equal(byMember[999999].reason, 'member_not_found');
  // again: a is over the per-member limit, c gets the last unit, b is over the limit too
  const r2 = await s.api('POST', `${P}/${tp.id}/issue`, { token: T, body: { member_ids: [a.id, c.id] } });
  assert.equal(r2.status, 200, r2.text);
  const r2m = Object.fromEntries(r2.json.results.map((x) => [x.member_id, x]));
  assert.equal(r2m[a.id].reason, 'per_member_limit');
  assert.ok(r2m[a.id].message);
  assert.equal(r2m[c.id].status, 'issued');
  // quantity exhausted
  const [d] = await newMembers(1);
  const r3 = await s.api('POST', `${P}/${tp.id}/issue`, { token: T, body: { member_ids: [d.id] } });
  assert.equal(r3.json.results[0].reason, 'quantity_exhausted', r3.text);
  const g = (await getTpl(tp.id)).json;
  assert.equal(g.issued, 3);
  assert.equal(g.remaining, 0);
  // list of the template's coupons, masked phones
  const l = await s.api('GET', `/api/coupons?template_id=${tp.id}`, { token: T });
  assert.equal(l.status, 200, l.text);
  assert.equal(l.json.total, 3);
  for (const c0 of l.json.items) {
    assert.equal(c0.source, 'admin');
    assert.equal(c0.status, 'issued');
    assert.ok(!('member_phone' in c0));
    assert.match(c0.member_phone_masked, /\*{4}/);
    assert.ok(c0.valid_to > Date.now() + 29 * DAY);
  }
  const mine = await s.api('GET', `/api/coupons?member_id=${a.id}`, { token: T });
  assert.equal(mine.json.total, 1);
  const bycode = await s.api('GET', `/api/coupons?code=${byMember[a.id].code.toLowerCase()}`, { token: T });
  assert.deepEqual(bycode.json.items.map((x) => x.member_id), [a.id]);
  // the member sees it in the wallet
  await t.test('bad input and scope', async (tt) => {
    await errorTable(tt, s, T, [
      ['no member_ids', 'POST', `${P}/${tp.id}/issue`, {}, 400, 'member_ids'],
      ['empty member_ids', 'POST', `${P}/${tp.id}/issue`, { member_ids: [] }, 400, 'member_ids'],
      ['member_ids strings', 'POST', `${P}/${tp.id}/issue`, { member_ids: ['1'] }, 400, 'member_ids'],
      ['too many members', 'POST', `${P}/${tp.id}/issue`, { member_ids: Array.from({ length: 1001 }, (_, i) => i + 1) }, 400, 'member_ids'],
      ['unknown field', 'POST', `${P}/${tp.id}/issue`, { member_ids: [a.id], note: 'x' }, 400, 'note'],
      ['malformed', 'POST', `${P}/${tp.id}/issue`, '[', 400, null],
      ['unknown template', 'POST', `${P}/999999/issue`, { member_ids: [a.id] }, 404, 'id'],
      ['qinghe.mgr on a Lumina template', 'POST', `${P}/${tp.id}/issue`, { member_ids: [a.id] }, 403, undefined, { token: tok['qinghe.mgr'] }],
      ['staff', 'POST', `${P}/${tp.id}/issue`, { member_ids: [a.id] }, 403, undefined, { token: tok.ba001 }],
      ['foreign tenant', 'POST', `${P}/${tp.id}/issue`, { member_ids: [a.id] }, 404, 'id', { token: tok.foreign }],
      ['list without a filter', 'GET', '/api/coupons', undefined, 400, 'template_id'],
      ['list bad status', 'GET', `/api/coupons?template_id=${tp.id}&status=lost`, undefined, 400, 'status'],
      ['list bad code', 'GET', '/api/coupons?code=abc', undefined, 400, 'code'],
      ['list bad member_id', 'GET', '/api/coupons?member_id=-1', undefined, 400, 'member_id'],
      ['list by staff', 'GET', `/api/coupons?template_id=${tp.id}`, undefined, 403, undefined, { token: tok.ba001 }],
    ]);
    const other = await s.api('GET', `/api/coupons?template_id=${tp.id}`, { token: tok['qinghe.mgr'] });
    assert.equal(other.json.total, 0, 'scoped by brand');
    const fr = await s.api('GET', `/api/coupons?template_id=${tp.id}`, { token: tok.foreign });
    assert.equal(fr.json.total, 0, 'another tenant sees nothing');
  });
  // an archived template issues nothing
  await s.api('DELETE', `${P}/${tp.id}`, { token: T });
  await expectError(await s.api('POST', `${P}/${tp.id}/issue`, { token: T, body: { member_ids: [d.id] } }), 422, 'id');
});

test('terms are frozen once coupons were issued', async () => {
  const tp = (await createTpl(cash({ name: '冻结条款' }))).json;
  const [m] = await newMembers(1);
  await s.api('POST', `${P}/${tp.id}/issue`, { token: T, body: { member_ids: [m.id] } });
  await expectError(await patchTpl(tp.id, { value_fen: 3000 }), 409, 'value_fen');
  await expectError(await patchTpl(tp.id, { valid_days: 60 }), 409, 'valid_days');
  await expectError(await patchTpl(tp.id, { kind: 'gift', gift_name: 'x' }), 409, 'kind');
  await expectError(await patchTpl(tp.id, { quantity: 0 }), 400, 'quantity');
  // the same value again, and the other fields, are fine
  const ok = await patchTpl(tp.id, { value_fen: 2000, name: '冻结条款（改名）', quantity: 1000 });
  assert.equal(ok.status, 200, ok.text);
});

test('void with a reason: the unit returns to the template; twice is a conflict', async (t) => {
  const tp = (await createTpl(cash({ name: '作废', quantity: 1 }))).json;
  const [m, n] = await newMembers(2);
  const iss = await s.api('POST', `${P}/${tp.id}/issue`, { token: T, body: { member_ids: [m.id] } });
  const cid = iss.json.results[0].coupon_id;
  await errorTable(t, s, T, [
    ['no reason', 'POST', `/api/coupons/${cid}/void`, {}, 400, 'reason'],
    ['blank reason', 'POST', `/api/coupons/${cid}/void`, { reason: ' ' }, 400, 'reason'],
    ['reason too long', 'POST', `/api/coupons/${cid}/void`, { reason: 'x'.repeat(201) }, 400, 'reason'],
    ['unknown coupon', 'POST', '/api/coupons/999999/void', { reason: 'x' }, 404, 'id'],
    ['by staff', 'POST', `/api/coupons/${cid}/void`, { reason: 'x' }, 403, undefined, { token: tok.ba001 }],
    ['by the other brand', 'POST', `/api/coupons/${cid}/void`, { reason: 'x' }, 403, undefined, { token: tok['qinghe.mgr'] }],
    ['by another tenant', 'POST', `/api/coupons/${cid}/void`, { reason: 'x' }, 404, 'id', { token: tok.foreign }],
    ['get by another tenant', 'GET', `/api/coupons/${cid}`, undefined, 404, 'id', { token: tok.foreign }],
  ]);
  const v = await s.api('POST', `/api/coupons/${cid}/void`, { token: T, body: { reason: '误发' } });
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.status, 'voided');
  assert.equal(v.json.void_reason, '误发');
  await expectError(await s.api('POST', `/api/coupons/${cid}/void`, { token: T, body: { reason: '再次' } }), 409, 'id');
  assert.equal((await getTpl(tp.id)).json.remaining, 1, 'the unit is back');
  const g = await s.api('GET', `/api/coupons/${cid}`, { token: T });
  assert.equal(g.json.status, 'voided');
  assert.equal(g.json.redemption, null);
  // voided coupons do not count against the member's limit
  const again = await s.api('POST', `${P}/${tp.id}/issue`, { token: T, body: { member_ids: [m.id, n.id] } });
  assert.deepEqual(again.json.results.map((x) => x.status), ['issued', 'refused']);
  const vl = await s.api('GET', `/api/coupons?template_id=${tp.id}&status=voided`, { token: T });
  assert.deepEqual(vl.json.items.map((x) => x.id), [cid]);
  const au = await s.api('GET', `/api/audit?entity=coupon&entity_id=${cid}`, { token: T });
  assert.ok(au.json.items.some((e) => e.action === 'coupon.void'));
});

// ---- batches of printed codes ----

const batchOf = (id, token = T) => s.api('GET', `/api/coupon-batches/${id}`, { token });
const waitBatch = (id) => poll(() => batchOf(id), (r) => r.json?.status !== 'running', { timeout: 120_000, interval: 200, what: `batch ${id}` });
function parseCsv(text) {
  const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
  const cells = (l) => [...l.matchAll(/"((?:[^"]|"")*)"|([^,]+)|(?<=,|^)(?=,|$)/g)].map((m) => (m[1] ?? m[2] ?? '').replace(/""/g, '"'));
  return { head: cells(lines[0]), rows: lines.slice(1).map(cells) };
}

test('a batch of printed codes: progress, then the printer\'s file; a member claims one', async (t) => {
  const tp = (await createTpl(cash({ name: '印刷券, "A"', quantity: 5000, per_member_limit: 1 }))).json;
  const r = await s.api('POST', `${P}/${tp.id}/batches`, { token: tok['lumina.mgr'], body: { quantity: 3000 } });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.status, 'running');
  assert.equal(r.json.quantity, 3000);
  const seen = [];
  const done = await poll(() => batchOf(r.json.id), (x) => { seen.push(x.json.done); return x.json.status !== 'running'; }, { timeout: 60_000, interval: 20 });
  assert.equal(done.json.status, 'done', done.text);
  assert.equal(done.json.done, 3000);
  assert.ok(done.json.finished_at >= done.json.created_at);
  assert.ok(seen.every((v, i) => i === 0 || v >= seen[i - 1]), 'progress only grows');
  const g = (await getTpl(tp.id)).json;
  assert.equal(g.issued, 3000);
  assert.equal(g.remaining, 2000);
  const list = await s.api('GET', `${P}/${tp.id}/batches`, { token: T });
  assert.deepEqual(list.json.items.map((x) => x.id), [r.json.id]);
  // the file
  const f = await s.api('GET', `/api/coupon-batches/${r.json.id}/codes.csv`, { token: T });
  assert.equal(f.status, 200, f.text.slice(0, 200));
  assert.match(f.headers['content-type'], /^text\/csv/);
  assert.match(f.headers['content-disposition'], /coupon-batch-\d+\.csv/);
  const csv = parseCsv(f.text);
  assert.deepEqual(csv.head, ['code', 'template_id', 'template_name', 'valid_from', 'valid_to', 'valid_days', 'claim_url']);
  assert.equal(csv.rows.length, 3000);
  const codes = new Set(csv.rows.map((x) => x[0]));
  assert.equal(codes.size, 3000, 'codes are unique');
  for (const row of csv.rows.slice(0, 50)) {
    assert.match(row[0], /^[2-9A-HJ-NP-Z]{12}$/);
    assert.equal(row[2], '印刷券, "A"', 'names with commas and quotes survive');
    assert.equal(row[3], '', 'N days from the claim: no dates before the claim');
    assert.equal(row[5], '30');
    assert.ok(row[6].endsWith(`/m/#/wallet?code=${row[0]}`), row[6]);
  }
  const au = await s.api('GET', `/api/audit?entity=coupon_batch&entity_id=${r.json.id}`, { token: T });
  assert.deepEqual(au.json.items.map((e) => e.action).sort(), ['coupon_batch.create', 'coupon_batch.download']);
  // the batch's coupons have no member until claimed
  const cl = await s.api('GET', `/api/coupons?batch_id=${r.json.id}&limit=1`, { token: T });
  assert.equal(cl.json.total, 3000);
  assert.equal(cl.json.items[0].member_id, null);
  assert.equal(cl.json.items[0].source, 'batch');
  assert.equal(cl.json.items[0].valid_to, null);

  // a member claims a printed code (typed in lower case with spaces)
  const [m, n] = await newMembers(2);
  const code = csv.rows[7][0];
  const typed = `${code.slice(0, 4)} ${code.slice(4, 8)}-${code.slice(8)}`.toLowerCase();
  const c = await s.api('POST', '/api/member/coupons', { token: m.token, body: { code: typed } });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.code, code);
  assert.equal(c.json.status, 'issued');
  assert.equal(c.json.source, 'batch');
  assert.ok(c.json.valid_from >= Date.now() - 60_000);
  assert.ok(c.json.valid_to > Date.now() + 29 * DAY && c.json.valid_to < Date.now() + 31 * DAY, 'N days from the claim');
  await errorTable(t, s, m.token, [
    ['the same code again', 'POST', '/api/member/coupons', { code }, 409, 'code'],
    ['another member, a taken code', 'POST', '/api/member/coupons', { code }, 409, 'code', { token: n.token }],
    ['over the per-member limit with a second code', 'POST', '/api/member/coupons', { code: csv.rows[8][0] }, 422, 'limit'],
    ['a code that does not exist', 'POST', '/api/member/coupons', { code: '23456789ABCD' }, 404, 'code'],
    ['a malformed code', 'POST', '/api/member/coupons', { code: 'O0I1-XYZ' }, 400, 'code'],
    ['a code too long', 'POST', '/api/member/coupons', { code: 'A'.repeat(41) }, 400, 'code'],
    ['a code a number', 'POST', '/api/member/coupons', { code: 1234 }, 400, 'code'],
    ['both code and template', 'POST', '/api/member/coupons', { code, template_id: tp.id }, 400, 'code'],
    ['neither', 'POST', '/api/member/coupons', {}, 400, 'template_id'],
    ['not a member session', 'POST', '/api/member/coupons', { code }, 401, undefined, { token: T }],
  ]);
  // a voided code cannot be claimed
  const vid = (await s.api('GET', `/api/coupons?batch_id=${r.json.id}&code=${csv.rows[9][0]}`, { token: T })).json.items[0].id;
  await s.api('POST', `/api/coupons/${vid}/void`, { token: T, body: { reason: '印刷损坏' } });
  await expectError(await s.api('POST', '/api/member/coupons', { token: n.token, body: { code: csv.rows[9][0] } }), 422, 'code');
  // claimed event
  const ev = await sqlite(s, `SELECT count(*) FROM events WHERE kind = 'coupon.claimed' AND member_id = ${m.id}`);
  assert.equal(ev.trim(), '1');
});

test('batches: reservation, bad input, scope, the file only when done', async (t) => {
  const tp = (await createTpl(cash({ name: '限量印刷', quantity: 100 }))).json;
  const b = await s.api('POST', `${P}/${tp.id}/batches`, { token: T, body: { quantity: 80 } });
  assert.equal(b.status, 202, b.text);
  await expectError(await s.api('POST', `${P}/${tp.id}/batches`, { token: T, body: { quantity: 30 } }), 422, 'quantity');
  await waitBatch(b.json.id);
  assert.equal((await getTpl(tp.id)).json.remaining, 20);
  const big = (await createTpl(cash({ name: '大批量', quantity: null }))).json;
  const running = await s.api('POST', `${P}/${big.id}/batches`, { token: T, body: { quantity: 60000 } });
  assert.equal(running.status, 202);
  await expectError(await s.api('GET', `/api/coupon-batches/${running.json.id}/codes.csv`, { token: T }), 409, 'id');
  await errorTable(t, s, T, [
    ['no quantity', 'POST', `${P}/${tp.id}/batches`, {}, 400, 'quantity'],
    ['quantity 0', 'POST', `${P}/${tp.id}/batches`, { quantity: 0 }, 400, 'quantity'],
    ['quantity over 5,000,000', 'POST', `${P}/${tp.id}/batches`, { quantity: 5000001 }, 400, 'quantity'],
    ['quantity a string', 'POST', `${P}/${tp.id}/batches`, { quantity: '10' }, 400, 'quantity'],
    ['unknown field', 'POST', `${P}/${tp.id}/batches`, { quantity: 1, prefix: 'A' }, 400, 'prefix'],
    ['malformed', 'POST', `${P}/${tp.id}/batches`, '{"quantity":', 400, null],
    ['unknown template', 'POST', `${P}/999999/batches`, { quantity: 1 }, 404, 'id'],
    ['staff', 'POST', `${P}/${tp.id}/batches`, { quantity: 1 }, 403, undefined, { token: tok.ba001 }],
    ['the other brand\'s manager', 'POST', `${P}/${tp.id}/batches`, { quantity: 1 }, 403, undefined, { token: tok['qinghe.mgr'] }],
    ['another tenant', 'POST', `${P}/${tp.id}/batches`, { quantity: 1 }, 404, 'id', { token: tok.foreign }],
    ['unknown batch', 'GET', '/api/coupon-batches/999999', undefined, 404, 'id'],
    ['batch of another tenant', 'GET', `/api/coupon-batches/${b.json.id}`, undefined, 404, 'id', { token: tok.foreign }],
    ['file of another tenant', 'GET', `/api/coupon-batches/${b.json.id}/codes.csv`, undefined, 404, 'id', { token: tok.foreign }],
    ['file for staff', 'GET', `/api/coupon-batches/${b.json.id}/codes.csv`, undefined, 403, undefined, { token: tok.ba001 }],
    ['file for the other brand', 'GET', `/api/coupon-batches/${b.json.id}/codes.csv`, undefined, 403, undefined, { token: tok['qinghe.mgr'] }],
  ]);
  await waitBatch(running.json.id);
  // an archived template makes no more codes
  await s.api('DELETE', `${P}/${tp.id}`, { token: T });
  await expectError(await s.api('POST', `${P}/${tp.id}/batches`, { token: T, body: { quantity: 1 } }), 422, 'id');
});

test('a batch survives kill -9: it resumes where it stopped, every code once', async () => {
  const tp = (await createTpl(cash({ name: '断电续作', quantity: null }))).json;
  const b = await s.api('POST', `${P}/${tp.id}/batches`, { token: T, body: { quantity: 80000 } });
  assert.equal(b.status, 202, b.text);
  await poll(() => batchOf(b.json.id), (x) => x.json.done > 0, { timeout: 30_000, interval: 20 });
  await s.restart();
  T = await s.token('admin');
  tok.admin = T;
  for (const l of ['lumina.mgr', 'qinghe.mgr', 'ba001']) tok[l] = await s.token(l);
  const done = await waitBatch(b.json.id);
  assert.equal(done.json.status, 'done', done.text);
  assert.equal(done.json.done, 80000);
  const n = (await sqlite(s, `SELECT count(*) || ' ' || count(DISTINCT code) FROM coupons WHERE batch_id = ${b.json.id}`)).trim();
  assert.equal(n, '80000 80000');
  assert.equal((await getTpl(tp.id)).json.issued, 80000);
  const f = await s.api('GET', `/api/coupon-batches/${b.json.id}/codes.csv`, { token: T });
  assert.equal(f.status, 200);
  assert.equal(parseCsv(f.text).rows.length, 80000);
});

// ---- the member's side ----

test('claim a campaign\'s template: admission, quantity, limits, wallet, QR', async (t) => {
  const camp = await liveCampaign(s, T, { name: '回店礼', global_limit: 100 });
  const tpl = (await createTpl(cash({ name: '回店 10 元', value_fen: 1000, min_spend_fen: 0, campaign_id: camp.id, quantity: 10, store_ids: [1, 9] }))).json;
  const [m, n] = await newMembers(2);
  const tp = await s.api('POST', '/api/touchpoints', { token: T, body: { name: '柜台码', brand_id: 1, channel: 'counter', staff_id: 1, campaign_id: camp.id } });
  assert.equal(tp.status, 201, tp.text);
  // the scan landing knows the campaign
  const ctx = await s.api('GET', `/api/member/touchpoint/${tp.json.code}`);
  assert.equal(ctx.json.campaign_id, camp.id);
  const r = await s.api('POST', '/api/member/coupons', { token: m.token, body: { template_id: tpl.id, touchpoint_code: tp.json.code } });
  assert.equal(r.status, 201, r.text);
  const c = r.json;
  assert.equal(c.status, 'issued');
  assert.equal(c.source, 'claim');
  assert.equal(c.template_id, tpl.id);
  assert.equal(c.name, '回店 10 元');
  assert.equal(c.value_fen, 1000);
  assert.equal(c.campaign_id, camp.id);
  assert.equal(c.campaign_name, '回店礼');
  assert.deepEqual(c.valid_stores.map((x) => x.id), [1, 9]);
  assert.ok(c.valid_stores[0].address !== undefined);
  assert.equal(c.store_count, 2);
  assert.deepEqual(c.valid_brands.map((x) => x.id), [1]);
  assert.equal(c.qr_url, `/api/member/coupons/${c.id}/qr.svg`);
  // the campaign counted the use and its cost
  const cg = (await s.api('GET', `/api/campaigns/${camp.id}`, { token: T })).json;
  assert.equal(cg.used_count, 1);
  assert.equal(cg.spent_fen, 1000);
  // attribution: the touchpoint's store and staff on the coupon and the event
  const ev = (await sqlite(s, `SELECT store_id || ' ' || staff_id || ' ' || campaign_id FROM events WHERE kind = 'coupon.claimed' AND member_id = ${m.id}`)).trim();
  assert.equal(ev, `1 1 ${camp.id}`);
  // wallet
  const w = await s.api('GET', '/api/member/coupons', { token: m.token });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.json.total, 1);
  assert.deepEqual(w.json.counts, { issued: 1, redeemed: 0, expired: 0 });
  assert.equal(w.json.items[0].code, c.code);
  // QR of the code
  const q = await s.api('GET', c.qr_url, { token: m.token });
  assert.equal(q.status, 200);
  assert.match(q.headers['content-type'], /image\/svg\+xml/);
  assert.match(q.text, /<svg/);
  assert.ok(q.text.includes(`${c.code.slice(0, 4)} ${c.code.slice(4, 8)} ${c.code.slice(8)}`), 'the code is printed under the QR');
  await expectError(await s.api('GET', c.qr_url, { token: n.token }), 404, 'id');
  await expectError(await s.api('GET', '/api/member/coupons/999999/qr.svg', { token: m.token }), 404, 'id');
  await expectError(await s.api('GET', c.qr_url, { token: T }), 401);
  await errorTable(t, s, m.token, [
    ['over the per-member limit', 'POST', '/api/member/coupons', { template_id: tpl.id }, 422, 'limit'],
    ['unknown template', 'POST', '/api/member/coupons', { template_id: 999999 }, 404, 'template_id'],
    ['template_id a string', 'POST', '/api/member/coupons', { template_id: '1' }, 400, 'template_id'],
    ['template_id 0', 'POST', '/api/member/coupons', { template_id: 0 }, 400, 'template_id'],
    ['forged touchpoint code', 'POST', '/api/member/coupons', { template_id: tpl.id, touchpoint_code: 'ZZZZZZZZZZZZ' }, 400, 'touchpoint_code'],
    ['touchpoint code a number', 'POST', '/api/member/coupons', { template_id: tpl.id, touchpoint_code: 5 }, 400, 'touchpoint_code'],
    ['unknown field', 'POST', '/api/member/coupons', { template_id: tpl.id, qty: 2 }, 400, 'qty'],
    ['malformed JSON', 'POST', '/api/member/coupons', '{"template_id":', 400, null],
    ['array body', 'POST', '/api/member/coupons', [tpl.id], 400, null],
    ['no session', 'POST', '/api/member/coupons', { template_id: tpl.id }, 401, undefined, { token: null }],
    ['wallet bad status', 'GET', '/api/member/coupons?status=lost', undefined, 400, 'status'],
    ['wallet bad limit', 'GET', '/api/member/coupons?limit=-1', undefined, 400, 'limit'],
  ]);
});

test('claims refused by the campaign and the template', async (t) => {
  const [m] = await newMembers(1);
  const claim = (template_id, token = m.token) => s.api('POST', '/api/member/coupons', { token, body: { template_id } });
  // not claimable (a prize)
  const prize = (await createTpl({ brand_id: 1, name: '奖品券', kind: 'prize', gift_name: '杯子', validity: 'relative', valid_days: 3 })).json;
  await expectError(await claim(prize.id), 422, 'template_id');
  // expired: a fixed window that has ended
  const now = Date.now();
  const exp = (await createTpl(cash({ name: '已过期', validity: 'fixed', valid_days: undefined, valid_from: now, valid_to: now + DAY }))).json;
  await sqlite(s, `UPDATE coupon_templates SET valid_from = ${now - 2 * DAY}, valid_to = ${now - DAY} WHERE id = ${exp.id}`);
  await expectError(await claim(exp.id), 422, 'template_id');
  // archived
  const arch = (await createTpl(cash({ name: '已归档' }))).json;
  await s.api('DELETE', `${P}/${arch.id}`, { token: T });
  await expectError(await claim(arch.id), 422, 'template_id');
  // quantity exhausted
  const one = (await createTpl(cash({ name: '只有一张', quantity: 1 }))).json;
  const [other] = await newMembers(1);
  assert.equal((await claim(one.id, other.token)).status, 201);
  await expectError(await claim(one.id), 422, 'template_id');
  // campaign paused, then its global limit, then target tags
  const camp = await liveCampaign(s, T, { name: '限额活动', global_limit: 1 });
  const ct = (await createTpl(cash({ name: '活动券', campaign_id: camp.id, per_member_limit: null }))).json;
  await s.api('POST', `/api/campaigns/${camp.id}/pause`, { token: T });
  await expectError(await claim(ct.id), 422, 'campaign_id');
  await s.api('POST', `/api/campaigns/${camp.id}/resume`, { token: T });
  assert.equal((await claim(ct.id)).status, 201);
  await expectError(await claim(ct.id), 422, 'limit');
  const tag = await s.api('POST', '/api/tags', { token: T, body: { name: `VIP${Date.now() % 100000}`, kind: 'manual' } });
  const vip = await liveCampaign(s, T, { name: '会员专享', target_tag_ids: [tag.json.id] });
  const vt = (await createTpl(cash({ name: '专享券', campaign_id: vip.id }))).json;
  await expectError(await claim(vt.id), 403, 'member');
  await s.api('POST', `/api/tags/${tag.json.id}/members`, { token: T, body: { member_ids: [m.id] } });
  assert.equal((await claim(vt.id)).status, 201);
  // a failed claim used nothing of the campaign
  const vc = (await s.api('GET', `/api/campaigns/${vip.id}`, { token: T })).json;
  assert.equal(vc.used_count, 1);
  // wrong brand: a template cannot join another brand's campaign
  const q = await liveCampaign(s, T, { brand_id: 2, name: '青禾活动' });
  await expectError(await createTpl(cash({ campaign_id: q.id })), 400, 'campaign_id');
  // another tenant's member cannot claim our template
  const fm = await memberLogin(s, '13812340000', { enterpriseId: F.enterpriseId });
  assert.equal(fm.status, 200, fm.text);
  await expectError(await claim(ct.id, fm.json.token), 404, 'template_id');
  assert.equal((await s.api('GET', `/api/coupons?member_id=${fm.json.member.id}`, { token: T })).json.total, 0);
  assert.equal((await s.api('GET', '/api/member/coupons', { token: fm.json.token })).json.total, 0);
});

test('expired coupons show and count as expired in the wallet and the console', async () => {
  const [m] = await newMembers(1);
  const now = Date.now();
  const tpl = (await createTpl(cash({ name: '将过期', validity: 'fixed', valid_days: undefined, valid_from: now, valid_to: now + DAY }))).json;
  const c = (await s.api('POST', '/api/member/coupons', { token: m.token, body: { template_id: tpl.id } })).json;
  await sqlite(s, `UPDATE coupons SET valid_to = ${now - 1000} WHERE id = ${c.id}`);
  const w = await s.api('GET', '/api/member/coupons', { token: m.token });
  assert.equal(w.json.items[0].status, 'expired');
  assert.deepEqual(w.json.counts, { issued: 0, redeemed: 0, expired: 1 });
  const only = await s.api('GET', '/api/member/coupons?status=expired', { token: m.token });
  assert.equal(only.json.total, 1);
  const none = await s.api('GET', '/api/member/coupons?status=issued', { token: m.token });
  assert.equal(none.json.total, 0);
  const admin = await s.api('GET', `/api/coupons?member_id=${m.id}&status=expired`, { token: T });
  assert.deepEqual(admin.json.items.map((x) => x.id), [c.id]);
});

test('the campaign landing: claimable templates with what is left, prizes, samples, events', async (t) => {
  const camp = await liveCampaign(s, T, { name: '落地页活动', description: '扫码领券' });
  const a = (await createTpl(cash({ name: '落地甲', campaign_id: camp.id, quantity: 2 }))).json;
  const b = (await createTpl({ brand_id: 1, name: '落地乙', kind: 'discount', discount_pct: 80, validity: 'relative', valid_days: 7, campaign_id: camp.id })).json;
  await createTpl({ brand_id: 1, name: '落地奖品', kind: 'prize', gift_name: '杯', validity: 'relative', valid_days: 7, campaign_id: camp.id });
  const anon = await s.api('GET', `/api/member/campaigns/${camp.id}`);
  assert.equal(anon.status, 200, anon.text);
  const L = anon.json;
  assert.equal(L.name, '落地页活动');
  assert.equal(L.status_now, 'live');
  assert.ok(L.brand.name);
  assert.match(L.seed_commitment, /^[0-9a-f]{64}$/);
  assert.deepEqual(L.coupons.map((x) => x.id), [a.id, b.id], 'claimable ones only');
  assert.equal(L.coupons[0].remaining, 2);
  assert.equal(L.coupons[1].remaining, null);
  assert.equal(L.coupons[0].can_claim, true);
  assert.ok(!('held' in L.coupons[0]), 'nothing personal without a member');
  assert.deepEqual(L.prizes, []);
  assert.deepEqual(L.samples, []);
  assert.deepEqual(L.events, []);
  // other modules' rows for the campaign are listed read-only
  const now = Date.now();
  await sqlite(s, `INSERT INTO lottery_prizes (enterprise_id, campaign_id, name, stock, remaining, weight, fulfilment, created_at, updated_at) VALUES (1, ${camp.id}, '一等奖 保温杯', 5, 0, 1, 'counter', ${now}, ${now});
    INSERT INTO sample_offers (enterprise_id, brand_id, campaign_id, name, stock, remaining, shipping_fee_fen, created_at, updated_at) VALUES (1, 1, ${camp.id}, '精华试用装', 100, 40, 800, ${now}, ${now});
    INSERT INTO activities (enterprise_id, brand_id, store_id, campaign_id, title, starts_at, ends_at, capacity, created_at, updated_at) VALUES (1, 1, 1, ${camp.id}, '护肤沙龙', ${now + DAY}, ${now + DAY + 7200000}, 20, ${now}, ${now});`);
  const [m, n] = await newMembers(2);
  await s.api('POST', '/api/member/coupons', { token: m.token, body: { template_id: a.id } });
  await s.api('POST', '/api/member/coupons', { token: n.token, body: { template_id: a.id } });
  const signed = (await s.api('GET', `/api/member/campaigns/${camp.id}`, { token: m.token })).json;
  assert.equal(signed.coupons[0].remaining, 0);
  assert.equal(signed.coupons[0].held, 1);
  assert.equal(signed.coupons[0].can_claim, false);
  assert.equal(signed.coupons[1].held, 0);
  assert.equal(signed.coupons[1].can_claim, true);
  assert.deepEqual(signed.prizes.map((x) => [x.name, x.available]), [['一等奖 保温杯', false]]);
  assert.equal(signed.samples[0].remaining, 40);
  assert.equal(signed.samples[0].shipping_fee_fen, 800);
  assert.equal(signed.events[0].title, '护肤沙龙');
  assert.equal(signed.events[0].store.id, 1);
  assert.equal(signed.events[0].registered, 0);
  // paused: nothing can be claimed
  await s.api('POST', `/api/campaigns/${camp.id}/pause`, { token: T });
  const paused = (await s.api('GET', `/api/member/campaigns/${camp.id}`)).json;
  assert.equal(paused.status_now, 'paused');
  assert.ok(paused.coupons.every((x) => x.can_claim === false));
  // drafts and unknown ids are not found
  const draft = await s.api('POST', '/api/campaigns', { token: T, body: { brand_id: 1, name: '草稿', starts_at: now, ends_at: now + DAY } });
  await errorTable(t, s, null, [
    ['a draft', 'GET', `/api/member/campaigns/${draft.json.id}`, undefined, 404, 'id'],
    ['unknown', 'GET', '/api/member/campaigns/999999', undefined, 404, 'id'],
    ['not a number', 'GET', '/api/member/campaigns/abc', undefined, 404],
  ]);
});

test('concurrency: 40 members race for the last 5 units from 40 connections: exactly 5 issued', async () => {
  const camp = await liveCampaign(s, T, { name: '抢券' });
  const tpl = (await createTpl(cash({ name: '最后五张', quantity: 25, campaign_id: camp.id }))).json;
  const early = await newMembers(20);
  for (const m of early) assert.equal((await s.api('POST', '/api/member/coupons', { token: m.token, body: { template_id: tpl.id } })).status, 201);
  const racers = await newMembers(40);
  const answers = await Promise.all(racers.map((m) => request(s.url, 'POST', '/api/member/coupons', {
    token: m.token, body: { template_id: tpl.id }, agent: false,
  })));
  const won = answers.filter((r) => r.status === 201);
  const lost = answers.filter((r) => r.status !== 201);
  assert.equal(won.length, 5, answers.map((r) => r.status).join());
  for (const r of lost) await expectError(r, 422, 'template_id');
  assert.equal(new Set(won.map((r) => r.json.code)).size, 5);
  const g = (await getTpl(tpl.id)).json;
  assert.equal(g.issued, 25);
  assert.equal(g.remaining, 0);
  const rows = (await sqlite(s, `SELECT count(*) FROM coupons WHERE template_id = ${tpl.id}`)).trim();
  assert.equal(rows, '25', 'never more coupons than the quantity');
  const cg = (await s.api('GET', `/api/campaigns/${camp.id}`, { token: T })).json;
  assert.equal(cg.used_count, 25, 'refused claims used nothing of the campaign');
  // and the same member racing itself from 10 connections gets one (per-member limit 1)
  const tpl2 = (await createTpl(cash({ name: '一人一张' }))).json;
  const [solo] = await newMembers(1);
  const mine = await Promise.all(Array.from({ length: 10 }, () => request(s.url, 'POST', '/api/member/coupons', {
    token: solo.token, body: { template_id: tpl2.id }, agent: false,
  })));
  assert.equal(mine.filter((r) => r.status === 201).length, 1, mine.map((r) => r.status).join());
});
