// Admin console — red envelopes and trial samples, clicked through as an
// operator. Envelopes: create a lucky-money pool (a budget below min × count
// is caught in the form), watch its budget-left bar go down as members claim,
// see every envelope with its payout status (the http payout provider here is
// a small server in the test that refuses one member), retry the failed one
// once the provider accepts it, close the pool. Samples: create an offer with
// paid shipping, see the fulfilment queue, ship one by hand, export the queue
// as CSV and Excel, import tracking numbers from a CSV with a report of the
// lines not applied, mark one delivered, cancel one (the unit goes back).
// Screenshots: screenshots/admin-rewards-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, newPage, shot, pick, skipReason, adminHelpers, apiOk } from './server.mjs';

const skip = skipReason();

/** A payout provider that refuses the phones in `refuse` (HTTP 400) and pays the others. */
function provider() {
  const refuse = new Set();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const j = JSON.parse(body);
      if (refuse.has(j.phone)) res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"收款账户未实名"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ref: 'WX' + j.envelope_id }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/pay`, refuse, close: () => server.close(),
  })));
}

describe('admin console: red envelopes and trial samples', { skip: skip || false }, () => {
  let srv, browser, page, pv, admin, pool, offer;
  const members = [];

  before(async () => {
    pv = await provider();
    srv = await startServer({ env: { HUOHUA_PAYOUT_PROVIDER: 'http', HUOHUA_PAYOUT_URL: pv.url, HUOHUA_PAYOUT_SECRET: 'browser-test-payout-secret-0123' } });
    browser = await launchBrowser();
    page = await newPage(browser);
    admin = (await apiOk(srv, 'POST', '/api/auth/login', { login: 'admin', password: 'huohua123' })).token;
    for (const phone of ['13511110001', '13511110002', '13511110003', '13511110004']) {
      const n = srv.smsSent().length;
      await apiOk(srv, 'POST', '/api/member/otp', { phone });
      const code = await srv.waitForCode(phone, { after: n });
      const m = await apiOk(srv, 'POST', '/api/member/login', { phone, code });
      members.push({ token: m.token, phone: '+86' + phone, local: phone, id: m.member.id });
    }
    pv.refuse.add(members[1].phone);
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
    pv?.close();
  });

  const ui = () => adminHelpers(page);
  const drawer = '.hh-drawer';
  const field = (name) => ui().field(name);
  const save = () => ui().save();
  const closed = () => ui().closed();
  const row = (text) => ui().row(text);
  const calm = () => page.waitForFunction(() => !document.querySelector('.hh-toast'), null, { timeout: 8000 }).catch(() => {});

  it('creates a lucky-money pool; the form catches a budget below min × count', async () => {
    await page.goto(srv.url + '/admin/');
    await page.fill('input[name=login]', 'admin');
    await page.fill('input[name=password]', 'huohua123');
    await page.click('.hh-login-card button[type=submit]');
    await page.locator('.admin-shell').waitFor();
    await ui().go('envelopes');
    await row('澄光新品尝鲜').waitFor();
    await page.click('[data-test=create]');
    await field('name').locator('input').fill('双十二 · 到店拼手气');
    await pick(page, drawer, 'brand_id', '澄光');
    await field('budget').locator('input').fill('5');
    await field('count').locator('input').fill('10');
    await field('min').locator('input').fill('1');
    await save();
    await field('budget').locator('.hh-field-error', { hasText: '¥10.00' }).waitFor();
    await field('budget').locator('input').fill('30');
    await page.locator('[data-test=preview]', { hasText: '平均每个 ¥3.00' }).waitFor();
    await shot(page, 'admin-rewards-01-pool-form');
    await save();
    await closed();
    const r = row('双十二 · 到店拼手气');
    await r.waitFor();
    assert.match(await r.textContent(), /剩余 ¥30\.00 \/ ¥30\.00/);
    const pools = await apiOk(srv, 'GET', '/api/envelope-pools?q=' + encodeURIComponent('双十二'), null, admin);
    pool = pools.items[0];
    assert.equal(pool.budget_fen, 3000);
    assert.equal(pool.min_fen, 100);
  });

  it('shows the budget left going down and each envelope with its payout status', async () => {
    for (const m of members.slice(0, 3)) await apiOk(srv, 'POST', '/api/member/envelopes', { pool_id: pool.id }, m.token);
    // wait until the provider has answered for all three
    for (let i = 0; i < 100; i++) {
      const p = await apiOk(srv, 'GET', `/api/envelope-pools/${pool.id}`, null, admin);
      if (p.pending_count === 0) { pool = p; break; }
      await new Promise((ok) => setTimeout(ok, 100));
    }
    assert.equal(pool.paid_count, 2);
    assert.equal(pool.failed_count, 1);
    await page.click('.list-toolbar [title="重试"], .list-toolbar .hh-icon-btn');
    const r = row('双十二 · 到店拼手气');
    await r.locator('.rw-budget-sub', { hasText: '剩余 7 / 10 个' }).waitFor();
    assert.match(await r.textContent(), /失败 1/);
    await shot(page, 'admin-rewards-02-pools');
    await r.locator('[data-test=pool-envelopes]').click();
    await page.locator('.hh-table tbody tr[data-id]').nth(2).waitFor();
    const failed = page.locator('.hh-table tbody tr', { has: page.locator('[data-status=failed]') });
    await failed.waitFor();
    assert.match(await failed.textContent(), /收款账户未实名/);
    assert.match(await failed.textContent(), /HTTP 400/);
    assert.equal(await page.locator('.hh-table tbody tr [data-status=paid]').count(), 2);
    await shot(page, 'admin-rewards-03-envelopes');
  });

  it('retries the failed payout once the provider accepts it', async () => {
    pv.refuse.clear();
    const failed = page.locator('.hh-table tbody tr', { has: page.locator('[data-status=failed]') });
    await failed.locator('[data-test=retry]').click();
    await page.click('.hh-modal .hh-btn-primary');
    // the page refreshes pending rows by itself until they settle
    await page.locator('.hh-table tbody tr [data-status=failed]').waitFor({ state: 'detached', timeout: 15_000 });
    await page.waitForFunction(() => document.querySelectorAll('.hh-table tbody tr [data-status=paid]').length === 3, null, { timeout: 15_000 });
    await calm();
    await shot(page, 'admin-rewards-04-retried');
    const envs = await apiOk(srv, 'GET', `/api/envelopes?pool_id=${pool.id}`, null, admin);
    assert.deepEqual(envs.items.map((e) => e.status), ['paid', 'paid', 'paid']);
    assert.ok(envs.items.some((e) => e.payout_round === 2), 'a new payout request after the refusal');
  });

  it('closes the pool', async () => {
    await page.click('.hh-tabs [data-tab=pools]');
    const r = row('双十二 · 到店拼手气');
    await r.locator('[data-test=pool-close]').click();
    await page.click('.hh-modal .hh-btn-danger');
    await r.locator('[data-pool-status=closed]').waitFor();
    assert.equal(await r.locator('[data-test=pool-close]').count(), 0);
  });

  it('creates a sample offer with paid shipping', async () => {
    await ui().go('samples');
    await row('澄光焕亮精华').waitFor();
    await page.click('[data-test=create]');
    await field('name').locator('input').fill('澄光 防晒乳 试用装 10ml');
    await pick(page, drawer, 'brand_id', '澄光');
    await field('description').locator('textarea').fill('SPF50 防晒乳小样，每人一份。');
    await field('stock').locator('input').fill('3');
    await page.click(`${drawer} [data-shipping=paid]`);
    await field('fee').locator('input').fill('6');
    await shot(page, 'admin-rewards-05-offer-form');
    await save();
    await closed();
    const r = row('澄光 防晒乳 试用装 10ml');
    await r.waitFor();
    assert.match(await r.textContent(), /会员付 ¥6\.00/);
    const list = await apiOk(srv, 'GET', '/api/sample-offers?q=' + encodeURIComponent('防晒乳'), null, admin);
    offer = list.items[0];
    assert.equal(offer.shipping_fee_fen, 600);
    const address = (i) => ({ name: `收件人${i}`, phone: '1391234000' + i, province: '浙江省', city: '杭州市', district: '西湖区', detail: `文三路 ${i} 号` });
    for (const [i, m] of members.slice(0, 3).entries()) await apiOk(srv, 'POST', '/api/member/samples', { offer_id: offer.id, address: address(i + 1) }, m.token);
    await page.click('.list-toolbar .hh-icon-btn');
    await r.locator('.rw-budget-text', { hasText: '剩余 0 / 3' }).waitFor();
    await r.locator('[data-state=sold_out]').waitFor();
    await shot(page, 'admin-rewards-06-offers');
  });

  it('ships one by hand, exports CSV and Excel', async () => {
    await row('澄光 防晒乳 试用装 10ml').locator('[data-test=offer-queue]').click();
    await page.locator('.hh-table tbody tr[data-id]').nth(2).waitFor();
    const first = row('文三路 1 号');
    assert.match(await first.textContent(), /¥6\.00/);
    assert.match(await first.textContent(), /139\*{4}0001/);
    await first.locator('[data-test=ship]').click();
    await field('carrier').locator('input').fill('顺丰速运');
    await field('tracking_no').locator('input').fill('SF1000000000001');
    await save();
    await closed();
    await row('文三路 1 号').locator('[data-status=shipped]').waitFor();
    await shot(page, 'admin-rewards-07-queue');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-csv]')]);
    const text = readFileSync(await csv.path(), 'utf8');
    assert.ok(text.startsWith('\ufeff'), 'BOM');
    assert.match(text, /申请编号/);
    assert.match(text, /\+8613912340002/, 'full recipient phone for the courier');
    assert.match(text, /文三路 3 号/);
    assert.match(csv.suggestedFilename(), /\.csv$/);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-xlsx]')]);
    const bytes = readFileSync(await xlsx.path());
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file');
    assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
  });

  it('imports tracking numbers and reports the lines not applied', async () => {
    const reqs = await apiOk(srv, 'GET', `/api/sample-requests?offer_id=${offer.id}&status=requested`, null, admin);
    const [a, b] = reqs.items.sort((x, y) => x.id - y.id);
    const file = [
      '申请编号,会员手机号,快递公司,快递单号',
      `${a.id},,中通快递,ZT2000000000002`,
      `,${members[2].local},圆通速递,YT3000000000003`,
      `999999,,顺丰速运,SF9`,
      `${b.id},,,ZT2000000000009`,
      `,${members[3].local},顺丰速运,SF4`,
    ].join('\r\n');
    await page.click('[data-test=import]');
    await page.locator('[data-test=import-file]').setInputFiles({ name: '回填单号.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await page.locator('[data-test=chosen]', { hasText: '回填单号.csv' }).waitFor();
    await page.click('[data-test=import-go]');
    const report = page.locator('[data-test=import-report]');
    await report.waitFor();
    assert.equal((await page.locator('[data-test=rep-lines]').textContent()).trim(), '5');
    assert.equal((await page.locator('[data-test=rep-shipped]').textContent()).trim(), '2');
    assert.equal((await page.locator('[data-test=rep-rejected]').textContent()).trim(), '3');
    const rejected = page.locator('[data-test=rejected-lines]');
    assert.match(await rejected.textContent(), /找不到该申请/);
    assert.match(await rejected.textContent(), /缺少快递公司/);
    assert.match(await rejected.textContent(), /没有待发货的申请/);
    await shot(page, 'admin-rewards-08-import-report');
    await page.click(`${drawer} .hh-drawer-head .hh-icon-btn`);
    await closed();
    await page.click('.filter-chips [data-chip=shipped]');
    await row('YT3000000000003').waitFor();
    assert.equal(await page.locator('.hh-table tbody tr[data-id]').count(), 3);
  });

  it('marks a parcel delivered', async () => {
    const r = row('SF1000000000001');
    await r.locator('[data-test=deliver]').click();
    await page.click('.hh-modal .hh-btn-primary');
    await r.waitFor({ state: 'detached' });
    await page.click('.filter-chips [data-chip=delivered]');
    await row('SF1000000000001').locator('[data-status=delivered]').waitFor();
    await calm();
    await shot(page, 'admin-rewards-09-delivered');
    assert.deepEqual(page.errors, []);
  });

  it('has every word of these screens in Chinese and English', async () => {
    const missing = await page.evaluate(async () => (await import('/shared/i18n.js')).missingKeys());
    assert.deepEqual(missing.en.filter((k) => /^(env|smp|nav)\./.test(k)), []);
    assert.deepEqual(missing['zh-CN'].filter((k) => /^(env|smp|nav)\./.test(k)), []);
    await page.click('.admin-top .hh-lang-btn:has-text("EN")');
    await page.locator('.page-head h1', { hasText: 'Trial samples' }).waitFor();
    await shot(page, 'admin-rewards-10-english');
    await page.click('.admin-top .hh-lang-btn:has-text("中文")');
    await page.locator('.page-head h1', { hasText: '试用装' }).waitFor();
  });

  it('cancels a waiting request and the unit goes back to stock', async () => {
    const o2 = await apiOk(srv, 'POST', '/api/sample-offers', { brand_id: 1, name: '取消测试 小样', stock: 2 }, admin);
    await apiOk(srv, 'POST', '/api/member/samples', { offer_id: o2.id, address: { name: '取消', phone: '13912349999', detail: '人民路 1 号' } }, members[3].token);
    await page.click('.hh-tabs [data-tab=offers]');
    await page.click('.list-toolbar .hh-icon-btn');
    await row('取消测试 小样').locator('[data-test=offer-queue]').click();
    const r = row('人民路 1 号');
    await r.waitFor();
    await r.locator('[data-test=cancel]').click();
    await page.click('.hh-modal .hh-btn-danger');
    await r.locator('[data-status=cancelled]').waitFor();
    const after = await apiOk(srv, 'GET', `/api/sample-offers/${o2.id}`, null, admin);
    assert.equal(after.remaining, 2);
    assert.deepEqual(page.errors, []);
  });
});
