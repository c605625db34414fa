// idempotency.test.mjs — Invariant 5: a write retried with the same
// Idempotency-Key returns the first answer (byte for byte, with
// Idempotent-Replayed: true) and applies once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, errorShapeProblem, uniq } from '../lib/server.mjs';

let s, A, B;
before(async () => {
  s = await startServer({ foreign: false });
  A = await s.token('admin');
  B = await s.token('lumina.mgr');
});
after(async () => { await s?.stop(); });

const key = () => `idem-${uniq('')}`;
const send = (method, path, body, k, token = A) => s.api(method, path, { token, body, headers: k ? { 'idempotency-key': k } : {} });
const brandCount = async (q) => (await s.api('GET', `/api/brands?include_archived=1&q=${encodeURIComponent(q)}`, { token: A })).json.total;
const auditCount = async (q) => (await s.api('GET', `/api/audit?${q}&limit=1`, { token: A })).json.total;

test('same key + same body → the same answer byte for byte, replayed, applied once', async () => {
  const k = key();
  const code = uniq('IK');
  const body = { name: '幂等品牌', code, description: 'once' };
  const auditBefore = await auditCount('action=brand.create');
  const first = await send('POST', '/api/brands', body, k);
  assert.equal(first.status, 201, first.text);
  assert.equal(first.headers['idempotent-replayed'], undefined, 'the first answer is not a replay');
  for (let i = 0; i < 3; i++) {
    const again = await send('POST', '/api/brands', body, k);
    assert.equal(again.status, first.status);
    assert.ok(again.raw.equals(first.raw), `byte for byte:\n${first.text}\n${again.text}`);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.match(again.headers['content-type'], /^application\/json/);
  }
  assert.equal(await brandCount(code), 1, 'one brand');
  assert.equal(await auditCount('action=brand.create') - auditBefore, 1, 'one audit entry');
  assert.equal(await auditCount(`entity=brand&entity_id=${first.json.id}`), 1);
  // without the key, the same body is a new request (and conflicts)
  const nokey = await send('POST', '/api/brands', body);
  assert.equal(nokey.status, 409, nokey.text);
  assert.equal(nokey.headers['idempotent-replayed'], undefined);
});

test('the replay is the first answer even after the record changed', async () => {
  const k = key();
  const code = uniq('IC');
  const first = await send('POST', '/api/brands', { name: '先', code }, k);
  assert.equal(first.status, 201);
  const changed = await send('PATCH', `/api/brands/${first.json.id}`, { name: '后' });
  assert.equal(changed.status, 200);
  const again = await send('POST', '/api/brands', { name: '先', code }, k);
  assert.equal(again.status, 201);
  assert.equal(again.text, first.text);
  assert.equal(again.json.name, '先');
});

test('PATCH and DELETE are idempotent too', async () => {
  const b = await send('POST', '/api/brands', { name: '改', code: uniq('IP') });
  const id = b.json.id;
  const kp = key();
  const p1 = await send('PATCH', `/api/brands/${id}`, { description: 'v1' }, kp);
  assert.equal(p1.status, 200);
  const p2 = await send('PATCH', `/api/brands/${id}`, { description: 'v1' }, kp);
  assert.ok(p2.raw.equals(p1.raw));
  assert.equal(p2.headers['idempotent-replayed'], 'true');
  assert.equal(await auditCount(`entity=brand&entity_id=${id}&action=brand.update`), 1);
  const kd = key();
  const d1 = await send('DELETE', `/api/brands/${id}`, undefined, kd);
  assert.equal(d1.status, 200);
  const d2 = await send('DELETE', `/api/brands/${id}`, undefined, kd);
  assert.equal(d2.status, 200, 'a retried archive replays 200 instead of answering 409');
  assert.ok(d2.raw.equals(d1.raw));
  assert.equal(d2.headers['idempotent-replayed'], 'true');
  assert.equal(await auditCount(`entity=brand&entity_id=${id}&action=brand.archive`), 1);
  // without the key, archiving again conflicts
  assert.equal((await send('DELETE', `/api/brands/${id}`)).status, 409);
});

test('same key + different body, method or path → 422 idempotency_mismatch, nothing applied', async () => {
  const k = key();
  const code = uniq('IM');
  const first = await send('POST', '/api/brands', { name: 'm', code }, k);
  assert.equal(first.status, 201);
  const code2 = uniq('IM');
  for (const [method, path, body] of [
    ['POST', '/api/brands', { name: 'm', code: code2 }],
    ['POST', '/api/brands', { name: 'm2', code }],
    ['POST', '/api/brands', { code, name: 'm' }], // same fields, other order: other bytes
    ['PATCH', `/api/brands/${first.json.id}`, { name: 'm' }],
    ['POST', '/api/staff', { name: 'm', store_id: 1 }],
  ]) {
    const r = await send(method, path, body, k);
    assert.equal(r.status, 422, `${method} ${path} ${JSON.stringify(body)}: ${r.text}`);
    assert.equal(errorShapeProblem(r), null);
    assert.equal(r.json.error.code, 'idempotency_mismatch');
    assert.notEqual(r.headers['idempotent-replayed'], 'true');
  }
  assert.equal(await brandCount(code2), 0, 'the mismatched request was not applied');
  assert.equal((await s.api('GET', `/api/brands/${first.json.id}`, { token: A })).json.name, 'm');
  assert.equal((await s.api('GET', '/api/staff?store_id=1', { token: A })).json.total, 2);
  // the original still replays
  const again = await send('POST', '/api/brands', { name: 'm', code }, k);
  assert.equal(again.status, 201);
  assert.ok(again.raw.equals(first.raw));
});

test('keys are per principal: another account with the same key is independent', async () => {
  const k = key();
  const b1 = await send('POST', '/api/stores', { name: '甲', retailer: 'r', city_code: '310100', counter_code: uniq('P'), brand_ids: [1] }, k, A);
  assert.equal(b1.status, 201, b1.text);
  const b2 = await send('POST', '/api/stores', { name: '乙', retailer: 'r', city_code: '310100', counter_code: uniq('P'), brand_ids: [1] }, k, B);
  assert.equal(b2.status, 201, `another principal's same key is a new request: ${b2.text}`);
  assert.equal(b2.headers['idempotent-replayed'], undefined);
  assert.notEqual(b2.json.id, b1.json.id);
  // and the same body from the other principal is applied for it, not replayed from the first
  const k2 = key();
  const body = { name: '丙', retailer: 'r', city_code: '310100', counter_code: uniq('P'), brand_ids: [1] };
  const c1 = await send('POST', '/api/stores', body, k2, A);
  assert.equal(c1.status, 201);
  const c2 = await send('POST', '/api/stores', body, k2, B);
  assert.equal(c2.status, 409, `B's request ran (and met A's counter code): ${c2.text}`);
  assert.equal(c2.json.error.field, 'counter_code');
  // each principal's own retry replays its own answer
  const c1r = await send('POST', '/api/stores', body, k2, A);
  assert.ok(c1r.raw.equals(c1.raw));
  const c2r = await send('POST', '/api/stores', body, k2, B);
  assert.ok(c2r.raw.equals(c2.raw));
  assert.equal(c2r.headers['idempotent-replayed'], 'true');
  // a new session of the same account shares its keys (keys belong to the account, not the session)
  const A2 = await s.login('admin');
  const c1s = await send('POST', '/api/stores', body, k2, A2);
  assert.ok(c1s.raw.equals(c1.raw));
  assert.equal(c1s.headers['idempotent-replayed'], 'true');
});

test('4xx answers of the write are replayed too', async () => {
  // a conflict answer is stored with the key: after the conflicting code is freed,
  // a retry still gets the stored 409 and creates nothing
  const holder = await send('POST', '/api/brands', { name: 'holder', code: uniq('H') });
  assert.equal(holder.status, 201);
  const taken = holder.json.code;
  const k = key();
  const first = await send('POST', '/api/brands', { name: 'late', code: taken }, k);
  assert.equal(first.status, 409, first.text);
  assert.equal(first.json.error.field, 'code');
  assert.equal((await send('PATCH', `/api/brands/${holder.json.id}`, { code: uniq('H') })).status, 200);
  const again = await send('POST', '/api/brands', { name: 'late', code: taken }, k);
  assert.equal(again.status, 409);
  assert.ok(again.raw.equals(first.raw), 'the stored 409 byte for byte');
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.equal(await brandCount(taken), 0, 'nothing created by the retry');
  // a 400 decided inside the write (unknown brand) is replayed as well
  const k2 = key();
  const bad = { name: 'x', retailer: 'r', city_code: '310100', counter_code: uniq('Q'), brand_ids: [987654] };
  const b400 = await send('POST', '/api/stores', bad, k2);
  assert.equal(b400.status, 400, b400.text);
  assert.equal(b400.json.error.field, 'brand_ids');
  const b400r = await send('POST', '/api/stores', bad, k2);
  assert.equal(b400r.status, 400);
  assert.ok(b400r.raw.equals(b400.raw));
  assert.equal(b400r.headers['idempotent-replayed'], 'true');
  const b422 = await send('POST', '/api/stores', { ...bad, counter_code: uniq('Q') }, k2);
  assert.equal(b422.status, 422, 'a different body with that key → mismatch');
});

test('20 concurrent requests with the same key and body → one brand, 20 identical answers', async () => {
  const k = key();
  const code = uniq('CC');
  const body = { name: '并发品牌', code };
  const auditBefore = await auditCount('action=brand.create');
  const answers = await Promise.all(Array.from({ length: 20 }, () => send('POST', '/api/brands', body, k)));
  const statuses = answers.map((r) => r.status);
  assert.deepEqual(statuses, Array(20).fill(201), `statuses: ${statuses}`);
  for (const r of answers) assert.ok(r.raw.equals(answers[0].raw), `identical bodies:\n${answers[0].text}\n${r.text}`);
  const replayed = answers.filter((r) => r.headers['idempotent-replayed'] === 'true').length;
  assert.equal(replayed, 19, 'all but one are replays');
  assert.equal(await brandCount(code), 1, 'exactly one brand created');
  assert.equal(await auditCount('action=brand.create') - auditBefore, 1, 'one audit entry');
});

test('20 concurrent requests with the same key but different bodies → one applied, the others 422', async () => {
  const k = key();
  const codes = Array.from({ length: 20 }, () => uniq('DB'));
  const answers = await Promise.all(codes.map((code) => send('POST', '/api/brands', { name: 'd', code }, k)));
  const ok = answers.filter((r) => r.status === 201);
  const mismatch = answers.filter((r) => r.status === 422 && r.json?.error?.code === 'idempotency_mismatch');
  assert.equal(ok.length, 1, `statuses: ${answers.map((r) => r.status)}`);
  assert.equal(mismatch.length, 19);
  let created = 0;
  for (const c of codes) created += await brandCount(c);
  assert.equal(created, 1);
});

test('routes without idempotency (login) ignore the key', async () => {
  const k = key();
  const l1 = await s.api('POST', '/api/auth/login', { body: { login: 'ba005', password: 'huohua123' }, headers: { 'idempotency-key': k } });
  const l2 = await s.api('POST', '/api/auth/login', { body: { login: 'ba005', password: 'huohua123' }, headers: { 'idempotency-key': k } });
  assert.equal(l1.status, 200);
  assert.equal(l2.status, 200);
  assert.notEqual(l1.json.token, l2.json.token, 'each login makes its own session');
  assert.equal(l2.headers['idempotent-replayed'], undefined);
});
