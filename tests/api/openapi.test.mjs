// openapi.test.mjs — the served OpenAPI document describes exactly the router's
// routes (from `huohua routes --json`), plus /healthz, /metrics and
// /api/openapi.json, and is a well-formed OpenAPI 3.0.3 document.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, routes, ROOT } from '../lib/server.mjs';

const SYSTEM_PATHS = { '/healthz': ['get'], '/metrics': ['get'], '/api/openapi.json': ['get'] };
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let s, doc, served, table;
before(async () => {
  s = await startServer({ foreign: false });
  served = await s.api('GET', '/api/openapi.json');
  doc = served.json;
  table = await routes();
});
after(async () => { await s?.stop(); });

/** "/api/stores/{store_id}" → "/api/stores/{}" so templates compare by shape. */
const shape = (p) => p.replace(/\{[^}]+\}/g, '{}');

test('the document is served as JSON and parses', () => {
  assert.equal(served.status, 200);
  assert.match(served.headers['content-type'], /^application\/json/);
  assert.ok(doc && typeof doc === 'object', 'body parses as JSON');
  // the files in the tree are what the binary serves (merged and compiled in)
  const file = join(ROOT, 'docs/openapi.json');
  if (existsSync(file)) {
    const merged = execFileSync('jq', ['-s', '-f', join(ROOT, 'scripts/openapi-merge.jq'), file,
      ...readdirSync(join(ROOT, 'docs/openapi')).filter((f) => f.endsWith('.json')).sort()
        .map((f) => join(ROOT, 'docs/openapi', f))], { encoding: 'utf8' });
    assert.deepEqual(doc, JSON.parse(merged), 'served document = docs/openapi.json + docs/openapi/*.json (rebuild after editing them)');
  }
});

test('required top-level fields', () => {
  assert.equal(doc.openapi, '3.0.3');
  assert.equal(typeof doc.info?.title, 'string');
  assert.equal(typeof doc.info?.version, 'string');
  assert.ok(Array.isArray(doc.servers) && doc.servers.some((x) => x.url === '/'), 'servers has the relative "/"');
  assert.ok(doc.paths && typeof doc.paths === 'object');
  const sec = doc.components?.securitySchemes || {};
  assert.ok(Object.values(sec).some((x) => x.type === 'http' && x.scheme === 'bearer'), 'bearer scheme');
  assert.ok(Object.values(sec).some((x) => x.type === 'apiKey' && x.in === 'cookie' && x.name === 'hh_session'), 'hh_session cookie scheme');
  assert.ok(Object.values(sec).some((x) => x.type === 'apiKey' && x.in === 'cookie' && x.name === 'hh_member'), 'hh_member cookie scheme');
  for (const name of ['Error', 'Brand', 'Store', 'Staff', 'Account', 'AuditEntry', 'Member']) {
    assert.ok(doc.components?.schemas?.[name], `components.schemas.${name}`);
  }
  const err = doc.components.schemas.Error;
  assert.deepEqual(Object.keys(err.properties.error.properties).sort(), ['code', 'field', 'message']);
  const params = Object.values(doc.components?.parameters || {});
  for (const [name, where] of [['limit', 'query'], ['offset', 'query'], ['q', 'query'], ['include_archived', 'query'], ['Idempotency-Key', 'header']]) {
    assert.ok(params.some((p) => p.name === name && p.in === where), `reusable parameter ${name}`);
  }
});

test('every route of the router is documented', () => {
  assert.ok(table.length > 10, 'huohua routes --json lists routes');
  const missing = [];
  for (const r of table) {
    const m = r.method.toLowerCase();
    const key = Object.keys(doc.paths).find((p) => shape(p) === shape(r.path));
    if (!key || !doc.paths[key][m]) missing.push(`${r.method} ${r.path}`);
  }
  assert.deepEqual(missing, [], 'routes missing from docs/openapi.json');
});

test('the document lists no path or method the router lacks', () => {
  const known = new Set(table.map((r) => `${r.method.toLowerCase()} ${shape(r.path)}`));
  for (const [p, ms] of Object.entries(SYSTEM_PATHS)) for (const m of ms) known.add(`${m} ${shape(p)}`);
  const extra = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of Object.keys(item)) {
      if (!METHODS.includes(m)) continue;
      if (!known.has(`${m} ${shape(p)}`)) extra.push(`${m.toUpperCase()} ${p}`);
    }
  }
  assert.deepEqual(extra, [], 'documented operations the router does not have');
});

test('/healthz, /metrics and /api/openapi.json are documented', () => {
  for (const [p, ms] of Object.entries(SYSTEM_PATHS)) for (const m of ms) assert.ok(doc.paths[p]?.[m], `${m} ${p}`);
});

/** Resolve a local $ref ("#/components/…"). */
function deref(obj) {
  let o = obj;
  for (let i = 0; o && o.$ref && i < 10; i++) {
    assert.match(o.$ref, /^#\//, `only local refs: ${o.$ref}`);
    o = o.$ref.slice(2).split('/').reduce((a, k) => a?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    assert.ok(o, `unresolvable $ref ${obj.$ref}`);
  }
  return o;
}

test('every $ref resolves', () => {
  const refs = [];
  (function walk(v) {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (typeof v.$ref === 'string') refs.push(v);
      Object.values(v).forEach(walk);
    }
  })(doc);
  assert.ok(refs.length > 0);
  for (const r of refs) deref(r);
});

test('operations: path parameters, responses, security, request bodies', () => {
  const byKey = new Map(table.map((r) => [`${r.method.toLowerCase()} ${shape(r.path)}`, r]));
  const ids = new Set();
  for (const [p, item] of Object.entries(doc.paths)) {
    const templ = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [m, o] of Object.entries(item)) {
      if (!METHODS.includes(m)) continue;
      const where = `${m.toUpperCase()} ${p}`;
      assert.ok(o.operationId, `${where}: operationId`);
      assert.ok(!ids.has(o.operationId), `${where}: operationId ${o.operationId} is unique`);
      ids.add(o.operationId);
      const params = [...(item.parameters || []), ...(o.parameters || [])].map(deref);
      for (const name of templ) {
        assert.ok(params.some((x) => x.in === 'path' && x.name === name && x.required === true), `${where}: path parameter ${name}`);
      }
      for (const x of params) if (x.in === 'path') assert.ok(templ.includes(x.name), `${where}: stray path parameter ${x.name}`);
      assert.ok(o.responses && Object.keys(o.responses).length, `${where}: responses`);
      assert.ok(Object.keys(o.responses).some((c) => /^[23]\d\d$/.test(c)), `${where}: a success (2xx or redirect) response`);
      for (const [code, resp] of Object.entries(o.responses)) {
        const rr = deref(resp);
        assert.equal(typeof rr.description, 'string', `${where} ${code}: description`);
        if (/^[45]/.test(code) && p !== '/healthz' && rr.content?.['application/json']) {
          // (/healthz answers 503 with its own {status, db} shape)
          const sch = rr.content['application/json'].schema;
          assert.equal(sch.$ref, '#/components/schemas/Error', `${where} ${code}: error answers use the Error schema`);
        }
      }
      const r = byKey.get(`${m} ${shape(p)}`);
      if (r) {
        // security matches the route's kind of principal
        const sec = o.security ?? doc.security ?? [];
        const schemes = sec.flatMap((x) => Object.keys(x)).map((n) => doc.components.securitySchemes[n]);
        if (r.auth === 'none') assert.deepEqual(sec, [], `${where}: public route has security []`);
        if (r.auth === 'account') assert.ok(schemes.some((x) => x.in === 'cookie' && x.name === 'hh_session'), `${where}: account route accepts hh_session`);
        if (r.auth === 'member') assert.ok(schemes.some((x) => x.in === 'cookie' && x.name === 'hh_member'), `${where}: member route accepts hh_member`);
        if (r.auth !== 'none') {
          assert.ok(schemes.some((x) => x.type === 'http' && x.scheme === 'bearer'), `${where}: accepts a bearer token`);
          assert.ok(o.responses['401'], `${where}: documents 401`);
        }
        if (templ.includes('id')) assert.ok(o.responses['404'], `${where}: documents 404 (unknown or foreign id)`);
      }
      if (o.requestBody) {
        const body = deref(o.requestBody);
        const route = byKey.get(`${m} ${shape(p)}`);
        if (route?.upload) {
          assert.ok(Object.keys(body.content || {}).some((t) => t !== 'application/json'), `${where}: upload documents its file type`);
          assert.ok(o.responses['413'] && o.responses['415'], `${where}: upload documents 413 and 415`);
          continue;
        }
        const sch = deref(body.content?.['application/json']?.schema || {});
        assert.equal(sch.type, 'object', `${where}: JSON object body`);
        assert.ok(o.responses['400'], `${where}: documents 400`);
        assert.ok(o.responses['415'], `${where}: documents 415`);
        assert.ok(o.responses['413'], `${where}: documents 413`);
        for (const req of sch.required || []) assert.ok(sch.properties?.[req], `${where}: required field ${req} is described`);
        for (const [f, fs] of Object.entries(sch.properties || {})) {
          const d = deref(fs);
          if (d.type === 'string' && !d.enum && !d.pattern?.includes('{6}')) assert.ok(Number.isInteger(d.maxLength), `${where}: ${f} has maxLength`);
        }
      }
    }
  }
});

test('Idempotency-Key is documented exactly on the write routes that accept it', () => {
  // `huohua routes --json` says which write routes take an Idempotency-Key
  assert.ok(table.some((r) => r.path === '/api/auth/login' && r.idempotency === false), 'login takes no Idempotency-Key');
  for (const r of table) {
    const m = r.method.toLowerCase();
    if (m === 'get') continue;
    const key = Object.keys(doc.paths).find((p) => shape(p) === shape(r.path));
    const o = doc.paths[key]?.[m];
    if (!o) continue; // reported by the coverage test
    const params = [...(doc.paths[key].parameters || []), ...(o.parameters || [])].map(deref);
    const has = params.some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
    const expected = r.idempotency === true;
    assert.equal(has, expected, `${r.method} ${r.path}: Idempotency-Key ${expected ? 'documented' : 'not accepted, so not documented'}`);
  }
});

test('a reference validator accepts the document (when openapi-spec-validator is installed)', async (t) => {
  const { execFile } = await import('node:child_process');
  const script = 'import json,sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(sys.stdin))\nprint("valid")';
  const tryRun = (py) => new Promise((resolve) => {
    const child = execFile(py, ['-c', script], { timeout: 30_000 }, (err, stdout, stderr) => resolve({ err, stdout, stderr }));
    child.stdin.end(JSON.stringify(doc));
  });
  let result = null;
  for (const py of ['python3.11', 'python3']) {
    const r = await tryRun(py);
    if (!r.err) { result = r; break; }
    if (/ModuleNotFoundError|ENOENT|not found/.test(String(r.stderr) + String(r.err?.code))) continue;
    result = r;
    break;
  }
  if (!result) { t.skip('openapi-spec-validator is not installed'); return; }
  assert.equal(result.err, null, `openapi-spec-validator: ${String(result.stderr).split('\n').filter((l) => !l.startsWith(' ')).slice(-3).join('\n')}`);
  assert.match(result.stdout, /valid/);
});
