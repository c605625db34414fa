/*
 * sample_fulfil.c — fulfilment of trial sample requests: the queue exported
 * for the warehouse (CSV, or Excel through libxlsxwriter) and the tracking
 * numbers imported back from a CSV.
 *
 * Export: GET /api/sample-requests/export?format=csv|xlsx&offer_id=&brand_id=
 * &status= (default: requested, the queue to ship; "all" for every status).
 * The file holds full recipient addresses and phone numbers (the courier
 * needs them), so it is built on a worker and answered only once an audit
 * entry recording the export is durable. Its first column is the request id
 * and its last two are carrier and tracking number, empty for the warehouse to
 * fill in: the filled-in file is what the import takes back.
 *
 * Import: POST /api/sample-requests/import (Content-Type text/csv, at most
 * 5 MiB and 20,000 lines; UTF-8, or GB18030 as saved by a Chinese Excel). With
 * a header row the columns are found by name (申请编号/request_id,
 * 会员手机号/手机号/phone, 快递公司/carrier, 快递单号/tracking_no); without one
 * they are: request id or member phone, carrier, tracking number. Each line
 * ships one request: by id, or by the member's phone when that member has
 * exactly one request waiting (optionally only of ?offer_id=). The whole file
 * is applied in one write; the answer reports each line that was not applied
 * and why. Importing the same file again changes nothing ("unchanged"); a new
 * number for a parcel already shipped corrects it ("updated").
 */
#include "reward/reward.h"
#include "auth/auth.h"
#include "core/buf.h"
#include "core/localtime.h"
#include "core/log.h"
#include "core/phone.h"
#include "http/app.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define EXPORT_MAX 100000
#define IMPORT_MAX_BYTES (5 << 20)
#define IMPORT_MAX_LINES 20000
#define REPORT_MAX 1000
#define FIELD_MAX 256

/* ---- export ---- */

typedef struct {
    int64_t offer_id, brand_id;
    const char *status; /* NULL: all */
    bool xlsx;
    int64_t rows;
} export_in;

static const char *status_zh(const char *s)
{
    if (!strcmp(s, "requested")) return "待发货";
    if (!strcmp(s, "shipped")) return "已发货";
    if (!strcmp(s, "delivered")) return "已签收";
    return "已取消";
}

static const char *const export_head[] = {"申请编号", "试用装", "品牌", "会员手机号", "收件人", "收件人电话",
                                          "省份", "城市", "区县", "详细地址", "应付运费(元)", "状态",
                                          "申请时间", "快递公司", "快递单号"};
#define NCOLS (sizeof export_head / sizeof export_head[0])

static void csv_cell(hh_buf *b, const char *s, bool last)
{
    size_t n = strlen(s ? s : "");
    char *q = hh_xmalloc(n * 2 + 3);
    size_t w = csv_write(q, n * 2 + 3, s ? s : "", n);
    hh_buf_add(b, q, w);
    free(q);
    hh_buf_add(b, last ? "\r\n" : ",", last ? 2 : 1);
}

/* The cells of one request, as text (fee: cells[10] as "8.00"). */
static void row_cells(json_t *row, const char *tz, char bufs[4][64], const char *cells[NCOLS])
{
    json_t *a = json_object_get(row, "address");
    const char *mphone = json_string_value(json_object_get(row, "member_phone"));
    char masked[HH_PHONE_MAX + 8] = "";
    if (mphone && mphone[0] == '+') hh_phone_mask(mphone, masked, sizeof masked);
    snprintf(bufs[0], 64, "%lld", (long long)json_integer_value(json_object_get(row, "id")));
    snprintf(bufs[1], 64, "%s", masked);
    int64_t fee = json_integer_value(json_object_get(row, "fee_owed_fen"));
    snprintf(bufs[2], 64, "%lld.%02lld", (long long)(fee / 100), (long long)(fee % 100));
    hh_local l;
    if (hh_local_parts(tz, json_integer_value(json_object_get(row, "created_at")), &l))
        snprintf(bufs[3], 64, "%04d-%02d-%02d %02d:%02d", l.year, l.month, l.day, l.hour, l.minute);
    else
        bufs[3][0] = 0;
    const char *v[NCOLS] = {bufs[0],
                            json_string_value(json_object_get(row, "offer_name")),
                            json_string_value(json_object_get(row, "brand_name")),
                            bufs[1],
                            json_string_value(json_object_get(a, "name")),
                            json_string_value(json_object_get(a, "phone")),
                            json_string_value(json_object_get(a, "province")),
                            json_string_value(json_object_get(a, "city")),
                            json_string_value(json_object_get(a, "district")),
                            json_string_value(json_object_get(a, "detail")),
                            bufs[2],
                            status_zh(json_string_value(json_object_get(row, "status"))),
                            bufs[3],
                            json_string_value(json_object_get(row, "carrier")),
                            json_string_value(json_object_get(row, "tracking_no"))};
    for (size_t i = 0; i < NCOLS; i++) cells[i] = v[i] ? v[i] : "";
}

static hh_status write_xlsx(hh_req *r, json_t *rows, const char *tz, const char *path)
{
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = r->app->files_dir};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb) return HH_E_STORAGE;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "试用装发货");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_bg_color(bold, 0xFDECEA);
    lxw_format *money = workbook_add_format(wb);
    format_set_num_format(money, "0.00");
    static const double widths[NCOLS] = {10, 24, 14, 14, 10, 15, 10, 10, 10, 36, 12, 8, 17, 12, 20};
    for (lxw_col_t c = 0; c < NCOLS; c++) worksheet_set_column(ws, c, c, widths[c], NULL);
    worksheet_freeze_panes(ws, 1, 0);
    for (lxw_col_t c = 0; c < NCOLS; c++) worksheet_write_string(ws, 0, c, export_head[c], bold);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        char bufs[4][64];
        const char *cells[NCOLS];
        row_cells(row, tz, bufs, cells);
        lxw_row_t rr = (lxw_row_t)(i + 1);
        worksheet_write_number(ws, rr, 0, (double)json_integer_value(json_object_get(row, "id")), NULL);
        for (lxw_col_t c = 1; c < NCOLS; c++) {
            if (c == 10)
                worksheet_write_number(ws, rr, c, (double)json_integer_value(json_object_get(row, "fee_owed_fen")) / 100.0,
                                       money);
            else if (*cells[c])
                worksheet_write_string(ws, rr, c, cells[c], NULL);
        }
    }
    worksheet_autofilter(ws, 0, 0, (lxw_row_t)json_array_size(rows), NCOLS - 1);
    lxw_error err = workbook_close(wb);
    if (err != LXW_NO_ERROR) {
        hh_error("sample.export_xlsx_failed", "{s:s}", "error", lxw_strerror(err));
        unlink(path);
        return HH_E_STORAGE;
    }
    return HH_OK;
}

static hh_status export_audit_write(hh_db *tx, hh_req *r)
{
    export_in *in = r->ud;
    json_t *what = json_pack("{s:s, s:s?, s:I, s:I, s:I}", "format", in->xlsx ? "xlsx" : "csv", "status", in->status,
                             "offer_id", (json_int_t)in->offer_id, "brand_id", (json_int_t)in->brand_id, "rows",
                             (json_int_t)in->rows);
    hh_status st = hh_audit(tx, r, "sample_request.export", "sample_request", 0, NULL, what);
    json_decref(what);
    return st;
}

/* On a worker: the rows, the file, then the audit entry (the answer waits for it). */
static hh_status export_build(hh_req *r)
{
    export_in *in = r->ud;
    hh_db *db = hh_store_reader(r->app->store);
    json_t *rows;
    hh_status st = hh_db_query(
        db, &rows,
        "SELECT r.id, o.name AS offer_name, b.name AS brand_name, m.phone AS member_phone, r.address_json,"
        " r.fee_owed_fen, r.status, r.created_at, r.carrier, r.tracking_no FROM sample_requests r"
        " JOIN sample_offers o ON o.id = r.offer_id JOIN brands b ON b.id = o.brand_id"
        " JOIN members m ON m.id = r.member_id WHERE r.enterprise_id = ?1 AND " HH_SCOPE_BRAND_ID("o.brand_id")
        " AND (?5 = 0 OR r.offer_id = ?5) AND (?6 = 0 OR o.brand_id = ?6) AND (?7 IS NULL OR r.status = ?7)"
        " ORDER BY r.id LIMIT ?8",
        HH_A(HH_SCOPE_ARGS(r), HH_I(in->offer_id), HH_I(in->brand_id), HH_S(in->status), HH_I(EXPORT_MAX)));
    if (st) return st;
    hh_req_own(r, rows);
    in->rows = (int64_t)json_array_size(rows);
    char tz[64];
    hh_enterprise_tz(db, r->who.enterprise_id, tz);
    if (in->xlsx) {
        char name[40];
        hh_random_token(name, 12);
        const char *path = hh_sprintf(r->arena, "%s/export-%s.xlsx", r->app->files_dir, name);
        if ((st = write_xlsx(r, rows, tz, path))) return st;
        st = hh_reply_file(r, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           "attachment; filename=\"sample-requests.xlsx\"");
        unlink(path); /* the answer reads the open file */
        if (st) return HH_E_STORAGE;
    } else {
        hh_buf b = {0};
        hh_buf_add(&b, "\xEF\xBB\xBF", 3); /* BOM: Excel opens UTF-8 CSV correctly */
        for (size_t c = 0; c < NCOLS; c++) csv_cell(&b, export_head[c], c + 1 == NCOLS);
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row)
        {
            char bufs[4][64];
            const char *cells[NCOLS];
            row_cells(row, tz, bufs, cells);
            for (size_t c = 0; c < NCOLS; c++) csv_cell(&b, cells[c], c + 1 == NCOLS);
        }
        hh_reply_raw(r, 200, "text/csv; charset=utf-8", b.data, b.len);
        r->content_disposition = "attachment; filename=\"sample-requests.csv\"";
    }
    return hh_req_write(r, export_audit_write);
}

hh_status hh_h_sample_requests_export(hh_req *r)
{
    export_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_query_id(r, "offer_id", &in->offer_id)) || (st = hh_query_id(r, "brand_id", &in->brand_id))) return st;
    const char *format = hh_query(r, "format"), *status = hh_query(r, "status");
    if (format && *format && strcmp(format, "csv") && strcmp(format, "xlsx"))
        return hh_fail(r, HH_E_INVALID, "format", "格式须为 csv 或 xlsx", "format must be csv or xlsx");
    in->xlsx = format && !strcmp(format, "xlsx");
    in->status = "requested";
    if (status && *status) {
        if (!strcmp(status, "all"))
            in->status = NULL;
        else if (strcmp(status, "requested") && strcmp(status, "shipped") && strcmp(status, "delivered") &&
                 strcmp(status, "cancelled"))
            return hh_fail(r, HH_E_INVALID, "status", "状态须为 requested、shipped、delivered、cancelled 或 all",
                           "status must be requested, shipped, delivered, cancelled or all");
        else
            in->status = hh_strdup(r->arena, status);
    }
    return hh_req_async(r, export_build);
}

/* ---- import of tracking numbers ---- */

typedef struct {
    int64_t line, id;
    const char *ref, *carrier, *tracking, *error_code;
    char phone[HH_PHONE_MAX];
} track_line;

typedef struct {
    int64_t offer_id;
    track_line *lines;
    size_t n, cap;
    /* parsing */
    char fields[8][FIELD_MAX];
    int nfields;
    int64_t row;
    bool header_seen, header;
    int col_id, col_phone, col_carrier, col_tracking;
    bool too_many;
    hh_arena *arena;
} track_in;

static bool header_is(const char *s, const char *const *names)
{
    for (; *names; names++)
        if (!strcasecmp(s, *names)) return true;
    return false;
}

static void trim(char *s)
{
    size_t n = strlen(s), k = 0;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = 0;
    while (s[k] == ' ' || s[k] == '\t') k++;
    if (k) memmove(s, s + k, n - k + 1);
}

static void on_field(void *s, size_t len, void *ud)
{
    track_in *in = ud;
    if (in->nfields >= 8) return;
    size_t l = len < FIELD_MAX - 1 ? len : FIELD_MAX - 1;
    memcpy(in->fields[in->nfields], s, l);
    in->fields[in->nfields][l] = 0;
    trim(in->fields[in->nfields]);
    in->nfields++;
}

static bool looks_like_phone(const char *s)
{
    size_t digits = 0;
    for (const char *p = s; *p; p++) digits += isdigit((unsigned char)*p) != 0;
    return s[0] == '+' || digits >= 11;
}

static void data_line(track_in *in)
{
    if (in->n == IMPORT_MAX_LINES) {
        in->too_many = true;
        return;
    }
    if (in->n == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 256;
        track_line *grown = hh_alloc(in->arena, in->cap * sizeof *grown);
        if (in->n) memcpy(grown, in->lines, in->n * sizeof *grown);
        in->lines = grown;
    }
    track_line *t = &in->lines[in->n++];
    memset(t, 0, sizeof *t);
    t->line = in->row;
    const char *f[4] = {"", "", "", ""};
    int cols[4] = {in->col_id, in->col_phone, in->col_carrier, in->col_tracking};
    for (int k = 0; k < 4; k++)
        if (cols[k] >= 0 && cols[k] < in->nfields) f[k] = in->fields[cols[k]];
    const char *id = f[0], *phone = f[1];
    if (!in->header && *id && looks_like_phone(id)) phone = id, id = "";
    t->ref = hh_strdup(in->arena, *id ? id : phone);
    t->carrier = hh_strdup(in->arena, f[2]);
    t->tracking = hh_strdup(in->arena, f[3]);
    if (*id) {
        if (!hh_parse_i64(id, &t->id) || t->id <= 0) t->error_code = "bad_id";
    } else if (*phone) {
        if (hh_phone_normalize(phone, "CN", true, t->phone) != HH_PHONE_OK) t->error_code = "bad_phone";
    } else {
        t->error_code = "missing_ref";
    }
    if (!t->error_code && !*t->carrier) t->error_code = "missing_carrier";
    if (!t->error_code && !*t->tracking) t->error_code = "missing_tracking";
    if (!t->error_code && (strlen(t->carrier) > 96 || strlen(t->tracking) > 64)) t->error_code = "too_long";
    if (!t->error_code)
        for (const char *p = t->tracking; *p; p++)
            if (!isalnum((unsigned char)*p) && *p != '-') {
                t->error_code = "bad_tracking";
                break;
            }
}

static void on_row(int term, void *ud)
{
    (void)term;
    track_in *in = ud;
    in->row++;
    bool blank = true;
    for (int i = 0; i < in->nfields; i++) blank &= !in->fields[i][0];
    if (blank) {
        in->nfields = 0;
        return;
    }
    if (!in->header_seen) {
        static const char *const ids[] = {"申请编号", "request_id", "id", "编号", NULL};
        static const char *const phones[] = {"会员手机号", "手机号", "手机", "phone", "member_phone", NULL};
        static const char *const carriers[] = {"快递公司", "物流公司", "carrier", NULL};
        static const char *const trackings[] = {"快递单号", "运单号", "物流单号", "tracking_no", "tracking", NULL};
        in->header_seen = true;
        in->col_id = in->col_phone = in->col_carrier = in->col_tracking = -1;
        for (int i = 0; i < in->nfields; i++) {
            const char *h = in->fields[i];
            if (in->col_id < 0 && header_is(h, ids)) in->col_id = i;
            else if (in->col_phone < 0 && header_is(h, phones)) in->col_phone = i;
            else if (in->col_carrier < 0 && header_is(h, carriers)) in->col_carrier = i;
            else if (in->col_tracking < 0 && header_is(h, trackings)) in->col_tracking = i;
        }
        in->header = in->col_carrier >= 0 || in->col_tracking >= 0 || in->col_id >= 0 || in->col_phone >= 0;
        if (in->header) {
            in->nfields = 0;
            return;
        }
        in->col_id = 0; /* no header: id or phone, carrier, tracking number */
        in->col_phone = -1;
        in->col_carrier = 1;
        in->col_tracking = 2;
    }
    data_line(in);
    in->nfields = 0;
}

static bool valid_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        size_t k = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
        if (!k || p + k > e) return false;
        for (size_t i = 1; i < k; i++)
            if ((p[i] & 0xc0) != 0x80) return false;
        p += k;
    }
    return true;
}

/* A Chinese Excel saves "CSV" in GB18030: convert it to UTF-8. NULL when the
 * bytes are neither. */
static char *from_gb18030(hh_arena *a, const char *s, size_t n, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) return NULL;
    size_t cap = n * 2 + 16, left = cap;
    char *out = hh_alloc(a, cap), *op = out;
    char *ip = (char *)s;
    size_t in_left = n;
    size_t rc = iconv(cd, &ip, &in_left, &op, &left);
    iconv_close(cd);
    if (rc == (size_t)-1) return NULL;
    *out_len = cap - left;
    return out;
}

static const char *reason(hh_req *r, const char *code)
{
    static const struct {
        const char *code, *zh, *en;
    } reasons[] = {
        {"bad_id", "申请编号无效", "The request id is not a number"},
        {"bad_phone", "手机号码无效", "The phone number is not valid"},
        {"missing_ref", "缺少申请编号或会员手机号", "No request id or member phone"},
        {"missing_carrier", "缺少快递公司", "No carrier"},
        {"missing_tracking", "缺少快递单号", "No tracking number"},
        {"too_long", "快递公司或单号过长", "The carrier or tracking number is too long"},
        {"bad_tracking", "快递单号只能包含字母、数字和连字符", "A tracking number holds only letters, digits and dashes"},
        {"not_found", "找不到该申请，或不在您的管辖范围内", "No such request within your scope"},
        {"no_open_request", "该会员没有待发货的申请", "This member has no request waiting to ship"},
        {"ambiguous", "该会员有多个待发货的申请，请用申请编号", "This member has several requests waiting; use the request id"},
        {"cancelled", "该申请已取消", "The request was cancelled"},
        {"delivered", "该申请已签收", "The request is already delivered"},
    };
    for (size_t i = 0; i < HH_ARRAY_LEN(reasons); i++)
        if (!strcmp(reasons[i].code, code)) return r->lang_en ? reasons[i].en : reasons[i].zh;
    return code;
}

/* The request a line names, in the principal's scope: its id, or 0 with
 * *code set. */
static hh_status resolve(hh_db *tx, hh_req *r, track_in *in, track_line *t, int64_t *id, const char **code)
{
    json_t *rows;
    *id = 0;
    *code = NULL;
    hh_status st;
    if (t->id) {
        st = hh_db_query(tx, &rows,
                         "SELECT r.id, r.status, r.carrier, r.tracking_no FROM sample_requests r JOIN sample_offers o"
                         " ON o.id = r.offer_id WHERE r.enterprise_id = ?1 AND " HH_SCOPE_BRAND_ID("o.brand_id")
                         " AND r.id = ?5 AND (?6 = 0 OR r.offer_id = ?6)",
                         HH_A(HH_SCOPE_ARGS(r), HH_I(t->id), HH_I(in->offer_id)));
    } else {
        st = hh_db_query(tx, &rows,
                         "SELECT r.id, r.status, r.carrier, r.tracking_no FROM sample_requests r JOIN sample_offers o"
                         " ON o.id = r.offer_id JOIN members m ON m.id = r.member_id WHERE r.enterprise_id = ?1 AND "
                         HH_SCOPE_BRAND_ID("o.brand_id")
                         " AND m.enterprise_id = ?1 AND m.phone = ?5 AND (?6 = 0 OR r.offer_id = ?6)"
                         " AND r.status IN ('requested', 'shipped') ORDER BY r.id",
                         HH_A(HH_SCOPE_ARGS(r), HH_S(t->phone), HH_I(in->offer_id)));
    }
    if (st) return st;
    size_t n = json_array_size(rows), waiting = 0, i;
    json_t *row;
    if (t->id) {
        if (!n) {
            *code = "not_found";
        } else {
            const char *s = json_string_value(json_object_get(json_array_get(rows, 0), "status"));
            if (!strcmp(s, "cancelled"))
                *code = "cancelled";
            else if (!strcmp(s, "delivered"))
                *code = "delivered";
            else
                *id = t->id;
        }
    } else {
        json_array_foreach(rows, i, row)
        {
            const char *c = json_string_value(json_object_get(row, "carrier"));
            const char *k = json_string_value(json_object_get(row, "tracking_no"));
            if (c && k && !strcmp(c, t->carrier) && !strcmp(k, t->tracking)) {
                *id = json_integer_value(json_object_get(row, "id")); /* this parcel again */
                waiting = 1;
                break;
            }
            if (!strcmp(json_string_value(json_object_get(row, "status")), "requested")) {
                waiting++;
                *id = json_integer_value(json_object_get(row, "id"));
            }
        }
        if (!waiting) *code = "no_open_request";
        if (waiting > 1) *code = "ambiguous", *id = 0;
    }
    json_decref(rows);
    return HH_OK;
}

static hh_status import_write(hh_db *tx, hh_req *r)
{
    track_in *in = r->ud;
    int64_t shipped = 0, updated = 0, unchanged = 0, rejected = 0;
    if (in->offer_id) {
        int64_t ok = 0;
        hh_status st = hh_db_int(tx, &ok,
                                 "SELECT count(*) FROM sample_offers o WHERE o.enterprise_id = ?1 AND "
                                 HH_SCOPE_BRAND_ID("o.brand_id") " AND o.id = ?5",
                                 HH_A(HH_SCOPE_ARGS(r), HH_I(in->offer_id)));
        if (st) return st;
        if (!ok) return hh_fail(r, HH_E_NOT_FOUND, "offer_id", "找不到该试用装", "No such trial sample");
    }
    json_t *report = json_array();
    hh_req_own(r, report);
    for (size_t i = 0; i < in->n; i++) {
        track_line *t = &in->lines[i];
        const char *code = t->error_code;
        int64_t id = 0;
        hh_status st;
        if (!code && (st = resolve(tx, r, in, t, &id, &code))) return st;
        if (!code) {
            int outcome;
            if ((st = hh__sample_ship(tx, id, t->carrier, t->tracking, &outcome))) return st;
            shipped += outcome == HH_SHIP_SHIPPED;
            updated += outcome == HH_SHIP_UPDATED;
            unchanged += outcome == HH_SHIP_UNCHANGED;
            continue;
        }
        rejected++;
        if (json_array_size(report) < REPORT_MAX)
            json_array_append_new(report, json_pack("{s:I, s:s, s:s, s:s}", "line", (json_int_t)t->line, "ref",
                                                    t->ref, "code", code, "reason", reason(r, code)));
    }
    json_t *summary = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "lines", (json_int_t)in->n, "shipped",
                                (json_int_t)shipped, "updated", (json_int_t)updated, "unchanged",
                                (json_int_t)unchanged, "rejected_count", (json_int_t)rejected, "offer_id",
                                (json_int_t)in->offer_id);
    hh_status st = hh_audit(tx, r, "sample_request.import_tracking", "sample_request", 0, NULL, summary);
    if (st) {
        json_decref(summary);
        return st;
    }
    json_object_set(summary, "rejected", report);
    hh_reply(r, 200, summary);
    return HH_OK;
}

/* On a worker: read and parse the file, then apply it in one write. */
static hh_status import_parse(hh_req *r)
{
    track_in *in = r->ud;
    int fd = open(r->upload_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return HH_E_STORAGE;
    size_t n = (size_t)r->upload_len, got = 0;
    char *data = hh_alloc(r->arena, n + 1);
    while (got < n) {
        ssize_t k = read(fd, data + got, n - got);
        if (k <= 0) break;
        got += (size_t)k;
    }
    close(fd);
    if (got != n) return HH_E_STORAGE;
    const char *p = data;
    if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3, n -= 3;
    if (!valid_utf8(p, n)) {
        size_t m;
        char *conv = from_gb18030(r->arena, p, n, &m);
        if (!conv)
            return hh_fail(r, HH_E_INVALID, "file", "文件编码无法识别，请保存为 UTF-8 或 GBK 编码的 CSV",
                           "The file is neither UTF-8 nor GBK text; save it as a UTF-8 CSV");
        p = conv, n = m;
    }
    in->arena = r->arena;
    struct csv_parser cp;
    csv_init(&cp, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI);
    size_t used = csv_parse(&cp, p, n, on_field, on_row, in);
    bool ok = used == n && csv_fini(&cp, on_field, on_row, in) == 0;
    int err = csv_error(&cp);
    csv_free(&cp);
    if (!ok)
        return hh_fail(r, HH_E_INVALID, "file", hh_sprintf(r->arena, "CSV 格式错误（第 %lld 行附近）", (long long)in->row + 1),
                       hh_sprintf(r->arena, "The CSV is malformed near line %lld: %s", (long long)in->row + 1,
                                  csv_strerror(err)));
    if (in->too_many)
        return hh_fail(r, HH_E_TOO_LARGE, "file", "一次最多导入 20000 行，请拆分文件",
                       "At most 20,000 lines per file; split it");
    if (!in->n)
        return hh_fail(r, HH_E_INVALID, "file", "文件中没有数据行", "The file has no data lines");
    if (in->header && in->col_id < 0 && in->col_phone < 0)
        return hh_fail(r, HH_E_INVALID, "file", "表头须含“申请编号”或“会员手机号”列",
                       "The header must have a request_id or phone column");
    if (in->header && (in->col_carrier < 0 || in->col_tracking < 0))
        return hh_fail(r, HH_E_INVALID, "file", "表头须含“快递公司”和“快递单号”列",
                       "The header must have carrier and tracking_no columns");
    return hh_req_write(r, import_write);
}

hh_status hh_h_sample_tracking_import(hh_req *r)
{
    const char *ct = hh_header(r, "Content-Type");
    if (!ct || (strncasecmp(ct, "text/csv", 8) && strncasecmp(ct, "application/octet-stream", 24) &&
                strncasecmp(ct, "text/plain", 10)))
        return hh_fail(r, HH_E_MEDIA_TYPE, NULL, "请上传 CSV 文件（Content-Type: text/csv）",
                       "Upload a CSV file (Content-Type: text/csv)");
    if (r->upload_len > IMPORT_MAX_BYTES)
        return hh_fail(r, HH_E_TOO_LARGE, "file", "文件不能超过 5 MB", "The file must not exceed 5 MB");
    if (!r->upload_len) return hh_fail(r, HH_E_INVALID, "file", "上传的文件是空的", "The uploaded file is empty");
    track_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = hh_query_id(r, "offer_id", &in->offer_id);
    if (st) return st;
    if (r->upload_fd > 0) close(r->upload_fd);
    r->upload_fd = 0;
    return hh_req_async(r, import_parse);
}
