// Staff app, counter redemption (核销) on a phone-sized screen: ba001 opens
// 核销 from Home, looks the member up by the member code (typed, then through
// the camera path with the browser's BarcodeDetector), sees the usable coupons
// first and the one of another store with its reason, redeems one with the
// order amount, undoes it with a reason, redeems again; a coupon code typed in
// groups of four; the phone + SMS code path; hands out a coupon; and 今日核销
// lists the store's redemptions with the undone one struck through, undoable
// from the list. Screenshots: screenshots/staff-redeem-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, launchBrowser, newPage, shot, skipReason, api, apiOk } from './server.mjs';

const skip = skipReason();

describe('staff app: 核销', { skip: skip || false }, () => {
  let srv, browser, page, admin, memberCode;
  const phone = '13766660001';
  const coupons = {};

  const call = (method, path, body, token) => api(srv, method, path, body, token);
  const ok = (method, path, body, token) => apiOk(srv, method, path, body, token);
  const calm = (pg) => pg.waitForFunction(() => !document.querySelector('.hh-toast'), null, { timeout: 8000 }).catch(() => {});
  // move the SMS codes an hour back, so the 60 s resend wait is over (the sqlite3 shell)
  const ageOtpCodes = () => promisify(execFile)('sqlite3', ['-cmd', '.timeout 5000', srv.db, 'UPDATE otp_codes SET created_at = created_at - 3600000']);

  async function template(body) {
    return ok('POST', '/api/coupon-templates', { brand_id: 1, validity: 'relative', valid_days: 30, per_member_limit: null, ...body }, admin);
  }
  async function give(tpl, memberId) {
    const r = await ok('POST', `/api/coupon-templates/${tpl.id}/issue`, { member_ids: [memberId] }, admin);
    return { id: r.results[0].coupon_id, code: r.results[0].code };
  }

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser, { mobile: true });
    admin = (await ok('POST', '/api/auth/login', { login: 'admin', password: 'huohua123' })).token;
    // the customer signs in on the member H5: their page shows the member code
    const n = srv.smsSent().length;
    await ok('POST', '/api/member/otp', { phone });
    const code = await srv.waitForCode(phone, { after: n });
    const login = await ok('POST', '/api/member/login', { phone, code });
    await ok('PATCH', '/api/member/me', { name: '周小雨' }, login.token);
    memberCode = (await ok('GET', '/api/member/me', null, login.token)).member_code;
    const mid = login.member.id;
    const cash = await template({ name: '澄光满 100 减 20', kind: 'cash', value_fen: 2000, min_spend_fen: 10000 });
    const disc = await template({ name: '青禾 85 折', brand_id: 2, kind: 'discount', discount_pct: 85 });
    const gift = await template({ name: '到店礼：精华小样', kind: 'gift', gift_name: '精华液 7ml' });
    const other = await template({ name: '仅限 2 号店 50 元券', kind: 'cash', value_fen: 5000, store_ids: [2] });
    await template({ name: '柜台发放：面膜体验装', kind: 'sample', gift_name: '补水面膜 1 片' });
    coupons.cash = await give(cash, mid);
    coupons.disc = await give(disc, mid);
    coupons.gift = await give(gift, mid);
    coupons.other = await give(other, mid);
    coupons.printed = await give(gift, mid);
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  it('Home has the 核销 and 今日核销 tiles', async () => {
    await page.goto(srv.url + '/staff/');
    await page.fill('input[name=login]', 'ba001');
    await page.fill('input[name=password]', 'huohua123');
    await page.click('button[type=submit]');
    await page.locator('[data-tile=redeem]').waitFor();
    await page.locator('[data-tile=redemptions]').waitFor();
    await shot(page, 'staff-redeem-01-home');
  });

  it('looks the member up by the member code: usable coupons first, the other store’s with its reason', async () => {
    await page.click('[data-tile=redeem]');
    await page.locator('[data-test=rd-scan-form]').waitFor();
    // headless Chromium has no BarcodeDetector and jsQR may not be vendored: the page says so or offers the camera
    await page.waitForFunction(() => document.querySelector('[data-test=rd-noscan], [data-test=rd-scan]'));
    await shot(page, 'staff-redeem-02-scan-empty');
    await page.fill('input[name=scan]', 'HHM:NOTACODE');
    await page.click('[data-test=rd-find]');
    await page.locator('[data-field=scan] .hh-field-error').waitFor();

    await page.fill('input[name=scan]', 'hhm:' + memberCode.toLowerCase());
    await page.click('[data-test=rd-find]');
    await page.locator('[data-test=rd-person]').waitFor();
    assert.match(await page.locator('[data-test=rd-person]').textContent(), /周小雨/);
    assert.match(await page.locator('[data-test=rd-phone]').textContent(), /137\*\*\*\*0001/);
    const usable = page.locator('[data-test=rd-usable] .rd-coupon');
    assert.equal(await usable.count(), 4);
    const other = page.locator(`[data-test=rd-others] [data-coupon="${coupons.other.id}"]`);
    assert.equal(await other.getAttribute('data-reason'), 'wrong_store');
    assert.match(await other.textContent(), /仅限指定的 1 家门店使用/);
    assert.equal(await other.locator('[data-test=redeem]').count(), 0, 'no redeem button on an unusable coupon');
    await shot(page, 'staff-redeem-03-wallet');
    assert.deepEqual(page.errors, []);
  });

  let firstRedemption;
  it('redeems with a confirmation and the order amount; the success screen', async () => {
    await page.click(`[data-coupon="${coupons.cash.id}"] [data-test=redeem]`);
    await page.locator('[data-test=rd-confirm]').waitFor();
    await page.fill('input[name=order_amount]', '99');
    await page.click('[data-test=rd-confirm-go]');
    await page.locator('[data-field=order_amount] .hh-field-error').waitFor();
    assert.match(await page.locator('[data-field=order_amount] .hh-field-error').textContent(), /最低消费/);
    await shot(page, 'staff-redeem-04-confirm-below-minimum');
    await page.fill('input[name=order_amount]', '128.50');
    await page.click('[data-test=rd-confirm-go]');
    const done = page.locator('[data-test=rd-success]');
    await done.waitFor();
    firstRedemption = Number(await done.getAttribute('data-redemption'));
    assert.ok(firstRedemption > 0);
    assert.match(await page.locator('.rd-success-card').textContent(), /128\.5/);
    await calm(page);
    await shot(page, 'staff-redeem-05-success');
  });

  it('undoes it with a reason; the coupon is usable again', async () => {
    await page.click('[data-test=rd-undo]');
    await page.locator('[data-test=undo-sheet]').waitFor();
    await page.click('[data-test=undo-confirm]');
    await page.locator('[data-test=undo-error]').waitFor();
    await page.click('[data-reason=other]');
    await page.fill('textarea[name=reason]', '顾客想下次再用');
    await shot(page, 'staff-redeem-06-undo');
    await page.click('[data-test=undo-confirm]');
    await page.locator('[data-test=undo-sheet]').waitFor({ state: 'detached' });
    await page.locator(`[data-test=rd-usable] [data-coupon="${coupons.cash.id}"]`).waitFor();
    const r = await call('GET', `/api/redemptions/${firstRedemption}`, null, admin);
    assert.equal(r.data.undo_reason, '顾客想下次再用');
    assert.ok(r.data.undone_at > 0);
    await calm(page);
    await shot(page, 'staff-redeem-07-after-undo');
  });

  it('redeems the gift and says what to hand over; continues with the same person', async () => {
    await page.click(`[data-coupon="${coupons.gift.id}"] [data-test=redeem]`);
    await page.locator('[data-test=rd-confirm]').waitFor();
    await page.click('[data-test=rd-confirm-go]');
    await page.locator('[data-test=rd-success]').waitFor();
    assert.match(await page.locator('.rd-handover').textContent(), /精华液 7ml/);
    await page.click('[data-test=rd-continue]');
    const used = page.locator(`[data-test=rd-others] [data-coupon="${coupons.gift.id}"]`);
    await used.waitFor();
    assert.equal(await used.getAttribute('data-reason'), 'redeemed');
  });

  it('hands out a coupon at the counter', async () => {
    await page.click('[data-test=rd-issue]');
    await page.locator('[data-test=rd-issue-sheet] [data-template]').first().waitFor();
    const row = page.locator('[data-test=rd-issue-sheet] li', { hasText: '面膜体验装' });
    await shot(page, 'staff-redeem-08-issue');
    await row.locator('[data-test=rd-issue-go]').click();
    await page.locator('[data-test=rd-issue-sheet]').waitFor({ state: 'detached' });
    await page.locator('[data-test=rd-usable] .rd-coupon', { hasText: '面膜体验装' }).waitFor();
  });

  it('the camera path: a detected member code opens the wallet (BarcodeDetector stubbed)', async () => {
    const cam = await newPage(browser, { mobile: true });
    await cam.context().addInitScript((text) => {
      window.BarcodeDetector = class {
        static async getSupportedFormats() { return ['qr_code']; }
        async detect() { return window.__frames++ > 2 ? [{ rawValue: text }] : []; }
      };
      window.__frames = 0;
      navigator.mediaDevices.getUserMedia = async () => {
        const c = document.createElement('canvas');
        c.width = 320; c.height = 240;
        const ctx = c.getContext('2d');
        setInterval(() => { ctx.fillStyle = '#333'; ctx.fillRect(0, 0, 320, 240); }, 50);
        return c.captureStream(10);
      };
    }, 'HHM:' + memberCode);
    await cam.goto(srv.url + '/staff/');
    await cam.fill('input[name=login]', 'ba002');
    await cam.fill('input[name=password]', 'huohua123');
    await cam.click('button[type=submit]');
    await cam.locator('[data-tile=redeem]').waitFor();
    await cam.click('[data-tile=redeem]');
    await cam.click('[data-test=rd-scan]');
    await cam.locator('[data-test=rd-person]').waitFor();
    assert.equal(await cam.locator('[data-test=rd-scanner]').count(), 0, 'the scanner closes');
    assert.match(await cam.locator('[data-test=rd-person]').textContent(), /周小雨/);
    assert.deepEqual(cam.errors, []);
    await cam.context().close();
  });

  it('a coupon code typed in groups of four; a wrong one is refused under the field', async () => {
    await page.click('[data-test=rd-by-code]');
    await page.locator('[data-test=rd-code-form]').waitFor();
    await page.fill('input[name=code]', 'zzzzzzzzzzzz');
    assert.equal(await page.inputValue('input[name=code]'), 'ZZZZ-ZZZZ-ZZZZ');
    await page.click('[data-test=rd-find]');
    await page.locator('[data-field=code] .hh-field-error').waitFor();
    assert.match(await page.locator('[data-field=code] .hh-field-error').textContent(), /券码不存在/);
    await page.fill('input[name=code]', coupons.printed.code.toLowerCase());
    await page.click('[data-test=rd-find]');
    const c = page.locator(`[data-test=rd-usable] [data-coupon="${coupons.printed.id}"]`);
    await c.waitFor();
    assert.match(await c.textContent(), new RegExp(coupons.printed.code.slice(0, 4)));
    await shot(page, 'staff-redeem-09-by-code');
    await c.locator('[data-test=redeem]').click();
    await page.click('[data-test=rd-confirm-go]');
    await page.locator('[data-test=rd-success]').waitFor();
    await page.click('[data-test=rd-next]');
    await page.locator('[data-test=rd-code-form]').waitFor();
    // the same code again: already redeemed, said when and where
    await page.fill('input[name=code]', coupons.printed.code);
    await page.click('[data-test=rd-find]');
    const used = page.locator(`[data-test=rd-others] [data-coupon="${coupons.printed.id}"]`);
    await used.waitFor();
    assert.match(await used.textContent(), /已于 .* 在「.+」核销/);
  });

  it('phone + SMS code: the customer reads out the code, the wallet opens, a redemption goes through', async () => {
    await page.click('[data-test=rd-by-phone]');
    await page.locator('[data-test=rd-phone-form]').waitFor();
    await page.fill('input[name=phone]', phone);
    await ageOtpCodes();
    const before = srv.smsSent().length;
    await page.click('[data-test=rd-send-code]');
    const code = await srv.waitForCode(phone, { after: before });
    await page.fill('input[name=otp]', code === '000000' ? '111111' : '000000');
    await page.click('[data-test=rd-verify]');
    await page.locator('[data-field=otp] .hh-field-error').waitFor();
    await page.fill('input[name=otp]', code);
    await page.click('[data-test=rd-verify]');
    await page.locator('.rd-verified').waitFor();
    await calm(page);
    await shot(page, 'staff-redeem-10-phone-verified');
    await page.click(`[data-coupon="${coupons.disc.id}"] [data-test=redeem]`);
    await page.click('[data-test=rd-confirm-go]');
    await page.locator('[data-test=rd-success]').waitFor();
    const r = await call('GET', '/api/redemptions?method=phone_otp', null, admin);
    assert.equal(r.data.total, 1);
    assert.equal(r.data.items[0].coupon_id, coupons.disc.id);
  });

  it('今日核销: the store’s redemptions with totals, the undone one struck through; undo from the list', async () => {
    await page.goto(srv.url + '/staff/#/home');
    await page.click('[data-tile=redemptions]');
    const rows = page.locator('[data-test=rd-rows] > li');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 4);
    assert.equal((await page.locator('[data-test=rd-sum-count]').textContent()).trim(), '3');
    const undone = page.locator(`[data-test=rd-rows] > li[data-redemption="${firstRedemption}"]`);
    await undone.locator('[data-test=rd-undone]').waitFor();
    assert.match(await undone.textContent(), /顾客想下次再用/);
    await shot(page, 'staff-redeem-11-today');
    // undo the newest from the list
    await rows.first().locator('[data-test=rd-row-undo]').click();
    await page.click('[data-reason=mistake]');
    await page.click('[data-test=undo-confirm]');
    await page.locator('[data-test=undo-sheet]').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('[data-test=rd-sum-count]').textContent.trim() === '2');
    await page.click('[data-test=rd-mine]');
    await page.waitForFunction(() => document.querySelectorAll('[data-test=rd-rows] > li').length === 4);
    // another day is empty
    await page.click('[data-test=rd-day-prev]');
    await page.locator('[data-test=rd-empty]').waitFor();
    await calm(page);
    await shot(page, 'staff-redeem-12-other-day');
    assert.deepEqual(page.errors, []);
  });

  it('reads in English', async () => {
    await page.evaluate(() => localStorage.setItem('hh.lang', 'en'));
    await page.goto(srv.url + '/staff/#/redeem');
    await page.reload();
    await page.locator('[data-test=rd-scan-form]').waitFor();
    await page.fill('input[name=scan]', 'HHM:' + memberCode);
    await page.click('[data-test=rd-find]');
    await page.locator('[data-test=rd-person]').waitFor();
    assert.match(await page.locator('[data-test=rd-usable-count]').textContent(), /usable here/);
    assert.match(await page.locator(`[data-coupon="${coupons.other.id}"]`).textContent(), /named stores only/);
    await shot(page, 'staff-redeem-13-english');
    await page.evaluate(() => localStorage.setItem('hh.lang', 'zh-CN'));
    assert.deepEqual(page.errors, []);
  });
});
