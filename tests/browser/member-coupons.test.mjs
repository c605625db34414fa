// Member H5, coupons on a phone-sized screen: the demo poster touchpoint leads
// to the demo campaign (春日焕新 · 回店礼); the visitor opens the campaign's
// landing, is asked to sign in to claim, comes back to the campaign, claims a
// coupon, and finds it in the wallet with its terms, where it is valid and
// the QR of its code. A printed code from a batch (the claim link of the
// printer's file) is added to the wallet; a malformed one is refused with a
// clear message. The member centre shows the wallet entry with its count.
// Screenshots: screenshots/member-coupons-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, shot, skipReason, api, apiOk } from './server.mjs';

const skip = skipReason();

describe('member H5: campaign landing → claim → wallet; printed codes', { skip: skip || false }, () => {
  let srv, browser, page, admin, tp, campaign;
  const phone = '13655558888';
  const calm = (pg) => pg.waitForFunction(() => !document.querySelector('.hh-toast'), null, { timeout: 8000 }).catch(() => {});

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser, { mobile: true });
    admin = (await apiOk(srv, 'POST', '/api/auth/login', { login: 'admin', password: 'huohua123' })).token;
    const tps = await apiOk(srv, 'GET', '/api/touchpoints?q=' + encodeURIComponent('春日焕新'), null, admin);
    tp = tps.items[0];
    assert.ok(tp && tp.campaign_id, 'the demo has a poster touchpoint with a campaign');
    campaign = await apiOk(srv, 'GET', '/api/campaigns/' + tp.campaign_id, null, admin);
    assert.equal(campaign.status_now, 'live');
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  it('a scan of the poster leads to the campaign with its coupons', async () => {
    await page.goto(srv.url + '/s/' + tp.code);
    await page.locator('[data-test=tp-campaign]').waitFor();
    await shot(page, 'member-coupons-01-scan');
    await page.click('[data-test=tp-campaign]');
    await page.locator('[data-test=campaign-name]').waitFor();
    assert.equal((await page.locator('[data-test=campaign-name]').textContent()).trim(), campaign.name);
    assert.equal(await page.locator('[data-test=campaign-status]').getAttribute('data-status'), 'live');
    const cards = page.locator('[data-test=campaign-coupons] .cl-coupon');
    assert.equal(await cards.count(), 2);
    assert.match(await cards.nth(0).textContent(), /¥30/);
    assert.match(await cards.nth(0).textContent(), /满 199 元可用/);
    assert.match(await cards.nth(1).textContent(), /礼品券/);
    await shot(page, 'member-coupons-02-campaign');
    assert.deepEqual(page.errors, []);
  });

  it('claiming asks for a sign-in, then returns to the campaign and claims', async () => {
    await page.locator('[data-test=login-to-claim]').first().click();
    await page.locator('input[name=phone]').waitFor();
    const before = srv.smsSent().length;
    await page.fill('input[name=phone]', phone);
    await page.click('[data-test=send-code]');
    const code = await srv.waitForCode(phone, { after: before });
    await page.fill('input[name=code]', code);
    await page.click('[data-test=login]');
    await page.locator('[data-test=campaign-coupons] [data-test=claim]').first().waitFor();
    assert.ok(page.url().includes('#/c/' + campaign.id), page.url());
    await page.locator('[data-test=campaign-coupons] [data-test=claim]').first().click();
    await page.locator('.hh-toast', { hasText: '领取成功' }).waitFor();
    await page.locator('[data-test=claimed-tag]').first().waitFor();
    await calm(page);
    await shot(page, 'member-coupons-03-claimed');
    // the claim went through the campaign's admission, with the touchpoint's attribution
    const c = await apiOk(srv, 'GET', '/api/campaigns/' + campaign.id, null, admin);
    assert.equal(c.used_count, 1);
  });

  it('the wallet shows the coupon, its terms and the QR of its code', async () => {
    await page.click('[data-test=go-wallet]');
    await page.locator('[data-test=wallet-list] .cw-card').first().waitFor();
    assert.equal(await page.locator('[data-test=wallet-list] .cw-card').count(), 1);
    assert.match(await page.locator('.cw-tab[data-tab=issued]').textContent(), /可使用\s*1/);
    await shot(page, 'member-coupons-04-wallet');
    await page.locator('[data-test=wallet-list] .cw-card').first().click();
    await page.locator('[data-test=coupon-detail]').waitFor();
    const img = page.locator('[data-test=coupon-qr]');
    await img.waitFor();
    await page.waitForFunction(() => { const i = document.querySelector('[data-test=coupon-qr]'); return i && i.complete && i.naturalWidth > 0; });
    assert.match((await page.locator('[data-test=coupon-code]').textContent()).trim(), /^[2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4}$/);
    assert.match(await page.locator('[data-test=coupon-detail]').textContent(), /澄光 Lumina 全部门店/);
    await shot(page, 'member-coupons-05-coupon-qr');
    await page.keyboard.press('Escape');
    await page.locator('.hh-drawer').waitFor({ state: 'detached' });
    await page.click('.cw-tab[data-tab=expired]');
    await page.locator('[data-test=wallet-empty]').waitFor();
    assert.match(await page.locator('[data-test=wallet-empty]').textContent(), /没有过期的券/);
    assert.deepEqual(page.errors, []);
  });

  it('a printed code from a batch is added through its claim link; a bad code is explained', async () => {
    const tpl = await apiOk(srv, 'POST', '/api/coupon-templates', {
      brand_id: 1, name: '包装内券 ¥15', kind: 'cash', value_fen: 1500, validity: 'relative', valid_days: 60,
    }, admin);
    const b = await apiOk(srv, 'POST', `/api/coupon-templates/${tpl.id}/batches`, { quantity: 5 }, admin);
    for (let i = 0; i < 100; i++) {
      const x = await apiOk(srv, 'GET', `/api/coupon-batches/${b.id}`, null, admin);
      if (x.status === 'done') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const res = await fetch(`${srv.url}/api/coupon-batches/${b.id}/codes.csv`, { headers: { Authorization: 'Bearer ' + admin } });
    assert.equal(res.status, 200);
    const row = (await res.text()).replace(/^\uFEFF/, '').split('\r\n')[1];
    const code = row.split(',')[0].replace(/"/g, '');
    const link = row.split(',').pop().replace(/"/g, '');
    assert.ok(link.endsWith('/m/#/wallet?code=' + code), link);

    await page.goto(srv.url + '/m/#/wallet?code=' + code.toLowerCase());
    await page.locator('[data-test=add-code] input[name=code]').waitFor();
    assert.equal((await page.inputValue('[data-test=add-code] input[name=code]')).replace(/\s/g, ''), code);
    await shot(page, 'member-coupons-06-printed-code');
    await page.click('[data-test=add-code-go]');
    await page.locator('[data-test=coupon-detail]').waitFor();
    assert.match(await page.locator('.hh-drawer').textContent(), /包装内券 ¥15/);
    await page.keyboard.press('Escape');
    await page.locator('[data-test=wallet-list] .cw-card').nth(1).waitFor();
    assert.equal(await page.locator('[data-test=wallet-list] .cw-card').count(), 2);
    // the same code again, then a malformed one
    await page.fill('[data-test=add-code] input[name=code]', code);
    await page.click('[data-test=add-code-go]');
    await page.locator('[data-test=code-error]', { hasText: '已在您的券包' }).waitFor();
    await page.fill('[data-test=add-code] input[name=code]', 'O0I1');
    await page.click('[data-test=add-code-go]');
    await page.locator('[data-test=code-error]', { hasText: '12 位' }).waitFor();
    await calm(page);
    await shot(page, 'member-coupons-07-bad-code');
    assert.deepEqual(page.errors, []);
  });

  it('the member centre shows the wallet entry with the number of usable coupons', async () => {
    await page.goto(srv.url + '/m/#/me');
    await page.locator('[data-test=wallet-count]').waitFor();
    assert.equal((await page.locator('[data-test=wallet-count]').textContent()).trim(), '2');
    await shot(page, 'member-coupons-08-me');
    const r = await api(srv, 'GET', '/api/member/campaigns/999999');
    assert.equal(r.status, 404);
    await page.goto(srv.url + '/m/#/c/999999');
    await page.locator('[data-test=campaign-missing]').waitFor();
    assert.deepEqual(page.errors, []);
  });

  it('reads in English too, with every string in both languages', async () => {
    await page.goto(srv.url + '/m/#/wallet');
    await page.locator('[data-test=wallet-list]').waitFor();
    await page.click('.hh-lang-btn:has-text("EN")');
    await page.locator('.m-header h1', { hasText: 'My coupons' }).waitFor();
    await shot(page, 'member-coupons-09-wallet-en');
    const missing = await page.evaluate(async () => (await import('/shared/i18n.js')).missingKeys());
    assert.deepEqual(missing, { en: [], 'zh-CN': [] });
    await page.click('.hh-lang-btn:has-text("中文")');
    assert.deepEqual(page.errors, []);
  });
});
