// Member H5 on a phone-sized screen: landing page with the enterprise and its
// brands, phone login with an SMS code (read from the log provider's stderr
// line), the 60 s resend countdown, Me with the masked phone, logout.
// Screenshots: screenshots/member-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, shot, skipReason } from './server.mjs';

const skip = skipReason();

describe('member H5', { skip: skip || false }, () => {
  let srv, browser, page;
  const phone = '13912345678';

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser, { mobile: true });
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  it('welcomes the visitor with the enterprise and its brands', async () => {
    await page.goto(srv.url + '/m/');
    const name = page.locator('[data-test=enterprise-name]');
    await name.waitFor();
    const ctx = await page.evaluate(() => fetch('/api/member/context').then((r) => r.json()));
    assert.equal((await name.textContent()).trim(), ctx.enterprise.name);
    if (ctx.brands.length) await page.locator('[data-test=brands] li').first().waitFor();
    await shot(page, 'member-01-landing');
    assert.deepEqual(page.errors, []);
  });

  it('rejects a wrong phone number next to the phone field', async () => {
    await page.click('[data-test=go-login]');
    await page.locator('input[name=phone]').waitFor();
    await page.fill('input[name=phone]', '12345');
    await page.click('[data-test=send-code]');
    await page.locator('[data-field=phone] .hh-field-error').waitFor();
    await shot(page, 'member-02-bad-phone');
  });

  it('sends a code, counts down, and logs in with it', async () => {
    const before = srv.smsSent().length;
    await page.fill('input[name=phone]', phone);
    await page.click('[data-test=send-code]');
    const btn = page.locator('[data-test=send-code]');
    await page.waitForFunction(() => /\d+\s*秒后重发/.test(document.querySelector('[data-test=send-code]').textContent));
    assert.ok(await btn.isDisabled(), 'resend is disabled during the countdown');
    const code = await srv.waitForCode(phone, { after: before });
    assert.match(code, /^\d{4,8}$/);

    // a wrong code first: the error sits under the code field
    await page.fill('input[name=code]', code === '000000' ? '111111' : '000000');
    await page.click('[data-test=login]');
    await page.locator('[data-field=code] .hh-field-error, .hh-alert-error').first().waitFor();
    await shot(page, 'member-03-code-sent');

    await page.fill('input[name=code]', code);
    await page.click('[data-test=login]');
    const masked = page.locator('[data-test=masked-phone]');
    await masked.waitFor();
    const m = (await masked.textContent()).trim();
    assert.ok(m.includes('5678') && !m.includes('12345678'), `the phone is masked: ${m}`);
    await shot(page, 'member-04-me');
  });

  it('stays logged in after a reload, in English too', async () => {
    await page.locator('.mh-hero-top .hh-lang-btn', { hasText: 'EN' }).click();
    await page.reload();
    await page.locator('[data-test=masked-phone]').waitFor();
    await page.locator('[data-test=logout]', { hasText: 'Log out' }).waitFor();
    await shot(page, 'member-05-me-english');
    await page.locator('.mh-hero-top .hh-lang-btn', { hasText: '中文' }).click();
  });

  it('logs out back to the landing page', async () => {
    await page.click('[data-test=logout]');
    await page.locator('.hh-modal .hh-btn-primary').click();
    await page.locator('[data-test=go-login]').waitFor();
    const me = await page.evaluate(() => fetch('/api/member/me').then((r) => r.status));
    assert.equal(me, 401);
    assert.deepEqual(page.errors, []);
  });
});
