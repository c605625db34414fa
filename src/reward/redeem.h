/*
 * redeem.h — counter redemption (核销): staff verify the person (member QR,
 * or phone + SMS code) or read a coupon's code, see what the person holds and
 * whether each benefit can be used at this store, redeem one, and undo a
 * redemption within the enterprise's window. Routes in redeem_routes.inc.
 */
#ifndef HH_REWARD_REDEEM_H
#define HH_REWARD_REDEEM_H
#include "http/http.h"

/* counter (staff app; brand managers and the owner name the store) */
hh_status hh_h_counter_wallet(hh_req *r);        /* GET ?member_code= | ?code= [&store_id=] */
hh_status hh_h_counter_wallet_otp(hh_req *r);    /* POST {phone, code[, store_id]} */
hh_status hh_h_counter_redeem(hh_req *r);        /* POST /api/counter/redemptions */
hh_status hh_h_counter_redemptions(hh_req *r);   /* GET /api/counter/redemptions?day= */
hh_status hh_h_counter_templates(hh_req *r);     /* GET /api/counter/coupon-templates */
hh_status hh_h_counter_issue(hh_req *r);         /* POST /api/counter/coupons */
hh_status hh_h_redemption_undo(hh_req *r);       /* POST /api/redemptions/{id}/undo */

/* admin console */
hh_status hh_h_redemptions_list(hh_req *r);      /* GET /api/redemptions */
hh_status hh_h_redemption_get(hh_req *r);        /* GET /api/redemptions/{id} */
hh_status hh_h_redemption_settings_get(hh_req *r);
hh_status hh_h_redemption_settings_put(hh_req *r);

/* The enterprise's undo window in minutes (enterprise_settings key
 * "redemption.undo_minutes", default HH_REDEEM_UNDO_MINUTES; 0: no undo). */
#define HH_REDEEM_UNDO_MINUTES 30
int64_t hh_redeem_undo_minutes(hh_db *db, int64_t enterprise_id);

/* Demo data (huohua demo): counter benefits to hand out and redeem.
 * Idempotent. */
hh_status hh_demo_redeem(hh_store *store);

#endif
