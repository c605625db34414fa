// crash.test.mjs — Invariant 4: a write answered 2xx survives kill -9.
//
// ~32 client loops create brands with unique codes for up to ~3 s; the server
// is killed with SIGKILL in the middle of the load; every acknowledged brand
// must exist after a restart on the same database. Twice: with the log fsynced
// inside each commit (--sync inline, the default), then by the completion
// thread (--sync apart). Then 30 connections
// race to create stores with one counter code: exactly one 201, the rest 409.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, request, sleep, uniq } from '../lib/server.mjs';

const LOOPS = 32;
const MAX_PER_LOOP = 400;      // bounded in count …
const LOAD_MS = 3000;          // … and in time
const KILL_AFTER_MS = 1500;

let s;
before(async () => { s = await startServer({ foreign: false }); });
after(async () => { await s?.stop(); });

async function loadAndKill(round) {
  const token = await s.login('admin');
  const url = s.url;
  const agent = new http.Agent({ keepAlive: true, maxSockets: LOOPS });
  const acked = [];          // {id, code}
  const outcomes = { ok: 0, http: 0, net: 0 };
  const start = Date.now();
  let killed = false;
  async function loop(n) {
    for (let i = 0; i < MAX_PER_LOOP && Date.now() - start < LOAD_MS; i++) {
      const code = `R${round}L${n}N${i}${uniq('')}`;
      let r;
      try {
        r = await request(url, 'POST', '/api/brands', { token, body: { name: `崩溃测试 ${round}-${n}-${i}`, code }, agent, timeout: 5000 });
      } catch {
        outcomes.net++;
        if (killed) return; // the server is gone: this loop is done
        await sleep(5);
        continue;
      }
      if (r.status >= 200 && r.status < 300) {
        if (r.json?.code !== code) throw new Error(`2xx answer is not the created brand: ${r.text}`);
        acked.push({ id: r.json.id, code });
        outcomes.ok++;
      } else {
        outcomes.http++;
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

for (const [round, sync] of [[1, 'inline'], [2, 'apart']]) {
  test(`kill -9 under load, round ${round} (--sync ${sync}): every acknowledged brand survives`, { timeout: 60_000 }, async (t) => {
    if (sync !== 'inline') {
      s.env.HUOHUA_SYNC = sync; // the server's environment on every (re)launch from now on
      await s.restart();
    }
    const { acked, outcomes, beforeKill } = await loadAndKill(round);
    t.diagnostic(`acknowledged ${acked.length} (${beforeKill} before the kill), outcomes ${JSON.stringify(outcomes)}`);
    assert.ok(beforeKill > 0, `writes were acknowledged before the kill (${JSON.stringify(outcomes)})`);
    assert.ok(outcomes.net > 0 || acked.length > 0, 'the kill happened during the load');
    await s.restart();
    assert.ok(await s.healthy(), 'the server comes back on the same database');
    const token = await s.login('admin');
    // every acknowledged id exists with its code (one listing, then a few direct reads)
    const all = new Map();
    for (let offset = 0; ; offset += 500) {
      const page = await s.api('GET', `/api/brands?include_archived=1&limit=500&offset=${offset}`, { token });
      assert.equal(page.status, 200);
      for (const b of page.json.items) all.set(b.id, b.code);
      if (page.json.items.length < 500) break;
    }
    const lost = acked.filter((a) => all.get(a.id) !== a.code);
    assert.deepEqual(lost.slice(0, 10), [], `${lost.length} of ${acked.length} acknowledged brands lost after kill -9`);
    for (const a of acked.slice(-5)) {
      const r = await s.api('GET', `/api/brands/${a.id}`, { token });
      assert.equal(r.status, 200);
      assert.equal(r.json.code, a.code);
    }
    // each acknowledged brand was audited in the same transaction
    const audit = await s.api('GET', `/api/audit?entity=brand&entity_id=${acked[acked.length - 1].id}`, { token });
    assert.equal(audit.json.total, 1);
    // codes are unique: no acknowledged code appears twice
    const codes = [...all.values()];
    assert.equal(new Set(codes).size, codes.length);
    // and the restarted server takes writes again
    const w = await s.api('POST', '/api/brands', { token, body: { name: 'after restart', code: uniq('AR') } });
    assert.equal(w.status, 201, w.text);
    // apart, the completion thread fsynced the log before that answer
    const m = await s.api('GET', '/metrics');
    const syncs = Number((m.text.match(/^huohua_store_syncs_total (\d+)$/m) || [])[1]);
    if (sync === 'apart') assert.ok(syncs >= 1, `huohua_store_syncs_total ${syncs}`);
    else assert.equal(syncs, 0, 'inline: each COMMIT fsyncs, no separate syncs');
    // from then on every commit's truncation of the writer's page cache is
    // limited to the pages above the database's size (store/pcache.c): none
    // walks the whole cache
    const trunc = (text, how) =>
      Number((text.match(new RegExp(`^huohua_store_cache_truncations_total\\{how="${how}"\\} (\\d+)$`, 'm')) || [])[1]);
    for (let i = 0; i < 20; i++) {
      const r = await s.api('POST', '/api/brands', { token, body: { name: `after restart ${i}`, code: uniq('AR') } });
      assert.equal(r.status, 201, r.text);
    }
    const m2 = await s.api('GET', '/metrics');
    assert.ok(trunc(m2.text, 'bounded') - trunc(m.text, 'bounded') >= 20, 'a bounded truncation per commit');
    assert.equal(trunc(m2.text, 'walk'), trunc(m.text, 'walk'), 'no truncation walked a cache');
  });
}

test('30 connections race for one counter code: exactly one 201, the rest 409', { timeout: 30_000 }, async () => {
  const token = await s.login('admin');
  const agent = new http.Agent({ keepAlive: false, maxSockets: 30 });
  const counter = uniq('RACE');
  const body = (i) => ({ name: `抢注门店 ${i}`, retailer: '竞速', city_code: '310100', counter_code: counter, brand_ids: [1] });
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => request(s.url, 'POST', '/api/stores', { token, body: body(i), agent })));
  agent.destroy();
  const by = {};
  for (const r of answers) by[r.status] = (by[r.status] || 0) + 1;
  assert.deepEqual(by, { 201: 1, 409: 29 }, `statuses: ${JSON.stringify(by)}`);
  for (const r of answers.filter((x) => x.status === 409)) {
    assert.equal(r.json.error.code, 'conflict');
    assert.equal(r.json.error.field, 'counter_code');
  }
  const list = await s.api('GET', `/api/stores?q=${counter}&include_archived=1`, { token });
  assert.equal(list.json.total, 1, 'one store with the code');
  // and the same race for staff employee numbers
  const no = uniq('EMP');
  const agent2 = new http.Agent({ keepAlive: false, maxSockets: 30 });
  const staffAnswers = await Promise.all(Array.from({ length: 30 }, (_, i) => request(s.url, 'POST', '/api/staff', { token, body: { name: `抢工号 ${i}`, store_id: 1, employee_no: no }, agent: agent2 })));
  agent2.destroy();
  const by2 = {};
  for (const r of staffAnswers) by2[r.status] = (by2[r.status] || 0) + 1;
  assert.deepEqual(by2, { 201: 1, 409: 29 }, `statuses: ${JSON.stringify(by2)}`);
  assert.equal((await s.api('GET', `/api/staff?q=${no}`, { token })).json.total, 1);
});
