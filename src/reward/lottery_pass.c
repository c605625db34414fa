/*
 * lottery_pass.c — pass codes (通关密码) that enter one draw each.
 *
 * Two kinds of batch:
 *   - "codes": printed codes. A background job generates them in chunks (each
 *     chunk one write, so draws keep flowing while a million codes are made),
 *     then writes the printer's CSV (serial, code, link to the lottery page)
 *     beside the database, with progress; a restarted server resumes it.
 *   - "product": a product batch (一物一码) bound to the campaign: the code of
 *     each unit enters one draw. Nothing is generated; a unit's row appears in
 *     lottery_pass_codes when it is used, and the unique code makes it single-use.
 * Codes are 12 characters of a 32-letter alphabet from libsodium's CSPRNG
 * (hh_reward_code): guessing one of a million printed codes takes ~10^12 tries.
 */
#include "reward/lottery_internal.h"
#include "auth/auth.h"
#include "core/log.h"
#include "http/app.h"

#include <stdio.h>
#include <string.h>

#define MAX_CODES 1000000
#define CHUNK 2000        /* codes per write */
#define FILE_CHUNK 10000  /* codes read at a time for the file (the LIMIT below) */

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *sget(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

#define BATCH_COLS                                                                                        \
    "SELECT lb.id, lb.campaign_id, lb.kind, lb.product_batch_id, pb.batch_no AS product_batch_no,"        \
    " pb.product AS product, lb.name, lb.quantity, lb.done, lb.status, lb.error, lb.created_at,"         \
    " lb.finished_at, (SELECT count(*) FROM lottery_pass_codes pc WHERE pc.batch_id = lb.id"              \
    " AND pc.used_at IS NOT NULL) AS used FROM lottery_pass_batches lb LEFT JOIN product_batches pb"      \
    " ON pb.id = lb.product_batch_id"

hh_status hh_h_pass_batches_list(hh_req *r)
{
    json_t *items;
    hh_status st = hh_db_query(hh_store_reader(r->app->store), &items, BATCH_COLS " WHERE lb.campaign_id = ? ORDER BY lb.id DESC",
                               HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_reply(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items)));
    return HH_OK;
}

hh_status hh_h_pass_batch_get(hh_req *r)
{
    json_t *b;
    hh_status st = hh_db_one(hh_store_reader(r->app->store), &b, BATCH_COLS " WHERE lb.id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_reply(r, 200, b);
    return HH_OK;
}

/* ---- the job ---- */

typedef struct {
    int64_t id, done, quantity;
    bool codes_done, gone;
} chunk_ctx;

static hh_status chunk_apply(hh_db *tx, void *ud)
{
    chunk_ctx *c = ud;
    json_t *b;
    hh_status st = hh_db_one(tx, &b, "SELECT enterprise_id, campaign_id, quantity, done, status FROM lottery_pass_batches WHERE id = ?",
                             HH_A(HH_I(c->id)));
    if (st == HH_E_NOT_FOUND) c->gone = true;
    if (st) return st == HH_E_NOT_FOUND ? HH_OK : st;
    c->quantity = iget(b, "quantity");
    c->done = iget(b, "done");
    int64_t want = c->quantity - c->done;
    if (want > CHUNK) want = CHUNK;
    int64_t made = 0;
    /* a collision of 60-bit codes is all but impossible; a retry covers it */
    for (int64_t tries = 0; made < want && tries < want * 2 + 16 && !st; tries++) {
        char code[HH_CODE_LEN + 1];
        hh_reward_code(code);
        hh_result res = {0};
        st = hh_db_run(tx, &res,
                       "INSERT INTO lottery_pass_codes (enterprise_id, campaign_id, batch_id, code) VALUES (?, ?, ?, ?)"
                       " ON CONFLICT DO NOTHING",
                       HH_A(HH_I(iget(b, "enterprise_id")), HH_I(iget(b, "campaign_id")), HH_I(c->id), HH_S(code)));
        made += res.changes;
    }
    json_decref(b);
    if (st) return st;
    c->done += made;
    c->codes_done = c->done >= c->quantity;
    return hh_db_run(tx, NULL, "UPDATE lottery_pass_batches SET done = ? WHERE id = ?", HH_A(HH_I(c->done), HH_I(c->id)));
}

typedef struct {
    int64_t id;
    bool failed;
    const char *error;
} finish_ctx;

static hh_status finish_apply(hh_db *tx, void *ud)
{
    finish_ctx *f = ud;
    return hh_db_run(tx, NULL,
                     "UPDATE lottery_pass_batches SET status = ?, error = ?, finished_at = ? WHERE id = ? AND status = 'running'",
                     HH_A(HH_S(f->failed ? "failed" : "done"), HH_S(f->error), HH_I(hh_now_ms()), HH_I(f->id)));
}

/* The printer's file: serial, code, and the link a QR on the card opens. */
static bool write_file(hh_app *app, int64_t id)
{
    hh_db *db = hh_store_reader(app->store);
    json_t *b;
    if (hh_db_one(db, &b, "SELECT enterprise_id, campaign_id FROM lottery_pass_batches WHERE id = ?", HH_A(HH_I(id))) != HH_OK)
        return false;
    int64_t ent = iget(b, "enterprise_id"), campaign = iget(b, "campaign_id");
    json_decref(b);
    hh_job_file jf;
    if (!hh_job_file_open(&jf, app, "pass-batch", id)) return false;
    fputs("serial,code,url\n", jf.f);
    int64_t last = 0, serial = 0;
    for (;;) {
        json_t *rows;
        if (hh_db_query(db, &rows,
                        "SELECT id, code FROM lottery_pass_codes WHERE batch_id = ? AND id > ? ORDER BY id LIMIT 10000",
                        HH_A(HH_I(id), HH_I(last))) != HH_OK) {
            hh_job_file_abort(&jf);
            return false;
        }
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row)
        {
            last = iget(row, "id");
            const char *code = sget(row, "code");
            fprintf(jf.f, "%lld,%s,%s/m/?e=%lld#/lottery/%lld?code=%s\n", (long long)++serial, code, app->base_url,
                    (long long)ent, (long long)campaign, code);
        }
        size_t n = json_array_size(rows);
        json_decref(rows);
        if (n < FILE_CHUNK) break;
    }
    return hh_job_file_commit(&jf);
}

static void pass_run(hh_app *app, int64_t id)
{
    chunk_ctx c = {.id = id};
    hh_status st = HH_OK;
    while (!c.codes_done && !c.gone && !atomic_load(&app->stopping)) /* resumed at the next start */
        if ((st = hh_store_write_sync(app->store, chunk_apply, &c)) != HH_OK) break;
    if (c.codes_done || st != HH_OK) {
        finish_ctx f = {.id = id, .failed = st != HH_OK};
        if (st != HH_OK)
            f.error = "生成通关密码失败 / generating the codes failed";
        else if (!write_file(app, id))
            f.failed = true, f.error = "写入通关密码文件失败 / writing the code file failed";
        hh_store_write_sync(app->store, finish_apply, &f);
        hh_info("lottery.pass_batch", "{s:I, s:I, s:b}", "batch", (json_int_t)id, "codes", (json_int_t)c.done, "ok",
                !f.failed);
    }
}

void hh_lottery_batches_resume(hh_app *app)
{
    hh_jobs_resume(app, "SELECT id FROM lottery_pass_batches WHERE status = 'running' AND kind = 'codes'", pass_run);
}

/* ---- creating a batch ---- */

typedef struct {
    int64_t quantity, product_batch_id, id;
    const char *name;
    bool has_quantity, has_product;
} batch_in;

static hh_status batch_create_write(hh_db *tx, hh_req *r)
{
    batch_in *in = r->ud;
    json_t *c;
    hh_status st = hh_db_one(tx, &c, "SELECT brand_id, status, starts_at, ends_at FROM campaigns WHERE id = ?",
                             HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, c);
    if (!strcmp(hh_campaign_status_now(sget(c, "status"), iget(c, "starts_at"), iget(c, "ends_at"), hh_now_ms()), "ended"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "id", "活动已结束，不能再生成通关密码", "The campaign has ended");
    int64_t quantity = in->quantity;
    if (in->has_product) {
        json_t *pb;
        st = hh_db_one(tx, &pb, "SELECT brand_id, quantity FROM product_batches WHERE id = ? AND enterprise_id = ?",
                       HH_A(HH_I(in->product_batch_id), HH_I(r->who.enterprise_id)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, HH_E_INVALID, "product_batch_id", "找不到该商品批次", "No such product batch");
        if (st) return st;
        hh_req_own(r, pb);
        if (iget(pb, "brand_id") != iget(c, "brand_id"))
            return hh_fail(r, HH_E_UNPROCESSABLE, "product_batch_id", "商品批次须属于本活动的品牌",
                           "The product batch must belong to the campaign's brand");
        quantity = iget(pb, "quantity");
    }
    int64_t now = hh_now_ms();
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO lottery_pass_batches (enterprise_id, campaign_id, kind, product_batch_id, name, quantity, done,"
                   " status, created_by, created_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_I(r->path_id), HH_S(in->has_product ? "product" : "codes"),
                        HH_ID(in->has_product ? in->product_batch_id : 0), HH_S(in->name ? in->name : ""), HH_I(quantity),
                        HH_I(in->has_product ? quantity : 0), HH_S(in->has_product ? "done" : "running"), HH_I(r->who.id),
                        HH_I(now), in->has_product ? HH_I(now) : HH_NULL));
    if (st == HH_E_CONFLICT)
        return hh_fail(r, st, "product_batch_id", "该商品批次已绑定到本活动", "This product batch is already bound to the campaign");
    if (st) return st;
    in->id = res.last_id;
    json_t *b;
    if ((st = hh_db_one(tx, &b, BATCH_COLS " WHERE lb.id = ?", HH_A(HH_I(in->id))))) return st;
    if ((st = hh_audit(tx, r, "lottery_pass_batch.create", "lottery_pass_batch", in->id, NULL, b))) {
        json_decref(b);
        return st;
    }
    hh_reply(r, in->has_product ? 201 : 202, b);
    return HH_OK;
}

static void batch_after_commit(hh_req *r)
{
    batch_in *in = r->ud;
    if (!in->has_product) hh_job_start(r->app, pass_run, in->id);
}

hh_status hh_h_pass_batch_create(hh_req *r)
{
    static const char *const allowed[] = {"quantity", "product_batch_id", "name", NULL};
    batch_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "quantity", false, 1, MAX_CODES, &in->quantity, &in->has_quantity)) ||
        (st = hh_field_int(r, "product_batch_id", false, 1, INT64_MAX, &in->product_batch_id, &in->has_product)) ||
        (st = hh_field_str(r, "name", false, 40, &in->name, NULL)))
        return st;
    if (in->has_quantity == in->has_product)
        return hh_fail(r, HH_E_INVALID, in->has_quantity ? "product_batch_id" : "quantity",
                       "请填写生成数量 quantity，或绑定商品批次 product_batch_id（二选一）",
                       "Give either quantity (printed codes) or product_batch_id (product unit codes)");
    r->after_commit = batch_after_commit;
    return hh_req_write(r, batch_create_write);
}

hh_status hh_h_pass_batch_codes(hh_req *r)
{
    json_t *b;
    hh_status st = hh_db_one(hh_store_reader(r->app->store), &b, "SELECT kind, status FROM lottery_pass_batches WHERE id = ?",
                             HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, b);
    if (!strcmp(sget(b, "kind"), "product"))
        return hh_fail(r, HH_E_CONFLICT, "id", "此批次使用商品码，请在商品码批次中下载码文件",
                       "This batch uses product unit codes; download them from the product batch");
    if (!strcmp(sget(b, "status"), "failed"))
        return hh_fail(r, HH_E_CONFLICT, "id", "此批次生成失败，请重新生成", "This batch failed; create a new one");
    if (strcmp(sget(b, "status"), "done"))
        return hh_fail(r, HH_E_CONFLICT, "id", "通关密码仍在生成中，请稍后下载", "The codes are still being generated; try again shortly");
    char path[1100];
    hh_job_file_path(r->app, "pass-batch", r->path_id, path, sizeof path);
    return hh_reply_file(r, path, "text/csv; charset=utf-8",
                         hh_sprintf(r->arena, "attachment; filename=\"pass-codes-%lld.csv\"", (long long)r->path_id));
}
