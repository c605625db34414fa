/*
 * imports.c — legacy member imports from the admin console. The upload is
 * streamed to disk by the HTTP layer (routes with .upload), then imported by a
 * worker with the same engine as `huohua import members` (import.c), updating
 * the job's progress as it goes. Importing a file again changes nothing, so a
 * job interrupted by a restart is marked failed and can simply be re-run.
 */
#include "member/member.h"
#include "auth/auth.h"
#include "core/log.h"
#include "http/app.h"
#include "member/import.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define JOB_COLS                                                                                   \
    "SELECT id, kind, filename, status, bytes_total, bytes_done, rows, created, existing,"         \
    " duplicate, invalid, error, created_by, created_at, finished_at FROM import_jobs"

static void job_paths(hh_app *app, int64_t id, char *csv, char *errors, size_t n)
{
    snprintf(csv, n, "%s/import-%lld.csv", app->files_dir, (long long)id);
    snprintf(errors, n, "%s/import-%lld.errors.csv", app->files_dir, (long long)id);
}

hh_status hh_h_imports_list(hh_req *r)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
    st = hh_db_query(db, &items, JOB_COLS " WHERE enterprise_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
                     HH_A(HH_I(r->who.enterprise_id), HH_I(limit), HH_I(offset)));
    if (st) return st;
    return hh_list_reply(r, db, items, "SELECT count(*) FROM import_jobs WHERE enterprise_id = ?",
                         HH_A(HH_I(r->who.enterprise_id)));
}

static hh_status own_job(hh_req *r, json_t **out)
{
    hh_status st = hh_db_one(hh_store_reader(r->app->store), out, JOB_COLS " WHERE id = ? AND enterprise_id = ?",
                             HH_A(HH_I(r->path_id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "导入任务不存在", "No such import");
    return st;
}

hh_status hh_h_import_get(hh_req *r)
{
    json_t *j;
    hh_status st = own_job(r, &j);
    if (st) return st;
    hh_reply(r, 200, j);
    return HH_OK;
}

hh_status hh_h_import_errors(hh_req *r)
{
    json_t *j;
    hh_status st = own_job(r, &j);
    if (st) return st;
    json_decref(j);
    char csv[1200], errors[1200];
    job_paths(r->app, r->path_id, csv, errors, sizeof csv);
    return hh_reply_file(r, errors, "text/csv; charset=utf-8",
                         hh_sprintf(r->arena, "attachment; filename=\"import-%lld-errors.csv\"", (long long)r->path_id));
}

/* ---- the job ---- */

typedef struct {
    hh_app *app;
    int64_t id, enterprise_id;
    hh_import_stats st;
    const char *status, *error;
    /* progress is written without making the importer wait (it would wait for a
     * whole import command each time): one update in flight at most */
    hh_cmd progress_cmd;
    hh_import_stats progress_st;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool progress_pending;
} job;

static hh_status job_update_row(hh_db *tx, const job *j, const hh_import_stats *s, const char *status,
                                const char *error)
{
    return hh_db_run(tx, NULL,
                     "UPDATE import_jobs SET bytes_done = ?, rows = ?, created = ?, existing = ?, duplicate = ?,"
                     " invalid = ?, status = coalesce(?, status), error = coalesce(?, error),"
                     " finished_at = CASE WHEN ? IS NULL THEN finished_at ELSE ? END WHERE id = ?",
                     HH_A(HH_I(s->bytes_done), HH_I(s->rows), HH_I(s->created), HH_I(s->existing),
                          HH_I(s->duplicate), HH_I(s->invalid), HH_S(status), HH_S(error), HH_S(status),
                          HH_I(hh_now_ms()), HH_I(j->id)));
}

static hh_status job_update(hh_db *tx, void *ud)
{
    job *j = ud;
    return job_update_row(tx, j, &j->st, j->status, j->error);
}

static hh_status progress_apply(hh_db *tx, void *ud)
{
    job *j = ud;
    return job_update_row(tx, j, &j->progress_st, NULL, NULL);
}

static void progress_done(void *ud, hh_status st)
{
    (void)st; /* a lost progress update is overwritten by the next one */
    job *j = ud;
    pthread_mutex_lock(&j->mu);
    j->progress_pending = false;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
}

static bool job_progress(void *ud, const hh_import_stats *s)
{
    job *j = ud;
    pthread_mutex_lock(&j->mu);
    bool busy = j->progress_pending;
    if (!busy) {
        j->progress_st = *s;
        j->progress_pending = true;
    }
    pthread_mutex_unlock(&j->mu);
    if (!busy) {
        j->progress_cmd = (hh_cmd){.apply = progress_apply, .done = progress_done, .ud = j};
        hh_store_submit(j->app->store, &j->progress_cmd);
    }
    return !atomic_load(&j->app->stopping);
}

static void job_run(void *arg)
{
    job *j = arg;
    char csv[1200], errors[1200], err[512] = "";
    job_paths(j->app, j->id, csv, errors, sizeof csv);
    hh_status st = hh_import_members(j->app->store, j->enterprise_id, csv, errors, job_progress, j, &j->st, err,
                                     sizeof err);
    /* the last progress update lands before the final one */
    pthread_mutex_lock(&j->mu);
    while (j->progress_pending) pthread_cond_wait(&j->cv, &j->mu);
    pthread_mutex_unlock(&j->mu);
    j->status = st == HH_OK ? "done" : "failed";
    j->error = st == HH_OK ? NULL : err;
    hh_store_write_sync(j->app->store, job_update, j);
    hh_info("import.finished", "{s:I, s:s, s:I, s:I}", "job", (json_int_t)j->id, "status", j->status, "rows",
            (json_int_t)j->st.rows, "created", (json_int_t)j->st.created);
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->cv);
    free(j);
}

typedef struct {
    const char *filename;
    int64_t id;
} create_in;

static hh_status import_create_write(hh_db *tx, hh_req *r)
{
    create_in *in = r->ud;
    hh_result res;
    hh_status st = hh_db_run(tx, &res,
                             "INSERT INTO import_jobs (enterprise_id, kind, filename, status, bytes_total, created_by,"
                             " created_at) VALUES (?, 'members', ?, 'running', ?, ?, ?)",
                             HH_A(HH_I(r->who.enterprise_id), HH_S(in->filename), HH_I(r->upload_len),
                                  HH_I(r->who.id), HH_I(hh_now_ms())));
    if (st) return st;
    in->id = res.last_id;
    char csv[1200], errors[1200];
    job_paths(r->app, in->id, csv, errors, sizeof csv);
    if (rename(r->upload_path, csv) != 0) return HH_E_STORAGE;
    json_t *j;
    if ((st = hh_db_one(tx, &j, JOB_COLS " WHERE id = ?", HH_A(HH_I(in->id))))) return st;
    if ((st = hh_audit(tx, r, "import.members", "import", in->id, NULL, j))) {
        json_decref(j);
        return st;
    }
    hh_reply(r, 202, j);
    return HH_OK;
}

static void import_after_commit(hh_req *r)
{
    create_in *in = r->ud;
    job *j = hh_xcalloc(1, sizeof *j);
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    j->app = r->app;
    j->id = in->id;
    j->enterprise_id = r->who.enterprise_id;
    hh_workers_submit(job_run, j);
}

hh_status hh_h_import_create(hh_req *r)
{
    const char *ct = hh_header(r, "Content-Type");
    if (!ct || (strncasecmp(ct, "text/csv", 8) && strncasecmp(ct, "application/octet-stream", 24)))
        return hh_fail(r, HH_E_MEDIA_TYPE, NULL, "请上传 CSV 文件（Content-Type: text/csv）",
                       "Upload a CSV file (Content-Type: text/csv)");
    if (!r->upload_len)
        return hh_fail(r, HH_E_INVALID, NULL, "上传的文件是空的", "The uploaded file is empty");
    create_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    const char *name = hh_query(r, "filename");
    in->filename = name && *name ? hh_strndup(r->arena, name, strnlen(name, 200)) : "members.csv";
    close(r->upload_fd);
    r->upload_fd = 0;
    r->after_commit = import_after_commit;
    return hh_req_write(r, import_create_write);
}

static hh_status recover_apply(hh_db *tx, void *ud)
{
    (void)ud;
    return hh_db_run(tx, NULL,
                     "UPDATE import_jobs SET status = 'failed', error = 'interrupted by a server restart;"
                     " import the file again (existing members are left as they are)', finished_at = ?"
                     " WHERE status = 'running'",
                     HH_A(HH_I(hh_now_ms())));
}

void hh_imports_recover(hh_app *app)
{
    hh_store_write_sync(app->store, recover_apply, NULL);
}
