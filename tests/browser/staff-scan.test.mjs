// Staff app, the camera path as a person uses it, on a browser without
// BarcodeDetector (like Safari on iOS and Firefox): the one scanner reads the
// QR with jsQR from the camera's video frames. The camera is faked before the
// page loads: getUserMedia answers canvas.captureStream() of a canvas onto
// which the real QR image (the member's QR, or a coupon's QR, as the member H5
// shows it, fetched from the server and turned into a PNG) is drawn over and
// over. ba001 at store 1 checks a registered guest in to an event by scanning,
// looks a member up by scanning, and in 核销 scans the member QR and a
// coupon's QR to reach the person and what they hold.
// Screenshots: screenshots/staff-scan-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, shot, skipReason, apiOk } from './server.mjs';

const skip = skipReason();

describe('staff app: scanning with the camera (jsQR, no BarcodeDetector)', { skip: skip || false }, () => {
  let srv, browser, admin, guest, memberQr, couponQr, coupon;
  const phone = '13955550001';

  async function memberLogin(p) {
    const n = srv.smsSent().length;
    await apiOk(srv, 'POST', '/api/member/otp', { phone: p });
    const code = await srv.waitForCode(p, { after: n });
    return apiOk(srv, 'POST', '/api/member/login', { phone: p, code });
  }

  /** The QR SVG the member H5 shows (member auth), as a PNG data URL. */
  async function qrPng(path, token) {
    const res = await fetch(srv.url + path, { headers: { Authorization: 'Bearer ' + token } });
    assert.equal(res.status, 200, path);
    const svg = await res.text();
    const p = await browser.newPage({ viewport: { width: 400, height: 400 } });
    await p.setContent(`<div id="q" style="display:inline-block;padding:24px;background:#fff">${svg}</div>
      <style>body{margin:0}#q svg{width:280px;height:auto;display:block}</style>`);
    const png = await p.locator('#q').screenshot({ type: 'png' });
    await p.close();
    return 'data:image/png;base64,' + png.toString('base64');
  }

  /**
   * A phone-sized staff page whose camera films a grey counter and, after
   * 1.2 s, `image` (a data URL) held up in front of it; the browser has no
   * BarcodeDetector.
   */
  async function cameraPage(image) {
    const page = await newPage(browser, { mobile: true });
    await page.context().addInitScript((src) => {
      delete window.BarcodeDetector;
      window.__camera = { opened: 0 };
      if (!navigator.mediaDevices) return;
      navigator.mediaDevices.getUserMedia = async () => {
        const img = new Image();
        img.src = src;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = 640; c.height = 480;
        const ctx = c.getContext('2d');
        let tick = 0;
        const from = Date.now();
        const draw = () => {
          ctx.fillStyle = tick++ % 2 ? '#6b7280' : '#6e7583'; // a changing frame keeps the stream flowing
          ctx.fillRect(0, 0, c.width, c.height);
          // the QR is held up a moment after the camera opens, as at a counter
          if (Date.now() - from < 1200) return;
          const s = 360;
          ctx.drawImage(img, (c.width - s) / 2, (c.height - s) / 2, s, s);
        };
        draw();
        setInterval(draw, 100);
        window.__camera.opened++;
        return c.captureStream(10);
      };
    }, image);
    return page;
  }

  async function signIn(page) {
    await page.goto(srv.url + '/staff/');
    await page.fill('input[name=login]', 'ba001');
    await page.fill('input[name=password]', 'huohua123');
    await page.click('button[type=submit]');
    await page.locator('[data-tile=checkin]').waitFor();
  }

  /** After a scan: the camera was the fake one, read by jsQR, and is closed. */
  async function assertJsQrScan(page, dialog) {
    assert.equal(await page.evaluate(() => typeof window.BarcodeDetector), 'undefined');
    assert.equal(await page.evaluate(() => window.__camera.opened), 1);
    assert.equal(await page.evaluate(() => typeof window.jsQR), 'function', 'jsQR was loaded');
    assert.equal(await page.locator(dialog).count(), 0, 'the scanner closes');
    assert.deepEqual(page.errors, []);
  }

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    admin = (await apiOk(srv, 'POST', '/api/auth/login', { login: 'admin', password: 'huohua123' })).token;
    const login = await memberLogin(phone);
    guest = login.token;
    await apiOk(srv, 'PATCH', '/api/member/me', { name: '林扫码' }, guest);
    const now = Date.now();
    const a = await apiOk(srv, 'POST', '/api/activities', { brand_id: 1, store_id: 1, title: '扫码签到沙龙', starts_at: now + 30 * 60_000, ends_at: now + 3 * 3600_000, capacity: 10 }, admin);
    await apiOk(srv, 'POST', `/api/member/activities/${a.id}/signup`, null, guest);
    const tpl = await apiOk(srv, 'POST', '/api/coupon-templates', { brand_id: 1, validity: 'relative', valid_days: 30, per_member_limit: null, name: '扫码专享 30 元券', kind: 'cash', value_fen: 3000, min_spend_fen: 0 }, admin);
    const r = await apiOk(srv, 'POST', `/api/coupon-templates/${tpl.id}/issue`, { member_ids: [login.member.id] }, admin);
    coupon = { id: r.results[0].coupon_id, code: r.results[0].code };
    memberQr = await qrPng('/api/member/qr.svg', guest);
    couponQr = await qrPng(`/api/member/coupons/${coupon.id}/qr.svg`, guest);
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  it('event check-in: scanning the guest\'s member QR checks them in', async () => {
    const page = await cameraPage(memberQr);
    await signIn(page);
    await page.click('[data-tile=checkin]');
    await page.locator('[data-test=events] .ck-event.on', { hasText: '扫码签到沙龙' }).waitFor();
    await page.click('[data-test=scan]');
    await page.locator('[data-test=scanner]').waitFor();
    const ok = page.locator('[data-test=checkin-result][data-ok=true]');
    await ok.waitFor();
    assert.match(await ok.textContent(), /林扫码/);
    assert.match(await ok.textContent(), /139\*\*\*\*0001/);
    await assertJsQrScan(page, '[data-test=scanner]');
    await shot(page, 'staff-scan-01-checkin');
    await page.context().close();
  });

  it('look-up: scanning the member QR shows the member card', async () => {
    const page = await cameraPage(memberQr);
    await signIn(page);
    await page.click('[data-tile=lookup]');
    await page.click('[data-test=by-code]');
    await page.click('[data-test=scan]');
    // the camera dialog, before the QR is held up
    await page.locator('[data-test=scanner] video').waitFor();
    await shot(page, 'staff-scan-02-camera');
    await page.locator('[data-test=member-card]').waitFor();
    assert.match(await page.locator('[data-test=member-phone]').textContent(), /139\*\*\*\*0001/);
    assert.match(await page.inputValue('input[name=code]'), /^HHM:/);
    await assertJsQrScan(page, '[data-test=scanner]');
    await shot(page, 'staff-scan-03-lookup');
    await page.context().close();
  });

  /** 核销 by scanning `qr`: the person and the coupon; the scanned text lands in the field. */
  async function redeemByScan(qr, scanned, name) {
    const page = await cameraPage(qr);
    await signIn(page);
    await page.click('[data-tile=redeem]');
    await page.click('[data-test=rd-scan]');
    await page.locator('[data-test=rd-person]').waitFor();
    assert.match(await page.locator('[data-test=rd-person]').textContent(), /林扫码/);
    await page.locator(`[data-test=rd-usable] [data-coupon="${coupon.id}"][data-usable="1"]`).waitFor();
    assert.match(await page.inputValue('input[name=scan]'), scanned);
    await assertJsQrScan(page, '[data-test=rd-scanner]');
    await shot(page, name);
    await page.context().close();
  }

  it('核销: scanning the member QR reaches who they are and what they hold', async () => {
    await redeemByScan(memberQr, /^HHM:[0-9A-Z]+$/, 'staff-scan-04-redeem-member');
  });

  it('核销: scanning a coupon\'s QR reaches the coupon and its holder', async () => {
    await redeemByScan(couponQr, new RegExp('^' + coupon.code.replace(/[^0-9A-Z]/gi, '').split('').join('-?') + '$', 'i'), 'staff-scan-05-redeem-coupon');
  });
});
