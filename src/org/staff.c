/*
 * staff.c — counter staff (导购/BA) of a store. A staff member belongs to one
 * store; the employee number is unique in the enterprise when given. Phone
 * numbers are mobile numbers in E.164 and are shown masked beside the full one
 * to those who may read the staff record.
 */
#include "auth/auth.h"
#include "core/phone.h"
#include "http/app.h"
#include "org/org.h"

#include <string.h>

#define STAFF_COLS                                                                               \
    "SELECT t.id, t.name, t.phone, t.employee_no, t.title, t.store_id, s.name AS store_name,"   \
    " (SELECT a.id FROM accounts a WHERE a.staff_id = t.id) AS account_id, t.created_at,"       \
    " t.updated_at, t.archived_at FROM staff t JOIN stores s ON s.id = t.store_id"

static void add_masks(json_t *row)
{
    const char *phone = json_string_value(json_object_get(row, "phone"));
    char masked[HH_PHONE_MAX + 8] = "";
    if (phone) hh_phone_mask(phone, masked, sizeof masked);
    json_object_set_new(row, "phone_masked", phone ? json_string(masked) : json_null());
}

static hh_status staff_get(hh_db *db, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, STAFF_COLS " WHERE t.id = ?", HH_A(HH_I(id)));
    if (st == HH_OK) add_masks(*out);
    return st;
}

hh_status hh_h_staff_list(hh_req *r)
{
    int64_t limit, offset, store_id, brand_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "store_id", &store_id)) ||
        (st = hh_query_id(r, "brand_id", &brand_id)))
        return st;
    const char *q = hh_query(r, "q");
    if (q && !*q) q = NULL;
    bool all = hh_query_flag(r, "include_archived");
    hh_db *db = hh_store_reader(r->app->store);
#define STAFF_WHERE                                                                              \
    " WHERE t.enterprise_id = ?1 AND " HH_SCOPE_STORE_ID("t.store_id") " AND (?5 = 1 OR"        \
    " t.archived_at IS NULL) AND (?6 IS NULL OR instr(t.name, ?6) > 0 OR instr(t.employee_no," \
    " ?6) > 0 OR instr(t.phone, ?6) > 0) AND (?7 = 0 OR t.store_id = ?7) AND (?8 = 0 OR EXISTS" \
    " (SELECT 1 FROM store_brands x WHERE x.store_id = t.store_id AND x.brand_id = ?8))"
    json_t *items;
    st = hh_db_query(db, &items, STAFF_COLS STAFF_WHERE " ORDER BY t.id LIMIT ?9 OFFSET ?10",
                     HH_A(HH_SCOPE_ARGS(r), HH_I(all), HH_S(q), HH_I(store_id), HH_I(brand_id),
                          HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row) add_masks(row);
    return hh_list_reply(r, db, items, "SELECT count(*) FROM staff t" STAFF_WHERE,
                          HH_A(HH_SCOPE_ARGS(r), HH_I(all), HH_S(q), HH_I(store_id), HH_I(brand_id)));
#undef STAFF_WHERE
}

hh_status hh_h_staff_get(hh_req *r)
{
    json_t *s;
    hh_status st = staff_get(hh_store_reader(r->app->store), r->path_id, &s);
    if (st) return st;
    hh_reply(r, 200, s);
    return HH_OK;
}

typedef struct {
    const char *name, *phone, *employee_no, *title;
    char phone_e164[HH_PHONE_MAX];
    int64_t store_id;
    bool has_name, has_phone, has_no, has_title, has_store;
} staff_in;

static hh_status read_staff(hh_req *r, staff_in *in, bool create)
{
    static const char *const allowed[] = {"name", "phone", "employee_no", "title", "store_id", NULL};
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "name", create, 32, &in->name, &in->has_name)) ||
        (st = hh_field_str(r, "phone", false, 32, &in->phone, &in->has_phone)) ||
        (st = hh_field_str(r, "employee_no", false, 32, &in->employee_no, &in->has_no)) ||
        (st = hh_field_str(r, "title", false, 32, &in->title, &in->has_title)) ||
        (st = hh_field_int(r, "store_id", create, 1, INT64_MAX, &in->store_id, &in->has_store)))
        return st;
    if (in->has_name && !*in->name)
        return hh_fail(r, HH_E_INVALID, "name", "姓名不能为空", "The name must not be empty");
    if (in->has_phone && *in->phone) {
        hh_phone_result pr = hh_phone_normalize(in->phone, "CN", true, in->phone_e164);
        if (pr == HH_PHONE_NOT_MOBILE)
            return hh_fail(r, HH_E_INVALID, "phone", "请填写手机号码（不支持座机）",
                           "Please give a mobile number (not a landline)");
        if (pr != HH_PHONE_OK)
            return hh_fail(r, HH_E_INVALID, "phone", "手机号码无效", "The phone number is not valid");
        in->phone = in->phone_e164;
    }
    if (!create && !in->has_name && !in->has_phone && !in->has_no && !in->has_title && !in->has_store)
        return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    if (in->has_store) {
        /* the new store must exist in this enterprise and be within scope */
        hh_scope s;
        st = hh_scope_load(hh_store_reader(r->app->store), HH_T_STORE, in->store_id, &s);
        if (st == HH_E_NOT_FOUND || (st == HH_OK && s.enterprise_id != r->who.enterprise_id))
            return hh_fail(r, HH_E_INVALID, "store_id", "门店不存在", "No such store");
        if (st) return st;
        if (hh_authz(&r->who, HH_ACT_STAFF_WRITE, &s) != HH_OK)
            return hh_fail(r, HH_E_FORBIDDEN, "store_id", "该门店不在您的管辖范围内",
                           "This store is outside your scope");
    }
    return HH_OK;
}

static hh_status staff_conflict(hh_req *r)
{
    return hh__conflict(r, "employee_no", "该工号已被使用", "This employee number is already in use");
}

static hh_status check_store_live(hh_db *tx, hh_req *r, int64_t store_id)
{
    int64_t live = 0;
    hh_status st = hh_db_int(tx, &live, "SELECT count(*) FROM stores WHERE id = ? AND archived_at IS NULL",
                             HH_A(HH_I(store_id)));
    if (st) return st;
    if (!live) return hh_fail(r, HH_E_INVALID, "store_id", "该门店已归档", "This store is archived");
    return HH_OK;
}

static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

static hh_status staff_create_write(hh_db *tx, hh_req *r)
{
    staff_in *in = r->ud;
    hh_status st = check_store_live(tx, r, in->store_id);
    if (st) return st;
    int64_t now = hh_now_ms();
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO staff (enterprise_id, store_id, name, phone, employee_no, title,"
                   " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_I(in->store_id), HH_S(in->name),
                        HH_S(opt(in->phone)), HH_S(opt(in->employee_no)),
                        HH_S(in->title ? in->title : ""), HH_I(now), HH_I(now)));
    if (st == HH_E_CONFLICT) return staff_conflict(r);
    json_t *s;
    if (st || (st = staff_get(tx, res.last_id, &s))) return st;
    st = hh_audit(tx, r, "staff.create", "staff", res.last_id, NULL, s);
    if (st) {
        json_decref(s);
        return st;
    }
    hh_reply(r, 201, s);
    return HH_OK;
}

hh_status hh_h_staff_create(hh_req *r)
{
    staff_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_staff(r, in, true);
    if (st) return st;
    return hh_req_write(r, staff_create_write);
}

static hh_status staff_update_write(hh_db *tx, hh_req *r)
{
    r->auth_changed = true;
    staff_in *in = r->ud;
    json_t *before, *after;
    hh_status st = staff_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    if (in->has_store && (st = check_store_live(tx, r, in->store_id))) return st;
    const char *phone = in->has_phone ? opt(in->phone) : json_string_value(json_object_get(before, "phone"));
    const char *no = in->has_no ? opt(in->employee_no)
                                : json_string_value(json_object_get(before, "employee_no"));
    st = hh_db_run(tx, NULL,
                   "UPDATE staff SET name = coalesce(?, name), phone = ?, employee_no = ?,"
                   " title = coalesce(?, title), store_id = coalesce(?, store_id), updated_at = ?"
                   " WHERE id = ?",
                   HH_A(HH_S(in->has_name ? in->name : NULL), HH_S(phone), HH_S(no),
                        HH_S(in->has_title ? in->title : NULL), in->has_store ? HH_I(in->store_id) : HH_NULL,
                        HH_I(hh_now_ms()), HH_I(r->path_id)));
    if (st == HH_E_CONFLICT) return staff_conflict(r);
    if (st || (st = staff_get(tx, r->path_id, &after))) return st;
    st = hh_audit(tx, r, "staff.update", "staff", r->path_id, before, after);
    if (st) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_staff_update(hh_req *r)
{
    staff_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_staff(r, in, false);
    if (st) return st;
    return hh_req_write(r, staff_update_write);
}

static hh_status staff_archive_write(hh_db *tx, hh_req *r)
{
    r->auth_changed = true;
    json_t *before, *after;
    hh_status st = staff_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    if (!json_is_null(json_object_get(before, "archived_at")))
        return hh_fail(r, HH_E_CONFLICT, NULL, "该员工已归档", "This staff member is already archived");
    int64_t now = hh_now_ms();
    st = hh_db_run(tx, NULL, "UPDATE staff SET archived_at = ?, updated_at = ? WHERE id = ?",
                   HH_A(HH_I(now), HH_I(now), HH_I(r->path_id)));
    /* the staff member's login stops working with the record */
    if (!st)
        st = hh_db_run(tx, NULL,
                       "DELETE FROM sessions WHERE kind = 'account' AND subject_id IN"
                       " (SELECT id FROM accounts WHERE staff_id = ?)",
                       HH_A(HH_I(r->path_id)));
    if (st || (st = staff_get(tx, r->path_id, &after))) return st;
    st = hh_audit(tx, r, "staff.archive", "staff", r->path_id, before, after);
    if (st) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_staff_archive(hh_req *r)
{
    return hh_req_write(r, staff_archive_write);
}
