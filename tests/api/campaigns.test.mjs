// campaigns.test.mjs — campaigns (SPEC §3.4): create, edit by status, publish /
// pause / resume / end, status_now following the clock, the seed commitment
// (seed revealed only once ended), scope (brand managers and their brands,
// staff read only), bad input; and campaign admission through a grant path is
// exercised by the modules that grant (coupons, lottery, envelopes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer, errorTable, expectError, sqlite } from '../lib/server.mjs';
import { liveCampaign, MIN, DAY } from '../lib/rewards.mjs';

let s, T, tok;
before(async () => {
  s = await startServer();
  T = await s.token('admin');
  tok = { lumina: await s.token('lumina.mgr'), qinghe: await s.token('qinghe.mgr'), ba001: await s.token('ba001') };
});
after(async () => { await s?.stop(); });

const now = () => Date.now();
const create = (body, token = T) => s.api('POST', '/api/campaigns', { token, body });

test('create a draft: defaults, limits, commitment hidden until published', async () => {
  const r = await create({
    brand_id: 1, name: '双十一回店礼', description: '到柜领取', starts_at: now() + DAY, ends_at: now() + 10 * DAY,
    budget_fen: 500000, per_member_total: 3, per_member_daily: 1, per_store_limit: 100, global_limit: 1000,
    free_draws_per_day: 1,
  });
  assert.equal(r.status, 201, r.text);
  const c = r.json;
  assert.equal(c.status, 'draft');
  assert.equal(c.status_now, 'draft');
  assert.match(c.brand_name, /Lumina/);
  assert.equal(c.budget_fen, 500000);
  assert.equal(c.per_member_daily, 1);
  assert.equal(c.used_count, 0);
  assert.equal(c.spent_fen, 0);
  assert.deepEqual(c.target_tag_ids, []);
  assert.equal(c.seed, undefined, 'the seed is secret');
  assert.equal(c.seed_commitment, undefined, 'a draft publishes nothing');
  const p = await s.api('POST', `/api/campaigns/${c.id}/publish`, { token: T });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.status, 'scheduled');
  assert.equal(p.json.status_now, 'scheduled', 'starts tomorrow');
  assert.match(p.json.seed_commitment, /^[0-9a-f]{64}$/);
  assert.equal(p.json.seed, undefined);
  // audited
  const a = await s.api('GET', `/api/audit?entity=campaign&entity_id=${c.id}`, { token: T });
  assert.deepEqual(a.json.items.map((x) => x.action).sort(), ['campaign.create', 'campaign.publish']);
});

test('live → paused → live → ended; the seed is revealed at the end and matches the commitment', async () => {
  const c = await liveCampaign(s, T);
  assert.equal(c.status_now, 'live');
  const commitment = c.seed_commitment;
  const pause = await s.api('POST', `/api/campaigns/${c.id}/pause`, { token: T });
  assert.equal(pause.json.status_now, 'paused');
  await expectError(await s.api('POST', `/api/campaigns/${c.id}/pause`, { token: T }), 409, 'status');
  await expectError(await s.api('POST', `/api/campaigns/${c.id}/publish`, { token: T }), 409, 'status');
  const resume = await s.api('POST', `/api/campaigns/${c.id}/resume`, { token: T });
  assert.equal(resume.json.status_now, 'live');
  const end = await s.api('POST', `/api/campaigns/${c.id}/end`, { token: T });
  assert.equal(end.status, 200, end.text);
  assert.equal(end.json.status_now, 'ended');
  assert.ok(end.json.ends_at <= Date.now());
  assert.match(end.json.seed, /^[0-9a-f]{64}$/);
  assert.equal(createHash('sha256').update(end.json.seed).digest('hex'), commitment);
  await expectError(await s.api('POST', `/api/campaigns/${c.id}/end`, { token: T }), 409, 'status');
  await expectError(await s.api('PATCH', `/api/campaigns/${c.id}`, { token: T, body: { name: 'x' } }), 409, 'status');
  // analytics events for each step
  const ev = await sqlite(s, `SELECT kind FROM events WHERE campaign_id = ${c.id} ORDER BY id`);
  assert.deepEqual(ev.trim().split('\n'), ['campaign.publish', 'campaign.pause', 'campaign.resume', 'campaign.end']);
});

test('a campaign whose window has passed reads as ended without any action', async () => {
  const c = await liveCampaign(s, T, { starts_at: now() - 2 * MIN, ends_at: now() + 1500 });
  assert.equal(c.status_now, 'live');
  await new Promise((r) => setTimeout(r, 1700));
  const g = await s.api('GET', `/api/campaigns/${c.id}`, { token: T });
  assert.equal(g.json.status_now, 'ended');
  assert.match(g.json.seed, /^[0-9a-f]{64}$/);
  const list = await s.api('GET', '/api/campaigns?status=ended', { token: T });
  assert.ok(list.json.items.some((x) => x.id === c.id));
  const live = await s.api('GET', '/api/campaigns?status=live', { token: T });
  assert.ok(!live.json.items.some((x) => x.id === c.id));
});

test('what may change depends on the status', async () => {
  const c = await liveCampaign(s, T, { budget_fen: 10000, global_limit: 50 });
  // running: start, target tags and brand are fixed; end only in the future
  await expectError(await s.api('PATCH', `/api/campaigns/${c.id}`, { token: T, body: { starts_at: now() } }), 409, 'starts_at');
  await expectError(await s.api('PATCH', `/api/campaigns/${c.id}`, { token: T, body: { brand_id: 2 } }), 409, 'brand_id');
  await expectError(await s.api('PATCH', `/api/campaigns/${c.id}`, { token: T, body: { target_tag_ids: [] } }), 409, 'target_tag_ids');
  await expectError(await s.api('PATCH', `/api/campaigns/${c.id}`, { token: T, body: { ends_at: now() - 1000 } }), 400, 'ends_at');
  const ok = await s.api('PATCH', `/api/campaigns/${c.id}`, {
    token: T, body: { name: '延长', ends_at: now() + 5 * DAY, budget_fen: 20000, per_member_daily: null, description: '新说明' },
  });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.name, '延长');
  assert.equal(ok.json.budget_fen, 20000);
  assert.ok(ok.json.per_member_daily == null, 'cleared with null');
  // a draft: everything, including the brand
  const d = await create({ brand_id: 1, name: '草稿', starts_at: now() + DAY, ends_at: now() + 2 * DAY });
  const moved = await s.api('PATCH', `/api/campaigns/${d.json.id}`, { token: T, body: { brand_id: 2, budget_fen: null } });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.brand_id, 2);
  // a limit can be cleared with null
  const lim = await s.api('PATCH', `/api/campaigns/${d.json.id}`, { token: T, body: { global_limit: 5 } });
  assert.equal(lim.json.global_limit, 5);
  const cleared = await s.api('PATCH', `/api/campaigns/${d.json.id}`, { token: T, body: { global_limit: null } });
  assert.equal(cleared.status, 200, cleared.text);
  assert.ok(cleared.json.global_limit == null);
});

test('target tags must be the enterprise\'s', async () => {
  const tag = await s.api('POST', '/api/tags', { token: T, body: { name: '高价值', kind: 'manual' } });
  assert.equal(tag.status, 201, tag.text);
  const r = await create({ brand_id: 1, name: '定向', starts_at: now(), ends_at: now() + DAY, target_tag_ids: [tag.json.id] });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.target_tag_ids, [tag.json.id]);
  await expectError(await create({ brand_id: 1, name: '定向', starts_at: now(), ends_at: now() + DAY, target_tag_ids: [999999] }), 400, 'target_tag_ids');
});

test('scope: brand managers run their brands\' campaigns; staff read their brands\'; foreign tenants see nothing', async () => {
  const mine = await create({ brand_id: 1, name: 'Lumina 活动', starts_at: now(), ends_at: now() + DAY }, tok.lumina);
  assert.equal(mine.status, 201, mine.text);
  await expectError(await create({ brand_id: 2, name: 'x', starts_at: now(), ends_at: now() + DAY }, tok.lumina), 403, 'brand_id');
  await expectError(await s.api('PATCH', `/api/campaigns/${mine.json.id}`, { token: tok.qinghe, body: { name: 'x' } }), 403);
  await expectError(await s.api('GET', `/api/campaigns/${mine.json.id}`, { token: tok.qinghe }), 403);
  const q = await s.api('GET', '/api/campaigns', { token: tok.qinghe });
  assert.ok(q.json.items.every((c) => c.brand_id === 2));
  // staff of store 1 (serves both brands) read, never write
  const staffRead = await s.api('GET', `/api/campaigns/${mine.json.id}`, { token: tok.ba001 });
  assert.equal(staffRead.status, 200);
  await expectError(await create({ brand_id: 1, name: 'x', starts_at: now(), ends_at: now() + DAY }, tok.ba001), 403);
  await expectError(await s.api('POST', `/api/campaigns/${mine.json.id}/end`, { token: tok.ba001 }), 403);
  // foreign tenant
  const F = s.foreign;
  await expectError(await s.api('GET', `/api/campaigns/${mine.json.id}`, { token: F.token }), 404, 'id');
  await expectError(await s.api('POST', `/api/campaigns/${mine.json.id}/pause`, { token: F.token }), 404, 'id');
  await expectError(await create({ brand_id: 1, name: 'x', starts_at: now(), ends_at: now() + DAY }, F.token), 400, 'brand_id');
  const fl = await s.api('GET', '/api/campaigns', { token: F.token });
  assert.equal(fl.json.total, 0);
});

test('bad input', async (t) => {
  const c = await create({ brand_id: 1, name: '坏输入', starts_at: now(), ends_at: now() + DAY });
  const id = c.json.id;
  const ok = { brand_id: 1, name: 'x', starts_at: now(), ends_at: now() + DAY };
  await errorTable(t, s, T, [
    ['malformed JSON', 'POST', '/api/campaigns', '{"brand_id":', 400],
    ['not an object', 'POST', '/api/campaigns', '[1]', 400],
    ['missing name', 'POST', '/api/campaigns', { ...ok, name: undefined }, 400, 'name'],
    ['empty name', 'POST', '/api/campaigns', { ...ok, name: '' }, 400, 'name'],
    ['name too long', 'POST', '/api/campaigns', { ...ok, name: 'x'.repeat(101) }, 400, 'name'],
    ['brand as string', 'POST', '/api/campaigns', { ...ok, brand_id: '1' }, 400, 'brand_id'],
    ['unknown brand', 'POST', '/api/campaigns', { ...ok, brand_id: 99999 }, 400, 'brand_id'],
    ['missing starts_at', 'POST', '/api/campaigns', { ...ok, starts_at: undefined }, 400, 'starts_at'],
    ['end before start', 'POST', '/api/campaigns', { ...ok, ends_at: ok.starts_at - 1 }, 400, 'ends_at'],
    ['end in the past', 'POST', '/api/campaigns', { ...ok, starts_at: now() - 2 * DAY, ends_at: now() - DAY }, 400, 'ends_at'],
    ['negative budget', 'POST', '/api/campaigns', { ...ok, budget_fen: -1 }, 400, 'budget_fen'],
    ['zero per-member limit', 'POST', '/api/campaigns', { ...ok, per_member_total: 0 }, 400, 'per_member_total'],
    ['fractional daily limit', 'POST', '/api/campaigns', { ...ok, per_member_daily: 1.5 }, 400, 'per_member_daily'],
    ['free draws null', 'POST', '/api/campaigns', { ...ok, free_draws_per_day: null }, 400, 'free_draws_per_day'],
    ['tags not a list', 'POST', '/api/campaigns', { ...ok, target_tag_ids: 5 }, 400, 'target_tag_ids'],
    ['unknown field', 'POST', '/api/campaigns', { ...ok, colour: 'red' }, 400, 'colour'],
    ['empty patch', 'PATCH', `/api/campaigns/${id}`, {}, 400],
    ['patch end before start', 'PATCH', `/api/campaigns/${id}`, { ends_at: 1 }, 400, 'ends_at'],
    ['unknown id', 'GET', '/api/campaigns/999999', undefined, 404, 'id'],
    ['unknown id action', 'POST', '/api/campaigns/999999/publish', undefined, 404, 'id'],
    ['bad id', 'GET', '/api/campaigns/abc', undefined, 404],
    ['bad status filter', 'GET', '/api/campaigns?status=running', undefined, 400, 'status'],
    ['bad brand filter', 'GET', '/api/campaigns?brand_id=x', undefined, 400, 'brand_id'],
    ['no session', 'GET', '/api/campaigns', undefined, 401, undefined, { token: null }],
  ]);
});

test('publishing a campaign whose end has passed is refused', async () => {
  const c = await create({ brand_id: 1, name: '过期', starts_at: now() - 2 * MIN, ends_at: now() + 800 });
  await new Promise((r) => setTimeout(r, 1000));
  await expectError(await s.api('POST', `/api/campaigns/${c.json.id}/publish`, { token: T }), 422, 'ends_at');
});
