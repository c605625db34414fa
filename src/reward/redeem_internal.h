/*
 * redeem_internal.h — what crosses files inside counter redemption (hh__
 * prefix): redeem.c (wallet, redeem, undo), redeem_issue.c (staff hand out
 * coupons), redeem_admin.c (lists, settings, demo).
 */
#ifndef HH_REWARD_REDEEM_INTERNAL_H
#define HH_REWARD_REDEEM_INTERNAL_H
#include "reward/reward.h"

static inline int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static inline const char *sget(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* A coupon with what a counter needs to judge it at store ?2: brand_ok (the
 * store serves a brand the template is valid for: its listed brands, or its
 * own brand when none is listed), stores_listed / store_listed (the template
 * names stores, and this one), and where and when it was redeemed. */
#define HH__COUPON_COLS                                                                                         \
    "SELECT c.id, c.code, c.member_id, c.status, c.valid_from, c.valid_to, c.issued_at, c.source,"          \
    " c.redeemed_at, c.redemption_id, c.voided_at, c.void_reason, c.campaign_id, c.template_id,"            \
    " t.name, t.description, t.kind, t.value_fen, t.discount_pct, t.min_spend_fen, t.gift_name, t.image,"   \
    " t.brand_id, b.name AS brand_name, cp.name AS campaign_name,"                                           \
    " CASE WHEN EXISTS (SELECT 1 FROM coupon_template_brands WHERE template_id = t.id) THEN EXISTS (SELECT 1"   \
    " FROM coupon_template_brands tb JOIN store_brands sb ON sb.store_id = ?2 AND sb.brand_id = tb.brand_id"  \
    " WHERE tb.template_id = t.id) ELSE EXISTS (SELECT 1 FROM store_brands WHERE store_id = ?2"               \
    " AND brand_id = t.brand_id) END AS brand_ok,"                                                            \
    " (SELECT count(*) FROM coupon_template_stores WHERE template_id = t.id) AS stores_listed,"             \
    " EXISTS (SELECT 1 FROM coupon_template_stores WHERE template_id = t.id AND store_id = ?2) AS"          \
    " store_listed,"                                                                                        \
    " CASE WHEN EXISTS (SELECT 1 FROM coupon_template_brands WHERE template_id = t.id) THEN (SELECT"            \
    " group_concat(x.name, '、') FROM coupon_template_brands tb JOIN brands x ON x.id = tb.brand_id"          \
    " WHERE tb.template_id = t.id) ELSE b.name END AS valid_brands,"                                          \
    " rs.name AS redeemed_store_name, rst.name AS redeemed_staff_name"                                      \
    " FROM coupons c JOIN coupon_templates t ON t.id = c.template_id JOIN brands b ON b.id = t.brand_id"    \
    " LEFT JOIN campaigns cp ON cp.id = c.campaign_id LEFT JOIN redemptions rd ON rd.id = c.redemption_id"  \
    " LEFT JOIN stores rs ON rs.id = rd.store_id LEFT JOIN staff rst ON rst.id = rd.staff_id"

/* A redemption as lists and answers show it. */
#define HH__REDEMPTION_COLS                                                                                     \
    "SELECT rd.id, rd.coupon_id, c.code, c.template_id, t.name AS coupon_name, t.kind, t.value_fen,"         \
    " t.discount_pct, t.gift_name, rd.member_id, m.name AS member_name, m.phone AS member_phone,"           \
    " rd.brand_id, b.name AS brand_name, rd.store_id, s.name AS store_name, rd.staff_id,"                   \
    " st.name AS staff_name, rd.account_id, a.name AS account_name, rd.campaign_id,"                        \
    " cp.name AS campaign_name, rd.method, rd.order_amount_fen, rd.at, rd.undone_at, rd.undone_by,"         \
    " ua.name AS undone_by_name, rd.undo_reason"                                                            \
    " FROM redemptions rd JOIN coupons c ON c.id = rd.coupon_id JOIN coupon_templates t ON t.id = c.template_id" \
    " JOIN brands b ON b.id = rd.brand_id JOIN stores s ON s.id = rd.store_id"                              \
    " LEFT JOIN staff st ON st.id = rd.staff_id LEFT JOIN accounts a ON a.id = rd.account_id"               \
    " LEFT JOIN accounts ua ON ua.id = rd.undone_by LEFT JOIN members m ON m.id = rd.member_id"             \
    " LEFT JOIN campaigns cp ON cp.id = rd.campaign_id"

/* The undo window's enterprise_settings key and range (minutes; 0: no undo). */
#define HH_REDEEM_UNDO_KEY "redemption.undo_minutes"
#define HH_REDEEM_UNDO_MAX (7 * 24 * 60)
/* A stored setting as minutes (the default when missing or out of range). */
int64_t hh__undo_minutes_of(const char *value);

/* member_qr, coupon_code, phone_otp; NULL-terminated */
extern const char *const hh__redeem_methods[];

/* The counter a request works at: a staff member's own store; for brand
 * managers and the owner the store they name (`asked`), which must exist in
 * their enterprise and scope. Without a store a manager may still look (not
 * redeem): *out stays 0 when !required. Refusals name store_id. */
hh_status hh__redeem_store(hh_req *r, hh_db *db, int64_t asked, bool required, int64_t *out);
/* The live member behind id (following merges); 404 naming `field` when
 * there is none in this enterprise, or it was erased. */
hh_status hh__redeem_live_member(hh_req *r, hh_db *db, int64_t id, const char *field, int64_t *out);
/* Brand managers handle only their brands' coupons (others: true). */
bool hh__redeem_manages(const hh_principal *p, int64_t brand_id);
/* "****-****-WXYZ" (arena) */
const char *hh__code_masked(hh_req *r, const char *code);
/* Turn a HH__COUPON_COLS row into what the counter shows: usable here or why
 * not (in the request's language), the code masked unless show_code. */
void hh__coupon_decorate(hh_req *r, json_t *c, int64_t store_id, const char *tz, int64_t now, bool show_code);
/* One redemption (HH__REDEMPTION_COLS, decorated); HH_E_NOT_FOUND. */
hh_status hh__redemption_json(hh_req *r, hh_db *db, int64_t id, int64_t undo_minutes, json_t **out);
/* Mask the phone, add undo_until / undoable for the window, mask the code. */
void hh__redemption_decorate(hh_req *r, json_t *x, int64_t undo_minutes, int64_t now);

#endif
