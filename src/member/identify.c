/*
 * identify.c — the one place where a phone number becomes a member (see
 * hh_member_identify in member.h), lifecycle thresholds, and analytics events.
 */
#include "member/member.h"
#include "points/mall.h"
#include "points/points.h"
#include "touch/touch.h"

#include <stdlib.h>
#include <string.h>

hh_status hh_lifecycle_load(hh_db *db, int64_t enterprise_id, hh_lifecycle *out)
{
    *out = (hh_lifecycle){.new_days = 30, .dormant_days = 90, .churn_days = 365, .reactivated_days = 30};
    json_t *rows;
    hh_status st = hh_db_query(db, &rows,
                               "SELECT key, value FROM enterprise_settings WHERE enterprise_id = ?"
                               " AND key LIKE 'lifecycle.%'",
                               HH_A(HH_I(enterprise_id)));
    if (st) return st;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *k = json_string_value(json_object_get(row, "key"));
        int64_t v;
        if (!hh_parse_i64(json_string_value(json_object_get(row, "value")), &v) || v <= 0) continue;
        if (!strcmp(k, "lifecycle.new_days")) out->new_days = v;
        if (!strcmp(k, "lifecycle.dormant_days")) out->dormant_days = v;
        if (!strcmp(k, "lifecycle.churn_days")) out->churn_days = v;
        if (!strcmp(k, "lifecycle.reactivated_days")) out->reactivated_days = v;
    }
    json_decref(rows);
    return HH_OK;
}

const char *hh_lifecycle_of(const hh_lifecycle *lc, int64_t now, json_t *m)
{
    const char *status = json_string_value(json_object_get(m, "status"));
    if (status && strcmp(status, "live")) return status;
    int64_t created = json_integer_value(json_object_get(m, "created_at"));
    json_t *la = json_object_get(m, "last_active_at"), *ra = json_object_get(m, "reactivated_at");
    int64_t active = json_is_integer(la) ? json_integer_value(la) : created;
    if (json_is_integer(ra) && json_integer_value(ra) > now - lc->reactivated_days * HH_DAY_MS) return "reactivated";
    const char *via = json_string_value(json_object_get(m, "registered_via"));
    if (via && !strcmp(via, "import") && !json_is_integer(la)) return "dormant";
    if (created > now - lc->new_days * HH_DAY_MS) return "new";
    if (active > now - lc->dormant_days * HH_DAY_MS) return "active";
    if (active > now - lc->churn_days * HH_DAY_MS) return "dormant";
    return "churned";
}

hh_status hh_event(hh_db *tx, int64_t enterprise_id, const char *kind, int64_t member_id,
                   int64_t touchpoint_id, int64_t brand_id, int64_t store_id, int64_t staff_id,
                   const char *device_id, json_t *props)
{
    char *p = props ? json_dumps(props, JSON_COMPACT) : NULL;
    hh_status st = hh_db_run(tx, NULL,
                             "INSERT INTO events (enterprise_id, at, kind, member_id, touchpoint_id,"
                             " brand_id, store_id, staff_id, device_id, props_json)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             HH_A(HH_I(enterprise_id), HH_I(hh_now_ms()), HH_S(kind), HH_ID(member_id),
                                  HH_ID(touchpoint_id), HH_ID(brand_id), HH_ID(store_id), HH_ID(staff_id),
                                  HH_S(device_id), HH_S(p)));
    free(p);
    return st;
}

hh_status hh_member_identify(hh_db *tx, hh_identify *id)
{
    int64_t now = hh_now_ms();
    hh_lifecycle lc;
    hh_status st = hh_lifecycle_load(tx, id->enterprise_id, &lc);
    if (st) return st;
    json_t *m = NULL;
    st = hh_db_one(tx, &m,
                   "SELECT id, status, merged_into, CASE WHEN registered_via = 'import' AND last_active_at IS NULL"
                   " THEN 0 ELSE coalesce(last_active_at, created_at) END AS active_at,"
                   " owner_staff_id FROM members WHERE enterprise_id = ? AND phone = ?",
                   HH_A(HH_I(id->enterprise_id), HH_S(id->phone)));
    /* a merged record answers for its survivor */
    for (int hops = 0; st == HH_OK && hops < 8 &&
                       !strcmp(json_string_value(json_object_get(m, "status")), "merged");
         hops++) {
        int64_t next = json_integer_value(json_object_get(m, "merged_into"));
        json_decref(m);
        st = hh_db_one(tx, &m,
                       "SELECT id, status, merged_into, CASE WHEN registered_via = 'import' AND last_active_at"
                       " IS NULL THEN 0 ELSE coalesce(last_active_at, created_at) END AS active_at,"
                       " owner_staff_id FROM members WHERE id = ?",
                       HH_A(HH_I(next)));
    }
    id->created = id->reactivated = false;
    if (st == HH_E_NOT_FOUND) {
        hh_result res;
        st = hh_db_run(tx, &res,
                       "INSERT INTO members (enterprise_id, phone, created_at, updated_at, last_active_at,"
                       " registered_via, owner_staff_id, owner_store_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       HH_A(HH_I(id->enterprise_id), HH_S(id->phone), HH_I(now), HH_I(now), HH_I(now),
                            HH_S(id->via), HH_ID(id->staff_id), HH_ID(id->store_id)));
        if (st) return st;
        id->member_id = res.last_id;
        id->created = true;
    } else if (st == HH_OK) {
        id->member_id = json_integer_value(json_object_get(m, "id"));
        int64_t active_at = json_integer_value(json_object_get(m, "active_at"));
        bool owned = !json_is_null(json_object_get(m, "owner_staff_id"));
        json_decref(m);
        id->reactivated = now - active_at >= lc.dormant_days * HH_DAY_MS;
        st = hh_db_run(tx, NULL,
                       "UPDATE members SET last_active_at = ?1, updated_at = ?1,"
                       " reactivated_at = CASE WHEN ?2 THEN ?1 ELSE reactivated_at END WHERE id = ?3",
                       HH_A(HH_I(now), HH_I(id->reactivated), HH_I(id->member_id)));
        if (st) return st;
        if (!owned && id->staff_id) {
            st = hh_db_run(tx, NULL, "UPDATE members SET owner_staff_id = ?, owner_store_id = ? WHERE id = ?",
                           HH_A(HH_I(id->staff_id), HH_ID(id->store_id), HH_I(id->member_id)));
            if (!st)
                st = hh_db_run(tx, NULL,
                               "INSERT INTO member_owner_history (member_id, to_staff_id, to_store_id, reason, at)"
                               " VALUES (?, ?, ?, 'first owner: registered at the counter', ?)",
                               HH_A(HH_I(id->member_id), HH_I(id->staff_id), HH_ID(id->store_id), HH_I(now)));
            if (st) return st;
        }
    } else {
        return st;
    }

    if ((st = hh_scans_link(tx, id->enterprise_id, id->device_id, id->member_id))) return st;

    /* the first touch's staff owns a new member nobody registered in person */
    json_t *touch = NULL;
    int64_t tp_id = 0, brand_id = 0, store_id = id->store_id, staff_id = id->staff_id;
    if (hh_db_one(tx, &touch,
                  "SELECT tp.id, tp.brand_id, tp.store_id, tp.staff_id FROM members m JOIN touchpoints tp"
                  " ON tp.id = coalesce(m.last_touchpoint_id, m.first_touchpoint_id) WHERE m.id = ?",
                  HH_A(HH_I(id->member_id))) == HH_OK) {
        tp_id = json_integer_value(json_object_get(touch, "id"));
        brand_id = json_integer_value(json_object_get(touch, "brand_id"));
        if (!staff_id) {
            staff_id = json_integer_value(json_object_get(touch, "staff_id"));
            store_id = json_integer_value(json_object_get(touch, "store_id"));
        }
        json_decref(touch);
    }
    if (id->created && !id->staff_id && (staff_id || store_id)) {
        st = hh_db_run(tx, NULL, "UPDATE members SET owner_staff_id = ?, owner_store_id = ? WHERE id = ?",
                       HH_A(HH_ID(staff_id), HH_ID(store_id), HH_I(id->member_id)));
        if (!st)
            st = hh_db_run(tx, NULL,
                           "INSERT INTO member_owner_history (member_id, to_staff_id, to_store_id, reason, at)"
                           " VALUES (?, ?, ?, 'first owner: staff of the first touch', ?)",
                           HH_A(HH_I(id->member_id), HH_ID(staff_id), HH_ID(store_id), HH_I(now)));
        if (st) return st;
    } else if (id->created && id->staff_id) {
        st = hh_db_run(tx, NULL,
                       "INSERT INTO member_owner_history (member_id, to_staff_id, to_store_id, reason, at)"
                       " VALUES (?, ?, ?, 'first owner: registered at the counter', ?)",
                       HH_A(HH_I(id->member_id), HH_I(id->staff_id), HH_ID(id->store_id), HH_I(now)));
        if (st) return st;
    }
    json_t *props = json_pack("{s:s}", "via", id->via);
    const char *kind = id->created ? "member.registered" : id->reactivated ? "member.reactivated" : "member.identified";
    st = hh_event(tx, id->enterprise_id, kind, id->member_id, tp_id, brand_id, store_id, staff_id,
                  id->device_id, props);
    json_decref(props);
    /* registered through a member's referral link: record who referred the person */
    if (!st && id->created && tp_id) st = hh_referral_on_register(tx, id->enterprise_id, id->member_id, tp_id, id->device_id);
    /* registration points by the earn rules (src/points/rules.c) */
    if (!st && id->created)
        st = hh_points_on_register(tx, id->enterprise_id, id->member_id, brand_id, store_id, staff_id, tp_id);
    return st;
}
