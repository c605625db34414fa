/* points.h — the points ledger, earn rules, levels, gift mall, referrals and
 * star members (SPEC.md §3.6, §3.7): handlers and the functions other modules
 * call (routes in points_routes.inc and mall_routes.inc).
 *
 * ---- the ledger (ledger.c) ----
 * One points programme per enterprise (members are enterprise-wide). Points
 * move only in transactions whose entries sum to zero: each member has one
 * account; the programme has the accounts issued, redeemed, expired and
 * adjusted, one of each per funding brand (brand_id 0: the enterprise funds
 * them). A brand that funds an award or receives a spend is recorded on the
 * transaction and picks the programme account; the member's balance is one
 * number whatever the brand.
 *
 * Transactions are append-only. A correction is a new transaction naming the
 * one it corrects (reversal of an award or adjustment, refund of a spend);
 * each transaction is corrected at most once.
 *
 * Earned points form lots that expire by the enterprise's policy (default:
 * the end of the next calendar year in the enterprise's time zone). A spend
 * takes from the lots that expire first and records what it took from each
 * lot, so a refund returns the points to those lots (or, after a merge moved
 * them, to new lots with the original expiry). Expired remainders move to the
 * expired account: lazily before each spend, and for everyone in the server's
 * housekeeping (idempotent, resumable: the state is the lots themselves).
 *
 * Every function below runs inside the caller's write on the single writer
 * thread, inside its own savepoint: on failure nothing it did remains, and a
 * localised error naming a field is recorded on r (r may be NULL). A member
 * balance can never go below zero, whatever the concurrency: the check is in
 * the write, and the schema refuses a negative member balance as well.
 */
#ifndef HH_POINTS_H
#define HH_POINTS_H
#include "http/http.h"
#include "reward/reward.h"

/* Give g->member_id `points` (> 0) as they are: no rule, multiplier or cap
 * (receipt tiers, referral rewards, lottery prizes of points …). g->source
 * names the cause ("receipt", "referral", …) and g->source_id the record
 * (one award per member, source record and rule: a second is 409 "source_id").
 * brand_id funds it (0: the enterprise). rule_id (0: none) is recorded for
 * traceability. The member's level is re-evaluated (upgrades are immediate).
 * txn_id may be NULL. */
hh_status hh_points_earn(hh_db *tx, hh_req *r, const hh_grant *g, int64_t points, int64_t rule_id,
                         int64_t brand_id, int64_t *txn_id);

/* Award an action by the enterprise's earn rules: action is one of register,
 * profile, checkin, referral, event, receipt. The most specific active rule
 * (the brand's before an enterprise-wide one) gives its points, times the best
 * matching multiplier (campaign g->campaign_id or a window) and the member's
 * level multiplier, within the rule's caps. *points is what was awarded (0 with
 * HH_OK when no rule applies: nothing to award). A cap already reached is 422
 * "limit". txn_id may be NULL. */
hh_status hh_points_award_action(hh_db *tx, hh_req *r, const hh_grant *g, const char *action, int64_t brand_id,
                                 int64_t *points, int64_t *txn_id);

/* Award a purchase of amount_fen (brand_id, g->store_id, product — NULL or ""
 * for a whole receipt) by the most specific active spend rule, times the best
 * multiplier and the level's; a rule's cap lowers the award (to 0 without an
 * error). Records the purchase for spend-based levels even when no rule
 * applies. Call once per
 * receipt (or per product line); a repeat for the same g->source/source_id and
 * product is 409 "source_id". */
hh_status hh_points_award_purchase(hh_db *tx, hh_req *r, const hh_grant *g, int64_t brand_id,
                                   const char *product, int64_t amount_fen, int64_t *points, int64_t *txn_id);

/* Take `points` (> 0) from g->member_id for something the member gets (a gift
 * mall order, a lottery draw …): g->source / g->source_id name it, brand_id
 * the brand that receives the points (0: enterprise). Oldest-expiring lots
 * first. Too few points: 422 "points". */
hh_status hh_points_spend(hh_db *tx, hh_req *r, const hh_grant *g, int64_t points, int64_t brand_id,
                          int64_t *txn_id);

/* Give back everything spend_txn_id took (a cancelled order): to the lots it
 * came from (they keep their expiry; if that has passed the points expire
 * again at once). source/source_id name the cancellation. Refunding twice is
 * 409 "spend_txn_id"; an unknown or foreign id 404 "spend_txn_id". */
hh_status hh_points_refund(hh_db *tx, hh_req *r, int64_t enterprise_id, int64_t spend_txn_id, const char *source,
                           int64_t source_id, int64_t *txn_id);

/* The points a member can use now (unexpired lots). */
int64_t hh_points_balance(hh_db *db, int64_t member_id);

/* {balance, level:{id,name,rank}|null} for a member (counter lookup, lists). */
json_t *hh_points_summary(hh_db *db, int64_t member_id);

/* Move every point (lots with their expiry) of merged_id to survivor_id in
 * one transfer transaction, and re-evaluate the survivor's level (member
 * merge, member/admin.c). */
hh_status hh_points_merge(hh_db *tx, int64_t enterprise_id, int64_t survivor_id, int64_t merged_id);

/* Hooks of the member module: a member registered (h5, counter, POS);
 * a member completed the profile (awarded once). awarded may be NULL. */
hh_status hh_points_on_register(hh_db *tx, int64_t enterprise_id, int64_t member_id, int64_t brand_id,
                                int64_t store_id, int64_t staff_id, int64_t touchpoint_id);
hh_status hh_points_on_profile(hh_db *tx, int64_t enterprise_id, int64_t member_id, int64_t *awarded);

/* Expire the due lots and review the due levels of everyone, in small writes
 * (server housekeeping; never on an HTTP thread). */
void hh_points_housekeeping(hh_store *store);

/* Demo data: earn rules and the level ladder of the demo enterprise (huohua
 * demo; loaded once). */
hh_status hh_demo_points(hh_store *store, int64_t enterprise_id);
/* The demo enterprise's brand by its number in the demo (1 Lumina, 2 Qinghe; 0: none). */
int64_t hh_demo_brand(hh_db *tx, int64_t enterprise_id, int64_t n);

/* ---- internal to the points module (hh__) ---- */
typedef struct hh__points_policy {
    char mode[16];     /* year_end, days, never */
    int64_t years;     /* year_end: the end of the calendar year `years` after the year earned */
    int64_t days;      /* days: the end of the local day `days` after the day earned */
} hh__points_policy;
hh_status hh__points_policy_load(hh_db *db, int64_t enterprise_id, hh__points_policy *out);
/* The expiry of points earned at `at` (0: never). */
int64_t hh__points_expiry(const hh__points_policy *p, const char *tz, int64_t at);
/* Expire the member's due lots in one transaction (nothing due: no transaction). */
hh_status hh__points_expire_member(hh_db *tx, int64_t enterprise_id, int64_t member_id, int64_t *expired);
/* The member's earn multiplier from its level, percent (100: none). */
int64_t hh__level_multiplier(hh_db *tx, int64_t member_id);
/* Re-evaluate a member's level: upgrade when the basis reaches a higher level;
 * downgrade only when allow_down and its review time has come. */
hh_status hh__level_evaluate(hh_db *tx, int64_t enterprise_id, int64_t member_id, bool allow_down);
/* Re-evaluate (upgrades only) every member with points after a ladder change,
 * 500 a write from the cursor the change left (housekeeping). */
void hh__levels_reevaluate(hh_store *store);
/* Reverse an award or adjustment, or refund a spend (admin correction). */
hh_status hh__points_reverse(hh_db *tx, hh_req *r, int64_t enterprise_id, int64_t txn_id, const char *reason,
                             int64_t *new_txn);
/* hh_points_earn with the purchase amount behind it and the rule trace
 * (props, not stolen) recorded on the transaction. */
hh_status hh__points_earn_traced(hh_db *tx, hh_req *r, const hh_grant *g, int64_t points, int64_t rule_id,
                                 int64_t brand_id, int64_t spend_fen, json_t *props, int64_t *txn_id);
/* A manual adjustment (points may be negative): program account "adjusted". */
hh_status hh__points_adjust(hh_db *tx, hh_req *r, const hh_grant *g, int64_t points, int64_t brand_id,
                            const char *reason, int64_t *txn_id);
/* A member's account, lots, level and history as JSON for the member H5 and the console. */
hh_status hh__points_account_json(hh_db *db, int64_t enterprise_id, int64_t member_id, json_t **out);
/* {today, streak, points} of the member's daily check-in. */
hh_status hh__checkin_json(hh_db *db, int64_t enterprise_id, int64_t member_id, json_t **out);
hh_status hh__levels_json(hh_db *db, int64_t enterprise_id, json_t **out);
hh_status hh__member_level_json(hh_db *db, int64_t enterprise_id, int64_t member_id, json_t **out);

/* ---- handlers ---- */
/* member H5 */
hh_status hh_h_member_points(hh_req *r);
hh_status hh_h_member_points_history(hh_req *r);
hh_status hh_h_member_points_checkin(hh_req *r);
/* admin console: ledger */
hh_status hh_h_points_txns_list(hh_req *r);
hh_status hh_h_points_txn_get(hh_req *r);
hh_status hh_h_points_txn_reverse(hh_req *r);
hh_status hh_h_points_accounts(hh_req *r);
hh_status hh_h_member_points_admin(hh_req *r);
hh_status hh_h_member_points_adjust(hh_req *r);
hh_status hh_h_points_settings_get(hh_req *r);
hh_status hh_h_points_settings_put(hh_req *r);
/* earn rules */
hh_status hh_h_points_rules_list(hh_req *r);
hh_status hh_h_points_rule_create(hh_req *r);
hh_status hh_h_points_rule_get(hh_req *r);
hh_status hh_h_points_rule_update(hh_req *r);
hh_status hh_h_points_rule_delete(hh_req *r);
/* levels */
hh_status hh_h_points_levels_get(hh_req *r);
hh_status hh_h_points_levels_put(hh_req *r);
hh_status hh_h_points_level_history(hh_req *r);

/* ---- gift mall, referrals, star members (mall helper) ---- */

#endif
