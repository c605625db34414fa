/*
 * touchpoints.c — touchpoints one by one and in batches, their QR images and
 * print sheets. A touchpoint belongs to one brand and, optionally, to a store
 * and a staff member (a counter QR that credits that promoter). Batches (one
 * per store, or one per store × staff) run as background jobs in chunks of
 * CHUNK inserts, each chunk its own write, so a batch of thousands never holds
 * the writer for long and a stopped server resumes where it stopped (items are
 * unique per batch, store and staff).
 */
#include "touch/touch.h"
#include "reward/reward.h"
#include "core/buf.h"
#include "auth/auth.h"
#include "core/log.h"
#include "http/app.h"

#include <stdio.h>
#include <string.h>

#define CHUNK 500
#define SHEET_MAX 2000

static const char *const channels[] = {"counter", "product", "poster", "article", "moments_ad",
                                       "kol", "mini_program", "referral", "other", NULL};
static const char *const utm_fields[] = {"utm_source", "utm_medium", "utm_campaign", "utm_content",
                                         "utm_term", NULL};

#define TP_COLS                                                                                   \
    "SELECT tp.id, tp.kind, tp.name, tp.brand_id, b.name AS brand_name, tp.campaign_id,"          \
    " (SELECT name FROM campaigns WHERE id = tp.campaign_id) AS campaign_name,"                   \
    " tp.store_id, s.name AS store_name, tp.staff_id, t.name AS staff_name, tp.channel,"          \
    " tp.utm_source, tp.utm_medium, tp.utm_campaign, tp.utm_content, tp.utm_term, tp.batch_id,"   \
    " tp.expires_at, tp.disabled_at, (SELECT count(*) FROM scans sc WHERE sc.touchpoint_id ="     \
    " tp.id) AS scan_count, tp.created_at, tp.updated_at FROM touchpoints tp JOIN brands b ON"    \
    " b.id = tp.brand_id LEFT JOIN stores s ON s.id = tp.store_id LEFT JOIN staff t ON t.id ="    \
    " tp.staff_id"

/* Add the derived fields: code, short URL, state. */
static void decorate(hh_app *app, json_t *tp)
{
    char code[HH_CODE_MAX], url[400];
    hh_code_encode(app->code_key, "tp", json_integer_value(json_object_get(tp, "id")), code);
    snprintf(url, sizeof url, "%s/s/%s", app->base_url, code);
    json_object_set_new(tp, "code", json_string(code));
    json_object_set_new(tp, "short_url", json_string(url));
    const char *state = "active";
    json_t *exp = json_object_get(tp, "expires_at");
    if (!json_is_null(json_object_get(tp, "disabled_at")))
        state = "disabled";
    else if (json_is_integer(exp) && json_integer_value(exp) <= hh_now_ms())
        state = "expired";
    json_object_set_new(tp, "state", json_string(state));
}

static hh_status tp_get(hh_app *app, hh_db *db, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, TP_COLS " WHERE tp.id = ?", HH_A(HH_I(id)));
    if (st == HH_OK) decorate(app, *out);
    return st;
}

hh_status hh_h_touchpoints_list(hh_req *r)
{
    int64_t limit, offset, brand_id, store_id, staff_id, batch_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "brand_id", &brand_id)) ||
        (st = hh_query_id(r, "store_id", &store_id)) || (st = hh_query_id(r, "staff_id", &staff_id)) ||
        (st = hh_query_id(r, "batch_id", &batch_id)))
        return st;
    const char *q = hh_query(r, "q"), *channel = hh_query(r, "channel");
    if (q && !*q) q = NULL;
    if (channel && !*channel) channel = NULL;
    if (channel && !hh_str_in(channel, channels))
        return hh_fail(r, HH_E_INVALID, "channel", "渠道无效", "Unknown channel");
    hh_db *db = hh_store_reader(r->app->store);
#define TP_WHERE                                                                                  \
    " WHERE tp.enterprise_id = ?1 AND " HH_SCOPE_BRAND_STORE("tp.brand_id", "tp.store_id")       \
    " AND (?5 = 0 OR tp.brand_id = ?5) AND (?6 = 0 OR tp.store_id = ?6) AND (?7 = 0 OR"           \
    " tp.staff_id = ?7) AND (?8 = 0 OR tp.batch_id = ?8) AND (?9 IS NULL OR tp.channel = ?9)"     \
    " AND (?10 IS NULL OR instr(tp.name, ?10) > 0)"
    json_t *items;
    st = hh_db_query(db, &items, TP_COLS TP_WHERE " ORDER BY tp.id DESC LIMIT ?11 OFFSET ?12",
                     HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id), HH_I(store_id), HH_I(staff_id),
                          HH_I(batch_id), HH_S(channel), HH_S(q), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *tp;
    json_array_foreach(items, i, tp) decorate(r->app, tp);
    return hh_list_reply(r, db, items, "SELECT count(*) FROM touchpoints tp" TP_WHERE,
                         HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id), HH_I(store_id), HH_I(staff_id),
                              HH_I(batch_id), HH_S(channel), HH_S(q)));
#undef TP_WHERE
}

hh_status hh_h_touchpoint_get(hh_req *r)
{
    json_t *tp;
    hh_status st = tp_get(r->app, hh_store_reader(r->app->store), r->path_id, &tp);
    if (st) return st;
    hh_reply(r, 200, tp);
    return HH_OK;
}

typedef struct {
    const char *kind, *name, *channel, *per;
    const char *utm[5];
    bool has_utm[5];
    int64_t brand_id, store_id, staff_id, expires_at;
    bool has_name, has_expires, has_disabled, disabled, expires_null;
    int64_t store_ids[HH_MAX_SCOPE_BRANDS * 8];
    int nstores;
    bool has_stores;
    int64_t batch_id;
    int64_t campaign_id;
    bool has_campaign, campaign_null;
} tp_in;

static hh_status read_campaign(hh_req *r, tp_in *in)
{
    json_t *v = json_object_get(r->json, "campaign_id");
    in->campaign_null = v && json_is_null(v);
    return hh_field_int(r, "campaign_id", false, 1, INT64_MAX, &in->campaign_id, &in->has_campaign);
}

/* Inside the write: a touchpoint points at a campaign of its own brand that has not ended. */
static hh_status check_campaign(hh_db *tx, hh_req *r, int64_t campaign_id, int64_t brand_id)
{
    json_t *c = NULL;
    hh_status st = hh_db_one(tx, &c,
                             "SELECT brand_id, status, starts_at, ends_at FROM campaigns WHERE id = ? AND enterprise_id = ?",
                             HH_A(HH_I(campaign_id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, HH_E_INVALID, "campaign_id", "活动不存在", "No such campaign");
    if (st) return st;
    bool other_brand = json_integer_value(json_object_get(c, "brand_id")) != brand_id;
    bool ended = !strcmp(hh_campaign_status_now(json_string_value(json_object_get(c, "status")),
                                                json_integer_value(json_object_get(c, "starts_at")),
                                                json_integer_value(json_object_get(c, "ends_at")), hh_now_ms()),
                         "ended");
    json_decref(c);
    if (other_brand)
        return hh_fail(r, HH_E_INVALID, "campaign_id", "活动须属于触点的品牌", "The campaign must be of the touchpoint's brand");
    if (ended) return hh_fail(r, HH_E_INVALID, "campaign_id", "活动已结束", "The campaign has ended");
    return HH_OK;
}

static hh_status read_utm(hh_req *r, tp_in *in)
{
    for (int i = 0; utm_fields[i]; i++) {
        hh_status st = hh_field_str(r, utm_fields[i], false, 64, &in->utm[i], &in->has_utm[i]);
        if (st) return st;
    }
    return HH_OK;
}

static hh_status brand_in_scope(hh_req *r, int64_t brand_id)
{
    hh_scope s = {.enterprise_id = r->who.enterprise_id, .object = true, .nbrands = 1, .brands = {brand_id}};
    if (hh_authz(&r->who, HH_ACT_MARKETING_WRITE, &s) != HH_OK)
        return hh_fail(r, HH_E_FORBIDDEN, "brand_id", "只能为您管理的品牌创建触点",
                       "You can only create touchpoints for brands you manage");
    return HH_OK;
}

static hh_status read_channel(hh_req *r, tp_in *in, bool required)
{
    hh_status st = hh_field_str(r, "channel", required, 16, &in->channel, NULL);
    if (st) return st;
    if (in->channel && !hh_str_in(in->channel, channels))
        return hh_fail(r, HH_E_INVALID, "channel",
                       "渠道须为 counter、product、poster、article、moments_ad、kol、mini_program、referral 或 other",
                       "channel must be counter, product, poster, article, moments_ad, kol, mini_program, referral or other");
    return HH_OK;
}

static hh_status read_expires(hh_req *r, tp_in *in)
{
    json_t *v = json_object_get(r->json, "expires_at");
    in->expires_null = v && json_is_null(v);
    hh_status st = hh_field_int(r, "expires_at", false, 1, INT64_MAX, &in->expires_at, &in->has_expires);
    if (st) return st;
    if (in->has_expires && in->expires_at <= hh_now_ms())
        return hh_fail(r, HH_E_INVALID, "expires_at", "过期时间须晚于现在", "expires_at must be in the future");
    return HH_OK;
}

/* Inside the write: brand live, store serving the brand, staff of the store. */
static hh_status check_refs(hh_db *tx, hh_req *r, tp_in *in)
{
    int64_t n = 0;
    hh_status st = hh_db_int(tx, &n, "SELECT count(*) FROM brands WHERE id = ? AND enterprise_id = ? AND archived_at IS NULL",
                             HH_A(HH_I(in->brand_id), HH_I(r->who.enterprise_id)));
    if (st) return st;
    if (!n) return hh_fail(r, HH_E_INVALID, "brand_id", "品牌不存在或已归档", "No such live brand");
    if (in->staff_id) {
        int64_t sid = 0;
        st = hh_db_int(tx, &sid, "SELECT store_id FROM staff WHERE id = ? AND enterprise_id = ? AND archived_at IS NULL",
                       HH_A(HH_I(in->staff_id), HH_I(r->who.enterprise_id)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, HH_E_INVALID, "staff_id", "员工不存在", "No such staff member");
        if (st) return st;
        if (in->store_id && in->store_id != sid)
            return hh_fail(r, HH_E_INVALID, "staff_id", "该员工不属于所选门店",
                           "This staff member does not work at the chosen store");
        in->store_id = sid;
    }
    if (in->store_id) {
        st = hh_db_int(tx, &n,
                       "SELECT count(*) FROM stores s JOIN store_brands sb ON sb.store_id = s.id"
                       " WHERE s.id = ? AND s.enterprise_id = ? AND s.archived_at IS NULL AND sb.brand_id = ?",
                       HH_A(HH_I(in->store_id), HH_I(r->who.enterprise_id), HH_I(in->brand_id)));
        if (st) return st;
        if (!n)
            return hh_fail(r, HH_E_INVALID, "store_id", "门店不存在、已归档或不经营该品牌",
                           "The store does not exist, is archived or does not sell this brand");
    }
    return HH_OK;
}

static hh_status tp_create_write(hh_db *tx, hh_req *r)
{
    tp_in *in = r->ud;
    hh_status st = check_refs(tx, r, in);
    if (st) return st;
    if (in->has_campaign && (st = check_campaign(tx, r, in->campaign_id, in->brand_id))) return st;
    int64_t now = hh_now_ms();
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO touchpoints (enterprise_id, kind, name, brand_id, store_id, staff_id,"
                   " channel, utm_source, utm_medium, utm_campaign, utm_content, utm_term, expires_at,"
                   " created_at, updated_at, campaign_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_S(in->kind), HH_S(in->name), HH_I(in->brand_id),
                        HH_ID(in->store_id), HH_ID(in->staff_id), HH_S(in->channel), HH_S(in->utm[0]),
                        HH_S(in->utm[1]), HH_S(in->utm[2]), HH_S(in->utm[3]), HH_S(in->utm[4]),
                        in->has_expires ? HH_I(in->expires_at) : HH_NULL, HH_I(now), HH_I(now),
                        HH_ID(in->has_campaign ? in->campaign_id : 0)));
    json_t *tp;
    if (st || (st = tp_get(r->app, tx, res.last_id, &tp))) return st;
    if ((st = hh_audit(tx, r, "touchpoint.create", "touchpoint", res.last_id, NULL, tp))) {
        json_decref(tp);
        return st;
    }
    hh_reply(r, 201, tp);
    return HH_OK;
}

hh_status hh_h_touchpoint_create(hh_req *r)
{
    static const char *const allowed[] = {"kind", "name", "brand_id", "store_id", "staff_id", "channel",
                                          "utm_source", "utm_medium", "utm_campaign", "utm_content",
                                          "utm_term", "expires_at", "campaign_id", NULL};
    tp_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    in->kind = "qr";
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "kind", false, 8, &in->kind, NULL)) ||
        (st = hh_field_str(r, "name", true, 64, &in->name, NULL)) ||
        (st = hh_field_int(r, "brand_id", true, 1, INT64_MAX, &in->brand_id, NULL)) ||
        (st = hh_field_int(r, "store_id", false, 1, INT64_MAX, &in->store_id, NULL)) ||
        (st = hh_field_int(r, "staff_id", false, 1, INT64_MAX, &in->staff_id, NULL)) ||
        (st = read_channel(r, in, true)) || (st = read_utm(r, in)) || (st = read_expires(r, in)) ||
        (st = read_campaign(r, in)))
        return st;
    if (strcmp(in->kind, "qr") && strcmp(in->kind, "link"))
        return hh_fail(r, HH_E_INVALID, "kind", "类型须为 qr 或 link", "kind must be qr or link");
    if ((st = brand_in_scope(r, in->brand_id))) return st;
    return hh_req_write(r, tp_create_write);
}

static hh_status tp_update_write(hh_db *tx, hh_req *r)
{
    tp_in *in = r->ud;
    json_t *before, *after;
    hh_status st = tp_get(r->app, tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    int64_t now = hh_now_ms();
    json_t *exp = json_object_get(before, "expires_at");
    json_t *dis = json_object_get(before, "disabled_at");
    int64_t expires = in->has_expires ? in->expires_at : in->expires_null ? 0 : json_integer_value(exp);
    if (in->has_campaign &&
        (st = check_campaign(tx, r, in->campaign_id, json_integer_value(json_object_get(before, "brand_id")))))
        return st;
    int64_t disabled = in->has_disabled ? (in->disabled ? (json_is_integer(dis) ? json_integer_value(dis) : now) : 0)
                                        : json_integer_value(dis);
    st = hh_db_run(tx, NULL,
                   "UPDATE touchpoints SET name = coalesce(?, name), utm_source = CASE WHEN ? THEN ? ELSE utm_source END,"
                   " utm_medium = CASE WHEN ? THEN ? ELSE utm_medium END,"
                   " utm_campaign = CASE WHEN ? THEN ? ELSE utm_campaign END,"
                   " utm_content = CASE WHEN ? THEN ? ELSE utm_content END,"
                   " utm_term = CASE WHEN ? THEN ? ELSE utm_term END,"
                   " expires_at = ?, disabled_at = ?, updated_at = ?,"
                   " campaign_id = CASE WHEN ? THEN ? ELSE campaign_id END WHERE id = ?",
                   HH_A(HH_S(in->has_name ? in->name : NULL), HH_I(in->has_utm[0]), HH_S(in->utm[0]),
                        HH_I(in->has_utm[1]), HH_S(in->utm[1]), HH_I(in->has_utm[2]), HH_S(in->utm[2]),
                        HH_I(in->has_utm[3]), HH_S(in->utm[3]), HH_I(in->has_utm[4]), HH_S(in->utm[4]),
                        HH_ID(expires), HH_ID(disabled), HH_I(now), HH_I(in->has_campaign || in->campaign_null),
                        HH_ID(in->has_campaign ? in->campaign_id : 0), HH_I(r->path_id)));
    if (st || (st = tp_get(r->app, tx, r->path_id, &after))) return st;
    if ((st = hh_audit(tx, r, in->has_disabled && in->disabled ? "touchpoint.disable" : "touchpoint.update",
                       "touchpoint", r->path_id, before, after))) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_touchpoint_update(hh_req *r)
{
    static const char *const allowed[] = {"name", "disabled", "expires_at", "utm_source", "utm_medium",
                                          "utm_campaign", "utm_content", "utm_term", "campaign_id", NULL};
    tp_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "name", false, 64, &in->name, &in->has_name)) ||
        (st = hh_field_bool(r, "disabled", false, &in->disabled, &in->has_disabled)) ||
        (st = read_utm(r, in)) || (st = read_expires(r, in)) || (st = read_campaign(r, in)))
        return st;
    if (in->has_name && !*in->name)
        return hh_fail(r, HH_E_INVALID, "name", "名称不能为空", "The name must not be empty");
    bool any = in->has_name || in->has_disabled || in->has_expires || in->expires_null || in->has_campaign ||
               in->campaign_null;
    for (int i = 0; i < 5; i++) any |= in->has_utm[i];
    if (!any) return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    return hh_req_write(r, tp_update_write);
}

/* ---- QR images ---- */

static hh_status qr_common(hh_req *r, char url[400], const char **label, int *px)
{
    int64_t size = 8;
    const char *s = hh_query(r, "scale");
    if (s && (!hh_parse_i64(s, &size) || size < 1 || size > 40))
        return hh_fail(r, HH_E_INVALID, "scale", "scale 须为 1–40 的整数", "scale must be an integer from 1 to 40");
    *px = (int)size;
    json_t *tp;
    hh_status st = tp_get(r->app, hh_store_reader(r->app->store), r->path_id, &tp);
    if (st) return st;
    hh_req_own(r, tp);
    snprintf(url, 400, "%s", json_string_value(json_object_get(tp, "short_url")));
    *label = hh_strdup(r->arena, json_string_value(json_object_get(tp, "name")));
    return HH_OK;
}

hh_status hh_h_touchpoint_qr_svg(hh_req *r)
{
    char url[400];
    const char *label;
    int px;
    hh_status st = qr_common(r, url, &label, &px);
    if (st) return st;
    size_t len;
    char *svg = hh_qr_svg(url, px, hh_query_flag(r, "label") ? label : NULL, &len);
    if (!svg) return HH_E_NOMEM;
    hh_reply_raw(r, 200, "image/svg+xml", svg, len);
    return HH_OK;
}

hh_status hh_h_touchpoint_qr_png(hh_req *r)
{
    char url[400];
    const char *label;
    int px;
    hh_status st = qr_common(r, url, &label, &px);
    if (st) return st;
    size_t len;
    unsigned char *png = hh_qr_png(url, px, &len);
    if (!png) return HH_E_NOMEM;
    hh_reply_raw(r, 200, "image/png", (char *)png, len);
    return HH_OK;
}

/* ---- batches ---- */

#define BATCH_COLS                                                                                \
    "SELECT bt.id, bt.name, bt.brand_id, b.name AS brand_name, bt.channel, bt.per, bt.spec_json,"  \
    " bt.status, bt.total, bt.done, bt.error, bt.created_at, bt.finished_at FROM"                 \
    " touchpoint_batches bt JOIN brands b ON b.id = bt.brand_id"

/* The stores (and staff) a batch covers: the brand's live stores, optionally
 * only those listed in the spec's store_ids. */
#define BATCH_SOURCE                                                                              \
    " FROM stores s JOIN store_brands sb ON sb.store_id = s.id AND sb.brand_id = ?2"              \
    " LEFT JOIN staff t ON ?3 = 'store_staff' AND t.store_id = s.id AND t.archived_at IS NULL"    \
    " WHERE s.enterprise_id = ?1 AND s.archived_at IS NULL AND (?4 IS NULL OR s.id IN"            \
    " (SELECT value FROM json_each(?4))) AND (?3 = 'store' OR t.id IS NOT NULL)"

hh_status hh_h_tp_batches_list(hh_req *r)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    hh_db *db = hh_store_reader(r->app->store);
#define BT_WHERE " WHERE bt.enterprise_id = ?1 AND " HH_SCOPE_BRAND_ID("bt.brand_id")
    json_t *items;
    st = hh_db_query(db, &items, BATCH_COLS BT_WHERE " ORDER BY bt.id DESC LIMIT ?5 OFFSET ?6",
                     HH_A(HH_SCOPE_ARGS(r), HH_I(limit), HH_I(offset)));
    if (st) return st;
    return hh_list_reply(r, db, items, "SELECT count(*) FROM touchpoint_batches bt" BT_WHERE,
                         HH_A(HH_SCOPE_ARGS(r)));
#undef BT_WHERE
}

hh_status hh_h_tp_batch_get(hh_req *r)
{
    json_t *b;
    hh_status st = hh_db_one(hh_store_reader(r->app->store), &b, BATCH_COLS " WHERE bt.id = ?",
                             HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_reply(r, 200, b);
    return HH_OK;
}

typedef struct {
    int64_t batch_id, inserted;
    bool finished;
} chunk_ctx;

static hh_status chunk_apply(hh_db *tx, void *ud)
{
    chunk_ctx *c = ud;
    json_t *b;
    hh_status st = hh_db_one(tx, &b, "SELECT * FROM touchpoint_batches WHERE id = ?", HH_A(HH_I(c->batch_id)));
    if (st) return st;
    const char *per = json_string_value(json_object_get(b, "per"));
    json_t *spec = json_object_get(b, "spec"); /* spec_json, parsed by the row convention */
    json_t *ids = json_object_get(spec, "store_ids");
    char *ids_text = json_is_array(ids) ? json_dumps(ids, JSON_COMPACT) : NULL;
    const char *u[5];
    for (int i = 0; i < 5; i++) u[i] = json_string_value(json_object_get(spec, utm_fields[i]));
    int64_t now = hh_now_ms();
    hh_result res = {0};
    st = hh_db_run(
        tx, &res,
        "INSERT INTO touchpoints (enterprise_id, kind, name, brand_id, store_id, staff_id, channel,"
        " utm_source, utm_medium, utm_campaign, utm_content, utm_term, batch_id, created_at, updated_at,"
        " campaign_id) SELECT ?1, 'qr', ?5 || ' · ' || s.name || coalesce(' · ' || t.name, ''), ?2, s.id, t.id,"
        " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14" BATCH_SOURCE
        " AND NOT EXISTS (SELECT 1 FROM touchpoints x WHERE x.batch_id = ?12 AND x.store_id = s.id"
        " AND coalesce(x.staff_id, 0) = coalesce(t.id, 0)) ORDER BY s.id, t.id LIMIT 500",
        HH_A(HH_I(json_integer_value(json_object_get(b, "enterprise_id"))),
             HH_I(json_integer_value(json_object_get(b, "brand_id"))), HH_S(per), HH_S(ids_text),
             HH_S(json_string_value(json_object_get(b, "name"))),
             HH_S(json_string_value(json_object_get(b, "channel"))), HH_S(u[0]), HH_S(u[1]), HH_S(u[2]),
             HH_S(u[3]), HH_S(u[4]), HH_I(c->batch_id), HH_I(now),
             HH_ID(json_integer_value(json_object_get(spec, "campaign_id")))));
    free(ids_text);
    json_decref(b);
    if (st) return st;
    c->inserted = res.changes;
    c->finished = res.changes < CHUNK;
    return hh_db_run(tx, NULL,
                     "UPDATE touchpoint_batches SET done = (SELECT count(*) FROM touchpoints WHERE batch_id = ?1),"
                     " status = CASE WHEN ?2 THEN 'done' ELSE status END,"
                     " finished_at = CASE WHEN ?2 THEN ?3 ELSE finished_at END WHERE id = ?1",
                     HH_A(HH_I(c->batch_id), HH_I(c->finished), HH_I(now)));
}

static void batch_run(hh_app *app, int64_t id)
{
    chunk_ctx c = {.batch_id = id};
    while (!c.finished && !atomic_load(&app->stopping)) { /* resumed at the next start */
        hh_status st = hh_store_write_sync(app->store, chunk_apply, &c);
        if (st != HH_OK) {
            hh_error("touch.batch_failed", "{s:I, s:s}", "batch", (json_int_t)id, "status", hh_status_code(st));
            break;
        }
    }
    if (c.finished) hh_info("touch.batch_done", "{s:I}", "batch", (json_int_t)id);
}

static void batch_after_commit(hh_req *r)
{
    hh_job_start(r->app, batch_run, ((tp_in *)r->ud)->batch_id);
}

void hh_tp_batches_resume(hh_app *app)
{
    hh_jobs_resume(app, "SELECT id FROM touchpoint_batches WHERE status = 'running'", batch_run);
}

static hh_status batch_create_write(hh_db *tx, hh_req *r)
{
    tp_in *in = r->ud;
    hh_status st = check_refs(tx, r, in);
    if (st) return st;
    if (in->has_campaign && (st = check_campaign(tx, r, in->campaign_id, in->brand_id))) return st;
    json_t *spec = json_object();
    hh_req_own(r, spec);
    if (in->has_stores) {
        json_t *ids = json_array();
        for (int i = 0; i < in->nstores; i++) json_array_append_new(ids, json_integer(in->store_ids[i]));
        json_object_set_new(spec, "store_ids", ids);
    }
    for (int i = 0; i < 5; i++)
        if (in->utm[i]) json_object_set_new(spec, utm_fields[i], json_string(in->utm[i]));
    if (in->has_campaign) json_object_set_new(spec, "campaign_id", json_integer(in->campaign_id));
    char *spec_text = json_dumps(spec, JSON_COMPACT);
    char *ids_text = in->has_stores ? json_dumps(json_object_get(spec, "store_ids"), JSON_COMPACT) : NULL;
    int64_t total = 0;
    st = hh_db_int(tx, &total, "SELECT count(*)" BATCH_SOURCE,
                   HH_A(HH_I(r->who.enterprise_id), HH_I(in->brand_id), HH_S(in->per), HH_S(ids_text)));
    free(ids_text);
    if (st) {
        free(spec_text);
        return st;
    }
    if (!total) {
        free(spec_text);
        return hh_fail(r, HH_E_INVALID, in->has_stores ? "store_ids" : "brand_id",
                       "没有符合条件的门店或员工，批次为空", "No stores or staff match: the batch would be empty");
    }
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO touchpoint_batches (enterprise_id, name, brand_id, channel, per, spec_json,"
                   " status, total, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_S(in->name), HH_I(in->brand_id), HH_S(in->channel),
                        HH_S(in->per), HH_S(spec_text), HH_I(total), HH_I(r->who.id), HH_I(hh_now_ms())));
    free(spec_text);
    if (st) return st;
    in->batch_id = res.last_id;
    json_t *b;
    if ((st = hh_db_one(tx, &b, BATCH_COLS " WHERE bt.id = ?", HH_A(HH_I(res.last_id))))) return st;
    if ((st = hh_audit(tx, r, "touchpoint_batch.create", "touchpoint_batch", res.last_id, NULL, b))) {
        json_decref(b);
        return st;
    }
    r->after_commit = batch_after_commit;
    hh_reply(r, 202, b);
    return HH_OK;
}

hh_status hh_h_tp_batch_create(hh_req *r)
{
    static const char *const allowed[] = {"name", "brand_id", "channel", "per", "store_ids", "utm_source",
                                          "utm_medium", "utm_campaign", "utm_content", "utm_term", "campaign_id",
                                          NULL};
    tp_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    in->per = "store_staff";
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "name", true, 48, &in->name, NULL)) ||
        (st = hh_field_int(r, "brand_id", true, 1, INT64_MAX, &in->brand_id, NULL)) ||
        (st = read_channel(r, in, true)) || (st = hh_field_str(r, "per", false, 16, &in->per, NULL)) ||
        (st = hh_field_ids(r, "store_ids", false, (int)HH_ARRAY_LEN(in->store_ids), in->store_ids,
                           &in->nstores, &in->has_stores)) ||
        (st = read_utm(r, in)) || (st = read_campaign(r, in)))
        return st;
    if (strcmp(in->per, "store") && strcmp(in->per, "store_staff"))
        return hh_fail(r, HH_E_INVALID, "per", "per 须为 store 或 store_staff", "per must be store or store_staff");
    if (in->has_stores && !in->nstores)
        return hh_fail(r, HH_E_INVALID, "store_ids", "请至少选择一个门店", "Choose at least one store");
    if ((st = brand_in_scope(r, in->brand_id))) return st;
    return hh_req_write(r, batch_create_write);
}

static const char *html_escape(hh_arena *a, const char *s)
{
    if (!s) return "";
    size_t n = 0;
    for (const char *p = s; *p; p++) n += (*p == '<' || *p == '>') ? 4 : *p == '&' ? 5 : *p == '"' ? 6 : 1;
    char *out = hh_alloc(a, n + 1), *o = out;
    for (const char *p = s; *p; p++) {
        const char *rep = *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '&' ? "&amp;" : *p == '"' ? "&quot;" : NULL;
        if (rep) {
            size_t l = strlen(rep);
            memcpy(o, rep, l);
            o += l;
        } else {
            *o++ = *p;
        }
    }
    *o = 0;
    return out;
}

/* A printable HTML sheet: one labelled QR per touchpoint of the batch. */
hh_status hh_h_tp_batch_sheet(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    json_t *b, *items;
    hh_status st = hh_db_one(db, &b, BATCH_COLS " WHERE bt.id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, b);
    st = hh_db_query(db, &items, TP_COLS " WHERE tp.batch_id = ? ORDER BY tp.id LIMIT ?",
                     HH_A(HH_I(r->path_id), HH_I(SHEET_MAX)));
    if (st) return st;
    hh_req_own(r, items);
    hh_buf html = {0};
#define OUT(...) hh_buf_printf(&html, __VA_ARGS__)
    OUT("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>%s</title><style>"
        "body{font-family:sans-serif;margin:12mm}h1{font-size:16px}"
        ".grid{display:grid;grid-template-columns:repeat(4,1fr);gap:6mm}"
        ".cell{border:1px dashed #bbb;padding:3mm;text-align:center;break-inside:avoid}"
        ".cell svg{width:100%%;height:auto}.l1{font-size:12px;font-weight:600}.l2{font-size:11px;color:#555}"
        "@media print{h1{display:none}}</style></head><body><h1>%s · %lld 个二维码</h1><div class=\"grid\">",
        html_escape(r->arena, json_string_value(json_object_get(b, "name"))),
        html_escape(r->arena, json_string_value(json_object_get(b, "name"))),
        (long long)json_array_size(items));
    size_t i;
    json_t *tp;
    json_array_foreach(items, i, tp)
    {
        decorate(r->app, tp);
        size_t svg_len;
        char *svg = hh_qr_svg(json_string_value(json_object_get(tp, "short_url")), 4, NULL, &svg_len);
        if (!svg) continue;
        const char *store = json_string_value(json_object_get(tp, "store_name"));
        const char *staff = json_string_value(json_object_get(tp, "staff_name"));
        OUT("<div class=\"cell\">%s<div class=\"l1\">%s</div><div class=\"l2\">%s · %s</div></div>", svg,
            html_escape(r->arena, store), html_escape(r->arena, staff), json_string_value(json_object_get(tp, "code")));
        free(svg);
    }
    OUT("</div></body></html>");
#undef OUT
    hh_reply_raw(r, 200, "text/html; charset=utf-8", html.data, html.len);
    return HH_OK;
}
