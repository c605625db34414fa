/*
 * envelope.h — red envelopes (红包) and trial samples (试用装): the handlers of
 * this module (routes in envelope_routes.inc), the payout dispatcher and the
 * demo data.
 *
 * Red envelopes: a pool (envelope_pools) holds a budget and a count; each
 * envelope is drawn from it by hh_envelope_grant (reward/grant.c), so the
 * budget is never exceeded. An envelope is pending until the payout provider
 * pays it (paid) or gives up (failed); an administrator may retry a failed
 * one. See envelope_payout.c for the providers.
 *
 * Trial samples: an offer (sample_offers) with stock, a window and a shipping
 * fee the member owes (0: free shipping); one live request per member and
 * offer; requested → shipped → delivered, or cancelled (the unit goes back to
 * stock). Fulfilment: export the queue as CSV or Excel, import tracking
 * numbers from a CSV (sample_fulfil.c).
 */
#ifndef HH_REWARD_ENVELOPE_H
#define HH_REWARD_ENVELOPE_H
#include "http/http.h"

/* ---- red envelope pools and envelopes (admin console) ---- */
hh_status hh_h_envelope_pools_list(hh_req *r);
hh_status hh_h_envelope_pool_create(hh_req *r);
hh_status hh_h_envelope_pool_get(hh_req *r);
hh_status hh_h_envelope_pool_update(hh_req *r);
hh_status hh_h_envelope_pool_delete(hh_req *r);
hh_status hh_h_envelope_pool_close(hh_req *r);
hh_status hh_h_envelopes_list(hh_req *r);
hh_status hh_h_envelope_get(hh_req *r);
hh_status hh_h_envelope_retry(hh_req *r);

/* ---- red envelopes (member H5) ---- */
hh_status hh_h_member_envelope_pools(hh_req *r);
hh_status hh_h_member_envelope_claim(hh_req *r);
hh_status hh_h_member_envelopes(hh_req *r);

/* ---- trial samples (admin console) ---- */
hh_status hh_h_sample_offers_list(hh_req *r);
hh_status hh_h_sample_offer_create(hh_req *r);
hh_status hh_h_sample_offer_get(hh_req *r);
hh_status hh_h_sample_offer_update(hh_req *r);
hh_status hh_h_sample_offer_delete(hh_req *r);
hh_status hh_h_sample_requests_list(hh_req *r);
hh_status hh_h_sample_request_get(hh_req *r);
hh_status hh_h_sample_request_ship(hh_req *r);
hh_status hh_h_sample_request_deliver(hh_req *r);
hh_status hh_h_sample_request_cancel(hh_req *r);
hh_status hh_h_sample_requests_export(hh_req *r);
hh_status hh_h_sample_tracking_import(hh_req *r);

/* ---- trial samples (member H5) ---- */
hh_status hh_h_member_sample_offers(hh_req *r);
hh_status hh_h_member_sample_offer(hh_req *r);
hh_status hh_h_member_sample_request(hh_req *r);
hh_status hh_h_member_samples(hh_req *r);
hh_status hh_h_member_sample_cancel(hh_req *r);

/* ---- payout of red envelopes (envelope_payout.c) ----
 * One thread pays pending envelopes through the configured provider (cfg
 * payout_provider: "log" or "http") and records paid / failed with their
 * events. Started by `huohua serve`; stop drains nothing (a pending envelope
 * stays pending and is paid after the next start). */
void hh_payout_dispatcher_start(hh_app *app);
void hh_payout_dispatcher_stop(void);
/* Wake the dispatcher now (after a grant commits); safe from any thread. */
void hh_payout_kick(void);

/* ---- demo data: a Lumina red envelope pool and a sample offer (idempotent) ---- */
hh_status hh_demo_envelopes(hh_store *store);

/* ---- internal, shared by envelope*.c and sample*.c ---- */
/* May the principal create marketing objects of brand_id? 403 naming brand_id. */
hh_status hh__reward_brand_scope(hh_req *r, int64_t brand_id);
/* Inside the write: the brand is live in the principal's enterprise; the
 * campaign (0: none) is of the enterprise and that brand and not over. */
hh_status hh__reward_refs(hh_db *tx, hh_req *r, int64_t brand_id, int64_t campaign_id);
/* Replace row[key] (an E.164 phone) by row[masked_key], masked. */
void hh__mask_phone(json_t *row, const char *key, const char *masked_key);

/* ---- offers: envelope pools and sample offers alike (offer.c) ---- */
/* What one kind of offer is made of. The SQL is complete text: get_sql binds
 * ?1 the id; list_sql ?1-?4 the scope (HH_SCOPE_ARGS), ?5 brand_id, ?6
 * campaign_id (0: any), ?7 status, ?8 q (part of the name; NULL: any), ?9
 * limit, ?10 offset; count_sql the same ?1-?8; used_sql and delete_sql ?1 the
 * id. */
typedef struct hh__offer_kind {
    const char *get_sql, *list_sql, *count_sql;
    void (*decorate)(json_t *row);     /* adds to each row read; NULL: nothing */
    const char *used_sql;              /* how many things refer to the offer: 0 or refused */
    const char *used_zh, *used_en;     /* the refusal (422 naming "id") */
    const char *delete_sql;
    const char *entity, *delete_action; /* of the audit entry */
} hh__offer_kind;
/* The filter list_sql and count_sql end with, for offers aliased a (a string
 * literal) with the columns enterprise_id, brand_id, campaign_id, status and
 * name. */
#define HH__OFFER_WHERE(a)                                                                            \
    " WHERE " a ".enterprise_id = ?1 AND " HH_SCOPE_BRAND_ID(a ".brand_id") " AND (?5 = 0 OR " a      \
    ".brand_id = ?5) AND (?6 = 0 OR " a ".campaign_id = ?6) AND (?7 IS NULL OR " a ".status = ?7) AND" \
    " (?8 IS NULL OR instr(" a ".name, ?8) > 0)"
/* An offer's status is active or closed: 400 naming "status" otherwise. */
hh_status hh__offer_status_check(hh_req *r, const char *status);
/* One offer by id (HH_E_NOT_FOUND when there is none), decorated. */
hh_status hh__offer_get(hh_db *db, const hh__offer_kind *k, int64_t id, json_t **out);
/* The handlers: list (query brand_id, campaign_id, status, q and the page)
 * and delete {id} (refused while used_sql counts anything). */
hh_status hh__offer_list(hh_req *r, const hh__offer_kind *k);
hh_status hh__offer_delete(hh_req *r, const hh__offer_kind *k);
/* The start of a create: a JSON body of the allowed fields (NULL-terminated),
 * brand_id (required) and campaign_id (optional: left as it is). */
hh_status hh__offer_read_owner(hh_req *r, const char *const *allowed, int64_t *brand_id, int64_t *campaign_id);
/* A read handler: answer 200 with the row get finds for the path's {id}. */
hh_status hh__reply_get(hh_req *r, hh_status (*get)(hh_db *db, int64_t id, json_t **out));
/* The end of a write that changed entity id: audit it (before may be NULL)
 * and answer status with after (stolen, released on failure). */
hh_status hh__audit_reply(hh_db *tx, hh_req *r, const char *action, const char *entity, int64_t id, json_t *before,
                          json_t *after, int status);
/* A body that must be empty or {}: HH_OK, or the error of hh_body /
 * hh_fields_only. */
hh_status hh__empty_body(hh_req *r);
/* Ship sample request id (requested or shipped; the caller checked) with a
 * carrier and tracking number: the first time it records sample.shipped;
 * again with another number it corrects the number; with the same number it
 * changes nothing. *outcome says which. */
enum { HH_SHIP_UNCHANGED, HH_SHIP_SHIPPED, HH_SHIP_UPDATED };
hh_status hh__sample_ship(hh_db *tx, int64_t id, const char *carrier, const char *tracking_no, int *outcome);
/* The demo sample offer, inside hh_demo_envelopes' write (sample.c). */
hh_status hh__demo_samples(hh_db *tx, int64_t enterprise_id, int64_t brand_id);

#endif
