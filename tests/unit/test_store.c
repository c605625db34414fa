/*
 * test_store.c — the SQLite store: group commit under concurrency, a failing
 * command rolled back alone inside its batch, batching off, no command
 * answered before the log holding it is fsynced (both ways of syncing), the
 * checkpoints, the row conventions of hh_db_query(), status mapping,
 * migrations, reopen, backup.
 *
 * No test depends on timing: where a batch must contain several commands, a
 * "gate" command holds the writer inside its apply until every other command
 * has been queued (store.h asks applies not to block; a test may, on purpose).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/log.h"
#include "store/store.h"

typedef struct {
    char dir[64];
    char path[128];
    hh_store *store;
} fixture;

static hh_store *open_store_sync(const char *path, int batch_max, bool sync_apart)
{
    hh_store *s = NULL;
    hh_store_config cfg = {.path = path, .batch_max = batch_max, .sync_apart = sync_apart};
    assert_int_equal(hh_store_open(&s, &cfg), HH_OK);
    assert_non_null(s);
    return s;
}

/* the log fsynced apart (--sync apart) unless batching is off; setup_inline
 * opens it as the server does by default */
static hh_store *open_store(const char *path, int batch_max)
{
    return open_store_sync(path, batch_max, batch_max != 1);
}

static hh_status create_table(hh_db *tx, void *ud)
{
    (void)ud;
    return hh_db_exec(tx, "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE,"
                          " v INTEGER, thread INTEGER)");
}

static int setup_with(void **state, int batch_max, bool sync_apart)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/hh_store_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
    f->store = open_store_sync(f->path, batch_max, sync_apart);
    assert_int_equal(hh_store_write_sync(f->store, create_table, NULL), HH_OK);
    *state = f;
    return 0;
}

static int setup(void **state) { return setup_with(state, 0, true); }
static int setup_inline(void **state) { return setup_with(state, 0, false); }
static int setup_nobatch(void **state) { return setup_with(state, 1, false); }

static int teardown(void **state)
{
    fixture *f = *state;
    hh_store_close(f->store);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static hh_store_stats stats_of(hh_store *s)
{
    hh_store_stats st;
    s->ops->stats(s, &st);
    return st;
}

static int64_t count_rows(hh_store *s, const char *where_k)
{
    int64_t n = -1;
    hh_db *db = hh_store_reader(s);
    if (where_k)
        assert_int_equal(hh_db_int(db, &n, "SELECT count(*) FROM t WHERE k = ?",
                                   HH_A(HH_S(where_k))),
                         HH_OK);
    else
        assert_int_equal(hh_db_int(db, &n, "SELECT count(*) FROM t", NULL, 0), HH_OK);
    return n;
}

/* ---- asynchronous commands: completion counter and gate ---- */

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done;               /* commands whose done() ran */
    int submitted;          /* commands queued by the test */
    int release_at;         /* the gate opens when submitted reaches this */
    bool open;
    bool gate_entered;      /* the writer is inside the gate's apply */
    hh_store *store;        /* when set, done() checks the command's commit is synced */
    int unsynced;           /* done() calls that came before the fsync of their commit */
} tracker;

static tracker trk = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, false, false, NULL, 0};

static void tracker_reset(int release_at)
{
    pthread_mutex_lock(&trk.mu);
    trk.done = trk.submitted = 0;
    trk.release_at = release_at;
    trk.open = false;
    trk.gate_entered = false;
    pthread_mutex_unlock(&trk.mu);
}

/* Wait until the writer holds the gate, so that what is queued next forms
 * batches of its own. */
static void tracker_wait_gate(void)
{
    pthread_mutex_lock(&trk.mu);
    while (!trk.gate_entered) pthread_cond_wait(&trk.cv, &trk.mu);
    pthread_mutex_unlock(&trk.mu);
}

static void tracker_submitted(void)
{
    pthread_mutex_lock(&trk.mu);
    trk.submitted++;
    if (trk.submitted >= trk.release_at) trk.open = true;
    pthread_cond_broadcast(&trk.cv);
    pthread_mutex_unlock(&trk.mu);
}

static void tracker_wait_done(int n)
{
    pthread_mutex_lock(&trk.mu);
    while (trk.done < n) pthread_cond_wait(&trk.cv, &trk.mu);
    pthread_mutex_unlock(&trk.mu);
}

typedef struct {
    hh_cmd cmd;
    char k[32];
    int thread;
    bool fail_after_insert; /* insert, then report a conflict */
    hh_status seen;         /* status given to done() */
    bool finished;
} job;

static hh_status gate_apply(hh_db *tx, void *ud)
{
    (void)tx;
    (void)ud;
    pthread_mutex_lock(&trk.mu);
    trk.gate_entered = true;
    pthread_cond_broadcast(&trk.cv);
    while (!trk.open) pthread_cond_wait(&trk.cv, &trk.mu);
    pthread_mutex_unlock(&trk.mu);
    return HH_OK;
}

static hh_status job_apply(hh_db *tx, void *ud)
{
    job *j = ud;
    hh_status st = hh_db_run(tx, NULL, "INSERT INTO t (k, v, thread) VALUES (?, ?, ?)",
                             HH_A(HH_S(j->k), HH_I(1), HH_I(j->thread)));
    if (st != HH_OK) return st;
    return j->fail_after_insert ? HH_E_CONFLICT : HH_OK;
}

static void job_done(void *ud, hh_status st)
{
    job *j = ud;
    hh_store_stats now;
    if (trk.store) trk.store->ops->stats(trk.store, &now);
    pthread_mutex_lock(&trk.mu);
    if (trk.store && (j->cmd.commit_seq == 0 || now.synced_commits < j->cmd.commit_seq)) trk.unsynced++;
    j->seen = st;
    j->finished = true;
    trk.done++;
    pthread_cond_broadcast(&trk.cv);
    pthread_mutex_unlock(&trk.mu);
}

static void job_init(job *j, hh_apply_fn apply, const char *k, int thread)
{
    memset(j, 0, sizeof *j);
    snprintf(j->k, sizeof j->k, "%s", k);
    j->thread = thread;
    j->seen = HH_STATUS_COUNT;
    j->cmd.apply = apply;
    j->cmd.done = job_done;
    j->cmd.ud = j;
}

/* ---- group commit under concurrency ---- */

#define THREADS 6
#define PER_THREAD 150

typedef struct {
    hh_store *store;
    job *jobs;
    int thread;
} submitter;

static void *submit_many(void *arg)
{
    submitter *sb = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        job *j = &sb->jobs[i];
        char k[32];
        snprintf(k, sizeof k, "t%d-%d", sb->thread, i);
        job_init(j, job_apply, k, sb->thread);
        hh_store_submit(sb->store, &j->cmd);
        tracker_submitted();
    }
    return NULL;
}

/* THREADS threads queue PER_THREAD commands each, at once */
static void submit_from_threads(hh_store *store, job jobs[THREADS][PER_THREAD])
{
    pthread_t th[THREADS];
    submitter sb[THREADS];
    for (int t = 0; t < THREADS; t++) {
        sb[t] = (submitter){.store = store, .jobs = jobs[t], .thread = t};
        assert_int_equal(pthread_create(&th[t], NULL, submit_many, &sb[t]), 0);
    }
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
}

static void test_concurrent_submits_are_batched(void **state)
{
    fixture *f = *state;
    hh_store_stats before = stats_of(f->store);
    const int total = THREADS * PER_THREAD;
    tracker_reset(total);

    job gate;
    job_init(&gate, gate_apply, "gate", -1);
    hh_store_submit(f->store, &gate.cmd);
    tracker_wait_gate();

    static job jobs[THREADS][PER_THREAD];
    submit_from_threads(f->store, jobs);
    tracker_wait_done(total + 1);

    assert_int_equal(gate.seen, HH_OK);
    for (int t = 0; t < THREADS; t++)
        for (int i = 0; i < PER_THREAD; i++) {
            assert_true(jobs[t][i].finished);
            assert_int_equal(jobs[t][i].seen, HH_OK);
            assert_int_equal(jobs[t][i].cmd.st, HH_OK);
        }
    assert_int_equal(count_rows(f->store, NULL), total);

    hh_store_stats after = stats_of(f->store);
    uint64_t commands = after.commands - before.commands;
    uint64_t commits = after.commits - before.commits;
    assert_int_equal(commands, (uint64_t)total + 1);
    assert_true(commits >= 2);          /* the gate's batch and at least one more */
    assert_true(commits < commands);    /* mean batch size > 1 */
    assert_true((double)(after.batch_sum - before.batch_sum) / (double)commits > 1.0);
    assert_int_equal(after.failed_commits, before.failed_commits);
    /* every command of the threads waited behind the gate, so at most
     * ceil(total / 1024) batches follow it */
    assert_true(commits <= 1 + (uint64_t)(total + 1023) / 1024);

    uint64_t buckets = 0;
    for (int i = 0; i < 12; i++) buckets += after.batch_buckets[i];
    assert_int_equal(buckets, after.commits);
    buckets = 0;
    for (int i = 0; i < 12; i++) buckets += after.commit_buckets[i];
    assert_int_equal(buckets, after.commits);
    assert_int_equal(after.batch_sum, after.commands);
}

static void test_concurrent_without_gate_all_commit(void **state)
{
    /* the same load without any gate: whatever the batching, every command
     * is applied once and reported once */
    fixture *f = *state;
    hh_store_stats before = stats_of(f->store);
    const int total = THREADS * PER_THREAD;
    tracker_reset(0);
    static job jobs[THREADS][PER_THREAD];
    submit_from_threads(f->store, jobs);
    tracker_wait_done(total);
    assert_int_equal(count_rows(f->store, NULL), total);
    hh_store_stats after = stats_of(f->store);
    assert_int_equal(after.commands - before.commands, (uint64_t)total);
    assert_true(after.commits - before.commits <= (uint64_t)total);
    assert_int_equal(after.batch_sum - before.batch_sum, (uint64_t)total);
}

/* ---- no answer before the log is on disk ---- */

/* done() of every command runs only once the transaction that carried it is
 * known to be fsynced: by the completion thread's fsync of the log (--sync
 * apart) or by COMMIT itself (inline, the server's default) */
static void test_done_runs_after_the_log_is_synced(void **state)
{
    fixture *f = *state;
    hh_store_stats before = stats_of(f->store);
    const int total = THREADS * PER_THREAD;
    tracker_reset(0);
    trk.store = f->store;
    trk.unsynced = 0;
    static job jobs[THREADS][PER_THREAD];
    submit_from_threads(f->store, jobs);
    tracker_wait_done(total);
    trk.store = NULL;
    assert_int_equal(trk.unsynced, 0);
    assert_int_equal(count_rows(f->store, NULL), total);
    hh_store_stats after = stats_of(f->store);
    assert_int_equal(after.synced_commits, after.commits);
    assert_int_equal(after.commands - before.commands, (uint64_t)total);
    if (after.syncs) {
        /* apart: one fsync per group of commits, never more than commits */
        assert_true(after.syncs - before.syncs >= 1);
        assert_true(after.syncs - before.syncs <= after.commits - before.commits);
    }
}

/* ---- a failing command is rolled back alone ---- */

static void test_failed_command_rolled_back_alone(void **state)
{
    fixture *f = *state;
    hh_store_stats before = stats_of(f->store);
    tracker_reset(4);
    job gate, a, b, c, d;
    job_init(&gate, gate_apply, "gate", 0);
    job_init(&a, job_apply, "a", 0);
    job_init(&b, job_apply, "b", 0);
    b.fail_after_insert = true;
    job_init(&c, job_apply, "c", 0);
    job_init(&d, job_apply, "a", 0); /* duplicate key: a real constraint violation */

    hh_store_submit(f->store, &gate.cmd);
    tracker_wait_gate();
    hh_cmd *queue[] = {&a.cmd, &b.cmd, &c.cmd, &d.cmd};
    for (size_t i = 0; i < HH_ARRAY_LEN(queue); i++) {
        hh_store_submit(f->store, queue[i]);
        tracker_submitted();
    }
    tracker_wait_done(5);

    assert_int_equal(a.seen, HH_OK);
    assert_int_equal(b.seen, HH_E_CONFLICT);
    assert_int_equal(b.cmd.st, HH_E_CONFLICT);
    assert_int_equal(c.seen, HH_OK);
    assert_int_equal(d.seen, HH_E_CONFLICT);
    assert_int_equal(count_rows(f->store, "a"), 1);
    assert_int_equal(count_rows(f->store, "b"), 0); /* its insert was undone */
    assert_int_equal(count_rows(f->store, "c"), 1);

    hh_store_stats after = stats_of(f->store);
    /* the gate alone, then a, b, c, d in one transaction */
    assert_int_equal(after.commands - before.commands, 5);
    assert_int_equal(after.commits - before.commits, 2);
    assert_int_equal(after.batch_buckets[2] - before.batch_buckets[2], 1); /* 4 → (2,4] */
    assert_int_equal(after.failed_commits, before.failed_commits);
}

/* ---- counter updates once per transaction (hh_db_defer) ---- */

static hh_status insert_one(hh_db *tx, void *ud);

static const char add_to_v[] = "UPDATE t SET v = v + ?3 WHERE k = ?2";

typedef struct {
    job j;
    const char *row;   /* the counter row's k */
    int64_t add;       /* what it adds (0: adds nothing, reads only) */
    bool refuse;       /* refuses after adding */
    int64_t pending;   /* hh_db_deferred before its addition */
    int64_t stored;    /* v as its transaction sees it, before its addition */
    bool moved;        /* hh_db_version of t moved across its addition */
} counter_job;

static hh_status counter_apply(hh_db *tx, void *ud)
{
    counter_job *c = ud;
    int64_t unused;
    hh_db_deferred(tx, add_to_v, 0, c->row, &c->pending, &unused);
    hh_db_int(tx, &c->stored, "SELECT v FROM t WHERE k = ?", HH_A(HH_S(c->row)));
    if (!c->add) return HH_OK;
    uint64_t v0 = hh_db_version(tx, "t");
    hh_status st = hh_db_defer(tx, add_to_v, 0, c->row, c->add, 0);
    c->moved = hh_db_version(tx, "t") != v0;
    if (st) return st;
    return c->refuse ? HH_E_UNPROCESSABLE : HH_OK;
}

static void counter_init(counter_job *c, const char *row, int64_t add, bool defers, bool refuses_first)
{
    memset(c, 0, sizeof *c);
    job_init(&c->j, counter_apply, row, 0);
    c->j.cmd.ud = c;
    c->j.cmd.defers = defers;
    c->j.cmd.refuses_first = refuses_first;
    c->row = row;
    c->add = add;
}

static int64_t v_of(hh_store *s, const char *k)
{
    int64_t v = -1;
    assert_int_equal(hh_db_int(hh_store_reader(s), &v, "SELECT v FROM t WHERE k = ?", HH_A(HH_S(k))), HH_OK);
    return v;
}

/* Runs the gate, then cmds in one batch; waits for all. */
static void run_in_one_batch(fixture *f, counter_job **cmds, int n)
{
    tracker_reset(n);
    job gate;
    job_init(&gate, gate_apply, "gate", 0);
    hh_store_submit(f->store, &gate.cmd);
    tracker_wait_gate();
    for (int i = 0; i < n; i++) {
        hh_store_submit(f->store, &cmds[i]->j.cmd);
        tracker_submitted();
    }
    tracker_wait_done(n + 1);
}

static void test_deferred_counters_once_per_batch(void **state)
{
    fixture *f = *state;
    assert_int_equal(hh_store_write_sync(f->store, insert_one, "ctr"), HH_OK);
    counter_job a, refused, b, plain, c;
    counter_init(&a, "ctr", 1, true, true);
    counter_init(&refused, "ctr", 2, true, true);
    refused.refuse = true;
    counter_init(&b, "ctr", 4, true, true);
    counter_init(&plain, "ctr", 0, false, false); /* does not defer: reads after the pending ones ran */
    counter_init(&c, "ctr", 8, true, true);
    counter_job *cmds[] = {&a, &refused, &b, &plain, &c};
    hh_store_stats before = stats_of(f->store);
    run_in_one_batch(f, cmds, 5);
    assert_int_equal(stats_of(f->store).commits - before.commits, 2); /* the gate, then the five */

    assert_int_equal(a.j.seen, HH_OK);
    assert_int_equal(refused.j.seen, HH_E_UNPROCESSABLE);
    assert_int_equal(b.j.seen, HH_OK);
    assert_int_equal(c.j.seen, HH_OK);
    /* pending, not written: each saw the row unchanged and what was pending */
    assert_int_equal(a.pending, 0);
    assert_int_equal(a.stored, 0);
    assert_int_equal(refused.pending, 1);
    assert_int_equal(b.pending, 1); /* the refused command's 2 was dropped */
    assert_int_equal(b.stored, 0);
    assert_false(a.moved || b.moved || c.moved); /* hh_db_version does not count them */
    /* a command that does not defer runs after the pending updates */
    assert_int_equal(plain.pending, 0);
    assert_int_equal(plain.stored, 5);
    assert_int_equal(c.pending, 0);
    assert_int_equal(c.stored, 5);
    assert_int_equal(v_of(f->store, "ctr"), 13); /* 1 + 4, then 8 before COMMIT */
}

static void test_deferred_counters_at_once_in_a_savepoint(void **state)
{
    fixture *f = *state;
    assert_int_equal(hh_store_write_sync(f->store, insert_one, "ctr"), HH_OK);
    /* not refuses_first and not alone: a savepoint of its own, so its update
     * runs at once and is undone with it */
    counter_job a, undone, b;
    counter_init(&a, "ctr", 1, true, true);
    counter_init(&undone, "ctr", 2, true, false);
    undone.refuse = true;
    counter_init(&b, "ctr", 4, true, false);
    counter_job *cmds[] = {&a, &undone, &b};
    run_in_one_batch(f, cmds, 3);
    assert_int_equal(undone.j.seen, HH_E_UNPROCESSABLE);
    assert_int_equal(undone.stored, 1); /* a's pending update ran before it */
    assert_int_equal(b.j.seen, HH_OK);
    assert_int_equal(b.stored, 1);
    assert_false(b.moved);
    assert_int_equal(v_of(f->store, "ctr"), 5);
    /* a command that does not defer: at once */
    counter_job alone;
    counter_init(&alone, "ctr", 10, false, false);
    run_in_one_batch(f, (counter_job *[]){&alone}, 1);
    assert_int_equal(alone.j.seen, HH_OK);
    assert_int_equal(v_of(f->store, "ctr"), 15);
}

static void test_deferred_update_of_no_row_fails_the_batch(void **state)
{
    fixture *f = *state;
    assert_int_equal(hh_store_write_sync(f->store, insert_one, "ctr"), HH_OK);
    hh_store_stats before = stats_of(f->store);
    counter_job a, missing;
    counter_init(&a, "ctr", 1, true, true);
    counter_init(&missing, "no such row", 1, true, true);
    counter_job *cmds[] = {&a, &missing};
    run_in_one_batch(f, cmds, 2);
    assert_int_equal(a.j.seen, HH_E_STORAGE);
    assert_int_equal(missing.j.seen, HH_E_STORAGE);
    assert_int_equal(stats_of(f->store).failed_commits - before.failed_commits, 1);
    assert_int_equal(v_of(f->store, "ctr"), 0);
    /* and the next batch starts clean */
    counter_job b;
    counter_init(&b, "ctr", 3, true, true);
    run_in_one_batch(f, (counter_job *[]){&b}, 1);
    assert_int_equal(b.j.seen, HH_OK);
    assert_int_equal(b.pending, 0);
    assert_int_equal(v_of(f->store, "ctr"), 3);
}

/* ---- batching off ---- */

static hh_status insert_one(hh_db *tx, void *ud)
{
    return hh_db_run(tx, NULL, "INSERT INTO t (k, v) VALUES (?, 0)", HH_A(HH_S((const char *)ud)));
}

static void test_batch_max_one_commits_each_command(void **state)
{
    fixture *f = *state;
    hh_store_stats before = stats_of(f->store);
    for (int i = 0; i < 20; i++) {
        char k[16];
        snprintf(k, sizeof k, "sync%d", i);
        assert_int_equal(hh_store_write_sync(f->store, insert_one, k), HH_OK);
        hh_store_stats now = stats_of(f->store);
        assert_int_equal(now.commits - before.commits, (uint64_t)i + 1);
    }

    /* even with a full queue behind a gate, one command per transaction */
    before = stats_of(f->store);
    enum { N = 40 };
    tracker_reset(N);
    static job jobs[N];
    job gate;
    job_init(&gate, gate_apply, "gate", 0);
    hh_store_submit(f->store, &gate.cmd);
    tracker_wait_gate();
    for (int i = 0; i < N; i++) {
        char k[16];
        snprintf(k, sizeof k, "q%d", i);
        job_init(&jobs[i], job_apply, k, 0);
        hh_store_submit(f->store, &jobs[i].cmd);
        tracker_submitted();
    }
    tracker_wait_done(N + 1);
    hh_store_stats after = stats_of(f->store);
    assert_int_equal(after.commands - before.commands, N + 1);
    assert_int_equal(after.commits - before.commits, N + 1);
    assert_int_equal(after.batch_buckets[0] - before.batch_buckets[0], N + 1);
    assert_int_equal(count_rows(f->store, NULL), 20 + N);
}

/* ---- write_sync status ---- */

static hh_status insert_dup(hh_db *tx, void *ud)
{
    (void)ud;
    hh_status st = hh_db_run(tx, NULL, "INSERT INTO t (k) VALUES ('dup')", NULL, 0);
    if (st != HH_OK) return st;
    return hh_db_run(tx, NULL, "INSERT INTO t (k) VALUES ('dup')", NULL, 0);
}

static hh_status insert_null(hh_db *tx, void *ud)
{
    (void)ud;
    return hh_db_run(tx, NULL, "INSERT INTO t (k) VALUES (?)", HH_A(HH_NULL));
}

static hh_status insert_fk(hh_db *tx, void *ud)
{
    (void)ud;
    return hh_db_run(tx, NULL,
                     "INSERT INTO brands (enterprise_id, name, code, created_at, updated_at)"
                     " VALUES (999, 'x', 'x', 0, 0)",
                     NULL, 0);
}

static hh_status bad_sql(hh_db *tx, void *ud)
{
    (void)ud;
    return hh_db_exec(tx, "INSERT INTO no_such_table VALUES (1)");
}

static void test_constraint_violation_is_conflict(void **state)
{
    fixture *f = *state;
    assert_int_equal(hh_store_write_sync(f->store, insert_dup, NULL), HH_E_CONFLICT);
    assert_int_equal(count_rows(f->store, "dup"), 0); /* the first insert went too */
    assert_int_equal(hh_store_write_sync(f->store, insert_null, NULL), HH_E_CONFLICT);
    /* foreign keys are enforced on the writer */
    assert_int_equal(hh_store_write_sync(f->store, insert_fk, NULL), HH_E_CONFLICT);
    /* other failures are storage errors (details go to the log only) */
    assert_int_equal(hh_store_write_sync(f->store, bad_sql, NULL), HH_E_STORAGE);
    /* and the store keeps working */
    assert_int_equal(hh_store_write_sync(f->store, insert_one, "after"), HH_OK);
    assert_int_equal(count_rows(f->store, "after"), 1);
}

static hh_status insert_then_refuse(hh_db *tx, void *ud)
{
    hh_status st = hh_db_run(tx, NULL, "INSERT INTO t (k, v) VALUES (?, 0)", HH_A(HH_S((const char *)ud)));
    return st != HH_OK ? st : HH_E_INVALID;
}

/* a command alone in its batch runs without a savepoint: its failure still undoes all it wrote */
static void test_lone_failed_command_leaves_nothing(void **state)
{
    fixture *f = *state;
    hh_store_stats before = stats_of(f->store);
    assert_int_equal(hh_store_write_sync(f->store, insert_then_refuse, "lone"), HH_E_INVALID);
    assert_int_equal(count_rows(f->store, "lone"), 0);
    assert_int_equal(hh_store_write_sync(f->store, insert_one, "lone-ok"), HH_OK);
    assert_int_equal(count_rows(f->store, "lone-ok"), 1);
    hh_store_stats after = stats_of(f->store);
    assert_int_equal(after.commits - before.commits, 2);
    assert_int_equal(after.failed_commits, before.failed_commits); /* the transaction itself did not fail */
}

static hh_status run_returns_ids(hh_db *tx, void *ud)
{
    hh_result *res = ud;
    hh_status st = hh_db_run(tx, &res[0], "INSERT INTO t (k, v) VALUES ('r1', 1)", NULL, 0);
    if (st != HH_OK) return st;
    st = hh_db_run(tx, &res[1], "INSERT INTO t (k, v) VALUES ('r2', 1)", NULL, 0);
    if (st != HH_OK) return st;
    return hh_db_run(tx, &res[2], "UPDATE t SET v = v + 1 WHERE k IN ('r1', 'r2')", NULL, 0);
}

static void test_run_result(void **state)
{
    fixture *f = *state;
    hh_result res[3] = {{0}};
    assert_int_equal(hh_store_write_sync(f->store, run_returns_ids, res), HH_OK);
    assert_true(res[0].last_id > 0);
    assert_int_equal(res[1].last_id, res[0].last_id + 1);
    assert_int_equal(res[0].changes, 1);
    assert_int_equal(res[2].changes, 2);
    assert_null(res[0].rows); /* no HH_ROWS: no rows */
}

/* ---- hh_db_query row conventions ---- */

static void test_query_row_conventions(void **state)
{
    fixture *f = *state;
    hh_db *db = hh_store_reader(f->store);
    json_t *rows = NULL;
    assert_int_equal(
        hh_db_query(db, &rows,
                    "SELECT 42 AS n, -9223372036854775808 AS big, 2.5 AS f, '活化' AS t,"
                    " NULL AS z, '{\"a\":[1,2],\"b\":\"c\"}' AS data_json, '[1,2]' AS list_json,"
                    " 'not json' AS bad_json, NULL AS nulj_json, '7' AS num_json,"
                    " 1 AS on_bool, 0 AS off_bool, 5 AS five_bool, NULL AS nulb_bool,"
                    " 3 AS _json, 'x' AS jsonish",
                    NULL, 0),
        HH_OK);
    assert_true(json_is_array(rows));
    assert_int_equal(json_array_size(rows), 1);
    json_t *r = json_array_get(rows, 0);

    assert_int_equal(json_integer_value(json_object_get(r, "n")), 42);
    assert_true(json_is_integer(json_object_get(r, "big")));
    assert_true(json_integer_value(json_object_get(r, "big")) == INT64_MIN);
    assert_true(json_is_real(json_object_get(r, "f")));
    assert_true(json_real_value(json_object_get(r, "f")) == 2.5);
    assert_string_equal(json_string_value(json_object_get(r, "t")), "活化");
    assert_non_null(json_object_get(r, "z"));
    assert_true(json_is_null(json_object_get(r, "z")));

    /* _json: parsed, suffix dropped */
    assert_null(json_object_get(r, "data_json"));
    json_t *data = json_object_get(r, "data");
    assert_true(json_is_object(data));
    assert_int_equal(json_array_size(json_object_get(data, "a")), 2);
    assert_string_equal(json_string_value(json_object_get(data, "b")), "c");
    assert_true(json_is_array(json_object_get(r, "list")));
    assert_true(json_is_null(json_object_get(r, "bad")));
    assert_non_null(json_object_get(r, "nulj"));
    assert_true(json_is_null(json_object_get(r, "nulj")));
    assert_int_equal(json_integer_value(json_object_get(r, "num")), 7);

    /* _bool: true/false, suffix dropped; NULL is false */
    assert_null(json_object_get(r, "on_bool"));
    assert_true(json_is_true(json_object_get(r, "on")));
    assert_true(json_is_false(json_object_get(r, "off")));
    assert_true(json_is_true(json_object_get(r, "five")));
    assert_true(json_is_false(json_object_get(r, "nulb")));

    /* a bare suffix is an ordinary column */
    assert_int_equal(json_integer_value(json_object_get(r, "_json")), 3);
    assert_string_equal(json_string_value(json_object_get(r, "jsonish")), "x");
    json_decref(rows);
}

static void test_query_null_bool_column(void **state)
{
    fixture *f = *state;
    json_t *row = NULL;
    assert_int_equal(hh_db_one(hh_store_reader(f->store), &row, "SELECT NULL AS flag_bool", NULL, 0),
                     HH_OK);
    assert_true(json_is_false(json_object_get(row, "flag")));
    json_decref(row);
}

static void test_query_parameters(void **state)
{
    fixture *f = *state;
    hh_db *db = hh_store_reader(f->store);
    json_t *row = NULL;
    assert_int_equal(hh_db_one(db, &row, "SELECT ? AS i, ? AS s, ? AS d, ? AS n, ? AS ns, ? AS id0",
                               HH_A(HH_I(INT64_MAX), HH_S("门店 'x'; --"), HH_D(0.25), HH_NULL,
                                    HH_S(NULL), HH_ID(0))),
                     HH_OK);
    assert_true(json_integer_value(json_object_get(row, "i")) == INT64_MAX);
    assert_string_equal(json_string_value(json_object_get(row, "s")), "门店 'x'; --");
    assert_true(json_real_value(json_object_get(row, "d")) == 0.25);
    assert_true(json_is_null(json_object_get(row, "n")));
    assert_true(json_is_null(json_object_get(row, "ns")));
    assert_true(json_is_null(json_object_get(row, "id0")));
    json_decref(row);

    /* a cached statement keeps no bindings from its last use */
    for (int i = 1; i <= 3; i++) {
        int64_t v = 0;
        assert_int_equal(hh_db_int(db, &v, "SELECT ? * 2", HH_A(HH_I(i))), HH_OK);
        assert_int_equal(v, i * 2);
    }
    /* a call that binds every parameter leaves them for the next call to
     * bind again; one that binds fewer sees NULL, not the last call's values */
    static const char *two = "SELECT ?1 AS a, ?2 AS b";
    assert_int_equal(hh_db_one(db, &row, two, HH_A(HH_S("甲"), HH_I(7))), HH_OK);
    assert_string_equal(json_string_value(json_object_get(row, "a")), "甲");
    assert_int_equal(json_integer_value(json_object_get(row, "b")), 7);
    json_decref(row);
    assert_int_equal(hh_db_one(db, &row, two, HH_A(HH_I(8))), HH_OK);
    assert_int_equal(json_integer_value(json_object_get(row, "a")), 8);
    assert_true(json_is_null(json_object_get(row, "b")));
    json_decref(row);
    assert_int_equal(hh_db_one(db, &row, two, NULL, 0), HH_OK);
    assert_true(json_is_null(json_object_get(row, "a")) && json_is_null(json_object_get(row, "b")));
    json_decref(row);
}

static void test_query_many_rows_in_order(void **state)
{
    fixture *f = *state;
    json_t *rows = NULL;
    assert_int_equal(hh_db_query(hh_store_reader(f->store), &rows,
                                 "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                                 " WHERE x < 500) SELECT x FROM c",
                                 NULL, 0),
                     HH_OK);
    assert_int_equal(json_array_size(rows), 500);
    for (size_t i = 0; i < 500; i++)
        assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, i), "x")),
                         (int64_t)i + 1);
    json_decref(rows);
}

static void test_query_empty_and_not_found(void **state)
{
    fixture *f = *state;
    hh_db *db = hh_store_reader(f->store);
    json_t *rows = NULL;
    assert_int_equal(hh_db_query(db, &rows, "SELECT * FROM t WHERE k = 'nope'", NULL, 0), HH_OK);
    assert_true(json_is_array(rows));
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);

    json_t *row = json_true();
    assert_int_equal(hh_db_one(db, &row, "SELECT * FROM t WHERE k = ?", HH_A(HH_S("nope"))),
                     HH_E_NOT_FOUND);
    assert_null(row);
    int64_t v = 99;
    assert_int_equal(hh_db_int(db, &v, "SELECT v FROM t WHERE k = 'nope'", NULL, 0),
                     HH_E_NOT_FOUND);
    assert_int_equal(v, 99);
    assert_int_equal(hh_db_int(db, &v, "SELECT NULL", NULL, 0), HH_OK);
    assert_int_equal(v, 0);
    assert_int_equal(hh_db_int(db, &v, "SELECT 'text'", NULL, 0), HH_E_NOT_FOUND);
}

static void test_query_errors(void **state)
{
    fixture *f = *state;
    hh_db *db = hh_store_reader(f->store);
    json_t *rows = json_true();
    assert_int_equal(hh_db_query(db, &rows, "SELEC nonsense", NULL, 0), HH_E_STORAGE);
    assert_null(rows);
    /* readers are read-only */
    assert_int_not_equal(hh_db_run(db, NULL, "INSERT INTO t (k) VALUES ('ro')", NULL, 0), HH_OK);
    assert_int_equal(count_rows(f->store, "ro"), 0);
}

static void test_reader_per_thread(void **state)
{
    fixture *f = *state;
    hh_db *a = hh_store_reader(f->store);
    assert_ptr_equal(a, hh_store_reader(f->store));
    assert_ptr_equal(a->store, f->store);
}

/* ---- migrations, reopen, backup ---- */

static int64_t user_version(hh_store *s)
{
    int64_t v = -1;
    assert_int_equal(hh_db_int(hh_store_reader(s), &v, "PRAGMA user_version", NULL, 0), HH_OK);
    return v;
}

static void test_migrations_set_user_version(void **state)
{
    fixture *f = *state;
    assert_true(hh_migrations_count > 0);
    for (size_t i = 1; i < hh_migrations_count; i++)
        assert_true(hh_migrations[i].version > hh_migrations[i - 1].version);
    assert_int_equal(user_version(f->store), hh_migrations[hh_migrations_count - 1].version);
    int64_t n = 0;
    assert_int_equal(hh_db_int(hh_store_reader(f->store), &n,
                               "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name"
                               " IN ('enterprises', 'brands', 'idempotency', 'members')",
                               NULL, 0),
                     HH_OK);
    assert_int_equal(n, 4);
    int64_t wal = 0;
    json_t *row = NULL;
    assert_int_equal(hh_db_one(hh_store_reader(f->store), &row, "PRAGMA journal_mode", NULL, 0),
                     HH_OK);
    wal = !strcmp(json_string_value(json_object_get(row, "journal_mode")), "wal");
    json_decref(row);
    assert_true(wal);
}

/* Migration 12 turns the IN-list CHECKs of migrations 8 and 9 on the hot
 * tables into comparisons, in a new database and in one made before it: what
 * was allowed still is, what was refused still is. Migration 13 gives the
 * redemptions made before it their cash value. */
static void sql_ok(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s: %s", sql, err ? err : "?");
}

static int64_t in_list_checks(hh_store *s)
{
    int64_t n = -1;
    assert_int_equal(hh_db_int(hh_store_reader(s), &n,
                               "SELECT count(*) FROM sqlite_schema WHERE name IN ('redemptions','coupons','lottery_draws',"
                               "'points_txns') AND sql LIKE '%CHECK (% IN (%'", NULL, 0), HH_OK);
    return n;
}

static void test_migrations_12_to_15_on_an_older_database(void **state)
{
    fixture *f = *state;
    assert_int_equal(in_list_checks(f->store), 0); /* a new database went through it */
    hh_store_close(f->store);
    f->store = NULL;
    /* back to how migrations 8 and 9 used to write them, at version 11 */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sql_ok(db, "PRAGMA writable_schema = ON;"
               "UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (method = ''member_qr'' OR method = ''coupon_code'' OR"
               " method = ''phone_otp'')', 'CHECK (method IN (''member_qr'',''coupon_code'',''phone_otp''))')"
               " WHERE name = 'redemptions';"
               "UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (claim = ''mail'' OR claim = ''counter'' OR claim ="
               " ''coupon'' OR claim = ''envelope'')', 'CHECK (claim IN (''counter'',''mail'',''coupon'',''envelope''))')"
               " WHERE name = 'lottery_draws';"
               "PRAGMA writable_schema = RESET; PRAGMA user_version = 11;"
               "ALTER TABLE redemptions DROP COLUMN cash_value_fen;" /* migration 13's */
               /* migration 14's: free draws in their own table, events indexed by kind and campaign */
               "ALTER TABLE campaign_usage DROP COLUMN free_draws;"
               "CREATE TABLE lottery_free_days (campaign_id INTEGER NOT NULL, member_id INTEGER NOT NULL,"
               " day TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (campaign_id, member_id, day)) WITHOUT ROWID;"
               "DROP INDEX events_at;"
               "CREATE INDEX events_kind ON events(enterprise_id, kind, at);"
               "CREATE INDEX events_campaign ON events(campaign_id, kind, at) WHERE campaign_id IS NOT NULL;"
               /* member 77 used campaign 5 three times on a day, two of them free draws; member 78's
                * free draw is from before uses were counted */
               "INSERT INTO campaign_usage (campaign_id, scope, subject_id, day, n) VALUES (5, 'member', 77, '2026-11-01', 3);"
               "INSERT INTO lottery_free_days VALUES (5, 77, '2026-11-01', 2), (5, 78, '2026-11-02', 1);"
               /* a cash and a gift coupon redeemed before migration 13 */
               "PRAGMA foreign_keys = OFF;"
               "INSERT INTO coupon_templates (id, enterprise_id, brand_id, name, kind, value_fen, validity, created_at,"
               " updated_at) VALUES (901, 1, 1, 'cash', 'cash', 1234, 'relative', 0, 0),"
               " (902, 1, 1, 'gift', 'gift', 5000, 'relative', 0, 0);"
               "INSERT INTO coupons (id, enterprise_id, template_id, code, source, status, issued_at) VALUES"
               " (901, 1, 901, 'C901', 'admin', 'redeemed', 0), (902, 1, 902, 'C902', 'admin', 'redeemed', 0);"
               "INSERT INTO redemptions (enterprise_id, coupon_id, brand_id, store_id, account_id, method, at) VALUES"
               " (1, 901, 1, 1, 1, 'coupon_code', 0), (1, 902, 1, 1, 1, 'coupon_code', 0);"
               /* migration 15's: every event indexed by member, and a draw's event written a moment
                * after the draw */
               "DROP INDEX events_member; CREATE INDEX events_member ON events(member_id, at);"
               "INSERT INTO lottery_draws (id, enterprise_id, campaign_id, member_id, at, entry, roll)"
               " VALUES (501, 1, 5, 77, 1000, 'free', 9);"
               "INSERT INTO events (enterprise_id, at, kind, member_id, props_json) VALUES"
               " (1, 1002, 'lottery.draw', 77, '{\"draw_id\":501,\"entry\":\"free\",\"prize_id\":0}'),"
               " (1, 1003, 'member.identified', 77, '{\"draw_id\":501}');");
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%method IN (%'"
                                            " OR sql LIKE '%claim IN (%'", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 2);
    sqlite3_finalize(st);
    sqlite3_close(db);

    f->store = open_store(f->path, 0); /* runs migration 12 */
    assert_int_equal(user_version(f->store), hh_migrations[hh_migrations_count - 1].version);
    assert_int_equal(in_list_checks(f->store), 0);
    /* migration 13 filled in the cash value of what was redeemed before */
    int64_t v[2] = {-1, -1};
    assert_int_equal(hh_db_ints(hh_store_reader(f->store), v, 2,
                                "SELECT (SELECT cash_value_fen FROM redemptions WHERE coupon_id = 901),"
                                " (SELECT cash_value_fen IS NULL FROM redemptions WHERE coupon_id = 902)", NULL, 0),
                     HH_OK);
    assert_int_equal(v[0], 1234);
    assert_int_equal(v[1], 1); /* not a cash coupon */
    /* migration 14 moved the free draws onto the usage rows and replaced the events' indexes */
    int64_t u[6] = {0};
    assert_int_equal(hh_db_ints(hh_store_reader(f->store), u, 6,
                                "SELECT (SELECT n FROM campaign_usage WHERE subject_id = 77),"
                                " (SELECT free_draws FROM campaign_usage WHERE subject_id = 77),"
                                " (SELECT n FROM campaign_usage WHERE subject_id = 78 AND day = '2026-11-02'),"
                                " (SELECT free_draws FROM campaign_usage WHERE subject_id = 78),"
                                " (SELECT count(*) FROM sqlite_schema WHERE name IN ('lottery_free_days', 'events_kind',"
                                " 'events_campaign')), (SELECT count(*) FROM sqlite_schema WHERE name = 'events_at')",
                                NULL, 0),
                     HH_OK);
    assert_int_equal(u[0], 3);
    assert_int_equal(u[1], 2);
    assert_int_equal(u[2], 1);
    assert_int_equal(u[3], 1);
    assert_int_equal(u[4], 0);
    assert_int_equal(u[5], 1);
    /* migration 15 gave the draw's event the draw's time, no other event, and left the draw
     * events out of events_member */
    int64_t w[3] = {0};
    assert_int_equal(hh_db_ints(hh_store_reader(f->store), w, 3,
                                "SELECT (SELECT at FROM events WHERE kind = 'lottery.draw'),"
                                " (SELECT at FROM events WHERE kind = 'member.identified'),"
                                " (SELECT count(*) FROM sqlite_schema WHERE name = 'events_member'"
                                "  AND sql LIKE '%WHERE kind NOT IN (''lottery.draw'', ''lottery.win'')')",
                                NULL, 0),
                     HH_OK);
    assert_int_equal(w[0], 1000);
    assert_int_equal(w[1], 1003);
    assert_int_equal(w[2], 1);
    hh_store_close(f->store);
    f->store = NULL;

    /* the same values pass and fail as before */
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sql_ok(db, "PRAGMA foreign_keys = OFF;"
               "INSERT INTO redemptions (enterprise_id, coupon_id, brand_id, store_id, account_id, method, at)"
               " VALUES (1, 1, 1, 1, 1, 'phone_otp', 0)");
    assert_int_not_equal(sqlite3_exec(db, "INSERT INTO redemptions (enterprise_id, coupon_id, brand_id, store_id,"
                                          " account_id, method, at) VALUES (1, 2, 1, 1, 1, 'phone', 0)", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_equal(sqlite3_extended_errcode(db), SQLITE_CONSTRAINT_CHECK);
    sqlite3_close(db);
    f->store = open_store(f->path, 0);
}

static void test_reopen_keeps_data(void **state)
{
    fixture *f = *state;
    assert_int_equal(hh_store_write_sync(f->store, insert_one, "persist"), HH_OK);
    hh_store_close(f->store);
    f->store = open_store(f->path, 0); /* migrations are not run twice */
    assert_int_equal(user_version(f->store), hh_migrations[hh_migrations_count - 1].version);
    assert_int_equal(count_rows(f->store, "persist"), 1);
    assert_int_equal(hh_store_write_sync(f->store, insert_one, "again"), HH_OK);
    hh_store_close(f->store);
    f->store = open_store(f->path, 0);
    assert_int_equal(count_rows(f->store, NULL), 2);
    hh_store_stats st = stats_of(f->store);
    assert_int_equal(st.commits, 0); /* stats are per process lifetime */
}

static hh_status insert_big(hh_db *tx, void *ud)
{
    return hh_db_run(tx, NULL, "INSERT INTO t (k, v) VALUES (?, randomblob(200000))", HH_A(HH_S((const char *)ud)));
}

/* Past 4,000 pages of log the checkpointer thread copies the log into the
 * database with its own connection. Once broken: the checkpointer's
 * connection had never read the file, so SQLite did not treat it as WAL and
 * its checkpoints copied nothing. */
static void test_checkpointer_copies_the_log(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 100; i++) { /* about 50 pages each */
        char k[16];
        snprintf(k, sizeof k, "big%d", i);
        assert_int_equal(hh_store_write_sync(f->store, insert_big, k), HH_OK);
    }
    /* its first pass copies the 4,000 frames the log had when it was asked
     * for into the database file itself: over 3,000 distinct pages (the
     * rest are pages written again by later commits) */
    hh_store_stats st;
    struct stat sb = {0};
    for (int waited = 0; waited < 1000; waited++) {
        st = stats_of(f->store);
        assert_int_equal(stat(f->path, &sb), 0);
        if (st.checkpoints >= 1 && sb.st_size >= 3000 * 4096) break;
        usleep(10 * 1000);
    }
    assert_true(st.checkpoints >= 1);
    assert_true(sb.st_size >= 3000 * 4096);
    /* the writer only ever copied what a pass left */
    assert_true(st.writer_checkpoints <= st.checkpoints);
    assert_int_equal(count_rows(f->store, NULL), 100);
}

/* A cycle of the log: one pass of the checkpointer (a few more when much was
 * written during it), then the writer copies the rest between two batches and
 * the log starts over. Once broken: every commit past 4,000 pages started
 * another pass, each with an fsync of the database (hundreds a second under
 * load, each delaying the log's own fsync), and the log only started over at
 * 8,000 pages. */
static void test_checkpoints_once_per_cycle_of_the_log(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 400; i++) { /* about 20,000 pages in all */
        char k[16];
        snprintf(k, sizeof k, "big%d", i);
        assert_int_equal(hh_store_write_sync(f->store, insert_big, k), HH_OK);
    }
    hh_store_stats st = stats_of(f->store);
    assert_true(st.writer_checkpoints >= 2);
    /* at most 6 passes per cycle (sqlite.c, CATCHUP_PASSES); each cycle but
     * the current one ended with the writer's copy */
    assert_true(st.checkpoints <= 6 * (st.writer_checkpoints + 1));
    /* the log started over instead of growing: never much past 8,000 pages
     * of 4 KiB (+ 24 bytes of frame header) */
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", f->path);
    struct stat sb = {0};
    assert_int_equal(stat(wal, &sb), 0);
    assert_true(sb.st_size <= (off_t)8200 * (4096 + 24) + 32);
    assert_int_equal(count_rows(f->store, NULL), 400);
}

static void test_open_fails_cleanly(void **state)
{
    (void)state;
    hh_store *s = (hh_store *)&s;
    hh_store_config cfg = {.path = "/nonexistent-dir-hh/x/test.db"};
    assert_int_equal(hh_store_open(&s, &cfg), HH_E_STORAGE);
    assert_null(s);
    hh_store_close(NULL);
}

static void test_readonly_store_refuses_writes(void **state)
{
    fixture *f = *state;
    hh_store *ro = NULL;
    hh_store_config cfg = {.path = f->path, .readonly = true};
    assert_int_equal(hh_store_open(&ro, &cfg), HH_OK);
    assert_int_equal(hh_store_write_sync(ro, insert_one, "ro"), HH_E_UNAVAILABLE);
    assert_int_equal(user_version(ro), hh_migrations[hh_migrations_count - 1].version);
    hh_store_close(ro);
}

static void test_backup_is_readable(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 50; i++) {
        char k[16];
        snprintf(k, sizeof k, "b%d", i);
        assert_int_equal(hh_store_write_sync(f->store, insert_one, k), HH_OK);
    }
    char dest[160];
    snprintf(dest, sizeof dest, "%s/backup.db", f->dir);
    assert_int_equal(f->store->ops->backup(f->store, dest), HH_OK);

    /* plain SQLite can read it ... */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(dest, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);

    /* ... and so can the store, with the data and the schema version */
    hh_store *copy = NULL;
    hh_store_config cfg = {.path = dest, .readonly = true};
    assert_int_equal(hh_store_open(&copy, &cfg), HH_OK);
    assert_int_equal(count_rows(copy, NULL), 50);
    assert_int_equal(count_rows(copy, "b49"), 1);
    assert_int_equal(user_version(copy), hh_migrations[hh_migrations_count - 1].version);
    hh_store_close(copy);

    /* the original is untouched and still writable */
    assert_int_equal(hh_store_write_sync(f->store, insert_one, "post-backup"), HH_OK);
    assert_int_equal(f->store->ops->backup(f->store, "/nonexistent-dir-hh/b.db"), HH_E_STORAGE);
}

static void test_status_names(void **state)
{
    (void)state;
    for (int st = 0; st < HH_STATUS_COUNT; st++) {
        assert_non_null(hh_status_code(st));
        assert_true(hh_status_http(st) >= 200 && hh_status_http(st) < 600);
    }
    assert_string_equal(hh_status_code(HH_E_CONFLICT), "conflict");
    assert_int_equal(hh_status_http(HH_E_CONFLICT), 409);
    assert_int_equal(hh_status_http(HH_E_STORAGE), 500);
    assert_int_equal(hh_status_http(HH_E_UNAVAILABLE), 503);
    assert_string_equal(hh_status_code(HH_STATUS_COUNT), "internal");
    assert_int_equal(hh_status_http(HH_STATUS_COUNT), 500);
}

int main(void)
{
    hh_log_open(NULL, NULL, (hh_log_level)(HH_LOG_ERROR + 1)); /* the failures tested here log errors */
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_concurrent_submits_are_batched),
        T(test_concurrent_without_gate_all_commit),
        T(test_done_runs_after_the_log_is_synced),
        cmocka_unit_test_setup_teardown(test_done_runs_after_the_log_is_synced, setup_inline, teardown),
        T(test_failed_command_rolled_back_alone),
        T(test_deferred_counters_once_per_batch),
        T(test_deferred_counters_at_once_in_a_savepoint),
        T(test_deferred_update_of_no_row_fails_the_batch),
        cmocka_unit_test_setup_teardown(test_batch_max_one_commits_each_command, setup_nobatch,
                                        teardown),
        T(test_constraint_violation_is_conflict),
        T(test_lone_failed_command_leaves_nothing),
        T(test_run_result),
        T(test_query_row_conventions),
        T(test_query_null_bool_column),
        T(test_query_parameters),
        T(test_query_many_rows_in_order),
        T(test_query_empty_and_not_found),
        T(test_query_errors),
        T(test_reader_per_thread),
        T(test_migrations_set_user_version),
        T(test_reopen_keeps_data),
        T(test_checkpointer_copies_the_log),
        T(test_checkpoints_once_per_cycle_of_the_log),
        cmocka_unit_test_setup_teardown(test_checkpointer_copies_the_log, setup_inline, teardown),
        T(test_migrations_12_to_15_on_an_older_database),
        cmocka_unit_test(test_open_fails_cleanly),
        T(test_readonly_store_refuses_writes),
        T(test_backup_is_readable),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
