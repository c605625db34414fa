/*
 * store.h — the storage interface every domain module talks to.
 *
 * A store is a struct of operations (hh_store_ops) with one implementation per
 * backend (SQLite today: sqlite.c; PostgreSQL can implement the same table).
 * Domain code never names a backend: it writes parameterised SQL with `?`
 * placeholders in the common dialect of SQLite ≥ 3.35 and PostgreSQL
 * (RETURNING, ON CONFLICT, no backend-only functions) and calls the helpers
 * below.
 *
 * Reads run on per-thread read-only connections (hh_store_reader()).
 * Writes run on ONE writer thread: a command (hh_cmd) is queued, the writer
 * takes every queued command at once, opens one transaction, runs each command
 * inside its own SAVEPOINT (a failing command is rolled back alone), commits
 * with one fsync, and only then calls each command's `done`. So a caller who
 * answers from `done` answers only after its write is durable.
 *
 * Row conventions of hh_db_query(): each row becomes a JSON object keyed by
 * column name; a column whose name ends in "_json" holds JSON text and is
 * parsed, the suffix dropped; one ending in "_bool" becomes true/false.
 */
#ifndef HH_STORE_H
#define HH_STORE_H

#include "core/hh.h"

#include <jansson.h>

typedef struct hh_store hh_store;
typedef struct hh_db hh_db;

/* A bound SQL parameter. Build with HH_I / HH_S / HH_D / HH_NULL. */
typedef struct hh_arg {
    char t; /* 'i' int64, 's' text (NULL → SQL NULL), 'd' double, 'n' NULL */
    int64_t i;
    double d;
    const char *s;
} hh_arg;
#define HH_I(x) ((hh_arg){.t = 'i', .i = (int64_t)(x)})
#define HH_S(x) ((hh_arg){.t = 's', .s = (x)})
#define HH_D(x) ((hh_arg){.t = 'd', .d = (double)(x)})
#define HH_NULL ((hh_arg){.t = 'n'})
/* An int64 that is NULL when 0 (for optional foreign keys). */
#define HH_ID(x) ((x) ? HH_I(x) : HH_NULL)
/* HH_A(args...) expands to "pointer, count" for the helpers below. */
#define HH_A(...) ((const hh_arg[]){{0}, __VA_ARGS__} + 1), \
    (sizeof((const hh_arg[]){{0}, __VA_ARGS__}) / sizeof(hh_arg) - 1)

typedef struct hh_result {
    json_t *rows;      /* with HH_ROWS: array of row objects (new reference) */
    int64_t changes;   /* rows changed by an INSERT/UPDATE/DELETE */
    int64_t last_id;   /* rowid of the last INSERT */
    /* with HH_INTS: the first row's first nints columns as integers (NULL → 0,
     * and its bit set in nulls); found tells whether there was a row */
    int64_t *ints;
    int nints;
    uint32_t nulls;
    bool found;
} hh_result;
#define HH_ROWS 1
#define HH_INTS 2

typedef struct hh_db_ops {
    /* Run one statement with parameters; fill res (may be NULL). A constraint
     * violation is HH_E_CONFLICT, any other failure HH_E_STORAGE. */
    hh_status (*exec)(hh_db *db, const char *sql, const hh_arg *args, size_t nargs,
                      hh_result *res, int flags);
    /* Text of the last error, for the log only. */
    const char *(*errmsg)(hh_db *db);
    /* See hh_db_version(). */
    uint64_t (*version)(hh_db *db, const char *table);
    /* See hh_db_defer() and hh_db_deferred(). */
    hh_status (*defer)(hh_db *db, const char *sql, int64_t key, const char *key2, int64_t a, int64_t b);
    void (*deferred)(hh_db *db, const char *sql, int64_t key, const char *key2, int64_t *a, int64_t *b);
} hh_db_ops;

struct hh_db {
    const hh_db_ops *ops;
    hh_store *store;
};

/* A write command. `apply` runs on the writer thread inside a savepoint;
 * `done` runs after the batch is durable (or failed), on the store's
 * completion thread (one thread, in commit order, while the writer runs the
 * next batch): keep it short (resume a connection, signal a waiter). */
typedef hh_status (*hh_apply_fn)(hh_db *tx, void *ud);
typedef void (*hh_done_fn)(void *ud, hh_status st);
typedef struct hh_cmd {
    hh_apply_fn apply;
    hh_done_fn done;
    void *ud;
    /* apply refuses (returns a status) only before its first change: it then
     * runs without a savepoint of its own, which saves copying every page it
     * touches into the savepoint's journal. Should it fail after changing
     * rows after all (a storage error), the whole batch is rolled back and
     * every command of it fails. */
    bool refuses_first;
    /* apply may leave its counter updates to the end of the transaction
     * (hh_db_defer); they are deferred only when it runs without a savepoint
     * (alone, or refuses_first), and run before any other command */
    bool defers;
    hh_status st;
    int64_t enqueued_ns;
    uint64_t commit_seq; /* set by the store: the number of the transaction that carried it
                          * (hh_store_stats.synced_commits reaches it before done() runs) */
    struct hh_cmd *next;
} hh_cmd;

typedef struct hh_store_config {
    const char *path;      /* SQLite file */
    int batch_max;         /* commands per transaction; 1 = batching off */
    bool readonly;         /* no writer thread (tools that only read) */
    bool sync_apart;       /* fsync the log on the completion thread, after COMMIT, while the
                            * writer runs the next batch (sqlite.c); false: COMMIT fsyncs */
} hh_store_config;

typedef struct hh_store_stats {
    uint64_t commits, commands, failed_commits;
    /* batch size histogram: <=1, 2, 4, 8 ... 1024, +Inf */
    uint64_t batch_buckets[12];
    uint64_t batch_sum;
    /* time to run and commit one batch (incl. the fsync unless sync apart), in microseconds:
     * 50,100,250,500,1000,2500,5000,10000,25000,50000,100000,+Inf */
    uint64_t commit_buckets[12];
    uint64_t commit_us_sum;
    /* checkpoints that ran (copied what they could of the write-ahead log into
     * the database): by the checkpointer thread, and by the writer itself
     * when the log had grown past its limit */
    uint64_t checkpoints, writer_checkpoints;
    /* sync apart: fsyncs of the log by the completion thread and their time
     * (one fsync often covers several commits under load); either way, the
     * number of the last transaction known to be on disk */
    uint64_t syncs, sync_us_sum, synced_commits;
    /* write system calls to the log and their bytes (store/walbuf.c gathers a
     * commit's frames into writes of up to 64 KiB: about bytes / 64 KiB + 1
     * per commit, where SQLite alone makes two per page) */
    uint64_t log_writes, log_write_bytes;
    /* truncations of the connections' page caches (one per write
     * transaction, a clear per reader after a commit): limited to the pages
     * above the limit, walks of the whole cache (after a transaction that
     * added many pages), and clears (store/pcache.c) */
    uint64_t cache_truncations_bounded, cache_truncation_walks, cache_clears;
} hh_store_stats;
extern const double hh_store_batch_bounds[11];
extern const double hh_store_commit_bounds_us[11];

typedef struct hh_store_ops {
    const char *name;
    hh_db *(*reader)(hh_store *s);
    void (*submit)(hh_store *s, hh_cmd *cmd);
    hh_status (*backup)(hh_store *s, const char *dest_path);
    void (*stats)(hh_store *s, hh_store_stats *out);
    void (*close)(hh_store *s);
} hh_store_ops;

struct hh_store {
    const hh_store_ops *ops;
};

/* Open the store named by cfg (runs migrations unless readonly). */
hh_status hh_store_open(hh_store **out, const hh_store_config *cfg);
hh_status hh_sqlite_open(hh_store **out, const hh_store_config *cfg);
void hh_store_close(hh_store *s);

/* The calling thread's read-only connection (opened on first use). */
static inline hh_db *hh_store_reader(hh_store *s) { return s->ops->reader(s); }
/* Queue a write; cmd must stay valid until cmd->done has been called. */
static inline void hh_store_submit(hh_store *s, hh_cmd *cmd) { s->ops->submit(s, cmd); }
/* Queue a write and wait for it to be durable (CLI tools, tests; never on an
 * HTTP thread). */
hh_status hh_store_write_sync(hh_store *s, hh_apply_fn apply, void *ud);

/* ---- statement helpers (generic over the backend) ---- */
hh_status hh_db_run(hh_db *db, hh_result *res, const char *sql, const hh_arg *a, size_t n);
/* All rows as a JSON array (new reference in *rows). */
hh_status hh_db_query(hh_db *db, json_t **rows, const char *sql, const hh_arg *a, size_t n);
/* The first row as an object (new reference), HH_E_NOT_FOUND when none. */
hh_status hh_db_one(hh_db *db, json_t **row, const char *sql, const hh_arg *a, size_t n);
/* The first column of the first row as an integer; HH_E_NOT_FOUND when none. */
hh_status hh_db_int(hh_db *db, int64_t *out, const char *sql, const hh_arg *a, size_t n);
/* Run a statement that takes no parameters (SAVEPOINT, PRAGMA, DDL). */
hh_status hh_db_exec(hh_db *db, const char *sql);
/* The first row's first n columns as integers, without building JSON (hot
 * paths); a NULL column reads as 0. HH_E_NOT_FOUND when there is no row. */
hh_status hh_db_ints(hh_db *db, int64_t *out, int n, const char *sql, const hh_arg *a, size_t na);

/* Change counter of `table` on the writer's connection, for caches the writer
 * thread keeps of rows it reads on every command (campaigns, prize pools): it
 * rises whenever a row of the table is inserted, updated or deleted through
 * the connection, whenever any change is rolled back (ROLLBACK, ROLLBACK TO),
 * and when another process has committed to the database. A cache stamped
 * with the value it was built at is current while the value is unchanged; a
 * command that changes the table itself and mirrors the change in its cache
 * can re-stamp when the counter moved by exactly the rows it changed.
 * Writer thread only; rowid tables only (SQLite reports no row changes of
 * WITHOUT ROWID tables, nor of a DELETE without WHERE). Never 0. */
static inline uint64_t hh_db_version(hh_db *tx, const char *table) { return tx->ops->version(tx, table); }

/* Counter updates made once per transaction. A hot row that every command of
 * a batch adds to (a campaign's use count, a prize's stock, its wins of the
 * day) is then updated once per batch instead of once per command.
 * hh_db_defer adds a and b to the pending update of the row (sql, key, key2)
 * when the command running on the writer has hh_cmd.defers and no savepoint;
 * otherwise, and off the writer, it runs sql at once. sql takes ?1 key, ?2
 * key2 (text, may be NULL), ?3 a and ?4 b (the summed additions) and must
 * change exactly one row: a pending update that changes none fails its whole
 * batch (HH_E_STORAGE). Pending updates run before COMMIT and before any
 * command that does not defer; a command's own additions are dropped when it
 * fails, and all of them when the batch is rolled back. Rows changed through
 * hh_db_defer, at once or later, do not move hh_db_version: the caller
 * mirrors the addition in whatever it caches of the row, and whatever reads
 * the row on the writer adds what is pending (hh_db_deferred). */
static inline hh_status hh_db_defer(hh_db *tx, const char *sql, int64_t key, const char *key2, int64_t a, int64_t b)
{
    return tx->ops->defer(tx, sql, key, key2, a, b);
}
/* What is pending for the row (sql, key, key2) in the writer's transaction:
 * the sums of a and b not yet applied (0 and 0 when none). */
static inline void hh_db_deferred(hh_db *tx, const char *sql, int64_t key, const char *key2, int64_t *a, int64_t *b)
{
    tx->ops->deferred(tx, sql, key, key2, a, b);
}

/* Schema migrations, applied in order by the backend at open. */
typedef struct hh_migration {
    int version;
    const char *name;
    const char *sql; /* one or more statements */
} hh_migration;
extern const hh_migration hh_migrations[];
extern const size_t hh_migrations_count;

/* The SQLite VFS the store opens its files with: the default one, with each
 * commit's appends to the write-ahead log gathered into one write
 * (store/walbuf.c). Registered on first use. */
#define HH_WALBUF_VFS "huohua-walbuf"
const char *hh_walbuf_vfs(void);
/* Writes to write-ahead logs through that VFS since the process started, and
 * their bytes (also in hh_store_stats). */
void hh_walbuf_stats(uint64_t *writes, uint64_t *bytes);

/* The page cache of every SQLite connection in the process: the default one,
 * with each truncation (one per transaction) limited to the pages above its
 * limit (store/pcache.c). Installed once, before SQLite initialises (the
 * store does it before it opens its first file); SQLITE_OK, or SQLite's code
 * when it is too late. */
int hh_pcache_install(void);
/* Truncations since the process started: limited to the pages above the
 * limit; left to the default cache (a walk of every cached page); and clears
 * of a whole cache left to it (as a reader's after another's commit). */
void hh_pcache_stats(uint64_t *bounded, uint64_t *walks, uint64_t *clears);

#endif
