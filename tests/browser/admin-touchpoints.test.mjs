// Admin console — touchpoints, product codes and alerts, clicked through as an
// operator: create a counter QR for a promoter (QR preview, PNG download, short
// URL, a scan counted, disable/enable), generate a batch (one per store ×
// promoter) and watch it finish, open its print sheet, list its codes; create
// a production batch with regions, watch the printer file finish, download
// codes.csv, scan one unit too often and close the alert with a note.
// Screenshots: screenshots/touch-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, newPage, shot, pick, skipReason, adminHelpers } from './server.mjs';

const skip = skipReason();

describe('admin console: touchpoints, product codes, alerts', { skip: skip || false }, () => {
  let srv, browser, page;

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser);
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  const ui = () => adminHelpers(page);
  const drawer = '.hh-drawer';
  const field = (name) => ui().field(name);
  const save = () => ui().save();
  const closed = () => ui().closed();
  const row = (text) => ui().row(text);
  const go = (nav) => ui().go(nav);

  it('creates a counter QR for a promoter and shows its QR, short URL and scans', async () => {
    await page.goto(srv.url + '/admin/');
    await page.fill('input[name=login]', 'admin');
    await page.fill('input[name=password]', 'huohua123');
    await page.click('.hh-login-card button[type=submit]');
    await page.locator('.admin-shell').waitFor();
    await go('touchpoints');
    await page.click('[data-test=create]');
    await save();
    await field('name').locator('.hh-field-error').waitFor();
    await field('name').locator('input').fill('五角场店 王芳敏 柜台码');
    await pick(page, drawer, 'brand_id', '澄光');
    await pick(page, drawer, 'store_id', '五角场店');
    await pick(page, drawer, 'staff_id', '王芳敏');
    await shot(page, 'touch-01-create');
    await save();
    const detail = page.locator('[data-test=tp-detail]');
    await detail.waitFor();
    await page.waitForFunction(() => { const i = document.querySelector('[data-test=qr]'); return i && i.complete && i.naturalWidth > 0; });
    const shortUrl = (await page.locator('[data-test=short-url]').textContent()).trim();
    assert.match(shortUrl, /\/s\/[0-9A-Z]+$/);
    await shot(page, 'touch-02-detail');

    const [png] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=dl-png]')]);
    const bytes = readFileSync(await png.path());
    assert.equal(bytes.subarray(1, 4).toString(), 'PNG', 'a PNG file');

    // a customer scans the code: the count goes up
    const scan = await fetch(shortUrl, { redirect: 'manual' });
    assert.equal(scan.status, 302);
    await page.click(`${drawer} .hh-drawer-foot .hh-btn:has-text("刷新")`);
    await page.locator('[data-test=tp-scans]', { hasText: '1' }).waitFor();

    await page.click('[data-test=disable]');
    await page.locator('[data-test=tp-state]', { hasText: '已停用' }).waitFor();
    await shot(page, 'touch-03-disabled');
    await page.click('[data-test=enable]');
    await page.locator('[data-test=tp-state]', { hasText: '生效中' }).waitFor();
    await page.click(`${drawer} .hh-drawer-head .hh-icon-btn`);
    await closed();
    await row('五角场店 王芳敏 柜台码').waitFor();
  });

  it('creates a UTM link for an article and filters the list by channel', async () => {
    await page.click('[data-test=create]');
    await field('name').locator('input').fill('公众号 双十二 推文');
    await pick(page, drawer, 'brand_id', '澄光');
    await pick(page, drawer, 'channel', '公众号文章');
    await field('utm_source').locator('input').fill('wechat_oa');
    await field('utm_campaign').locator('input').fill('double12');
    await save();
    await page.locator('[data-test=tp-detail]', { hasText: 'double12' }).waitFor();
    await page.click(`${drawer} .hh-drawer-head .hh-icon-btn`);
    await closed();
    await pick(page, '.list-toolbar', 'filter-channel', '公众号文章');
    await row('公众号 双十二 推文').waitFor();
    await page.locator('.hh-table tbody tr', { hasText: '王芳敏 柜台码' }).waitFor({ state: 'detached' });
    await shot(page, 'touch-04-list-filtered');
    await page.locator('.list-toolbar .hh-select[data-name="filter-channel"] .hh-select-clear').click();
  });

  it('generates a batch per store × promoter, watches it finish and opens the print sheet', async () => {
    await page.click('[data-test=create-batch]');
    await field('name').locator('input').fill('双十二 柜台导购码');
    await pick(page, drawer, 'brand_id', '澄光');
    await page.click(`${drawer} .role-card[data-per="store_staff"]`);
    await shot(page, 'touch-05-batch-form');
    await save();
    await closed();
    const progress = page.locator('.batch-progress').first();
    await progress.waitFor();
    await page.locator('.batch-progress[data-status=done]').first().waitFor({ timeout: 20_000 });
    const batchRow = row('双十二 柜台导购码');
    assert.match(await batchRow.textContent(), /100%/);
    await shot(page, 'touch-06-batch-done');

    const [sheet] = await Promise.all([page.context().waitForEvent('page'), batchRow.locator('[data-test=sheet]').click()]);
    await sheet.waitForLoadState();
    await sheet.locator('svg').first().waitFor();
    assert.ok(await sheet.locator('svg').count() > 4, 'the sheet has many QR codes');
    await sheet.setViewportSize({ width: 1100, height: 900 });
    await shot(sheet, 'touch-07-print-sheet');
    await sheet.close();

    await batchRow.locator('[data-test=batch-tps]').click();
    await page.locator('.hh-tab.active[data-tab=list]').waitFor();
    await row('双十二 柜台导购码 ·').waitFor();
    assert.ok(!(await page.locator('.hh-table tbody').textContent()).includes('公众号 双十二 推文'), 'only the batch\'s codes');
    await shot(page, 'touch-08-batch-codes');
  });

  let firstCode = null;
  it('creates a production batch with sales regions and downloads codes.csv when done', async () => {
    await go('product-codes');
    await page.click('[data-test=create]');
    await pick(page, drawer, 'brand_id', '澄光');
    await field('product').locator('input').fill('澄光焕亮精华 30ml');
    await field('sku').locator('input').fill('LUM-SER-30');
    await field('batch_no').locator('input').fill('B20261122');
    await field('distributor').locator('input').fill('华东一级经销商');
    await pick(page, drawer, 'regions', '上海');
    await pick(page, drawer, 'regions', '杭州');
    await field('quantity').locator('input').fill('0');
    await save();
    await field('quantity').locator('.hh-field-error').waitFor();
    await field('quantity').locator('input').fill('20000');
    await field('scan_threshold').locator('input').fill('2');
    await shot(page, 'touch-09-product-form');
    await save();
    await closed();
    await page.locator('.batch-progress[data-status=done]').first().waitFor({ timeout: 30_000 });
    const r = row('B20261122');
    assert.match(await r.textContent(), /20,000/);
    assert.match(await r.textContent(), /上海/);
    await shot(page, 'touch-10-product-done');
    const [dl] = await Promise.all([page.waitForEvent('download'), r.locator('[data-test=codes-csv]').click()]);
    const lines = readFileSync(await dl.path(), 'utf8').trim().split('\n');
    assert.equal(lines[0].trim(), 'serial,code,url');
    assert.equal(lines.length, 20_001);
    firstCode = lines[1].split(',')[1];
  });

  it('raises a repeated-scan alert, shows it in the menu, and closes it with a note', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${srv.url}/p/${firstCode}`, { redirect: 'manual' });
      assert.equal(res.status, 302);
    }
    await page.reload();
    await page.locator('.admin-nav [data-badge="alerts"]', { hasText: '1' }).waitFor();
    await go('alerts');
    const r = row(firstCode);
    await r.waitFor();
    assert.match(await r.textContent(), /重复扫码/);
    await shot(page, 'touch-11-alerts');
    await r.locator('[data-test=close-alert]').click();
    await save();
    await field('note').locator('.hh-field-error').waitFor();
    await field('note').locator('textarea').fill('已核实：门店试用装，多位顾客扫码');
    await save();
    await closed();
    await page.locator('.hh-table-state', { hasText: '没有待处理的预警' }).waitFor();
    await page.click('.filter-chip[data-chip="closed"]');
    await row('门店试用装').waitFor();
    await page.locator('.admin-nav [data-badge="alerts"]').waitFor({ state: 'detached' });
    await shot(page, 'touch-12-alert-closed');
    assert.deepEqual(page.errors, []);
  });

  it('a brand manager works with the touchpoints of its brand', async () => {
    const mgr = await newPage(browser);
    await mgr.goto(srv.url + '/admin/');
    await mgr.fill('input[name=login]', 'lumina.mgr');
    await mgr.fill('input[name=password]', 'huohua123');
    await mgr.click('.hh-login-card button[type=submit]');
    await mgr.locator('.admin-shell').waitFor();
    await mgr.click('.admin-nav [data-nav="touchpoints"]');
    await mgr.locator('[data-test=create]').waitFor();
    await mgr.fill('[data-test=search]', '五角场店 王芳敏 柜台码');
    await mgr.locator('.hh-table tbody tr', { hasText: '五角场店 王芳敏 柜台码' }).first().waitFor();
    await mgr.click('.admin-nav [data-nav="product-codes"]');
    await mgr.locator('.hh-table tbody tr', { hasText: 'B20261122' }).waitFor();
    const nav = await mgr.locator('.admin-nav').textContent();
    assert.ok(!nav.includes('审计日志'), 'no audit log for a brand manager');
    assert.deepEqual(mgr.errors, []);
    await mgr.context().close();
  });
});
