// bench_members.test.mjs — `huohua bench-members N` (src/cli/bench.c), the
// load-test helper of bench/lottery.sh: N members, each with a working member
// session; existing members are reused; bad arguments exit 2.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, cli, startServer, waitForBinary } from '../lib/server.mjs';

function run(args) {
  return new Promise((resolve) => {
    execFile(BIN, args, { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'hh-bench-members-'));
let s;
after(async () => {
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('bench-members prints one working member session per member', async () => {
  await waitForBinary();
  const db = join(dir, 'h.db');
  await cli(['demo', '--db', db, '--quiet']);
  const lines = (await cli(['bench-members', '25', '--db', db])).trim().split('\n');
  assert.equal(lines.length, 25);
  const rows = lines.map((l) => l.split(' '));
  for (const [id, token] of rows) {
    assert.match(id, /^\d+$/);
    assert.match(token, /^[0-9a-f]{64}$/);
  }
  assert.equal(new Set(rows.map((r) => r[0])).size, 25, 'distinct members');
  // again: the same members (found by phone), new sessions
  const again = (await cli(['bench-members', '5', '--db', db])).trim().split('\n').map((l) => l.split(' '));
  assert.deepEqual(again.map((r) => r[0]), rows.slice(0, 5).map((r) => r[0]));
  assert.notEqual(again[0][1], rows[0][1]);

  s = await startServer({ db });
  for (const [id, token] of [rows[0], rows[24], again[0]]) {
    const me = await s.api('GET', '/api/member/me', { token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.member.id, Number(id));
    assert.match(me.json.member.phone_masked, /^199\*{4}\d{4}$/);
  }
});

test('bench-members refuses bad arguments with exit 2 and an unknown enterprise with exit 1', async () => {
  await waitForBinary();
  const db = join(dir, 'bad.db');
  await cli(['demo', '--db', db, '--quiet']);
  for (const args of [[], ['0'], ['-3'], ['abc'], ['1000001'], ['5', '--phone-base', '123'],
    ['5', '--session-hours', '0'], ['5', '6']]) {
    const r = await run(['bench-members', ...args, '--db', db]);
    assert.equal(r.code, 2, `bench-members ${args.join(' ')}`);
    assert.match(r.stderr, /Usage: huohua bench-members/);
  }
  const help = await run(['bench-members', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: huohua bench-members/);
  const noEnt = await run(['bench-members', '3', '--enterprise', '999', '--db', db]);
  assert.equal(noEnt.code, 1);
  assert.match(noEnt.stderr, /no such enterprise/);
});
