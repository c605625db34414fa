/*
 * receipt.h — receipts with amount tiers (receipt.c, receipt_tiers.c) and
 * store events with registration, waitlist, reminders and check-in
 * (activity.c). Routes in receipt_routes.inc.
 */
#ifndef HH_REWARD_RECEIPT_H
#define HH_REWARD_RECEIPT_H
#include "http/http.h"

/* The largest receipt photo accepted (bytes). */
#define HH_RECEIPT_PHOTO_MAX (5 << 20)

/* ---- receipts: member (H5) ---- */
hh_status hh_h_member_receipt_photo(hh_req *r);   /* upload: the photo → a photo token */
hh_status hh_h_member_receipt_create(hh_req *r);  /* the receipt's fields + photo token */
hh_status hh_h_member_receipts(hh_req *r);        /* my receipts, newest first */
hh_status hh_h_member_receipt_stores(hh_req *r);  /* stores of a brand to choose from */

/* ---- receipts: review (admin console, staff app) ---- */
hh_status hh_h_receipts_list(hh_req *r);
hh_status hh_h_receipt_get(hh_req *r);
hh_status hh_h_receipt_photo(hh_req *r);
hh_status hh_h_receipt_approve(hh_req *r);
hh_status hh_h_receipt_reject(hh_req *r);

/* ---- amount tiers (admin console) ---- */
hh_status hh_h_receipt_tiers_list(hh_req *r);
hh_status hh_h_receipt_tier_create(hh_req *r);
hh_status hh_h_receipt_tier_get(hh_req *r);
hh_status hh_h_receipt_tier_update(hh_req *r);
hh_status hh_h_receipt_tier_delete(hh_req *r);

/* ---- store events ---- */
hh_status hh_h_activities_list(hh_req *r);
hh_status hh_h_activity_create(hh_req *r);
hh_status hh_h_activity_get(hh_req *r);
hh_status hh_h_activity_update(hh_req *r);
hh_status hh_h_activity_signups(hh_req *r);
hh_status hh_h_activity_checkin(hh_req *r);
hh_status hh_h_activity_no_shows(hh_req *r);
hh_status hh_h_member_activities(hh_req *r);
hh_status hh_h_member_activity_get(hh_req *r);
hh_status hh_h_member_activity_signup(hh_req *r);
hh_status hh_h_member_activity_cancel(hh_req *r);

/* Periodic work of the module, called by the serve loop every second (returns
 * at once when nothing is due): event reminders through the SMS outbox every
 * 10 s, and every 10 minutes the removal of uploaded receipt photos that no
 * receipt took within a day. Never on an HTTP thread. */
void hh_receipts_tick(hh_app *app);
/* The reminder pass alone (also used by tests through the tick). */
void hh_activity_reminders(hh_app *app);

/* Demo data: amount tiers for Lumina and two upcoming store events. */
hh_status hh_demo_receipts(hh_store *store);

#endif
