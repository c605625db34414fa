// The gift mall and referrals across the three front ends: an operator lists a
// gift in the admin console; a member with points orders it on the phone for
// pickup at a store, sees the order, opens "invite friends"; the store's
// promoter looks the member up in the staff app and hands the gift over; the
// console then shows the order completed, the referral rules and the star
// ranking. Screenshots: screenshots/mall-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, shot, skipReason, pick, api, apiOk, adminHelpers } from './server.mjs';

const skip = skipReason();

describe('gift mall: list → order → hand over; referrals and stars', { skip: skip || false }, () => {
  let srv, browser, admin, phone, staff, memberToken, adminToken;
  const e164 = '+8613677778888';

  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
    admin = await newPage(browser);
    phone = await newPage(browser, { mobile: true });
    staff = await newPage(browser, { mobile: true });
    adminToken = (await apiOk(srv, 'POST', '/api/auth/login', { login: 'admin', password: 'huohua123' })).token;
    const n = srv.smsSent().length;
    await apiOk(srv, 'POST', '/api/member/otp', { phone: e164 });
    const code = await srv.waitForCode(e164, { after: n });
    const login = await apiOk(srv, 'POST', '/api/member/login', { phone: e164, code });
    memberToken = login.token;
    await apiOk(srv, 'POST', `/api/members/${login.member.id}/points/adjust`, { points: 800, reason: '老会员积分迁移' }, adminToken);
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  it('lists a gift in the console', async () => {
    const ui = adminHelpers(admin);
    await admin.goto(srv.url + '/admin/');
    await admin.fill('input[name=login]', 'admin');
    await admin.fill('input[name=password]', 'huohua123');
    await admin.click('.hh-login-card button[type=submit]');
    await admin.locator('.admin-shell').waitFor();
    await ui.go('gifts');
    await admin.click('[data-test=new-gift]');
    await ui.save();
    await ui.field('name').locator('.hh-field-error').waitFor();
    await ui.field('name').locator('input').fill('澄光限定香氛礼盒');
    await pick(admin, ui.drawer, 'brand_id', '澄光');
    await ui.field('points').locator('input').fill('300');
    await ui.field('stock').locator('input').fill('20');
    await ui.field('per_member_limit').locator('input').fill('2');
    await shot(admin, 'mall-01-new-gift');
    await ui.save();
    await ui.closed();
    await ui.row('澄光限定香氛礼盒').waitFor();
    assert.match(await ui.row('澄光限定香氛礼盒').textContent(), /300 积分/);
    await shot(admin, 'mall-02-catalogue');
    assert.deepEqual(admin.errors, []);
  });

  it('a member orders it for pickup on the phone', async () => {
    await phone.context().addCookies([{ name: 'hh_member', value: memberToken, url: srv.url }]);
    await phone.goto(srv.url + '/m/#/me');
    await phone.locator('[data-test=link-mall]').click();
    await phone.locator('[data-test=gift]', { hasText: '澄光限定香氛礼盒' }).waitFor();
    assert.match(await phone.locator('[data-test=balance]').textContent(), /\d{3}/);
    await shot(phone, 'mall-03-member-mall');
    await phone.locator('[data-test=gift]', { hasText: '澄光限定香氛礼盒' }).locator('[data-test=redeem]').click();
    await phone.locator('[data-test=store]').waitFor();
    const store = await phone.locator('[data-test=store] option', { hasText: '五角场店' }).first().getAttribute('value');
    await phone.selectOption('[data-test=store]', store);
    await shot(phone, 'mall-04-order-sheet');
    await phone.click('[data-test=confirm]');
    await phone.locator('.mh-done').waitFor();
    assert.match(await phone.locator('.mh-done').textContent(), /五角场店/);
    await shot(phone, 'mall-05-ordered');
    await phone.goto(srv.url + '/m/#/mall/orders');
    await phone.locator('[data-test=order]', { hasText: '澄光限定香氛礼盒' }).waitFor();
    assert.match(await phone.locator('[data-test=order]').first().textContent(), /待领取/);
    await shot(phone, 'mall-06-my-orders');
    assert.deepEqual(phone.errors, []);
  });

  it('opens "invite friends" with a personal QR', async () => {
    await phone.goto(srv.url + '/m/#/invite');
    await phone.waitForFunction(() => { const i = document.querySelector('[data-test=invite-qr]'); return i && i.complete && i.naturalWidth > 0; });
    assert.match(await phone.locator('[data-test=invite-url]').textContent(), /\/s\/[0-9A-Z]+/);
    await shot(phone, 'mall-07-invite');
  });

  it('the promoter hands the gift over in the staff app', async () => {
    await staff.goto(srv.url + '/staff/');
    await staff.fill('input[name=login]', 'ba001');
    await staff.fill('input[name=password]', 'huohua123');
    await staff.click('button[type=submit]');
    await staff.locator('[data-tile=lookup]').waitFor();
    await staff.goto(srv.url + '/staff/#/lookup');
    await staff.fill('input[name=phone]', '13677778888');
    await staff.click('[data-test=lookup]');
    const orders = staff.locator('[data-test=pickup-orders]');
    await orders.waitFor();
    assert.match(await orders.textContent(), /澄光限定香氛礼盒 × 1/);
    await shot(staff, 'mall-08-staff-pickup');
    await staff.click('[data-test=handover]');
    await staff.click('.hh-modal-actions .hh-btn-primary');
    await staff.locator('[data-test=pickup-orders]', { hasText: '没有待自提' }).waitFor();
    await shot(staff, 'mall-09-staff-handed-over');
    assert.deepEqual(staff.errors, []);
  });

  it('the console shows the order completed, the referral rules and the star ranking', async () => {
    const ui = adminHelpers(admin);
    await admin.click('.hh-tabs [data-tab=orders]');
    await ui.row('澄光限定香氛礼盒').waitFor();
    assert.match(await ui.row('澄光限定香氛礼盒').textContent(), /已完成/);
    await shot(admin, 'mall-10-orders');
    await ui.go('referrals');
    await admin.click('.hh-tabs [data-tab=rules]');
    await admin.locator('[data-test=save-rules]').waitFor();
    await shot(admin, 'mall-11-referral-rules');
    await admin.click('.hh-tabs [data-tab=stars]');
    await admin.locator('.hh-table').waitFor();
    await shot(admin, 'mall-12-stars');
    const r = await api(srv, 'GET', '/api/gift-orders?status=completed', null, adminToken);
    assert.equal(r.data.total, 1);
    assert.deepEqual(admin.errors, []);
  });
});
