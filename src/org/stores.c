/*
 * stores.c — stores (counters) and the brands each serves. A counter code is
 * unique in the enterprise; the city is a GB/T 2260 city code whose names are
 * filled in from the division table. A brand manager may only create or change
 * stores all of whose brands it manages.
 */
#include "auth/auth.h"
#include "core/phone.h"
#include "http/app.h"
#include "org/org.h"

#include <ctype.h>
#include <string.h>

#define STORE_COLS                                                                              \
    "SELECT s.id, s.name, s.retailer, s.city_code, s.city, s.province, s.address,"             \
    " s.counter_code, s.phone, (SELECT json_group_array(sb.brand_id) FROM store_brands sb"     \
    " WHERE sb.store_id = s.id) AS brand_ids_json, (SELECT json_group_array(json_object('id',"  \
    " b.id, 'name', b.name)) FROM store_brands sb JOIN brands b ON b.id = sb.brand_id WHERE"    \
    " sb.store_id = s.id) AS brands_json, (SELECT count(*) FROM staff t WHERE t.store_id ="    \
    " s.id AND t.archived_at IS NULL) AS staff_count, s.created_at, s.updated_at,"             \
    " s.archived_at FROM stores s"

static hh_status store_get(hh_db *db, int64_t id, json_t **out)
{
    return hh_db_one(db, out, STORE_COLS " WHERE s.id = ?", HH_A(HH_I(id)));
}

hh_status hh_h_stores_list(hh_req *r)
{
    int64_t limit, offset, brand_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "brand_id", &brand_id)))
        return st;
    const char *q = hh_query(r, "q"), *city = hh_query(r, "city_code");
    if (q && !*q) q = NULL;
    if (city && !*city) city = NULL;
    bool all = hh_query_flag(r, "include_archived");
    hh_db *db = hh_store_reader(r->app->store);
#define STORE_WHERE                                                                              \
    " WHERE s.enterprise_id = ?1 AND " HH_SCOPE_STORE_ID("s.id") " AND (?5 = 1 OR"              \
    " s.archived_at IS NULL) AND (?6 IS NULL OR instr(s.name, ?6) > 0 OR instr(s.retailer, ?6)" \
    " > 0 OR instr(s.counter_code, ?6) > 0 OR instr(s.address, ?6) > 0) AND (?7 IS NULL OR"    \
    " s.city_code = ?7) AND (?8 = 0 OR EXISTS (SELECT 1 FROM store_brands x WHERE x.store_id =" \
    " s.id AND x.brand_id = ?8))"
    json_t *items;
    st = hh_db_query(db, &items, STORE_COLS STORE_WHERE " ORDER BY s.id LIMIT ?9 OFFSET ?10",
                     HH_A(HH_SCOPE_ARGS(r), HH_I(all), HH_S(q), HH_S(city), HH_I(brand_id),
                          HH_I(limit), HH_I(offset)));
    if (st) return st;
    return hh_list_reply(r, db, items, "SELECT count(*) FROM stores s" STORE_WHERE,
                          HH_A(HH_SCOPE_ARGS(r), HH_I(all), HH_S(q), HH_S(city), HH_I(brand_id)));
#undef STORE_WHERE
}

hh_status hh_h_store_get(hh_req *r)
{
    json_t *s;
    hh_status st = store_get(hh_store_reader(r->app->store), r->path_id, &s);
    if (st) return st;
    hh_reply(r, 200, s);
    return HH_OK;
}

typedef struct {
    const char *name, *retailer, *city_code, *address, *counter_code, *phone;
    const char *city, *province;
    char phone_e164[HH_PHONE_MAX];
    bool has_name, has_retailer, has_city, has_address, has_counter, has_phone, has_brands;
    int64_t brands[HH_MAX_SCOPE_BRANDS];
    int nbrands;
} store_in;

static hh_status read_store(hh_req *r, store_in *in, bool create)
{
    static const char *const allowed[] = {"name",         "retailer", "city_code", "address",
                                          "counter_code", "phone",    "brand_ids", NULL};
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "name", create, 64, &in->name, &in->has_name)) ||
        (st = hh_field_str(r, "retailer", create, 64, &in->retailer, &in->has_retailer)) ||
        (st = hh_field_str(r, "city_code", create, 6, &in->city_code, &in->has_city)) ||
        (st = hh_field_str(r, "address", false, 200, &in->address, &in->has_address)) ||
        (st = hh_field_str(r, "counter_code", create, 32, &in->counter_code, &in->has_counter)) ||
        (st = hh_field_str(r, "phone", false, 32, &in->phone, &in->has_phone)) ||
        (st = hh_field_ids(r, "brand_ids", create, HH_MAX_SCOPE_BRANDS, in->brands, &in->nbrands,
                           &in->has_brands)))
        return st;
    if (in->has_name && !*in->name)
        return hh_fail(r, HH_E_INVALID, "name", "门店名称不能为空", "The store name must not be empty");
    if (in->has_retailer && !*in->retailer)
        return hh_fail(r, HH_E_INVALID, "retailer", "零售商不能为空", "The retailer must not be empty");
    if (in->has_city) {
        bool digits = strlen(in->city_code) == 6;
        for (const char *p = in->city_code; *p; p++) digits &= isdigit((unsigned char)*p) != 0;
        if (!digits || hh_division_city(r->app, in->city_code, &in->city, &in->province) != HH_OK)
            return hh_fail(r, HH_E_INVALID, "city_code", "城市代码无效（须为 GB/T 2260 城市代码，如 310100）",
                           "Unknown city code (a GB/T 2260 city code such as 310100)");
    }
    if (in->has_counter) {
        if (!*in->counter_code)
            return hh_fail(r, HH_E_INVALID, "counter_code", "专柜编码不能为空",
                           "The counter code must not be empty");
        for (const char *p = in->counter_code; *p; p++)
            if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
                return hh_fail(r, HH_E_INVALID, "counter_code", "专柜编码只能包含字母、数字、- 和 _",
                               "The counter code may contain only letters, digits, - and _");
    }
    if (in->has_phone && *in->phone) {
        if (hh_phone_normalize(in->phone, "CN", false, in->phone_e164) != HH_PHONE_OK)
            return hh_fail(r, HH_E_INVALID, "phone", "门店电话号码无效", "The store phone number is not valid");
        in->phone = in->phone_e164;
    }
    if (in->has_brands && in->nbrands == 0)
        return hh_fail(r, HH_E_INVALID, "brand_ids", "请至少选择一个品牌", "Choose at least one brand");
    if (!create && !in->has_name && !in->has_retailer && !in->has_city && !in->has_address &&
        !in->has_counter && !in->has_phone && !in->has_brands)
        return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    if (in->has_brands) {
        hh_scope s = {.enterprise_id = r->who.enterprise_id, .object = true, .nbrands = in->nbrands};
        memcpy(s.brands, in->brands, sizeof(int64_t) * (size_t)in->nbrands);
        st = hh_authz(&r->who, HH_ACT_STORE_WRITE, &s);
        if (st == HH_E_FORBIDDEN)
            return hh_fail(r, st, "brand_ids", "只能选择您管理的品牌", "You can only choose brands you manage");
    }
    return HH_OK;
}

/* Inside the write: the brands must exist in this enterprise and be live. */
static hh_status set_brands(hh_db *tx, hh_req *r, int64_t store_id, const store_in *in)
{
    for (int i = 0; i < in->nbrands; i++) {
        int64_t ok = 0;
        hh_status st = hh_db_int(tx, &ok,
                                 "SELECT count(*) FROM brands WHERE id = ? AND enterprise_id = ?"
                                 " AND archived_at IS NULL",
                                 HH_A(HH_I(in->brands[i]), HH_I(r->who.enterprise_id)));
        if (st) return st;
        if (!ok)
            return hh_fail(r, HH_E_INVALID, "brand_ids",
                           hh_sprintf(r->arena, "品牌 %lld 不存在或已归档", (long long)in->brands[i]),
                           hh_sprintf(r->arena, "Brand %lld does not exist or is archived",
                                      (long long)in->brands[i]));
    }
    hh_status st = hh_db_run(tx, NULL, "DELETE FROM store_brands WHERE store_id = ?", HH_A(HH_I(store_id)));
    for (int i = 0; i < in->nbrands && !st; i++)
        st = hh_db_run(tx, NULL, "INSERT INTO store_brands (store_id, brand_id) VALUES (?, ?)",
                       HH_A(HH_I(store_id), HH_I(in->brands[i])));
    return st;
}

static hh_status counter_taken(hh_req *r)
{
    return hh__conflict(r, "counter_code", "该专柜编码已被其他门店使用",
                        "This counter code is already used by another store");
}

static hh_status store_create_write(hh_db *tx, hh_req *r)
{
    store_in *in = r->ud;
    int64_t now = hh_now_ms();
    hh_result res;
    hh_status st = hh_db_run(
        tx, &res,
        "INSERT INTO stores (enterprise_id, name, retailer, city_code, city, province, address,"
        " counter_code, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        HH_A(HH_I(r->who.enterprise_id), HH_S(in->name), HH_S(in->retailer), HH_S(in->city_code),
             HH_S(in->city), HH_S(in->province), HH_S(in->address ? in->address : ""),
             HH_S(in->counter_code), HH_S(in->phone && *in->phone ? in->phone : NULL), HH_I(now),
             HH_I(now)));
    if (st == HH_E_CONFLICT) return counter_taken(r);
    if (st || (st = set_brands(tx, r, res.last_id, in))) return st;
    json_t *s;
    if ((st = store_get(tx, res.last_id, &s))) return st;
    st = hh_audit(tx, r, "store.create", "store", res.last_id, NULL, s);
    if (st) {
        json_decref(s);
        return st;
    }
    hh_reply(r, 201, s);
    return HH_OK;
}

hh_status hh_h_store_create(hh_req *r)
{
    store_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_store(r, in, true);
    if (st) return st;
    return hh_req_write(r, store_create_write);
}

static hh_status store_update_write(hh_db *tx, hh_req *r)
{
    r->auth_changed = true;
    store_in *in = r->ud;
    json_t *before, *after;
    hh_status st = store_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    const char *phone = in->has_phone ? (*in->phone ? in->phone : NULL)
                                      : json_string_value(json_object_get(before, "phone"));
    st = hh_db_run(tx, NULL,
                   "UPDATE stores SET name = coalesce(?, name), retailer = coalesce(?, retailer),"
                   " city_code = coalesce(?, city_code), city = coalesce(?, city),"
                   " province = coalesce(?, province), address = coalesce(?, address),"
                   " counter_code = coalesce(?, counter_code), phone = ?, updated_at = ?"
                   " WHERE id = ?",
                   HH_A(HH_S(in->has_name ? in->name : NULL), HH_S(in->has_retailer ? in->retailer : NULL),
                        HH_S(in->has_city ? in->city_code : NULL), HH_S(in->has_city ? in->city : NULL),
                        HH_S(in->has_city ? in->province : NULL),
                        HH_S(in->has_address ? in->address : NULL),
                        HH_S(in->has_counter ? in->counter_code : NULL), HH_S(phone),
                        HH_I(hh_now_ms()), HH_I(r->path_id)));
    if (st == HH_E_CONFLICT) return counter_taken(r);
    if (st) return st;
    if (in->has_brands && (st = set_brands(tx, r, r->path_id, in))) return st;
    if ((st = store_get(tx, r->path_id, &after))) return st;
    st = hh_audit(tx, r, "store.update", "store", r->path_id, before, after);
    if (st) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_store_update(hh_req *r)
{
    store_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_store(r, in, false);
    if (st) return st;
    return hh_req_write(r, store_update_write);
}

static hh_status store_archive_write(hh_db *tx, hh_req *r)
{
    json_t *before, *after;
    hh_status st = store_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    if (!json_is_null(json_object_get(before, "archived_at")))
        return hh_fail(r, HH_E_CONFLICT, NULL, "该门店已归档", "This store is already archived");
    if (json_integer_value(json_object_get(before, "staff_count")) > 0)
        return hh_fail(r, HH_E_CONFLICT, NULL, "门店仍有在职员工，请先调岗或归档员工",
                       "The store still has staff; move or archive them first");
    int64_t now = hh_now_ms();
    st = hh_db_run(tx, NULL, "UPDATE stores SET archived_at = ?, updated_at = ? WHERE id = ?",
                   HH_A(HH_I(now), HH_I(now), HH_I(r->path_id)));
    if (st || (st = store_get(tx, r->path_id, &after))) return st;
    st = hh_audit(tx, r, "store.archive", "store", r->path_id, before, after);
    if (st) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_store_archive(hh_req *r)
{
    return hh_req_write(r, store_archive_write);
}
