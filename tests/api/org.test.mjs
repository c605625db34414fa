// org.test.mjs — the organisation through the API as the owner: brands,
// stores, staff and accounts (create, read, update, archive), list filters and
// pagination, the audit entry of every write, /api/overview, /api/divisions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, errorShapeProblem, uniq, PASSWORD } from '../lib/server.mjs';

let s, T;
before(async () => {
  s = await startServer({ foreign: false });
  T = await s.token('admin');
});
after(async () => { await s?.stop(); });

const get = (path) => s.api('GET', path, { token: T });
const post = (path, body) => s.api('POST', path, { token: T, body });
const patch = (path, body) => s.api('PATCH', path, { token: T, body });
const del = (path) => s.api('DELETE', path, { token: T });

function ok(r, status = 200) {
  assert.equal(r.status, status, `${status} expected: ${r.text}`);
  return r.json;
}
function err(r, status, field) {
  assert.equal(r.status, status, r.text);
  assert.equal(errorShapeProblem(r), null, r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field ?? undefined, r.text);
}

/** Audit entries for one entity, newest first. */
async function auditOf(entity, id) {
  return ok(await get(`/api/audit?entity=${entity}&entity_id=${id}&limit=100`)).items;
}
/** The newest audit entry of an entity must be `action` by admin, with the given before/after. */
async function assertAudit(entity, id, action, { before, after }) {
  const items = await auditOf(entity, id);
  assert.ok(items.length > 0, `audit entries for ${entity} ${id}`);
  const e = items[0];
  assert.equal(e.action, action);
  assert.equal(e.entity, entity);
  assert.equal(e.entity_id, id);
  assert.equal(e.actor_login, 'admin');
  assert.equal(e.actor_id, 1);
  assert.ok(e.at > 0);
  if (before === null) assert.equal(e.before, null, 'before is null');
  else assert.deepEqual(pick(e.before, before), before, 'before');
  if (after === null) assert.equal(e.after, null, 'after is null');
  else assert.deepEqual(pick(e.after, after), after, 'after');
  return e;
}
const pick = (o, like) => Object.fromEntries(Object.keys(like).map((k) => [k, o?.[k]]));

test('overview of the fresh demo as the owner', async () => {
  const o = ok(await get('/api/overview'));
  assert.equal(o.brands, 2);
  assert.equal(o.stores, 20);
  assert.equal(o.staff, 40);
  assert.equal(o.accounts, 43);
});

test('divisions: GB/T 2260 cities with search', async () => {
  const all = ok(await get('/api/divisions'));
  assert.ok(all.items.length > 300, `cities: ${all.items.length}`);
  assert.equal(all.total, all.items.length);
  for (const d of all.items.slice(0, 50)) {
    assert.match(d.code, /^\d{6}$/);
    assert.equal(typeof d.name, 'string');
    assert.equal(typeof d.province, 'string');
  }
  const sh = all.items.find((d) => d.code === '310100');
  assert.deepEqual(sh, { code: '310100', name: '上海市', province: '上海市' });
  assert.ok(all.items.find((d) => d.code === '110100'), 'Beijing');
  assert.equal(new Set(all.items.map((d) => d.code)).size, all.items.length, 'codes are unique');
  const gz = ok(await get(`/api/divisions?q=${encodeURIComponent('广州')}`));
  assert.ok(gz.items.some((d) => d.code === '440100'));
  const gd = ok(await get(`/api/divisions?q=${encodeURIComponent('广东省')}`));
  assert.ok(gd.items.length >= 20 && gd.items.every((d) => d.province === '广东省'));
  const byCode = ok(await get('/api/divisions?q=4403'));
  assert.ok(byCode.items.some((d) => d.code === '440300'));
  const none = ok(await get(`/api/divisions?q=${encodeURIComponent('不存在的城市')}`));
  assert.deepEqual(none, { items: [], total: 0 });
  err(await s.api('GET', '/api/divisions'), 401);
});

test('brands: create, read, list, search, update, archive, with audit', async () => {
  const code = uniq('BR');
  const b = ok(await post('/api/brands', { name: '  测试品牌 Test  ', code, description: '描述' }), 201);
  assert.equal(b.name, '测试品牌 Test', 'trimmed');
  assert.equal(b.code, code);
  assert.equal(b.description, '描述');
  assert.equal(b.store_count, 0);
  assert.equal(b.archived_at, null);
  assert.ok(b.created_at > 0 && b.updated_at >= b.created_at);
  assert.deepEqual(ok(await get(`/api/brands/${b.id}`)), b);
  await assertAudit('brand', b.id, 'brand.create', { before: null, after: { id: b.id, name: b.name, code } });

  // list and search (name substring, code case-insensitive)
  const list = ok(await get('/api/brands'));
  assert.equal(list.total, 3);
  assert.ok(list.items.some((x) => x.id === b.id));
  assert.equal(ok(await get(`/api/brands?q=${encodeURIComponent('测试')}`)).total, 1);
  assert.equal(ok(await get(`/api/brands?q=${code.toLowerCase()}`)).items[0].id, b.id);
  assert.equal(ok(await get('/api/brands?q=lumina')).items[0].id, 1);
  assert.equal(ok(await get('/api/brands?q=zzz-no-such')).total, 0);

  // update
  const u = ok(await patch(`/api/brands/${b.id}`, { name: '改名品牌', description: '' }));
  assert.equal(u.name, '改名品牌');
  assert.equal(u.description, '');
  assert.equal(u.code, code);
  assert.ok(u.updated_at >= b.updated_at);
  await assertAudit('brand', b.id, 'brand.update', { before: { name: '测试品牌 Test', description: '描述' }, after: { name: '改名品牌', description: '' } });
  const code2 = uniq('BR');
  assert.equal(ok(await patch(`/api/brands/${b.id}`, { code: code2 })).code, code2);
  err(await patch(`/api/brands/${b.id}`, { code: 'LUMINA' }), 409, 'code');
  err(await patch(`/api/brands/${b.id}`, {}), 400);
  assert.equal(ok(await get(`/api/brands/${b.id}`)).code, code2, 'a refused update changes nothing');

  // archive
  const a = ok(await del(`/api/brands/${b.id}`));
  assert.ok(a.archived_at > 0);
  await assertAudit('brand', b.id, 'brand.archive', { before: { archived_at: null }, after: { archived_at: a.archived_at } });
  assert.ok(!ok(await get('/api/brands')).items.some((x) => x.id === b.id), 'archived brands are hidden');
  assert.equal(ok(await get('/api/brands')).total, 2);
  const withArchived = ok(await get('/api/brands?include_archived=1'));
  assert.equal(withArchived.total, 3);
  assert.ok(withArchived.items.some((x) => x.id === b.id && x.archived_at === a.archived_at));
  assert.equal(ok(await get('/api/brands?include_archived=true')).total, 3);
  assert.equal(ok(await get(`/api/brands/${b.id}`)).archived_at, a.archived_at, 'an archived brand can still be read');
  err(await del(`/api/brands/${b.id}`), 409);
  // an archived brand cannot be given to a store
  err(await post('/api/stores', { name: '店', retailer: '零售', city_code: '310100', counter_code: uniq('C'), brand_ids: [b.id] }), 400, 'brand_ids');
  // codes stay reserved by archived brands
  err(await post('/api/brands', { name: 'again', code: code2 }), 409, 'code');
});

test('stores: create, read, filters, update, archive, with audit', async () => {
  const bcode = uniq('SB');
  const brand = ok(await post('/api/brands', { name: '门店测试品牌', code: bcode }), 201);
  const counter = uniq('CC');
  const st = ok(await post('/api/stores', {
    name: '测试门店', retailer: '测试零售', city_code: '440300', address: '深圳市南山区 1 号',
    counter_code: counter, phone: '0755-12345678', brand_ids: [brand.id, 1, brand.id],
  }), 201);
  assert.equal(st.name, '测试门店');
  assert.equal(st.city_code, '440300');
  assert.equal(st.city, '深圳市');
  assert.equal(st.province, '广东省');
  assert.equal(st.counter_code, counter);
  assert.equal(st.phone, '+8675512345678', 'E.164');
  assert.deepEqual([...st.brand_ids].sort((x, y) => x - y), [1, brand.id].sort((x, y) => x - y), 'deduplicated brand ids');
  assert.equal(st.brands.length, 2);
  assert.ok(st.brands.some((x) => x.id === brand.id && x.name === '门店测试品牌'));
  assert.equal(st.staff_count, 0);
  assert.equal(st.archived_at, null);
  assert.deepEqual(ok(await get(`/api/stores/${st.id}`)), st);
  await assertAudit('store', st.id, 'store.create', { before: null, after: { id: st.id, counter_code: counter, city: '深圳市' } });
  assert.equal(ok(await get(`/api/brands/${brand.id}`)).store_count, 1);

  // filters
  const all = ok(await get('/api/stores?limit=500'));
  assert.equal(all.total, 21);
  assert.equal(all.items.length, 21);
  const byBrand = ok(await get(`/api/stores?brand_id=${brand.id}`));
  assert.deepEqual(byBrand.items.map((x) => x.id), [st.id]);
  assert.equal(byBrand.total, 1);
  const lumina = ok(await get('/api/stores?brand_id=1&limit=500'));
  assert.equal(lumina.total, 15, 'demo stores 1–14 + the new one');
  assert.ok(lumina.items.every((x) => x.brand_ids.includes(1)));
  const qinghe = ok(await get('/api/stores?brand_id=2&limit=500'));
  assert.equal(qinghe.total, 14);
  const sz = ok(await get('/api/stores?city_code=440300&limit=500'));
  assert.ok(sz.items.every((x) => x.city_code === '440300'));
  assert.equal(sz.total, 4, 'demo stores 4, 12, 20 + the new one');
  assert.equal(ok(await get('/api/stores?city_code=440300&brand_id=2')).total, 2, 'filters combine (stores 4 and 20)');
  assert.equal(ok(await get(`/api/stores?q=${counter}`)).total, 1, 'q finds the counter code');
  assert.equal(ok(await get(`/api/stores?q=${encodeURIComponent('测试零售')}`)).total, 1, 'q finds the retailer');
  assert.equal(ok(await get(`/api/stores?q=${encodeURIComponent('南山区')}`)).total, 1, 'q finds the address');
  assert.equal(ok(await get(`/api/stores?q=${encodeURIComponent('大润发')}`)).total, 3, 'demo stores 3, 9, 15');
  assert.equal(ok(await get('/api/stores?city_code=999999')).total, 0);

  // update
  const u = ok(await patch(`/api/stores/${st.id}`, { city_code: '310100', name: '改名门店', phone: '', brand_ids: [brand.id] }));
  assert.equal(u.city, '上海市');
  assert.equal(u.province, '上海市');
  assert.equal(u.name, '改名门店');
  assert.equal(u.phone, null, '"" clears the phone');
  assert.deepEqual(u.brand_ids, [brand.id]);
  assert.equal(u.retailer, '测试零售', 'untouched fields stay');
  await assertAudit('store', st.id, 'store.update', {
    before: { name: '测试门店', city_code: '440300', phone: '+8675512345678' },
    after: { name: '改名门店', city_code: '310100', phone: null, brand_ids: [brand.id] },
  });
  err(await patch(`/api/stores/${st.id}`, { counter_code: 'C001' }), 409, 'counter_code');
  err(await patch(`/api/stores/${st.id}`, { city_code: '123456' }), 400, 'city_code');
  err(await patch(`/api/stores/${st.id}`, { brand_ids: [] }), 400, 'brand_ids');

  // archive: refused while staff work there
  const sf = ok(await post('/api/staff', { name: '店员', store_id: st.id }), 201);
  assert.equal(ok(await get(`/api/stores/${st.id}`)).staff_count, 1);
  err(await del(`/api/stores/${st.id}`), 409);
  ok(await del(`/api/staff/${sf.id}`));
  const a = ok(await del(`/api/stores/${st.id}`));
  assert.ok(a.archived_at > 0);
  await assertAudit('store', st.id, 'store.archive', { before: { archived_at: null }, after: { archived_at: a.archived_at } });
  assert.equal(ok(await get('/api/stores')).total, 20);
  assert.equal(ok(await get('/api/stores?include_archived=1')).total, 21);
  assert.ok(ok(await get(`/api/stores?include_archived=1&brand_id=${brand.id}`)).items[0].archived_at > 0);
  err(await del(`/api/stores/${st.id}`), 409);
  // new staff cannot join an archived store
  err(await post('/api/staff', { name: '新人', store_id: st.id }), 400, 'store_id');
  assert.equal(ok(await get(`/api/brands/${brand.id}`)).store_count, 0, 'archived stores do not count');
});

test('pagination: limit, offset and total', async () => {
  const p1 = ok(await get('/api/stores?limit=7'));
  assert.equal(p1.items.length, 7);
  assert.equal(p1.total, 20);
  const p2 = ok(await get('/api/stores?limit=7&offset=7'));
  const p3 = ok(await get('/api/stores?limit=7&offset=14'));
  assert.equal(p2.items.length, 7);
  assert.equal(p3.items.length, 6);
  const ids = [...p1.items, ...p2.items, ...p3.items].map((x) => x.id);
  assert.equal(new Set(ids).size, 20, 'pages do not overlap');
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ordered by id');
  const beyond = ok(await get('/api/stores?limit=7&offset=100'));
  assert.deepEqual(beyond.items, []);
  assert.equal(beyond.total, 20);
  assert.equal(ok(await get('/api/staff')).items.length, 40, 'default limit is 50');
  assert.equal(ok(await get('/api/accounts?limit=10&offset=40')).items.length, 3);
  assert.equal(ok(await get('/api/staff?limit=500')).items.length, ok(await get('/api/staff')).total);
  err(await get('/api/stores?limit=501'), 400, 'limit');
  err(await get('/api/stores?limit=0'), 400, 'limit');
  err(await get('/api/stores?offset=-1'), 400, 'offset');
  const audit = ok(await get('/api/audit?limit=3'));
  assert.equal(audit.items.length, 3);
  assert.ok(audit.total >= 3);
  assert.ok(audit.items[0].id > audit.items[1].id, 'audit is newest first');
});

test('staff: create, read, filters, update, archive, with audit', async () => {
  const no = uniq('EN');
  const sf = ok(await post('/api/staff', { name: '测试导购', store_id: 2, phone: '139 1234 5678', employee_no: no, title: '美容顾问' }), 201);
  assert.equal(sf.name, '测试导购');
  assert.equal(sf.phone, '+8613912345678');
  assert.equal(sf.phone_masked, '139****5678');
  assert.equal(sf.employee_no, no);
  assert.equal(sf.title, '美容顾问');
  assert.equal(sf.store_id, 2);
  assert.equal(typeof sf.store_name, 'string');
  assert.equal(sf.account_id, null);
  assert.equal(sf.archived_at, null);
  assert.deepEqual(ok(await get(`/api/staff/${sf.id}`)), sf);
  await assertAudit('staff', sf.id, 'staff.create', { before: null, after: { id: sf.id, phone: '+8613912345678', employee_no: no } });

  // filters
  assert.equal(ok(await get('/api/staff?store_id=2')).total, 3);
  assert.ok(ok(await get('/api/staff?store_id=2')).items.every((x) => x.store_id === 2));
  assert.equal(ok(await get('/api/staff?store_id=15')).total, 2);
  assert.equal(ok(await get('/api/staff?brand_id=2&limit=500')).total, 29, 'stores 1–8 and 15–20 (2 each) + the new one');
  assert.equal(ok(await get('/api/staff?brand_id=1&limit=500')).total, 29, 'stores 1–14 (2 each) + the new one');
  assert.equal(ok(await get(`/api/staff?q=${no}`)).items[0].id, sf.id, 'q finds the employee number');
  assert.equal(ok(await get(`/api/staff?q=${encodeURIComponent('测试导购')}`)).total, 1, 'q finds the name');
  assert.equal(ok(await get('/api/staff?q=13912345678')).items[0].id, sf.id, 'q finds the phone');
  assert.equal(ok(await get('/api/staff?q=BA001')).total, 1);
  assert.equal(ok(await get('/api/staff?store_id=2&brand_id=2')).total, 3);

  // update: move, clear phone, change number
  const u = ok(await patch(`/api/staff/${sf.id}`, { store_id: 9, phone: '', title: '专柜主管' }));
  assert.equal(u.store_id, 9);
  assert.equal(u.phone, null);
  assert.equal(u.phone_masked, null);
  assert.equal(u.employee_no, no, 'untouched');
  assert.equal(u.title, '专柜主管');
  await assertAudit('staff', sf.id, 'staff.update', { before: { store_id: 2, title: '美容顾问' }, after: { store_id: 9, title: '专柜主管', phone: null } });
  err(await patch(`/api/staff/${sf.id}`, { employee_no: 'BA002' }), 409, 'employee_no');
  err(await patch(`/api/staff/${sf.id}`, { phone: '010-12345678' }), 400, 'phone');
  err(await patch(`/api/staff/${sf.id}`, { store_id: 99999 }), 400, 'store_id');
  assert.equal(ok(await get('/api/staff?store_id=9')).total, 3);

  // an account bound to the staff member shows up on the staff record
  const login = uniq('st').toLowerCase();
  const acc = ok(await post('/api/accounts', { login, password: PASSWORD, name: '测试导购', role: 'staff', staff_id: sf.id }), 201);
  assert.equal(ok(await get(`/api/staff/${sf.id}`)).account_id, acc.id);
  const t = await s.login(login);
  assert.equal(ok(await s.api('GET', '/api/auth/me', { token: t })).account.store_id, 9);

  // archive
  const a = ok(await del(`/api/staff/${sf.id}`));
  assert.ok(a.archived_at > 0);
  await assertAudit('staff', sf.id, 'staff.archive', { before: { archived_at: null }, after: { archived_at: a.archived_at } });
  assert.equal(ok(await get('/api/staff?store_id=9')).total, 2);
  assert.equal(ok(await get('/api/staff?store_id=9&include_archived=1')).total, 3);
  err(await del(`/api/staff/${sf.id}`), 409);
  err(await s.api('GET', '/api/auth/me', { token: t }), 401);
});

test('accounts: create each role, read, filters, update, disable, with audit', async () => {
  // brand manager
  const login = `New.Manager.${uniq('')}`;
  const bm = ok(await post('/api/accounts', { login, password: PASSWORD, name: '新品牌经理', role: 'brand_manager', brand_ids: [2] }), 201);
  assert.equal(bm.login, login.toLowerCase(), 'logins are lower-case');
  assert.equal(bm.role, 'brand_manager');
  assert.deepEqual(bm.brand_ids, [2]);
  assert.equal(bm.disabled, false);
  assert.equal(bm.staff_id, null);
  assert.equal(bm.last_login_at, null);
  assert.ok(!/hash|password/i.test(JSON.stringify(bm)));
  assert.deepEqual(ok(await get(`/api/accounts/${bm.id}`)), bm);
  const created = await assertAudit('account', bm.id, 'account.create', { before: null, after: { login: bm.login, role: 'brand_manager' } });
  assert.ok(!JSON.stringify(created).includes(PASSWORD), 'no password in the audit log');
  const bt = await s.login(login);
  assert.equal(ok(await s.api('GET', '/api/brands', { token: bt })).total, 1, 'the new manager sees its brand only');

  // owner
  const owner = ok(await post('/api/accounts', { login: uniq('ow').toLowerCase(), password: PASSWORD, name: '第二所有者', role: 'owner' }), 201);
  assert.equal(owner.role, 'owner');
  assert.deepEqual(owner.brand_ids, []);

  // staff (needs a staff record without an account)
  const sf = ok(await post('/api/staff', { name: '账号测试导购', store_id: 3 }), 201);
  const sa = ok(await post('/api/accounts', { login: uniq('sa').toLowerCase(), password: PASSWORD, name: '账号测试导购', role: 'staff', staff_id: sf.id }), 201);
  assert.equal(sa.staff_id, sf.id);
  assert.equal(sa.store_id, 3);
  err(await post('/api/accounts', { login: uniq('sb').toLowerCase(), password: PASSWORD, name: 'x', role: 'staff', staff_id: sf.id }), 409, 'staff_id');
  err(await post('/api/accounts', { login: bm.login, password: PASSWORD, name: 'x', role: 'owner' }), 409, 'login');
  err(await post('/api/accounts', { login: login.toUpperCase(), password: PASSWORD, name: 'x', role: 'owner' }), 409, 'login');
  err(await post('/api/accounts', { login: uniq('bx').toLowerCase(), password: PASSWORD, name: 'x', role: 'brand_manager' }), 400, 'brand_ids');
  err(await post('/api/accounts', { login: uniq('bx').toLowerCase(), password: PASSWORD, name: 'x', role: 'staff' }), 400, 'staff_id');
  err(await post('/api/accounts', { login: uniq('bx').toLowerCase(), password: PASSWORD, name: 'x', role: 'owner', brand_ids: [1] }), 400, 'brand_ids');

  // filters
  const managers = ok(await get('/api/accounts?role=brand_manager'));
  assert.equal(managers.total, 3);
  assert.ok(managers.items.every((x) => x.role === 'brand_manager'));
  assert.equal(ok(await get('/api/accounts?role=owner')).total, 2);
  assert.ok(ok(await get('/api/accounts?role=staff&limit=500')).items.every((x) => x.role === 'staff'));
  assert.equal(ok(await get('/api/accounts?q=lumina')).items[0].login, 'lumina.mgr');
  assert.equal(ok(await get(`/api/accounts?q=${encodeURIComponent('新品牌经理')}`)).total, 1, 'q finds the name');
  assert.equal(ok(await get(`/api/accounts?q=${login.toUpperCase()}`)).total, 1, 'q on logins is case-insensitive');
  err(await get('/api/accounts?role=god'), 400, 'role');

  // update
  const u = ok(await patch(`/api/accounts/${bm.id}`, { name: '改名经理', brand_ids: [1, 2] }));
  assert.equal(u.name, '改名经理');
  assert.deepEqual([...u.brand_ids].sort(), [1, 2]);
  await assertAudit('account', bm.id, 'account.update', { before: { name: '新品牌经理', brand_ids: [2] }, after: { name: '改名经理' } });
  assert.equal(ok(await s.api('GET', '/api/brands', { token: bt })).total, 2, 'brand scope follows the update');
  err(await patch(`/api/accounts/${bm.id}`, { login: 'other' }), 400, 'login');
  err(await patch(`/api/accounts/${bm.id}`, { role: 'owner' }), 400, 'role');
  err(await patch(`/api/accounts/${bm.id}`, { staff_id: 1 }), 400, 'staff_id');
  err(await patch(`/api/accounts/${sa.id}`, { brand_ids: [1] }), 400, 'brand_ids');
  // a new password ends the account's sessions
  ok(await patch(`/api/accounts/${bm.id}`, { password: 'another-pass-9' }));
  err(await s.api('GET', '/api/auth/me', { token: bt }), 401);
  assert.equal((await s.loginRaw(login, 'another-pass-9')).status, 200);

  // disable
  const d = ok(await del(`/api/accounts/${bm.id}`));
  assert.equal(d.disabled, true);
  await assertAudit('account', bm.id, 'account.disable', { before: { disabled: false }, after: { disabled: true } });
  assert.equal(ok(await get(`/api/accounts/${bm.id}`)).disabled, true);
  assert.equal(ok(await get('/api/accounts?role=brand_manager')).total, 3, 'disabled accounts stay listed');
});

test('audit: filters by entity, entity_id, actor_id, action prefix', async () => {
  const code = uniq('AU');
  const b = ok(await post('/api/brands', { name: '审计品牌', code }), 201);
  ok(await patch(`/api/brands/${b.id}`, { description: 'one' }));
  ok(await patch(`/api/brands/${b.id}`, { description: 'two' }));
  const all = ok(await get(`/api/audit?entity=brand&entity_id=${b.id}`));
  assert.deepEqual(all.items.map((e) => e.action), ['brand.update', 'brand.update', 'brand.create']);
  assert.equal(all.total, 3);
  assert.deepEqual(all.items[0].before.description, 'one');
  assert.deepEqual(all.items[0].after.description, 'two');
  const upd = ok(await get(`/api/audit?entity_id=${b.id}&entity=brand&action=brand.update`));
  assert.equal(upd.total, 2);
  const created = ok(await get('/api/audit?action=brand.create&limit=500'));
  assert.ok(created.items.every((e) => e.action === 'brand.create'));
  const mine = ok(await get('/api/audit?actor_id=1&limit=5'));
  assert.ok(mine.items.every((e) => e.actor_id === 1));
  const logins = ok(await get('/api/audit?action=account.login&limit=500'));
  assert.ok(logins.items.length >= 1);
  assert.ok(logins.items.every((e) => !JSON.stringify(e).includes(PASSWORD)));
  err(await get('/api/audit?entity_id=abc'), 400, 'entity_id');
  err(await get('/api/audit?actor_id=-3'), 400, 'actor_id');
});

test('overview agrees with the list totals', async () => {
  const o = ok(await get('/api/overview'));
  assert.equal(o.brands, ok(await get('/api/brands')).total);
  assert.equal(o.stores, ok(await get('/api/stores')).total);
  assert.equal(o.staff, ok(await get('/api/staff')).total);
  const accounts = ok(await get('/api/accounts?limit=500'));
  assert.equal(o.accounts, accounts.items.filter((a) => !a.disabled).length, 'overview counts enabled accounts');
});
