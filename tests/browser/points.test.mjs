// Points in the three apps, clicked through as their users would:
// the member checks their points on the H5 (balance, what expires when, daily
// check-in, level and benefits, lots, history); counter staff see a member's
// points at a glance in the lookup; the operator explores the ledger (the
// books balance, a member's account with its lots, an adjustment refused for
// too few points then made, a transaction's entries summing to zero, a
// reversal), edits the earn rules (a check-in multiplier, paused) with the
// expiry policy shown, and the level ladder, whose history records an upgrade.
// Screenshots: screenshots/points-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, shot, pick, skipReason, adminHelpers, apiOk } from './server.mjs';

const skip = skipReason();
const PHONE = '13922220001';
const NAME = '林小满';

describe('points: member H5, staff counter, admin console', { skip: skip || false }, () => {
  let srv, browser, admin, staffToken, memberId;

  async function counterRegister(phone, name) {
    const before = srv.smsSent().length;
    await apiOk(srv, 'POST', '/api/counter/otp', { phone }, staffToken);
    const code = await srv.waitForCode(phone, { after: before });
    return (await apiOk(srv, 'POST', '/api/counter/register', { phone, code, name }, staffToken)).member;
  }

  before(async () => {
    srv = await startServer();
    staffToken = (await apiOk(srv, 'POST', '/api/auth/login', { login: 'ba001', password: 'huohua123' })).token;
    admin = (await apiOk(srv, 'POST', '/api/auth/login', { login: 'admin', password: 'huohua123' })).token;
    browser = await launchBrowser();
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  it('member H5: balance with expiry, daily check-in, level, lots and history', async () => {
    const page = await newPage(browser, { mobile: true });
    await page.goto(srv.url + '/m/#/login');
    const before = srv.smsSent().length;
    await page.fill('input[name=phone]', PHONE);
    await page.click('[data-test=send-code]');
    await page.fill('input[name=code]', await srv.waitForCode(PHONE, { after: before }));
    await page.click('[data-test=login]');
    const entry = page.locator('[data-test=points-entry]');
    await entry.waitFor();
    // 100 points for registering; the operator adds a gift of 380
    await page.locator('[data-test=points-balance]', { hasText: '100' }).waitFor();
    memberId = (await page.evaluate(() => fetch('/api/member/me').then((r) => r.json()))).member.id;
    await apiOk(srv, 'POST', `/api/members/${memberId}/points/adjust`, { points: 380, reason: '开业赠送' }, admin);
    await apiOk(srv, 'PATCH', `/api/members/${memberId}`, { name: NAME }, admin);
    await page.reload();
    await entry.waitFor();
    await page.locator('[data-test=points-balance]', { hasText: '480' }).waitFor();
    await shot(page, 'points-01-member-centre');
    await entry.locator('a.mp-entry-main').click();
    await page.locator('[data-test=balance]', { hasText: '480' }).waitFor();
    assert.match(await page.locator('[data-test=next-expiry]').textContent(), /480 积分过期/);
    await page.locator('[data-test=level-name]', { hasText: '普通会员' }).waitFor();
    assert.match(await page.locator('[data-test=level-next]').textContent(), /再获得 900 积分升级为 银卡会员/);
    await shot(page, 'points-02-member-points');
    await page.click('[data-test=checkin-btn]');
    await page.locator('.hh-toast', { hasText: '签到成功，获得 5 积分' }).waitFor();
    await page.locator('[data-test=checked-in]').waitFor();
    await page.locator('[data-test=balance]', { hasText: '485' }).waitFor();
    await page.locator('[data-test=history] li', { hasText: '每日签到' }).waitFor();
    assert.equal(await page.locator('[data-test=lots] li').count(), 3, 'three lots: registration, the gift, the check-in');
    assert.match(await page.locator('[data-test=history]').textContent(), /\+380/);
    await page.locator('[data-test=ways]').scrollIntoViewIfNeeded();
    await shot(page, 'points-03-member-checked-in');
    // English
    await page.locator('.m-header .hh-lang-btn', { hasText: 'EN' }).click();
    await page.locator('.m-header h1', { hasText: 'My points' }).waitFor();
    await page.locator('[data-test=points-hero]').scrollIntoViewIfNeeded();
    await shot(page, 'points-04-member-english');
    await page.locator('.m-header .hh-lang-btn', { hasText: '中文' }).click();
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  it('staff counter: a member\'s points at a glance', async () => {
    const page = await newPage(browser, { mobile: true });
    await page.goto(srv.url + '/staff/');
    await page.fill('input[name=login]', 'ba001');
    await page.fill('input[name=password]', 'huohua123');
    await page.click('button[type=submit]');
    await page.locator('[data-tile=register]').waitFor();
    await page.goto(srv.url + '/staff/#/lookup');
    await page.fill('input[name=phone]', PHONE);
    await page.click('[data-test=lookup]');
    await page.locator('[data-test=glance-balance]', { hasText: '485' }).waitFor();
    assert.equal((await page.locator('[data-test=glance-level]').textContent()).trim(), '—');
    await shot(page, 'points-05-staff-glance');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  describe('admin console', () => {
    let page, ui;
    before(async () => {
      page = await newPage(browser);
      ui = adminHelpers(page);
      await page.goto(srv.url + '/admin/');
      await page.fill('input[name=login]', 'admin');
      await page.fill('input[name=password]', 'huohua123');
      await page.click('.hh-login-card button[type=submit]');
      await page.locator('.admin-shell').waitFor();
    });
    after(async () => { await page?.context().close(); });

    it('ledger: the books balance; a member\'s account; an adjustment refused, then made', async () => {
      const nav = await page.locator('.admin-nav').textContent();
      for (const label of ['积分与等级', '积分账本', '积分规则', '会员等级']) assert.ok(nav.includes(label), label);
      await ui.go('points');
      await page.locator('[data-stat=member_balance] .stat-value', { hasText: '485' }).waitFor();
      await page.locator('[data-test=balanced]', { hasText: '账目平衡' }).waitFor();
      await ui.row(NAME).waitFor();
      await shot(page, 'points-06-ledger');
      await pick(page, '.pt-find', 'find-member', NAME);
      const acct = page.locator('[data-test=member-account]');
      await acct.locator('[data-test=balance]', { hasText: '485' }).waitFor();
      assert.equal(await acct.locator('[data-test=lots] tbody tr').count(), 3);
      await shot(page, 'points-07-member-account');
      await acct.locator('[data-test=adjust]').click();
      const form = page.locator('#adjust-form');
      await form.waitFor();
      await form.locator('[data-test=deduct]').click();
      await form.locator('input[name=points]').fill('9999');
      await form.locator('textarea[name=reason]').fill('兑换线下礼品');
      await page.click('[data-test=save]');
      await form.locator('[data-field=points] .hh-field-error', { hasText: '积分不足' }).waitFor();
      await shot(page, 'points-08-adjust-refused');
      await form.locator('input[name=points]').fill('85');
      await page.click('[data-test=save]');
      await page.locator('.hh-toast', { hasText: '已调整，当前可用 400 积分' }).waitFor();
      await acct.locator('[data-test=balance]', { hasText: '400' }).waitFor();
      await page.locator('.hh-drawer-close, .hh-drawer [aria-label="关闭"]').first().click().catch(() => page.keyboard.press('Escape'));
      assert.deepEqual(page.errors, []);
    });

    it('ledger: a transaction\'s entries sum to zero; a reversal corrects it', async () => {
      await ui.go('points');
      const row = page.locator('.hh-table tbody tr', { hasText: '兑换线下礼品' }).first();
      await row.waitFor();
      await row.locator('.hh-expander').click();
      const detail = page.locator('.pt-detail').first();
      await detail.waitFor();
      assert.equal((await detail.locator('[data-test=entries-sum] b').textContent()).trim(), '0');
      assert.equal(await detail.locator('[data-entry]').count(), 2);
      await shot(page, 'points-09-txn-entries');
      await row.locator('[data-test=reverse]').click();
      await page.locator('#reverse-form textarea[name=reason]').fill('礼品缺货，积分退回');
      await page.click('[data-test=save-reverse]');
      await page.locator('.hh-toast', { hasText: '已冲正' }).waitFor();
      await page.locator('.hh-table tbody tr', { hasText: '礼品缺货，积分退回' }).first().waitFor();
      await page.locator('.hh-table tbody tr', { hasText: '已被' }).first().waitFor();
      await page.locator('[data-stat=member_balance] .stat-value', { hasText: '485' }).waitFor();
      await shot(page, 'points-10-reversed');
      assert.deepEqual(page.errors, []);
    });

    it('rules: the expiry policy, a check-in multiplier created and paused, a bad rule refused', async () => {
      await ui.go('points/rules');
      await page.locator('[data-test=policy-example]', { hasText: '现在获得的积分将于' }).waitFor();
      await page.click('[data-tab=action]');
      await page.locator('tr[data-rule="每日签到"]').waitFor();
      await shot(page, 'points-11-rules');
      await page.click('[data-test=create]');
      await page.locator('.role-card[data-kind=spend]').click();
      await page.fill('#rule-form input[name=name]', '缺积分的规则');
      await page.fill('#rule-form input[name=points]', '');
      await page.click('[data-test=save]');
      await page.locator('#rule-form [data-field=points] .hh-field-error').waitFor();
      await page.locator('.role-card[data-kind=multiplier]').click();
      await page.fill('#rule-form input[name=name]', '周末双倍签到');
      await page.selectOption('#rule-form select[name=action]', 'checkin');
      await page.fill('#rule-form input[name=multiplier_pct]', '200');
      await page.locator('[data-test=preview]', { hasText: '原本 10 积分变为 20 积分' }).waitFor();
      await shot(page, 'points-12-rule-form');
      await page.click('[data-test=save]');
      await page.locator('.hh-toast', { hasText: '已创建规则' }).waitFor();
      const r = page.locator('tr[data-rule="周末双倍签到"]');
      await r.waitFor();
      await r.locator('[data-test=toggle]').click();
      await r.locator('.hh-tag', { hasText: '已暂停' }).waitFor();
      await shot(page, 'points-13-multiplier-paused');
      assert.deepEqual(page.errors, []);
    });

    it('levels: the ladder edited; an upgrade with its history', async () => {
      await ui.go('points/levels');
      const silver = page.locator('.pt-lv-row[data-level="银卡会员"]');
      await silver.waitFor();
      await silver.locator('[data-field="levels.1.threshold"] input').fill('100');
      await page.click('[data-test=save-levels]');
      await page.locator('.hh-toast', { hasText: '会员等级已保存' }).waitFor();
      // a new member reaches 银卡 with the registration award
      await counterRegister('13922220002', '许青');
      await page.reload();
      await page.locator('.hh-table tbody tr', { hasText: '许青' }).waitFor();
      assert.match(await page.locator('.hh-table tbody tr', { hasText: '许青' }).textContent(), /普通会员\s*→\s*银卡会员/);
      await shot(page, 'points-14-levels');
      await page.locator('.hh-table tbody tr', { hasText: '许青' }).scrollIntoViewIfNeeded();
      await shot(page, 'points-15-level-history');
      // thresholds must increase
      await page.locator('.pt-lv-row[data-level="金卡会员"] [data-field="levels.2.threshold"] input').fill('50');
      await page.click('[data-test=save-levels]');
      await page.locator('.pt-lv-row[data-level="金卡会员"] .hh-field-error', { hasText: '门槛须逐级升高' }).waitFor();
      assert.deepEqual(page.errors, []);
    });
  });
});
