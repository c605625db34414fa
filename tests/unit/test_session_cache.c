/*
 * test_session_cache.c — the member session cache of an HTTP thread
 * (auth/session.c): a crowd of members as large as a busy campaign's all stay
 * cached (members whose hashes share a set do not evict each other), every
 * entry answers with what was put, and an entry misses once the auth epoch
 * moves (a sign-out, merge or erasure committed), its session has expired or
 * it is a minute old.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "auth/auth.h"
#include "core/hh.h"

#define CROWD 10000

typedef struct {
    char hash[65];
    int64_t id;
} member;

/* n token hashes, the same in every run (a hash of "member <i> <salt>"), so
 * the test does not pass or fail by the luck of the draw */
static member *crowd_of(size_t n, const char *salt)
{
    member *m = hh_xcalloc(n, sizeof *m);
    for (size_t i = 0; i < n; i++) {
        char text[64];
        unsigned char h[32];
        int k = snprintf(text, sizeof text, "member %zu %s", i, salt);
        crypto_generichash(h, sizeof h, (const unsigned char *)text, (size_t)k, NULL, 0);
        hh_hex(m[i].hash, h, sizeof h);
        m[i].id = (int64_t)i + 1;
    }
    return m;
}

static member *crowd(size_t n)
{
    static int calls;
    char salt[16];
    snprintf(salt, sizeof salt, "%d", ++calls);
    return crowd_of(n, salt);
}

static int64_t in_an_hour(void)
{
    return hh_now_ms() + 3600 * 1000;
}

/* Every member of a crowd of 10,000, put once, is found afterwards with its
 * own id. A direct-mapped cache of 16,384 slots lost about a quarter of them
 * (two hashes in one slot), a two-way one a few percent, eight ways of 4,096
 * sets a few (nine hashes in one set). */
static void test_a_crowd_stays_cached(void **state)
{
    (void)state;
    member *m = crowd(CROWD);
    uint64_t epoch = hh__auth_epoch();
    for (size_t i = 0; i < CROWD; i++) hh__member_cache_put(m[i].hash, epoch, m[i].id, 7, in_an_hour());
    size_t hits = 0;
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < CROWD; i++) {
            int64_t id = 0, ent = 0;
            if (hh__member_cache_get(m[i].hash, &id, &ent)) {
                hits++;
                assert_int_equal(id, m[i].id);
                assert_int_equal(ent, 7);
            }
        }
    assert_int_equal(hits, 3 * CROWD);
    free(m);
}

/* A put for a cached hash replaces its entry rather than taking a second way. */
static void test_a_put_replaces_its_own_entry(void **state)
{
    (void)state;
    member *m = crowd(1);
    uint64_t epoch = hh__auth_epoch();
    hh__member_cache_put(m[0].hash, epoch, 41, 7, in_an_hour());
    hh__member_cache_put(m[0].hash, epoch, 42, 8, in_an_hour());
    int64_t id = 0, ent = 0;
    assert_true(hh__member_cache_get(m[0].hash, &id, &ent));
    assert_int_equal(id, 42);
    assert_int_equal(ent, 8);
    free(m);
}

/* A committed change to sessions moves the epoch: nothing cached before it
 * is used after it; a put made with the new epoch is. */
static void test_the_epoch_drops_every_entry(void **state)
{
    (void)state;
    member *m = crowd(100);
    uint64_t epoch = hh__auth_epoch();
    for (size_t i = 0; i < 100; i++) hh__member_cache_put(m[i].hash, epoch, m[i].id, 7, in_an_hour());
    hh_auth_invalidate();
    int64_t id, ent;
    for (size_t i = 0; i < 100; i++) assert_false(hh__member_cache_get(m[i].hash, &id, &ent));
    hh__member_cache_put(m[0].hash, hh__auth_epoch(), m[0].id, 7, in_an_hour());
    assert_true(hh__member_cache_get(m[0].hash, &id, &ent));
    /* a put that read the epoch before a change is stale at once */
    hh__member_cache_put(m[1].hash, epoch, m[1].id, 7, in_an_hour());
    assert_false(hh__member_cache_get(m[1].hash, &id, &ent));
    free(m);
}

/* An expired session is not answered from the cache. */
static void test_an_expired_session_misses(void **state)
{
    (void)state;
    member *m = crowd(1);
    hh__member_cache_put(m[0].hash, hh__auth_epoch(), m[0].id, 7, hh_now_ms() - 1);
    int64_t id, ent;
    assert_false(hh__member_cache_get(m[0].hash, &id, &ent));
    free(m);
}

/* An entry is used for a minute at most (a change made to the database by
 * another process than this server is seen within that). */
static void test_an_entry_lasts_a_minute(void **state)
{
    (void)state;
    member *m = crowd(1);
    int64_t t0 = hh_now_ms(), id, ent;
    hh_clock_set(t0);
    hh__member_cache_put(m[0].hash, hh__auth_epoch(), m[0].id, 7, t0 + 3600 * 1000);
    hh_clock_set(t0 + 59 * 1000);
    assert_true(hh__member_cache_get(m[0].hash, &id, &ent));
    hh_clock_set(t0 + 61 * 1000);
    assert_false(hh__member_cache_get(m[0].hash, &id, &ent));
    hh_clock_set(0);
    free(m);
}

/* A text that is not a token hash is neither cached nor found. */
static void test_not_a_hash(void **state)
{
    (void)state;
    int64_t id, ent;
    hh__member_cache_put("not hex", hh__auth_epoch(), 1, 7, in_an_hour());
    assert_false(hh__member_cache_get("not hex", &id, &ent));
    assert_false(hh__member_cache_get("", &id, &ent));
}

/* More members than the cache holds: the newest are found, nothing breaks. */
static void test_more_members_than_it_holds(void **state)
{
    (void)state;
    size_t n = 5 * CROWD;
    member *m = crowd(n);
    uint64_t epoch = hh__auth_epoch();
    for (size_t i = 0; i < n; i++) hh__member_cache_put(m[i].hash, epoch, m[i].id, 7, in_an_hour());
    int64_t id = 0, ent = 0;
    assert_true(hh__member_cache_get(m[n - 1].hash, &id, &ent));
    assert_int_equal(id, m[n - 1].id);
    free(m);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_crowd_stays_cached),
        cmocka_unit_test(test_a_put_replaces_its_own_entry),
        cmocka_unit_test(test_the_epoch_drops_every_entry),
        cmocka_unit_test(test_an_expired_session_misses),
        cmocka_unit_test(test_an_entry_lasts_a_minute),
        cmocka_unit_test(test_not_a_hash),
        cmocka_unit_test(test_more_members_than_it_holds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
