// cli.test.mjs — the `huohua` command line: help and exit codes, demo loaded
// once, account and enterprise creation refusing bad input, routes listing,
// and `huohua backup` taken while the server is answering writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, startServer, waitForBinary, uniq } from '../lib/server.mjs';

function run(args, env = {}) {
  return new Promise((resolve) => {
    execFile(BIN, args, { env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

test('every command answers --help with its usage and exit 0; mistakes exit 2', async () => {
  await waitForBinary();
  for (const args of [['--help'], ['serve', '--help'], ['migrate', '--help'], ['demo', '--help'],
    ['user', 'add', '--help'], ['enterprise', 'add', '--help'], ['backup', '--help'], ['routes', '--help'],
    ['import', 'members', '--help']]) {
    const r = await run(args);
    assert.equal(r.code, 0, `${args.join(' ')} exits 0`);
    assert.match(r.stdout, /Usage|huohua/, `${args.join(' ')} prints its usage`);
  }
  assert.equal((await run([])).code, 2, 'no command');
  assert.equal((await run(['frobnicate'])).code, 2, 'unknown command');
  assert.equal((await run(['serve', '--port', 'abc'])).code, 2, 'a bad flag value');
  const sync = await run(['serve', '--sync', 'sometimes', '--db', join(tmpdir(), 'huohua-never-created.db')]);
  assert.equal(sync.code, 2, '--sync takes apart or inline');
  assert.match(sync.stderr, /--sync must be apart or inline/);
  assert.equal(existsSync(join(tmpdir(), 'huohua-never-created.db')), false, 'refused before opening the database');
  const envSync = await run(['serve', '--db', join(tmpdir(), 'huohua-never-created.db')], { HUOHUA_SYNC: 'never' });
  assert.equal(envSync.code, 2, 'HUOHUA_SYNC takes apart or inline');
  assert.match(envSync.stderr, /not never/);
  assert.equal(existsSync(join(tmpdir(), 'huohua-never-created.db')), false, 'refused before opening the database');
  assert.equal((await run(['user', 'add', '--login', 'x'])).code, 2, 'user add without a password');
});

test('demo loads once; migrate is idempotent; user and enterprise add check their input', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hh-cli-'));
  const db = join(dir, 'h.db');
  try {
    const first = await run(['demo', '--db', db]);
    assert.equal(first.code, 0);
    assert.match(first.stdout, /created demo enterprise/);
    assert.match(first.stdout, /admin/);
    const again = await run(['demo', '--db', db]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /found demo enterprise/);
    assert.match((await run(['migrate', '--db', db])).stdout, /up to date/);

    const ent = await run(['enterprise', 'add', '--name', '第二企业', '--db', db]);
    assert.equal(ent.code, 0);
    const entId = ent.stdout.trim();
    assert.match(entId, /^\d+$/);
    const login = uniq('cli').toLowerCase();
    const ok = await run(['user', 'add', '--db', db, '--enterprise', entId, '--login', login, '--role', 'owner'],
      { HUOHUA_PASSWORD: 'a-long-password' });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /added with id \d+/);
    const dup = await run(['user', 'add', '--db', db, '--enterprise', entId, '--login', login, '--password', 'a-long-password']);
    assert.equal(dup.code, 1, 'a taken login is refused');
    assert.match(dup.stderr, /taken/);
    assert.equal((await run(['user', 'add', '--db', db, '--login', 'shortpw', '--password', 'short'])).code, 2);
    assert.equal((await run(['user', 'add', '--db', db, '--login', 'bm1', '--password', 'a-long-password', '--role', 'brand_manager'])).code, 2,
      'a brand manager needs --brand');
    const noEnt = await run(['user', 'add', '--db', db, '--enterprise', '999', '--login', 'ghost', '--password', 'a-long-password']);
    assert.equal(noEnt.code, 1);
    assert.match(noEnt.stderr, /enterprise/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('routes --json lists every route with its auth and idempotency', async () => {
  const r = await run(['routes', '--json']);
  assert.equal(r.code, 0);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(rows.length > 50);
  for (const x of rows) {
    assert.match(x.method, /^(GET|POST|PUT|PATCH|DELETE)$/);
    assert.match(x.path, /^\/(api|s|p)\//);
    assert.ok(['none', 'account', 'member'].includes(x.auth));
    assert.equal(typeof x.idempotency, 'boolean');
  }
});

test('backup while the server answers writes is a consistent copy holding every write acknowledged before it', async () => {
  const s = await startServer({ foreign: false });
  const dir = mkdtempSync(join(tmpdir(), 'hh-backup-'));
  try {
    const token = await s.login('admin');
    let stop = false;
    const acked = [];
    const writers = Array.from({ length: 8 }, async () => {
      while (!stop) {
        const code = uniq('B');
        const r = await s.api('POST', '/api/brands', { token, body: { name: `备份${code}`, code } });
        if (r.status === 201) acked.push(r.json.id);
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    const before = acked.length;
    const file = join(dir, 'backup.db');
    const b = await run(['backup', file, '--db', s.db]);
    stop = true;
    await Promise.all(writers);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(existsSync(file));
    assert.equal((await run(['backup', file, '--db', s.db])).code, 1, 'an existing file is never overwritten');
    // the copy opens as a database and holds the brands acknowledged before the backup began
    const copy = await startServer({ demo: false, foreign: false, db: file });
    try {
      const t2 = await copy.login('admin');
      const ids = new Set();
      for (let offset = 0; ; offset += 500) {
        const list = await copy.api('GET', `/api/brands?limit=500&offset=${offset}`, { token: t2 });
        assert.equal(list.status, 200);
        for (const x of list.json.items) ids.add(x.id);
        if (offset + 500 >= list.json.total) break;
      }
      for (const id of acked.slice(0, before)) assert.ok(ids.has(id), `brand ${id} acknowledged before the backup is in it`);
    } finally {
      await copy.stop();
    }
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
