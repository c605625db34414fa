/*
 * admin.c — members in the admin console: search, detail, timeline, profile
 * edits, bound identities, ownership (reassign with a reason, bulk transfer
 * when staff leave), merging two records of one person, erasure on request
 * (PIPL) and CSV export. Phones are masked unless the owner asks for them,
 * and every unmasked read or export is audited.
 */
#include "member/internal.h"
#include "core/buf.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/phone.h"
#include "http/app.h"
#include "points/points.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const identity_kinds[] = {"wechat_openid", "wechat_unionid", "app", "mini_program",
                                             "pos", "legacy", NULL};

/* A draw's events (lottery.draw, lottery.win) are not in events_member, the
 * busiest write there is (migration 15): they are found through the member's
 * draws, by the draw's enterprise and time (events_at) and its id in their
 * props. A query by member over the other events repeats the index's
 * condition word for word, so that SQLite uses the partial index. */
#define OTHER_EVENTS "kind NOT IN ('lottery.draw', 'lottery.win')"
#define DRAW_EVENTS_OF(m)                                                                                     \
    "SELECT e.id FROM lottery_draws d JOIN events e ON e.enterprise_id = d.enterprise_id AND e.at = d.at"   \
    " WHERE d.member_id = " m " AND e.member_id = " m " AND e.kind IN ('lottery.draw', 'lottery.win')"      \
    " AND e.props_json ->> 'draw_id' = d.id"

/* Tables whose rows belong to a member and move to the survivor of a merge.
 * Later modules (coupons, points, orders …) add theirs here. */
static const char *const merge_moves[] = {
    "UPDATE member_identities SET member_id = ?1 WHERE member_id = ?2",
    /* an imported legacy number kept on the merged row becomes an identity row of the survivor */
    "INSERT INTO member_identities (enterprise_id, member_id, kind, value, created_at)"
    " SELECT enterprise_id, ?1, 'legacy', legacy_no, created_at FROM members WHERE id = ?2 AND legacy_no IS NOT NULL",
    "UPDATE members SET legacy_no = NULL WHERE id = ?2 AND legacy_no IS NOT NULL",
    "UPDATE member_addresses SET member_id = ?1, is_default = 0 WHERE member_id = ?2",
    "UPDATE scans SET member_id = ?1 WHERE member_id = ?2",
    "UPDATE events SET member_id = ?1 WHERE member_id = ?2 AND " OTHER_EVENTS,
    "UPDATE events SET member_id = ?1 WHERE id IN (" DRAW_EVENTS_OF("?2") ")", /* before the draws move */
    "UPDATE member_owner_history SET member_id = ?1 WHERE member_id = ?2",
    "INSERT INTO member_tags (member_id, tag_id, at) SELECT ?1, tag_id, at FROM member_tags"
    " WHERE member_id = ?2 ON CONFLICT DO NOTHING",
    "DELETE FROM member_tags WHERE member_id = ?2",
    "DELETE FROM sessions WHERE kind = 'member' AND subject_id = ?2",
    /* campaigns and rewards: limits already used add up on the survivor */
    "INSERT INTO campaign_usage (campaign_id, scope, subject_id, day, n, free_draws) SELECT campaign_id, scope, ?1,"
    " day, n, free_draws FROM campaign_usage WHERE scope = 'member' AND subject_id = ?2"
    " ON CONFLICT DO UPDATE SET n = n + excluded.n, free_draws = free_draws + excluded.free_draws",
    "DELETE FROM campaign_usage WHERE scope = 'member' AND subject_id = ?2",
    "UPDATE coupons SET member_id = ?1 WHERE member_id = ?2",
    "UPDATE redemptions SET member_id = ?1 WHERE member_id = ?2",
    "UPDATE lottery_draws SET member_id = ?1 WHERE member_id = ?2",
    "UPDATE lottery_grants SET member_id = ?1 WHERE member_id = ?2",
    "UPDATE lottery_pass_codes SET member_id = ?1 WHERE member_id = ?2",
    "UPDATE red_envelopes SET member_id = ?1 WHERE member_id = ?2",
    "UPDATE sample_requests SET member_id = ?1 WHERE member_id = ?2",
    "UPDATE receipts SET member_id = ?1 WHERE member_id = ?2",
    "UPDATE activity_signups SET member_id = ?1 WHERE member_id = ?2",
    /* gift mall and referrals: the survivor keeps one referral as the referred person */
    "UPDATE gift_orders SET member_id = ?1 WHERE member_id = ?2",
    "UPDATE referrals SET referrer_id = ?1 WHERE referrer_id = ?2",
    "UPDATE referrals SET referred_id = ?1 WHERE referred_id = ?2"
    " AND NOT EXISTS (SELECT 1 FROM referrals WHERE referred_id = ?1)",
    "UPDATE touchpoints SET referrer_member_id = ?1 WHERE referrer_member_id = ?2"
    " AND NOT EXISTS (SELECT 1 FROM touchpoints WHERE referrer_member_id = ?1)",
    NULL,
};

static bool is_unmasked(hh_req *r)
{
    return hh_query_flag(r, "unmasked");
}

static void mask_row(json_t *m)
{
    const char *p = json_string_value(json_object_get(m, "phone"));
    char masked[HH_PHONE_MAX + 8] = "";
    if (p && strncmp(p, "erased:", 7)) hh_phone_mask(p, masked, sizeof masked);
    json_object_set_new(m, "phone_masked", json_string(masked));
}

#define MEMBER_COLS                                                                                 \
    "SELECT m.id, m.phone, m.name, m.gender, m.birthday, m.city_code, m.status, m.merged_into,"     \
    " m.registered_via, m.created_at, m.updated_at, m.last_active_at, m.reactivated_at,"            \
    " m.owner_staff_id, t.name AS owner_staff_name, m.owner_store_id, s.name AS owner_store_name,"  \
    " m.first_touchpoint_id, ft.name AS first_touchpoint_name, ft.channel AS first_channel,"        \
    " m.first_touch_at, m.last_touchpoint_id, lt.name AS last_touchpoint_name,"                    \
    " lt.channel AS last_channel, m.last_touch_at, m.consent_sms AS consent_sms_bool,"              \
    " m.consent_sms_at, m.consent_sms_source, m.consent_wechat AS consent_wechat_bool,"             \
    " m.consent_wechat_at, m.consent_wechat_source FROM members m"                                  \
    " LEFT JOIN staff t ON t.id = m.owner_staff_id LEFT JOIN stores s ON s.id = m.owner_store_id"   \
    " LEFT JOIN touchpoints ft ON ft.id = m.first_touchpoint_id"                                    \
    " LEFT JOIN touchpoints lt ON lt.id = m.last_touchpoint_id"

static hh_status member_full(hh_db *db, hh_req *r, int64_t id, bool unmasked, json_t **out)
{
    hh_status st = hh_db_one(db, out, MEMBER_COLS " WHERE m.id = ?", HH_A(HH_I(id)));
    if (st) return st;
    json_t *m = *out, *rows;
    hh_lifecycle lc;
    if ((st = hh_lifecycle_load(db, r->who.enterprise_id, &lc))) return st;
    json_object_set_new(m, "lifecycle", json_string(hh_lifecycle_of(&lc, hh_now_ms(), m)));
    mask_row(m);
    if (!unmasked) json_object_del(m, "phone");
    if ((st = hh_db_query(db, &rows, "SELECT id, kind, value, created_at FROM member_identity_list WHERE member_id = ? ORDER BY id",
                          HH_A(HH_I(id)))))
        return st;
    json_object_set_new(m, "identities", rows);
    if ((st = hh_db_query(db, &rows,
                          "SELECT id, name, province, city, district, detail, is_default AS is_default_bool"
                          " FROM member_addresses WHERE member_id = ? ORDER BY is_default DESC, id",
                          HH_A(HH_I(id)))))
        return st;
    json_object_set_new(m, "addresses", rows);
    if ((st = hh_db_query(db, &rows,
                          "SELECT h.id, h.at, h.from_staff_id, f.name AS from_staff_name, h.to_staff_id,"
                          " t.name AS to_staff_name, h.to_store_id, h.reason, h.actor_id FROM member_owner_history h"
                          " LEFT JOIN staff f ON f.id = h.from_staff_id LEFT JOIN staff t ON t.id = h.to_staff_id"
                          " WHERE h.member_id = ? ORDER BY h.id DESC",
                          HH_A(HH_I(id)))))
        return st;
    json_object_set_new(m, "owner_history", rows);
    if ((st = hh_db_query(db, &rows,
                          "SELECT g.id, g.name, g.group_name, g.kind FROM member_tags mt JOIN tags g ON g.id = mt.tag_id"
                          " WHERE mt.member_id = ? ORDER BY g.group_name, g.name",
                          HH_A(HH_I(id)))))
        return st;
    json_object_set_new(m, "tags", rows);
    return HH_OK;
}

/* ---- list ---- */

hh_status hh_h_members_list(hh_req *r)
{
    int64_t limit, offset, store_id, staff_id, tag_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "owner_store_id", &store_id)) ||
        (st = hh_query_id(r, "owner_staff_id", &staff_id)) || (st = hh_query_id(r, "tag_id", &tag_id)))
        return st;
    const char *q = hh_query(r, "q"), *lifecycle = hh_query(r, "lifecycle");
    if (q && !*q) q = NULL;
    if (lifecycle && !*lifecycle) lifecycle = NULL;
    static const char *const states[] = {"new", "active", "dormant", "churned", "reactivated", "merged", "erased", NULL};
    bool ok = !lifecycle;
    for (int i = 0; lifecycle && states[i]; i++) ok |= !strcmp(lifecycle, states[i]);
    if (!ok)
        return hh_fail(r, HH_E_INVALID, "lifecycle", "生命周期须为 new、active、dormant、churned、reactivated、merged 或 erased",
                       "lifecycle must be new, active, dormant, churned, reactivated, merged or erased");
    char e164[HH_PHONE_MAX] = "";
    if (q) hh_phone_normalize(q, "CN", false, e164);
    hh_db *db = hh_store_reader(r->app->store);
    hh_lifecycle lc;
    if ((st = hh_lifecycle_load(db, r->who.enterprise_id, &lc))) return st;
    hh_arg a[25] = {HH_SCOPE_ARGS(r), HH_S(*e164 ? e164 : NULL), HH_S(q), HH_S(lifecycle), HH_I(store_id),
                    HH_I(staff_id), HH_I(tag_id), HH_I(limit), HH_I(offset)};
    a[20] = HH_I(hh_now_ms());
    a[21] = HH_I(lc.new_days * HH_DAY_MS);
    a[22] = HH_I(lc.dormant_days * HH_DAY_MS);
    a[23] = HH_I(lc.churn_days * HH_DAY_MS);
    a[24] = HH_I(lc.reactivated_days * HH_DAY_MS);
#define M_WHERE                                                                                       \
    " WHERE m.enterprise_id = ?1 AND (?2 <> 'staff' OR m.owner_store_id = ?4)"                         \
    " AND (?7 IS NOT NULL OR m.status <> 'merged')"                                                    \
    " AND (?6 IS NULL OR m.phone = ?5 OR instr(m.name, ?6) > 0 OR substr(m.phone, -4) = ?6)"           \
    " AND (?7 IS NULL OR " HH_LIFECYCLE_SQL("m") " = ?7) AND (?8 = 0 OR m.owner_store_id = ?8)"      \
    " AND (?9 = 0 OR m.owner_staff_id = ?9) AND (?10 = 0 OR EXISTS (SELECT 1 FROM member_tags mt"     \
    " WHERE mt.member_id = m.id AND mt.tag_id = ?10))"
    json_t *items;
    st = hh_db_query(db, &items, MEMBER_COLS M_WHERE " ORDER BY m.id DESC LIMIT ?11 OFFSET ?12", a, 25);
    if (st) return st;
    size_t i;
    json_t *m;
    json_array_foreach(items, i, m)
    {
        json_object_set_new(m, "lifecycle", json_string(hh_lifecycle_of(&lc, a[20].i, m)));
        mask_row(m);
        json_object_del(m, "phone");
    }
    a[10] = a[11] = HH_NULL;
    return hh_list_reply(r, db, items, "SELECT count(*) FROM members m" M_WHERE, a, 25);
#undef M_WHERE
}

/* ---- detail, with audited unmasking ---- */

static hh_status unmasked_audit_write(hh_db *tx, hh_req *r)
{
    json_t *m;
    hh_status st = member_full(tx, r, r->path_id, true, &m);
    if (st) return st;
    if ((st = hh_audit(tx, r, "member.unmasked_read", "member", r->path_id, NULL, NULL))) {
        json_decref(m);
        return st;
    }
    hh_reply(r, 200, m);
    return HH_OK;
}

hh_status hh_h_member_get(hh_req *r)
{
    if (is_unmasked(r)) {
        hh_scope s = {.enterprise_id = r->who.enterprise_id};
        if (hh_authz(&r->who, HH_ACT_ADMIN, &s) != HH_OK)
            return hh_fail(r, HH_E_FORBIDDEN, "unmasked", "只有企业所有者可以查看完整手机号",
                           "Only the owner can see full phone numbers");
        return hh_req_write(r, unmasked_audit_write);
    }
    json_t *m;
    hh_status st = member_full(hh_store_reader(r->app->store), r, r->path_id, false, &m);
    if (st) return st;
    hh_reply(r, 200, m);
    return HH_OK;
}

hh_status hh_h_member_timeline(hh_req *r)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    json_t *items;
    st = hh_db_query(hh_store_reader(r->app->store), &items,
                     "SELECT 'scan' AS type, sc.id, sc.at, sc.outcome AS kind, sc.touchpoint_id,"
                     " tp.name AS touchpoint_name, tp.channel, tp.store_id, tp.staff_id, NULL AS props_json"
                     " FROM scans sc JOIN touchpoints tp ON tp.id = sc.touchpoint_id WHERE sc.member_id = ?1"
                     " UNION ALL SELECT 'event', e.id, e.at, e.kind, e.touchpoint_id, NULL, NULL, e.store_id,"
                     " e.staff_id, e.props_json FROM events e WHERE e.member_id = ?1 AND e." OTHER_EVENTS
                     " UNION ALL SELECT 'event', e.id, e.at, e.kind, e.touchpoint_id, NULL, NULL, e.store_id,"
                     " e.staff_id, e.props_json FROM events e WHERE e.id IN (" DRAW_EVENTS_OF("?1") ")"
                     " ORDER BY 3 DESC, 2 DESC LIMIT ?2 OFFSET ?3",
                     HH_A(HH_I(r->path_id), HH_I(limit), HH_I(offset)));
    if (st) return st;
    hh_reply(r, 200, json_pack("{s:o}", "items", items));
    return HH_OK;
}

/* ---- profile edit ---- */

static hh_status admin_update_write(hh_db *tx, hh_req *r)
{
    json_t *before, *after;
    hh_status st = member_full(tx, r, r->path_id, false, &before);
    if (st) return st;
    hh_req_own(r, before);
    if (strcmp(json_string_value(json_object_get(before, "status")), "live"))
        return hh_fail(r, HH_E_CONFLICT, NULL, "该会员记录已合并或已删除", "This member record was merged or erased");
    if ((st = hh__write_profile(tx, r->path_id, r->ud)) || (st = member_full(tx, r, r->path_id, false, &after)))
        return st;
    if ((st = hh_audit(tx, r, "member.update", "member", r->path_id, before, after))) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_member_admin_update(hh_req *r)
{
    static const char *const allowed[] = {"name", "gender", "birthday", "city_code", NULL};
    hh__profile *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) || (st = hh__read_profile(r, in))) return st;
    return hh_req_write(r, admin_update_write);
}

/* ---- identities ---- */

typedef struct {
    const char *kind, *value, *reason;
    int64_t staff_id, from_staff_id, to_staff_id, survivor_id, merged_id;
    int64_t to_store_id;
} admin_in;

static hh_status identity_add_write(hh_db *tx, hh_req *r)
{
    admin_in *in = r->ud;
    int64_t other = 0, live = 0;
    hh_status st = hh_db_int(tx, &live, "SELECT count(*) FROM members WHERE id = ? AND status = 'live'",
                             HH_A(HH_I(r->path_id)));
    if (st) return st;
    if (!live) return hh_fail(r, HH_E_CONFLICT, NULL, "该会员记录已合并或已删除", "This member record was merged or erased");
    st = hh_db_int(tx, &other,
                             "SELECT member_id FROM member_identity_list WHERE enterprise_id = ? AND kind = ? AND value = ?",
                             HH_A(HH_I(r->who.enterprise_id), HH_S(in->kind), HH_S(in->value)));
    if (st == HH_OK)
        return other == r->path_id
                   ? hh_fail(r, HH_E_CONFLICT, "value", "该身份已绑定在此会员上", "This identity is already bound to this member")
                   : hh_fail(r, HH_E_CONFLICT, "value", "该身份已绑定其他会员（一个身份只能对应一个会员）",
                             "This identity belongs to another member (one identity, one member)");
    if (st != HH_E_NOT_FOUND) return st;
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO member_identities (enterprise_id, member_id, kind, value, created_at) VALUES (?, ?, ?, ?, ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_I(r->path_id), HH_S(in->kind), HH_S(in->value), HH_I(hh_now_ms())));
    if (st) return st;
    json_t *row;
    if ((st = hh_db_one(tx, &row, "SELECT id, member_id, kind, value, created_at FROM member_identities WHERE id = ?",
                        HH_A(HH_I(res.last_id)))))
        return st;
    if ((st = hh_audit(tx, r, "member.identity_bind", "member", r->path_id, NULL, row))) {
        json_decref(row);
        return st;
    }
    hh_reply(r, 201, row);
    return HH_OK;
}

hh_status hh_h_member_identity_add(hh_req *r)
{
    static const char *const allowed[] = {"kind", "value", NULL};
    admin_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "kind", true, 16, &in->kind, NULL)) ||
        (st = hh_field_str(r, "value", true, 128, &in->value, NULL)))
        return st;
    bool ok = false;
    for (int i = 0; identity_kinds[i]; i++) ok |= !strcmp(in->kind, identity_kinds[i]);
    if (!ok)
        return hh_fail(r, HH_E_INVALID, "kind", "身份类型须为 wechat_openid、wechat_unionid、app、mini_program、pos 或 legacy",
                       "kind must be wechat_openid, wechat_unionid, app, mini_program, pos or legacy");
    return hh_req_write(r, identity_add_write);
}

static hh_status identity_delete_write(hh_db *tx, hh_req *r)
{
    json_t *row;
    bool on_row = r->path_id > HH__ROW_IDENTITY_BASE;
    hh_status st = on_row ? hh_db_one(tx, &row,
                                      "SELECT ?1 AS id, enterprise_id, id AS member_id, 'legacy' AS kind, legacy_no AS value"
                                      " FROM members WHERE id = ?2 AND legacy_no IS NOT NULL",
                                      HH_A(HH_I(r->path_id), HH_I(r->path_id - HH__ROW_IDENTITY_BASE)))
                          : hh_db_one(tx, &row,
                                      "SELECT id, enterprise_id, member_id, kind, value FROM member_identities WHERE id = ?",
                                      HH_A(HH_I(r->path_id)));
    if (st == HH_OK && json_integer_value(json_object_get(row, "enterprise_id")) != r->who.enterprise_id) {
        json_decref(row);
        st = HH_E_NOT_FOUND;
    }
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "身份不存在", "No such identity");
    if (st) return st;
    hh_req_own(r, row);
    st = on_row ? hh_db_run(tx, NULL, "UPDATE members SET legacy_no = NULL WHERE id = ?",
                            HH_A(HH_I(r->path_id - HH__ROW_IDENTITY_BASE)))
                : hh_db_run(tx, NULL, "DELETE FROM member_identities WHERE id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    return hh_audit(tx, r, "member.identity_unbind", "member", json_integer_value(json_object_get(row, "member_id")),
                    row, NULL);
}

hh_status hh_h_member_identity_delete(hh_req *r)
{
    return hh_req_write(r, identity_delete_write);
}

/* ---- ownership ---- */

/* The staff member must be live, of this enterprise and within the caller's scope. */
static hh_status check_owner_staff(hh_req *r, const char *field, int64_t staff_id)
{
    hh_scope s;
    hh_status st = hh_scope_load(hh_store_reader(r->app->store), HH_T_STAFF, staff_id, &s);
    if (st == HH_E_NOT_FOUND || (st == HH_OK && s.enterprise_id != r->who.enterprise_id))
        return hh_fail(r, HH_E_INVALID, field, "员工不存在", "No such staff member");
    if (st) return st;
    if (hh_authz(&r->who, HH_ACT_STAFF_WRITE, &s) != HH_OK)
        return hh_fail(r, HH_E_FORBIDDEN, field, "该员工不在您的管辖范围内", "This staff member is outside your scope");
    return HH_OK;
}

static hh_status owner_write(hh_db *tx, hh_req *r)
{
    admin_in *in = r->ud;
    json_t *before;
    hh_status st = hh_db_one(tx, &before, "SELECT owner_staff_id, owner_store_id, status FROM members WHERE id = ?",
                             HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, before);
    if (strcmp(json_string_value(json_object_get(before, "status")), "live"))
        return hh_fail(r, HH_E_CONFLICT, NULL, "该会员记录已合并或已删除", "This member record was merged or erased");
    int64_t store = 0;
    st = hh_db_int(tx, &store, "SELECT store_id FROM staff WHERE id = ? AND archived_at IS NULL", HH_A(HH_I(in->staff_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, HH_E_INVALID, "staff_id", "该员工已归档", "This staff member is archived");
    if (st) return st;
    int64_t now = hh_now_ms();
    if ((st = hh_db_run(tx, NULL, "UPDATE members SET owner_staff_id = ?, owner_store_id = ?, updated_at = ? WHERE id = ?",
                        HH_A(HH_I(in->staff_id), HH_I(store), HH_I(now), HH_I(r->path_id)))) ||
        (st = hh_db_run(tx, NULL,
                        "INSERT INTO member_owner_history (member_id, from_staff_id, to_staff_id, from_store_id,"
                        " to_store_id, reason, actor_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        HH_A(HH_I(r->path_id), HH_ID(json_integer_value(json_object_get(before, "owner_staff_id"))),
                             HH_I(in->staff_id), HH_ID(json_integer_value(json_object_get(before, "owner_store_id"))),
                             HH_I(store), HH_S(in->reason), HH_I(r->who.id), HH_I(now)))))
        return st;
    json_t *after = json_pack("{s:I, s:I, s:s}", "owner_staff_id", (json_int_t)in->staff_id, "owner_store_id",
                              (json_int_t)store, "reason", in->reason);
    hh_req_own(r, after);
    if ((st = hh_audit(tx, r, "member.reassign", "member", r->path_id, before, after))) return st;
    json_t *m;
    if ((st = member_full(tx, r, r->path_id, false, &m))) return st;
    hh_reply(r, 200, m);
    return HH_OK;
}

hh_status hh_h_member_owner(hh_req *r)
{
    static const char *const allowed[] = {"staff_id", "reason", NULL};
    admin_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "staff_id", true, 1, INT64_MAX, &in->staff_id, NULL)) ||
        (st = hh_field_str(r, "reason", true, 200, &in->reason, NULL)) ||
        (st = check_owner_staff(r, "staff_id", in->staff_id)))
        return st;
    return hh_req_write(r, owner_write);
}

static hh_status transfer_write(hh_db *tx, hh_req *r)
{
    admin_in *in = r->ud;
    int64_t store = 0, now = hh_now_ms();
    hh_status st = hh_db_int(tx, &store, "SELECT store_id FROM staff WHERE id = ? AND archived_at IS NULL",
                             HH_A(HH_I(in->to_staff_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, HH_E_INVALID, "to_staff_id", "接收员工已归档", "The receiving staff member is archived");
    if (st) return st;
    if ((st = hh_db_run(tx, NULL,
                        "INSERT INTO member_owner_history (member_id, from_staff_id, to_staff_id, from_store_id,"
                        " to_store_id, reason, actor_id, at) SELECT id, owner_staff_id, ?1, owner_store_id, ?2, ?3, ?4, ?5"
                        " FROM members WHERE owner_staff_id = ?6 AND status = 'live'",
                        HH_A(HH_I(in->to_staff_id), HH_I(store), HH_S(in->reason), HH_I(r->who.id), HH_I(now),
                             HH_I(in->from_staff_id)))))
        return st;
    hh_result res;
    if ((st = hh_db_run(tx, &res,
                        "UPDATE members SET owner_staff_id = ?1, owner_store_id = ?2, updated_at = ?3"
                        " WHERE owner_staff_id = ?4 AND status = 'live'",
                        HH_A(HH_I(in->to_staff_id), HH_I(store), HH_I(now), HH_I(in->from_staff_id)))))
        return st;
    json_t *summary = json_pack("{s:I, s:I, s:I, s:s}", "from_staff_id", (json_int_t)in->from_staff_id, "to_staff_id",
                                (json_int_t)in->to_staff_id, "moved", (json_int_t)res.changes, "reason", in->reason);
    hh_req_own(r, summary);
    if ((st = hh_audit(tx, r, "member.transfer", "staff", in->from_staff_id, NULL, summary))) return st;
    hh_reply(r, 200, json_incref(summary));
    return HH_OK;
}

hh_status hh_h_members_transfer(hh_req *r)
{
    static const char *const allowed[] = {"from_staff_id", "to_staff_id", "reason", NULL};
    admin_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "from_staff_id", true, 1, INT64_MAX, &in->from_staff_id, NULL)) ||
        (st = hh_field_int(r, "to_staff_id", true, 1, INT64_MAX, &in->to_staff_id, NULL)) ||
        (st = hh_field_str(r, "reason", true, 200, &in->reason, NULL)) ||
        (st = check_owner_staff(r, "from_staff_id", in->from_staff_id)) ||
        (st = check_owner_staff(r, "to_staff_id", in->to_staff_id)))
        return st;
    if (in->from_staff_id == in->to_staff_id)
        return hh_fail(r, HH_E_INVALID, "to_staff_id", "转出和转入员工不能相同", "The two staff members must differ");
    return hh_req_write(r, transfer_write);
}

/* ---- merge ---- */

static hh_status merge_write(hh_db *tx, hh_req *r)
{
    r->auth_changed = true;
    admin_in *in = r->ud;
    json_t *a, *b;
    hh_status st = member_full(tx, r, in->survivor_id, true, &a);
    if (st == HH_E_NOT_FOUND) return hh_fail(r, HH_E_INVALID, "survivor_id", "会员不存在", "No such member");
    if (st) return st;
    hh_req_own(r, a);
    st = member_full(tx, r, in->merged_id, true, &b);
    if (st == HH_E_NOT_FOUND) return hh_fail(r, HH_E_INVALID, "merged_id", "会员不存在", "No such member");
    if (st) return st;
    hh_req_own(r, b);
    int64_t ent_a = 0, ent_b = 0;
    hh_db_int(tx, &ent_a, "SELECT enterprise_id FROM members WHERE id = ?", HH_A(HH_I(in->survivor_id)));
    hh_db_int(tx, &ent_b, "SELECT enterprise_id FROM members WHERE id = ?", HH_A(HH_I(in->merged_id)));
    if (ent_a != r->who.enterprise_id) return hh_fail(r, HH_E_INVALID, "survivor_id", "会员不存在", "No such member");
    if (ent_b != r->who.enterprise_id) return hh_fail(r, HH_E_INVALID, "merged_id", "会员不存在", "No such member");
    if (strcmp(json_string_value(json_object_get(a, "status")), "live"))
        return hh_fail(r, HH_E_CONFLICT, "survivor_id", "保留的会员记录已合并或已删除", "The surviving record was merged or erased");
    if (strcmp(json_string_value(json_object_get(b, "status")), "live"))
        return hh_fail(r, HH_E_CONFLICT, "merged_id", "该会员记录已合并或已删除", "This record was already merged or erased");
    for (int i = 0; merge_moves[i]; i++)
        if ((st = hh_db_run(tx, NULL, merge_moves[i], HH_A(HH_I(in->survivor_id), HH_I(in->merged_id))))) return st;
    /* points move in one ledger transfer, lots with their expiry (src/points/ledger.c) */
    if ((st = hh_points_merge(tx, r->who.enterprise_id, in->survivor_id, in->merged_id))) return st;
    /* the survivor keeps its own profile and fills blanks from the other; the
     * most recent consent decision wins; the person is a member since the
     * earlier registration; first touch is the earlier one, last the later */
    st = hh_db_run(tx, NULL,
                   "UPDATE members SET"
                   " name = CASE WHEN name = '' THEN (SELECT name FROM members WHERE id = ?2) ELSE name END,"
                   " gender = CASE WHEN gender = 'unknown' THEN (SELECT gender FROM members WHERE id = ?2) ELSE gender END,"
                   " birthday = coalesce(birthday, (SELECT birthday FROM members WHERE id = ?2)),"
                   " city_code = coalesce(city_code, (SELECT city_code FROM members WHERE id = ?2)),"
                   " owner_staff_id = coalesce(owner_staff_id, (SELECT owner_staff_id FROM members WHERE id = ?2)),"
                   " owner_store_id = coalesce(owner_store_id, (SELECT owner_store_id FROM members WHERE id = ?2)),"
                   " created_at = min(created_at, (SELECT created_at FROM members WHERE id = ?2)),"
                   " last_active_at = max(coalesce(last_active_at, 0), coalesce((SELECT last_active_at FROM members WHERE id = ?2), 0)),"
                   " first_touchpoint_id = CASE WHEN first_touch_at IS NULL OR coalesce((SELECT first_touch_at FROM members WHERE id = ?2), first_touch_at) < first_touch_at"
                   "   THEN coalesce((SELECT first_touchpoint_id FROM members WHERE id = ?2), first_touchpoint_id) ELSE first_touchpoint_id END,"
                   " first_touch_at = min(coalesce(first_touch_at, 9e18), coalesce((SELECT first_touch_at FROM members WHERE id = ?2), 9e18)),"
                   " last_touchpoint_id = CASE WHEN coalesce((SELECT last_touch_at FROM members WHERE id = ?2), 0) > coalesce(last_touch_at, 0)"
                   "   THEN (SELECT last_touchpoint_id FROM members WHERE id = ?2) ELSE last_touchpoint_id END,"
                   " last_touch_at = max(coalesce(last_touch_at, 0), coalesce((SELECT last_touch_at FROM members WHERE id = ?2), 0)),"
                   " consent_sms = CASE WHEN coalesce((SELECT consent_sms_at FROM members WHERE id = ?2), 0) > coalesce(consent_sms_at, 0)"
                   "   THEN (SELECT consent_sms FROM members WHERE id = ?2) ELSE consent_sms END,"
                   " consent_sms_at = max(coalesce(consent_sms_at, 0), coalesce((SELECT consent_sms_at FROM members WHERE id = ?2), 0)),"
                   " consent_wechat = CASE WHEN coalesce((SELECT consent_wechat_at FROM members WHERE id = ?2), 0) > coalesce(consent_wechat_at, 0)"
                   "   THEN (SELECT consent_wechat FROM members WHERE id = ?2) ELSE consent_wechat END,"
                   " consent_wechat_at = max(coalesce(consent_wechat_at, 0), coalesce((SELECT consent_wechat_at FROM members WHERE id = ?2), 0)),"
                   " updated_at = ?3 WHERE id = ?1",
                   HH_A(HH_I(in->survivor_id), HH_I(in->merged_id), HH_I(hh_now_ms())));
    if (st) return st;
    /* zero timestamps mean "never" */
    if ((st = hh_db_run(tx, NULL,
                        "UPDATE members SET first_touch_at = CASE WHEN first_touch_at >= 9e18 THEN NULL ELSE first_touch_at END,"
                        " last_touch_at = nullif(last_touch_at, 0), last_active_at = nullif(last_active_at, 0),"
                        " consent_sms_at = nullif(consent_sms_at, 0), consent_wechat_at = nullif(consent_wechat_at, 0)"
                        " WHERE id = ?",
                        HH_A(HH_I(in->survivor_id)))) ||
        (st = hh_db_run(tx, NULL, "UPDATE members SET status = 'merged', merged_into = ?, updated_at = ? WHERE id = ?",
                        HH_A(HH_I(in->survivor_id), HH_I(hh_now_ms()), HH_I(in->merged_id)))))
        return st;
    json_t *after;
    if ((st = member_full(tx, r, in->survivor_id, false, &after))) return st;
    json_t *before = json_pack("{s:O, s:O, s:s}", "survivor", a, "merged", b, "reason", in->reason);
    hh_req_own(r, before);
    json_object_del(json_object_get(before, "survivor"), "phone");
    json_object_del(json_object_get(before, "merged"), "phone");
    if ((st = hh_audit(tx, r, "member.merge", "member", in->survivor_id, before, after)) ||
        (st = hh_event(tx, r->who.enterprise_id, "member.merged", in->survivor_id, 0, 0, 0, 0, NULL,
                       hh_req_own(r, json_pack("{s:I}", "merged_id", (json_int_t)in->merged_id))))) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_members_merge(hh_req *r)
{
    static const char *const allowed[] = {"survivor_id", "merged_id", "reason", NULL};
    admin_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "survivor_id", true, 1, INT64_MAX, &in->survivor_id, NULL)) ||
        (st = hh_field_int(r, "merged_id", true, 1, INT64_MAX, &in->merged_id, NULL)) ||
        (st = hh_field_str(r, "reason", true, 200, &in->reason, NULL)))
        return st;
    if (in->survivor_id == in->merged_id)
        return hh_fail(r, HH_E_INVALID, "merged_id", "不能把会员与自己合并", "A member cannot be merged with itself");
    return hh_req_write(r, merge_write);
}

/* ---- erasure (PIPL): personal data goes, aggregates stay ---- */

static hh_status erase_write(hh_db *tx, hh_req *r)
{
    r->auth_changed = true;
    admin_in *in = r->ud;
    json_t *m;
    hh_status st = hh_db_one(tx, &m, "SELECT status FROM members WHERE id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    bool live = !strcmp(json_string_value(json_object_get(m, "status")), "live");
    json_decref(m);
    if (!live) return hh_fail(r, HH_E_CONFLICT, NULL, "该会员记录已合并或已删除", "This member record was merged or erased");
    static const char *const steps[] = {
        "UPDATE members SET phone = 'erased:' || id, name = '', gender = 'unknown', birthday = NULL, city_code = NULL,"
        " legacy_no = NULL,"
        " consent_sms = 0, consent_wechat = 0, consent_sms_source = NULL, consent_wechat_source = NULL,"
        " status = 'erased', updated_at = ?2 WHERE id = ?1",
        "DELETE FROM member_addresses WHERE member_id = ?1",
        "DELETE FROM member_identities WHERE member_id = ?1",
        "DELETE FROM member_tags WHERE member_id = ?1",
        "DELETE FROM sessions WHERE kind = 'member' AND subject_id = ?1",
        "UPDATE scans SET device_id = NULL, user_agent = NULL, referrer = NULL, ip = NULL WHERE member_id = ?1",
        "UPDATE events SET device_id = NULL WHERE member_id = ?1 AND " OTHER_EVENTS, /* a draw's carry none */
        NULL};
    for (int i = 0; steps[i]; i++)
        if ((st = hh_db_run(tx, NULL, steps[i], HH_A(HH_I(r->path_id), HH_I(hh_now_ms()))))) return st;
    if ((st = hh_audit(tx, r, "member.erase", "member", r->path_id, NULL,
                       hh_req_own(r, json_pack("{s:s}", "reason", in->reason)))))
        return st;
    hh_reply(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)r->path_id, "status", "erased"));
    return HH_OK;
}

hh_status hh_h_member_erase(hh_req *r)
{
    static const char *const allowed[] = {"reason", NULL};
    admin_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "reason", true, 200, &in->reason, NULL)))
        return st;
    return hh_req_write(r, erase_write);
}

/* ---- CSV export ---- */

#define EXPORT_MAX 200000

static hh_status export_build(hh_db *db, hh_req *r, bool unmasked)
{
    json_t *rows;
    /* the same scope as the member list: staff export their store's members */
    hh_status st = hh_db_query(db, &rows,
                               MEMBER_COLS " WHERE m.enterprise_id = ?1 AND (?2 <> 'staff' OR m.owner_store_id = ?4)"
                               " AND m.status = 'live' ORDER BY m.id LIMIT ?5",
                               HH_A(HH_SCOPE_ARGS(r), HH_I(EXPORT_MAX)));
    if (st) return st;
    hh_lifecycle lc;
    if ((st = hh_lifecycle_load(db, r->who.enterprise_id, &lc))) {
        json_decref(rows);
        return st;
    }
    hh_buf b = {0};
    hh_buf_add(&b, "\xEF\xBB\xBF", 3); /* BOM: Excel opens UTF-8 CSV correctly */
    static const char *const head[] = {"会员ID", "手机号", "姓名", "性别", "生日", "城市代码", "生命周期", "注册方式",
                                       "归属门店", "归属导购", "注册时间(UTC)", "最近活跃(UTC)"};
    for (size_t i = 0; i < HH_ARRAY_LEN(head); i++) hh_buf_csv(&b, head[i], i + 1 == HH_ARRAY_LEN(head));
    int64_t now = hh_now_ms();
    size_t i;
    json_t *m;
    json_array_foreach(rows, i, m)
    {
        char id[24], masked[HH_PHONE_MAX + 8], created[32] = "", active[32] = "";
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(m, "id")));
        const char *phone = json_string_value(json_object_get(m, "phone"));
        hh_phone_mask(phone, masked, sizeof masked);
        time_t t = (time_t)(json_integer_value(json_object_get(m, "created_at")) / 1000);
        struct tm tm;
        strftime(created, sizeof created, "%Y-%m-%d %H:%M:%S", gmtime_r(&t, &tm));
        if (json_is_integer(json_object_get(m, "last_active_at"))) {
            t = (time_t)(json_integer_value(json_object_get(m, "last_active_at")) / 1000);
            strftime(active, sizeof active, "%Y-%m-%d %H:%M:%S", gmtime_r(&t, &tm));
        }
        const char *cells[] = {id, unmasked ? phone : masked, json_string_value(json_object_get(m, "name")),
                               json_string_value(json_object_get(m, "gender")),
                               json_string_value(json_object_get(m, "birthday")),
                               json_string_value(json_object_get(m, "city_code")), hh_lifecycle_of(&lc, now, m),
                               json_string_value(json_object_get(m, "registered_via")),
                               json_string_value(json_object_get(m, "owner_store_name")),
                               json_string_value(json_object_get(m, "owner_staff_name")), created, active};
        for (size_t k = 0; k < HH_ARRAY_LEN(cells); k++) hh_buf_csv(&b, cells[k], k + 1 == HH_ARRAY_LEN(cells));
    }
    json_decref(rows);
    hh_reply_raw(r, 200, "text/csv; charset=utf-8", b.data, b.len);
    r->content_disposition = unmasked ? "attachment; filename=\"members-unmasked.csv\""
                                      : "attachment; filename=\"members.csv\"";
    return HH_OK;
}

static hh_status export_audit_write(hh_db *tx, hh_req *r)
{
    return hh_audit(tx, r, "member.export_unmasked", "member", 0, NULL, NULL);
}

/* Build the file on a worker (never on the writer), then record the audit
 * entry; the file is sent only once the entry is durable. */
static hh_status export_unmasked(hh_req *r)
{
    hh_status st = export_build(hh_store_reader(r->app->store), r, true);
    if (st) return st;
    return hh_req_write(r, export_audit_write);
}

hh_status hh_h_members_export(hh_req *r)
{
    if (is_unmasked(r)) {
        hh_scope s = {.enterprise_id = r->who.enterprise_id};
        if (hh_authz(&r->who, HH_ACT_ADMIN, &s) != HH_OK)
            return hh_fail(r, HH_E_FORBIDDEN, "unmasked", "只有企业所有者可以导出完整手机号",
                           "Only the owner can export full phone numbers");
        return hh_req_async(r, export_unmasked);
    }
    return export_build(hh_store_reader(r->app->store), r, false);
}
