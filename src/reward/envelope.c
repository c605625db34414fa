/*
 * envelope.c — red envelope pools (红包池) and the envelopes drawn from them.
 *
 * A pool belongs to one brand and maybe one campaign. It holds a budget
 * (budget_fen) and a count (count_total); remaining_fen and count_remaining
 * go down with every envelope hh_envelope_grant (grant.c) draws, inside the
 * same write, so at every commit
 *
 *     budget_fen = remaining_fen + Σ amount_fen of the pool's envelopes
 *     count_total = count_remaining + number of the pool's envelopes
 *
 * and neither remaining value can go below zero (CHECK constraints back the
 * grant's own checks). A fixed pool pays amount_fen per envelope (its budget is
 * amount × count); a random pool splits its budget "lucky money" style, each
 * share at least min_fen and the last one taking what is left.
 *
 * Editing a pool keeps the equations: the count and (random pools) the budget
 * may grow or shrink, never below what has been granted, and a random pool
 * must keep min_fen for every envelope still to come. A pool with envelopes
 * cannot be deleted, only closed.
 *
 * Members claim from a pool on the H5 (POST /api/member/envelopes); when the
 * pool belongs to a campaign the claim is also a use of the campaign
 * (hh_campaign_admit, costing the envelope's amount), refused as a whole when
 * the campaign refuses. Envelopes are paid by the payout dispatcher
 * (envelope_payout.c); a failed one can be retried by an administrator.
 */
#include "reward/reward.h"
#include "auth/auth.h"
#include "core/phone.h"
#include "http/app.h"

#include <stdio.h>
#include <string.h>

#define MAX_BUDGET_FEN 1000000000LL  /* ¥10,000,000 per pool */
#define MAX_AMOUNT_FEN 1000000LL     /* ¥10,000 per fixed envelope */
#define MAX_COUNT 10000000LL
#define MAX_PER_MEMBER 1000

/* ---- helpers shared with sample*.c ---- */

hh_status hh__reward_brand_scope(hh_req *r, int64_t brand_id)
{
    hh_scope s = {.enterprise_id = r->who.enterprise_id, .object = true, .nbrands = 1, .brands = {brand_id}};
    if (hh_authz(&r->who, HH_ACT_MARKETING_WRITE, &s) != HH_OK)
        return hh_fail(r, HH_E_FORBIDDEN, "brand_id", "只能为您管理的品牌创建", "You can only create these for brands you manage");
    return HH_OK;
}

hh_status hh__reward_refs(hh_db *tx, hh_req *r, int64_t brand_id, int64_t campaign_id)
{
    int64_t n = 0;
    hh_status st = hh_db_int(tx, &n,
                             "SELECT count(*) FROM brands WHERE id = ? AND enterprise_id = ? AND archived_at IS NULL",
                             HH_A(HH_I(brand_id), HH_I(r->who.enterprise_id)));
    if (st) return st;
    if (!n) return hh_fail(r, HH_E_INVALID, "brand_id", "品牌不存在或已归档", "No such live brand");
    if (!campaign_id) return HH_OK;
    json_t *c = NULL;
    st = hh_db_one(tx, &c, "SELECT brand_id, status, starts_at, ends_at FROM campaigns WHERE id = ? AND enterprise_id = ?",
                   HH_A(HH_I(campaign_id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, HH_E_INVALID, "campaign_id", "找不到该活动", "No such campaign");
    if (st) return st;
    int64_t cb = json_integer_value(json_object_get(c, "brand_id"));
    const char *now = hh_campaign_status_now(json_string_value(json_object_get(c, "status")),
                                             json_integer_value(json_object_get(c, "starts_at")),
                                             json_integer_value(json_object_get(c, "ends_at")), hh_now_ms());
    bool ended = !strcmp(now, "ended");
    json_decref(c);
    if (cb != brand_id)
        return hh_fail(r, HH_E_INVALID, "campaign_id", "该活动属于其他品牌", "The campaign belongs to another brand");
    if (ended) return hh_fail(r, HH_E_UNPROCESSABLE, "campaign_id", "该活动已结束", "The campaign has ended");
    return HH_OK;
}

void hh__mask_phone(json_t *row, const char *key, const char *masked_key)
{
    const char *p = json_string_value(json_object_get(row, key));
    char masked[HH_PHONE_MAX + 8] = "";
    if (p && strncmp(p, "erased:", 7)) hh_phone_mask(p, masked, sizeof masked);
    json_object_set_new(row, masked_key, json_string(masked));
    if (strcmp(key, masked_key)) json_object_del(row, key);
}

/* ---- pools ---- */

#define POOL_COLS                                                                                   \
    "SELECT p.id, p.brand_id, b.name AS brand_name, p.campaign_id, c.name AS campaign_name, p.name," \
    " p.mode, p.amount_fen, p.budget_fen, p.remaining_fen, p.budget_fen - p.remaining_fen AS"       \
    " granted_fen, p.count_total, p.count_remaining, p.count_total - p.count_remaining AS"          \
    " granted_count, p.min_fen, p.per_member_limit, p.status,"                                      \
    " (SELECT count(*) FROM red_envelopes e WHERE e.pool_id = p.id AND e.status = 'paid') AS"       \
    " paid_count, (SELECT coalesce(sum(e.amount_fen), 0) FROM red_envelopes e WHERE e.pool_id ="    \
    " p.id AND e.status = 'paid') AS paid_fen, (SELECT count(*) FROM red_envelopes e WHERE"         \
    " e.pool_id = p.id AND e.status = 'pending') AS pending_count, (SELECT count(*) FROM"           \
    " red_envelopes e WHERE e.pool_id = p.id AND e.status = 'failed') AS failed_count,"             \
    " p.created_by, p.created_at, p.updated_at FROM envelope_pools p JOIN brands b ON b.id ="       \
    " p.brand_id LEFT JOIN campaigns c ON c.id = p.campaign_id"

static const hh__offer_kind pools = {
    .get_sql = POOL_COLS " WHERE p.id = ?",
    .list_sql = POOL_COLS HH__OFFER_WHERE("p") " ORDER BY p.id DESC LIMIT ?9 OFFSET ?10",
    .count_sql = "SELECT count(*) FROM envelope_pools p" HH__OFFER_WHERE("p"),
    .used_sql = "SELECT (SELECT count(*) FROM red_envelopes WHERE pool_id = ?1)"
                " + (SELECT count(*) FROM lottery_prizes WHERE envelope_pool_id = ?1)"
                " + (SELECT count(*) FROM receipt_tiers WHERE envelope_pool_id = ?1)",
    .used_zh = "该红包池已发出红包或被奖品、小票档位引用，不能删除，请关闭它",
    .used_en = "This pool has envelopes or is used by a prize or a receipt tier; close it instead",
    .delete_sql = "DELETE FROM envelope_pools WHERE id = ?",
    .entity = "envelope_pool",
    .delete_action = "envelope_pool.delete",
};

static hh_status pool_get(hh_db *db, int64_t id, json_t **out)
{
    return hh__offer_get(db, &pools, id, out);
}

hh_status hh_h_envelope_pools_list(hh_req *r)
{
    return hh__offer_list(r, &pools);
}

hh_status hh_h_envelope_pool_get(hh_req *r)
{
    return hh__reply_get(r, pool_get);
}

typedef struct {
    const char *name, *mode;
    int64_t brand_id, campaign_id, amount_fen, budget_fen, count_total, min_fen, per_member_limit;
    bool has_name, has_budget, has_count, has_min, has_limit, has_amount;
} pool_in;

static hh_status pool_create_write(hh_db *tx, hh_req *r)
{
    pool_in *in = r->ud;
    hh_status st = hh__reward_refs(tx, r, in->brand_id, in->campaign_id);
    if (st) return st;
    int64_t now = hh_now_ms();
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO envelope_pools (enterprise_id, brand_id, campaign_id, name, mode, amount_fen,"
                   " budget_fen, remaining_fen, count_total, count_remaining, min_fen, per_member_limit,"
                   " created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?8, ?9, ?10,"
                   " ?11, ?12, ?12)",
                   HH_A(HH_I(r->who.enterprise_id), HH_I(in->brand_id), HH_ID(in->campaign_id), HH_S(in->name),
                        HH_S(in->mode), in->has_amount ? HH_I(in->amount_fen) : HH_NULL, HH_I(in->budget_fen),
                        HH_I(in->count_total), HH_I(in->min_fen), HH_I(in->per_member_limit), HH_I(r->who.id),
                        HH_I(now)));
    json_t *p;
    if (st || (st = pool_get(tx, res.last_id, &p))) return st;
    return hh__audit_reply(tx, r, "envelope_pool.create", "envelope_pool", res.last_id, NULL, p, 201);
}

hh_status hh_h_envelope_pool_create(hh_req *r)
{
    static const char *const allowed[] = {"brand_id", "campaign_id", "name", "mode", "amount_fen", "budget_fen",
                                          "count_total", "min_fen", "per_member_limit", NULL};
    pool_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    in->min_fen = 1;
    in->per_member_limit = 1;
    hh_status st;
    if ((st = hh__offer_read_owner(r, allowed, &in->brand_id, &in->campaign_id)) ||
        (st = hh_field_str(r, "name", true, 64, &in->name, NULL)) ||
        (st = hh_field_str(r, "mode", true, 8, &in->mode, NULL)))
        return st;
    if (strcmp(in->mode, "fixed") && strcmp(in->mode, "random"))
        return hh_fail(r, HH_E_INVALID, "mode", "方式须为 fixed（固定金额）或 random（拼手气）",
                       "mode must be fixed or random");
    bool fixed = !strcmp(in->mode, "fixed");
    if ((st = hh_field_int(r, "count_total", true, 1, MAX_COUNT, &in->count_total, NULL)) ||
        (st = hh_field_int(r, "amount_fen", fixed, 1, MAX_AMOUNT_FEN, &in->amount_fen, &in->has_amount)) ||
        (st = hh_field_int(r, "budget_fen", !fixed, 1, MAX_BUDGET_FEN, &in->budget_fen, &in->has_budget)) ||
        (st = hh_field_int(r, "min_fen", false, 1, MAX_AMOUNT_FEN, &in->min_fen, &in->has_min)) ||
        (st = hh_field_int(r, "per_member_limit", false, 1, MAX_PER_MEMBER, &in->per_member_limit, NULL)))
        return st;
    if (fixed) {
        if (in->has_min)
            return hh_fail(r, HH_E_INVALID, "min_fen", "固定金额红包不需要最小金额", "min_fen is for random pools only");
        if (in->amount_fen * in->count_total > MAX_BUDGET_FEN)
            return hh_fail(r, HH_E_INVALID, "count_total", "总预算不能超过 1000 万元",
                           "The budget (amount × count) must not exceed ¥10,000,000");
        if (in->has_budget && in->budget_fen != in->amount_fen * in->count_total)
            return hh_fail(r, HH_E_INVALID, "budget_fen", "固定金额红包的预算须等于单个金额 × 个数",
                           "A fixed pool's budget must be amount_fen × count_total");
        in->budget_fen = in->amount_fen * in->count_total;
        in->min_fen = 1;
    } else {
        if (in->has_amount)
            return hh_fail(r, HH_E_INVALID, "amount_fen", "拼手气红包的金额随机，不设单个金额",
                           "amount_fen is for fixed pools only");
        if (in->budget_fen < in->min_fen * in->count_total)
            return hh_fail(r, HH_E_INVALID, "budget_fen", "预算须至少为最小金额 × 个数",
                           "The budget must be at least min_fen × count_total");
    }
    if ((st = hh__reward_brand_scope(r, in->brand_id))) return st;
    return hh_req_write(r, pool_create_write);
}

static hh_status pool_update_write(hh_db *tx, hh_req *r)
{
    pool_in *in = r->ud;
    json_t *before, *after;
    hh_status st = pool_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
#define GI(k) json_integer_value(json_object_get(before, k))
    bool closed = !strcmp(json_string_value(json_object_get(before, "status")), "closed");
    bool fixed = !strcmp(json_string_value(json_object_get(before, "mode")), "fixed");
    if (closed && (in->has_count || in->has_budget || in->has_limit))
        return hh_fail(r, HH_E_UNPROCESSABLE, "status", "该红包池已关闭，只能修改名称",
                       "This pool is closed; only its name can change");
    if (fixed && in->has_budget)
        return hh_fail(r, HH_E_INVALID, "budget_fen", "固定金额红包的预算由金额 × 个数决定，请修改个数",
                       "A fixed pool's budget is amount × count; change count_total instead");
    int64_t granted_count = GI("granted_count"), granted_fen = GI("granted_fen");
    int64_t count = in->has_count ? in->count_total : GI("count_total");
    int64_t budget = fixed ? GI("amount_fen") * count : in->has_budget ? in->budget_fen : GI("budget_fen");
    if (count < granted_count)
        return hh_fail(r, HH_E_UNPROCESSABLE, "count_total",
                       hh_sprintf(r->arena, "已发出 %lld 个，个数不能少于此数", (long long)granted_count),
                       hh_sprintf(r->arena, "%lld envelopes have been granted; the count cannot be lower",
                                  (long long)granted_count));
    if (budget > MAX_BUDGET_FEN)
        return hh_fail(r, HH_E_INVALID, fixed ? "count_total" : "budget_fen", "总预算不能超过 1000 万元",
                       "The budget must not exceed ¥10,000,000");
    if (budget < granted_fen)
        return hh_fail(r, HH_E_UNPROCESSABLE, "budget_fen", "预算不能少于已发出的金额",
                       "The budget cannot be less than what has been granted");
    if (!fixed && budget - granted_fen < GI("min_fen") * (count - granted_count))
        return hh_fail(r, HH_E_UNPROCESSABLE, "budget_fen", "剩余预算须够每个未发出的红包至少得到最小金额",
                       "What is left must give every envelope still to come at least min_fen");
#undef GI
    st = hh_db_run(tx, NULL,
                   "UPDATE envelope_pools SET name = coalesce(?1, name), per_member_limit = coalesce(?2, per_member_limit),"
                   " budget_fen = ?3, remaining_fen = ?3 - ?4, count_total = ?5, count_remaining = ?5 - ?6,"
                   " updated_at = ?7 WHERE id = ?8",
                   HH_A(HH_S(in->has_name ? in->name : NULL), in->has_limit ? HH_I(in->per_member_limit) : HH_NULL,
                        HH_I(budget), HH_I(granted_fen), HH_I(count), HH_I(granted_count), HH_I(hh_now_ms()),
                        HH_I(r->path_id)));
    if (st || (st = pool_get(tx, r->path_id, &after))) return st;
    return hh__audit_reply(tx, r, "envelope_pool.update", "envelope_pool", r->path_id, before, after, 200);
}

hh_status hh_h_envelope_pool_update(hh_req *r)
{
    static const char *const allowed[] = {"name", "per_member_limit", "count_total", "budget_fen", NULL};
    pool_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "name", false, 64, &in->name, &in->has_name)) ||
        (st = hh_field_int(r, "per_member_limit", false, 1, MAX_PER_MEMBER, &in->per_member_limit, &in->has_limit)) ||
        (st = hh_field_int(r, "count_total", false, 1, MAX_COUNT, &in->count_total, &in->has_count)) ||
        (st = hh_field_int(r, "budget_fen", false, 1, MAX_BUDGET_FEN, &in->budget_fen, &in->has_budget)))
        return st;
    if (in->has_name && !*in->name) return hh_fail(r, HH_E_INVALID, "name", "名称不能为空", "The name must not be empty");
    if (!in->has_name && !in->has_limit && !in->has_count && !in->has_budget)
        return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    return hh_req_write(r, pool_update_write);
}

static hh_status pool_close_write(hh_db *tx, hh_req *r)
{
    json_t *before, *after;
    hh_status st = pool_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    if (!strcmp(json_string_value(json_object_get(before, "status")), "closed"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "status", "该红包池已关闭", "This pool is already closed");
    st = hh_db_run(tx, NULL, "UPDATE envelope_pools SET status = 'closed', updated_at = ? WHERE id = ?",
                   HH_A(HH_I(hh_now_ms()), HH_I(r->path_id)));
    if (st || (st = pool_get(tx, r->path_id, &after))) return st;
    return hh__audit_reply(tx, r, "envelope_pool.close", "envelope_pool", r->path_id, before, after, 200);
}

hh_status hh_h_envelope_pool_close(hh_req *r)
{
    hh_status st = hh__empty_body(r);
    if (st) return st;
    return hh_req_write(r, pool_close_write);
}

hh_status hh_h_envelope_pool_delete(hh_req *r)
{
    return hh__offer_delete(r, &pools);
}

/* ---- envelopes ---- */

#define ENV_COLS                                                                                    \
    "SELECT e.id, e.pool_id, p.name AS pool_name, p.brand_id, b.name AS brand_name, e.campaign_id,"  \
    " e.member_id, m.phone AS member_phone, m.name AS member_name, e.amount_fen, e.source,"         \
    " e.source_id, e.status, e.provider, e.attempts, e.next_attempt_at, e.provider_ref, e.error,"   \
    " e.last_http_status, e.payout_round, e.created_at, e.paid_at, e.failed_at FROM red_envelopes e" \
    " JOIN envelope_pools p ON p.id = e.pool_id JOIN brands b ON b.id = p.brand_id JOIN members m"   \
    " ON m.id = e.member_id"

static const char *const env_statuses[] = {"pending", "paid", "failed", NULL};

static hh_status env_get(hh_db *db, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, ENV_COLS " WHERE e.id = ?", HH_A(HH_I(id)));
    if (st == HH_OK) hh__mask_phone(*out, "member_phone", "member_phone_masked");
    return st;
}

hh_status hh_h_envelopes_list(hh_req *r)
{
    int64_t limit, offset, pool_id, brand_id, member_id, campaign_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "pool_id", &pool_id)) ||
        (st = hh_query_id(r, "brand_id", &brand_id)) || (st = hh_query_id(r, "member_id", &member_id)) ||
        (st = hh_query_id(r, "campaign_id", &campaign_id)))
        return st;
    const char *status = hh_query(r, "status");
    if (status && !*status) status = NULL;
    if (status && !hh_str_in(status, env_statuses))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 pending、paid 或 failed", "status must be pending, paid or failed");
    hh_db *db = hh_store_reader(r->app->store);
#define ENV_WHERE                                                                                   \
    " WHERE e.enterprise_id = ?1 AND " HH_SCOPE_BRAND_ID("p.brand_id")                             \
    " AND (?5 = 0 OR e.pool_id = ?5) AND (?6 = 0 OR p.brand_id = ?6) AND (?7 = 0 OR e.member_id ="  \
    " ?7) AND (?8 = 0 OR e.campaign_id = ?8) AND (?9 IS NULL OR e.status = ?9)"
    json_t *items;
    st = hh_db_query(db, &items, ENV_COLS ENV_WHERE " ORDER BY e.id DESC LIMIT ?10 OFFSET ?11",
                     HH_A(HH_SCOPE_ARGS(r), HH_I(pool_id), HH_I(brand_id), HH_I(member_id), HH_I(campaign_id),
                          HH_S(status), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row) hh__mask_phone(row, "member_phone", "member_phone_masked");
    return hh_list_reply(r, db, items,
                         "SELECT count(*) FROM red_envelopes e JOIN envelope_pools p ON p.id = e.pool_id" ENV_WHERE,
                         HH_A(HH_SCOPE_ARGS(r), HH_I(pool_id), HH_I(brand_id), HH_I(member_id), HH_I(campaign_id),
                              HH_S(status)));
#undef ENV_WHERE
}

hh_status hh_h_envelope_get(hh_req *r)
{
    return hh__reply_get(r, env_get);
}

static hh_status retry_write(hh_db *tx, hh_req *r)
{
    json_t *before, *after;
    hh_status st = env_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    const char *status = json_string_value(json_object_get(before, "status"));
    if (strcmp(status, "failed"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "status",
                       !strcmp(status, "paid") ? "该红包已发放成功，无需重试" : "该红包正在发放中，只有发放失败的才能重试",
                       !strcmp(status, "paid") ? "This envelope is already paid" : "Only a failed envelope can be retried");
    /* a permanent refusal (4xx other than 408/429) was an answer about that
     * request: the retry is a new payout request (a new idempotency key). After
     * timeouts and 5xx the provider may have paid: the key stays, so it pays at
     * most once. */
    st = hh_db_run(tx, NULL,
                   "UPDATE red_envelopes SET status = 'pending', attempts = 0, next_attempt_at = ?1, failed_at = NULL,"
                   " payout_round = payout_round + CASE WHEN last_http_status BETWEEN 400 AND 499 AND"
                   " last_http_status NOT IN (408, 429) THEN 1 ELSE 0 END WHERE id = ?2 AND status = 'failed'",
                   HH_A(HH_I(hh_now_ms()), HH_I(r->path_id)));
    if (st || (st = env_get(tx, r->path_id, &after))) return st;
    return hh__audit_reply(tx, r, "envelope.retry", "envelope", r->path_id, before, after, 200);
}

static void kick_after_commit(hh_req *r)
{
    (void)r;
    hh_payout_kick();
}

hh_status hh_h_envelope_retry(hh_req *r)
{
    hh_status st = hh__empty_body(r);
    if (st) return st;
    r->after_commit = kick_after_commit;
    return hh_req_write(r, retry_write);
}

/* ---- member H5 ---- */

/* Pools a member can see: active ones of the enterprise whose campaign (if
 * any) is not over, with what is left and what this member already got. */
hh_status hh_h_member_envelope_pools(hh_req *r)
{
    json_t *items;
    hh_status st = hh_db_query(
        hh_store_reader(r->app->store), &items,
        "SELECT p.id, p.brand_id, b.name AS brand_name, p.campaign_id, c.name AS campaign_name, c.status AS"
        " campaign_status, c.starts_at AS campaign_starts_at, c.ends_at AS campaign_ends_at, p.name, p.mode,"
        " p.amount_fen, p.count_total, p.count_remaining, p.remaining_fen, p.min_fen, p.per_member_limit,"
        " (SELECT count(*) FROM red_envelopes e WHERE e.pool_id = p.id AND e.member_id = ?2) AS claimed,"
        " (SELECT coalesce(sum(e.amount_fen), 0) FROM red_envelopes e WHERE e.pool_id = p.id AND e.member_id = ?2)"
        " AS claimed_fen FROM envelope_pools p JOIN brands b ON b.id = p.brand_id LEFT JOIN campaigns c ON c.id ="
        " p.campaign_id WHERE p.enterprise_id = ?1 AND p.status = 'active' AND b.archived_at IS NULL"
        " ORDER BY p.id DESC LIMIT 100",
        HH_A(HH_I(r->who.enterprise_id), HH_I(r->who.id)));
    if (st) return st;
    json_t *out = json_array();
    int64_t now = hh_now_ms();
    size_t i;
    json_t *p;
    json_array_foreach(items, i, p)
    {
        const char *cstatus = "live";
        if (json_is_integer(json_object_get(p, "campaign_id")))
            cstatus = hh_campaign_status_now(json_string_value(json_object_get(p, "campaign_status")),
                                             json_integer_value(json_object_get(p, "campaign_starts_at")),
                                             json_integer_value(json_object_get(p, "campaign_ends_at")), now);
        if (!strcmp(cstatus, "ended") || !strcmp(cstatus, "draft")) continue;
        int64_t left = json_integer_value(json_object_get(p, "count_remaining"));
        int64_t min = json_integer_value(json_object_get(p, "min_fen"));
        bool sold_out = left <= 0 || json_integer_value(json_object_get(p, "remaining_fen")) < (min < 1 ? 1 : min);
        bool mine_full = json_integer_value(json_object_get(p, "claimed")) >=
                         json_integer_value(json_object_get(p, "per_member_limit"));
        const char *state = sold_out ? "sold_out" : mine_full ? "claimed" : strcmp(cstatus, "live") ? cstatus : "open";
        json_object_set_new(p, "state", json_string(state));
        json_object_set_new(p, "campaign_status", json_string(cstatus));
        json_object_del(p, "campaign_starts_at");
        json_object_del(p, "campaign_ends_at");
        json_object_del(p, "remaining_fen");
        json_array_append(out, p);
    }
    json_decref(items);
    hh_reply(r, 200, json_pack("{s:o, s:I}", "items", out, "total", (json_int_t)json_array_size(out)));
    return HH_OK;
}

#define MY_ENV_COLS                                                                                  \
    "SELECT e.id, e.pool_id, p.name AS pool_name, b.name AS brand_name, e.amount_fen, e.status,"      \
    " e.created_at, e.paid_at FROM red_envelopes e JOIN envelope_pools p ON p.id = e.pool_id JOIN"     \
    " brands b ON b.id = p.brand_id"

typedef struct {
    int64_t pool_id, envelope_id;
} claim_in;

static hh_status claim_write(hh_db *tx, hh_req *r)
{
    claim_in *in = r->ud;
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = r->who.id, .source = "claim"};
    int64_t amount = 0, campaign_id = 0;
    hh_status st = hh_envelope_grant(tx, r, &g, in->pool_id, &in->envelope_id, &amount);
    if (st) return st;
    /* the pool's campaign: one more use of it, costing what the member got */
    st = hh_db_int(tx, &campaign_id, "SELECT coalesce(campaign_id, 0) FROM envelope_pools WHERE id = ?",
                   HH_A(HH_I(in->pool_id)));
    if (st) return st;
    if (campaign_id) {
        g.campaign_id = campaign_id;
        if ((st = hh_campaign_admit(tx, r, &g, amount))) return st;
    }
    json_t *e;
    if ((st = hh_db_one(tx, &e, MY_ENV_COLS " WHERE e.id = ?", HH_A(HH_I(in->envelope_id))))) return st;
    hh_reply(r, 201, e);
    return HH_OK;
}

hh_status hh_h_member_envelope_claim(hh_req *r)
{
    static const char *const allowed[] = {"pool_id", NULL};
    claim_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "pool_id", true, 1, INT64_MAX, &in->pool_id, NULL)))
        return st;
    r->after_commit = kick_after_commit;
    return hh_req_write(r, claim_write);
}

hh_status hh_h_member_envelopes(hh_req *r)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items, *sums;
    st = hh_db_query(db, &items, MY_ENV_COLS " WHERE e.member_id = ? ORDER BY e.id DESC LIMIT ? OFFSET ?",
                     HH_A(HH_I(r->who.id), HH_I(limit), HH_I(offset)));
    if (st) return st;
    st = hh_db_one(db, &sums,
                   "SELECT count(*) AS total, coalesce(sum(amount_fen), 0) AS total_fen, coalesce(sum(CASE WHEN"
                   " status = 'paid' THEN amount_fen END), 0) AS paid_fen, coalesce(sum(CASE WHEN status ="
                   " 'pending' THEN amount_fen END), 0) AS pending_fen FROM red_envelopes WHERE member_id = ?",
                   HH_A(HH_I(r->who.id)));
    if (st) {
        json_decref(items);
        return st;
    }
    json_object_set_new(sums, "items", items);
    hh_reply(r, 200, sums);
    return HH_OK;
}

/* ---- demo ---- */

static hh_status demo_apply(hh_db *tx, void *ud)
{
    (void)ud;
    json_t *b = NULL;
    /* the demo enterprise's Lumina brand (huohua demo) */
    hh_status st = hh_db_one(tx, &b, "SELECT id, enterprise_id FROM brands WHERE code = 'LUMINA' ORDER BY id LIMIT 1",
                             NULL, 0);
    if (st == HH_E_NOT_FOUND) return HH_OK;
    if (st) return st;
    int64_t brand = json_integer_value(json_object_get(b, "id"));
    int64_t ent = json_integer_value(json_object_get(b, "enterprise_id"));
    json_decref(b);
    int64_t n = 0, now = hh_now_ms();
    if ((st = hh_db_int(tx, &n, "SELECT count(*) FROM envelope_pools WHERE enterprise_id = ?", HH_A(HH_I(ent)))))
        return st;
    if (!n) {
        /* ¥2,000 split into 500 lucky-money envelopes of at least ¥1 */
        hh_result res;
        st = hh_db_run(tx, &res,
                       "INSERT INTO envelope_pools (enterprise_id, brand_id, name, mode, budget_fen, remaining_fen,"
                       " count_total, count_remaining, min_fen, per_member_limit, created_at, updated_at)"
                       " VALUES (?1, ?2, '澄光新品尝鲜 · 拼手气红包', 'random', 200000, 200000, 500, 500, 100, 1, ?3, ?3)",
                       HH_A(HH_I(ent), HH_I(brand), HH_I(now)));
        if (st) return st;
        json_t *after = json_pack("{s:s}", "name", "澄光新品尝鲜 · 拼手气红包");
        st = hh_audit_cli(tx, ent, "envelope_pool.create", "envelope_pool", res.last_id, after);
        json_decref(after);
        if (st) return st;
    }
    return hh__demo_samples(tx, ent, brand);
}

hh_status hh_demo_envelopes(hh_store *store)
{
    return hh_store_write_sync(store, demo_apply, NULL);
}
