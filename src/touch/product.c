/*
 * product.c — one code per product unit (一物一码).
 *
 * A production batch reserves a contiguous range of code ids in the writer
 * (first_code_id … first_code_id + quantity - 1); a unit's code is its id in
 * Crockford base32 with a MAC under namespace "pc", so nothing per unit is
 * stored until the unit is scanned. The printer's file (serial, code, URL) is
 * written by a background job in chunks, with progress, and served when done.
 *
 * A scan (GET /p/{code}) records where and when; the H5 then shows
 * authenticity and traceability. More scans than the batch's threshold raise a
 * "repeat_scans" alert (a copied code: possible counterfeit); a scan from a
 * city outside the batch's intended regions raises "out_of_region" (窜货). The
 * scan's city is the member's city when known, else the city of the store
 * whose counter code the device scanned in the last 7 days.
 */
#include "touch/touch.h"
#include "auth/auth.h"
#include "core/log.h"
#include "http/app.h"
#include "member/member.h"

#include <stdio.h>
#include <string.h>

#define MAX_QUANTITY 10000000
#define FILE_CHUNK 100000

#define PB_COLS                                                                                       \
    "SELECT pb.id, pb.brand_id, b.name AS brand_name, pb.product, pb.sku, pb.batch_no,"              \
    " pb.production_date, pb.distributor, pb.regions_json, pb.quantity, pb.scan_threshold,"          \
    " pb.status, pb.done, pb.created_at, pb.finished_at, (SELECT count(*) FROM product_codes pc"     \
    " WHERE pc.batch_id = pb.id) AS scanned_units, (SELECT count(*) FROM product_alerts pa WHERE"    \
    " pa.batch_id = pb.id AND pa.status = 'open') AS open_alerts FROM product_batches pb JOIN brands" \
    " b ON b.id = pb.brand_id"

hh_status hh_h_product_batches_list(hh_req *r)
{
    int64_t limit, offset, brand_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "brand_id", &brand_id))) return st;
    hh_db *db = hh_store_reader(r->app->store);
#define PB_WHERE " WHERE pb.enterprise_id = ?1 AND " HH_SCOPE_BRAND_ID("pb.brand_id") " AND (?5 = 0 OR pb.brand_id = ?5)"
    json_t *items;
    st = hh_db_query(db, &items, PB_COLS PB_WHERE " ORDER BY pb.id DESC LIMIT ?6 OFFSET ?7",
                     HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id), HH_I(limit), HH_I(offset)));
    if (st) return st;
    return hh_list_reply(r, db, items, "SELECT count(*) FROM product_batches pb" PB_WHERE,
                         HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id)));
#undef PB_WHERE
}

hh_status hh_h_product_batch_get(hh_req *r)
{
    json_t *b;
    hh_status st = hh_db_one(hh_store_reader(r->app->store), &b, PB_COLS " WHERE pb.id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_reply(r, 200, b);
    return HH_OK;
}

/* ---- the printer's file, written by a background job ---- */

typedef struct {
    int64_t id, done;
    bool finished, failed;
} pb_progress;

static hh_status progress_apply(hh_db *tx, void *ud)
{
    pb_progress *p = ud;
    return hh_db_run(tx, NULL,
                     "UPDATE product_batches SET done = ?2, status = CASE WHEN ?3 THEN 'failed' WHEN ?4 THEN 'done'"
                     " ELSE status END, finished_at = CASE WHEN ?3 OR ?4 THEN ?5 ELSE finished_at END WHERE id = ?1",
                     HH_A(HH_I(p->id), HH_I(p->done), HH_I(p->failed), HH_I(p->finished), HH_I(hh_now_ms())));
}

static void pb_run(hh_app *app, int64_t id)
{
    json_t *b;
    if (hh_db_one(hh_store_reader(app->store), &b, "SELECT first_code_id, quantity FROM product_batches WHERE id = ?",
                  HH_A(HH_I(id))) != HH_OK)
        return;
    int64_t first = json_integer_value(json_object_get(b, "first_code_id"));
    int64_t qty = json_integer_value(json_object_get(b, "quantity"));
    json_decref(b);
    pb_progress p = {.id = id};
    hh_job_file jf;
    if (!hh_job_file_open(&jf, app, "product-batch", id)) { /* started again from the top after a restart */
        p.failed = true;
        hh_store_write_sync(app->store, progress_apply, &p);
        return;
    }
    fputs("serial,code,url\n", jf.f);
    for (int64_t serial = 1; serial <= qty; serial++) {
        char code[HH_CODE_MAX];
        hh_code_encode(app->code_key, "pc", first + serial - 1, code);
        fprintf(jf.f, "%lld,%s,%s/p/%s\n", (long long)serial, code, app->base_url, code);
        if (serial % FILE_CHUNK == 0 && serial < qty) {
            p.done = serial;
            hh_store_write_sync(app->store, progress_apply, &p);
            if (atomic_load(&app->stopping)) { /* resumed from the top at the next start */
                hh_job_file_abort(&jf);
                return;
            }
        }
    }
    p.failed = !hh_job_file_commit(&jf);
    p.done = p.failed ? p.done : qty;
    p.finished = !p.failed;
    hh_store_write_sync(app->store, progress_apply, &p);
    hh_info("product.batch_file", "{s:I, s:I, s:b}", "batch", (json_int_t)id, "codes", (json_int_t)qty, "ok", !p.failed);
}

void hh_product_batches_resume(hh_app *app)
{
    hh_jobs_resume(app, "SELECT id FROM product_batches WHERE status = 'running'", pb_run);
}

typedef struct {
    const char *product, *sku, *batch_no, *date, *distributor;
    int64_t brand_id, quantity, threshold, id;
    json_t *regions;
} pb_in;

static hh_status pb_create_write(hh_db *tx, hh_req *r)
{
    pb_in *in = r->ud;
    int64_t live = 0, next = 0;
    hh_status st = hh_db_int(tx, &live, "SELECT count(*) FROM brands WHERE id = ? AND enterprise_id = ? AND archived_at IS NULL",
                             HH_A(HH_I(in->brand_id), HH_I(r->who.enterprise_id)));
    if (st) return st;
    if (!live) return hh_fail(r, HH_E_INVALID, "brand_id", "品牌不存在或已归档", "No such live brand");
    /* reserve the batch's code range */
    if ((st = hh_db_int(tx, &next, "SELECT coalesce(max(first_code_id + quantity), 1) FROM product_batches", HH_A())))
        return st;
    char *regions = in->regions ? json_dumps(in->regions, JSON_COMPACT) : hh_xstrdup("[]");
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO product_batches (enterprise_id, brand_id, product, sku, batch_no, production_date,"
                   " distributor, regions_json, quantity, scan_threshold, first_code_id, status, created_by, created_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_I(in->brand_id), HH_S(in->product), HH_S(in->sku ? in->sku : ""),
                        HH_S(in->batch_no), HH_S(in->date), HH_S(in->distributor ? in->distributor : ""), HH_S(regions),
                        HH_I(in->quantity), HH_I(in->threshold), HH_I(next), HH_I(r->who.id), HH_I(hh_now_ms())));
    free(regions);
    if (st == HH_E_CONFLICT)
        return hh_fail(r, st, "batch_no", "该品牌已有此批次号", "This brand already has a batch with this number");
    if (st) return st;
    in->id = res.last_id;
    json_t *b;
    if ((st = hh_db_one(tx, &b, PB_COLS " WHERE pb.id = ?", HH_A(HH_I(in->id))))) return st;
    if ((st = hh_audit(tx, r, "product_batch.create", "product_batch", in->id, NULL, b))) {
        json_decref(b);
        return st;
    }
    hh_reply(r, 202, b);
    return HH_OK;
}

static void pb_after_commit(hh_req *r)
{
    hh_job_start(r->app, pb_run, ((pb_in *)r->ud)->id);
}

hh_status hh_h_product_batch_create(hh_req *r)
{
    static const char *const allowed[] = {"brand_id", "product", "sku", "batch_no", "production_date", "distributor",
                                          "regions", "quantity", "scan_threshold", NULL};
    pb_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    in->threshold = 3;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "brand_id", true, 1, INT64_MAX, &in->brand_id, NULL)) ||
        (st = hh_field_str(r, "product", true, 64, &in->product, NULL)) ||
        (st = hh_field_str(r, "sku", false, 32, &in->sku, NULL)) ||
        (st = hh_field_str(r, "batch_no", true, 32, &in->batch_no, NULL)) ||
        (st = hh_field_str(r, "production_date", true, 10, &in->date, NULL)) ||
        (st = hh_field_str(r, "distributor", false, 64, &in->distributor, NULL)) ||
        (st = hh_field_int(r, "quantity", true, 1, MAX_QUANTITY, &in->quantity, NULL)) ||
        (st = hh_field_int(r, "scan_threshold", false, 1, 1000, &in->threshold, NULL)))
        return st;
    int y, m, d;
    char tail;
    if (sscanf(in->date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 2000 || m < 1 || m > 12 || d < 1 || d > 31)
        return hh_fail(r, HH_E_INVALID, "production_date", "生产日期格式须为 YYYY-MM-DD", "production_date must be YYYY-MM-DD");
    json_t *regions = json_object_get(r->json, "regions");
    if (regions && !json_is_null(regions)) {
        if (!json_is_array(regions) || json_array_size(regions) > 100)
            return hh_fail(r, HH_E_INVALID, "regions", "regions 须为最多 100 个行政区划代码的数组",
                           "regions must be an array of at most 100 division codes");
        size_t i;
        json_t *e;
        json_array_foreach(regions, i, e)
        {
            const char *c = json_string_value(e);
            if (!c || strlen(c) != 6 || strspn(c, "0123456789") != 6)
                return hh_fail(r, HH_E_INVALID, "regions", "区域须为 6 位行政区划代码（省 310000 或市 310100）",
                               "Each region is a 6-digit division code (province 310000 or city 310100)");
        }
        in->regions = regions;
    }
    hh_scope s = {.enterprise_id = r->who.enterprise_id, .object = true, .nbrands = 1, .brands = {in->brand_id}};
    if (hh_authz(&r->who, HH_ACT_MARKETING_WRITE, &s) != HH_OK)
        return hh_fail(r, HH_E_FORBIDDEN, "brand_id", "只能为您管理的品牌创建批次", "You can only create batches for brands you manage");
    r->after_commit = pb_after_commit;
    return hh_req_write(r, pb_create_write);
}

hh_status hh_h_product_batch_codes(hh_req *r)
{
    json_t *b;
    hh_status st = hh_db_one(hh_store_reader(r->app->store), &b, "SELECT status, batch_no FROM product_batches WHERE id = ?",
                             HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, b);
    if (strcmp(json_string_value(json_object_get(b, "status")), "done"))
        return hh_fail(r, HH_E_CONFLICT, NULL, "码文件仍在生成中，请稍后下载", "The code file is still being written; try again shortly");
    char path[1100];
    hh_job_file_path(r->app, "product-batch", r->path_id, path, sizeof path);
    return hh_reply_file(r, path, "text/csv; charset=utf-8",
                         hh_sprintf(r->arena, "attachment; filename=\"product-batch-%lld.csv\"", (long long)r->path_id));
}

/* ---- alerts ---- */

#define ALERT_COLS                                                                                     \
    "SELECT a.id, a.kind, a.status, a.at, a.batch_id, pb.batch_no, pb.product, a.code_id, a.detail_json,"  \
    " a.note, a.closed_at, (SELECT scan_count FROM product_codes WHERE id = a.code_id) AS scan_count"

static hh_status alert_get(hh_req *r, hh_db *db, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, ALERT_COLS " FROM product_alerts a JOIN product_batches pb ON pb.id = a.batch_id"
                                              " WHERE a.id = ?", HH_A(HH_I(id)));
    if (st) return st;
    char code[HH_CODE_MAX];
    hh_code_encode(r->app->code_key, "pc", json_integer_value(json_object_get(*out, "code_id")), code);
    json_object_set_new(*out, "code", json_string(code));
    return HH_OK;
}


hh_status hh_h_product_alerts_list(hh_req *r)
{
    int64_t limit, offset, batch_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "batch_id", &batch_id))) return st;
    const char *status = hh_query(r, "status"), *kind = hh_query(r, "kind");
    if (status && !*status) status = NULL;
    if (kind && !*kind) kind = NULL;
    if (status && strcmp(status, "open") && strcmp(status, "closed"))
        return hh_fail(r, HH_E_INVALID, "status", "status 须为 open 或 closed", "status must be open or closed");
    if (kind && strcmp(kind, "repeat_scans") && strcmp(kind, "out_of_region"))
        return hh_fail(r, HH_E_INVALID, "kind", "kind 须为 repeat_scans 或 out_of_region", "kind must be repeat_scans or out_of_region");
    hh_db *db = hh_store_reader(r->app->store);
#define PA_FROM                                                                                        \
    " FROM product_alerts a JOIN product_batches pb ON pb.id = a.batch_id WHERE a.enterprise_id = ?1"  \
    " AND " HH_SCOPE_BRAND_ID("pb.brand_id") " AND (?5 IS NULL OR a.status = ?5) AND (?6 IS NULL OR"  \
    " a.kind = ?6) AND (?7 = 0 OR a.batch_id = ?7)"
    json_t *items;
    st = hh_db_query(db, &items, ALERT_COLS PA_FROM " ORDER BY a.id DESC LIMIT ?8 OFFSET ?9",
                     HH_A(HH_SCOPE_ARGS(r), HH_S(status), HH_S(kind), HH_I(batch_id), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *a;
    json_array_foreach(items, i, a)
    {
        char code[HH_CODE_MAX];
        hh_code_encode(r->app->code_key, "pc", json_integer_value(json_object_get(a, "code_id")), code);
        json_object_set_new(a, "code", json_string(code));
    }
    return hh_list_reply(r, db, items, "SELECT count(*)" PA_FROM,
                         HH_A(HH_SCOPE_ARGS(r), HH_S(status), HH_S(kind), HH_I(batch_id)));
#undef PA_FROM
}

typedef struct {
    const char *status, *note;
} alert_in;

static hh_status alert_write(hh_db *tx, hh_req *r)
{
    alert_in *in = r->ud;
    json_t *before;
    hh_status st = hh_db_one(tx, &before, "SELECT id, status, note FROM product_alerts WHERE id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, before);
    bool closing = !strcmp(in->status, "closed");
    if ((st = hh_db_run(tx, NULL,
                        "UPDATE product_alerts SET status = ?, note = coalesce(?, note), closed_by = ?, closed_at = ?"
                        " WHERE id = ?",
                        HH_A(HH_S(in->status), HH_S(in->note), closing ? HH_I(r->who.id) : HH_NULL,
                             closing ? HH_I(hh_now_ms()) : HH_NULL, HH_I(r->path_id)))))
        return st;
    json_t *after;
    if ((st = alert_get(r, tx, r->path_id, &after))) return st;
    if ((st = hh_audit(tx, r, "product_alert.update", "product_alert", r->path_id, before, after))) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_product_alert_update(hh_req *r)
{
    static const char *const allowed[] = {"status", "note", NULL};
    alert_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "status", true, 8, &in->status, NULL)) ||
        (st = hh_field_str(r, "note", false, 200, &in->note, NULL)))
        return st;
    if (strcmp(in->status, "open") && strcmp(in->status, "closed"))
        return hh_fail(r, HH_E_INVALID, "status", "status 须为 open 或 closed", "status must be open or closed");
    return hh_req_write(r, alert_write);
}

/* ---- scans ---- */

typedef struct {
    int64_t code_id, batch_id, enterprise_id, member_id;
    const char *code, *device, *city, *city_source;
} unit_scan;

/* The batch a code id belongs to (codes of a batch are a contiguous range). */
static hh_status batch_of(hh_db *db, int64_t code_id, json_t **out)
{
    return hh_db_one(db, out,
                     "SELECT id, enterprise_id, brand_id, product, sku, batch_no, production_date, distributor,"
                     " regions_json, scan_threshold FROM product_batches WHERE first_code_id <= ?1"
                     " AND first_code_id + quantity > ?1",
                     HH_A(HH_I(code_id)));
}

static bool in_regions(json_t *regions, const char *city)
{
    if (!json_array_size(regions)) return true; /* no intended region: anywhere is fine */
    if (!city || strlen(city) != 6) return true; /* unknown place: cannot tell */
    char province[7];
    snprintf(province, sizeof province, "%.2s0000", city);
    size_t i;
    json_t *e;
    json_array_foreach(regions, i, e)
    {
        const char *c = json_string_value(e);
        if (c && (!strcmp(c, city) || !strcmp(c, province))) return true;
    }
    return false;
}

static hh_status unit_scan_write(hh_db *tx, hh_req *r)
{
    unit_scan *s = r->ud;
    int64_t now = hh_now_ms();
    json_t *b;
    hh_status st = batch_of(tx, s->code_id, &b);
    if (st) return st;
    hh_req_own(r, b);
    if ((st = hh_db_run(tx, NULL,
                        "INSERT INTO product_scans (enterprise_id, code_id, batch_id, at, device_id, member_id, city_code,"
                        " city_source, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        HH_A(HH_I(s->enterprise_id), HH_I(s->code_id), HH_I(s->batch_id), HH_I(now), HH_S(s->device),
                             HH_ID(s->member_id), HH_S(s->city), HH_S(s->city_source), HH_S(r->client_ip)))) ||
        (st = hh_db_run(tx, NULL,
                        "INSERT INTO product_codes (id, batch_id, serial, scan_count, first_scan_at, first_scan_city)"
                        " VALUES (?1, ?2, ?1 - (SELECT first_code_id FROM product_batches WHERE id = ?2) + 1, 1, ?3, ?4)"
                        " ON CONFLICT (id) DO UPDATE SET scan_count = scan_count + 1",
                        HH_A(HH_I(s->code_id), HH_I(s->batch_id), HH_I(now), HH_S(s->city)))))
        return st;
    int64_t count = 0;
    if ((st = hh_db_int(tx, &count, "SELECT scan_count FROM product_codes WHERE id = ?", HH_A(HH_I(s->code_id))))) return st;
    int64_t threshold = json_integer_value(json_object_get(b, "scan_threshold"));
    if (count > threshold)
        st = hh_db_run(tx, NULL,
                       "INSERT INTO product_alerts (enterprise_id, batch_id, code_id, kind, detail_json, at)"
                       " VALUES (?, ?, ?, 'repeat_scans', ?, ?) ON CONFLICT (code_id, kind) DO UPDATE SET"
                       " detail_json = excluded.detail_json",
                       HH_A(HH_I(s->enterprise_id), HH_I(s->batch_id), HH_I(s->code_id),
                            HH_S(hh_sprintf(r->arena, "{\"scans\":%lld,\"threshold\":%lld}", (long long)count, (long long)threshold)),
                            HH_I(now)));
    if (!st && !in_regions(json_object_get(b, "regions"), s->city))
        st = hh_db_run(tx, NULL,
                       "INSERT INTO product_alerts (enterprise_id, batch_id, code_id, kind, detail_json, at)"
                       " VALUES (?, ?, ?, 'out_of_region', ?, ?) ON CONFLICT (code_id, kind) DO NOTHING",
                       HH_A(HH_I(s->enterprise_id), HH_I(s->batch_id), HH_I(s->code_id),
                            HH_S(hh_sprintf(r->arena, "{\"city_code\":\"%s\",\"source\":\"%s\"}", s->city, s->city_source)),
                            HH_I(now)));
    if (!st)
        st = hh_event(tx, s->enterprise_id, "product.scan", s->member_id, 0,
                      json_integer_value(json_object_get(b, "brand_id")), 0, 0, s->device,
                      hh_req_own(r, json_pack("{s:I, s:I}", "batch_id", (json_int_t)s->batch_id, "scans", (json_int_t)count)));
    if (st) return st;
    r->location = hh_sprintf(r->arena, "/m/#/p/%s", s->code);
    r->set_cookie = hh_sprintf(r->arena, "hh_did=%s; Path=/; Max-Age=63072000; HttpOnly; SameSite=Lax", s->device);
    hh_reply_raw(r, 302, "text/plain; charset=utf-8", hh_xstrdup(""), 0);
    return HH_OK;
}

hh_status hh_h_product_scan(hh_req *r)
{
    unit_scan *s = hh_alloc(r->arena, sizeof *s);
    r->ud = s;
    json_t *b;
    if (!hh_code_decode(r->app->code_key, "pc", r->path_id_raw, &s->code_id) ||
        batch_of(hh_store_reader(r->app->store), s->code_id, &b) != HH_OK) {
        r->location = "/m/#/p/invalid";
        hh_reply_raw(r, 302, "text/plain; charset=utf-8", hh_xstrdup(""), 0);
        return HH_OK;
    }
    hh_req_own(r, b);
    s->batch_id = json_integer_value(json_object_get(b, "id"));
    s->enterprise_id = json_integer_value(json_object_get(b, "enterprise_id"));
    char code[HH_CODE_MAX];
    hh_code_encode(r->app->code_key, "pc", s->code_id, code);
    s->code = hh_strdup(r->arena, code);
    const char *dev = hh_cookie(r, "hh_did");
    if (dev && strlen(dev) == 32 && strspn(dev, "0123456789abcdef") == 32) {
        s->device = hh_strdup(r->arena, dev);
    } else {
        char *d = hh_alloc(r->arena, 33);
        hh_random_token(d, 16);
        s->device = d;
    }
    s->member_id = hh_auth_peek_member(r);
    hh_db *db = hh_store_reader(r->app->store);
    json_t *row = NULL;
    if (s->member_id &&
        hh_db_one(db, &row, "SELECT city_code FROM members WHERE id = ? AND city_code IS NOT NULL", HH_A(HH_I(s->member_id))) == HH_OK) {
        s->city = hh_strdup(r->arena, json_string_value(json_object_get(row, "city_code")));
        s->city_source = "member";
    } else if (hh_db_one(db, &row,
                         "SELECT st.city_code FROM scans sc JOIN touchpoints tp ON tp.id = sc.touchpoint_id"
                         " JOIN stores st ON st.id = tp.store_id WHERE sc.device_id = ? AND sc.at > ?"
                         " ORDER BY sc.at DESC LIMIT 1",
                         HH_A(HH_S(s->device), HH_I(hh_now_ms() - 7 * HH_DAY_MS))) == HH_OK) {
        s->city = hh_strdup(r->arena, json_string_value(json_object_get(row, "city_code")));
        s->city_source = "store";
    }
    json_decref(row);
    return hh_req_write(r, unit_scan_write);
}

hh_status hh_h_product_context(hh_req *r)
{
    int64_t code_id;
    json_t *b;
    hh_db *db = hh_store_reader(r->app->store);
    if (!hh_code_decode(r->app->code_key, "pc", r->path_id_raw, &code_id) || batch_of(db, code_id, &b) != HH_OK)
        return hh_fail(r, HH_E_NOT_FOUND, "code", "查无此码：该商品码不是本品牌签发的，请谨防假冒",
                       "Unknown code: this product code was not issued by the brand; beware of counterfeits");
    hh_req_own(r, b);
    json_t *unit = NULL, *brand = NULL;
    hh_db_one(db, &unit, "SELECT scan_count, first_scan_at, first_scan_city FROM product_codes WHERE id = ?",
              HH_A(HH_I(code_id)));
    hh_db_one(db, &brand, "SELECT id, name FROM brands WHERE id = ?", HH_A(HH_I(json_integer_value(json_object_get(b, "brand_id")))));
    int64_t scans = unit ? json_integer_value(json_object_get(unit, "scan_count")) : 0;
    int64_t threshold = json_integer_value(json_object_get(b, "scan_threshold"));
    const char *city = unit ? json_string_value(json_object_get(unit, "first_scan_city")) : NULL;
    const char *cname = NULL, *pname = NULL;
    if (city) hh_division_city(r->app, city, &cname, &pname);
    json_t *out = json_pack("{s:b, s:s, s:O, s:O, s:O, s:O, s:O, s:O, s:I, s:o, s:s?, s:b}", "authentic", 1, "code",
                            r->path_id_raw, "brand", brand ? brand : json_null(), "product", json_object_get(b, "product"), "sku",
                            json_object_get(b, "sku"), "batch_no", json_object_get(b, "batch_no"), "production_date",
                            json_object_get(b, "production_date"), "distributor", json_object_get(b, "distributor"),
                            "scan_count", (json_int_t)scans, "first_scan_at",
                            unit ? json_incref(json_object_get(unit, "first_scan_at")) : json_null(), "first_scan_city", cname,
                            "warning", scans > threshold);
    json_decref(unit);
    json_decref(brand);
    hh_reply(r, 200, out);
    return HH_OK;
}
