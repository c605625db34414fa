/*
 * activity.c — store events (活动报名, SPEC §3.5): an event at a store with a
 * capacity and an optional waitlist; members sign up and cancel on the H5;
 * registered guests get an SMS reminder remind_minutes before the start; staff
 * of the store check guests in by scanning their member QR (or typing the
 * phone); after the end, who registered and did not come is the no-show list.
 *
 * Seats are decided on the store's single writer: counting the registered
 * guests and taking a seat happen in one command, so concurrent sign-ups never
 * exceed the capacity; the rest are waitlisted in arrival order. When a
 * registered guest cancels (or the capacity grows) the first waitlisted guests
 * are promoted in the same transaction and told by SMS.
 *
 * Reminders and promotion notices are service messages (kind "service" in the
 * SMS outbox): transactional, sent without marketing consent and without the
 * opt-out line; they go through the same outbox insert as sign-in codes
 * (hh_sms_queue in member/sms.c), so the configured provider delivers them.
 */
#include "reward/reward.h"
#include "points/points.h"
#include "auth/auth.h"
#include "core/buf.h"
#include "core/localtime.h"
#include "core/log.h"
#include "core/phone.h"
#include "http/app.h"
#include "member/member.h"
#include "touch/touch.h"

#include <csv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define CHECKIN_EARLY_MS (2 * 3600000LL) /* check-in opens two hours before the start */

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *sget(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

#define ACT_COLS                                                                                     \
    "SELECT a.id, a.brand_id, b.name AS brand_name, a.store_id, s.name AS store_name,"                \
    " s.address AS store_address, s.city AS store_city, a.campaign_id, a.title, a.description,"      \
    " a.starts_at, a.ends_at, a.capacity, a.waitlist AS waitlist_bool, a.remind_minutes,"            \
    " a.reminded_at, a.status, (SELECT count(*) FROM activity_signups x WHERE x.activity_id = a.id"  \
    " AND x.status IN ('registered', 'attended')) AS registered, (SELECT count(*) FROM"               \
    " activity_signups x WHERE x.activity_id = a.id AND x.status = 'waitlisted') AS waitlisted,"      \
    " (SELECT count(*) FROM activity_signups x WHERE x.activity_id = a.id AND x.status = 'attended')" \
    " AS attended, a.created_at, a.updated_at FROM activities a JOIN brands b ON b.id = a.brand_id"   \
    " JOIN stores s ON s.id = a.store_id"

/* seats_left and the phase a person sees: open, full, closed, cancelled, started, ended. */
static void act_decorate(json_t *a, int64_t now)
{
    int64_t left = iget(a, "capacity") - iget(a, "registered");
    json_object_set_new(a, "seats_left", json_integer(left > 0 ? left : 0));
    const char *phase = sget(a, "status");
    if (!strcmp(phase, "open")) {
        if (now >= iget(a, "ends_at"))
            phase = "ended";
        else if (now >= iget(a, "starts_at"))
            phase = "started";
        else if (left <= 0)
            phase = "full";
    }
    json_object_set_new(a, "phase", json_string(phase));
}

static hh_status act_load(hh_db *db, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, ACT_COLS " WHERE a.id = ?", HH_A(HH_I(id)));
    if (!st) act_decorate(*out, hh_now_ms());
    return st;
}

/* "MM-DD HH:mm" of ms in the enterprise's zone, for messages. */
static void local_when(hh_db *db, int64_t ent, int64_t ms, char out[32])
{
    char tz[64];
    hh_local l;
    hh_enterprise_tz(db, ent, tz);
    if (!hh_local_parts(tz, ms, &l)) hh_local_parts("Asia/Shanghai", ms, &l);
    snprintf(out, 32, "%02d月%02d日 %02d:%02d", l.month, l.day, l.hour, l.minute);
}

static hh_status notify(hh_db *tx, const char *provider, int64_t ent, int64_t member_id, const char *text)
{
    json_t *m;
    hh_status st = hh_db_one(tx, &m, "SELECT phone FROM members WHERE id = ? AND status = 'live'", HH_A(HH_I(member_id)));
    if (st == HH_E_NOT_FOUND) return HH_OK; /* merged or erased since */
    if (st) return st;
    st = hh_sms_queue(tx, provider, ent, sget(m, "phone"), "service", text);
    json_decref(m);
    return st;
}

/* Promote the first waitlisted guests into free seats; each is told by SMS. */
static hh_status promote(hh_db *tx, hh_req *r, json_t *a)
{
    int64_t free_seats = iget(a, "capacity") - iget(a, "registered");
    if (free_seats <= 0 || hh_now_ms() >= iget(a, "starts_at")) return HH_OK;
    json_t *rows;
    hh_status st = hh_db_query(tx, &rows,
                               "SELECT id, member_id FROM activity_signups WHERE activity_id = ? AND status = 'waitlisted'"
                               " ORDER BY created_at, id LIMIT ?",
                               HH_A(HH_I(iget(a, "id")), HH_I(free_seats)));
    if (st) return st;
    char when[32];
    local_when(tx, r->who.enterprise_id, iget(a, "starts_at"), when);
    size_t i;
    json_t *s;
    json_array_foreach(rows, i, s)
    {
        int64_t now = hh_now_ms();
        st = hh_db_run(tx, NULL, "UPDATE activity_signups SET status = 'registered', promoted_at = ? WHERE id = ?",
                       HH_A(HH_I(now), HH_I(iget(s, "id"))));
        if (st) break;
        hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = iget(s, "member_id"),
                      .campaign_id = iget(a, "campaign_id"), .store_id = iget(a, "store_id")};
        json_t *props = json_pack("{s:I}", "activity_id", (json_int_t)iget(a, "id"));
        st = hh_reward_event(tx, "activity.promoted", &g, iget(a, "brand_id"), props);
        json_decref(props);
        if (st) break;
        const char *text = hh_sprintf(r->arena, "【%s】您候补的活动「%s」有了名额，已为您正式报名：%s，%s。到场请出示会员码签到。",
                                      sget(a, "brand_name"), sget(a, "title"), when, sget(a, "store_name"));
        if ((st = notify(tx, r->app->cfg.sms_provider, r->who.enterprise_id, iget(s, "member_id"), text))) break;
    }
    json_decref(rows);
    return st;
}

/* ---- admin: list, create, read, update ---- */

hh_status hh_h_activities_list(hh_req *r)
{
    int64_t limit, offset, brand_id, store_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "brand_id", &brand_id)) ||
        (st = hh_query_id(r, "store_id", &store_id)))
        return st;
    const char *status = hh_query(r, "status"), *q = hh_query(r, "q");
    if (status && !*status) status = NULL;
    if (q && !*q) q = NULL;
    if (status && strcmp(status, "open") && strcmp(status, "closed") && strcmp(status, "cancelled"))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 open、closed 或 cancelled",
                       "status must be open, closed or cancelled");
    bool upcoming = hh_query_flag(r, "upcoming");
    int64_t now = hh_now_ms();
    hh_db *db = hh_store_reader(r->app->store);
#define WHERE                                                                                    \
    " WHERE a.enterprise_id = ?1 AND " HH_SCOPE_BRAND_STORE("a.brand_id", "a.store_id")             \
    " AND (?5 = 0 OR a.brand_id = ?5) AND (?6 = 0 OR a.store_id = ?6) AND (?7 IS NULL OR a.status = ?7)" \
    " AND (?8 = 0 OR a.ends_at > ?9) AND (?10 IS NULL OR instr(a.title, ?10) > 0)"
    json_t *items;
    st = hh_db_query(db, &items,
                     ACT_COLS WHERE " ORDER BY CASE WHEN a.ends_at > ?9 THEN 0 ELSE 1 END,"
                                    " CASE WHEN a.ends_at > ?9 THEN a.starts_at ELSE -a.starts_at END LIMIT ?11 OFFSET ?12",
                     HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id), HH_I(store_id), HH_S(status), HH_I(upcoming), HH_I(now),
                          HH_S(q), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *a;
    json_array_foreach(items, i, a) act_decorate(a, now);
    return hh_list_reply(r, db, items, "SELECT count(*) FROM activities a" WHERE,
                         HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id), HH_I(store_id), HH_S(status), HH_I(upcoming),
                              HH_I(now), HH_S(q)));
#undef WHERE
}

hh_status hh_h_activity_get(hh_req *r)
{
    json_t *a;
    hh_status st = act_load(hh_store_reader(r->app->store), r->path_id, &a);
    if (st) return st;
    hh_reply(r, 200, a);
    return HH_OK;
}

typedef struct {
    int64_t brand_id, store_id, campaign_id, starts_at, ends_at, capacity, remind_minutes;
    const char *title, *description, *status;
    bool waitlist;
    bool has_title, has_description, has_starts, has_ends, has_capacity, has_waitlist, has_remind, has_status;
} act_in;

static hh_status read_act(hh_req *r, act_in *in, bool create)
{
    static const char *const allowed_create[] = {"brand_id", "store_id", "campaign_id", "title", "description",
                                                 "starts_at", "ends_at", "capacity", "waitlist", "remind_minutes",
                                                 NULL};
    static const char *const allowed_update[] = {"title", "description", "starts_at", "ends_at", "capacity",
                                                 "waitlist", "remind_minutes", "status", NULL};
    hh_status st;
    in->waitlist = true;
    in->remind_minutes = 120;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, create ? allowed_create : allowed_update))) return st;
    if (create && ((st = hh_field_int(r, "brand_id", true, 1, INT64_MAX, &in->brand_id, NULL)) ||
                   (st = hh_field_int(r, "store_id", true, 1, INT64_MAX, &in->store_id, NULL)) ||
                   (st = hh_field_int(r, "campaign_id", false, 1, INT64_MAX, &in->campaign_id, NULL))))
        return st;
    if ((st = hh_field_str(r, "title", create, 64, &in->title, &in->has_title)) ||
        (st = hh_field_str(r, "description", false, 2000, &in->description, &in->has_description)) ||
        (st = hh_field_int(r, "starts_at", create, 1, INT64_MAX, &in->starts_at, &in->has_starts)) ||
        (st = hh_field_int(r, "ends_at", create, 1, INT64_MAX, &in->ends_at, &in->has_ends)) ||
        (st = hh_field_int(r, "capacity", create, 1, 100000, &in->capacity, &in->has_capacity)) ||
        (st = hh_field_bool(r, "waitlist", false, &in->waitlist, &in->has_waitlist)) ||
        (st = hh_field_int(r, "remind_minutes", false, 0, 10080, &in->remind_minutes, &in->has_remind)) ||
        (!create && (st = hh_field_str(r, "status", false, 16, &in->status, &in->has_status))))
        return st;
    if (in->has_title && !*in->title) return hh_fail(r, HH_E_INVALID, "title", "请填写活动名称", "The event needs a title");
    if (in->has_status && strcmp(in->status, "open") && strcmp(in->status, "closed") && strcmp(in->status, "cancelled"))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 open（报名中）、closed（停止报名）或 cancelled（取消）",
                       "status must be open, closed or cancelled");
    if (!create && !in->has_title && !in->has_description && !in->has_starts && !in->has_ends && !in->has_capacity &&
        !in->has_waitlist && !in->has_remind && !in->has_status)
        return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    return HH_OK;
}

static hh_status check_times(hh_req *r, int64_t starts_at, int64_t ends_at, bool require_future)
{
    if (ends_at <= starts_at)
        return hh_fail(r, HH_E_INVALID, "ends_at", "结束时间须晚于开始时间", "The end must be after the start");
    if (ends_at - starts_at > 31LL * 86400000)
        return hh_fail(r, HH_E_INVALID, "ends_at", "一场活动最长 31 天", "An event lasts at most 31 days");
    if (require_future && ends_at <= hh_now_ms())
        return hh_fail(r, HH_E_INVALID, "ends_at", "结束时间已过", "The end is in the past");
    return HH_OK;
}

static hh_status act_reply(hh_db *tx, hh_req *r, int64_t id, int status, const char *action, json_t *before)
{
    json_t *a;
    hh_status st = act_load(tx, id, &a);
    if (st) return st;
    if ((st = hh_audit(tx, r, action, "activity", id, before, a))) {
        json_decref(a);
        return st;
    }
    hh_reply(r, status, a);
    return HH_OK;
}

static hh_status act_create_write(hh_db *tx, hh_req *r)
{
    act_in *in = r->ud;
    int64_t ent = r->who.enterprise_id, x = 0;
    hh_status st = hh_db_int(tx, &x, "SELECT id FROM brands WHERE id = ? AND enterprise_id = ? AND archived_at IS NULL",
                             HH_A(HH_I(in->brand_id), HH_I(ent)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "brand_id", "找不到该品牌", "No such brand");
    if (st) return st;
    hh_scope s = {.enterprise_id = ent, .object = true, .nbrands = 1, .brands = {in->brand_id}};
    if (hh_authz(&r->who, HH_ACT_MARKETING_WRITE, &s) != HH_OK)
        return hh_fail(r, HH_E_FORBIDDEN, "brand_id", "只能为您管理的品牌创建活动", "You can only create events of brands you manage");
    st = hh_db_int(tx, &x,
                   "SELECT EXISTS (SELECT 1 FROM store_brands WHERE store_id = s.id AND brand_id = ?3) FROM stores s"
                   " WHERE s.id = ?1 AND s.enterprise_id = ?2 AND s.archived_at IS NULL",
                   HH_A(HH_I(in->store_id), HH_I(ent), HH_I(in->brand_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "store_id", "找不到该门店", "No such store");
    if (st) return st;
    if (!x) return hh_fail(r, HH_E_UNPROCESSABLE, "store_id", "该门店不销售这个品牌", "This store does not sell the brand");
    if (in->campaign_id) {
        st = hh_db_int(tx, &x, "SELECT brand_id FROM campaigns WHERE id = ? AND enterprise_id = ?",
                       HH_A(HH_I(in->campaign_id), HH_I(ent)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "campaign_id", "找不到该营销活动", "No such campaign");
        if (st) return st;
        if (x != in->brand_id)
            return hh_fail(r, HH_E_UNPROCESSABLE, "campaign_id", "该营销活动不属于这个品牌", "The campaign is of another brand");
    }
    int64_t now = hh_now_ms();
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO activities (enterprise_id, brand_id, store_id, campaign_id, title, description, starts_at,"
                   " ends_at, capacity, waitlist, remind_minutes, created_by, created_at, updated_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   HH_A(HH_I(ent), HH_I(in->brand_id), HH_I(in->store_id), HH_ID(in->campaign_id), HH_S(in->title),
                        HH_S(in->description ? in->description : ""), HH_I(in->starts_at), HH_I(in->ends_at),
                        HH_I(in->capacity), HH_I(in->waitlist), HH_I(in->remind_minutes), HH_I(r->who.id), HH_I(now),
                        HH_I(now)));
    if (st) return st;
    return act_reply(tx, r, res.last_id, 201, "activity.create", NULL);
}

hh_status hh_h_activity_create(hh_req *r)
{
    act_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_act(r, in, true);
    if (st || (st = check_times(r, in->starts_at, in->ends_at, true))) return st;
    return hh_req_write(r, act_create_write);
}

static hh_status act_update_write(hh_db *tx, hh_req *r)
{
    act_in *in = r->ud;
    json_t *before;
    hh_status st = act_load(tx, r->path_id, &before);
    if (st) return st;
    act_in m = *in;
    if (!in->has_title) m.title = sget(before, "title");
    if (!in->has_description) m.description = sget(before, "description");
    if (!in->has_starts) m.starts_at = iget(before, "starts_at");
    if (!in->has_ends) m.ends_at = iget(before, "ends_at");
    if (!in->has_capacity) m.capacity = iget(before, "capacity");
    if (!in->has_waitlist) m.waitlist = json_is_true(json_object_get(before, "waitlist"));
    if (!in->has_remind) m.remind_minutes = iget(before, "remind_minutes");
    if (!in->has_status) m.status = sget(before, "status");
    const char *was = sget(before, "status");
    if (!strcmp(was, "cancelled") && strcmp(m.status, "cancelled")) {
        json_decref(before);
        return hh_fail(r, HH_E_UNPROCESSABLE, "status", "已取消的活动不能重新开放", "A cancelled event cannot be reopened");
    }
    if ((st = check_times(r, m.starts_at, m.ends_at, in->has_starts || in->has_ends))) {
        json_decref(before);
        return st;
    }
    if (m.capacity < iget(before, "registered")) {
        int64_t n = iget(before, "registered");
        json_decref(before);
        return hh_fail(r, HH_E_UNPROCESSABLE, "capacity", hh_sprintf(r->arena, "已有 %lld 人报名，名额不能少于 %lld", (long long)n, (long long)n),
                       hh_sprintf(r->arena, "%lld guests are registered; the capacity cannot be lower", (long long)n));
    }
    bool moved = m.starts_at != iget(before, "starts_at");
    st = hh_db_run(tx, NULL,
                   "UPDATE activities SET title = ?, description = ?, starts_at = ?, ends_at = ?, capacity = ?,"
                   " waitlist = ?, remind_minutes = ?, status = ?, updated_at = ?,"
                   " reminded_at = CASE WHEN ? THEN NULL ELSE reminded_at END WHERE id = ?",
                   HH_A(HH_S(m.title), HH_S(m.description), HH_I(m.starts_at), HH_I(m.ends_at), HH_I(m.capacity),
                        HH_I(m.waitlist), HH_I(m.remind_minutes), HH_S(m.status), HH_I(hh_now_ms()), HH_I(moved),
                        HH_I(r->path_id)));
    /* a new start time: everybody is reminded again */
    if (!st && moved)
        st = hh_db_run(tx, NULL, "UPDATE activity_signups SET reminded_at = NULL WHERE activity_id = ?",
                       HH_A(HH_I(r->path_id)));
    json_t *after = NULL;
    if (!st) st = act_load(tx, r->path_id, &after);
    /* more seats: the waitlist moves up */
    if (!st && !strcmp(m.status, "open")) st = promote(tx, r, after);
    /* cancelled: everyone who holds a seat or waits is told */
    if (!st && !strcmp(m.status, "cancelled") && strcmp(was, "cancelled")) {
        json_t *rows;
        st = hh_db_query(tx, &rows,
                         "SELECT member_id FROM activity_signups WHERE activity_id = ? AND status IN ('registered', 'waitlisted')",
                         HH_A(HH_I(r->path_id)));
        char when[32];
        local_when(tx, r->who.enterprise_id, m.starts_at, when);
        size_t i;
        json_t *s;
        if (!st) {
            json_array_foreach(rows, i, s)
            {
                const char *text = hh_sprintf(r->arena, "【%s】很抱歉，您报名的活动「%s」（%s，%s）已取消。",
                                              sget(before, "brand_name"), m.title, when, sget(before, "store_name"));
                if ((st = notify(tx, r->app->cfg.sms_provider, r->who.enterprise_id, iget(s, "member_id"), text))) break;
            }
            json_decref(rows);
        }
    }
    json_decref(after);
    if (!st) st = act_reply(tx, r, r->path_id, 200, "activity.update", before);
    json_decref(before);
    return st;
}

hh_status hh_h_activity_update(hh_req *r)
{
    act_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_act(r, in, false);
    if (st) return st;
    return hh_req_write(r, act_update_write);
}

/* ---- signups (admin, staff) ---- */

#define SIGNUP_COLS                                                                                  \
    "SELECT g.id, g.activity_id, g.member_id, m.name AS member_name, m.phone AS member_phone, g.status," \
    " g.created_at, g.promoted_at, g.cancelled_at, g.checked_in_at, g.checked_in_by,"                  \
    " ac.name AS checked_in_by_name, g.reminded_at, CASE WHEN g.status = 'waitlisted' THEN (SELECT"    \
    " count(*) FROM activity_signups w WHERE w.activity_id = g.activity_id AND w.status = 'waitlisted'" \
    " AND (w.created_at < g.created_at OR (w.created_at = g.created_at AND w.id <= g.id))) END AS"     \
    " position FROM activity_signups g JOIN members m ON m.id = g.member_id"                           \
    " LEFT JOIN accounts ac ON ac.id = g.checked_in_by"

static void signup_decorate(json_t *g)
{
    char masked[HH_PHONE_MAX + 8];
    hh_phone_mask(sget(g, "member_phone"), masked, sizeof masked);
    json_object_set_new(g, "member_phone_masked", json_string(masked));
    json_object_del(g, "member_phone");
}

hh_status hh_h_activity_signups(hh_req *r)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    const char *status = hh_query(r, "status");
    if (status && !*status) status = NULL;
    if (status && strcmp(status, "registered") && strcmp(status, "waitlisted") && strcmp(status, "cancelled") &&
        strcmp(status, "attended"))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 registered、waitlisted、cancelled 或 attended",
                       "status must be registered, waitlisted, cancelled or attended");
    hh_db *db = hh_store_reader(r->app->store);
#define WHERE " WHERE g.activity_id = ?1 AND (?2 IS NULL OR g.status = ?2)"
    json_t *items;
    /* registered and attended first, then the waitlist in its order, then cancellations */
    st = hh_db_query(db, &items,
                     SIGNUP_COLS WHERE " ORDER BY CASE g.status WHEN 'attended' THEN 0 WHEN 'registered' THEN 0"
                                       " WHEN 'waitlisted' THEN 1 ELSE 2 END, g.created_at, g.id LIMIT ?3 OFFSET ?4",
                     HH_A(HH_I(r->path_id), HH_S(status), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *g;
    json_array_foreach(items, i, g) signup_decorate(g);
    return hh_list_reply(r, db, items, "SELECT count(*) FROM activity_signups g" WHERE,
                         HH_A(HH_I(r->path_id), HH_S(status)));
#undef WHERE
}

static void csv_field(hh_buf *b, const char *s, bool last)
{
    size_t n = strlen(s ? s : "");
    char *q = hh_xmalloc(n * 2 + 3);
    size_t w = csv_write(q, n * 2 + 3, s ? s : "", n);
    hh_buf_add(b, q, w);
    free(q);
    hh_buf_add(b, last ? "\r\n" : ",", last ? 2 : 1);
}

hh_status hh_h_activity_no_shows(hh_req *r)
{
    const char *format = hh_query(r, "format");
    if (format && *format && strcmp(format, "json") && strcmp(format, "csv"))
        return hh_fail(r, HH_E_INVALID, "format", "格式须为 json 或 csv", "format must be json or csv");
    bool csv = format && !strcmp(format, "csv");
    hh_db *db = hh_store_reader(r->app->store);
    json_t *a, *items;
    hh_status st = act_load(db, r->path_id, &a);
    if (st) return st;
    hh_req_own(r, a);
    st = hh_db_query(db, &items, SIGNUP_COLS " WHERE g.activity_id = ? AND g.status = 'registered' ORDER BY g.created_at, g.id",
                     HH_A(HH_I(r->path_id)));
    if (st) return st;
    bool ended = hh_now_ms() >= iget(a, "ends_at");
    size_t i;
    json_t *g;
    json_array_foreach(items, i, g) signup_decorate(g);
    if (!csv) {
        hh_reply(r, 200, json_pack("{s:b, s:I, s:I, s:I, s:o}", "ended", ended, "registered",
                                   (json_int_t)iget(a, "registered"), "attended", (json_int_t)iget(a, "attended"),
                                   "total", (json_int_t)json_array_size(items), "items", items));
        return HH_OK;
    }
    hh_buf b = {0};
    hh_buf_add(&b, "\xEF\xBB\xBF", 3); /* BOM: Excel opens UTF-8 CSV correctly */
    static const char *const head[] = {"会员ID", "姓名", "手机号", "活动", "门店", "活动开始", "报名时间"};
    for (size_t k = 0; k < HH_ARRAY_LEN(head); k++) csv_field(&b, head[k], k + 1 == HH_ARRAY_LEN(head));
    char start[32];
    local_when(db, r->who.enterprise_id, iget(a, "starts_at"), start);
    json_array_foreach(items, i, g)
    {
        char id[24], signed_up[32];
        snprintf(id, sizeof id, "%lld", (long long)iget(g, "member_id"));
        local_when(db, r->who.enterprise_id, iget(g, "created_at"), signed_up);
        const char *cells[] = {id, sget(g, "member_name"), sget(g, "member_phone_masked"), sget(a, "title"),
                               sget(a, "store_name"), start, signed_up};
        for (size_t k = 0; k < HH_ARRAY_LEN(cells); k++) csv_field(&b, cells[k], k + 1 == HH_ARRAY_LEN(cells));
    }
    json_decref(items);
    hh_reply_raw(r, 200, "text/csv; charset=utf-8", b.data, b.len);
    r->content_disposition = hh_sprintf(r->arena, "attachment; filename=\"no-shows-%lld.csv\"", (long long)r->path_id);
    return HH_OK;
}

/* ---- check-in (staff) ---- */

typedef struct {
    int64_t member_id;
    const char *field;
} checkin_in;

static hh_status checkin_write(hh_db *tx, hh_req *r)
{
    checkin_in *in = r->ud;
    json_t *a, *g;
    hh_status st = act_load(tx, r->path_id, &a);
    if (st) return st;
    hh_req_own(r, a);
    int64_t now = hh_now_ms();
    if (!strcmp(sget(a, "status"), "cancelled"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "id", "活动已取消", "The event is cancelled");
    if (now < iget(a, "starts_at") - CHECKIN_EARLY_MS)
        return hh_fail(r, HH_E_UNPROCESSABLE, "id", "活动开始前 2 小时才能签到", "Check-in opens two hours before the start");
    if (now >= iget(a, "ends_at")) return hh_fail(r, HH_E_UNPROCESSABLE, "id", "活动已结束，不能再签到", "The event has ended");
    st = hh_db_one(tx, &g,
                   "SELECT id, status FROM activity_signups WHERE activity_id = ? AND member_id = ? AND status <> 'cancelled'"
                   " ORDER BY id DESC LIMIT 1",
                   HH_A(HH_I(r->path_id), HH_I(in->member_id)));
    if (st == HH_E_NOT_FOUND)
        return hh_fail(r, HH_E_UNPROCESSABLE, in->field, "该会员没有报名本活动", "This member has not signed up for this event");
    if (st) return st;
    hh_req_own(r, g);
    const char *status = sget(g, "status");
    if (!strcmp(status, "attended"))
        return hh_fail(r, HH_E_CONFLICT, in->field, "该会员已签到", "This member has already checked in");
    if (!strcmp(status, "waitlisted"))
        return hh_fail(r, HH_E_UNPROCESSABLE, in->field, "该会员在候补名单中，还没有名额", "This member is on the waitlist, without a seat");
    int64_t id = iget(g, "id");
    st = hh_db_run(tx, NULL,
                   "UPDATE activity_signups SET status = 'attended', checked_in_at = ?, checked_in_by = ? WHERE id = ?",
                   HH_A(HH_I(now), HH_I(r->who.id), HH_I(id)));
    if (st) return st;
    hh_grant gr = {.enterprise_id = r->who.enterprise_id, .member_id = in->member_id,
                   .campaign_id = iget(a, "campaign_id"), .store_id = iget(a, "store_id"), .staff_id = r->who.staff_id};
    json_t *props = json_pack("{s:I, s:I}", "activity_id", (json_int_t)r->path_id, "signup_id", (json_int_t)id);
    st = hh_reward_event(tx, "activity.checkin", &gr, iget(a, "brand_id"), props);
    json_decref(props);
    /* attending earns points by the earn rule for the action "event" (a cap reached: none) */
    int64_t points = 0, txn = 0;
    if (!st) {
        gr.source = "activity";
        gr.source_id = id;
        st = hh_points_award_action(tx, r, &gr, "event", iget(a, "brand_id"), &points, &txn);
        if (st == HH_E_UNPROCESSABLE || st == HH_E_CONFLICT) {
            memset(&r->err, 0, sizeof r->err);
            st = HH_OK;
            points = 0;
        }
    }
    json_t *row;
    if (st || (st = hh_db_one(tx, &row, SIGNUP_COLS " WHERE g.id = ?", HH_A(HH_I(id))))) return st;
    signup_decorate(row);
    if ((st = hh_audit(tx, r, "activity.checkin", "activity_signup", id, NULL, row))) {
        json_decref(row);
        return st;
    }
    /* the event as it is now, with this check-in counted (a is from before it) */
    json_t *now_a;
    if ((st = act_load(tx, r->path_id, &now_a))) {
        json_decref(row);
        return st;
    }
    hh_reply(r, 200, json_pack("{s:o, s:o, s:I}", "signup", row, "activity", now_a, "points_awarded", (json_int_t)points));
    return HH_OK;
}

hh_status hh_h_activity_checkin(hh_req *r)
{
    static const char *const allowed[] = {"code", "phone", NULL};
    checkin_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    const char *code = NULL, *phone = NULL;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) || (st = hh_field_str(r, "code", false, 64, &code, NULL)) ||
        (st = hh_field_str(r, "phone", false, 32, &phone, NULL)))
        return st;
    hh_db *db = hh_store_reader(r->app->store);
    int64_t id = 0;
    if (code && *code) {
        /* the member QR reads "HHM:<code>" (see member/counter.c) */
        in->field = "code";
        if (!strncasecmp(code, "HHM:", 4)) code += 4;
        if (!hh_code_decode(r->app->code_key, "mb", code, &id))
            return hh_fail(r, HH_E_INVALID, "code", "会员码无效", "This member code is not valid");
    } else if (phone && *phone) {
        in->field = "phone";
        char e164[HH_PHONE_MAX];
        if (hh_phone_normalize(phone, "CN", true, e164) != HH_PHONE_OK)
            return hh_fail(r, HH_E_INVALID, "phone", "手机号码无效", "The phone number is not valid");
        st = hh_db_int(db, &id, "SELECT id FROM members WHERE enterprise_id = ? AND phone = ?",
                       HH_A(HH_I(r->who.enterprise_id), HH_S(e164)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "phone", "该手机号还不是会员", "No member has this phone number");
        if (st) return st;
    } else {
        return hh_fail(r, HH_E_INVALID, "code", "请扫描会员码或输入手机号", "Scan the member code or type the phone number");
    }
    /* a merged record's code stands for the survivor */
    st = hh_db_int(db, &in->member_id,
                   "SELECT coalesce(CASE WHEN status = 'merged' THEN merged_into END, id) FROM members"
                   " WHERE id = ? AND enterprise_id = ?",
                   HH_A(HH_I(id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, in->field, "会员不存在", "No such member");
    if (st) return st;
    return hh_req_write(r, checkin_write);
}

/* ---- member (H5) ---- */

#define MEMBER_ACT_COLS                                                                              \
    "SELECT a.id, a.brand_id, b.name AS brand_name, a.store_id, s.name AS store_name,"                \
    " s.address AS store_address, s.city AS store_city, a.title, a.description, a.starts_at,"         \
    " a.ends_at, a.capacity, a.waitlist AS waitlist_bool, a.status, (SELECT count(*) FROM"            \
    " activity_signups x WHERE x.activity_id = a.id AND x.status IN ('registered', 'attended')) AS"   \
    " registered, (SELECT count(*) FROM activity_signups x WHERE x.activity_id = a.id AND"           \
    " x.status = 'waitlisted') AS waitlisted, my.id AS my_signup_id, my.status AS my_status,"         \
    " CASE WHEN my.status = 'waitlisted' THEN (SELECT count(*) FROM activity_signups w WHERE"          \
    " w.activity_id = a.id AND w.status = 'waitlisted' AND (w.created_at < my.created_at OR"          \
    " (w.created_at = my.created_at AND w.id <= my.id))) END AS my_position"                          \
    " FROM activities a JOIN brands b ON b.id = a.brand_id JOIN stores s ON s.id = a.store_id"       \
    " LEFT JOIN activity_signups my ON my.id = (SELECT max(id) FROM activity_signups z"               \
    " WHERE z.activity_id = a.id AND z.member_id = ?1 AND z.status <> 'cancelled')"

static hh_status member_act_load(hh_db *db, hh_req *r, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, MEMBER_ACT_COLS " WHERE a.id = ?2 AND a.enterprise_id = ?3",
                             HH_A(HH_I(r->who.id), HH_I(id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到该活动", "No such event");
    if (!st) act_decorate(*out, hh_now_ms());
    return st;
}

hh_status hh_h_member_activities(hh_req *r)
{
    int64_t limit, offset, brand_id, store_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "brand_id", &brand_id)) ||
        (st = hh_query_id(r, "store_id", &store_id)))
        return st;
    bool mine = hh_query_flag(r, "mine");
    int64_t now = hh_now_ms();
    hh_db *db = hh_store_reader(r->app->store);
    /* what is still to come (mine: also what I went to) */
#define WHERE                                                                                    \
    " WHERE a.enterprise_id = ?2 AND (?3 = 0 OR a.brand_id = ?3) AND (?4 = 0 OR a.store_id = ?4)"    \
    " AND ((?5 = 0 AND a.status <> 'cancelled' AND a.ends_at > ?6) OR (?5 = 1 AND my.id IS NOT NULL))"
    json_t *items;
    st = hh_db_query(db, &items, MEMBER_ACT_COLS WHERE " ORDER BY a.starts_at, a.id LIMIT ?7 OFFSET ?8",
                     HH_A(HH_I(r->who.id), HH_I(r->who.enterprise_id), HH_I(brand_id), HH_I(store_id), HH_I(mine),
                          HH_I(now), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *a;
    json_array_foreach(items, i, a) act_decorate(a, now);
    return hh_list_reply(r, db, items,
                         "SELECT count(*) FROM activities a LEFT JOIN activity_signups my ON my.id = (SELECT max(id)"
                         " FROM activity_signups z WHERE z.activity_id = a.id AND z.member_id = ?1 AND"
                         " z.status <> 'cancelled')" WHERE,
                         HH_A(HH_I(r->who.id), HH_I(r->who.enterprise_id), HH_I(brand_id), HH_I(store_id), HH_I(mine),
                              HH_I(now)));
#undef WHERE
}

hh_status hh_h_member_activity_get(hh_req *r)
{
    json_t *a;
    hh_status st = member_act_load(hh_store_reader(r->app->store), r, r->path_id, &a);
    if (st) return st;
    hh_reply(r, 200, a);
    return HH_OK;
}

static hh_status signup_write(hh_db *tx, hh_req *r)
{
    json_t *a;
    hh_status st = member_act_load(tx, r, r->path_id, &a);
    if (st) return st;
    hh_req_own(r, a);
    const char *phase = sget(a, "phase");
    if (json_is_string(json_object_get(a, "my_status"))) {
        bool wait = !strcmp(sget(a, "my_status"), "waitlisted");
        return hh_fail(r, HH_E_CONFLICT, "id", wait ? "您已在候补名单中" : "您已报名本活动",
                       wait ? "You are already on the waitlist" : "You have already signed up");
    }
    if (!strcmp(phase, "cancelled")) return hh_fail(r, HH_E_UNPROCESSABLE, "id", "活动已取消", "The event is cancelled");
    if (!strcmp(phase, "closed")) return hh_fail(r, HH_E_UNPROCESSABLE, "id", "活动已停止报名", "Sign-up for this event is closed");
    if (!strcmp(phase, "started") || !strcmp(phase, "ended"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "id", "活动已开始，报名已截止", "The event has started; sign-up is over");
    bool seat = iget(a, "registered") < iget(a, "capacity");
    if (!seat && !json_is_true(json_object_get(a, "waitlist")))
        return hh_fail(r, HH_E_UNPROCESSABLE, "id", "名额已满", "The event is full");
    const char *status = seat ? "registered" : "waitlisted";
    int64_t now = hh_now_ms(), id = 0;
    /* a cancelled sign-up of the same member is taken up again (at the back of the queue) */
    st = hh_db_int(tx, &id, "SELECT max(id) FROM activity_signups WHERE activity_id = ? AND member_id = ? AND status = 'cancelled'",
                   HH_A(HH_I(r->path_id), HH_I(r->who.id)));
    if (st) return st;
    if (id) {
        st = hh_db_run(tx, NULL,
                       "UPDATE activity_signups SET status = ?, created_at = ?, cancelled_at = NULL, promoted_at = NULL,"
                       " reminded_at = NULL WHERE id = ?",
                       HH_A(HH_S(status), HH_I(now), HH_I(id)));
    } else {
        hh_result res;
        st = hh_db_run(tx, &res,
                       "INSERT INTO activity_signups (enterprise_id, activity_id, member_id, status, created_at)"
                       " VALUES (?, ?, ?, ?, ?)",
                       HH_A(HH_I(r->who.enterprise_id), HH_I(r->path_id), HH_I(r->who.id), HH_S(status), HH_I(now)));
        id = res.last_id;
    }
    if (st) return st;
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = r->who.id, .campaign_id = iget(a, "campaign_id"),
                  .store_id = iget(a, "store_id")};
    json_t *props = json_pack("{s:I, s:s}", "activity_id", (json_int_t)r->path_id, "status", status);
    st = hh_reward_event(tx, "activity.signup", &g, iget(a, "brand_id"), props);
    json_decref(props);
    json_t *after;
    if (st || (st = member_act_load(tx, r, r->path_id, &after))) return st;
    hh_reply(r, 201, after);
    return HH_OK;
}

hh_status hh_h_member_activity_signup(hh_req *r)
{
    if (r->body_len) {
        static const char *const allowed[] = {NULL};
        hh_status st;
        if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed))) return st;
    }
    return hh_req_write(r, signup_write);
}

static hh_status cancel_write(hh_db *tx, hh_req *r)
{
    json_t *a;
    hh_status st = member_act_load(tx, r, r->path_id, &a);
    if (st) return st;
    hh_req_own(r, a);
    const char *mine = sget(a, "my_status");
    if (!mine) return hh_fail(r, HH_E_CONFLICT, "id", "您没有报名本活动，或已取消", "You have no sign-up to cancel");
    if (!strcmp(mine, "attended")) return hh_fail(r, HH_E_UNPROCESSABLE, "id", "您已签到，不能取消", "You have already checked in");
    if (hh_now_ms() >= iget(a, "ends_at")) return hh_fail(r, HH_E_UNPROCESSABLE, "id", "活动已结束", "The event has ended");
    st = hh_db_run(tx, NULL, "UPDATE activity_signups SET status = 'cancelled', cancelled_at = ? WHERE id = ?",
                   HH_A(HH_I(hh_now_ms()), HH_I(iget(a, "my_signup_id"))));
    if (st) return st;
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = r->who.id, .campaign_id = iget(a, "campaign_id"),
                  .store_id = iget(a, "store_id")};
    json_t *props = json_pack("{s:I, s:s}", "activity_id", (json_int_t)r->path_id, "was", mine);
    st = hh_reward_event(tx, "activity.cancel", &g, iget(a, "brand_id"), props);
    json_decref(props);
    json_t *after;
    if (st || (st = member_act_load(tx, r, r->path_id, &after))) return st;
    /* a freed seat goes to the first on the waitlist */
    if (!strcmp(mine, "registered") && !strcmp(sget(after, "status"), "open")) {
        st = promote(tx, r, after);
        json_decref(after);
        if (st || (st = member_act_load(tx, r, r->path_id, &after))) return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_member_activity_cancel(hh_req *r)
{
    if (r->body_len) {
        static const char *const allowed[] = {NULL};
        hh_status st;
        if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed))) return st;
    }
    return hh_req_write(r, cancel_write);
}

/* ---- reminders (housekeeping) ---- */

typedef struct {
    hh_app *app;
    int64_t id;
    int sent;
} remind_ctx;

static hh_status remind_apply(hh_db *tx, void *ud)
{
    remind_ctx *c = ud;
    json_t *a;
    hh_status st = hh_db_one(tx, &a,
                             "SELECT a.enterprise_id, a.title, a.starts_at, a.reminded_at, a.status, b.name AS brand_name,"
                             " s.name AS store_name, s.address FROM activities a JOIN brands b ON b.id = a.brand_id"
                             " JOIN stores s ON s.id = a.store_id WHERE a.id = ?",
                             HH_A(HH_I(c->id)));
    if (st) return st;
    if (json_is_integer(json_object_get(a, "reminded_at")) || strcmp(sget(a, "status"), "open")) {
        json_decref(a);
        return HH_OK; /* done meanwhile */
    }
    int64_t ent = iget(a, "enterprise_id");
    char when[32], text[1024];
    local_when(tx, ent, iget(a, "starts_at"), when);
    snprintf(text, sizeof text, "【%s】提醒：您报名的活动「%s」将于 %s 在 %s（%s）开始，到场请出示会员码签到。",
             sget(a, "brand_name"), sget(a, "title"), when, sget(a, "store_name"), sget(a, "address"));
    json_t *rows;
    st = hh_db_query(tx, &rows,
                     "SELECT g.id, m.phone FROM activity_signups g JOIN members m ON m.id = g.member_id"
                     " WHERE g.activity_id = ? AND g.status = 'registered' AND g.reminded_at IS NULL AND m.status = 'live'",
                     HH_A(HH_I(c->id)));
    int64_t now = hh_now_ms();
    size_t i;
    json_t *g;
    if (!st) {
        json_array_foreach(rows, i, g)
        {
            if ((st = hh_sms_queue(tx, c->app->cfg.sms_provider, ent, sget(g, "phone"), "service", text)) ||
                (st = hh_db_run(tx, NULL, "UPDATE activity_signups SET reminded_at = ? WHERE id = ?",
                                HH_A(HH_I(now), HH_I(iget(g, "id"))))))
                break;
            c->sent++;
        }
        json_decref(rows);
    }
    if (!st) st = hh_db_run(tx, NULL, "UPDATE activities SET reminded_at = ? WHERE id = ?", HH_A(HH_I(now), HH_I(c->id)));
    json_decref(a);
    return st;
}

void hh_activity_reminders(hh_app *app)
{
    json_t *due;
    int64_t now = hh_now_ms();
    /* starts_at - remind_minutes ≤ now < starts_at, not yet reminded */
    if (hh_db_query(hh_store_reader(app->store), &due,
                    "SELECT id FROM activities WHERE reminded_at IS NULL AND status = 'open' AND starts_at > ?1"
                    " AND starts_at <= ?1 + 10080 * 60000 AND remind_minutes > 0"
                    " AND starts_at - remind_minutes * 60000 <= ?1 ORDER BY starts_at LIMIT 100",
                    HH_A(HH_I(now))) != HH_OK)
        return;
    size_t i;
    json_t *row;
    json_array_foreach(due, i, row)
    {
        remind_ctx c = {.app = app, .id = iget(row, "id")};
        hh_status st = hh_store_write_sync(app->store, remind_apply, &c);
        if (st != HH_OK)
            hh_warn("activity.remind_failed", "{s:I, s:s}", "activity", (json_int_t)c.id, "status", hh_status_code(st));
        else if (c.sent)
            hh_info("activity.reminded", "{s:I, s:i}", "activity", (json_int_t)c.id, "sent", c.sent);
    }
    json_decref(due);
}
