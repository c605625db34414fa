// Member H5, rewards on a phone-sized screen: a member who is not signed in
// opens "my red envelopes", is asked to sign in and comes back to it; opens a
// lucky-money envelope and sees the amount, then sees it arrive (paid by the
// log provider); a sold-out pool says so. Trial samples: the list, a sample
// with paid shipping (the fee shown before requesting), adding a delivery
// address on the spot, requesting, seeing the request and its state; a second
// request is not offered; cancelling gives the unit back; a parcel shipped
// from the console shows its tracking number. Screenshots:
// screenshots/member-samples-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, shot, skipReason, pick, apiOk } from './server.mjs';

const skip = skipReason();

describe('member H5: red envelopes and trial samples', { skip: skip || false }, () => {
  let srv, browser, page, admin, pool, soldOut, offer;
  const phone = '13655558888';

  const calm = (pg) => pg.waitForFunction(() => !document.querySelector('.hh-toast'), null, { timeout: 8000 }).catch(() => {});

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser, { mobile: true });
    admin = (await apiOk(srv, 'POST', '/api/auth/login', { login: 'admin', password: 'huohua123' })).token;
    pool = await apiOk(srv, 'POST', '/api/envelope-pools', { brand_id: 1, name: '澄光 · 到店拼手气', mode: 'random', budget_fen: 5000, count_total: 10, min_fen: 100 }, admin);
    soldOut = await apiOk(srv, 'POST', '/api/envelope-pools', { brand_id: 2, name: '青禾 · 一元红包', mode: 'fixed', amount_fen: 100, count_total: 1 }, admin);
    // someone else took the only one
    const other = '13655550001';
    await apiOk(srv, 'POST', '/api/member/otp', { phone: other });
    const code = await srv.waitForCode(other);
    const m = await apiOk(srv, 'POST', '/api/member/login', { phone: other, code });
    await apiOk(srv, 'POST', '/api/member/envelopes', { pool_id: soldOut.id }, m.token);
    offer = await apiOk(srv, 'POST', '/api/sample-offers', {
      brand_id: 1, name: '澄光 水光面霜 试用装 15ml', stock: 3, shipping_fee_fen: 1000,
      description: '新品水光面霜小样一支。\n每位会员限领一份，运费到付。',
    }, admin);
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  it('asks to sign in first and comes back to my red envelopes', async () => {
    await page.goto(srv.url + '/m/#/envelopes');
    await page.locator('[data-test=sign-in-first]').waitFor();
    await shot(page, 'member-samples-01-sign-in-first');
    await page.click('[data-test=go-login]');
    await page.locator('input[name=phone]').waitFor();
    const before = srv.smsSent().length;
    await page.fill('input[name=phone]', phone);
    await page.click('[data-test=send-code]');
    const code = await srv.waitForCode(phone, { after: before });
    await page.fill('input[name=code]', code);
    await page.click('[data-test=login]');
    await page.locator('[data-test=envelopes-page] [data-test=wallet]').waitFor();
    assert.match(page.url(), /#\/envelopes$/);
    assert.equal((await page.locator('[data-test=wallet-total]').textContent()).trim(), '0.00');
    await page.locator(`[data-pool="${soldOut.id}"][data-state=sold_out]`).waitFor();
    await calm(page);
    await shot(page, 'member-samples-02-envelopes');
  });

  it('opens a lucky-money envelope and sees it arrive', async () => {
    await page.click(`[data-pool="${pool.id}"] [data-test=claim]`);
    const opened = page.locator('[data-test=opened]');
    await opened.waitFor();
    const amount = (await page.locator('[data-test=opened-amount]').textContent()).trim();
    assert.match(amount, /^\d+\.\d\d$/);
    assert.ok(Number(amount) >= 1 && Number(amount) <= 50, amount);
    await shot(page, 'member-samples-03-opened');
    await page.click('[data-test=opened-ok]');
    await opened.waitFor({ state: 'detached' });
    // the log provider pays within a moment; the page looks again by itself
    await page.locator('[data-test=my-envelopes] li[data-status=paid]').waitFor({ timeout: 15_000 });
    assert.equal((await page.locator('[data-test=wallet-total]').textContent()).trim(), amount);
    await page.locator(`[data-pool="${pool.id}"][data-state=claimed]`).waitFor();
    await calm(page);
    await shot(page, 'member-samples-04-received');
    assert.deepEqual(page.errors, []);
  });

  it('requests a sample with paid shipping, adding an address on the spot', async () => {
    await page.goto(srv.url + '/m/#/me');
    await page.locator('[data-test=go-samples]').waitFor();
    await calm(page);
    await shot(page, 'member-samples-05a-member-centre');
    await page.click('[data-test=go-samples]');
    await page.locator(`[data-offer="${offer.id}"]`).waitFor();
    await shot(page, 'member-samples-05-list');
    await page.click(`[data-offer="${offer.id}"]`);
    await page.locator('[data-test=offer-name]').waitFor();
    assert.match(await page.locator('[data-test=fee]').textContent(), /¥10\.00.*由您承担/);
    assert.match(await page.locator('[data-test=request]').textContent(), /运费 ¥10\.00 到付/);
    // no address yet: requesting asks for one
    await page.click('[data-test=request]');
    await page.locator('[data-test=request-error]').waitFor();
    await page.click('[data-test=add-address]');
    const form = page.locator('[data-test=address-form]');
    await form.waitFor();
    await form.locator('input[name=name]').fill('林小满');
    await form.locator('input[name=phone]').fill('13912340000');
    await pick(page, '[data-test=address-form]', 'city_code', '杭州');
    await form.locator('input[name=district]').fill('西湖区');
    await form.locator('textarea[name=detail]').fill('文三路 90 号 2 幢 301');
    await form.locator('[data-test=address-save]').click();
    await form.waitFor({ state: 'detached' });
    await page.locator('[data-test=address-picker] label.on', { hasText: '文三路 90 号' }).waitFor();
    await calm(page);
    await shot(page, 'member-samples-06-request-form');
    await page.click('[data-test=request]');
    const card = page.locator('.mr-request[data-status=requested]');
    await card.waitFor();
    assert.match(await card.textContent(), /杭州市.*文三路 90 号/);
    assert.match(await card.textContent(), /¥10\.00/);
    await calm(page);
    await shot(page, 'member-samples-07-requested');
    assert.deepEqual(page.errors, []);
  });

  it('cancels while not shipped (the unit goes back), requests again, and sees the parcel once shipped', async () => {
    await page.click('[data-test=cancel-request]');
    await page.click('.hh-modal .hh-btn-danger');
    await page.locator('[data-test=request]').waitFor();
    const o = await apiOk(srv, 'GET', `/api/sample-offers/${offer.id}`, null, admin);
    assert.equal(o.remaining, 3, 'the cancelled unit is back in stock');
    await page.click('[data-test=request]');
    await page.locator('.mr-request[data-status=requested]').waitFor();
    const reqs = await apiOk(srv, 'GET', `/api/sample-requests?offer_id=${offer.id}&status=requested`, null, admin);
    assert.equal(reqs.total, 1);
    await apiOk(srv, 'POST', `/api/sample-requests/${reqs.items[0].id}/ship`, { carrier: '顺丰速运', tracking_no: 'SF1400000000001' }, admin);
    await page.goto(srv.url + '/m/#/samples');
    await page.locator('[data-test=my-samples] li[data-status=shipped]', { hasText: 'SF1400000000001' }).waitFor();
    await page.locator('[data-test=my-samples] li[data-status=cancelled]').waitFor();
    await calm(page);
    await shot(page, 'member-samples-08-my-samples');
    await page.click('[data-test=my-samples] li[data-status=shipped] a');
    await page.locator('[data-test=tracking]', { hasText: 'SF1400000000001' }).waitFor();
    assert.equal(await page.locator('[data-test=cancel-request]').count(), 0, 'a shipped parcel cannot be cancelled');
    await shot(page, 'member-samples-09-shipped');
    assert.deepEqual(page.errors, []);
  });

  it('shows the English words too', async () => {
    const en = await newPage(browser, { mobile: true, lang: 'en' });
    await en.goto(srv.url + '/m/#/envelopes');
    await en.locator('[data-test=sign-in-first]', { hasText: 'Sign in' }).waitFor();
    const missing = await en.evaluate(async () => (await import('/shared/i18n.js')).missingKeys());
    assert.deepEqual(missing.en.filter((k) => /^(mr|ms)\./.test(k)), []);
    assert.deepEqual(missing['zh-CN'].filter((k) => /^(mr|ms)\./.test(k)), []);
    await en.close();
  });
});
