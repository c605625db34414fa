/*
 * referral.c — member-get-member (老带新). Every member has a personal
 * referral link and QR: a touchpoint of channel "referral" whose
 * referrer_member_id is the member, created the first time the member asks
 * for it. A person who registers through it is recorded as referred by that
 * member (hh_referral_on_register, called by member identification).
 *
 * Both are rewarded with points when the enterprise's condition is met (the
 * referrer by the earn rule for the action "referral" when there is one, else
 * by the fixed referrer_points; the referred person by referred_points):
 * registration, the referred member's first purchase (an approved receipt)
 * or first redemption at a counter (hh_referral_progress). Before rewarding,
 * abuse checks hold the referral for review: the referred person used a
 * device the referrer has scanned with, shares a delivery address with the
 * referrer, or the referrer brought in a burst of people within the last
 * hour. An admin approves (rewards) or rejects a held referral.
 *
 * Settings (enterprise_settings "referral", JSON): condition, referrer_points,
 * referred_points, burst_per_hour, brand_id (the brand that funds the points;
 * null: the enterprise).
 */
#include "points/mall.h"
#include "points/points.h"
#include "auth/auth.h"
#include "core/phone.h"
#include "http/app.h"
#include "reward/reward.h"
#include "touch/touch.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *condition;
    int64_t referrer_points, referred_points, burst_per_hour, brand_id;
} referral_settings;

static const char *const conditions[] = {"registration", "first_purchase", "first_redemption", NULL};

static bool known_condition(const char *c)
{
    for (int i = 0; conditions[i]; i++)
        if (!strcmp(conditions[i], c)) return true;
    return false;
}

/* The settings, with defaults; the strings point into *holder (decref it). */
static void settings_load(hh_db *db, int64_t enterprise_id, referral_settings *s, json_t **holder)
{
    *s = (referral_settings){.condition = "registration", .referrer_points = 100, .referred_points = 50,
                             .burst_per_hour = 5};
    *holder = NULL;
    json_t *row = NULL;
    if (hh_db_one(db, &row, "SELECT value AS value_json FROM enterprise_settings WHERE enterprise_id = ? AND key = 'referral'",
                  HH_A(HH_I(enterprise_id))) != HH_OK)
        return;
    json_t *v = json_object_get(row, "value");
    const char *c = json_string_value(json_object_get(v, "condition"));
    if (c && known_condition(c)) s->condition = c;
    if (json_is_integer(json_object_get(v, "referrer_points")))
        s->referrer_points = json_integer_value(json_object_get(v, "referrer_points"));
    if (json_is_integer(json_object_get(v, "referred_points")))
        s->referred_points = json_integer_value(json_object_get(v, "referred_points"));
    if (json_is_integer(json_object_get(v, "burst_per_hour")))
        s->burst_per_hour = json_integer_value(json_object_get(v, "burst_per_hour"));
    s->brand_id = json_integer_value(json_object_get(v, "brand_id"));
    *holder = row;
}

static json_t *settings_json(const referral_settings *s)
{
    return json_pack("{s:s, s:I, s:I, s:I, s:o}", "condition", s->condition, "referrer_points",
                     (json_int_t)s->referrer_points, "referred_points", (json_int_t)s->referred_points,
                     "burst_per_hour", (json_int_t)s->burst_per_hour, "brand_id",
                     s->brand_id ? json_integer(s->brand_id) : json_null());
}

/* ---- rewarding ---- */

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* Why a referral looks abusive (empty array: it does not). */
static hh_status abuse_reasons(hh_db *tx, json_t *ref, const referral_settings *s, json_t **out)
{
    json_t *reasons = json_array();
    int64_t referrer = iget(ref, "referrer_id"), referred = iget(ref, "referred_id"), n = 0;
    const char *device = json_string_value(json_object_get(ref, "device_id"));
    hh_status st = HH_OK;
    if (device && *device) {
        st = hh_db_int(tx, &n, "SELECT EXISTS (SELECT 1 FROM scans WHERE member_id = ? AND device_id = ?)",
                       HH_A(HH_I(referrer), HH_S(device)));
        if (!st && n) json_array_append_new(reasons, json_string("same_device"));
    }
    if (!st) {
        st = hh_db_int(tx, &n,
                       "SELECT EXISTS (SELECT 1 FROM member_addresses a JOIN member_addresses b ON"
                       " a.detail = b.detail AND a.city = b.city AND a.district = b.district"
                       " WHERE a.member_id = ? AND b.member_id = ?)",
                       HH_A(HH_I(referrer), HH_I(referred)));
        if (!st && n) json_array_append_new(reasons, json_string("same_address"));
    }
    if (!st && s->burst_per_hour > 0) {
        st = hh_db_int(tx, &n, "SELECT count(*) FROM referrals WHERE referrer_id = ? AND at > ? AND at <= ?",
                       HH_A(HH_I(referrer), HH_I(iget(ref, "at") - 3600 * 1000LL), HH_I(iget(ref, "at"))));
        if (!st && n > s->burst_per_hour) json_array_append_new(reasons, json_string("burst"));
    }
    if (st) {
        json_decref(reasons);
        return st;
    }
    *out = reasons;
    return HH_OK;
}

/* Award both sides (the ledger refuses a second award for the same referral). */
static hh_status reward(hh_db *tx, hh_req *r, json_t *ref, const referral_settings *s)
{
    int64_t now = hh_now_ms(), t1 = 0, t2 = 0;
    hh_grant g = {.enterprise_id = iget(ref, "enterprise_id"), .touchpoint_id = iget(ref, "touchpoint_id"),
                  .source = "referral", .source_id = iget(ref, "id")};
    hh_status st = HH_OK;
    /* the referrer: the earn rule for the action "referral" when the enterprise has
     * one (its multipliers and caps apply), else the fixed referrer_points */
    g.member_id = iget(ref, "referrer_id");
    int64_t by_rule = 0;
    st = hh_points_award_action(tx, r, &g, "referral", s->brand_id, &by_rule, &t1);
    if (st == HH_E_UNPROCESSABLE) { /* the rule's cap is reached: no points for this one */
        if (r) memset(&r->err, 0, sizeof r->err);
        st = HH_OK;
        by_rule = -1;
    }
    if (!st && by_rule == 0 && s->referrer_points > 0)
        st = hh_points_earn(tx, r, &g, s->referrer_points, 0, s->brand_id, &t1);
    if (!st && s->referred_points > 0) {
        g.member_id = iget(ref, "referred_id");
        st = hh_points_earn(tx, r, &g, s->referred_points, 0, s->brand_id, &t2);
    }
    if (!st)
        st = hh_db_run(tx, NULL,
                       "UPDATE referrals SET status = 'rewarded', rewarded_at = ?, qualified_at = coalesce(qualified_at, ?),"
                       " referrer_txn_id = ?, referred_txn_id = ? WHERE id = ?",
                       HH_A(HH_I(now), HH_I(now), HH_ID(t1), HH_ID(t2), HH_I(iget(ref, "id"))));
    if (!st) {
        g.member_id = iget(ref, "referrer_id");
        json_t *props = json_pack("{s:I, s:I, s:I, s:I}", "referral_id", (json_int_t)iget(ref, "id"), "referred_id",
                                  (json_int_t)iget(ref, "referred_id"), "referrer_points",
                                  (json_int_t)s->referrer_points, "referred_points", (json_int_t)s->referred_points);
        st = hh_reward_event(tx, "referral.rewarded", &g, s->brand_id, props);
        json_decref(props);
    }
    return st;
}

/* The condition is met: reward, or hold for review. */
static hh_status qualify(hh_db *tx, json_t *ref, const referral_settings *s)
{
    json_t *reasons;
    hh_status st = abuse_reasons(tx, ref, s, &reasons);
    if (st) return st;
    if (json_array_size(reasons)) {
        char *text = json_dumps(reasons, JSON_COMPACT);
        st = hh_db_run(tx, NULL,
                       "UPDATE referrals SET status = 'held', qualified_at = ?, hold_reasons_json = ? WHERE id = ?",
                       HH_A(HH_I(hh_now_ms()), HH_S(text), HH_I(iget(ref, "id"))));
        free(text);
        if (!st) {
            hh_grant g = {.enterprise_id = iget(ref, "enterprise_id"), .member_id = iget(ref, "referrer_id"),
                          .source = "referral", .source_id = iget(ref, "id")};
            json_t *props = json_pack("{s:I, s:O}", "referral_id", (json_int_t)iget(ref, "id"), "reasons", reasons);
            st = hh_reward_event(tx, "referral.held", &g, 0, props);
            json_decref(props);
        }
        json_decref(reasons);
        return st;
    }
    json_decref(reasons);
    return reward(tx, NULL, ref, s);
}

#define REF_ROW "SELECT id, enterprise_id, referrer_id, referred_id, touchpoint_id, device_id, at, condition, status FROM referrals"

hh_status hh_referral_on_register(hh_db *tx, int64_t enterprise_id, int64_t member_id, int64_t touchpoint_id,
                                  const char *device_id)
{
    int64_t referrer = 0;
    hh_status st = hh_db_int(tx, &referrer,
                             "SELECT coalesce(m.merged_into, m.id) FROM touchpoints tp JOIN members m ON"
                             " m.id = tp.referrer_member_id WHERE tp.id = ? AND tp.enterprise_id = ?",
                             HH_A(HH_I(touchpoint_id), HH_I(enterprise_id)));
    if (st == HH_E_NOT_FOUND || (st == HH_OK && (!referrer || referrer == member_id))) return HH_OK;
    if (st) return st;
    referral_settings s;
    json_t *holder;
    settings_load(tx, enterprise_id, &s, &holder);
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO referrals (enterprise_id, referrer_id, referred_id, touchpoint_id, device_id, at,"
                   " condition, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending') ON CONFLICT DO NOTHING",
                   HH_A(HH_I(enterprise_id), HH_I(referrer), HH_I(member_id), HH_I(touchpoint_id), HH_S(device_id),
                        HH_I(hh_now_ms()), HH_S(s.condition)));
    if (!st && res.changes) {
        hh_grant g = {.enterprise_id = enterprise_id, .member_id = referrer, .touchpoint_id = touchpoint_id,
                      .source = "referral", .source_id = res.last_id};
        json_t *props = json_pack("{s:I, s:s}", "referred_id", (json_int_t)member_id, "condition", s.condition);
        st = hh_reward_event(tx, "referral.registered", &g, 0, props);
        json_decref(props);
        if (!st && !strcmp(s.condition, "registration")) {
            json_t *ref;
            if (!(st = hh_db_one(tx, &ref, REF_ROW " WHERE id = ?", HH_A(HH_I(res.last_id))))) {
                st = qualify(tx, ref, &s);
                json_decref(ref);
            }
        }
    }
    json_decref(holder);
    return st;
}

hh_status hh_referral_progress(hh_db *tx, int64_t member_id, const char *what)
{
    json_t *ref = NULL;
    hh_status st = hh_db_one(tx, &ref, REF_ROW " WHERE referred_id = ? AND status = 'pending'", HH_A(HH_I(member_id)));
    if (st == HH_E_NOT_FOUND) return HH_OK;
    if (st) return st;
    const char *cond = json_string_value(json_object_get(ref, "condition"));
    bool met = (!strcmp(cond, "first_purchase") && !strcmp(what, "purchase")) ||
               (!strcmp(cond, "first_redemption") && !strcmp(what, "redemption"));
    if (met) {
        referral_settings s;
        json_t *holder;
        settings_load(tx, iget(ref, "enterprise_id"), &s, &holder);
        st = qualify(tx, ref, &s);
        json_decref(holder);
    }
    json_decref(ref);
    return st;
}

/* ---- member: my referral link ---- */

static hh_status link_json(hh_req *r, hh_db *db, int64_t tp_id, json_t **out)
{
    char code[HH_CODE_MAX], url[400];
    hh_code_encode(r->app->code_key, "tp", tp_id, code);
    snprintf(url, sizeof url, "%s/s/%s", r->app->base_url, code);
    json_t *stats = NULL;
    hh_status st = hh_db_one(db, &stats,
                             "SELECT count(*) AS invited, coalesce(sum(status = 'rewarded'), 0) AS rewarded,"
                             " coalesce(sum(status IN ('pending','held')), 0) AS waiting FROM referrals WHERE referrer_id = ?",
                             HH_A(HH_I(r->who.id)));
    if (st) return st;
    json_t *items;
    st = hh_db_query(db, &items,
                     "SELECT f.id, f.at, f.status, f.condition, m.phone FROM referrals f JOIN members m ON m.id ="
                     " f.referred_id WHERE f.referrer_id = ? ORDER BY f.id DESC LIMIT 50",
                     HH_A(HH_I(r->who.id)));
    if (st) {
        json_decref(stats);
        return st;
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        char masked[40] = "";
        const char *p = json_string_value(json_object_get(it, "phone"));
        if (p) hh_phone_mask(p, masked, sizeof masked);
        json_object_set_new(it, "phone_masked", json_string(masked));
        json_object_del(it, "phone");
        /* held is an internal review state: the member sees it as waiting */
        if (!strcmp(json_string_value(json_object_get(it, "status")), "held"))
            json_object_set_new(it, "status", json_string("pending"));
    }
    referral_settings s;
    json_t *holder;
    settings_load(db, r->who.enterprise_id, &s, &holder);
    *out = json_pack("{s:I, s:s, s:s, s:s, s:O, s:O, s:O, s:o, s:{s:s, s:I, s:I}}", "touchpoint_id",
                     (json_int_t)tp_id, "code", code, "url", url, "qr_svg", "/api/member/referral/qr.svg", "invited",
                     json_object_get(stats, "invited"), "rewarded", json_object_get(stats, "rewarded"), "waiting",
                     json_object_get(stats, "waiting"), "items", items, "rules", "condition", s.condition,
                     "referrer_points", (json_int_t)s.referrer_points, "referred_points",
                     (json_int_t)s.referred_points);
    json_decref(holder);
    json_decref(stats);
    return HH_OK;
}

static hh_status link_create_write(hh_db *tx, hh_req *r)
{
    int64_t tp = 0;
    hh_status st = hh_db_int(tx, &tp, "SELECT id FROM touchpoints WHERE referrer_member_id = ?", HH_A(HH_I(r->who.id)));
    if (st == HH_E_NOT_FOUND) {
        /* a touchpoint needs a brand: the enterprise's first live one */
        int64_t brand = 0;
        st = hh_db_int(tx, &brand, "SELECT id FROM brands WHERE enterprise_id = ? AND archived_at IS NULL ORDER BY id LIMIT 1",
                       HH_A(HH_I(r->who.enterprise_id)));
        if (st == HH_E_NOT_FOUND)
            return hh_fail(r, HH_E_UNPROCESSABLE, NULL, "企业尚未开通品牌，暂不能邀请", "The enterprise has no brand yet");
        if (st) return st;
        int64_t now = hh_now_ms();
        hh_result res;
        st = hh_db_run(tx, &res,
                       "INSERT INTO touchpoints (enterprise_id, kind, name, brand_id, channel, referrer_member_id,"
                       " created_at, updated_at) VALUES (?, 'qr', ?, ?, 'referral', ?, ?, ?)",
                       HH_A(HH_I(r->who.enterprise_id), HH_S(hh_sprintf(r->arena, "会员邀请 #%lld", (long long)r->who.id)),
                            HH_I(brand), HH_I(r->who.id), HH_I(now), HH_I(now)));
        if (st) return st;
        tp = res.last_id;
    } else if (st) {
        return st;
    }
    json_t *out;
    if ((st = link_json(r, tx, tp, &out))) return st;
    hh_reply(r, 200, out);
    return HH_OK;
}

hh_status hh_h_member_referral(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    int64_t tp = 0;
    hh_status st = hh_db_int(db, &tp, "SELECT id FROM touchpoints WHERE referrer_member_id = ?", HH_A(HH_I(r->who.id)));
    if (st == HH_E_NOT_FOUND) return hh_req_write(r, link_create_write); /* the first time: make the link */
    if (st) return st;
    json_t *out;
    if ((st = link_json(r, db, tp, &out))) return st;
    hh_reply(r, 200, out);
    return HH_OK;
}

hh_status hh_h_member_referral_qr(hh_req *r)
{
    int64_t tp = 0;
    hh_status st = hh_db_int(hh_store_reader(r->app->store), &tp,
                             "SELECT id FROM touchpoints WHERE referrer_member_id = ?", HH_A(HH_I(r->who.id)));
    if (st == HH_E_NOT_FOUND)
        return hh_fail(r, st, NULL, "请先打开“邀请好友”生成您的邀请码", "Open “Invite friends” first to create your link");
    if (st) return st;
    char code[HH_CODE_MAX], url[400];
    hh_code_encode(r->app->code_key, "tp", tp, code);
    snprintf(url, sizeof url, "%s/s/%s", r->app->base_url, code);
    size_t len;
    char *svg = hh_qr_svg(url, 8, NULL, &len);
    if (!svg) return HH_E_NOMEM;
    hh_reply_raw(r, 200, "image/svg+xml", svg, len);
    return HH_OK;
}

/* ---- admin ---- */

hh_status hh_h_referrals_list(hh_req *r)
{
    int64_t limit, offset, referrer_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "referrer_id", &referrer_id))) return st;
    const char *status = hh_query(r, "status");
    if (status && !*status) status = NULL;
    if (status && strcmp(status, "pending") && strcmp(status, "held") && strcmp(status, "rewarded") &&
        strcmp(status, "rejected"))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 pending、held、rewarded 或 rejected",
                       "status must be pending, held, rewarded or rejected");
    hh_db *db = hh_store_reader(r->app->store);
#define REF_WHERE " WHERE f.enterprise_id = ?1 AND (?2 IS NULL OR f.status = ?2) AND (?3 = 0 OR f.referrer_id = ?3)"
    json_t *items;
    st = hh_db_query(db, &items,
                     "SELECT f.id, f.referrer_id, a.phone AS referrer_phone, a.name AS referrer_name, f.referred_id,"
                     " b.phone AS referred_phone, b.name AS referred_name, f.touchpoint_id, f.at, f.condition,"
                     " f.status, f.qualified_at, f.hold_reasons_json AS hold_reasons_json, f.reviewed_at,"
                     " f.review_note, f.rewarded_at, f.referrer_txn_id, f.referred_txn_id FROM referrals f"
                     " JOIN members a ON a.id = f.referrer_id JOIN members b ON b.id = f.referred_id" REF_WHERE
                     " ORDER BY f.id DESC LIMIT ?4 OFFSET ?5",
                     HH_A(HH_I(r->who.enterprise_id), HH_S(status), HH_I(referrer_id), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        static const char *const keys[] = {"referrer_phone", "referred_phone"};
        for (int k = 0; k < 2; k++) {
            char masked[40] = "";
            const char *p = json_string_value(json_object_get(it, keys[k]));
            if (p) hh_phone_mask(p, masked, sizeof masked);
            json_object_set_new(it, keys[k], json_string(masked));
        }
    }
    return hh_list_reply(r, db, items, "SELECT count(*) FROM referrals f" REF_WHERE,
                         HH_A(HH_I(r->who.enterprise_id), HH_S(status), HH_I(referrer_id)));
#undef REF_WHERE
}

typedef struct {
    bool approve;
    const char *note;
} review_in;

static hh_status review_write(hh_db *tx, hh_req *r)
{
    review_in *in = r->ud;
    json_t *ref = NULL;
    hh_status st = hh_db_one(tx, &ref, REF_ROW " WHERE id = ? AND enterprise_id = ?",
                             HH_A(HH_I(r->path_id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到该邀请记录", "No such referral");
    if (st) return st;
    hh_req_own(r, ref);
    if (strcmp(json_string_value(json_object_get(ref, "status")), "held"))
        return hh_fail(r, HH_E_CONFLICT, "status", "只有待审核（被拦截）的邀请可以审核", "Only a held referral can be reviewed");
    int64_t now = hh_now_ms();
    st = hh_db_run(tx, NULL, "UPDATE referrals SET reviewed_by = ?, reviewed_at = ?, review_note = ? WHERE id = ?",
                   HH_A(HH_I(r->who.id), HH_I(now), HH_S(in->note), HH_I(r->path_id)));
    if (st) return st;
    if (in->approve) {
        referral_settings s;
        json_t *holder;
        settings_load(tx, r->who.enterprise_id, &s, &holder);
        st = reward(tx, r, ref, &s);
        json_decref(holder);
    } else {
        st = hh_db_run(tx, NULL, "UPDATE referrals SET status = 'rejected' WHERE id = ?", HH_A(HH_I(r->path_id)));
    }
    if (st) return st;
    json_t *after = json_pack("{s:s, s:s}", "status", in->approve ? "rewarded" : "rejected", "note", in->note ? in->note : "");
    st = hh_audit(tx, r, in->approve ? "referral.approve" : "referral.reject", "referral", r->path_id, NULL, after);
    json_decref(after);
    if (st) return st;
    json_t *out;
    if ((st = hh_db_one(tx, &out, REF_ROW " WHERE id = ?", HH_A(HH_I(r->path_id))))) return st;
    hh_reply(r, 200, out);
    return HH_OK;
}

static hh_status review(hh_req *r, bool approve)
{
    static const char *const fields[] = {"note", NULL};
    review_in *in = hh_alloc(r->arena, sizeof *in);
    memset(in, 0, sizeof *in);
    in->approve = approve;
    r->ud = in;
    hh_status st;
    if (r->json || !approve) {
        if ((st = hh_body(r)) || (st = hh_fields_only(r, fields)) ||
            (st = hh_field_str(r, "note", !approve, 200, &in->note, NULL)))
            return st;
        if (!approve && !*in->note)
            return hh_fail(r, HH_E_INVALID, "note", "请填写拒绝原因", "Give the reason for rejecting it");
    }
    return hh_req_write(r, review_write);
}

hh_status hh_h_referral_approve(hh_req *r) { return review(r, true); }
hh_status hh_h_referral_reject(hh_req *r) { return review(r, false); }

hh_status hh_h_referral_settings_get(hh_req *r)
{
    referral_settings s;
    json_t *holder;
    settings_load(hh_store_reader(r->app->store), r->who.enterprise_id, &s, &holder);
    hh_reply(r, 200, settings_json(&s));
    json_decref(holder);
    return HH_OK;
}

typedef struct {
    referral_settings s;
    bool has_brand;
} settings_in;

static hh_status settings_write(hh_db *tx, hh_req *r)
{
    settings_in *in = r->ud;
    if (in->s.brand_id) {
        int64_t n = 0;
        hh_status st = hh_db_int(tx, &n, "SELECT count(*) FROM brands WHERE id = ? AND enterprise_id = ?",
                                 HH_A(HH_I(in->s.brand_id), HH_I(r->who.enterprise_id)));
        if (st) return st;
        if (!n) return hh_fail(r, HH_E_INVALID, "brand_id", "品牌不存在", "No such brand");
    }
    json_t *v = settings_json(&in->s);
    char *text = json_dumps(v, JSON_COMPACT);
    hh_status st = hh_db_run(tx, NULL,
                             "INSERT INTO enterprise_settings (enterprise_id, key, value) VALUES (?, 'referral', ?)"
                             " ON CONFLICT (enterprise_id, key) DO UPDATE SET value = excluded.value",
                             HH_A(HH_I(r->who.enterprise_id), HH_S(text)));
    free(text);
    if (!st) st = hh_audit(tx, r, "settings.referral", "enterprise", r->who.enterprise_id, NULL, v);
    if (st) {
        json_decref(v);
        return st;
    }
    hh_reply(r, 200, v);
    return HH_OK;
}

hh_status hh_h_referral_settings_put(hh_req *r)
{
    static const char *const fields[] = {"condition", "referrer_points", "referred_points", "burst_per_hour",
                                         "brand_id", NULL};
    settings_in *in = hh_alloc(r->arena, sizeof *in);
    memset(in, 0, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, fields)) ||
        (st = hh_field_str(r, "condition", true, 20, &in->s.condition, NULL)) ||
        (st = hh_field_int(r, "referrer_points", true, 0, 1000000, &in->s.referrer_points, NULL)) ||
        (st = hh_field_int(r, "referred_points", true, 0, 1000000, &in->s.referred_points, NULL)) ||
        (st = hh_field_int(r, "burst_per_hour", true, 0, 1000, &in->s.burst_per_hour, NULL)) ||
        (st = hh_field_int(r, "brand_id", false, 1, INT64_MAX, &in->s.brand_id, &in->has_brand)))
        return st;
    if (!known_condition(in->s.condition))
        return hh_fail(r, HH_E_INVALID, "condition", "条件须为 registration、first_purchase 或 first_redemption",
                       "condition must be registration, first_purchase or first_redemption");
    return hh_req_write(r, settings_write);
}
