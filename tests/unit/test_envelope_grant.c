/*
 * test_envelope_grant.c — hh_envelope_grant (reward/grant.c) against a real
 * store: hundreds of random pools drawn dry. For every pool the amounts add up
 * to the budget exactly once every envelope is taken (random pools: each share
 * ≥ min_fen, the last one exactly what was left; fixed pools: amount each),
 * never more envelopes than count_total, the pool's remaining values match
 * what was granted after every single grant, and one envelope.granted event
 * per envelope. Then the refusals: unknown and foreign pools, a closed pool,
 * the per-member limit, and a pool whose budget cannot give min_fen to every
 * envelope (bad data) still never overspends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reward/reward.h"
#include "store/store.h"

typedef struct {
    char dir[64], path[128];
    hh_store *store;
} fixture;

/* Checks inside a write run on the store's writer thread, where cmocka must
 * not jump: the first failure is recorded and asserted on the test's thread. */
static char failure[512];
#define EXPECT(c)                                                                                  \
    do {                                                                                           \
        if (!(c) && !failure[0]) snprintf(failure, sizeof failure, "line %d: %s", __LINE__, #c);  \
    } while (0)
#define EXPECT_EQ(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_ && !failure[0])                                                               \
            snprintf(failure, sizeof failure, "line %d: %s = %lld, expected %lld", __LINE__, #a, a_, b_); \
    } while (0)

static hh_status seed(hh_db *tx, void *ud)
{
    (void)ud;
    static const char *const sql[] = {
        "INSERT INTO enterprises (id, name, created_at) VALUES (1, 'A', 0), (2, 'B', 0)",
        "INSERT INTO brands (id, enterprise_id, name, code, created_at, updated_at) VALUES (1, 1, 'L', 'L', 0, 0),"
        " (2, 2, 'F', 'F', 0, 0)",
        "INSERT INTO members (id, enterprise_id, phone, created_at, updated_at) VALUES (1, 1, '+8613900000001', 0, 0),"
        " (2, 1, '+8613900000002', 0, 0), (3, 2, '+8613900000003', 0, 0)",
        NULL};
    for (int i = 0; sql[i]; i++) {
        hh_status st = hh_db_exec(tx, sql[i]);
        if (st) return st;
    }
    return HH_OK;
}

static int setup(void **state)
{
    assert_true(sodium_init() >= 0);
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/hh_envelope_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
    hh_store_config cfg = {.path = f->path};
    assert_int_equal(hh_store_open(&f->store, &cfg), HH_OK);
    assert_int_equal(hh_store_write_sync(f->store, seed, NULL), HH_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    hh_store_close(f->store);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static int64_t new_pool(hh_db *tx, int64_t enterprise, int64_t brand, const char *mode, int64_t amount, int64_t budget,
                        int64_t count, int64_t min, int64_t per_member)
{
    hh_result res;
    EXPECT_EQ(hh_db_run(tx, &res,
                               "INSERT INTO envelope_pools (enterprise_id, brand_id, name, mode, amount_fen, budget_fen,"
                               " remaining_fen, count_total, count_remaining, min_fen, per_member_limit, created_at,"
                               " updated_at) VALUES (?1, ?2, 'p', ?3, ?4, ?5, ?5, ?6, ?6, ?7, ?8, 0, 0)",
                               HH_A(HH_I(enterprise), HH_I(brand), HH_S(mode), amount ? HH_I(amount) : HH_NULL,
                                    HH_I(budget), HH_I(count), HH_I(min), HH_I(per_member))),
                     HH_OK);
    return res.last_id;
}

static int64_t one(hh_db *tx, const char *sql, int64_t id)
{
    int64_t v = -1;
    EXPECT_EQ(hh_db_int(tx, &v, sql, HH_A(HH_I(id))), HH_OK);
    return v;
}

/* Draw pool dry; check every grant and the end state. Returns the sum granted. */
static int64_t drain(hh_db *tx, int64_t pool, bool random, int64_t amount, int64_t budget, int64_t count, int64_t min)
{
    hh_grant g = {.enterprise_id = 1, .member_id = 1, .source = "admin"};
    int64_t sum = 0, n = 0;
    for (;;) {
        int64_t left = one(tx, "SELECT remaining_fen FROM envelope_pools WHERE id = ?", pool);
        int64_t still = one(tx, "SELECT count_remaining FROM envelope_pools WHERE id = ?", pool);
        int64_t id = 0, got = 0;
        hh_status st = hh_envelope_grant(tx, NULL, &g, pool, &id, &got);
        if (st != HH_OK) {
            EXPECT_EQ(st, HH_E_UNPROCESSABLE);
            break;
        }
        n++;
        sum += got;
        EXPECT(got >= 1 && got <= left);
        if (random) {
            EXPECT(got >= min);
            if (still == 1) EXPECT_EQ(got, left);              /* the last takes the rest */
            else EXPECT(left - got >= min * (still - 1)); /* min for each one to come */
        } else {
            EXPECT_EQ(got, amount);
        }
        EXPECT_EQ(one(tx, "SELECT remaining_fen FROM envelope_pools WHERE id = ?", pool), left - got);
        EXPECT_EQ(one(tx, "SELECT count_remaining FROM envelope_pools WHERE id = ?", pool), still - 1);
        EXPECT_EQ(one(tx, "SELECT amount_fen FROM red_envelopes WHERE id = ?", id), got);
        if (n > count) {
            EXPECT(n <= count);
            break;
        }
    }
    EXPECT_EQ(n, count);
    EXPECT_EQ(sum, random ? budget : amount * count);
    EXPECT_EQ(one(tx, "SELECT coalesce(sum(amount_fen), 0) FROM red_envelopes WHERE pool_id = ?", pool), sum);
    return sum;
}

static hh_status random_pools(hh_db *tx, void *ud)
{
    (void)ud;
    for (int i = 0; i < 150; i++) {
        int64_t count = 1 + randombytes_uniform(i % 10 ? 60 : 300);
        int64_t min = 1 + randombytes_uniform(i % 3 ? 5 : 300);
        int64_t budget = min * count + randombytes_uniform(i % 4 ? 5000 : 2000000);
        int64_t pool = new_pool(tx, 1, 1, "random", 0, budget, count, min, 100000);
        drain(tx, pool, true, 0, budget, count, min);
    }
    /* the tightest pools: exactly min for everyone, and a single envelope */
    drain(tx, new_pool(tx, 1, 1, "random", 0, 500, 50, 10, 1000), true, 0, 500, 50, 10);
    drain(tx, new_pool(tx, 1, 1, "random", 0, 777, 1, 1, 1000), true, 0, 777, 1, 1);
    /* one envelope.granted event per envelope, with its pool */
    EXPECT_EQ(one(tx, "SELECT count(*) - ? FROM red_envelopes", 0),
              one(tx, "SELECT count(*) - ? FROM events WHERE kind = 'envelope.granted'", 0));
    EXPECT_EQ(one(tx, "SELECT count(*) - ? FROM events v JOIN red_envelopes e ON e.id = json_extract(v.props_json,"
                      " '$.envelope_id') AND e.pool_id = json_extract(v.props_json, '$.pool_id') AND e.member_id ="
                      " v.member_id AND e.amount_fen = json_extract(v.props_json, '$.amount_fen')"
                      " WHERE v.kind = 'envelope.granted'", 0),
              one(tx, "SELECT count(*) - ? FROM red_envelopes", 0));
    return HH_OK;
}

static void test_random_pools_drain_to_the_fen(void **state)
{
    fixture *f = *state;
    assert_int_equal(hh_store_write_sync(f->store, random_pools, NULL), HH_OK);
    assert_string_equal(failure, "");
}

static hh_status fixed_pools(hh_db *tx, void *ud)
{
    (void)ud;
    for (int i = 0; i < 100; i++) {
        int64_t count = 1 + randombytes_uniform(80), amount = 1 + randombytes_uniform(20000);
        int64_t pool = new_pool(tx, 1, 1, "fixed", amount, amount * count, count, 1, 100000);
        drain(tx, pool, false, amount, amount * count, count, 1);
    }
    return HH_OK;
}

static void test_fixed_pools(void **state)
{
    fixture *f = *state;
    assert_int_equal(hh_store_write_sync(f->store, fixed_pools, NULL), HH_OK);
    assert_string_equal(failure, "");
}

static hh_status refusals(hh_db *tx, void *ud)
{
    (void)ud;
    hh_grant g = {.enterprise_id = 1, .member_id = 2, .source = "claim"};
    int64_t id, amount;
    /* unknown, and another enterprise's pool */
    EXPECT_EQ(hh_envelope_grant(tx, NULL, &g, 999999, &id, &amount), HH_E_NOT_FOUND);
    int64_t foreign = new_pool(tx, 2, 2, "fixed", 100, 500, 5, 1, 1);
    EXPECT_EQ(hh_envelope_grant(tx, NULL, &g, foreign, &id, &amount), HH_E_NOT_FOUND);
    /* per member limit 2 */
    int64_t p = new_pool(tx, 1, 1, "random", 0, 10000, 10, 1, 2);
    EXPECT_EQ(hh_envelope_grant(tx, NULL, &g, p, &id, &amount), HH_OK);
    EXPECT_EQ(hh_envelope_grant(tx, NULL, &g, p, &id, &amount), HH_OK);
    EXPECT_EQ(hh_envelope_grant(tx, NULL, &g, p, &id, &amount), HH_E_UNPROCESSABLE);
    g.member_id = 1;
    EXPECT_EQ(hh_envelope_grant(tx, NULL, &g, p, &id, &amount), HH_OK);
    /* closed */
    EXPECT_EQ(hh_db_run(tx, NULL, "UPDATE envelope_pools SET status = 'closed' WHERE id = ?", HH_A(HH_I(p))), HH_OK);
    EXPECT_EQ(hh_envelope_grant(tx, NULL, &g, p, &id, &amount), HH_E_UNPROCESSABLE);
    /* bad data: 100 fen cannot give 10 envelopes 20 each — still never more than 100 */
    int64_t thin = new_pool(tx, 1, 1, "random", 0, 100, 10, 20, 1000);
    int64_t sum = 0, n = 0;
    while (hh_envelope_grant(tx, NULL, &g, thin, &id, &amount) == HH_OK) sum += amount, n++;
    EXPECT(sum <= 100);
    EXPECT(n < 10);
    EXPECT_EQ(one(tx, "SELECT remaining_fen FROM envelope_pools WHERE id = ?", thin), 100 - sum);
    /* a fixed pool whose budget ran short of amount × count (edited data) */
    int64_t shortp = new_pool(tx, 1, 1, "fixed", 300, 700, 5, 1, 1000);
    sum = n = 0;
    while (hh_envelope_grant(tx, NULL, &g, shortp, &id, &amount) == HH_OK) sum += amount, n++;
    EXPECT_EQ(n, 2);
    EXPECT_EQ(sum, 600);
    return HH_OK;
}

static void test_refusals(void **state)
{
    fixture *f = *state;
    assert_int_equal(hh_store_write_sync(f->store, refusals, NULL), HH_OK);
    assert_string_equal(failure, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_random_pools_drain_to_the_fen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fixed_pools, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
