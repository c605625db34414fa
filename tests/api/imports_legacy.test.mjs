// imports_legacy.test.mjs — an imported legacy member number is kept on the
// member row (one index instead of an identity row and two indexes per row),
// yet it is a bound identity like any other: listed with the member's
// identities, one number ↔ one member across both places, unbound with
// DELETE /api/member-identities/{id}, moved by a merge, removed by erasure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectError, poll, sqlite } from '../lib/server.mjs';

let s, T, F;
before(async () => {
  s = await startServer();
  F = s.foreign;
  T = await s.token('admin');
});
after(async () => { await s?.stop(); });

const upload = async (body, token = T) => {
  const r = await s.api('POST', '/api/imports/members?filename=legacy.csv', { token, body, headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 202, r.text);
  const j = (await poll(() => s.api('GET', `/api/imports/${r.json.id}`, { token }),
    (x) => x.json && x.json.status !== 'running', { what: `import ${r.json.id}` })).json;
  assert.equal(j.status, 'done', JSON.stringify(j));
  return j;
};
const byPhone = async (p) => {
  const l = (await s.api('GET', `/api/members?q=${p}`, { token: T })).json;
  assert.equal(l.total, 1, `one member for ${p}`);
  return (await s.api('GET', `/api/members/${l.items[0].id}`, { token: T })).json;
};
const bind = (id, kind, value, token = T) => s.api('POST', `/api/members/${id}/identities`, { token, body: { kind, value } });

test('an imported legacy number is an identity of the member, one number ↔ one member', async () => {
  // R002 is already bound through the API to a member the file does not name
  const j0 = await upload('phone,name\n13600000090,早绑定\n');
  assert.equal(j0.created, 1);
  const early = await byPhone('13600000090');
  assert.equal((await bind(early.id, 'legacy', 'R002')).status, 201);

  const j = await upload([
    '会员号,手机号,姓名',
    'R001,13600000001,甲', // imported with its number
    'R002,13600000002,乙', // R002 belongs to another member: imported without it
    'R001,13600000003,丙', // R001 again in the same file: imported without it
    ',13600000004,丁', // no number
  ].join('\n') + '\n');
  assert.deepEqual([j.rows, j.created, j.existing, j.duplicate], [4, 4, 0, 0]);
  assert.equal(j.invalid, 2, 'the two numbers that could not be bound are counted');

  const a = await byPhone('13600000001');
  assert.equal(a.identities.length, 1);
  const [ia] = a.identities;
  assert.deepEqual([ia.kind, ia.value], ['legacy', 'R001']);
  assert.ok(Number.isSafeInteger(ia.id) && ia.id > 0, `a usable identity id: ${ia.id}`);
  assert.equal(typeof ia.created_at, 'number');
  assert.deepEqual((await byPhone('13600000002')).identities, []);
  assert.deepEqual((await byPhone('13600000003')).identities, []);
  assert.deepEqual((await byPhone('13600000004')).identities, []);
  assert.deepEqual((await s.api('GET', `/api/members/${early.id}`, { token: T })).json.identities.map((i) => i.value), ['R002']);

  // the imported number cannot be bound to anyone else, nor twice to its member
  const b = await byPhone('13600000004');
  await expectError(await bind(b.id, 'legacy', 'R001'), 409, 'value');
  await expectError(await bind(a.id, 'legacy', 'R001'), 409, 'value');
  // the same value under another kind is another identity
  assert.equal((await bind(b.id, 'pos', 'R001')).status, 201);

  // re-importing changes nothing
  const again = await upload('会员号,手机号,姓名\nR001,13600000001,甲\n');
  assert.deepEqual([again.created, again.existing, again.invalid], [0, 1, 0]);
  assert.deepEqual((await byPhone('13600000001')).identities, a.identities);
});

test('DELETE /api/member-identities/{id} unbinds an imported number: audited, the number is free again', async () => {
  await upload('会员号,手机号\nR101,13600000101\n');
  const m = await byPhone('13600000101');
  const [id] = m.identities;
  assert.equal(id.value, 'R101');
  // another tenant and unknown ids of the same shape are 404
  await expectError(await s.api('DELETE', `/api/member-identities/${id.id}`, { token: F.token }), 404, 'id');
  await expectError(await s.api('DELETE', `/api/member-identities/${id.id + 1000000}`, { token: T }), 404, 'id');
  const del = await s.api('DELETE', `/api/member-identities/${id.id}`, { token: T });
  assert.ok([200, 204].includes(del.status), del.text);
  assert.deepEqual((await s.api('GET', `/api/members/${m.id}`, { token: T })).json.identities, []);
  await expectError(await s.api('DELETE', `/api/member-identities/${id.id}`, { token: T }), 404, 'id');
  const audit = (await s.api('GET', `/api/audit?entity=member&entity_id=${m.id}`, { token: T })).json.items;
  const un = audit.find((x) => x.action === 'member.identity_unbind');
  assert.ok(un, JSON.stringify(audit));
  assert.equal(un.before.value, 'R101');
  // free again: bound through the API to another member
  await upload('手机号\n13600000102\n');
  const n = await byPhone('13600000102');
  assert.equal((await bind(n.id, 'legacy', 'R101')).status, 201);
});

test('merge: the merged member\'s imported number moves to the survivor; erasure removes it', async () => {
  await upload('会员号,手机号\nR201,13600000201\nR202,13600000202\n');
  const a = await byPhone('13600000201');
  const e = await byPhone('13600000202');
  const r = await s.api('POST', '/api/members/merge', { token: T, body: { survivor_id: a.id, merged_id: e.id, reason: '同一人' } });
  assert.equal(r.status, 200, r.text);
  const d = (await s.api('GET', `/api/members/${a.id}`, { token: T })).json;
  assert.deepEqual(d.identities.map((i) => [i.kind, i.value]).sort(), [['legacy', 'R201'], ['legacy', 'R202']]);
  assert.deepEqual((await s.api('GET', `/api/members/${e.id}`, { token: T })).json.identities, []);
  // both numbers still belong to the survivor only
  await upload('手机号\n13600000203\n');
  const x = await byPhone('13600000203');
  for (const v of ['R201', 'R202']) await expectError(await bind(x.id, 'legacy', v), 409, 'value');

  const er = await s.api('POST', `/api/members/${a.id}/erase`, { token: T, body: { reason: '本人要求' } });
  assert.equal(er.status, 200, er.text);
  assert.deepEqual((await s.api('GET', `/api/members/${a.id}`, { token: T })).json.identities, []);
  assert.equal((await sqlite(s, `SELECT count(*) FROM members WHERE id = ${a.id} AND legacy_no IS NOT NULL`)).trim(), '0');
  for (const v of ['R201', 'R202']) assert.equal((await bind(x.id, 'legacy', v)).status, 201, `${v} is free after erasure`);
});

test('each tenant has its own legacy numbers', async () => {
  const j = await upload('会员号,手机号\nR001,13600000301\n', F.token);
  assert.deepEqual([j.created, j.invalid], [1, 0]);
});
