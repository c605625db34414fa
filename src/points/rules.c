/*
 * rules.c — earn rules: how many points a purchase or an action is worth.
 *
 *   spend       `points` per `unit_fen` spent (e.g. 1 point per 100 fen),
 *               optionally only for a brand, a store and/or a product; of the
 *               active rules that match a purchase the most specific applies
 *               (product, then store, then brand, then the newest).
 *   action      `points` for register, profile (completed once), checkin (once
 *               per local day), referral, event (attendance), receipt
 *               (approved); a brand's rule before an enterprise-wide one.
 *   multiplier  `multiplier_pct` on awards carrying its campaign, or inside
 *               its window, optionally only for one action ('spend' for
 *               purchases), brand or store; the best matching one applies.
 *
 * The member's level multiplies again (levels.c). A rule's daily_cap and
 * total_cap bound the points one member gets from it (per local day, ever).
 * The rule that funds an award is recorded on the transaction with the
 * multiplier and level that shaped it (props), so every award can be traced
 * to its rule and its source event; the rule's brand funds it.
 */
#include "points/points.h"
#include "auth/auth.h"
#include "core/localtime.h"
#include "http/app.h"

#include <stdio.h>
#include <string.h>

static const char *const actions[] = {"register", "profile", "checkin", "referral", "event", "receipt", NULL};

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static bool has(json_t *o, const char *k)
{
    return json_is_integer(json_object_get(o, k));
}

/* ---- awarding ---- */

static hh_status best_multiplier(hh_db *tx, int64_t ent, const char *action, int64_t brand, int64_t store,
                                 int64_t campaign, int64_t now, int64_t *pct, int64_t *rule_id)
{
    json_t *m = NULL;
    *pct = 100;
    *rule_id = 0;
    hh_status st = hh_db_one(tx, &m,
                             "SELECT id, multiplier_pct FROM points_rules WHERE enterprise_id = ?1 AND kind = 'multiplier'"
                             " AND status = 'active' AND (action IS NULL OR action = ?2)"
                             " AND (brand_id IS NULL OR brand_id = ?3) AND (store_id IS NULL OR store_id = ?4)"
                             " AND (campaign_id IS NULL OR campaign_id = ?5)"
                             " AND (starts_at IS NULL OR starts_at <= ?6) AND (ends_at IS NULL OR ends_at > ?6)"
                             " ORDER BY multiplier_pct DESC, id DESC LIMIT 1",
                             HH_A(HH_I(ent), HH_S(action), HH_I(brand), HH_I(store), HH_I(campaign), HH_I(now)));
    if (st == HH_E_NOT_FOUND) return HH_OK;
    if (st) return st;
    *pct = iget(m, "multiplier_pct");
    *rule_id = iget(m, "id");
    json_decref(m);
    return HH_OK;
}

/* Points of base under rule (a row with id, brand_id, daily_cap, total_cap)
 * after multipliers and caps, awarded. */
static hh_status award(hh_db *tx, hh_req *r, const hh_grant *g, json_t *rule, const char *action, int64_t brand,
                       int64_t base, int64_t spend_fen, bool cap_refuses, int64_t *points, int64_t *txn_id)
{
    int64_t now = hh_now_ms(), mpct, mrule;
    *points = 0;
    hh_status st = best_multiplier(tx, g->enterprise_id, action, brand, g->store_id, g->campaign_id, now, &mpct, &mrule);
    if (st) return st;
    int64_t lpct = hh__level_multiplier(tx, g->member_id);
    if (base > 1000000000LL) base = 1000000000LL;
    int64_t pts = base * mpct / 100 * lpct / 100, uncapped = pts;
    char tz[64], day[11];
    hh_enterprise_tz(tx, g->enterprise_id, tz);
    hh_local_day(tz, now, day);
    bool capped = false;
    if (has(rule, "daily_cap")) {
        int64_t used = 0;
        if ((st = hh_db_int(tx, &used,
                            "SELECT coalesce(sum(points), 0) FROM points_txns WHERE rule_id = ? AND member_id = ?"
                            " AND day = ? AND kind = 'earn'",
                            HH_A(HH_I(iget(rule, "id")), HH_I(g->member_id), HH_S(day)))))
            return st;
        int64_t left = iget(rule, "daily_cap") - used;
        if (pts > left) pts = left, capped = true;
    }
    if (has(rule, "total_cap")) {
        int64_t used = 0;
        if ((st = hh_db_int(tx, &used,
                            "SELECT coalesce(sum(points), 0) FROM points_txns WHERE rule_id = ? AND member_id = ? AND kind = 'earn'",
                            HH_A(HH_I(iget(rule, "id")), HH_I(g->member_id)))))
            return st;
        int64_t left = iget(rule, "total_cap") - used;
        if (pts > left) pts = left, capped = true;
    }
    if (pts <= 0) {
        /* too small a purchase for one point, or a purchase past the cap: no points, no error */
        if (!capped || !cap_refuses) return HH_OK;
        return r ? hh_fail(r, HH_E_UNPROCESSABLE, "limit", "已达到该积分规则的上限", "This rule's points limit is reached")
                 : HH_E_UNPROCESSABLE;
    }
    json_t *props = json_pack("{s:I, s:s, s:I, s:I, s:I, s:I}", "base", (json_int_t)base, "action", action,
                              "multiplier_rule_id", (json_int_t)mrule, "multiplier_pct", (json_int_t)mpct, "level_pct",
                              (json_int_t)lpct, "uncapped", (json_int_t)uncapped);
    if (brand) json_object_set_new(props, "brand_id", json_integer(brand));
    st = hh__points_earn_traced(tx, r, g, pts, iget(rule, "id"), iget(rule, "brand_id"), spend_fen, props, txn_id);
    json_decref(props);
    if (!st) *points = pts;
    return st;
}

hh_status hh_points_award_action(hh_db *tx, hh_req *r, const hh_grant *g, const char *action, int64_t brand_id,
                                 int64_t *points, int64_t *txn_id)
{
    *points = 0;
    if (!hh_str_in(action, actions))
        return r ? hh_fail(r, HH_E_INVALID, "action", "不支持的积分动作", "Unknown points action") : HH_E_INVALID;
    int64_t now = hh_now_ms();
    json_t *rule = NULL;
    hh_status st = hh_db_one(tx, &rule,
                             "SELECT id, brand_id, points, daily_cap, total_cap FROM points_rules WHERE enterprise_id = ?1"
                             " AND kind = 'action' AND action = ?2 AND status = 'active'"
                             " AND (brand_id IS NULL OR brand_id = ?3)"
                             " AND (starts_at IS NULL OR starts_at <= ?4) AND (ends_at IS NULL OR ends_at > ?4)"
                             " ORDER BY brand_id IS NULL, id DESC LIMIT 1",
                             HH_A(HH_I(g->enterprise_id), HH_S(action), HH_I(brand_id), HH_I(now)));
    if (st == HH_E_NOT_FOUND) return HH_OK;
    if (st) return st;
    st = award(tx, r, g, rule, action, brand_id, iget(rule, "points"), 0, true, points, txn_id);
    json_decref(rule);
    return st;
}

static hh_status award_purchase(hh_db *tx, hh_req *r, const hh_grant *g, int64_t brand_id, const char *product,
                                int64_t amount_fen, int64_t *points, int64_t *txn_id)
{
    hh_status st;
    if (amount_fen <= 0 || amount_fen > 100000000000LL)
        return r ? hh_fail(r, HH_E_INVALID, "amount_fen", "金额须为正数（分）", "amount_fen must be positive (fen)")
                 : HH_E_INVALID;
    int64_t dup = 0, now = hh_now_ms();
    if (g->source_id &&
        (st = hh_db_int(tx, &dup,
                        "SELECT count(*) FROM points_purchases WHERE member_id = ? AND source = ? AND source_id = ?"
                        " AND product = ?",
                        HH_A(HH_I(g->member_id), HH_S(g->source ? g->source : "purchase"), HH_I(g->source_id),
                             HH_S(product)))))
        return st;
    if (dup)
        return r ? hh_fail(r, HH_E_CONFLICT, "source_id", "这笔消费已计过积分", "This purchase was already counted")
                 : HH_E_CONFLICT;
    hh_result res;
    if ((st = hh_db_run(tx, &res,
                        "INSERT INTO points_purchases (enterprise_id, member_id, brand_id, store_id, product, amount_fen,"
                        " source, source_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        HH_A(HH_I(g->enterprise_id), HH_I(g->member_id), HH_ID(brand_id), HH_ID(g->store_id),
                             HH_S(product), HH_I(amount_fen), HH_S(g->source ? g->source : "purchase"),
                             HH_ID(g->source_id), HH_I(now)))))
        return st;
    int64_t purchase_id = res.last_id;
    json_t *rule = NULL;
    st = hh_db_one(tx, &rule,
                   "SELECT id, brand_id, points, unit_fen, daily_cap, total_cap FROM points_rules WHERE enterprise_id = ?1"
                   " AND kind = 'spend' AND status = 'active' AND (brand_id IS NULL OR brand_id = ?2)"
                   " AND (store_id IS NULL OR store_id = ?3) AND (product IS NULL OR product = ?4)"
                   " AND (starts_at IS NULL OR starts_at <= ?5) AND (ends_at IS NULL OR ends_at > ?5)"
                   " ORDER BY product IS NULL, store_id IS NULL, brand_id IS NULL, id DESC LIMIT 1",
                   HH_A(HH_I(g->enterprise_id), HH_I(brand_id), HH_I(g->store_id), HH_S(product), HH_I(now)));
    int64_t txn = 0;
    if (st == HH_E_NOT_FOUND) {
        st = HH_OK;
    } else if (!st) {
        int64_t unit = iget(rule, "unit_fen") > 0 ? iget(rule, "unit_fen") : 100;
        st = award(tx, r, g, rule, "spend", brand_id, amount_fen / unit * iget(rule, "points"), amount_fen, false, points,
                   &txn);
        json_decref(rule);
        if (!st && txn)
            st = hh_db_run(tx, NULL, "UPDATE points_purchases SET txn_id = ? WHERE id = ?",
                           HH_A(HH_I(txn), HH_I(purchase_id)));
    }
    /* a spend-based level may move without any points */
    if (!st && !txn) st = hh__level_evaluate(tx, g->enterprise_id, g->member_id, false);
    if (!st && txn_id) *txn_id = txn;
    return st;
}

hh_status hh_points_award_purchase(hh_db *tx, hh_req *r, const hh_grant *g, int64_t brand_id, const char *product,
                                   int64_t amount_fen, int64_t *points, int64_t *txn_id)
{
    *points = 0;
    hh_status st = hh_db_exec(tx, "SAVEPOINT points_purchase");
    if (st) return st;
    st = award_purchase(tx, r, g, brand_id, product ? product : "", amount_fen, points, txn_id);
    if (st) hh_db_exec(tx, "ROLLBACK TO points_purchase");
    hh_status rel = hh_db_exec(tx, "RELEASE points_purchase");
    return st ? st : rel;
}

/* ---- hooks of the member module ---- */

/* A refusal (cap reached, already awarded) must not undo what caused it. */
static hh_status soft(hh_status st)
{
    return st == HH_E_UNPROCESSABLE || st == HH_E_CONFLICT || st == HH_E_INVALID || st == HH_E_NOT_FOUND ? HH_OK : st;
}

hh_status hh_points_on_register(hh_db *tx, int64_t enterprise_id, int64_t member_id, int64_t brand_id,
                                int64_t store_id, int64_t staff_id, int64_t touchpoint_id)
{
    hh_grant g = {.enterprise_id = enterprise_id, .member_id = member_id, .store_id = store_id, .staff_id = staff_id,
                  .touchpoint_id = touchpoint_id, .source = "register", .source_id = member_id};
    int64_t pts = 0;
    return soft(hh_points_award_action(tx, NULL, &g, "register", brand_id, &pts, NULL));
}

hh_status hh_points_on_profile(hh_db *tx, int64_t enterprise_id, int64_t member_id, int64_t *awarded)
{
    if (awarded) *awarded = 0;
    int64_t complete = 0, done = 0;
    hh_status st = hh_db_int(tx, &complete,
                             "SELECT name <> '' AND gender <> 'unknown' AND birthday IS NOT NULL AND city_code IS NOT NULL"
                             " FROM members WHERE id = ?",
                             HH_A(HH_I(member_id)));
    if (st || !complete) return st == HH_E_NOT_FOUND ? HH_OK : st;
    if ((st = hh_db_int(tx, &done,
                        "SELECT count(*) FROM points_txns WHERE member_id = ? AND source = 'profile' AND kind = 'earn'",
                        HH_A(HH_I(member_id)))) ||
        done)
        return st;
    hh_grant g = {.enterprise_id = enterprise_id, .member_id = member_id, .source = "profile", .source_id = member_id};
    int64_t pts = 0;
    st = soft(hh_points_award_action(tx, NULL, &g, "profile", 0, &pts, NULL));
    if (!st && awarded) *awarded = pts;
    return st;
}

/* ---- daily check-in (member H5) ---- */

static int64_t day_number(const char day[11])
{
    int y = 0, m = 0, d = 0;
    sscanf(day, "%4d-%2d-%2d", &y, &m, &d);
    return (int64_t)y * 10000 + m * 100 + d;
}

/* Consecutive check-in days ending today (or yesterday when not checked in today). */
static int64_t checkin_streak(hh_db *db, int64_t member, const char *tz, int64_t now, bool *today)
{
    json_t *rows;
    *today = false;
    if (hh_db_query(db, &rows,
                    "SELECT source_id FROM points_txns WHERE member_id = ? AND source = 'checkin' AND kind = 'earn'"
                    " ORDER BY source_id DESC LIMIT 400",
                    HH_A(HH_I(member))) != HH_OK)
        return 0;
    hh_local l;
    if (!hh_local_parts(tz, now, &l)) hh_local_parts(tz = "Asia/Shanghai", now, &l);
    int64_t streak = 0;
    size_t i = 0;
    for (int back = 0; back < 400 && i < json_array_size(rows); back++) {
        char day[11];
        hh_local_day(tz, hh_local_start(tz, l.year, l.month, l.day - back) + 3600000, day);
        int64_t want = day_number(day), have = iget(json_array_get(rows, i), "source_id");
        if (have == want) {
            if (back == 0) *today = true;
            streak++;
            i++;
        } else if (back > 0) {
            break;
        }
    }
    json_decref(rows);
    return streak;
}

hh_status hh__checkin_json(hh_db *db, int64_t ent, int64_t member, json_t **out)
{
    char tz[64];
    hh_enterprise_tz(db, ent, tz);
    int64_t now = hh_now_ms(), pts = 0;
    bool today = false;
    int64_t streak = checkin_streak(db, member, tz, now, &today);
    hh_status st = hh_db_int(db, &pts,
                             "SELECT points FROM points_rules WHERE enterprise_id = ?1 AND kind = 'action'"
                             " AND action = 'checkin' AND status = 'active' AND brand_id IS NULL"
                             " AND (starts_at IS NULL OR starts_at <= ?2) AND (ends_at IS NULL OR ends_at > ?2)"
                             " ORDER BY id DESC LIMIT 1",
                             HH_A(HH_I(ent), HH_I(now)));
    if (st && st != HH_E_NOT_FOUND) return st;
    *out = json_pack("{s:b, s:I, s:o}", "today", today, "streak", (json_int_t)streak, "points",
                     st == HH_E_NOT_FOUND ? json_null() : json_integer(pts));
    return HH_OK;
}

static hh_status checkin_write(hh_db *tx, hh_req *r)
{
    int64_t ent = r->who.enterprise_id, member = r->who.id, now = hh_now_ms();
    char tz[64], day[11];
    hh_enterprise_tz(tx, ent, tz);
    hh_local_day(tz, now, day);
    hh_grant g = {.enterprise_id = ent, .member_id = member, .source = "checkin", .source_id = day_number(day)};
    int64_t done = 0, pts = 0, txn = 0;
    hh_status st = hh_db_int(tx, &done,
                             "SELECT count(*) FROM points_txns WHERE member_id = ? AND source = 'checkin' AND source_id = ?"
                             " AND kind = 'earn'",
                             HH_A(HH_I(member), HH_I(g.source_id)));
    if (st) return st;
    if (done) return hh_fail(r, HH_E_CONFLICT, "day", "今天已经签到过了，明天再来", "Already checked in today; come back tomorrow");
    if ((st = hh_points_award_action(tx, r, &g, "checkin", 0, &pts, &txn))) return st;
    if (!txn) return hh_fail(r, HH_E_UNPROCESSABLE, "checkin", "签到送积分暂未开放", "Daily check-in points are not offered now");
    json_t *props = json_pack("{s:s, s:I, s:I}", "day", day, "points", (json_int_t)pts, "txn_id", (json_int_t)txn);
    st = hh_reward_event(tx, "points.checkin", &g, 0, props);
    json_decref(props);
    json_t *ci;
    if (st || (st = hh__checkin_json(tx, ent, member, &ci))) return st;
    hh_reply(r, 201, json_pack("{s:I, s:I, s:s, s:I, s:o}", "points", (json_int_t)pts, "txn_id", (json_int_t)txn, "day",
                               day, "balance", (json_int_t)hh_points_balance(tx, member), "checkin", ci));
    return HH_OK;
}

hh_status hh_h_member_points_checkin(hh_req *r)
{
    static const char *const none[] = {NULL};
    hh_status st;
    if (r->body_len && ((st = hh_body(r)) || (st = hh_fields_only(r, none)))) return st;
    return hh_req_write(r, checkin_write);
}

/* ---- rules in the admin console ---- */

#define RULE_COLS                                                                                           \
    "SELECT r.id, r.name, r.kind, r.action, r.brand_id, b.name AS brand_name, r.store_id, s.name AS store_name," \
    " r.product, r.campaign_id, c.name AS campaign_name, r.points, r.unit_fen, r.multiplier_pct, r.daily_cap,"  \
    " r.total_cap, r.starts_at, r.ends_at, r.status, r.created_at, r.updated_at,"                             \
    " (SELECT count(*) FROM points_txns t WHERE t.rule_id = r.id AND t.kind = 'earn') AS award_count,"         \
    " (SELECT coalesce(sum(t.points), 0) FROM points_txns t WHERE t.rule_id = r.id AND t.kind = 'earn')"       \
    " AS points_awarded FROM points_rules r LEFT JOIN brands b ON b.id = r.brand_id"                         \
    " LEFT JOIN stores s ON s.id = r.store_id LEFT JOIN campaigns c ON c.id = r.campaign_id"

hh_status hh_h_points_rules_list(hh_req *r)
{
    int64_t limit, offset, brand_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "brand_id", &brand_id))) return st;
    const char *kind = hh_query(r, "kind"), *status = hh_query(r, "status");
    static const char *const kinds[] = {"spend", "action", "multiplier", NULL};
    static const char *const statuses[] = {"active", "paused", "archived", NULL};
    if (kind && *kind && !hh_str_in(kind, kinds))
        return hh_fail(r, HH_E_INVALID, "kind", "类型须为 spend、action 或 multiplier", "kind must be spend, action or multiplier");
    if (status && *status && !hh_str_in(status, statuses))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 active、paused 或 archived", "status must be active, paused or archived");
    if (kind && !*kind) kind = NULL;
    if (status && !*status) status = NULL;
    int64_t archived = hh_query_flag(r, "include_archived") || (status && !strcmp(status, "archived"));
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
#define RULES_WHERE                                                                                         \
    " WHERE r.enterprise_id = ?1 AND (r.brand_id IS NULL OR " HH_SCOPE_BRAND_ID("r.brand_id") ")"          \
    " AND (?5 IS NULL OR r.kind = ?5) AND (?6 IS NULL OR r.status = ?6) AND (?7 OR r.status <> 'archived')" \
    " AND (?8 IS NULL OR r.brand_id = ?8)"
    st = hh_db_query(db, &items,
                     RULE_COLS RULES_WHERE " ORDER BY r.status = 'archived', r.kind, r.id DESC LIMIT ?9 OFFSET ?10",
                     HH_A(HH_SCOPE_ARGS(r), HH_S(kind), HH_S(status), HH_I(archived), HH_ID(brand_id), HH_I(limit),
                          HH_I(offset)));
    if (st) return st;
    return hh_list_reply(r, db, items, "SELECT count(*) FROM points_rules r" RULES_WHERE,
                         HH_A(HH_SCOPE_ARGS(r), HH_S(kind), HH_S(status), HH_I(archived), HH_ID(brand_id)));
#undef RULES_WHERE
}

hh_status hh_h_points_rule_get(hh_req *r)
{
    json_t *row;
    hh_status st = hh_db_one(hh_store_reader(r->app->store), &row, RULE_COLS " WHERE r.id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_reply(r, 200, row);
    return HH_OK;
}

static const char *const rule_fields[] = {"name", "kind", "action", "brand_id", "store_id", "product", "campaign_id",
                                          "points", "unit_fen", "multiplier_pct", "daily_cap", "total_cap",
                                          "starts_at", "ends_at", "status", NULL};

/* Check the types of what the body gives (nulls clear optional fields). */
static hh_status read_rule_body(hh_req *r, bool create)
{
    hh_status st;
    const char *s;
    int64_t i;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, rule_fields)) ||
        (st = hh_field_str(r, "name", create, 32, &s, NULL)) || (st = hh_field_str(r, "kind", create, 16, &s, NULL)) ||
        (st = hh_field_str(r, "action", false, 16, &s, NULL)) || (st = hh_field_str(r, "product", false, 64, &s, NULL)) ||
        (st = hh_field_str(r, "status", false, 16, &s, NULL)) ||
        (st = hh_field_int(r, "brand_id", false, 1, INT64_MAX, &i, NULL)) ||
        (st = hh_field_int(r, "store_id", false, 1, INT64_MAX, &i, NULL)) ||
        (st = hh_field_int(r, "campaign_id", false, 1, INT64_MAX, &i, NULL)) ||
        (st = hh_field_int(r, "points", false, 1, 1000000, &i, NULL)) ||
        (st = hh_field_int(r, "unit_fen", false, 1, 100000000, &i, NULL)) ||
        (st = hh_field_int(r, "multiplier_pct", false, 10, 1000, &i, NULL)) ||
        (st = hh_field_int(r, "daily_cap", false, 1, 1000000000, &i, NULL)) ||
        (st = hh_field_int(r, "total_cap", false, 1, 1000000000, &i, NULL)) ||
        (st = hh_field_int(r, "starts_at", false, 0, 32503680000000LL, &i, NULL)) ||
        (st = hh_field_int(r, "ends_at", false, 0, 32503680000000LL, &i, NULL)))
        return st;
    if (!create && json_object_get(r->json, "kind"))
        return hh_fail(r, HH_E_INVALID, "kind", "规则类型创建后不能修改", "The kind of a rule cannot change");
    if (!create && !json_object_size(r->json))
        return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    if (json_is_null(json_object_get(r->json, "name")))
        return hh_fail(r, HH_E_INVALID, "name", "规则名称不能为空", "The rule name is required");
    return HH_OK;
}

/* The rule as it will be (current row overlaid with the body), checked as a whole. */
static hh_status check_rule(hh_db *tx, hh_req *r, json_t *rule)
{
    const char *kind = json_string_value(json_object_get(rule, "kind"));
    const char *action = json_string_value(json_object_get(rule, "action"));
    const char *status = json_string_value(json_object_get(rule, "status"));
    const char *name = json_string_value(json_object_get(rule, "name"));
    static const char *const kinds[] = {"spend", "action", "multiplier", NULL};
    static const char *const mult_actions[] = {"spend", "register", "profile", "checkin", "referral", "event", "receipt", NULL};
    static const char *const statuses[] = {"active", "paused", NULL};
    if (!name || !*name) return hh_fail(r, HH_E_INVALID, "name", "规则名称不能为空", "The rule name is required");
    if (!hh_str_in(kind, kinds))
        return hh_fail(r, HH_E_INVALID, "kind", "类型须为 spend、action 或 multiplier", "kind must be spend, action or multiplier");
    if (status && !hh_str_in(status, statuses))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 active 或 paused（删除即归档）",
                       "status must be active or paused (DELETE archives)");
    bool spend = !strcmp(kind, "spend"), act = !strcmp(kind, "action"), mult = !strcmp(kind, "multiplier");
#define NOT_FOR(field, zh, en)                                                                          \
    if (!json_is_null(json_object_get(rule, field)) && json_object_get(rule, field))                  \
    return hh_fail(r, HH_E_INVALID, field, zh, en)
    if (spend) {
        NOT_FOR("action", "消费规则没有动作", "A spend rule has no action");
        NOT_FOR("multiplier_pct", "消费规则没有倍率", "A spend rule has no multiplier");
        NOT_FOR("campaign_id", "消费规则不绑定活动（用倍率规则）", "A spend rule has no campaign (use a multiplier)");
        if (!has(rule, "points")) return hh_fail(r, HH_E_INVALID, "points", "请填写每单位金额的积分", "points is required");
        if (!has(rule, "unit_fen"))
            return hh_fail(r, HH_E_INVALID, "unit_fen", "请填写计积分的金额单位（分）", "unit_fen is required");
    } else if (act) {
        NOT_FOR("store_id", "动作规则不按门店区分", "An action rule has no store");
        NOT_FOR("product", "动作规则不按商品区分", "An action rule has no product");
        NOT_FOR("unit_fen", "动作规则没有金额单位", "An action rule has no unit_fen");
        NOT_FOR("multiplier_pct", "动作规则没有倍率", "An action rule has no multiplier");
        NOT_FOR("campaign_id", "动作规则不绑定活动（用倍率规则）", "An action rule has no campaign (use a multiplier)");
        if (!hh_str_in(action, actions))
            return hh_fail(r, HH_E_INVALID, "action", "动作须为 register、profile、checkin、referral、event 或 receipt",
                           "action must be register, profile, checkin, referral, event or receipt");
        if (!has(rule, "points")) return hh_fail(r, HH_E_INVALID, "points", "请填写奖励积分", "points is required");
    } else if (mult) {
        NOT_FOR("points", "倍率规则没有固定积分", "A multiplier has no points");
        NOT_FOR("unit_fen", "倍率规则没有金额单位", "A multiplier has no unit_fen");
        NOT_FOR("product", "倍率规则不按商品区分", "A multiplier has no product");
        NOT_FOR("daily_cap", "上限设在基础规则上", "Caps belong on the base rule");
        NOT_FOR("total_cap", "上限设在基础规则上", "Caps belong on the base rule");
        if (action && !hh_str_in(action, mult_actions))
            return hh_fail(r, HH_E_INVALID, "action", "倍率适用的动作须为 spend 或一种积分动作",
                           "action must be spend or a points action");
        if (!has(rule, "multiplier_pct") || iget(rule, "multiplier_pct") == 100)
            return hh_fail(r, HH_E_INVALID, "multiplier_pct", "请填写倍率（百分比，如 200 为双倍）",
                           "multiplier_pct is required (percent, 200 doubles)");
    }
#undef NOT_FOR
    if (has(rule, "starts_at") && has(rule, "ends_at") && iget(rule, "starts_at") >= iget(rule, "ends_at"))
        return hh_fail(r, HH_E_INVALID, "ends_at", "结束时间须晚于开始时间", "ends_at must be after starts_at");
    if (has(rule, "daily_cap") && has(rule, "total_cap") && iget(rule, "daily_cap") > iget(rule, "total_cap"))
        return hh_fail(r, HH_E_INVALID, "daily_cap", "每日上限不能大于总上限", "daily_cap cannot exceed total_cap");
    /* ids of this enterprise; the brand within the caller's scope */
    int64_t ent = r->who.enterprise_id, one = 0;
    hh_status st;
    if (has(rule, "brand_id") &&
        (st = hh_db_int(tx, &one, "SELECT 1 FROM brands WHERE id = ? AND enterprise_id = ?",
                        HH_A(HH_I(iget(rule, "brand_id")), HH_I(ent)))))
        return st == HH_E_NOT_FOUND ? hh_fail(r, HH_E_INVALID, "brand_id", "品牌不存在", "No such brand") : st;
    if (has(rule, "store_id") &&
        (st = hh_db_int(tx, &one, "SELECT 1 FROM stores WHERE id = ? AND enterprise_id = ?",
                        HH_A(HH_I(iget(rule, "store_id")), HH_I(ent)))))
        return st == HH_E_NOT_FOUND ? hh_fail(r, HH_E_INVALID, "store_id", "门店不存在", "No such store") : st;
    if (has(rule, "campaign_id") &&
        (st = hh_db_int(tx, &one, "SELECT 1 FROM campaigns WHERE id = ? AND enterprise_id = ?",
                        HH_A(HH_I(iget(rule, "campaign_id")), HH_I(ent)))))
        return st == HH_E_NOT_FOUND ? hh_fail(r, HH_E_INVALID, "campaign_id", "活动不存在", "No such campaign") : st;
    hh_scope s = {.enterprise_id = ent, .object = true};
    if (has(rule, "brand_id")) s.brands[s.nbrands++] = iget(rule, "brand_id");
    if (hh_authz(&r->who, HH_ACT_MARKETING_WRITE, &s) != HH_OK)
        return hh_fail(r, HH_E_FORBIDDEN, "brand_id", "只能为您管理的品牌设置积分规则；全企业规则由管理员设置",
                       "You can set rules for your own brands only; enterprise-wide rules are the owner's");
    return HH_OK;
}

static hh_status rule_reply(hh_db *tx, hh_req *r, int64_t id, int status, const char *action, json_t *before)
{
    json_t *row;
    hh_status st = hh_db_one(tx, &row, RULE_COLS " WHERE r.id = ?", HH_A(HH_I(id)));
    if (st) return st;
    if ((st = hh_audit(tx, r, action, "points_rule", id, before, row))) {
        json_decref(row);
        return st;
    }
    hh_reply(r, status, row);
    return HH_OK;
}

static hh_status rule_save(hh_db *tx, hh_req *r, json_t *rule, int64_t id, json_t *before)
{
    hh_status st = check_rule(tx, r, rule);
    if (st) return st;
    int64_t now = hh_now_ms();
    const char *status = json_string_value(json_object_get(rule, "status"));
#define OPT_I(k) (has(rule, k) ? HH_I(iget(rule, k)) : HH_NULL)
#define OPT_S(k) HH_S(json_string_value(json_object_get(rule, k)))
    const char *product = json_string_value(json_object_get(rule, "product"));
    if (product && !*product) product = NULL;
    hh_result res;
    if (!id)
        st = hh_db_run(tx, &res,
                       "INSERT INTO points_rules (enterprise_id, name, kind, action, brand_id, store_id, product, campaign_id,"
                       " points, unit_fen, multiplier_pct, daily_cap, total_cap, starts_at, ends_at, status, created_by,"
                       " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       HH_A(HH_I(r->who.enterprise_id), OPT_S("name"), OPT_S("kind"), OPT_S("action"),
                            OPT_I("brand_id"), OPT_I("store_id"), HH_S(product), OPT_I("campaign_id"), OPT_I("points"),
                            OPT_I("unit_fen"), OPT_I("multiplier_pct"), OPT_I("daily_cap"), OPT_I("total_cap"),
                            OPT_I("starts_at"), OPT_I("ends_at"), HH_S(status ? status : "active"), HH_I(r->who.id),
                            HH_I(now), HH_I(now)));
    else
        st = hh_db_run(tx, NULL,
                       "UPDATE points_rules SET name = ?, action = ?, brand_id = ?, store_id = ?, product = ?,"
                       " campaign_id = ?, points = ?, unit_fen = ?, multiplier_pct = ?, daily_cap = ?, total_cap = ?,"
                       " starts_at = ?, ends_at = ?, status = ?, updated_at = ? WHERE id = ?",
                       HH_A(OPT_S("name"), OPT_S("action"), OPT_I("brand_id"), OPT_I("store_id"), HH_S(product),
                            OPT_I("campaign_id"), OPT_I("points"), OPT_I("unit_fen"), OPT_I("multiplier_pct"),
                            OPT_I("daily_cap"), OPT_I("total_cap"), OPT_I("starts_at"), OPT_I("ends_at"),
                            HH_S(status ? status : "active"), HH_I(now), HH_I(id)));
#undef OPT_I
#undef OPT_S
    if (st) return st;
    return rule_reply(tx, r, id ? id : res.last_id, id ? 200 : 201, id ? "points_rule.update" : "points_rule.create",
                      before);
}

static hh_status rule_create_write(hh_db *tx, hh_req *r)
{
    json_t *rule = json_deep_copy(r->json);
    hh_req_own(r, rule);
    return rule_save(tx, r, rule, 0, NULL);
}

hh_status hh_h_points_rule_create(hh_req *r)
{
    hh_status st = read_rule_body(r, true);
    if (st) return st;
    return hh_req_write(r, rule_create_write);
}

static hh_status rule_update_write(hh_db *tx, hh_req *r)
{
    json_t *before;
    hh_status st = hh_db_one(tx, &before, RULE_COLS " WHERE r.id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, before);
    if (!strcmp(json_string_value(json_object_get(before, "status")), "archived"))
        return hh_fail(r, HH_E_CONFLICT, "id", "该规则已归档，不能修改", "This rule is archived");
    json_t *rule = json_deep_copy(before);
    hh_req_own(r, rule);
    json_object_update(rule, r->json);
    return rule_save(tx, r, rule, r->path_id, before);
}

hh_status hh_h_points_rule_update(hh_req *r)
{
    hh_status st = read_rule_body(r, false);
    if (st) return st;
    return hh_req_write(r, rule_update_write);
}

static hh_status rule_delete_write(hh_db *tx, hh_req *r)
{
    json_t *before;
    hh_status st = hh_db_one(tx, &before, RULE_COLS " WHERE r.id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, before);
    if (!strcmp(json_string_value(json_object_get(before, "status")), "archived"))
        return hh_fail(r, HH_E_CONFLICT, "id", "该规则已归档", "This rule is already archived");
    if ((st = hh_db_run(tx, NULL, "UPDATE points_rules SET status = 'archived', updated_at = ? WHERE id = ?",
                        HH_A(HH_I(hh_now_ms()), HH_I(r->path_id)))))
        return st;
    return rule_reply(tx, r, r->path_id, 200, "points_rule.archive", before);
}

hh_status hh_h_points_rule_delete(hh_req *r)
{
    return hh_req_write(r, rule_delete_write);
}
