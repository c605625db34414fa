/*
 * sample.c — trial samples (试用装): offers and the members' requests.
 *
 * An offer belongs to one brand (and maybe a campaign), has a stock, an
 * optional window (starts_at, ends_at) and a shipping fee the member owes
 * (shipping_fee_fen; 0 = free shipping), recorded on each request as
 * fee_owed_fen. At every commit
 *
 *     stock = remaining + number of the offer's requests that are not cancelled
 *
 * because a request takes one unit in the same write that inserts it, and a
 * cancel gives it back in the same write that cancels; all of it runs on the
 * store's single writer, so "one per member" and "not sold out" are checked
 * inside the write and concurrent requests cannot both pass.
 *
 * A request moves requested → shipped → delivered; a requested one may be
 * cancelled by the member or an administrator (a shipped parcel is on its
 * way and cannot be taken back). Each step records sample.requested /
 * shipped / delivered / cancelled. Fulfilment (export, tracking import) is in
 * sample_fulfil.c.
 */
#include "reward/reward.h"
#include "auth/auth.h"
#include "core/phone.h"
#include "http/app.h"

#include <stdio.h>
#include <string.h>

#define MAX_STOCK 10000000LL
#define MAX_FEE_FEN 100000LL /* ¥1,000 */

static const char *const request_statuses[] = {"requested", "shipped", "delivered", "cancelled", NULL};

/* ---- offers ---- */

#define OFFER_COLS                                                                                  \
    "SELECT o.id, o.brand_id, b.name AS brand_name, o.campaign_id, c.name AS campaign_name, o.name,"  \
    " o.description, o.image, o.stock, o.remaining, o.stock - o.remaining AS taken,"                  \
    " (SELECT count(*) FROM sample_requests r WHERE r.offer_id = o.id AND r.status = 'requested') AS" \
    " requested_count, (SELECT count(*) FROM sample_requests r WHERE r.offer_id = o.id AND r.status"  \
    " = 'shipped') AS shipped_count, (SELECT count(*) FROM sample_requests r WHERE r.offer_id = o.id" \
    " AND r.status = 'delivered') AS delivered_count, (SELECT count(*) FROM sample_requests r WHERE"   \
    " r.offer_id = o.id AND r.status = 'cancelled') AS cancelled_count, o.shipping_fee_fen,"          \
    " o.starts_at, o.ends_at, o.status, o.created_by, o.created_at, o.updated_at FROM sample_offers o" \
    " JOIN brands b ON b.id = o.brand_id LEFT JOIN campaigns c ON c.id = o.campaign_id"

/* "closed", "scheduled" (before its window), "ended", "sold_out" or "open". */
static const char *offer_state(json_t *o, int64_t now)
{
    if (strcmp(json_string_value(json_object_get(o, "status")), "active")) return "closed";
    json_t *s = json_object_get(o, "starts_at"), *e = json_object_get(o, "ends_at");
    if (json_is_integer(s) && now < json_integer_value(s)) return "scheduled";
    if (json_is_integer(e) && now >= json_integer_value(e)) return "ended";
    if (json_integer_value(json_object_get(o, "remaining")) <= 0) return "sold_out";
    return "open";
}

static void decorate_offer(json_t *o)
{
    json_object_set_new(o, "state", json_string(offer_state(o, hh_now_ms())));
}

static const hh__offer_kind offers = {
    .get_sql = OFFER_COLS " WHERE o.id = ?",
    .list_sql = OFFER_COLS HH__OFFER_WHERE("o") " ORDER BY o.id DESC LIMIT ?9 OFFSET ?10",
    .count_sql = "SELECT count(*) FROM sample_offers o" HH__OFFER_WHERE("o"),
    .decorate = decorate_offer,
    .used_sql = "SELECT count(*) FROM sample_requests WHERE offer_id = ?",
    .used_zh = "已有会员申请该试用装，不能删除，请下架它",
    .used_en = "Members have requested this sample; close it instead",
    .delete_sql = "DELETE FROM sample_offers WHERE id = ?",
    .entity = "sample_offer",
    .delete_action = "sample_offer.delete",
};

static hh_status offer_get(hh_db *db, int64_t id, json_t **out)
{
    return hh__offer_get(db, &offers, id, out);
}

hh_status hh_h_sample_offers_list(hh_req *r)
{
    return hh__offer_list(r, &offers);
}

hh_status hh_h_sample_offer_get(hh_req *r)
{
    return hh__reply_get(r, offer_get);
}

typedef struct {
    const char *name, *description, *image, *status;
    int64_t brand_id, campaign_id, stock, fee, starts_at, ends_at;
    bool has_name, has_desc, has_image, has_status, has_stock, has_fee, has_starts, has_ends, starts_null, ends_null,
        image_null;
} offer_in;

static hh_status read_offer(hh_req *r, offer_in *in, bool create)
{
    hh_status st;
    in->starts_null = json_is_null(json_object_get(r->json, "starts_at"));
    in->ends_null = json_is_null(json_object_get(r->json, "ends_at"));
    in->image_null = json_is_null(json_object_get(r->json, "image"));
    if ((st = hh_field_str(r, "name", create, 64, &in->name, &in->has_name)) ||
        (st = hh_field_str(r, "description", false, 1000, &in->description, &in->has_desc)) ||
        (st = hh_field_str(r, "image", false, 500, &in->image, &in->has_image)) ||
        (st = hh_field_int(r, "stock", create, 1, MAX_STOCK, &in->stock, &in->has_stock)) ||
        (st = hh_field_int(r, "shipping_fee_fen", false, 0, MAX_FEE_FEN, &in->fee, &in->has_fee)) ||
        (st = hh_field_int(r, "starts_at", false, 1, INT64_MAX, &in->starts_at, &in->has_starts)) ||
        (st = hh_field_int(r, "ends_at", false, 1, INT64_MAX, &in->ends_at, &in->has_ends)))
        return st;
    if (in->has_name && !*in->name) return hh_fail(r, HH_E_INVALID, "name", "名称不能为空", "The name must not be empty");
    if (in->has_image && *in->image && strncmp(in->image, "https://", 8) && strncmp(in->image, "http://", 7) &&
        in->image[0] != '/')
        return hh_fail(r, HH_E_INVALID, "image", "图片须为 http(s):// 地址或站内路径", "image must be an http(s) URL or a path");
    if (in->has_starts && in->has_ends && in->ends_at <= in->starts_at)
        return hh_fail(r, HH_E_INVALID, "ends_at", "结束时间须晚于开始时间", "ends_at must be after starts_at");
    return HH_OK;
}

static hh_status offer_create_write(hh_db *tx, hh_req *r)
{
    offer_in *in = r->ud;
    hh_status st = hh__reward_refs(tx, r, in->brand_id, in->campaign_id);
    if (st) return st;
    int64_t now = hh_now_ms();
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO sample_offers (enterprise_id, brand_id, campaign_id, name, description, image, stock,"
                   " remaining, shipping_fee_fen, starts_at, ends_at, created_by, created_at, updated_at)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
                   HH_A(HH_I(r->who.enterprise_id), HH_I(in->brand_id), HH_ID(in->campaign_id), HH_S(in->name),
                        HH_S(in->has_desc ? in->description : ""), HH_S(in->has_image && *in->image ? in->image : NULL),
                        HH_I(in->stock), HH_I(in->has_fee ? in->fee : 0), in->has_starts ? HH_I(in->starts_at) : HH_NULL,
                        in->has_ends ? HH_I(in->ends_at) : HH_NULL, HH_I(r->who.id), HH_I(now)));
    json_t *o;
    if (st || (st = offer_get(tx, res.last_id, &o))) return st;
    return hh__audit_reply(tx, r, "sample_offer.create", "sample_offer", res.last_id, NULL, o, 201);
}

hh_status hh_h_sample_offer_create(hh_req *r)
{
    static const char *const allowed[] = {"brand_id", "campaign_id", "name", "description", "image", "stock",
                                          "shipping_fee_fen", "starts_at", "ends_at", NULL};
    offer_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh__offer_read_owner(r, allowed, &in->brand_id, &in->campaign_id)) ||
        (st = read_offer(r, in, true)))
        return st;
    if (in->has_ends && in->ends_at <= hh_now_ms())
        return hh_fail(r, HH_E_INVALID, "ends_at", "结束时间须晚于现在", "ends_at must be in the future");
    if ((st = hh__reward_brand_scope(r, in->brand_id))) return st;
    return hh_req_write(r, offer_create_write);
}

static hh_status offer_update_write(hh_db *tx, hh_req *r)
{
    offer_in *in = r->ud;
    json_t *before, *after;
    hh_status st = offer_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    int64_t taken = json_integer_value(json_object_get(before, "taken"));
    int64_t stock = in->has_stock ? in->stock : json_integer_value(json_object_get(before, "stock"));
    if (stock < taken)
        return hh_fail(r, HH_E_UNPROCESSABLE, "stock",
                       hh_sprintf(r->arena, "已有 %lld 份被申请，库存不能少于此数", (long long)taken),
                       hh_sprintf(r->arena, "%lld units are already requested; the stock cannot be lower", (long long)taken));
    json_t *s = json_object_get(before, "starts_at"), *e = json_object_get(before, "ends_at");
    int64_t starts = in->has_starts ? in->starts_at : in->starts_null ? 0 : json_integer_value(s);
    int64_t ends = in->has_ends ? in->ends_at : in->ends_null ? 0 : json_integer_value(e);
    if (starts && ends && ends <= starts)
        return hh_fail(r, HH_E_INVALID, "ends_at", "结束时间须晚于开始时间", "ends_at must be after starts_at");
    st = hh_db_run(tx, NULL,
                   "UPDATE sample_offers SET name = coalesce(?1, name), description = coalesce(?2, description),"
                   " image = CASE WHEN ?3 THEN ?4 ELSE image END, stock = ?5, remaining = ?5 - ?6,"
                   " shipping_fee_fen = coalesce(?7, shipping_fee_fen), starts_at = ?8, ends_at = ?9,"
                   " status = coalesce(?10, status), updated_at = ?11 WHERE id = ?12",
                   HH_A(HH_S(in->has_name ? in->name : NULL), HH_S(in->has_desc ? in->description : NULL),
                        HH_I(in->has_image || in->image_null), HH_S(in->has_image && *in->image ? in->image : NULL),
                        HH_I(stock), HH_I(taken), in->has_fee ? HH_I(in->fee) : HH_NULL, HH_ID(starts), HH_ID(ends),
                        HH_S(in->has_status ? in->status : NULL), HH_I(hh_now_ms()), HH_I(r->path_id)));
    if (st || (st = offer_get(tx, r->path_id, &after))) return st;
    const char *action = "sample_offer.update";
    if (in->has_status && strcmp(json_string_value(json_object_get(before, "status")), in->status))
        action = strcmp(in->status, "closed") ? "sample_offer.reopen" : "sample_offer.close";
    return hh__audit_reply(tx, r, action, "sample_offer", r->path_id, before, after, 200);
}

hh_status hh_h_sample_offer_update(hh_req *r)
{
    static const char *const allowed[] = {"name", "description", "image", "stock", "shipping_fee_fen",
                                          "starts_at", "ends_at", "status", NULL};
    offer_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) || (st = read_offer(r, in, false)) ||
        (st = hh_field_str(r, "status", false, 8, &in->status, &in->has_status)))
        return st;
    if (in->has_status && (st = hh__offer_status_check(r, in->status))) return st;
    if (!in->has_name && !in->has_desc && !in->has_image && !in->image_null && !in->has_stock && !in->has_fee &&
        !in->has_starts && !in->has_ends && !in->starts_null && !in->ends_null && !in->has_status)
        return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    return hh_req_write(r, offer_update_write);
}

hh_status hh_h_sample_offer_delete(hh_req *r)
{
    return hh__offer_delete(r, &offers);
}

/* ---- requests: admin console ---- */

#define REQ_COLS                                                                                    \
    "SELECT r.id, r.offer_id, o.name AS offer_name, o.brand_id, b.name AS brand_name, o.campaign_id,"  \
    " r.member_id, m.phone AS member_phone, m.name AS member_name, r.address_json, r.fee_owed_fen,"   \
    " r.status, r.carrier, r.tracking_no, r.created_at, r.shipped_at, r.delivered_at, r.cancelled_at," \
    " r.cancel_reason FROM sample_requests r JOIN sample_offers o ON o.id = r.offer_id JOIN brands b"  \
    " ON b.id = o.brand_id JOIN members m ON m.id = r.member_id"

/* The admin view: the member's and the recipient's phone masked. */
static void decorate_request(json_t *row)
{
    hh__mask_phone(row, "member_phone", "member_phone_masked");
    json_t *a = json_object_get(row, "address");
    if (json_is_object(a) && json_is_string(json_object_get(a, "phone")))
        hh__mask_phone(a, "phone", "phone_masked");
}

static hh_status request_get(hh_db *db, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, REQ_COLS " WHERE r.id = ?", HH_A(HH_I(id)));
    if (st == HH_OK) decorate_request(*out);
    return st;
}

hh_status hh_h_sample_requests_list(hh_req *r)
{
    int64_t limit, offset, offer_id, brand_id, member_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "offer_id", &offer_id)) ||
        (st = hh_query_id(r, "brand_id", &brand_id)) || (st = hh_query_id(r, "member_id", &member_id)))
        return st;
    const char *status = hh_query(r, "status"), *q = hh_query(r, "q");
    if (status && !*status) status = NULL;
    if (q && !*q) q = NULL;
    if (status && !hh_str_in(status, request_statuses))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 requested、shipped、delivered 或 cancelled",
                       "status must be requested, shipped, delivered or cancelled");
    if (q && strlen(q) > 64) return hh_fail(r, HH_E_INVALID, "q", "搜索内容过长", "q is too long");
    hh_db *db = hh_store_reader(r->app->store);
    /* q: a tracking number, or the last digits of the member's phone */
#define REQ_WHERE                                                                                   \
    " WHERE r.enterprise_id = ?1 AND " HH_SCOPE_BRAND_ID("o.brand_id")                             \
    " AND (?5 = 0 OR r.offer_id = ?5) AND (?6 = 0 OR o.brand_id = ?6) AND (?7 = 0 OR r.member_id ="  \
    " ?7) AND (?8 IS NULL OR r.status = ?8) AND (?9 IS NULL OR r.tracking_no = ?9 OR"               \
    " substr(m.phone, -length(?9)) = ?9)"
    json_t *items;
    st = hh_db_query(db, &items, REQ_COLS REQ_WHERE " ORDER BY r.id DESC LIMIT ?10 OFFSET ?11",
                     HH_A(HH_SCOPE_ARGS(r), HH_I(offer_id), HH_I(brand_id), HH_I(member_id), HH_S(status), HH_S(q),
                          HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row) decorate_request(row);
    return hh_list_reply(r, db, items,
                         "SELECT count(*) FROM sample_requests r JOIN sample_offers o ON o.id = r.offer_id"
                         " JOIN members m ON m.id = r.member_id" REQ_WHERE,
                         HH_A(HH_SCOPE_ARGS(r), HH_I(offer_id), HH_I(brand_id), HH_I(member_id), HH_S(status),
                              HH_S(q)));
#undef REQ_WHERE
}

hh_status hh_h_sample_request_get(hh_req *r)
{
    return hh__reply_get(r, request_get);
}

/* An event about request row (REQ_COLS) in the caller's write. */
static hh_status request_event(hh_db *tx, const char *kind, json_t *row, json_t *extra)
{
    hh_grant g = {.enterprise_id = 0,
                  .member_id = json_integer_value(json_object_get(row, "member_id")),
                  .campaign_id = json_integer_value(json_object_get(row, "campaign_id"))};
    hh_status st = hh_db_int(tx, &g.enterprise_id, "SELECT enterprise_id FROM sample_requests WHERE id = ?",
                             HH_A(HH_I(json_integer_value(json_object_get(row, "id")))));
    if (st) return st;
    json_t *props = json_pack("{s:O, s:O}", "request_id", json_object_get(row, "id"), "offer_id",
                              json_object_get(row, "offer_id"));
    if (extra) json_object_update(props, extra);
    st = hh_reward_event(tx, kind, &g, json_integer_value(json_object_get(row, "brand_id")), props);
    json_decref(props);
    return st;
}

hh_status hh__sample_ship(hh_db *tx, int64_t id, const char *carrier, const char *tracking_no, int *outcome)
{
    json_t *row;
    *outcome = HH_SHIP_UNCHANGED;
    hh_status st = hh_db_one(tx, &row, REQ_COLS " WHERE r.id = ?", HH_A(HH_I(id)));
    if (st) return st;
    const char *status = json_string_value(json_object_get(row, "status"));
    const char *oc = json_string_value(json_object_get(row, "carrier"));
    const char *ot = json_string_value(json_object_get(row, "tracking_no"));
    bool first = !strcmp(status, "requested");
    if (!first && (strcmp(status, "shipped") || (oc && ot && !strcmp(oc, carrier) && !strcmp(ot, tracking_no)))) {
        json_decref(row);
        return HH_OK; /* the same parcel again, or no longer shippable (the caller checked) */
    }
    st = hh_db_run(tx, NULL,
                   "UPDATE sample_requests SET status = 'shipped', carrier = ?, tracking_no = ?,"
                   " shipped_at = coalesce(shipped_at, ?) WHERE id = ?",
                   HH_A(HH_S(carrier), HH_S(tracking_no), HH_I(hh_now_ms()), HH_I(id)));
    if (!st) *outcome = first ? HH_SHIP_SHIPPED : HH_SHIP_UPDATED;
    if (!st && first) {
        json_t *extra = json_pack("{s:s, s:s}", "carrier", carrier, "tracking_no", tracking_no);
        st = request_event(tx, "sample.shipped", row, extra);
        json_decref(extra);
    }
    json_decref(row);
    return st;
}

typedef struct {
    const char *carrier, *tracking_no, *reason;
} step_in;

static hh_status ship_write(hh_db *tx, hh_req *r)
{
    step_in *in = r->ud;
    json_t *before, *after;
    hh_status st = request_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    const char *status = json_string_value(json_object_get(before, "status"));
    if (strcmp(status, "requested") && strcmp(status, "shipped"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "status",
                       !strcmp(status, "delivered") ? "该申请已签收" : "该申请已取消",
                       !strcmp(status, "delivered") ? "This request is already delivered" : "This request was cancelled");
    int outcome;
    if ((st = hh__sample_ship(tx, r->path_id, in->carrier, in->tracking_no, &outcome))) return st;
    if ((st = request_get(tx, r->path_id, &after))) return st;
    if (outcome != HH_SHIP_UNCHANGED &&
        (st = hh_audit(tx, r, outcome == HH_SHIP_UPDATED ? "sample_request.retrack" : "sample_request.ship",
                       "sample_request", r->path_id, before, after))) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_sample_request_ship(hh_req *r)
{
    static const char *const allowed[] = {"carrier", "tracking_no", NULL};
    step_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "carrier", true, 32, &in->carrier, NULL)) ||
        (st = hh_field_str(r, "tracking_no", true, 64, &in->tracking_no, NULL)))
        return st;
    return hh_req_write(r, ship_write);
}

static hh_status deliver_write(hh_db *tx, hh_req *r)
{
    json_t *before, *after;
    hh_status st = request_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    const char *status = json_string_value(json_object_get(before, "status"));
    if (strcmp(status, "shipped"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "status",
                       !strcmp(status, "requested") ? "该申请尚未发货" : !strcmp(status, "delivered") ? "该申请已签收" : "该申请已取消",
                       !strcmp(status, "requested")   ? "This request has not been shipped yet"
                       : !strcmp(status, "delivered") ? "This request is already delivered"
                                                      : "This request was cancelled");
    st = hh_db_run(tx, NULL, "UPDATE sample_requests SET status = 'delivered', delivered_at = ? WHERE id = ?",
                   HH_A(HH_I(hh_now_ms()), HH_I(r->path_id)));
    if (st || (st = request_event(tx, "sample.delivered", before, NULL))) return st;
    if ((st = request_get(tx, r->path_id, &after))) return st;
    return hh__audit_reply(tx, r, "sample_request.deliver", "sample_request", r->path_id, before, after, 200);
}

hh_status hh_h_sample_request_deliver(hh_req *r)
{
    hh_status st = hh__empty_body(r);
    if (st) return st;
    return hh_req_write(r, deliver_write);
}

/* Cancel request id (status requested) and give its unit back. */
static hh_status cancel_request(hh_db *tx, hh_req *r, json_t *row, const char *reason, const char *by)
{
    const char *status = json_string_value(json_object_get(row, "status"));
    if (strcmp(status, "requested"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "status",
                       !strcmp(status, "cancelled") ? "该申请已取消" : "试用装已发出，不能取消",
                       !strcmp(status, "cancelled") ? "This request is already cancelled"
                                                    : "The sample has been shipped and cannot be cancelled");
    int64_t id = json_integer_value(json_object_get(row, "id"));
    hh_result res;
    hh_status st = hh_db_run(tx, &res,
                             "UPDATE sample_requests SET status = 'cancelled', cancelled_at = ?, cancel_reason = ?"
                             " WHERE id = ? AND status = 'requested'",
                             HH_A(HH_I(hh_now_ms()), HH_S(reason), HH_I(id)));
    if (st) return st;
    HH_CHECK(res.changes == 1);
    st = hh_db_run(tx, NULL, "UPDATE sample_offers SET remaining = remaining + 1, updated_at = ? WHERE id = ?",
                   HH_A(HH_I(hh_now_ms()), HH_I(json_integer_value(json_object_get(row, "offer_id")))));
    if (st) return st;
    json_t *extra = json_pack("{s:s, s:s?}", "by", by, "reason", reason);
    st = request_event(tx, "sample.cancelled", row, extra);
    json_decref(extra);
    return st;
}

static hh_status admin_cancel_write(hh_db *tx, hh_req *r)
{
    step_in *in = r->ud;
    json_t *before, *after;
    hh_status st = request_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    if ((st = cancel_request(tx, r, before, in->reason, "admin"))) return st;
    if ((st = request_get(tx, r->path_id, &after))) return st;
    return hh__audit_reply(tx, r, "sample_request.cancel", "sample_request", r->path_id, before, after, 200);
}

hh_status hh_h_sample_request_cancel(hh_req *r)
{
    static const char *const allowed[] = {"reason", NULL};
    step_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    if (r->body_len) {
        hh_status st;
        if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
            (st = hh_field_str(r, "reason", false, 200, &in->reason, NULL)))
            return st;
    }
    return hh_req_write(r, admin_cancel_write);
}

/* ---- member H5 ---- */

#define MEMBER_OFFER_COLS                                                                           \
    "SELECT o.id, o.brand_id, b.name AS brand_name, o.campaign_id, o.name, o.description, o.image,"   \
    " o.stock, o.remaining, o.shipping_fee_fen, o.starts_at, o.ends_at, o.status, (SELECT r.id FROM"  \
    " sample_requests r WHERE r.offer_id = o.id AND r.member_id = ?2 AND r.status <> 'cancelled'"     \
    " ORDER BY r.id DESC LIMIT 1) AS my_request_id FROM sample_offers o JOIN brands b ON b.id ="      \
    " o.brand_id"

static void member_offer(json_t *o)
{
    decorate_offer(o);
    json_object_del(o, "status");
}

/* Offers a member can see: active, not over, of a live brand. */
hh_status hh_h_member_sample_offers(hh_req *r)
{
    json_t *items;
    hh_status st = hh_db_query(hh_store_reader(r->app->store), &items,
                               MEMBER_OFFER_COLS " WHERE o.enterprise_id = ?1 AND o.status = 'active' AND"
                               " b.archived_at IS NULL AND (o.ends_at IS NULL OR o.ends_at > ?3)"
                               " ORDER BY o.id DESC LIMIT 100",
                               HH_A(HH_I(r->who.enterprise_id), HH_I(r->who.id), HH_I(hh_now_ms())));
    if (st) return st;
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) member_offer(o);
    hh_reply(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items)));
    return HH_OK;
}

hh_status hh_h_member_sample_offer(hh_req *r)
{
    json_t *o;
    hh_status st = hh_db_one(hh_store_reader(r->app->store), &o, MEMBER_OFFER_COLS " WHERE o.id = ?3 AND o.enterprise_id = ?1",
                             HH_A(HH_I(r->who.enterprise_id), HH_I(r->who.id), HH_I(r->path_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到该试用装", "No such trial sample");
    if (st) return st;
    member_offer(o);
    hh_reply(r, 200, o);
    return HH_OK;
}

#define MY_REQ_COLS                                                                                  \
    "SELECT r.id, r.offer_id, o.name AS offer_name, o.image AS offer_image, b.name AS brand_name,"    \
    " r.status, r.address_json, r.fee_owed_fen, r.carrier, r.tracking_no, r.created_at, r.shipped_at," \
    " r.delivered_at, r.cancelled_at FROM sample_requests r JOIN sample_offers o ON o.id = r.offer_id" \
    " JOIN brands b ON b.id = o.brand_id"

typedef struct {
    int64_t offer_id, address_id;
    const char *a[6]; /* name, phone, province, city, district, detail */
    char e164[HH_PHONE_MAX];
    bool inline_address;
} request_in;

static const char *const addr_keys[] = {"name", "phone", "province", "city", "district", "detail", NULL};

/* address {name, phone, province?, city?, district?, detail}: errors name
 * "address.<key>". */
static hh_status read_inline_address(hh_req *r, request_in *in, json_t *addr)
{
    static const size_t max[] = {32, 32, 32, 32, 32, 200};
    static const bool required[] = {true, true, false, false, false, true};
    if (!json_is_object(addr))
        return hh_fail(r, HH_E_INVALID, "address", "收货地址须为对象 {name, phone, detail, …}",
                       "address must be an object {name, phone, detail, …}");
    json_t *body = r->json;
    r->json = addr;
    hh_status st = hh_fields_only(r, addr_keys);
    for (int i = 0; !st && addr_keys[i]; i++) st = hh_field_str(r, addr_keys[i], required[i], max[i], &in->a[i], NULL);
    r->json = body;
    if (st) {
        const char *f = r->err.field ? r->err.field : "";
        r->err.field = hh_sprintf(r->arena, "address.%s", f);
        r->err.zh = hh_sprintf(r->arena, "收货地址：%s", r->err.zh);
        r->err.en = hh_sprintf(r->arena, "address: %s", r->err.en);
        return st;
    }
    if (hh_phone_normalize(in->a[1], "CN", true, in->e164) != HH_PHONE_OK)
        return hh_fail(r, HH_E_INVALID, "address.phone", "收件人手机号码无效", "The recipient's mobile number is not valid");
    in->a[1] = in->e164;
    in->inline_address = true;
    return HH_OK;
}

static hh_status request_write(hh_db *tx, hh_req *r)
{
    request_in *in = r->ud;
    json_t *o;
    hh_status st = hh_db_one(tx, &o,
                             "SELECT o.brand_id, o.campaign_id, o.status, o.remaining, o.shipping_fee_fen, o.starts_at,"
                             " o.ends_at, b.archived_at FROM sample_offers o JOIN brands b ON b.id = o.brand_id"
                             " WHERE o.id = ? AND o.enterprise_id = ?",
                             HH_A(HH_I(in->offer_id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "offer_id", "找不到该试用装", "No such trial sample");
    if (st) return st;
    hh_req_own(r, o);
    int64_t now = hh_now_ms(), held = 0;
    json_t *s = json_object_get(o, "starts_at"), *e = json_object_get(o, "ends_at");
    if (strcmp(json_string_value(json_object_get(o, "status")), "active") ||
        !json_is_null(json_object_get(o, "archived_at")))
        return hh_fail(r, HH_E_UNPROCESSABLE, "offer_id", "该试用装已下架", "This trial sample is no longer offered");
    if (json_is_integer(s) && now < json_integer_value(s))
        return hh_fail(r, HH_E_UNPROCESSABLE, "offer_id", "该试用装尚未开始申领", "Requests for this sample have not opened yet");
    if (json_is_integer(e) && now >= json_integer_value(e))
        return hh_fail(r, HH_E_UNPROCESSABLE, "offer_id", "该试用装的申领已结束", "Requests for this sample have closed");
    st = hh_db_int(tx, &held,
                   "SELECT count(*) FROM sample_requests WHERE offer_id = ? AND member_id = ? AND status <> 'cancelled'",
                   HH_A(HH_I(in->offer_id), HH_I(r->who.id)));
    if (st) return st;
    if (held) return hh_fail(r, HH_E_UNPROCESSABLE, "limit", "您已申请过该试用装，每人限一份", "You have already requested this sample (one per member)");
    if (json_integer_value(json_object_get(o, "remaining")) <= 0)
        return hh_fail(r, HH_E_UNPROCESSABLE, "offer_id", "试用装已被领完", "This trial sample has run out");
    /* the address: a saved one of the member's, or the one given */
    json_t *addr;
    if (in->inline_address) {
        addr = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", in->a[0], "phone", in->a[1], "province",
                         in->a[2] ? in->a[2] : "", "city", in->a[3] ? in->a[3] : "", "district", in->a[4] ? in->a[4] : "",
                         "detail", in->a[5]);
    } else {
        st = hh_db_one(tx, &addr,
                       "SELECT name, phone, province, city, district, detail FROM member_addresses WHERE id = ? AND"
                       " member_id = ?",
                       HH_A(HH_I(in->address_id), HH_I(r->who.id)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "address_id", "找不到该收货地址", "No such address");
        if (st) return st;
    }
    hh_req_own(r, addr);
    hh_grant g = {.enterprise_id = r->who.enterprise_id,
                  .member_id = r->who.id,
                  .campaign_id = json_integer_value(json_object_get(o, "campaign_id")),
                  .source = "claim"};
    if (g.campaign_id && (st = hh_campaign_admit(tx, r, &g, 0))) return st;
    hh_result res;
    st = hh_db_run(tx, &res, "UPDATE sample_offers SET remaining = remaining - 1, updated_at = ? WHERE id = ? AND remaining > 0",
                   HH_A(HH_I(now), HH_I(in->offer_id)));
    if (st) return st;
    HH_CHECK(res.changes == 1); /* checked above, in this same write */
    char *addr_text = json_dumps(addr, JSON_COMPACT | JSON_SORT_KEYS);
    int64_t fee = json_integer_value(json_object_get(o, "shipping_fee_fen"));
    st = hh_db_run(tx, &res,
                   "INSERT INTO sample_requests (enterprise_id, offer_id, member_id, address_json, fee_owed_fen, status,"
                   " created_at) VALUES (?, ?, ?, ?, ?, 'requested', ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_I(in->offer_id), HH_I(r->who.id), HH_S(addr_text), HH_I(fee),
                        HH_I(now)));
    free(addr_text);
    if (st) return st;
    int64_t id = res.last_id;
    json_t *props = json_pack("{s:I, s:I, s:I}", "request_id", (json_int_t)id, "offer_id", (json_int_t)in->offer_id,
                              "fee_owed_fen", (json_int_t)fee);
    st = hh_reward_event(tx, "sample.requested", &g, json_integer_value(json_object_get(o, "brand_id")), props);
    json_decref(props);
    if (st) return st;
    json_t *out;
    if ((st = hh_db_one(tx, &out, MY_REQ_COLS " WHERE r.id = ?", HH_A(HH_I(id))))) return st;
    hh_reply(r, 201, out);
    return HH_OK;
}

hh_status hh_h_member_sample_request(hh_req *r)
{
    static const char *const allowed[] = {"offer_id", "address_id", "address", NULL};
    request_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    bool has_id = false;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "offer_id", true, 1, INT64_MAX, &in->offer_id, NULL)) ||
        (st = hh_field_int(r, "address_id", false, 1, INT64_MAX, &in->address_id, &has_id)))
        return st;
    json_t *addr = json_object_get(r->json, "address");
    if (json_is_null(addr)) addr = NULL;
    if (has_id && addr)
        return hh_fail(r, HH_E_INVALID, "address", "请只给出 address_id 或 address 其中之一",
                       "Give either address_id or address, not both");
    if (!has_id && !addr)
        return hh_fail(r, HH_E_INVALID, "address_id", "请选择或填写收货地址", "Choose a saved address or give one");
    if (addr && (st = read_inline_address(r, in, addr))) return st;
    return hh_req_write(r, request_write);
}

hh_status hh_h_member_samples(hh_req *r)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
    st = hh_db_query(db, &items, MY_REQ_COLS " WHERE r.member_id = ? ORDER BY r.id DESC LIMIT ? OFFSET ?",
                     HH_A(HH_I(r->who.id), HH_I(limit), HH_I(offset)));
    if (st) return st;
    return hh_list_reply(r, db, items, "SELECT count(*) FROM sample_requests WHERE member_id = ?", HH_A(HH_I(r->who.id)));
}

static hh_status member_cancel_write(hh_db *tx, hh_req *r)
{
    json_t *row;
    hh_status st = hh_db_one(tx, &row, REQ_COLS " WHERE r.id = ? AND r.member_id = ?",
                             HH_A(HH_I(r->path_id), HH_I(r->who.id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到该申请", "No such request");
    if (st) return st;
    hh_req_own(r, row);
    if ((st = cancel_request(tx, r, row, "member", "member"))) return st;
    json_t *out;
    if ((st = hh_db_one(tx, &out, MY_REQ_COLS " WHERE r.id = ?", HH_A(HH_I(r->path_id))))) return st;
    hh_reply(r, 200, out);
    return HH_OK;
}

hh_status hh_h_member_sample_cancel(hh_req *r)
{
    hh_status st = hh__empty_body(r);
    if (st) return st;
    return hh_req_write(r, member_cancel_write);
}

/* ---- demo ---- */

hh_status hh__demo_samples(hh_db *tx, int64_t enterprise_id, int64_t brand_id)
{
    int64_t n = 0, now = hh_now_ms();
    hh_status st = hh_db_int(tx, &n, "SELECT count(*) FROM sample_offers WHERE enterprise_id = ?", HH_A(HH_I(enterprise_id)));
    if (st || n) return st;
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO sample_offers (enterprise_id, brand_id, name, description, stock, remaining,"
                   " shipping_fee_fen, created_at, updated_at) VALUES (?1, ?2, '澄光焕亮精华 试用装 5ml',"
                   " '新品焕亮精华小样一支，每位会员限领一份；运费 ¥8 到付。', 200, 200, 800, ?3, ?3)",
                   HH_A(HH_I(enterprise_id), HH_I(brand_id), HH_I(now)));
    if (st) return st;
    json_t *after = json_pack("{s:s}", "name", "澄光焕亮精华 试用装 5ml");
    st = hh_audit_cli(tx, enterprise_id, "sample_offer.create", "sample_offer", res.last_id, after);
    json_decref(after);
    return st;
}
