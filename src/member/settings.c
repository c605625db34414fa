/*
 * settings.c — the enterprise's lifecycle thresholds (days), read by every
 * lifecycle computation (hh_lifecycle_load).
 */
#include "member/member.h"
#include "auth/auth.h"
#include "http/app.h"

static json_t *thresholds_json(const hh_lifecycle *lc)
{
    return json_pack("{s:I, s:I, s:I, s:I}", "new_days", (json_int_t)lc->new_days, "dormant_days",
                     (json_int_t)lc->dormant_days, "churn_days", (json_int_t)lc->churn_days, "reactivated_days",
                     (json_int_t)lc->reactivated_days);
}

hh_status hh_h_lifecycle_get(hh_req *r)
{
    hh_lifecycle lc;
    hh_status st = hh_lifecycle_load(hh_store_reader(r->app->store), r->who.enterprise_id, &lc);
    if (st) return st;
    hh_reply(r, 200, thresholds_json(&lc));
    return HH_OK;
}

static hh_status lifecycle_write(hh_db *tx, hh_req *r)
{
    hh_lifecycle *lc = r->ud, before;
    hh_status st = hh_lifecycle_load(tx, r->who.enterprise_id, &before);
    if (st) return st;
    const struct {
        const char *key;
        int64_t v;
    } kv[] = {{"lifecycle.new_days", lc->new_days},
              {"lifecycle.dormant_days", lc->dormant_days},
              {"lifecycle.churn_days", lc->churn_days},
              {"lifecycle.reactivated_days", lc->reactivated_days}};
    for (size_t i = 0; i < HH_ARRAY_LEN(kv) && !st; i++)
        st = hh_db_run(tx, NULL,
                       "INSERT INTO enterprise_settings (enterprise_id, key, value) VALUES (?, ?, ?)"
                       " ON CONFLICT (enterprise_id, key) DO UPDATE SET value = excluded.value",
                       HH_A(HH_I(r->who.enterprise_id), HH_S(kv[i].key), HH_S(hh_sprintf(r->arena, "%lld", (long long)kv[i].v))));
    if (st) return st;
    json_t *after = thresholds_json(lc);
    st = hh_audit(tx, r, "settings.lifecycle", "enterprise", r->who.enterprise_id,
                  hh_req_own(r, thresholds_json(&before)), after);
    if (st) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_lifecycle_put(hh_req *r)
{
    static const char *const allowed[] = {"new_days", "dormant_days", "churn_days", "reactivated_days", NULL};
    hh_lifecycle *lc = hh_alloc(r->arena, sizeof *lc);
    r->ud = lc;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "new_days", true, 1, 3650, &lc->new_days, NULL)) ||
        (st = hh_field_int(r, "dormant_days", true, 1, 3650, &lc->dormant_days, NULL)) ||
        (st = hh_field_int(r, "churn_days", true, 1, 3650, &lc->churn_days, NULL)) ||
        (st = hh_field_int(r, "reactivated_days", true, 1, 3650, &lc->reactivated_days, NULL)))
        return st;
    if (lc->dormant_days >= lc->churn_days)
        return hh_fail(r, HH_E_INVALID, "churn_days", "流失天数须大于沉睡天数", "churn_days must be greater than dormant_days");
    if (lc->new_days > lc->dormant_days)
        return hh_fail(r, HH_E_INVALID, "new_days", "新会员天数不能大于沉睡天数", "new_days cannot exceed dormant_days");
    return hh_req_write(r, lifecycle_write);
}
