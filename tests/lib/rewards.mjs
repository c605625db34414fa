// rewards.mjs — fixtures for the reward tests (campaigns, coupon templates,
// members with a session).
//
//   const c = await liveCampaign(s, token, { per_member_daily: 2 });  // brand 1, live now
//   const t = await couponTemplate(s, token, { campaign_id: c.id });  // cash ¥10, 30 days
//   const m = await member(s, '13900000001');  // {id, token} via SMS login
import { memberLogin } from './server.mjs';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** A campaign of brand 1 (unless opts.brand_id), published, live from now − 1 min to now + 1 day. */
export async function liveCampaign(s, token, opts = {}) {
  const now = Date.now();
  const body = { brand_id: 1, name: `活动 ${now % 100000}`, starts_at: now - MIN, ends_at: now + DAY, ...opts };
  const c = await s.api('POST', '/api/campaigns', { token, body });
  if (c.status !== 201) throw new Error(`create campaign → ${c.status} ${c.text}`);
  const p = await s.api('POST', `/api/campaigns/${c.json.id}/publish`, { token });
  if (p.status !== 200) throw new Error(`publish campaign → ${p.status} ${p.text}`);
  return p.json;
}

/** A coupon template of brand 1: cash ¥10 off, valid 30 days from claim (override with opts). */
export async function couponTemplate(s, token, opts = {}) {
  const body = {
    brand_id: 1, name: `券 ${Date.now() % 100000}`, kind: 'cash', value_fen: 1000,
    validity: 'relative', valid_days: 30, ...opts,
  };
  const t = await s.api('POST', '/api/coupon-templates', { token, body });
  if (t.status !== 201) throw new Error(`create coupon template → ${t.status} ${t.text}`);
  return t.json;
}

/** A member signed in by SMS code: {id, token, phone}. */
export async function member(s, phone, opts = {}) {
  const r = await memberLogin(s, phone, opts);
  if (r.status !== 200) throw new Error(`member login ${phone} → ${r.status} ${r.text}`);
  return { id: r.json.member.id, token: r.json.token, phone: r.json.member.phone };
}

export { MIN, DAY };
