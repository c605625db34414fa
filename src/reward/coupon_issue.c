/*
 * coupon_issue.c — coupons in the console: issue a template's coupons to
 * chosen members (each through hh_coupon_grant, so quantity and per-member
 * limits hold, with a result per member), list issued coupons of a template,
 * a batch or a member (phones masked), and void one with a reason. Voiding
 * gives the unit back to the template's quantity.
 *
 * Coupons carry members' data: lists and details are for owners and brand
 * managers; counter staff find coupons through the counter screens.
 */
#include "reward/reward.h"
#include "auth/auth.h"
#include "core/phone.h"
#include "http/app.h"

#include <string.h>

#define MAX_ISSUE 1000

#define COUPON_COLS                                                                                      \
    "SELECT c.id, c.code, c.template_id, t.name AS template_name, t.kind, t.brand_id, c.batch_id,"       \
    " c.member_id, m.phone AS member_phone, m.name AS member_name, c.campaign_id, c.touchpoint_id,"       \
    " c.source, " HH_COUPON_STATUS_SQL("c", "?2") " AS status, c.valid_from, c.valid_to, c.issued_at,"   \
    " c.claimed_at, c.issued_store_id, c.issued_by_staff_id, c.redeemed_at, c.redemption_id,"            \
    " c.voided_at, c.void_reason FROM coupons c JOIN coupon_templates t ON t.id = c.template_id"         \
    " LEFT JOIN members m ON m.id = c.member_id"

/* The member's phone is shown masked only. */
static void mask(json_t *c)
{
    const char *p = json_string_value(json_object_get(c, "member_phone"));
    char masked[HH_PHONE_MAX + 8] = "";
    if (p && strncmp(p, "erased:", 7)) hh_phone_mask(p, masked, sizeof masked);
    json_object_set_new(c, "member_phone_masked", p ? json_string(masked) : json_null());
    json_object_del(c, "member_phone");
}

static hh_status staff_refused(hh_req *r)
{
    if (r->who.role != HH_ROLE_STAFF) return HH_OK;
    return hh_fail(r, HH_E_FORBIDDEN, NULL, "店员请在柜台核销页面查询会员的券",
                   "Counter staff look coupons up on the counter screens");
}

static hh_status coupon_get(hh_db *db, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, COUPON_COLS " WHERE c.id = ?1", HH_A(HH_I(id), HH_I(hh_now_ms())));
    if (!st) mask(*out);
    return st;
}

/* The list is driven by one indexed equality (the most selective filter
 * given: code, member, batch, template); the other filters narrow it. An
 * optional filter written as "(? = 0 OR col = ?)" cannot use an index, so
 * each driver has its own statement. ?2 is the role in the scope arguments:
 * the status expression's "now" is ?11. */
#define CP_FROM(drive)                                                                                         \
    " FROM coupons c JOIN coupon_templates t ON t.id = c.template_id LEFT JOIN members m ON m.id = c.member_id" \
    " WHERE " drive " AND c.enterprise_id = ?1 AND " HH_SCOPE_BRAND_ID("t.brand_id")                           \
    " AND (?5 = 0 OR c.template_id = ?5) AND (?6 = 0 OR c.member_id = ?6) AND (?7 = 0 OR c.batch_id = ?7)"    \
    " AND (?8 = 0 OR c.campaign_id = ?8) AND (?9 = '' OR c.code = ?9)"                                          \
    " AND (?10 IS NULL OR " HH_COUPON_STATUS_SQL("c", "?11") " = ?10)"
#define CP_ITEMS(drive)                                                                                        \
    "SELECT c.id, c.code, c.template_id, t.name AS template_name, t.kind, t.brand_id, c.batch_id,"             \
    " c.member_id, m.phone AS member_phone, m.name AS member_name, c.campaign_id, c.touchpoint_id,"             \
    " c.source, " HH_COUPON_STATUS_SQL("c", "?11") " AS status, c.valid_from, c.valid_to, c.issued_at,"         \
    " c.claimed_at, c.issued_store_id, c.issued_by_staff_id, c.redeemed_at, c.redemption_id,"                  \
    " c.voided_at, c.void_reason" CP_FROM(drive) " ORDER BY c.id DESC LIMIT ?12 OFFSET ?13"
static const struct {
    const char *items, *count;
} coupon_lists[] = {
    {CP_ITEMS("c.code = ?9"), "SELECT count(*)" CP_FROM("c.code = ?9")},
    {CP_ITEMS("c.member_id = ?6"), "SELECT count(*)" CP_FROM("c.member_id = ?6")},
    {CP_ITEMS("c.batch_id = ?7"), "SELECT count(*)" CP_FROM("c.batch_id = ?7")},
    {CP_ITEMS("c.template_id = ?5"), "SELECT count(*)" CP_FROM("c.template_id = ?5")},
};

hh_status hh_h_coupons_list(hh_req *r)
{
    int64_t limit, offset, template_id, member_id, batch_id, campaign_id;
    hh_status st;
    if ((st = staff_refused(r)) || (st = hh_query_page(r, &limit, &offset)) ||
        (st = hh_query_id(r, "template_id", &template_id)) || (st = hh_query_id(r, "member_id", &member_id)) ||
        (st = hh_query_id(r, "batch_id", &batch_id)) || (st = hh_query_id(r, "campaign_id", &campaign_id)))
        return st;
    const char *status = hh_query(r, "status"), *code_in = hh_query(r, "code");
    if (status && !*status) status = NULL;
    if (code_in && !*code_in) code_in = NULL;
    static const char *const statuses[] = {"issued", "redeemed", "expired", "voided"};
    bool known = !status;
    for (size_t i = 0; status && i < HH_ARRAY_LEN(statuses); i++) known |= !strcmp(status, statuses[i]);
    if (!known)
        return hh_fail(r, HH_E_INVALID, "status", "status 须为 issued、redeemed、expired 或 voided",
                       "status must be issued, redeemed, expired or voided");
    char code[HH_CODE_LEN + 1] = "";
    if (code_in && !hh_reward_code_parse(code_in, code))
        return hh_fail(r, HH_E_INVALID, "code", "券码格式不对（12 位字母数字）", "A coupon code has 12 letters and digits");
    int q = *code ? 0 : member_id ? 1 : batch_id ? 2 : template_id ? 3 : -1;
    if (q < 0)
        return hh_fail(r, HH_E_INVALID, "template_id", "请指定优惠券模板、会员、批次或券码",
                       "Give template_id, member_id, batch_id or code");
    hh_db *db = hh_store_reader(r->app->store);
    int64_t now = hh_now_ms();
    json_t *items;
    st = hh_db_query(db, &items, coupon_lists[q].items,
                     HH_A(HH_SCOPE_ARGS(r), HH_I(template_id), HH_I(member_id), HH_I(batch_id), HH_I(campaign_id),
                          HH_S(code), HH_S(status), HH_I(now), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *c;
    json_array_foreach(items, i, c) mask(c);
    return hh_list_reply(r, db, items, coupon_lists[q].count,
                         HH_A(HH_SCOPE_ARGS(r), HH_I(template_id), HH_I(member_id), HH_I(batch_id),
                              HH_I(campaign_id), HH_S(code), HH_S(status), HH_I(now)));
}

hh_status hh_h_coupon_get(hh_req *r)
{
    hh_status st = staff_refused(r);
    if (st) return st;
    hh_db *db = hh_store_reader(r->app->store);
    json_t *c;
    if ((st = coupon_get(db, r->path_id, &c))) return st;
    json_t *red = NULL;
    if (json_is_integer(json_object_get(c, "redemption_id")) &&
        hh_db_one(db, &red,
                  "SELECT rd.id, rd.store_id, s.name AS store_name, rd.staff_id, sf.name AS staff_name, rd.method,"
                  " rd.order_amount_fen, rd.at, rd.undone_at, rd.undo_reason FROM redemptions rd JOIN stores s"
                  " ON s.id = rd.store_id LEFT JOIN staff sf ON sf.id = rd.staff_id WHERE rd.id = ?",
                  HH_A(HH_I(json_integer_value(json_object_get(c, "redemption_id"))))) != HH_OK)
        red = NULL;
    json_object_set_new(c, "redemption", red ? red : json_null());
    hh_reply(r, 200, c);
    return HH_OK;
}

/* ---- issue to members ---- */

typedef struct {
    int64_t ids[MAX_ISSUE];
    int n;
} issue_in;

static hh_status issue_write(hh_db *tx, hh_req *r)
{
    issue_in *in = r->ud;
    json_t *t;
    hh_status st = hh_db_one(tx, &t, "SELECT status, validity, valid_to FROM coupon_templates WHERE id = ?",
                             HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, t);
    if (strcmp(json_string_value(json_object_get(t, "status")), "active"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "id", "该优惠券已归档，不能再发放", "This coupon template is archived");
    if (!strcmp(json_string_value(json_object_get(t, "validity")), "fixed") &&
        json_integer_value(json_object_get(t, "valid_to")) <= hh_now_ms())
        return hh_fail(r, HH_E_UNPROCESSABLE, "id", "该优惠券的有效期已结束", "This coupon's validity has ended");
    json_t *results = hh_req_own(r, json_array());
    json_t *issued_ids = hh_req_own(r, json_array());
    int64_t issued = 0;
    for (int i = 0; i < in->n; i++) {
        int64_t live = 0;
        if ((st = hh_db_int(tx, &live,
                            "SELECT count(*) FROM members WHERE id = ? AND enterprise_id = ? AND status = 'live'",
                            HH_A(HH_I(in->ids[i]), HH_I(r->who.enterprise_id)))))
            return st;
        if (!live) {
            json_array_append_new(results, json_pack("{s:I, s:s, s:s, s:s}", "member_id", (json_int_t)in->ids[i],
                                                     "status", "refused", "reason", "member_not_found", "message",
                                                     r->lang_en ? "No such member" : "会员不存在"));
            continue;
        }
        hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = in->ids[i], .source = "admin"};
        int64_t coupon_id = 0;
        char code[HH_CODE_LEN + 1];
        st = hh_coupon_grant(tx, r, &g, r->path_id, &coupon_id, code);
        if (st == HH_OK) {
            issued++;
            json_array_append_new(issued_ids, json_integer(coupon_id));
            json_array_append_new(results, json_pack("{s:I, s:s, s:I, s:s}", "member_id", (json_int_t)in->ids[i],
                                                     "status", "issued", "coupon_id", (json_int_t)coupon_id, "code", code));
            continue;
        }
        if (st != HH_E_UNPROCESSABLE && st != HH_E_NOT_FOUND) return st;
        /* a refusal of this member: report it and go on with the next */
        const char *field = r->err.field ? r->err.field : "";
        const char *reason = !strcmp(field, "limit") ? "per_member_limit" : "quantity_exhausted";
        json_array_append_new(results, json_pack("{s:I, s:s, s:s, s:s}", "member_id", (json_int_t)in->ids[i], "status",
                                                 "refused", "reason", reason, "message",
                                                 r->lang_en ? r->err.en : r->err.zh));
        memset(&r->err, 0, sizeof r->err);
    }
    json_t *summary = hh_req_own(r, json_pack("{s:I, s:I, s:I, s:O}", "requested", (json_int_t)in->n, "issued",
                                              (json_int_t)issued, "refused", (json_int_t)(in->n - issued),
                                              "coupon_ids", issued_ids));
    if ((st = hh_audit(tx, r, "coupon_template.issue", "coupon_template", r->path_id, NULL, summary))) return st;
    hh_reply(r, 200, json_pack("{s:I, s:I, s:I, s:I, s:O}", "template_id", (json_int_t)r->path_id, "requested",
                               (json_int_t)in->n, "issued", (json_int_t)issued, "refused", (json_int_t)(in->n - issued),
                               "results", results));
    return HH_OK;
}

hh_status hh_h_coupon_template_issue(hh_req *r)
{
    static const char *const allowed[] = {"member_ids", NULL};
    issue_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_ids(r, "member_ids", true, MAX_ISSUE, in->ids, &in->n, NULL)))
        return st;
    if (!in->n) return hh_fail(r, HH_E_INVALID, "member_ids", "请选择至少一位会员", "Choose at least one member");
    return hh_req_write(r, issue_write);
}

/* ---- void ---- */

static hh_status void_write(hh_db *tx, hh_req *r)
{
    const char *reason = r->ud;
    json_t *before, *after;
    hh_status st = coupon_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    const char *status = json_string_value(json_object_get(before, "status"));
    if (!strcmp(status, "redeemed"))
        return hh_fail(r, HH_E_CONFLICT, "id", "该券已核销，不能作废（需要时请先撤销核销）",
                       "This coupon was redeemed; undo the redemption first if needed");
    if (!strcmp(status, "voided")) return hh_fail(r, HH_E_CONFLICT, "id", "该券已作废", "This coupon is already voided");
    int64_t now = hh_now_ms();
    hh_result res = {0};
    if ((st = hh_db_run(tx, &res,
                        "UPDATE coupons SET status = 'voided', voided_at = ?, void_reason = ? WHERE id = ? AND status = 'issued'",
                        HH_A(HH_I(now), HH_S(reason), HH_I(r->path_id)))))
        return st;
    HH_CHECK(res.changes == 1);
    /* the unit goes back to the template's quantity */
    if ((st = hh_db_run(tx, NULL, "UPDATE coupon_templates SET issued = issued - 1 WHERE id = ? AND issued > 0",
                        HH_A(HH_I(json_integer_value(json_object_get(before, "template_id")))))))
        return st;
    if (json_is_integer(json_object_get(before, "member_id"))) {
        hh_grant g = {.enterprise_id = r->who.enterprise_id,
                      .member_id = json_integer_value(json_object_get(before, "member_id")),
                      .campaign_id = json_integer_value(json_object_get(before, "campaign_id")),
                      .source = "admin"};
        json_t *props = hh_req_own(r, json_pack("{s:I, s:I, s:s}", "coupon_id", (json_int_t)r->path_id, "template_id",
                                                json_integer_value(json_object_get(before, "template_id")), "reason", reason));
        if ((st = hh_reward_event(tx, "coupon.voided", &g, json_integer_value(json_object_get(before, "brand_id")), props)))
            return st;
    }
    if ((st = coupon_get(tx, r->path_id, &after))) return st;
    if ((st = hh_audit(tx, r, "coupon.void", "coupon", r->path_id, before, after))) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_coupon_void(hh_req *r)
{
    static const char *const allowed[] = {"reason", NULL};
    const char *reason = NULL;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "reason", true, 200, &reason, NULL)))
        return st;
    r->ud = (void *)reason;
    return hh_req_write(r, void_write);
}
