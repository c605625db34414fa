/*
 * levels.c — member levels (会员等级).
 *
 * A ladder of levels per enterprise (rank 0, 1, 2 …, thresholds increasing).
 * The basis is either the points earned (awards, less their reversals) or the
 * amount spent (purchases that went through the points API) within a rolling
 * window of days, counting records merged into the member. A member whose
 * basis reaches a higher level is upgraded at once, inside the write that
 * raised the basis, and receives that level's privilege coupons (会员特权优惠,
 * hh_coupon_grant with source "level"). Downgrades happen only at the end of a
 * review period (calendar month, quarter or year in the enterprise's zone),
 * in the server's housekeeping: a member whose basis no longer reaches the
 * level drops to the level it reaches. Every change is kept in
 * member_level_history.
 *
 * A member without a member_levels row stands at the lowest level when its
 * threshold is 0 (no history, no coupons for that).
 */
#include "points/points.h"
#include "auth/auth.h"
#include "core/localtime.h"
#include "core/log.h"
#include "http/app.h"

#include <stdio.h>
#include <string.h>

#define MAX_LEVELS 20
#define DAY_MS 86400000LL

typedef struct level_cfg {
    char basis[8];     /* points, spend */
    int64_t window_days;
    char review[8];    /* month, quarter, year */
} level_cfg;

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static hh_status cfg_load(hh_db *db, int64_t ent, level_cfg *c)
{
    *c = (level_cfg){.basis = "points", .window_days = 365, .review = "year"};
    json_t *rows;
    hh_status st = hh_db_query(db, &rows,
                               "SELECT key, value FROM enterprise_settings WHERE enterprise_id = ? AND key IN"
                               " ('points.level_basis', 'points.level_window_days', 'points.level_review')",
                               HH_A(HH_I(ent)));
    if (st) return st;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *k = json_string_value(json_object_get(row, "key"));
        const char *v = json_string_value(json_object_get(row, "value"));
        int64_t n;
        if (!strcmp(k, "points.level_basis") && (!strcmp(v, "points") || !strcmp(v, "spend")))
            snprintf(c->basis, sizeof c->basis, "%s", v);
        if (!strcmp(k, "points.level_window_days") && hh_parse_i64(v, &n) && n >= 1 && n <= 3660) c->window_days = n;
        if (!strcmp(k, "points.level_review") && (!strcmp(v, "month") || !strcmp(v, "quarter") || !strcmp(v, "year")))
            snprintf(c->review, sizeof c->review, "%s", v);
    }
    json_decref(rows);
    return HH_OK;
}

/* The start of the review period after the one containing now. */
static int64_t next_review(const char *tz, const char *review, int64_t now)
{
    hh_local l;
    if (!hh_local_parts(tz, now, &l)) {
        tz = "Asia/Shanghai";
        hh_local_parts(tz, now, &l);
    }
    if (!strcmp(review, "month")) return hh_local_start(tz, l.year, l.month + 1, 1);
    if (!strcmp(review, "quarter")) return hh_local_start(tz, l.year, (l.month - 1) / 3 * 3 + 4, 1);
    return hh_local_start(tz, l.year + 1, 1, 1);
}

static hh_status basis_value(hh_db *db, int64_t member, const level_cfg *c, int64_t now, int64_t *out)
{
    int64_t since = now - c->window_days * DAY_MS;
    *out = 0;
    if (!strcmp(c->basis, "spend"))
        return hh_db_int(db, out,
                         "SELECT coalesce(sum(amount_fen), 0) FROM points_purchases WHERE member_id IN"
                         " (SELECT ?1 UNION ALL SELECT id FROM members WHERE merged_into = ?1) AND at >= ?2",
                         HH_A(HH_I(member), HH_I(since)));
    return hh_db_int(db, out,
                     "SELECT coalesce(sum(t.points + coalesce((SELECT x.points FROM points_txns x"
                     " WHERE x.reverses_id = t.id), 0)), 0) FROM points_txns t WHERE t.member_id IN"
                     " (SELECT ?1 UNION ALL SELECT id FROM members WHERE merged_into = ?1)"
                     " AND t.kind = 'earn' AND t.at >= ?2",
                     HH_A(HH_I(member), HH_I(since)));
}

#define LEVEL_COLS                                                                                  \
    "SELECT l.id, l.rank, l.name, l.threshold, l.earn_multiplier_pct, l.coupon_template_ids_json,"  \
    " l.benefits FROM points_levels l"

static hh_status active_levels(hh_db *db, int64_t ent, json_t **out)
{
    return hh_db_query(db, out, LEVEL_COLS " WHERE l.enterprise_id = ? AND l.archived_at IS NULL ORDER BY l.rank",
                       HH_A(HH_I(ent)));
}

int64_t hh__level_multiplier(hh_db *tx, int64_t member_id)
{
    int64_t pct = 100;
    if (hh_db_int(tx, &pct,
                  "SELECT l.earn_multiplier_pct FROM member_levels ml JOIN points_levels l ON l.id = ml.level_id"
                  " AND l.archived_at IS NULL WHERE ml.member_id = ?",
                  HH_A(HH_I(member_id))) == HH_E_NOT_FOUND &&
        hh_db_int(tx, &pct,
                  "SELECT l.earn_multiplier_pct FROM points_levels l JOIN members m ON m.enterprise_id = l.enterprise_id"
                  " WHERE m.id = ? AND l.archived_at IS NULL AND l.threshold = 0 ORDER BY l.rank LIMIT 1",
                  HH_A(HH_I(member_id))) != HH_OK)
        pct = 100;
    return pct > 0 ? pct : 100;
}

/* The privilege coupons of a level reached: one of each template, each in its
 * own savepoint so a template that is used up or archived is recorded and
 * skipped without touching the upgrade. */
static hh_status grant_coupons(hh_db *tx, int64_t ent, int64_t member, int64_t history_id, json_t *level)
{
    json_t *ids = json_object_get(level, "coupon_template_ids");
    json_t *out = json_array();
    size_t i;
    json_t *v;
    hh_status st = HH_OK;
    json_array_foreach(ids, i, v)
    {
        if (!json_is_integer(v)) continue;
        hh_grant g = {.enterprise_id = ent, .member_id = member, .source = "level", .source_id = history_id};
        int64_t coupon_id = 0;
        char code[HH_CODE_LEN + 1] = "";
        if ((st = hh_db_exec(tx, "SAVEPOINT level_coupon"))) break;
        hh_status gs = hh_coupon_grant(tx, NULL, &g, json_integer_value(v), &coupon_id, code);
        if (gs == HH_OK) {
            st = hh_db_exec(tx, "RELEASE level_coupon");
            json_array_append_new(out, json_pack("{s:O, s:I}", "template_id", v, "coupon_id", (json_int_t)coupon_id));
        } else {
            hh_db_exec(tx, "ROLLBACK TO level_coupon");
            st = hh_db_exec(tx, "RELEASE level_coupon");
            if (gs == HH_E_STORAGE || gs == HH_E_NOMEM) st = gs;
            json_array_append_new(out, json_pack("{s:O, s:s}", "template_id", v, "error", hh_status_code(gs)));
        }
        if (st) break;
    }
    char *text = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    if (!st)
        st = hh_db_run(tx, NULL, "UPDATE member_level_history SET coupons_json = ? WHERE id = ?",
                       HH_A(HH_S(text), HH_I(history_id)));
    free(text);
    return st;
}

static hh_status history(hh_db *tx, int64_t ent, int64_t member, int64_t from, int64_t to, const char *dir,
                         const level_cfg *c, int64_t value, const char *reason, int64_t *id)
{
    hh_result res;
    hh_status st = hh_db_run(tx, &res,
                             "INSERT INTO member_level_history (enterprise_id, member_id, from_level_id, to_level_id,"
                             " direction, basis, basis_value, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             HH_A(HH_I(ent), HH_I(member), HH_ID(from), HH_ID(to), HH_S(dir), HH_S(c->basis),
                                  HH_I(value), HH_S(reason), HH_I(hh_now_ms())));
    if (!st && id) *id = res.last_id;
    return st;
}

hh_status hh__level_evaluate(hh_db *tx, int64_t ent, int64_t member, bool allow_down)
{
    json_t *levels = NULL, *cur = NULL;
    level_cfg c;
    hh_status st = cfg_load(tx, ent, &c);
    if (!st) st = active_levels(tx, ent, &levels);
    if (st) return st;
    if (!json_array_size(levels)) {
        json_decref(levels);
        return HH_OK;
    }
    int64_t now = hh_now_ms(), value = 0;
    st = hh_db_one(tx, &cur, "SELECT level_id, review_at FROM member_levels WHERE member_id = ?", HH_A(HH_I(member)));
    if (st == HH_E_NOT_FOUND) st = HH_OK, cur = NULL;
    if (!st) st = basis_value(tx, member, &c, now, &value);
    if (st) {
        json_decref(levels);
        json_decref(cur);
        return st;
    }
    int64_t cur_id = cur ? iget(cur, "level_id") : 0, cur_rank = -1, tgt_rank = -1;
    json_t *target = NULL;
    size_t i;
    json_t *l;
    json_array_foreach(levels, i, l)
    {
        if (iget(l, "id") == cur_id) cur_rank = iget(l, "rank");
        if (iget(l, "threshold") <= value) target = l, tgt_rank = iget(l, "rank");
    }
    bool cur_active = cur && cur_rank >= 0;
    /* no row: the member stands at a lowest level of threshold 0 */
    if (!cur && target && target == json_array_get(levels, 0) && iget(target, "threshold") == 0) cur_rank = tgt_rank;
    /* the history names where the member stood, the implicit lowest level included */
    json_t *lowest = json_array_get(levels, 0);
    if (!cur && iget(lowest, "threshold") == 0) cur_id = iget(lowest, "id");
    char tz[64];
    hh_enterprise_tz(tx, ent, tz);
    int64_t review = next_review(tz, c.review, now);
    int64_t tgt_id = target ? iget(target, "id") : 0, hid = 0;
    if (target && tgt_rank > cur_rank) {
        st = hh_db_run(tx, NULL,
                       "INSERT INTO member_levels (member_id, enterprise_id, level_id, since, basis_value, review_at,"
                       " evaluated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?4) ON CONFLICT (member_id) DO UPDATE SET"
                       " level_id = ?3, since = ?4, basis_value = ?5, review_at = ?6, evaluated_at = ?4",
                       HH_A(HH_I(member), HH_I(ent), HH_I(tgt_id), HH_I(now), HH_I(value), HH_I(review)));
        if (!st) st = history(tx, ent, member, cur_id, tgt_id, "up", &c, value, "reached", &hid);
        if (!st) st = grant_coupons(tx, ent, member, hid, target);
        if (!st) {
            hh_grant g = {.enterprise_id = ent, .member_id = member, .source = "level", .source_id = hid};
            json_t *props = json_pack("{s:I, s:I, s:s, s:I}", "from_level_id", (json_int_t)cur_id, "to_level_id",
                                      (json_int_t)tgt_id, "basis", c.basis, "basis_value", (json_int_t)value);
            st = hh_reward_event(tx, "member.level_up", &g, 0, props);
            json_decref(props);
        }
    } else if (allow_down && cur && now >= iget(cur, "review_at")) {
        if (tgt_rank < cur_rank || !cur_active) {
            st = target ? hh_db_run(tx, NULL,
                                    "UPDATE member_levels SET level_id = ?2, since = ?3, basis_value = ?4,"
                                    " review_at = ?5, evaluated_at = ?3 WHERE member_id = ?1",
                                    HH_A(HH_I(member), HH_I(tgt_id), HH_I(now), HH_I(value), HH_I(review)))
                        : hh_db_run(tx, NULL, "DELETE FROM member_levels WHERE member_id = ?", HH_A(HH_I(member)));
            if (!st) st = history(tx, ent, member, cur_id, tgt_id, "down", &c, value, "review", NULL);
            if (!st) {
                hh_grant g = {.enterprise_id = ent, .member_id = member, .source = "level"};
                json_t *props = json_pack("{s:I, s:I, s:s, s:I}", "from_level_id", (json_int_t)cur_id,
                                          "to_level_id", (json_int_t)tgt_id, "basis", c.basis, "basis_value",
                                          (json_int_t)value);
                st = hh_reward_event(tx, "member.level_down", &g, 0, props);
                json_decref(props);
            }
        } else {
            st = hh_db_run(tx, NULL,
                           "UPDATE member_levels SET basis_value = ?2, review_at = ?3, evaluated_at = ?4 WHERE member_id = ?1",
                           HH_A(HH_I(member), HH_I(value), HH_I(review), HH_I(now)));
        }
    } else if (allow_down && cur && json_is_null(json_object_get(cur, "review_at"))) {
        st = hh_db_run(tx, NULL, "UPDATE member_levels SET review_at = ? WHERE member_id = ?",
                       HH_A(HH_I(review), HH_I(member)));
    }
    json_decref(levels);
    json_decref(cur);
    return st;
}

/* ---- reading ---- */

static void add_templates(hh_db *db, json_t *level)
{
    json_t *ids = json_object_get(level, "coupon_template_ids"), *tpl = NULL;
    char *text = json_dumps(ids ? ids : json_array(), JSON_COMPACT);
    if (hh_db_query(db, &tpl,
                    "SELECT t.id, t.name, t.kind, t.value_fen, t.discount_pct, t.gift_name FROM coupon_templates t"
                    " WHERE t.id IN (SELECT value FROM json_each(?)) ORDER BY t.id",
                    HH_A(HH_S(text))) != HH_OK)
        tpl = json_array();
    free(text);
    json_object_set_new(level, "coupon_templates", tpl);
}

static json_t *cfg_json(const level_cfg *c)
{
    return json_pack("{s:s, s:I, s:s}", "basis", c->basis, "window_days", (json_int_t)c->window_days, "review",
                     c->review);
}

hh_status hh__levels_json(hh_db *db, int64_t ent, json_t **out)
{
    level_cfg c;
    json_t *levels;
    hh_status st = cfg_load(db, ent, &c);
    if (!st)
        st = hh_db_query(db, &levels,
                         "SELECT l.id, l.rank, l.name, l.threshold, l.earn_multiplier_pct, l.coupon_template_ids_json,"
                         " l.benefits, (SELECT count(*) FROM member_levels ml WHERE ml.level_id = l.id) AS member_count"
                         " FROM points_levels l WHERE l.enterprise_id = ? AND l.archived_at IS NULL ORDER BY l.rank",
                         HH_A(HH_I(ent)));
    if (st) return st;
    size_t i;
    json_t *l;
    json_array_foreach(levels, i, l) add_templates(db, l);
    *out = cfg_json(&c);
    json_object_set_new(*out, "levels", levels);
    return HH_OK;
}

hh_status hh__member_level_json(hh_db *db, int64_t ent, int64_t member, json_t **out)
{
    level_cfg c;
    json_t *levels = NULL, *cur = NULL, *hist = NULL;
    int64_t now = hh_now_ms(), value = 0;
    hh_status st = cfg_load(db, ent, &c);
    if (!st) st = active_levels(db, ent, &levels);
    if (!st) st = basis_value(db, member, &c, now, &value);
    if (!st) {
        st = hh_db_one(db, &cur, "SELECT level_id, since, review_at FROM member_levels WHERE member_id = ?",
                       HH_A(HH_I(member)));
        if (st == HH_E_NOT_FOUND) st = HH_OK, cur = NULL;
    }
    if (!st)
        st = hh_db_query(db, &hist,
                         "SELECT h.id, h.direction, h.from_level_id, f.name AS from_name, h.to_level_id, t.name AS to_name,"
                         " h.basis, h.basis_value, h.reason, h.coupons_json, h.at FROM member_level_history h"
                         " LEFT JOIN points_levels f ON f.id = h.from_level_id LEFT JOIN points_levels t ON t.id = h.to_level_id"
                         " WHERE h.member_id = ? ORDER BY h.id DESC LIMIT 20",
                         HH_A(HH_I(member)));
    if (st) {
        json_decref(levels);
        json_decref(cur);
        json_decref(hist);
        return st;
    }
    json_t *current = NULL, *next = NULL;
    size_t i;
    json_t *l;
    int64_t cur_id = cur ? iget(cur, "level_id") : 0;
    json_array_foreach(levels, i, l)
    {
        if (cur ? iget(l, "id") == cur_id : (i == 0 && iget(l, "threshold") == 0)) current = l;
    }
    int64_t cur_rank = current ? iget(current, "rank") : -1;
    json_array_foreach(levels, i, l) if (!next && iget(l, "rank") > cur_rank) next = l;
    json_array_foreach(levels, i, l) add_templates(db, l);
    json_t *o = cfg_json(&c);
    json_object_set_new(o, "basis_value", json_integer(value));
    json_object_set(o, "current", current ? current : json_null());
    json_object_set(o, "since", cur ? json_object_get(cur, "since") : json_null());
    json_object_set(o, "review_at", cur ? json_object_get(cur, "review_at") : json_null());
    if (next) {
        json_t *n = json_pack("{s:O, s:O, s:O, s:I}", "id", json_object_get(next, "id"), "name",
                              json_object_get(next, "name"), "threshold", json_object_get(next, "threshold"), "needed",
                              (json_int_t)(iget(next, "threshold") - value > 0 ? iget(next, "threshold") - value : 0));
        json_object_set_new(o, "next", n);
    } else {
        json_object_set_new(o, "next", json_null());
    }
    json_object_set_new(o, "history", hist);
    json_object_set_new(o, "levels", levels);
    json_decref(cur);
    *out = o;
    return HH_OK;
}

/* ---- handlers ---- */

hh_status hh_h_points_levels_get(hh_req *r)
{
    json_t *o;
    hh_status st = hh__levels_json(hh_store_reader(r->app->store), r->who.enterprise_id, &o);
    if (st) return st;
    hh_reply(r, 200, o);
    return HH_OK;
}

typedef struct level_in {
    const char *name, *benefits;
    int64_t id, threshold, pct;
    json_t *templates;
} level_in;

typedef struct levels_in {
    const char *basis, *review;
    int64_t window_days;
    level_in levels[MAX_LEVELS];
    int n;
} levels_in;

static hh_status bad(hh_req *r, const char *field, const char *zh, const char *en)
{
    return hh_fail(r, HH_E_INVALID, field, zh, en);
}

static hh_status read_level(hh_req *r, json_t *v, int k, level_in *out)
{
    static const char *const keys[] = {"id", "name", "threshold", "earn_multiplier_pct", "coupon_template_ids",
                                       "benefits", NULL};
    const char *f = hh_sprintf(r->arena, "levels[%d]", k);
    if (!json_is_object(v)) return bad(r, f, "每个等级须为对象", "each level must be an object");
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        bool ok = false;
        for (const char *const *a = keys; *a && !ok; a++) ok = !strcmp(*a, key);
        if (!ok) {
            const char *fk = hh_sprintf(r->arena, "levels[%d].%s", k, key);
            return bad(r, fk, hh_sprintf(r->arena, "不认识的字段 %s", fk), hh_sprintf(r->arena, "Unknown field %s", fk));
        }
    }
    json_t *id = json_object_get(v, "id"), *name = json_object_get(v, "name"),
           *th = json_object_get(v, "threshold"), *pct = json_object_get(v, "earn_multiplier_pct"),
           *tpl = json_object_get(v, "coupon_template_ids"), *ben = json_object_get(v, "benefits");
    if (id && !json_is_null(id) && (!json_is_integer(id) || json_integer_value(id) <= 0))
        return bad(r, hh_sprintf(r->arena, "%s.id", f), "等级编号须为正整数", "id must be a positive integer");
    out->id = json_is_integer(id) ? json_integer_value(id) : 0;
    const char *nm = json_string_value(name);
    size_t chars = 0;
    for (const char *p = nm; p && *p; p++) chars += ((unsigned char)*p & 0xc0) != 0x80;
    if (!nm || !*nm || chars > 16 || strspn(nm, " ") == strlen(nm))
        return bad(r, hh_sprintf(r->arena, "%s.name", f), "等级名称须为 1–16 个字符", "name must be 1–16 characters");
    for (const char *p = nm; *p; p++)
        if ((unsigned char)*p < 0x20)
            return bad(r, hh_sprintf(r->arena, "%s.name", f), "等级名称含有控制字符", "name contains control characters");
    out->name = nm;
    if (!json_is_integer(th) || json_integer_value(th) < 0 || json_integer_value(th) > 10000000000LL)
        return bad(r, hh_sprintf(r->arena, "%s.threshold", f), "门槛须为 0–10000000000 的整数",
                   "threshold must be an integer 0–10000000000");
    out->threshold = json_integer_value(th);
    out->pct = 100;
    if (pct && !json_is_null(pct)) {
        if (!json_is_integer(pct) || json_integer_value(pct) < 100 || json_integer_value(pct) > 1000)
            return bad(r, hh_sprintf(r->arena, "%s.earn_multiplier_pct", f), "积分倍率须为 100–1000（百分比）",
                       "earn_multiplier_pct must be 100–1000 (percent)");
        out->pct = json_integer_value(pct);
    }
    out->templates = json_array();
    hh_req_own(r, out->templates);
    if (tpl && !json_is_null(tpl)) {
        if (!json_is_array(tpl) || json_array_size(tpl) > 10)
            return bad(r, hh_sprintf(r->arena, "%s.coupon_template_ids", f), "特权优惠券最多 10 种",
                       "coupon_template_ids must be an array of at most 10 ids");
        size_t i;
        json_t *e;
        json_array_foreach(tpl, i, e)
        {
            if (!json_is_integer(e) || json_integer_value(e) <= 0)
                return bad(r, hh_sprintf(r->arena, "%s.coupon_template_ids", f), "须只含优惠券模板编号",
                           "coupon_template_ids must hold template ids");
            json_array_append(out->templates, e);
        }
    }
    out->benefits = "";
    if (ben && !json_is_null(ben)) {
        const char *b = json_string_value(ben);
        size_t bl = 0;
        for (const char *p = b; p && *p; p++) bl += ((unsigned char)*p & 0xc0) != 0x80;
        if (!b || bl > 500)
            return bad(r, hh_sprintf(r->arena, "%s.benefits", f), "权益说明须为最多 500 字的文本",
                       "benefits must be text of at most 500 characters");
        out->benefits = b;
    }
    return HH_OK;
}

static hh_status levels_write(hh_db *tx, hh_req *r)
{
    levels_in *in = r->ud;
    int64_t ent = r->who.enterprise_id, now = hh_now_ms();
    json_t *before;
    hh_status st = hh__levels_json(tx, ent, &before);
    if (st) return st;
    hh_req_own(r, before);
    /* ids must be this enterprise's levels; templates this enterprise's coupons */
    for (int k = 0; k < in->n; k++) {
        level_in *l = &in->levels[k];
        int64_t n = 0;
        if (l->id &&
            (hh_db_int(tx, &n, "SELECT count(*) FROM points_levels WHERE id = ? AND enterprise_id = ? AND archived_at IS NULL",
                       HH_A(HH_I(l->id), HH_I(ent))) ||
             !n))
            return hh_fail(r, HH_E_INVALID, hh_sprintf(r->arena, "levels[%d].id", k), "等级不存在", "No such level");
        char *ids = json_dumps(l->templates, JSON_COMPACT);
        st = hh_db_int(tx, &n,
                       "SELECT count(*) FROM coupon_templates WHERE enterprise_id = ? AND id IN (SELECT value FROM json_each(?))",
                       HH_A(HH_I(ent), HH_S(ids)));
        free(ids);
        if (st) return st;
        if (n != (int64_t)json_array_size(l->templates))
            return hh_fail(r, HH_E_INVALID, hh_sprintf(r->arena, "levels[%d].coupon_template_ids", k),
                           "优惠券模板不存在", "No such coupon template");
    }
    /* free the ranks, archive what is not listed, then write the ladder */
    st = hh_db_run(tx, NULL, "UPDATE points_levels SET rank = -id WHERE enterprise_id = ? AND archived_at IS NULL",
                   HH_A(HH_I(ent)));
    json_t *keep = json_array();
    for (int k = 0; k < in->n; k++)
        if (in->levels[k].id) json_array_append_new(keep, json_integer(in->levels[k].id));
    char *keep_text = json_dumps(keep, JSON_COMPACT);
    json_decref(keep);
    if (!st)
        st = hh_db_run(tx, NULL,
                       "UPDATE points_levels SET archived_at = ?1, updated_at = ?1 WHERE enterprise_id = ?2"
                       " AND archived_at IS NULL AND id NOT IN (SELECT value FROM json_each(?3))",
                       HH_A(HH_I(now), HH_I(ent), HH_S(keep_text)));
    free(keep_text);
    for (int k = 0; k < in->n && !st; k++) {
        level_in *l = &in->levels[k];
        char *tpl = json_dumps(l->templates, JSON_COMPACT);
        if (l->id)
            st = hh_db_run(tx, NULL,
                           "UPDATE points_levels SET rank = ?, name = ?, threshold = ?, earn_multiplier_pct = ?,"
                           " coupon_template_ids_json = ?, benefits = ?, updated_at = ? WHERE id = ?",
                           HH_A(HH_I(k), HH_S(l->name), HH_I(l->threshold), HH_I(l->pct), HH_S(tpl),
                                HH_S(l->benefits), HH_I(now), HH_I(l->id)));
        else
            st = hh_db_run(tx, NULL,
                           "INSERT INTO points_levels (enterprise_id, rank, name, threshold, earn_multiplier_pct,"
                           " coupon_template_ids_json, benefits, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           HH_A(HH_I(ent), HH_I(k), HH_S(l->name), HH_I(l->threshold), HH_I(l->pct), HH_S(tpl),
                                HH_S(l->benefits), HH_I(now), HH_I(now)));
        free(tpl);
    }
    const struct {
        const char *key, *value;
    } kv[] = {{"points.level_basis", in->basis},
              {"points.level_review", in->review},
              {"points.level_window_days", hh_sprintf(r->arena, "%lld", (long long)in->window_days)},
              /* housekeeping re-evaluates everyone against the new ladder from this cursor */
              {"points.level_cursor", "0"}};
    for (size_t i = 0; i < HH_ARRAY_LEN(kv) && !st; i++)
        st = hh_db_run(tx, NULL,
                       "INSERT INTO enterprise_settings (enterprise_id, key, value) VALUES (?, ?, ?)"
                       " ON CONFLICT (enterprise_id, key) DO UPDATE SET value = excluded.value",
                       HH_A(HH_I(ent), HH_S(kv[i].key), HH_S(kv[i].value)));
    json_t *after;
    if (st || (st = hh__levels_json(tx, ent, &after))) return st;
    if ((st = hh_audit(tx, r, "points.levels", "enterprise", ent, before, after))) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_points_levels_put(hh_req *r)
{
    static const char *const allowed[] = {"basis", "window_days", "review", "levels", NULL};
    levels_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "basis", true, 8, &in->basis, NULL)) ||
        (st = hh_field_int(r, "window_days", true, 1, 3660, &in->window_days, NULL)) ||
        (st = hh_field_str(r, "review", true, 8, &in->review, NULL)))
        return st;
    if (strcmp(in->basis, "points") && strcmp(in->basis, "spend"))
        return bad(r, "basis", "依据须为 points（积分）或 spend（消费金额）", "basis must be points or spend");
    if (strcmp(in->review, "month") && strcmp(in->review, "quarter") && strcmp(in->review, "year"))
        return bad(r, "review", "评定周期须为 month、quarter 或 year", "review must be month, quarter or year");
    json_t *levels = json_object_get(r->json, "levels");
    if (!json_is_array(levels))
        return bad(r, "levels", "levels 须为等级数组（从低到高）", "levels must be an array, lowest first");
    if (json_array_size(levels) > MAX_LEVELS)
        return bad(r, "levels", "最多 20 个等级", "At most 20 levels");
    size_t i;
    json_t *v;
    json_array_foreach(levels, i, v)
    {
        level_in *l = &in->levels[in->n];
        if ((st = read_level(r, v, (int)i, l))) return st;
        for (int k = 0; k < in->n; k++) {
            if (!strcmp(in->levels[k].name, l->name))
                return bad(r, hh_sprintf(r->arena, "levels[%zu].name", i), "等级名称重复", "Two levels have this name");
            if (l->id && in->levels[k].id == l->id)
                return bad(r, hh_sprintf(r->arena, "levels[%zu].id", i), "等级编号重复", "A level is listed twice");
        }
        if (in->n && l->threshold <= in->levels[in->n - 1].threshold)
            return bad(r, hh_sprintf(r->arena, "levels[%zu].threshold", i), "门槛须逐级升高",
                       "Thresholds must increase from level to level");
        in->n++;
    }
    return hh_req_write(r, levels_write);
}

hh_status hh_h_points_level_history(hh_req *r)
{
    int64_t limit, offset, member_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "member_id", &member_id))) return st;
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
#define HIST_WHERE " WHERE h.enterprise_id = ?1 AND (?2 IS NULL OR h.member_id = ?2)"
    st = hh_db_query(db, &items,
                     "SELECT h.id, h.member_id, m.name AS member_name, h.direction, h.from_level_id, f.name AS from_name,"
                     " h.to_level_id, t.name AS to_name, h.basis, h.basis_value, h.reason, h.coupons_json, h.at"
                     " FROM member_level_history h JOIN members m ON m.id = h.member_id"
                     " LEFT JOIN points_levels f ON f.id = h.from_level_id LEFT JOIN points_levels t ON t.id = h.to_level_id"
                     HIST_WHERE " ORDER BY h.id DESC LIMIT ?3 OFFSET ?4",
                     HH_A(HH_I(r->who.enterprise_id), HH_ID(member_id), HH_I(limit), HH_I(offset)));
    if (st) return st;
    return hh_list_reply(r, db, items, "SELECT count(*) FROM member_level_history h" HIST_WHERE,
                         HH_A(HH_I(r->who.enterprise_id), HH_ID(member_id)));
#undef HIST_WHERE
}

/* ---- re-evaluation after a ladder change (housekeeping) ---- */

typedef struct {
    int64_t enterprise_id;
    json_t *members; /* [{member_id}], ascending */
} eval_batch;

static hh_status eval_apply(hh_db *tx, void *ud)
{
    eval_batch *b = ud;
    size_t i, n = json_array_size(b->members);
    json_t *m;
    hh_status st = HH_OK;
    json_array_foreach(b->members, i, m)
    if ((st = hh__level_evaluate(tx, b->enterprise_id, iget(m, "member_id"), false))) return st;
    /* the cursor moves in the same write: a stop halfway resumes from here */
    if (n < 500)
        return hh_db_run(tx, NULL, "DELETE FROM enterprise_settings WHERE enterprise_id = ? AND key = 'points.level_cursor'",
                         HH_A(HH_I(b->enterprise_id)));
    char cursor[24];
    snprintf(cursor, sizeof cursor, "%lld", (long long)iget(json_array_get(b->members, n - 1), "member_id"));
    return hh_db_run(tx, NULL,
                     "UPDATE enterprise_settings SET value = ? WHERE enterprise_id = ? AND key = 'points.level_cursor'",
                     HH_A(HH_S(cursor), HH_I(b->enterprise_id)));
}

void hh__levels_reevaluate(hh_store *store)
{
    hh_db *db = hh_store_reader(store);
    json_t *cursors;
    if (hh_db_query(db, &cursors,
                    "SELECT enterprise_id, value FROM enterprise_settings WHERE key = 'points.level_cursor'", HH_A()) != HH_OK)
        return;
    size_t i;
    json_t *c;
    json_array_foreach(cursors, i, c)
    {
        int64_t ent = iget(c, "enterprise_id"), cursor = 0;
        hh_parse_i64(json_string_value(json_object_get(c, "value")), &cursor);
        for (int round = 0; round < 100000; round++) {
            json_t *batch;
            if (hh_db_query(db, &batch,
                            "SELECT member_id FROM points_accounts WHERE enterprise_id = ? AND kind = 'member'"
                            " AND member_id > ? ORDER BY member_id LIMIT 500",
                            HH_A(HH_I(ent), HH_I(cursor))) != HH_OK)
                break;
            size_t n = json_array_size(batch);
            if (n) cursor = iget(json_array_get(batch, n - 1), "member_id");
            eval_batch b = {.enterprise_id = ent, .members = batch};
            hh_status st = hh_store_write_sync(store, eval_apply, &b);
            json_decref(batch);
            if (st) {
                hh_warn("points.level_reevaluate_failed", "{s:I, s:s}", "enterprise", (json_int_t)ent, "status",
                        hh_status_code(st));
                break;
            }
            if (n < 500) break;
        }
    }
    json_decref(cursors);
}
