// tags.test.mjs — member tags (SPEC §3.2): rule tags whose members follow
// their rule (registration channel, lifecycle, store, consent), manual tags
// applied by member ids or by uploaded phone numbers (unknown numbers listed)
// and removed; unique names (409), rule tags never applied by hand (422), rule
// validation naming the condition (field rule.<key>), and scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, expectError, errorTable, counterCode, memberLogin,
} from '../lib/server.mjs';

let s, T, F, tok;
const M = {};
before(async () => {
  s = await startServer();
  F = s.foreign;
  T = await s.token('admin');
  tok = { foreign: F.token };
  for (const l of ['lumina.mgr', 'ba001', 'ba003']) tok[l] = await s.token(l);
});
after(async () => { await s?.stop(); });

async function reg(staffLogin, phone, extra = {}) {
  const code = await counterCode(s, tok[staffLogin], phone);
  const r = await s.api('POST', '/api/counter/register', { token: tok[staffLogin], body: { phone, code, ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.json.member;
}
const createTag = (body, token = T) => s.api('POST', '/api/tags', { token, body });
const tagById = async (id) => (await s.api('GET', '/api/tags', { token: T })).json.items.find((x) => x.id === id);
const membersOf = async (tagId) => (await s.api('GET', `/api/members?limit=500&tag_id=${tagId}`, { token: T })).json.items.map((m) => m.id).sort((a, b) => a - b);
const sorted = (a) => [...a].sort((x, y) => x - y);

test('setup: two counter members (store 1 and 2), one H5 member', async () => {
  M.a = await reg('ba001', '13600000001', { consent_sms: true });
  M.b = await reg('ba003', '13600000002');
  const h = await memberLogin(s, '13600000003');
  assert.equal(h.status, 200, h.text);
  M.c = h.json.member;
});

let ruleTag;
test('rule tags: members follow the rule', async () => {
  const r = await createTag({ name: '柜台注册', group_name: '来源', kind: 'rule', rule: { registered_via: ['counter'] } });
  assert.equal(r.status, 201, r.text);
  ruleTag = r.json;
  assert.equal(ruleTag.kind, 'rule');
  assert.equal(ruleTag.group_name, '来源');
  assert.deepEqual(ruleTag.rule, { registered_via: ['counter'] });
  assert.equal(ruleTag.member_count, 2);
  assert.deepEqual(await membersOf(ruleTag.id), sorted([M.a.id, M.b.id]));
  // the rule changes: the members change at once
  const p = await s.api('PATCH', `/api/tags/${ruleTag.id}`, { token: T, body: { rule: { registered_via: ['h5'] } } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.member_count, 1);
  assert.deepEqual(await membersOf(ruleTag.id), [M.c.id]);
  const both = await s.api('PATCH', `/api/tags/${ruleTag.id}`, { token: T, body: { rule: { registered_via: ['h5', 'counter'] } } });
  assert.equal(both.json.member_count, 3);
  // other conditions
  const cases = [
    [{ lifecycle: ['new'] }, [M.a.id, M.b.id, M.c.id]],
    [{ lifecycle: ['dormant', 'churned'] }, []],
    [{ owner_store_id: [1] }, [M.a.id]],
    [{ owner_store_id: [1, 2] }, [M.a.id, M.b.id]],
    [{ consent_sms: true }, [M.a.id]],
    [{ consent_sms: false }, [M.b.id, M.c.id]],
    [{ registered_via: ['counter'], owner_store_id: [2] }, [M.b.id]],
    [{ gender: 'female' }, []],
  ];
  for (const [rule, want] of cases) {
    const t = await createTag({ name: `规则${JSON.stringify(rule)}`.slice(0, 32), kind: 'rule', rule });
    assert.equal(t.status, 201, t.text);
    assert.equal(t.json.member_count, want.length, JSON.stringify(rule));
    assert.deepEqual(await membersOf(t.json.id), sorted(want), JSON.stringify(rule));
  }
  // a member's detail lists its tags
  const d = (await s.api('GET', `/api/members/${M.a.id}`, { token: T })).json;
  assert.ok(d.tags.some((x) => x.id === ruleTag.id));
});

test('manual tags: apply by member ids and by phones, remove', async () => {
  const r = await createTag({ name: 'VIP', group_name: '价值', kind: 'manual' });
  assert.equal(r.status, 201, r.text);
  const tag = r.json;
  assert.equal(tag.member_count, 0);
  assert.equal(tag.rule, null);
  const apply = (body, path = 'members') => s.api('POST', `/api/tags/${tag.id}/${path}`, { token: T, body });
  let x = await apply({ member_ids: [M.a.id, M.b.id] });
  assert.equal(x.status, 200, x.text);
  assert.deepEqual(x.json, { requested: 2, changed: 2, unknown_phones: [] });
  x = await apply({ member_ids: [M.a.id, M.a.id] });
  assert.deepEqual(x.json, { requested: 1, changed: 0, unknown_phones: [] }, 'duplicates count once; applying twice changes nothing');
  x = await apply({ phones: ['13600000003', '+86 136 0000 0001', '13600009999', 'garbage'] });
  assert.equal(x.status, 200, x.text);
  assert.equal(x.json.requested, 2);
  assert.equal(x.json.changed, 1);
  assert.deepEqual(x.json.unknown_phones, ['13600009999', 'garbage']);
  assert.equal((await tagById(tag.id)).member_count, 3);
  assert.deepEqual(await membersOf(tag.id), sorted([M.a.id, M.b.id, M.c.id]));
  // a foreign tenant's member id is not tagged
  const fm = await memberLogin(s, '13600000077', { enterpriseId: F.enterpriseId });
  assert.equal(fm.status, 200, fm.text);
  x = await apply({ member_ids: [fm.json.member.id] });
  assert.equal(x.json.changed, 0);
  assert.equal((await tagById(tag.id)).member_count, 3);
  // remove
  x = await apply({ member_ids: [M.a.id] }, 'members/remove');
  assert.equal(x.status, 200, x.text);
  assert.deepEqual(x.json, { requested: 1, changed: 1, unknown_phones: [] });
  x = await apply({ phones: ['13600000002', '13600008888'] }, 'members/remove');
  assert.deepEqual(x.json, { requested: 1, changed: 1, unknown_phones: ['13600008888'] });
  x = await apply({ member_ids: [M.a.id] }, 'members/remove');
  assert.equal(x.json.changed, 0);
  assert.deepEqual(await membersOf(tag.id), [M.c.id]);
  const audit = (await s.api('GET', `/api/audit?entity=tag&entity_id=${tag.id}`, { token: T })).json.items.map((a) => a.action);
  assert.ok(audit.includes('tag.apply') && audit.includes('tag.remove_members'), audit.join(','));
});

test('names are unique (409 name); rule tags cannot be applied by hand (422)', async () => {
  await expectError(await createTag({ name: 'VIP', kind: 'manual' }), 409, 'name', 'conflict');
  await expectError(await createTag({ name: 'VIP', kind: 'rule', rule: { gender: 'male' } }), 409, 'name');
  const other = (await createTag({ name: '另一个', kind: 'manual' })).json;
  await expectError(await s.api('PATCH', `/api/tags/${other.id}`, { token: T, body: { name: 'VIP' } }), 409, 'name');
  await expectError(await s.api('POST', `/api/tags/${ruleTag.id}/members`, { token: T, body: { member_ids: [M.a.id] } }), 422);
  await expectError(await s.api('POST', `/api/tags/${ruleTag.id}/members/remove`, { token: T, body: { member_ids: [M.a.id] } }), 422);
  assert.equal((await tagById(ruleTag.id)).member_count, 3, 'unchanged');
  // the same name in another tenant is fine
  assert.equal((await createTag({ name: 'VIP', kind: 'manual' }, tok.foreign)).status, 201);
});

test('the 422 answer uses the documented error code unprocessable', async () => {
  const r = await s.api('POST', `/api/tags/${ruleTag.id}/members`, { token: T, body: { member_ids: [M.a.id] } });
  await expectError(r, 422);
  const documented = ['invalid', 'unprocessable', 'malformed_json', 'unauthenticated', 'forbidden', 'not_found', 'method_not_allowed',
    'conflict', 'too_large', 'unsupported_media_type', 'idempotency_mismatch', 'throttled', 'storage', 'unavailable'];
  assert.ok(documented.includes(r.json.error.code), `error code ${r.json.error.code} is not in the documented list`);
  assert.equal(r.json.error.code, 'unprocessable');
});

test('create/update: bad input table', async (t) => {
  const P = '/api/tags';
  const manual = (await createTag({ name: '待改', kind: 'manual' })).json;
  await errorTable(t, s, T, [
    ['malformed JSON', 'POST', P, '{"name":"x",}', 400, null, { code: 'malformed_json' }],
    ['missing name', 'POST', P, { kind: 'manual' }, 400, 'name'],
    ['empty name', 'POST', P, { name: '', kind: 'manual' }, 400, 'name'],
    ['name too long', 'POST', P, { name: '签'.repeat(33), kind: 'manual' }, 400, 'name'],
    ['group too long', 'POST', P, { name: 'g', group_name: 'g'.repeat(33), kind: 'manual' }, 400, 'group_name'],
    ['missing kind', 'POST', P, { name: 'k' }, 400, 'kind'],
    ['kind auto', 'POST', P, { name: 'k', kind: 'auto' }, 400, 'kind'],
    ['unknown field', 'POST', P, { name: 'k', kind: 'manual', color: 'red' }, 400, 'color'],
    ['rule tag without rule', 'POST', P, { name: 'k', kind: 'rule' }, 400, 'rule'],
    ['manual tag with a rule', 'POST', P, { name: 'k', kind: 'manual', rule: { gender: 'male' } }, 400, 'rule'],
    ['rule an array', 'POST', P, { name: 'k', kind: 'rule', rule: [] }, 400, 'rule'],
    ['rule empty', 'POST', P, { name: 'k', kind: 'rule', rule: {} }, 400, 'rule'],
    ['rule a string', 'POST', P, { name: 'k', kind: 'rule', rule: 'gender=male' }, 400, 'rule'],
    ['unknown rule key', 'POST', P, { name: 'k', kind: 'rule', rule: { foo: ['x'] } }, 400, 'rule.foo'],
    ['unknown rule key beside a good one', 'POST', P, { name: 'k', kind: 'rule', rule: { gender: 'male', spend: [1] } }, 400, 'rule.spend'],
    ['registered_via a string', 'POST', P, { name: 'k', kind: 'rule', rule: { registered_via: 'counter' } }, 400, 'rule.registered_via'],
    ['lifecycle empty', 'POST', P, { name: 'k', kind: 'rule', rule: { lifecycle: [] } }, 400, 'rule.lifecycle'],
    ['lifecycle numbers', 'POST', P, { name: 'k', kind: 'rule', rule: { lifecycle: [1] } }, 400, 'rule.lifecycle'],
    ['city_code a number', 'POST', P, { name: 'k', kind: 'rule', rule: { city_code: 310100 } }, 400, 'rule.city_code'],
    ['owner_store_id strings', 'POST', P, { name: 'k', kind: 'rule', rule: { owner_store_id: ['1'] } }, 400, 'rule.owner_store_id'],
    ['first_channel too many', 'POST', P, { name: 'k', kind: 'rule', rule: { first_channel: Array(501).fill('kol') } }, 400, 'rule.first_channel'],
    ['gender an array', 'POST', P, { name: 'k', kind: 'rule', rule: { gender: ['male'] } }, 400, 'rule.gender'],
    ['consent_sms a string', 'POST', P, { name: 'k', kind: 'rule', rule: { consent_sms: 'yes' } }, 400, 'rule.consent_sms'],
    ['PATCH kind', 'PATCH', `${P}/${manual.id}`, { kind: 'rule' }, 400, 'kind'],
    ['PATCH nothing', 'PATCH', `${P}/${manual.id}`, {}, 400, null],
    ['PATCH rule on a manual tag', 'PATCH', `${P}/${manual.id}`, { rule: { gender: 'male' } }, 400, 'rule'],
    ['PATCH bad rule key', 'PATCH', `${P}/${ruleTag.id}`, { rule: { bar: ['x'] } }, 400, 'rule.bar'],
    ['PATCH unknown tag', 'PATCH', `${P}/999999`, { name: 'x' }, 404, 'id'],
    ['DELETE unknown tag', 'DELETE', `${P}/999999`, undefined, 404, 'id'],
  ]);
  assert.deepEqual((await tagById(ruleTag.id)).rule, { registered_via: ['h5', 'counter'] }, 'the rule is unchanged');
});

test('rule values outside their vocabulary are refused (field rule.<key>)', async (t) => {
  const P = '/api/tags';
  await errorTable(t, s, T, [
    ['lifecycle sleeping', 'POST', P, { name: 'v1', kind: 'rule', rule: { lifecycle: ['sleeping'] } }, 400, 'rule.lifecycle'],
    ['gender x', 'POST', P, { name: 'v2', kind: 'rule', rule: { gender: 'x' } }, 400, 'rule.gender'],
  ]);
});

test('apply: bad input table', async (t) => {
  const tag = (await createTag({ name: '批量', kind: 'manual' })).json;
  const P = `/api/tags/${tag.id}/members`;
  await errorTable(t, s, T, [
    ['malformed JSON', 'POST', P, '{', 400, null, { code: 'malformed_json' }],
    ['nothing given', 'POST', P, {}, 400, 'member_ids'],
    ['empty lists', 'POST', P, { member_ids: [], phones: [] }, 400, 'member_ids'],
    ['member_ids a number', 'POST', P, { member_ids: 5 }, 400, 'member_ids'],
    ['member_ids with 0', 'POST', P, { member_ids: [0] }, 400, 'member_ids'],
    ['member_ids with a string', 'POST', P, { member_ids: ['1'] }, 400, 'member_ids'],
    ['phones a string', 'POST', P, { phones: '13600000001' }, 400, 'phones'],
    ['phones with a number', 'POST', P, { phones: [13600000001] }, 400, 'phones'],
    ['more than 5000 phones', 'POST', P, { phones: Array.from({ length: 5001 }, (_, i) => `1360${String(i).padStart(7, '0')}`) }, 400, 'phones'],
    ['more than 5000 ids', 'POST', P, { member_ids: Array.from({ length: 5001 }, (_, i) => i + 1) }, 400, 'member_ids'],
    ['unknown field', 'POST', P, { member_ids: [1], tag_id: 2 }, 400, 'tag_id'],
    ['unknown tag', 'POST', '/api/tags/999999/members', { member_ids: [1] }, 404, 'id'],
  ]);
  assert.equal((await tagById(tag.id)).member_count, 0);
});

test('scope: another tenant 404; staff read only; brand managers manage tags', async (t) => {
  const tag = (await createTag({ name: '范围', kind: 'manual' }, tok['lumina.mgr']));
  assert.equal(tag.status, 201, tag.text);
  const id = tag.json.id;
  await errorTable(t, s, T, [
    ['foreign PATCH', 'PATCH', `/api/tags/${id}`, { name: 'x' }, 404, 'id', { token: tok.foreign }],
    ['foreign DELETE', 'DELETE', `/api/tags/${id}`, undefined, 404, 'id', { token: tok.foreign }],
    ['foreign apply', 'POST', `/api/tags/${id}/members`, { member_ids: [M.a.id] }, 404, 'id', { token: tok.foreign }],
    ['staff create', 'POST', '/api/tags', { name: 'x', kind: 'manual' }, 403, undefined, { token: tok.ba001 }],
    ['staff apply', 'POST', `/api/tags/${id}/members`, { member_ids: [M.a.id] }, 403, undefined, { token: tok.ba001 }],
    ['staff delete', 'DELETE', `/api/tags/${id}`, undefined, 403, undefined, { token: tok.ba001 }],
    ['no auth', 'GET', '/api/tags', undefined, 401, undefined, { token: null }],
  ]);
  const fl = (await s.api('GET', '/api/tags', { token: tok.foreign })).json.items;
  assert.ok(!fl.some((x) => x.id === id), 'the foreign list does not show our tags');
  assert.equal((await s.api('GET', '/api/tags', { token: tok.ba001 })).status, 200);
  // delete
  const apply = await s.api('POST', `/api/tags/${id}/members`, { token: T, body: { member_ids: [M.a.id] } });
  assert.equal(apply.json.changed, 1);
  const del = await s.api('DELETE', `/api/tags/${id}`, { token: tok['lumina.mgr'] });
  assert.equal(del.status, 200, del.text);
  assert.equal(await tagById(id), undefined);
  const d = (await s.api('GET', `/api/members/${M.a.id}`, { token: T })).json;
  assert.ok(!d.tags.some((x) => x.id === id));
  await expectError(await s.api('POST', `/api/tags/${id}/members`, { token: T, body: { member_ids: [M.a.id] } }), 404, 'id');
});
