/*
 * schema.c — the versioned schema. A migration is never edited once it has
 * shipped: add a new one. Times are UTC milliseconds, money is fen (int64).
 * Every tenant-owned row carries enterprise_id.
 */
#include "store/store.h"

const hh_migration hh_migrations[] = {
    {1, "organisation, access, audit, idempotency",
     "CREATE TABLE enterprises ("
     "  id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
     "  timezone TEXT NOT NULL DEFAULT 'Asia/Shanghai', created_at INTEGER NOT NULL);"
     "CREATE TABLE brands ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  name TEXT NOT NULL, code TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',"
     "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, archived_at INTEGER,"
     "  UNIQUE (enterprise_id, code));"
     "CREATE TABLE stores ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  name TEXT NOT NULL, retailer TEXT NOT NULL, city_code TEXT NOT NULL,"
     "  city TEXT NOT NULL, province TEXT NOT NULL, address TEXT NOT NULL DEFAULT '',"
     "  counter_code TEXT NOT NULL, phone TEXT,"
     "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, archived_at INTEGER,"
     "  UNIQUE (enterprise_id, counter_code));"
     "CREATE INDEX stores_city ON stores(enterprise_id, city_code);"
     "CREATE TABLE store_brands ("
     "  store_id INTEGER NOT NULL REFERENCES stores(id),"
     "  brand_id INTEGER NOT NULL REFERENCES brands(id),"
     "  PRIMARY KEY (store_id, brand_id)) WITHOUT ROWID;"
     "CREATE INDEX store_brands_brand ON store_brands(brand_id, store_id);"
     "CREATE TABLE staff ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  store_id INTEGER NOT NULL REFERENCES stores(id), name TEXT NOT NULL,"
     "  phone TEXT, employee_no TEXT, title TEXT NOT NULL DEFAULT '',"
     "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, archived_at INTEGER);"
     "CREATE UNIQUE INDEX staff_employee_no ON staff(enterprise_id, employee_no)"
     "  WHERE employee_no IS NOT NULL;"
     "CREATE INDEX staff_store ON staff(store_id);"
     "CREATE TABLE accounts ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  login TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
     "  role TEXT NOT NULL CHECK (role IN ('owner','brand_manager','staff')),"
     "  password_hash TEXT NOT NULL, staff_id INTEGER REFERENCES staff(id),"
     "  disabled INTEGER NOT NULL DEFAULT 0, last_login_at INTEGER,"
     "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
     "CREATE UNIQUE INDEX accounts_staff ON accounts(staff_id) WHERE staff_id IS NOT NULL;"
     "CREATE TABLE account_brands ("
     "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
     "  brand_id INTEGER NOT NULL REFERENCES brands(id),"
     "  PRIMARY KEY (account_id, brand_id)) WITHOUT ROWID;"
     "CREATE TABLE sessions ("
     "  token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('account','member')),"
     "  subject_id INTEGER NOT NULL, enterprise_id INTEGER NOT NULL,"
     "  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;"
     "CREATE INDEX sessions_subject ON sessions(kind, subject_id);"
     "CREATE TABLE audit_log ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, at INTEGER NOT NULL,"
     "  actor_id INTEGER, actor_login TEXT, action TEXT NOT NULL, entity TEXT NOT NULL,"
     "  entity_id INTEGER, before_json TEXT, after_json TEXT);"
     "CREATE INDEX audit_entity ON audit_log(enterprise_id, entity, entity_id);"
     "CREATE INDEX audit_enterprise ON audit_log(enterprise_id, id);"
     "CREATE TABLE idempotency ("
     "  principal TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,"
     "  status INTEGER NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,"
     "  PRIMARY KEY (principal, key)) WITHOUT ROWID;"
     "CREATE INDEX idempotency_age ON idempotency(created_at);"},
    {2, "members and one-time codes",
     "CREATE TABLE members ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  phone TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',"
     "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_active_at INTEGER,"
     "  UNIQUE (enterprise_id, phone));"
     "CREATE TABLE otp_codes ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, phone TEXT NOT NULL,"
     "  code_hash TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
     "  attempts INTEGER NOT NULL DEFAULT 0, used_at INTEGER, client TEXT);"
     "CREATE INDEX otp_phone ON otp_codes(enterprise_id, phone, created_at);"
     "CREATE INDEX otp_client ON otp_codes(client, created_at);"
     "CREATE TABLE sms_outbox ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, phone TEXT NOT NULL,"
     "  kind TEXT NOT NULL CHECK (kind IN ('otp','marketing')), text TEXT NOT NULL,"
     "  provider TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL);"
     "CREATE INDEX sms_outbox_ent ON sms_outbox(enterprise_id, id);"},
    {3, "touchpoints, scans, attribution",
     "CREATE TABLE app_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
     "CREATE TABLE touchpoint_batches ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  name TEXT NOT NULL, brand_id INTEGER NOT NULL REFERENCES brands(id),"
     "  channel TEXT NOT NULL, per TEXT NOT NULL CHECK (per IN ('store','store_staff')),"
     "  spec_json TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('running','done','failed')),"
     "  total INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0, error TEXT,"
     "  created_by INTEGER, created_at INTEGER NOT NULL, finished_at INTEGER);"
     "CREATE TABLE touchpoints ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  kind TEXT NOT NULL CHECK (kind IN ('qr','link')), name TEXT NOT NULL,"
     "  brand_id INTEGER NOT NULL REFERENCES brands(id), campaign_id INTEGER,"
     "  store_id INTEGER REFERENCES stores(id), staff_id INTEGER REFERENCES staff(id),"
     "  channel TEXT NOT NULL CHECK (channel IN ('counter','product','poster','article',"
     "    'moments_ad','kol','mini_program','referral','other')),"
     "  utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_content TEXT, utm_term TEXT,"
     "  batch_id INTEGER REFERENCES touchpoint_batches(id), expires_at INTEGER, disabled_at INTEGER,"
     "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
     "CREATE INDEX touchpoints_ent ON touchpoints(enterprise_id, brand_id);"
     "CREATE INDEX touchpoints_store ON touchpoints(store_id);"
     "CREATE UNIQUE INDEX touchpoints_batch_item ON touchpoints(batch_id, store_id, coalesce(staff_id, 0))"
     "  WHERE batch_id IS NOT NULL;"
     "CREATE TABLE scans ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, touchpoint_id INTEGER NOT NULL,"
     "  at INTEGER NOT NULL, device_id TEXT, member_id INTEGER, outcome TEXT NOT NULL,"
     "  user_agent TEXT, referrer TEXT, ip TEXT);"
     "CREATE INDEX scans_tp ON scans(touchpoint_id, at);"
     "CREATE INDEX scans_device ON scans(device_id, at);"
     "CREATE INDEX scans_member ON scans(member_id, at);"
     "ALTER TABLE members ADD COLUMN first_touchpoint_id INTEGER;"
     "ALTER TABLE members ADD COLUMN first_touch_at INTEGER;"
     "ALTER TABLE members ADD COLUMN last_touchpoint_id INTEGER;"
     "ALTER TABLE members ADD COLUMN last_touch_at INTEGER;"},
    {4, "member profiles, identities, consents, ownership, events, tags",
     "ALTER TABLE members ADD COLUMN gender TEXT NOT NULL DEFAULT 'unknown';"
     "ALTER TABLE members ADD COLUMN birthday TEXT;"
     "ALTER TABLE members ADD COLUMN city_code TEXT;"
     "ALTER TABLE members ADD COLUMN status TEXT NOT NULL DEFAULT 'live';"  /* live, merged, erased */
     "ALTER TABLE members ADD COLUMN merged_into INTEGER;"
     "ALTER TABLE members ADD COLUMN registered_via TEXT NOT NULL DEFAULT 'h5';"
     "ALTER TABLE members ADD COLUMN reactivated_at INTEGER;"
     "ALTER TABLE members ADD COLUMN owner_staff_id INTEGER REFERENCES staff(id);"
     "ALTER TABLE members ADD COLUMN owner_store_id INTEGER REFERENCES stores(id);"
     "ALTER TABLE members ADD COLUMN consent_sms INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE members ADD COLUMN consent_sms_at INTEGER;"
     "ALTER TABLE members ADD COLUMN consent_sms_source TEXT;"
     "ALTER TABLE members ADD COLUMN consent_wechat INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE members ADD COLUMN consent_wechat_at INTEGER;"
     "ALTER TABLE members ADD COLUMN consent_wechat_source TEXT;"
     /* partial: most members (all imported ones) have no owner yet */
     "CREATE INDEX members_owner ON members(owner_staff_id) WHERE owner_staff_id IS NOT NULL;"
     "CREATE INDEX members_owner_store ON members(owner_store_id) WHERE owner_store_id IS NOT NULL;"
     "CREATE TABLE member_addresses ("
     "  id INTEGER PRIMARY KEY, member_id INTEGER NOT NULL REFERENCES members(id),"
     "  name TEXT NOT NULL, phone TEXT NOT NULL, province TEXT NOT NULL DEFAULT '',"
     "  city TEXT NOT NULL DEFAULT '', district TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL,"
     "  is_default INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
     "CREATE INDEX member_addresses_member ON member_addresses(member_id);"
     "CREATE TABLE member_identities ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, member_id INTEGER NOT NULL REFERENCES members(id),"
     "  kind TEXT NOT NULL CHECK (kind IN ('wechat_openid','wechat_unionid','app','mini_program','pos','legacy')),"
     "  value TEXT NOT NULL, created_at INTEGER NOT NULL);"
     "CREATE UNIQUE INDEX member_identities_value ON member_identities(enterprise_id, kind, value);"
     "CREATE INDEX member_identities_member ON member_identities(member_id);"
     "CREATE TABLE member_owner_history ("
     "  id INTEGER PRIMARY KEY, member_id INTEGER NOT NULL, from_staff_id INTEGER, to_staff_id INTEGER,"
     "  from_store_id INTEGER, to_store_id INTEGER, reason TEXT NOT NULL, actor_id INTEGER,"
     "  at INTEGER NOT NULL);"
     "CREATE INDEX member_owner_history_member ON member_owner_history(member_id);"
     "CREATE TABLE events ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL,"
     "  member_id INTEGER, touchpoint_id INTEGER, brand_id INTEGER, store_id INTEGER, staff_id INTEGER,"
     "  device_id TEXT, props_json TEXT);"
     "CREATE INDEX events_member ON events(member_id, at);"
     "CREATE INDEX events_kind ON events(enterprise_id, kind, at);"
     "CREATE TABLE tags ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, name TEXT NOT NULL,"
     "  group_name TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL CHECK (kind IN ('manual','rule')),"
     "  rule_json TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
     "  UNIQUE (enterprise_id, name));"
     "CREATE TABLE member_tags ("
     "  member_id INTEGER NOT NULL REFERENCES members(id), tag_id INTEGER NOT NULL REFERENCES tags(id),"
     "  at INTEGER NOT NULL, PRIMARY KEY (member_id, tag_id)) WITHOUT ROWID;"
     "CREATE INDEX member_tags_tag ON member_tags(tag_id, member_id);"
     "CREATE TABLE enterprise_settings ("
     "  enterprise_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
     "  PRIMARY KEY (enterprise_id, key)) WITHOUT ROWID;"},
    {5, "product codes (one code per unit), their scans and alerts",
     "CREATE TABLE product_batches ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  brand_id INTEGER NOT NULL REFERENCES brands(id), product TEXT NOT NULL, sku TEXT NOT NULL DEFAULT '',"
     "  batch_no TEXT NOT NULL, production_date TEXT NOT NULL, distributor TEXT NOT NULL DEFAULT '',"
     "  regions_json TEXT NOT NULL DEFAULT '[]', quantity INTEGER NOT NULL, scan_threshold INTEGER NOT NULL,"
     "  first_code_id INTEGER, status TEXT NOT NULL CHECK (status IN ('running','done','failed')),"
     "  done INTEGER NOT NULL DEFAULT 0, created_by INTEGER, created_at INTEGER NOT NULL, finished_at INTEGER,"
     "  UNIQUE (enterprise_id, brand_id, batch_no));"
     /* a unit code's id is first_code_id + serial - 1: codes of a batch are contiguous */
     "CREATE TABLE product_codes ("
     "  id INTEGER PRIMARY KEY, batch_id INTEGER NOT NULL, serial INTEGER NOT NULL,"
     "  scan_count INTEGER NOT NULL DEFAULT 0, first_scan_at INTEGER, first_scan_city TEXT);"
     "CREATE TABLE product_scans ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, code_id INTEGER NOT NULL,"
     "  batch_id INTEGER NOT NULL, at INTEGER NOT NULL, device_id TEXT, member_id INTEGER,"
     "  city_code TEXT, city_source TEXT, ip TEXT);"
     "CREATE INDEX product_scans_code ON product_scans(code_id, at);"
     "CREATE TABLE product_alerts ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, batch_id INTEGER NOT NULL,"
     "  code_id INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('repeat_scans','out_of_region')),"
     "  detail_json TEXT, at INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'open',"
     "  closed_by INTEGER, closed_at INTEGER, note TEXT);"
     "CREATE INDEX product_alerts_ent ON product_alerts(enterprise_id, status, id);"
     "CREATE UNIQUE INDEX product_alerts_once ON product_alerts(code_id, kind);"},
    {6, "import jobs",
     "CREATE TABLE import_jobs ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, kind TEXT NOT NULL,"
     "  filename TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('running','done','failed')),"
     "  bytes_total INTEGER NOT NULL, bytes_done INTEGER NOT NULL DEFAULT 0, rows INTEGER NOT NULL DEFAULT 0,"
     "  created INTEGER NOT NULL DEFAULT 0, existing INTEGER NOT NULL DEFAULT 0,"
     "  duplicate INTEGER NOT NULL DEFAULT 0, invalid INTEGER NOT NULL DEFAULT 0, error TEXT,"
     "  created_by INTEGER, created_at INTEGER NOT NULL, finished_at INTEGER);"
     "CREATE INDEX import_jobs_ent ON import_jobs(enterprise_id, id);"},
    {7, "SMS delivery through providers: attempts and retries",
     "ALTER TABLE sms_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE sms_outbox ADD COLUMN next_attempt_at INTEGER;"
     "ALTER TABLE sms_outbox ADD COLUMN sent_at INTEGER;"
     "ALTER TABLE sms_outbox ADD COLUMN error TEXT;"
     "CREATE INDEX sms_outbox_queue ON sms_outbox(next_attempt_at) WHERE status = 'queued';"},
    {8, "campaigns and rewards: coupons, counter redemption, lottery, red envelopes, samples, receipts, store events",
     /* ---- campaigns (src/reward/campaign.c) ---- */
     "CREATE TABLE campaigns ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  brand_id INTEGER NOT NULL REFERENCES brands(id), name TEXT NOT NULL,"
     "  description TEXT NOT NULL DEFAULT '', image TEXT,"
     "  starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,"
     "  status TEXT NOT NULL CHECK (status IN ('draft','scheduled','live','paused','ended')),"
     "  budget_fen INTEGER, spent_fen INTEGER NOT NULL DEFAULT 0,"
     "  per_member_total INTEGER, per_member_daily INTEGER, per_store_limit INTEGER, global_limit INTEGER,"
     "  used_count INTEGER NOT NULL DEFAULT 0, target_tags_json TEXT NOT NULL DEFAULT '[]',"
     /* lottery: secret seed, its published commitment, free draws per member per day, points per draw */
     "  seed TEXT, seed_commitment TEXT, seed_revealed_at INTEGER,"
     "  free_draws_per_day INTEGER NOT NULL DEFAULT 0, draw_points INTEGER,"
     "  created_by INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
     "CREATE INDEX campaigns_ent ON campaigns(enterprise_id, brand_id, status);"
     /* what a member, a store, a day used of a campaign's limits (day = 'YYYY-MM-DD' in the enterprise zone;
      * '' = all time, for stores; a member's all-time use is the sum of its days) */
     "CREATE TABLE campaign_usage ("
     "  campaign_id INTEGER NOT NULL, scope TEXT NOT NULL CHECK (scope IN ('member','store')),"
     "  subject_id INTEGER NOT NULL, day TEXT NOT NULL, n INTEGER NOT NULL,"
     "  PRIMARY KEY (campaign_id, scope, subject_id, day)) WITHOUT ROWID;"
     "ALTER TABLE events ADD COLUMN campaign_id INTEGER;"
     "CREATE INDEX events_campaign ON events(campaign_id, kind, at) WHERE campaign_id IS NOT NULL;"

     /* ---- coupons (src/reward/coupon.c) ---- */
     "CREATE TABLE coupon_templates ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  brand_id INTEGER NOT NULL REFERENCES brands(id), campaign_id INTEGER REFERENCES campaigns(id),"
     "  name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', image TEXT,"
     "  kind TEXT NOT NULL CHECK (kind IN ('cash','discount','gift','sample','prize')),"
     "  value_fen INTEGER, discount_pct INTEGER, min_spend_fen INTEGER NOT NULL DEFAULT 0, gift_name TEXT,"
     "  validity TEXT NOT NULL CHECK (validity IN ('fixed','relative')),"
     "  valid_from INTEGER, valid_to INTEGER, valid_days INTEGER,"
     "  quantity INTEGER, issued INTEGER NOT NULL DEFAULT 0, per_member_limit INTEGER,"
     "  claimable INTEGER NOT NULL DEFAULT 1,"
     "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','archived')),"
     "  created_by INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
     "CREATE INDEX coupon_templates_ent ON coupon_templates(enterprise_id, brand_id);"
     "CREATE INDEX coupon_templates_campaign ON coupon_templates(campaign_id) WHERE campaign_id IS NOT NULL;"
     /* where a template may be redeemed: brands (none listed = its own brand) and stores (none = every store of those brands) */
     "CREATE TABLE coupon_template_brands ("
     "  template_id INTEGER NOT NULL, brand_id INTEGER NOT NULL,"
     "  PRIMARY KEY (template_id, brand_id)) WITHOUT ROWID;"
     "CREATE TABLE coupon_template_stores ("
     "  template_id INTEGER NOT NULL, store_id INTEGER NOT NULL,"
     "  PRIMARY KEY (template_id, store_id)) WITHOUT ROWID;"
     "CREATE TABLE coupon_batches ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, template_id INTEGER NOT NULL REFERENCES coupon_templates(id),"
     "  quantity INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0,"
     "  status TEXT NOT NULL CHECK (status IN ('running','done','failed')), error TEXT,"
     "  created_by INTEGER, created_at INTEGER NOT NULL, finished_at INTEGER);"
     "CREATE INDEX coupon_batches_template ON coupon_batches(template_id);"
     /* every counter-redeemable benefit is a coupon row: claimed coupons, batch codes
      * (member_id NULL until claimed), lottery wins to collect at a counter */
     "CREATE TABLE coupons ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, template_id INTEGER NOT NULL REFERENCES coupon_templates(id),"
     "  code TEXT NOT NULL, batch_id INTEGER, member_id INTEGER REFERENCES members(id),"
     "  campaign_id INTEGER, touchpoint_id INTEGER,"
     "  source TEXT NOT NULL CHECK (source IN ('claim','staff','admin','campaign','batch','receipt','lottery','level','referral','points')),"
     "  source_id INTEGER, status TEXT NOT NULL DEFAULT 'issued' CHECK (status IN ('issued','redeemed','expired','voided')),"
     "  valid_from INTEGER, valid_to INTEGER, issued_at INTEGER NOT NULL, claimed_at INTEGER,"
     "  issued_by_staff_id INTEGER, issued_store_id INTEGER,"
     "  redeemed_at INTEGER, redemption_id INTEGER, voided_at INTEGER, void_reason TEXT);"
     "CREATE UNIQUE INDEX coupons_code ON coupons(enterprise_id, code);"
     "CREATE INDEX coupons_member ON coupons(member_id, status) WHERE member_id IS NOT NULL;"
     "CREATE INDEX coupons_template ON coupons(template_id, member_id);"
     /* the console lists a template's coupons newest first (millions for printed batches) */
     "CREATE INDEX coupons_template_id ON coupons(template_id, id);"
     "CREATE INDEX coupons_batch ON coupons(batch_id) WHERE batch_id IS NOT NULL;"

     /* ---- counter redemption (src/reward/redeem.c) ---- */
     "CREATE TABLE redemptions ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, coupon_id INTEGER NOT NULL REFERENCES coupons(id),"
     "  member_id INTEGER, brand_id INTEGER NOT NULL, store_id INTEGER NOT NULL, staff_id INTEGER,"
     "  account_id INTEGER NOT NULL, campaign_id INTEGER,"
     "  method TEXT NOT NULL CHECK (method IN ('member_qr','coupon_code','phone_otp')),"
     "  order_amount_fen INTEGER, at INTEGER NOT NULL,"
     "  undone_at INTEGER, undone_by INTEGER, undo_reason TEXT);"
     "CREATE INDEX redemptions_store ON redemptions(store_id, at);"
     "CREATE INDEX redemptions_staff ON redemptions(staff_id, at);"
     "CREATE INDEX redemptions_coupon ON redemptions(coupon_id);"
     /* one live redemption per coupon, whatever the code above does (SPEC §4.2) */
     "CREATE UNIQUE INDEX redemptions_live ON redemptions(coupon_id) WHERE undone_at IS NULL;"
     "CREATE INDEX redemptions_ent ON redemptions(enterprise_id, at);"
     "CREATE INDEX redemptions_member ON redemptions(member_id) WHERE member_id IS NOT NULL;"

     /* ---- lottery (src/reward/lottery*.c) ---- */
     /* stock = every unit ever put in (initial + additions), remaining = not yet won:
      * stock - remaining = won. counter_template_id: the hidden coupon template
      * (kind "prize") a counter prize is issued as. */
     "CREATE TABLE lottery_prizes ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
     "  name TEXT NOT NULL, image TEXT, value_fen INTEGER NOT NULL DEFAULT 0 CHECK (value_fen BETWEEN 0 AND 5000000),"
     "  stock INTEGER NOT NULL, remaining INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= stock),"
     "  weight INTEGER NOT NULL CHECK (weight >= 0), daily_cap INTEGER,"
     "  fulfilment TEXT NOT NULL CHECK (fulfilment IN ('counter','mail','coupon','envelope')),"
     "  coupon_template_id INTEGER, envelope_pool_id INTEGER, counter_template_id INTEGER,"
     "  claim_days INTEGER NOT NULL DEFAULT 30, is_fallback INTEGER NOT NULL DEFAULT 0,"
     "  position INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
     "CREATE INDEX lottery_prizes_campaign ON lottery_prizes(campaign_id, position);"
     /* the weight of drawing nothing and what happens when a roll lands on a prize that is
      * out (mode 'redistribute': only available prizes take part; 'fixed': every prize keeps
      * its share and an unavailable one turns into the fallback prize, or nothing) */
     "CREATE TABLE lottery_pools ("
     "  campaign_id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, no_prize_weight INTEGER NOT NULL DEFAULT 0,"
     "  no_prize_label TEXT NOT NULL DEFAULT '',"
     "  mode TEXT NOT NULL DEFAULT 'redistribute' CHECK (mode IN ('redistribute','fixed')),"
     "  updated_at INTEGER NOT NULL);"
     "CREATE TABLE lottery_prize_days ("
     "  prize_id INTEGER NOT NULL, day TEXT NOT NULL, won INTEGER NOT NULL,"
     "  PRIMARY KEY (prize_id, day)) WITHOUT ROWID;"
     /* stock added once a campaign has draws: applies from draw after_draw_id + 1 on
      * (the verifier replays draws from the initial stock and these additions) */
     "CREATE TABLE lottery_stock_adds ("
     "  id INTEGER PRIMARY KEY, prize_id INTEGER NOT NULL, campaign_id INTEGER NOT NULL,"
     "  after_draw_id INTEGER NOT NULL, quantity INTEGER NOT NULL CHECK (quantity > 0),"
     "  actor_id INTEGER, at INTEGER NOT NULL);"
     "CREATE INDEX lottery_stock_adds_campaign ON lottery_stock_adds(campaign_id, after_draw_id);"
     /* roll: the first 8 bytes of HMAC-SHA-256(seed, draw id) as a signed 64-bit integer */
     "CREATE TABLE lottery_draws ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, campaign_id INTEGER NOT NULL,"
     "  member_id INTEGER NOT NULL, at INTEGER NOT NULL,"
     "  entry TEXT NOT NULL CHECK (entry IN ('pass_code','points','receipt','free','grant')), entry_ref INTEGER,"
     "  roll INTEGER NOT NULL, prize_id INTEGER, fallback INTEGER NOT NULL DEFAULT 0,"
     "  claim TEXT CHECK (claim IN ('counter','mail','coupon','envelope')),"
     "  claim_status TEXT NOT NULL DEFAULT 'none'"
     "    CHECK (claim_status IN ('none','unclaimed','claimed','shipped','delivered','failed')),"
     "  coupon_id INTEGER, envelope_id INTEGER, address_json TEXT, tracking_no TEXT, claim_error TEXT,"
     "  touchpoint_id INTEGER, store_id INTEGER, staff_id INTEGER);"
     "CREATE INDEX lottery_draws_campaign ON lottery_draws(campaign_id, id);"
     "CREATE INDEX lottery_draws_member ON lottery_draws(member_id, campaign_id, at);"
     "CREATE INDEX lottery_draws_wins ON lottery_draws(campaign_id, claim_status, id) WHERE prize_id IS NOT NULL;"
     /* free draws used per member and local day */
     "CREATE TABLE lottery_free_days ("
     "  campaign_id INTEGER NOT NULL, member_id INTEGER NOT NULL, day TEXT NOT NULL, n INTEGER NOT NULL,"
     "  PRIMARY KEY (campaign_id, member_id, day)) WITHOUT ROWID;"
     /* kind 'codes': printed pass codes generated by a job; 'product': the unit codes of
      * product_batch_id (一物一码) each enter one draw */
     "CREATE TABLE lottery_pass_batches ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, campaign_id INTEGER NOT NULL,"
     "  kind TEXT NOT NULL DEFAULT 'codes' CHECK (kind IN ('codes','product')), product_batch_id INTEGER,"
     "  name TEXT NOT NULL DEFAULT '', quantity INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0,"
     "  status TEXT NOT NULL CHECK (status IN ('running','done','failed')), error TEXT,"
     "  created_by INTEGER, created_at INTEGER NOT NULL, finished_at INTEGER);"
     "CREATE INDEX lottery_pass_batches_campaign ON lottery_pass_batches(campaign_id, id);"
     "CREATE UNIQUE INDEX lottery_pass_batches_product ON lottery_pass_batches(campaign_id, product_batch_id)"
     "  WHERE product_batch_id IS NOT NULL;"
     /* a printed code, or a product unit's code once it has entered a draw */
     "CREATE TABLE lottery_pass_codes ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, campaign_id INTEGER NOT NULL,"
     "  batch_id INTEGER, product_code_id INTEGER, code TEXT NOT NULL,"
     "  used_at INTEGER, member_id INTEGER, draw_id INTEGER);"
     "CREATE UNIQUE INDEX lottery_pass_codes_code ON lottery_pass_codes(enterprise_id, code);"
     "CREATE INDEX lottery_pass_codes_batch ON lottery_pass_codes(batch_id, id) WHERE batch_id IS NOT NULL;"
     "CREATE INDEX lottery_pass_codes_used ON lottery_pass_codes(batch_id) WHERE used_at IS NOT NULL;"
     /* draws granted to a member (approved receipt, tier, admin) and not yet used */
     "CREATE TABLE lottery_grants ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, campaign_id INTEGER NOT NULL,"
     "  member_id INTEGER NOT NULL, source TEXT NOT NULL, source_id INTEGER, granted_at INTEGER NOT NULL,"
     "  draw_id INTEGER);"
     "CREATE INDEX lottery_grants_member ON lottery_grants(member_id, campaign_id) WHERE draw_id IS NULL;"

     /* ---- red envelopes (src/reward/envelope.c) ---- */
     "CREATE TABLE envelope_pools ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, brand_id INTEGER NOT NULL,"
     "  campaign_id INTEGER REFERENCES campaigns(id), name TEXT NOT NULL,"
     "  mode TEXT NOT NULL CHECK (mode IN ('fixed','random')), amount_fen INTEGER,"
     "  budget_fen INTEGER NOT NULL CHECK (budget_fen > 0), remaining_fen INTEGER NOT NULL CHECK (remaining_fen >= 0),"
     "  count_total INTEGER NOT NULL, count_remaining INTEGER NOT NULL CHECK (count_remaining >= 0),"
     "  min_fen INTEGER NOT NULL DEFAULT 1, per_member_limit INTEGER NOT NULL DEFAULT 1,"
     "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','closed')),"
     "  created_by INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
     "CREATE TABLE red_envelopes ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, pool_id INTEGER NOT NULL REFERENCES envelope_pools(id),"
     "  campaign_id INTEGER, member_id INTEGER NOT NULL, amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
     "  source TEXT NOT NULL, source_id INTEGER,"
     "  status TEXT NOT NULL CHECK (status IN ('pending','paid','failed')), provider TEXT NOT NULL,"
     "  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, provider_ref TEXT, error TEXT,"
     "  created_at INTEGER NOT NULL, paid_at INTEGER,"
     /* payout_round: part of the idempotency key sent to the provider; an admin retry after a
      * permanent refusal (4xx) starts a new round, after exhausted transient failures it keeps
      * the round (the provider may have paid) */
     "  payout_round INTEGER NOT NULL DEFAULT 1, last_http_status INTEGER, failed_at INTEGER);"
     "CREATE INDEX envelope_pools_ent ON envelope_pools(enterprise_id, brand_id, status);"
     "CREATE INDEX red_envelopes_member ON red_envelopes(member_id);"
     "CREATE INDEX red_envelopes_pool ON red_envelopes(pool_id, status);"
     "CREATE INDEX red_envelopes_ent ON red_envelopes(enterprise_id, status, id);"
     "CREATE INDEX red_envelopes_queue ON red_envelopes(next_attempt_at) WHERE status = 'pending';"

     /* ---- trial samples (src/reward/sample.c) ---- */
     "CREATE TABLE sample_offers ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, brand_id INTEGER NOT NULL,"
     "  campaign_id INTEGER REFERENCES campaigns(id), name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',"
     "  image TEXT, stock INTEGER NOT NULL, remaining INTEGER NOT NULL CHECK (remaining >= 0),"
     "  shipping_fee_fen INTEGER NOT NULL DEFAULT 0, starts_at INTEGER, ends_at INTEGER,"
     "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','closed')),"
     "  created_by INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
     "CREATE TABLE sample_requests ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, offer_id INTEGER NOT NULL REFERENCES sample_offers(id),"
     "  member_id INTEGER NOT NULL, address_json TEXT NOT NULL, fee_owed_fen INTEGER NOT NULL DEFAULT 0,"
     "  status TEXT NOT NULL CHECK (status IN ('requested','shipped','delivered','cancelled')),"
     "  carrier TEXT, tracking_no TEXT, touchpoint_id INTEGER,"
     "  created_at INTEGER NOT NULL, shipped_at INTEGER, delivered_at INTEGER, cancelled_at INTEGER, cancel_reason TEXT);"
     "CREATE INDEX sample_offers_ent ON sample_offers(enterprise_id, brand_id, status);"
     "CREATE INDEX sample_requests_offer ON sample_requests(offer_id, status);"
     "CREATE INDEX sample_requests_member ON sample_requests(member_id);"
     "CREATE INDEX sample_requests_ent ON sample_requests(enterprise_id, status, id);"

     /* ---- receipts and amount tiers (src/reward/receipt.c) ---- */
     "CREATE TABLE receipts ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, brand_id INTEGER NOT NULL,"
     "  campaign_id INTEGER, member_id INTEGER NOT NULL, retailer TEXT NOT NULL,"
     "  store_id INTEGER, store_name TEXT NOT NULL DEFAULT '', purchased_at INTEGER NOT NULL,"
     "  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0), receipt_no TEXT NOT NULL,"
     "  photo_path TEXT, photo_sha256 TEXT, photo_type TEXT, photo_bytes INTEGER,"
     "  status TEXT NOT NULL CHECK (status IN ('pending','approved','rejected')),"
     "  reviewed_by INTEGER, reviewed_at INTEGER, reject_reason TEXT, rewards_json TEXT,"
     "  tier_id INTEGER, created_at INTEGER NOT NULL);"
     "CREATE INDEX receipts_queue ON receipts(enterprise_id, status, id);"
     "CREATE INDEX receipts_member ON receipts(member_id);"
     "CREATE INDEX receipts_no ON receipts(enterprise_id, receipt_no);"
     "CREATE INDEX receipts_photo ON receipts(enterprise_id, photo_sha256) WHERE photo_sha256 IS NOT NULL;"
     "CREATE INDEX receipts_store ON receipts(store_id, status, id) WHERE store_id IS NOT NULL;"
     "CREATE TABLE receipt_tiers ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, brand_id INTEGER NOT NULL,"
     "  campaign_id INTEGER, name TEXT NOT NULL, min_amount_fen INTEGER NOT NULL,"
     "  coupon_template_id INTEGER, envelope_pool_id INTEGER, draws INTEGER NOT NULL DEFAULT 0,"
     "  points INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
     "CREATE INDEX receipt_tiers_brand ON receipt_tiers(enterprise_id, brand_id, min_amount_fen);"

     /* ---- store events: registration, waitlist, check-in (src/reward/activity.c) ---- */
     "CREATE TABLE activities ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, brand_id INTEGER NOT NULL,"
     "  store_id INTEGER NOT NULL REFERENCES stores(id), campaign_id INTEGER,"
     "  title TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', image TEXT,"
     "  starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, capacity INTEGER NOT NULL CHECK (capacity > 0),"
     "  waitlist INTEGER NOT NULL DEFAULT 1, remind_minutes INTEGER NOT NULL DEFAULT 120, reminded_at INTEGER,"
     "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed','cancelled')),"
     "  created_by INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
     "CREATE INDEX activities_ent ON activities(enterprise_id, starts_at);"
     "CREATE TABLE activity_signups ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, activity_id INTEGER NOT NULL REFERENCES activities(id),"
     "  member_id INTEGER NOT NULL,"
     "  status TEXT NOT NULL CHECK (status IN ('registered','waitlisted','cancelled','attended')),"
     "  created_at INTEGER NOT NULL, promoted_at INTEGER, cancelled_at INTEGER,"
     "  checked_in_at INTEGER, checked_in_by INTEGER, reminded_at INTEGER);"
     "CREATE INDEX activity_signups_activity ON activity_signups(activity_id, status, id);"
     "CREATE INDEX activity_signups_member ON activity_signups(member_id);"
     /* events still to be reminded of (the housekeeping pass looks here) */
     "CREATE INDEX activities_remind ON activities(starts_at) WHERE reminded_at IS NULL AND status = 'open';"
     /* Reminders are service messages (transactional, like a code; not marketing:
      * no consent needed, no opt-out line). The outbox's kinds are a CHECK of
      * migration 2; widening the list of allowed values invalidates no row, so
      * the table's stored definition is edited in place (SQLite's documented
      * procedure for relaxing a CHECK) instead of rebuilding the table. The
      * CREATE TABLEs above change the schema cookie in this same transaction,
      * so every connection reloads the schema. */
     "PRAGMA writable_schema = ON;"
     "UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (kind IN (''otp'',''marketing''))',"
     "  'CHECK (kind IN (''otp'',''marketing'',''service''))') WHERE type = 'table' AND name = 'sms_outbox';"
     "PRAGMA writable_schema = RESET;"},
    {9, "points ledger, lots, earn rules, levels",
     /* ---- the double-entry ledger (src/points/ledger.c) ----
      * One points program per enterprise. Accounts: one per member, and the
      * program's accounts issued / redeemed / expired / adjusted, one per
      * funding brand (brand_id NULL: funded by the enterprise). A member
      * account's balance is what the member holds (>= 0); program accounts
      * mirror it (issued goes negative as points are given out). */
     "CREATE TABLE points_accounts ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  kind TEXT NOT NULL CHECK (kind IN ('member','issued','redeemed','expired','adjusted')),"
     "  member_id INTEGER REFERENCES members(id), brand_id INTEGER REFERENCES brands(id),"
     "  balance INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
     "  CHECK (kind <> 'member' OR (member_id IS NOT NULL AND brand_id IS NULL AND balance >= 0)),"
     "  CHECK (kind = 'member' OR member_id IS NULL));"
     "CREATE UNIQUE INDEX points_accounts_key ON points_accounts(enterprise_id, kind, coalesce(member_id, 0), coalesce(brand_id, 0));"
     "CREATE UNIQUE INDEX points_accounts_member ON points_accounts(member_id) WHERE member_id IS NOT NULL;"
     /* append-only: a transaction is never updated or deleted; a correction is
      * a new transaction (kind reversal or refund) naming it in reverses_id.
      * points is the change of the member's balance; day is the local day. */
     "CREATE TABLE points_txns ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  kind TEXT NOT NULL CHECK (kind IN ('earn','spend','refund','expire','adjust','reversal','transfer')),"
     "  member_id INTEGER NOT NULL REFERENCES members(id), points INTEGER NOT NULL,"
     "  brand_id INTEGER, rule_id INTEGER, campaign_id INTEGER, store_id INTEGER, staff_id INTEGER, touchpoint_id INTEGER,"
     "  source TEXT NOT NULL, source_id INTEGER, reverses_id INTEGER REFERENCES points_txns(id),"
     "  reason TEXT, actor_id INTEGER, spend_fen INTEGER, props_json TEXT,"
     "  day TEXT NOT NULL, at INTEGER NOT NULL);"
     "CREATE INDEX points_txns_member ON points_txns(member_id, id);"
     "CREATE INDEX points_txns_ent ON points_txns(enterprise_id, id);"
     "CREATE INDEX points_txns_rule_day ON points_txns(rule_id, member_id, day) WHERE rule_id IS NOT NULL;"
     /* one award per member, source event and rule; one refund or reversal per transaction */
     "CREATE UNIQUE INDEX points_txns_source ON points_txns(member_id, source, source_id, coalesce(rule_id, 0))"
     "  WHERE kind = 'earn' AND source_id IS NOT NULL;"
     "CREATE UNIQUE INDEX points_txns_reverses ON points_txns(reverses_id) WHERE reverses_id IS NOT NULL;"
     "CREATE TABLE points_entries ("
     "  id INTEGER PRIMARY KEY, txn_id INTEGER NOT NULL REFERENCES points_txns(id),"
     "  account_id INTEGER NOT NULL REFERENCES points_accounts(id), amount INTEGER NOT NULL CHECK (amount <> 0));"
     "CREATE INDEX points_entries_txn ON points_entries(txn_id);"
     "CREATE INDEX points_entries_account ON points_entries(account_id, id);"
     /* earned points form lots with an expiry (NULL: never); spending takes
      * from the lots that expire first; every change of a lot is a move
      * (signed) of one transaction, so remaining = sum of its moves */
     "CREATE TABLE points_lots ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, member_id INTEGER NOT NULL REFERENCES members(id),"
     "  txn_id INTEGER NOT NULL REFERENCES points_txns(id), brand_id INTEGER,"
     "  points INTEGER NOT NULL CHECK (points > 0),"
     "  remaining INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= points),"
     "  earned_at INTEGER NOT NULL, expires_at INTEGER, origin_lot_id INTEGER REFERENCES points_lots(id));"
     "CREATE INDEX points_lots_member ON points_lots(member_id, id);"
     "CREATE INDEX points_lots_due ON points_lots(expires_at) WHERE remaining > 0;"
     "CREATE TABLE points_lot_moves ("
     "  id INTEGER PRIMARY KEY, lot_id INTEGER NOT NULL REFERENCES points_lots(id),"
     "  txn_id INTEGER NOT NULL REFERENCES points_txns(id), amount INTEGER NOT NULL CHECK (amount <> 0));"
     "CREATE INDEX points_lot_moves_lot ON points_lot_moves(lot_id);"
     "CREATE INDEX points_lot_moves_txn ON points_lot_moves(txn_id);"
     /* purchases that went through the points API: the basis of spend levels */
     "CREATE TABLE points_purchases ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, member_id INTEGER NOT NULL,"
     "  brand_id INTEGER, store_id INTEGER, product TEXT NOT NULL DEFAULT '', amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
     "  source TEXT NOT NULL, source_id INTEGER, txn_id INTEGER, at INTEGER NOT NULL);"
     "CREATE INDEX points_purchases_member ON points_purchases(member_id, at);"
     "CREATE UNIQUE INDEX points_purchases_source ON points_purchases(member_id, source, source_id, product)"
     "  WHERE source_id IS NOT NULL;"

     /* ---- earn rules (src/points/rules.c) ----
      * spend: points per unit_fen spent (brand, store, product filters; the
      * most specific active rule applies); action: fixed points for an action;
      * multiplier: multiplier_pct on awards of a campaign, or within a window
      * (optionally for one brand / store / action). Caps are points per member
      * per local day and in total, from the rule. */
     "CREATE TABLE points_rules ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  name TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('spend','action','multiplier')),"
     "  action TEXT CHECK (action IN ('spend','register','profile','checkin','referral','event','receipt')),"
     "  brand_id INTEGER REFERENCES brands(id), store_id INTEGER REFERENCES stores(id), product TEXT,"
     "  campaign_id INTEGER, points INTEGER, unit_fen INTEGER, multiplier_pct INTEGER,"
     "  daily_cap INTEGER, total_cap INTEGER, starts_at INTEGER, ends_at INTEGER,"
     "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','paused','archived')),"
     "  created_by INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
     "CREATE INDEX points_rules_ent ON points_rules(enterprise_id, kind, status);"

     /* ---- member levels (src/points/levels.c) ---- */
     "CREATE TABLE points_levels ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  rank INTEGER NOT NULL, name TEXT NOT NULL, threshold INTEGER NOT NULL CHECK (threshold >= 0),"
     "  earn_multiplier_pct INTEGER NOT NULL DEFAULT 100, coupon_template_ids_json TEXT NOT NULL DEFAULT '[]',"
     "  benefits TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, archived_at INTEGER);"
     "CREATE UNIQUE INDEX points_levels_rank ON points_levels(enterprise_id, rank) WHERE archived_at IS NULL;"
     /* a member's level (no row: the lowest level); review_at: the end of the
      * period at which a downgrade may happen */
     "CREATE TABLE member_levels ("
     "  member_id INTEGER PRIMARY KEY REFERENCES members(id), enterprise_id INTEGER NOT NULL,"
     "  level_id INTEGER NOT NULL REFERENCES points_levels(id), since INTEGER NOT NULL,"
     "  basis_value INTEGER NOT NULL DEFAULT 0, review_at INTEGER, evaluated_at INTEGER NOT NULL);"
     "CREATE INDEX member_levels_review ON member_levels(review_at) WHERE review_at IS NOT NULL;"
     "CREATE TABLE member_level_history ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, member_id INTEGER NOT NULL,"
     "  from_level_id INTEGER, to_level_id INTEGER, direction TEXT NOT NULL CHECK (direction IN ('up','down')),"
     "  basis TEXT NOT NULL, basis_value INTEGER NOT NULL, reason TEXT NOT NULL, coupons_json TEXT,"
     "  actor_id INTEGER, at INTEGER NOT NULL);"
     "CREATE INDEX member_level_history_member ON member_level_history(member_id, id);"
     "CREATE INDEX member_level_history_ent ON member_level_history(enterprise_id, id);"},
    {10, "gift mall, referrals",
     "CREATE TABLE gifts ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  brand_id INTEGER REFERENCES brands(id), name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',"
     "  image TEXT, points INTEGER NOT NULL CHECK (points > 0), cash_fen INTEGER NOT NULL DEFAULT 0 CHECK (cash_fen >= 0),"
     "  stock INTEGER NOT NULL CHECK (stock >= 0), remaining INTEGER NOT NULL CHECK (remaining >= 0),"
     "  per_member_limit INTEGER, pickup INTEGER NOT NULL DEFAULT 1, mail INTEGER NOT NULL DEFAULT 1,"
     "  shipping_fee_fen INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL DEFAULT 0,"
     "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','archived')),"
     "  created_by INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
     "CREATE INDEX gifts_ent ON gifts(enterprise_id, status, position);"
     "CREATE TABLE gift_orders ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, gift_id INTEGER NOT NULL REFERENCES gifts(id),"
     "  member_id INTEGER NOT NULL REFERENCES members(id), quantity INTEGER NOT NULL CHECK (quantity > 0),"
     "  points INTEGER NOT NULL, cash_fen INTEGER NOT NULL DEFAULT 0,"
     "  fulfilment TEXT NOT NULL CHECK (fulfilment IN ('pickup','mail')), store_id INTEGER, address_json TEXT,"
     "  shipping_fee_fen INTEGER NOT NULL DEFAULT 0,"
     "  status TEXT NOT NULL CHECK (status IN ('placed','ready','shipped','completed','cancelled')),"
     "  spend_txn_id INTEGER, refund_txn_id INTEGER, carrier TEXT, tracking_no TEXT, handed_over_by INTEGER,"
     "  created_at INTEGER NOT NULL, ready_at INTEGER, shipped_at INTEGER, completed_at INTEGER,"
     "  cancelled_at INTEGER, cancelled_by TEXT, cancel_reason TEXT);"
     "CREATE INDEX gift_orders_member ON gift_orders(member_id, id);"
     "CREATE INDEX gift_orders_gift ON gift_orders(gift_id, status);"
     "CREATE INDEX gift_orders_store ON gift_orders(store_id, status) WHERE store_id IS NOT NULL;"
     "CREATE INDEX gift_orders_ent ON gift_orders(enterprise_id, id);"
     /* a member's personal referral link is a touchpoint of channel 'referral' */
     "ALTER TABLE touchpoints ADD COLUMN referrer_member_id INTEGER;"
     "CREATE UNIQUE INDEX touchpoints_referrer ON touchpoints(referrer_member_id) WHERE referrer_member_id IS NOT NULL;"
     "CREATE TABLE referrals ("
     "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL, referrer_id INTEGER NOT NULL,"
     "  referred_id INTEGER NOT NULL, touchpoint_id INTEGER, device_id TEXT, at INTEGER NOT NULL,"
     "  condition TEXT NOT NULL CHECK (condition IN ('registration','first_purchase','first_redemption')),"
     "  status TEXT NOT NULL CHECK (status IN ('pending','held','rewarded','rejected')),"
     "  qualified_at INTEGER, hold_reasons_json TEXT, reviewed_by INTEGER, reviewed_at INTEGER, review_note TEXT,"
     "  referrer_txn_id INTEGER, referred_txn_id INTEGER, rewarded_at INTEGER);"
     "CREATE UNIQUE INDEX referrals_referred ON referrals(referred_id);"
     "CREATE INDEX referrals_referrer ON referrals(referrer_id, at);"
     "CREATE INDEX referrals_ent ON referrals(enterprise_id, status, id);"},
    {11, "legacy member numbers on the member row (bulk import)",
     /* an imported legacy number is kept on the member row: one partial index
      * instead of an identity row and its two indexes (three B-trees) per row.
      * Identities bound later through the API stay in member_identities; the
      * application keeps a legacy number unique across both places. */
     "ALTER TABLE members ADD COLUMN legacy_no TEXT;"
     "CREATE UNIQUE INDEX members_legacy_no ON members(enterprise_id, legacy_no) WHERE legacy_no IS NOT NULL;"
     /* every bound identity, wherever it is kept. The identity id of a number on
      * the member row is 2^52 + the member id: above any member_identities id,
      * below 2^53, so exact in every JSON client */
     "CREATE VIEW member_identity_list AS"
     "  SELECT id, enterprise_id, member_id, kind, value, created_at FROM member_identities"
     "  UNION ALL"
     "  SELECT 4503599627370496 + id, enterprise_id, id, 'legacy', legacy_no, created_at FROM members"
     "  WHERE legacy_no IS NOT NULL;"},
    {12, "CHECK lists as comparisons in the tables every redemption, draw and points move writes",
     /* SQLite checks `x IN ('a','b','c')` by building a temporary B-tree for
      * every row it writes (a malloc'd pager and its pages): a tenth of the
      * writer's time per redemption and a third of a draw's insert. Here the
      * CHECKs of migrations 8 and 9 on the tables written on those paths
      * become `x = 'a' OR x = 'b' …`, which allow exactly the same values, so
      * no row can become invalid and the stored definitions are edited in
      * place (as in migration 8 for sms_outbox).
      * The scratch table makes this transaction change the schema cookie,
      * so every open connection reloads the definitions. */
     "PRAGMA writable_schema = ON;"
     "UPDATE sqlite_schema SET sql = replace(sql,"
     "  'CHECK (method IN (''member_qr'',''coupon_code'',''phone_otp''))',"
     "  'CHECK (method = ''member_qr'' OR method = ''coupon_code'' OR method = ''phone_otp'')')"
     "  WHERE type = 'table' AND name = 'redemptions';"
     "UPDATE sqlite_schema SET sql = replace(replace(sql,"
     "  'CHECK (source IN (''claim'',''staff'',''admin'',''campaign'',''batch'',''receipt'',''lottery'',''level'',''referral'',''points''))',"
     "  'CHECK (source = ''claim'' OR source = ''staff'' OR source = ''admin'' OR source = ''campaign''"
     "    OR source = ''batch'' OR source = ''receipt'' OR source = ''lottery'' OR source = ''level'' OR source = ''referral''"
     "    OR source = ''points'')'),"
     "  'CHECK (status IN (''issued'',''redeemed'',''expired'',''voided''))',"
     "  'CHECK (status = ''issued'' OR status = ''redeemed'' OR status = ''expired'' OR status = ''voided'')')"
     "  WHERE type = 'table' AND name = 'coupons';"
     "UPDATE sqlite_schema SET sql = replace(replace(replace(sql,"
     "  'CHECK (entry IN (''pass_code'',''points'',''receipt'',''free'',''grant''))',"
     "  'CHECK (entry = ''free'' OR entry = ''pass_code'' OR entry = ''points'' OR entry = ''receipt''"
     "    OR entry = ''grant'')'),"
     "  'CHECK (claim IN (''counter'',''mail'',''coupon'',''envelope''))',"
     "  'CHECK (claim = ''mail'' OR claim = ''counter'' OR claim = ''coupon'' OR claim = ''envelope'')'),"
     "  'CHECK (claim_status IN (''none'',''unclaimed'',''claimed'',''shipped'',''delivered'',''failed''))',"
     "  'CHECK (claim_status = ''none'' OR claim_status = ''unclaimed'' OR claim_status = ''claimed''"
     "    OR claim_status = ''shipped'' OR claim_status = ''delivered'' OR claim_status = ''failed'')')"
     "  WHERE type = 'table' AND name = 'lottery_draws';"
     "UPDATE sqlite_schema SET sql = replace(sql,"
     "  'CHECK (kind IN (''earn'',''spend'',''refund'',''expire'',''adjust'',''reversal'',''transfer''))',"
     "  'CHECK (kind = ''earn'' OR kind = ''spend'' OR kind = ''refund'' OR kind = ''expire''"
     "    OR kind = ''adjust'' OR kind = ''reversal'' OR kind = ''transfer'')')"
     "  WHERE type = 'table' AND name = 'points_txns';"
     "PRAGMA writable_schema = RESET;"
     "CREATE TABLE hh_migration_12 (x);"
     "DROP TABLE hh_migration_12;"},
    {13, "the cash value of a redeemed coupon on its redemption",
     /* the redemption list's totals summed the cash value by joining every
      * redemption in the filter to its coupon and template: 0.6 s of the
      * list's 1.1 s at 1M redemptions. The value as it was when the coupon
      * was redeemed (NULL: not a cash coupon) is kept on the row instead. */
     "ALTER TABLE redemptions ADD COLUMN cash_value_fen INTEGER;"
     "UPDATE redemptions SET cash_value_fen = (SELECT t.value_fen FROM coupons c JOIN coupon_templates t"
     "  ON t.id = c.template_id WHERE c.id = redemptions.coupon_id AND t.kind = 'cash');"},
    {14, "a member's free draws on the member's campaign usage row; events indexed as they are read",
     /* A draw wrote two counter rows keyed by member and day: campaign_usage
      * (the campaign's limits) and lottery_free_days (free draws). Each is a
      * B-tree write at a random place and a page in the commit, so the free
      * draws become a column of the usage row: one read and one upsert per
      * draw. Every free draw was counted in both, so the usage row exists;
      * the upsert covers rows from before usage was counted.
      * events was indexed by (enterprise, kind, at) and (campaign, kind, at),
      * but no query selects events by kind or by campaign: the engagement
      * of the star-member ranking reads an enterprise's events since a time.
      * One index (enterprise, at) serves it and is appended at its end. */
     "ALTER TABLE campaign_usage ADD COLUMN free_draws INTEGER NOT NULL DEFAULT 0;"
     "INSERT INTO campaign_usage (campaign_id, scope, subject_id, day, n, free_draws)"
     "  SELECT campaign_id, 'member', member_id, day, n, n FROM lottery_free_days WHERE true"
     "  ON CONFLICT DO UPDATE SET free_draws = excluded.free_draws;"
     "DROP TABLE lottery_free_days;"
     "DROP INDEX events_kind;"
     "DROP INDEX events_campaign;"
     "CREATE INDEX events_at ON events(enterprise_id, at);"},
    {15, "a draw's events found through the draw, not indexed by member",
     /* Each draw wrote one or two events (lottery.draw, lottery.win), and
      * each was an entry of events_member at a random place: a B-tree write
      * and a page in the commit, on the busiest write there is. The draw row
      * is already indexed by member (lottery_draws_member), and its events
      * carry its time and its id, so a member's draw events are found
      * through the member's draws and events_at (enterprise, at): the member
      * timeline and a merge do that, and events_member leaves them out.
      * Events written before now took their time a moment after the draw's:
      * they are given the draw's time, which makes the link exact. */
     "UPDATE events SET at = (SELECT d.at FROM lottery_draws d WHERE d.id = events.props_json ->> 'draw_id')"
     "  WHERE kind IN ('lottery.draw', 'lottery.win')"
     "  AND EXISTS (SELECT 1 FROM lottery_draws d WHERE d.id = events.props_json ->> 'draw_id' AND d.at <> events.at);"
     "DROP INDEX events_member;"
     "CREATE INDEX events_member ON events(member_id, at) WHERE kind NOT IN ('lottery.draw', 'lottery.win');"},
};

const size_t hh_migrations_count = sizeof(hh_migrations) / sizeof(hh_migrations[0]);
