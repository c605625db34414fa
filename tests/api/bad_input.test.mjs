// bad_input.test.mjs — Invariant 8: bad input gets a 4xx with a JSON error of
// the one shape ({"error":{"code","message","field?"}}) naming the field; it
// never crashes the server (no 5xx, server healthy afterwards).
//
// One TABLE per endpoint: [name, request, expected status, expected field,
// expected code]. field undefined = not checked, null = must be absent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, errorShapeProblem, uniq, PASSWORD } from '../lib/server.mjs';

let s, T, TPW;
const MiB = 1024 * 1024;
before(async () => {
  s = await startServer({ foreign: false });
  T = await s.token('admin');
  TPW = await s.token('ba039');
});
after(async () => { await s?.stop(); });

const zh = (n) => '品'.repeat(n);          // n characters, 3n bytes
const ascii = (n) => 'a'.repeat(n);
const with_ = (o, k, v) => ({ ...o, [k]: v });
const without = (o, k) => { const c = { ...o }; delete c[k]; return c; };

// A row: { name, method, path, body?, headers?, token?, chunked?, agent?, status, field, code, allow? }
function row(name, method, path, req, status, field, code) {
  return { name, method, path, ...req, status, field, code };
}

/** Run a table of rows as subtests; every answer must be a well-formed error (unless 2xx expected) and never 5xx. */
async function runTable(t, rows) {
  for (const r of rows) {
    await t.test(`${r.method} ${r.path.slice(0, 60)} — ${r.name}`, async () => {
      const token = r.token === undefined ? T : r.token;
      let res;
      for (let attempt = 1; ; attempt++) {
        try {
          res = await s.api(r.method, r.path, { token, body: r.body, headers: r.headers, chunked: r.chunked, agent: r.agent });
          break;
        } catch (e) {
          // a server that answers 413 early and closes may reset the upload before the
          // client reads the answer (a client-side race): try again a few times
          if (!r.retryOnReset || attempt >= 6 || !['ECONNRESET', 'EPIPE'].includes(e.code)) throw e;
        }
      }
      assert.ok(res.status < 500, `never 5xx: ${res.status} ${res.text}`);
      assert.equal(res.status, r.status, `status: ${res.text.slice(0, 300)}`);
      if (res.status >= 400) {
        assert.equal(errorShapeProblem(res), null, `error shape: ${res.text.slice(0, 300)}`);
        if (r.field !== undefined) assert.equal(res.json.error.field, r.field ?? undefined, `field: ${res.text.slice(0, 300)}`);
        if (r.code) assert.equal(res.json.error.code, r.code, `code: ${res.text.slice(0, 300)}`);
      }
      if (r.allow) assert.equal(res.headers.allow, r.allow, 'Allow header');
    });
  }
}

// ---- shared generic rows for every JSON write endpoint
function genericBodyRows(method, path, valid, { token } = {}) {
  const tk = token === undefined ? {} : { token };
  return [
    row('malformed JSON', method, path, { ...tk, body: '{"name":' }, 400, null, 'malformed_json'),
    row('trailing garbage', method, path, { ...tk, body: JSON.stringify(valid) + 'x' }, 400, null, 'malformed_json'),
    row('JSON array instead of object', method, path, { ...tk, body: JSON.stringify([valid]) }, 400, null, 'malformed_json'),
    row('JSON string', method, path, { ...tk, body: '"hello"' }, 400, null, 'malformed_json'),
    row('JSON number', method, path, { ...tk, body: '42' }, 400, null, 'malformed_json'),
    row('JSON null', method, path, { ...tk, body: 'null' }, 400, null, 'malformed_json'),
    row('empty body', method, path, { ...tk, body: '' }, 400, null, 'malformed_json'),
    row('duplicate keys', method, path, { ...tk, body: '{"a":1,"a":2}' }, 400, null, 'malformed_json'),
    row('invalid UTF-8', method, path, { ...tk, body: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]) }, 400, null, 'malformed_json'),
    row('raw control character in a string', method, path, { ...tk, body: '{"name":"a\u0001b"}' }, 400, null, 'malformed_json'),
    row('nested 100000 deep', method, path, { ...tk, body: '['.repeat(100000) + ']'.repeat(100000) }, 400, null, 'malformed_json'),
    row('unknown field', method, path, { ...tk, body: with_(valid, 'bogus_field', 1) }, 400, 'bogus_field', 'invalid'),
    row('Content-Type text/plain', method, path, { ...tk, body: JSON.stringify(valid), headers: { 'content-type': 'text/plain' } }, 415, null, 'unsupported_media_type'),
    row('no Content-Type', method, path, { ...tk, body: JSON.stringify(valid), headers: { 'content-type': null } }, 415, null, 'unsupported_media_type'),
    row('form-encoded', method, path, { ...tk, body: 'name=x&code=y', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, null, 'unsupported_media_type'),
    { ...row('body over 1 MiB (Content-Length)', method, path, { ...tk, body: JSON.stringify({ name: 'x'.repeat(MiB) }), agent: false }, 413, null, 'too_large'), retryOnReset: true },
    row('body over 1 MiB (Expect: 100-continue)', method, path, { ...tk, body: JSON.stringify({ name: 'x'.repeat(MiB) }), agent: false, headers: { expect: '100-continue' } }, 413, null, 'too_large'),
    row('body of exactly 1 MiB is read (then judged)', method, path, { ...tk, body: JSON.stringify({ name: 'x'.repeat(MiB - 11) }) }, 400, undefined), // 1 048 576 bytes: within the limit
    row('body over 1 MiB (chunked)', method, path, { ...tk, body: JSON.stringify({ name: 'x'.repeat(MiB) }), chunked: true, agent: false }, 413, null, 'too_large'),
  ];
}

function idemRows(method, path, valid) {
  return [
    row('Idempotency-Key 129 characters', method, path, { body: valid, headers: { 'idempotency-key': 'k'.repeat(129) } }, 400, 'Idempotency-Key', 'invalid'),
    row('Idempotency-Key with a space', method, path, { body: valid, headers: { 'idempotency-key': 'a b' } }, 400, 'Idempotency-Key', 'invalid'),
    row('Idempotency-Key non-ASCII', method, path, { body: valid, headers: { 'idempotency-key': 'clé' } }, 400, 'Idempotency-Key', 'invalid'),
  ];
}

test('POST /api/brands', async (t) => {
  const P = '/api/brands';
  const v = { name: '品牌', code: 'OKCODE' };
  await runTable(t, [
    ...genericBodyRows('POST', P, v),
    ...idemRows('POST', P, { name: 'x', code: uniq('K') }),
    row('name: number', 'POST', P, { body: with_(v, 'name', 12) }, 400, 'name', 'invalid'),
    row('name: array', 'POST', P, { body: with_(v, 'name', ['a']) }, 400, 'name', 'invalid'),
    row('name: object', 'POST', P, { body: with_(v, 'name', { a: 1 }) }, 400, 'name', 'invalid'),
    row('name: boolean', 'POST', P, { body: with_(v, 'name', true) }, 400, 'name', 'invalid'),
    row('code: number', 'POST', P, { body: with_(v, 'code', 123) }, 400, 'code', 'invalid'),
    row('description: number', 'POST', P, { body: { ...v, code: uniq('D'), description: 5 } }, 400, 'description', 'invalid'),
    row('missing name', 'POST', P, { body: without(v, 'name') }, 400, 'name', 'invalid'),
    row('missing code', 'POST', P, { body: without(v, 'code') }, 400, 'code', 'invalid'),
    row('name: null', 'POST', P, { body: with_(v, 'name', null) }, 400, 'name', 'invalid'),
    row('empty body object', 'POST', P, { body: {} }, 400, 'name', 'invalid'),
    row('name: empty', 'POST', P, { body: with_(v, 'name', '') }, 400, 'name', 'invalid'),
    row('name: blanks only', 'POST', P, { body: with_(v, 'name', ' \t\n ') }, 400, 'name', 'invalid'),
    row('code: empty', 'POST', P, { body: with_(v, 'code', '') }, 400, 'code', 'invalid'),
    row('name: 65 Chinese characters', 'POST', P, { body: { name: zh(65), code: uniq('L') } }, 400, 'name', 'invalid'),
    row('name: 64 Chinese characters is fine', 'POST', P, { body: { name: zh(64), code: uniq('L') } }, 201),
    row('code: 33 characters', 'POST', P, { body: with_(v, 'code', 'C'.repeat(33)) }, 400, 'code', 'invalid'),
    row('description: 501 Chinese characters', 'POST', P, { body: { name: 'x', code: uniq('L'), description: zh(501) } }, 400, 'description', 'invalid'),
    row('description: 500 Chinese characters is fine', 'POST', P, { body: { name: 'x', code: uniq('L'), description: zh(500) } }, 201),
    row('code: Chinese', 'POST', P, { body: with_(v, 'code', '品牌编码') }, 400, 'code', 'invalid'),
    row('code: space', 'POST', P, { body: with_(v, 'code', 'A B') }, 400, 'code', 'invalid'),
    row('code: slash', 'POST', P, { body: with_(v, 'code', 'A/B') }, 400, 'code', 'invalid'),
    row('name: NUL character (\\u0000)', 'POST', P, { body: { name: 'a\u0000b', code: uniq('N') } }, 400, 'name', 'invalid'),
    row('name: control character (\\u0001)', 'POST', P, { body: { name: 'a\u0001b', code: uniq('N') } }, 400, 'name', 'invalid'),
    row('name: escape character (\\u001b)', 'POST', P, { body: { name: '\u001b[31mred', code: uniq('N') } }, 400, 'name', 'invalid'),
    row('code: duplicate (LUMINA)', 'POST', P, { body: { name: 'dup', code: 'LUMINA' } }, 409, 'code', 'conflict'),
    row('no session', 'POST', P, { body: v, token: null }, 401, undefined, 'unauthenticated'),
    row('bad bearer token', 'POST', P, { body: v, token: 'x'.repeat(64) }, 401, undefined, 'unauthenticated'),
  ]);
});

test('PATCH and DELETE /api/brands/{id}', async (t) => {
  await runTable(t, [
    ...genericBodyRows('PATCH', '/api/brands/2', { description: 'x' }),
    ...idemRows('PATCH', '/api/brands/2', { description: 'x' }),
    row('nothing to change', 'PATCH', '/api/brands/2', { body: {} }, 400, null, 'invalid'),
    row('name: empty', 'PATCH', '/api/brands/2', { body: { name: '' } }, 400, 'name', 'invalid'),
    row('name: null only', 'PATCH', '/api/brands/2', { body: { name: null } }, 400, null, 'invalid'),
    row('name: 65 Chinese characters', 'PATCH', '/api/brands/2', { body: { name: zh(65) } }, 400, 'name', 'invalid'),
    row('code: duplicate', 'PATCH', '/api/brands/2', { body: { code: 'LUMINA' } }, 409, 'code', 'conflict'),
    row('unknown id', 'PATCH', '/api/brands/999999', { body: { name: 'x' } }, 404, 'id', 'not_found'),
    row('non-numeric id', 'PATCH', '/api/brands/abc', { body: { name: 'x' } }, 404, 'id', 'not_found'),
    row('zero id', 'GET', '/api/brands/0', {}, 404, 'id', 'not_found'),
    row('negative id', 'GET', '/api/brands/-1', {}, 404, 'id', 'not_found'),
    row('float id', 'GET', '/api/brands/1.5', {}, 404, 'id', 'not_found'),
    row('exponent id', 'GET', '/api/brands/1e3', {}, 404, 'id', 'not_found'),
    row('huge id', 'GET', '/api/brands/99999999999999999999999', {}, 404, 'id', 'not_found'),
    row('id with a plus', 'GET', '/api/brands/+1', {}, 404, 'id', 'not_found'),
    row('id with encoded space', 'GET', '/api/brands/%201', {}, 404, undefined, 'not_found'),
    row('id with encoded NUL', 'GET', '/api/brands/%00', {}, 404, undefined, 'not_found'),
    row('very long id', 'GET', `/api/brands/${'9'.repeat(300)}`, {}, 404, undefined, 'not_found'),
    row('unknown id', 'GET', '/api/brands/999999', {}, 404, 'id', 'not_found'),
    row('unknown id', 'DELETE', '/api/brands/999999', {}, 404, 'id', 'not_found'),
    row('non-numeric id', 'DELETE', '/api/brands/x1', {}, 404, 'id', 'not_found'),
  ]);
});

test('POST /api/stores', async (t) => {
  const P = '/api/stores';
  const v = { name: '门店', retailer: '零售商', city_code: '310100', counter_code: 'OKC', brand_ids: [1] };
  const ids65 = Array.from({ length: 65 }, (_, i) => i + 1);
  await runTable(t, [
    ...genericBodyRows('POST', P, v),
    ...idemRows('POST', P, { ...v, counter_code: uniq('K') }),
    row('missing name', 'POST', P, { body: without(v, 'name') }, 400, 'name', 'invalid'),
    row('missing retailer', 'POST', P, { body: without(v, 'retailer') }, 400, 'retailer', 'invalid'),
    row('missing city_code', 'POST', P, { body: without(v, 'city_code') }, 400, 'city_code', 'invalid'),
    row('missing counter_code', 'POST', P, { body: without(v, 'counter_code') }, 400, 'counter_code', 'invalid'),
    row('missing brand_ids', 'POST', P, { body: without(v, 'brand_ids') }, 400, 'brand_ids', 'invalid'),
    row('retailer: empty', 'POST', P, { body: with_(v, 'retailer', '') }, 400, 'retailer', 'invalid'),
    row('name: 65 Chinese characters', 'POST', P, { body: with_(v, 'name', zh(65)) }, 400, 'name', 'invalid'),
    row('retailer: 65 Chinese characters', 'POST', P, { body: with_(v, 'retailer', zh(65)) }, 400, 'retailer', 'invalid'),
    row('address: 201 Chinese characters', 'POST', P, { body: with_(v, 'address', zh(201)) }, 400, 'address', 'invalid'),
    row('address: 200 Chinese characters is fine', 'POST', P, { body: { ...v, address: zh(200), counter_code: uniq('A') } }, 201),
    row('counter_code: 33 characters', 'POST', P, { body: with_(v, 'counter_code', 'C'.repeat(33)) }, 400, 'counter_code', 'invalid'),
    row('counter_code: Chinese', 'POST', P, { body: with_(v, 'counter_code', '柜台一') }, 400, 'counter_code', 'invalid'),
    row('counter_code: duplicate (C001)', 'POST', P, { body: with_(v, 'counter_code', 'C001') }, 409, 'counter_code', 'conflict'),
    row('name: number', 'POST', P, { body: with_(v, 'name', 7) }, 400, 'name', 'invalid'),
    row('name: control character', 'POST', P, { body: with_(v, 'name', 'a\u0007b') }, 400, 'name', 'invalid'),
    row('city_code: number', 'POST', P, { body: with_(v, 'city_code', 310100) }, 400, 'city_code', 'invalid'),
    row('city_code: unknown 999999', 'POST', P, { body: with_(v, 'city_code', '999999') }, 400, 'city_code', 'invalid'),
    row('city_code: province 310000', 'POST', P, { body: with_(v, 'city_code', '310000') }, 400, 'city_code', 'invalid'),
    row('city_code: 5 digits', 'POST', P, { body: with_(v, 'city_code', '31010') }, 400, 'city_code', 'invalid'),
    row('city_code: 7 digits', 'POST', P, { body: with_(v, 'city_code', '3101000') }, 400, 'city_code', 'invalid'),
    row('city_code: letters', 'POST', P, { body: with_(v, 'city_code', 'abcdef') }, 400, 'city_code', 'invalid'),
    row('city_code: full-width digits', 'POST', P, { body: with_(v, 'city_code', '３１０１００') }, 400, 'city_code', 'invalid'),
    row('city_code: name instead of code', 'POST', P, { body: with_(v, 'city_code', '上海市') }, 400, 'city_code', 'invalid'),
    row('brand_ids: not an array (number)', 'POST', P, { body: with_(v, 'brand_ids', 1) }, 400, 'brand_ids', 'invalid'),
    row('brand_ids: not an array (string)', 'POST', P, { body: with_(v, 'brand_ids', '1') }, 400, 'brand_ids', 'invalid'),
    row('brand_ids: object', 'POST', P, { body: with_(v, 'brand_ids', { 0: 1 }) }, 400, 'brand_ids', 'invalid'),
    row('brand_ids: empty', 'POST', P, { body: with_(v, 'brand_ids', []) }, 400, 'brand_ids', 'invalid'),
    row('brand_ids: zero', 'POST', P, { body: with_(v, 'brand_ids', [0]) }, 400, 'brand_ids', 'invalid'),
    row('brand_ids: negative', 'POST', P, { body: with_(v, 'brand_ids', [-1]) }, 400, 'brand_ids', 'invalid'),
    row('brand_ids: float', 'POST', P, { body: with_(v, 'brand_ids', [1.5]) }, 400, 'brand_ids', 'invalid'),
    row('brand_ids: float 1.0', 'POST', P, { body: '{"name":"n","retailer":"r","city_code":"310100","counter_code":"F1","brand_ids":[1.0]}' }, 400, 'brand_ids', 'invalid'),
    row('brand_ids: string element', 'POST', P, { body: with_(v, 'brand_ids', ['1']) }, 400, 'brand_ids', 'invalid'),
    row('brand_ids: null element', 'POST', P, { body: with_(v, 'brand_ids', [null]) }, 400, 'brand_ids', 'invalid'),
    row('brand_ids: 65 items', 'POST', P, { body: with_(v, 'brand_ids', ids65) }, 400, 'brand_ids', 'invalid'),
    row('brand_ids: unknown brand', 'POST', P, { body: with_(v, 'brand_ids', [999999]) }, 400, 'brand_ids', 'invalid'),
    row('brand_ids: huge id', 'POST', P, { body: '{"name":"n","retailer":"r","city_code":"310100","counter_code":"H1","brand_ids":[99999999999999999999]}' }, 400, undefined),
    row('phone: letters', 'POST', P, { body: with_(v, 'phone', 'abcdefgh') }, 400, 'phone', 'invalid'),
    row('phone: number', 'POST', P, { body: with_(v, 'phone', 13800138000) }, 400, 'phone', 'invalid'),
    row('phone: too short', 'POST', P, { body: with_(v, 'phone', '12345') }, 400, 'phone', 'invalid'),
    row('phone: 33 characters', 'POST', P, { body: with_(v, 'phone', '1'.repeat(33)) }, 400, 'phone', 'invalid'),
    row('unknown field brand_id (singular)', 'POST', P, { body: with_(v, 'brand_id', 1) }, 400, 'brand_id', 'invalid'),
  ]);
});

test('PATCH and DELETE /api/stores/{id}', async (t) => {
  await runTable(t, [
    ...genericBodyRows('PATCH', '/api/stores/3', { address: 'x' }),
    row('nothing to change', 'PATCH', '/api/stores/3', { body: {} }, 400, null, 'invalid'),
    row('brand_ids: empty', 'PATCH', '/api/stores/3', { body: { brand_ids: [] } }, 400, 'brand_ids', 'invalid'),
    row('brand_ids: unknown brand', 'PATCH', '/api/stores/3', { body: { brand_ids: [424242] } }, 400, 'brand_ids', 'invalid'),
    row('city_code: unknown', 'PATCH', '/api/stores/3', { body: { city_code: '000000' } }, 400, 'city_code', 'invalid'),
    row('counter_code: duplicate', 'PATCH', '/api/stores/3', { body: { counter_code: 'C004' } }, 409, 'counter_code', 'conflict'),
    row('name: empty', 'PATCH', '/api/stores/3', { body: { name: '   ' } }, 400, 'name', 'invalid'),
    row('unknown id', 'PATCH', '/api/stores/999999', { body: { name: 'x' } }, 404, 'id', 'not_found'),
    row('unknown id', 'GET', '/api/stores/999999', {}, 404, 'id', 'not_found'),
    row('non-numeric id', 'GET', '/api/stores/C001', {}, 404, 'id', 'not_found'),
    row('unknown id', 'DELETE', '/api/stores/999999', {}, 404, 'id', 'not_found'),
    row('store with staff', 'DELETE', '/api/stores/3', {}, 409, undefined, 'conflict'),
  ]);
});

test('POST /api/staff', async (t) => {
  const P = '/api/staff';
  const v = { name: '导购', store_id: 1 };
  await runTable(t, [
    ...genericBodyRows('POST', P, v),
    ...idemRows('POST', P, v),
    row('missing name', 'POST', P, { body: without(v, 'name') }, 400, 'name', 'invalid'),
    row('missing store_id', 'POST', P, { body: without(v, 'store_id') }, 400, 'store_id', 'invalid'),
    row('store_id: string', 'POST', P, { body: with_(v, 'store_id', '1') }, 400, 'store_id', 'invalid'),
    row('store_id: zero', 'POST', P, { body: with_(v, 'store_id', 0) }, 400, 'store_id', 'invalid'),
    row('store_id: negative', 'POST', P, { body: with_(v, 'store_id', -5) }, 400, 'store_id', 'invalid'),
    row('store_id: float', 'POST', P, { body: with_(v, 'store_id', 1.5) }, 400, 'store_id', 'invalid'),
    row('store_id: boolean', 'POST', P, { body: with_(v, 'store_id', true) }, 400, 'store_id', 'invalid'),
    row('store_id: array', 'POST', P, { body: with_(v, 'store_id', [1]) }, 400, 'store_id', 'invalid'),
    row('store_id: unknown store', 'POST', P, { body: with_(v, 'store_id', 999999) }, 400, 'store_id', 'invalid'),
    row('name: 33 Chinese characters', 'POST', P, { body: with_(v, 'name', zh(33)) }, 400, 'name', 'invalid'),
    row('name: 32 Chinese characters is fine', 'POST', P, { body: with_(v, 'name', zh(32)) }, 201),
    row('name: empty', 'POST', P, { body: with_(v, 'name', '') }, 400, 'name', 'invalid'),
    row('title: 33 characters', 'POST', P, { body: with_(v, 'title', zh(33)) }, 400, 'title', 'invalid'),
    row('employee_no: 33 characters', 'POST', P, { body: with_(v, 'employee_no', ascii(33)) }, 400, 'employee_no', 'invalid'),
    row('employee_no: number', 'POST', P, { body: with_(v, 'employee_no', 1) }, 400, 'employee_no', 'invalid'),
    row('employee_no: duplicate (BA001)', 'POST', P, { body: with_(v, 'employee_no', 'BA001') }, 409, 'employee_no', 'conflict'),
    row('phone: landline 010-12345678', 'POST', P, { body: with_(v, 'phone', '010-12345678') }, 400, 'phone', 'invalid'),
    row('phone: letters', 'POST', P, { body: with_(v, 'phone', 'call me') }, 400, 'phone', 'invalid'),
    row('phone: too short', 'POST', P, { body: with_(v, 'phone', '1380013') }, 400, 'phone', 'invalid'),
    row('phone: 12 digits', 'POST', P, { body: with_(v, 'phone', '138001380001') }, 400, 'phone', 'invalid'),
    row('phone: NUL', 'POST', P, { body: with_(v, 'phone', '138\u000000138000') }, 400, 'phone', 'invalid'),
  ]);
});

test('PATCH and DELETE /api/staff/{id}', async (t) => {
  await runTable(t, [
    ...genericBodyRows('PATCH', '/api/staff/5', { title: 'x' }),
    row('nothing to change', 'PATCH', '/api/staff/5', { body: {} }, 400, null, 'invalid'),
    row('store_id: unknown', 'PATCH', '/api/staff/5', { body: { store_id: 999999 } }, 400, 'store_id', 'invalid'),
    row('employee_no: duplicate', 'PATCH', '/api/staff/5', { body: { employee_no: 'BA001' } }, 409, 'employee_no', 'conflict'),
    row('unknown id', 'PATCH', '/api/staff/999999', { body: { name: 'x' } }, 404, 'id', 'not_found'),
    row('unknown id', 'GET', '/api/staff/999999', {}, 404, 'id', 'not_found'),
    row('non-numeric id', 'GET', '/api/staff/BA001', {}, 404, 'id', 'not_found'),
    row('unknown id', 'DELETE', '/api/staff/999999', {}, 404, 'id', 'not_found'),
  ]);
});

test('POST /api/accounts', async (t) => {
  const P = '/api/accounts';
  const v = { login: 'valid.login', password: PASSWORD, name: '账号', role: 'owner' };
  await runTable(t, [
    ...genericBodyRows('POST', P, v),
    ...idemRows('POST', P, v),
    row('missing login', 'POST', P, { body: without(v, 'login') }, 400, 'login', 'invalid'),
    row('missing password', 'POST', P, { body: without(v, 'password') }, 400, 'password', 'invalid'),
    row('missing name', 'POST', P, { body: without(v, 'name') }, 400, 'name', 'invalid'),
    row('missing role', 'POST', P, { body: without(v, 'role') }, 400, 'role', 'invalid'),
    row('login: 2 characters', 'POST', P, { body: with_(v, 'login', 'ab') }, 400, 'login', 'invalid'),
    row('login: 65 characters', 'POST', P, { body: with_(v, 'login', ascii(65)) }, 400, 'login', 'invalid'),
    row('login: space', 'POST', P, { body: with_(v, 'login', 'a b c') }, 400, 'login', 'invalid'),
    row('login: Chinese', 'POST', P, { body: with_(v, 'login', '管理员账号') }, 400, 'login', 'invalid'),
    row('login: number', 'POST', P, { body: with_(v, 'login', 12345) }, 400, 'login', 'invalid'),
    row('login: duplicate (admin)', 'POST', P, { body: with_(v, 'login', 'admin') }, 409, 'login', 'conflict'),
    row('login: duplicate in upper case', 'POST', P, { body: with_(v, 'login', 'LUMINA.MGR') }, 409, 'login', 'conflict'),
    row('password: 7 characters', 'POST', P, { body: with_(v, 'password', '1234567') }, 400, 'password', 'invalid'),
    row('password: 129 characters', 'POST', P, { body: with_(v, 'password', ascii(129)) }, 400, 'password', 'invalid'),
    row('password: number', 'POST', P, { body: with_(v, 'password', 12345678) }, 400, 'password', 'invalid'),
    row('name: 33 Chinese characters', 'POST', P, { body: with_(v, 'name', zh(33)) }, 400, 'name', 'invalid'),
    row('role: unknown', 'POST', P, { body: with_(v, 'role', 'god') }, 400, 'role', 'invalid'),
    row('role: member', 'POST', P, { body: with_(v, 'role', 'member') }, 400, 'role', 'invalid'),
    row('role: upper case', 'POST', P, { body: with_(v, 'role', 'OWNER') }, 400, 'role', 'invalid'),
    row('role: number', 'POST', P, { body: with_(v, 'role', 1) }, 400, 'role', 'invalid'),
    row('brand_ids: string', 'POST', P, { body: { ...v, role: 'brand_manager', brand_ids: 'x' } }, 400, 'brand_ids', 'invalid'),
    row('brand_ids: unknown brand', 'POST', P, { body: { ...v, login: uniq('bm').toLowerCase(), role: 'brand_manager', brand_ids: [999999] } }, 400, 'brand_ids', 'invalid'),
    row('staff_id: string', 'POST', P, { body: { ...v, role: 'staff', staff_id: '1' } }, 400, 'staff_id', 'invalid'),
    row('staff_id: zero', 'POST', P, { body: { ...v, role: 'staff', staff_id: 0 } }, 400, 'staff_id', 'invalid'),
    row('staff_id: unknown', 'POST', P, { body: { ...v, role: 'staff', staff_id: 999999 } }, 400, 'staff_id', 'invalid'),
    row('staff_id: already has an account', 'POST', P, { body: { ...v, login: uniq('sx').toLowerCase(), role: 'staff', staff_id: 1 } }, 409, 'staff_id', 'conflict'),
    row('disabled on create', 'POST', P, { body: with_(v, 'disabled', true) }, 400, 'disabled', 'invalid'),
  ]);
});

test('PATCH and DELETE /api/accounts/{id}', async (t) => {
  await runTable(t, [
    ...genericBodyRows('PATCH', '/api/accounts/10', { name: 'x' }),
    row('nothing to change', 'PATCH', '/api/accounts/10', { body: {} }, 400, null, 'invalid'),
    row('disabled: string', 'PATCH', '/api/accounts/10', { body: { disabled: 'yes' } }, 400, 'disabled', 'invalid'),
    row('disabled: number', 'PATCH', '/api/accounts/10', { body: { disabled: 1 } }, 400, 'disabled', 'invalid'),
    row('login cannot change', 'PATCH', '/api/accounts/10', { body: { login: 'other' } }, 400, 'login', 'invalid'),
    row('role cannot change', 'PATCH', '/api/accounts/10', { body: { role: 'owner' } }, 400, 'role', 'invalid'),
    row('brand_ids on a staff account', 'PATCH', '/api/accounts/10', { body: { brand_ids: [1] } }, 400, 'brand_ids', 'invalid'),
    row('password: short', 'PATCH', '/api/accounts/10', { body: { password: 'short' } }, 400, 'password', 'invalid'),
    row('staff_id taken', 'PATCH', '/api/accounts/10', { body: { staff_id: 1 } }, 409, 'staff_id', 'conflict'),
    row('unknown id', 'PATCH', '/api/accounts/999999', { body: { name: 'x' } }, 404, 'id', 'not_found'),
    row('unknown id', 'GET', '/api/accounts/999999', {}, 404, 'id', 'not_found'),
    row('non-numeric id', 'GET', '/api/accounts/admin', {}, 404, 'id', 'not_found'),
    row('unknown id', 'DELETE', '/api/accounts/999999', {}, 404, 'id', 'not_found'),
  ]);
});

test('POST /api/auth/login and /api/auth/password', async (t) => {
  await runTable(t, [
    row('malformed JSON', 'POST', '/api/auth/login', { token: null, body: '{' }, 400, null, 'malformed_json'),
    row('array', 'POST', '/api/auth/login', { token: null, body: '[]' }, 400, null, 'malformed_json'),
    row('no Content-Type', 'POST', '/api/auth/login', { token: null, body: '{}', headers: { 'content-type': null } }, 415, null, 'unsupported_media_type'),
    { ...row('body over 1 MiB', 'POST', '/api/auth/login', { token: null, body: JSON.stringify({ login: 'x'.repeat(MiB) }), agent: false }, 413, null, 'too_large'), retryOnReset: true },
    row('login: missing', 'POST', '/api/auth/login', { token: null, body: { password: PASSWORD } }, 400, 'login', 'invalid'),
    row('login: number', 'POST', '/api/auth/login', { token: null, body: { login: 1, password: PASSWORD } }, 400, 'login', 'invalid'),
    row('login: 65 characters', 'POST', '/api/auth/login', { token: null, body: { login: ascii(65), password: PASSWORD } }, 400, 'login', 'invalid'),
    row('password: 129 characters', 'POST', '/api/auth/login', { token: null, body: { login: 'admin', password: ascii(129) } }, 400, 'password', 'invalid'),
    row('password: control character', 'POST', '/api/auth/login', { token: null, body: { login: 'admin', password: 'huohua\u0002123' } }, 400, 'password', 'invalid'),
    row('password change: malformed', 'POST', '/api/auth/password', { token: TPW, body: '{"old_password":' }, 400, null, 'malformed_json'),
    row('password change: old missing', 'POST', '/api/auth/password', { token: TPW, body: { new_password: 'long-enough-1' } }, 400, 'old_password', 'invalid'),
    row('password change: new missing', 'POST', '/api/auth/password', { token: TPW, body: { old_password: PASSWORD } }, 400, 'new_password', 'invalid'),
    row('password change: new 129 characters', 'POST', '/api/auth/password', { token: TPW, body: { old_password: PASSWORD, new_password: ascii(129) } }, 400, 'new_password', 'invalid'),
    row('password change: new is a number', 'POST', '/api/auth/password', { token: TPW, body: { old_password: PASSWORD, new_password: 123456789 } }, 400, 'new_password', 'invalid'),
    row('password change: Idempotency-Key too long', 'POST', '/api/auth/password', { token: TPW, body: { old_password: PASSWORD, new_password: 'long-enough-1' }, headers: { 'idempotency-key': 'k'.repeat(129) } }, 400, 'Idempotency-Key', 'invalid'),
  ]);
});

test('member endpoints', async (t) => {
  await runTable(t, [
    row('otp: malformed', 'POST', '/api/member/otp', { token: null, body: '{"phone"' }, 400, null, 'malformed_json'),
    row('otp: array', 'POST', '/api/member/otp', { token: null, body: '["13800138000"]' }, 400, null, 'malformed_json'),
    row('otp: wrong Content-Type', 'POST', '/api/member/otp', { token: null, body: '{}', headers: { 'content-type': 'text/plain' } }, 415, null, 'unsupported_media_type'),
    row('otp: phone missing', 'POST', '/api/member/otp', { token: null, body: {} }, 400, 'phone', 'invalid'),
    row('otp: phone number type', 'POST', '/api/member/otp', { token: null, body: { phone: 13800138000 } }, 400, 'phone', 'invalid'),
    row('otp: phone 33 characters', 'POST', '/api/member/otp', { token: null, body: { phone: '1'.repeat(33) } }, 400, 'phone', 'invalid'),
    row('otp: phone Chinese', 'POST', '/api/member/otp', { token: null, body: { phone: '一三八零零一三八零零零' } }, 400, 'phone', 'invalid'),
    row('otp: unknown field', 'POST', '/api/member/otp', { token: null, body: { phone: '13800138000', code: '1' } }, 400, 'code', 'invalid'),
    row('otp: enterprise_id string', 'POST', '/api/member/otp', { token: null, body: { phone: '13800138000', enterprise_id: '1' } }, 400, 'enterprise_id', 'invalid'),
    row('otp: enterprise_id unknown', 'POST', '/api/member/otp', { token: null, body: { phone: '13800138000', enterprise_id: 999999 } }, 400, 'enterprise_id', 'invalid'),
    row('otp: enterprise_id zero', 'POST', '/api/member/otp', { token: null, body: { phone: '13800138000', enterprise_id: 0 } }, 400, 'enterprise_id', 'invalid'),
    row('login: code 5 digits', 'POST', '/api/member/login', { token: null, body: { phone: '13800138000', code: '12345' } }, 400, 'code', 'invalid'),
    row('login: code 7 digits', 'POST', '/api/member/login', { token: null, body: { phone: '13800138000', code: '1234567' } }, 400, 'code', 'invalid'),
    row('login: code letters', 'POST', '/api/member/login', { token: null, body: { phone: '13800138000', code: 'abcdef' } }, 400, 'code', 'invalid'),
    row('login: code number type', 'POST', '/api/member/login', { token: null, body: { phone: '13800138000', code: 123456 } }, 400, 'code', 'invalid'),
    row('login: code missing', 'POST', '/api/member/login', { token: null, body: { phone: '13800138000' } }, 400, 'code', 'invalid'),
    row('login: phone invalid', 'POST', '/api/member/login', { token: null, body: { phone: '12345', code: '123456' } }, 400, 'phone', 'invalid'),
    row('login: no code was sent', 'POST', '/api/member/login', { token: null, body: { phone: '13700000000', code: '123456' } }, 400, 'code', 'invalid'),
    row('login: unknown field', 'POST', '/api/member/login', { token: null, body: { phone: '13800138000', code: '123456', remember: true } }, 400, 'remember', 'invalid'),
    row('context: e not a number', 'GET', '/api/member/context?e=abc', { token: null }, 400, 'e', 'invalid'),
    row('context: e unknown', 'GET', '/api/member/context?e=999999', { token: null }, 404, 'e', 'not_found'),
    row('me without a session', 'GET', '/api/member/me', { token: null }, 401, undefined, 'unauthenticated'),
    row('logout without a session', 'POST', '/api/member/logout', { token: null }, 401, undefined, 'unauthenticated'),
  ]);
});

test('query parameters of the lists', async (t) => {
  await runTable(t, [
    row('limit=0', 'GET', '/api/brands?limit=0', {}, 400, 'limit', 'invalid'),
    row('limit=501', 'GET', '/api/brands?limit=501', {}, 400, 'limit', 'invalid'),
    row('limit=-1', 'GET', '/api/stores?limit=-1', {}, 400, 'limit', 'invalid'),
    row('limit=abc', 'GET', '/api/staff?limit=abc', {}, 400, 'limit', 'invalid'),
    row('limit=1.5', 'GET', '/api/accounts?limit=1.5', {}, 400, 'limit', 'invalid'),
    row('limit empty', 'GET', '/api/accounts?limit=', {}, 400, 'limit', 'invalid'),
    row('limit huge', 'GET', '/api/accounts?limit=99999999999999999999', {}, 400, 'limit', 'invalid'),
    row('offset=-1', 'GET', '/api/brands?offset=-1', {}, 400, 'offset', 'invalid'),
    row('offset=x', 'GET', '/api/audit?offset=x', {}, 400, 'offset', 'invalid'),
    row('brand_id=abc', 'GET', '/api/stores?brand_id=abc', {}, 400, 'brand_id', 'invalid'),
    row('brand_id=0', 'GET', '/api/stores?brand_id=0', {}, 400, 'brand_id', 'invalid'),
    row('brand_id=-2', 'GET', '/api/staff?brand_id=-2', {}, 400, 'brand_id', 'invalid'),
    row('store_id=1.5', 'GET', '/api/staff?store_id=1.5', {}, 400, 'store_id', 'invalid'),
    row('role=god', 'GET', '/api/accounts?role=god', {}, 400, 'role', 'invalid'),
    row('entity_id=abc', 'GET', '/api/audit?entity_id=abc', {}, 400, 'entity_id', 'invalid'),
    row('actor_id=0', 'GET', '/api/audit?actor_id=0', {}, 400, 'actor_id', 'invalid'),
    row('sms outbox limit=0', 'GET', '/api/sms/outbox?limit=0', {}, 400, 'limit', 'invalid'),
    row('q with quotes and percent is just text', 'GET', `/api/stores?q=${encodeURIComponent("%' OR 1=1 --")}`, {}, 200),
    row('q very long', 'GET', `/api/brands?q=${'x'.repeat(4000)}`, {}, 200),
  ]);
});

test('routing: unknown routes 404, wrong methods 405 with Allow', async (t) => {
  const rows = [
    row('unknown API route', 'GET', '/api/nope', {}, 404, null, 'not_found'),
    row('unknown API route (POST)', 'POST', '/api/nope', { body: {} }, 404, null, 'not_found'),
    row('extra segment', 'GET', '/api/brands/1/stores', {}, 404, null, 'not_found'),
    row('trailing slash', 'GET', '/api/brands/', {}, 404, null, 'not_found'),
    row('unknown page', 'GET', '/nope', {}, 404, null, 'not_found'),
    row('unknown page with dots', 'GET', '/admin/../../etc/passwd', {}, 404, undefined),
    { ...row('PUT on a collection', 'PUT', '/api/brands', { body: {} }, 405, null, 'method_not_allowed'), allow: 'GET, POST' },
    { ...row('DELETE on a collection', 'DELETE', '/api/stores', {}, 405, null, 'method_not_allowed'), allow: 'GET, POST' },
    { ...row('POST on an item', 'POST', '/api/brands/1', { body: {} }, 405, null, 'method_not_allowed'), allow: 'GET, PATCH, DELETE' },
    { ...row('PUT on an item', 'PUT', '/api/staff/1', { body: {} }, 405, null, 'method_not_allowed'), allow: 'GET, PATCH, DELETE' },
    { ...row('GET on login', 'GET', '/api/auth/login', {}, 405, null, 'method_not_allowed'), allow: 'POST' },
    { ...row('DELETE on me', 'DELETE', '/api/auth/me', {}, 405, null, 'method_not_allowed'), allow: 'GET' },
    { ...row('OPTIONS on a collection', 'OPTIONS', '/api/brands', {}, 405, null, 'method_not_allowed'), allow: 'GET, POST' },
    { ...row('PATCH /healthz', 'PATCH', '/healthz', { body: {} }, 405, null, 'method_not_allowed'), allow: 'GET' },
    { ...row('POST /metrics', 'POST', '/metrics', { body: {} }, 405, null, 'method_not_allowed'), allow: 'GET' },
    { ...row('DELETE /api/openapi.json', 'DELETE', '/api/openapi.json', {}, 405, null, 'method_not_allowed'), allow: 'GET' },
  ];
  await runTable(t, rows);
});

test('English messages on request', async () => {
  const r = await s.api('POST', '/api/brands', { token: T, body: { name: '', code: 'X' }, headers: { 'accept-language': 'en' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'name');
  assert.match(r.json.error.message, /^[\x20-\x7e]+$/, 'ASCII English message');
  const z = await s.api('POST', '/api/brands', { token: T, body: { name: '', code: 'X' } });
  assert.match(z.json.error.message, /[\u4e00-\u9fff]/, 'Chinese by default');
});

test('the server is still healthy and consistent after the whole table', async () => {
  assert.equal(s.child.exitCode, null, 'the server process is alive');
  assert.equal(s.child.signalCode, null, 'the server process was not killed by a signal');
  assert.ok(await s.healthy(), '/healthz answers ok');
  const o = await s.api('GET', '/api/overview', { token: T });
  assert.equal(o.status, 200);
  const brands = await s.api('GET', '/api/brands?limit=500', { token: T });
  assert.equal(o.json.brands, brands.json.total);
  // the only brands created are the positive controls of the tables
  assert.equal(brands.json.total, 4, `brands: ${brands.json.items.map((b) => b.code).join(',')}`);
  assert.equal(brands.json.items.find((b) => b.id === 2).code, 'QINGHE', 'failed updates changed nothing');
  const st = await s.api('GET', '/api/stores/3', { token: T });
  assert.equal(st.json.counter_code, 'C003');
  assert.equal(st.json.archived_at, null);
  const acc = await s.api('GET', '/api/accounts/10', { token: T });
  assert.equal(acc.json.role, 'staff');
  assert.equal(acc.json.disabled, false);
  // no 5xx was ever counted
  const m = await s.api('GET', '/metrics');
  assert.equal(m.status, 200);
  const fives = m.text.split('\n').filter((l) => /status="5xx"/.test(l) && !/ 0$/.test(l));
  assert.deepEqual(fives, [], 'no 5xx answers in /metrics');
  // and the accounts still sign in
  assert.equal((await s.loginRaw('admin')).status, 200);
  assert.equal((await s.loginRaw('ba039')).status, 200);
});
