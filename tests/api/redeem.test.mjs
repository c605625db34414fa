// redeem.test.mjs — counter redemption (核销), SPEC §2 step 5, §3.5, §4.2:
// staff verify the person (member QR, phone + SMS code) or read a coupon's
// code, see what the person holds judged for their counter, redeem one; every
// refusal names its field and says why (expired, not yet valid, already
// redeemed when and where, voided, wrong store, wrong brand, another tenant,
// unknown or malformed code, not this member's, below the minimum spend);
// a coupon is redeemed at most once under concurrency (exactly one 201);
// undo within the enterprise's window restores exactly one coupon, once, by
// the same store's staff or a manager; staff hand out coupons at the
// counter; today's list for the store and the admin list with filters and
// totals, phones masked; the undo-window setting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectError, errorTable, counterCode, sqlite, request, DEMO } from '../lib/server.mjs';
import { couponTemplate, member, liveCampaign, DAY } from '../lib/rewards.mjs';

let s, T, F, tok;
before(async () => {
  s = await startServer();
  F = s.foreign;
  T = await s.token('admin');
  tok = {};
  // ba001/ba002 store 1 (both brands), ba003 store 2 (both), ba017 store 9 (Lumina only), ba029 store 15 (Qinghe only)
  for (const l of ['lumina.mgr', 'qinghe.mgr', 'ba001', 'ba002', 'ba003', 'ba017', 'ba029']) tok[l] = await s.token(l);
  await fixtures();
});
after(async () => { await s?.stop(); });

const W = '/api/counter/wallet';
const R = '/api/counter/redemptions';
const wallet = (token, q) => s.api('GET', `${W}?${new URLSearchParams(q)}`, { token });
const redeem = (token, body) => s.api('POST', R, { token, body });
const undo = (token, id, reason = '顾客取消') => s.api('POST', `/api/redemptions/${id}/undo`, { token, body: { reason } });
const sql = async (q) => (await sqlite(s, q)).trim();
const couponStatus = async (id) => sql(`SELECT status FROM coupons WHERE id = ${id}`);

/** Issue one coupon of template tpl to member m (admin console issue): {id, code}. */
async function give(tpl, m) {
  const r = await s.api('POST', `/api/coupon-templates/${tpl.id}/issue`, { token: T, body: { member_ids: [m.id] } });
  assert.equal(r.status, 200, r.text);
  const x = r.json.results[0];
  assert.equal(x.status, 'issued', JSON.stringify(x));
  return { id: x.coupon_id, code: x.code };
}

/** The member QR text a member's own page shows. */
async function memberQr(m) {
  const me = await s.api('GET', '/api/member/me', { token: m.token });
  assert.equal(me.status, 200, me.text);
  assert.ok(me.json.member_code, me.text);
  return `HHM:${me.json.member_code}`;
}

let P1, P2, P3, qr1, qr2;
const tpl = {};
const foreign = {};
async function fixtures() {
  P1 = await member(s, '13911110001');
  P2 = await member(s, '13911110002');
  P3 = await member(s, '13911110003');
  qr1 = await memberQr(P1);
  qr2 = await memberQr(P2);
  const unlimited = { per_member_limit: null };
  tpl.lumina = await couponTemplate(s, T, { name: '澄光 10 元券', ...unlimited });
  tpl.qinghe = await couponTemplate(s, T, { brand_id: 2, name: '青禾 10 元券', ...unlimited });
  tpl.store2 = await couponTemplate(s, T, { name: '仅限 2 号店', store_ids: [2], ...unlimited });
  tpl.both = await couponTemplate(s, T, { name: '两个品牌通用', brand_ids: [1, 2], ...unlimited });
  const now = Date.now();
  tpl.future = await couponTemplate(s, T, { name: '明天起', validity: 'fixed', valid_days: undefined, valid_from: now + DAY, valid_to: now + 3 * DAY, ...unlimited });
  tpl.min = await couponTemplate(s, T, { name: '满 50 减 10', min_spend_fen: 5000, ...unlimited });
  tpl.gift = await couponTemplate(s, T, { name: '到店礼', kind: 'gift', gift_name: '旅行装', value_fen: undefined, ...unlimited });
  tpl.prize = await couponTemplate(s, T, { name: '一等奖', kind: 'prize', gift_name: '香薰', value_fen: undefined, ...unlimited });
  // another tenant: a member with a coupon of its own brand
  foreign.member = await member(s, '13911119001', { enterpriseId: F.enterpriseId });
  foreign.qr = await memberQr(foreign.member);
  foreign.tpl = await couponTemplate(s, F.token, { brand_id: F.brandId, name: '外部券', per_member_limit: null });
  const fi = await s.api('POST', `/api/coupon-templates/${foreign.tpl.id}/issue`, { token: F.token, body: { member_ids: [foreign.member.id] } });
  assert.equal(fi.status, 200, fi.text);
  foreign.couponId = fi.json.results[0].coupon_id;
  foreign.code = fi.json.results[0].code;
}

// ---------------------------------------------------------------- wallet

test('wallet by member QR: the person masked, usable coupons first, the others with the reason', async () => {
  const a = await give(tpl.lumina, P1);
  const q = await give(tpl.qinghe, P1);
  const st2 = await give(tpl.store2, P1);
  const fu = await give(tpl.future, P1);
  const ex = await give(tpl.lumina, P1);
  await sql(`UPDATE coupons SET valid_to = ${Date.now() - 60_000} WHERE id = ${ex.id}`);
  const vo = await give(tpl.lumina, P1);
  assert.equal((await s.api('POST', `/api/coupons/${vo.id}/void`, { token: T, body: { reason: '发错了' } })).status, 200);
  const other = await give(tpl.lumina, P2); // someone else's

  const r = await wallet(tok.ba001, { member_code: qr1 });
  assert.equal(r.status, 200, r.text);
  const w = r.json;
  assert.equal(w.via, 'member_qr');
  assert.equal(w.person.id, P1.id);
  assert.equal(w.person.phone_masked, '139****0001');
  assert.ok(!r.text.includes('13911110001'), 'no full phone');
  assert.equal(w.store_id, 1);
  const by = Object.fromEntries(w.coupons.map((c) => [c.id, c]));
  assert.ok(!by[other.id], "another member's coupon is not listed");
  assert.equal(by[a.id].usable, true);
  assert.equal(by[q.id].usable, true, 'store 1 sells Qinghe too');
  assert.equal(by[st2.id].reason.code, 'wrong_store');
  assert.equal(by[fu.id].reason.code, 'not_yet_valid');
  assert.equal(by[ex.id].reason.code, 'expired');
  assert.equal(by[vo.id].reason.code, 'voided');
  assert.match(by[vo.id].reason.message, /作废/);
  assert.equal(by[a.id].code, undefined, 'codes are masked in a member lookup');
  assert.match(by[a.id].code_masked, new RegExp(`${a.code.slice(-4)}$`));
  // usable first
  const firstUnusable = w.coupons.findIndex((c) => !c.usable);
  assert.ok(w.coupons.slice(firstUnusable).every((c) => !c.usable), 'usable ones first');
  assert.equal(w.usable_count, firstUnusable);

  // the same wallet judged at a Lumina-only counter: the Qinghe coupon is the wrong brand
  const r9 = await wallet(tok.ba017, { member_code: qr1 });
  const q9 = r9.json.coupons.find((c) => c.id === q.id);
  assert.equal(q9.usable, false);
  assert.equal(q9.reason.code, 'wrong_brand');
  assert.match(q9.reason.message, /青禾/);
  // …and the store-2 coupon is fine at store 2
  const r2 = await wallet(tok.ba003, { member_code: qr1 });
  assert.equal(r2.json.coupons.find((c) => c.id === st2.id).usable, true);
  // English
  const en = await s.api('GET', `${W}?member_code=${encodeURIComponent(qr1)}`, { token: tok.ba017, headers: { 'accept-language': 'en' } });
  assert.match(en.json.coupons.find((c) => c.id === q.id).reason.message, /counters only/);
});

test('wallet by coupon code: typed any way; the coupon and its holder; unknown, malformed and foreign codes', async (t) => {
  const c = await give(tpl.lumina, P2);
  const spaced = `${c.code.slice(0, 4).toLowerCase()} ${c.code.slice(4, 8)}-${c.code.slice(8)}`;
  for (const text of [c.code, spaced, `HHC:${c.code}`]) {
    const r = await wallet(tok.ba001, { code: text });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.via, 'coupon_code');
    assert.equal(r.json.coupons.length, 1);
    assert.equal(r.json.coupons[0].id, c.id);
    assert.equal(r.json.coupons[0].code, c.code, 'the code is shown when looked up by it');
    assert.equal(r.json.person.id, P2.id);
  }
  await errorTable(t, s, tok.ba001, [
    ['neither', 'GET', W, undefined, 400, 'member_code'],
    ['both', 'GET', `${W}?member_code=${encodeURIComponent(qr1)}&code=${c.code}`, undefined, 400, 'code'],
    ['malformed code', 'GET', `${W}?code=ABC`, undefined, 400, 'code'],
    ['code with 0 and 1', 'GET', `${W}?code=000011112222`, undefined, 400, 'code'],
    ['unknown code', 'GET', `${W}?code=ZZZZZZZZZZZZ`, undefined, 404, 'code'],
    ['forged member code', 'GET', `${W}?member_code=${encodeURIComponent(qr1.slice(0, -1) + (qr1.endsWith('A') ? 'B' : 'A'))}`, undefined, 400, 'member_code'],
    ['garbage member code', 'GET', `${W}?member_code=${encodeURIComponent('HHM:<script>')}`, undefined, 400, 'member_code'],
    ['store_id of staff elsewhere', 'GET', `${W}?code=${c.code}&store_id=2`, undefined, 403, 'store_id'],
    ['store_id not a number', 'GET', `${W}?code=${c.code}&store_id=x`, undefined, 400, 'store_id'],
    ['manager, foreign store', 'GET', `${W}?code=${c.code}&store_id=${F.storeId}`, undefined, 404, 'store_id', { token: T }],
    ['Qinghe manager, Lumina-only store', 'GET', `${W}?code=${c.code}&store_id=9`, undefined, 403, 'store_id', { token: tok['qinghe.mgr'] }],
    ['no token', 'GET', `${W}?code=${c.code}`, undefined, 401, undefined, { token: null }],
    ['member token', 'GET', `${W}?code=${c.code}`, undefined, 401, undefined, { token: P1.token }],
  ]);
  // another tenant: its coupon codes and member codes are unknown here
  await expectError(await wallet(tok.ba001, { code: foreign.code }), 404, 'code');
  await expectError(await wallet(tok.ba001, { member_code: foreign.qr }), 404, 'member_code');
  // and the foreign staff cannot read ours
  await expectError(await wallet(await s.token(F.staffLogin), { code: c.code }), 404, 'code');
  // a manager may look without a store (no brand or store rules) or name one
  const m = await wallet(T, { code: c.code });
  assert.equal(m.status, 200, m.text);
  assert.equal(m.json.store_id, null);
  const m9 = await wallet(tok['lumina.mgr'], { code: c.code, store_id: 9 });
  assert.equal(m9.json.store_id, 9);
});

// ------------------------------------------------------------ phone + code

let verification;
test('phone + SMS code: verifies the person, answers the wallet and a verification for this account', async (t) => {
  const c = await give(tpl.lumina, P3);
  const code = await counterCode(s, tok.ba001, '13911110003');
  const bad = await s.api('POST', W, { token: tok.ba001, body: { phone: '13911110003', code: code === '000000' ? '111111' : '000000' } });
  await expectError(bad, 400, 'code');
  const r = await s.api('POST', W, { token: tok.ba001, body: { phone: '13911110003', code } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.via, 'phone_otp');
  assert.equal(r.json.person.id, P3.id);
  assert.ok(r.json.coupons.some((x) => x.id === c.id && x.usable));
  assert.ok(typeof r.json.verification === 'string' && r.json.verification.length > 10);
  assert.ok(r.json.verified_until > Date.now() + 10 * 60_000);
  verification = r.json.verification;
  // the code was used up
  await expectError(await s.api('POST', W, { token: tok.ba001, body: { phone: '13911110003', code } }), 400, 'code');
  // a phone that is not a member: 404 after the code checks out
  const c2 = await counterCode(s, tok.ba001, '13911118888');
  await expectError(await s.api('POST', W, { token: tok.ba001, body: { phone: '13911118888', code: c2 } }), 404, 'phone');
  await errorTable(t, s, tok.ba001, [
    ['no body', 'POST', W, undefined, 400],
    ['not JSON', 'POST', W, '{phone:', 400],
    ['array body', 'POST', W, [1], 400],
    ['no phone', 'POST', W, { code: '123456' }, 400, 'phone'],
    ['phone a number', 'POST', W, { phone: 13911110003, code: '123456' }, 400, 'phone'],
    ['landline', 'POST', W, { phone: '02112345678', code: '123456' }, 400, 'phone'],
    ['code 5 digits', 'POST', W, { phone: '13911110003', code: '12345' }, 400, 'code'],
    ['code letters', 'POST', W, { phone: '13911110003', code: 'abcdef' }, 400, 'code'],
    ['unknown field', 'POST', W, { phone: '13911110003', code: '123456', x: 1 }, 400, 'x'],
    ['store_id elsewhere', 'POST', W, { phone: '13911110003', code: '123456', store_id: 2 }, 403, 'store_id'],
  ]);
});

// ----------------------------------------------------------------- redeem

test('redeem by member QR: 201 with store, staff, time; the coupon is redeemed; event and audit in the same write', async () => {
  const c = await give(tpl.lumina, P1);
  const before = Number(await sql("SELECT count(*) FROM events WHERE kind = 'coupon.redeemed'"));
  const r = await redeem(tok.ba001, { coupon_id: c.id, method: 'member_qr', member_code: qr1, order_amount_fen: 12800 });
  assert.equal(r.status, 201, r.text);
  const x = r.json;
  assert.equal(x.coupon_id, c.id);
  assert.equal(x.store_id, 1);
  assert.equal(x.staff_id, 1);
  assert.equal(x.account_id, DEMO.accounts.ba001);
  assert.equal(x.method, 'member_qr');
  assert.equal(x.member_id, P1.id);
  assert.equal(x.member.phone_masked, '139****0001');
  assert.equal(x.order_amount_fen, 12800);
  assert.equal(x.brand_id, 1);
  assert.ok(Math.abs(x.at - Date.now()) < 60_000);
  assert.equal(x.undo_until, x.at + 30 * 60_000);
  assert.ok(!r.text.includes(c.code), 'the code is masked in the answer');
  assert.equal(await couponStatus(c.id), 'redeemed');
  const row = await sql(`SELECT coupon_id || ',' || store_id || ',' || staff_id || ',' || account_id || ',' || method FROM redemptions WHERE id = ${x.id}`);
  assert.equal(row, `${c.id},1,1,${DEMO.accounts.ba001},member_qr`);
  assert.equal(Number(await sql(`SELECT redemption_id FROM coupons WHERE id = ${c.id}`)), x.id);
  assert.equal(Number(await sql("SELECT count(*) FROM events WHERE kind = 'coupon.redeemed'")), before + 1);
  const ev = JSON.parse(await sql(`SELECT json_object('store', store_id, 'staff', staff_id, 'member', member_id, 'brand', brand_id, 'props', json(props_json)) FROM events WHERE kind = 'coupon.redeemed' ORDER BY id DESC LIMIT 1`));
  assert.deepEqual([ev.store, ev.staff, ev.member, ev.brand], [1, 1, P1.id, 1]);
  assert.equal(ev.props.redemption_id, x.id);
  const audit = await s.api('GET', `/api/audit?entity=redemption&entity_id=${x.id}`, { token: T });
  assert.ok(audit.json.items.some((a) => a.action === 'coupon.redeem'), audit.text);
  // the coupons API agrees
  const cg = await s.api('GET', `/api/coupons/${c.id}`, { token: T });
  assert.equal(cg.json.status, 'redeemed');
  // and again: 409 saying when and where
  const again = await redeem(tok.ba002, { coupon_id: c.id, method: 'member_qr', member_code: qr1 });
  await expectError(again, 409, 'coupon_id', 'conflict');
  assert.match(again.json.error.message, /已于 \d{4}-\d\d-\d\d \d\d:\d\d 在「.+」核销，导购 /);
});

test('redeem by coupon code (also a printed code with no member) and by phone verification', async () => {
  const c = await give(tpl.gift, P2);
  const r = await redeem(tok.ba001, { code: c.code.toLowerCase(), method: 'coupon_code' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.method, 'coupon_code');
  assert.equal(r.json.member_id, P2.id);
  assert.equal(r.json.coupon.gift_name, '旅行装');
  // a code nobody claimed (a printed one): no person, redeemed by its code alone
  const printed = await give(tpl.lumina, P2);
  await sql(`UPDATE coupons SET member_id = NULL WHERE id = ${printed.id}`);
  const pw = await wallet(tok.ba001, { code: printed.code });
  assert.equal(pw.json.person, null);
  assert.equal(pw.json.coupons[0].usable, true);
  const pr = await redeem(tok.ba001, { code: printed.code, method: 'coupon_code' });
  assert.equal(pr.status, 201, pr.text);
  assert.equal(pr.json.member, null);
  assert.equal(pr.json.member_id, null);
  // phone_otp with the verification from the phone check
  const p = await give(tpl.lumina, P3);
  const v = await redeem(tok.ba001, { coupon_id: p.id, method: 'phone_otp', verification });
  assert.equal(v.status, 201, v.text);
  assert.equal(v.json.member_id, P3.id);
  // the verification belongs to ba001's account: a colleague cannot use it
  const p2 = await give(tpl.lumina, P3);
  await expectError(await redeem(tok.ba002, { coupon_id: p2.id, method: 'phone_otp', verification }), 400, 'verification');
  // nor does it cover someone else's coupon
  const o = await give(tpl.lumina, P1);
  await expectError(await redeem(tok.ba001, { coupon_id: o.id, method: 'phone_otp', verification }), 422, 'coupon_id');
  // an edited expiry fails the signature
  const [exp, mac] = verification.split('.');
  await expectError(await redeem(tok.ba001, { coupon_id: p2.id, method: 'phone_otp', verification: `${Number(exp) - 1}.${mac}` }), 400, 'verification');
});

test('refusals: each mechanic names its field and says why; nothing changes', async (t) => {
  const ok = await give(tpl.lumina, P1);
  const expired = await give(tpl.lumina, P1);
  await sql(`UPDATE coupons SET valid_to = ${Date.now() - 1000} WHERE id = ${expired.id}`);
  const future = await give(tpl.future, P1);
  const voided = await give(tpl.lumina, P1);
  await s.api('POST', `/api/coupons/${voided.id}/void`, { token: T, body: { reason: '测试作废' } });
  const store2 = await give(tpl.store2, P1);
  const qinghe = await give(tpl.qinghe, P1);
  const both = await give(tpl.both, P1);
  const min = await give(tpl.min, P1);
  const ofP2 = await give(tpl.lumina, P2);
  const mq = { method: 'member_qr', member_code: qr1 };
  const rows = [
    ['expired', 'POST', R, { coupon_id: expired.id, ...mq }, 422, 'coupon_id'],
    ['expired by code', 'POST', R, { code: expired.code, method: 'coupon_code' }, 422, 'code'],
    ['not yet valid', 'POST', R, { coupon_id: future.id, ...mq }, 422, 'coupon_id'],
    ['voided', 'POST', R, { coupon_id: voided.id, ...mq }, 422, 'coupon_id'],
    ['wrong store', 'POST', R, { coupon_id: store2.id, ...mq }, 422, 'coupon_id'],
    ['wrong brand (Qinghe at a Lumina-only store)', 'POST', R, { coupon_id: qinghe.id, ...mq }, 422, 'coupon_id', { token: tok.ba017 }],
    ['wrong brand (Lumina at a Qinghe-only store)', 'POST', R, { coupon_id: ok.id, ...mq }, 422, 'coupon_id', { token: tok.ba029 }],
    ["another member's coupon", 'POST', R, { coupon_id: ofP2.id, ...mq }, 422, 'coupon_id'],
    ['below the minimum spend', 'POST', R, { coupon_id: min.id, ...mq, order_amount_fen: 4999 }, 422, 'order_amount_fen'],
    ['unknown coupon id', 'POST', R, { coupon_id: 99999999, ...mq }, 404, 'coupon_id'],
    ['unknown code', 'POST', R, { code: 'ZZZZ-ZZZZ-ZZZZ', method: 'coupon_code' }, 404, 'code'],
    ['malformed code', 'POST', R, { code: 'HELLO', method: 'coupon_code' }, 400, 'code'],
    ['coupon_code without code', 'POST', R, { coupon_id: ok.id, method: 'coupon_code' }, 400, 'code'],
    ['member_qr without member_code', 'POST', R, { coupon_id: ok.id, method: 'member_qr' }, 400, 'member_code'],
    ['member_qr with a forged member code', 'POST', R, { coupon_id: ok.id, method: 'member_qr', member_code: 'HHM:1ABCDEFGH' }, 400, 'member_code'],
    ['phone_otp without verification', 'POST', R, { coupon_id: ok.id, method: 'phone_otp' }, 400, 'verification'],
    ['phone_otp with garbage', 'POST', R, { coupon_id: ok.id, method: 'phone_otp', verification: 'x.y' }, 400, 'verification'],
    ['no method', 'POST', R, { coupon_id: ok.id }, 400, 'method'],
    ['unknown method', 'POST', R, { coupon_id: ok.id, method: 'magic' }, 400, 'method'],
    ['method a number', 'POST', R, { coupon_id: ok.id, method: 1 }, 400, 'method'],
    ['neither coupon_id nor code', 'POST', R, { ...mq }, 400, 'coupon_id'],
    ['both coupon_id and code', 'POST', R, { coupon_id: ok.id, code: ok.code, method: 'coupon_code' }, 400, 'code'],
    ['coupon_id a string', 'POST', R, { coupon_id: String(ok.id), ...mq }, 400, 'coupon_id'],
    ['coupon_id 0', 'POST', R, { coupon_id: 0, ...mq }, 400, 'coupon_id'],
    ['coupon_id beyond int64 (not JSON we read)', 'POST', R, { coupon_id: 1e20, ...mq }, 400],
    ['coupon_id fractional', 'POST', R, { coupon_id: 1.5, ...mq }, 400, 'coupon_id'],
    ['order amount negative', 'POST', R, { coupon_id: ok.id, ...mq, order_amount_fen: -1 }, 400, 'order_amount_fen'],
    ['order amount fractional', 'POST', R, { coupon_id: ok.id, ...mq, order_amount_fen: 1.5 }, 400, 'order_amount_fen'],
    ['unknown field', 'POST', R, { coupon_id: ok.id, ...mq, note: 'x' }, 400, 'note'],
    ['malformed JSON', 'POST', R, '{"coupon_id": ', 400],
    ['not an object', 'POST', R, '"redeem"', 400],
    ['text/plain', 'POST', R, 'x', 415, undefined, { headers: { 'content-type': 'text/plain' } }],
    ['staff at another store', 'POST', R, { coupon_id: ok.id, ...mq, store_id: 2 }, 403, 'store_id'],
    ['manager without a store', 'POST', R, { coupon_id: ok.id, ...mq }, 400, 'store_id', { token: T }],
    ['manager, unknown store', 'POST', R, { coupon_id: ok.id, ...mq, store_id: 99999 }, 404, 'store_id', { token: T }],
    ['Qinghe manager, Lumina coupon at a shared store', 'POST', R, { coupon_id: ok.id, ...mq, store_id: 1 }, 403, 'coupon_id', { token: tok['qinghe.mgr'] }],
    ['another tenant\'s coupon id', 'POST', R, { coupon_id: foreign.couponId, ...mq }, 404, 'coupon_id'],
    ['foreign staff, our coupon id', 'POST', R, { coupon_id: ok.id, method: 'member_qr', member_code: foreign.qr }, 404, 'coupon_id', { token: await s.token(F.staffLogin) }],
    ['foreign staff, our code', 'POST', R, { code: ok.code, method: 'coupon_code' }, 404, 'code', { token: await s.token(F.staffLogin) }],
    ['foreign staff, our member code', 'POST', R, { coupon_id: ok.id, ...mq }, 404, 'member_code', { token: await s.token(F.staffLogin) }],
    ['member token', 'POST', R, { coupon_id: ok.id, ...mq }, 401, undefined, { token: P1.token }],
  ];
  const snapshot = await sql("SELECT group_concat(id || status, ',') FROM coupons");
  const n = await sql('SELECT count(*) FROM redemptions');
  await errorTable(t, s, tok.ba001, rows);
  assert.equal(await sql("SELECT group_concat(id || status, ',') FROM coupons"), snapshot, 'no coupon changed');
  assert.equal(await sql('SELECT count(*) FROM redemptions'), n, 'no redemption recorded');
  // messages say why, in the person's words
  const e = await redeem(tok.ba001, { coupon_id: expired.id, ...mq });
  assert.match(e.json.error.message, /已于 .* 过期/);
  const f = await redeem(tok.ba001, { coupon_id: future.id, ...mq });
  assert.match(f.json.error.message, /起才能使用/);
  const w = await redeem(tok.ba017, { coupon_id: qinghe.id, ...mq });
  assert.match(w.json.error.message, /仅限青禾 Qinghe专柜使用/);
  const m = await redeem(tok.ba001, { coupon_id: min.id, ...mq, order_amount_fen: 100 });
  assert.match(m.json.error.message, /¥50\.00/);
  // the good ones go through: a two-brand coupon at a Qinghe-only counter, the minimum met, the managers at a store
  assert.equal((await redeem(tok.ba029, { coupon_id: both.id, ...mq })).status, 201);
  assert.equal((await redeem(tok.ba001, { coupon_id: min.id, ...mq, order_amount_fen: 5000 })).status, 201);
  assert.equal((await redeem(tok.ba003, { coupon_id: store2.id, ...mq })).status, 201);
  const byMgr = await redeem(tok['lumina.mgr'], { coupon_id: ok.id, ...mq, store_id: 9 });
  assert.equal(byMgr.status, 201, byMgr.text);
  assert.equal(byMgr.json.staff_id, null);
  assert.equal(byMgr.json.store_id, 9);
});

test('concurrency: 40 connections redeem one coupon at once — exactly one 201, the rest 409', async () => {
  const c = await give(tpl.lumina, P1);
  const tokens = [tok.ba001, tok.ba002];
  const bodies = [
    { code: c.code, method: 'coupon_code' },
    { coupon_id: c.id, method: 'member_qr', member_code: qr1 },
  ];
  const all = await Promise.all(Array.from({ length: 40 }, (_, i) => request(s.url, 'POST', R, {
    token: tokens[i % 2], body: bodies[(i >> 1) % 2], agent: false,
  })));
  const codes = all.map((r) => r.status);
  assert.equal(codes.filter((x) => x === 201).length, 1, codes.join(','));
  assert.equal(codes.filter((x) => x === 409).length, 39, codes.join(','));
  for (const r of all.filter((x) => x.status === 409)) assert.match(r.json.error.message, /已于/);
  assert.equal(await sql(`SELECT count(*) FROM redemptions WHERE coupon_id = ${c.id}`), '1');
  assert.equal(await couponStatus(c.id), 'redeemed');
});

test('concurrency across coupons: 60 coupons redeemed twice each at once — 60 × 201, 60 × 409', async () => {
  const cs = [];
  for (let i = 0; i < 60; i++) cs.push(await give(tpl.lumina, P2));
  const reqs = cs.flatMap((c) => [0, 1].map((k) => request(s.url, 'POST', R, {
    token: k ? tok.ba002 : tok.ba001, body: { code: c.code, method: 'coupon_code' }, agent: false,
  })));
  const codes = (await Promise.all(reqs)).map((r) => r.status);
  assert.equal(codes.filter((x) => x === 201).length, 60, codes.join(','));
  assert.equal(codes.filter((x) => x === 409).length, 60, codes.join(','));
  const ids = cs.map((c) => c.id).join(',');
  assert.equal(await sql(`SELECT count(*) FROM redemptions WHERE coupon_id IN (${ids})`), '60');
  assert.equal(await sql(`SELECT count(DISTINCT coupon_id) FROM redemptions WHERE coupon_id IN (${ids})`), '60');
});

test('Idempotency-Key: a retried redemption answers the first 201 again and applies once', async () => {
  const c = await give(tpl.lumina, P1);
  const headers = { 'idempotency-key': `rd-${c.id}` };
  const a = await s.api('POST', R, { token: tok.ba001, body: { code: c.code, method: 'coupon_code' }, headers });
  const b = await s.api('POST', R, { token: tok.ba001, body: { code: c.code, method: 'coupon_code' }, headers });
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 201, b.text);
  assert.equal(b.json.id, a.json.id);
  assert.equal(await sql(`SELECT count(*) FROM redemptions WHERE coupon_id = ${c.id}`), '1');
});

// ------------------------------------------------------------------- undo

test('undo: within the window, by the same store; exactly one coupon back to issued; event; twice is 409', async () => {
  const c = await give(tpl.lumina, P1);
  const other = await give(tpl.lumina, P1);
  const r = (await redeem(tok.ba001, { coupon_id: c.id, method: 'member_qr', member_code: qr1 })).json;
  await redeem(tok.ba001, { coupon_id: other.id, method: 'member_qr', member_code: qr1 });
  const before = await sql("SELECT group_concat(id || status, ',') FROM coupons ORDER BY id");
  // not another store's staff, not a manager of another brand, not another tenant
  await expectError(await undo(tok.ba003, r.id), 403);
  await expectError(await undo(tok['qinghe.mgr'], r.id), 403);
  await expectError(await undo(F.token, r.id), 404, 'id');
  await expectError(await undo(tok.ba002, 99999999), 404, 'id');
  // a colleague at the same store undoes it
  const u = await undo(tok.ba002, r.id, '顾客改主意');
  assert.equal(u.status, 200, u.text);
  assert.ok(u.json.undone_at > 0);
  assert.equal(u.json.undone_by, DEMO.accounts.ba001 + 1);
  assert.equal(u.json.undo_reason, '顾客改主意');
  assert.equal(u.json.undoable, false);
  const after = await sql("SELECT group_concat(id || status, ',') FROM coupons ORDER BY id");
  const diff = before.split(',').filter((x, i) => x !== after.split(',')[i]);
  assert.deepEqual(diff, [`${c.id}redeemed`], 'exactly one coupon changed');
  assert.equal(await couponStatus(c.id), 'issued');
  assert.equal(await couponStatus(other.id), 'redeemed');
  assert.equal(await sql(`SELECT count(*) FROM events WHERE kind = 'coupon.redemption_undone' AND json_extract(props_json, '$.redemption_id') = ${r.id}`), '1');
  const audit = await s.api('GET', `/api/audit?entity=redemption&entity_id=${r.id}`, { token: T });
  assert.ok(audit.json.items.some((a) => a.action === 'coupon.redemption_undo'));
  // twice: 409, saying when and by whom; nothing changes
  const again = await undo(tok.ba001, r.id);
  await expectError(again, 409, 'id');
  assert.match(again.json.error.message, /已于 .* 撤销/);
  assert.equal(await couponStatus(c.id), 'issued');
  // the coupon can be redeemed again (a new redemption)
  const re = await redeem(tok.ba001, { coupon_id: c.id, method: 'member_qr', member_code: qr1 });
  assert.equal(re.status, 201, re.text);
  assert.notEqual(re.json.id, r.id);
  // the brand's manager and the owner may undo too
  assert.equal((await undo(tok['lumina.mgr'], re.json.id)).status, 200);
});

test('undo: concurrent undos of one redemption — one 200, the rest 409; the coupon is issued once', async () => {
  const c = await give(tpl.lumina, P1);
  const r = (await redeem(tok.ba001, { coupon_id: c.id, method: 'member_qr', member_code: qr1 })).json;
  const all = await Promise.all(Array.from({ length: 20 }, (_, i) => request(s.url, 'POST', `/api/redemptions/${r.id}/undo`, {
    token: i % 2 ? tok.ba001 : tok.ba002, body: { reason: `并发 ${i}` }, agent: false,
  })));
  const codes = all.map((x) => x.status);
  assert.equal(codes.filter((x) => x === 200).length, 1, codes.join(','));
  assert.equal(codes.filter((x) => x === 409).length, 19, codes.join(','));
  assert.equal(await couponStatus(c.id), 'issued');
});

test('undo: refused after the window, when undo is off, and bad input', async (t) => {
  const c = await give(tpl.lumina, P1);
  const r = (await redeem(tok.ba001, { coupon_id: c.id, method: 'member_qr', member_code: qr1 })).json;
  await sql(`UPDATE redemptions SET at = at - 31 * 60000 WHERE id = ${r.id}`);
  const late = await undo(tok.ba001, r.id);
  await expectError(late, 422, 'id');
  assert.match(late.json.error.message, /30 分钟/);
  assert.equal(await couponStatus(c.id), 'redeemed');
  // a longer window set by the owner makes it undoable again
  assert.equal((await s.api('PUT', '/api/settings/redemption', { token: T, body: { undo_minutes: 60 } })).status, 200);
  const list = await s.api('GET', `/api/redemptions/${r.id}`, { token: T });
  assert.equal(list.json.undoable, true);
  assert.equal(list.json.undo_until, r.at - 31 * 60000 + 60 * 60000);
  // 0: no undo at all
  assert.equal((await s.api('PUT', '/api/settings/redemption', { token: T, body: { undo_minutes: 0 } })).status, 200);
  await expectError(await undo(tok.ba001, r.id), 422, 'id');
  assert.equal((await s.api('PUT', '/api/settings/redemption', { token: T, body: { undo_minutes: 30 } })).status, 200);
  const c2 = await give(tpl.lumina, P1);
  const r2 = (await redeem(tok.ba001, { coupon_id: c2.id, method: 'member_qr', member_code: qr1 })).json;
  const U = `/api/redemptions/${r2.id}/undo`;
  await errorTable(t, s, tok.ba001, [
    ['no reason', 'POST', U, {}, 400, 'reason'],
    ['empty reason', 'POST', U, { reason: '  ' }, 400, 'reason'],
    ['reason a number', 'POST', U, { reason: 5 }, 400, 'reason'],
    ['reason too long', 'POST', U, { reason: 'x'.repeat(201) }, 400, 'reason'],
    ['unknown field', 'POST', U, { reason: 'x', y: 1 }, 400, 'y'],
    ['malformed JSON', 'POST', U, '{', 400],
    ['id not a number', 'POST', '/api/redemptions/abc/undo', { reason: 'x' }, 404],
    ['id 0', 'POST', '/api/redemptions/0/undo', { reason: 'x' }, 404],
  ]);
  assert.equal(await couponStatus(c2.id), 'redeemed');
});

test('settings: GET for everyone in the enterprise, PUT by the owner only, audited', async (t) => {
  const g = await s.api('GET', '/api/settings/redemption', { token: tok.ba001 });
  assert.equal(g.status, 200);
  assert.equal(g.json.undo_minutes, 30);
  const S = '/api/settings/redemption';
  await errorTable(t, s, T, [
    ['brand manager', 'PUT', S, { undo_minutes: 10 }, 403, undefined, { token: tok['lumina.mgr'] }],
    ['staff', 'PUT', S, { undo_minutes: 10 }, 403, undefined, { token: tok.ba001 }],
    ['missing', 'PUT', S, {}, 400, 'undo_minutes'],
    ['negative', 'PUT', S, { undo_minutes: -1 }, 400, 'undo_minutes'],
    ['too long', 'PUT', S, { undo_minutes: 10081 }, 400, 'undo_minutes'],
    ['string', 'PUT', S, { undo_minutes: '30' }, 400, 'undo_minutes'],
    ['unknown field', 'PUT', S, { undo_minutes: 30, x: 1 }, 400, 'x'],
  ]);
  const p = await s.api('PUT', S, { token: T, body: { undo_minutes: 45 } });
  assert.equal(p.json.undo_minutes, 45);
  assert.equal((await s.api('GET', S, { token: F.token })).json.undo_minutes, 30, 'per enterprise');
  const audit = await s.api('GET', '/api/audit?entity=enterprise', { token: T });
  assert.ok(audit.json.items.some((a) => a.action === 'settings.redemption'));
  await s.api('PUT', S, { token: T, body: { undo_minutes: 30 } });
});

// ---------------------------------------------------- staff issue at the counter

test('staff hand out a coupon at the counter: source staff, staff and store recorded; only what this counter may give', async (t) => {
  const list = await s.api('GET', '/api/counter/coupon-templates', { token: tok.ba017 });
  assert.equal(list.status, 200, list.text);
  const ids = list.json.items.map((x) => x.id);
  assert.ok(ids.includes(tpl.lumina.id));
  assert.ok(!ids.includes(tpl.qinghe.id), 'not another brand’s at a Lumina-only store');
  assert.ok(!ids.includes(tpl.store2.id), 'not a template of other stores');
  assert.ok(!ids.includes(tpl.prize.id), 'never lottery prizes');
  const r = await s.api('POST', '/api/counter/coupons', { token: tok.ba017, body: { template_id: tpl.lumina.id, member_id: P1.id } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.member_id, P1.id);
  assert.equal(r.json.source, 'staff');
  assert.equal(r.json.usable, true);
  const row = await sql(`SELECT source || ',' || issued_by_staff_id || ',' || issued_store_id FROM coupons WHERE id = ${r.json.id}`);
  assert.equal(row, 'staff,17,9');
  assert.equal(await sql(`SELECT count(*) FROM events WHERE kind = 'coupon.issued' AND json_extract(props_json, '$.coupon_id') = ${r.json.id}`), '1');
  // it is in the person's wallet at once
  const w = await wallet(tok.ba017, { member_code: qr1 });
  assert.ok(w.json.coupons.some((c) => c.id === r.json.id && c.usable));
  // a campaign's coupon counts against the campaign's limits
  const camp = await liveCampaign(s, T, { per_member_total: 1 });
  const ct = await couponTemplate(s, T, { name: '活动券', campaign_id: camp.id, per_member_limit: null });
  assert.equal((await s.api('POST', '/api/counter/coupons', { token: tok.ba001, body: { template_id: ct.id, member_id: P2.id } })).status, 201);
  await expectError(await s.api('POST', '/api/counter/coupons', { token: tok.ba001, body: { template_id: ct.id, member_id: P2.id } }), 422, 'limit');
  const ft = foreign.tpl;
  const I = '/api/counter/coupons';
  await errorTable(t, s, tok.ba017, [
    ['prize', 'POST', I, { template_id: tpl.prize.id, member_id: P1.id }, 422, 'template_id'],
    ['another brand', 'POST', I, { template_id: tpl.qinghe.id, member_id: P1.id }, 422, 'template_id'],
    ['other stores', 'POST', I, { template_id: tpl.store2.id, member_id: P1.id }, 422, 'template_id'],
    ['foreign template', 'POST', I, { template_id: ft.id, member_id: P1.id }, 404, 'template_id'],
    ['unknown template', 'POST', I, { template_id: 99999999, member_id: P1.id }, 404, 'template_id'],
    ['unknown member', 'POST', I, { template_id: tpl.lumina.id, member_id: 99999999 }, 404, 'member_id'],
    ['no member', 'POST', I, { template_id: tpl.lumina.id }, 400, 'member_id'],
    ['no template', 'POST', I, { member_id: P1.id }, 400, 'template_id'],
    ['ids as strings', 'POST', I, { template_id: String(tpl.lumina.id), member_id: P1.id }, 400, 'template_id'],
    ['unknown field', 'POST', I, { template_id: tpl.lumina.id, member_id: P1.id, qty: 2 }, 400, 'qty'],
    ['another store', 'POST', I, { template_id: tpl.lumina.id, member_id: P1.id, store_id: 1 }, 403, 'store_id'],
    ['manager without a store', 'POST', I, { template_id: tpl.lumina.id, member_id: P1.id }, 400, 'store_id', { token: tok['lumina.mgr'] }],
    ['Qinghe manager, Lumina template', 'POST', I, { template_id: tpl.lumina.id, member_id: P1.id, store_id: 1 }, 403, 'template_id', { token: tok['qinghe.mgr'] }],
    ['foreign staff, our member', 'POST', I, { template_id: ft.id, member_id: P1.id }, 404, 'member_id', { token: await s.token(F.staffLogin) }],
  ]);
  // an archived template
  const arch = await couponTemplate(s, T, { name: '下架券', per_member_limit: null });
  await s.api('DELETE', `/api/coupon-templates/${arch.id}`, { token: T });
  await expectError(await s.api('POST', I, { token: tok.ba017, body: { template_id: arch.id, member_id: P1.id } }), 422, 'template_id');
});

// ------------------------------------------------------------------ lists

test("today's list: the store's redemptions today with totals; staff see their store only; masked", async (t) => {
  const l1 = await s.api('GET', '/api/counter/redemptions', { token: tok.ba002 });
  assert.equal(l1.status, 200, l1.text);
  assert.match(l1.json.day, /^\d{4}-\d\d-\d\d$/);
  assert.ok(l1.json.total > 0);
  assert.ok(l1.json.items.every((x) => x.store_id === 1));
  assert.ok(l1.json.items.every((x) => x.member_phone_masked === null || /\*{4}/.test(x.member_phone_masked)));
  assert.ok(!l1.text.includes('13911110001'), 'no full phone');
  assert.equal(l1.json.totals.redeemed + l1.json.totals.undone, l1.json.total);
  assert.equal(l1.json.undo_minutes, 30);
  const mine = await s.api('GET', '/api/counter/redemptions?mine=1', { token: tok.ba002 });
  assert.ok(mine.json.items.every((x) => x.staff_id === 2));
  assert.ok(mine.json.total < l1.json.total);
  const l2 = await s.api('GET', '/api/counter/redemptions?day=today', { token: tok.ba003 });
  assert.ok(l2.json.items.every((x) => x.store_id === 2));
  const yesterday = await s.api('GET', '/api/counter/redemptions?day=2020-01-01', { token: tok.ba002 });
  assert.equal(yesterday.json.total, 0);
  const undone = await s.api('GET', '/api/counter/redemptions?status=undone', { token: tok.ba002 });
  assert.ok(undone.json.total > 0 && undone.json.items.every((x) => x.undone_at));
  const C = '/api/counter/redemptions';
  await errorTable(t, s, tok.ba002, [
    ['bad day', 'GET', `${C}?day=yesterday`, undefined, 400, 'day'],
    ['bad date', 'GET', `${C}?day=2024-13-01`, undefined, 400, 'day'],
    ['another store', 'GET', `${C}?store_id=2`, undefined, 403, 'store_id'],
    ['bad method', 'GET', `${C}?method=x`, undefined, 400, 'method'],
    ['bad status', 'GET', `${C}?status=x`, undefined, 400, 'status'],
    ['limit 0', 'GET', `${C}?limit=0`, undefined, 400, 'limit'],
    ['manager mine', 'GET', `${C}?mine=1`, undefined, 400, 'mine', { token: T }],
  ]);
});

test('admin list: filters, totals, scope (brand managers see their brands), masked phones, another tenant sees none', async (t) => {
  const all = await s.api('GET', '/api/redemptions?limit=500', { token: T });
  assert.equal(all.status, 200, all.text);
  assert.ok(all.json.total >= 10);
  assert.ok(!all.text.includes('13911110001'), 'no full phone');
  const sum = all.json.items.filter((x) => !x.undone_at && x.order_amount_fen).reduce((a, x) => a + x.order_amount_fen, 0);
  assert.equal(all.json.totals.order_amount_fen, sum);
  assert.ok(all.json.totals.cash_value_fen > 0);
  assert.ok(all.json.items.length === all.json.total, 'one page holds them all');
  const cash = all.json.items.filter((x) => !x.undone_at && x.kind === 'cash');
  assert.equal(all.json.totals.cash_value_fen, cash.reduce((a, x) => a + x.value_fen, 0),
    'the cash value of the live redemptions of cash coupons');
  const only = (q, pred, token = T) => s.api('GET', `/api/redemptions?limit=500&${q}`, { token }).then((r) => {
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length > 0, `${q}: some rows`);
    assert.ok(r.json.items.every(pred), `${q}: ${JSON.stringify(r.json.items.map((x) => [x.store_id, x.staff_id, x.brand_id, x.method]))}`);
    return r.json;
  });
  await only('store_id=9', (x) => x.store_id === 9);
  await only('staff_id=29', (x) => x.staff_id === 29);
  await only('brand_id=1', (x) => x.brand_id === 1);
  await only('method=coupon_code', (x) => x.method === 'coupon_code');
  await only('status=undone', (x) => x.undone_at > 0);
  await only(`member_id=${P3.id}`, (x) => x.member_id === P3.id);
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10); // Asia/Shanghai
  const start = new Date(`${today}T00:00:00+08:00`).getTime();
  const d = await only(`from=${today}&to=${today}`, (x) => x.at >= start && x.at < start + DAY);
  assert.equal(d.total, all.json.items.filter((x) => x.at >= start).length);
  const ms = await only(`from=${start}&to=${start + DAY}`, (x) => x.at >= start);
  assert.equal(ms.total, d.total);
  assert.equal((await s.api('GET', '/api/redemptions?from=2020-01-01&to=2020-01-02', { token: T })).json.total, 0);
  // scope
  await only('', (x) => x.brand_id === 1, tok['lumina.mgr']);
  const qm = await s.api('GET', '/api/redemptions', { token: tok['qinghe.mgr'] });
  assert.ok(qm.json.items.every((x) => x.brand_id === 2));
  await only('', (x) => x.store_id === 9, tok.ba017);
  assert.equal((await s.api('GET', '/api/redemptions', { token: F.token })).json.total, 0);
  // one redemption
  const one = all.json.items[0];
  const g = await s.api('GET', `/api/redemptions/${one.id}`, { token: T });
  assert.equal(g.status, 200);
  assert.equal(g.json.id, one.id);
  await expectError(await s.api('GET', `/api/redemptions/${one.id}`, { token: F.token }), 404, 'id');
  const lum = all.json.items.find((x) => x.brand_id === 1 && x.store_id === 1);
  await expectError(await s.api('GET', `/api/redemptions/${lum.id}`, { token: tok.ba003 }), 403);
  await expectError(await s.api('GET', `/api/redemptions/${lum.id}`, { token: tok['qinghe.mgr'] }), 403);
  const A = '/api/redemptions';
  await errorTable(t, s, T, [
    ['store_id not a number', 'GET', `${A}?store_id=x`, undefined, 400, 'store_id'],
    ['staff_id negative', 'GET', `${A}?staff_id=-1`, undefined, 400, 'staff_id'],
    ['brand_id 0', 'GET', `${A}?brand_id=0`, undefined, 400, 'brand_id'],
    ['campaign_id junk', 'GET', `${A}?campaign_id=1e3`, undefined, 400, 'campaign_id'],
    ['bad from', 'GET', `${A}?from=2024-02-30x`, undefined, 400, 'from'],
    ['bad to', 'GET', `${A}?to=tomorrow`, undefined, 400, 'to'],
    ['to before from', 'GET', `${A}?from=2024-02-02&to=2024-01-01`, undefined, 400, 'to'],
    ['bad code', 'GET', `${A}?code=xyz`, undefined, 400, 'code'],
    ['offset negative', 'GET', `${A}?offset=-1`, undefined, 400, 'offset'],
    ['unknown id', 'GET', `${A}/99999999`, undefined, 404, 'id'],
  ]);
});
