// sms_http.test.mjs — the http SMS provider: every message reaches the gateway
// as signed JSON (HMAC-SHA-256 over "<timestamp>.<body>"), a gateway failure is
// retried with backoff, the outbox shows queued → sent with the attempts, and
// the code a member receives through the gateway signs them in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { startServer, sleep } from '../lib/server.mjs';

const SECRET = 'gateway-secret-for-tests-0123456789';

function gateway({ failFirst = 0 } = {}) {
  const received = [];
  let calls = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls++;
      const ts = req.headers['x-huohua-timestamp'];
      const sig = String(req.headers['x-huohua-signature'] || '');
      const want = 'sha256=' + createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex');
      const valid = sig.length === want.length && timingSafeEqual(Buffer.from(sig), Buffer.from(want));
      received.push({ body: JSON.parse(body), valid, ts: Number(ts), contentType: req.headers['content-type'] });
      if (calls <= failFirst) {
        res.writeHead(503).end('busy');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () =>
    resolve({ url: `http://127.0.0.1:${server.address().port}/sms`, received, close: () => server.close() })));
}

test('OTP goes to the gateway signed; a failure is retried; the code signs the member in', async () => {
  const gw = await gateway({ failFirst: 1 });
  const s = await startServer({ foreign: false, env: { HUOHUA_SMS_PROVIDER: 'http', HUOHUA_SMS_URL: gw.url, HUOHUA_SMS_SECRET: SECRET } });
  try {
    const phone = '13987650001';
    const r = await s.api('POST', '/api/member/otp', { body: { phone } });
    assert.equal(r.status, 200);
    // first attempt 503, retried about 2 s later
    const deadline = Date.now() + 10_000;
    while (gw.received.length < 2 && Date.now() < deadline) await sleep(100);
    assert.equal(gw.received.length, 2, 'delivered once more after the gateway failed');
    for (const m of gw.received) {
      assert.ok(m.valid, 'the signature verifies with the shared secret');
      assert.match(m.contentType, /application\/json/);
      assert.equal(m.body.phone, '+8613987650001');
      assert.equal(m.body.kind, 'otp');
      assert.ok(Math.abs(Date.now() - m.ts) < 60_000, 'timestamp is current');
    }
    assert.equal(gw.received[0].body.id, gw.received[1].body.id, 'the same message id on retry');
    assert.ok(gw.received[1].ts - gw.received[0].ts >= 1500, 'backoff before the retry');
    const code = gw.received[1].body.text.match(/(\d{6})/)[1];
    assert.doesNotMatch(gw.received[1].body.text, /拒收/, 'an OTP is not marketing: no opt-out line');

    const admin = await s.login('admin');
    let out;
    for (let i = 0; i < 50; i++) {
      out = await s.api('GET', '/api/sms/outbox', { token: admin });
      if (out.json.items[0]?.status === 'sent') break;
      await sleep(100);
    }
    assert.equal(out.json.items[0].status, 'sent');
    assert.equal(out.json.items[0].attempts, 2);
    assert.equal(out.json.items[0].provider, 'http');

    const login = await s.api('POST', '/api/member/login', { body: { phone, code } });
    assert.equal(login.status, 200);
    assert.equal(login.json.created, true);
  } finally {
    await s.stop();
    gw.close();
  }
});

test('an unreachable gateway leaves the message queued for a retry, with the error recorded', async () => {
  const s = await startServer({ foreign: false, env: { HUOHUA_SMS_PROVIDER: 'http', HUOHUA_SMS_URL: 'http://127.0.0.1:9/nowhere', HUOHUA_SMS_SECRET: SECRET } });
  try {
    assert.equal((await s.api('POST', '/api/member/otp', { body: { phone: '13987650002' } })).status, 200);
    const admin = await s.login('admin');
    await sleep(1500);
    const out = await s.api('GET', '/api/sms/outbox', { token: admin });
    const m = out.json.items[0];
    assert.equal(m.status, 'queued', 'still queued between retries');
    assert.ok(m.attempts >= 1);
    assert.match(m.error, /connect|refused|Couldn't/i);
  } finally {
    await s.stop();
  }
});
