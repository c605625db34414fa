// Admin console — campaigns and coupons, clicked through as an operator:
// the demo's live campaign shows its status and usage; a new campaign is
// created with its window in the enterprise zone and limits, then published
// and paused from its detail; a coupon template is created with a clear error
// first (a cash coupon needs its value), then issued to a member found by
// phone (a result per member); a batch of printed codes runs with a progress
// bar and its CSV downloads; an issued coupon is voided with a reason.
// Screenshots: screenshots/admin-coupons-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, newPage, shot, pick, skipReason, adminHelpers, apiOk } from './server.mjs';

const skip = skipReason();

describe('admin console: campaigns and coupons', { skip: skip || false }, () => {
  let srv, browser, page, member, issuedCode;

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser);
    // a member to issue to (signed up on the H5)
    const phone = '+8613677770001';
    const n = srv.smsSent().length;
    await apiOk(srv, 'POST', '/api/member/otp', { phone });
    const code = await srv.waitForCode(phone, { after: n });
    member = (await apiOk(srv, 'POST', '/api/member/login', { phone, code })).member;
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  const ui = () => adminHelpers(page);
  const drawer = '.hh-drawer';
  const field = (name) => ui().field(name);
  const save = () => ui().save();
  const row = (text) => ui().row(text);
  const go = (nav) => ui().go(nav);

  it('lists campaigns with their status now and usage; creates, publishes and pauses one', async () => {
    await page.goto(srv.url + '/admin/');
    await page.fill('input[name=login]', 'lumina.mgr');
    await page.fill('input[name=password]', 'huohua123');
    await page.click('.hh-login-card button[type=submit]');
    await page.locator('.admin-shell').waitFor();
    await go('campaigns');
    const demo = row('春日焕新');
    await demo.waitFor();
    assert.equal(await demo.locator('[data-status]').first().getAttribute('data-status'), 'live');
    await shot(page, 'admin-coupons-01-campaigns');

    await page.click('[data-test=create]');
    await field('name').locator('input').fill('双十二回店季');
    await pick(page, drawer, 'brand_id', '澄光');
    await field('global_limit').locator('input').fill('abc');
    await save();
    await field('global_limit').locator('.hh-field-error').waitFor();
    await field('global_limit').locator('input').fill('500');
    await field('per_member_daily').locator('input').fill('1');
    await field('budget').locator('input').fill('8000');
    await shot(page, 'admin-coupons-02-campaign-form');
    await save();
    const detail = page.locator('[data-test=campaign-detail]');
    await detail.waitFor();
    assert.equal(await detail.locator('[data-status]').first().getAttribute('data-status'), 'draft');
    await page.click('[data-test=action-publish]');
    await page.click('.hh-modal-actions .hh-btn-primary, .hh-modal-actions .hh-btn-danger');
    await page.locator('[data-test=campaign-detail] [data-status=live], [data-test=campaign-detail] [data-status=scheduled]').first().waitFor();
    await page.locator('[data-test=landing]').waitFor();
    await shot(page, 'admin-coupons-03-campaign-detail');
    await page.click('[data-test=action-pause]');
    await page.click('.hh-modal-actions .hh-btn-primary, .hh-modal-actions .hh-btn-danger');
    await page.locator('[data-test=campaign-detail] [data-status=paused]').first().waitFor();
    await page.keyboard.press('Escape');
    await ui().closed();
    await row('双十二回店季').locator('[data-status=paused]').waitFor();
    assert.deepEqual(page.errors, []);
  });

  it('creates a coupon (a missing value is explained) and issues it to a member', async () => {
    await go('coupons');
    await row('满199减30').waitFor();
    await shot(page, 'admin-coupons-04-coupons');
    await page.click('[data-test=create]');
    await field('name').locator('input').fill('会员日满300减50');
    await pick(page, drawer, 'brand_id', '澄光');
    await save();
    await field('value').locator('.hh-field-error').waitFor();
    await field('value').locator('input').fill('50');
    await field('min_spend').locator('input').fill('300');
    await field('quantity').locator('input').fill('1000');
    await pick(page, drawer, 'store_ids', '五角场店');
    await shot(page, 'admin-coupons-05-coupon-form');
    await save();
    const detail = page.locator('[data-test=coupon-detail]');
    await detail.waitFor();
    assert.match(await detail.textContent(), /¥50/);
    await page.click('[data-test=coupon-detail] .hh-tab[data-tab=issue]');
    await pick(page, '[data-test=issue-pane]', 'issue-members', member.phone_masked.slice(-4));
    await page.click('[data-test=issue-go]');
    const results = page.locator('[data-test=issue-results]');
    await results.waitFor();
    assert.equal(await results.locator('tr[data-status=issued]').count(), 1);
    issuedCode = (await results.locator('tr[data-status=issued] .mono').textContent()).trim();
    assert.match(issuedCode, /^[2-9A-HJ-NP-Z]{12}$/);
    await shot(page, 'admin-coupons-06-issued');
    await page.locator('[data-test=issued]', { hasText: '1' }).first().waitFor({ timeout: 5000 }).catch(() => {});
    assert.deepEqual(page.errors, []);
  });

  it('generates printed codes with a progress bar and downloads the CSV', async () => {
    await page.click('[data-test=coupon-detail] .hh-tab[data-tab=batches]');
    await page.fill('[data-test=batches-pane] input[name=batch-qty]', '200');
    await page.click('[data-test=batch-go]');
    await page.locator('[data-test=batches-pane] .batch-progress[data-status=done]').waitFor({ timeout: 60_000 });
    await shot(page, 'admin-coupons-07-batch');
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=codes-csv]')]);
    const text = readFileSync(await file.path(), 'utf8').replace(/^\uFEFF/, '');
    const lines = text.trim().split('\r\n');
    assert.equal(lines[0], 'code,template_id,template_name,valid_from,valid_to,valid_days,claim_url');
    assert.equal(lines.length, 201);
    // more than what is left of the quantity is refused with the reason
    await page.fill('[data-test=batches-pane] input[name=batch-qty]', '1000');
    await page.click('[data-test=batch-go]');
    await page.locator('[data-test=batch-error]', { hasText: '只剩' }).waitFor();
    assert.deepEqual(page.errors, []);
  });

  it('voids an issued coupon with a reason', async () => {
    await page.click('[data-test=coupon-detail] .hh-tab[data-tab=coupons]');
    const pane = page.locator('[data-test=coupons-pane]');
    await pane.locator('.hh-table tbody tr').first().waitFor();
    // the batch's 200 printed codes come first: find the member's coupon by its code
    await page.fill('[data-test=coupons-pane] input[name=code-search]', issuedCode.toLowerCase());
    await page.press('[data-test=coupons-pane] input[name=code-search]', 'Enter');
    const mine = pane.locator('.hh-table tbody tr', { hasText: member.phone_masked }).first();
    await mine.waitFor();
    await mine.locator('[data-test=void]').click();
    await page.click('[data-test=void-go]');
    await page.locator('[data-test=void-form] .hh-field-error').waitFor();
    await page.fill('[data-test=void-form] input[name=void-reason]', '误发给了测试会员');
    await page.click('[data-test=void-go]');
    await page.locator('[data-test=void-form]').waitFor({ state: 'detached' });
    await pane.locator('.hh-table tbody tr [data-status=voided]').first().waitFor();
    await shot(page, 'admin-coupons-08-voided');
    assert.deepEqual(page.errors, []);
  });

  it('reads in English too, with every string in both languages', async () => {
    await page.keyboard.press('Escape');
    await ui().closed();
    await page.click('.hh-lang-btn:has-text("EN")');
    await page.locator('.page-head h1', { hasText: 'Coupons' }).waitFor();
    await shot(page, 'admin-coupons-09-en');
    await go('campaigns');
    await page.locator('.page-head h1', { hasText: 'Campaigns' }).waitFor();
    const missing = await page.evaluate(async () => (await import('/shared/i18n.js')).missingKeys());
    assert.deepEqual(missing, { en: [], 'zh-CN': [] });
    await page.click('.hh-lang-btn:has-text("中文")');
    assert.deepEqual(page.errors, []);
  });
});
