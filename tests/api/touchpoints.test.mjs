// touchpoints.test.mjs — signed QR codes and UTM links (SPEC §3.3): create,
// list, disable/expire, QR images, batches per store (× staff) with their print
// sheet, the public short link /s/<code> (scan recorded with the device cookie,
// forged codes refused and not recorded), the H5 context, and scans under
// concurrency. Scope: brand managers only for their brands; staff never write;
// another tenant's ids are 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, expectError, errorTable, poll, setCookieValue, DEMO,
} from '../lib/server.mjs';

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

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The code with character i replaced by a different (non-equivalent) Crockford digit. */
function forge(code, i) {
  const c = code[i].toUpperCase();
  const next = ALPHABET[(ALPHABET.indexOf(c) + 1) % 32];
  return code.slice(0, i) + next + code.slice(i + 1);
}
const create = (body, token = T) => s.api('POST', '/api/touchpoints', { token, body });
const get = (id, token = T) => s.api('GET', `/api/touchpoints/${id}`, { token });
const scan = (code, cookie) => s.api('GET', `/s/${code}`, { headers: cookie ? { cookie } : {} });
const scanCount = async (id) => (await get(id)).json.scan_count;

let counterTp; // brand 1, store 2 (Beijing), staff 3, with utm
test('create a counter QR with store, staff, utm and expiry', async () => {
  const exp = Date.now() + 30 * 24 * 3600_000;
  const r = await create({
    name: '朝阳店柜台码 张', brand_id: 1, channel: 'counter', kind: 'qr', store_id: 2, staff_id: 3,
    utm_source: 'counter', utm_medium: 'qr', utm_campaign: 'spring', utm_content: 'c1', utm_term: 't1', expires_at: exp,
  });
  assert.equal(r.status, 201, r.text);
  const tp = r.json;
  assert.equal(tp.kind, 'qr');
  assert.equal(tp.brand_id, 1);
  assert.equal(tp.store_id, 2);
  assert.equal(tp.staff_id, 3);
  assert.equal(tp.channel, 'counter');
  assert.equal(tp.utm_source, 'counter');
  assert.equal(tp.utm_medium, 'qr');
  assert.equal(tp.utm_campaign, 'spring');
  assert.equal(tp.utm_content, 'c1');
  assert.equal(tp.utm_term, 't1');
  assert.equal(tp.expires_at, exp);
  assert.equal(tp.state, 'active');
  assert.equal(tp.scan_count, 0);
  assert.equal(tp.disabled_at, null);
  assert.equal(tp.batch_id, null);
  assert.ok(tp.brand_name && tp.store_name && tp.staff_name);
  assert.match(tp.code, /^[0-9A-HJKMNP-TV-Z]{9,}$/);
  assert.ok(tp.short_url.endsWith(`/s/${tp.code}`), tp.short_url);
  counterTp = tp;
  // read back
  const g = await get(tp.id);
  assert.equal(g.status, 200);
  assert.equal(g.json.code, tp.code);
});

test('a staff_id alone sets the store; a UTM link without a store', async () => {
  const r = await create({ name: '只填员工', brand_id: 1, channel: 'counter', staff_id: 17 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.store_id, 9, 'staff 17 works at store 9');
  const link = await create({ name: '公众号文章', brand_id: 2, channel: 'article', kind: 'link', utm_source: 'wechat', utm_medium: 'article', utm_campaign: 'may' });
  assert.equal(link.status, 201, link.text);
  assert.equal(link.json.kind, 'link');
  assert.equal(link.json.store_id, null);
  assert.equal(link.json.staff_id, null);
  assert.equal(link.json.expires_at, null);
});

test('create: bad input table', async (t) => {
  const ok = { name: '表格', brand_id: 1, channel: 'poster' };
  const P = '/api/touchpoints';
  await errorTable(t, s, T, [
    ['malformed JSON', 'POST', P, '{"name":', 400, null, { code: 'malformed_json' }],
    ['array body', 'POST', P, [ok], 400, null, { code: 'malformed_json' }],
    ['empty body', 'POST', P, '', 400, null],
    ['unknown field', 'POST', P, { ...ok, campaign: 1 }, 400, 'campaign'],
    ['missing name', 'POST', P, { brand_id: 1, channel: 'poster' }, 400, 'name'],
    ['blank name', 'POST', P, { ...ok, name: '   ' }, 400, 'name'],
    ['name too long', 'POST', P, { ...ok, name: '码'.repeat(65) }, 400, 'name'],
    ['name a number', 'POST', P, { ...ok, name: 5 }, 400, 'name'],
    ['missing brand_id', 'POST', P, { name: 'x', channel: 'poster' }, 400, 'brand_id'],
    ['brand_id a string', 'POST', P, { ...ok, brand_id: '1' }, 400, 'brand_id'],
    ['brand_id 0', 'POST', P, { ...ok, brand_id: 0 }, 400, 'brand_id'],
    ['brand_id unknown', 'POST', P, { ...ok, brand_id: 999999 }, 400, 'brand_id'],
    ['brand_id of another tenant', 'POST', P, { ...ok, brand_id: F.brandId }, 400, 'brand_id'],
    ['missing channel', 'POST', P, { name: 'x', brand_id: 1 }, 400, 'channel'],
    ['unknown channel', 'POST', P, { ...ok, channel: 'tv' }, 400, 'channel'],
    ['kind nfc', 'POST', P, { ...ok, kind: 'nfc' }, 400, 'kind'],
    ['kind a bool', 'POST', P, { ...ok, kind: true }, 400, 'kind'],
    ['store does not sell the brand', 'POST', P, { ...ok, store_id: 15 }, 400, 'store_id'],
    ['store unknown', 'POST', P, { ...ok, store_id: 999999 }, 400, 'store_id'],
    ['store of another tenant', 'POST', P, { ...ok, store_id: F.storeId }, 400, 'store_id'],
    ['store_id a float', 'POST', P, { ...ok, store_id: 1.5 }, 400, 'store_id'],
    ['staff unknown', 'POST', P, { ...ok, staff_id: 999999 }, 400, 'staff_id'],
    ['staff of another tenant', 'POST', P, { ...ok, staff_id: F.staffId }, 400, 'staff_id'],
    ['staff of another store than store_id', 'POST', P, { ...ok, store_id: 1, staff_id: 3 }, 400, 'staff_id'],
    ['staff whose store does not sell the brand', 'POST', P, { ...ok, staff_id: 29 }, 400, 'store_id'],
    ['utm_source too long', 'POST', P, { ...ok, utm_source: 'u'.repeat(65) }, 400, 'utm_source'],
    ['utm_campaign a number', 'POST', P, { ...ok, utm_campaign: 7 }, 400, 'utm_campaign'],
    ['utm_term with a control char', 'POST', P, { ...ok, utm_term: 'a\u0001b' }, 400, 'utm_term'],
    ['expires_at in the past', 'POST', P, { ...ok, expires_at: Date.now() - 1000 }, 400, 'expires_at'],
    ['expires_at a string', 'POST', P, { ...ok, expires_at: '2030-01-01' }, 400, 'expires_at'],
    ['expires_at negative', 'POST', P, { ...ok, expires_at: -5 }, 400, 'expires_at'],
    ['no auth', 'POST', P, ok, 401, undefined, { token: null, code: 'unauthenticated' }],
  ]);
});

test('scope of creation: brand managers for their brands, staff never', async (t) => {
  await t.test('lumina.mgr for brand 2 → 403 brand_id', async () => {
    await expectError(await create({ name: 'x', brand_id: 2, channel: 'poster' }, tok['lumina.mgr']), 403, 'brand_id', 'forbidden');
  });
  await t.test('qinghe.mgr for brand 1 → 403 brand_id', async () => {
    await expectError(await create({ name: 'x', brand_id: 1, channel: 'poster', store_id: 1 }, tok['qinghe.mgr']), 403, 'brand_id');
  });
  await t.test('lumina.mgr for brand 1 → 201', async () => {
    const r = await create({ name: '经理的码', brand_id: 1, channel: 'poster', store_id: 9 }, tok['lumina.mgr']);
    assert.equal(r.status, 201, r.text);
  });
  await t.test('staff ba001 → 403', async () => {
    await expectError(await create({ name: 'x', brand_id: 1, channel: 'counter', staff_id: 1 }, tok.ba001), 403, undefined, 'forbidden');
  });
  await t.test('staff cannot create a batch either', async () => {
    await expectError(await s.api('POST', '/api/touchpoint-batches', { token: tok.ba001, body: { name: 'x', brand_id: 1, channel: 'counter' } }), 403);
  });
  await t.test('the foreign owner with our brand → 400 brand_id (nothing created)', async () => {
    await expectError(await create({ name: 'x', brand_id: 1, channel: 'poster' }, tok.foreign), 400, 'brand_id');
    assert.equal((await s.api('GET', '/api/touchpoints', { token: tok.foreign })).json.total, 0);
  });
});

test('lists: filters and scope', async (t) => {
  const all = (await s.api('GET', '/api/touchpoints?limit=500', { token: T })).json;
  assert.ok(all.total >= 4);
  assert.equal(all.items.length, all.total);
  const q = async (qs, token = T) => {
    const r = await s.api('GET', `/api/touchpoints?limit=500&${qs}`, { token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, r.json.total);
    return r.json.items;
  };
  await t.test('brand_id', async () => {
    const b2 = await q('brand_id=2');
    assert.ok(b2.length >= 1 && b2.every((x) => x.brand_id === 2));
    assert.equal(b2.length + (await q('brand_id=1')).length, all.total);
  });
  await t.test('store_id, staff_id, channel, q', async () => {
    assert.deepEqual((await q('store_id=2')).map((x) => x.id), [counterTp.id]);
    assert.deepEqual((await q('staff_id=3')).map((x) => x.id), [counterTp.id]);
    const counters = await q('channel=counter');
    assert.ok(counters.length >= 2 && counters.every((x) => x.channel === 'counter'));
    assert.deepEqual((await q(`q=${encodeURIComponent('朝阳店柜台码')}`)).map((x) => x.id), [counterTp.id]);
    assert.equal((await q('q=nothing-like-this')).length, 0);
    assert.equal((await q(`store_id=${F.storeId}`)).length, 0, 'a foreign store filter matches nothing');
  });
  await t.test('lumina.mgr sees brand 1 only; ba001 sees its store only; the foreign owner sees none', async () => {
    const lm = await q('', tok['lumina.mgr']);
    assert.ok(lm.length >= 1 && lm.every((x) => x.brand_id === 1));
    const ba = await q('', tok.ba001);
    // its store's touchpoints and the store-less ones of the brands its store serves
    assert.ok(!ba.some((x) => x.id === counterTp.id), 'not the store 2 counter QR');
    assert.ok(ba.some((x) => x.store_id === null), 'the brand-wide link');
    assert.ok(ba.every((x) => x.store_id === 1 || (x.store_id === null && [1, 2].includes(x.brand_id))), JSON.stringify(ba.map((x) => x.store_id)));
    assert.equal((await q('', tok.foreign)).length, 0);
  });
  await t.test('bad filters', async (tt) => {
    await errorTable(tt, s, T, [
      ['channel unknown', 'GET', '/api/touchpoints?channel=tv', undefined, 400, 'channel'],
      ['brand_id not a number', 'GET', '/api/touchpoints?brand_id=abc', undefined, 400, 'brand_id'],
      ['store_id negative', 'GET', '/api/touchpoints?store_id=-1', undefined, 400, 'store_id'],
      ['batch_id 0', 'GET', '/api/touchpoints?batch_id=0', undefined, 400, 'batch_id'],
      ['limit 0', 'GET', '/api/touchpoints?limit=0', undefined, 400, 'limit'],
      ['limit 501', 'GET', '/api/touchpoints?limit=501', undefined, 400, 'limit'],
      ['offset -1', 'GET', '/api/touchpoints?offset=-1', undefined, 400, 'offset'],
      ['no auth', 'GET', '/api/touchpoints', undefined, 401, undefined, { token: null }],
    ]);
  });
});

test('read scope by id: bad ids 404, another tenant 404, out of scope 403', async (t) => {
  const b2 = (await s.api('GET', '/api/touchpoints?brand_id=2', { token: T })).json.items[0];
  const ftp = await create({ name: '外部码', brand_id: F.brandId, channel: 'poster' }, tok.foreign);
  assert.equal(ftp.status, 201, ftp.text);
  const fid = ftp.json.id;
  await errorTable(t, s, T, [
    ['unknown id', 'GET', '/api/touchpoints/999999', undefined, 404, 'id', { code: 'not_found' }],
    ['id not a number', 'GET', '/api/touchpoints/abc', undefined, 404],
    ['another tenant', 'GET', `/api/touchpoints/${fid}`, undefined, 404, 'id'],
    ['another tenant PATCH', 'PATCH', `/api/touchpoints/${fid}`, { disabled: true }, 404, 'id'],
    ['another tenant qr.svg', 'GET', `/api/touchpoints/${fid}/qr.svg`, undefined, 404],
    ['another tenant qr.png', 'GET', `/api/touchpoints/${fid}/qr.png`, undefined, 404],
    ['lumina.mgr reads brand 2', 'GET', `/api/touchpoints/${b2.id}`, undefined, 403, undefined, { token: tok['lumina.mgr'], code: 'forbidden' }],
    ['lumina.mgr patches brand 2', 'PATCH', `/api/touchpoints/${b2.id}`, { disabled: true }, 403, undefined, { token: tok['lumina.mgr'] }],
    ['ba001 reads store 2', 'GET', `/api/touchpoints/${counterTp.id}`, undefined, 403, undefined, { token: tok.ba001 }],
    ['ba001 patches', 'PATCH', `/api/touchpoints/${counterTp.id}`, { name: 'x' }, 403, undefined, { token: tok.ba001 }],
  ]);
  // the foreign touchpoint is untouched
  assert.equal((await get(fid, tok.foreign)).json.state, 'active');
});

test('PATCH: disable, enable, expiry, utm; validation', async (t) => {
  const tp = (await create({ name: '改动', brand_id: 1, channel: 'poster', store_id: 1 })).json;
  const patch = (body, token = T) => s.api('PATCH', `/api/touchpoints/${tp.id}`, { token, body });
  let r = await patch({ disabled: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'disabled');
  assert.ok(r.json.disabled_at > 0);
  r = await patch({ disabled: false });
  assert.equal(r.json.state, 'active');
  assert.equal(r.json.disabled_at, null);
  const exp = Date.now() + 3600_000;
  r = await patch({ expires_at: exp, utm_campaign: 'summer', name: '改过名' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.expires_at, exp);
  assert.equal(r.json.utm_campaign, 'summer');
  assert.equal(r.json.name, '改过名');
  r = await patch({ expires_at: null });
  assert.equal(r.json.expires_at, null);
  assert.equal(r.json.name, '改过名', 'other fields kept');
  // audit entries
  const audit = (await s.api('GET', `/api/audit?entity=touchpoint&entity_id=${tp.id}`, { token: T })).json;
  assert.ok(audit.items.some((a) => a.action === 'touchpoint.disable'), JSON.stringify(audit.items.map((a) => a.action)));
  await t.test('bad PATCH bodies', async (tt) => {
    const P = `/api/touchpoints/${tp.id}`;
    await errorTable(tt, s, T, [
      ['malformed JSON', 'PATCH', P, '{', 400, null, { code: 'malformed_json' }],
      ['nothing to change', 'PATCH', P, {}, 400, null],
      ['unknown field', 'PATCH', P, { brand_id: 2 }, 400, 'brand_id'],
      ['store_id cannot change', 'PATCH', P, { store_id: 2 }, 400, 'store_id'],
      ['disabled a string', 'PATCH', P, { disabled: 'yes' }, 400, 'disabled'],
      ['disabled 1', 'PATCH', P, { disabled: 1 }, 400, 'disabled'],
      ['empty name', 'PATCH', P, { name: '' }, 400, 'name'],
      ['name too long', 'PATCH', P, { name: 'n'.repeat(65) }, 400, 'name'],
      ['expires_at in the past', 'PATCH', P, { expires_at: 1000 }, 400, 'expires_at'],
      ['expires_at a bool', 'PATCH', P, { expires_at: true }, 400, 'expires_at'],
      ['utm_medium too long', 'PATCH', P, { utm_medium: 'm'.repeat(65) }, 400, 'utm_medium'],
      ['unknown id', 'PATCH', '/api/touchpoints/999999', { disabled: true }, 404, 'id'],
    ]);
  });
});

test('QR images: SVG and PNG, content types, PNG magic, scale bounds, label', async (t) => {
  const id = counterTp.id;
  const svg = await s.api('GET', `/api/touchpoints/${id}/qr.svg`, { token: T });
  assert.equal(svg.status, 200);
  assert.match(svg.headers['content-type'], /^image\/svg\+xml/);
  assert.match(svg.text, /<svg[\s>]/);
  assert.match(svg.text, /<\/svg>\s*$/);
  const labelled = await s.api('GET', `/api/touchpoints/${id}/qr.svg?label=1`, { token: T });
  assert.equal(labelled.status, 200);
  assert.ok(labelled.text.includes('朝阳店柜台码'), 'label prints the name');
  const png = await s.api('GET', `/api/touchpoints/${id}/qr.png`, { token: T });
  assert.equal(png.status, 200);
  assert.match(png.headers['content-type'], /^image\/png/);
  assert.deepEqual([...png.raw.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const p1 = await s.api('GET', `/api/touchpoints/${id}/qr.png?scale=1`, { token: T });
  const p40 = await s.api('GET', `/api/touchpoints/${id}/qr.png?scale=40`, { token: T });
  assert.equal(p1.status, 200);
  assert.equal(p40.status, 200);
  // PNG width (IHDR) grows with the scale
  assert.ok(p40.raw.readUInt32BE(16) > p1.raw.readUInt32BE(16) * 20, `${p1.raw.readUInt32BE(16)} vs ${p40.raw.readUInt32BE(16)}`);
  assert.equal((await s.api('GET', `/api/touchpoints/${id}/qr.svg?scale=40`, { token: T })).status, 200);
  // the staff member of that store's touchpoint may read it; ba001 (store 1) may not
  await errorTable(t, s, T, [
    ['svg scale 0', 'GET', `/api/touchpoints/${id}/qr.svg?scale=0`, undefined, 400, 'scale'],
    ['svg scale 41', 'GET', `/api/touchpoints/${id}/qr.svg?scale=41`, undefined, 400, 'scale'],
    ['png scale -3', 'GET', `/api/touchpoints/${id}/qr.png?scale=-3`, undefined, 400, 'scale'],
    ['png scale abc', 'GET', `/api/touchpoints/${id}/qr.png?scale=abc`, undefined, 400, 'scale'],
    ['png scale 2.5', 'GET', `/api/touchpoints/${id}/qr.png?scale=2.5`, undefined, 400, 'scale'],
    ['png scale huge', 'GET', `/api/touchpoints/${id}/qr.png?scale=99999999999999999999`, undefined, 400, 'scale'],
    ['svg unknown id', 'GET', '/api/touchpoints/999999/qr.svg', undefined, 404],
    ['png no auth', 'GET', `/api/touchpoints/${id}/qr.png`, undefined, 401, undefined, { token: null }],
    ['svg out of scope', 'GET', `/api/touchpoints/${id}/qr.svg`, undefined, 403, undefined, { token: tok.ba001 }],
  ]);
});

async function runBatch(body, token = T) {
  const r = await s.api('POST', '/api/touchpoint-batches', { token, body });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.status, 'running');
  const done = await poll(() => s.api('GET', `/api/touchpoint-batches/${r.json.id}`, { token }),
    (x) => x.json && x.json.status !== 'running', { what: `batch ${r.json.id}` });
  assert.equal(done.json.status, 'done', done.text);
  return { created: r.json, batch: done.json };
}

test('batch per store: one QR per live store of the brand', async () => {
  const stores = (await s.api('GET', '/api/stores?brand_id=1&limit=500', { token: T })).json;
  const { created, batch } = await runBatch({ name: '门店海报', brand_id: 1, channel: 'poster', per: 'store', utm_campaign: 'b1' });
  assert.equal(created.total, stores.total);
  assert.equal(batch.total, stores.total);
  assert.equal(batch.done, stores.total);
  assert.equal(batch.per, 'store');
  assert.ok(batch.finished_at > 0);
  const items = (await s.api('GET', `/api/touchpoints?batch_id=${batch.id}&limit=500`, { token: T })).json;
  assert.equal(items.total, stores.total);
  assert.deepEqual(items.items.map((x) => x.store_id).sort((a, b) => a - b), stores.items.map((x) => x.id).sort((a, b) => a - b));
  assert.ok(items.items.every((x) => x.staff_id === null && x.batch_id === batch.id && x.channel === 'poster'));
  // the batch's utm_* fields are carried by every touchpoint it creates
  assert.deepEqual([...new Set(items.items.map((x) => x.utm_campaign))], ['b1'], 'utm_campaign of the batch');
});

test('batch per store × staff: total = staff of the brand\'s stores; sheet has one <svg per item', async () => {
  const staff = (await s.api('GET', '/api/staff?brand_id=1&limit=500', { token: T })).json;
  const { batch } = await runBatch({ name: '柜台码', brand_id: 1, channel: 'counter' });
  assert.equal(batch.per, 'store_staff');
  assert.equal(batch.total, staff.total);
  assert.equal(batch.total, 28, '14 stores × 2 staff');
  assert.equal(batch.done, batch.total);
  const items = (await s.api('GET', `/api/touchpoints?batch_id=${batch.id}&limit=500`, { token: T })).json;
  assert.equal(items.total, batch.total);
  for (const tp of items.items) {
    assert.ok(DEMO.staffOfStore(tp.store_id).includes(tp.staff_id), `staff ${tp.staff_id} works at store ${tp.store_id}`);
  }
  assert.equal(new Set(items.items.map((x) => x.staff_id)).size, batch.total, 'one per staff member');
  const list = (await s.api('GET', '/api/touchpoint-batches', { token: T })).json;
  assert.ok(list.items.some((b) => b.id === batch.id));
  const sheet = await s.api('GET', `/api/touchpoint-batches/${batch.id}/sheet`, { token: T });
  assert.equal(sheet.status, 200);
  assert.match(sheet.headers['content-type'], /^text\/html/);
  assert.equal((sheet.text.match(/<svg/g) || []).length, batch.total);
  for (const tp of items.items) assert.ok(sheet.text.includes(tp.code), `sheet shows ${tp.code}`);
});

test('the print sheet escapes the batch name', async () => {
  const { batch } = await runBatch({ name: '<script>alert(1)</script>', brand_id: 1, channel: 'poster', per: 'store', store_ids: [9] });
  const sheet = await s.api('GET', `/api/touchpoint-batches/${batch.id}/sheet`, { token: T });
  assert.equal(sheet.status, 200);
  assert.ok(!sheet.text.includes('<script>'), 'no markup from the name');
  assert.ok(sheet.text.includes('&lt;script&gt;'));
  assert.equal((sheet.text.match(/<svg/g) || []).length, 1);
});

test('batch for chosen stores; bad batch input; batch scope', async (t) => {
  const { batch } = await runBatch({ name: '两店', brand_id: 2, channel: 'counter', store_ids: [1, 15] }, tok['qinghe.mgr']);
  assert.equal(batch.total, 4);
  const P = '/api/touchpoint-batches';
  const ok = { name: '批', brand_id: 1, channel: 'counter' };
  await errorTable(t, s, T, [
    ['malformed JSON', 'POST', P, '{"name"', 400, null, { code: 'malformed_json' }],
    ['unknown field', 'POST', P, { ...ok, staff_ids: [1] }, 400, 'staff_ids'],
    ['missing name', 'POST', P, { brand_id: 1, channel: 'counter' }, 400, 'name'],
    ['name too long', 'POST', P, { ...ok, name: 'n'.repeat(49) }, 400, 'name'],
    ['bad per', 'POST', P, { ...ok, per: 'staff' }, 400, 'per'],
    ['bad channel', 'POST', P, { ...ok, channel: 'radio' }, 400, 'channel'],
    ['store_ids empty', 'POST', P, { ...ok, store_ids: [] }, 400, 'store_ids'],
    ['store_ids not an array', 'POST', P, { ...ok, store_ids: 1 }, 400, 'store_ids'],
    ['store_ids with a string', 'POST', P, { ...ok, store_ids: ['1'] }, 400, 'store_ids'],
    ['store_ids of another brand only', 'POST', P, { ...ok, store_ids: [15] }, 400, 'store_ids'],
    ['store_ids of another tenant', 'POST', P, { ...ok, store_ids: [F.storeId] }, 400, 'store_ids'],
    ['brand unknown', 'POST', P, { ...ok, brand_id: 999999 }, 400, 'brand_id'],
    ['lumina.mgr for brand 2', 'POST', P, { ...ok, brand_id: 2 }, 403, 'brand_id', { token: tok['lumina.mgr'] }],
    ['lumina.mgr reads a brand 2 batch', 'GET', `${P}/${batch.id}`, undefined, 403, undefined, { token: tok['lumina.mgr'] }],
    ['lumina.mgr sheet of a brand 2 batch', 'GET', `${P}/${batch.id}/sheet`, undefined, 403, undefined, { token: tok['lumina.mgr'] }],
    ['foreign owner reads it', 'GET', `${P}/${batch.id}`, undefined, 404, 'id', { token: tok.foreign }],
    ['foreign owner sheet', 'GET', `${P}/${batch.id}/sheet`, undefined, 404, undefined, { token: tok.foreign }],
    ['unknown batch', 'GET', `${P}/999999`, undefined, 404, 'id'],
    ['unknown batch sheet', 'GET', `${P}/999999/sheet`, undefined, 404],
  ]);
  const lmList = (await s.api('GET', P, { token: tok['lumina.mgr'] })).json;
  assert.ok(lmList.items.every((b) => b.brand_id === 1));
  assert.equal((await s.api('GET', P, { token: tok.foreign })).json.total, 0);
  // only the chosen stores get touchpoints (stores 1 and 15, two staff each)
  const items = (await s.api('GET', `/api/touchpoints?batch_id=${batch.id}&limit=500`, { token: T })).json;
  assert.deepEqual([...new Set(items.items.map((x) => x.store_id))].sort((a, b) => a - b), [1, 15], 'stores of the items');
  assert.equal(items.total, 4, 'items = total');
  assert.equal(batch.done, 4, 'done = total');
});

test('GET /s/<code>: 302 to the H5, device cookie, scan recorded', async () => {
  const before = await scanCount(counterTp.id);
  const r = await scan(counterTp.code);
  assert.equal(r.status, 302);
  assert.equal(r.headers.location, `/m/#/t/${counterTp.code}`);
  const did = setCookieValue(r, 'hh_did');
  assert.match(did, /^[0-9a-f]{32}$/);
  const cookie = [].concat(r.headers['set-cookie']).find((c) => c.startsWith('hh_did='));
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /Path=\//);
  assert.equal(await scanCount(counterTp.id), before + 1);
  // the same device keeps its id
  const again = await scan(counterTp.code, `hh_did=${did}`);
  assert.equal(again.status, 302);
  assert.equal(setCookieValue(again, 'hh_did'), did);
  assert.equal(await scanCount(counterTp.id), before + 2);
  // a lower-case spelling of the code is the same touchpoint
  const lower = await scan(counterTp.code.toLowerCase());
  assert.equal(lower.status, 302);
  assert.equal(lower.headers.location, `/m/#/t/${counterTp.code}`);
  assert.equal(await scanCount(counterTp.id), before + 3);
});

test('forged and truncated codes → /m/#/t/invalid and nothing recorded', async () => {
  const all = async () => (await s.api('GET', '/api/touchpoints?limit=500', { token: T })).json.items.reduce((n, x) => n + x.scan_count, 0);
  const total = await all();
  const c = counterTp.code;
  const bad = [
    forge(c, c.length - 1), // the MAC
    forge(c, 0), // the id
    forge(c, c.length - 5),
    c.slice(0, -1), // truncated
    c.slice(0, 8),
    c + '0',
    'ZZZZZZZZZZ',
    '0',
    'not-a-code!',
    '%E4%BD%A0%E5%A5%BD',
    'A'.repeat(40),
  ];
  for (const code of bad) {
    const r = await scan(code);
    assert.equal(r.status, 302, `${code}: ${r.status} ${r.text}`);
    assert.equal(r.headers.location, '/m/#/t/invalid', code);
  }
  assert.equal(await all(), total, 'no scan recorded for any bad code');
  // the H5 context refuses them too
  for (const code of bad.slice(0, 5)) {
    await expectError(await s.api('GET', `/api/member/touchpoint/${code}`), 404, 'code', 'not_found');
  }
});

test('disabled and expired codes redirect with their state', async () => {
  const tp = (await create({ name: '将停用', brand_id: 1, channel: 'poster', store_id: 1 })).json;
  assert.equal((await s.api('PATCH', `/api/touchpoints/${tp.id}`, { token: T, body: { disabled: true } })).status, 200);
  const r = await scan(tp.code);
  assert.equal(r.status, 302);
  assert.equal(r.headers.location, `/m/#/t/${tp.code}?state=disabled`);
  const ctx = await s.api('GET', `/api/member/touchpoint/${tp.code}`);
  assert.equal(ctx.status, 200);
  assert.equal(ctx.json.state, 'disabled');

  const soon = (await create({ name: '将过期', brand_id: 1, channel: 'poster', expires_at: Date.now() + 400 })).json;
  await new Promise((ok) => setTimeout(ok, 600));
  const e = await scan(soon.code);
  assert.equal(e.headers.location, `/m/#/t/${soon.code}?state=expired`);
  assert.equal((await get(soon.id)).json.state, 'expired');
  assert.equal((await s.api('GET', `/api/member/touchpoint/${soon.code}`)).json.state, 'expired');
});

test('the H5 context of a code (public)', async () => {
  const r = await s.api('GET', `/api/member/touchpoint/${counterTp.code}`);
  assert.equal(r.status, 200, r.text);
  const c = r.json;
  assert.equal(c.code, counterTp.code);
  assert.equal(c.state, 'active');
  assert.equal(c.channel, 'counter');
  assert.equal(c.brand.id, 1);
  assert.ok(c.brand.name);
  assert.ok('description' in c.brand);
  assert.equal(c.store.id, 2);
  assert.equal(c.store.name, counterTp.store_name);
  assert.ok('city' in c.store && 'address' in c.store);
  assert.deepEqual(c.staff, { id: 3, name: counterTp.staff_name });
  assert.deepEqual(c.utm, { source: 'counter', medium: 'qr', campaign: 'spring' });
  const link = (await s.api('GET', '/api/touchpoints?channel=article', { token: T })).json.items[0];
  const lc = await s.api('GET', `/api/member/touchpoint/${link.code}`);
  assert.equal(lc.status, 200);
  assert.equal(lc.json.store, null);
  assert.equal(lc.json.staff, null);
});

test('30 parallel scans of one code → scan_count exactly +30, server healthy', async () => {
  const tp = (await create({ name: '并发', brand_id: 2, channel: 'poster', store_id: 15 })).json;
  const results = await Promise.all(Array.from({ length: 30 }, () => scan(tp.code)));
  assert.ok(results.every((r) => r.status === 302 && r.headers.location === `/m/#/t/${tp.code}`));
  assert.equal(await scanCount(tp.id), 30);
  const dids = new Set(results.map((r) => setCookieValue(r, 'hh_did')));
  assert.equal(dids.size, 30, 'each cookieless browser gets its own device id');
  assert.ok(await s.healthy());
});

test('touchpoints point at a campaign of their brand (single, update, batch)', async (t) => {
  const { liveCampaign } = await import('../lib/rewards.mjs');
  const c1 = await liveCampaign(s, T);
  const c2 = await liveCampaign(s, T, { brand_id: 2 });
  const r = await s.api('POST', '/api/touchpoints', { token: T, body: { name: '活动码', brand_id: 1, channel: 'poster', campaign_id: c1.id } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.campaign_id, c1.id);
  const cleared = await s.api('PATCH', `/api/touchpoints/${r.json.id}`, { token: T, body: { campaign_id: null } });
  assert.equal(cleared.status, 200, cleared.text);
  assert.equal(cleared.json.campaign_id ?? null, null);
  const again = await s.api('PATCH', `/api/touchpoints/${r.json.id}`, { token: T, body: { campaign_id: c1.id } });
  assert.equal(again.json.campaign_id, c1.id);
  const b = await s.api('POST', '/api/touchpoint-batches', { token: T, body: { name: '活动批次', brand_id: 1, channel: 'counter', per: 'store', store_ids: [1, 2], campaign_id: c1.id } });
  assert.equal(b.status, 202, b.text);
  await poll(() => s.api('GET', `/api/touchpoint-batches/${b.json.id}`, { token: T }), (x) => x.json.status === 'done');
  const items = await s.api('GET', `/api/touchpoints?batch_id=${b.json.id}`, { token: T });
  assert.equal(items.json.total, 2);
  assert.ok(items.json.items.every((x) => x.campaign_id === c1.id));
  const ended = await liveCampaign(s, T);
  await s.api('POST', `/api/campaigns/${ended.id}/end`, { token: T });
  await errorTable(t, s, T, [
    ['campaign of another brand', 'POST', '/api/touchpoints', { name: 'x', brand_id: 1, channel: 'poster', campaign_id: c2.id }, 400, 'campaign_id'],
    ['unknown campaign', 'POST', '/api/touchpoints', { name: 'x', brand_id: 1, channel: 'poster', campaign_id: 999999 }, 400, 'campaign_id'],
    ['ended campaign', 'POST', '/api/touchpoints', { name: 'x', brand_id: 1, channel: 'poster', campaign_id: ended.id }, 400, 'campaign_id'],
    ['campaign as text', 'POST', '/api/touchpoints', { name: 'x', brand_id: 1, channel: 'poster', campaign_id: 'c1' }, 400, 'campaign_id'],
    ['patch to another brand\'s campaign', 'PATCH', `/api/touchpoints/${r.json.id}`, { campaign_id: c2.id }, 400, 'campaign_id'],
    ['batch with another brand\'s campaign', 'POST', '/api/touchpoint-batches', { name: 'x', brand_id: 1, channel: 'counter', campaign_id: c2.id }, 400, 'campaign_id'],
  ]);
});
