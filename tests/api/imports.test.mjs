// imports.test.mjs — legacy member import (SPEC §3.2: dedupe by phone,
// invalid rows reported by line, progress, safe to re-run) and the lifecycle
// settings that decide who is dormant; an imported member without activity is
// dormant, and one who signs in again is *reactivated*, not new.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, expectError, errorTable, poll, memberLogin, counterCode, sqlite,
} from '../lib/server.mjs';

let s, T, F, tok;
before(async () => {
  s = await startServer();
  F = s.foreign;
  T = await s.token('admin');
  tok = { foreign: F.token };
  for (const l of ['lumina.mgr', 'ba001']) tok[l] = await s.token(l);
});
after(async () => { await s?.stop(); });

const CSV = [
  '手机号,姓名,性别,生日,城市代码,会员号,注册时间', // line 1
  '13500000001,赵一,女,1990-01-01,310100,L001,2020-01-01 10:00:00', // 2
  '13500000002,钱二,,,,L002,', // 3
  '12345,坏号,,,,,', // 4 invalid
  '13500000001,重复,,,,,', // 5 duplicate of line 2
  '021-68888888,座机,,,,,', // 6 landline
  'abcdefghijk,字母,,,,,', // 7 invalid
  '+86 135 0000 0003,孙三,male,,,,', // 8
  '8613500000004,李四,m,1985-13-40,999,,', // 9 (bad birthday and city are dropped, the member kept)
  ',没号码,,,,,', // 10 missing phone
].join('\n') + '\n';

const upload = (body, { token = T, type = 'text/csv', qs = '?filename=legacy.csv' } = {}) =>
  s.api('POST', `/api/imports/members${qs}`, { token, body, headers: { 'content-type': type } });
const waitJob = (id, token = T) => poll(() => s.api('GET', `/api/imports/${id}`, { token }),
  (r) => r.json && r.json.status !== 'running', { what: `import ${id}` });
const memberCount = async () => (await s.api('GET', '/api/overview', { token: T })).json.members;
const byPhone = async (p) => {
  const l = (await s.api('GET', `/api/members?q=${p}`, { token: T })).json;
  assert.equal(l.total, 1, `one member for ${p}`);
  return (await s.api('GET', `/api/members/${l.items[0].id}`, { token: T })).json;
};

let job1;
test('import a CSV with Chinese headers: 202, progress, exact counts', async () => {
  const before = await memberCount();
  const r = await upload(CSV);
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.kind, 'members');
  assert.equal(r.json.filename, 'legacy.csv');
  assert.equal(r.json.bytes_total, Buffer.byteLength(CSV));
  assert.ok(['running', 'done'].includes(r.json.status));
  const j = (await waitJob(r.json.id)).json;
  job1 = j;
  assert.equal(j.status, 'done', JSON.stringify(j));
  assert.equal(j.rows, 9);
  assert.equal(j.created, 4);
  assert.equal(j.existing, 0);
  assert.equal(j.duplicate, 1);
  assert.equal(j.invalid, 4);
  assert.equal(j.error, null);
  assert.ok(j.finished_at >= j.created_at);
  assert.equal(await memberCount(), before + 4);
  const list = (await s.api('GET', '/api/imports', { token: T })).json;
  assert.ok(list.items.some((x) => x.id === j.id));
});

test('imported members: fields, legacy number, registration time, dormant', async () => {
  const a = await byPhone('13500000001');
  assert.equal(a.name, '赵一');
  assert.equal(a.gender, 'female');
  assert.equal(a.birthday, '1990-01-01');
  assert.equal(a.city_code, '310100');
  assert.equal(a.registered_via, 'import');
  assert.equal(a.created_at, Date.UTC(2020, 0, 1, 2, 0, 0), '10:00 China time');
  assert.equal(a.last_active_at, null);
  assert.equal(a.lifecycle, 'dormant');
  assert.equal(a.owner_staff_id, null);
  assert.deepEqual(a.identities.map((i) => [i.kind, i.value]), [['legacy', 'L001']]);
  const d = await byPhone('13500000004');
  assert.equal(d.gender, 'male');
  assert.equal(d.birthday, null);
  assert.equal(d.city_code, null);
  assert.equal((await byPhone('13500000003')).name, '孙三');
  const dormant = (await s.api('GET', '/api/members?lifecycle=dormant&limit=500', { token: T })).json;
  assert.equal(dormant.total, 4);
});

test('errors.csv lists the rows not imported with their line numbers', async () => {
  const r = await s.api('GET', `/api/imports/${job1.id}/errors.csv`, { token: T });
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/csv/);
  const lines = r.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(lines[0], 'line,reason,content');
  const rows = lines.slice(1);
  assert.equal(rows.length, 5);
  const nums = rows.map((l) => Number(l.split(',')[0]));
  assert.deepEqual(nums, [4, 5, 6, 7, 10]);
  assert.match(rows[1], /duplicate of line 2/);
  assert.match(rows[2], /not a mobile/);
  assert.ok(rows[0].includes('12345'), 'the content of the row');
});

test('importing the same file again changes nothing', async () => {
  const before = await memberCount();
  const a = await byPhone('13500000001');
  const r = await upload(CSV, { qs: '' });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.filename, 'members.csv', 'default file name');
  const j = (await waitJob(r.json.id)).json;
  assert.equal(j.status, 'done');
  assert.equal(j.created, 0);
  assert.equal(j.existing, job1.created);
  assert.equal(j.duplicate, 1);
  assert.equal(j.invalid, 4);
  assert.equal(await memberCount(), before);
  const a2 = await byPhone('13500000001');
  assert.deepEqual({ ...a2 }, { ...a }, 'the member is unchanged');
});

test('an existing live member is left unchanged by an import', async () => {
  const code = await counterCode(s, tok.ba001, '13500000009');
  const reg = await s.api('POST', '/api/counter/register', { token: tok.ba001, body: { phone: '13500000009', code, name: '柜台人' } });
  assert.equal(reg.status, 201, reg.text);
  const r = await upload('phone,name,gender\n13500000009,导入名,female\n', { qs: '?filename=one.csv' });
  const j = (await waitJob(r.json.id)).json;
  assert.deepEqual([j.created, j.existing, j.rows], [0, 1, 1]);
  const m = await byPhone('13500000009');
  assert.equal(m.name, '柜台人');
  assert.equal(m.registered_via, 'counter');
});

test('upload errors: content type 415, empty 400, auth 401, staff 403, other tenants 404', async (t) => {
  const fjob = await upload('手机号\n13500000031\n', { token: tok.foreign });
  assert.equal(fjob.status, 202, fjob.text);
  await waitJob(fjob.json.id, tok.foreign);
  await errorTable(t, s, T, [
    ['JSON content type', 'POST', '/api/imports/members', CSV, 415, undefined, { headers: { 'content-type': 'application/json' }, code: 'unsupported_media_type' }],
    ['text/plain', 'POST', '/api/imports/members', CSV, 415, undefined, { headers: { 'content-type': 'text/plain' } }],
    ['no content type', 'POST', '/api/imports/members', CSV, 415, undefined, { headers: { 'content-type': null } }],
    ['empty file', 'POST', '/api/imports/members', '', 400, undefined, { headers: { 'content-type': 'text/csv' } }],
    ['no auth', 'POST', '/api/imports/members', CSV, 401, undefined, { token: null, headers: { 'content-type': 'text/csv' } }],
    ['staff', 'POST', '/api/imports/members', CSV, 403, undefined, { token: tok.ba001, headers: { 'content-type': 'text/csv' } }],
    ['staff list', 'GET', '/api/imports', undefined, 403, undefined, { token: tok.ba001 }],
    ['unknown job', 'GET', '/api/imports/999999', undefined, 404, 'id'],
    ['unknown job errors', 'GET', '/api/imports/999999/errors.csv', undefined, 404],
    ['another tenant\'s job', 'GET', `/api/imports/${fjob.json.id}`, undefined, 404, 'id'],
    ['another tenant\'s errors', 'GET', `/api/imports/${fjob.json.id}/errors.csv`, undefined, 404],
    ['our job read by another tenant', 'GET', `/api/imports/${job1.id}`, undefined, 404, 'id', { token: tok.foreign }],
  ]);
  const fl = (await s.api('GET', '/api/imports', { token: tok.foreign })).json;
  assert.deepEqual(fl.items.map((x) => x.id), [fjob.json.id]);
  assert.equal((await s.api('GET', '/api/members?q=13500000031', { token: T })).json.total, 0, 'imported into the other tenant only');
});

test('a BOM, CRLF line ends, quoted fields and English headers are understood', async () => {
  const body = '\uFEFFPhone,Name,Gender,Legacy_No\r\n"13500000051","钱, 五",F,L051\r\n13500000052,"说""好""",male,\r\n';
  const r = await upload(body, { qs: '?filename=excel.csv' });
  assert.equal(r.status, 202, r.text);
  const j = (await waitJob(r.json.id)).json;
  assert.equal(j.status, 'done');
  assert.deepEqual([j.rows, j.created, j.invalid, j.duplicate], [2, 2, 0, 0]);
  const a = await byPhone('13500000051');
  assert.equal(a.name, '钱, 五');
  assert.equal(a.gender, 'female');
  assert.deepEqual(a.identities.map((i) => i.value), ['L051']);
  assert.equal((await byPhone('13500000052')).name, '说"好"');
});

test('a file without a phone column fails or reports every row', async () => {
  const r = await upload('name,gender\n甲,男\n乙,女\n');
  assert.equal(r.status, 202, r.text);
  const j = (await waitJob(r.json.id)).json;
  assert.equal(j.created, 0);
  if (j.status === 'done') assert.equal(j.invalid, 2);
  else assert.ok(j.error, 'a failed job says why');
});

test('lifecycle settings: defaults, owner-only PUT with validation, audited', async (t) => {
  const g = await s.api('GET', '/api/settings/lifecycle', { token: T });
  assert.equal(g.status, 200);
  assert.deepEqual(g.json, { new_days: 30, dormant_days: 90, churn_days: 365, reactivated_days: 30 });
  assert.equal((await s.api('GET', '/api/settings/lifecycle', { token: tok['lumina.mgr'] })).status, 200);
  const P = '/api/settings/lifecycle';
  const ok = { new_days: 30, dormant_days: 90, churn_days: 365, reactivated_days: 30 };
  await errorTable(t, s, T, [
    ['dormant = churn', 'PUT', P, { ...ok, dormant_days: 100, churn_days: 100 }, 400, 'churn_days'],
    ['dormant > churn', 'PUT', P, { ...ok, dormant_days: 200, churn_days: 100 }, 400, 'churn_days'],
    ['new > dormant', 'PUT', P, { ...ok, new_days: 120 }, 400, 'new_days'],
    ['missing field', 'PUT', P, { new_days: 30, dormant_days: 90, churn_days: 365 }, 400, 'reactivated_days'],
    ['zero', 'PUT', P, { ...ok, new_days: 0 }, 400, 'new_days'],
    ['too big', 'PUT', P, { ...ok, churn_days: 3651 }, 400, 'churn_days'],
    ['a string', 'PUT', P, { ...ok, dormant_days: '90' }, 400, 'dormant_days'],
    ['a float', 'PUT', P, { ...ok, dormant_days: 90.5 }, 400, 'dormant_days'],
    ['unknown field', 'PUT', P, { ...ok, rfm: 1 }, 400, 'rfm'],
    ['malformed', 'PUT', P, '{', 400, null, { code: 'malformed_json' }],
    ['brand manager', 'PUT', P, ok, 403, undefined, { token: tok['lumina.mgr'] }],
    ['staff', 'PUT', P, ok, 403, undefined, { token: tok.ba001 }],
    ['no auth', 'GET', P, undefined, 401, undefined, { token: null }],
  ]);
  // an active member 100 days quiet is dormant by default, active with longer thresholds
  const code = await counterCode(s, tok.ba001, '13500000041');
  const m = (await s.api('POST', '/api/counter/register', { token: tok.ba001, body: { phone: '13500000041', code } })).json.member;
  const ago = Date.now() - 100 * 86400_000;
  await sqlite(s, `UPDATE members SET created_at = ${ago - 86400_000}, last_active_at = ${ago} WHERE id = ${m.id}`);
  assert.equal((await s.api('GET', `/api/members/${m.id}`, { token: T })).json.lifecycle, 'dormant');
  const put = await s.api('PUT', P, { token: T, body: { new_days: 10, dormant_days: 120, churn_days: 400, reactivated_days: 7 } });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json, { new_days: 10, dormant_days: 120, churn_days: 400, reactivated_days: 7 });
  assert.deepEqual((await s.api('GET', P, { token: T })).json, put.json);
  assert.equal((await s.api('GET', `/api/members/${m.id}`, { token: T })).json.lifecycle, 'active');
  assert.ok((await s.api('GET', `/api/members?lifecycle=active&q=13500000041`, { token: T })).json.total === 1);
  // the other tenant keeps its defaults
  assert.deepEqual((await s.api('GET', P, { token: tok.foreign })).json, ok);
  const audit = (await s.api('GET', '/api/audit?limit=500', { token: T })).json.items;
  assert.ok(audit.some((a) => a.action === 'settings.lifecycle'));
  assert.equal((await s.api('PUT', P, { token: T, body: ok })).status, 200);
});

test('a dormant imported member who signs in is reactivated (login answer and timeline)', async () => {
  const m = await byPhone('13500000002');
  assert.equal(m.lifecycle, 'dormant');
  const r = await memberLogin(s, '13500000002');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, false);
  assert.equal(r.json.reactivated, true);
  assert.equal(r.json.member.id, m.id);
  const d = (await s.api('GET', `/api/members/${m.id}`, { token: T })).json;
  assert.equal(d.lifecycle, 'reactivated');
  assert.ok(d.reactivated_at > 0);
  const tl = (await s.api('GET', `/api/members/${m.id}/timeline`, { token: T })).json.items;
  assert.ok(tl.some((x) => x.type === 'event' && x.kind === 'member.reactivated'), JSON.stringify(tl));
  // the next sign-in is a plain one
  const again = await memberLogin(s, '13500000002');
  assert.equal(again.json.reactivated, false);
  assert.equal(again.json.created, false);
});

test('a dormant imported member recognised at the counter: 200, reactivated, owned by that promoter', async () => {
  const m = await byPhone('13500000003');
  const code = await counterCode(s, tok.ba001, '13500000003');
  const r = await s.api('POST', '/api/counter/register', { token: tok.ba001, body: { phone: '13500000003', code } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, false);
  assert.equal(r.json.reactivated, true);
  assert.equal(r.json.member.id, m.id);
  assert.equal(r.json.member.owner_staff_id, 1, 'an unowned member gets the promoter as first owner');
  assert.equal(r.json.member.lifecycle, 'reactivated');
});
