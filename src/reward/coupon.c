/*
 * coupon.c — coupon templates (优惠券模板): what a coupon gives (cash off in
 * fen, a discount, a gift item, a free sample, a lottery prize to collect),
 * how long it is valid (a fixed window, or N local days from the claim), where
 * it may be redeemed (brands, and optionally only some of their stores), how
 * many exist, how many one member may hold, and whether members may claim it
 * themselves. Coupons themselves are issued by hh_coupon_grant (grant.c).
 *
 * Once a template has issued coupons, its terms (kind, value, discount,
 * gift, minimum spend, validity) are frozen: members hold coupons whose terms
 * are the template's, so changing them would change what was promised.
 * Archiving stops new issues; coupons already issued stay valid.
 */
#include "reward/reward.h"
#include "auth/auth.h"
#include "http/app.h"

#include <string.h>

#define MAX_BRANDS 64
#define MAX_STORES 2000
#define MAX_MS 4102444800000LL /* 2100-01-01 */

static const char *const kinds[] = {"cash", "discount", "gift", "sample", "prize", NULL};

/* The template as the console sees it. brand_ids / store_ids: as set (none =
 * its own brand / every store of those brands); valid_brands / valid_stores:
 * the same with names, valid_brands resolved to the own brand when none. */
#define TPL_COLS                                                                                            \
    "SELECT t.id, t.brand_id, b.name AS brand_name, t.campaign_id, c.name AS campaign_name, t.name,"        \
    " t.description, t.kind, t.value_fen, t.discount_pct, t.min_spend_fen, t.gift_name, t.validity,"        \
    " t.valid_from, t.valid_to, t.valid_days, t.quantity, t.issued, (SELECT coalesce(sum(bt.quantity -"    \
    " bt.done), 0) FROM coupon_batches bt WHERE bt.template_id = t.id AND bt.status = 'running') AS"         \
    " reserved, CASE WHEN t.quantity IS NULL THEN NULL WHEN t.issued + (SELECT coalesce(sum(bt.quantity -"  \
    " bt.done), 0) FROM coupon_batches bt WHERE bt.template_id = t.id AND bt.status = 'running') >="         \
    " t.quantity THEN 0 ELSE t.quantity - t.issued - (SELECT coalesce(sum(bt.quantity - bt.done), 0) FROM"  \
    " coupon_batches bt WHERE bt.template_id = t.id AND bt.status = 'running') END AS remaining,"           \
    " t.per_member_limit,"                                                                                   \
    " t.claimable AS claimable_bool, t.status,"                                                             \
    " (SELECT json_group_array(brand_id) FROM (SELECT brand_id FROM coupon_template_brands WHERE"           \
    " template_id = t.id ORDER BY brand_id)) AS brand_ids_json,"                                            \
    " (SELECT json_group_array(store_id) FROM (SELECT store_id FROM coupon_template_stores WHERE"           \
    " template_id = t.id ORDER BY store_id)) AS store_ids_json,"                                            \
    " CASE WHEN EXISTS (SELECT 1 FROM coupon_template_brands WHERE template_id = t.id) THEN"                \
    " (SELECT json_group_array(json_object('id', x.id, 'name', x.name)) FROM (SELECT bx.id, bx.name FROM"   \
    " coupon_template_brands tb JOIN brands bx ON bx.id = tb.brand_id WHERE tb.template_id = t.id ORDER BY" \
    " bx.id) x) ELSE json_array(json_object('id', b.id, 'name', b.name)) END AS valid_brands_json,"        \
    " (SELECT json_group_array(json_object('id', x.id, 'name', x.name, 'city', x.city)) FROM (SELECT"       \
    " sx.id, sx.name, sx.city FROM coupon_template_stores ts JOIN stores sx ON sx.id = ts.store_id WHERE"   \
    " ts.template_id = t.id ORDER BY sx.id) x) AS valid_stores_json,"                                       \
    " t.created_at, t.updated_at FROM coupon_templates t JOIN brands b ON b.id = t.brand_id"                \
    " LEFT JOIN campaigns c ON c.id = t.campaign_id"

static hh_status tpl_get(hh_db *db, int64_t id, json_t **out)
{
    return hh_db_one(db, out, TPL_COLS " WHERE t.id = ?", HH_A(HH_I(id)));
}

hh_status hh_h_coupon_templates_list(hh_req *r)
{
    int64_t limit, offset, brand_id, campaign_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "brand_id", &brand_id)) ||
        (st = hh_query_id(r, "campaign_id", &campaign_id)))
        return st;
    const char *q = hh_query(r, "q"), *status = hh_query(r, "status"), *kind = hh_query(r, "kind");
    const char *claimable = hh_query(r, "claimable");
    if (q && !*q) q = NULL;
    if (status && !*status) status = NULL;
    if (kind && !*kind) kind = NULL;
    if (claimable && !*claimable) claimable = NULL;
    if (status && strcmp(status, "active") && strcmp(status, "archived"))
        return hh_fail(r, HH_E_INVALID, "status", "status 须为 active 或 archived", "status must be active or archived");
    if (kind && !hh_str_in(kind, kinds))
        return hh_fail(r, HH_E_INVALID, "kind", "kind 须为 cash、discount、gift、sample 或 prize",
                       "kind must be cash, discount, gift, sample or prize");
    int64_t claim = -1;
    if (claimable) {
        if (!strcmp(claimable, "true") || !strcmp(claimable, "1")) claim = 1;
        else if (!strcmp(claimable, "false") || !strcmp(claimable, "0")) claim = 0;
        else return hh_fail(r, HH_E_INVALID, "claimable", "claimable 须为 true 或 false", "claimable must be true or false");
    }
    hh_db *db = hh_store_reader(r->app->store);
#define TPL_WHERE                                                                                    \
    " WHERE t.enterprise_id = ?1 AND " HH_SCOPE_BRAND_ID("t.brand_id") " AND (?5 = 0 OR t.brand_id = ?5)" \
    " AND (?6 = 0 OR t.campaign_id = ?6) AND (?7 IS NULL OR t.status = ?7) AND (?8 IS NULL OR"         \
    " t.kind = ?8) AND (?9 < 0 OR t.claimable = ?9) AND (?10 IS NULL OR instr(t.name, ?10) > 0)"     \
    /* a counter prize's own template (made and kept by the lottery) only when prizes are asked for */ \
    " AND (?8 = 'prize' OR t.id NOT IN (SELECT counter_template_id FROM lottery_prizes"                \
    " WHERE enterprise_id = ?1 AND counter_template_id IS NOT NULL))"
    json_t *items;
    st = hh_db_query(db, &items, TPL_COLS TPL_WHERE " ORDER BY t.id DESC LIMIT ?11 OFFSET ?12",
                     HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id), HH_I(campaign_id), HH_S(status), HH_S(kind),
                          HH_I(claim), HH_S(q), HH_I(limit), HH_I(offset)));
    if (st) return st;
    return hh_list_reply(r, db, items, "SELECT count(*) FROM coupon_templates t" TPL_WHERE,
                         HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id), HH_I(campaign_id), HH_S(status), HH_S(kind),
                              HH_I(claim), HH_S(q)));
#undef TPL_WHERE
}

hh_status hh_h_coupon_template_get(hh_req *r)
{
    json_t *t;
    hh_status st = tpl_get(hh_store_reader(r->app->store), r->path_id, &t);
    if (st) return st;
    hh_reply(r, 200, t);
    return HH_OK;
}

/* ---- input ---- */

/* An optional integer: given (the key is in the body), has (not null). */
typedef struct {
    int64_t v;
    bool has, given;
} opt_i;

typedef struct {
    const char *v; /* NULL: null */
    bool given;
} opt_s;

typedef struct {
    int64_t brand_id;
    opt_i campaign_id, value_fen, discount_pct, min_spend_fen, valid_from, valid_to, valid_days, quantity,
        per_member_limit;
    opt_s name, description, kind, gift_name, validity, status;
    bool claimable, claimable_given;
    int64_t *brand_ids, *store_ids;
    int nbrands, nstores;
    bool brands_given, stores_given;
    int64_t id, issued;
} tpl_in;

static hh_status read_opt_i(hh_req *r, const char *name, int64_t min, int64_t max, opt_i *o)
{
    json_t *v = json_object_get(r->json, name);
    o->given = v != NULL;
    o->has = false;
    if (!v || json_is_null(v)) return HH_OK;
    return hh_field_int(r, name, false, min, max, &o->v, &o->has);
}

static hh_status read_opt_s(hh_req *r, const char *name, size_t maxlen, opt_s *o)
{
    json_t *v = json_object_get(r->json, name);
    o->given = v != NULL;
    o->v = NULL;
    if (!v || json_is_null(v)) return HH_OK;
    return hh_field_str(r, name, false, maxlen, &o->v, NULL);
}

/* Parse the body's fields (types and ranges only; the whole is checked by
 * check_terms once merged with the stored template). */
static hh_status read_tpl(hh_req *r, tpl_in *in, bool create)
{
    static const char *const allowed_create[] = {
        "brand_id", "campaign_id", "name", "description", "kind", "value_fen", "discount_pct", "min_spend_fen",
        "gift_name", "validity", "valid_from", "valid_to", "valid_days", "quantity", "per_member_limit",
        "claimable", "brand_ids", "store_ids", NULL};
    static const char *const allowed_update[] = {
        "campaign_id", "name", "description", "kind", "value_fen", "discount_pct", "min_spend_fen",
        "gift_name", "validity", "valid_from", "valid_to", "valid_days", "quantity", "per_member_limit",
        "claimable", "brand_ids", "store_ids", "status", NULL};
    hh_status st;
    if ((st = hh_body(r))) return st;
    if (!create && json_object_get(r->json, "brand_id"))
        return hh_fail(r, HH_E_INVALID, "brand_id", "优惠券所属品牌创建后不能修改",
                       "The brand of a coupon template cannot change");
    in->brand_ids = hh_alloc(r->arena, MAX_BRANDS * sizeof(int64_t));
    in->store_ids = hh_alloc(r->arena, MAX_STORES * sizeof(int64_t));
    if ((st = hh_fields_only(r, create ? allowed_create : allowed_update)) ||
        (create && (st = hh_field_int(r, "brand_id", true, 1, INT64_MAX, &in->brand_id, NULL))) ||
        (st = read_opt_i(r, "campaign_id", 1, INT64_MAX, &in->campaign_id)) ||
        (st = read_opt_s(r, "name", 64, &in->name)) || (st = read_opt_s(r, "description", 500, &in->description)) ||
        (st = read_opt_s(r, "kind", 16, &in->kind)) || (st = read_opt_s(r, "gift_name", 64, &in->gift_name)) ||
        (st = read_opt_s(r, "validity", 16, &in->validity)) || (st = read_opt_s(r, "status", 16, &in->status)) ||
        (st = read_opt_i(r, "value_fen", 1, 100000000, &in->value_fen)) ||
        (st = read_opt_i(r, "discount_pct", 1, 99, &in->discount_pct)) ||
        (st = read_opt_i(r, "min_spend_fen", 0, 1000000000, &in->min_spend_fen)) ||
        (st = read_opt_i(r, "valid_from", 1, MAX_MS, &in->valid_from)) ||
        (st = read_opt_i(r, "valid_to", 1, MAX_MS, &in->valid_to)) ||
        (st = read_opt_i(r, "valid_days", 1, 3650, &in->valid_days)) ||
        (st = read_opt_i(r, "quantity", 1, 100000000, &in->quantity)) ||
        (st = read_opt_i(r, "per_member_limit", 1, 1000, &in->per_member_limit)) ||
        (st = hh_field_bool(r, "claimable", false, &in->claimable, &in->claimable_given)) ||
        (st = hh_field_ids(r, "brand_ids", false, MAX_BRANDS, in->brand_ids, &in->nbrands, &in->brands_given)) ||
        (st = hh_field_ids(r, "store_ids", false, MAX_STORES, in->store_ids, &in->nstores, &in->stores_given)))
        return st;
    in->brands_given |= json_is_null(json_object_get(r->json, "brand_ids"));
    in->stores_given |= json_is_null(json_object_get(r->json, "store_ids"));
    if (create) {
        if (!in->name.v) return hh_fail(r, HH_E_INVALID, "name", "请填写优惠券名称", "name is required");
        if (!in->kind.v) return hh_fail(r, HH_E_INVALID, "kind", "请选择优惠券类型", "kind is required");
        if (!in->validity.v) return hh_fail(r, HH_E_INVALID, "validity", "请选择有效期方式", "validity is required");
        if (in->status.given) return hh_fail(r, HH_E_INVALID, "status", "不认识的字段 status", "Unknown field status");
        /* defaults: prizes are handed out, not claimed; one per member unless told */
        if (!in->claimable_given) in->claimable = strcmp(in->kind.v, "prize") != 0;
        if (!in->per_member_limit.given) in->per_member_limit = (opt_i){1, true, true};
    } else {
        if (!json_object_size(r->json)) return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
        if (in->name.given && !in->name.v) return hh_fail(r, HH_E_INVALID, "name", "名称不能为空", "name must not be empty");
        if (in->kind.given && !in->kind.v) return hh_fail(r, HH_E_INVALID, "kind", "请选择优惠券类型", "kind is required");
        if (in->validity.given && !in->validity.v)
            return hh_fail(r, HH_E_INVALID, "validity", "请选择有效期方式", "validity is required");
        if (in->status.given && (!in->status.v || (strcmp(in->status.v, "active") && strcmp(in->status.v, "archived"))))
            return hh_fail(r, HH_E_INVALID, "status", "status 须为 active 或 archived", "status must be active or archived");
    }
    if (in->name.v && !*in->name.v) return hh_fail(r, HH_E_INVALID, "name", "名称不能为空", "name must not be empty");
    if (in->kind.v && !hh_str_in(in->kind.v, kinds))
        return hh_fail(r, HH_E_INVALID, "kind", "类型须为 cash（现金券）、discount（折扣券）、gift（礼品券）、sample（试用装）或 prize（奖品）",
                       "kind must be cash, discount, gift, sample or prize");
    if (in->validity.v && strcmp(in->validity.v, "fixed") && strcmp(in->validity.v, "relative"))
        return hh_fail(r, HH_E_INVALID, "validity", "有效期方式须为 fixed（固定时段）或 relative（领取后 N 天）",
                       "validity must be fixed or relative");
    return HH_OK;
}

/* The whole template, once merged: do the kind, value and validity agree? */
static hh_status check_terms(hh_req *r, const tpl_in *t, bool create)
{
    const char *k = t->kind.v;
    if (!strcmp(k, "cash")) {
        if (!t->value_fen.has)
            return hh_fail(r, HH_E_INVALID, "value_fen", "现金券须填写面额（分，大于 0）",
                           "A cash coupon needs value_fen (in fen, more than 0)");
        if (t->min_spend_fen.has && t->min_spend_fen.v > 0 && t->min_spend_fen.v < t->value_fen.v)
            return hh_fail(r, HH_E_INVALID, "min_spend_fen", "使用门槛不能低于面额（满 X 减 Y 须 X ≥ Y）",
                           "The minimum spend must be at least the coupon's value");
    } else if (t->value_fen.has && !strcmp(k, "discount")) {
        return hh_fail(r, HH_E_INVALID, "value_fen", "折扣券没有面额，请填写折扣 discount_pct",
                       "A discount coupon has no value_fen; give discount_pct");
    }
    if (!strcmp(k, "discount")) {
        if (!t->discount_pct.has)
            return hh_fail(r, HH_E_INVALID, "discount_pct", "折扣券须填写折扣：实付百分比 1–99（如 85 即 85 折）",
                           "A discount coupon needs discount_pct: the percent paid, 1–99 (85 = 15% off)");
    } else if (t->discount_pct.has) {
        return hh_fail(r, HH_E_INVALID, "discount_pct", "只有折扣券有折扣", "Only a discount coupon has discount_pct");
    }
    bool gift = !strcmp(k, "gift") || !strcmp(k, "sample") || !strcmp(k, "prize");
    if (gift && (!t->gift_name.v || !*t->gift_name.v))
        return hh_fail(r, HH_E_INVALID, "gift_name", "礼品券、试用装和奖品须填写礼品名称",
                       "A gift, sample or prize coupon needs gift_name");
    if (!gift && t->gift_name.v && *t->gift_name.v)
        return hh_fail(r, HH_E_INVALID, "gift_name", "只有礼品券、试用装和奖品有礼品名称",
                       "Only gift, sample and prize coupons have gift_name");
    if (!strcmp(t->validity.v, "fixed")) {
        if (!t->valid_from.has)
            return hh_fail(r, HH_E_INVALID, "valid_from", "固定有效期须填写开始时间", "A fixed validity needs valid_from");
        if (!t->valid_to.has)
            return hh_fail(r, HH_E_INVALID, "valid_to", "固定有效期须填写结束时间", "A fixed validity needs valid_to");
        if (t->valid_to.v <= t->valid_from.v)
            return hh_fail(r, HH_E_INVALID, "valid_to", "结束时间须晚于开始时间", "valid_to must be after valid_from");
        if (create && t->valid_to.v <= hh_now_ms())
            return hh_fail(r, HH_E_INVALID, "valid_to", "结束时间已过，请选择将来的时间", "valid_to is in the past");
        if (t->valid_days.has)
            return hh_fail(r, HH_E_INVALID, "valid_days", "固定有效期不需要天数", "A fixed validity has no valid_days");
    } else {
        if (!t->valid_days.has)
            return hh_fail(r, HH_E_INVALID, "valid_days", "领取后有效须填写天数（1–3650）",
                           "A relative validity needs valid_days (1–3650)");
        if (t->valid_from.has || t->valid_to.has)
            return hh_fail(r, HH_E_INVALID, t->valid_from.has ? "valid_from" : "valid_to",
                           "领取后 N 天有效的券不需要开始和结束时间", "A relative validity has no valid_from or valid_to");
    }
    if (t->quantity.has && t->quantity.v < t->issued)
        return hh_fail(r, HH_E_INVALID, "quantity",
                       hh_sprintf(r->arena, "数量不能少于已发出的 %lld 张", (long long)t->issued),
                       hh_sprintf(r->arena, "quantity cannot be less than the %lld already issued", (long long)t->issued));
    return HH_OK;
}

/* Brand managers only for brands they manage: the template's and every brand where it is valid. */
static hh_status check_scope(hh_req *r, const tpl_in *t)
{
    hh_scope s = {.enterprise_id = r->who.enterprise_id, .object = true, .nbrands = 1, .brands = {t->brand_id}};
    if (hh_authz(&r->who, HH_ACT_MARKETING_WRITE, &s) != HH_OK)
        return hh_fail(r, HH_E_FORBIDDEN, "brand_id", "只能为您管理的品牌创建优惠券",
                       "You can only create coupons for brands you manage");
    for (int i = 0; t->brands_given && i < t->nbrands; i++) {
        s.brands[0] = t->brand_ids[i];
        if (hh_authz(&r->who, HH_ACT_MARKETING_WRITE, &s) != HH_OK)
            return hh_fail(r, HH_E_FORBIDDEN, "brand_ids", "适用品牌中有您不管理的品牌",
                           "brand_ids names a brand you do not manage");
    }
    return HH_OK;
}

static char *ids_json(const int64_t *ids, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(a, json_integer(ids[i]));
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

/* The brands where the template is valid are live brands of this
 * enterprise; its stores sell one of them (none listed: its own brand). */
static hh_status check_places(hh_db *tx, hh_req *r, const tpl_in *t)
{
    int64_t bad = 0;
    char *brands = ids_json(t->brand_ids, t->nbrands);
    char *stores = ids_json(t->store_ids, t->nstores);
    hh_status st = hh_db_int(tx, &bad,
                             "SELECT coalesce((SELECT value FROM json_each(?1) WHERE value NOT IN (SELECT id FROM brands"
                             " WHERE enterprise_id = ?2 AND archived_at IS NULL) LIMIT 1), 0)",
                             HH_A(HH_S(brands), HH_I(r->who.enterprise_id)));
    if (!st && bad) {
        st = hh_fail(r, HH_E_INVALID, "brand_ids", hh_sprintf(r->arena, "品牌 %lld 不存在或已归档", (long long)bad),
                     hh_sprintf(r->arena, "Brand %lld does not exist or is archived", (long long)bad));
    } else if (!st) {
        st = hh_db_int(tx, &bad,
                       "SELECT coalesce((SELECT value FROM json_each(?1) WHERE value NOT IN (SELECT s.id FROM stores s"
                       " JOIN store_brands sb ON sb.store_id = s.id WHERE s.enterprise_id = ?2 AND s.archived_at IS NULL"
                       " AND sb.brand_id IN (SELECT value FROM json_each(?3) UNION SELECT ?4 WHERE json_array_length(?3) = 0))"
                       " LIMIT 1), 0)",
                       HH_A(HH_S(stores), HH_I(r->who.enterprise_id), HH_S(brands), HH_I(t->brand_id)));
        if (!st && bad)
            st = hh_fail(r, HH_E_INVALID, "store_ids",
                         hh_sprintf(r->arena, "门店 %lld 不存在、已归档或不经营该券适用的品牌", (long long)bad),
                         hh_sprintf(r->arena, "Store %lld does not exist, is archived or does not sell the coupon's brands",
                                    (long long)bad));
    }
    free(brands);
    free(stores);
    return st;
}

/* Inside the write: the brand live and of this enterprise, the places where
 * the template is valid (when set), the campaign of the same brand. */
static hh_status check_refs(hh_db *tx, hh_req *r, const tpl_in *t)
{
    int64_t n = 0;
    hh_status st = hh_db_int(tx, &n, "SELECT count(*) FROM brands WHERE id = ? AND enterprise_id = ? AND archived_at IS NULL",
                             HH_A(HH_I(t->brand_id), HH_I(r->who.enterprise_id)));
    if (st) return st;
    if (!n) return hh_fail(r, HH_E_INVALID, "brand_id", "品牌不存在或已归档", "No such live brand");
    if ((t->brands_given || t->stores_given) && (st = check_places(tx, r, t))) return st;
    if (t->campaign_id.has) {
        json_t *c = NULL;
        st = hh_db_one(tx, &c, "SELECT brand_id FROM campaigns WHERE id = ? AND enterprise_id = ?",
                       HH_A(HH_I(t->campaign_id.v), HH_I(r->who.enterprise_id)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, HH_E_INVALID, "campaign_id", "活动不存在", "No such campaign");
        if (st) return st;
        bool same = json_integer_value(json_object_get(c, "brand_id")) == t->brand_id;
        json_decref(c);
        if (!same)
            return hh_fail(r, HH_E_INVALID, "campaign_id", "活动属于另一个品牌", "The campaign belongs to another brand");
    }
    return HH_OK;
}

static hh_status save_places(hh_db *tx, const tpl_in *t, int64_t id, bool replace)
{
    hh_status st = HH_OK;
    if (replace && t->brands_given)
        st = hh_db_run(tx, NULL, "DELETE FROM coupon_template_brands WHERE template_id = ?", HH_A(HH_I(id)));
    for (int i = 0; !st && t->brands_given && i < t->nbrands; i++)
        st = hh_db_run(tx, NULL, "INSERT INTO coupon_template_brands (template_id, brand_id) VALUES (?, ?)",
                       HH_A(HH_I(id), HH_I(t->brand_ids[i])));
    if (!st && replace && t->stores_given)
        st = hh_db_run(tx, NULL, "DELETE FROM coupon_template_stores WHERE template_id = ?", HH_A(HH_I(id)));
    for (int i = 0; !st && t->stores_given && i < t->nstores; i++)
        st = hh_db_run(tx, NULL, "INSERT INTO coupon_template_stores (template_id, store_id) VALUES (?, ?)",
                       HH_A(HH_I(id), HH_I(t->store_ids[i])));
    return st;
}

#define OPT(o) ((o).has ? HH_I((o).v) : HH_NULL)

static hh_status reply_audited(hh_db *tx, hh_req *r, int64_t id, int status, const char *action, json_t *before)
{
    json_t *after;
    hh_status st = tpl_get(tx, id, &after);
    if (st) return st;
    if ((st = hh_audit(tx, r, action, "coupon_template", id, before, after))) {
        json_decref(after);
        return st;
    }
    hh_reply(r, status, after);
    return HH_OK;
}

static hh_status tpl_create_write(hh_db *tx, hh_req *r)
{
    tpl_in *in = r->ud;
    hh_status st = check_refs(tx, r, in);
    if (st) return st;
    int64_t now = hh_now_ms();
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO coupon_templates (enterprise_id, brand_id, campaign_id, name, description, kind,"
                   " value_fen, discount_pct, min_spend_fen, gift_name, validity, valid_from, valid_to, valid_days,"
                   " quantity, per_member_limit, claimable, created_by, created_at, updated_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_I(in->brand_id), OPT(in->campaign_id), HH_S(in->name.v),
                        HH_S(in->description.v ? in->description.v : ""), HH_S(in->kind.v), OPT(in->value_fen),
                        OPT(in->discount_pct), HH_I(in->min_spend_fen.has ? in->min_spend_fen.v : 0),
                        HH_S(in->gift_name.v), HH_S(in->validity.v), OPT(in->valid_from), OPT(in->valid_to),
                        OPT(in->valid_days), OPT(in->quantity), OPT(in->per_member_limit), HH_I(in->claimable),
                        HH_I(r->who.id), HH_I(now), HH_I(now)));
    if (st || (st = save_places(tx, in, res.last_id, false))) return st;
    return reply_audited(tx, r, res.last_id, 201, "coupon_template.create", NULL);
}

hh_status hh_h_coupon_template_create(hh_req *r)
{
    tpl_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = read_tpl(r, in, true)) || (st = check_terms(r, in, true)) || (st = check_scope(r, in))) return st;
    return hh_req_write(r, tpl_create_write);
}

/* The stored template as input, for merging a PATCH into it. */
static void from_row(hh_req *r, json_t *row, tpl_in *t)
{
#define ROW_I(f)                                                                 \
    do {                                                                         \
        json_t *v_ = json_object_get(row, #f);                                   \
        t->f = (opt_i){json_integer_value(v_), json_is_integer(v_), true};       \
    } while (0)
#define ROW_S(f) (t->f = (opt_s){hh_strdup(r->arena, json_string_value(json_object_get(row, #f))), true})
    t->brand_id = json_integer_value(json_object_get(row, "brand_id"));
    t->issued = json_integer_value(json_object_get(row, "issued"));
    ROW_I(campaign_id);
    ROW_I(value_fen);
    ROW_I(discount_pct);
    ROW_I(min_spend_fen);
    ROW_I(valid_from);
    ROW_I(valid_to);
    ROW_I(valid_days);
    ROW_I(quantity);
    ROW_I(per_member_limit);
    ROW_S(name);
    ROW_S(description);
    ROW_S(kind);
    ROW_S(gift_name);
    ROW_S(validity);
    ROW_S(status);
    t->claimable = json_is_true(json_object_get(row, "claimable"));
    t->brand_ids = hh_alloc(r->arena, MAX_BRANDS * sizeof(int64_t));
    t->store_ids = hh_alloc(r->arena, MAX_STORES * sizeof(int64_t));
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(row, "brand_ids"), i, e) if (t->nbrands < MAX_BRANDS) t->brand_ids[t->nbrands++] =
        json_integer_value(e);
    json_array_foreach(json_object_get(row, "store_ids"), i, e) if (t->nstores < MAX_STORES) t->store_ids[t->nstores++] =
        json_integer_value(e);
#undef ROW_I
#undef ROW_S
}

static bool opt_i_differs(opt_i a, opt_i b)
{
    return a.has != b.has || (a.has && a.v != b.v);
}

static bool opt_s_differs(opt_s a, opt_s b)
{
    return strcmp(a.v ? a.v : "", b.v ? b.v : "") != 0;
}

static hh_status tpl_update_write(hh_db *tx, hh_req *r)
{
    tpl_in *in = r->ud;
    json_t *before;
    hh_status st = tpl_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    tpl_in *t = hh_alloc(r->arena, sizeof *t);
    from_row(r, before, t);
    /* the terms of issued coupons are frozen */
    struct {
        bool changed;
        const char *field;
    } terms[] = {
        {in->kind.given && opt_s_differs(in->kind, t->kind), "kind"},
        {in->value_fen.given && opt_i_differs(in->value_fen, t->value_fen), "value_fen"},
        {in->discount_pct.given && opt_i_differs(in->discount_pct, t->discount_pct), "discount_pct"},
        {in->min_spend_fen.given && opt_i_differs(in->min_spend_fen, t->min_spend_fen), "min_spend_fen"},
        {in->gift_name.given && opt_s_differs(in->gift_name, t->gift_name), "gift_name"},
        {in->validity.given && opt_s_differs(in->validity, t->validity), "validity"},
        {in->valid_from.given && opt_i_differs(in->valid_from, t->valid_from), "valid_from"},
        {in->valid_to.given && opt_i_differs(in->valid_to, t->valid_to), "valid_to"},
        {in->valid_days.given && opt_i_differs(in->valid_days, t->valid_days), "valid_days"},
    };
    for (size_t i = 0; t->issued && i < HH_ARRAY_LEN(terms); i++)
        if (terms[i].changed)
            return hh_fail(r, HH_E_CONFLICT, terms[i].field,
                           "已有发出的券，券的条款（类型、面额、折扣、礼品、门槛、有效期）不能再修改；可归档后新建",
                           "Coupons of this template were issued: its terms can no longer change (archive it and "
                           "create a new one)");
#define MERGE(f)                          \
    do {                                  \
        if (in->f.given) t->f = in->f;    \
    } while (0)
    MERGE(campaign_id);
    MERGE(value_fen);
    MERGE(discount_pct);
    MERGE(min_spend_fen);
    MERGE(valid_from);
    MERGE(valid_to);
    MERGE(valid_days);
    MERGE(quantity);
    MERGE(per_member_limit);
    MERGE(name);
    MERGE(description);
    MERGE(kind);
    MERGE(gift_name);
    MERGE(validity);
    MERGE(status);
#undef MERGE
    if (in->claimable_given) t->claimable = in->claimable;
    if (in->brands_given) {
        t->brand_ids = in->brand_ids;
        t->nbrands = in->nbrands;
    }
    if (in->stores_given) {
        t->store_ids = in->store_ids;
        t->nstores = in->nstores;
    }
    t->brands_given = in->brands_given;
    t->stores_given = in->stores_given;
    /* switching the validity kind drops the other kind's fields unless given */
    if (in->validity.given && !strcmp(t->validity.v, "relative")) {
        if (!in->valid_from.given) t->valid_from.has = false;
        if (!in->valid_to.given) t->valid_to.has = false;
    } else if (in->validity.given && !in->valid_days.given) {
        t->valid_days.has = false;
    }
    if (in->kind.given) {
        if (!in->value_fen.given && !strcmp(t->kind.v, "discount")) t->value_fen.has = false;
        if (!in->discount_pct.given && strcmp(t->kind.v, "discount")) t->discount_pct.has = false;
        if (!in->gift_name.given && (!strcmp(t->kind.v, "cash") || !strcmp(t->kind.v, "discount"))) t->gift_name.v = NULL;
    }
    /* a window that only ends later is fine; a new one must not be over already */
    bool window_changed = (in->valid_to.given && opt_i_differs(in->valid_to, (opt_i){json_integer_value(json_object_get(before, "valid_to")),
                                                                                     json_is_integer(json_object_get(before, "valid_to")), true}));
    if ((st = check_terms(r, t, window_changed)) || (st = check_scope(r, t)) || (st = check_refs(tx, r, t))) return st;
    if ((st = hh_db_run(tx, NULL,
                        "UPDATE coupon_templates SET campaign_id = ?, name = ?, description = ?, kind = ?, value_fen = ?,"
                        " discount_pct = ?, min_spend_fen = ?, gift_name = ?, validity = ?, valid_from = ?, valid_to = ?,"
                        " valid_days = ?, quantity = ?, per_member_limit = ?, claimable = ?, status = ?, updated_at = ?"
                        " WHERE id = ?",
                        HH_A(OPT(t->campaign_id), HH_S(t->name.v), HH_S(t->description.v ? t->description.v : ""),
                             HH_S(t->kind.v), OPT(t->value_fen), OPT(t->discount_pct),
                             HH_I(t->min_spend_fen.has ? t->min_spend_fen.v : 0), HH_S(t->gift_name.v),
                             HH_S(t->validity.v), OPT(t->valid_from), OPT(t->valid_to), OPT(t->valid_days),
                             OPT(t->quantity), OPT(t->per_member_limit), HH_I(t->claimable), HH_S(t->status.v),
                             HH_I(hh_now_ms()), HH_I(r->path_id)))) ||
        (st = save_places(tx, t, r->path_id, true)))
        return st;
    const char *action = in->status.given && strcmp(in->status.v, json_string_value(json_object_get(before, "status")))
                             ? (!strcmp(in->status.v, "archived") ? "coupon_template.archive" : "coupon_template.restore")
                             : "coupon_template.update";
    return reply_audited(tx, r, r->path_id, 200, action, before);
}

hh_status hh_h_coupon_template_update(hh_req *r)
{
    tpl_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_tpl(r, in, false);
    if (st) return st;
    return hh_req_write(r, tpl_update_write);
}

static hh_status tpl_archive_write(hh_db *tx, hh_req *r)
{
    json_t *before;
    hh_status st = tpl_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    if (!strcmp(json_string_value(json_object_get(before, "status")), "archived"))
        return hh_fail(r, HH_E_CONFLICT, NULL, "该优惠券已归档", "This coupon template is already archived");
    if ((st = hh_db_run(tx, NULL, "UPDATE coupon_templates SET status = 'archived', updated_at = ? WHERE id = ?",
                        HH_A(HH_I(hh_now_ms()), HH_I(r->path_id)))))
        return st;
    return reply_audited(tx, r, r->path_id, 200, "coupon_template.archive", before);
}

hh_status hh_h_coupon_template_archive(hh_req *r)
{
    return hh_req_write(r, tpl_archive_write);
}
