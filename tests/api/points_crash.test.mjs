// points_crash.test.mjs — `huohua check` after kill -9, and against tampering.
//
// Mixed points load (adjustments up and down, reversals, check-ins, profile
// awards) from 24 client loops; the server is killed with SIGKILL in the
// middle; after a restart every acknowledged transaction exists and
// `huohua check` finds the ledger and the stock consistent. Twice. Then copies
// of the database are tampered with, one way each (an account balance, an
// entry, a lot, a negative balance, coupon, prize, envelope and sample stock,
// a coupon redeemed twice, gift stock, a gift order without its spend or its
// refund, a campaign over budget): `huohua check` exits 1 naming the broken
// invariant.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { startServer, request, sleep, memberLogin, cli, sqlite, BIN } from '../lib/server.mjs';

const execFileP = promisify(execFile);
const LOOPS = 24;
const LOAD_MS = 3000;
const KILL_AFTER_MS = 1500;
const MEMBERS = 12;

let s;
const members = [];
before(async () => {
  s = await startServer({ foreign: false });
  const T = await s.login('admin');
  for (let i = 0; i < MEMBERS; i++) {
    const r = await memberLogin(s, `1360000${String(2000 + i)}`);
    assert.equal(r.status, 200, r.text);
    members.push({ id: r.json.member.id, token: r.json.token });
    const a = await s.api('POST', `/api/members/${r.json.member.id}/points/adjust`, { token: T, body: { points: 1000, reason: '压测初始' } });
    assert.equal(a.status, 201, a.text);
  }
  // two gift orders (one cancelled), so the gift checks have orders and points to look at
  const gift = await s.api('POST', '/api/gifts', { token: T, body: { name: '校验礼品', brand_id: 1, points: 100, stock: 5 } });
  assert.equal(gift.status, 201, gift.text);
  for (const cancel of [false, true]) {
    const o = await s.api('POST', '/api/member/gift-orders', { token: members[0].token, body: { gift_id: gift.json.id, fulfilment: 'pickup', store_id: 1 } });
    assert.equal(o.status, 201, o.text);
    if (cancel) assert.equal((await s.api('POST', `/api/member/gift-orders/${o.json.id}/cancel`, { token: members[0].token })).status, 200);
  }
});
after(async () => { await s?.stop(); });

/** `huohua check --json` on a database: {code, report}. */
async function check(db) {
  try {
    const out = await cli(['check', '--db', db, '--json']);
    return { code: 0, report: JSON.parse(out) };
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    return { code: e.code, report: e.stdout ? JSON.parse(e.stdout) : null, stderr: e.stderr };
  }
}

async function loadAndKill(round) {
  const T = await s.login('admin');
  const url = s.url;
  const agent = new http.Agent({ keepAlive: true, maxSockets: LOOPS });
  const acked = [];
  const outcomes = { ok: 0, http4xx: 0, net: 0 };
  const start = Date.now();
  let killed = false;
  const pick = (a) => a[Math.floor(Math.random() * a.length)];
  async function loop(n) {
    for (let i = 0; Date.now() - start < LOAD_MS; i++) {
      const m = pick(members);
      const roll = Math.random();
      let req;
      if (roll < 0.45) req = ['POST', `/api/members/${m.id}/points/adjust`, { points: -(1 + Math.floor(Math.random() * 60)), reason: `r${round} l${n} i${i}` }, T];
      else if (roll < 0.8) req = ['POST', `/api/members/${m.id}/points/adjust`, { points: 1 + Math.floor(Math.random() * 40), reason: `r${round} l${n} i${i}` }, T];
      else if (roll < 0.9 && acked.length) req = ['POST', `/api/points/transactions/${pick(acked).id}/reverse`, { reason: `撤销 r${round}` }, T];
      else if (roll < 0.95) req = ['POST', '/api/member/points/checkin', undefined, m.token];
      else req = ['PATCH', '/api/member/me', { name: `会员${n}`, gender: 'female', birthday: '1990-01-01', city_code: '310100' }, m.token];
      let r;
      try {
        r = await request(url, req[0], req[1], { token: req[3], body: req[2], agent, timeout: 5000 });
      } catch {
        outcomes.net++;
        if (killed) return;
        await sleep(5);
        continue;
      }
      if (r.status >= 200 && r.status < 300) {
        outcomes.ok++;
        const t = r.json?.transaction ?? (r.json?.kind ? r.json : null);
        if (t?.id) acked.push({ id: t.id, points: t.points });
      } else if (r.status >= 500) {
        throw new Error(`5xx under load: ${r.status} ${r.text}`);
      } else {
        outcomes.http4xx++;
      }
    }
  }
  const loops = Array.from({ length: LOOPS }, (_, n) => loop(n));
  await sleep(KILL_AFTER_MS);
  const beforeKill = acked.length;
  killed = true;
  await s.kill9();
  await Promise.all(loops);
  agent.destroy();
  return { acked, outcomes, beforeKill };
}

for (const round of [1, 2]) {
  test(`kill -9 under mixed points load, round ${round}: acknowledged transactions survive, huohua check is clean`, { timeout: 90_000 }, async (t) => {
    const { acked, outcomes, beforeKill } = await loadAndKill(round);
    t.diagnostic(`acknowledged ${acked.length} transactions (${beforeKill} before the kill), outcomes ${JSON.stringify(outcomes)}`);
    assert.ok(beforeKill > 0, `writes were acknowledged before the kill (${JSON.stringify(outcomes)})`);
    // the database as the kill left it, before any restart
    const cold = await check(s.db);
    assert.equal(cold.code, 0, `huohua check after kill -9: ${JSON.stringify(cold.report?.checks?.filter((c) => !c.ok) ?? cold.stderr)}`);
    await s.restart();
    const T = await s.login('admin');
    for (const a of acked.slice(-40)) {
      const r = await s.api('GET', `/api/points/transactions/${a.id}`, { token: T });
      assert.equal(r.status, 200, `acknowledged transaction ${a.id} exists`);
      assert.equal(r.json.points, a.points);
      assert.equal(r.json.balanced, true);
    }
    const all = (await s.api('GET', '/api/points/transactions?limit=500', { token: T })).json;
    assert.ok(all.total >= acked.length);
    const warm = await check(s.db);
    assert.equal(warm.code, 0, JSON.stringify(warm.report?.checks?.filter((c) => !c.ok)));
    assert.ok(warm.report.checks.find((c) => c.name === 'points.txn_balanced').checked >= acked.length);
  });
}

test('tampered copies of the database fail huohua check, naming the invariant', { timeout: 120_000 }, async (t) => {
  await s.kill9();
  const base = join(s.dir, 'clean.db');
  await sqlite(s, `VACUUM INTO '${base}'`);
  assert.equal((await check(base)).code, 0, 'the copy is clean');
  const tampers = [
    ['a member balance', 'points.account_balance',
      "UPDATE points_accounts SET balance = balance + 1 WHERE id = (SELECT min(id) FROM points_accounts WHERE kind = 'member')"],
    ['an entry amount', 'points.txn_balanced',
      'UPDATE points_entries SET amount = amount + 1 WHERE id = (SELECT max(id) FROM points_entries)'],
    ['a lot remainder', 'points.lot_remaining',
      'UPDATE points_lots SET remaining = remaining - 1 WHERE id = (SELECT min(id) FROM points_lots WHERE remaining > 0)'],
    ['a negative balance', 'points.no_negative_balance',
      "PRAGMA ignore_check_constraints = 1; UPDATE points_accounts SET balance = -5 WHERE id = (SELECT min(id) FROM points_accounts WHERE kind = 'member')"],
    ['a lot moved off its account', 'points.lots_match_balance',
      "UPDATE points_lots SET member_id = (SELECT max(member_id) FROM points_accounts WHERE kind = 'member') WHERE id = (SELECT min(id) FROM points_lots WHERE remaining > 0 AND member_id <> (SELECT max(member_id) FROM points_accounts WHERE kind = 'member'))"],
    ['coupons issued beyond the quantity', 'coupons.template_quantity',
      "INSERT INTO coupon_templates (enterprise_id, brand_id, name, kind, value_fen, validity, valid_days, quantity, issued, created_at, updated_at) VALUES (1, 1, 't', 'cash', 100, 'relative', 3, 2, 3, 0, 0)"],
    ['a prize whose stock does not add up', 'lottery.prize_stock',
      "INSERT INTO campaigns (id, enterprise_id, brand_id, name, starts_at, ends_at, status, created_at, updated_at) VALUES (777, 1, 1, 'c', 0, 1, 'ended', 0, 0); INSERT INTO lottery_prizes (enterprise_id, campaign_id, name, stock, remaining, weight, fulfilment, created_at, updated_at) VALUES (1, 777, 'p', 10, 9, 1, 'counter', 0, 0)"],
    ['an envelope pool over its budget', 'envelopes.pool_budget',
      "INSERT INTO envelope_pools (id, enterprise_id, brand_id, name, mode, amount_fen, budget_fen, remaining_fen, count_total, count_remaining, created_at, updated_at) VALUES (777, 1, 1, 'e', 'fixed', 100, 1000, 1000, 10, 10, 0, 0); INSERT INTO red_envelopes (enterprise_id, pool_id, member_id, amount_fen, source, status, provider, created_at) VALUES (1, 777, 1, 100, 'admin', 'pending', '', 0)"],
    ['sample stock that does not add up', 'samples.offer_stock',
      "INSERT INTO sample_offers (enterprise_id, brand_id, name, stock, remaining, created_at, updated_at) VALUES (1, 1, 's', 5, 6, 0, 0)"],
    // the partial unique index refuses a second live redemption; without it the check still sees one
    ['a coupon redeemed twice', 'coupons.redeemed_once',
      "DROP INDEX redemptions_live; INSERT INTO coupon_templates (id, enterprise_id, brand_id, name, kind, value_fen, validity, valid_days, issued, created_at, updated_at) VALUES (778, 1, 1, 't', 'cash', 100, 'relative', 3, 1, 0, 0); INSERT INTO coupons (id, enterprise_id, template_id, code, member_id, source, status, issued_at) VALUES (778, 1, 778, 'ABCDEFGHJKLM', 1, 'admin', 'redeemed', 0); INSERT INTO redemptions (enterprise_id, coupon_id, member_id, brand_id, store_id, account_id, method, at) VALUES (1, 778, 1, 1, 1, 1, 'coupon_code', 0), (1, 778, 1, 1, 1, 1, 'coupon_code', 1)"],
    ['gift stock that does not add up', 'gifts.stock',
      'UPDATE gifts SET remaining = remaining + 1 WHERE id = (SELECT min(id) FROM gifts)'],
    ['a live gift order without its points spend', 'gifts.order_points',
      "UPDATE gift_orders SET spend_txn_id = NULL WHERE id = (SELECT min(id) FROM gift_orders WHERE status <> 'cancelled')"],
    ['a gift order cancelled without its refund', 'gifts.order_points',
      "UPDATE gifts SET remaining = remaining + 1 WHERE id = (SELECT gift_id FROM gift_orders WHERE id = (SELECT min(id) FROM gift_orders WHERE status <> 'cancelled')); UPDATE gift_orders SET status = 'cancelled' WHERE id = (SELECT min(id) FROM gift_orders WHERE status <> 'cancelled')"],
    ['a campaign over its budget', 'campaigns.limits',
      "INSERT INTO campaigns (enterprise_id, brand_id, name, starts_at, ends_at, status, budget_fen, spent_fen, created_at, updated_at) VALUES (1, 1, 'b', 0, 1, 'ended', 100, 101, 0, 0)"],
  ];
  for (const [what, name, sql] of tampers) {
    await t.test(`${what} → ${name}`, async () => {
      const copy = join(s.dir, `tampered-${name}.db`);
      await execFileP('cp', [base, copy]);
      await execFileP('/usr/bin/sqlite3', [copy, sql]);
      const r = await check(copy);
      assert.equal(r.code, 1, `exit status 1 (${r.stderr ?? ''})`);
      assert.equal(r.report.ok, false);
      const failed = r.report.checks.filter((c) => !c.ok).map((c) => c.name);
      assert.ok(failed.includes(name), `${name} among the failed checks: ${failed.join(', ')}`);
      assert.ok(r.report.checks.find((c) => c.name === name).rows.length > 0, 'the report shows the offending rows');
    });
  }
  // the text report names the failure too
  const copy = join(s.dir, 'tampered-text.db');
  await execFileP('cp', [base, copy]);
  await execFileP('/usr/bin/sqlite3', [copy, 'UPDATE points_entries SET amount = amount + 1 WHERE id = (SELECT max(id) FROM points_entries)']);
  const text = await execFileP(BIN, ['check', '--db', copy]).then(() => null, (e) => e);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /FAIL\s+points\.txn_balanced/);
  assert.match(text.stdout, /checks, [1-9]\d* failed/);
  // a file that is not a database: exit 2
  const junk = await execFileP(BIN, ['check', '--db', join(s.dir, 'missing.db')]).then(() => null, (e) => e);
  assert.equal(junk.code, 2);
});
