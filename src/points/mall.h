/* mall.h — the gift mall, referrals and star members (routes in mall_routes.inc). */
#ifndef HH_POINTS_MALL_H
#define HH_POINTS_MALL_H
#include "http/http.h"
#include "store/store.h"

/* gifts (admin) */
hh_status hh_h_gifts_list(hh_req *r);
hh_status hh_h_gift_create(hh_req *r);
hh_status hh_h_gift_get(hh_req *r);
hh_status hh_h_gift_update(hh_req *r);
/* orders (admin) */
hh_status hh_h_gift_orders_list(hh_req *r);
hh_status hh_h_gift_order_get(hh_req *r);
hh_status hh_h_gift_order_ready(hh_req *r);
hh_status hh_h_gift_order_ship(hh_req *r);
hh_status hh_h_gift_order_complete(hh_req *r);
hh_status hh_h_gift_order_cancel(hh_req *r);
/* member */
hh_status hh_h_member_gifts(hh_req *r);
hh_status hh_h_member_gift_orders(hh_req *r);
hh_status hh_h_member_gift_order_create(hh_req *r);
hh_status hh_h_member_gift_order_cancel(hh_req *r);
hh_status hh_h_member_stores(hh_req *r);
/* counter */
hh_status hh_h_counter_gift_orders(hh_req *r);
hh_status hh_h_counter_gift_handover(hh_req *r);

/* ---- referrals (referral.c) ---- */
/* A member registered through touchpoint_id: when it is a member's referral
 * link, record the referral (and reward it at once when the condition is
 * registration). Runs in the caller's write; r is not needed. */
hh_status hh_referral_on_register(hh_db *tx, int64_t enterprise_id, int64_t member_id, int64_t touchpoint_id,
                                  const char *device_id);
/* The referred member did something that may meet the referral's condition:
 * what = "purchase" (an approved receipt) or "redemption" (a counter redemption). */
hh_status hh_referral_progress(hh_db *tx, int64_t member_id, const char *what);
hh_status hh_h_member_referral(hh_req *r);
hh_status hh_h_member_referral_qr(hh_req *r);
hh_status hh_h_referrals_list(hh_req *r);
hh_status hh_h_referral_approve(hh_req *r);
hh_status hh_h_referral_reject(hh_req *r);
hh_status hh_h_referral_settings_get(hh_req *r);
hh_status hh_h_referral_settings_put(hh_req *r);

/* The demo enterprise's gifts (huohua demo). */
hh_status hh_demo_mall(hh_store *store, int64_t enterprise_id);

/* ---- star members (star.c) ---- */
hh_status hh_h_star_members(hh_req *r);
hh_status hh_h_star_ambassador(hh_req *r);

#endif
