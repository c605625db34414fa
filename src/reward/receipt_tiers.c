/*
 * receipt_tiers.c — amount tiers of receipts (客单越高优惠越大): per brand,
 * optionally per campaign, a minimum amount and what an approved receipt of at
 * least that amount earns: a coupon template, a red envelope pool, lottery
 * draws of the tier's campaign, points (credited through the ledger). The highest matching tier pays (receipt.c). Owners and the brand's
 * managers edit them.
 */
#include "reward/reward.h"
#include "auth/auth.h"
#include "http/app.h"

#include <string.h>

#define TIER_COLS                                                                                   \
    "SELECT t.id, t.brand_id, b.name AS brand_name, t.campaign_id, c.name AS campaign_name, t.name,"  \
    " t.min_amount_fen, t.coupon_template_id, ct.name AS coupon_template_name, t.envelope_pool_id,"   \
    " p.name AS envelope_pool_name, t.draws, t.points, t.created_at, t.updated_at FROM receipt_tiers t" \
    " JOIN brands b ON b.id = t.brand_id LEFT JOIN campaigns c ON c.id = t.campaign_id"               \
    " LEFT JOIN coupon_templates ct ON ct.id = t.coupon_template_id"                                  \
    " LEFT JOIN envelope_pools p ON p.id = t.envelope_pool_id"

hh_status hh_h_receipt_tiers_list(hh_req *r)
{
    int64_t brand_id, campaign_id;
    hh_status st;
    if ((st = hh_query_id(r, "brand_id", &brand_id)) || (st = hh_query_id(r, "campaign_id", &campaign_id))) return st;
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
    st = hh_db_query(db, &items,
                     TIER_COLS " WHERE t.enterprise_id = ?1 AND " HH_SCOPE_BRAND_ID("t.brand_id")
                               " AND (?5 = 0 OR t.brand_id = ?5) AND (?6 = 0 OR t.campaign_id = ?6)"
                               " ORDER BY t.brand_id, t.campaign_id IS NOT NULL, t.campaign_id, t.min_amount_fen",
                     HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id), HH_I(campaign_id)));
    if (st) return st;
    hh_reply(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items)));
    return HH_OK;
}

hh_status hh_h_receipt_tier_get(hh_req *r)
{
    json_t *t;
    hh_status st = hh_db_one(hh_store_reader(r->app->store), &t, TIER_COLS " WHERE t.id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_reply(r, 200, t);
    return HH_OK;
}

typedef struct {
    int64_t brand_id, campaign_id, min_amount_fen, template_id, pool_id, draws, points;
    const char *name;
    bool has_name, has_min, has_template, has_pool, has_draws, has_points;
    bool clear_template, clear_pool;
} tier_in;

/* An optional id that null clears (PATCH). */
static hh_status nullable_id(hh_req *r, const char *name, int64_t *out, bool *present, bool *cleared)
{
    json_t *v = json_object_get(r->json, name);
    *cleared = v && json_is_null(v);
    if (*cleared) {
        *present = true;
        *out = 0;
        return HH_OK;
    }
    return hh_field_int(r, name, false, 1, INT64_MAX, out, present);
}

static hh_status read_tier(hh_req *r, tier_in *in, bool create)
{
    static const char *const allowed_create[] = {"brand_id", "campaign_id", "name", "min_amount_fen",
                                                 "coupon_template_id", "envelope_pool_id", "draws", "points", NULL};
    static const char *const allowed_update[] = {"name", "min_amount_fen", "coupon_template_id",
                                                 "envelope_pool_id", "draws", "points", NULL};
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, create ? allowed_create : allowed_update))) return st;
    if (create && ((st = hh_field_int(r, "brand_id", true, 1, INT64_MAX, &in->brand_id, NULL)) ||
                   (st = hh_field_int(r, "campaign_id", false, 1, INT64_MAX, &in->campaign_id, NULL))))
        return st;
    if ((st = hh_field_str(r, "name", create, 32, &in->name, &in->has_name)) ||
        (st = hh_field_int(r, "min_amount_fen", create, 1, 100000000, &in->min_amount_fen, &in->has_min)) ||
        (st = nullable_id(r, "coupon_template_id", &in->template_id, &in->has_template, &in->clear_template)) ||
        (st = nullable_id(r, "envelope_pool_id", &in->pool_id, &in->has_pool, &in->clear_pool)) ||
        (st = hh_field_int(r, "draws", false, 0, 100, &in->draws, &in->has_draws)) ||
        (st = hh_field_int(r, "points", false, 0, 1000000, &in->points, &in->has_points)))
        return st;
    if (in->has_name && !*in->name) return hh_fail(r, HH_E_INVALID, "name", "档位名称不能为空", "The tier needs a name");
    if (!create && !in->has_name && !in->has_min && !in->has_template && !in->has_pool && !in->has_draws &&
        !in->has_points)
        return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    return HH_OK;
}

/* Checks against the stored rows (inside the write): the brand, campaign,
 * template and pool exist in the enterprise and fit together; the tier gives
 * something; no other tier of the brand (and campaign) has the same minimum. */
static hh_status check_tier(hh_db *tx, hh_req *r, int64_t self_id, const tier_in *in)
{
    int64_t ent = r->who.enterprise_id, x = 0;
    hh_status st;
    if (in->campaign_id) {
        st = hh_db_int(tx, &x, "SELECT brand_id FROM campaigns WHERE id = ? AND enterprise_id = ?",
                       HH_A(HH_I(in->campaign_id), HH_I(ent)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "campaign_id", "找不到该活动", "No such campaign");
        if (st) return st;
        if (x != in->brand_id)
            return hh_fail(r, HH_E_UNPROCESSABLE, "campaign_id", "该活动不属于这个品牌", "The campaign is of another brand");
    }
    if (in->template_id) {
        st = hh_db_int(tx, &x, "SELECT brand_id FROM coupon_templates WHERE id = ? AND enterprise_id = ?",
                       HH_A(HH_I(in->template_id), HH_I(ent)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "coupon_template_id", "找不到该优惠券", "No such coupon template");
        if (st) return st;
        if (x != in->brand_id)
            return hh_fail(r, HH_E_UNPROCESSABLE, "coupon_template_id", "该优惠券不属于这个品牌",
                           "The coupon template is of another brand");
    }
    if (in->pool_id) {
        st = hh_db_int(tx, &x, "SELECT brand_id FROM envelope_pools WHERE id = ? AND enterprise_id = ?",
                       HH_A(HH_I(in->pool_id), HH_I(ent)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "envelope_pool_id", "找不到该红包", "No such red envelope pool");
        if (st) return st;
        if (x != in->brand_id)
            return hh_fail(r, HH_E_UNPROCESSABLE, "envelope_pool_id", "该红包不属于这个品牌",
                           "The red envelope pool is of another brand");
    }
    if (in->draws > 0 && !in->campaign_id)
        return hh_fail(r, HH_E_INVALID, "draws", "赠送抽奖次数需要指定活动（抽奖属于活动）",
                       "Lottery draws need the tier's campaign");
    if (!in->template_id && !in->pool_id && in->draws <= 0 && in->points <= 0)
        return hh_fail(r, HH_E_INVALID, "coupon_template_id", "请至少设置一种奖励：优惠券、红包、抽奖次数或积分",
                       "Give the tier at least one reward: a coupon, a red envelope, draws or points");
    st = hh_db_int(tx, &x,
                   "SELECT id FROM receipt_tiers WHERE brand_id = ? AND coalesce(campaign_id, 0) = ?"
                   " AND min_amount_fen = ? AND id <> ?",
                   HH_A(HH_I(in->brand_id), HH_I(in->campaign_id), HH_I(in->min_amount_fen), HH_I(self_id)));
    if (st == HH_OK)
        return hh_fail(r, HH_E_CONFLICT, "min_amount_fen", "已有相同门槛金额的档位", "Another tier has this minimum amount");
    return st == HH_E_NOT_FOUND ? HH_OK : st;
}

static hh_status tier_reply(hh_db *tx, hh_req *r, int64_t id, int status, const char *action, json_t *before)
{
    json_t *t;
    hh_status st = hh_db_one(tx, &t, TIER_COLS " WHERE t.id = ?", HH_A(HH_I(id)));
    if (st) return st;
    if ((st = hh_audit(tx, r, action, "receipt_tier", id, before, t))) {
        json_decref(t);
        return st;
    }
    hh_reply(r, status, t);
    return HH_OK;
}

static hh_status tier_create_write(hh_db *tx, hh_req *r)
{
    tier_in *in = r->ud;
    int64_t x;
    hh_status st = hh_db_int(tx, &x, "SELECT id FROM brands WHERE id = ? AND enterprise_id = ?",
                             HH_A(HH_I(in->brand_id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "brand_id", "找不到该品牌", "No such brand");
    if (st) return st;
    hh_scope s = {.enterprise_id = r->who.enterprise_id, .object = true, .nbrands = 1, .brands = {in->brand_id}};
    if (hh_authz(&r->who, HH_ACT_MARKETING_WRITE, &s) != HH_OK)
        return hh_fail(r, HH_E_FORBIDDEN, "brand_id", "只能为您管理的品牌设置档位", "You can only set tiers of brands you manage");
    if ((st = check_tier(tx, r, 0, in))) return st;
    int64_t now = hh_now_ms();
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO receipt_tiers (enterprise_id, brand_id, campaign_id, name, min_amount_fen,"
                   " coupon_template_id, envelope_pool_id, draws, points, created_at, updated_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_I(in->brand_id), HH_ID(in->campaign_id), HH_S(in->name),
                        HH_I(in->min_amount_fen), HH_ID(in->template_id), HH_ID(in->pool_id), HH_I(in->draws),
                        HH_I(in->points), HH_I(now), HH_I(now)));
    if (st) return st;
    return tier_reply(tx, r, res.last_id, 201, "receipt_tier.create", NULL);
}

hh_status hh_h_receipt_tier_create(hh_req *r)
{
    tier_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_tier(r, in, true);
    if (st) return st;
    return hh_req_write(r, tier_create_write);
}

static hh_status tier_update_write(hh_db *tx, hh_req *r)
{
    tier_in *in = r->ud;
    json_t *before;
    hh_status st = hh_db_one(tx, &before, TIER_COLS " WHERE t.id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    /* the stored values, overridden by the request's */
    tier_in m = *in;
    m.brand_id = json_integer_value(json_object_get(before, "brand_id"));
    m.campaign_id = json_integer_value(json_object_get(before, "campaign_id"));
    if (!in->has_name) m.name = json_string_value(json_object_get(before, "name"));
    if (!in->has_min) m.min_amount_fen = json_integer_value(json_object_get(before, "min_amount_fen"));
    if (!in->has_template) m.template_id = json_integer_value(json_object_get(before, "coupon_template_id"));
    if (!in->has_pool) m.pool_id = json_integer_value(json_object_get(before, "envelope_pool_id"));
    if (!in->has_draws) m.draws = json_integer_value(json_object_get(before, "draws"));
    if (!in->has_points) m.points = json_integer_value(json_object_get(before, "points"));
    if ((st = check_tier(tx, r, r->path_id, &m)) ||
        (st = hh_db_run(tx, NULL,
                        "UPDATE receipt_tiers SET name = ?, min_amount_fen = ?, coupon_template_id = ?,"
                        " envelope_pool_id = ?, draws = ?, points = ?, updated_at = ? WHERE id = ?",
                        HH_A(HH_S(m.name), HH_I(m.min_amount_fen), HH_ID(m.template_id), HH_ID(m.pool_id),
                             HH_I(m.draws), HH_I(m.points), HH_I(hh_now_ms()), HH_I(r->path_id))))) {
        json_decref(before);
        return st;
    }
    st = tier_reply(tx, r, r->path_id, 200, "receipt_tier.update", before);
    json_decref(before);
    return st;
}

hh_status hh_h_receipt_tier_update(hh_req *r)
{
    tier_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_tier(r, in, false);
    if (st) return st;
    return hh_req_write(r, tier_update_write);
}

static hh_status tier_delete_write(hh_db *tx, hh_req *r)
{
    json_t *before;
    hh_status st = hh_db_one(tx, &before, TIER_COLS " WHERE t.id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    /* approved receipts keep what they were given (rewards_json) */
    st = hh_db_run(tx, NULL, "DELETE FROM receipt_tiers WHERE id = ?", HH_A(HH_I(r->path_id)));
    if (!st) st = hh_audit(tx, r, "receipt_tier.delete", "receipt_tier", r->path_id, before, NULL);
    json_decref(before);
    if (!st) hh_reply(r, 200, json_pack("{s:b}", "deleted", 1));
    return st;
}

hh_status hh_h_receipt_tier_delete(hh_req *r)
{
    return hh_req_write(r, tier_delete_write);
}
