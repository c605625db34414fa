// members_admin.test.mjs — members in the admin console (SPEC §3.2): search,
// masked detail (unmasking is the owner's and audited), profile edits,
// bound identities (one identity ↔ one member), ownership reassignment and
// bulk transfer (audited, history kept), merging two records of one person
// (nothing lost), erasure on request (PIPL), CSV export masked/unmasked, and
// scope (brand managers cannot unmask, merge or erase; staff read their
// store's members only; another tenant's ids are 404).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, expectError, errorTable, counterCode, memberLogin, setCookieValue, sqlite,
} from '../lib/server.mjs';
import { liveCampaign } from '../lib/rewards.mjs';

let s, T, F, tok;
before(async () => {
  s = await startServer();
  F = s.foreign;
  T = await s.token('admin');
  tok = { foreign: F.token };
  for (const l of ['lumina.mgr', 'ba001', 'ba003', 'ba005']) tok[l] = await s.token(l);
});
after(async () => { await s?.stop(); });

const M = {}; // name → member (from the counter answer)
async function reg(staffLogin, phone, name) {
  const code = await counterCode(s, tok[staffLogin], phone);
  const r = await s.api('POST', '/api/counter/register', { token: tok[staffLogin], body: { phone, code, ...(name ? { name } : {}) } });
  assert.equal(r.status, 201, r.text);
  return r.json.member;
}
const detail = async (id, qs = '', token = T) => {
  const r = await s.api('GET', `/api/members/${id}${qs}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const list = async (qs, token = T) => {
  const r = await s.api('GET', `/api/members?limit=500&${qs}`, { token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, r.json.total);
  return r.json;
};
const ids = (l) => l.items.map((m) => m.id).sort((a, b) => a - b);
const sorted = (a) => [...a].sort((x, y) => x - y);
const closed = {}; // ids of a merged and an erased record (set by the merge and erase tests)

test('setup: members registered at counters of stores 1 and 2', async () => {
  M.a = await reg('ba001', '13900000001', '张三');
  M.b = await reg('ba001', '13900000002', '李四');
  M.c = await reg('ba003', '13900000003', '王五');
  assert.equal(M.c.owner_store_id, 2);
});

test('list: q by full phone, last 4 digits, name; lifecycle and owner filters; masked', async (t) => {
  const all = await list('');
  assert.ok(all.total >= 3);
  const raw = await s.api('GET', '/api/members?limit=500', { token: T });
  for (const p of ['13900000001', '13900000002', '13900000003']) assert.ok(!raw.text.includes(p), `no full phone ${p} in the list`);
  assert.ok(all.items.every((m) => m.phone === undefined && /\*{4}/.test(m.phone_masked)));
  assert.deepEqual(ids(await list('q=13900000001')), [M.a.id]);
  assert.deepEqual(ids(await list(`q=${encodeURIComponent('+86 139 0000 0001')}`)), [M.a.id]);
  assert.deepEqual(ids(await list('q=0002')), [M.b.id]);
  assert.deepEqual(ids(await list(`q=${encodeURIComponent('张三')}`)), [M.a.id]);
  assert.equal((await list('q=13999999999')).total, 0);
  assert.deepEqual(ids(await list('lifecycle=new')), ids(all));
  assert.equal((await list('lifecycle=dormant')).total, 0);
  assert.deepEqual(ids(await list('owner_staff_id=1')), sorted([M.a.id, M.b.id]));
  assert.deepEqual(ids(await list('owner_store_id=2')), [M.c.id]);
  assert.deepEqual(ids(await list('owner_store_id=1&q=0001')), [M.a.id]);
  assert.equal((await list('', tok.foreign)).total, 0, 'another tenant sees none of them');
  assert.equal((await list('q=13900000001', tok.foreign)).total, 0);
  await errorTable(t, s, T, [
    ['bad lifecycle', 'GET', '/api/members?lifecycle=sleeping', undefined, 400, 'lifecycle'],
    ['owner_store_id not a number', 'GET', '/api/members?owner_store_id=abc', undefined, 400, 'owner_store_id'],
    ['owner_staff_id 0', 'GET', '/api/members?owner_staff_id=0', undefined, 400, 'owner_staff_id'],
    ['tag_id negative', 'GET', '/api/members?tag_id=-2', undefined, 400, 'tag_id'],
    ['limit 1000', 'GET', '/api/members?limit=1000', undefined, 400, 'limit'],
    ['no auth', 'GET', '/api/members', undefined, 401, undefined, { token: null }],
  ]);
});

test('detail is masked; unmasked only for the owner, audited', async (t) => {
  const d = await detail(M.a.id);
  assert.equal(d.phone, undefined);
  assert.equal(d.phone_masked, '139****0001');
  for (const k of ['identities', 'addresses', 'owner_history', 'tags']) assert.ok(Array.isArray(d[k]), k);
  assert.equal(d.status, 'live');
  assert.equal(d.lifecycle, 'new');
  const auditCount = async () => (await s.api('GET', `/api/audit?entity=member&entity_id=${M.a.id}&limit=500`, { token: T })).json.items.filter((a) => a.action === 'member.unmasked_read').length;
  const before = await auditCount();
  const u = await detail(M.a.id, '?unmasked=1');
  assert.equal(u.phone, '+8613900000001');
  assert.equal(await auditCount(), before + 1, 'member.unmasked_read audited');
  const lm = await detail(M.a.id, '', tok['lumina.mgr']);
  assert.equal(lm.phone, undefined);
  await errorTable(t, s, T, [
    ['brand manager unmasked', 'GET', `/api/members/${M.a.id}?unmasked=1`, undefined, 403, 'unmasked', { token: tok['lumina.mgr'], code: 'forbidden' }],
    ['staff unmasked', 'GET', `/api/members/${M.a.id}?unmasked=1`, undefined, 403, undefined, { token: tok.ba001 }],
    ['unknown id', 'GET', '/api/members/999999', undefined, 404, 'id', { code: 'not_found' }],
    ['id not a number', 'GET', '/api/members/abc', undefined, 404],
    ['another tenant', 'GET', `/api/members/${M.a.id}`, undefined, 404, 'id', { token: tok.foreign }],
    ['another tenant unmasked', 'GET', `/api/members/${M.a.id}?unmasked=1`, undefined, 404, undefined, { token: tok.foreign }],
    ['another tenant timeline', 'GET', `/api/members/${M.a.id}/timeline`, undefined, 404, undefined, { token: tok.foreign }],
  ]);
  assert.equal(await auditCount(), before + 1, 'refused reads are not audited as reads');
});

test('PATCH profile: valid edit (audited) and a validation table', async (t) => {
  const r = await s.api('PATCH', `/api/members/${M.b.id}`, { token: tok['lumina.mgr'], body: { name: '李四四', gender: 'female', birthday: '1990-05-20', city_code: '310100' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, '李四四');
  assert.equal(r.json.gender, 'female');
  assert.equal(r.json.birthday, '1990-05-20');
  assert.equal(r.json.city_code, '310100');
  assert.equal(r.json.phone, undefined);
  const audit = (await s.api('GET', `/api/audit?entity=member&entity_id=${M.b.id}`, { token: T })).json;
  assert.ok(audit.items.some((a) => a.action === 'member.update'));
  const leap = await s.api('PATCH', `/api/members/${M.b.id}`, { token: T, body: { birthday: '2000-02-29' } });
  assert.equal(leap.status, 200, leap.text);
  const P = `/api/members/${M.b.id}`;
  const tomorrow = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
  await errorTable(t, s, T, [
    ['malformed JSON', 'PATCH', P, '{"name":}', 400, null, { code: 'malformed_json' }],
    ['nothing to change', 'PATCH', P, {}, 400, null],
    ['unknown field phone', 'PATCH', P, { phone: '13900000009' }, 400, 'phone'],
    ['unknown field status', 'PATCH', P, { status: 'erased' }, 400, 'status'],
    ['gender x', 'PATCH', P, { gender: 'x' }, 400, 'gender'],
    ['gender M', 'PATCH', P, { gender: 'M' }, 400, 'gender'],
    ['gender a number', 'PATCH', P, { gender: 1 }, 400, 'gender'],
    ['birthday month 13', 'PATCH', P, { birthday: '1990-13-01' }, 400, 'birthday'],
    ['birthday 30 February', 'PATCH', P, { birthday: '1990-02-30' }, 400, 'birthday'],
    ['birthday 29 February of a common year', 'PATCH', P, { birthday: '1990-02-29' }, 400, 'birthday'],
    ['birthday with slashes', 'PATCH', P, { birthday: '1990/01/01' }, 400, 'birthday'],
    ['birthday short', 'PATCH', P, { birthday: '1990-1-1' }, 400, 'birthday'],
    ['birthday too long', 'PATCH', P, { birthday: '1990-01-01T00:00' }, 400, 'birthday'],
    ['birthday in the future', 'PATCH', P, { birthday: tomorrow }, 400, 'birthday'],
    ['birthday a number', 'PATCH', P, { birthday: 19900101 }, 400, 'birthday'],
    ['city_code unknown', 'PATCH', P, { city_code: '999999' }, 400, 'city_code'],
    ['city_code 5 digits', 'PATCH', P, { city_code: '31010' }, 400, 'city_code'],
    ['city_code letters', 'PATCH', P, { city_code: 'abcdef' }, 400, 'city_code'],
    ['name too long', 'PATCH', P, { name: '名'.repeat(33) }, 400, 'name'],
    ['name with a control char', 'PATCH', P, { name: 'a\u0007' }, 400, 'name'],
    ['unknown id', 'PATCH', '/api/members/999999', { name: 'x' }, 404, 'id'],
    ['another tenant', 'PATCH', P, { name: 'x' }, 404, 'id', { token: tok.foreign }],
    ['staff', 'PATCH', P, { name: 'x' }, 403, undefined, { token: tok.ba001 }],
  ]);
  const after = await detail(M.b.id);
  assert.equal(after.name, '李四四', 'refused edits change nothing');
  assert.equal(after.gender, 'female');
});

test('identities: bind, one identity ↔ one member (409 value), delete', async (t) => {
  const bind = (id, body, token = T) => s.api('POST', `/api/members/${id}/identities`, { token, body });
  const r = await bind(M.a.id, { kind: 'wechat_openid', value: 'oOPENID-A' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.member_id, M.a.id);
  assert.equal(r.json.kind, 'wechat_openid');
  assert.equal(r.json.value, 'oOPENID-A');
  // the same value under another kind is another identity
  assert.equal((await bind(M.b.id, { kind: 'wechat_unionid', value: 'oOPENID-A' })).status, 201);
  await errorTable(t, s, T, [
    ['same identity to another member', 'POST', `/api/members/${M.b.id}/identities`, { kind: 'wechat_openid', value: 'oOPENID-A' }, 409, 'value', { code: 'conflict' }],
    ['same identity again', 'POST', `/api/members/${M.a.id}/identities`, { kind: 'wechat_openid', value: 'oOPENID-A' }, 409, 'value'],
    ['unknown kind', 'POST', `/api/members/${M.a.id}/identities`, { kind: 'email', value: 'a@b.c' }, 400, 'kind'],
    ['missing value', 'POST', `/api/members/${M.a.id}/identities`, { kind: 'pos' }, 400, 'value'],
    ['empty value', 'POST', `/api/members/${M.a.id}/identities`, { kind: 'pos', value: ' ' }, 400, 'value'],
    ['value too long', 'POST', `/api/members/${M.a.id}/identities`, { kind: 'pos', value: 'v'.repeat(129) }, 400, 'value'],
    ['value a number', 'POST', `/api/members/${M.a.id}/identities`, { kind: 'pos', value: 5 }, 400, 'value'],
    ['unknown field', 'POST', `/api/members/${M.a.id}/identities`, { kind: 'pos', value: 'x', member_id: 2 }, 400, 'member_id'],
    ['unknown member', 'POST', '/api/members/999999/identities', { kind: 'pos', value: 'x' }, 404, 'id'],
    ['another tenant', 'POST', `/api/members/${M.a.id}/identities`, { kind: 'pos', value: 'x' }, 404, undefined, { token: tok.foreign }],
    ['staff', 'POST', `/api/members/${M.a.id}/identities`, { kind: 'pos', value: 'x' }, 403, undefined, { token: tok.ba001 }],
    ['delete unknown', 'DELETE', '/api/member-identities/999999', undefined, 404, 'id'],
    ['delete by another tenant', 'DELETE', `/api/member-identities/${r.json.id}`, undefined, 404, 'id', { token: tok.foreign }],
    ['delete by staff', 'DELETE', `/api/member-identities/${r.json.id}`, undefined, 403, undefined, { token: tok.ba001 }],
  ]);
  const d = await detail(M.a.id);
  assert.deepEqual(d.identities.map((i) => [i.kind, i.value]), [['wechat_openid', 'oOPENID-A']]);
  const del = await s.api('DELETE', `/api/member-identities/${r.json.id}`, { token: T });
  assert.equal(del.status, 200, del.text);
  assert.equal(del.json.ok, true);
  assert.equal((await detail(M.a.id)).identities.length, 0);
  await expectError(await s.api('DELETE', `/api/member-identities/${r.json.id}`, { token: T }), 404, 'id');
  // now free: it binds to the other member
  assert.equal((await bind(M.b.id, { kind: 'wechat_openid', value: 'oOPENID-A' })).status, 201);
});

test('owner reassignment with a reason: audited, history row; validation and scope', async (t) => {
  const r = await s.api('POST', `/api/members/${M.c.id}/owner`, { token: T, body: { staff_id: 5, reason: '导购调店' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.owner_staff_id, 5);
  assert.equal(r.json.owner_store_id, 3);
  const h = r.json.owner_history[0];
  assert.equal(h.from_staff_id, 3);
  assert.equal(h.to_staff_id, 5);
  assert.equal(h.reason, '导购调店');
  assert.equal(h.actor_id, 1);
  const audit = (await s.api('GET', `/api/audit?entity=member&entity_id=${M.c.id}`, { token: T })).json;
  const a = audit.items.find((x) => x.action === 'member.reassign');
  assert.ok(a, 'member.reassign audited');
  assert.equal(a.before.owner_staff_id, 3);
  assert.equal(a.after.owner_staff_id, 5);
  // staff 5 (store 3) now reads it; staff 3 (store 2) no longer
  assert.equal((await s.api('GET', `/api/members/${M.c.id}`, { token: tok.ba005 })).status, 200);
  await expectError(await s.api('GET', `/api/members/${M.c.id}`, { token: tok.ba003 }), 403);
  const P = `/api/members/${M.c.id}/owner`;
  await errorTable(t, s, T, [
    ['missing reason', 'POST', P, { staff_id: 6 }, 400, 'reason'],
    ['empty reason', 'POST', P, { staff_id: 6, reason: '' }, 400, 'reason'],
    ['reason too long', 'POST', P, { staff_id: 6, reason: 'r'.repeat(201) }, 400, 'reason'],
    ['missing staff_id', 'POST', P, { reason: 'x' }, 400, 'staff_id'],
    ['staff_id a string', 'POST', P, { staff_id: '6', reason: 'x' }, 400, 'staff_id'],
    ['unknown staff', 'POST', P, { staff_id: 999999, reason: 'x' }, 400, 'staff_id'],
    ['staff of another tenant', 'POST', P, { staff_id: F.staffId, reason: 'x' }, 400, 'staff_id'],
    ['brand manager to a staff member outside its brands', 'POST', P, { staff_id: 29, reason: 'x' }, 403, 'staff_id', { token: tok['lumina.mgr'] }],
    ['unknown member', 'POST', '/api/members/999999/owner', { staff_id: 6, reason: 'x' }, 404, 'id'],
    ['another tenant', 'POST', P, { staff_id: 6, reason: 'x' }, 404, undefined, { token: tok.foreign }],
  ]);
  assert.equal((await detail(M.c.id)).owner_staff_id, 5, 'unchanged by the refused requests');
});

test('bulk transfer moves exactly the from-staff\'s live members', async (t) => {
  const extra = await reg('ba001', '13900000004');
  const from1 = await list('owner_staff_id=1');
  assert.deepEqual(ids(from1), sorted([M.a.id, M.b.id, extra.id]));
  const to2before = await list('owner_staff_id=2');
  const others = await list('owner_staff_id=5');
  const r = await s.api('POST', '/api/members/transfer', { token: T, body: { from_staff_id: 1, to_staff_id: 2, reason: '离职交接' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { from_staff_id: 1, to_staff_id: 2, moved: 3, reason: '离职交接' });
  assert.equal((await list('owner_staff_id=1')).total, 0);
  assert.deepEqual(ids(await list('owner_staff_id=2')), sorted([...ids(to2before), ...ids(from1)]));
  assert.deepEqual(ids(await list('owner_staff_id=5')), ids(others), 'nobody else moved');
  const d = await detail(M.a.id);
  assert.equal(d.owner_store_id, 1);
  assert.equal(d.owner_history[0].reason, '离职交接');
  assert.equal(d.owner_history[0].from_staff_id, 1);
  const audit = (await s.api('GET', '/api/audit?entity=staff&entity_id=1', { token: T })).json;
  assert.ok(audit.items.some((a) => a.action === 'member.transfer'));
  const P = '/api/members/transfer';
  await errorTable(t, s, T, [
    ['same staff', 'POST', P, { from_staff_id: 2, to_staff_id: 2, reason: 'x' }, 400, 'to_staff_id'],
    ['missing reason', 'POST', P, { from_staff_id: 2, to_staff_id: 1 }, 400, 'reason'],
    ['unknown from', 'POST', P, { from_staff_id: 999999, to_staff_id: 1, reason: 'x' }, 400, 'from_staff_id'],
    ['foreign to', 'POST', P, { from_staff_id: 2, to_staff_id: F.staffId, reason: 'x' }, 400, 'to_staff_id'],
    ['unknown field', 'POST', P, { from_staff_id: 2, to_staff_id: 1, reason: 'x', all: true }, 400, 'all'],
    ['malformed', 'POST', P, '[', 400, null, { code: 'malformed_json' }],
    ['brand manager from a brand-2-only store', 'POST', P, { from_staff_id: 29, to_staff_id: 1, reason: 'x' }, 403, 'from_staff_id', { token: tok['lumina.mgr'] }],
    ['staff', 'POST', P, { from_staff_id: 2, to_staff_id: 1, reason: 'x' }, 403, undefined, { token: tok.ba001 }],
  ]);
  assert.equal((await list('owner_staff_id=2')).total, to2before.total + 3);
});

test('merge: data of both records ends on the survivor; merged record points to it', async (t) => {
  // two touchpoints, each scanned by one of the person's devices before signing in
  const tp1 = (await s.api('POST', '/api/touchpoints', { token: T, body: { name: '合并码一', brand_id: 1, channel: 'poster' } })).json;
  const tp2 = (await s.api('POST', '/api/touchpoints', { token: T, body: { name: '合并码二', brand_id: 2, channel: 'kol' } })).json;
  const devA = setCookieValue(await s.api('GET', `/s/${tp1.code}`), 'hh_did');
  const devE = setCookieValue(await s.api('GET', `/s/${tp2.code}`), 'hh_did');
  const la = await memberLogin(s, '13900000011', { cookie: `hh_did=${devA}` });
  const le = await memberLogin(s, '13900000012', { cookie: `hh_did=${devE}` });
  assert.equal(la.status, 200, la.text);
  assert.equal(le.status, 200, le.text);
  const A = la.json.member.id;
  const E = le.json.member.id;
  // addresses through the member self-service API
  for (const [tk, who] of [[la.json.token, 'A'], [le.json.token, 'E']]) {
    const r = await s.api('POST', '/api/member/addresses', { token: tk, body: { name: `收件${who}`, phone: '13700000000', detail: `${who} 路 1 号`, is_default: true } });
    assert.equal(r.status, 201, r.text);
  }
  // identities
  assert.equal((await s.api('POST', `/api/members/${A}/identities`, { token: T, body: { kind: 'pos', value: 'POS-A' } })).status, 201);
  assert.equal((await s.api('POST', `/api/members/${E}/identities`, { token: T, body: { kind: 'legacy', value: 'LEG-E' } })).status, 201);
  // tags
  const tagA = (await s.api('POST', '/api/tags', { token: T, body: { name: '合并A', kind: 'manual' } })).json;
  const tagE = (await s.api('POST', '/api/tags', { token: T, body: { name: '合并E', kind: 'manual' } })).json;
  assert.equal((await s.api('POST', `/api/tags/${tagA.id}/members`, { token: T, body: { member_ids: [A] } })).json.changed, 1);
  assert.equal((await s.api('POST', `/api/tags/${tagE.id}/members`, { token: T, body: { member_ids: [E] } })).json.changed, 1);
  // profile on the merged side only fills blanks
  assert.equal((await s.api('PATCH', `/api/members/${E}`, { token: T, body: { name: '合并人', city_code: '110100' } })).status, 200);
  // lottery draws on the merged side: their events are found through the draws (not indexed by member)
  const lc = await liveCampaign(s, T, { free_draws_per_day: 3 });
  const pz = await s.api('POST', `/api/campaigns/${lc.id}/prizes`, { token: T, body: { name: '试用装', value_fen: 900, stock: 50, weight: 50, fulfilment: 'mail' } });
  assert.equal(pz.status, 201, pz.text);
  const pool = await s.api('PUT', `/api/campaigns/${lc.id}/lottery-pool`, { token: T, body: { no_prize_weight: 50 } });
  assert.equal(pool.status, 200, pool.text);
  const drawIds = [];
  for (let i = 0; i < 2; i++) {
    const dr = await s.api('POST', `/api/member/lottery/${lc.id}/draws`, { token: le.json.token, body: { entry: 'free' } });
    assert.equal(dr.status, 201, dr.text);
    drawIds.push(dr.json.id);
  }
  const drawEvents = (tl) => tl.filter((x) => x.type === 'event' && x.kind === 'lottery.draw')
    .map((x) => x.props.draw_id).sort((a, b) => a - b);
  const tlE = (await s.api('GET', `/api/members/${E}/timeline?limit=500`, { token: T })).json.items;
  assert.deepEqual(drawEvents(tlE), drawIds, `the draws are on the merged record's timeline: ${JSON.stringify(tlE)}`);

  await errorTable(t, s, T, [
    ['brand manager', 'POST', '/api/members/merge', { survivor_id: A, merged_id: E, reason: 'x' }, 403, undefined, { token: tok['lumina.mgr'] }],
    ['staff', 'POST', '/api/members/merge', { survivor_id: A, merged_id: E, reason: 'x' }, 403, undefined, { token: tok.ba001 }],
    ['with itself', 'POST', '/api/members/merge', { survivor_id: A, merged_id: A, reason: 'x' }, 400, 'merged_id'],
    ['missing reason', 'POST', '/api/members/merge', { survivor_id: A, merged_id: E }, 400, 'reason'],
    ['unknown merged', 'POST', '/api/members/merge', { survivor_id: A, merged_id: 999999, reason: 'x' }, 400, 'merged_id'],
    ['unknown survivor', 'POST', '/api/members/merge', { survivor_id: 999999, merged_id: E, reason: 'x' }, 400, 'survivor_id'],
    ['ids as strings', 'POST', '/api/members/merge', { survivor_id: String(A), merged_id: E, reason: 'x' }, 400, 'survivor_id'],
    ['foreign owner with our ids', 'POST', '/api/members/merge', { survivor_id: A, merged_id: E, reason: 'x' }, 400, undefined, { token: tok.foreign }],
  ]);

  const r = await s.api('POST', '/api/members/merge', { token: T, body: { survivor_id: A, merged_id: E, reason: '同一人两个号码' } });
  assert.equal(r.status, 200, r.text);
  const d = await detail(A);
  assert.equal(d.id, A);
  assert.deepEqual(d.identities.map((i) => i.value).sort(), ['LEG-E', 'POS-A']);
  assert.deepEqual(d.addresses.map((x) => x.name).sort(), ['收件A', '收件E']);
  assert.deepEqual(d.tags.map((x) => x.name).sort(), ['合并A', '合并E']);
  assert.equal(d.name, '合并人', 'a blank name is filled from the merged record');
  assert.equal(d.city_code, '110100');
  const tl = (await s.api('GET', `/api/members/${A}/timeline?limit=500`, { token: T })).json.items;
  const scanned = new Set(tl.filter((x) => x.type === 'scan').map((x) => x.touchpoint_id));
  assert.ok(scanned.has(tp1.id) && scanned.has(tp2.id), `both devices' scans are on the survivor: ${JSON.stringify(tl)}`);
  assert.ok(tl.some((x) => x.type === 'event' && x.kind === 'member.merged'));
  assert.deepEqual(drawEvents(tl), drawIds, 'the draws and their events moved to the survivor');
  assert.equal((await sqlite(s, `SELECT count(*) FROM events WHERE member_id = ${E} AND kind LIKE 'lottery.%'`)).trim(), '0');
  assert.equal((await sqlite(s, `SELECT count(*) FROM lottery_draws WHERE member_id = ${A}`)).trim(), '2');
  const merged = await detail(E);
  assert.equal(merged.status, 'merged');
  assert.equal(merged.merged_into, A);
  assert.equal(merged.lifecycle, 'merged');
  assert.equal(merged.identities.length, 0);
  assert.equal(merged.addresses.length, 0);
  assert.equal(merged.tags.length, 0);
  // tag counts follow
  const tags = (await s.api('GET', '/api/tags', { token: T })).json.items;
  assert.equal(tags.find((x) => x.id === tagE.id).member_count, 1);
  // merged records leave the default list, appear under lifecycle=merged
  assert.ok(!ids(await list('')).includes(E));
  assert.deepEqual(ids(await list('lifecycle=merged')), [E]);
  // audited
  const audit = (await s.api('GET', `/api/audit?entity=member&entity_id=${A}`, { token: T })).json;
  assert.ok(audit.items.some((x) => x.action === 'member.merge'));
  // the merged record's session is gone; merging again is a conflict
  await expectError(await s.api('GET', '/api/member/me', { token: le.json.token }), 401);
  await expectError(await s.api('POST', '/api/members/merge', { token: T, body: { survivor_id: A, merged_id: E, reason: 'again' } }), 409, 'merged_id', 'conflict');
  await expectError(await s.api('POST', '/api/members/merge', { token: T, body: { survivor_id: E, merged_id: M.a.id, reason: 'x' } }), 409, 'survivor_id');
  await expectError(await s.api('PATCH', `/api/members/${E}`, { token: T, body: { name: 'x' } }), 409);
  closed.merged = E;
  closed.survivor = A;
  await expectError(await s.api('POST', `/api/members/${E}/owner`, { token: T, body: { staff_id: 6, reason: 'x' } }), 409);
  // the merged phone signs in to the survivor
  const again = await memberLogin(s, '13900000012');
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.created, false);
  const me = (await s.api('GET', '/api/member/me', { token: again.json.token })).json;
  assert.equal(me.member.id, A);
  // and the counter finds the survivor by the merged phone
  const look = await s.api('GET', '/api/counter/lookup?phone=13900000012', { token: tok.ba001 });
  assert.equal(look.json.member.id, A);
});

test('erase: personal data gone, status erased, the phone registers anew; owner only', async (t) => {
  const login = await memberLogin(s, '13900000021');
  assert.equal(login.status, 200, login.text);
  const id = login.json.member.id;
  await s.api('PATCH', '/api/member/me', { token: login.json.token, body: { name: '要删除', birthday: '1985-01-01', city_code: '310100' } });
  await s.api('POST', '/api/member/addresses', { token: login.json.token, body: { name: '收件', phone: '13700000001', detail: '某路 9 号' } });
  assert.equal((await s.api('POST', `/api/members/${id}/identities`, { token: T, body: { kind: 'app', value: 'APP-ERASE' } })).status, 201);
  await errorTable(t, s, T, [
    ['brand manager', 'POST', `/api/members/${id}/erase`, { reason: 'x' }, 403, undefined, { token: tok['lumina.mgr'], code: 'forbidden' }],
    ['staff', 'POST', `/api/members/${id}/erase`, { reason: 'x' }, 403, undefined, { token: tok.ba001 }],
    ['missing reason', 'POST', `/api/members/${id}/erase`, {}, 400, 'reason'],
    ['reason a number', 'POST', `/api/members/${id}/erase`, { reason: 1 }, 400, 'reason'],
    ['unknown field', 'POST', `/api/members/${id}/erase`, { reason: 'x', hard: true }, 400, 'hard'],
    ['unknown member', 'POST', '/api/members/999999/erase', { reason: 'x' }, 404, 'id'],
    ['another tenant', 'POST', `/api/members/${id}/erase`, { reason: 'x' }, 404, 'id', { token: tok.foreign }],
  ]);
  assert.equal((await detail(id)).name, '要删除', 'refused erasures change nothing');
  const r = await s.api('POST', `/api/members/${id}/erase`, { token: T, body: { reason: '用户申请注销' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { id, status: 'erased' });
  const d = await detail(id, '?unmasked=1');
  assert.equal(d.status, 'erased');
  assert.equal(d.name, '');
  assert.equal(d.birthday, null);
  assert.equal(d.city_code, null);
  assert.deepEqual(d.identities, []);
  assert.deepEqual(d.addresses, []);
  assert.ok(!JSON.stringify(d).includes('13900000021'), 'the phone is gone');
  await expectError(await s.api('GET', '/api/member/me', { token: login.json.token }), 401);
  await expectError(await s.api('POST', `/api/members/${id}/erase`, { token: T, body: { reason: 'again' } }), 409);
  await expectError(await s.api('PATCH', `/api/members/${id}`, { token: T, body: { name: '复活' } }), 409);
  closed.erased = id;
  // the identity value is free again; the phone makes a NEW member
  const fresh = await reg('ba001', '13900000021', '新人');
  assert.notEqual(fresh.id, id);
  const r2 = await s.api('POST', `/api/members/${fresh.id}/identities`, { token: T, body: { kind: 'app', value: 'APP-ERASE' } });
  assert.equal(r2.status, 201, r2.text);
  assert.deepEqual(ids(await list('q=13900000021')), [fresh.id]);
  const audit = (await s.api('GET', `/api/audit?entity=member&entity_id=${id}`, { token: T })).json;
  assert.ok(audit.items.some((x) => x.action === 'member.erase'));
});

test('CSV export: masked for everyone, unmasked for the owner (audited)', async (t) => {
  const phones = ['13900000001', '13900000002', '13900000003', '13900000004'];
  const masked = await s.api('GET', '/api/members/export', { token: T });
  assert.equal(masked.status, 200);
  assert.match(masked.headers['content-type'], /^text\/csv/);
  assert.deepEqual([...masked.raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const lines = masked.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.ok(lines[0].includes('手机号'));
  for (const p of phones) assert.ok(!masked.text.includes(p), `no full phone ${p}`);
  assert.ok(masked.text.includes('139****0001'));
  const exportsAudited = async () => (await s.api('GET', '/api/audit?limit=500', { token: T })).json.items.filter((a) => a.action === 'member.export_unmasked').length;
  const n = await exportsAudited();
  const un = await s.api('GET', '/api/members/export?unmasked=1', { token: T });
  assert.equal(un.status, 200);
  for (const p of phones) assert.ok(un.text.includes(`+86${p}`), `full phone ${p}`);
  assert.equal(await exportsAudited(), n + 1);
  assert.equal((await s.api('GET', '/api/members/export', { token: tok['lumina.mgr'] })).status, 200);
  await errorTable(t, s, T, [
    ['brand manager unmasked', 'GET', '/api/members/export?unmasked=1', undefined, 403, 'unmasked', { token: tok['lumina.mgr'] }],
    ['staff unmasked', 'GET', '/api/members/export?unmasked=1', undefined, 403, undefined, { token: tok.ba001 }],
    ['no auth', 'GET', '/api/members/export', undefined, 401, undefined, { token: null }],
  ]);
  assert.equal(await exportsAudited(), n + 1);
  // another tenant's export has none of our members
  const fo = await s.api('GET', '/api/members/export', { token: tok.foreign });
  assert.equal(fo.status, 200);
  assert.ok(!fo.text.includes('139****0001'));
});

test('staff export holds only members owned by their store', async () => {
  // ba003 (store 2) owns nobody any more; store 3 (ba005) owns member c
  const r = await s.api('GET', '/api/members/export', { token: tok.ba005 });
  assert.equal(r.status, 200);
  const rows = r.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1);
  const exported = rows.map((l) => Number(l.split(',')[0].replace(/"/g, '')));
  const own = ids(await list('', tok.ba005));
  assert.deepEqual(sorted(exported), own, 'the export equals the staff member\'s own member list');
});

test('closed records (merged, erased) take no new identity: 409, the identity stays free', async () => {
  assert.ok(closed.merged && closed.erased, 'the merge and erase tests ran');
  for (const [id, value] of [[closed.merged, 'POS-ON-MERGED'], [closed.erased, 'POS-ON-ERASED']]) {
    await expectError(await s.api('POST', `/api/members/${id}/identities`, { token: T, body: { kind: 'pos', value } }), 409);
    // the live survivor can still take it
    const r = await s.api('POST', `/api/members/${closed.survivor}/identities`, { token: T, body: { kind: 'pos', value } });
    assert.equal(r.status, 201, `${value} binds to the live member: ${r.text}`);
  }
});
