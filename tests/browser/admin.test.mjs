// Admin console, clicked through as an enterprise owner and a brand manager
// would: log in, create a brand, a store (city picked from the division list),
// a staff member and a staff account, edit, archive, read the audit log and
// the SMS outbox, switch language. Screenshots go to screenshots/admin-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, shot, pick, skipReason } from './server.mjs';

const skip = skipReason();

describe('admin console', { skip: skip || false }, () => {
  let srv, browser, page;
  // Each run has its own fresh database, so plain realistic names are unique.
  const stamp = '0571';
  const brandName = '澜雅';
  const brandCode = 'LANYA';
  const storeName = '银泰百货 杭州西湖文化广场店';
  const staffName = '林小雨';
  const accountLogin = 'ba.linxy';

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser);
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  const drawer = '.hh-drawer';
  const field = (name) => page.locator(`${drawer} [data-field="${name}"]`);
  const fieldError = (name) => field(name).locator('.hh-field-error');
  async function save() {
    await page.click(`${drawer} [data-test=save]`);
  }
  async function savedAndClosed() {
    await page.locator('.hh-drawer').waitFor({ state: 'detached' });
  }
  async function go(nav) {
    await page.click(`.admin-nav [data-nav="${nav}"]`);
    await page.locator('.page-head h1').waitFor();
    await page.locator('.hh-table-wrap:not(.loading)').first().waitFor();
  }
  const row = (text) => page.locator('.hh-table tbody tr', { hasText: text }).first();
  // The demo data fills more than one page: find a record the way a person
  // would, by typing its name into the search box.
  async function search(text) {
    await page.fill('[data-test=search]', text);
    await row(text).waitFor();
  }

  it('shows the login page and refuses a wrong password next to the form', async () => {
    await page.goto(srv.url + '/admin/');
    await page.locator('.hh-login-card').waitFor();
    await shot(page, 'admin-01-login');
    await page.fill('input[name=login]', 'admin');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('.hh-login-card button[type=submit]');
    const err = page.locator('.hh-login-card .hh-field-error, .hh-login-card .hh-alert-error').first();
    await err.waitFor();
    assert.ok((await err.textContent()).trim().length > 0, 'an error message is shown');
    await shot(page, 'admin-02-login-error');
  });

  it('logs in as the owner and shows the overview counts', async () => {
    await page.fill('input[name=password]', 'huohua123');
    await page.click('.hh-login-card button[type=submit]');
    await page.locator('.admin-shell').waitFor();
    await page.locator('[data-stat=stores] .stat-value').filter({ hasText: /\d/ }).waitFor();
    const ent = (await page.locator('[data-test=enterprise]').textContent()).trim();
    assert.ok(ent.length > 0, 'the enterprise name is in the top bar');
    for (const k of ['brands', 'stores', 'staff', 'accounts']) {
      const v = (await page.locator(`[data-stat=${k}] .stat-value`).textContent()).trim();
      assert.match(v, /^\d[\d,]*$/, `${k} count is a number`);
    }
    const nav = await page.locator('.admin-nav').textContent();
    for (const label of ['概览', '品牌', '门店', '员工/导购', '账号', '审计日志', '短信发件箱']) assert.ok(nav.includes(label), label);
    await shot(page, 'admin-03-overview');
    const missing = await page.evaluate(async () => (await import('/shared/i18n.js')).missingKeys());
    assert.deepEqual(missing, { en: [], 'zh-CN': [] }, 'every string exists in both languages');
    assert.deepEqual(page.errors, []);
  });

  it('creates a brand, and shows a duplicate code error on the code field', async () => {
    await go('brands');
    await page.click('[data-test=create]');
    await field('name').locator('input').fill(brandName);
    await field('code').locator('input').fill(brandCode);
    await field('description').locator('textarea').fill('东方植萃护肤，百货专柜与精品超市销售');
    await shot(page, 'admin-04-brand-form');
    await save();
    await savedAndClosed();
    await search(brandName);

    // same code again → the server's conflict lands under "品牌编码"
    await page.click('[data-test=create]');
    await field('name').locator('input').fill('澜雅 Pro');
    await field('code').locator('input').fill(brandCode);
    await save();
    const err = page.locator(`${drawer} .hh-field-error, ${drawer} .hh-alert-error`).first();
    await err.waitFor();
    assert.equal(await fieldError('code').count(), 1, 'the duplicate-code error is shown under the code field');
    await shot(page, 'admin-05-brand-conflict');
    await page.click(`${drawer} .hh-drawer-foot .hh-btn:not(.hh-btn-primary)`);
    await savedAndClosed();
    await shot(page, 'admin-06-brands');
  });

  it('creates a store picking a city and the brands it serves', async () => {
    await go('stores');
    await page.click('[data-test=create]');
    await field('retailer').locator('input').fill('银泰百货');
    await field('counter_code').locator('input').fill(`HZ-${stamp}`);
    await field('name').locator('input').fill(storeName);
    await pick(page, drawer, 'city_code', '杭州');
    await field('address').locator('input').fill('拱墅区延安路 530 号 1F');
    await pick(page, drawer, 'brand_ids', brandName);
    await shot(page, 'admin-07-store-form');
    await save();
    await savedAndClosed();
    await search(storeName);
    const r = row(storeName);
    assert.match(await r.textContent(), /杭州/);
    assert.match(await r.textContent(), new RegExp(brandName));
    await shot(page, 'admin-08-stores');
  });

  it('filters stores by brand and city', async () => {
    await pick(page, '.list-toolbar', 'filter-brand', brandName);
    await page.locator('.hh-table tbody tr', { hasText: storeName }).waitFor();
    await page.waitForTimeout(300);
    assert.equal(await page.locator('.hh-table tbody tr[data-id]').count(), 1, 'only the new store serves the new brand');
    await pick(page, '.list-toolbar', 'filter-city', '杭州');
    await row(storeName).waitFor();
    await shot(page, 'admin-09-stores-filtered');
    await page.locator('.list-toolbar .hh-select[data-name=filter-brand] .hh-select-clear').click();
    await page.locator('.list-toolbar .hh-select[data-name=filter-city] .hh-select-clear').click();
  });

  it('edits the store', async () => {
    await row(storeName).getByRole('button', { name: '编辑' }).click();
    const addr = field('address').locator('input');
    assert.equal(await addr.inputValue(), '拱墅区延安路 530 号 1F');
    await addr.fill('拱墅区延安路 530 号 2F 化妆品区');
    await save();
    await savedAndClosed();
    await page.locator('.hh-table tbody tr', { hasText: '2F 化妆品区' }).waitFor();
  });

  it('creates a staff member; an invalid phone is reported on the phone field', async () => {
    await go('staff');
    await page.click('[data-test=create]');
    await field('name').locator('input').fill(staffName);
    await pick(page, drawer, 'store_id', storeName);
    await field('phone').locator('input').fill('12345');
    await field('employee_no').locator('input').fill(`BA${stamp}`);
    await field('title').locator('input').fill('美容顾问');
    await save();
    await fieldError('phone').waitFor();
    await shot(page, 'admin-10-staff-phone-error');
    await field('phone').locator('input').fill('13900139001');
    await save();
    await savedAndClosed();
    await search(staffName);
    const r = row(staffName);
    assert.match(await r.textContent(), /139\*{4}9001/);
    await shot(page, 'admin-11-staff');
  });

  it('creates a staff account linked to the new staff member', async () => {
    await go('accounts');
    await page.click('[data-test=create]');
    await field('login').locator('input').fill(accountLogin);
    await field('name').locator('input').fill(staffName);
    await field('password').locator('input').fill('counter2024');
    await page.locator(`${drawer} .role-card:has(input[value=staff])`).click();
    await pick(page, drawer, 'staff_id', staffName);
    await shot(page, 'admin-12-account-form');
    await save();
    await savedAndClosed();
    await search(accountLogin);
    const r = row(accountLogin);
    assert.match(await r.textContent(), /导购/);
    await shot(page, 'admin-13-accounts');
  });

  it('disables the new account after confirmation and enables it again', async () => {
    await row(accountLogin).getByRole('button', { name: '停用' }).click();
    await page.locator('.hh-modal .hh-btn-danger').click();
    await row(accountLogin).locator('.hh-tag', { hasText: '已停用' }).waitFor();
    await shot(page, 'admin-14a-account-disabled');
    await row(accountLogin).getByRole('button', { name: '启用' }).click();
    await row(accountLogin).locator('.hh-tag', { hasText: '正常' }).waitFor();
  });

  it('filters accounts by role', async () => {
    await page.fill('[data-test=search]', '');
    await pick(page, '.list-toolbar', 'filter-role', '企业管理员', { search: false });
    await page.waitForTimeout(400);
    const texts = await page.locator('.hh-table tbody tr[data-id]').allTextContents();
    assert.ok(texts.length >= 1);
    for (const tx of texts) assert.match(tx, /企业管理员/);
    await page.locator('.list-toolbar .hh-select[data-name=filter-role] .hh-select-clear').click();
  });

  it('archives the staff member after confirmation and finds it with "show archived"', async () => {
    await go('staff');
    await search(staffName);
    await row(staffName).getByRole('button', { name: '归档' }).click();
    await page.locator('.hh-modal').waitFor();
    await shot(page, 'admin-14-archive-confirm');
    await page.locator('.hh-modal .hh-btn-danger').click();
    await page.locator('.hh-table tbody tr', { hasText: staffName }).waitFor({ state: 'detached' });
    await page.locator('[data-test=show-archived] .hh-switch-track').click();
    const r = row(staffName);
    await r.waitFor();
    assert.match(await r.textContent(), /已归档/);
    await shot(page, 'admin-15-staff-archived');
  });

  it('shows the writes in the audit log with a before/after diff', async () => {
    await go('audit');
    const upd = page.locator('.hh-table tbody tr', { hasText: storeName }).filter({ hasText: /修改/ }).first();
    await upd.waitFor();
    await upd.locator('.hh-expander').click();
    const diff = page.locator('.audit-diff').first();
    await diff.waitFor();
    assert.match(await diff.textContent(), /address/);
    assert.match(await diff.textContent(), /2F 化妆品区/);
    await shot(page, 'admin-16-audit');
  });

  it('lists the SMS outbox', async () => {
    // A member asks for a code, as the member H5 would.
    const res = await page.evaluate(async () => {
      const r = await fetch('/api/member/otp', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ phone: '13700137000' }) });
      return r.status;
    });
    assert.equal(res, 200);
    const code = await srv.waitForCode('13700137000');
    await go('sms');
    const r = page.locator('.hh-table tbody tr', { hasText: code }).first();
    await r.waitFor();
    await shot(page, 'admin-17-sms-outbox');
  });

  it('reuses the Idempotency-Key when a failed submission is retried', async () => {
    await go('brands');
    const keys = [];
    let first = true;
    await page.route('**/api/brands', async (route) => {
      const req = route.request();
      if (req.method() !== 'POST') return route.continue();
      keys.push(req.headers()['idempotency-key']);
      if (first) { first = false; return route.abort('failed'); }
      return route.continue();
    });
    await page.click('[data-test=create]');
    await field('name').locator('input').fill('澜雅男士');
    await field('code').locator('input').fill('LANYA-MEN');
    await save();
    await page.locator(`${drawer} .hh-alert-error`).waitFor();
    await shot(page, 'admin-18-network-error');
    await save();
    await savedAndClosed();
    await page.unroute('**/api/brands');
    assert.equal(keys.length, 2);
    assert.ok(keys[0] && keys[0].length >= 16, 'a key is sent');
    assert.equal(keys[0], keys[1], 'the retry sends the same key');
    await search('澜雅男士');
    assert.equal(await page.locator('.hh-table tbody tr', { hasText: '澜雅男士' }).count(), 1, 'created once');
  });

  it('switches to English and remembers it', async () => {
    await page.locator('.admin-top .hh-lang-btn', { hasText: 'EN' }).click();
    await page.locator('.admin-nav', { hasText: 'Stores' }).waitFor();
    await page.reload();
    await page.locator('.admin-nav', { hasText: 'Audit log' }).waitFor();
    await go('stores');
    await shot(page, 'admin-19-english');
    await page.locator('.admin-top .hh-lang-btn', { hasText: '中文' }).click();
    await page.locator('.admin-nav', { hasText: '门店' }).waitFor();
  });

  it('logs out', async () => {
    await page.click('[data-test=user-menu]');
    await page.click('[data-test=logout]');
    await page.locator('.hh-login-card').waitFor();
    assert.deepEqual(page.errors, []);
  });

  it('hides owner-only screens and actions from a brand manager', async () => {
    const p = await newPage(browser);
    await p.goto(srv.url + '/admin/');
    await p.fill('input[name=login]', 'lumina.mgr');
    await p.fill('input[name=password]', 'huohua123');
    await p.click('.hh-login-card button[type=submit]');
    await p.locator('.admin-shell').waitFor();
    const nav = await p.locator('.admin-nav').textContent();
    assert.ok(!nav.includes('审计日志') && !nav.includes('短信发件箱'), 'no audit/sms for a brand manager');
    await p.click('.admin-nav [data-nav=brands]');
    await p.locator('.hh-table tbody tr[data-id]').first().waitFor();
    assert.equal(await p.locator('[data-test=create]').count(), 0, 'a brand manager cannot create brands');
    await p.click('.admin-nav [data-nav=stores]');
    await p.locator('[data-test=create]').waitFor();
    await shot(p, 'admin-20-brand-manager-stores');
    // A screen the role may not open says so instead of breaking.
    await p.goto(srv.url + '/admin/#/audit');
    await p.locator('.hh-empty-title').waitFor();
    assert.deepEqual(p.errors, []);
    await p.context().close();
  });

  it('sends a staff account to the staff app', async () => {
    const p = await newPage(browser);
    await p.goto(srv.url + '/admin/');
    await p.fill('input[name=login]', 'ba001');
    await p.fill('input[name=password]', 'huohua123');
    await p.click('.hh-login-card button[type=submit]');
    await p.locator('a[href="/staff/"]').waitFor();
    await shot(p, 'admin-21-staff-account');
    await p.context().close();
  });
});
