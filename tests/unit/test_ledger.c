/*
 * test_ledger.c — the points ledger on a real store: lots consumed oldest
 * expiry first with every consumption recorded, refunds back to the lots they
 * came from, expiry across a calendar-year boundary with the injectable clock
 * (idempotent when run again), refunds after expiry, too few points leaving
 * nothing behind, transfers on a member merge and refunds into new lots with
 * the original expiry, the "days" expiry policy, and after every step the
 * ledger's invariants (zero-sum transactions, balances = entries = lots);
 * and the earn rules: the most specific spend rule, multipliers, caps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/localtime.h"
#include "core/log.h"
#include "points/points.h"

#define TZ "Asia/Shanghai"

typedef struct {
    char dir[64];
    char path[128];
    hh_store *store;
} fixture;

static fixture *F;

static hh_status seed(hh_db *tx, void *ud)
{
    (void)ud;
    hh_status st = hh_db_exec(tx, "INSERT INTO enterprises (id, name, timezone, created_at) VALUES (1, 'E', 'Asia/Shanghai', 0)");
    if (!st) st = hh_db_exec(tx, "INSERT INTO brands (id, enterprise_id, name, code, created_at, updated_at) VALUES (1, 1, 'B', 'B', 0, 0)");
    if (!st) st = hh_db_exec(tx, "INSERT INTO members (id, enterprise_id, phone, created_at, updated_at) VALUES (1, 1, '+8613800000001', 0, 0)");
    if (!st) st = hh_db_exec(tx, "INSERT INTO members (id, enterprise_id, phone, created_at, updated_at) VALUES (2, 1, '+8613800000002', 0, 0)");
    return st;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/hh_ledger_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
    hh_store_config cfg = {.path = f->path, .batch_max = 16};
    assert_int_equal(hh_store_open(&f->store, &cfg), HH_OK);
    assert_int_equal(hh_store_write_sync(f->store, seed, NULL), HH_OK);
    *state = F = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    hh_clock_set(0);
    hh_store_close(f->store);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* local noon of a date in China time */
static int64_t at(int y, int m, int d)
{
    return hh_local_start(TZ, y, m, d) + 12 * 3600000LL;
}

static int64_t q(const char *sql, int64_t arg)
{
    int64_t n = -1;
    hh_status st = hh_db_int(hh_store_reader(F->store), &n, sql, HH_A(HH_I(arg)));
    assert_int_equal(st, HH_OK);
    return n;
}

/* The invariants `huohua check` verifies, for the ledger. */
static void invariants(void)
{
    assert_int_equal(q("SELECT count(*) FROM (SELECT txn_id FROM points_entries GROUP BY txn_id HAVING sum(amount) <> 0)"
                       " WHERE ? = 0", 0), 0);
    assert_int_equal(q("SELECT count(*) FROM points_txns t WHERE ? = 0 AND NOT EXISTS (SELECT 1 FROM points_entries e"
                       " WHERE e.txn_id = t.id)", 0), 0);
    assert_int_equal(q("SELECT count(*) FROM points_accounts a WHERE ? = 0 AND balance <> coalesce((SELECT sum(amount)"
                       " FROM points_entries e WHERE e.account_id = a.id), 0)", 0), 0);
    assert_int_equal(q("SELECT count(*) FROM points_accounts a WHERE ? = 0 AND kind = 'member' AND (balance < 0 OR"
                       " balance <> coalesce((SELECT sum(remaining) FROM points_lots l WHERE l.member_id = a.member_id), 0))", 0), 0);
    assert_int_equal(q("SELECT count(*) FROM points_lots l WHERE ? = 0 AND remaining <> (SELECT sum(amount) FROM"
                       " points_lot_moves m WHERE m.lot_id = l.id)", 0), 0);
    assert_int_equal(q("SELECT coalesce(sum(balance), 0) FROM points_accounts WHERE enterprise_id = ?", 1), 0);
}

static int64_t balance(int64_t member)
{
    return q("SELECT coalesce((SELECT balance FROM points_accounts WHERE member_id = ?), 0)", member);
}

static int64_t lot_remaining(int64_t lot)
{
    return q("SELECT remaining FROM points_lots WHERE id = ?", lot);
}

/* ---- write commands ---- */

typedef struct {
    int64_t member, points, brand, txn, arg;
    const char *source;
    hh_status st;
} op;

static hh_status earn_apply(hh_db *tx, void *ud)
{
    op *o = ud;
    hh_grant g = {.enterprise_id = 1, .member_id = o->member, .source = o->source ? o->source : "test"};
    o->st = hh_points_earn(tx, NULL, &g, o->points, 0, o->brand, &o->txn);
    return HH_OK; /* the ledger's own savepoint undoes a failure */
}

static hh_status spend_apply(hh_db *tx, void *ud)
{
    op *o = ud;
    hh_grant g = {.enterprise_id = 1, .member_id = o->member, .source = "mall", .source_id = o->arg};
    o->st = hh_points_spend(tx, NULL, &g, o->points, o->brand, &o->txn);
    return HH_OK;
}

static hh_status refund_apply(hh_db *tx, void *ud)
{
    op *o = ud;
    o->st = hh_points_refund(tx, NULL, 1, o->arg, "mall_cancel", 0, &o->txn);
    return HH_OK;
}

static hh_status merge_apply(hh_db *tx, void *ud)
{
    op *o = ud;
    hh_status st = hh_points_merge(tx, 1, o->member, o->arg);
    if (!st) st = hh_db_run(tx, NULL, "UPDATE members SET status = 'merged', merged_into = ? WHERE id = ?",
                            HH_A(HH_I(o->member), HH_I(o->arg)));
    return st;
}

static int64_t earn(int64_t member, int64_t points)
{
    op o = {.member = member, .points = points};
    assert_int_equal(hh_store_write_sync(F->store, earn_apply, &o), HH_OK);
    assert_int_equal(o.st, HH_OK);
    return o.txn;
}

static op spend(int64_t member, int64_t points)
{
    op o = {.member = member, .points = points, .arg = 42};
    assert_int_equal(hh_store_write_sync(F->store, spend_apply, &o), HH_OK);
    return o;
}

static hh_status refund(int64_t txn, int64_t *new_txn)
{
    op o = {.arg = txn};
    assert_int_equal(hh_store_write_sync(F->store, refund_apply, &o), HH_OK);
    if (new_txn) *new_txn = o.txn;
    return o.st;
}

/* ---- tests ---- */

static void test_expiry_policy_end_of_next_year(void **state)
{
    (void)state;
    hh__points_policy p = {.mode = "year_end", .years = 1};
    /* earned any time in 2025 (China time): valid through 2026-12-31 23:59:59.999 China time */
    int64_t end2026 = hh_local_start(TZ, 2027, 1, 1) - 1;
    assert_int_equal(hh__points_expiry(&p, TZ, at(2025, 1, 1)), end2026);
    assert_int_equal(hh__points_expiry(&p, TZ, at(2025, 12, 31)), end2026);
    /* 2025-12-31 23:30 China time is still 2025 there, though 2025-12-31 15:30 UTC */
    assert_int_equal(hh__points_expiry(&p, TZ, hh_local_start(TZ, 2026, 1, 1) - 30 * 60000), end2026);
    /* and 00:30 on 1 January 2026 China time is 2026 there (still 2025 in UTC) */
    assert_int_equal(hh__points_expiry(&p, TZ, hh_local_start(TZ, 2026, 1, 1) + 30 * 60000),
                     hh_local_start(TZ, 2028, 1, 1) - 1);
    p.years = 0;
    assert_int_equal(hh__points_expiry(&p, TZ, at(2025, 3, 1)), hh_local_start(TZ, 2026, 1, 1) - 1);
    hh__points_policy d = {.mode = "days", .days = 30};
    assert_int_equal(hh__points_expiry(&d, TZ, at(2025, 12, 15)), hh_local_start(TZ, 2026, 1, 15) - 1);
    hh__points_policy n = {.mode = "never"};
    assert_int_equal(hh__points_expiry(&n, TZ, at(2025, 12, 15)), 0);
}

static void test_fifo_refund_and_year_boundary(void **state)
{
    (void)state;
    hh_clock_set(at(2025, 6, 1));
    int64_t t1 = earn(1, 100); /* lot 1: expires end of 2026 */
    hh_clock_set(at(2026, 3, 1));
    earn(1, 50);               /* lot 2: expires end of 2027 */
    invariants();
    assert_int_equal(balance(1), 150);
    assert_int_equal(q("SELECT expires_at FROM points_lots WHERE txn_id = ?", t1), hh_local_start(TZ, 2027, 1, 1) - 1);

    /* 120: all of lot 1 (expires first), 20 of lot 2; each consumption recorded */
    hh_clock_set(at(2026, 4, 1));
    op s = spend(1, 120);
    assert_int_equal(s.st, HH_OK);
    assert_int_equal(lot_remaining(1), 0);
    assert_int_equal(lot_remaining(2), 30);
    assert_int_equal(q("SELECT count(*) FROM points_lot_moves WHERE txn_id = ?", s.txn), 2);
    assert_int_equal(q("SELECT amount FROM points_lot_moves WHERE txn_id = ? AND lot_id = 1", s.txn), -100);
    assert_int_equal(q("SELECT amount FROM points_lot_moves WHERE txn_id = ? AND lot_id = 2", s.txn), -20);
    assert_int_equal(q("SELECT balance FROM points_accounts WHERE kind = 'redeemed' AND ? = 1", 1), 120);
    invariants();

    /* the refund puts the points back where they came from; a second refund is refused */
    int64_t rf = 0;
    assert_int_equal(refund(s.txn, &rf), HH_OK);
    assert_int_equal(lot_remaining(1), 100);
    assert_int_equal(lot_remaining(2), 50);
    assert_int_equal(q("SELECT reverses_id FROM points_txns WHERE id = ?", rf), s.txn);
    assert_int_equal(refund(s.txn, NULL), HH_E_CONFLICT);
    assert_int_equal(refund(rf, NULL), HH_E_UNPROCESSABLE);
    assert_int_equal(refund(99999, NULL), HH_E_NOT_FOUND);
    invariants();

    /* too many points: refused, and nothing of the attempt remains */
    int64_t txns = q("SELECT count(*) FROM points_txns WHERE ? = 0", 0);
    op big = spend(1, 151);
    assert_int_equal(big.st, HH_E_UNPROCESSABLE);
    assert_int_equal(q("SELECT count(*) FROM points_txns WHERE ? = 0", 0), txns);
    assert_int_equal(balance(1), 150);
    op zero = spend(1, 0);
    assert_int_equal(zero.st, HH_E_INVALID);

    /* 30 from lot 1 */
    op s2 = spend(1, 30);
    assert_int_equal(s2.st, HH_OK);
    assert_int_equal(lot_remaining(1), 70);

    /* the last millisecond of 2026 (China time): lot 1 is still good */
    hh_clock_set(hh_local_start(TZ, 2027, 1, 1) - 1);
    assert_int_equal(hh_points_balance(hh_store_reader(F->store), 1), 120);
    hh_points_housekeeping(F->store);
    assert_int_equal(q("SELECT count(*) FROM points_txns WHERE kind = 'expire' AND ? = 0", 0), 0);

    /* the first millisecond of 2027: lot 1's 70 are gone for spending at once,
     * and the housekeeping moves them to the expired account */
    hh_clock_set(hh_local_start(TZ, 2027, 1, 1));
    assert_int_equal(hh_points_balance(hh_store_reader(F->store), 1), 50);
    assert_int_equal(balance(1), 120); /* the ledger until the expiry runs */
    hh_points_housekeeping(F->store);
    assert_int_equal(balance(1), 50);
    assert_int_equal(lot_remaining(1), 0);
    assert_int_equal(q("SELECT balance FROM points_accounts WHERE kind = 'expired' AND ? = 1", 1), 70);
    assert_int_equal(q("SELECT count(*) FROM points_txns WHERE kind = 'expire' AND ? = 0", 0), 1);
    assert_int_equal(q("SELECT points FROM points_txns WHERE kind = 'expire' AND ? = 0", 0), -70);
    invariants();
    /* again: nothing more to do */
    hh_points_housekeeping(F->store);
    assert_int_equal(q("SELECT count(*) FROM points_txns WHERE kind = 'expire' AND ? = 0", 0), 1);

    /* refunding the 30 taken from lot 1 after its expiry: back to lot 1, which
     * expires them again at once */
    assert_int_equal(refund(s2.txn, NULL), HH_OK);
    assert_int_equal(lot_remaining(1), 0);
    assert_int_equal(balance(1), 50);
    assert_int_equal(q("SELECT balance FROM points_accounts WHERE kind = 'expired' AND ? = 1", 1), 100);
    assert_int_equal(q("SELECT count(*) FROM points_txns WHERE kind = 'expire' AND ? = 0", 0), 2);
    invariants();

    /* a spend now takes from lot 2 only; the expired lot is never touched */
    op s3 = spend(1, 50);
    assert_int_equal(s3.st, HH_OK);
    assert_int_equal(balance(1), 0);
    assert_int_equal(spend(1, 1).st, HH_E_UNPROCESSABLE);
    invariants();
}

static void test_lazy_expiry_before_a_spend(void **state)
{
    (void)state;
    hh_clock_set(at(2025, 2, 1));
    earn(1, 40);
    hh_clock_set(at(2026, 2, 1));
    earn(1, 10);
    hh_clock_set(at(2027, 2, 1)); /* the first lot is past its time; no housekeeping ran */
    assert_int_equal(spend(1, 11).st, HH_E_UNPROCESSABLE);
    op s = spend(1, 10);
    assert_int_equal(s.st, HH_OK);
    /* the spend expired the old lot first, in its own transaction */
    assert_int_equal(q("SELECT count(*) FROM points_txns WHERE kind = 'expire' AND member_id = ?", 1), 1);
    assert_int_equal(balance(1), 0);
    invariants();
}

static void test_merge_moves_lots_and_refund_makes_new_lots(void **state)
{
    (void)state;
    hh_clock_set(at(2025, 5, 1));
    earn(2, 80);
    op s = spend(2, 30); /* member 2 spends 30, then is merged into member 1 */
    assert_int_equal(s.st, HH_OK);
    earn(1, 5);
    op m = {.member = 1, .arg = 2};
    assert_int_equal(hh_store_write_sync(F->store, merge_apply, &m), HH_OK);
    assert_int_equal(balance(2), 0);
    assert_int_equal(balance(1), 55);
    int64_t moved = q("SELECT id FROM points_lots WHERE member_id = 1 AND origin_lot_id IS NOT NULL AND ? = 1", 1);
    assert_int_equal(q("SELECT remaining FROM points_lots WHERE id = ?", moved), 50);
    assert_int_equal(q("SELECT expires_at FROM points_lots WHERE id = ?", moved),
                     q("SELECT expires_at FROM points_lots WHERE member_id = 2 AND ? = 2", 2));
    assert_int_equal(q("SELECT count(*) FROM points_txns WHERE kind = 'transfer' AND member_id = ?", 1), 1);
    invariants();
    /* the refund of member 2's spend reaches the survivor, in a new lot with the original expiry */
    int64_t rf = 0;
    assert_int_equal(refund(s.txn, &rf), HH_OK);
    assert_int_equal(balance(1), 85);
    assert_int_equal(q("SELECT member_id FROM points_txns WHERE id = ?", rf), 1);
    assert_int_equal(q("SELECT remaining FROM points_lots WHERE txn_id = ?", rf), 30);
    assert_int_equal(q("SELECT origin_lot_id FROM points_lots WHERE txn_id = ?", rf), 1);
    invariants();
}

static void test_one_award_per_source(void **state)
{
    (void)state;
    hh_clock_set(at(2025, 5, 1));
    op o = {.member = 1, .points = 10, .source = "receipt"};
    assert_int_equal(hh_store_write_sync(F->store, earn_apply, &o), HH_OK);
    assert_int_equal(o.st, HH_OK);
    /* without a source id: allowed again */
    assert_int_equal(hh_store_write_sync(F->store, earn_apply, &o), HH_OK);
    assert_int_equal(o.st, HH_OK);
    assert_int_equal(balance(1), 20);
    /* unknown member, foreign brand, bad amount */
    op bad = {.member = 99, .points = 10};
    assert_int_equal(hh_store_write_sync(F->store, earn_apply, &bad), HH_OK);
    assert_int_equal(bad.st, HH_E_NOT_FOUND);
    op badb = {.member = 1, .points = 10, .brand = 77};
    assert_int_equal(hh_store_write_sync(F->store, earn_apply, &badb), HH_OK);
    assert_int_equal(badb.st, HH_E_NOT_FOUND);
    op neg = {.member = 1, .points = -1};
    assert_int_equal(hh_store_write_sync(F->store, earn_apply, &neg), HH_OK);
    assert_int_equal(neg.st, HH_E_INVALID);
    invariants();
}

static hh_status earn_twice_apply(hh_db *tx, void *ud)
{
    op *o = ud;
    hh_grant g = {.enterprise_id = 1, .member_id = 1, .source = "receipt", .source_id = 7};
    hh_status a = hh_points_earn(tx, NULL, &g, 10, 0, 1, NULL);
    o->st = hh_points_earn(tx, NULL, &g, 10, 0, 1, NULL);
    return a;
}

static void test_duplicate_source_refused(void **state)
{
    (void)state;
    op o = {0};
    assert_int_equal(hh_store_write_sync(F->store, earn_twice_apply, &o), HH_OK);
    assert_int_equal(o.st, HH_E_CONFLICT);
    assert_int_equal(balance(1), 10);
    /* funded by brand 1: the issued account of the brand */
    assert_int_equal(q("SELECT balance FROM points_accounts WHERE kind = 'issued' AND brand_id = ?", 1), -10);
    invariants();
}

/* ---- earn rules: the most specific spend rule, multipliers, caps ---- */

static hh_status rules_seed(hh_db *tx, void *ud)
{
    (void)ud;
    hh_status st = hh_db_exec(tx, "INSERT INTO stores (id, enterprise_id, name, retailer, city_code, city, province,"
                                  " counter_code, created_at, updated_at) VALUES (5, 1, 'S', 'R', '310100', 'C', 'P', 'C5', 0, 0)");
    if (!st) st = hh_db_exec(tx, "INSERT INTO brands (id, enterprise_id, name, code, created_at, updated_at) VALUES (2, 1, 'B2', 'B2', 0, 0)");
    if (!st)
        st = hh_db_exec(tx, "INSERT INTO points_rules (id, enterprise_id, name, kind, brand_id, store_id, product, points,"
                            " unit_fen, multiplier_pct, daily_cap, campaign_id, action, created_at, updated_at) VALUES"
                            " (1, 1, 'all', 'spend', NULL, NULL, NULL, 1, 100, NULL, NULL, NULL, NULL, 0, 0),"
                            " (2, 1, 'brand 1', 'spend', 1, NULL, NULL, 2, 100, NULL, 300, NULL, NULL, 0, 0),"
                            " (3, 1, 'sku at store 5', 'spend', 1, 5, 'SKU1', 10, 100, NULL, NULL, NULL, NULL, 0, 0),"
                            " (4, 1, 'campaign x2', 'multiplier', NULL, NULL, NULL, NULL, NULL, 200, NULL, 9, 'spend', 0, 0),"
                            " (5, 1, 'event', 'action', NULL, NULL, NULL, 30, NULL, NULL, NULL, NULL, 'event', 0, 0),"
                            " (6, 1, 'event x1.5 for brand 2', 'multiplier', 2, NULL, NULL, NULL, NULL, 150, NULL, NULL, 'event', 0, 0),"
                            " (7, 1, 'event of brand 2', 'action', 2, NULL, NULL, 40, NULL, NULL, NULL, NULL, 'event', 0, 0)");
    return st;
}

typedef struct {
    int64_t brand, store, campaign, amount, source_id, points, txn;
    const char *product, *action;
    hh_status st;
} buy;

static hh_status buy_apply(hh_db *tx, void *ud)
{
    buy *b = ud;
    hh_grant g = {.enterprise_id = 1, .member_id = 1, .store_id = b->store, .campaign_id = b->campaign,
                  .source = "receipt", .source_id = b->source_id};
    if (b->action)
        b->st = hh_points_award_action(tx, NULL, &g, b->action, b->brand, &b->points, &b->txn);
    else
        b->st = hh_points_award_purchase(tx, NULL, &g, b->brand, b->product, b->amount, &b->points, &b->txn);
    return HH_OK;
}

static buy purchase(buy b)
{
    assert_int_equal(hh_store_write_sync(F->store, buy_apply, &b), HH_OK);
    return b;
}

static void test_rules_specific_multiplier_caps(void **state)
{
    (void)state;
    hh_clock_set(at(2025, 5, 1));
    assert_int_equal(hh_store_write_sync(F->store, rules_seed, NULL), HH_OK);
    /* brand 1: its own rule, 2 per yuan (123.45 yuan → 246) */
    buy b = purchase((buy){.brand = 1, .amount = 12345, .source_id = 1});
    assert_int_equal(b.st, HH_OK);
    assert_int_equal(b.points, 246);
    assert_int_equal(q("SELECT rule_id FROM points_txns WHERE id = ?", b.txn), 2);
    assert_int_equal(q("SELECT spend_fen FROM points_txns WHERE id = ?", b.txn), 12345);
    /* funded by the rule's brand */
    assert_int_equal(q("SELECT balance FROM points_accounts WHERE kind = 'issued' AND brand_id = ?", 1), -246);
    /* the daily cap of 300 lowers the next award to 54, then to nothing (no error) */
    b = purchase((buy){.brand = 1, .amount = 10000, .source_id = 2});
    assert_int_equal(b.points, 54);
    assert_int_equal(q("SELECT json_extract(props_json, '$.uncapped') FROM points_txns WHERE id = ?", b.txn), 200);
    b = purchase((buy){.brand = 1, .amount = 10000, .source_id = 3});
    assert_int_equal(b.st, HH_OK);
    assert_int_equal(b.points, 0);
    assert_int_equal(q("SELECT count(*) FROM points_purchases WHERE member_id = ?", 1), 3); /* all recorded */
    /* the next local day the cap starts again */
    hh_clock_set(at(2025, 5, 2));
    b = purchase((buy){.brand = 1, .amount = 500, .source_id = 4});
    assert_int_equal(b.points, 10);
    /* the most specific: product at a store */
    b = purchase((buy){.brand = 1, .store = 5, .product = "SKU1", .amount = 1000, .source_id = 5});
    assert_int_equal(b.points, 100);
    assert_int_equal(q("SELECT rule_id FROM points_txns WHERE id = ?", b.txn), 3);
    /* brand 2 has no rule of its own: the enterprise's, doubled by campaign 9 */
    b = purchase((buy){.brand = 2, .campaign = 9, .amount = 1099, .source_id = 6});
    assert_int_equal(b.points, 20);
    assert_int_equal(q("SELECT json_extract(props_json, '$.multiplier_rule_id') FROM points_txns WHERE id = ?", b.txn), 4);
    /* the same purchase again is refused; a purchase below one point records nothing but the purchase */
    assert_int_equal(purchase((buy){.brand = 2, .amount = 1099, .source_id = 6}).st, HH_E_CONFLICT);
    b = purchase((buy){.brand = 2, .amount = 99, .source_id = 7});
    assert_int_equal(b.st, HH_OK);
    assert_int_equal(b.points, 0);
    assert_int_equal(b.txn, 0);
    assert_int_equal(purchase((buy){.brand = 2, .amount = 0, .source_id = 8}).st, HH_E_INVALID);
    /* actions: a brand's rule before the enterprise's, with the brand's multiplier */
    b = purchase((buy){.action = "event", .brand = 2, .source_id = 100});
    assert_int_equal(b.points, 60);
    assert_int_equal(q("SELECT rule_id FROM points_txns WHERE id = ?", b.txn), 7);
    b = purchase((buy){.action = "event", .brand = 1, .source_id = 101});
    assert_int_equal(b.points, 30);
    b = purchase((buy){.action = "referral", .brand = 1, .source_id = 102});
    assert_int_equal(b.st, HH_OK);
    assert_int_equal(b.points, 0); /* no rule: nothing to award */
    assert_int_equal(purchase((buy){.action = "fly", .source_id = 103}).st, HH_E_INVALID);
    invariants();
}

int main(void)
{
    hh_log_open(NULL, NULL, HH_LOG_WARN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_expiry_policy_end_of_next_year, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_refund_and_year_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lazy_expiry_before_a_spend, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_moves_lots_and_refund_makes_new_lots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_award_per_source, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_source_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rules_specific_multiplier_caps, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
