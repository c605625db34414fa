/*
 * test_walbuf.c — the store's VFS shim (store/walbuf.c), which gathers a
 * commit's appends to the write-ahead log into writes of up to 64 KiB: a
 * commit of many pages takes a handful of writes instead of two per page;
 * every transaction a writer was told is durable is in the file when the
 * process is killed right after (nothing committed waits in the buffer), in
 * both ways of syncing; what it wrote reads back through SQLite's own VFS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/log.h"
#include "store/store.h"

typedef struct {
    char dir[64];
    char path[128];
} tmpdb;

static void tmpdb_make(tmpdb *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/hh_walbuf_XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/test.db", t->dir);
}

static void tmpdb_remove(tmpdb *t)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    assert_int_equal(system(cmd), 0);
}

static hh_store *open_store(const char *path, bool sync_apart)
{
    hh_store *s = NULL;
    hh_store_config cfg = {.path = path, .sync_apart = sync_apart};
    assert_int_equal(hh_store_open(&s, &cfg), HH_OK);
    return s;
}

static hh_status create_table(hh_db *tx, void *ud)
{
    (void)ud;
    return hh_db_exec(tx, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
}

/* n rows of 1,000 random bytes each */
static hh_status insert_rows(hh_db *tx, void *ud)
{
    int n = *(int *)ud;
    for (int i = 0; i < n; i++) {
        hh_status st = hh_db_run(tx, NULL, "INSERT INTO t (v) VALUES (randomblob(1000))", NULL, 0);
        if (st) return st;
    }
    return HH_OK;
}

static hh_store_stats stats_of(hh_store *s)
{
    hh_store_stats st;
    s->ops->stats(s, &st);
    return st;
}

/* A transaction of 300 rows of 1 KB (about 80 pages, 320 KB of log) is
 * written in about 320 KB / 64 KB writes. SQLite alone makes two per page:
 * 160 or more. */
static void test_a_commit_takes_a_few_writes(void **state)
{
    (void)state;
    tmpdb t;
    tmpdb_make(&t);
    hh_store *s = open_store(t.path, false);
    assert_int_equal(hh_store_write_sync(s, create_table, NULL), HH_OK);
    hh_store_stats before = stats_of(s);
    int n = 300;
    assert_int_equal(hh_store_write_sync(s, insert_rows, &n), HH_OK);
    hh_store_stats after = stats_of(s);
    uint64_t writes = after.log_writes - before.log_writes, bytes = after.log_write_bytes - before.log_write_bytes;
    assert_true(bytes >= 300 * 1000);
    assert_true(writes >= bytes / (64 * 1024));
    assert_true(writes <= bytes / (64 * 1024) + 2);
    /* and it reads back */
    int64_t rows = 0;
    assert_int_equal(hh_db_int(hh_store_reader(s), &rows, "SELECT count(*) FROM t", NULL, 0), HH_OK);
    assert_int_equal(rows, 300);
    hh_store_close(s);
    tmpdb_remove(&t);
}

/* A child process commits transactions one by one, each reported on a pipe
 * once the store says it is durable, and is killed with SIGKILL while it
 * goes on. Every reported transaction is in the database, opened after that
 * with SQLite's default VFS, and the database is intact. */
static void killed_after_commits(bool sync_apart)
{
    tmpdb t;
    tmpdb_make(&t);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        hh_store *s = open_store(t.path, sync_apart);
        if (hh_store_write_sync(s, create_table, NULL) != HH_OK) _exit(2);
        for (int i = 1;; i++) {
            int n = 1 + i % 40; /* from one page to about ten */
            if (hh_store_write_sync(s, insert_rows, &n) != HH_OK) _exit(3);
            int64_t total = 0;
            if (hh_db_int(hh_store_reader(s), &total, "SELECT count(*) FROM t", NULL, 0) != HH_OK) _exit(4);
            if (write(fds[1], &total, sizeof total) != (ssize_t)sizeof total) _exit(5);
        }
    }
    close(fds[1]);
    int64_t reported = 0, v;
    for (int i = 0; i < 200 && read(fds[0], &v, sizeof v) == (ssize_t)sizeof v; i++) reported = v;
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    close(fds[0]);
    assert_true(reported > 0);

    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(t.path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_true(sqlite3_column_int64(st, 0) >= reported);
    sqlite3_finalize(st);
    sqlite3_close(db);
    tmpdb_remove(&t);
}

static void test_killed_after_commits_inline(void **state)
{
    (void)state;
    killed_after_commits(false);
}

static void test_killed_after_commits_apart(void **state)
{
    (void)state;
    killed_after_commits(true);
}

int main(void)
{
    hh_log_open(NULL, NULL, HH_LOG_WARN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_commit_takes_a_few_writes),
        cmocka_unit_test(test_killed_after_commits_inline),
        cmocka_unit_test(test_killed_after_commits_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
