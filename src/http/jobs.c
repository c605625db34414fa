/*
 * jobs.c — what the background jobs of a row share (a batch of coupon codes,
 * of pass codes, of product unit codes, of touchpoints): starting one on a
 * worker thread, resuming every running one when the server starts, and the
 * CSV file a job writes for download.
 *
 * A job's file is written to "<files_dir>/<kind>-<id>.csv.part" and renamed to
 * "<kind>-<id>.csv" only once it is complete and on disk (fflush, fsync), so
 * a download finds either the whole file or none; a job stopped halfway
 * writes it again from the top at the next start.
 */
#include "http/app.h"
#include "core/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    hh_app *app;
    hh_job_fn run;
    int64_t id;
} job;

static void job_main(void *arg)
{
    job *j = arg;
    j->run(j->app, j->id);
    free(j);
}

void hh_job_start(hh_app *app, hh_job_fn run, int64_t id)
{
    job *j = hh_xmalloc(sizeof *j);
    *j = (job){.app = app, .run = run, .id = id};
    hh_workers_submit(job_main, j);
}

void hh_jobs_resume(hh_app *app, const char *sql_ids, hh_job_fn run)
{
    json_t *rows;
    if (hh_db_query(hh_store_reader(app->store), &rows, sql_ids, HH_A()) != HH_OK) return;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) hh_job_start(app, run, json_integer_value(json_object_get(row, "id")));
    json_decref(rows);
}

void hh_job_file_path(hh_app *app, const char *kind, int64_t id, char *out, size_t n)
{
    snprintf(out, n, "%s/%s-%lld.csv", app->files_dir, kind, (long long)id);
}

bool hh_job_file_open(hh_job_file *jf, hh_app *app, const char *kind, int64_t id)
{
    hh_job_file_path(app, kind, id, jf->path, sizeof jf->path);
    snprintf(jf->part, sizeof jf->part, "%s.part", jf->path);
    jf->f = fopen(jf->part, "w");
    if (!jf->f) hh_error("job.file_failed", "{s:s, s:s}", "path", jf->part, "error", strerror(errno));
    return jf->f != NULL;
}

bool hh_job_file_commit(hh_job_file *jf)
{
    int err = 0; /* the first failure's */
    if (fflush(jf->f) != 0 || fsync(fileno(jf->f)) != 0) err = errno;
    if (fclose(jf->f) != 0 && !err) err = errno;
    jf->f = NULL;
    if (!err && rename(jf->part, jf->path) != 0) err = errno;
    if (err) {
        hh_error("job.file_failed", "{s:s, s:s}", "path", jf->path, "error", strerror(err));
        unlink(jf->part);
    }
    return !err;
}

void hh_job_file_abort(hh_job_file *jf)
{
    if (!jf->f) return;
    fclose(jf->f);
    jf->f = NULL;
    unlink(jf->part);
}
