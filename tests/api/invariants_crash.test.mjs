// invariants_crash.test.mjs — SPEC §4 invariants 1–4 across the reward and
// points modules, under a mixed concurrent load and kill -9.
//
// Each round sets up one live campaign (budget 4,000 fen) with a coupon
// template of 30, a lottery of three small prizes (two collected at a counter
// as coupons, one by mail), a random red-envelope pool of 25 envelopes / 2,000
// fen, a sample offer of 8 and a gift of 8 units. One client loop per member
// (MEMBERS, each with points) then claims coupons, has them redeemed at a
// counter (sometimes by three counters at once), undoes redemptions, draws
// (free and by points), claims envelopes, requests and cancels samples, orders
// and cancels gifts and checks in, all at once. The server is killed with
// SIGKILL in the middle of the load; then:
//   - `huohua check` passes on the database exactly as the kill left it;
//   - after a restart on it, every answer 2xx is there and in the state the
//     last answer said (coupons, redemptions and undos, draws with their prize
//     and coupon, envelopes, sample requests and cancels, gift orders and
//     cancels, check-ins), and each member's balance is what the answers add up
//     to (± the one request whose answer the kill swallowed);
//   - nothing is oversold: for the template, every prize, the pool, the offer
//     and the gift, left + awarded = initial; the campaign's spending is
//     exactly what its coupons and envelopes cost and within its budget, its
//     uses exactly its claims, draws and requests;
//   - no coupon (claimed or won) has two live redemptions, and of three
//     counters racing for one coupon at most one succeeded;
//   - `huohua lottery verify` replays every draw, and `huohua check` passes
//     again.
// Twice. No timing thresholds: the kill comes after enough answers (or a
// while), and all waiting is on answers, not on the clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, request, sleep, cli, BIN } from '../lib/server.mjs';
import { liveCampaign, couponTemplate, member } from '../lib/rewards.mjs';

const execFileP = promisify(execFile);
const MEMBERS = 24;            // one client loop (connection) per member
const KILL_AT_ACKS = 200;      // kill once this many writes were answered 2xx …
const KILL_AFTER_MS = 2500;    // … or after this long (once a few were)
const LOAD_MAX_MS = 20_000;    // a hard stop for a very slow build
const INITIAL_POINTS = 2000;
const STOCK = { coupons: 30, prizes: [4, 3, 6], envelopes: 25, envelopeBudget: 2000, samples: 8, gifts: 8 };
const COUPON_FEN = 100, CAMPAIGN_BUDGET = 4000, DRAW_POINTS = 10, GIFT_POINTS = 100;
const ADDRESS = { name: '收件人', phone: '13900009999', province: '上海市', city: '上海市', district: '杨浦区', detail: '国权路 1 号' };

let s, T;
const staff = {};              // login → {token, store}
const members = [];            // {id, token, phone}
before(async () => {
  s = await startServer({ foreign: false });
  T = await s.login('admin');
  // ba001/ba002 at store 1, ba003 at store 2 (both stores serve both brands)
  for (const [login, store] of [['ba001', 1], ['ba002', 1], ['ba003', 2]]) staff[login] = { token: await s.login(login), store };
  for (let i = 0; i < MEMBERS; i++) {
    const m = await member(s, `1371234${String(1000 + i)}`);
    const a = await s.api('POST', `/api/members/${m.id}/points/adjust`, { token: T, body: { points: INITIAL_POINTS, reason: '不变量测试初始积分' } });
    assert.equal(a.status, 201, a.text);
    members.push(m);
  }
});
after(async () => { await s?.stop(); });

const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json; };

/** `huohua check --json` on a database: {code, report, stderr}. */
async function check(db) {
  try {
    return { code: 0, report: JSON.parse(await cli(['check', '--db', db, '--json'])) };
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    let report = null;
    try { report = JSON.parse(e.stdout); } catch { /* not JSON */ }
    return { code: e.code, report, stderr: e.stderr };
  }
}
const failedChecks = (c) => JSON.stringify(c.report?.checks?.filter((x) => !x.ok) ?? c.stderr);

/** Everything one round hands out, each small enough to run out under the load. */
async function setupRound(round) {
  const c = await liveCampaign(s, T, { name: `不变量 ${round}`, budget_fen: CAMPAIGN_BUDGET, free_draws_per_day: 100000, draw_points: DRAW_POINTS });
  const tpl = await couponTemplate(s, T, { campaign_id: c.id, name: `不变量券 ${round}`, value_fen: COUPON_FEN, quantity: STOCK.coupons, per_member_limit: null });
  const prizes = [];
  for (const [i, [name, fulfilment, weight]] of [['旅行套装', 'counter', 10], ['正装精华', 'mail', 10], ['小样礼盒', 'counter', 20]].entries())
    prizes.push(ok(await s.api('POST', `/api/campaigns/${c.id}/prizes`, { token: T, body: { name, stock: STOCK.prizes[i], weight, fulfilment } }), 201));
  ok(await s.api('PUT', `/api/campaigns/${c.id}/lottery-pool`, { token: T, body: { no_prize_weight: 40 } }));
  const pool = ok(await s.api('POST', '/api/envelope-pools', {
    token: T,
    body: { brand_id: 1, campaign_id: c.id, name: `不变量红包 ${round}`, mode: 'random', count_total: STOCK.envelopes, budget_fen: STOCK.envelopeBudget, min_fen: 10, per_member_limit: 1000 },
  }), 201);
  const offer = ok(await s.api('POST', '/api/sample-offers', { token: T, body: { brand_id: 1, campaign_id: c.id, name: `不变量试用装 ${round}`, stock: STOCK.samples } }), 201);
  const gift = ok(await s.api('POST', '/api/gifts', { token: T, body: { brand_id: 1, name: `不变量礼品 ${round}`, points: GIFT_POINTS, stock: STOCK.gifts } }), 201);
  return { c, tpl, prizes, pool, offer, gift };
}

/** What one member's loop was told, to compare with what the server has after the restart. */
function memberModel(m, balance) {
  return {
    m, balance,                 // balance: what the 2xx answers add up to
    maybe: null,                // {what, delta: [lo, hi]} the request whose answer the kill swallowed
    coupons: new Map(),         // id → {id, code, template_id, status, redemption, uncertain}
    redemptions: new Map(),     // id → {id, coupon, staff, undone, uncertain}
    draws: [],                  // {id, prize_id, roll, coupon_id}
    envelopes: [],              // {id, amount_fen}
    samples: new Map(),         // id → {id, status, uncertain}
    orders: new Map(),          // id → {id, points, status, uncertain}
    checkins: [],               // txn ids
  };
}

async function loadAndKill(round, R) {
  const url = s.url;
  const agent = new http.Agent({ keepAlive: true, maxSockets: MEMBERS * 3 });
  const stats = { ops: 0, acked: 0, http4xx: 0, net: 0, byKind: {}, races: 0, raceWins: 0 };
  const start = Date.now();
  let killed = false;
  const models = [];
  for (const m of members) models.push(memberModel(m, (ok(await s.api('GET', `/api/members/${m.id}/points`, { token: T }))).balance));
  const pick = (a) => a[Math.floor(Math.random() * a.length)];

  /** One request: the answer, or null when the connection failed (the server is gone). */
  async function send(kind, method, path, token, body) {
    stats.ops++;
    const k = (stats.byKind[kind] ??= { ops: 0, acked: 0 });
    k.ops++;
    let r;
    try {
      r = await request(url, method, path, { token, body, agent, timeout: 60_000 });
    } catch {
      stats.net++;
      return null;
    }
    if (r.status >= 500) throw new Error(`5xx under load: ${kind} ${method} ${path} → ${r.status} ${r.text}`);
    if (r.status >= 200 && r.status < 300) { stats.acked++; k.acked++; } else stats.http4xx++;
    return r;
  }

  async function loop(M) {
    const { m } = M;
    // on until the kill cuts a request off (or the hard stop)
    while (Date.now() - start < LOAD_MAX_MS) {
      const roll = Math.random();
      const issued = [...M.coupons.values()].filter((c) => c.status === 'issued' && !c.uncertain);
      const live = [...M.redemptions.values()].filter((x) => !x.undone && !x.uncertain);
      const openSample = [...M.samples.values()].find((x) => x.status === 'requested');
      const placed = [...M.orders.values()].filter((o) => o.status === 'placed' && !o.uncertain);
      let done = true; // false: the server is gone
      if (roll < 0.16) {
        const r = await send('coupon.claim', 'POST', '/api/member/coupons', m.token, { template_id: R.tpl.id });
        if (!r) done = false;
        else if (r.status === 201) {
          assert.equal(r.json.template_id, R.tpl.id);
          M.coupons.set(r.json.id, { id: r.json.id, code: r.json.code, template_id: R.tpl.id, status: 'issued', redemption: null });
        } else assert.equal(r.status, 422, `a refused claim (quantity, budget) is 422: ${r.text}`);
      } else if (roll < 0.32 && issued.length) {
        const c = pick(issued);
        // sometimes three counters race for the same coupon
        const who = Math.random() < 0.3 ? ['ba001', 'ba002', 'ba003'] : [pick(['ba001', 'ba002', 'ba003'])];
        const answers = await Promise.all(who.map((login) =>
          send('redeem', 'POST', '/api/counter/redemptions', staff[login].token, { code: c.code, method: 'coupon_code' })));
        const wins = answers.map((r, i) => [r, who[i]]).filter(([r]) => r?.status === 201);
        assert.ok(wins.length <= 1, `one coupon redeemed ${wins.length} times at once: ${wins.map(([r]) => r.text).join('\n')}`);
        if (who.length > 1) { stats.races++; stats.raceWins += wins.length; }
        for (const r of answers) if (r && r.status !== 201) assert.equal(r.status, 409, `a losing redemption is 409: ${r.text}`);
        if (wins.length) {
          const [r, login] = wins[0];
          assert.equal(r.json.coupon_id, c.id);
          c.status = 'redeemed';
          c.redemption = r.json.id;
          M.redemptions.set(r.json.id, { id: r.json.id, coupon: c.id, staff: login, undone: false });
        }
        if (answers.some((r) => !r)) { c.uncertain = true; done = false; }
      } else if (roll < 0.40 && live.length) {
        const x = pick(live);
        const r = await send('undo', 'POST', `/api/redemptions/${x.id}/undo`, staff[x.staff].token, { reason: '顾客改用其他券' });
        if (!r) { x.uncertain = true; M.coupons.get(x.coupon).uncertain = true; done = false; } else {
          assert.equal(r.status, 200, r.text);
          x.undone = true;
          const c = M.coupons.get(x.coupon);
          c.status = 'issued';
          c.redemption = null;
        }
      } else if (roll < 0.56) {
        const byPoints = Math.random() < 0.3;
        const r = await send(byPoints ? 'draw.points' : 'draw.free', 'POST', `/api/member/lottery/${R.c.id}/draws`, m.token, { entry: byPoints ? 'points' : 'free' });
        if (!r) { if (byPoints) M.maybe = { what: 'draw by points', delta: [-DRAW_POINTS, -DRAW_POINTS] }; done = false; } else if (r.status === 201) {
          const d = r.json;
          M.draws.push({ id: d.id, prize_id: d.prize?.id ?? null, roll: d.roll, coupon_id: d.coupon?.id ?? null });
          if (byPoints) M.balance -= DRAW_POINTS;
          // a prize to collect at a counter is a coupon like any other
          if (d.coupon) M.coupons.set(d.coupon.id, { id: d.coupon.id, code: d.coupon.code, template_id: null, won: true, status: 'issued', redemption: null });
        } else assert.ok(byPoints, `a free draw is always answered 201: ${r.text}`);
      } else if (roll < 0.66) {
        const r = await send('envelope.claim', 'POST', '/api/member/envelopes', m.token, { pool_id: R.pool.id });
        if (!r) done = false;
        else if (r.status === 201) M.envelopes.push({ id: r.json.id, amount_fen: r.json.amount_fen });
        else assert.equal(r.status, 422, r.text);
      } else if (roll < 0.76) {
        if (openSample && Math.random() < 0.5) {
          const r = await send('sample.cancel', 'POST', `/api/member/samples/${openSample.id}/cancel`, m.token);
          if (!r) { openSample.uncertain = true; done = false; } else { assert.equal(r.status, 200, r.text); openSample.status = 'cancelled'; }
        } else if (!openSample) {
          const r = await send('sample.request', 'POST', '/api/member/samples', m.token, { offer_id: R.offer.id, address: ADDRESS });
          if (!r) done = false;
          else if (r.status === 201) M.samples.set(r.json.id, { id: r.json.id, status: 'requested' });
          else assert.equal(r.status, 422, r.text);
        }
      } else if (roll < 0.90) {
        if (placed.length && Math.random() < 0.4) {
          const o = pick(placed);
          const r = await send('gift.cancel', 'POST', `/api/member/gift-orders/${o.id}/cancel`, m.token);
          if (!r) { o.uncertain = true; M.maybe = { what: 'gift cancel', delta: [o.points, o.points] }; done = false; } else {
            assert.equal(r.status, 200, r.text);
            o.status = 'cancelled';
            M.balance += o.points;
          }
        } else {
          const r = await send('gift.order', 'POST', '/api/member/gift-orders', m.token, { gift_id: R.gift.id, fulfilment: 'pickup', store_id: 1 });
          if (!r) { M.maybe = { what: 'gift order', delta: [-GIFT_POINTS, -GIFT_POINTS] }; done = false; } else if (r.status === 201) {
            assert.equal(r.json.points, GIFT_POINTS);
            M.orders.set(r.json.id, { id: r.json.id, points: r.json.points, status: 'placed' });
            M.balance -= r.json.points;
          } else assert.equal(r.status, 422, r.text);
        }
      } else {
        const r = await send('checkin', 'POST', '/api/member/points/checkin', m.token);
        if (!r) { M.maybe = { what: 'check-in', delta: [1, 1000] }; done = false; } else if (r.status === 201) {
          M.checkins.push(r.json.txn_id);
          M.balance += r.json.points;
        } else assert.equal(r.status, 409, r.text);
      }
      if (!done) {
        if (killed) return;
        throw new Error('a request failed before the server was killed');
      }
    }
  }

  const loops = models.map((M) => loop(M).catch((e) => { killed = true; throw e; }));
  // the kill: after enough answers, or after a while once a few came back
  for (;;) {
    const t = Date.now() - start;
    if (killed || stats.acked >= KILL_AT_ACKS || (t >= KILL_AFTER_MS && stats.acked >= 20) || t >= LOAD_MAX_MS) break;
    await sleep(20);
  }
  const beforeKill = stats.acked;
  killed = true;
  await s.kill9();
  await Promise.all(loops);
  agent.destroy();
  return { models, stats, beforeKill };
}

/** Every page of a list. */
async function all(path) {
  const items = [];
  for (let offset = 0; ; offset += 500) {
    const page = ok(await s.api('GET', `${path}${path.includes('?') ? '&' : '?'}limit=500&offset=${offset}`, { token: T }));
    items.push(...page.items);
    if (page.items.length < 500) return items;
  }
}

async function verifyRound(R, models) {
  let survived = 0; // 2xx answers found again: each one is counted once, by what it created or changed
  const seen = (cond, msg) => { assert.ok(cond, msg); survived++; };
  // ---- every 2xx answer is there, in the state the last answer said
  for (const M of models) {
    const id = M.m.id;
    const coupons = new Map((await all(`/api/coupons?member_id=${id}`)).map((c) => [c.id, c]));
    const redemptions = new Map((await all(`/api/redemptions?member_id=${id}`)).map((x) => [x.id, x]));
    for (const c of M.coupons.values()) {
      const got = coupons.get(c.id);
      // a claimed coupon is its claim's answer; a won one is counted with its draw
      (c.won ? assert.ok : seen)(got && got.code === c.code, `acknowledged coupon ${c.id} (${c.code}) of member ${id} exists: ${JSON.stringify(got)}`);
      if (c.template_id) assert.equal(got.template_id, c.template_id);
      if (c.uncertain) assert.ok(['issued', 'redeemed'].includes(got.status));
      else {
        assert.equal(got.status, c.status, `coupon ${c.id}: the last answer said ${c.status}`);
        assert.equal(got.redemption_id, c.redemption, `coupon ${c.id}: its live redemption`);
      }
    }
    for (const x of M.redemptions.values()) {
      const got = redemptions.get(x.id);
      seen(got && got.coupon_id === x.coupon, `acknowledged redemption ${x.id} exists`);
      if (!x.uncertain) assert.equal(got.undone_at !== null, x.undone, `redemption ${x.id}: undone ${x.undone}`);
      if (x.undone) seen(got.undone_at !== null, `acknowledged undo of redemption ${x.id}`);
    }
    const draws = new Map((await all(`/api/campaigns/${R.c.id}/draws?member_id=${id}`)).map((d) => [d.id, d]));
    for (const d of M.draws) {
      const got = draws.get(d.id);
      seen(got && got.roll === d.roll && (got.prize_id ?? null) === d.prize_id && (got.coupon_id ?? null) === d.coupon_id,
        `acknowledged draw ${d.id} exists with its prize and coupon: ${JSON.stringify(d)} vs ${JSON.stringify(got)}`);
    }
    const envelopes = new Map((await all(`/api/envelopes?member_id=${id}&pool_id=${R.pool.id}`)).map((e) => [e.id, e]));
    for (const e of M.envelopes) seen(envelopes.get(e.id)?.amount_fen === e.amount_fen, `acknowledged envelope ${e.id} exists`);
    const samples = new Map((await all(`/api/sample-requests?member_id=${id}&offer_id=${R.offer.id}`)).map((x) => [x.id, x]));
    for (const x of M.samples.values()) {
      const got = samples.get(x.id);
      seen(got, `acknowledged sample request ${x.id} exists`);
      if (!x.uncertain) assert.equal(got.status, x.status, `sample request ${x.id}`);
      if (x.status === 'cancelled') seen(got.status === 'cancelled', `acknowledged cancel of sample request ${x.id}`);
    }
    const orders = new Map((await all(`/api/gift-orders?member_id=${id}&gift_id=${R.gift.id}`)).map((o) => [o.id, o]));
    for (const o of M.orders.values()) {
      const got = orders.get(o.id);
      seen(got && got.points === o.points, `acknowledged gift order ${o.id} exists`);
      if (!o.uncertain) assert.equal(got.status, o.status, `gift order ${o.id}`);
      if (o.status === 'cancelled') seen(got.status === 'cancelled', `acknowledged cancel of gift order ${o.id}`);
    }
    for (const txn of M.checkins) {
      const got = ok(await s.api('GET', `/api/points/transactions/${txn}`, { token: T }));
      seen(got.source === 'checkin' && got.member_id === id && got.balanced, `acknowledged check-in ${txn} exists`);
    }
    // the balance is what the answers add up to, give or take the one request the kill cut off
    const balance = ok(await s.api('GET', `/api/members/${id}/points`, { token: T })).balance;
    const diff = balance - M.balance;
    assert.ok(diff === 0 || (M.maybe && diff >= M.maybe.delta[0] && diff <= M.maybe.delta[1]),
      `member ${id}: balance ${balance}, the answers say ${M.balance}${M.maybe ? ` (± ${M.maybe.what})` : ''}`);
  }

  // ---- nothing oversold: left + awarded = initial, for every kind
  const tpl = ok(await s.api('GET', `/api/coupon-templates/${R.tpl.id}`, { token: T }));
  const tplCoupons = await all(`/api/coupons?template_id=${R.tpl.id}`);
  assert.equal(tpl.quantity, STOCK.coupons);
  assert.equal(tpl.issued, tplCoupons.length, 'issued = coupons of the template');
  assert.equal(tpl.remaining + tpl.issued, STOCK.coupons, 'coupons left + issued = quantity');
  assert.ok(tpl.remaining >= 0);
  const draws = await all(`/api/campaigns/${R.c.id}/draws`);
  const pool = ok(await s.api('GET', `/api/campaigns/${R.c.id}/prizes`, { token: T }));
  for (const [i, p] of R.prizes.entries()) {
    const now = pool.items.find((x) => x.id === p.id);
    const won = draws.filter((d) => d.prize_id === p.id);
    assert.equal(now.stock, STOCK.prizes[i]);
    assert.ok(now.remaining >= 0);
    assert.equal(now.remaining + won.length, STOCK.prizes[i], `prize ${p.name}: left ${now.remaining} + won ${won.length} = stock`);
    // every counter prize won is a coupon, each redeemed at most once (checked below)
    if (p.fulfilment === 'counter') assert.ok(won.every((d) => d.coupon_id), 'every counter win has its coupon');
  }
  const envPool = ok(await s.api('GET', `/api/envelope-pools/${R.pool.id}`, { token: T }));
  const envs = await all(`/api/envelopes?pool_id=${R.pool.id}`);
  const envFen = envs.reduce((a, e) => a + e.amount_fen, 0);
  assert.equal(envPool.remaining_fen + envFen, STOCK.envelopeBudget, 'pool: money left + granted = budget');
  assert.equal(envPool.count_remaining + envs.length, STOCK.envelopes, 'pool: envelopes left + granted = count');
  assert.ok(envPool.remaining_fen >= 0 && envPool.count_remaining >= 0);
  const offer = ok(await s.api('GET', `/api/sample-offers/${R.offer.id}`, { token: T }));
  const requests = await all(`/api/sample-requests?offer_id=${R.offer.id}`);
  const liveRequests = requests.filter((x) => x.status !== 'cancelled').length;
  assert.equal(offer.remaining + liveRequests, STOCK.samples, `samples: left ${offer.remaining} + requested ${liveRequests} = stock`);
  assert.ok(offer.remaining >= 0);
  const gift = ok(await s.api('GET', `/api/gifts/${R.gift.id}`, { token: T }));
  const orders = await all(`/api/gift-orders?gift_id=${R.gift.id}`);
  const ordered = orders.filter((o) => o.status !== 'cancelled').reduce((a, o) => a + o.quantity, 0);
  assert.equal(gift.remaining + ordered, STOCK.gifts, `gift: left ${gift.remaining} + ordered ${ordered} = stock`);
  assert.ok(gift.remaining >= 0);
  // the campaign: what its coupons and envelopes cost, within the budget; one use per claim, draw and request
  const c = ok(await s.api('GET', `/api/campaigns/${R.c.id}`, { token: T }));
  assert.equal(c.spent_fen, tplCoupons.length * COUPON_FEN + envFen, 'spent = coupons claimed + envelopes granted');
  assert.ok(c.spent_fen <= CAMPAIGN_BUDGET, `spent ${c.spent_fen} within the budget ${CAMPAIGN_BUDGET}`);
  assert.equal(c.used_count, tplCoupons.length + envs.length + draws.length + requests.length, 'one use per claim, envelope, draw and request');

  // ---- a coupon (claimed or won) has at most one live redemption
  const reds = await all(`/api/redemptions?campaign_id=${R.c.id}`);
  const liveBy = new Map();
  for (const x of reds) if (!x.undone_at) liveBy.set(x.coupon_id, (liveBy.get(x.coupon_id) ?? 0) + 1);
  for (const [coupon, n] of liveBy) assert.equal(n, 1, `coupon ${coupon} has ${n} live redemptions`);

  // ---- every draw replays from the seed
  const { stdout } = await execFileP(BIN, ['lottery', 'verify', String(R.c.id), '--db', s.db]).catch((e) => assert.fail(`huohua lottery verify: ${e.stdout}${e.stderr}`));
  assert.ok(stdout.length > 0);
  return {
    survived, coupons: tplCoupons.length, draws: draws.length, won: draws.filter((d) => d.prize_id).length,
    envelopes: envs.length, samples: liveRequests, gifts: ordered, redemptions: reds.length, spent: c.spent_fen,
  };
}

for (const round of [1, 2]) {
  test(`kill -9 under a mixed reward and points load, round ${round}: answers survive, nothing oversold, huohua check clean`, { timeout: 120_000 }, async (t) => {
    const R = await setupRound(round);
    const { models, stats, beforeKill } = await loadAndKill(round, R);
    t.diagnostic(`${stats.ops} requests, ${stats.acked} answered 2xx (${beforeKill} before the kill), ${stats.http4xx} 4xx, ${stats.net} cut off; ` +
      `${stats.races} three-counter races, ${stats.raceWins} won; by kind ${JSON.stringify(stats.byKind)}`);
    assert.ok(beforeKill > 0, 'writes were answered before the kill');
    // the database exactly as the kill left it
    const cold = await check(s.db);
    assert.equal(cold.code, 0, `huohua check after kill -9: ${failedChecks(cold)}`);
    await s.restart();
    T = await s.login('admin');
    for (const login of Object.keys(staff)) staff[login].token = await s.login(login);
    const figures = await verifyRound(R, models);
    t.diagnostic(`survived: ${figures.survived} of ${stats.acked} answers 2xx; now ${JSON.stringify(figures)}`);
    assert.equal(figures.survived, stats.acked, 'every answer 2xx was found again');
    const warm = await check(s.db);
    assert.equal(warm.code, 0, `huohua check after the restart: ${failedChecks(warm)}`);
    for (const name of ['gifts.stock', 'gifts.order_points', 'lottery.prize_stock', 'envelopes.pool_budget', 'samples.offer_stock', 'coupons.redeemed_once'])
      assert.ok(warm.report.checks.find((x) => x.name === name).checked > 0, `${name} looked at something`);
    // the restarted server hands out again (and refuses what is gone)
    const d = await s.api('POST', `/api/member/lottery/${R.c.id}/draws`, { token: members[0].token, body: { entry: 'free' } });
    assert.equal(d.status, 201, d.text);
  });
}

test("a gift order's points spend is not reversed behind the order: cancelling it returns points and stock", async () => {
  const m = await member(s, '13712349999');
  ok(await s.api('POST', `/api/members/${m.id}/points/adjust`, { token: T, body: { points: 500, reason: '兑礼' } }), 201);
  const gift = ok(await s.api('POST', '/api/gifts', { token: T, body: { brand_id: 1, name: '冲正测试礼品', points: 200, stock: 2 } }), 201);
  const o = ok(await s.api('POST', '/api/member/gift-orders', { token: m.token, body: { gift_id: gift.id, fulfilment: 'pickup', store_id: 1 } }), 201);
  const rev = await s.api('POST', `/api/points/transactions/${o.spend_txn_id}/reverse`, { token: T, body: { reason: '误操作' } });
  assert.equal(rev.status, 422, rev.text);
  assert.equal(rev.json.error.field, 'id');
  assert.match(rev.json.error.message, /取消礼品订单/);
  const c = ok(await s.api('POST', `/api/member/gift-orders/${o.id}/cancel`, { token: m.token }));
  assert.equal(c.status, 'cancelled');
  assert.ok(c.refund_txn_id > 0);
  assert.equal(ok(await s.api('GET', `/api/gifts/${gift.id}`, { token: T })).remaining, 2);
  const bal = ok(await s.api('GET', `/api/members/${m.id}/points`, { token: T })).balance;
  assert.equal(bal, ok(await s.api('GET', '/api/member/points', { token: m.token })).balance);
  const c2 = await check(s.db);
  assert.equal(c2.code, 0, failedChecks(c2));
});
