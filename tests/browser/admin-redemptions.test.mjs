// Admin console — 核销记录: redemptions made at counters (set up through the
// API), their totals, opening on the last 30 days (one redemption is 40 days
// old) with 全部时间 showing it, filters by store and method, a code search
// over every date, undoing one
// with a reason inside the window, the owner's undo-window setting, and a
// brand manager seeing only their brand's. Screenshots: screenshots/redemptions-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, launchBrowser, newPage, shot, pick, skipReason, apiOk, adminHelpers } from './server.mjs';

const skip = skipReason();

describe('admin console: redemptions', { skip: skip || false }, () => {
  let srv, browser, page, admin;
  const redeemed = {};

  const ok = (method, path, body, token) => apiOk(srv, method, path, body, token);
  const login = async (l) => (await ok('POST', '/api/auth/login', { login: l, password: 'huohua123' })).token;

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser);
    admin = await login('admin');
    const phone = '13766662001';
    const n = srv.smsSent().length;
    await ok('POST', '/api/member/otp', { phone });
    const m = await ok('POST', '/api/member/login', { phone, code: await srv.waitForCode(phone, { after: n }) });
    await ok('PATCH', '/api/member/me', { name: '许晴' }, m.token);
    const memberCode = 'HHM:' + (await ok('GET', '/api/member/me', null, m.token)).member_code;
    const tpl = (body) => ok('POST', '/api/coupon-templates', { validity: 'relative', valid_days: 30, per_member_limit: null, ...body }, admin);
    const lum = await tpl({ brand_id: 1, name: '澄光 30 元券', kind: 'cash', value_fen: 3000 });
    const qin = await tpl({ brand_id: 2, name: '青禾试饮礼', kind: 'gift', gift_name: '冷泡茶 1 袋' });
    const give = async (t) => (await ok('POST', `/api/coupon-templates/${t.id}/issue`, { member_ids: [m.member.id] }, admin)).results[0];
    const ba001 = await login('ba001');
    const ba003 = await login('ba003');
    const c1 = await give(lum);
    redeemed.a = await ok('POST', '/api/counter/redemptions', { coupon_id: c1.coupon_id, method: 'member_qr', member_code: memberCode, order_amount_fen: 25800 }, ba001);
    const c2 = await give(qin);
    redeemed.b = await ok('POST', '/api/counter/redemptions', { code: c2.code, method: 'coupon_code' }, ba003);
    redeemed.bCode = c2.code;
    const c3 = await give(lum);
    redeemed.c = await ok('POST', '/api/counter/redemptions', { coupon_id: c3.coupon_id, method: 'member_qr', member_code: memberCode }, ba003);
    // and one made 40 days ago
    const c4 = await give(lum);
    redeemed.old = await ok('POST', '/api/counter/redemptions', { coupon_id: c4.coupon_id, method: 'member_qr', member_code: memberCode }, ba001);
    await promisify(execFile)('/usr/bin/sqlite3', ['-cmd', '.timeout 5000', srv.db,
      `UPDATE redemptions SET at = at - 40 * 86400000 WHERE id = ${redeemed.old.id}`]);
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  const ui = () => adminHelpers(page);

  it('lists the redemptions with totals; filters by store, method and code', async () => {
    await page.goto(srv.url + '/admin/');
    await page.fill('input[name=login]', 'admin');
    await page.fill('input[name=password]', 'huohua123');
    await page.click('.hh-login-card button[type=submit]');
    await page.locator('.admin-shell').waitFor();
    await ui().go('redemptions');
    const rows = page.locator('.hh-table tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('.hh-table tbody tr [data-redemption]').length === 3);
    assert.equal((await page.locator('[data-test=tot-redeemed]').textContent()).trim(), '3');
    assert.match(await page.locator('[data-test=totals]').textContent(), /258/);
    // it opened on the last 30 days; every date shows the old one too
    assert.match(await page.getByRole('button', { name: '近 30 天' }).getAttribute('class'), /active/);
    await page.getByRole('button', { name: '全部时间' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.hh-table tbody tr [data-redemption]').length === 4);
    assert.equal((await page.locator('[data-test=tot-redeemed]').textContent()).trim(), '4');
    await page.locator(`[data-redemption="${redeemed.old.id}"]`).waitFor();
    await page.getByRole('button', { name: '近 30 天' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.hh-table tbody tr [data-redemption]').length === 3);
    assert.ok(!(await page.content()).includes('13766662001'), 'no full phone on the page');
    assert.match(await rows.first().textContent(), /137\*\*\*\*2001/);
    await shot(page, 'redemptions-01-list');

    await pick(page, '.list-toolbar', 'filter-store', '五角场店');
    await page.waitForFunction(() => document.querySelectorAll('.hh-table tbody tr [data-redemption]').length === 1);
    assert.match(await rows.first().textContent(), /澄光 30 元券/);
    assert.match(await rows.first().textContent(), /¥258/);
    // start again without filters
    await page.goto(srv.url + '/admin/#/overview');
    await page.reload();
    await page.locator('.admin-shell').waitFor();
    await ui().go('redemptions');
    await page.waitForFunction(() => document.querySelectorAll('.hh-table tbody tr [data-redemption]').length === 3);
    await page.click('.filter-chip[data-chip=coupon_code]');
    await page.waitForFunction(() => document.querySelectorAll('.hh-table tbody tr [data-redemption]').length === 1);
    assert.match(await rows.first().textContent(), /青禾试饮礼/);
    await page.click('.filter-chip[data-chip=coupon_code]');
    await page.fill('[data-test=code]', redeemed.bCode.toLowerCase().replace(/(.{4})(?=.)/g, '$1-'));
    await page.waitForFunction(() => document.querySelectorAll('.hh-table tbody tr [data-redemption]').length === 1);
    // a code is looked for on every date
    assert.match(await page.getByRole('button', { name: '全部时间' }).getAttribute('class'), /active/);
    await page.fill('[data-test=code]', '');
    await page.waitForFunction(() => document.querySelectorAll('.hh-table tbody tr [data-redemption]').length === 4);
    await page.getByRole('button', { name: '近 30 天' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.hh-table tbody tr [data-redemption]').length === 3);
  });

  it('undoes one with a reason; it shows as undone and the totals follow', async () => {
    const row = page.locator('.hh-table tbody tr', { has: page.locator(`[data-redemption="${redeemed.c.id}"]`) });
    await row.locator('[data-test=undo]').click();
    await ui().save();
    await page.locator('.hh-drawer [data-field=reason] .hh-field-error').waitFor();
    await page.fill('.hh-drawer textarea', '导购核销错券');
    await shot(page, 'redemptions-02-undo');
    await ui().save();
    await ui().closed();
    await row.locator('[data-test=undone]').waitFor();
    assert.match(await row.textContent(), /导购核销错券/);
    assert.equal((await page.locator('[data-test=tot-undone]').textContent()).trim(), '1');
    assert.equal((await page.locator('[data-test=tot-redeemed]').textContent()).trim(), '2');
    await shot(page, 'redemptions-03-undone');
  });

  it('the owner sets the undo window', async () => {
    await page.click('[data-test=settings]');
    await page.fill('.hh-drawer input[type=number]', '-5');
    await ui().save();
    await page.locator('.hh-drawer [data-field=undo_minutes] .hh-field-error').waitFor();
    await page.fill('.hh-drawer input[type=number]', '45');
    await ui().save();
    await ui().closed();
    await page.locator('[data-test=undo-window]', { hasText: '45' }).waitFor();
    const s = await ok('GET', '/api/settings/redemption', null, admin);
    assert.equal(s.undo_minutes, 45);
    assert.deepEqual(page.errors, []);
  });

  it('a brand manager sees only their brand’s redemptions and cannot set the window', async () => {
    const mgr = await newPage(browser);
    await mgr.goto(srv.url + '/admin/');
    await mgr.fill('input[name=login]', 'qinghe.mgr');
    await mgr.fill('input[name=password]', 'huohua123');
    await mgr.click('.hh-login-card button[type=submit]');
    await mgr.locator('.admin-shell').waitFor();
    await adminHelpers(mgr).go('redemptions');
    await mgr.waitForFunction(() => document.querySelectorAll('.hh-table tbody tr [data-redemption]').length === 1);
    assert.match(await mgr.locator('.hh-table tbody tr').first().textContent(), /青禾试饮礼/);
    assert.equal(await mgr.locator('[data-test=settings]').count(), 0);
    await shot(mgr, 'redemptions-04-brand-manager');
    assert.deepEqual(mgr.errors, []);
    await mgr.context().close();
  });
});
