// Member H5, the closed loop on a phone-sized screen: an operator creates a
// counter touchpoint for staff 1; the customer scans /s/<code>, lands on the
// brand / store / promoter page, signs in with the SMS code, is welcomed as a
// new member, opens the member centre, edits the profile (city from the
// vendored division list), switches marketing consents on, adds, edits and
// deletes addresses, and shows the member QR full screen. Product codes: a
// batch of 10 is generated, one unit is scanned again and again until the
// page warns of a possible counterfeit; an unknown code is "not genuine".
// Screenshots: screenshots/member-journey-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, shot, skipReason, pick, api } from './server.mjs';

const skip = skipReason();

describe('member H5: scan → sign in → member centre; product codes', { skip: skip || false }, () => {
  let srv, browser, page, admin, tp;
  const phone = '13655557777';

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
    const t = await call('POST', '/api/touchpoints', { name: '五角场柜台 王芳敏', brand_id: 1, staff_id: 1, channel: 'counter' }, admin);
    assert.equal(t.status, 201, JSON.stringify(t.data));
    tp = t.data;
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  it('lands on the brand, store and promoter after scanning /s/<code>', async () => {
    await page.goto(srv.url + '/s/' + tp.code);
    assert.ok(page.url().includes('/m/#/t/' + tp.code), page.url());
    await page.locator('[data-test=tp-brand]').waitFor();
    assert.match(await page.locator('[data-test=tp-staff]').textContent(), /导购\s*\S+\s*为您服务/);
    assert.ok((await page.locator('[data-test=tp-store]').textContent()).trim().length > 0);
    assert.match(await page.locator('[data-test=tp-channel]').textContent(), /专柜/);
    await shot(page, 'member-journey-01-scan-landing');
    assert.deepEqual(page.errors, []);
  });

  it('signs in from the scan and is welcomed as a new member', async () => {
    await page.click('[data-test=tp-login]');
    await page.locator('input[name=phone]').waitFor();
    await page.locator('.mh-login-host').waitFor();
    const before = srv.smsSent().length;
    await page.fill('input[name=phone]', phone);
    await page.click('[data-test=send-code]');
    const code = await srv.waitForCode(phone, { after: before });
    await page.fill('input[name=code]', code);
    await shot(page, 'member-journey-02-sign-in');
    await page.click('[data-test=login]');
    const w = page.locator('[data-test=welcome]');
    await w.waitFor();
    assert.equal(await w.getAttribute('data-kind'), 'new');
    assert.match(await page.locator('[data-test=welcome-title]').textContent(), /欢迎加入/);
    await calm(page);
    await shot(page, 'member-journey-03-welcome');
  });

  it('opens the member centre with the member QR', async () => {
    await page.click('[data-test=welcome-go]');
    await page.locator('[data-test=masked-phone]').waitFor();
    const m = (await page.locator('[data-test=masked-phone]').textContent()).trim();
    assert.ok(m.includes('7777') && !m.includes('55557777'), m);
    assert.match(await page.locator('[data-test=greeting]').textContent(), /欢迎新朋友/);
    await page.waitForFunction(() => { const i = document.querySelector('[data-test=member-qr]'); return i && i.complete && i.naturalWidth > 0; });
    assert.match(await page.locator('[data-test=member-code]').textContent(), /^HHM:[0-9A-Z]+$/);
    await calm(page);
    await shot(page, 'member-journey-04-me');
    // the scan was attributed: the member is credited to the promoter of the counter QR
    const list = await call('GET', '/api/members?q=7777', null, admin);
    assert.equal(list.data.items.length, 1);
  });

  it('edits the profile: name, gender, birthday and a city', async () => {
    await page.click('[data-test=edit-profile]');
    const sheet = page.locator('.hh-drawer');
    await sheet.locator('[data-test=profile-form]').waitFor();
    await sheet.locator('input[name=name]').fill('林小满');
    await sheet.locator('[data-gender=female]').click();
    await sheet.locator('input[name=birthday]').fill('1993-06-18');
    await pick(page, '.hh-drawer', 'city_code', '杭州');
    await shot(page, 'member-journey-05-profile-form');
    await sheet.locator('[data-test=profile-save]').click();
    await sheet.waitFor({ state: 'detached' });
    assert.equal((await page.locator('[data-test=profile-name]').textContent()).trim(), '林小满');
    assert.equal((await page.locator('[data-test=profile-birthday]').textContent()).trim(), '1993-06-18');
    assert.match(await page.locator('[data-test=profile-city]').textContent(), /杭州市/);
    const me = await page.evaluate(() => fetch('/api/member/me').then((r) => r.json()));
    assert.equal(me.member.city_code, '330100');
    assert.equal(me.member.gender, 'female');
  });

  it('switches the marketing consents on, with the time they were set', async () => {
    await page.locator('[data-test=consent-sms] .hh-switch').click();
    await page.waitForFunction(() => /开启/.test(document.querySelector('[data-test=consent-sms-at]').textContent)
      && !/尚未/.test(document.querySelector('[data-test=consent-sms-at]').textContent));
    await page.locator('[data-test=consent-wechat] .hh-switch').click();
    await page.waitForFunction(() => !/尚未/.test(document.querySelector('[data-test=consent-wechat-at]').textContent));
    const me = await page.evaluate(() => fetch('/api/member/me').then((r) => r.json()));
    assert.equal(me.member.consents.sms.granted, true);
    assert.equal(me.member.consents.wechat.granted, true);
    await page.locator('[data-test=consent-sms]').scrollIntoViewIfNeeded();
    await calm(page);
    await shot(page, 'member-journey-06-consents');
  });

  it('adds, edits, re-defaults and deletes addresses', async () => {
    await page.click('[data-test=add-address]');
    const sheet = page.locator('.hh-drawer');
    await sheet.locator('[data-test=address-form]').waitFor();
    await sheet.locator('input[name=phone]').fill('123');
    await sheet.locator('[data-test=address-save]').click();
    await sheet.locator('[data-field=phone] .hh-field-error').waitFor();
    await sheet.locator('input[name=phone]').fill('13655557777');
    await pick(page, '.hh-drawer', 'city_code', '杭州');
    await sheet.locator('input[name=district]').fill('西湖区');
    await sheet.locator('textarea[name=detail]').fill('文三路 90 号 东部软件园 2 号楼 301');
    await shot(page, 'member-journey-07-address-form');
    await sheet.locator('[data-test=address-save]').click();
    await sheet.waitFor({ state: 'detached' });
    const rows = page.locator('[data-test=addresses] li[data-address]');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    await rows.first().locator('[data-test=address-default-tag]').waitFor();
    assert.match(await rows.first().textContent(), /浙江省 杭州市 西湖区 文三路/);

    // a second one, then make it the default
    await page.click('[data-test=add-address]');
    await sheet.locator('[data-test=address-form]').waitFor();
    await sheet.locator('input[name=name]').fill('林小满（公司）');
    await sheet.locator('input[name=phone]').fill('13655557777');
    await sheet.locator('textarea[name=detail]').fill('杭州市滨江区网商路 699 号');
    await sheet.locator('[data-test=address-save]').click();
    await sheet.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelectorAll('[data-test=addresses] li[data-address]').length === 2);
    await page.locator('[data-test=address-make-default]').first().click();
    await page.waitForFunction(() => !document.querySelector('[data-test=addresses] li[data-address]:nth-child(2) [data-test=address-default-tag]')
      && /公司/.test(document.querySelector('[data-test=addresses] li[data-address]:first-child').textContent));

    // edit it
    await rows.first().locator('[data-test=address-edit]').click();
    await sheet.locator('[data-test=address-form]').waitFor();
    await sheet.locator('input[name=district]').fill('滨江区');
    await sheet.locator('[data-test=address-save]').click();
    await sheet.waitFor({ state: 'detached' });
    await page.waitForFunction(() => /滨江区/.test(document.querySelector('[data-test=addresses] li[data-address]:first-child').textContent));
    await page.locator('[data-test=addresses]').scrollIntoViewIfNeeded();
    await calm(page);
    await shot(page, 'member-journey-08-addresses');

    // delete the second one
    await rows.nth(1).locator('[data-test=address-delete]').click();
    await page.locator('.hh-modal .hh-btn-danger').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-test=addresses] li[data-address]').length === 1);
    const list = await page.evaluate(() => fetch('/api/member/addresses').then((r) => r.json()));
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0].is_default, true);
  });

  it('shows the member QR full screen for the counter to scan', async () => {
    await page.locator('.mh-qr-img').click();
    await page.locator('[data-test=qr-full-img]').waitFor();
    await page.waitForFunction(() => { const i = document.querySelector('[data-test=qr-full-img]'); return i && i.complete && i.naturalWidth > 0; });
    await shot(page, 'member-journey-09-qr-full');
    await page.click('.m-qr-full-close');
    await page.locator('.m-qr-full').waitFor({ state: 'detached' });
    await page.evaluate(() => window.scrollTo(0, 0));
    await calm(page);
    await shot(page, 'member-journey-10-me-done');
    assert.deepEqual(page.errors, []);
  });

  it('shows disabled and forged touchpoints kindly', async () => {
    const off = await call('PATCH', `/api/touchpoints/${tp.id}`, { disabled: true }, admin);
    assert.equal(off.status, 200);
    await page.goto(srv.url + '/s/' + tp.code);
    const st = page.locator('[data-test=tp-state]');
    await st.waitFor();
    assert.equal(await st.getAttribute('data-state'), 'disabled');
    await page.locator('[data-test=tp-go-me]').waitFor(); // still signed in
    await shot(page, 'member-journey-11-scan-disabled');
    await page.goto(srv.url + '/s/' + tp.code.slice(0, -1) + (tp.code.endsWith('A') ? 'B' : 'A'));
    await page.locator('[data-test=tp-invalid]').waitFor();
    assert.ok(page.url().endsWith('#/t/invalid'), page.url());
    await shot(page, 'member-journey-12-scan-invalid');
  });

  it('checks a product code: genuine, then a warning after repeated scans', async () => {
    const b = await call('POST', '/api/product-batches', {
      brand_id: 1, product: '澄光 焕亮精华液 30ml', batch_no: 'LM20250618A', production_date: '2025-06-18', quantity: 10, distributor: '华东一级经销商',
    }, admin);
    assert.equal(b.status, 202, JSON.stringify(b.data));
    let batch = b.data;
    for (let i = 0; batch.status === 'running' && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      batch = (await call('GET', `/api/product-batches/${batch.id}`, null, admin)).data;
    }
    assert.equal(batch.status, 'done');
    const csv = await fetch(srv.url + `/api/product-batches/${batch.id}/codes.csv`, { headers: { Authorization: 'Bearer ' + admin } }).then((r) => r.text());
    const lines = csv.trim().split(/\r?\n/);
    assert.equal(lines[0], 'serial,code,url');
    assert.equal(lines.length, 11);
    const code = lines[1].split(',')[1];

    await page.goto(srv.url + '/p/' + code);
    assert.ok(page.url().includes('/m/#/p/' + code), page.url());
    const hero = page.locator('[data-test=product-authentic]');
    await hero.waitFor();
    assert.equal(await hero.getAttribute('data-warning'), '0');
    assert.equal((await page.locator('[data-test=product-batch]').textContent()).trim(), 'LM20250618A');
    assert.equal((await page.locator('[data-test=scan-count]').textContent()).trim(), '1');
    await shot(page, 'member-journey-13-product-genuine');

    let n = 1;
    while (n < 6 && !(await page.locator('[data-test=product-warning]').count())) {
      await page.goto('about:blank');
      await page.goto(srv.url + '/p/' + code);
      await hero.waitFor();
      n += 1;
    }
    assert.ok(n >= 3, 'no warning before the third scan');
    await page.locator('[data-test=product-warning]').waitFor();
    assert.equal(await hero.getAttribute('data-warning'), '1');
    assert.equal((await page.locator('[data-test=scan-count]').textContent()).trim(), String(n));
    await shot(page, 'member-journey-14-product-warning');
  });

  it('says "not genuine" for an unknown product code', async () => {
    await page.goto(srv.url + '/m/#/p/invalid');
    await page.locator('[data-test=product-invalid]').waitFor();
    assert.match(await page.locator('[data-test=product-invalid]').textContent(), /查无此码/);
    await shot(page, 'member-journey-15-product-invalid');
    await page.goto(srv.url + '/p/0000000000000');
    await page.locator('[data-test=product-invalid]').waitFor();
    assert.deepEqual(page.errors, []);
  });
});
