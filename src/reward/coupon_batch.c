/*
 * coupon_batch.c — batches of printed coupon codes: up to 5,000,000 coupons
 * of a template with no member yet (source "batch"), each code unguessable
 * (hh_reward_code), for a printer to put on cards, receipts or packs. A
 * member claims one by typing or scanning it (coupon_member.c).
 *
 * A batch reserves its quantity of the template when it is created (the
 * shared grant lets no other issue take those units), then a background job
 * issues the codes through hh_coupon_grant in chunks of CHUNK, each chunk one
 * write that also advances `done`, so progress is exact and a stopped server
 * resumes where it stopped. The job is a chain of short tasks on the worker
 * pool (one chunk, or one slice of the file, per task), so it never holds a
 * worker away from sign-ins for long. Once every code exists, the printer's
 * file (code, template, validity, claim link) is written beside the database
 * and the batch is done.
 *
 * Batch codes of a relative template ("N days from the claim") have no
 * validity until claimed.
 */
#include "reward/reward.h"
#include "auth/auth.h"
#include "core/buf.h"
#include "core/localtime.h"
#include "core/log.h"
#include "http/app.h"

#include <csv.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_BATCH 5000000
#define CHUNK 1000
#define FILE_SLICE 100000

#define BATCH_COLS                                                                                        \
    "SELECT bt.id, bt.template_id, t.name AS template_name, t.brand_id, b.name AS brand_name, bt.quantity," \
    " bt.done, bt.status, bt.error, bt.created_at, bt.finished_at FROM coupon_batches bt"                  \
    " JOIN coupon_templates t ON t.id = bt.template_id JOIN brands b ON b.id = t.brand_id"

static hh_status batch_get(hh_db *db, int64_t id, json_t **out)
{
    return hh_db_one(db, out, BATCH_COLS " WHERE bt.id = ?", HH_A(HH_I(id)));
}

hh_status hh_h_coupon_batch_get(hh_req *r)
{
    json_t *b;
    hh_status st = batch_get(hh_store_reader(r->app->store), r->path_id, &b);
    if (st) return st;
    hh_reply(r, 200, b);
    return HH_OK;
}

hh_status hh_h_coupon_batches_list(hh_req *r)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
    if ((st = hh_db_query(db, &items, BATCH_COLS " WHERE bt.template_id = ? ORDER BY bt.id DESC LIMIT ? OFFSET ?",
                          HH_A(HH_I(r->path_id), HH_I(limit), HH_I(offset)))))
        return st;
    return hh_list_reply(r, db, items, "SELECT count(*) FROM coupon_batches WHERE template_id = ?",
                         HH_A(HH_I(r->path_id)));
}

/* ---- the background job ---- */

typedef struct {
    hh_app *app;
    int64_t id, enterprise_id, template_id, quantity, done;
    bool relative;
    /* the file phase (file.f: open) */
    hh_job_file file;
    int64_t after_id, written;
    char tz[64], template_name[256];
    int64_t valid_days;
} batch_job;

typedef struct {
    batch_job *j;
    hh_status refused;   /* a grant was refused: the batch fails */
    const char *why;     /* static */
    int64_t n;
} chunk_ctx;

static void job_free(batch_job *j)
{
    hh_job_file_abort(&j->file);
    free(j);
}

typedef struct {
    int64_t id, done;
    const char *status, *error;
} finish_ctx;

static hh_status finish_apply(hh_db *tx, void *ud)
{
    finish_ctx *f = ud;
    return hh_db_run(tx, NULL,
                     "UPDATE coupon_batches SET status = ?2, error = ?3, done = ?4, finished_at = ?5 WHERE id = ?1"
                     " AND status = 'running'",
                     HH_A(HH_I(f->id), HH_S(f->status), HH_S(f->error), HH_I(f->done), HH_I(hh_now_ms())));
}

static void fail(batch_job *j, const char *why)
{
    finish_ctx f = {.id = j->id, .done = j->done, .status = "failed", .error = why};
    if (hh_store_write_sync(j->app->store, finish_apply, &f) != HH_OK)
        hh_error("coupon.batch_fail_write", "{s:I}", "batch", (json_int_t)j->id);
    hh_warn("coupon.batch_failed", "{s:I, s:s}", "batch", (json_int_t)j->id, "error", why);
    job_free(j);
}

/* Why the template refuses more codes, for the batch's error. */
static const char *refusal(hh_db *tx, int64_t template_id)
{
    json_t *t = NULL;
    const char *why = "优惠券不能再发放 / The template refused more coupons";
    if (hh_db_one(tx, &t, "SELECT status, validity, valid_to, quantity, issued FROM coupon_templates WHERE id = ?",
                  HH_A(HH_I(template_id))) != HH_OK)
        return why;
    if (strcmp(json_string_value(json_object_get(t, "status")), "active"))
        why = "优惠券已归档 / The coupon template was archived";
    else if (!strcmp(json_string_value(json_object_get(t, "validity")), "fixed") &&
             json_integer_value(json_object_get(t, "valid_to")) <= hh_now_ms())
        why = "优惠券有效期已结束 / The coupon's validity has ended";
    else if (json_is_integer(json_object_get(t, "quantity")))
        why = "优惠券数量已用完 / The template's quantity is used up";
    json_decref(t);
    return why;
}

static hh_status chunk_apply(hh_db *tx, void *ud)
{
    chunk_ctx *c = ud;
    batch_job *j = c->j;
    json_t *b;
    hh_status st = hh_db_one(tx, &b, "SELECT status, done FROM coupon_batches WHERE id = ?", HH_A(HH_I(j->id)));
    if (st) return st;
    bool running = !strcmp(json_string_value(json_object_get(b, "status")), "running");
    j->done = json_integer_value(json_object_get(b, "done"));
    json_decref(b);
    c->n = 0;
    if (!running) return HH_OK;
    int64_t n = j->quantity - j->done < CHUNK ? j->quantity - j->done : CHUNK;
    hh_grant g = {.enterprise_id = j->enterprise_id, .source = "batch", .source_id = j->id};
    int64_t first = 0, last = 0;
    for (int64_t i = 0; i < n; i++) {
        char code[HH_CODE_LEN + 1];
        int64_t id = 0;
        st = hh_coupon_grant(tx, NULL, &g, j->template_id, &id, code);
        if (st == HH_E_UNPROCESSABLE || st == HH_E_NOT_FOUND) {
            c->refused = st;
            c->why = refusal(tx, j->template_id);
            return st; /* the chunk is rolled back; the batch fails with what was done before it */
        }
        if (st) return st;
        if (!first) first = id;
        last = id;
    }
    /* printed codes of a "N days from the claim" template get their validity when claimed */
    if (j->relative && n &&
        (st = hh_db_run(tx, NULL,
                        "UPDATE coupons SET valid_from = NULL, valid_to = NULL WHERE id BETWEEN ? AND ? AND batch_id = ?",
                        HH_A(HH_I(first), HH_I(last), HH_I(j->id)))))
        return st;
    if ((st = hh_db_run(tx, NULL, "UPDATE coupon_batches SET done = done + ? WHERE id = ?", HH_A(HH_I(n), HH_I(j->id)))))
        return st;
    c->n = n;
    return HH_OK;
}

static void csv_cell(hh_buf *out, const char *s, bool last)
{
    size_t n = strlen(s ? s : "");
    char *q = hh_xmalloc(n * 2 + 3);
    size_t w = csv_write(q, n * 2 + 3, s ? s : "", n);
    hh_buf_add(out, q, w);
    free(q);
    hh_buf_add(out, last ? "\r\n" : ",", last ? 2 : 1);
}

static void local_time(const char *tz, json_t *v, char out[32])
{
    hh_local l;
    out[0] = 0;
    if (json_is_integer(v) && hh_local_parts(tz, json_integer_value(v), &l))
        snprintf(out, 32, "%04d-%02d-%02d %02d:%02d", l.year, l.month, l.day, l.hour, l.minute);
}

static void run_file(void *arg);
static void run_chunk(void *arg);

/* One slice of the printer's file per task. */
static void run_file(void *arg)
{
    batch_job *j = arg;
    hh_app *app = j->app;
    if (!j->file.f) { /* (re)written from the top */
        json_t *t = NULL;
        if (hh_db_one(hh_store_reader(app->store), &t, "SELECT name, valid_days FROM coupon_templates WHERE id = ?",
                      HH_A(HH_I(j->template_id))) != HH_OK) {
            fail(j, "优惠券模板不存在 / No such coupon template");
            return;
        }
        snprintf(j->template_name, sizeof j->template_name, "%s", json_string_value(json_object_get(t, "name")));
        j->valid_days = json_integer_value(json_object_get(t, "valid_days"));
        json_decref(t);
        hh_enterprise_tz(hh_store_reader(app->store), j->enterprise_id, j->tz);
        if (!hh_job_file_open(&j->file, app, "coupon-batch", j->id)) {
            fail(j, "无法写入券码文件 / The code file could not be written");
            return;
        }
        fputs("\xEF\xBB\xBF" "code,template_id,template_name,valid_from,valid_to,valid_days,claim_url\r\n", j->file.f);
        j->after_id = 0;
        j->written = 0;
    }
    json_t *rows;
    if (hh_db_query(hh_store_reader(app->store), &rows,
                    "SELECT id, code, valid_from, valid_to FROM coupons WHERE batch_id = ? AND id > ? ORDER BY id LIMIT ?",
                    HH_A(HH_I(j->id), HH_I(j->after_id), HH_I(FILE_SLICE))) != HH_OK) {
        fail(j, "读取券码失败 / Reading the codes failed");
        return;
    }
    hh_buf line = {0};
    char tid[24], days[24];
    snprintf(tid, sizeof tid, "%lld", (long long)j->template_id);
    snprintf(days, sizeof days, "%lld", (long long)j->valid_days);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *code = json_string_value(json_object_get(row, "code"));
        char from[32], to[32], url[600];
        local_time(j->tz, json_object_get(row, "valid_from"), from);
        local_time(j->tz, json_object_get(row, "valid_to"), to);
        snprintf(url, sizeof url, "%s/m/#/wallet?code=%s", app->base_url, code);
        line.len = 0;
        csv_cell(&line, code, false);
        csv_cell(&line, tid, false);
        csv_cell(&line, j->template_name, false);
        csv_cell(&line, from, false);
        csv_cell(&line, to, false);
        csv_cell(&line, j->relative ? days : "", false);
        csv_cell(&line, url, true);
        fwrite(line.data, 1, line.len, j->file.f);
        j->after_id = json_integer_value(json_object_get(row, "id"));
    }
    free(line.data);
    size_t got = json_array_size(rows);
    json_decref(rows);
    j->written += (int64_t)got;
    if (got == FILE_SLICE && !atomic_load(&app->stopping)) {
        hh_workers_submit(run_file, j);
        return;
    }
    if (got == FILE_SLICE) { /* stopping: written again at the next start */
        job_free(j);
        return;
    }
    /* short of codes, the part is removed with the job (fail) */
    if (j->written != j->quantity || !hh_job_file_commit(&j->file)) {
        hh_error("coupon.batch_file_failed", "{s:I, s:I, s:I}", "batch", (json_int_t)j->id, "written",
                 (json_int_t)j->written, "quantity", (json_int_t)j->quantity);
        fail(j, "写入券码文件失败 / Writing the code file failed");
        return;
    }
    finish_ctx f = {.id = j->id, .done = j->quantity, .status = "done"};
    if (hh_store_write_sync(app->store, finish_apply, &f) != HH_OK)
        hh_error("coupon.batch_finish_write", "{s:I}", "batch", (json_int_t)j->id);
    hh_info("coupon.batch_done", "{s:I, s:I}", "batch", (json_int_t)j->id, "codes", (json_int_t)j->quantity);
    job_free(j);
}

/* One chunk of codes per task. */
static void run_chunk(void *arg)
{
    batch_job *j = arg;
    if (atomic_load(&j->app->stopping)) { /* resumed at the next start */
        job_free(j);
        return;
    }
    if (j->done < j->quantity) {
        chunk_ctx c = {.j = j};
        hh_status st = hh_store_write_sync(j->app->store, chunk_apply, &c);
        if (c.refused) {
            fail(j, c.why);
            return;
        }
        if (st) {
            hh_error("coupon.batch_chunk_failed", "{s:I, s:s}", "batch", (json_int_t)j->id, "status", hh_status_code(st));
            fail(j, "生成券码时存储出错 / The store failed while issuing codes");
            return;
        }
        if (!c.n) { /* no longer running (another instance finished it) */
            job_free(j);
            return;
        }
        j->done += c.n;
        hh_workers_submit(run_chunk, j);
        return;
    }
    run_file(j);
}

static void start_job(hh_app *app, int64_t id)
{
    json_t *b;
    if (hh_db_one(hh_store_reader(app->store), &b,
                  "SELECT bt.enterprise_id, bt.template_id, bt.quantity, bt.done, t.validity FROM coupon_batches bt"
                  " JOIN coupon_templates t ON t.id = bt.template_id WHERE bt.id = ? AND bt.status = 'running'",
                  HH_A(HH_I(id))) != HH_OK)
        return;
    batch_job *j = hh_xcalloc(1, sizeof *j);
    j->app = app;
    j->id = id;
    j->enterprise_id = json_integer_value(json_object_get(b, "enterprise_id"));
    j->template_id = json_integer_value(json_object_get(b, "template_id"));
    j->quantity = json_integer_value(json_object_get(b, "quantity"));
    j->done = json_integer_value(json_object_get(b, "done"));
    j->relative = !strcmp(json_string_value(json_object_get(b, "validity")), "relative");
    json_decref(b);
    run_chunk(j);
}

void hh_coupon_batches_resume(hh_app *app)
{
    hh_jobs_resume(app, "SELECT id FROM coupon_batches WHERE status = 'running'", start_job);
}

/* ---- create ---- */

typedef struct {
    int64_t quantity, id;
} batch_in;

static hh_status batch_create_write(hh_db *tx, hh_req *r)
{
    batch_in *in = r->ud;
    json_t *t;
    hh_status st = hh_db_one(tx, &t,
                             "SELECT status, validity, valid_to, quantity, issued, (SELECT coalesce(sum(quantity - done), 0)"
                             " FROM coupon_batches WHERE template_id = ?1 AND status = 'running') AS reserved"
                             " FROM coupon_templates WHERE id = ?1",
                             HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, t);
    if (strcmp(json_string_value(json_object_get(t, "status")), "active"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "id", "该优惠券已归档，不能再生成券码", "This coupon template is archived");
    if (!strcmp(json_string_value(json_object_get(t, "validity")), "fixed") &&
        json_integer_value(json_object_get(t, "valid_to")) <= hh_now_ms())
        return hh_fail(r, HH_E_UNPROCESSABLE, "id", "该优惠券的有效期已结束", "This coupon's validity has ended");
    if (json_is_integer(json_object_get(t, "quantity"))) {
        int64_t left = json_integer_value(json_object_get(t, "quantity")) - json_integer_value(json_object_get(t, "issued")) -
                       json_integer_value(json_object_get(t, "reserved"));
        if (left < 0) left = 0;
        if (in->quantity > left)
            return hh_fail(r, HH_E_UNPROCESSABLE, "quantity",
                           hh_sprintf(r->arena, "该优惠券只剩 %lld 张可发，请减少数量或先增加优惠券总量", (long long)left),
                           hh_sprintf(r->arena, "Only %lld coupons of this template are left; lower the quantity or raise the template's",
                                      (long long)left));
    }
    hh_result res;
    if ((st = hh_db_run(tx, &res,
                        "INSERT INTO coupon_batches (enterprise_id, template_id, quantity, status, created_by, created_at)"
                        " VALUES (?, ?, ?, 'running', ?, ?)",
                        HH_A(HH_I(r->who.enterprise_id), HH_I(r->path_id), HH_I(in->quantity), HH_I(r->who.id),
                             HH_I(hh_now_ms())))))
        return st;
    in->id = res.last_id;
    json_t *b;
    if ((st = batch_get(tx, in->id, &b))) return st;
    if ((st = hh_audit(tx, r, "coupon_batch.create", "coupon_batch", in->id, NULL, b))) {
        json_decref(b);
        return st;
    }
    hh_reply(r, 202, b);
    return HH_OK;
}

static void batch_after_commit(hh_req *r)
{
    hh_job_start(r->app, start_job, ((batch_in *)r->ud)->id);
}

hh_status hh_h_coupon_batch_create(hh_req *r)
{
    static const char *const allowed[] = {"quantity", NULL};
    batch_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "quantity", true, 1, MAX_BATCH, &in->quantity, NULL)))
        return st;
    r->after_commit = batch_after_commit;
    return hh_req_write(r, batch_create_write);
}

/* ---- the printer's file ---- */

static hh_status codes_audit_write(hh_db *tx, hh_req *r)
{
    hh_status st = hh_audit(tx, r, "coupon_batch.download", "coupon_batch", r->path_id, NULL, NULL);
    if (st) return st;
    return hh_reply_file(r, r->ud, "text/csv; charset=utf-8",
                         hh_sprintf(r->arena, "attachment; filename=\"coupon-batch-%lld.csv\"", (long long)r->path_id));
}

hh_status hh_h_coupon_batch_codes(hh_req *r)
{
    json_t *b;
    hh_status st = hh_db_one(hh_store_reader(r->app->store), &b, "SELECT status FROM coupon_batches WHERE id = ?",
                             HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, b);
    const char *status = json_string_value(json_object_get(b, "status"));
    if (!strcmp(status, "running"))
        return hh_fail(r, HH_E_CONFLICT, "id", "券码仍在生成中，请稍后下载", "The codes are still being generated; try again shortly");
    if (!strcmp(status, "failed"))
        return hh_fail(r, HH_E_CONFLICT, "id", "该批次生成失败，没有可下载的文件", "This batch failed; there is no file");
    char *path = hh_alloc(r->arena, 1100);
    hh_job_file_path(r->app, "coupon-batch", r->path_id, path, 1100);
    if (access(path, R_OK) != 0)
        return hh_fail(r, HH_E_NOT_FOUND, "id", "券码文件不存在", "The code file is missing");
    r->ud = path;
    /* every download of printable codes is on the record */
    return hh_req_write(r, codes_audit_write);
}
