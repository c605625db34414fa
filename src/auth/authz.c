/*
 * authz.c — every authorisation rule of the organisation, in one function.
 *
 *   owner          everything in its enterprise
 *   brand_manager  reads what touches its brands; updates its brands; writes
 *                  stores whose brands are all its own; writes staff and staff
 *                  accounts of stores touching its brands
 *   staff          reads its store, the brands it serves, its colleagues and
 *                  its own account; writes nothing of the organisation
 *   member         nothing here (member routes check the member themselves)
 *
 * Marketing objects (touchpoints, …) belong to one brand and maybe one store:
 * brand managers write those of their brands; staff read their store's.
 * Members belong to the enterprise: brand managers read and edit them; staff
 * read those owned by their store and do counter work (register, look up);
 * merging, erasing and unmasked exports are the owner's (HH_ACT_ADMIN).
 *
 * Another enterprise's object is "not found", never "forbidden", so ids of
 * other tenants leak nothing.
 */
#include "auth/auth.h"
#include "http/app.h"

#include <string.h>

static bool has_brand(const hh_principal *p, int64_t b)
{
    for (int i = 0; i < p->nbrands; i++)
        if (p->brands[i] == b) return true;
    return false;
}

static bool intersects(const hh_principal *p, const hh_scope *s)
{
    for (int i = 0; i < s->nbrands; i++)
        if (has_brand(p, s->brands[i])) return true;
    return false;
}

static bool subset(const hh_principal *p, const hh_scope *s)
{
    if (!s->nbrands) return false;
    for (int i = 0; i < s->nbrands; i++)
        if (!has_brand(p, s->brands[i])) return false;
    return true;
}

static bool targetless(const hh_scope *s)
{
    return !s->object && !s->store_id && !s->nbrands && !s->account_id;
}

hh_status hh_authz(const hh_principal *p, hh_action act, const hh_scope *s)
{
    if (p->role == HH_ROLE_NONE) return HH_E_UNAUTHENTICATED;
    if (s->enterprise_id != p->enterprise_id) return HH_E_NOT_FOUND;
    if (p->role == HH_ROLE_OWNER) return HH_OK;
    if (p->role == HH_ROLE_MEMBER) return HH_E_FORBIDDEN;
    bool bm = p->role == HH_ROLE_BRAND_MANAGER, staff = p->role == HH_ROLE_STAFF;
    bool ok = false;
    switch (act) {
    case HH_ACT_NONE:
        ok = true;
        break;
    case HH_ACT_READ:
        if (targetless(s))
            ok = true;
        else if (bm)
            ok = intersects(p, s);
        else if (staff)
            ok = s->store_id ? s->store_id == p->store_id : intersects(p, s);
        break;
    case HH_ACT_BRAND_CREATE:
        break;
    case HH_ACT_BRAND_WRITE:
        ok = bm && (targetless(s) ? false : subset(p, s));
        break;
    case HH_ACT_STORE_WRITE:
        ok = bm && (targetless(s) || subset(p, s));
        break;
    case HH_ACT_STAFF_WRITE:
        ok = bm && (targetless(s) || intersects(p, s));
        break;
    case HH_ACT_ACCOUNT_READ:
        if (s->account_id == p->id)
            ok = true;
        else if (bm)
            ok = targetless(s) || (s->account_role == HH_ROLE_STAFF && intersects(p, s));
        else if (staff)
            ok = targetless(s);
        break;
    case HH_ACT_ACCOUNT_WRITE:
        ok = bm && (targetless(s) || (s->account_role == HH_ROLE_STAFF && intersects(p, s)));
        break;
    case HH_ACT_MARKETING_WRITE:
        ok = bm && (targetless(s) || subset(p, s));
        break;
    case HH_ACT_MEMBER_READ:
        /* members are enterprise-wide; staff see those their store owns */
        ok = bm || (staff && (targetless(s) || (s->store_id && s->store_id == p->store_id)));
        break;
    case HH_ACT_MEMBER_WRITE:
        ok = bm;
        break;
    case HH_ACT_COUNTER:
        ok = staff || bm;
        break;
    case HH_ACT_STORE_TASK:
        /* an object without a store (a receipt from a store not on file) is the brand's */
        if (targetless(s))
            ok = bm || staff;
        else if (bm)
            ok = intersects(p, s);
        else if (staff)
            ok = s->store_id && s->store_id == p->store_id;
        break;
    case HH_ACT_AUDIT_READ:
    case HH_ACT_ADMIN:
        break;
    }
    return ok ? HH_OK : HH_E_FORBIDDEN;
}

hh_status hh_authz_req(hh_req *r, hh_action act, const hh_scope *s)
{
    hh_status st = hh_authz(&r->who, act, s);
    if (st == HH_E_NOT_FOUND)
        return hh_fail(r, st, r->path_id_raw ? "id" : NULL, "找不到该记录", "No such record");
    if (st == HH_E_FORBIDDEN)
        return hh_fail(r, st, NULL, "您的角色或管辖范围不允许此操作",
                       "Your role or scope does not allow this");
    return st;
}

static hh_status brands_of_store(hh_db *db, int64_t store_id, hh_scope *out)
{
    json_t *rows;
    hh_status st = hh_db_query(db, &rows, "SELECT brand_id FROM store_brands WHERE store_id = ?",
                               HH_A(HH_I(store_id)));
    if (st != HH_OK) return st;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (out->nbrands < HH_MAX_SCOPE_BRANDS)
            out->brands[out->nbrands++] = json_integer_value(json_object_get(row, "brand_id"));
    }
    json_decref(rows);
    return HH_OK;
}

/* The brand (and store, where the object has one) of each campaign and reward
 * object, in hh_target order from HH_T_CAMPAIGN. */
static const char *const brand_scoped_sql[] = {
    "SELECT enterprise_id, brand_id, NULL AS store_id FROM campaigns WHERE id = ?",
    "SELECT enterprise_id, brand_id, NULL AS store_id FROM coupon_templates WHERE id = ?",
    "SELECT b.enterprise_id, t.brand_id, NULL AS store_id FROM coupon_batches b"
    " JOIN coupon_templates t ON t.id = b.template_id WHERE b.id = ?",
    "SELECT c.enterprise_id, t.brand_id, NULL AS store_id FROM coupons c"
    " JOIN coupon_templates t ON t.id = c.template_id WHERE c.id = ?",
    "SELECT enterprise_id, brand_id, store_id FROM redemptions WHERE id = ?",
    "SELECT p.enterprise_id, c.brand_id, NULL AS store_id FROM lottery_prizes p"
    " JOIN campaigns c ON c.id = p.campaign_id WHERE p.id = ?",
    "SELECT d.enterprise_id, c.brand_id, NULL AS store_id FROM lottery_draws d"
    " JOIN campaigns c ON c.id = d.campaign_id WHERE d.id = ?",
    "SELECT b.enterprise_id, c.brand_id, NULL AS store_id FROM lottery_pass_batches b"
    " JOIN campaigns c ON c.id = b.campaign_id WHERE b.id = ?",
    "SELECT enterprise_id, brand_id, NULL AS store_id FROM envelope_pools WHERE id = ?",
    "SELECT e.enterprise_id, p.brand_id, NULL AS store_id FROM red_envelopes e"
    " JOIN envelope_pools p ON p.id = e.pool_id WHERE e.id = ?",
    "SELECT enterprise_id, brand_id, NULL AS store_id FROM sample_offers WHERE id = ?",
    "SELECT r.enterprise_id, o.brand_id, NULL AS store_id FROM sample_requests r"
    " JOIN sample_offers o ON o.id = r.offer_id WHERE r.id = ?",
    "SELECT enterprise_id, brand_id, store_id FROM receipts WHERE id = ?",
    "SELECT enterprise_id, brand_id, NULL AS store_id FROM receipt_tiers WHERE id = ?",
    "SELECT enterprise_id, brand_id, store_id FROM activities WHERE id = ?",
    "SELECT s.enterprise_id, a.brand_id, a.store_id FROM activity_signups s"
    " JOIN activities a ON a.id = s.activity_id WHERE s.id = ?",
    /* gifts may be enterprise-wide (no brand): only the owner writes those */
    "SELECT enterprise_id, coalesce(brand_id, 0) AS brand_id, NULL AS store_id FROM gifts WHERE id = ?",
    "SELECT o.enterprise_id, coalesce(g.brand_id, 0) AS brand_id, o.store_id FROM gift_orders o"
    " JOIN gifts g ON g.id = o.gift_id WHERE o.id = ?",
};
_Static_assert(sizeof brand_scoped_sql / sizeof brand_scoped_sql[0] == HH_T_GIFT_ORDER - HH_T_CAMPAIGN + 1,
               "one scope query per reward target");

hh_status hh_scope_load(hh_db *db, hh_target t, int64_t id, hh_scope *out)
{
    memset(out, 0, sizeof *out);
    json_t *row = NULL;
    hh_status st;
    switch (t) {
    case HH_T_BRAND:
        st = hh_db_one(db, &row, "SELECT enterprise_id FROM brands WHERE id = ?", HH_A(HH_I(id)));
        if (st != HH_OK) return st;
        out->brands[out->nbrands++] = id;
        break;
    case HH_T_STORE:
        st = hh_db_one(db, &row, "SELECT enterprise_id FROM stores WHERE id = ?", HH_A(HH_I(id)));
        if (st != HH_OK) return st;
        out->store_id = id;
        st = brands_of_store(db, id, out);
        break;
    case HH_T_STAFF:
        st = hh_db_one(db, &row, "SELECT enterprise_id, store_id FROM staff WHERE id = ?",
                       HH_A(HH_I(id)));
        if (st != HH_OK) return st;
        out->store_id = json_integer_value(json_object_get(row, "store_id"));
        st = brands_of_store(db, out->store_id, out);
        break;
    case HH_T_ACCOUNT: {
        st = hh_db_one(db, &row,
                       "SELECT a.enterprise_id, a.role, s.store_id FROM accounts a"
                       " LEFT JOIN staff s ON s.id = a.staff_id WHERE a.id = ?",
                       HH_A(HH_I(id)));
        if (st != HH_OK) return st;
        out->account_id = id;
        out->account_role = hh_role_parse(json_string_value(json_object_get(row, "role")));
        out->store_id = json_integer_value(json_object_get(row, "store_id"));
        if (out->store_id) st = brands_of_store(db, out->store_id, out);
        break;
    }
    case HH_T_MEMBER:
        st = hh_db_one(db, &row, "SELECT enterprise_id, owner_store_id AS store_id FROM members WHERE id = ?",
                       HH_A(HH_I(id)));
        if (st != HH_OK) return st;
        out->store_id = json_integer_value(json_object_get(row, "store_id"));
        break;
    case HH_T_TAG:
        st = hh_db_one(db, &row, "SELECT enterprise_id FROM tags WHERE id = ?", HH_A(HH_I(id)));
        if (st != HH_OK) return st;
        break;
    case HH_T_PRODUCT_BATCH:
    case HH_T_PRODUCT_ALERT:
        st = hh_db_one(db, &row,
                       t == HH_T_PRODUCT_BATCH
                           ? "SELECT enterprise_id, brand_id FROM product_batches WHERE id = ?"
                           : "SELECT a.enterprise_id, b.brand_id FROM product_alerts a JOIN product_batches b"
                             " ON b.id = a.batch_id WHERE a.id = ?",
                       HH_A(HH_I(id)));
        if (st != HH_OK) return st;
        out->brands[out->nbrands++] = json_integer_value(json_object_get(row, "brand_id"));
        break;
    case HH_T_POINTS_RULE:
        st = hh_db_one(db, &row, "SELECT enterprise_id, brand_id FROM points_rules WHERE id = ?", HH_A(HH_I(id)));
        if (st != HH_OK) return st;
        if (json_is_integer(json_object_get(row, "brand_id")))
            out->brands[out->nbrands++] = json_integer_value(json_object_get(row, "brand_id"));
        break;
    case HH_T_TOUCHPOINT:
    case HH_T_TP_BATCH:
        st = hh_db_one(db, &row,
                       t == HH_T_TOUCHPOINT
                           ? "SELECT enterprise_id, brand_id, store_id FROM touchpoints WHERE id = ?"
                           : "SELECT enterprise_id, brand_id, NULL AS store_id FROM touchpoint_batches WHERE id = ?",
                       HH_A(HH_I(id)));
        if (st != HH_OK) return st;
        out->brands[out->nbrands++] = json_integer_value(json_object_get(row, "brand_id"));
        out->store_id = json_integer_value(json_object_get(row, "store_id"));
        break;
    default:
        if (t >= HH_T_CAMPAIGN && t <= HH_T_GIFT_ORDER) {
            st = hh_db_one(db, &row, brand_scoped_sql[t - HH_T_CAMPAIGN], HH_A(HH_I(id)));
            if (st != HH_OK) return st;
            out->brands[out->nbrands++] = json_integer_value(json_object_get(row, "brand_id"));
            out->store_id = json_integer_value(json_object_get(row, "store_id"));
            break;
        }
        return HH_OK;
    }
    out->object = true;
    if (row) out->enterprise_id = json_integer_value(json_object_get(row, "enterprise_id"));
    json_decref(row);
    return st;
}

hh_status hh_authz_route(hh_req *r)
{
    const hh_route *rt = r->route;
    hh_scope s;
    if (rt->target) {
        hh_status st = hh_scope_load(hh_store_reader(r->app->store), rt->target, r->path_id, &s);
        if (st == HH_E_NOT_FOUND)
            return hh_fail(r, st, "id", "找不到该记录", "No such record");
        if (st != HH_OK) return st;
        r->target = s;
    } else {
        memset(&s, 0, sizeof s);
        s.enterprise_id = r->who.enterprise_id;
    }
    return hh_authz_req(r, rt->action, &s);
}
