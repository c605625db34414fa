// Admin console: the receipt review queue (photo beside the fields, the tier
// approval would pay, approve; reject needs a reason), the amount tiers editor,
// and store events (create with capacity and waitlist, sign-ups and waitlist,
// no-show report with CSV). Screenshots: screenshots/admin-receipts-*.png,
// admin-activities-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, shot, skipReason, apiOk, adminHelpers } from './server.mjs';

const skip = skipReason();

async function memberToken(srv, phone) {
  const before = srv.smsSent().length;
  await apiOk(srv, 'POST', '/api/member/otp', { phone });
  const code = await srv.waitForCode(phone, { after: before });
  return (await apiOk(srv, 'POST', '/api/member/login', { phone, code })).token;
}

async function receiptPng(browser, no, amount) {
  const p = await browser.newPage({ viewport: { width: 300, height: 420 } });
  await p.setContent(`<div id="r" style="width:260px;padding:18px;font:14px monospace;background:#fffdf6;color:#222">
    <h3 style="text-align:center;margin:0 0 8px">华润万家 天河店</h3><p>单号: ${no}</p><p>2026-05-02 10:05</p><hr>
    <p>澄光 防晒乳 ×2 &nbsp; ${amount}</p><hr><p><b>合计: ¥${amount}</b></p></div>`);
  const buf = await p.locator('#r').screenshot({ type: 'png' });
  await p.close();
  return buf;
}

async function submitReceipt(srv, browser, token, no, amountFen) {
  const png = await receiptPng(browser, no, (amountFen / 100).toFixed(2));
  const up = await fetch(srv.url + '/api/member/receipts/photo', { method: 'POST', body: png, headers: { 'Content-Type': 'image/png', Authorization: 'Bearer ' + token } });
  assert.equal(up.status, 201);
  const { photo_token } = await up.json();
  return apiOk(srv, 'POST', '/api/member/receipts', { brand_id: 1, store_id: 1, purchased_at: Date.now() - 3600_000, amount_fen: amountFen, receipt_no: no, photo_token }, token);
}

describe('admin console: receipts, tiers and store events', { skip: skip || false }, () => {
  let srv, browser, page, h, m1, m2;

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser);
    h = adminHelpers(page);
    m1 = await memberToken(srv, '13911220001');
    m2 = await memberToken(srv, '13911220002');
    await submitReceipt(srv, browser, m1, 'HR-0501-7781', 25800);
    await submitReceipt(srv, browser, m2, 'HR-0502-1290', 9900);
    await page.goto(srv.url + '/admin/');
    await page.fill('input[name=login]', 'admin');
    await page.fill('input[name=password]', 'huohua123');
    await page.click('button[type=submit]');
    await page.locator('.admin-nav').waitFor();
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  it('lists the pending receipts oldest first', async () => {
    await h.go('receipts');
    await h.row('HR-0501-7781').waitFor();
    await h.row('HR-0502-1290').waitFor();
    await shot(page, 'admin-receipts-01-queue');
  });

  it('shows the photo beside the fields and the tier approval pays; approves', async () => {
    await h.row('HR-0501-7781').locator('[data-review]').click();
    await page.locator('[data-test=review-photo]').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-test=review-photo]').naturalWidth > 0);
    const tier = await page.locator('[data-test=matching-tier]').textContent();
    assert.match(tier, /满 200 元/);
    await shot(page, 'admin-receipts-02-review');
    await page.click('[data-test=approve]');
    await h.closed();
    await page.locator('.hh-table tbody tr', { hasText: 'HR-0501-7781' }).waitFor({ state: 'detached' });
  });

  it('rejects only with a reason', async () => {
    await h.row('HR-0502-1290').locator('[data-review]').click();
    await page.locator('[data-test=review]').waitFor();
    await page.click('[data-test=reject]');
    await page.click('[data-test=confirm-reject]');
    await page.locator('[data-field=reason] .hh-field-error').waitFor();
    await page.locator('.rv-reasons .hh-tag').first().click();
    await shot(page, 'admin-receipts-03-reject');
    await page.click('[data-test=confirm-reject]');
    await h.closed();
  });

  it('shows decided receipts with their rewards', async () => {
    await page.click('[data-tab=approved]');
    const row = h.row('HR-0501-7781');
    await row.waitFor();
    assert.match(await row.textContent(), /¥20/);
    await shot(page, 'admin-receipts-04-approved');
    await page.click('[data-tab=rejected]');
    await h.row('HR-0502-1290').waitFor();
  });

  it('edits the amount tiers', async () => {
    await page.click('[data-tab=tiers]');
    await h.row('满 500 元').waitFor();
    await page.click('[data-test=create-tier]');
    await h.field('name').locator('input').fill('满 1000 元');
    await h.field('min_yuan').locator('input').fill('500');
    await h.field('points').locator('input').fill('100');
    await h.save();
    await h.field('min_yuan').locator('.hh-field-error').waitFor(); // ¥500 is taken by a demo tier
    await shot(page, 'admin-receipts-05-tier-conflict');
    await h.field('min_yuan').locator('input').fill('1000');
    await h.save();
    await h.closed();
    await h.row('满 1000 元').waitFor();
    await shot(page, 'admin-receipts-06-tiers');
    assert.deepEqual(page.errors, []);
  });

  it('creates a store event with capacity and waitlist', async () => {
    await h.go('activities');
    await h.row('澄光新品精华体验课').waitFor();
    await page.click('[data-test=create]');
    await h.field('store_id').locator('.hh-select-control').click();
    await page.locator('.hh-select-option').first().click();
    await h.field('title').locator('input').fill('防晒小课堂');
    await h.field('capacity').locator('input').fill('1');
    await shot(page, 'admin-activities-01-create');
    await h.save();
    await h.closed();
    await h.row('防晒小课堂').waitFor();
  });

  it('shows sign-ups, the waitlist in order and the no-show report', async () => {
    const list = await apiOk(srv, 'GET', '/api/activities?q=%E9%98%B2%E6%99%92', null, (await apiOk(srv, 'POST', '/api/auth/login', { login: 'admin', password: 'huohua123' })).token);
    const id = list.items[0].id;
    for (const tok of [m1, m2]) await fetch(srv.url + `/api/member/activities/${id}/signup`, { method: 'POST', headers: { Authorization: 'Bearer ' + tok } });
    await page.click('.list-toolbar [title]');
    await h.row('防晒小课堂').locator(`[data-signups="${id}"]`).click();
    await page.locator('.act-stats').waitFor();
    await page.locator('.hh-drawer .hh-table tbody tr').first().waitFor();
    await shot(page, 'admin-activities-02-signups');
    await page.click('.hh-drawer [data-tab=waitlisted]');
    await page.locator('.hh-drawer .hh-table tbody tr', { hasText: '第 1 位' }).waitFor();
    await page.click('.hh-drawer [data-tab=noshow]');
    await page.locator('[data-test=noshow-csv]').waitFor();
    await shot(page, 'admin-activities-03-noshow');
    assert.deepEqual(page.errors, []);
  });
});
