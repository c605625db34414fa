// Staff app, the counter screens, on a phone-sized screen: log in as ba001,
// Home shows the counter tiles and "no counter QR yet" until an operator
// creates one (then its QR), register a new member with the SMS code from the
// server log (consent ticked), see it under My members, look it up by phone
// (and an unknown phone offers to register it), register the same phone again
// once the 60 s resend wait is over (recognised, not new), and look it up by
// pasting the member code (HHM:…) the member's own page shows.
// Screenshots: screenshots/staff-counter-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, shot, skipReason, api } from './server.mjs';

const skip = skipReason();

describe('staff app: the counter', { skip: skip || false }, () => {
  let srv, browser, page, admin;
  const phone = '13766661234';
  let firstCodeAt = 0;

  const call = (method, path, body, token) => api(srv, method, path, body, token);

  // wait for the toasts to go before a screenshot that should show the screen
  const calm = (pg) => pg.waitForFunction(() => !document.querySelector('.hh-toast'), null, { timeout: 8000 }).catch(() => {});

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser, { mobile: true });
    const r = await call('POST', '/api/auth/login', { login: 'admin', password: 'huohua123' });
    assert.equal(r.status, 200);
    admin = r.data.token;
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  it('logs in; Home has the counter tiles and says when there is no counter QR', async () => {
    await page.goto(srv.url + '/staff/');
    await page.fill('input[name=login]', 'ba001');
    await page.fill('input[name=password]', 'huohua123');
    await page.click('button[type=submit]');
    await page.locator('[data-tile=register]').waitFor();
    assert.equal(await page.locator('.cm-tiles [data-tile]').count(), 7); // register, look up, my members, redeem, today's redemptions, check-in, receipts
    await page.locator('[data-test=counter-qr-none]').waitFor();
    assert.equal(await page.locator('[data-test=counter-qr-img]').count(), 0, 'no fake QR');
    await shot(page, 'staff-counter-01-home-no-qr');
  });

  it('shows my counter QR once an operator has created it', async () => {
    const me = await page.evaluate(() => fetch('/api/auth/me').then((r) => r.json()));
    const r = await call('POST', '/api/touchpoints', { name: '王芳敏 柜台码', brand_id: 1, staff_id: me.account.staff_id, channel: 'counter' }, admin);
    assert.equal(r.status, 201, JSON.stringify(r.data));
    await page.reload();
    const img = page.locator('[data-test=counter-qr-img]');
    await img.waitFor();
    await page.waitForFunction(() => { const i = document.querySelector('[data-test=counter-qr-img]'); return i && i.complete && i.naturalWidth > 0; });
    assert.match(await img.getAttribute('src'), new RegExp(`/api/touchpoints/${r.data.id}/qr\\.svg`));
    await shot(page, 'staff-counter-02-home');
    await page.click('[data-test=counter-qr-show]');
    await page.locator('[data-test=qr-full-img]').waitFor();
    await shot(page, 'staff-counter-03-qr-full');
    await page.click('.m-qr-full-close');
    await page.locator('.m-qr-full').waitFor({ state: 'detached' });
  });

  it('registers a new member with the code the customer reads out', async () => {
    await page.click('[data-tile=register]');
    const form = page.locator('[data-test=register-form]');
    await form.waitFor();
    assert.equal(await page.locator('[data-test=consent-sms]').isChecked(), false, 'consent is unchecked by default');

    await page.fill('input[name=phone]', '12345');
    await page.click('[data-test=send-code]');
    await page.locator('[data-field=phone] .hh-field-error').waitFor();

    const before = srv.smsSent().length;
    await page.fill('input[name=phone]', phone);
    await page.click('[data-test=send-code]');
    firstCodeAt = Date.now();
    await page.waitForFunction(() => /\d+\s*秒后重发/.test(document.querySelector('[data-test=send-code]').textContent));
    assert.ok(await page.locator('[data-test=send-code]').isDisabled());
    const code = await srv.waitForCode(phone, { after: before });

    await page.fill('input[name=code]', code === '000000' ? '111111' : '000000');
    await page.click('[data-test=register]');
    await page.locator('[data-field=code] .hh-field-error').waitFor();
    await shot(page, 'staff-counter-04-register-wrong-code');

    await page.fill('input[name=code]', code);
    await page.fill('input[name=name]', '李娜');
    await page.locator('.cm-consent').click();
    assert.equal(await page.locator('[data-test=consent-sms]').isChecked(), true);
    await shot(page, 'staff-counter-05-register-form');
    await page.click('[data-test=register]');
    const result = page.locator('[data-test=register-result]');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-created'), '1');
    const card = page.locator('[data-test=member-card]');
    assert.equal(await card.getAttribute('data-mine'), '1');
    assert.match(await card.textContent(), /137\*\*\*\*1234/);
    assert.match(await card.textContent(), /已同意/);
    await calm(page);
    await shot(page, 'staff-counter-06-registered-new');
    assert.deepEqual(page.errors, []);
  });

  it('lists the new member under My members, with search', async () => {
    await page.click('a[href="#/members"]');
    const list = page.locator('[data-test=my-members] li');
    await list.first().waitFor();
    assert.match(await list.first().textContent(), /李娜/);
    await page.locator('[data-lifecycle=new]').first().waitFor();
    await shot(page, 'staff-counter-07-my-members');
    await page.fill('input[name=q]', '1234');
    await page.waitForFunction(() => /找到/.test(document.querySelector('[data-test=members-total]').textContent));
    assert.equal(await list.count(), 1);
    await page.fill('input[name=q]', '没有这个人');
    await page.locator('.hh-empty').waitFor();
    await list.first().waitFor({ state: 'detached' });
  });

  it('looks the member up by phone; an unknown phone offers to register', async () => {
    await page.goto(srv.url + '/staff/#/home');
    await page.click('[data-tile=lookup]');
    await page.locator('[data-test=lookup-phone]').waitFor();
    await page.fill('input[name=phone]', phone);
    await page.click('[data-test=lookup]');
    const card = page.locator('[data-test=member-card]');
    await card.waitFor();
    assert.equal(await card.getAttribute('data-mine'), '1');
    assert.match(await card.textContent(), /李娜/);
    await shot(page, 'staff-counter-08-lookup-phone');

    await page.fill('input[name=phone]', '13500009999');
    await page.click('[data-test=lookup]');
    await page.locator('[data-test=not-member]').waitFor();
    await shot(page, 'staff-counter-09-lookup-unknown');
    await page.click('[data-test=register-this]');
    await page.locator('[data-test=register-form]').waitFor();
    assert.equal(await page.inputValue('input[name=phone]'), '13500009999');
  });

  it('recognises the same phone registered again (after the 60 s resend wait)', async () => {
    await page.fill('input[name=phone]', phone);
    // the clock follows the phone across screens: still counting down
    await page.waitForFunction(() => /\d+\s*秒后重发/.test(document.querySelector('[data-test=send-code]').textContent));
    const wait = firstCodeAt + 61_000 - Date.now();
    if (wait > 0) await page.waitForTimeout(wait);
    await page.locator('[data-test=send-code]:not([disabled])').waitFor();
    const before = srv.smsSent().length;
    await page.click('[data-test=send-code]');
    const code = await srv.waitForCode(phone, { after: before });
    await page.fill('input[name=code]', code);
    await page.click('[data-test=register]');
    const result = page.locator('[data-test=register-result]');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-created'), '0');
    assert.match(await result.textContent(), /已是会员/);
    assert.equal(await page.locator('[data-test=member-card]').getAttribute('data-mine'), '1');
    // the box was left unticked this time: the earlier consent stays
    assert.match(await page.locator('[data-test=member-card]').textContent(), /已同意/);
    await calm(page);
    await shot(page, 'staff-counter-10-registered-known');
  });

  it('looks the member up by pasting the member code', async () => {
    // the member signs in on their own phone; their page shows HHM:<code>
    const wait = firstCodeAt + 122_000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const before = srv.smsSent().length;
    const otp = await call('POST', '/api/member/otp', { phone });
    assert.equal(otp.status, 200, JSON.stringify(otp.data));
    const code = await srv.waitForCode(phone, { after: before });
    const login = await call('POST', '/api/member/login', { phone, code });
    assert.equal(login.status, 200);
    assert.equal(login.data.created, false);
    const me = await call('GET', '/api/member/me', null, login.data.token);
    const memberCode = me.data.member_code;
    assert.ok(memberCode);

    await page.goto(srv.url + '/staff/#/lookup?by=code');
    await page.locator('[data-test=lookup-code]').waitFor();
    await page.fill('input[name=code]', 'HHM:' + memberCode + 'X');
    await page.click('[data-test=lookup]');
    await page.locator('[data-field=code] .hh-field-error').waitFor();

    await page.fill('input[name=code]', 'hhm:' + memberCode.toLowerCase());
    await page.click('[data-test=lookup]');
    const card = page.locator('[data-test=member-card]');
    await card.waitFor();
    assert.match(await card.textContent(), /137\*\*\*\*1234/);
    assert.equal(await page.inputValue('input[name=code]'), 'HHM:' + memberCode);
    await shot(page, 'staff-counter-11-lookup-code');
    assert.deepEqual(page.errors, []);
  });

  it('reads in English', async () => {
    await page.evaluate(() => localStorage.setItem('hh.lang', 'en'));
    await page.goto(srv.url + '/staff/#/home');
    await page.reload();
    await page.locator('[data-tile=register]', { hasText: 'Register' }).waitFor();
    await shot(page, 'staff-counter-12-home-english');
    await page.evaluate(() => localStorage.setItem('hh.lang', 'zh-CN'));
  });
});
