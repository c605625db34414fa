// Member H5 (phone-sized): upload a receipt (photo picked → preview → upload,
// fields, submit), see it pending, then approved with its tier's reward once a
// reviewer approves; a duplicate receipt number is shown under its field.
// Store events: the list, an event's detail, sign up, cancel, and the
// waitlist position when the event is full.
// Screenshots: screenshots/member-receipts-*.png, member-events-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, shot, skipReason, apiOk } from './server.mjs';

const skip = skipReason();

/** Sign in inside the page (the cookie is the page's), reading the code from the server log. */
async function signIn(page, srv, phone) {
  const before = srv.smsSent().length;
  await page.evaluate((p) => fetch('/api/member/otp', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ phone: p }) }), phone);
  const code = await srv.waitForCode(phone, { after: before });
  const st = await page.evaluate(([p, c]) => fetch('/api/member/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ phone: p, code: c }) }).then((r) => r.status), [phone, code]);
  assert.equal(st, 200);
}

/** A receipt-looking PNG, drawn by the browser itself. */
async function receiptPng(browser, no, amount) {
  const p = await browser.newPage({ viewport: { width: 300, height: 420 } });
  await p.setContent(`<div id="r" style="width:260px;padding:18px;font:14px monospace;background:#fffdf6;color:#222;border:1px solid #ddd">
    <h3 style="text-align:center;margin:0 0 8px">永辉超市 朝阳店</h3><p>小票号: ${no}</p><p>2026-05-01 14:32</p><hr>
    <p>澄光 焕亮精华 30ml ×1 &nbsp; 198.00</p><p>澄光 保湿面霜 ×1 &nbsp; 60.00</p><hr><p><b>合计: ¥${amount}</b></p><p style="text-align:center">谢谢惠顾</p></div>`);
  const buf = await p.locator('#r').screenshot({ type: 'png' });
  await p.close();
  return buf;
}

describe('member H5: receipts and store events', { skip: skip || false }, () => {
  let srv, browser, page, admin;
  const phone = '13987650001';

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser, { mobile: true });
    admin = (await apiOk(srv, 'POST', '/api/auth/login', { login: 'admin', password: 'huohua123' })).token;
    await page.goto(srv.url + '/m/');
    await signIn(page, srv, phone);
    await page.reload(); // the app reads the session at boot
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  it('opens the receipt page from the member centre, empty at first', async () => {
    await page.goto(srv.url + '/m/#/me');
    await page.click('[data-link=receipts]');
    await page.locator('[data-test=receipt-form]').waitFor();
    await page.locator('.hh-empty').waitFor();
    await shot(page, 'member-receipts-01-empty');
  });

  it('refuses to submit without a photo, naming the fields', async () => {
    await page.click('[data-test=submit]');
    await page.locator('[data-field=photo] .hh-field-error').waitFor();
    await page.locator('[data-field=receipt_no] .hh-field-error').waitFor();
    await shot(page, 'member-receipts-02-missing');
  });

  it('uploads the picked photo with a preview, and submits the receipt', async () => {
    const png = await receiptPng(browser, 'YH20260501-0088', '258.00');
    await page.setInputFiles('[data-test=photo-input]', { name: 'receipt.png', mimeType: 'image/png', buffer: png });
    await page.locator('[data-test=photo-preview]').waitFor();
    await page.locator('.rc-photo-state.ok').waitFor();
    await page.selectOption('[data-test=store]', '1');
    await page.fill('[data-test=amount]', '258');
    await page.fill('[data-test=receipt-no]', 'YH20260501-0088');
    await shot(page, 'member-receipts-03-filled');
    await page.click('[data-test=submit]');
    await page.locator('[data-test=submitted]').waitFor();
    await page.locator('[data-test=my-receipts] li[data-status=pending]').waitFor();
    await shot(page, 'member-receipts-04-pending');
    assert.deepEqual(page.errors, []);
  });

  it('shows a duplicate receipt number under its field', async () => {
    const png = await receiptPng(browser, 'YH20260501-0088', '258.00 (2)');
    await page.setInputFiles('[data-test=photo-input]', { name: 'again.png', mimeType: 'image/png', buffer: png });
    await page.locator('.rc-photo-state.ok').waitFor();
    await page.fill('[data-test=amount]', '258');
    await page.fill('[data-test=receipt-no]', 'YH20260501-0088');
    await page.click('[data-test=submit]');
    const err = page.locator('[data-field=receipt_no] .hh-field-error');
    await err.waitFor();
    assert.match(await err.textContent(), /已经提交过/);
    await shot(page, 'member-receipts-05-duplicate');
  });

  it('refuses a file that is not a photo, under the photo field', async () => {
    await page.setInputFiles('[data-test=photo-input]', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('this is not an image at all') });
    const err = page.locator('[data-field=photo] .hh-field-error');
    await err.waitFor();
    assert.match(await err.textContent(), /JPEG|PNG|WebP/);
  });

  it('lists the reward once a reviewer approves', async () => {
    const q = await apiOk(srv, 'GET', '/api/receipts?status=pending', null, admin);
    await apiOk(srv, 'POST', `/api/receipts/${q.items[0].id}/approve`, {}, admin);
    await page.reload();
    await page.locator('[data-test=my-receipts] li[data-status=approved] .rc-rewards li.granted').first().waitFor();
    // the tier's coupon, and the points of the tier and of the earn rules
    assert.ok(await page.locator('[data-test=my-receipts] li[data-status=approved] .rc-rewards li.granted').count() >= 2);
    await shot(page, 'member-receipts-06-approved');
  });

  it('lists store events and signs up for one', async () => {
    await page.goto(srv.url + '/m/#/events');
    await page.locator('[data-test=events] li').first().waitFor();
    await shot(page, 'member-events-01-list');
    await page.locator('[data-test=events] a').first().click();
    await page.locator('[data-test=event-detail]').waitFor();
    await page.click('[data-test=signup]');
    await page.locator('[data-test=my-status].registered').waitFor();
    await shot(page, 'member-events-02-registered');
    await page.click('[data-test=cancel]');
    await page.locator('.hh-modal-actions .hh-btn-danger').click();
    await page.locator('[data-test=signup]').waitFor();
    assert.deepEqual(page.errors, []);
  });

  it('joins the waitlist of a full event and shows the position', async () => {
    const now = Date.now();
    const a = await apiOk(srv, 'POST', '/api/activities', { brand_id: 1, store_id: 1, title: '小班精华课（仅 1 席）', description: '名额有限，满员后可候补。', starts_at: now + 3 * 86400_000, ends_at: now + 3 * 86400_000 + 7200_000, capacity: 1 }, admin);
    // someone else takes the seat
    const other = await browser.newPage();
    await other.goto(srv.url + '/m/');
    await signIn(other, srv, '13987650002');
    assert.equal(await other.evaluate((id) => fetch(`/api/member/activities/${id}/signup`, { method: 'POST' }).then((r) => r.status), a.id), 201);
    await other.close();
    await page.goto(srv.url + `/m/#/events/${a.id}`);
    await page.reload();
    await page.locator('[data-test=event-detail]').waitFor();
    await page.click('[data-test=signup]');
    await page.locator('[data-test=my-status].waitlisted').waitFor();
    assert.match(await page.locator('[data-test=my-status] b').textContent(), /候补第 1 位/);
    await shot(page, 'member-events-03-waitlisted');
    await page.goto(srv.url + '/m/#/events');
    await page.click('[data-test=tab-mine]');
    await page.locator(`[data-event="${a.id}"]`).waitFor();
    await shot(page, 'member-events-04-mine');
    assert.deepEqual(page.errors, []);
  });
});
