/*
 * redeem_issue.c — staff hand a coupon to a member at the counter (source
 * "staff", the staff member and store recorded) through the shared grant, and
 * the list of what this counter may hand out.
 */
#include "reward/redeem_internal.h"
#include "auth/auth.h"
#include "http/app.h"

#include <string.h>

/* ---------------------------------------------- staff issue at the counter */

/* Templates a counter may hand out now: active, not a lottery prize, not past
 * their window, not used up, valid at the store, their campaign live. */
#define ISSUABLE_COLS                                                                                        \
    "SELECT t.id, t.name, t.description, t.kind, t.value_fen, t.discount_pct, t.gift_name, t.min_spend_fen,"  \
    " t.validity, t.valid_from, t.valid_to, t.valid_days, t.quantity, t.issued, t.per_member_limit, t.image,"  \
    " t.brand_id, b.name AS brand_name, t.campaign_id, cp.name AS campaign_name, cp.status AS campaign_status," \
    " cp.starts_at AS campaign_starts_at, cp.ends_at AS campaign_ends_at"                                     \
    " FROM coupon_templates t JOIN brands b ON b.id = t.brand_id LEFT JOIN campaigns cp ON cp.id = t.campaign_id"
/* valid at store ?2: its named stores, or else the stores selling its brands */
#define VALID_AT_STORE                                                                                        \
    " CASE WHEN EXISTS (SELECT 1 FROM coupon_template_stores WHERE template_id = t.id)"                      \
    " THEN EXISTS (SELECT 1 FROM coupon_template_stores WHERE template_id = t.id AND store_id = ?2)"          \
    " WHEN EXISTS (SELECT 1 FROM coupon_template_brands WHERE template_id = t.id) THEN EXISTS (SELECT 1"      \
    " FROM coupon_template_brands tb JOIN store_brands sb ON sb.store_id = ?2 AND sb.brand_id = tb.brand_id"  \
    " WHERE tb.template_id = t.id) ELSE EXISTS (SELECT 1 FROM store_brands WHERE store_id = ?2"               \
    " AND brand_id = t.brand_id) END"
#define ISSUABLE_WHERE                                                                                        \
    " WHERE t.enterprise_id = ?1 AND t.status = 'active' AND t.kind <> 'prize'"                               \
    " AND (t.validity = 'relative' OR t.valid_to > ?3) AND (t.quantity IS NULL OR t.issued < t.quantity)"     \
    " AND" VALID_AT_STORE                                                                                     \
    " AND (?4 <> 'brand_manager' OR t.brand_id IN (SELECT brand_id FROM account_brands WHERE account_id = ?5))"

static bool campaign_live(json_t *t, int64_t now)
{
    if (!json_is_integer(json_object_get(t, "campaign_id"))) return true;
    return !strcmp(hh_campaign_status_now(sget(t, "campaign_status"), iget(t, "campaign_starts_at"),
                                          iget(t, "campaign_ends_at"), now),
                   "live");
}

static void issuable_decorate(json_t *t)
{
    json_t *q = json_object_get(t, "quantity");
    json_object_set_new(t, "remaining", json_is_integer(q) ? json_integer(json_integer_value(q) - iget(t, "issued")) : json_null());
    json_object_del(t, "campaign_status");
    json_object_del(t, "campaign_starts_at");
    json_object_del(t, "campaign_ends_at");
}

hh_status hh_h_counter_templates(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    int64_t asked, store_id, now = hh_now_ms();
    hh_status st = hh_query_id(r, "store_id", &asked);
    if (st || (st = hh__redeem_store(r, db, asked, true, &store_id))) return st;
    json_t *rows;
    st = hh_db_query(db, &rows, ISSUABLE_COLS ISSUABLE_WHERE " ORDER BY t.id DESC LIMIT 200",
                     HH_A(HH_I(r->who.enterprise_id), HH_I(store_id), HH_I(now), HH_S(hh_role_name(r->who.role)),
                          HH_I(r->who.id)));
    if (st) return st;
    json_t *items = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(rows, i, t)
    {
        if (!campaign_live(t, now)) continue;
        issuable_decorate(t);
        json_array_append(items, t);
    }
    json_decref(rows);
    hh_reply(r, 200, json_pack("{s:o, s:I, s:I}", "items", items, "total", (json_int_t)json_array_size(items),
                               "store_id", (json_int_t)store_id));
    return HH_OK;
}

typedef struct {
    int64_t template_id, member_id, store_id;
    json_t *tpl;
    char tz[64];
} issue_in;

static hh_status issue_write(hh_db *tx, hh_req *r)
{
    issue_in *in = r->ud;
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = in->member_id,
                  .campaign_id = iget(in->tpl, "campaign_id"), .store_id = in->store_id,
                  .staff_id = r->who.staff_id, .source = "staff"};
    hh_status st;
    /* a campaign's coupon counts against the campaign's limits and budget, at
     * the same cost as a member's claim: its value in fen (cash off, or the
     * retail value of a gift), 0 for a discount */
    if (g.campaign_id &&
        (st = hh_campaign_admit(tx, r, &g, strcmp(sget(in->tpl, "kind"), "discount") ? iget(in->tpl, "value_fen") : 0)))
        return st;
    int64_t coupon_id = 0;
    char code[HH_CODE_LEN + 1];
    if ((st = hh_coupon_grant(tx, r, &g, in->template_id, &coupon_id, code))) return st;
    json_t *c = NULL;
    if ((st = hh_db_one(tx, &c, HH__COUPON_COLS " WHERE c.enterprise_id = ?1 AND c.id = ?3",
                        HH_A(HH_I(r->who.enterprise_id), HH_I(in->store_id), HH_I(coupon_id)))))
        return st;
    hh__coupon_decorate(r, c, in->store_id, in->tz, hh_now_ms(), false);
    json_t *after = json_pack("{s:I, s:I, s:I, s:I}", "coupon_id", (json_int_t)coupon_id, "template_id",
                              (json_int_t)in->template_id, "member_id", (json_int_t)in->member_id, "store_id",
                              (json_int_t)in->store_id);
    st = hh_audit(tx, r, "coupon.issue", "coupon", coupon_id, NULL, after);
    json_decref(after);
    if (st) {
        json_decref(c);
        return st;
    }
    hh_reply(r, 201, c);
    return HH_OK;
}

hh_status hh_h_counter_issue(hh_req *r)
{
    static const char *const allowed[] = {"template_id", "member_id", "store_id", NULL};
    issue_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    int64_t asked = 0, member = 0;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "template_id", true, 1, INT64_MAX, &in->template_id, NULL)) ||
        (st = hh_field_int(r, "member_id", true, 1, INT64_MAX, &member, NULL)) ||
        (st = hh_field_int(r, "store_id", false, 1, INT64_MAX, &asked, NULL)))
        return st;
    hh_db *db = hh_store_reader(r->app->store);
    if ((st = hh__redeem_store(r, db, asked, true, &in->store_id)) ||
        (st = hh__redeem_live_member(r, db, member, "member_id", &in->member_id)))
        return st;
    st = hh_db_one(db, &in->tpl, ISSUABLE_COLS " WHERE t.id = ?1 AND t.enterprise_id = ?2",
                   HH_A(HH_I(in->template_id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "template_id", "找不到该优惠券", "No such coupon template");
    if (st) return st;
    hh_req_own(r, in->tpl);
    if (!hh__redeem_manages(&r->who, iget(in->tpl, "brand_id")))
        return hh_fail(r, HH_E_FORBIDDEN, "template_id", "该券属于您不管理的品牌", "This coupon belongs to a brand you do not manage");
    if (!strcmp(sget(in->tpl, "kind"), "prize"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "template_id", "奖品只能通过抽奖获得，不能在柜台发放",
                       "Prizes are won in the lottery, not handed out at the counter");
    /* Where it is valid does not change; whether it is still offered (archived,
     * past its window, used up, its campaign live) is decided by the write —
     * the shared grant and campaign admission — so that a request retried
     * with its Idempotency-Key replays its first answer. */
    int64_t here = 0;
    st = hh_db_int(db, &here, "SELECT" VALID_AT_STORE " FROM coupon_templates t WHERE t.id = ?1",
                   HH_A(HH_I(in->template_id), HH_I(in->store_id)));
    if (st) return st;
    if (!here)
        return hh_fail(r, HH_E_UNPROCESSABLE, "template_id", "该券不能在本门店使用，不能在此发放",
                       "This coupon is not valid at this store, so it cannot be handed out here");
    hh_enterprise_tz(db, r->who.enterprise_id, in->tz);
    return hh_req_write(r, issue_write);
}
