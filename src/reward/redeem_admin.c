/*
 * redeem_admin.c — redemptions as lists (today's at the counter, the admin
 * console's with filters and totals), the enterprise's undo window, and the
 * demo's counter coupons.
 */
#include "reward/redeem_internal.h"
#include "auth/auth.h"
#include "core/localtime.h"
#include "http/app.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define UNDO_KEY HH_REDEEM_UNDO_KEY
#define UNDO_MAX HH_REDEEM_UNDO_MAX

int64_t hh__undo_minutes_of(const char *value)
{
    int64_t x;
    return value && hh_parse_i64(value, &x) && x >= 0 && x <= UNDO_MAX ? x : HH_REDEEM_UNDO_MINUTES;
}

int64_t hh_redeem_undo_minutes(hh_db *db, int64_t enterprise_id)
{
    json_t *row = NULL;
    int64_t v = HH_REDEEM_UNDO_MINUTES;
    if (hh_db_one(db, &row, "SELECT value FROM enterprise_settings WHERE enterprise_id = ? AND key = ?",
                  HH_A(HH_I(enterprise_id), HH_S(UNDO_KEY))) == HH_OK)
        v = hh__undo_minutes_of(json_string_value(json_object_get(row, "value")));
    json_decref(row);
    return v;
}

hh_status hh_h_redemption_settings_get(hh_req *r)
{
    int64_t m = hh_redeem_undo_minutes(hh_store_reader(r->app->store), r->who.enterprise_id);
    hh_reply(r, 200, json_pack("{s:I, s:i}", "undo_minutes", (json_int_t)m, "undo_minutes_max", UNDO_MAX));
    return HH_OK;
}

static hh_status settings_write(hh_db *tx, hh_req *r)
{
    int64_t *m = r->ud, before = hh_redeem_undo_minutes(tx, r->who.enterprise_id);
    hh_status st = hh_db_run(tx, NULL,
                             "INSERT INTO enterprise_settings (enterprise_id, key, value) VALUES (?, ?, ?)"
                             " ON CONFLICT (enterprise_id, key) DO UPDATE SET value = excluded.value",
                             HH_A(HH_I(r->who.enterprise_id), HH_S(UNDO_KEY),
                                  HH_S(hh_sprintf(r->arena, "%lld", (long long)*m))));
    if (st) return st;
    json_t *b = json_pack("{s:I}", "undo_minutes", (json_int_t)before);
    json_t *a = json_pack("{s:I, s:i}", "undo_minutes", (json_int_t)*m, "undo_minutes_max", UNDO_MAX);
    st = hh_audit(tx, r, "settings.redemption", "enterprise", r->who.enterprise_id, b, a);
    json_decref(b);
    if (st) {
        json_decref(a);
        return st;
    }
    hh_reply(r, 200, a);
    return HH_OK;
}

hh_status hh_h_redemption_settings_put(hh_req *r)
{
    static const char *const allowed[] = {"undo_minutes", NULL};
    int64_t *m = hh_alloc(r->arena, sizeof *m);
    r->ud = m;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "undo_minutes", true, 0, UNDO_MAX, m, NULL)))
        return st;
    return hh_req_write(r, settings_write);
}

/* ------------------------------------------------------------------ lists */

/* A day filter "today" or "YYYY-MM-DD" (local) → [from, to). */
static hh_status day_range(hh_req *r, const char *name, const char *day, const char *tz, int64_t *from, int64_t *to,
                           const char **label)
{
    hh_local l;
    if (!day || !*day || !strcmp(day, "today")) {
        if (!hh_local_parts(tz, hh_now_ms(), &l)) return HH_E_STORAGE;
    } else {
        int y, m, d;
        char tail;
        if (strlen(day) != 10 || sscanf(day, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 2000 || y > 2200 ||
            m < 1 || m > 12 || d < 1 || d > 31)
            return hh_fail(r, HH_E_INVALID, name, "日期须为 today 或 YYYY-MM-DD", "day must be today or YYYY-MM-DD");
        l = (hh_local){.year = y, .month = m, .day = d};
    }
    *from = hh_local_start(tz, l.year, l.month, l.day);
    *to = hh_local_start(tz, l.year, l.month, l.day + 1);
    if (label) *label = hh_sprintf(r->arena, "%04d-%02d-%02d", l.year, l.month, l.day);
    return HH_OK;
}

/* A time bound: UTC ms, or a local date (YYYY-MM-DD: its start; for an
 * upper bound, the start of the next day). 0 when absent. */
static hh_status time_bound(hh_req *r, const char *name, const char *tz, bool upper, int64_t *out)
{
    const char *s = hh_query(r, name);
    *out = 0;
    if (!s || !*s) return HH_OK;
    if (strchr(s, '-')) {
        int64_t from, to;
        hh_status st = day_range(r, name, s, tz, &from, &to, NULL);
        if (st) return st;
        *out = upper ? to : from;
        return HH_OK;
    }
    if (!hh_parse_i64(s, out) || *out < 0)
        return hh_fail(r, HH_E_INVALID, name, hh_sprintf(r->arena, "参数 %s 须为日期（YYYY-MM-DD）或毫秒时间", name),
                       hh_sprintf(r->arena, "%s must be a date (YYYY-MM-DD) or a time in ms", name));
    return HH_OK;
}

/* the dates are a plain range (no filter: 0 to INT64_MAX), which the
 * (enterprise_id, at) index serves: the console's default 30 days of a
 * million redemptions are totalled in 36 ms instead of 120 */
#define LIST_WHERE                                                                                   \
    " WHERE rd.enterprise_id = ?1 AND " HH_SCOPE_BRAND_STORE("rd.brand_id", "rd.store_id")          \
    " AND (?5 = 0 OR rd.store_id = ?5) AND (?6 = 0 OR rd.staff_id = ?6) AND (?7 = 0 OR rd.brand_id = ?7)" \
    " AND (?8 = 0 OR rd.campaign_id = ?8) AND (?9 = 0 OR rd.member_id = ?9) AND rd.at >= ?10"          \
    " AND rd.at < ?11 AND (?12 IS NULL OR rd.method = ?12)"                                            \
    " AND (?13 IS NULL OR (?13 = 'live') = (rd.undone_at IS NULL))"                                   \
    " AND (?14 IS NULL OR rd.coupon_id IN (SELECT id FROM coupons WHERE enterprise_id = ?1 AND code = ?14))"

typedef struct {
    int64_t store_id, staff_id, brand_id, campaign_id, member_id, from, to;
    const char *method, *status, *code;
} list_filter;

static hh_status list_reply(hh_req *r, hh_db *db, const list_filter *f, int64_t limit, int64_t offset, json_t *extra)
{
#define LIST_ARGS                                                                                                 \
    HH_SCOPE_ARGS(r), HH_I(f->store_id), HH_I(f->staff_id), HH_I(f->brand_id), HH_I(f->campaign_id),          \
        HH_I(f->member_id), HH_I(f->from), HH_I(f->to ? f->to : INT64_MAX), HH_S(f->method), HH_S(f->status),  \
        HH_S(f->code)
    json_t *items = NULL, *totals = NULL;
    hh_status st = hh_db_query(db, &items, HH__REDEMPTION_COLS LIST_WHERE " ORDER BY rd.at DESC, rd.id DESC LIMIT ?15 OFFSET ?16",
                               HH_A(LIST_ARGS, HH_I(limit), HH_I(offset)));
    if (st) return st;
    st = hh_db_one(db, &totals,
                   "SELECT count(*) AS total, count(*) FILTER (WHERE rd.undone_at IS NULL) AS redeemed,"
                   " count(*) FILTER (WHERE rd.undone_at IS NOT NULL) AS undone,"
                   " coalesce(sum(rd.order_amount_fen) FILTER (WHERE rd.undone_at IS NULL), 0) AS order_amount_fen,"
                   " coalesce(sum(rd.cash_value_fen) FILTER (WHERE rd.undone_at IS NULL), 0) AS cash_value_fen,"
                   " count(DISTINCT rd.member_id) FILTER (WHERE rd.undone_at IS NULL) AS members"
                   " FROM redemptions rd" LIST_WHERE,
                   HH_A(LIST_ARGS));
#undef LIST_ARGS
    if (st) {
        json_decref(items);
        return st;
    }
    int64_t minutes = hh_redeem_undo_minutes(db, r->who.enterprise_id), now = hh_now_ms();
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x) hh__redemption_decorate(r, x, minutes, now);
    json_t *out = extra ? extra : json_object();
    json_object_set_new(out, "items", items);
    json_object_set(out, "total", json_object_get(totals, "total"));
    json_object_del(totals, "total");
    json_object_set_new(out, "totals", totals);
    json_object_set_new(out, "undo_minutes", json_integer(minutes));
    hh_reply(r, 200, out);
    return HH_OK;
}

static hh_status read_filter_text(hh_req *r, list_filter *f)
{
    f->method = hh_query(r, "method");
    f->status = hh_query(r, "status");
    const char *code = hh_query(r, "code");
    if (f->method && !*f->method) f->method = NULL;
    if (f->status && !*f->status) f->status = NULL;
    if (f->method) {
        bool ok = false;
        for (int i = 0; hh__redeem_methods[i]; i++) ok |= !strcmp(hh__redeem_methods[i], f->method);
        if (!ok)
            return hh_fail(r, HH_E_INVALID, "method", "核销方式须为 member_qr、coupon_code 或 phone_otp",
                           "method must be member_qr, coupon_code or phone_otp");
    }
    if (f->status && strcmp(f->status, "live") && strcmp(f->status, "undone"))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 live 或 undone", "status must be live or undone");
    if (code && *code) {
        char *norm = hh_alloc(r->arena, HH_CODE_LEN + 1);
        if (!strncasecmp(code, "HHC:", 4)) code += 4;
        if (strlen(code) > 40 || !hh_reward_code_parse(code, norm))
            return hh_fail(r, HH_E_INVALID, "code", "券码格式不正确（12 位字母数字）",
                           "This is not a coupon code (12 letters and digits)");
        f->code = norm;
    }
    return HH_OK;
}

hh_status hh_h_counter_redemptions(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    int64_t limit, offset, asked;
    list_filter f = {0};
    char tz[64];
    const char *day;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "store_id", &asked)) ||
        (st = read_filter_text(r, &f)) || (st = hh__redeem_store(r, db, asked, false, &f.store_id)))
        return st;
    hh_enterprise_tz(db, r->who.enterprise_id, tz);
    if ((st = day_range(r, "day", hh_query(r, "day"), tz, &f.from, &f.to, &day))) return st;
    if (hh_query_flag(r, "mine")) {
        if (!r->who.staff_id) return hh_fail(r, HH_E_INVALID, "mine", "只有导购账号有“我的核销”", "Only staff accounts have their own redemptions");
        f.staff_id = r->who.staff_id;
    }
    return list_reply(r, db, &f, limit, offset, json_pack("{s:s}", "day", day));
}

hh_status hh_h_redemptions_list(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    int64_t limit, offset;
    list_filter f = {0};
    char tz[64];
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "store_id", &f.store_id)) ||
        (st = hh_query_id(r, "staff_id", &f.staff_id)) || (st = hh_query_id(r, "brand_id", &f.brand_id)) ||
        (st = hh_query_id(r, "campaign_id", &f.campaign_id)) || (st = hh_query_id(r, "member_id", &f.member_id)) ||
        (st = read_filter_text(r, &f)))
        return st;
    hh_enterprise_tz(db, r->who.enterprise_id, tz);
    if ((st = time_bound(r, "from", tz, false, &f.from)) || (st = time_bound(r, "to", tz, true, &f.to))) return st;
    if (f.from && f.to && f.to <= f.from)
        return hh_fail(r, HH_E_INVALID, "to", "结束日期须晚于开始日期", "to must be after from");
    return list_reply(r, db, &f, limit, offset, NULL);
}

hh_status hh_h_redemption_get(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    json_t *out;
    hh_status st = hh__redemption_json(r, db, r->path_id, hh_redeem_undo_minutes(db, r->who.enterprise_id), &out);
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到该核销记录", "No such redemption");
    if (st) return st;
    hh_reply(r, 200, out);
    return HH_OK;
}

/* ------------------------------------------------------------------- demo */

/* The demo's counter hand-out: a Qinghe welcome gift that only staff give
 * (not claimable online), valid 7 days at every Qinghe counter — so a Qinghe
 * promoter has something to hand out and redeem next to the Lumina campaign's
 * coupons. No members or redemptions are seeded: the demo enterprise starts
 * without members (the test suites count them); a person trying the demo
 * registers one at the counter, hands out a coupon and redeems it. */
static hh_status demo_apply(hh_db *tx, void *ud)
{
    (void)ud;
    static const char name[] = "青禾到店礼：冷泡茶试饮装";
    int64_t ent = 0, qinghe = 0, id = 0;
    hh_status st = hh_db_int(tx, &ent, "SELECT id FROM enterprises WHERE name = '活化演示企业'", HH_A());
    if (!st) st = hh_db_int(tx, &qinghe, "SELECT id FROM brands WHERE enterprise_id = ? AND code = 'QINGHE'", HH_A(HH_I(ent)));
    if (st) return st == HH_E_NOT_FOUND ? HH_OK : st; /* not the demo enterprise: nothing to add */
    if (hh_db_int(tx, &id, "SELECT id FROM coupon_templates WHERE enterprise_id = ? AND name = ?",
                  HH_A(HH_I(ent), HH_S(name))) == HH_OK)
        return HH_OK;
    int64_t now = hh_now_ms();
    return hh_db_run(tx, NULL,
                     "INSERT INTO coupon_templates (enterprise_id, brand_id, name, description, kind, value_fen, gift_name,"
                     " validity, valid_days, quantity, per_member_limit, claimable, created_at, updated_at)"
                     " VALUES (?, ?, ?, ?, 'gift', 1500, ?, 'relative', 7, 500, 1, 0, ?, ?)",
                     HH_A(HH_I(ent), HH_I(qinghe), HH_S(name), HH_S("导购在青禾专柜为新老顾客发放，到店出示会员码领取"),
                          HH_S("青禾冷泡茶试饮装 3 袋"), HH_I(now), HH_I(now)));
}

hh_status hh_demo_redeem(hh_store *store)
{
    return hh_store_write_sync(store, demo_apply, NULL);
}
