/*
 * mall.c — the gift mall (积分商城): gifts priced in points (optionally plus
 * cash in fen) with stock and per-member limits; orders picked up at a chosen
 * store (staff hand the gift over in the staff app) or sent by mail (the
 * shipping fee is recorded as owed by the member).
 *
 * Order states: placed → ready (pickup prepared) / shipped (mail) →
 * completed; placed, ready → cancelled. Placing an order takes the points
 * through the ledger (hh_points_spend: oldest-expiring lots first) and the
 * units from stock in one write; cancelling gives both back (hh_points_refund
 * returns the points to the lots they came from, with their expiry). Both run
 * on the single writer, so stock left + units ordered (not cancelled) = stock
 * and a balance never goes negative, whatever the concurrency.
 */
#include "points/mall.h"
#include "points/points.h"
#include "auth/auth.h"
#include "core/phone.h"
#include "http/app.h"
#include "reward/reward.h"

#include <string.h>

#define MAX_QTY 99

/* ---- gifts (admin) ---- */

#define GIFT_COLS                                                                                  \
    "SELECT g.id, g.brand_id, b.name AS brand_name, g.name, g.description, g.image, g.points,"      \
    " g.cash_fen, g.stock, g.remaining, g.per_member_limit, g.pickup AS pickup_bool,"               \
    " g.mail AS mail_bool, g.shipping_fee_fen, g.position, g.status, g.created_at, g.updated_at,"   \
    " (SELECT coalesce(sum(quantity), 0) FROM gift_orders o WHERE o.gift_id = g.id AND"             \
    " o.status <> 'cancelled') AS ordered FROM gifts g LEFT JOIN brands b ON b.id = g.brand_id"

static hh_status gift_get(hh_db *db, int64_t id, json_t **out)
{
    return hh_db_one(db, out, GIFT_COLS " WHERE g.id = ?", HH_A(HH_I(id)));
}

hh_status hh_h_gifts_list(hh_req *r)
{
    int64_t limit, offset, brand_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "brand_id", &brand_id))) return st;
    const char *status = hh_query(r, "status"), *q = hh_query(r, "q");
    if (status && !*status) status = NULL;
    if (q && !*q) q = NULL;
    if (status && strcmp(status, "active") && strcmp(status, "archived"))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 active 或 archived", "status must be active or archived");
    hh_db *db = hh_store_reader(r->app->store);
#define GIFT_WHERE                                                                                   \
    " WHERE g.enterprise_id = ?1 AND (g.brand_id IS NULL OR " HH_SCOPE_BRAND_ID("g.brand_id") ")"     \
    " AND (?5 = 0 OR g.brand_id = ?5) AND (?6 IS NULL OR g.status = ?6) AND (?7 IS NULL OR"           \
    " instr(g.name, ?7) > 0)"
    json_t *items;
    st = hh_db_query(db, &items, GIFT_COLS GIFT_WHERE " ORDER BY g.status, g.position, g.id DESC LIMIT ?8 OFFSET ?9",
                     HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id), HH_S(status), HH_S(q), HH_I(limit), HH_I(offset)));
    if (st) return st;
    return hh_list_reply(r, db, items, "SELECT count(*) FROM gifts g" GIFT_WHERE,
                         HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id), HH_S(status), HH_S(q)));
#undef GIFT_WHERE
}

hh_status hh_h_gift_get(hh_req *r)
{
    json_t *g;
    hh_status st = gift_get(hh_store_reader(r->app->store), r->path_id, &g);
    if (st) return st;
    hh_reply(r, 200, g);
    return HH_OK;
}

typedef struct {
    int64_t brand_id, points, cash_fen, stock, per_member_limit, shipping_fee_fen, position;
    bool has_brand, brand_null, has_points, has_cash, has_stock, has_limit, limit_null, has_fee, has_position;
    const char *name, *description, *image, *status;
    bool has_name, has_description, has_image, has_status;
    bool pickup, mail, has_pickup, has_mail;
} gift_in;

static const char *const gift_fields[] = {"brand_id", "name", "description", "image", "points", "cash_fen",
                                          "stock", "per_member_limit", "pickup", "mail", "shipping_fee_fen",
                                          "position", "status", NULL};

static hh_status read_gift(hh_req *r, gift_in *in, bool create)
{
    hh_status st;
    json_t *v = json_object_get(r->json, "brand_id");
    in->brand_null = v && json_is_null(v);
    v = json_object_get(r->json, "per_member_limit");
    in->limit_null = v && json_is_null(v);
    if ((st = hh_fields_only(r, gift_fields)) ||
        (st = hh_field_int(r, "brand_id", false, 1, INT64_MAX, &in->brand_id, &in->has_brand)) ||
        (st = hh_field_str(r, "name", create, 60, &in->name, &in->has_name)) ||
        (st = hh_field_str(r, "description", false, 2000, &in->description, &in->has_description)) ||
        (st = hh_field_str(r, "image", false, 500, &in->image, &in->has_image)) ||
        (st = hh_field_int(r, "points", create, 1, 100000000, &in->points, &in->has_points)) ||
        (st = hh_field_int(r, "cash_fen", false, 0, 100000000, &in->cash_fen, &in->has_cash)) ||
        (st = hh_field_int(r, "stock", create, 0, 100000000, &in->stock, &in->has_stock)) ||
        (st = hh_field_int(r, "per_member_limit", false, 1, 10000, &in->per_member_limit, &in->has_limit)) ||
        (st = hh_field_bool(r, "pickup", false, &in->pickup, &in->has_pickup)) ||
        (st = hh_field_bool(r, "mail", false, &in->mail, &in->has_mail)) ||
        (st = hh_field_int(r, "shipping_fee_fen", false, 0, 100000, &in->shipping_fee_fen, &in->has_fee)) ||
        (st = hh_field_int(r, "position", false, 0, 100000, &in->position, &in->has_position)) ||
        (st = hh_field_str(r, "status", false, 10, &in->status, &in->has_status)))
        return st;
    if (in->has_name && !*in->name)
        return hh_fail(r, HH_E_INVALID, "name", "礼品名称不能为空", "The gift needs a name");
    if (in->has_status && strcmp(in->status, "active") && strcmp(in->status, "archived"))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 active 或 archived", "status must be active or archived");
    if (create && in->has_pickup && in->has_mail && !in->pickup && !in->mail)
        return hh_fail(r, HH_E_INVALID, "pickup", "请至少选择一种领取方式（到店自提或邮寄）",
                       "Choose at least one way to receive it (pickup or mail)");
    return HH_OK;
}

/* Brand managers write their brands' gifts; an enterprise-wide gift (no brand) is the owner's. */
static hh_status gift_brand_writable(hh_req *r, int64_t brand_id)
{
    hh_scope s = {.enterprise_id = r->who.enterprise_id, .object = true};
    if (brand_id) s.brands[s.nbrands++] = brand_id;
    hh_status st = brand_id ? hh_authz(&r->who, HH_ACT_MARKETING_WRITE, &s) : hh_authz(&r->who, HH_ACT_ADMIN, &s);
    if (st != HH_OK)
        return hh_fail(r, HH_E_FORBIDDEN, "brand_id",
                       brand_id ? "只能为您管理的品牌上架礼品" : "只有企业管理员可以上架全企业通用的礼品",
                       brand_id ? "You can only list gifts of brands you manage"
                                : "Only the enterprise owner lists gifts for every brand");
    return HH_OK;
}

static hh_status gift_reply(hh_db *tx, hh_req *r, int64_t id, int status, const char *action, json_t *before)
{
    json_t *g;
    hh_status st = gift_get(tx, id, &g);
    if (st) return st;
    if ((st = hh_audit(tx, r, action, "gift", id, before, g))) {
        json_decref(g);
        return st;
    }
    hh_reply(r, status, g);
    return HH_OK;
}

static hh_status brand_live(hh_db *tx, hh_req *r, int64_t brand_id)
{
    int64_t n = 0;
    hh_status st = hh_db_int(tx, &n, "SELECT count(*) FROM brands WHERE id = ? AND enterprise_id = ? AND archived_at IS NULL",
                             HH_A(HH_I(brand_id), HH_I(r->who.enterprise_id)));
    if (!st && !n) return hh_fail(r, HH_E_INVALID, "brand_id", "品牌不存在或已归档", "The brand does not exist or is archived");
    return st;
}

static hh_status gift_create_write(hh_db *tx, hh_req *r)
{
    gift_in *in = r->ud;
    hh_status st;
    if (in->has_brand && (st = brand_live(tx, r, in->brand_id))) return st;
    int64_t now = hh_now_ms();
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO gifts (enterprise_id, brand_id, name, description, image, points, cash_fen, stock,"
                   " remaining, per_member_limit, pickup, mail, shipping_fee_fen, position, status, created_by,"
                   " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_ID(in->has_brand ? in->brand_id : 0), HH_S(in->name),
                        HH_S(in->has_description ? in->description : ""), HH_S(in->has_image ? in->image : NULL),
                        HH_I(in->points), HH_I(in->has_cash ? in->cash_fen : 0), HH_I(in->stock), HH_I(in->stock),
                        in->has_limit ? HH_I(in->per_member_limit) : HH_NULL, HH_I(in->has_pickup ? in->pickup : 1),
                        HH_I(in->has_mail ? in->mail : 1), HH_I(in->has_fee ? in->shipping_fee_fen : 0),
                        HH_I(in->has_position ? in->position : 0), HH_S(in->has_status ? in->status : "active"),
                        HH_I(r->who.id), HH_I(now), HH_I(now)));
    if (st) return st;
    return gift_reply(tx, r, res.last_id, 201, "gift.create", NULL);
}

hh_status hh_h_gift_create(hh_req *r)
{
    gift_in *in = hh_alloc(r->arena, sizeof *in);
    memset(in, 0, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = read_gift(r, in, true))) return st;
    if ((st = gift_brand_writable(r, in->has_brand ? in->brand_id : 0))) return st;
    return hh_req_write(r, gift_create_write);
}

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static hh_status gift_update_write(hh_db *tx, hh_req *r)
{
    gift_in *in = r->ud;
    json_t *before;
    hh_status st = gift_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    if (in->has_brand && (st = brand_live(tx, r, in->brand_id))) return st;
    /* stock is what was ever available: it may not drop below the units already ordered */
    int64_t ordered = iget(before, "stock") - iget(before, "remaining");
    if (in->has_stock && in->stock < ordered)
        return hh_fail(r, HH_E_INVALID, "stock", "库存不能少于已兑换的数量", "Stock cannot be less than the units already ordered");
    bool pickup = in->has_pickup ? in->pickup : json_is_true(json_object_get(before, "pickup"));
    bool mail = in->has_mail ? in->mail : json_is_true(json_object_get(before, "mail"));
    if (!pickup && !mail)
        return hh_fail(r, HH_E_INVALID, "pickup", "请至少保留一种领取方式（到店自提或邮寄）",
                       "Keep at least one way to receive it (pickup or mail)");
    int64_t stock = in->has_stock ? in->stock : iget(before, "stock");
    st = hh_db_run(tx, NULL,
                   "UPDATE gifts SET brand_id = CASE WHEN ?1 THEN ?2 ELSE brand_id END, name = coalesce(?3, name),"
                   " description = coalesce(?4, description), image = CASE WHEN ?5 THEN ?6 ELSE image END,"
                   " points = coalesce(?7, points), cash_fen = coalesce(?8, cash_fen), stock = ?9,"
                   " remaining = ?9 - ?10, per_member_limit = CASE WHEN ?11 THEN ?12 ELSE per_member_limit END,"
                   " pickup = ?13, mail = ?14, shipping_fee_fen = coalesce(?15, shipping_fee_fen),"
                   " position = coalesce(?16, position), status = coalesce(?17, status), updated_at = ?18"
                   " WHERE id = ?19",
                   HH_A(HH_I(in->has_brand || in->brand_null), HH_ID(in->has_brand ? in->brand_id : 0),
                        HH_S(in->has_name ? in->name : NULL), HH_S(in->has_description ? in->description : NULL),
                        HH_I(in->has_image || json_is_null(json_object_get(r->json, "image"))),
                        HH_S(in->has_image ? in->image : NULL), in->has_points ? HH_I(in->points) : HH_NULL,
                        in->has_cash ? HH_I(in->cash_fen) : HH_NULL, HH_I(stock), HH_I(ordered),
                        HH_I(in->has_limit || in->limit_null), in->has_limit ? HH_I(in->per_member_limit) : HH_NULL,
                        HH_I(pickup), HH_I(mail), in->has_fee ? HH_I(in->shipping_fee_fen) : HH_NULL,
                        in->has_position ? HH_I(in->position) : HH_NULL, HH_S(in->has_status ? in->status : NULL),
                        HH_I(hh_now_ms()), HH_I(r->path_id)));
    if (st) return st;
    return gift_reply(tx, r, r->path_id, 200, "gift.update", before);
}

hh_status hh_h_gift_update(hh_req *r)
{
    gift_in *in = hh_alloc(r->arena, sizeof *in);
    memset(in, 0, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = read_gift(r, in, false))) return st;
    if (json_object_size(r->json) == 0) return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    if ((in->has_brand || in->brand_null) && (st = gift_brand_writable(r, in->has_brand ? in->brand_id : 0))) return st;
    return hh_req_write(r, gift_update_write);
}

/* ---- orders ---- */

#define ORDER_COLS                                                                                  \
    "SELECT o.id, o.gift_id, g.name AS gift_name, g.image AS gift_image, g.brand_id, o.member_id,"   \
    " m.phone, m.name AS member_name, o.quantity, o.points, o.cash_fen, o.fulfilment, o.store_id,"   \
    " s.name AS store_name, o.address_json, o.shipping_fee_fen, o.status, o.spend_txn_id,"           \
    " o.refund_txn_id, o.carrier, o.tracking_no, o.handed_over_by, o.created_at, o.ready_at,"        \
    " o.shipped_at, o.completed_at, o.cancelled_at, o.cancelled_by, o.cancel_reason"                 \
    " FROM gift_orders o JOIN gifts g ON g.id = o.gift_id JOIN members m ON m.id = o.member_id"      \
    " LEFT JOIN stores s ON s.id = o.store_id"

/* Staff and managers see masked phones; the member sees its own order without them. */
static void mask(json_t *o)
{
    const char *p = json_string_value(json_object_get(o, "phone"));
    char masked[40] = "";
    if (p) hh_phone_mask(p, masked, sizeof masked);
    json_object_set_new(o, "phone_masked", json_string(masked));
    json_object_del(o, "phone");
}

static hh_status order_get(hh_db *db, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, ORDER_COLS " WHERE o.id = ?", HH_A(HH_I(id)));
    if (st == HH_OK) mask(*out);
    return st;
}

hh_status hh_h_gift_orders_list(hh_req *r)
{
    int64_t limit, offset, store_id, gift_id, member_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "store_id", &store_id)) ||
        (st = hh_query_id(r, "gift_id", &gift_id)) || (st = hh_query_id(r, "member_id", &member_id)))
        return st;
    const char *status = hh_query(r, "status"), *fulfilment = hh_query(r, "fulfilment");
    static const char *const statuses[] = {"placed", "ready", "shipped", "completed", "cancelled", NULL};
    if (status && !*status) status = NULL;
    if (fulfilment && !*fulfilment) fulfilment = NULL;
    if (status) {
        int i = 0;
        while (statuses[i] && strcmp(statuses[i], status)) i++;
        if (!statuses[i])
            return hh_fail(r, HH_E_INVALID, "status", "状态无效", "Unknown status");
    }
    if (fulfilment && strcmp(fulfilment, "pickup") && strcmp(fulfilment, "mail"))
        return hh_fail(r, HH_E_INVALID, "fulfilment", "领取方式须为 pickup 或 mail", "fulfilment must be pickup or mail");
    hh_db *db = hh_store_reader(r->app->store);
    /* scope: the gift's brand (any for enterprise-wide gifts); staff: pickups at their store */
#define ORDER_WHERE                                                                                          \
    " WHERE o.enterprise_id = ?1 AND (?2 = 'owner' OR (?2 = 'brand_manager' AND (g.brand_id IS NULL OR"      \
    " g.brand_id IN (SELECT brand_id FROM account_brands WHERE account_id = ?3))) OR (?2 = 'staff' AND"      \
    " o.store_id = ?4)) AND (?5 = 0 OR o.store_id = ?5) AND (?6 = 0 OR o.gift_id = ?6) AND (?7 = 0 OR"       \
    " o.member_id = ?7) AND (?8 IS NULL OR o.status = ?8) AND (?9 IS NULL OR o.fulfilment = ?9)"
    json_t *items;
    st = hh_db_query(db, &items, ORDER_COLS ORDER_WHERE " ORDER BY o.id DESC LIMIT ?10 OFFSET ?11",
                     HH_A(HH_SCOPE_ARGS(r), HH_I(store_id), HH_I(gift_id), HH_I(member_id), HH_S(status),
                          HH_S(fulfilment), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) mask(o);
    return hh_list_reply(r, db, items,
                         "SELECT count(*) FROM gift_orders o JOIN gifts g ON g.id = o.gift_id" ORDER_WHERE,
                         HH_A(HH_SCOPE_ARGS(r), HH_I(store_id), HH_I(gift_id), HH_I(member_id), HH_S(status),
                              HH_S(fulfilment)));
#undef ORDER_WHERE
}

hh_status hh_h_gift_order_get(hh_req *r)
{
    json_t *o;
    hh_status st = order_get(hh_store_reader(r->app->store), r->path_id, &o);
    if (st) return st;
    hh_reply(r, 200, o);
    return HH_OK;
}

static hh_grant order_grant(json_t *o, int64_t enterprise_id, int64_t store_id, int64_t staff_id)
{
    hh_grant g = {.enterprise_id = enterprise_id, .member_id = iget(o, "member_id"), .store_id = store_id,
                  .staff_id = staff_id, .source = "gift_order", .source_id = iget(o, "id")};
    return g;
}

static hh_status order_event(hh_db *tx, const char *kind, json_t *o, int64_t enterprise_id, int64_t store_id,
                             int64_t staff_id)
{
    hh_grant g = order_grant(o, enterprise_id, store_id, staff_id);
    json_t *props = json_pack("{s:I, s:I, s:I, s:I, s:s}", "order_id", (json_int_t)iget(o, "id"), "gift_id",
                              (json_int_t)iget(o, "gift_id"), "quantity", (json_int_t)iget(o, "quantity"), "points",
                              (json_int_t)iget(o, "points"), "fulfilment",
                              json_string_value(json_object_get(o, "fulfilment")));
    hh_status st = hh_reward_event(tx, kind, &g, iget(o, "brand_id"), props);
    json_decref(props);
    return st;
}

/* Give back points and stock; the order is cancelled. `by` is member, staff or admin. */
static hh_status cancel_order(hh_db *tx, hh_req *r, json_t *o, const char *by, const char *reason)
{
    const char *status = json_string_value(json_object_get(o, "status"));
    if (!strcmp(status, "cancelled"))
        return hh_fail(r, HH_E_CONFLICT, "status", "该订单已取消", "The order is already cancelled");
    if (strcmp(status, "placed") && strcmp(status, "ready"))
        return hh_fail(r, HH_E_CONFLICT, "status", "订单已发货或已完成，不能取消",
                       "The order has been shipped or completed and cannot be cancelled");
    int64_t refund = 0;
    hh_status st = hh_points_refund(tx, r, r->who.enterprise_id, iget(o, "spend_txn_id"), "gift_cancel",
                                    iget(o, "id"), &refund);
    if (st) return st;
    int64_t now = hh_now_ms();
    st = hh_db_run(tx, NULL, "UPDATE gifts SET remaining = remaining + ?, updated_at = ? WHERE id = ?",
                   HH_A(HH_I(iget(o, "quantity")), HH_I(now), HH_I(iget(o, "gift_id"))));
    if (!st)
        st = hh_db_run(tx, NULL,
                       "UPDATE gift_orders SET status = 'cancelled', refund_txn_id = ?, cancelled_at = ?,"
                       " cancelled_by = ?, cancel_reason = ? WHERE id = ?",
                       HH_A(HH_I(refund), HH_I(now), HH_S(by), HH_S(reason), HH_I(iget(o, "id"))));
    if (!st) st = order_event(tx, "gift.cancelled", o, r->who.enterprise_id, 0, 0);
    return st;
}

/* admin / staff order actions: ready, ship, complete, cancel */
typedef struct {
    const char *action, *carrier, *tracking_no, *reason;
} order_act_in;

static hh_status order_action_write(hh_db *tx, hh_req *r)
{
    order_act_in *in = r->ud;
    json_t *before, *after;
    hh_status st = order_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    const char *status = json_string_value(json_object_get(before, "status"));
    const char *fulfilment = json_string_value(json_object_get(before, "fulfilment"));
    int64_t now = hh_now_ms();
    if (!strcmp(in->action, "cancel")) {
        if ((st = cancel_order(tx, r, before, r->who.role == HH_ROLE_STAFF ? "staff" : "admin", in->reason))) return st;
    } else if (!strcmp(in->action, "ready")) {
        if (strcmp(fulfilment, "pickup") || strcmp(status, "placed"))
            return hh_fail(r, HH_E_CONFLICT, "status", "只有待备货的自提订单可以标记为可领取",
                           "Only a placed pickup order can be marked ready");
        st = hh_db_run(tx, NULL, "UPDATE gift_orders SET status = 'ready', ready_at = ? WHERE id = ?",
                       HH_A(HH_I(now), HH_I(r->path_id)));
    } else if (!strcmp(in->action, "ship")) {
        if (strcmp(fulfilment, "mail") || strcmp(status, "placed"))
            return hh_fail(r, HH_E_CONFLICT, "status", "只有待发货的邮寄订单可以发货", "Only a placed mail order can be shipped");
        st = hh_db_run(tx, NULL,
                       "UPDATE gift_orders SET status = 'shipped', carrier = ?, tracking_no = ?, shipped_at = ? WHERE id = ?",
                       HH_A(HH_S(in->carrier), HH_S(in->tracking_no), HH_I(now), HH_I(r->path_id)));
        if (!st) st = order_event(tx, "gift.shipped", before, r->who.enterprise_id, 0, 0);
    } else { /* complete: a mail order delivered */
        if (strcmp(fulfilment, "mail") || strcmp(status, "shipped"))
            return hh_fail(r, HH_E_CONFLICT, "status", "只有已发货的邮寄订单可以标记为已签收；自提订单请在导购端交付",
                           "Only a shipped mail order can be completed; pickups are handed over in the staff app");
        st = hh_db_run(tx, NULL, "UPDATE gift_orders SET status = 'completed', completed_at = ? WHERE id = ?",
                       HH_A(HH_I(now), HH_I(r->path_id)));
        if (!st) st = order_event(tx, "gift.completed", before, r->who.enterprise_id, 0, 0);
    }
    if (st || (st = order_get(tx, r->path_id, &after))) return st;
    char action[32];
    snprintf(action, sizeof action, "gift_order.%s", in->action);
    if ((st = hh_audit(tx, r, action, "gift_order", r->path_id, before, after))) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

static hh_status order_action(hh_req *r, const char *action)
{
    order_act_in *in = hh_alloc(r->arena, sizeof *in);
    memset(in, 0, sizeof *in);
    in->action = action;
    r->ud = in;
    hh_status st;
    if (!strcmp(action, "ship")) {
        static const char *const fields[] = {"carrier", "tracking_no", NULL};
        if ((st = hh_body(r)) || (st = hh_fields_only(r, fields)) ||
            (st = hh_field_str(r, "carrier", true, 40, &in->carrier, NULL)) ||
            (st = hh_field_str(r, "tracking_no", true, 60, &in->tracking_no, NULL)))
            return st;
        if (!*in->carrier) return hh_fail(r, HH_E_INVALID, "carrier", "请填写快递公司", "Give the carrier");
        if (!*in->tracking_no) return hh_fail(r, HH_E_INVALID, "tracking_no", "请填写运单号", "Give the tracking number");
    } else if (!strcmp(action, "cancel")) {
        static const char *const fields[] = {"reason", NULL};
        if ((st = hh_body(r)) || (st = hh_fields_only(r, fields)) ||
            (st = hh_field_str(r, "reason", true, 200, &in->reason, NULL)))
            return st;
        if (!*in->reason) return hh_fail(r, HH_E_INVALID, "reason", "请填写取消原因", "Give a reason");
    }
    return hh_req_write(r, order_action_write);
}

hh_status hh_h_gift_order_ready(hh_req *r) { return order_action(r, "ready"); }
hh_status hh_h_gift_order_ship(hh_req *r) { return order_action(r, "ship"); }
hh_status hh_h_gift_order_complete(hh_req *r) { return order_action(r, "complete"); }
hh_status hh_h_gift_order_cancel(hh_req *r) { return order_action(r, "cancel"); }

/* ---- member ---- */

hh_status hh_h_member_gifts(hh_req *r)
{
    json_t *items;
    hh_db *db = hh_store_reader(r->app->store);
    hh_status st = hh_db_query(db, &items,
                               "SELECT g.id, g.brand_id, b.name AS brand_name, g.name, g.description, g.image,"
                               " g.points, g.cash_fen, g.remaining, g.per_member_limit, g.pickup AS pickup_bool,"
                               " g.mail AS mail_bool, g.shipping_fee_fen, (SELECT coalesce(sum(quantity), 0) FROM"
                               " gift_orders o WHERE o.gift_id = g.id AND o.member_id = ?2 AND o.status <>"
                               " 'cancelled') AS mine FROM gifts g LEFT JOIN brands b ON b.id = g.brand_id"
                               " WHERE g.enterprise_id = ?1 AND g.status = 'active' ORDER BY g.position, g.id DESC",
                               HH_A(HH_I(r->who.enterprise_id), HH_I(r->who.id)));
    if (st) return st;
    int64_t balance = hh_points_balance(db, r->who.id);
    hh_reply(r, 200, json_pack("{s:o, s:I, s:I}", "items", items, "total", (json_int_t)json_array_size(items),
                               "balance", (json_int_t)balance));
    return HH_OK;
}

hh_status hh_h_member_gift_orders(hh_req *r)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
    st = hh_db_query(db, &items, ORDER_COLS " WHERE o.member_id = ? ORDER BY o.id DESC LIMIT ? OFFSET ?",
                     HH_A(HH_I(r->who.id), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) mask(o);
    return hh_list_reply(r, db, items, "SELECT count(*) FROM gift_orders o WHERE o.member_id = ?", HH_A(HH_I(r->who.id)));
}

typedef struct {
    int64_t gift_id, quantity, store_id, address_id;
    bool has_store, has_address;
    const char *fulfilment;
} place_in;

static hh_status place_write(hh_db *tx, hh_req *r)
{
    place_in *in = r->ud;
    json_t *g = NULL;
    hh_status st = hh_db_one(tx, &g,
                             "SELECT brand_id, points, cash_fen, remaining, per_member_limit, pickup, mail,"
                             " shipping_fee_fen, status FROM gifts WHERE id = ? AND enterprise_id = ?",
                             HH_A(HH_I(in->gift_id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "gift_id", "礼品不存在", "No such gift");
    if (st) return st;
    hh_req_own(r, g);
    int64_t brand_id = iget(g, "brand_id");
    if (strcmp(json_string_value(json_object_get(g, "status")), "active"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "gift_id", "该礼品已下架", "This gift is no longer offered");
    bool pickup = !strcmp(in->fulfilment, "pickup");
    if (!iget(g, pickup ? "pickup" : "mail"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "fulfilment", pickup ? "该礼品不支持到店自提" : "该礼品不支持邮寄",
                       pickup ? "This gift cannot be picked up at a store" : "This gift cannot be sent by mail");
    if (iget(g, "remaining") < in->quantity)
        return hh_fail(r, HH_E_UNPROCESSABLE, "quantity", iget(g, "remaining") ? "库存不足" : "礼品已兑完",
                       iget(g, "remaining") ? "Not enough left in stock" : "This gift is out of stock");
    if (json_is_integer(json_object_get(g, "per_member_limit"))) {
        int64_t mine = 0;
        st = hh_db_int(tx, &mine,
                       "SELECT coalesce(sum(quantity), 0) FROM gift_orders WHERE gift_id = ? AND member_id = ?"
                       " AND status <> 'cancelled'",
                       HH_A(HH_I(in->gift_id), HH_I(r->who.id)));
        if (st) return st;
        if (mine + in->quantity > iget(g, "per_member_limit"))
            return hh_fail(r, HH_E_UNPROCESSABLE, "quantity", "超过每人限兑数量", "More than one member may order");
    }
    char *address = NULL;
    if (pickup) {
        int64_t ok = 0;
        st = hh_db_int(tx, &ok,
                       "SELECT count(*) FROM stores s WHERE s.id = ?1 AND s.enterprise_id = ?2 AND s.archived_at IS NULL"
                       " AND (?3 = 0 OR EXISTS (SELECT 1 FROM store_brands sb WHERE sb.store_id = s.id AND sb.brand_id = ?3))",
                       HH_A(HH_I(in->store_id), HH_I(r->who.enterprise_id), HH_I(brand_id)));
        if (st) return st;
        if (!ok) return hh_fail(r, HH_E_INVALID, "store_id", "请选择经营该品牌的门店", "Choose a store that sells this brand");
    } else {
        json_t *a = NULL;
        st = hh_db_one(tx, &a,
                       "SELECT name, phone, province, city, district, detail FROM member_addresses"
                       " WHERE id = ? AND member_id = ?",
                       HH_A(HH_I(in->address_id), HH_I(r->who.id)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, HH_E_INVALID, "address_id", "地址不存在", "No such address");
        if (st) return st;
        address = json_dumps(a, JSON_COMPACT);
        json_decref(a);
    }
    int64_t points = iget(g, "points") * in->quantity, cash = iget(g, "cash_fen") * in->quantity;
    int64_t now = hh_now_ms();
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO gift_orders (enterprise_id, gift_id, member_id, quantity, points, cash_fen, fulfilment,"
                   " store_id, address_json, shipping_fee_fen, status, created_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'placed', ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_I(in->gift_id), HH_I(r->who.id), HH_I(in->quantity),
                        HH_I(points), HH_I(cash), HH_S(in->fulfilment), HH_ID(pickup ? in->store_id : 0),
                        HH_S(address), HH_I(pickup ? 0 : iget(g, "shipping_fee_fen")), HH_I(now)));
    free(address);
    if (st) return st;
    int64_t order_id = res.last_id, txn = 0;
    hh_grant gr = {.enterprise_id = r->who.enterprise_id, .member_id = r->who.id,
                   .store_id = pickup ? in->store_id : 0, .source = "gift_order", .source_id = order_id};
    if ((st = hh_points_spend(tx, r, &gr, points, brand_id, &txn))) return st;
    st = hh_db_run(tx, NULL, "UPDATE gift_orders SET spend_txn_id = ? WHERE id = ?", HH_A(HH_I(txn), HH_I(order_id)));
    if (!st)
        st = hh_db_run(tx, NULL, "UPDATE gifts SET remaining = remaining - ?, updated_at = ? WHERE id = ?",
                       HH_A(HH_I(in->quantity), HH_I(now), HH_I(in->gift_id)));
    json_t *o;
    if (st || (st = order_get(tx, order_id, &o))) return st;
    if ((st = order_event(tx, "gift.ordered", o, r->who.enterprise_id, pickup ? in->store_id : 0, 0))) {
        json_decref(o);
        return st;
    }
    hh_reply(r, 201, o);
    return HH_OK;
}

hh_status hh_h_member_gift_order_create(hh_req *r)
{
    static const char *const fields[] = {"gift_id", "quantity", "fulfilment", "store_id", "address_id", NULL};
    place_in *in = hh_alloc(r->arena, sizeof *in);
    memset(in, 0, sizeof *in);
    in->quantity = 1;
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, fields)) ||
        (st = hh_field_int(r, "gift_id", true, 1, INT64_MAX, &in->gift_id, NULL)) ||
        (st = hh_field_int(r, "quantity", false, 1, MAX_QTY, &in->quantity, NULL)) ||
        (st = hh_field_str(r, "fulfilment", true, 10, &in->fulfilment, NULL)) ||
        (st = hh_field_int(r, "store_id", false, 1, INT64_MAX, &in->store_id, &in->has_store)) ||
        (st = hh_field_int(r, "address_id", false, 1, INT64_MAX, &in->address_id, &in->has_address)))
        return st;
    if (strcmp(in->fulfilment, "pickup") && strcmp(in->fulfilment, "mail"))
        return hh_fail(r, HH_E_INVALID, "fulfilment", "领取方式须为 pickup（到店自提）或 mail（邮寄）",
                       "fulfilment must be pickup or mail");
    if (!strcmp(in->fulfilment, "pickup") && !in->has_store)
        return hh_fail(r, HH_E_INVALID, "store_id", "请选择自提门店", "Choose the store to pick it up at");
    if (!strcmp(in->fulfilment, "mail") && !in->has_address)
        return hh_fail(r, HH_E_INVALID, "address_id", "请选择收货地址", "Choose the delivery address");
    return hh_req_write(r, place_write);
}

static hh_status member_cancel_write(hh_db *tx, hh_req *r)
{
    json_t *o;
    hh_status st = order_get(tx, r->path_id, &o);
    if (st == HH_E_NOT_FOUND || (st == HH_OK && iget(o, "member_id") != r->who.id)) {
        if (st == HH_OK) json_decref(o);
        return hh_fail(r, HH_E_NOT_FOUND, "id", "订单不存在", "No such order");
    }
    if (st) return st;
    hh_req_own(r, o);
    if ((st = cancel_order(tx, r, o, "member", "会员取消 / cancelled by the member"))) return st;
    json_t *after;
    if ((st = order_get(tx, r->path_id, &after))) return st;
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_member_gift_order_cancel(hh_req *r)
{
    return hh_req_write(r, member_cancel_write);
}

/* The enterprise's live stores, for a member choosing where to pick a gift up. */
hh_status hh_h_member_stores(hh_req *r)
{
    int64_t brand_id;
    hh_status st = hh_query_id(r, "brand_id", &brand_id);
    if (st) return st;
    json_t *items;
    st = hh_db_query(hh_store_reader(r->app->store), &items,
                     "SELECT s.id, s.name, s.city, s.address, s.retailer FROM stores s WHERE s.enterprise_id = ?1"
                     " AND s.archived_at IS NULL AND (?2 = 0 OR EXISTS (SELECT 1 FROM store_brands sb WHERE"
                     " sb.store_id = s.id AND sb.brand_id = ?2)) ORDER BY s.city_code, s.name",
                     HH_A(HH_I(r->who.enterprise_id), HH_I(brand_id)));
    if (st) return st;
    hh_reply(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items)));
    return HH_OK;
}

/* ---- counter: hand over a pickup order ---- */

hh_status hh_h_counter_gift_orders(hh_req *r)
{
    int64_t member_id;
    hh_status st = hh_query_id(r, "member_id", &member_id);
    if (st) return st;
    if (!member_id) return hh_fail(r, HH_E_INVALID, "member_id", "请先识别会员", "Identify the member first");
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
    /* the member's pickup orders waiting at this store first, then at other stores */
    st = hh_db_query(db, &items,
                     ORDER_COLS " WHERE o.enterprise_id = ?1 AND o.member_id = ?2 AND o.fulfilment = 'pickup'"
                     " AND o.status IN ('placed','ready') ORDER BY (o.store_id = ?3) DESC, o.id",
                     HH_A(HH_I(r->who.enterprise_id), HH_I(member_id), HH_I(r->who.store_id)));
    if (st) return st;
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        mask(o);
        json_object_set_new(o, "here", json_boolean(iget(o, "store_id") == r->who.store_id));
    }
    hh_reply(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items)));
    return HH_OK;
}

static hh_status handover_write(hh_db *tx, hh_req *r)
{
    json_t *before, *after;
    hh_status st = order_get(tx, r->path_id, &before);
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "订单不存在", "No such order");
    if (st) return st;
    hh_req_own(r, before);
    int64_t ent = 0;
    hh_db_int(tx, &ent, "SELECT enterprise_id FROM gift_orders WHERE id = ?", HH_A(HH_I(r->path_id)));
    if (ent != r->who.enterprise_id) return hh_fail(r, HH_E_NOT_FOUND, "id", "订单不存在", "No such order");
    const char *status = json_string_value(json_object_get(before, "status"));
    if (strcmp(json_string_value(json_object_get(before, "fulfilment")), "pickup"))
        return hh_fail(r, HH_E_CONFLICT, "fulfilment", "这是邮寄订单，不在门店交付", "This is a mail order, not handed over at a store");
    if (!strcmp(status, "completed"))
        return hh_fail(r, HH_E_CONFLICT, "status", "该订单已交付", "This order has already been handed over");
    if (!strcmp(status, "cancelled"))
        return hh_fail(r, HH_E_CONFLICT, "status", "该订单已取消", "This order is cancelled");
    if (r->who.role == HH_ROLE_STAFF && iget(before, "store_id") != r->who.store_id)
        return hh_fail(r, HH_E_FORBIDDEN, "store_id", "该订单不在本店自提", "This order is to be picked up at another store");
    int64_t now = hh_now_ms();
    int64_t staff_id = r->who.staff_id;
    st = hh_db_run(tx, NULL,
                   "UPDATE gift_orders SET status = 'completed', completed_at = ?, handed_over_by = ? WHERE id = ?",
                   HH_A(HH_I(now), HH_ID(staff_id), HH_I(r->path_id)));
    if (!st) st = order_event(tx, "gift.handed_over", before, r->who.enterprise_id, iget(before, "store_id"), staff_id);
    if (st || (st = order_get(tx, r->path_id, &after))) return st;
    if ((st = hh_audit(tx, r, "gift_order.handover", "gift_order", r->path_id, before, after))) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_counter_gift_handover(hh_req *r)
{
    return hh_req_write(r, handover_write);
}
