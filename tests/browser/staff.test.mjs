// Staff app on a phone-sized screen: log in as the demo BA (ba001, store 1),
// see the store on Home, the colleagues under My store, the profile under Me,
// change the password (wrong current password first), switch language, log out
// and back in with the new password. Screenshots: screenshots/staff-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, shot, skipReason } from './server.mjs';

const skip = skipReason();

describe('staff app', { skip: skip || false }, () => {
  let srv, browser, page;

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser, { mobile: true });
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  async function login(pw) {
    await page.fill('input[name=login]', 'ba001');
    await page.fill('input[name=password]', pw);
    await page.click('button[type=submit]');
  }

  it('refuses a wrong password', async () => {
    await page.goto(srv.url + '/staff/');
    await page.locator('input[name=login]').waitFor();
    await shot(page, 'staff-01-login');
    await login('not-my-password');
    await page.locator('.hh-field-error, .hh-alert-error').first().waitFor();
    await shot(page, 'staff-02-login-error');
  });

  it('logs in and shows my store on Home', async () => {
    await login('huohua123');
    const card = page.locator('[data-test=store-card]');
    await card.waitFor();
    await page.locator('.m-chip').first().waitFor();
    const text = await card.textContent();
    assert.ok(text.trim().length > 0);
    assert.equal(await page.locator('.m-tabbar .m-tab').count(), 3);
    await shot(page, 'staff-03-home');
    assert.deepEqual(page.errors, []);
  });

  it('lists colleagues under My store', async () => {
    await page.click('.m-tabbar [data-tab=store]');
    const list = page.locator('[data-test=colleagues] li');
    await list.first().waitFor();
    assert.ok(await list.count() >= 1);
    await page.locator('[data-test=colleagues] .hh-tag', { hasText: '我' }).waitFor();
    await shot(page, 'staff-04-my-store');
  });

  it('shows the profile under Me and changes the password', async () => {
    await page.click('.m-tabbar [data-tab=me]');
    await page.locator('[data-test=me-name]').waitFor();
    await shot(page, 'staff-05-me');

    await page.click('[data-test=change-password]');
    const sheet = page.locator('.hh-drawer');
    await sheet.waitFor();
    await sheet.locator('[data-field=old_password] input').fill('wrong-old-password');
    await sheet.locator('[data-field=new_password] input').fill('counter2025');
    await sheet.locator('[data-field=confirm] input').fill('counter2025');
    await sheet.locator('button[type=submit]').click();
    await sheet.locator('.hh-field-error, .hh-alert-error').first().waitFor();
    await shot(page, 'staff-06-password-error');

    await sheet.locator('[data-field=old_password] input').fill('huohua123');
    await sheet.locator('button[type=submit]').click();
    await sheet.waitFor({ state: 'detached' });
  });

  it('switches to English', async () => {
    await page.locator('.m-list .hh-lang-btn', { hasText: 'EN' }).click();
    await page.locator('.m-tabbar', { hasText: 'My store' }).waitFor();
    await shot(page, 'staff-07-me-english');
    await page.click('.m-tabbar [data-tab=home]');
    await page.locator('[data-test=store-card]').waitFor();
    await shot(page, 'staff-08-home-english');
    await page.click('.m-tabbar [data-tab=me]');
    await page.locator('.m-list .hh-lang-btn', { hasText: '中文' }).click();
  });

  it('logs out and back in with the new password', async () => {
    await page.click('[data-test=logout]');
    await page.locator('.hh-modal .hh-btn-primary').click();
    await page.locator('input[name=login]').waitFor();
    await login('counter2025');
    await page.locator('[data-test=store-card]').waitFor();
    assert.deepEqual(page.errors, []);
  });
});
