// lottery_cache.test.mjs — the writer keeps each campaign's row (admission) and
// its prize pool (draws) in memory between writes (src/reward/grant.c,
// src/reward/lottery_core.c, hh_db_version in src/store/store.h). Every change
// must show in the very next draw: campaign edits (free draws, limits, pause),
// prize stock and names, a write by another process straight into the
// database, refused draws rolled back in the middle of a batch of concurrent
// ones — and `huohua lottery verify` must replay every draw afterwards. Also:
// a member's all-time limit adds up the uses of every day (campaign_usage keeps
// members' uses per day only).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, expectError, sqlite, BIN } from '../lib/server.mjs';
import { liveCampaign, member } from '../lib/rewards.mjs';

const execFileP = promisify(execFile);
let s, T, m1, m2;
before(async () => {
  s = await startServer();
  T = await s.token('admin');
  m1 = await member(s, '13900003001');
  m2 = await member(s, '13900003002');
});
after(async () => { await s?.stop(); });

const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json; };
const draw = (cid, m) => s.api('POST', `/api/member/lottery/${cid}/draws`, { token: m.token, body: { entry: 'free' } });
const prize = (cid, body) => s.api('POST', `/api/campaigns/${cid}/prizes`, { token: T, body });
const patch = (cid, body) => s.api('PATCH', `/api/campaigns/${cid}`, { token: T, body });
const noPrize = (cid, w) => s.api('PUT', `/api/campaigns/${cid}/lottery-pool`, { token: T, body: { no_prize_weight: w } });
async function verified(cid) {
  const { stdout } = await execFileP(BIN, ['lottery', 'verify', String(cid), '--db', s.db]);
  assert.match(stdout, /OK: every draw matches the seed/);
}

test('campaign edits count from the next draw: free draws per day, the daily limit, pause and resume', async () => {
  const c = await liveCampaign(s, T, { free_draws_per_day: 5 });
  ok(await prize(c.id, { name: '好礼', stock: 100, weight: 1, fulfilment: 'mail' }), 201);
  ok(await noPrize(c.id, 1));
  assert.equal(ok(await draw(c.id, m1), 201).free_left_today, 4);
  assert.equal(ok(await draw(c.id, m1), 201).free_left_today, 3);
  ok(await patch(c.id, { free_draws_per_day: 2 }));
  await expectError(await draw(c.id, m1), 422, 'entry');
  ok(await patch(c.id, { free_draws_per_day: 4 }));
  assert.equal(ok(await draw(c.id, m1), 201).free_left_today, 1);
  // a daily limit set now counts the three draws already made today
  ok(await patch(c.id, { per_member_daily: 3 }));
  await expectError(await draw(c.id, m1), 422, 'limit');
  ok(await s.api('POST', `/api/campaigns/${c.id}/pause`, { token: T }));
  await expectError(await draw(c.id, m2), 422, 'campaign_id');
  ok(await s.api('POST', `/api/campaigns/${c.id}/resume`, { token: T }));
  ok(await draw(c.id, m2), 201);
  ok(await patch(c.id, { per_member_daily: null, global_limit: 5 }));
  ok(await draw(c.id, m1), 201);
  await expectError(await draw(c.id, m2), 422, 'limit'); // the campaign's 5 uses are taken
  await verified(c.id);
});

test('prize stock and names: a prize that runs out leaves the pool, added stock and a new name show at once', async () => {
  const c = await liveCampaign(s, T, { free_draws_per_day: 20 });
  const a = ok(await prize(c.id, { name: '徽章', stock: 2, weight: 1, fulfilment: 'mail' }), 201);
  ok(await noPrize(c.id, 0));
  assert.equal(ok(await draw(c.id, m1), 201).prize.id, a.id);
  assert.equal(ok(await draw(c.id, m1), 201).prize.id, a.id);
  assert.equal(ok(await draw(c.id, m1), 201).prize, null, 'out of stock: nothing left to win');
  ok(await s.api('PATCH', `/api/prizes/${a.id}`, { token: T, body: { stock: 3, name: '新徽章' } }));
  const won = ok(await draw(c.id, m1), 201);
  assert.equal(won.prize.id, a.id);
  assert.equal(won.prize.name, '新徽章');
  assert.equal(ok(await draw(c.id, m1), 201).prize, null);
  const p = ok(await s.api('GET', `/api/prizes/${a.id}`, { token: T }));
  assert.equal(p.remaining, 0);
  assert.equal(p.won, 3);
  await verified(c.id);
});

test('a write by another process (straight into the database) is seen by the next draw', async () => {
  const c = await liveCampaign(s, T, { free_draws_per_day: 20 });
  ok(await prize(c.id, { name: '杯子', stock: 50, weight: 1, fulfilment: 'mail' }), 201);
  ok(await noPrize(c.id, 0));
  ok(await draw(c.id, m1), 201);
  await sqlite(s, `UPDATE campaigns SET status = 'paused' WHERE id = ${c.id}`);
  await expectError(await draw(c.id, m1), 422, 'campaign_id');
  await sqlite(s, `UPDATE campaigns SET status = 'live' WHERE id = ${c.id}`);
  await sqlite(s, `UPDATE lottery_prizes SET name = '马克杯' WHERE campaign_id = ${c.id}`);
  assert.equal(ok(await draw(c.id, m1), 201).prize.name, '马克杯');
  await verified(c.id);
});

test('refused draws in the middle of concurrent batches: exact free draws, exact stock, every draw replayable', async () => {
  const c = await liveCampaign(s, T, { free_draws_per_day: 3 });
  const a = ok(await prize(c.id, { name: '限量', stock: 5, weight: 1, fulfilment: 'mail' }), 201);
  ok(await noPrize(c.id, 1));
  const members = [];
  for (let i = 0; i < 4; i++) members.push(await member(s, `139000031${String(i).padStart(2, '0')}`));
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => draw(c.id, members[i % 4])));
  const good = answers.filter((r) => r.status === 201);
  assert.equal(good.length, 12, 'three free draws for each of the four members');
  for (const r of answers.filter((x) => x.status !== 201)) {
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.field, 'entry');
  }
  const wins = good.filter((r) => r.json.prize).length;
  assert.ok(wins <= 5, 'never more wins than stock');
  const p = ok(await s.api('GET', `/api/prizes/${a.id}`, { token: T }));
  assert.equal(p.won, wins);
  assert.equal(p.remaining, 5 - wins);
  // draws go on normally after the refusals
  ok(await patch(c.id, { free_draws_per_day: 4 }));
  ok(await draw(c.id, members[0]), 201);
  await verified(c.id);
});

test('a member\'s all-time limit counts the uses of every day (usage is kept per day)', async () => {
  const c = await liveCampaign(s, T, { free_draws_per_day: 10, per_member_total: 3 });
  ok(await prize(c.id, { name: '好礼', stock: 100, weight: 1, fulfilment: 'mail' }), 201);
  ok(await noPrize(c.id, 1));
  // two uses on an earlier day
  await sqlite(s, `INSERT INTO campaign_usage (campaign_id, scope, subject_id, day, n) VALUES (${c.id}, 'member', ${m2.id}, '2020-01-01', 2)`);
  ok(await draw(c.id, m2), 201);
  await expectError(await draw(c.id, m2), 422, 'limit');
  ok(await draw(c.id, m1), 201);
  await verified(c.id);
});
