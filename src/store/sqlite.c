/*
 * sqlite.c — the SQLite backend of hh_store_ops (see store.h for the model).
 *
 * Durability: the writer thread commits whole batches, one transaction with a
 * SAVEPOINT per command, and no command is answered before the write-ahead
 * log holding its batch has been fsynced. Two ways (hh_store_config.sync_apart):
 *   inline   synchronous=FULL: COMMIT itself fsyncs the log; the writer waits
 *            (the server's default: see docs/design.md for why).
 *   apart    synchronous=NORMAL: COMMIT only writes the log; the completion
 *            thread then fsyncs it (its own descriptor of the -wal file) and
 *            answers every command committed before that fsync began. The
 *            writer runs the next batch meanwhile, so one fsync often covers
 *            several batches. The log is append-only between checkpoints and
 *            a checkpoint fsyncs it before copying it (SQLite does, also at
 *            NORMAL), so an answered command is on disk either way. Unlike
 *            inline, readers may see a batch during its fsync (as Redis
 *            clients see a write before the appendfsync always fsync).
 *
 * Connections: one writer connection owned by the writer thread; one
 * read-only connection per reading thread, created on first use and kept in a
 * registry so close() can finalise them. Each connection caches prepared
 * statements keyed by the SQL text's address (SQL is always a string literal).
 *
 * Checkpoints: the writer's connection never checkpoints inside a COMMIT (that
 * would delay every answer of the batch). A WAL hook sees the log's length
 * after each commit; when it first passes CHECKPOINT_PAGES it wakes a
 * checkpointer thread, which copies the log into the database with its own
 * connection (PASSIVE: it never blocks the writer or readers) while the
 * writer goes on. The log starts over only when a write begins with every
 * frame copied, and under steady writes the writer has always added a few
 * while the pass ran, so when the pass is over the writer copies those few
 * itself, between two batches, and its next transaction restarts the log: two
 * passes per cycle of the log. (Passes repeated until one happens to catch
 * up cost an fsync of the database each, hundreds a second under load, each
 * delaying the log's own fsync.) Past CHECKPOINT_PAGES_MAX the writer
 * checkpoints whatever the checkpointer's state. /metrics counts both
 * (huohua_store_checkpoints_total).
 *
 * Caveats: a command's apply must not block (no network, no sleeping): every
 * other command of the batch waits for it.
 */
#include "store/store.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#define STMT_CACHE 512
#define WATCHED 32
/* A pass every 4,000 pages rather than 1,000: each pass copies again the
 * pages every write touches (counters, index tails) and fsyncs the database,
 * which competes with the log's fsync (bench/README.md, "Counter redemption") */
#define CHECKPOINT_PAGES 4000
#define CHECKPOINT_PAGES_MAX 8000
/* the checkpointer passes again while more frames than this were added
 * during its last pass (each pass is shorter than the one before), so the
 * writer's own catch-up copies at most about this many */
#define CATCHUP_FRAMES 256
#define CATCHUP_PASSES 6

/* distinct rows with pending counter updates per transaction, and additions
 * one command may leave pending (beyond either, updates run at once) */
#define DEFER_ROWS 64
#define DEFER_UNDO 16

typedef struct sq_conn {
    hh_db base;
    sqlite3 *db;
    struct {
        const char *sql;
        sqlite3_stmt *stmt;
    } cache[STMT_CACHE];
    struct sq_conn *next_reader;
    /* the writer's change counters (hh_db_version): per watched table, plus an
     * epoch that every rollback and every outside commit moves */
    struct {
        char name[48];
        uint64_t n;
    } watch[WATCHED];
    int nwatch;
    bool writer;
    uint64_t epoch;
    int64_t data_version;
    /* counter updates left to the end of the transaction (hh_db_defer):
     * summed per row; undo holds the running command's additions */
    struct {
        const char *sql;
        int64_t key, a, b;
        char key2[16];
    } defer[DEFER_ROWS];
    int ndefer;
    struct sq_undo {
        int i;
        int64_t a, b;
    } undo[DEFER_UNDO];
    int nundo;
    bool deferring; /* the running command may defer (set by the store) */
    bool muted;     /* row changes are not counted by hh_db_version */
} sq_conn;

typedef struct sq_store {
    hh_store base;
    char *path;
    int batch_max;
    bool readonly;
    sq_conn *writer_conn;
    pthread_t writer;
    bool writer_started;
    /* committed batches whose commands' done() is still to be called, by the
     * completion thread, so the writer goes on with the next batch at once */
    pthread_t completer;
    bool completer_started, completer_stopping;
    pthread_mutex_t done_mu;
    pthread_cond_t done_cv;
    hh_cmd *done_head, *done_tail;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    hh_cmd *head, *tail;
    _Atomic bool stopping; /* set under mu; the checkpointer also reads it between passes */
    pthread_key_t reader_key;
    sq_conn *readers;
    pthread_mutex_t stats_mu;
    hh_store_stats stats;
    /* the checkpointer */
    sqlite3 *ckpt_db;
    pthread_t ckpt;
    bool ckpt_started, ckpt_wanted;
    pthread_cond_t ckpt_cv;
    /* the log's length after the writer's last commit (0 once the writer has
     * copied it); written by the writer, read by the checkpointer too */
    _Atomic int wal_pages;
    /* cycles of the log: a pass is asked once per cycle (ckpt_asked, writer
     * thread only) and numbered; the checkpointer publishes the number of the
     * pass it finished, and the writer catches up once after it */
    bool ckpt_asked;
    uint64_t ckpt_gen;       /* written by the writer under mu */
    uint64_t ckpt_caught_up; /* writer thread only */
    _Atomic uint64_t ckpt_gen_passed;
    /* sync apart: the completion thread fsyncs the log through wal_fd; the
     * writer counts its commits, the completion thread what it has synced */
    bool sync_apart;
    int wal_fd;
    _Atomic uint64_t committed;  /* batches run, committed or rolled back */
    _Atomic uint64_t wrote;      /* the number of the last batch that committed */
    uint64_t synced;             /* batches known to be on disk (completion thread) */
    bool syncing; /* an fsync of the log is running (under mu) */
} sq_store;

static const hh_db_ops sq_db_ops;

/* ---- change counters of the writer (see hh_db_version in store.h) ---- */

static void on_row_change(void *arg, int op, const char *dbname, const char *table, sqlite3_int64 rowid)
{
    (void)op;
    (void)dbname;
    (void)rowid;
    sq_conn *c = arg;
    if (c->muted) return;
    for (int i = 0; i < c->nwatch; i++)
        if (!strcmp(c->watch[i].name, table)) {
            c->watch[i].n++;
            return;
        }
}

static uint64_t sq_version(hh_db *db, const char *table)
{
    sq_conn *c = (sq_conn *)db;
    /* a reader sees other connections' commits at any time: nothing it
     * caches is ever current (a new value each time) */
    if (!c->writer) return ++c->epoch;
    int i = 0;
    while (i < c->nwatch && strcmp(c->watch[i].name, table)) i++;
    if (i == c->nwatch) {
        /* a table nobody watched yet: nothing can be cached from it so far */
        HH_CHECK(i < WATCHED && strlen(table) < sizeof c->watch[i].name);
        snprintf(c->watch[i].name, sizeof c->watch[i].name, "%s", table);
        c->watch[i].n = 0;
        c->nwatch++;
    }
    return c->watch[i].n + c->epoch;
}

/* ---- connections and statements ---- */

static hh_status sq_status(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return HH_OK;
    case SQLITE_CONSTRAINT:
        return HH_E_CONFLICT;
    case SQLITE_NOMEM:
        return HH_E_NOMEM;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return HH_E_UNAVAILABLE;
    default:
        return HH_E_STORAGE;
    }
}

static sq_conn *conn_open(sq_store *s, bool readonly)
{
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_NOMUTEX |
                (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    int rc = sqlite3_open_v2(s->path, &db, flags, hh_walbuf_vfs());
    if (rc != SQLITE_OK) {
        hh_error("store.open_failed", "{s:s, s:s}", "path", s->path, "error",
                 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_extended_result_codes(db, 1);
    sq_conn *c = hh_xcalloc(1, sizeof(*c));
    c->base.ops = &sq_db_ops;
    c->base.store = &s->base;
    c->db = db;
    if (readonly) {
        sqlite3_exec(db, "PRAGMA query_only=ON", NULL, NULL, NULL);
    } else {
        sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;", NULL, NULL,
                     NULL);
        sqlite3_exec(db, s->sync_apart ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL", NULL, NULL, NULL);
        c->writer = true;
        c->epoch = 1;
        sqlite3_update_hook(db, on_row_change, c);
    }
    /* the writer keeps the hot indexes of a large member base in memory: a bulk
     * import of 16M members touches both unique indexes (phone, legacy number),
     * about 1 GiB of pages, in every run (pages are allocated as they are used) */
    /* the writer maps as much of the file as SQLite allows (Debian: 2 GiB).
     * Readers do not: a reader drops its whole mapping (munmap, a TLB
     * shootdown on every core) at the start of each read transaction after
     * any commit, which under steady writes cost a seventh of the HTTP
     * threads' CPU (bench/redeem.sh); they read through the page cache. */
    sqlite3_exec(db, readonly ? "PRAGMA cache_size=-65536; PRAGMA mmap_size=0"
                              : "PRAGMA cache_size=-2097152; PRAGMA mmap_size=2147418112",
                 NULL, NULL, NULL);
    return c;
}

static void conn_close(sq_conn *c)
{
    if (!c) return;
    for (size_t i = 0; i < STMT_CACHE; i++)
        if (c->cache[i].stmt) sqlite3_finalize(c->cache[i].stmt);
    sqlite3_close(c->db);
    free(c);
}

/* A prepared statement for sql, from the cache when possible. *cached tells the
 * caller whether to reset (cached) or finalize (not cached) it. */
static sqlite3_stmt *stmt_get(sq_conn *c, const char *sql, bool *cached)
{
    uintptr_t h = ((uintptr_t)sql >> 3) * 11400714819323198485ull;
    size_t slot = (size_t)(h >> 55) % STMT_CACHE;
    for (size_t probe = 0; probe < 8; probe++) {
        size_t i = (slot + probe) % STMT_CACHE;
        if (c->cache[i].sql == sql) {
            *cached = true;
            return c->cache[i].stmt;
        }
        if (!c->cache[i].sql) {
            sqlite3_stmt *st = NULL;
            if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
                SQLITE_OK)
                return NULL;
            c->cache[i].sql = sql;
            c->cache[i].stmt = st;
            *cached = true;
            return st;
        }
    }
    sqlite3_stmt *st = NULL;
    *cached = false;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) return NULL;
    return st;
}

static json_t *column_json(sqlite3_stmt *st, int i, const char *name, size_t nlen)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: {
        sqlite3_int64 v = sqlite3_column_int64(st, i);
        if (nlen > 5 && !strcmp(name + nlen - 5, "_bool")) return json_boolean(v);
        return json_integer(v);
    }
    case SQLITE_FLOAT:
        return json_real(sqlite3_column_double(st, i));
    case SQLITE_TEXT: {
        const char *t = (const char *)sqlite3_column_text(st, i);
        int len = sqlite3_column_bytes(st, i);
        if (nlen > 5 && !strcmp(name + nlen - 5, "_json")) {
            json_t *v = json_loadb(t, (size_t)len, JSON_DECODE_ANY, NULL);
            return v ? v : json_null();
        }
        return json_stringn(t, (size_t)len);
    }
    case SQLITE_NULL:
        if (nlen > 5 && !strcmp(name + nlen - 5, "_bool")) return json_false();
        return json_null();
    default:
        return json_null(); /* blobs are never sent as JSON */
    }
}

static hh_status sq_exec(hh_db *db, const char *sql, const hh_arg *args, size_t nargs,
                         hh_result *res, int flags)
{
    sq_conn *c = (sq_conn *)db;
    bool cached;
    sqlite3_stmt *st = stmt_get(c, sql, &cached);
    if (!st) {
        hh_error("store.prepare_failed", "{s:s, s:s}", "sql", sql, "error", sqlite3_errmsg(c->db));
        return HH_E_STORAGE;
    }
    /* a savepoint inside a command: what it defers from now on could be
     * rolled back to there, so it runs at once (inside the savepoint) */
    if (c->deferring && sql[0] == 'S' && !strncmp(sql, "SAVEPOINT", 9)) c->deferring = false;
    /* a cached statement keeps its last call's values: the parameters this
     * call leaves unbound must be NULL (the usual call binds them all) */
    if (cached && (int)nargs < sqlite3_bind_parameter_count(st)) sqlite3_clear_bindings(st);
    for (size_t i = 0; i < nargs; i++) {
        int idx = (int)i + 1;
        switch (args[i].t) {
        case 'i':
            sqlite3_bind_int64(st, idx, args[i].i);
            break;
        case 'd':
            sqlite3_bind_double(st, idx, args[i].d);
            break;
        case 's':
            if (args[i].s)
                sqlite3_bind_text(st, idx, args[i].s, -1, SQLITE_STATIC);
            else
                sqlite3_bind_null(st, idx);
            break;
        default:
            sqlite3_bind_null(st, idx);
        }
    }
    json_t *rows = (flags & HH_ROWS) ? json_array() : NULL;
    int rc;
    bool first = true;
    if (res && (flags & HH_INTS)) {
        res->found = false;
        res->nulls = 0;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((flags & HH_INTS) && first && res) {
            int n = sqlite3_column_count(st);
            res->found = true;
            for (int i = 0; i < res->nints; i++) {
                bool null = i >= n || sqlite3_column_type(st, i) == SQLITE_NULL;
                res->ints[i] = null ? 0 : sqlite3_column_int64(st, i);
                if (null && i < 32) res->nulls |= 1u << i;
            }
        }
        first = false;
        if (!rows) continue;
        int n = sqlite3_column_count(st);
        json_t *row = json_object();
        for (int i = 0; i < n; i++) {
            const char *name = sqlite3_column_name(st, i);
            size_t nlen = strlen(name);
            json_t *v = column_json(st, i, name, nlen);
            if (nlen > 5 && (!strcmp(name + nlen - 5, "_json") || !strcmp(name + nlen - 5, "_bool"))) {
                char key[128];
                size_t kl = nlen - 5 < sizeof(key) - 1 ? nlen - 5 : sizeof(key) - 1;
                memcpy(key, name, kl);
                key[kl] = 0;
                json_object_set_new(row, key, v);
            } else {
                json_object_set_new(row, name, v);
            }
        }
        json_array_append_new(rows, row);
    }
    hh_status out = sq_status(rc);
    /* rows put back by a rollback are not reported to the update hook */
    if (sql[0] == 'R' && !strncmp(sql, "ROLLBACK", 8)) c->epoch++;
    if (out != HH_OK && out != HH_E_CONFLICT)
        hh_error("store.exec_failed", "{s:s, s:s}", "sql", sql, "error", sqlite3_errmsg(c->db));
    if (res) {
        res->changes = sqlite3_changes64(c->db);
        res->last_id = sqlite3_last_insert_rowid(c->db);
        res->rows = rows;
    } else {
        json_decref(rows);
    }
    if (cached) {
        sqlite3_reset(st);
    } else {
        sqlite3_finalize(st);
    }
    return out;
}

static const char *sq_errmsg(hh_db *db)
{
    return sqlite3_errmsg(((sq_conn *)db)->db);
}

/* ---- counter updates once per transaction (hh_db_defer in store.h) ---- */

static bool same_row(const char *key2, const char *k2)
{
    return key2 ? !strcmp(key2, k2) : !k2[0];
}

static int defer_find(sq_conn *c, const char *sql, int64_t key, const char *key2)
{
    for (int i = 0; i < c->ndefer; i++)
        if (c->defer[i].sql == sql && c->defer[i].key == key && same_row(key2, c->defer[i].key2)) return i;
    return -1;
}

/* One update, its changes not counted by hh_db_version. */
static hh_status defer_run(sq_conn *c, const char *sql, int64_t key, const char *key2, int64_t a, int64_t b)
{
    bool cached;
    sqlite3_stmt *st = stmt_get(c, sql, &cached);
    if (!st) return HH_E_STORAGE;
    hh_arg args[4] = {HH_I(key), HH_S(key2), HH_I(a), HH_I(b)};
    size_t n = (size_t)sqlite3_bind_parameter_count(st);
    if (!cached) sqlite3_finalize(st);
    hh_result res = {0};
    c->muted = true;
    hh_status out = sq_exec(&c->base, sql, args, n < 4 ? n : 4, &res, 0);
    c->muted = false;
    if (out == HH_OK && res.changes != 1) {
        hh_error("store.deferred_update_missed", "{s:s, s:I}", "sql", sql, "key", (json_int_t)key);
        out = HH_E_STORAGE;
    }
    return out;
}

static hh_status sq_defer(hh_db *db, const char *sql, int64_t key, const char *key2, int64_t a, int64_t b)
{
    sq_conn *c = (sq_conn *)db;
    HH_CHECK(!key2 || strlen(key2) < sizeof c->defer[0].key2);
    int i = c->deferring ? defer_find(c, sql, key, key2) : -1;
    if (c->deferring && i < 0 && c->ndefer < DEFER_ROWS) {
        i = c->ndefer++;
        c->defer[i].sql = sql;
        c->defer[i].key = key;
        c->defer[i].a = c->defer[i].b = 0;
        snprintf(c->defer[i].key2, sizeof c->defer[i].key2, "%s", key2 ? key2 : "");
    }
    if (i < 0 || c->nundo == DEFER_UNDO) return defer_run(c, sql, key, key2, a, b);
    c->defer[i].a += a;
    c->defer[i].b += b;
    c->undo[c->nundo++] = (struct sq_undo){i, a, b};
    return HH_OK;
}

static void sq_deferred(hh_db *db, const char *sql, int64_t key, const char *key2, int64_t *a, int64_t *b)
{
    sq_conn *c = (sq_conn *)db;
    int i = defer_find(c, sql, key, key2);
    *a = i < 0 ? 0 : c->defer[i].a;
    *b = i < 0 ? 0 : c->defer[i].b;
}

/* Runs every pending update (before COMMIT, and before a command that does
 * not defer). */
static hh_status defer_flush(sq_conn *c)
{
    hh_status st = HH_OK;
    for (int i = 0; i < c->ndefer && st == HH_OK; i++)
        if (c->defer[i].a || c->defer[i].b)
            st = defer_run(c, c->defer[i].sql, c->defer[i].key, c->defer[i].key2[0] ? c->defer[i].key2 : NULL,
                           c->defer[i].a, c->defer[i].b);
    c->ndefer = 0;
    return st;
}

/* A command failed: its own additions are not applied. */
static void defer_undo(sq_conn *c)
{
    /* the command may have mirrored them in caches: those are stale now */
    if (c->nundo > 0) c->epoch++;
    while (c->nundo > 0) {
        c->nundo--;
        c->defer[c->undo[c->nundo].i].a -= c->undo[c->nundo].a;
        c->defer[c->undo[c->nundo].i].b -= c->undo[c->nundo].b;
    }
}

static const hh_db_ops sq_db_ops = {
    .exec = sq_exec, .errmsg = sq_errmsg, .version = sq_version, .defer = sq_defer, .deferred = sq_deferred};

/* ---- readers ---- */

static hh_db *sq_reader(hh_store *base)
{
    sq_store *s = (sq_store *)base;
    sq_conn *c = pthread_getspecific(s->reader_key);
    if (c) return &c->base;
    c = conn_open(s, true);
    HH_CHECK(c != NULL);
    pthread_setspecific(s->reader_key, c);
    pthread_mutex_lock(&s->mu);
    c->next_reader = s->readers;
    s->readers = c;
    pthread_mutex_unlock(&s->mu);
    return &c->base;
}

/* ---- the writer ---- */

static void sq_submit(hh_store *base, hh_cmd *cmd)
{
    sq_store *s = (sq_store *)base;
    cmd->next = NULL;
    cmd->st = HH_OK;
    cmd->enqueued_ns = hh_mono_ns();
    pthread_mutex_lock(&s->mu);
    if (s->stopping || s->readonly) {
        pthread_mutex_unlock(&s->mu);
        cmd->st = HH_E_UNAVAILABLE;
        cmd->done(cmd->ud, HH_E_UNAVAILABLE);
        return;
    }
    if (s->tail)
        s->tail->next = cmd;
    else
        s->head = cmd;
    s->tail = cmd;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

static int bucket_of(double v, const double *bounds, int n)
{
    int i = 0;
    while (i < n && v > bounds[i]) i++;
    return i;
}

static bool apply_one(sq_store *s, hh_db *tx, hh_cmd *c, bool alone);

/* Runs one command inside the open transaction: in a savepoint of its own
 * (its failure undoes only it), or without one when it is alone in the
 * transaction so far or refuses before changing anything. false: the whole
 * transaction must be rolled back. */
static bool apply_cmd(sq_store *s, hh_db *tx, hh_cmd *c, bool alone)
{
    sq_conn *w = s->writer_conn;
    w->deferring = c->defers && (alone || c->refuses_first);
    w->nundo = 0;
    if (!w->deferring && w->ndefer && defer_flush(w) != HH_OK) {
        c->st = HH_E_STORAGE;
        return false;
    }
    bool ok = apply_one(s, tx, c, alone);
    if (c->st != HH_OK) defer_undo(w);
    w->deferring = false;
    return ok;
}

static bool apply_one(sq_store *s, hh_db *tx, hh_cmd *c, bool alone)
{
    if (alone) {
        /* a command alone needs no savepoint: its failure rolls the
         * transaction back (and large commands, bulk imports, do not copy
         * every page they touch into a savepoint journal) */
        c->st = c->apply(tx, c->ud);
        return c->st == HH_OK;
    }
    if (c->refuses_first) {
        sqlite3_int64 before = sqlite3_total_changes64(s->writer_conn->db);
        c->st = c->apply(tx, c->ud);
        if (c->st != HH_OK && sqlite3_total_changes64(s->writer_conn->db) != before) {
            /* no savepoint to go back to: nothing of this batch may stay */
            hh_error("store.failed_after_changes", "{s:s}", "status", hh_status_code(c->st));
            c->st = HH_E_UNAVAILABLE;
            return false;
        }
        return true;
    }
    if (hh_db_exec(tx, "SAVEPOINT cmd") != HH_OK) {
        c->st = HH_E_STORAGE;
        return true;
    }
    c->st = c->apply(tx, c->ud);
    if (c->st != HH_OK) hh_db_exec(tx, "ROLLBACK TO cmd");
    hh_db_exec(tx, "RELEASE cmd");
    return true;
}

/* Up to max queued commands, or NULL; *n counts them. Called with s->mu held. */
static hh_cmd *take_queued(sq_store *s, int max, int *n)
{
    hh_cmd *first = s->head, *last = first;
    if (!first || max <= 0) return NULL;
    *n = 1;
    while (last->next && *n < max) {
        last = last->next;
        (*n)++;
    }
    s->head = last->next;
    if (!s->head) s->tail = NULL;
    last->next = NULL;
    return first;
}

/* One transaction: the commands of *batch, and when syncing apart, every
 * command that arrives while the log's previous fsync is still running (up to
 * batch_max): committing then would only queue behind that fsync, and one
 * commit of many commands costs the writer less than many of few. On return
 * *batch lists every command that ran, *n their number, *wrote whether it
 * committed. HH_OK: each command's own status says whether it applied. */
static hh_status run_batch(sq_store *s, hh_cmd **batch, int *n, bool *wrote)
{
    hh_db *tx = &s->writer_conn->base;
    hh_status st = hh_db_exec(tx, "BEGIN IMMEDIATE");
    if (st != HH_OK) return st;
    /* another process committed since our last batch: caches are stale */
    int64_t dv = 0;
    if (hh_db_ints(tx, &dv, 1, "PRAGMA data_version", NULL, 0) != HH_OK || dv != s->writer_conn->data_version) {
        s->writer_conn->data_version = dv;
        s->writer_conn->epoch++;
    }
    hh_cmd *last = NULL, *more = *batch;
    bool alone = !more->next;
    for (;;) {
        for (hh_cmd *c = more; c; c = c->next) {
            last = c;
            if (!apply_cmd(s, tx, c, alone)) {
                s->writer_conn->ndefer = 0;
                hh_db_exec(tx, "ROLLBACK");
                if (alone) return HH_OK; /* it failed alone: nothing else to undo */
                return HH_E_UNAVAILABLE;
            }
            alone = false;
        }
        if (!s->sync_apart) break;
        pthread_mutex_lock(&s->mu);
        while (!s->head && s->syncing && !s->stopping) pthread_cond_wait(&s->cv, &s->mu);
        int got = 0;
        more = s->syncing && !s->stopping ? take_queued(s, s->batch_max - *n, &got) : NULL;
        pthread_mutex_unlock(&s->mu);
        if (!more) break;
        last->next = more;
        *n += got;
    }
    st = defer_flush(s->writer_conn);
    if (st == HH_OK) st = hh_db_exec(tx, "COMMIT");
    if (st != HH_OK) {
        hh_db_exec(tx, "ROLLBACK");
        return HH_E_STORAGE;
    }
    *wrote = true;
    return HH_OK;
}

/* After each commit of the writer: wake the checkpointer when the log is long. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    (void)db;
    (void)name;
    sq_store *s = arg;
    /* the hook runs on the writer thread, in its COMMIT */
    atomic_store_explicit(&s->wal_pages, pages, memory_order_relaxed);
    if (pages < CHECKPOINT_PAGES) {
        s->ckpt_asked = false; /* the log started over */
    } else if (!s->ckpt_asked) {
        s->ckpt_asked = true;
        pthread_mutex_lock(&s->mu);
        s->ckpt_gen++;
        s->ckpt_wanted = true;
        pthread_cond_signal(&s->ckpt_cv);
        pthread_mutex_unlock(&s->mu);
    }
    return SQLITE_OK;
}

static void *ckpt_main(void *arg)
{
    sq_store *s = arg;
    pthread_setname_np(pthread_self(), "hh-checkpoint");
    for (;;) {
        pthread_mutex_lock(&s->mu);
        while (!s->ckpt_wanted && !s->stopping) pthread_cond_wait(&s->ckpt_cv, &s->mu);
        bool stop = s->stopping;
        s->ckpt_wanted = false;
        uint64_t gen = s->ckpt_gen;
        pthread_mutex_unlock(&s->mu);
        if (stop) break;
        for (int pass = 0; pass < CATCHUP_PASSES && !atomic_load(&s->stopping); pass++) {
            int log = 0, done = 0;
            int rc = sqlite3_wal_checkpoint_v2(s->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
            if (rc != SQLITE_OK && rc != SQLITE_BUSY)
                hh_warn("store.checkpoint_failed", "{s:s}", "error", sqlite3_errmsg(s->ckpt_db));
            if (rc != SQLITE_OK || log < 0) break;
            pthread_mutex_lock(&s->stats_mu);
            s->stats.checkpoints++;
            pthread_mutex_unlock(&s->stats_mu);
            /* the pass copied the log as it was when it began: again while
             * the writer added many frames meanwhile (or the log restarted) */
            int now = atomic_load_explicit(&s->wal_pages, memory_order_relaxed);
            if (done < log || now < log || now - log <= CATCHUP_FRAMES) break;
        }
        atomic_store(&s->ckpt_gen_passed, gen);
    }
    return NULL;
}

static void *writer_main(void *arg)
{
    sq_store *s = arg;
    pthread_setname_np(pthread_self(), "hh-writer");
    for (;;) {
        pthread_mutex_lock(&s->mu);
        while (!s->head && !s->stopping) pthread_cond_wait(&s->cv, &s->mu);
        if (!s->head && s->stopping) {
            pthread_mutex_unlock(&s->mu);
            break;
        }
        int n = 0;
        hh_cmd *batch = take_queued(s, s->batch_max, &n);
        pthread_mutex_unlock(&s->mu);

        int64_t t0 = hh_mono_ns();
        bool wrote = false;
        hh_status st = run_batch(s, &batch, &n, &wrote);
        int64_t us = (hh_mono_ns() - t0) / 1000;
        /* numbered, committed or not: a refusal may rest on an earlier batch
         * that is not on disk yet, so it is answered after that one too */
        uint64_t seq = atomic_load_explicit(&s->committed, memory_order_relaxed) + 1;
        for (hh_cmd *c = batch; c; c = c->next) c->commit_seq = seq;
        if (wrote) atomic_store_explicit(&s->wrote, seq, memory_order_relaxed);
        atomic_store_explicit(&s->committed, seq, memory_order_release);

        pthread_mutex_lock(&s->stats_mu);
        s->stats.commits++;
        s->stats.commands += (uint64_t)n;
        if (st != HH_OK) s->stats.failed_commits++;
        s->stats.batch_buckets[bucket_of(n, hh_store_batch_bounds, 11)]++;
        s->stats.batch_sum += (uint64_t)n;
        s->stats.commit_buckets[bucket_of((double)us, hh_store_commit_bounds_us, 11)]++;
        s->stats.commit_us_sum += (uint64_t)us;
        if (!s->sync_apart) s->stats.synced_commits = seq; /* COMMIT fsynced it */
        pthread_mutex_unlock(&s->stats_mu);
        if (st != HH_OK) hh_error("store.commit_failed", "{s:i}", "commands", n);

        /* the batch is committed (or failed as a whole): hand its commands to
         * the completion thread, which syncs the log when apart and answers
         * them (resuming a connection costs a lock and a system call each)
         * while this thread runs the next */
        hh_cmd *tail = batch;
        for (hh_cmd *c = batch; c; c = c->next) {
            if (st != HH_OK) c->st = st;
            tail = c;
        }
        pthread_mutex_lock(&s->done_mu);
        if (s->done_tail)
            s->done_tail->next = batch;
        else
            s->done_head = batch;
        s->done_tail = tail;
        pthread_cond_signal(&s->done_cv);
        pthread_mutex_unlock(&s->done_mu);
        /* the batch is handed over: copy what the checkpointer's pass left
         * (the frames written meanwhile), or a log grown past its limit, here
         * between batches, so that the next transaction restarts the log */
        bool caught_up = s->ckpt_asked && s->ckpt_caught_up != s->ckpt_gen && atomic_load(&s->ckpt_gen_passed) == s->ckpt_gen;
        if (caught_up || atomic_load_explicit(&s->wal_pages, memory_order_relaxed) >= CHECKPOINT_PAGES_MAX) {
            atomic_store_explicit(&s->wal_pages, 0, memory_order_relaxed);
            s->ckpt_caught_up = s->ckpt_gen;
            int log = 0, done = 0;
            if (sqlite3_wal_checkpoint_v2(s->writer_conn->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done) == SQLITE_OK &&
                log >= 0) {
                pthread_mutex_lock(&s->stats_mu);
                s->stats.writer_checkpoints++;
                pthread_mutex_unlock(&s->stats_mu);
            }
        }
    }
    return NULL;
}

static void *completer_main(void *arg)
{
    sq_store *s = arg;
    pthread_setname_np(pthread_self(), "hh-commit-done");
    for (;;) {
        pthread_mutex_lock(&s->done_mu);
        while (!s->done_head && !s->completer_stopping) pthread_cond_wait(&s->done_cv, &s->done_mu);
        hh_cmd *list = s->done_head;
        s->done_head = s->done_tail = NULL;
        bool stop = s->completer_stopping;
        /* every batch on the list was counted before it was put there */
        uint64_t upto = atomic_load_explicit(&s->committed, memory_order_acquire);
        pthread_mutex_unlock(&s->done_mu);
        if (list && s->sync_apart && upto > s->synced) {
            if (atomic_load_explicit(&s->wrote, memory_order_relaxed) <= s->synced) {
                s->synced = upto; /* only rollbacks since the last fsync: nothing new to sync */
            } else {
                pthread_mutex_lock(&s->mu);
                s->syncing = true;
                pthread_mutex_unlock(&s->mu);
                int64_t t0 = hh_mono_ns();
                int rc, err = 0;
                while ((rc = fdatasync(s->wal_fd)) != 0 && (err = errno) == EINTR) {
                }
                int64_t us = (hh_mono_ns() - t0) / 1000;
                /* the disk is free: the writer commits what it has gathered */
                pthread_mutex_lock(&s->mu);
                s->syncing = false;
                pthread_cond_signal(&s->cv);
                pthread_mutex_unlock(&s->mu);
                if (rc != 0) {
                    /* whether the log reached the disk is unknown: no command
                     * may be answered as done (nor should the process go on
                     * trusting the file: after a failed fsync Linux may have
                     * dropped the pages, so restart it) */
                    hh_error("store.sync_failed", "{s:s}", "error", strerror(err));
                    for (hh_cmd *c = list; c; c = c->next) c->st = HH_E_STORAGE;
                } else {
                    s->synced = upto;
                }
                pthread_mutex_lock(&s->stats_mu);
                s->stats.syncs++;
                s->stats.sync_us_sum += (uint64_t)us;
                pthread_mutex_unlock(&s->stats_mu);
            }
            pthread_mutex_lock(&s->stats_mu);
            s->stats.synced_commits = s->synced;
            pthread_mutex_unlock(&s->stats_mu);
        }
        for (hh_cmd *c = list, *next; c; c = next) {
            next = c->next; /* done() may free c */
            c->done(c->ud, c->st);
        }
        if (!list && stop) break;
    }
    return NULL;
}

static void sq_stats(hh_store *base, hh_store_stats *out)
{
    sq_store *s = (sq_store *)base;
    pthread_mutex_lock(&s->stats_mu);
    *out = s->stats;
    pthread_mutex_unlock(&s->stats_mu);
    hh_walbuf_stats(&out->log_writes, &out->log_write_bytes);
    hh_pcache_stats(&out->cache_truncations_bounded, &out->cache_truncation_walks, &out->cache_clears);
}

/* ---- migrations ---- */

static hh_status migrate(sq_store *s)
{
    sqlite3 *db = s->writer_conn->db;
    sqlite3_stmt *st;
    int version = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) version = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    for (size_t i = 0; i < hh_migrations_count; i++) {
        const hh_migration *m = &hh_migrations[i];
        if (m->version <= version) continue;
        char *err = NULL;
        char pragma[64];
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", m->version);
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &err) != SQLITE_OK ||
            sqlite3_exec(db, m->sql, NULL, NULL, &err) != SQLITE_OK ||
            sqlite3_exec(db, pragma, NULL, NULL, &err) != SQLITE_OK ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
            hh_error("store.migration_failed", "{s:i, s:s, s:s}", "version", m->version, "name",
                     m->name, "error", err ? err : "?");
            sqlite3_free(err);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return HH_E_STORAGE;
        }
        hh_info("store.migrated", "{s:i, s:s}", "version", m->version, "name", m->name);
    }
    return HH_OK;
}

/* ---- backup ---- */

static hh_status sq_backup(hh_store *base, const char *dest_path)
{
    sq_store *s = (sq_store *)base;
    sq_conn *src = conn_open(s, true);
    if (!src) return HH_E_STORAGE;
    sqlite3 *dst = NULL;
    hh_status out = HH_E_STORAGE;
    if (sqlite3_open(dest_path, &dst) == SQLITE_OK) {
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", src->db, "main");
        if (b) {
            int rc;
            /* small steps so a serving writer is never held up for long */
            while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY ||
                   rc == SQLITE_LOCKED)
                if (rc != SQLITE_OK) sqlite3_sleep(5);
            sqlite3_backup_finish(b);
            if (rc == SQLITE_DONE) out = HH_OK;
        }
        if (out != HH_OK) hh_error("store.backup_failed", "{s:s}", "error", sqlite3_errmsg(dst));
    }
    sqlite3_close(dst);
    conn_close(src);
    return out;
}

/* ---- open / close ---- */

/* Sync apart: a descriptor of the write-ahead log for the completion thread.
 * The writer's connection keeps the file open (and the same inode: SQLite
 * rewrites the log from its start, it never replaces it while open), and the
 * migrations have created it. Its directory entry is made durable once here,
 * as SQLite would on the log's first fsync. */
static hh_status open_wal_fd(sq_store *s)
{
    const char *wal = sqlite3_filename_wal(sqlite3_db_filename(s->writer_conn->db, "main"));
    s->wal_fd = wal ? open(wal, O_RDONLY | O_CLOEXEC) : -1;
    if (s->wal_fd < 0) {
        hh_error("store.wal_open_failed", "{s:s, s:s}", "path", wal ? wal : "?", "error", strerror(errno));
        return HH_E_STORAGE;
    }
    char *dir = hh_xstrdup(wal);
    int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (dfd < 0 || fsync(dfd) != 0) {
        hh_error("store.dir_sync_failed", "{s:s, s:s}", "path", wal, "error", strerror(errno));
        if (dfd >= 0) close(dfd);
        return HH_E_STORAGE;
    }
    close(dfd);
    return HH_OK;
}

static void sq_close(hh_store *base)
{
    sq_store *s = (sq_store *)base;
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_broadcast(&s->cv);
    pthread_cond_broadcast(&s->ckpt_cv);
    pthread_mutex_unlock(&s->mu);
    if (s->writer_started) pthread_join(s->writer, NULL);
    pthread_mutex_lock(&s->done_mu);
    s->completer_stopping = true;
    pthread_cond_broadcast(&s->done_cv);
    pthread_mutex_unlock(&s->done_mu);
    if (s->completer_started) pthread_join(s->completer, NULL);
    if (s->ckpt_started) pthread_join(s->ckpt, NULL);
    if (s->ckpt_db) sqlite3_close(s->ckpt_db);
    if (s->wal_fd >= 0) close(s->wal_fd);
    conn_close(s->writer_conn); /* the last connection: SQLite checkpoints the rest */
    for (sq_conn *c = s->readers, *n; c; c = n) {
        n = c->next_reader;
        conn_close(c);
    }
    pthread_key_delete(s->reader_key);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->stats_mu);
    pthread_mutex_destroy(&s->done_mu);
    pthread_cond_destroy(&s->done_cv);
    pthread_cond_destroy(&s->ckpt_cv);
    free(s->path);
    free(s);
}

static const hh_store_ops sq_ops = {
    .name = "sqlite",
    .reader = sq_reader,
    .submit = sq_submit,
    .backup = sq_backup,
    .stats = sq_stats,
    .close = sq_close,
};

static void global_config(void)
{
    /* no global allocation statistics: one mutex fewer per allocation */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    /* the page cache, with truncations limited to the pages above the limit */
    int rc = hh_pcache_install();
    if (rc != SQLITE_OK) hh_warn("store.pcache_not_installed", "{s:s}", "error", sqlite3_errstr(rc));
}

hh_status hh_sqlite_open(hh_store **out, const hh_store_config *cfg)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, global_config);
    *out = NULL;
    sq_store *s = hh_xcalloc(1, sizeof(*s));
    s->base.ops = &sq_ops;
    s->path = hh_xstrdup(cfg->path);
    s->batch_max = cfg->batch_max > 0 ? cfg->batch_max : 1024;
    s->readonly = cfg->readonly;
    s->sync_apart = cfg->sync_apart && !cfg->readonly;
    s->wal_fd = -1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_mutex_init(&s->stats_mu, NULL);
    pthread_mutex_init(&s->done_mu, NULL);
    pthread_cond_init(&s->done_cv, NULL);
    pthread_cond_init(&s->ckpt_cv, NULL);
    pthread_key_create(&s->reader_key, NULL);
    if (!s->readonly) {
        s->writer_conn = conn_open(s, false);
        if (!s->writer_conn || migrate(s) != HH_OK) {
            sq_close(&s->base);
            return HH_E_STORAGE;
        }
        if (s->sync_apart && open_wal_fd(s) != HH_OK) {
            sq_close(&s->base);
            return HH_E_STORAGE;
        }
        /* checkpoints leave the writer: its own connection, its own thread */
        if (sqlite3_open_v2(s->path, &s->ckpt_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, hh_walbuf_vfs()) !=
            SQLITE_OK) {
            sq_close(&s->base);
            return HH_E_STORAGE;
        }
        sqlite3_busy_timeout(s->ckpt_db, 0);
        /* a connection learns that the file is in WAL mode when it first reads
         * it; until then sqlite3_wal_checkpoint_v2 answers SQLITE_OK with a log
         * of -1 frames and copies nothing, which left every checkpoint to the
         * writer (a 2 ms stall every 8,000 pages) */
        if (sqlite3_exec(s->ckpt_db, "SELECT 1 FROM sqlite_schema LIMIT 1", NULL, NULL, NULL) != SQLITE_OK) {
            sq_close(&s->base);
            return HH_E_STORAGE;
        }
        sqlite3_wal_hook(s->writer_conn->db, wal_hook, s);
        if (pthread_create(&s->ckpt, NULL, ckpt_main, s) != 0) {
            sq_close(&s->base);
            return HH_E_STORAGE;
        }
        s->ckpt_started = true;
        if (pthread_create(&s->completer, NULL, completer_main, s) != 0) {
            sq_close(&s->base);
            return HH_E_STORAGE;
        }
        s->completer_started = true;
        if (pthread_create(&s->writer, NULL, writer_main, s) != 0) {
            sq_close(&s->base);
            return HH_E_STORAGE;
        }
        s->writer_started = true;
    }
    *out = &s->base;
    return HH_OK;
}
