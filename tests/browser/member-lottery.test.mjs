// Member H5 — the lottery page on a phone, as a member plays it: opened
// signed out (a sign-in brings them back), prizes with the disclosed odds and
// stock, a free draw whose wheel stops on the segment of the result the API
// gave, a draw with a pass code from the printed batch, then a campaign whose
// two prizes (one to collect at a counter, one by mail) are each won once:
// the counter prize's QR shown full screen, the mail prize's address given on
// the form. Screenshots: screenshots/member-lottery-*.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, shot, skipReason, apiOk } from './server.mjs';

const skip = skipReason();

describe('member H5: lottery', { skip: skip || false }, () => {
  let srv, browser, page, admin, demoId, giftId, passCode;
  const phone = '13933330001';

  before(async () => {
    srv = await startServer();
    admin = (await apiOk(srv, 'POST', '/api/auth/login', { login: 'admin', password: 'huohua123' })).token;
    demoId = (await apiOk(srv, 'GET', '/api/campaigns', null, admin)).items.find((c) => c.name === '春日幸运大转盘').id;
    // a campaign whose two prizes (stock 1 each, no "no prize") are won by the first two draws
    const now = Date.now();
    const c = await apiOk(srv, 'POST', '/api/campaigns', { brand_id: 1, name: '会员日惊喜礼', starts_at: now - 60_000, ends_at: now + 86_400_000, free_draws_per_day: 3 }, admin);
    await apiOk(srv, 'POST', `/api/campaigns/${c.id}/publish`, null, admin);
    await apiOk(srv, 'POST', `/api/campaigns/${c.id}/prizes`, { name: '旅行套装', image: '/m/img/prize-kit.svg', value_fen: 19900, stock: 1, weight: 1, fulfilment: 'counter' }, admin);
    await apiOk(srv, 'POST', `/api/campaigns/${c.id}/prizes`, { name: '精华正装', image: '/m/img/prize-serum.svg', value_fen: 68000, stock: 1, weight: 1, fulfilment: 'mail' }, admin);
    giftId = c.id;
    // a printed pass code of the demo campaign (the server makes the batch when it starts)
    const batch = (await apiOk(srv, 'GET', `/api/campaigns/${demoId}/pass-batches`, null, admin)).items[0];
    for (let i = 0; i < 100; i++) {
      const b = await apiOk(srv, 'GET', `/api/pass-batches/${batch.id}`, null, admin);
      if (b.status === 'done') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const csv = await fetch(`${srv.url}/api/pass-batches/${batch.id}/codes.csv`, { headers: { Authorization: 'Bearer ' + admin } }).then((r) => r.text());
    passCode = csv.trim().split('\n')[1].split(',')[1];
    browser = await launchBrowser();
    page = await newPage(browser, { mobile: true });
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  /** Click draw; wait for the answer and the result dialog; check the wheel stopped on it. */
  async function drawOnce() {
    const [res] = await Promise.all([
      page.waitForResponse((r) => /\/api\/member\/lottery\/\d+\/draws$/.test(r.url()) && r.request().method() === 'POST'),
      page.click('[data-test=draw]'),
    ]);
    assert.equal(res.status(), 201, await res.text());
    const d = await res.json();
    const result = page.locator('[data-test=result]');
    await result.waitFor({ timeout: 10_000 });
    assert.equal(await result.getAttribute('data-prize'), String(d.prize ? d.prize.id : 0));
    assert.equal(await page.locator('[data-test=wheel]').getAttribute('data-landed'), String(d.prize ? d.prize.id : 0));
    if (d.prize) assert.equal((await page.locator('[data-test=result-prize]').textContent()).trim(), d.prize.name);
    else await page.locator('[data-test=result-none]').waitFor();
    // the segment under the pointer is one of the result's (the wheel turned to the real result)
    const seg = await page.evaluate(() => {
      const svg = document.querySelector('[data-test=wheel]');
      const deg = Number((svg.style.transform.match(/rotate\(([-\d.]+)deg\)/) || [])[1] || 0);
      const segs = [...svg.querySelectorAll(':scope > g')];
      const at = ((360 - (deg % 360)) % 360) / (360 / segs.length); // the segment under the pointer
      return segs[Math.floor(at)].dataset.seg;
    });
    assert.equal(seg, String(d.prize ? d.prize.id : 0), 'the pointer rests on a segment of the result');
    return { d };
  }

  it('asks a signed-out visitor to sign in, then comes back to the lottery', async () => {
    await page.goto(`${srv.url}/m/?e=1#/lottery/${demoId}`);
    await page.click('[data-test=lottery-login]');
    await page.locator('input[name=phone]').waitFor();
    const before = srv.smsSent().length;
    await page.fill('input[name=phone]', phone);
    await page.click('[data-test=send-code]');
    const code = await srv.waitForCode(phone, { after: before });
    await page.fill('input[name=code]', code);
    await page.click('[data-test=login]');
    await page.locator('[data-test=lottery-title]', { hasText: '春日幸运大转盘' }).waitFor();
    assert.match(page.url(), new RegExp(`#/lottery/${demoId}$`));
  });

  it('discloses the prizes, their odds and stock, and the draws left today', async () => {
    const api = await page.evaluate((id) => fetch('/api/member/lottery/' + id).then((r) => r.json()), demoId);
    const shown = await page.locator('[data-test=prize-list] [data-test=odds]').allTextContents();
    assert.deepEqual(shown, ['0.20%', '4.0%', '30.0%']);
    assert.equal(api.prizes.length, 3);
    assert.match(await page.locator('[data-test=prize-list]').textContent(), /剩 600 份/);
    assert.match(await page.locator('[data-test=draws-left]').textContent(), /今天还可抽 3 次/);
    await page.click('[data-test=fairness] summary');
    assert.equal((await page.locator('[data-test=commitment]').textContent()).trim(), api.fairness.seed_commitment);
    assert.match(await page.locator('[data-test=seed]').textContent(), /活动结束后公开/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'member-lottery-01-page');
  });

  it('turns the wheel to the result the server decided (free draw)', async () => {
    const { d } = await drawOnce();
    assert.equal(d.entry, 'free');
    await shot(page, 'member-lottery-02-result');
    await page.click('[data-test=result-close]');
    await page.locator('[data-test=draws-left]', { hasText: '今天还可抽 2 次' }).waitFor();
  });

  it('draws with a printed pass code, once', async () => {
    await page.click('[data-entry=pass_code]');
    await page.fill('[data-test=pass-code]', passCode.toLowerCase());
    const { d } = await drawOnce();
    assert.equal(d.entry, 'pass_code');
    await page.click('[data-test=result-close]');
    await page.click('[data-entry=pass_code]');
    await page.fill('[data-test=pass-code]', passCode);
    await page.click('[data-test=draw]');
    await page.locator('[data-field=pass_code] .hh-field-error', { hasText: '已使用' }).waitFor();
    await shot(page, 'member-lottery-03-pass-used');
  });

  it('wins a counter prize and a mail prize: shows the QR, takes the address', async () => {
    await page.goto(`${srv.url}/m/?e=1#/lottery/${giftId}`);
    await page.locator('[data-test=lottery-title]', { hasText: '会员日惊喜礼' }).waitFor();
    const first = await drawOnce();
    await page.click('[data-test=result-close]');
    const second = await drawOnce();
    assert.deepEqual([first.d.claim, second.d.claim].sort(), ['counter', 'mail'], 'each prize was won once');
    await page.click('[data-test=result-close]');
    await page.locator('[data-test=my-prizes] li').nth(1).waitFor();
    await page.evaluate(() => document.querySelector('[data-test=my-prizes]').scrollIntoView());
    await shot(page, 'member-lottery-04-my-prizes');

    await page.click('[data-test=show-code]');
    const img = page.locator('[data-test=qr-full-img]');
    await img.waitFor();
    assert.match(await img.getAttribute('src'), /\/api\/member\/lottery\/draws\/\d+\/qr\.svg$/);
    const svg = await page.evaluate((src) => fetch(src).then((r) => r.text()), await img.getAttribute('src'));
    assert.match(svg, /<svg/);
    await shot(page, 'member-lottery-05-qr');
    await page.keyboard.press('Escape');

    await page.click('[data-test=fill-address]');
    const form = page.locator('[data-test=lottery-address-form]');
    await form.waitFor();
    await form.locator('input[name=name]').fill('林小满');
    await form.locator('input[name=phone]').fill('123');
    await form.locator('[data-test=address-submit]').click();
    await form.locator('[data-field=phone] .hh-field-error').waitFor();
    await form.locator('input[name=phone]').fill(phone);
    await form.locator('input[name=city]').fill('杭州市');
    await form.locator('textarea[name=detail]').fill('西湖区文三路 90 号 2 单元 301');
    await shot(page, 'member-lottery-06-address');
    await form.locator('[data-test=address-submit]').click();
    await page.locator('[data-test=my-prizes] li[data-claim=mail][data-status=claimed]').waitFor();
    assert.match(await page.locator('[data-test=my-prizes] li[data-claim=mail]').textContent(), /等待发货[\s\S]*文三路 90 号/);

    // every prize is gone and there is no "no prize" weight: the third draw wins nothing
    const third = await drawOnce();
    assert.equal(third.d.prize, null);
    await page.click('[data-test=result-close]');
    assert.deepEqual(page.errors, []);
  });
});
