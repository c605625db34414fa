// referrals.test.mjs — member-get-member (SPEC §3.7): each member's personal
// referral link/QR (a touchpoint of channel "referral"); a person who scans it
// and registers is recorded as referred; both are rewarded with points on the
// configured condition (registration, first purchase, first redemption);
// abuse checks (the referrer's device, a shared address, a burst) hold the
// reward for an admin's review. Then star members: the influence ranking per
// brand, CSV export, the ambassador tag.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, errorTable, expectError, memberLogin, setCookieValue } from '../lib/server.mjs';
import { member } from '../lib/rewards.mjs';

let s, T, ref, REG, RULE;
before(async () => {
  s = await startServer();
  T = await s.token('admin');
  ref = await member(s, '13910000001');
  REG = (await s.api('GET', '/api/member/points', { token: ref.token })).json.balance; // what any sign-up earns
  // the referrer earns by the earn rule for "referral" when there is one (the demo has one)
  const rules = (await s.api('GET', '/api/points/rules', { token: T })).json.items || [];
  const rule = rules.find((x) => x.kind === 'action' && x.action === 'referral' && x.status !== 'archived');
  RULE = rule ? rule.points : null;
});
after(async () => { await s?.stop(); });

const balance = async (token) => (await s.api('GET', '/api/member/points', { token })).json.balance;

/** Scan the link on a new device, then sign in with a new phone on that device. */
async function referredSignup(code, phone, did) {
  const scan = await s.api('GET', `/s/${code}`, { headers: did ? { cookie: `hh_did=${did}` } : {} });
  assert.equal(scan.status, 302);
  const device = did || setCookieValue(scan, 'hh_did');
  const r = await memberLogin(s, phone, { cookie: `hh_did=${device}` });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, true);
  return { id: r.json.member.id, token: r.json.token, device };
}

let link;
test('my referral link: created once, a touchpoint of channel referral, with a QR', async () => {
  const a = await s.api('GET', '/api/member/referral', { token: ref.token });
  assert.equal(a.status, 200, a.text);
  link = a.json;
  assert.match(link.url, /\/s\//);
  assert.equal(link.invited, 0);
  assert.equal(link.rules.condition, 'registration');
  const again = await s.api('GET', '/api/member/referral', { token: ref.token });
  assert.equal(again.json.touchpoint_id, link.touchpoint_id, 'one link per member');
  const tp = await s.api('GET', `/api/touchpoints/${link.touchpoint_id}`, { token: T });
  assert.equal(tp.json.channel, 'referral');
  const qr = await s.api('GET', '/api/member/referral/qr.svg', { token: ref.token });
  assert.equal(qr.status, 200);
  assert.match(qr.headers['content-type'], /svg/);
});

test('registration through the link rewards both at once (default condition)', async () => {
  const before = await balance(ref.token);
  const b = await referredSignup(link.code, '13910000002');
  assert.equal(await balance(b.token), REG + 50);
  assert.equal(await balance(ref.token), before + (RULE ?? 100));
  const mine = await s.api('GET', '/api/member/referral', { token: ref.token });
  assert.equal(mine.json.invited, 1);
  assert.equal(mine.json.rewarded, 1);
  assert.equal(mine.json.items[0].phone_masked, '139****0002');
  const list = await s.api('GET', `/api/referrals?referrer_id=${ref.id}`, { token: T });
  assert.equal(list.json.items[0].status, 'rewarded');
  assert.ok(list.json.items[0].referrer_txn_id);
  // an existing member who scans the link is not "referred"
  const again = await s.api('GET', `/s/${link.code}`);
  const did = setCookieValue(again, 'hh_did');
  const old = await memberLogin(s, '13910000002', { cookie: `hh_did=${did}` });
  assert.equal(old.json.created, false);
  assert.equal((await s.api('GET', `/api/referrals?referrer_id=${ref.id}`, { token: T })).json.total, 1);
});

test('abuse: the referrer\'s own device holds the reward; an admin reviews it', async () => {
  // the referrer scans its own link on device D (so D is the referrer's), then a "friend" signs up on D
  const scan = await s.api('GET', `/s/${link.code}`);
  const did = setCookieValue(scan, 'hh_did');
  const signin = await memberLogin(s, '13910000001', { cookie: `hh_did=${did}` }); // links D's scans to the referrer
  assert.equal(signin.status, 200);
  const before = await balance(ref.token);
  const c = await referredSignup(link.code, '13910000003', did);
  assert.equal(await balance(c.token), REG, 'held: no referral points yet');
  assert.equal(await balance(ref.token), before);
  const held = await s.api('GET', '/api/referrals?status=held', { token: T });
  const row = held.json.items.find((x) => x.referred_id === c.id);
  assert.ok(row, held.text);
  assert.deepEqual(row.hold_reasons, ['same_device']);
  await expectError(await s.api('POST', `/api/referrals/${row.id}/reject`, { token: T, body: {} }), 400, 'note');
  await expectError(await s.api('POST', `/api/referrals/${row.id}/approve`, { token: await s.token('lumina.mgr') }), 403);
  const ok = await s.api('POST', `/api/referrals/${row.id}/approve`, { token: T, body: { note: '核实为家人' } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'rewarded');
  assert.equal(await balance(c.token), REG + 50);
  await expectError(await s.api('POST', `/api/referrals/${row.id}/approve`, { token: T }), 409, 'status');
});

test('condition first redemption: pending until then; settings validated', async (t) => {
  const put = await s.api('PUT', '/api/settings/referral', { token: T, body: { condition: 'first_purchase', referrer_points: 10, referred_points: 5, burst_per_hour: 3 } });
  assert.equal(put.status, 200, put.text);
  const d = await referredSignup(link.code, '13910000004');
  assert.equal(await balance(d.token), REG);
  const row = (await s.api('GET', `/api/referrals?referrer_id=${ref.id}`, { token: T })).json.items.find((x) => x.referred_id === d.id);
  assert.equal(row.status, 'pending');
  assert.equal(row.condition, 'first_purchase');
  const get = await s.api('GET', '/api/settings/referral', { token: T });
  assert.equal(get.json.referrer_points, 10);
  await errorTable(t, s, T, [
    ['bad condition', 'PUT', '/api/settings/referral', { condition: 'never', referrer_points: 1, referred_points: 1, burst_per_hour: 1 }, 400, 'condition'],
    ['negative points', 'PUT', '/api/settings/referral', { condition: 'registration', referrer_points: -1, referred_points: 1, burst_per_hour: 1 }, 400, 'referrer_points'],
    ['missing burst', 'PUT', '/api/settings/referral', { condition: 'registration', referrer_points: 1, referred_points: 1 }, 400, 'burst_per_hour'],
    ['unknown brand', 'PUT', '/api/settings/referral', { condition: 'registration', referrer_points: 1, referred_points: 1, burst_per_hour: 1, brand_id: 999 }, 400, 'brand_id'],
    ['brand manager may not', 'PUT', '/api/settings/referral', { condition: 'registration', referrer_points: 1, referred_points: 1, burst_per_hour: 1 }, 403, undefined, { token: await s.token('lumina.mgr') }],
    ['bad status filter', 'GET', '/api/referrals?status=x', undefined, 400, 'status'],
    ['unknown referral', 'POST', '/api/referrals/99999/approve', undefined, 404, 'id'],
    ['foreign tenant', 'POST', `/api/referrals/${row.id}/approve`, undefined, 404, 'id', { token: s.foreign.token }],
    ['qr before the link exists', 'GET', '/api/member/referral/qr.svg', undefined, 404, undefined, { token: (await member(s, '13910000099')).token }],
  ]);
});

test('star members: ranked per brand by influence, CSV, ambassador tag', async (t) => {
  const r = await s.api('GET', '/api/star-members?brand_id=1', { token: T });
  assert.equal(r.status, 200, r.text);
  const top = r.json.items.find((x) => x.id === ref.id);
  assert.ok(top, r.text);
  assert.ok(top.converted >= 2);
  assert.ok(top.score >= 20);
  assert.equal(r.json.items[0].rank, 1);
  assert.ok(r.json.items.every((x, i, a) => i === 0 || a[i - 1].score >= x.score), 'ranked by score');
  assert.equal(top.phone, undefined, 'phones are masked');
  const csv = await s.api('GET', '/api/star-members?brand_id=1&csv=1', { token: T });
  assert.equal(csv.status, 200);
  assert.match(csv.headers['content-type'], /text\/csv/);
  assert.match(csv.text, /影响力 score/);
  const amb = await s.api('POST', `/api/star-members/${ref.id}/ambassador`, { token: T, body: { ambassador: true } });
  assert.equal(amb.status, 200, amb.text);
  const again = await s.api('GET', '/api/star-members?brand_id=1', { token: T });
  assert.equal(again.json.items.find((x) => x.id === ref.id).ambassador, true);
  const tags = await s.api('GET', '/api/tags', { token: T });
  assert.ok(tags.json.items.some((x) => x.name === '品牌大使' && x.member_count === 1));
  const off = await s.api('POST', `/api/star-members/${ref.id}/ambassador`, { token: T, body: { ambassador: false } });
  assert.equal(off.json.ambassador, false);
  await errorTable(t, s, T, [
    ['no brand', 'GET', '/api/star-members', undefined, 400, 'brand_id'],
    ['bad min score', 'GET', '/api/star-members?brand_id=1&min_score=-2', undefined, 400, 'min_score'],
    ['brand out of scope', 'GET', '/api/star-members?brand_id=1', undefined, 403, 'brand_id', { token: await s.token('qinghe.mgr') }],
    ['counter staff may not rank members', 'GET', '/api/star-members?brand_id=1', undefined, 403, undefined, { token: await s.token('ba001') }],
    ['counter staff may not list referrals', 'GET', '/api/referrals', undefined, 403, undefined, { token: await s.token('ba001') }],
    ['counter staff may not read the rules', 'GET', '/api/settings/referral', undefined, 403, undefined, { token: await s.token('ba001') }],
    ['ambassador without flag', 'POST', `/api/star-members/${ref.id}/ambassador`, {}, 400, 'ambassador'],
    ['ambassador unknown member', 'POST', '/api/star-members/99999/ambassador', { ambassador: true }, 404, 'id'],
    ['ambassador foreign tenant', 'POST', `/api/star-members/${ref.id}/ambassador`, { ambassador: true }, 404, 'id', { token: s.foreign.token }],
  ]);
});
