// coupons.test.mjs — coupons (SPEC §3.5): templates (kinds, validity, where
// valid, quantity, per-member limit, claimable), frozen terms once issued,
// archive; brand managers only for their brands, staff never write, another
// tenant's ids are 404 and its brands/stores are refused by field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectError, errorTable, memberLogin, DEMO } from '../lib/server.mjs';

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
