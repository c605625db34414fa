/*
 * reward.h — campaigns and the benefits they hand out (SPEC.md §3.4, §3.5).
 *
 * The grant functions below are the one way a benefit reaches a member,
 * whatever caused it (a claim, a staff member, an approved receipt, a lottery
 * win, a level, points). Each runs inside the caller's write transaction,
 * checks the limits it owns (template quantity and per-member limit, envelope
 * pool budget), records an analytics event in the same transaction, and on
 * refusal records a localised error on r (r may be NULL outside a request)
 * and returns the status. Campaign limits are checked separately by
 * hh_campaign_admit, once per member action, by the handler of that action.
 *
 * Each module keeps its handlers in its own header and its routes in its own
 * *_routes.inc (included by src/http/routes.c).
 */
#ifndef HH_REWARD_H
#define HH_REWARD_H
#include "http/http.h"

/* Who receives a benefit and what caused it. */
typedef struct hh_grant {
    int64_t enterprise_id;
    int64_t member_id;
    int64_t campaign_id;             /* 0: none */
    int64_t touchpoint_id, store_id, staff_id; /* 0: unknown */
    const char *source;              /* coupons.source: claim, staff, admin, campaign, batch,
                                      * receipt, lottery, level, referral, points */
    int64_t source_id;               /* the receipt, draw, batch … that caused it; 0: none
                                      * (source "batch": the coupon's batch_id) */
} hh_grant;

/* hh_fail when r is non-NULL; the status either way. */
hh_status hh_reward_fail(hh_req *r, hh_status st, const char *field, const char *zh, const char *en);

/* ---- campaigns ---- */
/* The status a campaign has now: the stored one, except that a scheduled or
 * live campaign is "scheduled" before starts_at and "ended" after ends_at. */
const char *hh_campaign_status_now(const char *stored, int64_t starts_at, int64_t ends_at, int64_t now);
/* One more use of campaign g->campaign_id by g->member_id at g->store_id
 * (0: online), costing cost_fen of the budget: checks that it is live, the
 * member carries one of its target tags (if any), and the global, per-store,
 * per-member total and per-member daily limits and the budget; then counts the
 * use. Refusals: 404 campaign_id (unknown / foreign), 422 with field
 * "campaign_id" (not live, budget) or "limit" (a limit reached), 403 "member"
 * (not in the target tags). */
hh_status hh_campaign_admit(hh_db *tx, hh_req *r, const hh_grant *g, int64_t cost_fen);
/* hh_campaign_admit in two steps, for a write that refuses only before it
 * changes anything (hh_cmd.refuses_first): every check (changes nothing),
 * then the counting (refuses nothing; fails only on a storage error). */
hh_status hh_campaign_check(hh_db *tx, hh_req *r, const hh_grant *g, int64_t cost_fen);
hh_status hh_campaign_count(hh_db *tx, const hh_grant *g, int64_t cost_fen);
/* hh_campaign_count for a lottery draw (costs nothing of the budget): the
 * member's use is counted on day, the draw's local day, unless member_counted
 * (a free draw: hh_campaign_take_free_draw counted it). */
hh_status hh_campaign_count_draw(hh_db *tx, const hh_grant *g, const char *day, bool member_counted);
/* One of g's member's free draws of day and that day's use of the campaign,
 * counted together on the member's usage row (campaign_usage.n, .free_draws),
 * unless free_per_day (>= 1) of them are used already: then HH_E_CONFLICT
 * before any change, so a draw running without a savepoint may refuse there.
 * *used: the day's free draws, this one included. */
hh_status hh_campaign_take_free_draw(hh_db *tx, const hh_grant *g, const char *day, int64_t free_per_day, int64_t *used);
/* The enterprise's time zone (IANA), into out. */
void hh_enterprise_tz(hh_db *db, int64_t enterprise_id, char out[64]);

/* ---- codes ---- */
/* Coupon and pass codes: HH_CODE_LEN characters drawn by libsodium's CSPRNG
 * from a 32-letter alphabet without 0, 1, I and O (60 bits: at a billion
 * issued codes the space is still 10^9 times larger). */
#define HH_CODE_LEN 12
#define HH_CODE_ALPHABET "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
void hh_reward_code(char out[HH_CODE_LEN + 1]);
/* Normalise what a person typed (spaces, dashes, lower case) into out; false
 * when it cannot be a code. */
bool hh_reward_code_parse(const char *in, char out[HH_CODE_LEN + 1]);

/* ---- grants ---- */
/* Issue a coupon of template_id to g->member_id (member_id 0: an unassigned
 * batch code). Checks the template (active, brand of the enterprise, not past
 * its fixed window), its quantity and its per-member limit; computes the
 * validity (fixed window, or N local days from now). */
hh_status hh_coupon_grant(hh_db *tx, hh_req *r, const hh_grant *g, int64_t template_id,
                          int64_t *coupon_id, char code[HH_CODE_LEN + 1]);
/* Draw a red envelope from pool_id for g->member_id: a fixed amount, or a
 * random share of what is left (at least min_fen for every envelope still to
 * come). The pool's budget is never exceeded. The envelope is left pending
 * for the payout dispatcher. */
hh_status hh_envelope_grant(hh_db *tx, hh_req *r, const hh_grant *g, int64_t pool_id,
                            int64_t *envelope_id, int64_t *amount_fen);
/* Give g->member_id n draws of campaign_id's lottery (unused grants). */
hh_status hh_lottery_grant_draws(hh_db *tx, hh_req *r, const hh_grant *g, int64_t campaign_id, int n);

/* An analytics event with the grant's member, campaign, touchpoint, store and
 * staff, in the caller's transaction. props may be NULL (not stolen). */
hh_status hh_reward_event(hh_db *tx, const char *kind, const hh_grant *g, int64_t brand_id, json_t *props);
/* The same with props already as JSON text (hot paths that format it
 * themselves), at a given time: a draw's events take the draw's own time, which
 * with the draw_id in their props is how the draw finds them (migration 15). */
hh_status hh_reward_event_text(hh_db *tx, const char *kind, const hh_grant *g, int64_t brand_id, const char *props,
                               int64_t at);

#include "reward/campaign.h"
#include "reward/coupon.h"
#include "reward/redeem.h"
#include "reward/lottery.h"
#include "reward/envelope.h"
#include "reward/receipt.h"
#endif
