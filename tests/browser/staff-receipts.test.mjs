// Staff app (phone-sized), ba001 at store 1: event check-in (pick the event,
// check a registered guest in by phone; a guest who did not sign up is refused
// with the server's reason) and the receipt review queue of the store (photo,
// the tier it pays, approve; reject with a reason).
// Screenshots: screenshots/staff-checkin-*.png, staff-receipts-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, shot, skipReason, apiOk } from './server.mjs';

const skip = skipReason();

async function memberToken(srv, phone) {
  const before = srv.smsSent().length;
  await apiOk(srv, 'POST', '/api/member/otp', { phone });
  const code = await srv.waitForCode(phone, { after: before });
  return (await apiOk(srv, 'POST', '/api/member/login', { phone, code })).token;
}

async function receipt(srv, browser, token, no, amountFen) {
  const p = await browser.newPage({ viewport: { width: 300, height: 360 } });
  await p.setContent(`<div id="r" style="width:240px;padding:16px;font:14px monospace;background:#fffdf6">
    <h3 style="text-align:center;margin:0 0 8px">永辉超市</h3><p>No. ${no}</p><hr><p><b>合计 ¥${(amountFen / 100).toFixed(2)}</b></p></div>`);
  const png = await p.locator('#r').screenshot({ type: 'png' });
  await p.close();
  const up = await fetch(srv.url + '/api/member/receipts/photo', { method: 'POST', body: png, headers: { 'Content-Type': 'image/png', Authorization: 'Bearer ' + token } });
  const { photo_token } = await up.json();
  return apiOk(srv, 'POST', '/api/member/receipts', { brand_id: 1, store_id: 1, purchased_at: Date.now() - 600_000, amount_fen: amountFen, receipt_no: no, photo_token }, token);
}

describe('staff app: event check-in and receipt review', { skip: skip || false }, () => {
  let srv, browser, page, admin, guest;

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser, { mobile: true });
    admin = (await apiOk(srv, 'POST', '/api/auth/login', { login: 'admin', password: 'huohua123' })).token;
    const now = Date.now();
    const a = await apiOk(srv, 'POST', '/api/activities', { brand_id: 1, store_id: 1, title: '今日护肤沙龙', starts_at: now + 30 * 60_000, ends_at: now + 3 * 3600_000, capacity: 10 }, admin);
    guest = await memberToken(srv, '13933330001');
    await apiOk(srv, 'POST', `/api/member/activities/${a.id}/signup`, null, guest);
    await memberToken(srv, '13933330002'); // a member who did not sign up
    await receipt(srv, browser, guest, 'YH-STAFF-001', 52000);
    await receipt(srv, browser, guest, 'YH-STAFF-002', 3000);
    await page.goto(srv.url + '/staff/');
    await page.fill('input[name=login]', 'ba001');
    await page.fill('input[name=password]', 'huohua123');
    await page.click('button[type=submit]');
    await page.locator('[data-tile=checkin]').waitFor();
    await shot(page, 'staff-checkin-00-home');
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  it('checks a registered guest in by phone', async () => {
    await page.click('[data-tile=checkin]');
    await page.locator('[data-test=events] .ck-event.on', { hasText: '今日护肤沙龙' }).waitFor();
    await page.fill('[data-test=phone]', '13933330001');
    await page.click('[data-test=checkin]');
    await page.locator('[data-test=checkin-result][data-ok=true]').waitFor();
    // the event's card counts the guest at once
    await page.locator('[data-test=events] .ck-event.on', { hasText: '已签到 1' }).waitFor();
    await shot(page, 'staff-checkin-01-ok');
  });

  it('refuses a member who did not sign up, and a second check-in', async () => {
    await page.fill('[data-test=phone]', '13933330002');
    await page.click('[data-test=checkin]');
    const bad = page.locator('[data-test=checkin-result][data-ok=false]');
    await bad.waitFor();
    assert.match(await bad.textContent(), /没有报名/);
    await shot(page, 'staff-checkin-02-not-registered');
    await page.fill('[data-test=phone]', '13933330001');
    await page.click('[data-test=checkin]');
    await page.locator('[data-test=checkin-result][data-ok=false]', { hasText: '已签到' }).waitFor();
  });

  it('reviews the store\'s receipts: photo, tier, approve, reject with a reason', async () => {
    await page.click('[data-test=back]');
    await page.click('[data-tile=receipts]');
    await page.locator('[data-test=queue] li').nth(1).waitFor();
    await shot(page, 'staff-receipts-01-queue');
    await page.locator('[data-test=queue] .sr-item', { hasText: '¥520' }).click();
    await page.waitForFunction(() => document.querySelector('[data-test=photo]')?.naturalWidth > 0);
    assert.match(await page.locator('[data-test=tier]').textContent(), /满 500 元/);
    await shot(page, 'staff-receipts-02-detail');
    await page.click('[data-test=approve]');
    await page.locator('[data-test=queue] .sr-item', { hasText: '¥520' }).waitFor({ state: 'detached' });
    await page.locator('[data-test=queue] .sr-item', { hasText: '¥30' }).click();
    await page.click('[data-test=reject]');
    await page.locator('.sr-reasons .hh-tag').first().click();
    await page.click('[data-test=confirm-reject]');
    await page.locator('.hh-empty').waitFor();
    await shot(page, 'staff-receipts-03-done');
    const mine = await apiOk(srv, 'GET', '/api/member/receipts', null, guest);
    assert.deepEqual(mine.items.map((x) => x.status).sort(), ['approved', 'rejected']);
    assert.deepEqual(page.errors, []);
  });
});
