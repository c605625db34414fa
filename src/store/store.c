/*
 * store.c — backend-independent parts of the store: choosing the backend,
 * synchronous writes for tools, and the statement helpers of store.h.
 */
#include "store/store.h"

#include <pthread.h>
#include <string.h>

const double hh_store_batch_bounds[11] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
const double hh_store_commit_bounds_us[11] = {50,   100,   250,   500,   1000, 2500,
                                              5000, 10000, 25000, 50000, 100000};

hh_status hh_store_open(hh_store **out, const hh_store_config *cfg)
{
    /* One place chooses the backend. PostgreSQL ("postgres://…") would be
     * selected here once it implements hh_store_ops. */
    return hh_sqlite_open(out, cfg);
}

void hh_store_close(hh_store *s)
{
    if (s) s->ops->close(s);
}

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool finished;
    hh_status st;
    hh_apply_fn apply;
    void *ud;
} sync_wait;

static hh_status sync_apply(hh_db *tx, void *ud)
{
    sync_wait *w = ud;
    return w->apply(tx, w->ud);
}

static void sync_done(void *ud, hh_status st)
{
    sync_wait *w = ud;
    pthread_mutex_lock(&w->mu);
    w->st = st;
    w->finished = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

hh_status hh_store_write_sync(hh_store *s, hh_apply_fn apply, void *ud)
{
    sync_wait w = {.finished = false, .apply = apply, .ud = ud};
    pthread_mutex_init(&w.mu, NULL);
    pthread_cond_init(&w.cv, NULL);
    hh_cmd cmd = {.apply = sync_apply, .done = sync_done, .ud = &w};
    hh_store_submit(s, &cmd);
    pthread_mutex_lock(&w.mu);
    while (!w.finished) pthread_cond_wait(&w.cv, &w.mu);
    pthread_mutex_unlock(&w.mu);
    pthread_mutex_destroy(&w.mu);
    pthread_cond_destroy(&w.cv);
    /* the command's own status, or the batch's failure */
    return w.st != HH_OK ? w.st : cmd.st;
}

hh_status hh_db_run(hh_db *db, hh_result *res, const char *sql, const hh_arg *a, size_t n)
{
    return db->ops->exec(db, sql, a, n, res, 0);
}

hh_status hh_db_exec(hh_db *db, const char *sql)
{
    return db->ops->exec(db, sql, NULL, 0, NULL, 0);
}

hh_status hh_db_ints(hh_db *db, int64_t *out, int n, const char *sql, const hh_arg *a, size_t na)
{
    hh_result res = {.ints = out, .nints = n};
    hh_status st = db->ops->exec(db, sql, a, na, &res, HH_INTS);
    if (st == HH_OK && !res.found) st = HH_E_NOT_FOUND;
    return st;
}

hh_status hh_db_query(hh_db *db, json_t **rows, const char *sql, const hh_arg *a, size_t n)
{
    hh_result res = {0};
    hh_status st = db->ops->exec(db, sql, a, n, &res, HH_ROWS);
    if (st != HH_OK) {
        json_decref(res.rows);
        *rows = NULL;
        return st;
    }
    *rows = res.rows;
    return HH_OK;
}

hh_status hh_db_one(hh_db *db, json_t **row, const char *sql, const hh_arg *a, size_t n)
{
    json_t *rows;
    *row = NULL;
    hh_status st = hh_db_query(db, &rows, sql, a, n);
    if (st != HH_OK) return st;
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        return HH_E_NOT_FOUND;
    }
    *row = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return HH_OK;
}

hh_status hh_db_int(hh_db *db, int64_t *out, const char *sql, const hh_arg *a, size_t n)
{
    json_t *row;
    hh_status st = hh_db_one(db, &row, sql, a, n);
    if (st != HH_OK) return st;
    const char *key;
    json_t *v;
    st = HH_E_NOT_FOUND;
    json_object_foreach(row, key, v)
    {
        if (json_is_integer(v)) {
            *out = json_integer_value(v);
            st = HH_OK;
        } else if (json_is_null(v)) {
            *out = 0;
            st = HH_OK;
        }
        break;
    }
    json_decref(row);
    return st;
}
