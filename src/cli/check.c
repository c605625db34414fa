/*
 * check.c — `huohua check`: verify the invariants that protect points and
 * stock (SPEC.md §4.1–§4.3) on a database, live or copied, and exit non-zero
 * with a report when anything is off.
 *
 * Each check is a name, what it asserts, a count of what it looked at, and a
 * query returning the offending rows (none when all is well). All queries run
 * in one read transaction, so a server writing meanwhile cannot produce a
 * false alarm: the report describes one consistent snapshot.
 *
 * Later modules add their invariants as rows of `checks`.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SHOW 20

typedef struct check {
    const char *name;
    const char *what;
    const char *count_sql; /* how many things were looked at */
    const char *bad_sql;   /* offending rows, at most SHOW + 1 */
} check;

static const check checks[] = {
    /* ---- the points ledger (SPEC §4.3) ---- */
    {"points.txn_balanced", "every points transaction has entries and they sum to zero",
     "SELECT count(*) FROM points_txns",
     "SELECT t.id AS txn_id, t.kind, count(e.id) AS entries, coalesce(sum(e.amount), 0) AS sum"
     " FROM points_txns t LEFT JOIN points_entries e ON e.txn_id = t.id GROUP BY t.id"
     " HAVING count(e.id) = 0 OR sum(e.amount) <> 0 LIMIT 21"},
    {"points.txn_member_side", "a transaction's points equal its entry on its member's account",
     "SELECT count(*) FROM points_txns",
     "SELECT * FROM (SELECT t.id AS txn_id, t.kind, t.member_id, t.points, coalesce((SELECT sum(e.amount)"
     " FROM points_entries e JOIN points_accounts a ON a.id = e.account_id WHERE e.txn_id = t.id"
     " AND a.member_id = t.member_id), 0) AS member_entry FROM points_txns t) WHERE member_entry <> points LIMIT 21"},
    {"points.account_balance", "every account's balance equals the sum of its entries",
     "SELECT count(*) FROM points_accounts",
     "SELECT a.id AS account_id, a.kind, a.member_id, a.brand_id, a.balance, coalesce(sum(e.amount), 0) AS entries"
     " FROM points_accounts a LEFT JOIN points_entries e ON e.account_id = a.id GROUP BY a.id"
     " HAVING a.balance <> coalesce(sum(e.amount), 0) LIMIT 21"},
    {"points.no_negative_balance", "no member balance is below zero",
     "SELECT count(*) FROM points_accounts WHERE kind = 'member'",
     "SELECT id AS account_id, member_id, balance FROM points_accounts WHERE kind = 'member' AND balance < 0 LIMIT 21"},
    {"points.program_sum", "all accounts of an enterprise sum to zero",
     "SELECT count(DISTINCT enterprise_id) FROM points_accounts",
     "SELECT enterprise_id, sum(balance) AS sum FROM points_accounts GROUP BY enterprise_id HAVING sum(balance) <> 0 LIMIT 21"},
    {"points.lot_remaining", "every lot's remainder = earned + returned - consumed - expired (its moves), 0..points",
     "SELECT count(*) FROM points_lots",
     "SELECT l.id AS lot_id, l.member_id, l.points, l.remaining,"
     " coalesce(sum(CASE WHEN m.amount > 0 THEN m.amount END), 0) AS earned_or_returned,"
     " -coalesce(sum(CASE WHEN m.amount < 0 AND t.kind <> 'expire' THEN m.amount END), 0) AS consumed,"
     " -coalesce(sum(CASE WHEN m.amount < 0 AND t.kind = 'expire' THEN m.amount END), 0) AS expired"
     " FROM points_lots l LEFT JOIN points_lot_moves m ON m.lot_id = l.id LEFT JOIN points_txns t ON t.id = m.txn_id"
     " GROUP BY l.id HAVING l.remaining <> coalesce(sum(m.amount), 0) OR l.remaining < 0 OR l.remaining > l.points"
     " LIMIT 21"},
    {"points.lots_match_balance", "a member's balance equals the sum of its lots' remainders",
     "SELECT count(*) FROM points_accounts WHERE kind = 'member'",
     "SELECT * FROM (SELECT m.member_id, coalesce((SELECT a.balance FROM points_accounts a WHERE a.member_id = m.member_id), 0)"
     " AS balance, coalesce((SELECT sum(l.remaining) FROM points_lots l WHERE l.member_id = m.member_id), 0) AS lots"
     " FROM (SELECT member_id FROM points_accounts WHERE kind = 'member' UNION SELECT DISTINCT member_id FROM points_lots) m)"
     " WHERE balance <> lots LIMIT 21"},
    {"points.lot_moves_match_entries", "in every transaction the lot moves sum to the member entries",
     "SELECT count(*) FROM points_txns",
     "SELECT * FROM (SELECT t.id AS txn_id, t.kind, coalesce((SELECT sum(amount) FROM points_lot_moves WHERE txn_id = t.id), 0)"
     " AS lot_moves, coalesce((SELECT sum(e.amount) FROM points_entries e JOIN points_accounts a ON a.id = e.account_id"
     " WHERE e.txn_id = t.id AND a.kind = 'member'), 0) AS member_entries FROM points_txns t)"
     " WHERE lot_moves <> member_entries LIMIT 21"},
    {"points.corrections", "a refund corrects a spend, a reversal an award, adjustment or spend; each once",
     "SELECT count(*) FROM points_txns WHERE reverses_id IS NOT NULL",
     "SELECT t.id AS txn_id, t.kind, t.reverses_id, o.kind AS corrected_kind FROM points_txns t"
     " LEFT JOIN points_txns o ON o.id = t.reverses_id WHERE t.reverses_id IS NOT NULL AND (o.id IS NULL"
     " OR (t.kind = 'refund' AND o.kind <> 'spend') OR (t.kind = 'reversal' AND o.kind NOT IN ('earn', 'adjust', 'spend'))"
     " OR t.kind NOT IN ('refund', 'reversal') OR t.points <> -o.points) LIMIT 21"},

    /* ---- stock: left + awarded = initial (SPEC §4.1) ---- */
    {"coupons.template_quantity",
     "coupon templates: issued = coupons of the template not voided (a void gives the unit back), never above quantity",
     "SELECT count(*) FROM coupon_templates",
     "SELECT * FROM (SELECT t.id AS template_id, t.quantity, t.issued, (SELECT count(*) FROM coupons c"
     " WHERE c.template_id = t.id AND c.status <> 'voided') AS coupons FROM coupon_templates t)"
     " WHERE issued <> coupons OR (quantity IS NOT NULL AND issued > quantity) LIMIT 21"},
    {"lottery.prize_stock", "lottery prizes: stock = remaining + won, remaining >= 0",
     "SELECT count(*) FROM lottery_prizes",
     "SELECT * FROM (SELECT p.id AS prize_id, p.stock, p.remaining, (SELECT count(*) FROM lottery_draws d"
     " WHERE d.prize_id = p.id) AS won FROM lottery_prizes p) WHERE stock <> remaining + won OR remaining < 0 LIMIT 21"},
    {"envelopes.pool_budget", "red envelope pools: budget = remaining + granted (money and count)",
     "SELECT count(*) FROM envelope_pools",
     "SELECT * FROM (SELECT p.id AS pool_id, p.budget_fen, p.remaining_fen, coalesce((SELECT sum(e.amount_fen)"
     " FROM red_envelopes e WHERE e.pool_id = p.id), 0) AS granted_fen, p.count_total, p.count_remaining,"
     " (SELECT count(*) FROM red_envelopes e WHERE e.pool_id = p.id) AS granted FROM envelope_pools p)"
     " WHERE budget_fen <> remaining_fen + granted_fen OR count_total <> count_remaining + granted"
     " OR remaining_fen < 0 LIMIT 21"},
    {"samples.offer_stock", "sample offers: stock = remaining + requests not cancelled",
     "SELECT count(*) FROM sample_offers",
     "SELECT * FROM (SELECT o.id AS offer_id, o.stock, o.remaining, (SELECT count(*) FROM sample_requests r"
     " WHERE r.offer_id = o.id AND r.status <> 'cancelled') AS requested FROM sample_offers o)"
     " WHERE stock <> remaining + requested OR remaining < 0 LIMIT 21"},

    {"gifts.stock", "gifts: stock = remaining + units in orders not cancelled, remaining >= 0",
     "SELECT count(*) FROM gifts",
     "SELECT * FROM (SELECT g.id AS gift_id, g.stock, g.remaining, (SELECT coalesce(sum(o.quantity), 0)"
     " FROM gift_orders o WHERE o.gift_id = g.id AND o.status <> 'cancelled') AS ordered FROM gifts g)"
     " WHERE stock <> remaining + ordered OR remaining < 0 LIMIT 21"},
    {"campaigns.limits", "campaigns: spent within the budget, uses within the global limit",
     "SELECT count(*) FROM campaigns",
     "SELECT id AS campaign_id, budget_fen, spent_fen, global_limit, used_count FROM campaigns"
     " WHERE spent_fen < 0 OR used_count < 0 OR (budget_fen IS NOT NULL AND spent_fen > budget_fen)"
     " OR (global_limit IS NOT NULL AND used_count > global_limit) LIMIT 21"},

    /* ---- gift orders and their points (SPEC §3.6: cancel returns points and stock) ---- */
    {"gifts.order_points", "a gift order not cancelled has its spend (not corrected); a cancelled one its refund",
     "SELECT count(*) FROM gift_orders",
     "SELECT * FROM (SELECT o.id AS order_id, o.status, o.points, o.spend_txn_id, s.kind AS spend_kind,"
     " s.points AS spend_points, s.source AS spend_source, s.source_id AS spend_source_id, o.refund_txn_id,"
     " f.kind AS refund_kind, f.reverses_id AS refund_reverses, (SELECT x.id FROM points_txns x"
     " WHERE x.reverses_id = o.spend_txn_id) AS corrected_by FROM gift_orders o"
     " LEFT JOIN points_txns s ON s.id = o.spend_txn_id LEFT JOIN points_txns f ON f.id = o.refund_txn_id)"
     " WHERE spend_kind IS NOT 'spend' OR spend_points IS NOT -points OR spend_source IS NOT 'gift_order'"
     " OR spend_source_id IS NOT order_id"
     " OR (status = 'cancelled' AND (refund_kind IS NOT 'refund' OR refund_reverses IS NOT spend_txn_id"
     " OR corrected_by IS NOT refund_txn_id))"
     " OR (status <> 'cancelled' AND (refund_txn_id IS NOT NULL OR corrected_by IS NOT NULL)) LIMIT 21"},

    /* ---- redeemed at most once (SPEC §4.2) ---- */
    {"coupons.redeemed_once", "a coupon has at most one redemption that is not undone",
     "SELECT count(DISTINCT coupon_id) FROM redemptions",
     "SELECT coupon_id, count(*) AS live_redemptions FROM redemptions WHERE undone_at IS NULL GROUP BY coupon_id"
     " HAVING count(*) > 1 LIMIT 21"},
    {"coupons.redeemed_status", "a coupon is redeemed exactly when it has one live redemption",
     "SELECT count(*) FROM coupons WHERE status = 'redeemed'",
     "SELECT * FROM (SELECT c.id AS coupon_id, c.status, (SELECT count(*) FROM redemptions r WHERE r.coupon_id = c.id"
     " AND r.undone_at IS NULL) AS live_redemptions FROM coupons c WHERE c.status = 'redeemed'"
     " OR c.id IN (SELECT coupon_id FROM redemptions WHERE undone_at IS NULL))"
     " WHERE (status = 'redeemed') <> (live_redemptions = 1) LIMIT 21"},
};

const char *hh_check_help =
    "Usage: huohua check [--db FILE] [--json]\n"
    "Verifies the points ledger (every transaction sums to zero, balances equal the\n"
    "sum of their entries, no negative balance, lots consistent with entries and\n"
    "balances), the stock invariants (coupon quantities, lottery prizes, red\n"
    "envelope budgets, sample and gift stock, campaign budgets and limits, one\n"
    "live redemption per coupon) and gift orders against their points (a live\n"
    "order has its spend, a cancelled one its refund). Safe while the server\n"
    "runs (one read snapshot). Exit status: 0 all well, 1 a check failed\n"
    "(report on stdout), 2 the database could not be checked.\n";

int hh_cmd_check(hh_app *app, bool json_out)
{
    hh_store_config sc = {.path = app->cfg.db_path, .readonly = true};
    if (access(app->cfg.db_path, R_OK) != 0 || hh_store_open(&app->store, &sc) != HH_OK) {
        fprintf(stderr, "huohua: cannot open the database %s\n", app->cfg.db_path);
        return 2;
    }
    hh_db *db = hh_store_reader(app->store);
    int rc = 0;
    json_t *report = json_array();
    if (hh_db_exec(db, "BEGIN") != HH_OK) rc = 2;
    for (size_t i = 0; i < HH_ARRAY_LEN(checks) && rc != 2; i++) {
        const check *c = &checks[i];
        int64_t looked = 0;
        json_t *bad = NULL;
        if (hh_db_int(db, &looked, c->count_sql, NULL, 0) != HH_OK ||
            hh_db_query(db, &bad, c->bad_sql, NULL, 0) != HH_OK) {
            fprintf(stderr, "huohua: check %s could not run on %s (is the schema up to date? try huohua migrate)\n",
                    c->name, app->cfg.db_path);
            rc = 2;
            break;
        }
        size_t n = json_array_size(bad);
        if (n) rc = 1;
        while (json_array_size(bad) > SHOW) json_array_remove(bad, json_array_size(bad) - 1);
        json_array_append_new(report, json_pack("{s:s, s:s, s:b, s:I, s:I, s:b, s:o}", "name", c->name, "what", c->what,
                                                "ok", n == 0, "checked", (json_int_t)looked, "problems",
                                                (json_int_t)(n > SHOW ? SHOW : n), "more", n > SHOW, "rows", bad));
    }
    hh_db_exec(db, "COMMIT");
    if (rc != 2) {
        if (json_out) {
            json_t *out = json_pack("{s:s, s:b, s:O}", "db", app->cfg.db_path, "ok", rc == 0, "checks", report);
            char *text = json_dumps(out, JSON_COMPACT);
            puts(text);
            free(text);
            json_decref(out);
        } else {
            printf("huohua check %s\n", app->cfg.db_path);
            size_t i;
            json_t *c;
            int failed = 0;
            json_array_foreach(report, i, c)
            {
                bool ok = json_is_true(json_object_get(c, "ok"));
                failed += !ok;
                printf("  %-4s %-32s %s (%lld checked)\n", ok ? "ok" : "FAIL",
                       json_string_value(json_object_get(c, "name")), json_string_value(json_object_get(c, "what")),
                       (long long)json_integer_value(json_object_get(c, "checked")));
                size_t k;
                json_t *row;
                json_array_foreach(json_object_get(c, "rows"), k, row)
                {
                    char *text = json_dumps(row, JSON_COMPACT | JSON_PRESERVE_ORDER);
                    printf("         %s\n", text);
                    free(text);
                }
                if (json_is_true(json_object_get(c, "more"))) printf("         … and more\n");
            }
            printf("%zu checks, %d failed\n", json_array_size(report), failed);
        }
    }
    json_decref(report);
    hh_store_close(app->store);
    return rc;
}
