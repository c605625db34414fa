/*
 * self.c — what a signed-in member manages on the member H5: profile,
 * marketing consents (with time and source), delivery addresses, and the
 * member QR that counter staff scan to know who is in front of them.
 */
#include "member/internal.h"
#include "auth/auth.h"
#include "core/phone.h"
#include "http/app.h"
#include "points/points.h"
#include "touch/touch.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_ADDRESSES 20

hh_status hh_member_self_json(hh_db *db, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out,
                             "SELECT m.id, m.enterprise_id, m.phone, m.name, m.gender, m.birthday, m.city_code,"
                             " m.status, m.registered_via, m.created_at, m.last_active_at, m.reactivated_at,"
                             " m.consent_sms AS consent_sms_bool, m.consent_sms_at, m.consent_sms_source,"
                             " m.consent_wechat AS consent_wechat_bool, m.consent_wechat_at,"
                             " m.consent_wechat_source FROM members m WHERE m.id = ?",
                             HH_A(HH_I(id)));
    if (st) return st;
    json_t *m = *out;
    hh_lifecycle lc;
    if ((st = hh_lifecycle_load(db, json_integer_value(json_object_get(m, "enterprise_id")), &lc))) return st;
    json_object_set_new(m, "lifecycle", json_string(hh_lifecycle_of(&lc, hh_now_ms(), m)));
    char masked[HH_PHONE_MAX + 8];
    hh_phone_mask(json_string_value(json_object_get(m, "phone")), masked, sizeof masked);
    json_object_set_new(m, "phone_masked", json_string(masked));
    json_object_del(m, "phone"); /* the H5 shows the masked form only */
    json_object_set_new(m, "consents",
                        json_pack("{s:{s:O, s:O, s:O}, s:{s:O, s:O, s:O}}", "sms", "granted",
                                  json_object_get(m, "consent_sms"), "at", json_object_get(m, "consent_sms_at"),
                                  "source", json_object_get(m, "consent_sms_source"), "wechat", "granted",
                                  json_object_get(m, "consent_wechat"), "at",
                                  json_object_get(m, "consent_wechat_at"), "source",
                                  json_object_get(m, "consent_wechat_source")));
    static const char *const flat[] = {"consent_sms", "consent_sms_at", "consent_sms_source", "consent_wechat",
                                       "consent_wechat_at", "consent_wechat_source", NULL};
    for (const char *const *k = flat; *k; k++) json_object_del(m, *k);
    return HH_OK;
}

hh_status hh_h_member_me(hh_req *r)
{
    json_t *m;
    hh_status st = hh_member_self_json(hh_store_reader(r->app->store), r->who.id, &m);
    if (st) return st;
    char code[HH_CODE_MAX];
    hh_code_encode(r->app->code_key, "mb", r->who.id, code);
    hh_reply(r, 200, json_pack("{s:o, s:s}", "member", m, "member_code", code));
    return HH_OK;
}

/* ---- profile ---- */

static bool valid_date(const char *s)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] &&
           !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

hh_status hh__read_profile(hh_req *r, hh__profile *in)
{
    hh_status st;
    if ((st = hh_field_str(r, "name", false, 32, &in->name, &in->has_name)) ||
        (st = hh_field_str(r, "gender", false, 8, &in->gender, &in->has_gender)) ||
        (st = hh_field_str(r, "birthday", false, 10, &in->birthday, &in->has_birthday)) ||
        (st = hh_field_str(r, "city_code", false, 6, &in->city_code, &in->has_city)))
        return st;
    if (in->has_gender && strcmp(in->gender, "male") && strcmp(in->gender, "female") && strcmp(in->gender, "unknown"))
        return hh_fail(r, HH_E_INVALID, "gender", "性别须为 male、female 或 unknown",
                       "gender must be male, female or unknown");
    if (in->has_birthday && *in->birthday) {
        if (!valid_date(in->birthday))
            return hh_fail(r, HH_E_INVALID, "birthday", "生日格式须为 YYYY-MM-DD", "birthday must be a date YYYY-MM-DD");
        char today[11];
        time_t t = (time_t)(hh_now_ms() / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(today, sizeof today, "%Y-%m-%d", &tm);
        if (strcmp(in->birthday, today) > 0)
            return hh_fail(r, HH_E_INVALID, "birthday", "生日不能晚于今天", "birthday cannot be in the future");
    }
    if (in->has_city && *in->city_code) {
        const char *c, *p;
        if (hh_division_city(r->app, in->city_code, &c, &p) != HH_OK)
            return hh_fail(r, HH_E_INVALID, "city_code", "城市代码无效", "Unknown city code");
    }
    if (!in->has_name && !in->has_gender && !in->has_birthday && !in->has_city)
        return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    return HH_OK;
}

hh_status hh__write_profile(hh_db *tx, int64_t member_id, const hh__profile *in)
{
    return hh_db_run(tx, NULL,
                     "UPDATE members SET name = coalesce(?, name), gender = coalesce(?, gender),"
                     " birthday = CASE WHEN ? THEN ? ELSE birthday END,"
                     " city_code = CASE WHEN ? THEN ? ELSE city_code END, updated_at = ? WHERE id = ?",
                     HH_A(HH_S(in->has_name ? in->name : NULL), HH_S(in->has_gender ? in->gender : NULL),
                          HH_I(in->has_birthday), HH_S(in->has_birthday && *in->birthday ? in->birthday : NULL),
                          HH_I(in->has_city), HH_S(in->has_city && *in->city_code ? in->city_code : NULL),
                          HH_I(hh_now_ms()), HH_I(member_id)));
}

static hh_status me_update_write(hh_db *tx, hh_req *r)
{
    hh_status st = hh__write_profile(tx, r->who.id, r->ud);
    json_t *m;
    int64_t points = 0; /* the profile-completion award (once), src/points/rules.c */
    if (st || (st = hh_event(tx, r->who.enterprise_id, "member.profile_updated", r->who.id, 0, 0, 0, 0, NULL, NULL)) ||
        (st = hh_points_on_profile(tx, r->who.enterprise_id, r->who.id, &points)) ||
        (st = hh_member_self_json(tx, r->who.id, &m)))
        return st;
    hh_reply(r, 200, json_pack("{s:o, s:I}", "member", m, "points_awarded", (json_int_t)points));
    return HH_OK;
}

hh_status hh_h_member_update(hh_req *r)
{
    static const char *const allowed[] = {"name", "gender", "birthday", "city_code", NULL};
    hh__profile *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) || (st = hh__read_profile(r, in))) return st;
    return hh_req_write(r, me_update_write);
}

/* ---- consents ---- */

static hh_status consents_write(hh_db *tx, hh_req *r)
{
    hh__profile *in = r->ud;
    int64_t now = hh_now_ms();
    hh_status st = hh_db_run(
        tx, NULL,
        "UPDATE members SET"
        " consent_sms_at = CASE WHEN ?1 AND consent_sms <> ?2 THEN ?5 ELSE consent_sms_at END,"
        " consent_sms_source = CASE WHEN ?1 AND consent_sms <> ?2 THEN ?6 ELSE consent_sms_source END,"
        " consent_sms = CASE WHEN ?1 THEN ?2 ELSE consent_sms END,"
        " consent_wechat_at = CASE WHEN ?3 AND consent_wechat <> ?4 THEN ?5 ELSE consent_wechat_at END,"
        " consent_wechat_source = CASE WHEN ?3 AND consent_wechat <> ?4 THEN ?6 ELSE consent_wechat_source END,"
        " consent_wechat = CASE WHEN ?3 THEN ?4 ELSE consent_wechat END, updated_at = ?5 WHERE id = ?7",
        HH_A(HH_I(in->has_sms), HH_I(in->sms), HH_I(in->has_wechat), HH_I(in->wechat), HH_I(now), HH_S(in->source),
             HH_I(r->who.id)));
    json_t *props = json_pack("{s:O?, s:O?}", "sms", in->has_sms ? json_boolean(in->sms) : NULL, "wechat",
                              in->has_wechat ? json_boolean(in->wechat) : NULL);
    hh_req_own(r, props);
    json_t *m;
    if (st || (st = hh_event(tx, r->who.enterprise_id, "member.consent_changed", r->who.id, 0, 0, 0, 0, NULL, props)) ||
        (st = hh_member_self_json(tx, r->who.id, &m)))
        return st;
    hh_reply(r, 200, json_pack("{s:o}", "member", m));
    return HH_OK;
}

hh_status hh_h_member_consents(hh_req *r)
{
    static const char *const allowed[] = {"sms", "wechat", NULL};
    hh__profile *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    in->source = "h5";
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_bool(r, "sms", false, &in->sms, &in->has_sms)) ||
        (st = hh_field_bool(r, "wechat", false, &in->wechat, &in->has_wechat)))
        return st;
    if (!in->has_sms && !in->has_wechat)
        return hh_fail(r, HH_E_INVALID, NULL, "请至少设置 sms 或 wechat", "Give sms or wechat");
    return hh_req_write(r, consents_write);
}

/* ---- addresses ---- */

typedef struct {
    const char *name, *phone, *province, *city, *district, *detail;
    char e164[HH_PHONE_MAX];
    bool is_default, has_default;
    bool has[6];
} addr_in;

#define ADDR_COLS                                                                                  \
    "SELECT id, name, phone, province, city, district, detail, is_default AS is_default_bool,"     \
    " created_at, updated_at FROM member_addresses"

hh_status hh_h_member_addresses(hh_req *r)
{
    json_t *items;
    hh_status st = hh_db_query(hh_store_reader(r->app->store), &items,
                               ADDR_COLS " WHERE member_id = ? ORDER BY is_default DESC, id", HH_A(HH_I(r->who.id)));
    if (st) return st;
    hh_reply(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items)));
    return HH_OK;
}

static hh_status read_addr(hh_req *r, addr_in *in, bool create)
{
    static const char *const allowed[] = {"name", "phone", "province", "city", "district", "detail", "is_default", NULL};
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "name", create, 32, &in->name, &in->has[0])) ||
        (st = hh_field_str(r, "phone", create, 32, &in->phone, &in->has[1])) ||
        (st = hh_field_str(r, "province", false, 32, &in->province, &in->has[2])) ||
        (st = hh_field_str(r, "city", false, 32, &in->city, &in->has[3])) ||
        (st = hh_field_str(r, "district", false, 32, &in->district, &in->has[4])) ||
        (st = hh_field_str(r, "detail", create, 200, &in->detail, &in->has[5])) ||
        (st = hh_field_bool(r, "is_default", false, &in->is_default, &in->has_default)))
        return st;
    if (in->has[1]) {
        if (hh_phone_normalize(in->phone, "CN", true, in->e164) != HH_PHONE_OK)
            return hh_fail(r, HH_E_INVALID, "phone", "收件人手机号码无效", "The recipient's mobile number is not valid");
        in->phone = in->e164;
    }
    if (in->has[0] && !*in->name) return hh_fail(r, HH_E_INVALID, "name", "收件人不能为空", "The recipient is required");
    if (in->has[5] && !*in->detail)
        return hh_fail(r, HH_E_INVALID, "detail", "详细地址不能为空", "The street address is required");
    bool any = in->has_default;
    for (int i = 0; i < 6; i++) any |= in->has[i];
    if (!any) return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    return HH_OK;
}

static hh_status addr_reply(hh_db *tx, hh_req *r, int64_t id, int status)
{
    json_t *a;
    hh_status st = hh_db_one(tx, &a, ADDR_COLS " WHERE id = ?", HH_A(HH_I(id)));
    if (st) return st;
    hh_reply(r, status, a);
    return HH_OK;
}

static hh_status clear_default(hh_db *tx, hh_req *r, addr_in *in)
{
    if (!in->has_default || !in->is_default) return HH_OK;
    return hh_db_run(tx, NULL, "UPDATE member_addresses SET is_default = 0 WHERE member_id = ?", HH_A(HH_I(r->who.id)));
}

static hh_status addr_create_write(hh_db *tx, hh_req *r)
{
    addr_in *in = r->ud;
    int64_t n = 0, now = hh_now_ms();
    hh_status st = hh_db_int(tx, &n, "SELECT count(*) FROM member_addresses WHERE member_id = ?", HH_A(HH_I(r->who.id)));
    if (st) return st;
    if (n >= MAX_ADDRESSES)
        return hh_fail(r, HH_E_UNPROCESSABLE, NULL, "最多保存 20 个地址", "At most 20 addresses");
    if ((st = clear_default(tx, r, in))) return st;
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO member_addresses (member_id, name, phone, province, city, district, detail,"
                   " is_default, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   HH_A(HH_I(r->who.id), HH_S(in->name), HH_S(in->phone), HH_S(in->province ? in->province : ""),
                        HH_S(in->city ? in->city : ""), HH_S(in->district ? in->district : ""), HH_S(in->detail),
                        HH_I(in->is_default || n == 0), HH_I(now), HH_I(now)));
    if (st) return st;
    return addr_reply(tx, r, res.last_id, 201);
}

hh_status hh_h_member_address_create(hh_req *r)
{
    addr_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_addr(r, in, true);
    if (st) return st;
    return hh_req_write(r, addr_create_write);
}

static hh_status own_address(hh_db *db, hh_req *r)
{
    int64_t owner = 0;
    hh_status st = hh_db_int(db, &owner, "SELECT member_id FROM member_addresses WHERE id = ?", HH_A(HH_I(r->path_id)));
    if (st == HH_E_NOT_FOUND || (st == HH_OK && owner != r->who.id))
        return hh_fail(r, HH_E_NOT_FOUND, "id", "地址不存在", "No such address");
    return st;
}

static hh_status addr_update_write(hh_db *tx, hh_req *r)
{
    addr_in *in = r->ud;
    hh_status st = own_address(tx, r);
    if (st || (st = clear_default(tx, r, in))) return st;
    st = hh_db_run(tx, NULL,
                   "UPDATE member_addresses SET name = coalesce(?, name), phone = coalesce(?, phone),"
                   " province = coalesce(?, province), city = coalesce(?, city), district = coalesce(?, district),"
                   " detail = coalesce(?, detail), is_default = coalesce(?, is_default), updated_at = ? WHERE id = ?",
                   HH_A(HH_S(in->has[0] ? in->name : NULL), HH_S(in->has[1] ? in->phone : NULL),
                        HH_S(in->has[2] ? in->province : NULL), HH_S(in->has[3] ? in->city : NULL),
                        HH_S(in->has[4] ? in->district : NULL), HH_S(in->has[5] ? in->detail : NULL),
                        in->has_default ? HH_I(in->is_default) : HH_NULL, HH_I(hh_now_ms()), HH_I(r->path_id)));
    if (st) return st;
    return addr_reply(tx, r, r->path_id, 200);
}

hh_status hh_h_member_address_update(hh_req *r)
{
    addr_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_addr(r, in, false);
    if (st) return st;
    return hh_req_write(r, addr_update_write);
}

static hh_status addr_delete_write(hh_db *tx, hh_req *r)
{
    hh_status st = own_address(tx, r);
    if (st) return st;
    return hh_db_run(tx, NULL, "DELETE FROM member_addresses WHERE id = ?", HH_A(HH_I(r->path_id)));
}

hh_status hh_h_member_address_delete(hh_req *r)
{
    return hh_req_write(r, addr_delete_write);
}

/* ---- member QR ---- */

hh_status hh_h_member_qr(hh_req *r)
{
    char code[HH_CODE_MAX];
    hh_code_encode(r->app->code_key, "mb", r->who.id, code);
    size_t len;
    char *svg = hh_qr_svg(hh_sprintf(r->arena, "HHM:%s", code), 8, NULL, &len);
    if (!svg) return HH_E_NOMEM;
    hh_reply_raw(r, 200, "image/svg+xml", svg, len);
    return HH_OK;
}
