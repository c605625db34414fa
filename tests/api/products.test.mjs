// products.test.mjs — product codes, one per unit (一物一码, SPEC §3.3):
// production batches whose printer file is written in the background (409
// while running), signed unit codes (/p/<code> records the scan; forged codes
// are refused), authenticity and traceability on the H5, alerts for repeated
// scans (possible counterfeit) and scans outside the intended regions (窜货,
// the city of the store whose counter QR the same device scanned), and scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, expectError, errorTable, poll, setCookieValue, memberLogin,
} from '../lib/server.mjs';

let s, T, F, tok;
before(async () => {
  s = await startServer();
  F = s.foreign;
  T = await s.token('admin');
  tok = { foreign: F.token };
  for (const l of ['lumina.mgr', 'qinghe.mgr', 'ba001']) tok[l] = await s.token(l);
});
after(async () => { await s?.stop(); });

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const forge = (code, i) => code.slice(0, i) + ALPHABET[(ALPHABET.indexOf(code[i].toUpperCase()) + 1) % 32] + code.slice(i + 1);
const createBatch = (body, token = T) => s.api('POST', '/api/product-batches', { token, body });
const getBatch = (id, token = T) => s.api('GET', `/api/product-batches/${id}`, { token });
const unitScan = (code, cookie) => s.api('GET', `/p/${code}`, { headers: cookie ? { cookie } : {} });
const context = (code) => s.api('GET', `/api/member/product/${code}`);
const alerts = async (qs = '', token = T) => {
  const r = await s.api('GET', `/api/product-alerts?limit=500&${qs}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};

let batch, codes;
const BODY = {
  brand_id: 1, product: '澄光精华液 30ml', sku: 'LUM-SER-30', batch_no: 'B2026-001', production_date: '2026-01-15',
  distributor: '华东经销商', quantity: 50, regions: ['310000'], scan_threshold: 2,
};

test('create a batch of 50: 202, written in the background, codes.csv with 50 unique codes', async () => {
  const r = await createBatch(BODY);
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.quantity, 50);
  assert.equal(r.json.brand_id, 1);
  assert.deepEqual(r.json.regions, ['310000']);
  assert.equal(r.json.scan_threshold, 2);
  const done = await poll(() => getBatch(r.json.id), (x) => x.json.status !== 'running', { what: 'product batch' });
  batch = done.json;
  assert.equal(batch.status, 'done');
  assert.equal(batch.done, 50);
  assert.equal(batch.scanned_units, 0);
  assert.equal(batch.open_alerts, 0);
  const csv = await s.api('GET', `/api/product-batches/${batch.id}/codes.csv`, { token: T });
  assert.equal(csv.status, 200);
  assert.match(csv.headers['content-type'], /^text\/csv/);
  const lines = csv.text.trim().split(/\r?\n/);
  assert.equal(lines[0], 'serial,code,url');
  const rows = lines.slice(1).map((l) => l.split(','));
  assert.equal(rows.length, 50);
  assert.deepEqual(rows.map((x) => Number(x[0])), Array.from({ length: 50 }, (_, i) => i + 1));
  codes = rows.map((x) => x[1]);
  assert.equal(new Set(codes).size, 50, 'unique codes');
  for (const [, code, url] of rows) assert.ok(url.endsWith(`/p/${code}`), url);
  const list = (await s.api('GET', '/api/product-batches?brand_id=1', { token: T })).json;
  assert.ok(list.items.some((b) => b.id === batch.id));
});

test('every code of the file redirects to its H5 page and is recorded', async () => {
  for (const code of codes) {
    const r = await unitScan(code);
    assert.equal(r.status, 302, `${code}: ${r.text}`);
    assert.equal(r.headers.location, `/m/#/p/${code}`);
    assert.match(setCookieValue(r, 'hh_did'), /^[0-9a-f]{32}$/);
  }
  const b = (await getBatch(batch.id)).json;
  assert.equal(b.scanned_units, 50);
  assert.equal(b.open_alerts, 0, 'one scan each raises nothing');
});

test('codes.csv while the file is being written → 409 (a batch of 2,000,000)', async () => {
  const r = await createBatch({ ...BODY, batch_no: 'BIG-1', quantity: 2_000_000, regions: [] });
  assert.equal(r.status, 202, r.text);
  const csv = await s.api('GET', `/api/product-batches/${r.json.id}/codes.csv`, { token: T });
  await expectError(csv, 409, undefined, 'conflict');
  const b = (await getBatch(r.json.id)).json;
  assert.ok(b.status === 'running' || b.status === 'done');
  assert.ok(b.done <= 2_000_000);
});

test('scanning one unit more often than the threshold raises repeat_scans', async () => {
  const code = codes[0];
  assert.equal((await unitScan(code)).status, 302);
  assert.equal((await alerts(`batch_id=${batch.id}&kind=repeat_scans`)).total, 0, 'two scans: at the threshold');
  assert.equal((await unitScan(code)).status, 302);
  const a = await alerts(`batch_id=${batch.id}&kind=repeat_scans`);
  assert.equal(a.total, 1);
  const al = a.items[0];
  assert.equal(al.kind, 'repeat_scans');
  assert.equal(al.status, 'open');
  assert.equal(al.code, code);
  assert.equal(al.scan_count, 3);
  assert.equal(al.batch_no, BODY.batch_no);
  assert.equal(al.product, BODY.product);
  await unitScan(code);
  assert.equal((await alerts(`batch_id=${batch.id}&kind=repeat_scans`)).total, 1, 'one alert per unit');
  const ctx = await context(code);
  assert.equal(ctx.status, 200, ctx.text);
  assert.equal(ctx.json.authentic, true);
  assert.equal(ctx.json.scan_count, 4);
  assert.equal(ctx.json.warning, true);
  assert.equal(ctx.json.product, BODY.product);
  assert.equal(ctx.json.sku, BODY.sku);
  assert.equal(ctx.json.batch_no, BODY.batch_no);
  assert.equal(ctx.json.production_date, BODY.production_date);
  assert.equal(ctx.json.distributor, BODY.distributor);
  assert.equal(ctx.json.brand.id, 1);
  assert.ok(ctx.json.first_scan_at > 0);
});

test('a device that scanned a Beijing counter QR scans a Shanghai-only unit → out_of_region', async () => {
  const tp = (await s.api('POST', '/api/touchpoints', { token: T, body: { name: '北京柜台', brand_id: 1, channel: 'counter', store_id: 2 } })).json;
  const did = setCookieValue(await s.api('GET', `/s/${tp.code}`), 'hh_did');
  const sh = (await s.api('POST', '/api/touchpoints', { token: T, body: { name: '上海柜台', brand_id: 1, channel: 'counter', store_id: 1 } })).json;
  const didSh = setCookieValue(await s.api('GET', `/s/${sh.code}`), 'hh_did');
  assert.equal((await alerts(`batch_id=${batch.id}&kind=out_of_region`)).total, 0);
  // the Shanghai device: within the region, nothing raised
  const r0 = await unitScan(codes[2], `hh_did=${didSh}`);
  assert.equal(r0.status, 302);
  assert.equal((await alerts(`batch_id=${batch.id}&kind=out_of_region`)).total, 0);
  // the Beijing device
  const r = await unitScan(codes[1], `hh_did=${did}`);
  assert.equal(r.status, 302);
  assert.equal(setCookieValue(r, 'hh_did'), did, 'the device keeps its id');
  const a = await alerts(`batch_id=${batch.id}&kind=out_of_region`);
  assert.equal(a.total, 1, JSON.stringify(a));
  assert.equal(a.items[0].code, codes[1]);
  assert.equal(a.items[0].detail.city_code, '110100');
  assert.equal(a.items[0].detail.source, 'store');
  const b = (await getBatch(batch.id)).json;
  assert.equal(b.open_alerts, 2);
});

test('a signed-in member\'s own city decides the region (source member)', async () => {
  const m = await memberLogin(s, '13600000001');
  assert.equal(m.status, 200, m.text);
  assert.equal((await s.api('PATCH', '/api/member/me', { token: m.json.token, body: { city_code: '440100' } })).status, 200);
  const r = await unitScan(codes[3], `hh_member=${m.json.token}`);
  assert.equal(r.status, 302);
  const a = (await alerts(`batch_id=${batch.id}&kind=out_of_region`)).items.find((x) => x.code === codes[3]);
  assert.ok(a, 'out_of_region for the Guangzhou member');
  assert.deepEqual(a.detail, { city_code: '440100', source: 'member' });
  // a Shanghai member: inside the region
  assert.equal((await s.api('PATCH', '/api/member/me', { token: m.json.token, body: { city_code: '310100' } })).status, 200);
  await unitScan(codes[4], `hh_member=${m.json.token}`);
  assert.ok(!(await alerts(`batch_id=${batch.id}&kind=out_of_region`)).items.some((x) => x.code === codes[4]));
  // close it so the counts below stay about the anonymous scans
  assert.equal((await s.api('PATCH', `/api/product-alerts/${a.id}`, { token: T, body: { status: 'closed', note: '会员跨区' } })).status, 200);
});

test('an unscanned unit of a running batch is authentic with no scans; forged codes are refused', async (t) => {
  const b = (await s.api('GET', '/api/product-batches?brand_id=1', { token: T })).json.items.find((x) => x.batch_no === 'BIG-1');
  assert.ok(b);
  const code = codes[49];
  const c = await context(code);
  assert.equal(c.json.scan_count, 1);
  assert.equal(c.json.warning, false);
  const tp = (await s.api('GET', '/api/touchpoints?limit=1', { token: T })).json.items[0];
  const bad = [forge(code, code.length - 1), forge(code, 0), code.slice(0, -1), 'ZZZZZZZZZZ', tp.code];
  const before = (await getBatch(batch.id)).json.scanned_units;
  for (const x of bad) {
    const r = await unitScan(x);
    assert.equal(r.status, 302, x);
    assert.equal(r.headers.location, '/m/#/p/invalid', x);
  }
  assert.equal((await getBatch(batch.id)).json.scanned_units, before, 'nothing recorded');
  await errorTable(t, s, null, bad.map((x) => [`context of ${x}`, 'GET', `/api/member/product/${x}`, undefined, 404, 'code', { code: 'not_found' }]));
  // a touchpoint URL path with a product code is not a touchpoint either
  assert.equal((await s.api('GET', `/s/${code}`)).headers.location, '/m/#/t/invalid');
});

test('alerts: list filters, close with a note, reopen; validation and scope', async (t) => {
  const open = await alerts('status=open');
  assert.equal(open.total, 2);
  assert.equal((await alerts('status=closed')).total, 1, 'the member one closed above');
  assert.equal((await alerts('kind=out_of_region&status=open')).total, 1);
  const id = open.items.find((a) => a.kind === 'repeat_scans').id;
  const r = await s.api('PATCH', `/api/product-alerts/${id}`, { token: tok['lumina.mgr'], body: { status: 'closed', note: '已核实：同一顾客多次扫码' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'closed');
  assert.equal(r.json.note, '已核实：同一顾客多次扫码');
  assert.ok(r.json.closed_at > 0);
  const closed = await alerts('status=closed');
  assert.ok(closed.items.some((a) => a.id === id && a.note === '已核实：同一顾客多次扫码'));
  assert.equal((await getBatch(batch.id)).json.open_alerts, 1);
  const audit = (await s.api('GET', `/api/audit?entity=product_alert&entity_id=${id}`, { token: T })).json;
  assert.ok(audit.items.some((a) => a.action === 'product_alert.update'));
  const P = `/api/product-alerts/${id}`;
  await errorTable(t, s, T, [
    ['bad status filter', 'GET', '/api/product-alerts?status=done', undefined, 400, 'status'],
    ['bad kind filter', 'GET', '/api/product-alerts?kind=fake', undefined, 400, 'kind'],
    ['bad batch filter', 'GET', '/api/product-alerts?batch_id=x', undefined, 400, 'batch_id'],
    ['status done', 'PATCH', P, { status: 'done' }, 400, 'status'],
    ['missing status', 'PATCH', P, { note: 'x' }, 400, 'status'],
    ['status a bool', 'PATCH', P, { status: true }, 400, 'status'],
    ['note too long', 'PATCH', P, { status: 'closed', note: 'n'.repeat(201) }, 400, 'note'],
    ['unknown field', 'PATCH', P, { status: 'closed', kind: 'x' }, 400, 'kind'],
    ['malformed', 'PATCH', P, '{"status"', 400, null, { code: 'malformed_json' }],
    ['unknown alert', 'PATCH', '/api/product-alerts/999999', { status: 'closed' }, 404, 'id'],
    ['brand 2 manager', 'PATCH', P, { status: 'open' }, 403, undefined, { token: tok['qinghe.mgr'] }],
    ['staff', 'PATCH', P, { status: 'open' }, 403, undefined, { token: tok.ba001 }],
    ['another tenant', 'PATCH', P, { status: 'open' }, 404, 'id', { token: tok.foreign }],
  ]);
  assert.equal((await alerts('', tok['qinghe.mgr'])).total, 0, 'brand 2 sees no brand 1 alerts');
  assert.equal((await alerts('', tok.foreign)).total, 0);
  const re = await s.api('PATCH', P, { token: T, body: { status: 'open' } });
  assert.equal(re.status, 200);
  assert.equal(re.json.status, 'open');
  assert.equal(re.json.note, '已核实：同一顾客多次扫码', 'the note stays');
});

test('create: bad input table', async (t) => {
  const P = '/api/product-batches';
  const ok = { ...BODY, batch_no: 'T-1' };
  await errorTable(t, s, T, [
    ['malformed JSON', 'POST', P, '{', 400, null, { code: 'malformed_json' }],
    ['unknown field', 'POST', P, { ...ok, price: 1 }, 400, 'price'],
    ['missing product', 'POST', P, { ...ok, product: undefined }, 400, 'product'],
    ['product too long', 'POST', P, { ...ok, product: 'p'.repeat(65) }, 400, 'product'],
    ['missing batch_no', 'POST', P, { ...ok, batch_no: undefined }, 400, 'batch_no'],
    ['batch_no too long', 'POST', P, { ...ok, batch_no: 'b'.repeat(33) }, 400, 'batch_no'],
    ['sku too long', 'POST', P, { ...ok, sku: 's'.repeat(33) }, 400, 'sku'],
    ['distributor a number', 'POST', P, { ...ok, distributor: 3 }, 400, 'distributor'],
    ['missing production_date', 'POST', P, { ...ok, production_date: undefined }, 400, 'production_date'],
    ['production_date month 13', 'POST', P, { ...ok, production_date: '2026-13-01' }, 400, 'production_date'],
    ['production_date without dashes', 'POST', P, { ...ok, production_date: '20260101' }, 400, 'production_date'],
    ['production_date 1999', 'POST', P, { ...ok, production_date: '1999-01-01' }, 400, 'production_date'],
    ['quantity 0', 'POST', P, { ...ok, quantity: 0 }, 400, 'quantity'],
    ['quantity over 10 million', 'POST', P, { ...ok, quantity: 10_000_001 }, 400, 'quantity'],
    ['quantity a string', 'POST', P, { ...ok, quantity: '50' }, 400, 'quantity'],
    ['quantity missing', 'POST', P, { ...ok, quantity: undefined }, 400, 'quantity'],
    ['regions a string', 'POST', P, { ...ok, regions: '310000' }, 400, 'regions'],
    ['regions short code', 'POST', P, { ...ok, regions: ['31'] }, 400, 'regions'],
    ['regions numbers', 'POST', P, { ...ok, regions: [310000] }, 400, 'regions'],
    ['regions letters', 'POST', P, { ...ok, regions: ['31000a'] }, 400, 'regions'],
    ['regions 101 items', 'POST', P, { ...ok, regions: Array(101).fill('310000') }, 400, 'regions'],
    ['scan_threshold 0', 'POST', P, { ...ok, scan_threshold: 0 }, 400, 'scan_threshold'],
    ['scan_threshold 1001', 'POST', P, { ...ok, scan_threshold: 1001 }, 400, 'scan_threshold'],
    ['brand unknown', 'POST', P, { ...ok, brand_id: 999999 }, 400, 'brand_id'],
    ['brand of another tenant', 'POST', P, { ...ok, brand_id: F.brandId }, 400, 'brand_id'],
    ['duplicate batch_no of the brand', 'POST', P, { ...ok, batch_no: BODY.batch_no }, 409, 'batch_no', { code: 'conflict' }],
    ['lumina.mgr for brand 2', 'POST', P, { ...ok, brand_id: 2 }, 403, 'brand_id', { token: tok['lumina.mgr'] }],
    ['staff', 'POST', P, ok, 403, undefined, { token: tok.ba001 }],
    ['no auth', 'POST', P, ok, 401, undefined, { token: null }],
  ]);
  // the same batch number for another brand is fine
  const other = await createBatch({ ...BODY, brand_id: 2, quantity: 1 }, tok['qinghe.mgr']);
  assert.equal(other.status, 202, other.text);
});

test('scope: brand 2 cannot see brand 1 batches; other tenants get 404', async (t) => {
  const P = `/api/product-batches/${batch.id}`;
  await errorTable(t, s, T, [
    ['qinghe.mgr reads brand 1 batch', 'GET', P, undefined, 403, undefined, { token: tok['qinghe.mgr'], code: 'forbidden' }],
    ['qinghe.mgr codes.csv', 'GET', `${P}/codes.csv`, undefined, 403, undefined, { token: tok['qinghe.mgr'] }],
    ['foreign reads', 'GET', P, undefined, 404, 'id', { token: tok.foreign }],
    ['foreign codes.csv', 'GET', `${P}/codes.csv`, undefined, 404, undefined, { token: tok.foreign }],
    ['unknown batch', 'GET', '/api/product-batches/999999', undefined, 404, 'id'],
    ['unknown codes.csv', 'GET', '/api/product-batches/999999/codes.csv', undefined, 404],
    ['bad brand filter', 'GET', '/api/product-batches?brand_id=abc', undefined, 400, 'brand_id'],
  ]);
  const q = (await s.api('GET', '/api/product-batches', { token: tok['qinghe.mgr'] })).json;
  assert.ok(q.items.length >= 1 && q.items.every((b) => b.brand_id === 2));
  assert.equal((await s.api('GET', '/api/product-batches', { token: tok.foreign })).json.total, 0);
  assert.equal((await getBatch(batch.id, tok['lumina.mgr'])).status, 200);
});
