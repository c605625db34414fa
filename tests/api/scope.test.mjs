// scope.test.mjs — Invariant 7: every principal reads and changes only what its
// role and scope allow. Ids of one's own enterprise outside one's scope → 403;
// ids of another enterprise → 404 (nothing leaks); member and account sessions
// do not open each other's routes (401).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, errorShapeProblem, uniq, PASSWORD, DEMO } from '../lib/server.mjs';

let s, tok, F;
before(async () => {
  s = await startServer();
  F = s.foreign;
  tok = {};
  for (const l of ['admin', 'lumina.mgr', 'qinghe.mgr', 'ba001', 'ba020', F.owner, F.staffLogin]) tok[l] = await s.token(l);
});
after(async () => { await s?.stop(); });

async function expectStatus(t, login, method, path, body, status, field) {
  const r = await s.api(method, path, { token: typeof login === 'string' ? tok[login] : login, body });
  assert.equal(r.status, status, `${login} ${method} ${path} → ${r.status} ${r.text.slice(0, 200)}`);
  if (status >= 400) {
    assert.equal(errorShapeProblem(r), null, r.text);
    if (field !== undefined) assert.equal(r.json.error.field, field ?? undefined, `${method} ${path}: ${r.text}`);
  }
  return r;
}
async function runRows(t, rows) {
  for (const [login, method, path, body, status, field] of rows) {
    await t.test(`${login} ${method} ${path} → ${status}${field ? ' ' + field : ''}`, () => expectStatus(t, login, method, path, body, status, field));
  }
}

const storeBody = (brand_ids, counter = uniq('S')) => ({ name: '范围门店', retailer: '零售', city_code: '310100', counter_code: counter, brand_ids });

test('staff ba001 (store 1): reads its store, brands and colleagues only; writes nothing', async (t) => {
  await runRows(t, [
    ['ba001', 'GET', '/api/stores/1', undefined, 200],
    ['ba001', 'GET', '/api/stores/2', undefined, 403],
    ['ba001', 'GET', '/api/stores/9', undefined, 403],
    ['ba001', 'GET', '/api/stores/15', undefined, 403],
    ['ba001', 'GET', '/api/staff/1', undefined, 200],
    ['ba001', 'GET', '/api/staff/2', undefined, 200],
    ['ba001', 'GET', '/api/staff/3', undefined, 403],
    ['ba001', 'GET', '/api/staff/17', undefined, 403],
    ['ba001', 'GET', '/api/brands/1', undefined, 200],
    ['ba001', 'GET', '/api/brands/2', undefined, 200],
    ['ba001', 'GET', `/api/accounts/${DEMO.accounts.ba001}`, undefined, 200],
    ['ba001', 'GET', '/api/accounts/5', undefined, 403],
    ['ba001', 'GET', '/api/accounts/1', undefined, 403],
    ['ba001', 'GET', '/api/audit', undefined, 403],
    ['ba001', 'GET', '/api/sms/outbox', undefined, 403],
    ['ba001', 'POST', '/api/brands', { name: 'x', code: uniq('B') }, 403],
    ['ba001', 'PATCH', '/api/brands/1', { description: 'x' }, 403],
    ['ba001', 'DELETE', '/api/brands/1', undefined, 403],
    ['ba001', 'POST', '/api/stores', storeBody([1]), 403],
    ['ba001', 'PATCH', '/api/stores/1', { address: 'x' }, 403],
    ['ba001', 'DELETE', '/api/stores/1', undefined, 403],
    ['ba001', 'POST', '/api/staff', { name: 'x', store_id: 1 }, 403],
    ['ba001', 'PATCH', '/api/staff/1', { title: 'x' }, 403],
    ['ba001', 'PATCH', '/api/staff/2', { title: 'x' }, 403],
    ['ba001', 'DELETE', '/api/staff/2', undefined, 403],
    ['ba001', 'POST', '/api/accounts', { login: uniq('a').toLowerCase(), password: PASSWORD, name: 'x', role: 'staff', staff_id: 2 }, 403],
    ['ba001', 'PATCH', `/api/accounts/${DEMO.accounts.ba001}`, { name: 'x' }, 403],
    ['ba001', 'DELETE', '/api/accounts/5', undefined, 403],
  ]);
});

test('staff lists and overview are filtered to its store', async () => {
  const T = tok.ba001;
  const stores = (await s.api('GET', '/api/stores', { token: T })).json;
  assert.deepEqual(stores.items.map((x) => x.id), [1]);
  assert.equal(stores.total, 1);
  const staff = (await s.api('GET', '/api/staff', { token: T })).json;
  assert.deepEqual(staff.items.map((x) => x.id).sort(), [1, 2]);
  assert.equal(staff.total, 2);
  assert.equal((await s.api('GET', '/api/staff?store_id=9', { token: T })).json.total, 0);
  const brands = (await s.api('GET', '/api/brands', { token: T })).json;
  assert.equal(brands.total, 2);
  const accounts = (await s.api('GET', '/api/accounts', { token: T })).json;
  assert.deepEqual(accounts.items.map((x) => x.id), [DEMO.accounts.ba001]);
  assert.equal(accounts.total, 1);
  const o = (await s.api('GET', '/api/overview', { token: T })).json;
  assert.equal(o.stores, 1);
  assert.equal(o.staff, 2);
  assert.equal(o.brands, 2);
  assert.equal(o.accounts, 1);
  // a staff member at a one-brand store sees that brand only (ba020 is at store 10, Lumina only)
  const b20 = (await s.api('GET', '/api/brands', { token: tok.ba020 })).json;
  assert.deepEqual(b20.items.map((x) => x.id), [1]);
  assert.equal((await s.api('GET', '/api/brands/2', { token: tok.ba020 })).status, 403);
});

test('brand manager lumina.mgr (brand 1): scope of reads and writes', async (t) => {
  const created = await s.api('POST', '/api/stores', { token: tok['lumina.mgr'], body: storeBody([1]) });
  assert.equal(created.status, 201, created.text);
  const own = created.json.id;
  await runRows(t, [
    ['lumina.mgr', 'GET', '/api/stores/1', undefined, 200],
    ['lumina.mgr', 'GET', '/api/stores/9', undefined, 200],
    ['lumina.mgr', 'GET', '/api/stores/15', undefined, 403],
    ['lumina.mgr', 'GET', '/api/stores/20', undefined, 403],
    ['lumina.mgr', 'GET', '/api/staff/29', undefined, 403],
    ['lumina.mgr', 'GET', '/api/staff/17', undefined, 200],
    ['lumina.mgr', 'GET', '/api/brands/1', undefined, 200],
    ['lumina.mgr', 'GET', '/api/brands/2', undefined, 403],
    ['lumina.mgr', 'GET', `/api/accounts/${DEMO.accounts.qinghe}`, undefined, 403],
    ['lumina.mgr', 'GET', `/api/accounts/${DEMO.accounts.admin}`, undefined, 403],
    ['lumina.mgr', 'GET', '/api/accounts/4', undefined, 200],
    ['lumina.mgr', 'GET', '/api/accounts/32', undefined, 403], // ba029, store 15
    ['lumina.mgr', 'GET', '/api/audit', undefined, 403],
    ['lumina.mgr', 'GET', '/api/sms/outbox', undefined, 403],
    ['lumina.mgr', 'POST', '/api/brands', { name: 'x', code: uniq('B') }, 403],
    ['lumina.mgr', 'DELETE', '/api/brands/1', undefined, 403],
    ['lumina.mgr', 'PATCH', '/api/brands/2', { description: 'x' }, 403],
    ['lumina.mgr', 'PATCH', '/api/brands/1', { description: '经理改过' }, 200],
    ['lumina.mgr', 'POST', '/api/stores', storeBody([2]), 403, 'brand_ids'],
    ['lumina.mgr', 'POST', '/api/stores', storeBody([1, 2]), 403, 'brand_ids'],
    ['lumina.mgr', 'PATCH', '/api/stores/1', { address: 'x' }, 403],
    ['lumina.mgr', 'PATCH', '/api/stores/15', { address: 'x' }, 403],
    ['lumina.mgr', 'PATCH', `/api/stores/${own}`, { brand_ids: [1, 2] }, 403, 'brand_ids'],
    ['lumina.mgr', 'PATCH', '/api/stores/9', { address: '经理改的地址' }, 200],
    ['lumina.mgr', 'DELETE', '/api/stores/15', undefined, 403],
    ['lumina.mgr', 'DELETE', `/api/stores/${own}`, undefined, 200],
    ['lumina.mgr', 'POST', '/api/staff', { name: 'x', store_id: 15 }, 403, 'store_id'],
    ['lumina.mgr', 'POST', '/api/staff', { name: '经理招的导购', store_id: 9 }, 201],
    ['lumina.mgr', 'PATCH', '/api/staff/29', { title: 'x' }, 403],
    ['lumina.mgr', 'PATCH', '/api/staff/17', { store_id: 15 }, 403, 'store_id'],
    ['lumina.mgr', 'PATCH', '/api/staff/17', { title: '经理改的职位' }, 200],
    ['lumina.mgr', 'DELETE', '/api/staff/29', undefined, 403],
    ['lumina.mgr', 'POST', '/api/accounts', { login: uniq('o').toLowerCase(), password: PASSWORD, name: 'x', role: 'owner' }, 403, 'role'],
    ['lumina.mgr', 'POST', '/api/accounts', { login: uniq('m').toLowerCase(), password: PASSWORD, name: 'x', role: 'brand_manager', brand_ids: [1] }, 403, 'role'],
    ['lumina.mgr', 'POST', '/api/accounts', { login: uniq('s').toLowerCase(), password: PASSWORD, name: 'x', role: 'staff', staff_id: 30 }, 403, 'staff_id'],
    ['lumina.mgr', 'PATCH', `/api/accounts/${DEMO.accounts.qinghe}`, { name: 'x' }, 403],
    ['lumina.mgr', 'PATCH', `/api/accounts/${DEMO.accounts.lumina}`, { brand_ids: [1, 2] }, 403],
    ['lumina.mgr', 'PATCH', '/api/accounts/32', { name: 'x' }, 403],
    ['lumina.mgr', 'DELETE', '/api/accounts/32', undefined, 403],
    ['lumina.mgr', 'DELETE', `/api/accounts/${DEMO.accounts.admin}`, undefined, 403],
  ]);
});

test('brand manager lists and overview are filtered to its brands (totals)', async () => {
  const A = tok.admin;
  for (const [login, brand] of [['lumina.mgr', 1], ['qinghe.mgr', 2]]) {
    const T = tok[login];
    const stores = (await s.api('GET', '/api/stores?limit=500', { token: T })).json;
    const ownerView = (await s.api('GET', `/api/stores?brand_id=${brand}&limit=500`, { token: A })).json;
    assert.equal(stores.total, ownerView.total, `${login}: store total`);
    assert.deepEqual(stores.items.map((x) => x.id), ownerView.items.map((x) => x.id));
    assert.ok(stores.items.every((x) => x.brand_ids.includes(brand)));
    const staff = (await s.api('GET', '/api/staff?limit=500', { token: T })).json;
    const ownerStaff = (await s.api('GET', `/api/staff?brand_id=${brand}&limit=500`, { token: A })).json;
    assert.equal(staff.total, ownerStaff.total, `${login}: staff total`);
    const brands = (await s.api('GET', '/api/brands', { token: T })).json;
    assert.deepEqual(brands.items.map((x) => x.id), [brand]);
    assert.equal(brands.total, 1);
    const accounts = (await s.api('GET', '/api/accounts?limit=500', { token: T })).json;
    assert.equal(accounts.total, accounts.items.length);
    assert.ok(accounts.items.every((a) => a.role === 'staff' || a.login === login), `${login}: only staff accounts and itself`);
    // staff accounts of the manager's stores = the staff of those stores that have accounts
    const withAccounts = ownerStaff.items.filter((x) => x.account_id).length;
    assert.equal(accounts.total, withAccounts + 1, `${login}: account total`);
    // a brand filter outside the scope finds nothing
    const other = brand === 1 ? 2 : 1;
    const onlyOther = (await s.api('GET', `/api/stores?brand_id=${other}&limit=500`, { token: T })).json;
    assert.ok(onlyOther.items.every((x) => x.brand_ids.includes(brand)), 'shared stores only');
    const o = (await s.api('GET', '/api/overview', { token: T })).json;
    assert.equal(o.brands, 1);
    assert.equal(o.stores, stores.total);
    assert.equal(o.staff, staff.total);
    assert.equal(o.accounts, accounts.total);
  }
  // demo numbers (before this file's own writes): stores 1–14 serve Lumina, 1–8 and 15–20 Qinghe
  const q = (await s.api('GET', '/api/stores?limit=500', { token: tok['qinghe.mgr'] })).json;
  assert.equal(q.total, 14);
  assert.ok(!q.items.some((x) => x.id >= 9 && x.id <= 14));
});

test('another enterprise\'s ids answer 404 to every principal of the demo enterprise', async (t) => {
  const ids = { brands: F.brandId, stores: F.storeId, staff: F.staffId, accounts: F.staffAccountId };
  const bodies = { brands: { description: 'x' }, stores: { address: 'x' }, staff: { title: 'x' }, accounts: { name: 'x' } };
  const rows = [];
  for (const who of ['admin', 'lumina.mgr', 'ba001']) {
    for (const [kind, id] of Object.entries(ids)) {
      rows.push([who, 'GET', `/api/${kind}/${id}`, undefined, 404, 'id']);
      rows.push([who, 'PATCH', `/api/${kind}/${id}`, bodies[kind], 404, 'id']);
      rows.push([who, 'DELETE', `/api/${kind}/${id}`, undefined, 404, 'id']);
    }
    rows.push([who, 'GET', `/api/accounts/${F.ownerId}`, undefined, 404, 'id']);
    rows.push([who, 'PATCH', `/api/accounts/${F.ownerId}`, { disabled: true }, 404, 'id']);
    rows.push([who, 'DELETE', `/api/accounts/${F.ownerId}`, undefined, 404, 'id']);
  }
  await runRows(t, rows);
  // nothing of the other enterprise changed
  const fb = await s.api('GET', `/api/brands/${F.brandId}`, { token: tok[F.owner] });
  assert.equal(fb.status, 200);
  assert.equal(fb.json.archived_at, null);
  assert.equal(fb.json.description, '');
  assert.equal((await s.api('GET', `/api/accounts/${F.ownerId}`, { token: tok[F.owner] })).json.disabled, false);
});

test('the demo enterprise\'s ids answer 404 to the other enterprise', async (t) => {
  const rows = [];
  for (const who of [F.owner, F.staffLogin]) {
    for (const [kind, id, body] of [['brands', 1, { description: 'x' }], ['stores', 1, { address: 'x' }], ['staff', 1, { title: 'x' }], ['accounts', 1, { name: 'x' }], ['accounts', 4, { name: 'x' }]]) {
      rows.push([who, 'GET', `/api/${kind}/${id}`, undefined, 404, 'id']);
      rows.push([who, 'PATCH', `/api/${kind}/${id}`, body, 404, 'id']);
      rows.push([who, 'DELETE', `/api/${kind}/${id}`, undefined, 404, 'id']);
    }
  }
  await runRows(t, rows);
  assert.equal((await s.api('GET', '/api/accounts/1', { token: tok.admin })).json.disabled, false);
  assert.equal((await s.api('GET', '/api/brands/2', { token: tok.admin })).json.archived_at, null);
});

test('lists, overview and body ids do not cross enterprises', async () => {
  const fo = tok[F.owner];
  const brands = (await s.api('GET', '/api/brands?include_archived=1', { token: fo })).json;
  assert.deepEqual(brands.items.map((b) => b.id), [F.brandId]);
  const stores = (await s.api('GET', '/api/stores?include_archived=1&limit=500', { token: fo })).json;
  assert.deepEqual(stores.items.map((b) => b.id), [F.storeId]);
  const staff = (await s.api('GET', '/api/staff?include_archived=1&limit=500', { token: fo })).json;
  assert.deepEqual(staff.items.map((b) => b.id), [F.staffId]);
  const accounts = (await s.api('GET', '/api/accounts?limit=500', { token: fo })).json;
  assert.deepEqual(accounts.items.map((b) => b.id).sort((a, b) => a - b), [F.ownerId, F.staffAccountId]);
  const audit = (await s.api('GET', '/api/audit?limit=500', { token: fo })).json;
  assert.ok(audit.items.length > 0);
  assert.ok(audit.items.every((e) => !['admin', 'lumina.mgr', 'qinghe.mgr', 'ba001'].includes(e.actor_login)), 'no demo audit entries');
  const o = (await s.api('GET', '/api/overview', { token: fo })).json;
  assert.deepEqual([o.brands, o.stores, o.staff, o.accounts], [1, 1, 1, 2]);
  // filters with the other enterprise's ids find nothing
  assert.equal((await s.api('GET', '/api/stores?brand_id=1', { token: fo })).json.total, 0);
  assert.equal((await s.api('GET', `/api/stores?brand_id=${F.brandId}`, { token: tok.admin })).json.total, 0);
  assert.equal((await s.api('GET', `/api/staff?store_id=${F.storeId}`, { token: tok.admin })).json.total, 0);
  assert.equal((await s.api('GET', `/api/audit?entity=brand&entity_id=${F.brandId}`, { token: tok.admin })).json.total, 0);
  const adminBrands = (await s.api('GET', '/api/brands?include_archived=1&limit=500', { token: tok.admin })).json;
  assert.ok(!adminBrands.items.some((b) => b.id === F.brandId));
  // ids of the other enterprise inside a body are unknown, not usable
  const A = tok.admin;
  const r1 = await expectStatus(null, 'admin', 'POST', '/api/stores', storeBody([F.brandId]), 400, 'brand_ids');
  assert.ok(!r1.text.includes('外部品牌'));
  await expectStatus(null, 'admin', 'POST', '/api/staff', { name: 'x', store_id: F.storeId }, 400, 'store_id');
  await expectStatus(null, 'admin', 'PATCH', '/api/staff/3', { store_id: F.storeId }, 400, 'store_id');
  await expectStatus(null, 'admin', 'POST', '/api/accounts', { login: uniq('x').toLowerCase(), password: PASSWORD, name: 'x', role: 'staff', staff_id: F.staffId }, 400, 'staff_id');
  await expectStatus(null, 'admin', 'POST', '/api/accounts', { login: uniq('x').toLowerCase(), password: PASSWORD, name: 'x', role: 'brand_manager', brand_ids: [F.brandId] }, 400, 'brand_ids');
  await expectStatus(null, F.owner, 'POST', '/api/staff', { name: 'x', store_id: 1 }, 400, 'store_id');
  // codes are per enterprise: the other enterprise may use LUMINA and C001 too
  const b = await s.api('POST', '/api/brands', { token: fo, body: { name: 'same code', code: 'LUMINA' } });
  assert.equal(b.status, 201, b.text);
  const st = await s.api('POST', '/api/stores', { token: fo, body: storeBody([b.json.id], 'C001') });
  assert.equal(st.status, 201, st.text);
  // but logins are global
  await expectStatus(null, F.owner, 'POST', '/api/accounts', { login: 'admin', password: PASSWORD, name: 'x', role: 'owner' }, 409, 'login');
  assert.equal((await s.api('GET', '/api/brands?q=LUMINA', { token: A })).json.total, 1);
});

test('member sessions and account sessions do not open each other\'s routes', async (t) => {
  const phone = '+8613912340001';
  const sent = await s.api('POST', '/api/member/otp', { body: { phone } });
  assert.equal(sent.status, 200, sent.text);
  const code = await s.waitForCode(phone);
  const ml = await s.api('POST', '/api/member/login', { body: { phone, code } });
  assert.equal(ml.status, 200, ml.text);
  const M = ml.json.token;
  assert.equal((await s.api('GET', '/api/member/me', { token: M })).status, 200);

  const accountRoutes = [
    ['GET', '/api/auth/me'], ['POST', '/api/auth/logout'], ['POST', '/api/auth/password', { old_password: 'x', new_password: 'yyyyyyyy' }],
    ['GET', '/api/overview'], ['GET', '/api/divisions'], ['GET', '/api/brands'], ['POST', '/api/brands', { name: 'x', code: 'MEMBERX' }],
    ['GET', '/api/brands/1'], ['PATCH', '/api/brands/1', { name: 'x' }], ['DELETE', '/api/brands/1'],
    ['GET', '/api/stores'], ['GET', '/api/stores/1'], ['GET', '/api/staff'], ['GET', '/api/staff/1'],
    ['GET', '/api/accounts'], ['GET', '/api/accounts/1'], ['PATCH', '/api/accounts/1', { disabled: true }],
    ['GET', '/api/audit'], ['GET', '/api/sms/outbox'],
  ];
  for (const [method, path, body] of accountRoutes) {
    await t.test(`member token ${method} ${path} → 401`, async () => {
      await expectStatus(null, M, method, path, body, 401);
      // the member cookie does not work either
      const r = await s.api(method, path, { body, headers: { cookie: `hh_member=${M}` } });
      assert.equal(r.status, 401, r.text);
    });
  }
  for (const [method, path] of [['GET', '/api/member/me'], ['POST', '/api/member/logout']]) {
    for (const login of ['admin', 'ba001']) {
      await t.test(`${login} token ${method} ${path} → 401`, async () => {
        await expectStatus(null, tok[login], method, path, undefined, 401);
        const r = await s.api(method, path, { headers: { cookie: `hh_session=${tok[login]}` } });
        assert.equal(r.status, 401, r.text);
      });
    }
  }
  // the member session survives all that, and the admin's too
  assert.equal((await s.api('GET', '/api/member/me', { token: M })).status, 200);
  assert.equal((await s.api('GET', '/api/auth/me', { token: tok.admin })).status, 200);
  assert.equal((await s.api('GET', '/api/brands/1', { token: tok.admin })).json.archived_at, null);
});
