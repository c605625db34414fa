/*
 * test_pcache.c — the page cache every store connection uses (store/pcache.c):
 * SQLite's default cache, with each truncation limited to the pages above
 * its limit. Through the page-cache interface: a truncation discards exactly
 * the pages at or above its limit, including a page renumbered through
 * B-tree balancing's temporary number, without walking the cache; a cache
 * that noted too many pages, a limit below the last one and a new cache fall
 * back to the default truncation. Through SQLite: transactions that split
 * index pages in random order commit without a full walk, a rolled-back
 * transaction that grew the file leaves nothing behind, and the database
 * stays intact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "store/store.h"

/* B-tree balancing's temporary page number at 4 KiB pages */
#define TEMP_PGNO (0x40000000u / 4096 + 1)

static sqlite3_pcache_methods2 m; /* the installed methods, read before SQLite initialises */

/* truncations left to the default cache, clears included */
static uint64_t full_count(void)
{
    uint64_t bounded, walks, clears;
    hh_pcache_stats(&bounded, &walks, &clears);
    return walks + clears;
}

static uint64_t bounded_count(void)
{
    uint64_t bounded, walks, clears;
    hh_pcache_stats(&bounded, &walks, &clears);
    return bounded;
}

/* keys [from, to] created and unpinned (kept) */
static void fill(sqlite3_pcache *c, unsigned from, unsigned to)
{
    for (unsigned k = from; k <= to; k++) {
        sqlite3_pcache_page *p = m.xFetch(c, k, 2);
        assert_non_null(p);
        memcpy(p->pBuf, &k, sizeof k);
        m.xUnpin(c, p, 0);
    }
}

/* the key a cached page was filled with, or 0 when key is not cached */
static unsigned filled_with(sqlite3_pcache *c, unsigned key)
{
    sqlite3_pcache_page *p = m.xFetch(c, key, 0);
    if (!p) return 0;
    unsigned v;
    memcpy(&v, p->pBuf, sizeof v);
    m.xUnpin(c, p, 0);
    return v;
}

static void rekey(sqlite3_pcache *c, unsigned from, unsigned to)
{
    sqlite3_pcache_page *p = m.xFetch(c, from, 0);
    assert_non_null(p);
    m.xRekey(c, p, from, to);
    m.xUnpin(c, p, 0);
}

static void test_truncation_discards_what_is_above_its_limit(void **state)
{
    (void)state;
    sqlite3_pcache *c = m.xCreate(4096, 64, 1);
    assert_non_null(c);
    m.xCachesize(c, 100000);
    fill(c, 1, 200);
    uint64_t full0 = full_count(), bounded0 = bounded_count();
    m.xTruncate(c, 101); /* more pages than a new cache notes: the default truncation */
    assert_int_equal(full_count(), full0 + 1);
    assert_int_equal(m.xPagecount(c), 100);

    /* a transaction appends pages 101..130, and balancing swaps 105 and 110
     * through the temporary number, as balance_nonroot does */
    fill(c, 101, 130);
    rekey(c, 105, TEMP_PGNO);
    rekey(c, 110, 105);
    rekey(c, TEMP_PGNO, 110);
    m.xTruncate(c, 121);
    assert_int_equal(full_count(), full0 + 1);
    assert_int_equal(bounded_count(), bounded0 + 1);
    assert_int_equal(m.xPagecount(c), 120);
    for (unsigned k = 1; k <= 120; k++) {
        unsigned want = k == 105 ? 110 : k == 110 ? 105 : k;
        assert_int_equal(filled_with(c, k), want);
    }
    for (unsigned k = 121; k <= 130; k++) assert_int_equal(filled_with(c, k), 0);
    assert_int_equal(filled_with(c, TEMP_PGNO), 0);

    /* a page left at the temporary number (pinned, as a truncation may find
     * one) is discarded too */
    sqlite3_pcache_page *p = m.xFetch(c, 7, 0);
    assert_non_null(p);
    m.xRekey(c, p, 7, TEMP_PGNO);
    m.xTruncate(c, 121);
    assert_int_equal(full_count(), full0 + 1);
    assert_int_equal(filled_with(c, TEMP_PGNO), 0);
    assert_int_equal(filled_with(c, 7), 0);
    assert_int_equal(m.xPagecount(c), 119);
    m.xDestroy(c);
}

static void test_fallbacks_stay_correct(void **state)
{
    (void)state;
    sqlite3_pcache *c = m.xCreate(4096, 64, 1);
    m.xCachesize(c, 100000);
    uint64_t full0 = full_count(), bounded0 = bounded_count();
    /* a new cache notes its first pages: clearing a small one is bounded */
    fill(c, 1, 20);
    m.xTruncate(c, 1);
    assert_int_equal(m.xPagecount(c), 0);
    assert_int_equal(bounded_count(), bounded0 + 1);

    /* more new pages than the cache notes: the default truncation */
    fill(c, 1, 300);
    m.xTruncate(c, 201);
    assert_int_equal(full_count(), full0 + 1);
    assert_int_equal(m.xPagecount(c), 200);
    for (unsigned k = 201; k <= 300; k++) assert_int_equal(filled_with(c, k), 0);

    /* a limit a little below the last one: the numbers between are
     * discarded one by one */
    m.xTruncate(c, 151);
    assert_int_equal(full_count(), full0 + 1);
    assert_int_equal(m.xPagecount(c), 150);
    for (unsigned k = 151; k <= 200; k++) assert_int_equal(filled_with(c, k), 0);

    /* far below it (the file shrank a lot): the default truncation */
    m.xTruncate(c, 31);
    assert_int_equal(full_count(), full0 + 2);
    assert_int_equal(m.xPagecount(c), 30);
    for (unsigned k = 1; k <= 30; k++) assert_int_equal(filled_with(c, k), k);
    for (unsigned k = 31; k <= 150; k++) assert_int_equal(filled_with(c, k), 0);

    /* and bounded again after it, down to a clear */
    fill(c, 31, 40);
    m.xTruncate(c, 36);
    assert_int_equal(m.xPagecount(c), 35);
    m.xTruncate(c, 1);
    assert_int_equal(m.xPagecount(c), 0);
    assert_int_equal(full_count(), full0 + 2);
    m.xDestroy(c);
}

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) fail_msg("%s: %s", sql, err ? err : "?");
}

static int64_t one(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void test_sqlite_commits_without_walking_the_cache(void **state)
{
    (void)state;
    char dir[] = "/tmp/hh_pcache_XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
    exec(db, "PRAGMA journal_mode=WAL; PRAGMA cache_size=-65536;"
             "CREATE TABLE t (id INTEGER PRIMARY KEY, k BLOB NOT NULL, v BLOB NOT NULL);"
             "CREATE INDEX t_k ON t(k);");
    uint64_t full0 = full_count(), bounded0 = bounded_count();
    /* 300 transactions of 40 rows with random index keys: the index splits
     * pages all over, which renumbers new pages through TEMP_PGNO */
    for (int i = 0; i < 300; i++)
        exec(db, "BEGIN; WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 40)"
                 " INSERT INTO t (k, v) SELECT randomblob(24), randomblob(200) FROM s; COMMIT;");
    uint64_t full = full_count() - full0, bounded = bounded_count() - bounded0;
    /* every truncation bounded: the main database's at each commit, and
     * those of the small caches of each statement's temporary tables */
    assert_int_equal(full, 0);
    assert_true(bounded >= 300);

    /* a transaction that grows the file, rolled back: the pages it added are
     * gone from the cache, and the file's next pages read as new ones */
    int64_t pages = one(db, "PRAGMA page_count");
    exec(db, "BEGIN; WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 300)"
             " INSERT INTO t (k, v) SELECT randomblob(24), randomblob(3000) FROM s; ROLLBACK;");
    assert_int_equal(one(db, "PRAGMA page_count"), pages);
    exec(db, "BEGIN; WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 200)"
             " INSERT INTO t (k, v) SELECT randomblob(24), zeroblob(2000) FROM s; COMMIT;");
    assert_int_equal(one(db, "SELECT count(*) FROM t"), 300 * 40 + 200);
    assert_int_equal(one(db, "SELECT count(*) FROM t WHERE v = zeroblob(2000)"), 200);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);

    /* and another connection reads the same */
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(one(db, "SELECT count(*) FROM t"), 300 * 40 + 200);
    sqlite3_close(db);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    hh_log_open(NULL, NULL, HH_LOG_WARN);
    /* before SQLite initialises, as the store does */
    if (hh_pcache_install() != SQLITE_OK || sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &m) != SQLITE_OK) {
        fprintf(stderr, "test_pcache: the page cache could not be installed\n");
        return 1;
    }
    if (sqlite3_initialize() != SQLITE_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truncation_discards_what_is_above_its_limit),
        cmocka_unit_test(test_fallbacks_stay_correct),
        cmocka_unit_test(test_sqlite_commits_without_walking_the_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
