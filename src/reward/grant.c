/*
 * grant.c — the shared core of the reward modules: campaign admission (status,
 * window, target tags, limits, budget), unambiguous codes, and the grants
 * that hand a member a coupon, a red envelope or lottery draws. Everything
 * runs inside the caller's write transaction on the store's single writer, so
 * a check and the update that follows it cannot interleave with another
 * request's: quantities and budgets are never exceeded under any concurrency.
 */
#include "reward/reward.h"
#include "core/localtime.h"

#include <ctype.h>
#include <stddef.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

hh_status hh_reward_fail(hh_req *r, hh_status st, const char *field, const char *zh, const char *en)
{
    return r ? hh_fail(r, st, field, zh, en) : st;
}

const char *hh_campaign_status_now(const char *stored, int64_t starts_at, int64_t ends_at, int64_t now)
{
    if (!stored) return "draft";
    if (!strcmp(stored, "scheduled") || !strcmp(stored, "live")) {
        if (now >= ends_at) return "ended";
        return now < starts_at ? "scheduled" : "live";
    }
    if (!strcmp(stored, "paused") && now >= ends_at) return "ended";
    return stored;
}

void hh_enterprise_tz(hh_db *db, int64_t enterprise_id, char out[64])
{
    json_t *row = NULL;
    snprintf(out, 64, "Asia/Shanghai");
    if (hh_db_one(db, &row, "SELECT timezone FROM enterprises WHERE id = ?", HH_A(HH_I(enterprise_id))) == HH_OK) {
        const char *tz = json_string_value(json_object_get(row, "timezone"));
        if (tz) snprintf(out, 64, "%s", tz);
    }
    json_decref(row);
}

static int64_t usage(hh_db *tx, int64_t campaign_id, const char *scope, int64_t subject, const char *day)
{
    int64_t n = 0;
    hh_db_int(tx, &n,
              "SELECT coalesce((SELECT n FROM campaign_usage WHERE campaign_id = ? AND scope = ?"
              " AND subject_id = ? AND day = ?), 0)",
              HH_A(HH_I(campaign_id), HH_S(scope), HH_I(subject), HH_S(day)));
    return n;
}

/* A member's use of a campaign is counted per local day only (one upsert per
 * use); the all-time figure is the sum of the days. */
static int64_t member_total(hh_db *tx, int64_t campaign_id, int64_t member_id)
{
    int64_t n = 0;
    hh_db_int(tx, &n,
              "SELECT coalesce(sum(n), 0) FROM campaign_usage WHERE campaign_id = ? AND scope = 'member'"
              " AND subject_id = ? AND day <> ''",
              HH_A(HH_I(campaign_id), HH_I(member_id)));
    return n;
}

/* One use. */
static hh_status count_use(hh_db *tx, int64_t campaign_id, const char *scope, int64_t subject, const char *day)
{
    return hh_db_run(tx, NULL,
                     "INSERT INTO campaign_usage (campaign_id, scope, subject_id, day, n) VALUES (?1, ?2, ?3, ?4, 1)"
                     " ON CONFLICT DO UPDATE SET n = n + 1",
                     HH_A(HH_I(campaign_id), HH_S(scope), HH_I(subject), HH_S(day)));
}

hh_status hh_campaign_take_free_draw(hh_db *tx, const hh_grant *g, const char *day, int64_t free_per_day, int64_t *used)
{
    /* a read, then a plain UPDATE or INSERT of the row: cheaper than an
     * upsert, which seeks the key twice under a statement journal, and than
     * RETURNING, which builds a temporary table (the writer runs one command
     * at a time, so nothing changes the row between the two) */
    int64_t had = 0;
    hh_status st = hh_db_ints(tx, &had, 1,
                              "SELECT free_draws FROM campaign_usage WHERE campaign_id = ? AND scope = 'member'"
                              " AND subject_id = ? AND day = ?",
                              HH_A(HH_I(g->campaign_id), HH_I(g->member_id), HH_S(day)));
    if (st == HH_OK) {
        if (had >= free_per_day) return HH_E_CONFLICT;
        st = hh_db_run(tx, NULL,
                       "UPDATE campaign_usage SET n = n + 1, free_draws = free_draws + 1 WHERE campaign_id = ?"
                       " AND scope = 'member' AND subject_id = ? AND day = ?",
                       HH_A(HH_I(g->campaign_id), HH_I(g->member_id), HH_S(day)));
    } else if (st == HH_E_NOT_FOUND) {
        st = hh_db_run(tx, NULL,
                       "INSERT INTO campaign_usage (campaign_id, scope, subject_id, day, n, free_draws)"
                       " VALUES (?, 'member', ?, ?, 1, 1)",
                       HH_A(HH_I(g->campaign_id), HH_I(g->member_id), HH_S(day)));
    }
    if (st == HH_OK) *used = had + 1;
    return st;
}

static int64_t iget(json_t *row, const char *k)
{
    return json_integer_value(json_object_get(row, k));
}

static bool has(json_t *row, const char *k)
{
    return json_is_integer(json_object_get(row, k));
}

/* ---- campaign admission ----
 *
 * Admission runs on the writer for every claim and draw, so the campaign's row
 * (status, window, limits, counters, target tags) and the enterprise's time
 * zone are kept per writer thread, stamped with the writer's change counters
 * of campaigns and enterprises (hh_db_version): any other change to either
 * table, any rollback and any outside commit make the next admission read the
 * row again. Admission's own counter update is mirrored in the entry and
 * re-stamped, so a run of claims or draws reads the row once. */

enum { HAS_BUDGET = 1, HAS_PER_TOTAL = 2, HAS_PER_DAILY = 4, HAS_PER_STORE = 8, HAS_GLOBAL = 16 };

typedef struct {
    hh_db *db;
    int64_t id, enterprise_id;
    uint64_t v_campaigns, v_enterprises;
    char status[16];
    char tz[64];
    int64_t starts_at, ends_at, budget_fen, spent_fen, per_member_total, per_member_daily, per_store_limit,
        global_limit, used_count;
    unsigned has;
    char *target_tags; /* JSON array text; NULL: no target tags */
} admit_row;

#define ADMIT_SLOTS 32
static _Thread_local admit_row admit_cache[ADMIT_SLOTS];

/* The update of a campaign's use count and spend, for hh_db_defer (?1 the
 * campaign, ?3 uses, ?4 fen): every admission of a batch adds to it. */
static const char sql_campaign_use[] =
    "UPDATE campaigns SET used_count = used_count + ?3, spent_fen = spent_fen + ?4 WHERE id = ?1";

static hh_status admit_load(hh_db *tx, admit_row *e, int64_t campaign_id, int64_t enterprise_id)
{
    uint64_t vc = hh_db_version(tx, "campaigns"), ve = hh_db_version(tx, "enterprises");
    json_t *c = NULL;
    hh_status st = hh_db_one(tx, &c,
                             "SELECT c.status, c.starts_at, c.ends_at, c.budget_fen, c.spent_fen, c.per_member_total,"
                             " c.per_member_daily, c.per_store_limit, c.global_limit, c.used_count,"
                             " c.target_tags_json, e.timezone FROM campaigns c JOIN enterprises e"
                             " ON e.id = c.enterprise_id WHERE c.id = ? AND c.enterprise_id = ?",
                             HH_A(HH_I(campaign_id), HH_I(enterprise_id)));
    if (st) return st;
    free(e->target_tags);
    memset(e, 0, sizeof *e);
    snprintf(e->status, sizeof e->status, "%s", json_string_value(json_object_get(c, "status")));
    const char *tz = json_string_value(json_object_get(c, "timezone"));
    snprintf(e->tz, sizeof e->tz, "%s", tz ? tz : "Asia/Shanghai");
    e->starts_at = iget(c, "starts_at");
    e->ends_at = iget(c, "ends_at");
    int64_t used = 0, spent = 0; /* counted in this transaction, not yet written */
    hh_db_deferred(tx, sql_campaign_use, campaign_id, NULL, &used, &spent);
    e->spent_fen = iget(c, "spent_fen") + spent;
    e->used_count = iget(c, "used_count") + used;
    static const struct {
        const char *col;
        unsigned bit;
        size_t off;
    } limits[] = {{"budget_fen", HAS_BUDGET, offsetof(admit_row, budget_fen)},
                  {"per_member_total", HAS_PER_TOTAL, offsetof(admit_row, per_member_total)},
                  {"per_member_daily", HAS_PER_DAILY, offsetof(admit_row, per_member_daily)},
                  {"per_store_limit", HAS_PER_STORE, offsetof(admit_row, per_store_limit)},
                  {"global_limit", HAS_GLOBAL, offsetof(admit_row, global_limit)}};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
        if (has(c, limits[i].col)) {
            e->has |= limits[i].bit;
            *(int64_t *)((char *)e + limits[i].off) = iget(c, limits[i].col);
        }
    json_t *tags = json_object_get(c, "target_tags");
    if (json_is_array(tags) && json_array_size(tags) > 0) e->target_tags = json_dumps(tags, JSON_COMPACT);
    json_decref(c);
    e->db = tx;
    e->id = campaign_id;
    e->enterprise_id = enterprise_id;
    e->v_campaigns = vc;
    e->v_enterprises = ve;
    return HH_OK;
}

/* g's campaign as it is now (read again when stale). */
static hh_status admit_entry(hh_db *tx, hh_req *r, const hh_grant *g, admit_row **out)
{
    admit_row *c = &admit_cache[(uint64_t)g->campaign_id % ADMIT_SLOTS];
    hh_status st = HH_OK;
    if (c->db != tx || c->id != g->campaign_id || c->enterprise_id != g->enterprise_id ||
        c->v_campaigns != hh_db_version(tx, "campaigns") || c->v_enterprises != hh_db_version(tx, "enterprises")) {
        c->db = NULL;
        st = admit_load(tx, c, g->campaign_id, g->enterprise_id);
    }
    if (st == HH_E_NOT_FOUND)
        return hh_reward_fail(r, st, "campaign_id", "找不到该活动", "No such campaign");
    *out = c;
    return st;
}

hh_status hh_campaign_check(hh_db *tx, hh_req *r, const hh_grant *g, int64_t cost_fen)
{
    admit_row *c;
    hh_status st = admit_entry(tx, r, g, &c);
    if (st) return st;
    int64_t now = hh_now_ms();
    const char *status = hh_campaign_status_now(c->status, c->starts_at, c->ends_at, now);
    if (strcmp(status, "live")) {
        static const struct {
            const char *status, *zh, *en;
        } why[] = {
            {"draft", "活动尚未发布", "The campaign is not published yet"},
            {"scheduled", "活动尚未开始", "The campaign has not started yet"},
            {"paused", "活动已暂停", "The campaign is paused"},
            {"ended", "活动已结束", "The campaign has ended"},
        };
        size_t i = 0;
        while (i < 3 && strcmp(why[i].status, status)) i++;
        return hh_reward_fail(r, HH_E_UNPROCESSABLE, "campaign_id", why[i].zh, why[i].en);
    }
    /* target tags: the member must carry one of them */
    if (c->target_tags) {
        int64_t hit = 0;
        st = hh_db_int(tx, &hit,
                       "SELECT EXISTS (SELECT 1 FROM member_tags WHERE member_id = ? AND tag_id IN"
                       " (SELECT value FROM json_each(?)))",
                       HH_A(HH_I(g->member_id), HH_S(c->target_tags)));
        if (st) return st;
        if (!hit)
            return hh_reward_fail(r, HH_E_FORBIDDEN, "member", "本活动仅限指定会员参与",
                                  "This campaign is for selected members only");
    }
    char day[11];
    hh_local_day_near(c->tz, now, day);
    const char *limit_zh = NULL, *limit_en = NULL;
    if ((c->has & HAS_GLOBAL) && c->used_count >= c->global_limit) {
        limit_zh = "活动名额已满";
        limit_en = "The campaign is fully used";
    } else if ((c->has & HAS_PER_STORE) && g->store_id &&
               usage(tx, g->campaign_id, "store", g->store_id, "") >= c->per_store_limit) {
        limit_zh = "本门店的活动名额已满";
        limit_en = "This store's share of the campaign is used up";
    } else if ((c->has & HAS_PER_TOTAL) && g->member_id &&
               member_total(tx, g->campaign_id, g->member_id) >= c->per_member_total) {
        limit_zh = "您已达到本活动的参与次数上限";
        limit_en = "You have reached this campaign's limit";
    } else if ((c->has & HAS_PER_DAILY) && g->member_id &&
               usage(tx, g->campaign_id, "member", g->member_id, day) >= c->per_member_daily) {
        limit_zh = "您今天已达到本活动的参与次数上限，明天再来";
        limit_en = "You have reached today's limit for this campaign; come back tomorrow";
    }
    if (limit_zh) return hh_reward_fail(r, HH_E_UNPROCESSABLE, "limit", limit_zh, limit_en);
    if ((c->has & HAS_BUDGET) && c->spent_fen + cost_fen > c->budget_fen)
        return hh_reward_fail(r, HH_E_UNPROCESSABLE, "campaign_id", "活动预算已用完", "The campaign's budget is used up");
    return HH_OK;
}

static hh_status count(hh_db *tx, const hh_grant *g, int64_t cost_fen, const char *draw_day, bool member_counted)
{
    admit_row *c;
    hh_status st = admit_entry(tx, NULL, g, &c);
    if (st) return st;
    char day[11];
    if (draw_day)
        memcpy(day, draw_day, sizeof day);
    else
        hh_local_day_near(c->tz, hh_now_ms(), day);
    /* once per transaction for the whole batch (the campaign's row is hot);
     * mirrored in the entry, which stays current (hh_db_defer) */
    if ((st = hh_db_defer(tx, sql_campaign_use, g->campaign_id, NULL, 1, cost_fen))) return st;
    c->used_count++;
    c->spent_fen += cost_fen;
    if (g->store_id) st = count_use(tx, g->campaign_id, "store", g->store_id, "");
    if (!st && g->member_id && !member_counted) st = count_use(tx, g->campaign_id, "member", g->member_id, day);
    return st;
}

hh_status hh_campaign_count(hh_db *tx, const hh_grant *g, int64_t cost_fen)
{
    return count(tx, g, cost_fen, NULL, false);
}

hh_status hh_campaign_count_draw(hh_db *tx, const hh_grant *g, const char *day, bool member_counted)
{
    return count(tx, g, 0, day, member_counted);
}

hh_status hh_campaign_admit(hh_db *tx, hh_req *r, const hh_grant *g, int64_t cost_fen)
{
    hh_status st = hh_campaign_check(tx, r, g, cost_fen);
    return st ? st : hh_campaign_count(tx, g, cost_fen);
}

void hh_reward_code(char out[HH_CODE_LEN + 1])
{
    static const char alphabet[] = HH_CODE_ALPHABET;
    unsigned char bytes[HH_CODE_LEN];
    randombytes_buf(bytes, sizeof bytes);
    for (int i = 0; i < HH_CODE_LEN; i++) out[i] = alphabet[bytes[i] & 31];
    out[HH_CODE_LEN] = 0;
}

bool hh_reward_code_parse(const char *in, char out[HH_CODE_LEN + 1])
{
    int n = 0;
    if (!in) return false;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '-') continue;
        char ch = (char)toupper((unsigned char)*p);
        if (!strchr(HH_CODE_ALPHABET, ch) || n == HH_CODE_LEN) return false;
        out[n++] = ch;
    }
    out[n] = 0;
    return n == HH_CODE_LEN;
}

hh_status hh_reward_event(hh_db *tx, const char *kind, const hh_grant *g, int64_t brand_id, json_t *props)
{
    char *p = props ? json_dumps(props, JSON_COMPACT) : NULL;
    hh_status st = hh_reward_event_text(tx, kind, g, brand_id, p, hh_now_ms());
    free(p);
    return st;
}

hh_status hh_reward_event_text(hh_db *tx, const char *kind, const hh_grant *g, int64_t brand_id, const char *p, int64_t at)
{
    return hh_db_run(tx, NULL,
                     "INSERT INTO events (enterprise_id, at, kind, member_id, campaign_id, touchpoint_id,"
                     " brand_id, store_id, staff_id, props_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     HH_A(HH_I(g->enterprise_id), HH_I(at), HH_S(kind), HH_ID(g->member_id),
                          HH_ID(g->campaign_id), HH_ID(g->touchpoint_id), HH_ID(brand_id), HH_ID(g->store_id),
                          HH_ID(g->staff_id), HH_S(p)));
}

hh_status hh_coupon_grant(hh_db *tx, hh_req *r, const hh_grant *g, int64_t template_id, int64_t *coupon_id,
                          char code[HH_CODE_LEN + 1])
{
    json_t *t = NULL;
    hh_status st = hh_db_one(tx, &t,
                             "SELECT t.brand_id, t.campaign_id, t.status, t.validity, t.valid_from, t.valid_to,"
                             " t.valid_days, t.quantity, t.issued, t.per_member_limit, e.timezone"
                             " FROM coupon_templates t JOIN enterprises e ON e.id = t.enterprise_id"
                             " WHERE t.id = ? AND t.enterprise_id = ?",
                             HH_A(HH_I(template_id), HH_I(g->enterprise_id)));
    if (st == HH_E_NOT_FOUND)
        return hh_reward_fail(r, st, "template_id", "找不到该优惠券", "No such coupon template");
    if (st) return st;
    int64_t now = hh_now_ms();
    int64_t from = 0, to = 0, reserved = 0;
    bool fixed = !strcmp(json_string_value(json_object_get(t, "validity")), "fixed");
    /* units still to be generated by running batches of printed codes are
     * promised already: other issues may not take them */
    if (has(t, "quantity") && !(g->source && !strcmp(g->source, "batch")) &&
        (st = hh_db_int(tx, &reserved,
                        "SELECT coalesce(sum(quantity - done), 0) FROM coupon_batches WHERE template_id = ?"
                        " AND status = 'running'",
                        HH_A(HH_I(template_id))))) {
        json_decref(t);
        return st;
    }
    if (strcmp(json_string_value(json_object_get(t, "status")), "active")) {
        st = hh_reward_fail(r, HH_E_UNPROCESSABLE, "template_id", "该优惠券已停用", "This coupon is no longer offered");
    } else if (fixed && now >= iget(t, "valid_to")) {
        st = hh_reward_fail(r, HH_E_UNPROCESSABLE, "template_id", "该优惠券已过期", "This coupon has expired");
    } else if (has(t, "quantity") && iget(t, "issued") + reserved >= iget(t, "quantity")) {
        st = hh_reward_fail(r, HH_E_UNPROCESSABLE, "template_id", "优惠券已发完", "All of these coupons have been issued");
    } else if (g->member_id && has(t, "per_member_limit")) {
        int64_t held = 0;
        st = hh_db_int(tx, &held,
                       "SELECT count(*) FROM coupons WHERE template_id = ? AND member_id = ? AND status <> 'voided'",
                       HH_A(HH_I(template_id), HH_I(g->member_id)));
        if (!st && held >= iget(t, "per_member_limit"))
            st = hh_reward_fail(r, HH_E_UNPROCESSABLE, "limit", "您已领取过该优惠券，达到每人限领数量",
                                "You already hold as many of these coupons as one member may");
    }
    if (st) {
        json_decref(t);
        return st;
    }
    if (fixed) {
        from = iget(t, "valid_from");
        to = iget(t, "valid_to");
    } else {
        /* N local days counting today: valid until the end of day N */
        const char *tz = json_string_value(json_object_get(t, "timezone"));
        hh_local l;
        from = now;
        if (!hh_local_parts(tz, now, &l)) tz = "Asia/Shanghai", hh_local_parts(tz, now, &l);
        to = hh_local_start(tz, l.year, l.month, l.day + (int)iget(t, "valid_days")) - 1;
    }
    /* a collision is all but impossible (60-bit codes); retry anyway */
    for (int attempt = 0;; attempt++) {
        int64_t taken = 0;
        hh_reward_code(code);
        st = hh_db_int(tx, &taken, "SELECT EXISTS (SELECT 1 FROM coupons WHERE enterprise_id = ? AND code = ?)",
                       HH_A(HH_I(g->enterprise_id), HH_S(code)));
        if (st || !taken) break;
        if (attempt == 8) {
            st = HH_E_STORAGE;
            break;
        }
    }
    int64_t campaign_id = g->campaign_id ? g->campaign_id : iget(t, "campaign_id");
    hh_result res = {0};
    if (!st)
        st = hh_db_run(tx, &res,
                       "INSERT INTO coupons (enterprise_id, template_id, code, member_id, campaign_id, touchpoint_id,"
                       " source, source_id, valid_from, valid_to, issued_at, claimed_at, issued_by_staff_id,"
                       " issued_store_id, batch_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                       " CASE WHEN ?4 IS NULL THEN NULL ELSE ?11 END, ?12, ?13, CASE WHEN ?7 = 'batch' THEN ?8 END)",
                       HH_A(HH_I(g->enterprise_id), HH_I(template_id), HH_S(code), HH_ID(g->member_id),
                            HH_ID(campaign_id), HH_ID(g->touchpoint_id), HH_S(g->source ? g->source : "admin"),
                            HH_ID(g->source_id), HH_I(from), HH_I(to), HH_I(now), HH_ID(g->staff_id),
                            HH_ID(g->store_id)));
    if (!st) *coupon_id = res.last_id;
    if (!st) st = hh_db_run(tx, NULL, "UPDATE coupon_templates SET issued = issued + 1 WHERE id = ?",
                            HH_A(HH_I(template_id)));
    if (!st && g->member_id) {
        hh_grant ev = *g;
        ev.campaign_id = campaign_id;
        json_t *props = json_pack("{s:I, s:I, s:s}", "coupon_id", (json_int_t)*coupon_id, "template_id",
                                  (json_int_t)template_id, "source", g->source ? g->source : "admin");
        st = hh_reward_event(tx, "coupon.issued", &ev, iget(t, "brand_id"), props);
        json_decref(props);
    }
    json_decref(t);
    return st;
}

hh_status hh_envelope_grant(hh_db *tx, hh_req *r, const hh_grant *g, int64_t pool_id, int64_t *envelope_id,
                            int64_t *amount_fen)
{
    json_t *p = NULL;
    hh_status st = hh_db_one(tx, &p,
                             "SELECT brand_id, campaign_id, mode, amount_fen, remaining_fen, count_remaining, min_fen,"
                             " per_member_limit, status FROM envelope_pools WHERE id = ? AND enterprise_id = ?",
                             HH_A(HH_I(pool_id), HH_I(g->enterprise_id)));
    if (st == HH_E_NOT_FOUND)
        return hh_reward_fail(r, st, "pool_id", "找不到该红包", "No such red envelope pool");
    if (st) return st;
    int64_t left = iget(p, "remaining_fen"), count = iget(p, "count_remaining"), min = iget(p, "min_fen");
    int64_t held = 0, amount = 0;
    if (min < 1) min = 1;
    if (strcmp(json_string_value(json_object_get(p, "status")), "active")) {
        st = hh_reward_fail(r, HH_E_UNPROCESSABLE, "pool_id", "该红包活动已关闭", "This red envelope pool is closed");
    } else if (count <= 0 || left < min) {
        st = hh_reward_fail(r, HH_E_UNPROCESSABLE, "pool_id", "红包已领完", "All red envelopes have been taken");
    } else {
        st = hh_db_int(tx, &held, "SELECT count(*) FROM red_envelopes WHERE pool_id = ? AND member_id = ?",
                       HH_A(HH_I(pool_id), HH_I(g->member_id)));
        if (!st && held >= iget(p, "per_member_limit"))
            st = hh_reward_fail(r, HH_E_UNPROCESSABLE, "limit", "您已领取过该红包", "You have already received this red envelope");
    }
    if (!st) {
        if (!strcmp(json_string_value(json_object_get(p, "mode")), "fixed")) {
            amount = iget(p, "amount_fen");
            if (amount > left)
                st = hh_reward_fail(r, HH_E_UNPROCESSABLE, "pool_id", "红包预算已用完", "The red envelope budget is used up");
        } else if (count == 1) {
            amount = left; /* the last share takes what is left */
        } else {
            /* "double the average": uniform in [min, 2 × left / count], leaving at least
             * min for each of the count - 1 envelopes still to come */
            int64_t hi = 2 * left / count;
            int64_t cap = left - min * (count - 1);
            if (hi > cap) hi = cap;
            if (hi < min) hi = min;
            int64_t span = hi - min + 1;
            if (span > UINT32_MAX) span = UINT32_MAX;
            amount = min + (int64_t)randombytes_uniform((uint32_t)span);
        }
        /* money: never more than what is left, never nothing */
        if (!st) HH_CHECK(amount >= 1 && amount <= left);
    }
    hh_result res = {0};
    if (!st)
        st = hh_db_run(tx, &res,
                       "INSERT INTO red_envelopes (enterprise_id, pool_id, campaign_id, member_id, amount_fen, source,"
                       " source_id, status, provider, next_attempt_at, created_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', '', ?, ?)",
                       HH_A(HH_I(g->enterprise_id), HH_I(pool_id),
                            HH_ID(g->campaign_id ? g->campaign_id : iget(p, "campaign_id")), HH_I(g->member_id),
                            HH_I(amount), HH_S(g->source ? g->source : "admin"), HH_ID(g->source_id),
                            HH_I(hh_now_ms()), HH_I(hh_now_ms())));
    if (!st) *envelope_id = res.last_id;
    if (!st)
        st = hh_db_run(tx, NULL,
                       "UPDATE envelope_pools SET remaining_fen = remaining_fen - ?, count_remaining = count_remaining - 1,"
                       " updated_at = ? WHERE id = ?",
                       HH_A(HH_I(amount), HH_I(hh_now_ms()), HH_I(pool_id)));
    if (!st) {
        hh_grant ev = *g; /* the event carries the pool's campaign, like the envelope */
        if (!ev.campaign_id) ev.campaign_id = iget(p, "campaign_id");
        json_t *props = json_pack("{s:I, s:I, s:I, s:s}", "envelope_id", (json_int_t)*envelope_id, "pool_id",
                                  (json_int_t)pool_id, "amount_fen", (json_int_t)amount, "source",
                                  g->source ? g->source : "admin");
        st = hh_reward_event(tx, "envelope.granted", &ev, iget(p, "brand_id"), props);
        json_decref(props);
    }
    if (!st && amount_fen) *amount_fen = amount;
    json_decref(p);
    return st;
}

hh_status hh_lottery_grant_draws(hh_db *tx, hh_req *r, const hh_grant *g, int64_t campaign_id, int n)
{
    json_t *c = NULL;
    hh_status st = hh_db_one(tx, &c, "SELECT brand_id FROM campaigns WHERE id = ? AND enterprise_id = ?",
                             HH_A(HH_I(campaign_id), HH_I(g->enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_reward_fail(r, st, "campaign_id", "找不到该活动", "No such campaign");
    if (st) return st;
    if (n < 1 || n > 100) {
        json_decref(c);
        return hh_reward_fail(r, HH_E_INVALID, "draws", "抽奖次数应为 1–100", "Draws must be 1–100");
    }
    for (int i = 0; i < n && !st; i++)
        st = hh_db_run(tx, NULL,
                       "INSERT INTO lottery_grants (enterprise_id, campaign_id, member_id, source, source_id, granted_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       HH_A(HH_I(g->enterprise_id), HH_I(campaign_id), HH_I(g->member_id),
                            HH_S(g->source ? g->source : "admin"), HH_ID(g->source_id), HH_I(hh_now_ms())));
    if (!st) {
        hh_grant ev = *g;
        ev.campaign_id = campaign_id;
        json_t *props = json_pack("{s:i, s:s}", "draws", n, "source", g->source ? g->source : "admin");
        st = hh_reward_event(tx, "lottery.granted", &ev, iget(c, "brand_id"), props);
        json_decref(props);
    }
    json_decref(c);
    return st;
}
