/*
 * brands.c — brands of an enterprise. Only the owner creates brands; a brand
 * manager edits the brands it manages. DELETE archives (stores keep their
 * history); an archived brand can no longer be given to a store.
 */
#include "auth/auth.h"
#include "http/app.h"
#include "org/org.h"

#include <ctype.h>
#include <string.h>

#define BRAND_COLS                                                                             \
    "SELECT b.id, b.name, b.code, b.description, (SELECT count(*) FROM store_brands sb JOIN "  \
    "stores s ON s.id = sb.store_id WHERE sb.brand_id = b.id AND s.archived_at IS NULL) AS "   \
    "store_count, b.created_at, b.updated_at, b.archived_at FROM brands b"

static hh_status brand_get(hh_db *db, int64_t id, json_t **out)
{
    return hh_db_one(db, out, BRAND_COLS " WHERE b.id = ?", HH_A(HH_I(id)));
}

hh_status hh_h_brands_list(hh_req *r)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    const char *q = hh_query(r, "q");
    if (q && !*q) q = NULL;
    bool all = hh_query_flag(r, "include_archived");
    hh_db *db = hh_store_reader(r->app->store);
#define BRAND_WHERE                                                                            \
    " WHERE b.enterprise_id = ?1 AND " HH_SCOPE_BRAND("b") " AND (?5 = 1 OR b.archived_at IS "  \
    "NULL) AND (?6 IS NULL OR instr(b.name, ?6) > 0 OR instr(lower(b.code), lower(?6)) > 0)"
    json_t *items;
    st = hh_db_query(db, &items, BRAND_COLS BRAND_WHERE " ORDER BY b.id LIMIT ?7 OFFSET ?8",
                     HH_A(HH_SCOPE_ARGS(r), HH_I(all), HH_S(q), HH_I(limit), HH_I(offset)));
    if (st) return st;
    return hh_list_reply(r, db, items, "SELECT count(*) FROM brands b" BRAND_WHERE,
                          HH_A(HH_SCOPE_ARGS(r), HH_I(all), HH_S(q)));
#undef BRAND_WHERE
}

hh_status hh_h_brand_get(hh_req *r)
{
    json_t *b;
    hh_status st = brand_get(hh_store_reader(r->app->store), r->path_id, &b);
    if (st) return st;
    hh_reply(r, 200, b);
    return HH_OK;
}

typedef struct {
    const char *name, *code, *description;
    bool has_name, has_code, has_desc;
} brand_in;

static hh_status read_brand(hh_req *r, brand_in *in, bool create)
{
    static const char *const allowed[] = {"name", "code", "description", NULL};
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "name", create, 64, &in->name, &in->has_name)) ||
        (st = hh_field_str(r, "code", create, 32, &in->code, &in->has_code)) ||
        (st = hh_field_str(r, "description", false, 500, &in->description, &in->has_desc)))
        return st;
    if (in->has_name && !*in->name)
        return hh_fail(r, HH_E_INVALID, "name", "品牌名称不能为空", "The brand name must not be empty");
    if (in->has_code) {
        if (!*in->code)
            return hh_fail(r, HH_E_INVALID, "code", "品牌编码不能为空", "The brand code must not be empty");
        for (const char *p = in->code; *p; p++)
            if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
                return hh_fail(r, HH_E_INVALID, "code", "品牌编码只能包含字母、数字、- 和 _",
                               "The brand code may contain only letters, digits, - and _");
    }
    if (!create && !in->has_name && !in->has_code && !in->has_desc)
        return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    return HH_OK;
}

static hh_status brand_create_write(hh_db *tx, hh_req *r)
{
    brand_in *in = r->ud;
    int64_t now = hh_now_ms();
    hh_result res;
    hh_status st = hh_db_run(tx, &res,
                             "INSERT INTO brands (enterprise_id, name, code, description, created_at,"
                             " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                             HH_A(HH_I(r->who.enterprise_id), HH_S(in->name), HH_S(in->code),
                                  HH_S(in->description ? in->description : ""), HH_I(now), HH_I(now)));
    if (st == HH_E_CONFLICT)
        return hh__conflict(r, "code", "该品牌编码已被使用", "This brand code is already in use");
    if (st) return st;
    json_t *b;
    if ((st = brand_get(tx, res.last_id, &b))) return st;
    st = hh_audit(tx, r, "brand.create", "brand", res.last_id, NULL, b);
    if (st) {
        json_decref(b);
        return st;
    }
    hh_reply(r, 201, b);
    return HH_OK;
}

hh_status hh_h_brand_create(hh_req *r)
{
    brand_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_brand(r, in, true);
    if (st) return st;
    return hh_req_write(r, brand_create_write);
}

static hh_status brand_update_write(hh_db *tx, hh_req *r)
{
    brand_in *in = r->ud;
    json_t *before, *after;
    hh_status st = brand_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    st = hh_db_run(tx, NULL,
                   "UPDATE brands SET name = coalesce(?, name), code = coalesce(?, code),"
                   " description = coalesce(?, description), updated_at = ? WHERE id = ?",
                   HH_A(HH_S(in->has_name ? in->name : NULL), HH_S(in->has_code ? in->code : NULL),
                        HH_S(in->has_desc ? in->description : NULL), HH_I(hh_now_ms()),
                        HH_I(r->path_id)));
    if (st == HH_E_CONFLICT)
        return hh__conflict(r, "code", "该品牌编码已被使用", "This brand code is already in use");
    if (st || (st = brand_get(tx, r->path_id, &after))) return st;
    st = hh_audit(tx, r, "brand.update", "brand", r->path_id, before, after);
    if (st) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_brand_update(hh_req *r)
{
    brand_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_brand(r, in, false);
    if (st) return st;
    return hh_req_write(r, brand_update_write);
}

static hh_status brand_archive_write(hh_db *tx, hh_req *r)
{
    json_t *before, *after;
    hh_status st = brand_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    if (!json_is_null(json_object_get(before, "archived_at")))
        return hh_fail(r, HH_E_CONFLICT, NULL, "该品牌已归档", "This brand is already archived");
    int64_t now = hh_now_ms();
    st = hh_db_run(tx, NULL, "UPDATE brands SET archived_at = ?, updated_at = ? WHERE id = ?",
                   HH_A(HH_I(now), HH_I(now), HH_I(r->path_id)));
    if (st || (st = brand_get(tx, r->path_id, &after))) return st;
    st = hh_audit(tx, r, "brand.archive", "brand", r->path_id, before, after);
    if (st) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_brand_archive(hh_req *r)
{
    return hh_req_write(r, brand_archive_write);
}
