/*
 * test_lottery.c — the decision of a draw (reward/lottery_core.c): the roll
 * against vectors computed independently (Python's hmac module), the pick at
 * its boundaries, the modes and the fallback, the disclosed odds, and — the
 * point of it all — that the odds are honoured: Pearson's chi-square of
 * 100,000 simulated draws (ids 1…100000 under one seed, exactly as the server
 * rolls them) against the weights, at a significance of 0.1 %.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "reward/reward.h"

#define SEED "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DRAWS 100000

static void test_roll_vectors(void **state)
{
    (void)state;
    /* python3: hmac.new(SEED, str(id).encode(), sha256).digest()[:8].hex() */
    assert_true(hh_lottery_roll(SEED, strlen(SEED), 1) == 0xba7edaf045cb8cf0ull);
    assert_true(hh_lottery_roll(SEED, strlen(SEED), 42) == 0x5203556f2f35a065ull);
    assert_true(hh_lottery_roll(SEED, strlen(SEED), 1000000) == 0x1a4fb1fe4b912384ull);
    char hex[17];
    hh_lottery_roll_hex(0xba7edaf045cb8cf0ull, hex);
    assert_string_equal(hex, "ba7edaf045cb8cf0");
    hh_lottery_roll_hex(1, hex);
    assert_string_equal(hex, "0000000000000001");
}

static void test_commitment(void **state)
{
    (void)state;
    char c[65], seed[65], c2[65];
    hh_lottery_commitment(SEED, c);
    assert_string_equal(c, "a8ae6e6ee929abea3afcfc5258c8ccd6f85273e0d4626d26c7279f3250f77c8e");
    hh_lottery_seed_new(seed, c);
    assert_int_equal(strlen(seed), 64);
    assert_int_equal(strspn(seed, "0123456789abcdef"), 64);
    hh_lottery_commitment(seed, c2);
    assert_string_equal(c, c2);
    char other[65];
    hh_lottery_seed_new(other, c2);
    assert_string_not_equal(seed, other);
}

/* slots: prizes A (w 10), B (w 30, out of stock), C (w 0, fallback), none (w 60) */
static void pool(hh_lottery_slot s[4])
{
    s[0] = (hh_lottery_slot){.id = 1, .weight = 10, .available = true};
    s[1] = (hh_lottery_slot){.id = 2, .weight = 30, .available = false};
    s[2] = (hh_lottery_slot){.id = 3, .weight = 0, .available = true, .fallback = true};
    s[3] = (hh_lottery_slot){.id = 0, .weight = 60, .available = true};
}

static void test_pick_boundaries(void **state)
{
    (void)state;
    hh_lottery_slot s[4];
    pool(s);
    /* redistribute: B leaves the roll, total 70: [0,10) A, [10,70) none */
    hh_lottery_outcome o = hh_lottery_pick(s, 4, false, 0);
    assert_int_equal(o.prize_id, 1);
    assert_int_equal(o.landed, 0);
    o = hh_lottery_pick(s, 4, false, UINT64_MAX);
    assert_int_equal(o.prize_id, 0);
    assert_int_equal(o.landed, 3);
    /* point = floor(roll × 70 / 2^64) = 9 is still A, 10 is not */
    uint64_t nine = (uint64_t)((((unsigned __int128)10 << 64) - 1) / 70);
    assert_int_equal(hh_lottery_pick(s, 4, false, nine).prize_id, 1);
    uint64_t ten = (uint64_t)((((unsigned __int128)10 << 64) + 69) / 70);
    assert_int_equal(hh_lottery_pick(s, 4, false, ten).prize_id, 0);
    /* fixed: total 100: [0,10) A, [10,40) B → out of stock → fallback C */
    o = hh_lottery_pick(s, 4, true, (uint64_t)(((unsigned __int128)20 << 64) / 100));
    assert_int_equal(o.landed, 1);
    assert_int_equal(o.prize_id, 3);
    assert_true(o.fallback);
    /* … and with the fallback out too: nothing */
    s[2].available = false;
    o = hh_lottery_pick(s, 4, true, (uint64_t)(((unsigned __int128)20 << 64) / 100));
    assert_int_equal(o.prize_id, 0);
    assert_false(o.fallback);
    /* an empty pool (all weights 0): nothing, no slot */
    hh_lottery_slot z[2] = {{.id = 9, .weight = 0, .available = true}, {.id = 0, .weight = 0, .available = true}};
    o = hh_lottery_pick(z, 2, false, 12345);
    assert_int_equal(o.prize_id, 0);
    assert_int_equal(o.landed, -1);
    /* only prizes, all out of stock, no "no prize" weight: nothing */
    hh_lottery_slot e[2] = {{.id = 9, .weight = 5, .available = false}, {.id = 0, .weight = 0, .available = true}};
    assert_int_equal(hh_lottery_pick(e, 2, false, 777).prize_id, 0);
}

static void test_odds(void **state)
{
    (void)state;
    hh_lottery_slot s[4];
    double o[4];
    pool(s);
    hh_lottery_odds(s, 4, false, o);
    assert_true(fabs(o[0] - 100.0 * 10 / 70) < 1e-9);
    assert_true(fabs(o[1]) < 1e-9);
    assert_true(fabs(o[3] - 100.0 * 60 / 70) < 1e-9);
    hh_lottery_odds(s, 4, true, o);
    assert_true(fabs(o[0] - 10) < 1e-9);
    assert_true(fabs(o[2] - 30) < 1e-9); /* B's share goes to the fallback */
    assert_true(fabs(o[3] - 60) < 1e-9);
    s[2].available = false;
    hh_lottery_odds(s, 4, true, o);
    assert_true(fabs(o[3] - 90) < 1e-9); /* … or to nothing */
    double sum = 0;
    for (int i = 0; i < 4; i++) sum += o[i];
    assert_true(fabs(sum - 100) < 1e-9);
}

/* Pearson's chi-square of observed counts against expected shares. */
static double chi_square(const long *obs, const double *share, int k, long n)
{
    double x = 0;
    for (int i = 0; i < k; i++) {
        double e = share[i] * (double)n;
        x += ((double)obs[i] - e) * ((double)obs[i] - e) / e;
    }
    return x;
}

/* 100,000 draws rolled as the server rolls them: the counts follow the weights. */
static void test_odds_honoured(void **state)
{
    (void)state;
    /* a typical pool: 1 % / 4 % / 15 % prizes, 80 % nothing; df = 3, χ²(0.999) = 16.27 */
    hh_lottery_slot s[4] = {{.id = 11, .weight = 1, .available = true},
                            {.id = 12, .weight = 4, .available = true},
                            {.id = 13, .weight = 15, .available = true},
                            {.id = 0, .weight = 80, .available = true}};
    long obs[4] = {0};
    for (int64_t id = 1; id <= DRAWS; id++) {
        hh_lottery_outcome o = hh_lottery_pick(s, 4, false, hh_lottery_roll(SEED, strlen(SEED), id));
        obs[o.landed]++;
    }
    double share[4] = {0.01, 0.04, 0.15, 0.80};
    double x = chi_square(obs, share, 4, DRAWS);
    print_message("chi-square %.3f over %ld/%ld/%ld/%ld (df 3, limit 16.27)\n", x, obs[0], obs[1], obs[2], obs[3]);
    assert_true(x < 16.27);

    /* a prize out of stock (redistribute): the rest keep their relative odds */
    s[1].available = false;
    memset(obs, 0, sizeof obs);
    for (int64_t id = DRAWS + 1; id <= 2 * DRAWS; id++) {
        hh_lottery_outcome o = hh_lottery_pick(s, 4, false, hh_lottery_roll(SEED, strlen(SEED), id));
        assert_int_not_equal(o.prize_id, 12);
        obs[o.landed]++;
    }
    long obs3[3] = {obs[0], obs[2], obs[3]};
    double share3[3] = {1.0 / 96, 15.0 / 96, 80.0 / 96}; /* df 2, χ²(0.999) = 13.82 */
    x = chi_square(obs3, share3, 3, DRAWS);
    print_message("chi-square %.3f with a prize out of stock (df 2, limit 13.82)\n", x);
    assert_true(x < 13.82);

    /* another seed, large weights (near the cap): still uniform (a fixed seed keeps
     * the test deterministic: it can never fail by chance on one run and pass on the next) */
    const char *seed = "f00dfacecafebeef00112233445566778899aabbccddeeff0123456789abcdef";
    hh_lottery_slot big[3] = {{.id = 1, .weight = 999999999, .available = true},
                              {.id = 2, .weight = 1000000000, .available = true},
                              {.id = 0, .weight = 1, .available = true}};
    long o2[2] = {0};
    for (int64_t id = 1; id <= DRAWS; id++) {
        hh_lottery_outcome o = hh_lottery_pick(big, 3, false, hh_lottery_roll(seed, 64, id));
        if (o.landed < 2) o2[o.landed]++;
    }
    double half[2] = {999999999.0 / 2000000000, 1000000000.0 / 2000000000}; /* df 1, χ²(0.999) = 10.83 */
    x = chi_square(o2, half, 2, o2[0] + o2[1]);
    print_message("chi-square %.3f for two near-equal large weights (df 1, limit 10.83)\n", x);
    assert_true(x < 10.83);
}

/* The same draw id always gives the same outcome; a different seed a different roll. */
static void test_deterministic(void **state)
{
    (void)state;
    hh_lottery_slot s[4];
    pool(s);
    for (int64_t id = 1; id < 1000; id++) {
        uint64_t a = hh_lottery_roll(SEED, strlen(SEED), id), b = hh_lottery_roll(SEED, strlen(SEED), id);
        assert_true(a == b);
        assert_int_equal(hh_lottery_pick(s, 4, true, a).prize_id, hh_lottery_pick(s, 4, true, b).prize_id);
        assert_true(a != hh_lottery_roll("another seed", 12, id));
    }
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roll_vectors),   cmocka_unit_test(test_commitment),
        cmocka_unit_test(test_pick_boundaries), cmocka_unit_test(test_odds),
        cmocka_unit_test(test_odds_honoured),  cmocka_unit_test(test_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
