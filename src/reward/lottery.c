/*
 * lottery.c — a campaign's prize pool in the admin console: prizes with live
 * stock and disclosed odds, the "no prize" outcome, the draws and the mail
 * fulfilment of wins, and the verification of a campaign's draws.
 *
 * What may change once a campaign has draws (the pool is then "locked"):
 *   - name, image, value and claim days of a prize: yes (display only);
 *   - stock: only upwards; each addition is recorded (lottery_stock_adds) with
 *     the last draw before it, so the verifier can replay every draw;
 *   - weights, the "no prize" weight, the mode, daily caps, fulfilment and its
 *     template or pool, the fallback flag and the order: no — they decide the
 *     odds published to members (反不正当竞争法 forbids changing the prizes or
 *     the terms of a lottery once announced), and the replay needs them fixed;
 *   - adding or deleting a prize: no.
 * Before the first draw everything may change (also on a live campaign).
 *
 * A counter prize is issued as a coupon of a hidden template of kind "prize"
 * (claimable 0), created with the prize, so counter redemption handles it like
 * any coupon.
 */
#include "reward/lottery_internal.h"
#include "core/localtime.h"
#include "auth/auth.h"
#include "core/phone.h"
#include "http/app.h"

#include <string.h>

#define MAX_STOCK 10000000
#define MAX_DAILY_CAP 10000000

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *sget(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

#define PRIZE_COLS                                                                                          \
    "SELECT p.id, p.campaign_id, p.name, p.image, p.value_fen, p.stock, p.remaining, p.stock - p.remaining"  \
    " AS won, p.weight, p.daily_cap, coalesce(d.won, 0) AS won_today, p.fulfilment, p.coupon_template_id,"   \
    " p.envelope_pool_id, p.counter_template_id, p.claim_days, p.is_fallback AS is_fallback_bool, p.position," \
    " p.created_at, p.updated_at FROM lottery_prizes p LEFT JOIN lottery_prize_days d ON d.prize_id = p.id"  \
    " AND d.day = ?2"

/* Today's day in the enterprise's zone. */
static void today(hh_db *db, int64_t enterprise_id, char day[11])
{
    char tz[64];
    hh_enterprise_tz(db, enterprise_id, tz);
    hh_local_day_near(tz, hh_now_ms(), day);
}

/* Availability and odds of each prize of `items` (pool order) and of "no
 * prize" (returned in *none_pct): odds_pct is the chance a draw now ends with
 * the prize, base_odds_pct its configured share of all weights. */
static void add_odds(json_t *items, json_t *pool, double *none_pct)
{
    size_t n = json_array_size(items);
    hh_lottery_slot *s = hh_xcalloc(n + 1, sizeof *s);
    double *odds = hh_xcalloc(n + 1, sizeof *odds), *base = hh_xcalloc(n + 1, sizeof *base);
    int64_t none_w = pool ? iget(pool, "no_prize_weight") : 0;
    bool fixed = pool && sget(pool, "mode") && !strcmp(sget(pool, "mode"), "fixed");
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(items, i);
        json_t *cap = json_object_get(p, "daily_cap");
        s[i] = (hh_lottery_slot){.id = iget(p, "id"), .weight = iget(p, "weight"),
                                 .fallback = json_is_true(json_object_get(p, "is_fallback"))};
        s[i].available = iget(p, "remaining") > 0 && (!json_is_integer(cap) || iget(p, "won_today") < json_integer_value(cap));
    }
    s[n] = (hh_lottery_slot){.id = 0, .weight = none_w, .available = true};
    hh_lottery_odds(s, (int)n + 1, fixed, odds);
    uint64_t total = 0;
    for (size_t i = 0; i <= n; i++) total += (uint64_t)s[i].weight;
    for (size_t i = 0; i <= n; i++) base[i] = total ? 100.0 * (double)s[i].weight / (double)total : (i == n ? 100 : 0);
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(items, i);
        json_object_set_new(p, "available", json_boolean(s[i].available));
        json_object_set_new(p, "odds_pct", json_real(odds[i]));
        json_object_set_new(p, "base_odds_pct", json_real(base[i]));
    }
    if (none_pct) none_pct[0] = odds[n], none_pct[1] = base[n];
    free(s);
    free(odds);
    free(base);
}

/* The pool of a campaign as the console shows it: {items, total, pool, locked,
 * seed_commitment, stats}. The figures count every draw of the campaign: the
 * writer (answers to edits) asks for the cheap ones only (stats: false). */
static hh_status pool_json(hh_db *db, int64_t campaign_id, bool stats_too, json_t **out)
{
    json_t *c = NULL, *items = NULL, *pool = NULL, *stats = NULL;
    hh_status st = hh_db_one(db, &c, "SELECT enterprise_id, seed_commitment FROM campaigns WHERE id = ?",
                             HH_A(HH_I(campaign_id)));
    if (st) return st;
    char day[11];
    today(db, iget(c, "enterprise_id"), day);
    if ((st = hh_db_query(db, &items, PRIZE_COLS " WHERE p.campaign_id = ?1 ORDER BY p.position, p.id",
                          HH_A(HH_I(campaign_id), HH_S(day)))))
        goto out;
    st = hh_db_one(db, &pool, "SELECT no_prize_weight, no_prize_label, mode, updated_at FROM lottery_pools WHERE campaign_id = ?",
                   HH_A(HH_I(campaign_id)));
    if (st == HH_E_NOT_FOUND)
        pool = json_pack("{s:i, s:s, s:s, s:n}", "no_prize_weight", 0, "no_prize_label", "", "mode", "redistribute",
                         "updated_at"),
        st = HH_OK;
    if (st) goto out;
    if (!stats_too)
        st = hh_db_one(db, &stats,
                       "SELECT EXISTS (SELECT 1 FROM lottery_draws WHERE campaign_id = ?1) AS draws,"
                       " (SELECT coalesce(sum(stock * value_fen), 0) FROM lottery_prizes WHERE campaign_id = ?1)"
                       " AS pool_value_fen",
                       HH_A(HH_I(campaign_id)));
    else
        st = hh_db_one(db, &stats,
                        "SELECT (SELECT count(*) FROM lottery_draws WHERE campaign_id = ?1) AS draws,"
                        " (SELECT count(DISTINCT member_id) FROM lottery_draws WHERE campaign_id = ?1) AS members,"
                        " (SELECT coalesce(sum(stock - remaining), 0) FROM lottery_prizes WHERE campaign_id = ?1) AS wins,"
                        " (SELECT coalesce(sum(stock * value_fen), 0) FROM lottery_prizes WHERE campaign_id = ?1)"
                        " AS pool_value_fen,"
                        " (SELECT count(*) FROM lottery_draws WHERE campaign_id = ?1 AND claim = 'mail'"
                        " AND claim_status IN ('unclaimed','claimed')) AS mail_pending,"
                        " (SELECT count(*) FROM lottery_draws WHERE campaign_id = ?1 AND claim_status = 'failed')"
                        " AS failed",
                        HH_A(HH_I(campaign_id)));
    if (st) goto out;
    double none[2] = {100, 100};
    add_odds(items, pool, none);
    json_object_set_new(pool, "no_prize_odds_pct", json_real(none[0]));
    json_object_set_new(pool, "no_prize_base_odds_pct", json_real(none[1]));
    *out = json_pack("{s:O, s:I, s:O, s:b, s:O, s:O}", "items", items, "total", (json_int_t)json_array_size(items),
                     "pool", pool, "locked", iget(stats, "draws") > 0, "seed_commitment",
                     json_object_get(c, "seed_commitment"), "stats", stats);
out:
    json_decref(c);
    json_decref(items);
    json_decref(pool);
    json_decref(stats);
    return st;
}

hh_status hh_h_prizes_list(hh_req *r)
{
    json_t *out;
    hh_status st = pool_json(hh_store_reader(r->app->store), r->path_id, true, &out);
    if (st) return st;
    hh_reply(r, 200, out);
    return HH_OK;
}

/* One prize with its odds in the pool. */
static hh_status prize_json(hh_db *db, int64_t prize_id, json_t **out)
{
    int64_t campaign_id = 0;
    hh_status st = hh_db_int(db, &campaign_id, "SELECT campaign_id FROM lottery_prizes WHERE id = ?", HH_A(HH_I(prize_id)));
    if (st) return st;
    json_t *pool;
    if ((st = pool_json(db, campaign_id, false, &pool))) return st;
    size_t i;
    json_t *p;
    st = HH_E_NOT_FOUND;
    json_array_foreach(json_object_get(pool, "items"), i, p)
    {
        if (iget(p, "id") == prize_id) {
            *out = json_incref(p);
            st = HH_OK;
            break;
        }
    }
    json_decref(pool);
    return st;
}

hh_status hh_h_prize_get(hh_req *r)
{
    json_t *p;
    hh_status st = prize_json(hh_store_reader(r->app->store), r->path_id, &p);
    if (st) return st;
    hh_reply(r, 200, p);
    return HH_OK;
}

/* ---- create and update ---- */

typedef struct {
    const char *name, *image, *fulfilment;
    int64_t value_fen, stock, weight, daily_cap, coupon_template_id, envelope_pool_id, claim_days, position;
    bool is_fallback;
    /* which fields the body carries */
    bool has_name, has_image, has_value, has_stock, has_weight, has_cap, has_fulfilment, has_template, has_pool,
        has_claim_days, has_fallback, has_position;
    bool clear_cap, clear_image; /* daily_cap / image: null */
} prize_in;

static const char *const prize_fields[] = {"name", "image", "value_fen", "stock", "weight", "daily_cap",
                                           "fulfilment", "coupon_template_id", "envelope_pool_id",
                                           "claim_days", "is_fallback", "position", NULL};

static bool is_null(hh_req *r, const char *k)
{
    return json_is_null(json_object_get(r->json, k));
}

static hh_status read_prize(hh_req *r, prize_in *in, bool create)
{
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, prize_fields)) ||
        (st = hh_field_str(r, "name", create, 40, &in->name, &in->has_name)) ||
        (st = hh_field_str(r, "image", false, 500, &in->image, &in->has_image)) ||
        (st = hh_field_int(r, "value_fen", false, 0, INT64_MAX, &in->value_fen, &in->has_value)) ||
        (st = hh_field_int(r, "stock", create, create ? 1 : 0, MAX_STOCK, &in->stock, &in->has_stock)) ||
        (st = hh_field_int(r, "weight", create, 0, HH_LOTTERY_MAX_WEIGHT, &in->weight, &in->has_weight)) ||
        (st = hh_field_int(r, "daily_cap", false, 1, MAX_DAILY_CAP, &in->daily_cap, &in->has_cap)) ||
        (st = hh_field_str(r, "fulfilment", create, 10, &in->fulfilment, &in->has_fulfilment)) ||
        (st = hh_field_int(r, "coupon_template_id", false, 1, INT64_MAX, &in->coupon_template_id, &in->has_template)) ||
        (st = hh_field_int(r, "envelope_pool_id", false, 1, INT64_MAX, &in->envelope_pool_id, &in->has_pool)) ||
        (st = hh_field_int(r, "claim_days", false, 1, 365, &in->claim_days, &in->has_claim_days)) ||
        (st = hh_field_bool(r, "is_fallback", false, &in->is_fallback, &in->has_fallback)) ||
        (st = hh_field_int(r, "position", false, 0, 1000, &in->position, &in->has_position)))
        return st;
    in->clear_cap = is_null(r, "daily_cap");
    in->clear_image = is_null(r, "image");
    if (in->has_name && !*in->name) return hh_fail(r, HH_E_INVALID, "name", "奖品名称不能为空", "The prize name is required");
    if (in->has_image && *in->image && strncmp(in->image, "https://", 8) && strncmp(in->image, "http://", 7) &&
        in->image[0] != '/')
        return hh_fail(r, HH_E_INVALID, "image", "图片须为 http(s):// 或 / 开头的地址",
                       "image must be an http(s):// or /-relative URL");
    if (in->has_image && !*in->image) in->clear_image = true, in->has_image = false;
    if (in->has_value && in->value_fen > HH_LOTTERY_MAX_VALUE_FEN)
        return hh_fail(r, HH_E_UNPROCESSABLE, "value_fen",
                       "单个奖品价值不得超过 5 万元（《反不正当竞争法》第十条：抽奖式有奖销售最高奖不得超过五万元）",
                       "A prize may be worth at most 50,000 yuan (Anti-Unfair Competition Law, art. 10: the top prize "
                       "of a lottery-style promotion may not exceed 50,000 yuan)");
    if (in->has_fulfilment && strcmp(in->fulfilment, "counter") && strcmp(in->fulfilment, "mail") &&
        strcmp(in->fulfilment, "coupon") && strcmp(in->fulfilment, "envelope"))
        return hh_fail(r, HH_E_INVALID, "fulfilment", "兑奖方式须为 counter、mail、coupon 或 envelope",
                       "fulfilment must be counter, mail, coupon or envelope");
    if (in->has_fulfilment) {
        bool coupon = !strcmp(in->fulfilment, "coupon"), envelope = !strcmp(in->fulfilment, "envelope");
        if (coupon && !in->has_template)
            return hh_fail(r, HH_E_INVALID, "coupon_template_id", "优惠券奖品须选择优惠券模板",
                           "A coupon prize needs coupon_template_id");
        if (envelope && !in->has_pool)
            return hh_fail(r, HH_E_INVALID, "envelope_pool_id", "红包奖品须选择红包池", "A red envelope prize needs envelope_pool_id");
        if (!coupon && in->has_template)
            return hh_fail(r, HH_E_INVALID, "coupon_template_id", "只有优惠券奖品需要优惠券模板",
                           "Only coupon prizes take coupon_template_id");
        if (!envelope && in->has_pool)
            return hh_fail(r, HH_E_INVALID, "envelope_pool_id", "只有红包奖品需要红包池", "Only red envelope prizes take envelope_pool_id");
    } /* without fulfilment, a template or pool is checked against the stored one in the write */
    if (!create) {
        bool any = in->has_name || in->has_image || in->clear_image || in->has_value || in->has_stock ||
                   in->has_weight || in->has_cap || in->clear_cap || in->has_fulfilment || in->has_template ||
                   in->has_pool || in->has_claim_days || in->has_fallback || in->has_position;
        if (!any) return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
        if (in->has_stock && in->stock < 1)
            return hh_fail(r, HH_E_INVALID, "stock", "库存至少为 1", "stock must be at least 1");
    }
    return HH_OK;
}

/* The campaign as the pool's writes need it. */
static hh_status campaign_row(hh_db *tx, hh_req *r, int64_t id, json_t **c)
{
    hh_status st = hh_db_one(tx, c,
                             "SELECT id, enterprise_id, brand_id, name, status, starts_at, ends_at, seed FROM campaigns"
                             " WHERE id = ? AND enterprise_id = ?",
                             HH_A(HH_I(id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到该活动", "No such campaign");
    if (st) return st;
    hh_req_own(r, *c);
    return HH_OK;
}

static bool campaign_ended(json_t *c)
{
    return !strcmp(hh_campaign_status_now(sget(c, "status"), iget(c, "starts_at"), iget(c, "ends_at"), hh_now_ms()),
                   "ended");
}

/* A coupon template or red envelope pool a prize hands out: of the
 * enterprise, usable by the campaign's brand, active. */
static hh_status check_links(hh_db *tx, hh_req *r, json_t *c, const prize_in *in)
{
    hh_status st;
    if (in->has_template) {
        json_t *t;
        st = hh_db_one(tx, &t,
                       "SELECT brand_id, status, kind, claimable FROM coupon_templates WHERE id = ? AND enterprise_id = ?",
                       HH_A(HH_I(in->coupon_template_id), HH_I(r->who.enterprise_id)));
        if (st == HH_E_NOT_FOUND)
            return hh_fail(r, HH_E_INVALID, "coupon_template_id", "找不到该优惠券模板", "No such coupon template");
        if (st) return st;
        hh_req_own(r, t);
        if (iget(t, "brand_id") != iget(c, "brand_id"))
            return hh_fail(r, HH_E_UNPROCESSABLE, "coupon_template_id", "优惠券模板须属于本活动的品牌",
                           "The coupon template must belong to the campaign's brand");
        if (strcmp(sget(t, "status"), "active"))
            return hh_fail(r, HH_E_UNPROCESSABLE, "coupon_template_id", "该优惠券模板已停用", "The coupon template is archived");
    }
    if (in->has_pool) {
        json_t *p;
        st = hh_db_one(tx, &p, "SELECT brand_id, status FROM envelope_pools WHERE id = ? AND enterprise_id = ?",
                       HH_A(HH_I(in->envelope_pool_id), HH_I(r->who.enterprise_id)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, HH_E_INVALID, "envelope_pool_id", "找不到该红包池", "No such red envelope pool");
        if (st) return st;
        hh_req_own(r, p);
        if (iget(p, "brand_id") != iget(c, "brand_id"))
            return hh_fail(r, HH_E_UNPROCESSABLE, "envelope_pool_id", "红包池须属于本活动的品牌",
                           "The red envelope pool must belong to the campaign's brand");
        if (strcmp(sget(p, "status"), "active"))
            return hh_fail(r, HH_E_UNPROCESSABLE, "envelope_pool_id", "该红包池已关闭", "The red envelope pool is closed");
    }
    return HH_OK;
}

static hh_status fallback_taken(hh_db *tx, hh_req *r, int64_t campaign_id, int64_t except)
{
    int64_t n = 0;
    hh_status st = hh_db_int(tx, &n,
                             "SELECT count(*) FROM lottery_prizes WHERE campaign_id = ? AND is_fallback = 1 AND id <> ?",
                             HH_A(HH_I(campaign_id), HH_I(except)));
    if (st) return st;
    if (n) return hh_fail(r, HH_E_CONFLICT, "is_fallback", "奖池已有保底奖品", "The pool already has a fallback prize");
    return HH_OK;
}

/* The seed and its commitment, when the campaign has none yet; the pool row. */
static hh_status ensure_seed_and_pool(hh_db *tx, json_t *c)
{
    hh_status st = HH_OK;
    int64_t now = hh_now_ms();
    if (!sget(c, "seed") || !*sget(c, "seed")) {
        char seed[65], commitment[65];
        hh_lottery_seed_new(seed, commitment);
        st = hh_db_run(tx, NULL, "UPDATE campaigns SET seed = ?, seed_commitment = ? WHERE id = ? AND seed IS NULL",
                       HH_A(HH_S(seed), HH_S(commitment), HH_I(iget(c, "id"))));
    }
    if (!st)
        st = hh_db_run(tx, NULL,
                       "INSERT INTO lottery_pools (campaign_id, enterprise_id, updated_at) VALUES (?, ?, ?)"
                       " ON CONFLICT DO NOTHING",
                       HH_A(HH_I(iget(c, "id")), HH_I(iget(c, "enterprise_id")), HH_I(now)));
    return st;
}

/* The hidden template a counter prize is issued as (kind "prize", not
 * claimable, valid claim_days local days from the win). */
static hh_status counter_template(hh_db *tx, hh_req *r, json_t *c, int64_t prize_id, int64_t existing,
                                  const char *name, const char *image, int64_t value_fen, int64_t claim_days,
                                  int64_t *out)
{
    int64_t now = hh_now_ms();
    hh_status st;
    if (existing) {
        *out = existing;
        return hh_db_run(tx, NULL,
                         "UPDATE coupon_templates SET name = ?, gift_name = ?, image = ?, value_fen = ?, valid_days = ?,"
                         " status = 'active', updated_at = ? WHERE id = ?",
                         HH_A(HH_S(name), HH_S(name), HH_S(image), HH_I(value_fen), HH_I(claim_days), HH_I(now),
                              HH_I(existing)));
    }
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO coupon_templates (enterprise_id, brand_id, campaign_id, name, description, image, kind,"
                   " value_fen, gift_name, validity, valid_days, claimable, created_by, created_at, updated_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, 'prize', ?, ?, 'relative', ?, 0, ?, ?, ?)",
                   HH_A(HH_I(iget(c, "enterprise_id")), HH_I(iget(c, "brand_id")), HH_I(iget(c, "id")), HH_S(name),
                        HH_S(hh_sprintf(r->arena, "抽奖奖品（奖品 %lld），凭券到柜台领取", (long long)prize_id)),
                        HH_S(image), HH_I(value_fen), HH_S(name), HH_I(claim_days), HH_I(r->who.id), HH_I(now),
                        HH_I(now)));
    if (!st) *out = res.last_id;
    return st;
}

static hh_status archive_template(hh_db *tx, int64_t id)
{
    if (!id) return HH_OK;
    return hh_db_run(tx, NULL, "UPDATE coupon_templates SET status = 'archived', updated_at = ? WHERE id = ?",
                     HH_A(HH_I(hh_now_ms()), HH_I(id)));
}

static hh_status prize_reply(hh_db *tx, hh_req *r, int64_t id, int status, const char *action, json_t *before)
{
    json_t *p;
    hh_status st = prize_json(tx, id, &p);
    if (st) return st;
    if ((st = hh_audit(tx, r, action, "lottery_prize", id, before, p))) {
        json_decref(p);
        return st;
    }
    hh_reply(r, status, p);
    return HH_OK;
}

static hh_status locked_fail(hh_req *r, const char *field)
{
    return hh_fail(r, HH_E_CONFLICT, field, "已有会员抽奖，奖池已锁定：中奖概率、每日上限、兑奖方式和奖品构成不能再修改，库存只能增加",
                   "Members have drawn: the pool is locked. Odds, daily caps, fulfilment and the set of prizes can no "
                   "longer change; stock may only grow");
}

static hh_status prize_create_write(hh_db *tx, hh_req *r)
{
    prize_in *in = r->ud;
    json_t *c;
    hh_status st = campaign_row(tx, r, r->path_id, &c);
    if (st) return st;
    if (campaign_ended(c))
        return hh_fail(r, HH_E_UNPROCESSABLE, "id", "活动已结束，不能再添加奖品", "The campaign has ended; prizes cannot be added");
    if ((st = check_links(tx, r, c, in))) return st;
    bool locked;
    if ((st = hh__pool_locked(tx, r->path_id, &locked))) return st;
    if (locked) return locked_fail(r, NULL);
    int64_t n = 0, pos = 0;
    if ((st = hh_db_int(tx, &n, "SELECT count(*) FROM lottery_prizes WHERE campaign_id = ?", HH_A(HH_I(r->path_id)))))
        return st;
    if (n >= HH_LOTTERY_MAX_PRIZES)
        return hh_fail(r, HH_E_UNPROCESSABLE, NULL, "一个奖池最多 50 个奖品", "A pool holds at most 50 prizes");
    if (in->has_fallback && in->is_fallback && (st = fallback_taken(tx, r, r->path_id, 0))) return st;
    if ((st = ensure_seed_and_pool(tx, c))) return st;
    if (in->has_position)
        pos = in->position;
    else if ((st = hh_db_int(tx, &pos, "SELECT coalesce(max(position) + 1, 0) FROM lottery_prizes WHERE campaign_id = ?",
                             HH_A(HH_I(r->path_id)))))
        return st;
    int64_t now = hh_now_ms(), claim_days = in->has_claim_days ? in->claim_days : 30;
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO lottery_prizes (enterprise_id, campaign_id, name, image, value_fen, stock, remaining, weight,"
                   " daily_cap, fulfilment, coupon_template_id, envelope_pool_id, claim_days, is_fallback, position,"
                   " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_I(r->path_id), HH_S(in->name), HH_S(in->has_image ? in->image : NULL),
                        HH_I(in->has_value ? in->value_fen : 0), HH_I(in->stock), HH_I(in->stock), HH_I(in->weight),
                        in->has_cap ? HH_I(in->daily_cap) : HH_NULL, HH_S(in->fulfilment),
                        HH_ID(in->has_template ? in->coupon_template_id : 0), HH_ID(in->has_pool ? in->envelope_pool_id : 0),
                        HH_I(claim_days), HH_I(in->has_fallback && in->is_fallback), HH_I(pos), HH_I(now), HH_I(now)));
    if (st) return st;
    int64_t id = res.last_id;
    if (!strcmp(in->fulfilment, "counter")) {
        int64_t tid = 0;
        if ((st = counter_template(tx, r, c, id, 0, in->name, in->has_image ? in->image : NULL,
                                   in->has_value ? in->value_fen : 0, claim_days, &tid)) ||
            (st = hh_db_run(tx, NULL, "UPDATE lottery_prizes SET counter_template_id = ? WHERE id = ?",
                            HH_A(HH_I(tid), HH_I(id)))))
            return st;
    }
    return prize_reply(tx, r, id, 201, "lottery_prize.create", NULL);
}

hh_status hh_h_prize_create(hh_req *r)
{
    prize_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_prize(r, in, true);
    if (st) return st;
    return hh_req_write(r, prize_create_write);
}

static hh_status prize_update_write(hh_db *tx, hh_req *r)
{
    prize_in *in = r->ud;
    json_t *before, *c;
    hh_status st = prize_json(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    int64_t campaign_id = iget(before, "campaign_id");
    if ((st = campaign_row(tx, r, campaign_id, &c))) return st;
    bool locked;
    if ((st = hh__pool_locked(tx, campaign_id, &locked))) return st;
    const char *fulfilment = in->has_fulfilment ? in->fulfilment : sget(before, "fulfilment");
    if (!in->has_fulfilment) {
        /* a template or pool alone: for the stored fulfilment */
        if (in->has_template && strcmp(fulfilment, "coupon"))
            return hh_fail(r, HH_E_INVALID, "coupon_template_id", "只有优惠券奖品需要优惠券模板",
                           "Only coupon prizes take coupon_template_id");
        if (in->has_pool && strcmp(fulfilment, "envelope"))
            return hh_fail(r, HH_E_INVALID, "envelope_pool_id", "只有红包奖品需要红包池", "Only red envelope prizes take envelope_pool_id");
    }
    if ((st = check_links(tx, r, c, in))) return st;
    int64_t stock = iget(before, "stock");
    if (locked) {
        static const struct {
            const char *field;
            size_t off;
        } frozen[] = {
            {"weight", offsetof(prize_in, has_weight)},       {"daily_cap", offsetof(prize_in, has_cap)},
            {"daily_cap", offsetof(prize_in, clear_cap)},     {"fulfilment", offsetof(prize_in, has_fulfilment)},
            {"coupon_template_id", offsetof(prize_in, has_template)},
            {"envelope_pool_id", offsetof(prize_in, has_pool)},
            {"is_fallback", offsetof(prize_in, has_fallback)}, {"position", offsetof(prize_in, has_position)},
        };
        for (size_t i = 0; i < HH_ARRAY_LEN(frozen); i++)
            if (*(const bool *)((const char *)in + frozen[i].off)) return locked_fail(r, frozen[i].field);
        if (in->has_stock && in->stock < stock)
            return hh_fail(r, HH_E_CONFLICT, "stock", "已有会员抽奖，库存只能增加，不能减少",
                           "Members have drawn: stock may only grow");
    }
    if (in->has_fallback && in->is_fallback && (st = fallback_taken(tx, r, campaign_id, r->path_id))) return st;
    int64_t now = hh_now_ms();
    int64_t added = in->has_stock ? in->stock - stock : 0;
    bool coupon = !strcmp(fulfilment, "coupon"), envelope = !strcmp(fulfilment, "envelope");
    if (coupon && !in->has_template && !iget(before, "coupon_template_id"))
        return hh_fail(r, HH_E_INVALID, "coupon_template_id", "优惠券奖品须选择优惠券模板", "A coupon prize needs coupon_template_id");
    if (envelope && !in->has_pool && !iget(before, "envelope_pool_id"))
        return hh_fail(r, HH_E_INVALID, "envelope_pool_id", "红包奖品须选择红包池", "A red envelope prize needs envelope_pool_id");
    st = hh_db_run(tx, NULL,
                   "UPDATE lottery_prizes SET name = coalesce(?2, name),"
                   " image = CASE WHEN ?3 THEN NULL ELSE coalesce(?4, image) END, value_fen = coalesce(?5, value_fen),"
                   " stock = stock + ?6, remaining = remaining + ?6, weight = coalesce(?7, weight),"
                   " daily_cap = CASE WHEN ?8 THEN NULL ELSE coalesce(?9, daily_cap) END, fulfilment = ?10,"
                   " coupon_template_id = CASE WHEN ?11 THEN coalesce(?12, coupon_template_id) ELSE NULL END,"
                   " envelope_pool_id = CASE WHEN ?13 THEN coalesce(?14, envelope_pool_id) ELSE NULL END,"
                   " claim_days = coalesce(?15, claim_days), is_fallback = coalesce(?16, is_fallback),"
                   " position = coalesce(?17, position), updated_at = ?18 WHERE id = ?1",
                   HH_A(HH_I(r->path_id), HH_S(in->has_name ? in->name : NULL), HH_I(in->clear_image),
                        HH_S(in->has_image ? in->image : NULL), in->has_value ? HH_I(in->value_fen) : HH_NULL,
                        HH_I(added), in->has_weight ? HH_I(in->weight) : HH_NULL, HH_I(in->clear_cap),
                        in->has_cap ? HH_I(in->daily_cap) : HH_NULL, HH_S(fulfilment), HH_I(coupon),
                        in->has_template ? HH_I(in->coupon_template_id) : HH_NULL, HH_I(envelope),
                        in->has_pool ? HH_I(in->envelope_pool_id) : HH_NULL,
                        in->has_claim_days ? HH_I(in->claim_days) : HH_NULL,
                        in->has_fallback ? HH_I(in->is_fallback) : HH_NULL, in->has_position ? HH_I(in->position) : HH_NULL,
                        HH_I(now)));
    if (st) return st;
    if (locked && added > 0) {
        int64_t last = 0;
        if ((st = hh_db_int(tx, &last, "SELECT coalesce(max(id), 0) FROM lottery_draws WHERE campaign_id = ?",
                            HH_A(HH_I(campaign_id)))) ||
            (st = hh_db_run(tx, NULL,
                            "INSERT INTO lottery_stock_adds (prize_id, campaign_id, after_draw_id, quantity, actor_id, at)"
                            " VALUES (?, ?, ?, ?, ?, ?)",
                            HH_A(HH_I(r->path_id), HH_I(campaign_id), HH_I(last), HH_I(added), HH_I(r->who.id), HH_I(now)))))
            return st;
    }
    /* the hidden counter template follows the prize */
    json_t *after;
    if ((st = hh_db_one(tx, &after, "SELECT name, image, value_fen, claim_days, fulfilment, counter_template_id"
                                    " FROM lottery_prizes WHERE id = ?", HH_A(HH_I(r->path_id)))))
        return st;
    hh_req_own(r, after);
    int64_t tid = iget(after, "counter_template_id");
    if (!strcmp(fulfilment, "counter")) {
        int64_t got = 0;
        if ((st = counter_template(tx, r, c, r->path_id, tid, sget(after, "name"), sget(after, "image"),
                                   iget(after, "value_fen"), iget(after, "claim_days"), &got)))
            return st;
        if (got != tid && (st = hh_db_run(tx, NULL, "UPDATE lottery_prizes SET counter_template_id = ? WHERE id = ?",
                                          HH_A(HH_I(got), HH_I(r->path_id)))))
            return st;
    } else if ((st = archive_template(tx, tid))) {
        return st;
    }
    return prize_reply(tx, r, r->path_id, 200, "lottery_prize.update", before);
}

hh_status hh_h_prize_update(hh_req *r)
{
    prize_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_prize(r, in, false);
    if (st) return st;
    return hh_req_write(r, prize_update_write);
}

static hh_status prize_delete_write(hh_db *tx, hh_req *r)
{
    json_t *before;
    hh_status st = prize_json(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    bool locked;
    if ((st = hh__pool_locked(tx, iget(before, "campaign_id"), &locked))) return st;
    if (locked) return locked_fail(r, NULL);
    if ((st = archive_template(tx, iget(before, "counter_template_id"))) ||
        (st = hh_db_run(tx, NULL, "DELETE FROM lottery_prize_days WHERE prize_id = ?", HH_A(HH_I(r->path_id)))) ||
        (st = hh_db_run(tx, NULL, "DELETE FROM lottery_prizes WHERE id = ?", HH_A(HH_I(r->path_id)))))
        return st;
    return hh_audit(tx, r, "lottery_prize.delete", "lottery_prize", r->path_id, before, NULL);
}

hh_status hh_h_prize_delete(hh_req *r)
{
    return hh_req_write(r, prize_delete_write);
}

/* ---- the "no prize" outcome and the mode ---- */

typedef struct {
    int64_t weight;
    const char *label, *mode;
    bool has_weight, has_label, has_mode;
} pool_in;

static hh_status pool_write(hh_db *tx, hh_req *r)
{
    pool_in *in = r->ud;
    json_t *c, *before = NULL;
    hh_status st = campaign_row(tx, r, r->path_id, &c);
    if (st) return st;
    bool locked;
    if ((st = hh__pool_locked(tx, r->path_id, &locked))) return st;
    if (hh_db_one(tx, &before, "SELECT no_prize_weight, no_prize_label, mode FROM lottery_pools WHERE campaign_id = ?",
                  HH_A(HH_I(r->path_id))) == HH_OK)
        hh_req_own(r, before);
    if (locked && in->has_weight && (!before || iget(before, "no_prize_weight") != in->weight))
        return locked_fail(r, "no_prize_weight");
    if (locked && in->has_mode && (!before || strcmp(sget(before, "mode"), in->mode))) return locked_fail(r, "mode");
    if ((st = ensure_seed_and_pool(tx, c))) return st;
    st = hh_db_run(tx, NULL,
                   "UPDATE lottery_pools SET no_prize_weight = coalesce(?, no_prize_weight),"
                   " no_prize_label = coalesce(?, no_prize_label), mode = coalesce(?, mode), updated_at = ?"
                   " WHERE campaign_id = ?",
                   HH_A(in->has_weight ? HH_I(in->weight) : HH_NULL, HH_S(in->has_label ? in->label : NULL),
                        HH_S(in->has_mode ? in->mode : NULL), HH_I(hh_now_ms()), HH_I(r->path_id)));
    if (st) return st;
    json_t *out;
    if ((st = pool_json(tx, r->path_id, false, &out))) return st;
    if ((st = hh_audit(tx, r, "lottery_pool.update", "campaign", r->path_id, before, json_object_get(out, "pool")))) {
        json_decref(out);
        return st;
    }
    hh_reply(r, 200, out);
    return HH_OK;
}

hh_status hh_h_lottery_pool_put(hh_req *r)
{
    static const char *const allowed[] = {"no_prize_weight", "no_prize_label", "mode", NULL};
    pool_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "no_prize_weight", false, 0, HH_LOTTERY_MAX_WEIGHT, &in->weight, &in->has_weight)) ||
        (st = hh_field_str(r, "no_prize_label", false, 40, &in->label, &in->has_label)) ||
        (st = hh_field_str(r, "mode", false, 16, &in->mode, &in->has_mode)))
        return st;
    if (in->has_mode && strcmp(in->mode, "redistribute") && strcmp(in->mode, "fixed"))
        return hh_fail(r, HH_E_INVALID, "mode", "mode 须为 redistribute 或 fixed", "mode must be redistribute or fixed");
    if (!in->has_weight && !in->has_label && !in->has_mode)
        return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    return hh_req_write(r, pool_write);
}

/* ---- draws ---- */

#define DRAW_COLS                                                                                           \
    "SELECT d.id, d.campaign_id, d.at, d.member_id, m.phone AS member_phone, d.entry, d.entry_ref, d.roll,"  \
    " d.prize_id, p.name AS prize_name, p.value_fen AS prize_value_fen, d.fallback AS fallback_bool, d.claim," \
    " d.claim_status, d.claim_error, d.coupon_id, cp.code AS coupon_code, cp.status AS coupon_status,"       \
    " d.envelope_id, e.amount_fen AS envelope_amount_fen, e.status AS envelope_status, d.address_json,"      \
    " d.tracking_no, d.touchpoint_id, d.store_id, d.staff_id FROM lottery_draws d"                          \
    " JOIN members m ON m.id = d.member_id LEFT JOIN lottery_prizes p ON p.id = d.prize_id"                   \
    " LEFT JOIN coupons cp ON cp.id = d.coupon_id LEFT JOIN red_envelopes e ON e.id = d.envelope_id"

/* Admin view of a draw row: roll in hex, phone masked. */
static void draw_fix(json_t *d)
{
    char hex[17], masked[HH_PHONE_MAX + 8];
    hh_lottery_roll_hex((uint64_t)iget(d, "roll"), hex);
    json_object_set_new(d, "roll", json_string(hex));
    const char *phone = sget(d, "member_phone");
    hh_phone_mask(phone ? phone : "", masked, sizeof masked);
    json_object_set_new(d, "member_phone", json_string(masked));
}

hh_status hh_h_lottery_draws_list(hh_req *r)
{
    int64_t limit, offset, member_id, prize_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "member_id", &member_id)) ||
        (st = hh_query_id(r, "prize_id", &prize_id)))
        return st;
    const char *cs = hh_query(r, "claim_status");
    if (cs && !*cs) cs = NULL;
    static const char *const statuses[] = {"none", "unclaimed", "claimed", "shipped", "delivered", "failed", NULL};
    bool ok = !cs;
    for (int i = 0; statuses[i] && !ok; i++) ok = !strcmp(cs, statuses[i]);
    if (!ok)
        return hh_fail(r, HH_E_INVALID, "claim_status", "claim_status 须为 none、unclaimed、claimed、shipped、delivered 或 failed",
                       "claim_status must be none, unclaimed, claimed, shipped, delivered or failed");
    bool won = hh_query_flag(r, "won");
    const char *claim = hh_query(r, "claim");
    if (claim && !*claim) claim = NULL;
    if (claim && strcmp(claim, "counter") && strcmp(claim, "mail") && strcmp(claim, "coupon") && strcmp(claim, "envelope"))
        return hh_fail(r, HH_E_INVALID, "claim", "claim 须为 counter、mail、coupon 或 envelope",
                       "claim must be counter, mail, coupon or envelope");
    hh_db *db = hh_store_reader(r->app->store);
#define DRAW_WHERE                                                                                        \
    " WHERE d.campaign_id = ?1 AND (?2 = 0 OR d.member_id = ?2) AND (?3 = 0 OR d.prize_id = ?3)"           \
    " AND (?4 IS NULL OR d.claim_status = ?4) AND (?5 = 0 OR d.prize_id IS NOT NULL) AND (?6 IS NULL OR d.claim = ?6)"
    json_t *items;
    st = hh_db_query(db, &items, DRAW_COLS DRAW_WHERE " ORDER BY d.id DESC LIMIT ?7 OFFSET ?8",
                     HH_A(HH_I(r->path_id), HH_I(member_id), HH_I(prize_id), HH_S(cs), HH_I(won), HH_S(claim),
                          HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *d;
    json_array_foreach(items, i, d) draw_fix(d);
    return hh_list_reply(r, db, items, "SELECT count(*) FROM lottery_draws d" DRAW_WHERE,
                         HH_A(HH_I(r->path_id), HH_I(member_id), HH_I(prize_id), HH_S(cs), HH_I(won), HH_S(claim)));
#undef DRAW_WHERE
}

typedef struct {
    const char *status, *tracking;
    bool has_tracking;
} draw_in;

static hh_status draw_update_write(hh_db *tx, hh_req *r)
{
    draw_in *in = r->ud;
    json_t *before;
    hh_status st = hh_db_one(tx, &before, DRAW_COLS " WHERE d.id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, before);
    const char *claim = sget(before, "claim"), *cur = sget(before, "claim_status");
    if (!claim || strcmp(claim, "mail"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "claim_status", "只有邮寄奖品需要发货", "Only mail prizes are shipped");
    bool shipping = !strcmp(in->status, "shipped");
    if (shipping && strcmp(cur, "claimed") && strcmp(cur, "shipped"))
        return hh_fail(r, HH_E_CONFLICT, "claim_status", "会员尚未填写收货地址", "The member has not given an address yet");
    if (!shipping && strcmp(cur, "shipped") && strcmp(cur, "delivered"))
        return hh_fail(r, HH_E_CONFLICT, "claim_status", "奖品尚未发货", "The prize has not been shipped");
    if (shipping && !in->has_tracking && !sget(before, "tracking_no"))
        return hh_fail(r, HH_E_INVALID, "tracking_no", "发货须填写快递单号", "Shipping needs a tracking number");
    if ((st = hh_db_run(tx, NULL, "UPDATE lottery_draws SET claim_status = ?, tracking_no = coalesce(?, tracking_no) WHERE id = ?",
                        HH_A(HH_S(in->status), HH_S(in->has_tracking ? in->tracking : NULL), HH_I(r->path_id)))))
        return st;
    json_t *after;
    if ((st = hh_db_one(tx, &after, DRAW_COLS " WHERE d.id = ?", HH_A(HH_I(r->path_id))))) return st;
    draw_fix(before);
    draw_fix(after);
    if ((st = hh_audit(tx, r, "lottery_draw.update", "lottery_draw", r->path_id, before, after))) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_lottery_draw_update(hh_req *r)
{
    static const char *const allowed[] = {"claim_status", "tracking_no", NULL};
    draw_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "claim_status", true, 16, &in->status, NULL)) ||
        (st = hh_field_str(r, "tracking_no", false, 64, &in->tracking, &in->has_tracking)))
        return st;
    if (strcmp(in->status, "shipped") && strcmp(in->status, "delivered"))
        return hh_fail(r, HH_E_INVALID, "claim_status", "claim_status 须为 shipped 或 delivered",
                       "claim_status must be shipped or delivered");
    if (in->has_tracking && !*in->tracking)
        return hh_fail(r, HH_E_INVALID, "tracking_no", "快递单号不能为空", "tracking_no must not be empty");
    return hh_req_write(r, draw_update_write);
}

/* ---- verification (a worker: a campaign may have millions of draws) ---- */

static hh_status verify_run(hh_req *r)
{
    json_t *rep;
    hh_status st = hh_lottery_verify(hh_store_reader(r->app->store), r->path_id, &rep);
    if (st) return st;
    hh_reply(r, 200, rep);
    return HH_OK;
}

hh_status hh_h_lottery_verify(hh_req *r)
{
    return hh_req_async(r, verify_run);
}
