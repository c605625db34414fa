/*
 * member.h — members sign in on the member H5 with their phone number and a
 * one-time SMS code. The phone number (E.164) is the one ID of a person.
 */
#ifndef HH_MEMBER_H
#define HH_MEMBER_H

#include "http/http.h"

hh_status hh_h_member_context(hh_req *r);
hh_status hh_h_member_otp(hh_req *r);
hh_status hh_h_member_login(hh_req *r);
hh_status hh_h_member_logout(hh_req *r);
hh_status hh_h_member_me(hh_req *r);
hh_status hh_h_sms_outbox(hh_req *r);

/* Lifecycle thresholds of an enterprise, in days (enterprise_settings,
 * with these defaults): new for new_days after registration; active while
 * the last activity is within dormant_days; dormant until churn_days; churned
 * after; reactivated for reactivated_days after a dormant or churned member
 * came back. An imported legacy member who has not been active here since is
 * dormant (that is why they were imported). */
typedef struct hh_lifecycle {
    int64_t new_days, dormant_days, churn_days, reactivated_days;
} hh_lifecycle;
hh_status hh_lifecycle_load(hh_db *db, int64_t enterprise_id, hh_lifecycle *out);
/* The state of member row m (fields status, created_at, last_active_at,
 * reactivated_at) at time now. */
const char *hh_lifecycle_of(const hh_lifecycle *lc, int64_t now, json_t *m);
/* The SQL expression of a member's lifecycle state for table alias m, with
 * the thresholds bound as ?LC_NOW ?LC_NEW ?LC_DORMANT ?LC_CHURN ?LC_REACT — see
 * HH_LIFECYCLE_ARGS. Callers number these parameters 21..25. */
#define HH_LIFECYCLE_SQL(m)                                                                        \
    "(CASE WHEN " m ".status <> 'live' THEN " m ".status WHEN " m ".reactivated_at > ?21 - ?25"   \
    " THEN 'reactivated' WHEN " m ".registered_via = 'import' AND " m ".last_active_at IS NULL"     \
    " THEN 'dormant' WHEN " m ".created_at > ?21 - ?22 THEN 'new' WHEN coalesce(" m            \
    ".last_active_at, " m ".created_at) > ?21 - ?23 THEN 'active' WHEN coalesce(" m               \
    ".last_active_at, " m ".created_at) > ?21 - ?24 THEN 'dormant' ELSE 'churned' END)"
#define HH_DAY_MS 86400000LL

/* Who identified, and how: the one place where a phone number becomes a
 * member. Finds the live member of the phone (following merges) or registers
 * one; a member inactive for dormant_days or more is recorded as reactivated;
 * the device's anonymous scans are linked; ownership defaults to the staff of
 * the first touch, or `staff_id` when a promoter registers the person. Emits
 * member.registered / member.reactivated / member.identified events. Runs
 * inside the caller's write. */
typedef struct hh_identify {
    int64_t enterprise_id;
    const char *phone;       /* E.164 */
    const char *via;         /* "h5", "counter", "import", "pos" */
    const char *device_id;   /* may be NULL */
    int64_t staff_id, store_id; /* the promoter registering the person, or 0 */
    /* out */
    int64_t member_id;
    bool created, reactivated;
} hh_identify;
hh_status hh_member_identify(hh_db *tx, hh_identify *id);

/* Append an analytics event inside the caller's write. props may be NULL (not stolen). */
hh_status hh_event(hh_db *tx, int64_t enterprise_id, const char *kind, int64_t member_id,
                   int64_t touchpoint_id, int64_t brand_id, int64_t store_id, int64_t staff_id,
                   const char *device_id, json_t *props);

/* The OTP check shared by member sign-in and counter registration: consumes
 * the code on success, counts a wrong attempt (sets r->keep_changes). */
hh_status hh_otp_verify(hh_db *tx, hh_req *r, int64_t enterprise_id, const char *phone, const char *code);
/* Issue a code (rate limits inside); answers {sent, resend_after_ms, expires_at}. */
hh_status hh_otp_issue(hh_db *tx, hh_req *r, int64_t enterprise_id, const char *phone);

/* A member as the member sees itself (phone masked). */
hh_status hh_member_self_json(hh_db *db, int64_t id, json_t **out);

/* member self-service (member session) */
hh_status hh_h_member_update(hh_req *r);
hh_status hh_h_member_consents(hh_req *r);
hh_status hh_h_member_addresses(hh_req *r);
hh_status hh_h_member_address_create(hh_req *r);
hh_status hh_h_member_address_update(hh_req *r);
hh_status hh_h_member_address_delete(hh_req *r);
hh_status hh_h_member_qr(hh_req *r);

/* counter (staff app) */
hh_status hh_h_counter_otp(hh_req *r);
hh_status hh_h_counter_register(hh_req *r);
hh_status hh_h_counter_members(hh_req *r);
hh_status hh_h_counter_lookup(hh_req *r);

/* admin console */
hh_status hh_h_members_list(hh_req *r);
hh_status hh_h_member_get(hh_req *r);
hh_status hh_h_member_timeline(hh_req *r);
hh_status hh_h_member_admin_update(hh_req *r);
hh_status hh_h_member_identity_add(hh_req *r);
hh_status hh_h_member_identity_delete(hh_req *r);
hh_status hh_h_member_owner(hh_req *r);
hh_status hh_h_members_transfer(hh_req *r);
hh_status hh_h_members_merge(hh_req *r);
hh_status hh_h_member_erase(hh_req *r);
hh_status hh_h_members_export(hh_req *r);

/* imports (member/imports.c) */
hh_status hh_h_imports_list(hh_req *r);
hh_status hh_h_import_create(hh_req *r);
hh_status hh_h_import_get(hh_req *r);
hh_status hh_h_import_errors(hh_req *r);
/* Mark imports left running by a stopped server as failed (the file is kept:
 * importing it again is safe). */
void hh_imports_recover(hh_app *app);

/* lifecycle thresholds (member/settings.c) */
hh_status hh_h_lifecycle_get(hh_req *r);
hh_status hh_h_lifecycle_put(hh_req *r);

/* tags */
hh_status hh_h_tags_list(hh_req *r);
hh_status hh_h_tag_create(hh_req *r);
hh_status hh_h_tag_update(hh_req *r);
hh_status hh_h_tag_delete(hh_req *r);
hh_status hh_h_tag_apply(hh_req *r);
/* Re-materialise every rule tag (housekeeping; never on an HTTP thread). */
void hh_tags_recompute_all(hh_store *store);

/* SMS: queue a message in the outbox inside the caller's write and hand it to
 * the configured provider. kind is "otp", "marketing" (marketing messages get
 * the opt-out line) or "service" (a transactional notice such as an event
 * reminder: no consent needed, no opt-out line). */
hh_status hh_sms_send(hh_db *tx, hh_req *r, int64_t enterprise_id, const char *phone,
                      const char *kind, const char *text);
/* The same outside a request (housekeeping): provider is the configured one
 * (app->cfg.sms_provider; NULL = "log"). */
hh_status hh_sms_queue(hh_db *tx, const char *provider, int64_t enterprise_id, const char *phone,
                       const char *kind, const char *text);
/* The http provider's delivery thread (member/sms_http.c). */
void hh_sms_dispatcher_start(hh_app *app);
void hh_sms_dispatcher_stop(void);

#endif
