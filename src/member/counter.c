/*
 * counter.c — member work at the counter, in the staff app. A promoter types
 * the customer's phone, the customer reads out the SMS code, and the person is
 * registered (or recognised) and owned by that promoter — 业绩定向区隔: staff
 * never lose a customer by moving them online. Staff see their own members
 * (masked) and look anyone up by phone or member QR to serve them.
 */
#include "member/internal.h"
#include "auth/auth.h"
#include "core/phone.h"
#include "http/app.h"
#include "points/points.h"
#include "touch/touch.h"

#include <string.h>
#include <strings.h>

typedef struct {
    char phone[HH_PHONE_MAX];
    const char *code, *name;
    bool consent_sms, has_consent;
    hh_identify id;
} counter_in;

#define COUNTER_COLS                                                                                \
    "SELECT m.id, m.phone, m.name, m.gender, m.status, m.created_at, m.last_active_at,"              \
    " m.reactivated_at, m.registered_via, m.owner_staff_id, t.name AS owner_staff_name,"             \
    " m.owner_store_id, s.name AS owner_store_name, m.consent_sms AS consent_sms_bool"               \
    " FROM members m LEFT JOIN staff t ON t.id = m.owner_staff_id"                                   \
    " LEFT JOIN stores s ON s.id = m.owner_store_id"

/* Turn a COUNTER_COLS row into the masked summary counter screens show. */
static void counter_decorate(hh_req *r, const hh_lifecycle *lc, int64_t now, json_t *m)
{
    json_object_set_new(m, "lifecycle", json_string(hh_lifecycle_of(lc, now, m)));
    char masked[HH_PHONE_MAX + 8];
    hh_phone_mask(json_string_value(json_object_get(m, "phone")), masked, sizeof masked);
    json_object_set_new(m, "phone_masked", json_string(masked));
    json_object_del(m, "phone");
    json_object_set_new(m, "mine", json_boolean(r->who.staff_id &&
                                                json_integer_value(json_object_get(m, "owner_staff_id")) == r->who.staff_id));
}

/* A masked summary of one member for counter screens. */
static hh_status counter_json(hh_db *db, hh_req *r, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, COUNTER_COLS " WHERE m.id = ? AND m.enterprise_id = ?",
                             HH_A(HH_I(id), HH_I(r->who.enterprise_id)));
    if (st) return st;
    hh_lifecycle lc;
    if ((st = hh_lifecycle_load(db, r->who.enterprise_id, &lc))) {
        json_decref(*out);
        return st;
    }
    counter_decorate(r, &lc, hh_now_ms(), *out);
    return HH_OK;
}

static hh_status counter_otp_write(hh_db *tx, hh_req *r)
{
    counter_in *in = r->ud;
    return hh_otp_issue(tx, r, r->who.enterprise_id, in->phone);
}

hh_status hh_h_counter_otp(hh_req *r)
{
    static const char *const allowed[] = {"phone", NULL};
    counter_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) || (st = hh__read_mobile(r, "phone", in->phone)))
        return st;
    return hh_req_write(r, counter_otp_write);
}

static hh_status register_write(hh_db *tx, hh_req *r)
{
    counter_in *in = r->ud;
    hh_status st = hh_otp_verify(tx, r, r->who.enterprise_id, in->phone, in->code);
    if (st) return st;
    in->id = (hh_identify){.enterprise_id = r->who.enterprise_id, .phone = in->phone, .via = "counter",
                           .staff_id = r->who.staff_id, .store_id = r->who.store_id};
    if ((st = hh_member_identify(tx, &in->id))) return st;
    int64_t mid = in->id.member_id, now = hh_now_ms();
    if (in->name && *in->name)
        st = hh_db_run(tx, NULL, "UPDATE members SET name = ? WHERE id = ? AND name = ''",
                       HH_A(HH_S(in->name), HH_I(mid)));
    if (!st && in->has_consent)
        st = hh_db_run(tx, NULL,
                       "UPDATE members SET consent_sms = ?1, consent_sms_at = ?2, consent_sms_source = 'counter'"
                       " WHERE id = ?3 AND consent_sms <> ?1",
                       HH_A(HH_I(in->consent_sms), HH_I(now), HH_I(mid)));
    if (st) return st;
    json_t *m;
    if ((st = counter_json(tx, r, mid, &m))) return st;
    if ((st = hh_audit(tx, r, in->id.created ? "member.register" : "member.identify", "member", mid, NULL, m))) {
        json_decref(m);
        return st;
    }
    hh_reply(r, in->id.created ? 201 : 200,
             json_pack("{s:o, s:b, s:b}", "member", m, "created", in->id.created, "reactivated", in->id.reactivated));
    return HH_OK;
}

hh_status hh_h_counter_register(hh_req *r)
{
    static const char *const allowed[] = {"phone", "code", "name", "consent_sms", NULL};
    counter_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) || (st = hh__read_mobile(r, "phone", in->phone)) ||
        (st = hh_field_str(r, "code", true, 6, &in->code, NULL)) ||
        (st = hh_field_str(r, "name", false, 32, &in->name, NULL)) ||
        (st = hh_field_bool(r, "consent_sms", false, &in->consent_sms, &in->has_consent)))
        return st;
    if (strlen(in->code) != 6 || strspn(in->code, "0123456789") != 6)
        return hh_fail(r, HH_E_INVALID, "code", "验证码为 6 位数字", "The code has 6 digits");
    if (!r->who.staff_id)
        return hh_fail(r, HH_E_FORBIDDEN, NULL, "只有导购账号可以在柜台登记会员",
                       "Only staff accounts register members at the counter");
    return hh_req_write(r, register_write);
}

hh_status hh_h_counter_members(hh_req *r)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    if (!r->who.staff_id) return hh_fail(r, HH_E_FORBIDDEN, NULL, "只有导购账号有“我的会员”", "Only staff accounts have members");
    const char *q = hh_query(r, "q");
    if (q && !*q) q = NULL;
    hh_db *db = hh_store_reader(r->app->store);
    hh_lifecycle lc;
    if ((st = hh_lifecycle_load(db, r->who.enterprise_id, &lc))) return st;
    json_t *items;
#define MINE " WHERE m.owner_staff_id = ?1 AND m.status = 'live' AND (?2 IS NULL OR instr(m.name, ?2) > 0 OR substr(m.phone, -4) = ?2)"
    st = hh_db_query(db, &items, COUNTER_COLS MINE " ORDER BY coalesce(m.last_active_at, m.created_at) DESC LIMIT ?3 OFFSET ?4",
                     HH_A(HH_I(r->who.staff_id), HH_S(q), HH_I(limit), HH_I(offset)));
    if (st) return st;
    int64_t now = hh_now_ms();
    size_t i;
    json_t *m;
    json_array_foreach(items, i, m) counter_decorate(r, &lc, now, m);
    return hh_list_reply(r, db, items, "SELECT count(*) FROM members m" MINE, HH_A(HH_I(r->who.staff_id), HH_S(q)));
#undef MINE
}

hh_status hh_h_counter_lookup(hh_req *r)
{
    const char *phone = hh_query(r, "phone"), *code = hh_query(r, "code");
    hh_db *db = hh_store_reader(r->app->store);
    int64_t id = 0;
    hh_status st;
    if (code && *code) {
        /* the member QR reads "HHM:<code>" */
        if (!strncasecmp(code, "HHM:", 4)) code += 4;
        if (!hh_code_decode(r->app->code_key, "mb", code, &id))
            return hh_fail(r, HH_E_INVALID, "code", "会员码无效", "This member code is not valid");
    } else if (phone && *phone) {
        char e164[HH_PHONE_MAX];
        if (hh_phone_normalize(phone, "CN", true, e164) != HH_PHONE_OK)
            return hh_fail(r, HH_E_INVALID, "phone", "手机号码无效", "The phone number is not valid");
        st = hh_db_int(db, &id,
                       "SELECT coalesce(CASE WHEN status = 'merged' THEN merged_into END, id) FROM members"
                       " WHERE enterprise_id = ? AND phone = ?",
                       HH_A(HH_I(r->who.enterprise_id), HH_S(e164)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "phone", "该手机号还不是会员", "No member has this phone number");
        if (st) return st;
    } else {
        return hh_fail(r, HH_E_INVALID, "phone", "请输入手机号或扫描会员码", "Give a phone number or a member code");
    }
    json_t *m;
    st = counter_json(db, r, id, &m);
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, code ? "code" : "phone", "会员不存在", "No such member");
    if (st) return st;
    json_object_set_new(m, "points", hh_points_summary(db, id)); /* balance and level at a glance */
    hh_reply(r, 200, json_pack("{s:o}", "member", m));
    return HH_OK;
}
