/*
 * coupon_member.c — coupons on the member H5: claim a claimable template
 * (through the campaign's admission when the template has a campaign, then
 * hh_coupon_grant), bind a printed batch code, the wallet with each coupon's
 * terms, where it is valid, its code and a QR of the code, and the public
 * landing data of a campaign (what a scan of a touchpoint with a campaign
 * leads to).
 *
 * Every claim runs in one write on the single writer: the campaign's limits
 * and budget, the template's quantity and the member's limit are checked and
 * used in the same transaction, so under any concurrency no more coupons are
 * issued than the template has.
 */
#include "reward/reward.h"
#include "auth/auth.h"
#include "core/localtime.h"
#include "http/app.h"
#include "touch/touch.h"

#include <string.h>

#define WALLET_COLS                                                                                           \
    "SELECT c.id, c.code, " HH_COUPON_STATUS_SQL("c", "?2") " AS status, c.source, c.valid_from, c.valid_to," \
    " c.issued_at, c.claimed_at, c.redeemed_at, c.campaign_id, cp.name AS campaign_name, t.id AS template_id," \
    " t.name, t.description, t.kind, t.value_fen, t.discount_pct, t.min_spend_fen, t.gift_name, t.brand_id,"  \
    " b.name AS brand_name, CASE WHEN EXISTS (SELECT 1 FROM coupon_template_brands WHERE template_id = t.id)"  \
    " THEN (SELECT json_group_array(json_object('id', x.id, 'name', x.name)) FROM (SELECT bx.id, bx.name FROM" \
    " coupon_template_brands tb JOIN brands bx ON bx.id = tb.brand_id WHERE tb.template_id = t.id ORDER BY"   \
    " bx.id) x) ELSE json_array(json_object('id', b.id, 'name', b.name)) END AS valid_brands_json,"          \
    " (SELECT count(*) FROM coupon_template_stores WHERE template_id = t.id) AS store_count,"                 \
    " (SELECT json_group_array(json_object('id', x.id, 'name', x.name, 'city', x.city, 'address', x.address))" \
    " FROM (SELECT sx.id, sx.name, sx.city, sx.address FROM coupon_template_stores ts JOIN stores sx ON"       \
    " sx.id = ts.store_id WHERE ts.template_id = t.id ORDER BY sx.id LIMIT 50) x) AS valid_stores_json"       \
    " FROM coupons c JOIN coupon_templates t ON t.id = c.template_id JOIN brands b ON b.id = t.brand_id"      \
    " LEFT JOIN campaigns cp ON cp.id = c.campaign_id"

/* Where the H5 gets the QR of the coupon's code. */
static void decorate(json_t *c)
{
    char url[64];
    snprintf(url, sizeof url, "/api/member/coupons/%lld/qr.svg", (long long)json_integer_value(json_object_get(c, "id")));
    json_object_set_new(c, "qr_url", json_string(url));
}

static hh_status wallet_item(hh_db *db, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, WALLET_COLS " WHERE c.id = ?1", HH_A(HH_I(id), HH_I(hh_now_ms())));
    if (!st) decorate(*out);
    return st;
}

hh_status hh_h_member_coupons(hh_req *r)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    const char *status = hh_query(r, "status");
    if (status && !*status) status = NULL;
    if (status && strcmp(status, "issued") && strcmp(status, "redeemed") && strcmp(status, "expired") &&
        strcmp(status, "voided"))
        return hh_fail(r, HH_E_INVALID, "status", "status 须为 issued、redeemed、expired 或 voided",
                       "status must be issued, redeemed, expired or voided");
    hh_db *db = hh_store_reader(r->app->store);
    int64_t now = hh_now_ms();
    json_t *items, *counts;
#define W_WHERE                                                                                         \
    " WHERE c.member_id = ?1 AND ((?3 IS NULL AND c.status <> 'voided') OR " HH_COUPON_STATUS_SQL("c", "?2") \
    " = ?3)"
    st = hh_db_query(db, &items,
                     WALLET_COLS W_WHERE " ORDER BY (" HH_COUPON_STATUS_SQL("c", "?2") " = 'issued') DESC,"
                                         " CASE WHEN " HH_COUPON_STATUS_SQL("c", "?2") " = 'issued' THEN c.valid_to END,"
                                         " c.id DESC LIMIT ?4 OFFSET ?5",
                     HH_A(HH_I(r->who.id), HH_I(now), HH_S(status), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *c;
    json_array_foreach(items, i, c) decorate(c);
    st = hh_db_one(db, &counts,
                   "SELECT coalesce(sum(s = 'issued'), 0) AS issued, coalesce(sum(s = 'redeemed'), 0) AS redeemed,"
                   " coalesce(sum(s = 'expired'), 0) AS expired FROM (SELECT " HH_COUPON_STATUS_SQL("c", "?2")
                   " AS s FROM coupons c WHERE c.member_id = ?1)",
                   HH_A(HH_I(r->who.id), HH_I(now)));
    if (st) {
        json_decref(items);
        return st;
    }
    int64_t total = 0;
    if ((st = hh_db_int(db, &total, "SELECT count(*) FROM coupons c" W_WHERE,
                        HH_A(HH_I(r->who.id), HH_I(now), HH_S(status))))) {
        json_decref(items);
        json_decref(counts);
        return st;
    }
#undef W_WHERE
    hh_reply(r, 200, json_pack("{s:o, s:I, s:o}", "items", items, "total", (json_int_t)total, "counts", counts));
    return HH_OK;
}

hh_status hh_h_member_coupon_qr(hh_req *r)
{
    json_t *c;
    hh_status st = hh_db_one(hh_store_reader(r->app->store), &c, "SELECT code FROM coupons WHERE id = ? AND member_id = ?",
                             HH_A(HH_I(r->path_id), HH_I(r->who.id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到这张券", "No such coupon");
    if (st) return st;
    const char *code = json_string_value(json_object_get(c, "code"));
    char label[HH_CODE_LEN + 3];
    snprintf(label, sizeof label, "%.4s %.4s %.4s", code, code + 4, code + 8);
    size_t len;
    char *svg = hh_qr_svg(code, 8, label, &len);
    json_decref(c);
    if (!svg) return HH_E_NOMEM;
    hh_reply_raw(r, 200, "image/svg+xml", svg, len);
    return HH_OK;
}

/* ---- claims ---- */

typedef struct {
    int64_t template_id, touchpoint_id;
    char code[HH_CODE_LEN + 1];
    bool by_code;
    int64_t coupon_id;
} claim_in;

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* What a use of the campaign costs of its budget: the coupon's value in fen
 * (cash off, or the retail value of a gift), 0 for a discount. */
static int64_t cost_of(json_t *t)
{
    const char *kind = json_string_value(json_object_get(t, "kind"));
    if (kind && !strcmp(kind, "discount")) return 0;
    return json_is_integer(json_object_get(t, "value_fen")) ? iget(t, "value_fen") : 0;
}

/* The touchpoint the member came through: its store and staff count for the
 * campaign's per-store limit and for attribution. */
static hh_status claim_touchpoint(hh_db *tx, hh_req *r, claim_in *in, hh_grant *g)
{
    if (!in->touchpoint_id) return HH_OK;
    json_t *tp;
    hh_status st = hh_db_one(tx, &tp, "SELECT store_id, staff_id FROM touchpoints WHERE id = ? AND enterprise_id = ?",
                             HH_A(HH_I(in->touchpoint_id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND)
        return hh_fail(r, HH_E_INVALID, "touchpoint_code", "二维码无效", "This touchpoint code is not valid");
    if (st) return st;
    g->touchpoint_id = in->touchpoint_id;
    g->store_id = iget(tp, "store_id");
    g->staff_id = iget(tp, "staff_id");
    json_decref(tp);
    return HH_OK;
}

static hh_status claimed(hh_db *tx, hh_req *r, hh_grant *g, int64_t brand_id, int64_t coupon_id, int64_t template_id,
                         const char *via)
{
    json_t *props = hh_req_own(r, json_pack("{s:I, s:I, s:s}", "coupon_id", (json_int_t)coupon_id, "template_id",
                                            (json_int_t)template_id, "via", via));
    hh_status st = hh_reward_event(tx, "coupon.claimed", g, brand_id, props);
    if (st) return st;
    json_t *item;
    if ((st = wallet_item(tx, coupon_id, &item))) return st;
    hh_reply(r, 201, item);
    return HH_OK;
}

static hh_status claim_template_write(hh_db *tx, hh_req *r)
{
    claim_in *in = r->ud;
    json_t *t;
    hh_status st = hh_db_one(tx, &t,
                             "SELECT brand_id, campaign_id, status, claimable, kind, value_fen FROM coupon_templates"
                             " WHERE id = ? AND enterprise_id = ?",
                             HH_A(HH_I(in->template_id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "template_id", "找不到该优惠券", "No such coupon");
    if (st) return st;
    hh_req_own(r, t);
    if (!iget(t, "claimable"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "template_id", "该优惠券不能自行领取", "This coupon cannot be claimed");
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = r->who.id, .campaign_id = iget(t, "campaign_id"),
                  .source = "claim"};
    if ((st = claim_touchpoint(tx, r, in, &g))) return st;
    /* the campaign first (live, target tags, limits, budget), then the template (active, window, quantity, member limit) */
    if (g.campaign_id && (st = hh_campaign_admit(tx, r, &g, cost_of(t)))) return st;
    char code[HH_CODE_LEN + 1];
    int64_t coupon_id = 0;
    if ((st = hh_coupon_grant(tx, r, &g, in->template_id, &coupon_id, code))) return st;
    return claimed(tx, r, &g, iget(t, "brand_id"), coupon_id, in->template_id, "template");
}

static hh_status claim_code_write(hh_db *tx, hh_req *r)
{
    claim_in *in = r->ud;
    json_t *c;
    hh_status st = hh_db_one(tx, &c,
                             "SELECT c.id, c.member_id, c.status, c.template_id, t.brand_id, t.campaign_id, t.validity,"
                             " t.valid_to AS template_valid_to, t.valid_days, t.per_member_limit, t.kind, t.value_fen, e.timezone"
                             " FROM coupons c JOIN coupon_templates t ON t.id = c.template_id JOIN enterprises e ON"
                             " e.id = c.enterprise_id WHERE c.enterprise_id = ? AND c.code = ?",
                             HH_A(HH_I(r->who.enterprise_id), HH_S(in->code)));
    if (st == HH_E_NOT_FOUND)
        return hh_fail(r, st, "code", "券码不存在，请核对后重新输入", "No such coupon code; please check it");
    if (st) return st;
    hh_req_own(r, c);
    int64_t now = hh_now_ms();
    const char *status = json_string_value(json_object_get(c, "status"));
    if (json_is_integer(json_object_get(c, "member_id")))
        return iget(c, "member_id") == r->who.id
                   ? hh_fail(r, HH_E_CONFLICT, "code", "这张券已在您的券包里", "This coupon is already in your wallet")
                   : hh_fail(r, HH_E_CONFLICT, "code", "该券码已被领取", "This code has already been claimed");
    if (!strcmp(status, "voided")) return hh_fail(r, HH_E_UNPROCESSABLE, "code", "该券码已作废", "This code was voided");
    if (!strcmp(status, "redeemed")) return hh_fail(r, HH_E_CONFLICT, "code", "该券码已使用", "This code was already used");
    bool fixed = !strcmp(json_string_value(json_object_get(c, "validity")), "fixed");
    if (fixed && iget(c, "template_valid_to") <= now)
        return hh_fail(r, HH_E_UNPROCESSABLE, "code", "该券已过期", "This coupon has expired");
    if (json_is_integer(json_object_get(c, "per_member_limit"))) {
        int64_t held = 0;
        if ((st = hh_db_int(tx, &held,
                            "SELECT count(*) FROM coupons WHERE template_id = ? AND member_id = ? AND status <> 'voided'",
                            HH_A(HH_I(iget(c, "template_id")), HH_I(r->who.id)))))
            return st;
        if (held >= iget(c, "per_member_limit"))
            return hh_fail(r, HH_E_UNPROCESSABLE, "limit", "您已领取过该优惠券，达到每人限领数量",
                           "You already hold as many of these coupons as one member may");
    }
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = r->who.id, .campaign_id = iget(c, "campaign_id"),
                  .source = "batch"};
    if ((st = claim_touchpoint(tx, r, in, &g))) return st;
    if (g.campaign_id && (st = hh_campaign_admit(tx, r, &g, cost_of(c)))) return st;
    /* "N days from the claim": counted from now, to the end of local day N */
    int64_t from = 0, to = 0;
    if (!fixed) {
        const char *tz = json_string_value(json_object_get(c, "timezone"));
        hh_local l;
        if (!tz || !hh_local_parts(tz, now, &l)) tz = "Asia/Shanghai", hh_local_parts(tz, now, &l);
        from = now;
        to = hh_local_start(tz, l.year, l.month, l.day + (int)iget(c, "valid_days")) - 1;
    }
    hh_result res = {0};
    if ((st = hh_db_run(tx, &res,
                        "UPDATE coupons SET member_id = ?2, claimed_at = ?3, touchpoint_id = coalesce(?4, touchpoint_id),"
                        " valid_from = CASE WHEN ?5 THEN valid_from ELSE ?6 END,"
                        " valid_to = CASE WHEN ?5 THEN valid_to ELSE ?7 END WHERE id = ?1 AND member_id IS NULL",
                        HH_A(HH_I(iget(c, "id")), HH_I(r->who.id), HH_I(now), HH_ID(g.touchpoint_id), HH_I(fixed),
                             HH_I(from), HH_I(to)))))
        return st;
    HH_CHECK(res.changes == 1);
    return claimed(tx, r, &g, iget(c, "brand_id"), iget(c, "id"), iget(c, "template_id"), "code");
}

hh_status hh_h_member_coupon_claim(hh_req *r)
{
    static const char *const allowed[] = {"template_id", "code", "touchpoint_code", NULL};
    claim_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    const char *code = NULL, *tp = NULL;
    bool has_tpl = false;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "template_id", false, 1, INT64_MAX, &in->template_id, &has_tpl)) ||
        (st = hh_field_str(r, "code", false, 40, &code, NULL)) ||
        (st = hh_field_str(r, "touchpoint_code", false, 63, &tp, NULL)))
        return st;
    if (has_tpl == (code != NULL))
        return hh_fail(r, HH_E_INVALID, has_tpl ? "code" : "template_id",
                       "请选择要领取的券（template_id），或输入券码（code），二者选一",
                       "Give either template_id (claim a coupon) or code (a printed code), not both");
    if (code && !hh_reward_code_parse(code, in->code))
        return hh_fail(r, HH_E_INVALID, "code", "券码应为 12 位字母和数字", "A coupon code has 12 letters and digits");
    if (tp && *tp && !hh_code_decode(r->app->code_key, "tp", tp, &in->touchpoint_id))
        return hh_fail(r, HH_E_INVALID, "touchpoint_code", "二维码无效或已被篡改", "This touchpoint code is not valid");
    in->by_code = code != NULL;
    return hh_req_write(r, in->by_code ? claim_code_write : claim_template_write);
}

/* ---- campaign landing ---- */

hh_status hh_h_member_campaign(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    json_t *c;
    hh_status st = hh_db_one(db, &c,
                             "SELECT c.id, c.enterprise_id, c.brand_id, b.name AS brand_name, c.name, c.description,"
                             " c.image, c.starts_at, c.ends_at, c.status, c.seed_commitment, c.target_tags_json,"
                             " c.free_draws_per_day, c.draw_points FROM campaigns c JOIN brands b ON b.id = c.brand_id"
                             " WHERE c.id = ?",
                             HH_A(HH_I(r->path_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到该活动", "No such campaign");
    if (st) return st;
    hh_req_own(r, c);
    const char *stored = json_string_value(json_object_get(c, "status"));
    if (!strcmp(stored, "draft")) return hh_fail(r, HH_E_NOT_FOUND, "id", "找不到该活动", "No such campaign");
    int64_t now = hh_now_ms(), ent = iget(c, "enterprise_id");
    const char *status_now = hh_campaign_status_now(stored, iget(c, "starts_at"), iget(c, "ends_at"), now);
    /* a signed-in member of this enterprise also learns what they hold */
    int64_t member = hh_auth_peek_member(r), ment = 0;
    if (member && (hh_db_int(db, &ment, "SELECT enterprise_id FROM members WHERE id = ?", HH_A(HH_I(member))) || ment != ent))
        member = 0;
    json_t *templates = NULL, *prizes = NULL, *samples = NULL, *events = NULL;
    st = hh_db_query(db, &templates,
                     "SELECT t.id, t.name, t.description, t.kind, t.value_fen, t.discount_pct, t.min_spend_fen,"
                     " t.gift_name, t.validity, t.valid_from, t.valid_to, t.valid_days, t.per_member_limit,"
                     " CASE WHEN t.quantity IS NULL THEN NULL ELSE t.quantity - t.issued - (SELECT"
                     " coalesce(sum(bt.quantity - bt.done), 0) FROM coupon_batches bt WHERE bt.template_id = t.id"
                     " AND bt.status = 'running') END AS remaining,"
                     " CASE WHEN EXISTS (SELECT 1 FROM coupon_template_brands WHERE template_id = t.id) THEN"
                     " (SELECT json_group_array(json_object('id', x.id, 'name', x.name)) FROM (SELECT bx.id, bx.name"
                     " FROM coupon_template_brands tb JOIN brands bx ON bx.id = tb.brand_id WHERE tb.template_id = t.id"
                     " ORDER BY bx.id) x) ELSE json_array(json_object('id', b.id, 'name', b.name)) END AS valid_brands_json,"
                     " (SELECT count(*) FROM coupon_template_stores WHERE template_id = t.id) AS store_count,"
                     " (SELECT count(*) FROM coupons x WHERE x.template_id = t.id AND x.member_id = ?2 AND"
                     " x.status <> 'voided') AS held FROM coupon_templates t JOIN brands b ON b.id = t.brand_id"
                     " WHERE t.campaign_id = ?1 AND t.claimable = 1 AND t.status = 'active'"
                     " AND (t.validity = 'relative' OR t.valid_to > ?3) ORDER BY t.id",
                     HH_A(HH_I(r->path_id), HH_I(member), HH_I(now)));
    if (!st)
        st = hh_db_query(db, &prizes,
                         "SELECT id, name, image, value_fen, fulfilment, is_fallback AS is_fallback_bool,"
                         " remaining > 0 AS available_bool FROM lottery_prizes WHERE campaign_id = ? ORDER BY position, id",
                         HH_A(HH_I(r->path_id)));
    if (!st)
        st = hh_db_query(db, &samples,
                         "SELECT id, name, description, image, remaining, shipping_fee_fen, starts_at, ends_at"
                         " FROM sample_offers WHERE campaign_id = ? AND status = 'active' ORDER BY id",
                         HH_A(HH_I(r->path_id)));
    if (!st)
        st = hh_db_query(db, &events,
                         "SELECT a.id, a.title, a.description, a.image, a.starts_at, a.ends_at, a.capacity,"
                         " a.waitlist AS waitlist_bool, (SELECT count(*) FROM activity_signups s WHERE s.activity_id = a.id"
                         " AND s.status IN ('registered', 'attended')) AS registered,"
                         " json_object('id', st.id, 'name', st.name, 'city', st.city, 'address', st.address) AS store_json"
                         " FROM activities a JOIN stores st ON st.id = a.store_id WHERE a.campaign_id = ? AND"
                         " a.status = 'open' AND a.ends_at > ? ORDER BY a.starts_at",
                         HH_A(HH_I(r->path_id), HH_I(now)));
    if (st) {
        json_decref(templates);
        json_decref(prizes);
        json_decref(samples);
        json_decref(events);
        return st;
    }
    bool live = !strcmp(status_now, "live");
    size_t i;
    json_t *t;
    json_array_foreach(templates, i, t)
    {
        json_t *rem = json_object_get(t, "remaining"), *lim = json_object_get(t, "per_member_limit");
        bool left = !json_is_integer(rem) || json_integer_value(rem) > 0;
        if (json_is_integer(rem) && json_integer_value(rem) < 0) json_object_set_new(t, "remaining", json_integer(0));
        bool under = !member || !json_is_integer(lim) || iget(t, "held") < json_integer_value(lim);
        json_object_set_new(t, "can_claim", json_boolean(live && left && under));
        if (!member) json_object_del(t, "held");
    }
    json_t *tags = json_object_get(c, "target_tags");
    json_t *out = json_pack("{s:I, s:O, s:{s:I, s:O}, s:O, s:O, s:O, s:O, s:O, s:s, s:O, s:b, s:O, s:O,"
                            " s:o, s:o, s:o, s:o}",
                            "id", (json_int_t)r->path_id, "name", json_object_get(c, "name"), "brand", "id",
                            (json_int_t)iget(c, "brand_id"), "name", json_object_get(c, "brand_name"), "description",
                            json_object_get(c, "description"), "image", json_object_get(c, "image"), "starts_at",
                            json_object_get(c, "starts_at"), "ends_at", json_object_get(c, "ends_at"), "enterprise_id",
                            json_object_get(c, "enterprise_id"), "status_now", status_now, "seed_commitment",
                            json_object_get(c, "seed_commitment"), "for_selected_members",
                            json_is_array(tags) && json_array_size(tags) > 0, "free_draws_per_day",
                            json_object_get(c, "free_draws_per_day"), "draw_points", json_object_get(c, "draw_points"),
                            "coupons", templates, "prizes", prizes, "samples", samples, "events", events);
    hh_reply(r, 200, out);
    return HH_OK;
}
