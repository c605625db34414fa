/*
 * coupon.h — coupons (优惠券, SPEC.md §3.5): templates, issue by admins,
 * voiding, batches of printed codes, and the member's side (claim, wallet,
 * campaign landing). Routes under "coupons" at the bottom of
 * campaign_routes.inc.
 *
 * A coupon's status is stored as issued / redeemed / voided; one that is still
 * "issued" after its valid_to reads as "expired" everywhere: it is computed on
 * read with HH_COUPON_STATUS_SQL (nothing sweeps the column), so whoever
 * redeems must check valid_from/valid_to too. A batch code of a relative
 * template has no validity until a member claims it.
 */
#ifndef HH_REWARD_COUPON_H
#define HH_REWARD_COUPON_H
#include "http/http.h"

/* The status of coupon row alias c at time ?now (SQL expression). */
#define HH_COUPON_STATUS_SQL(c, now)                                                            \
    "(CASE WHEN " c ".status = 'issued' AND " c ".valid_to IS NOT NULL AND " c ".valid_to <= " now \
    " THEN 'expired' ELSE " c ".status END)"

/* templates (coupon.c) */
hh_status hh_h_coupon_templates_list(hh_req *r);
hh_status hh_h_coupon_template_create(hh_req *r);
hh_status hh_h_coupon_template_get(hh_req *r);
hh_status hh_h_coupon_template_update(hh_req *r);
hh_status hh_h_coupon_template_archive(hh_req *r);

/* issued coupons: issue by admin, void, list (coupon_issue.c) */
hh_status hh_h_coupon_template_issue(hh_req *r);
hh_status hh_h_coupons_list(hh_req *r);
hh_status hh_h_coupon_get(hh_req *r);
hh_status hh_h_coupon_void(hh_req *r);

/* batches of printed codes (coupon_batch.c) */
hh_status hh_h_coupon_batch_create(hh_req *r);
hh_status hh_h_coupon_batches_list(hh_req *r);
hh_status hh_h_coupon_batch_get(hh_req *r);
hh_status hh_h_coupon_batch_codes(hh_req *r);
/* Resume batches left running by a stopped server (called at start). */
void hh_coupon_batches_resume(hh_app *app);

/* the member's side (coupon_member.c) */
hh_status hh_h_member_coupon_claim(hh_req *r);
hh_status hh_h_member_coupons(hh_req *r);
hh_status hh_h_member_coupon_qr(hh_req *r);
hh_status hh_h_member_campaign(hh_req *r);

/* demo data: a live campaign of Lumina with two claimable templates */
hh_status hh_demo_coupons(hh_store *store);

#endif
