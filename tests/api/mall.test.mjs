// mall.test.mjs — the gift mall (SPEC §3.6): gifts priced in points with stock
// and per-member limits; orders picked up at a store (handed over by its
// staff) or mailed (shipping fee owed); cancellation gives back points (to
// the lots they came from) and stock. Concurrency: many connections ordering
// the last units never oversell; one member ordering from many connections
// never goes below zero points. Bad input tables for each endpoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, errorTable, expectError } from '../lib/server.mjs';
import { member } from '../lib/rewards.mjs';

let s, T, tok;
const M = {};
before(async () => {
  s = await startServer();
  T = await s.token('admin');
  tok = { lumina: await s.token('lumina.mgr'), qinghe: await s.token('qinghe.mgr'), ba001: await s.token('ba001'), ba003: await s.token('ba003') };
  M.a = await member(s, '13810000001');
  M.b = await member(s, '13810000002');
});
after(async () => { await s?.stop(); });

const give = async (m, points) => {
  const r = await s.api('POST', `/api/members/${m.id}/points/adjust`, { token: T, body: { points, reason: '测试发放' } });
  assert.ok(r.status === 200 || r.status === 201, r.text);
};
const balance = async (m) => (await s.api('GET', '/api/member/points', { token: m.token })).json.balance;
const gift = async (body, token = T) => {
  const r = await s.api('POST', '/api/gifts', { token, body: { name: '旅行套装', points: 100, stock: 10, ...body } });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const address = async (m) => {
  const r = await s.api('POST', '/api/member/addresses', { token: m.token, body: { name: '张三', phone: '13810000001', province: '上海市', city: '上海市', district: '静安区', detail: '南京西路 1 号' } });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
};

test('a catalogue: admin lists gifts; members see active ones with their balance', async () => {
  const g = await gift({ brand_id: 1, name: '精华小样', description: '5ml', cash_fen: 0, per_member_limit: 2, shipping_fee_fen: 800 });
  assert.equal(g.remaining, 10);
  assert.equal(g.pickup, true);
  assert.equal(g.mail, true);
  assert.equal(g.ordered, 0);
  const archived = await gift({ name: '下架礼品', status: 'archived' });
  const start = await balance(M.a);
  await give(M.a, 1000);
  const mine = await s.api('GET', '/api/member/gifts', { token: M.a.token });
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.balance, start + 1000);
  assert.ok(mine.json.items.some((x) => x.id === g.id));
  assert.ok(!mine.json.items.some((x) => x.id === archived.id), 'archived gifts are not offered');
  const list = await s.api('GET', '/api/gifts?status=active', { token: T });
  assert.ok(list.json.items.some((x) => x.id === g.id));
  // a brand manager sees its brand's and enterprise-wide gifts, writes only its brand's
  const lm = await s.api('GET', '/api/gifts', { token: tok.qinghe });
  assert.ok(!lm.json.items.some((x) => x.id === g.id), 'Qinghe does not see a Lumina gift');
  assert.ok(lm.json.items.some((x) => x.id === archived.id), 'enterprise-wide gifts are for everyone');
  await expectError(await s.api('PATCH', `/api/gifts/${g.id}`, { token: tok.qinghe, body: { name: 'x' } }), 403);
  await expectError(await s.api('POST', '/api/gifts', { token: tok.lumina, body: { name: 'x', points: 1, stock: 1 } }), 403, 'brand_id');
  const ok = await s.api('POST', '/api/gifts', { token: tok.lumina, body: { name: 'Lumina 礼', brand_id: 1, points: 1, stock: 1 } });
  assert.equal(ok.status, 201, ok.text);
});

test('pickup order: points and stock taken, staff of the store hand it over once', async () => {
  const g = await gift({ brand_id: 1, name: '自提礼', points: 300, stock: 5 });
  const before = await balance(M.a);
  const o = await s.api('POST', '/api/member/gift-orders', { token: M.a.token, body: { gift_id: g.id, fulfilment: 'pickup', store_id: 1 } });
  assert.equal(o.status, 201, o.text);
  assert.equal(o.json.status, 'placed');
  assert.equal(o.json.points, 300);
  assert.equal(await balance(M.a), before - 300);
  assert.equal((await s.api('GET', `/api/gifts/${g.id}`, { token: T })).json.remaining, 4);
  // the staff app finds it by member; another store's staff may not hand it over
  const pending = await s.api('GET', `/api/counter/gift-orders?member_id=${M.a.id}`, { token: tok.ba001 });
  assert.equal(pending.status, 200, pending.text);
  assert.ok(pending.json.items.some((x) => x.id === o.json.id && x.here === true));
  await expectError(await s.api('POST', `/api/counter/gift-orders/${o.json.id}/handover`, { token: tok.ba003 }), 403, 'store_id');
  const h = await s.api('POST', `/api/counter/gift-orders/${o.json.id}/handover`, { token: tok.ba001 });
  assert.equal(h.status, 200, h.text);
  assert.equal(h.json.status, 'completed');
  await expectError(await s.api('POST', `/api/counter/gift-orders/${o.json.id}/handover`, { token: tok.ba001 }), 409, 'status');
  await expectError(await s.api('POST', `/api/member/gift-orders/${o.json.id}/cancel`, { token: M.a.token }), 409, 'status');
});

test('mail order: address snapshot and shipping fee owed; ship, complete; cancel refunds points and stock', async () => {
  const g = await gift({ name: '邮寄礼', points: 200, stock: 3, shipping_fee_fen: 1200 });
  const addr = await address(M.a);
  const before = await balance(M.a);
  const o = await s.api('POST', '/api/member/gift-orders', { token: M.a.token, body: { gift_id: g.id, fulfilment: 'mail', address_id: addr, quantity: 2 } });
  assert.equal(o.status, 201, o.text);
  assert.equal(o.json.shipping_fee_fen, 1200);
  assert.equal(o.json.address.detail, '南京西路 1 号');
  assert.equal(o.json.points, 400);
  assert.equal(await balance(M.a), before - 400);
  // cancel: points back, stock back, twice refused
  const c = await s.api('POST', `/api/member/gift-orders/${o.json.id}/cancel`, { token: M.a.token });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.status, 'cancelled');
  assert.equal(await balance(M.a), before);
  assert.equal((await s.api('GET', `/api/gifts/${g.id}`, { token: T })).json.remaining, 3);
  await expectError(await s.api('POST', `/api/member/gift-orders/${o.json.id}/cancel`, { token: M.a.token }), 409, 'status');
  await expectError(await s.api('POST', `/api/gift-orders/${o.json.id}/cancel`, { token: T, body: { reason: 'x' } }), 409, 'status');
  // ship and complete
  const o2 = await s.api('POST', '/api/member/gift-orders', { token: M.a.token, body: { gift_id: g.id, fulfilment: 'mail', address_id: addr } });
  await expectError(await s.api('POST', `/api/gift-orders/${o2.json.id}/complete`, { token: T }), 409, 'status');
  await expectError(await s.api('POST', `/api/gift-orders/${o2.json.id}/ship`, { token: T, body: { carrier: '顺丰' } }), 400, 'tracking_no');
  const sh = await s.api('POST', `/api/gift-orders/${o2.json.id}/ship`, { token: T, body: { carrier: '顺丰', tracking_no: 'SF1234567890' } });
  assert.equal(sh.status, 200, sh.text);
  assert.equal(sh.json.status, 'shipped');
  await expectError(await s.api('POST', `/api/member/gift-orders/${o2.json.id}/cancel`, { token: M.a.token }), 409, 'status');
  const done = await s.api('POST', `/api/gift-orders/${o2.json.id}/complete`, { token: T });
  assert.equal(done.json.status, 'completed');
  // the member's list shows both
  const mine = await s.api('GET', '/api/member/gift-orders', { token: M.a.token });
  assert.ok(mine.json.items.some((x) => x.id === o.json.id && x.status === 'cancelled'));
});

test('many connections ordering the last units never oversell', async () => {
  const g = await gift({ name: '限量礼', points: 10, stock: 5 });
  const buyers = [];
  for (let i = 0; i < 12; i++) {
    const m = await member(s, `1382000${String(i).padStart(4, '0')}`);
    await give(m, 100);
    buyers.push(m);
  }
  const answers = await Promise.all(buyers.map((m) =>
    s.api('POST', '/api/member/gift-orders', { token: m.token, body: { gift_id: g.id, fulfilment: 'pickup', store_id: 1 } })));
  const ok = answers.filter((r) => r.status === 201).length;
  assert.equal(ok, 5, answers.map((r) => r.status).join(','));
  for (const r of answers) if (r.status !== 201) await expectError(r, 422, 'quantity');
  const after = (await s.api('GET', `/api/gifts/${g.id}`, { token: T })).json;
  assert.equal(after.remaining, 0);
  assert.equal(after.ordered, 5);
  assert.equal(after.remaining + after.ordered, after.stock);
});

test('one member ordering from many connections never goes below zero points', async () => {
  const g = await gift({ name: '积分礼', points: 70, stock: 1000 });
  await give(M.b, 500);
  const start = await balance(M.b); // 500 and what registration earned
  const room = Math.floor(start / 70);
  const answers = await Promise.all(Array.from({ length: room + 10 }, () =>
    s.api('POST', '/api/member/gift-orders', { token: M.b.token, body: { gift_id: g.id, fulfilment: 'pickup', store_id: 1 } })));
  const ok = answers.filter((r) => r.status === 201).length;
  assert.equal(ok, room);
  for (const r of answers) if (r.status !== 201) await expectError(r, 422, 'points');
  assert.equal(await balance(M.b), start - room * 70);
});

test('bad input', async (t) => {
  const g = await gift({ brand_id: 2, name: '坏输入', points: 100000, stock: 1, per_member_limit: 1, mail: false });
  const cheap = await gift({ name: '便宜', points: 1, stock: 1, per_member_limit: 1 });
  const mailable = await gift({ name: '可邮寄', points: 1, stock: 5 });
  const F = s.foreign;
  const a = M.a.token;
  await give(M.a, 5);
  const first = await s.api('POST', '/api/member/gift-orders', { token: a, body: { gift_id: cheap.id, fulfilment: 'pickup', store_id: 1 } });
  assert.equal(first.status, 201, first.text);
  const other = await s.api('POST', `/api/members/${M.b.id}/points/adjust`, { token: T, body: { points: 1, reason: 'x' } });
  assert.ok(other.status < 300);
  await errorTable(t, s, T, [
    ['malformed gift', 'POST', '/api/gifts', '{"name":', 400],
    ['gift without points', 'POST', '/api/gifts', { name: 'x', stock: 1 }, 400, 'points'],
    ['gift with zero points', 'POST', '/api/gifts', { name: 'x', points: 0, stock: 1 }, 400, 'points'],
    ['negative stock', 'POST', '/api/gifts', { name: 'x', points: 1, stock: -1 }, 400, 'stock'],
    ['no way to receive', 'POST', '/api/gifts', { name: 'x', points: 1, stock: 1, pickup: false, mail: false }, 400, 'pickup'],
    ['unknown brand', 'POST', '/api/gifts', { name: 'x', points: 1, stock: 1, brand_id: 9999 }, 400, 'brand_id'],
    ['stock below ordered', 'PATCH', `/api/gifts/${cheap.id}`, { stock: 0 }, 400, 'stock'],
    ['unknown gift', 'GET', '/api/gifts/99999', undefined, 404, 'id'],
    ['foreign gift', 'GET', `/api/gifts/${g.id}`, undefined, 404, 'id', { token: F.token }],
    ['bad order status filter', 'GET', '/api/gift-orders?status=lost', undefined, 400, 'status'],
    ['ship without carrier', 'POST', `/api/gift-orders/${first.json.id}/ship`, { tracking_no: 'x' }, 400, 'carrier'],
    ['cancel without reason', 'POST', `/api/gift-orders/${first.json.id}/cancel`, {}, 400, 'reason'],
    ['ship a pickup order', 'POST', `/api/gift-orders/${first.json.id}/ship`, { carrier: 'x', tracking_no: 'y' }, 409, 'status'],
    ['order: missing gift', 'POST', '/api/member/gift-orders', { fulfilment: 'pickup', store_id: 1 }, 400, 'gift_id', { token: a }],
    ['order: unknown gift', 'POST', '/api/member/gift-orders', { gift_id: 99999, fulfilment: 'pickup', store_id: 1 }, 404, 'gift_id', { token: a }],
    ['order: bad fulfilment', 'POST', '/api/member/gift-orders', { gift_id: g.id, fulfilment: 'drone' }, 400, 'fulfilment', { token: a }],
    ['order: pickup without store', 'POST', '/api/member/gift-orders', { gift_id: g.id, fulfilment: 'pickup' }, 400, 'store_id', { token: a }],
    ['order: mail without address', 'POST', '/api/member/gift-orders', { gift_id: cheap.id, fulfilment: 'mail' }, 400, 'address_id', { token: a }],
    ['order: mail not offered', 'POST', '/api/member/gift-orders', { gift_id: g.id, fulfilment: 'mail', address_id: 1 }, 422, 'fulfilment', { token: a }],
    ['order: store not selling the brand', 'POST', '/api/member/gift-orders', { gift_id: g.id, fulfilment: 'pickup', store_id: 9 }, 400, 'store_id', { token: a }],
    ['order: insufficient points', 'POST', '/api/member/gift-orders', { gift_id: g.id, fulfilment: 'pickup', store_id: 1 }, 422, 'points', { token: a }],
    ['order: over the per-member limit', 'POST', '/api/member/gift-orders', { gift_id: cheap.id, fulfilment: 'pickup', store_id: 1 }, 422, 'quantity', { token: a }],
    ['order: quantity 0', 'POST', '/api/member/gift-orders', { gift_id: g.id, quantity: 0, fulfilment: 'pickup', store_id: 1 }, 400, 'quantity', { token: a }],
    ['order: someone else\'s address', 'POST', '/api/member/gift-orders', { gift_id: mailable.id, fulfilment: 'mail', address_id: 1 }, 400, 'address_id', { token: M.b.token }],
    ['cancel someone else\'s order', 'POST', `/api/member/gift-orders/${first.json.id}/cancel`, undefined, 404, 'id', { token: M.b.token }],
    ['counter list without member', 'GET', '/api/counter/gift-orders', undefined, 400, 'member_id', { token: tok.ba001 }],
    ['handover unknown', 'POST', '/api/counter/gift-orders/99999/handover', undefined, 404, 'id', { token: tok.ba001 }],
    ['no session', 'GET', '/api/member/gifts', undefined, 401, undefined, { token: null }],
  ]);
});
