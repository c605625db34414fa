/*
 * redeem_admin.c — the enterprise's redemption settings (the undo window) and
 * the demo's counter data. The lists and undo live in redeem.c.
 */
#include "reward/reward.h"
#include "auth/auth.h"
#include "http/app.h"

#include <string.h>

#define UNDO_KEY "redemption.undo_minutes"
#define UNDO_MAX (7 * 24 * 60)

int64_t hh_redeem_undo_minutes(hh_db *db, int64_t enterprise_id)
{
    json_t *row = NULL;
    int64_t v = HH_REDEEM_UNDO_MINUTES;
    if (hh_db_one(db, &row, "SELECT value FROM enterprise_settings WHERE enterprise_id = ? AND key = ?",
                  HH_A(HH_I(enterprise_id), HH_S(UNDO_KEY))) == HH_OK) {
        int64_t x;
        if (hh_parse_i64(json_string_value(json_object_get(row, "value")), &x) && x >= 0 && x <= UNDO_MAX) v = x;
    }
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

/* ------------------------------------------------------------------- demo */

/* The demo's counter benefits: a gift to collect at any Lumina counter and a
 * Qinghe cash coupon, both claimable by members in the H5 and issuable by
 * staff ("发券" in the staff app), valid 30 days from issue. No members or
 * redemptions are seeded: the demo enterprise starts without members (the
 * test suites count them), and a person trying the demo registers one at the
 * counter, hands out a coupon and redeems it. */
static hh_status demo_template(hh_db *tx, int64_t ent, int64_t brand, const char *name, const char *desc,
                               const char *kind, int64_t value_fen, const char *gift, int64_t min_spend)
{
    int64_t id = 0;
    if (hh_db_int(tx, &id, "SELECT id FROM coupon_templates WHERE enterprise_id = ? AND name = ?",
                  HH_A(HH_I(ent), HH_S(name))) == HH_OK)
        return HH_OK;
    int64_t now = hh_now_ms();
    return hh_db_run(tx, NULL,
                     "INSERT INTO coupon_templates (enterprise_id, brand_id, name, description, kind, value_fen,"
                     " gift_name, min_spend_fen, validity, valid_days, per_member_limit, claimable, created_at,"
                     " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'relative', 30, 1, 1, ?, ?)",
                     HH_A(HH_I(ent), HH_I(brand), HH_S(name), HH_S(desc), HH_S(kind),
                          value_fen ? HH_I(value_fen) : HH_NULL, HH_S(gift), HH_I(min_spend), HH_I(now), HH_I(now)));
}

static hh_status demo_apply(hh_db *tx, void *ud)
{
    (void)ud;
    int64_t ent = 0, lumina = 0, qinghe = 0;
    hh_status st = hh_db_int(tx, &ent, "SELECT id FROM enterprises WHERE name = '活化演示企业'", HH_A());
    if (!st) st = hh_db_int(tx, &lumina, "SELECT id FROM brands WHERE enterprise_id = ? AND code = 'LUMINA'", HH_A(HH_I(ent)));
    if (!st) st = hh_db_int(tx, &qinghe, "SELECT id FROM brands WHERE enterprise_id = ? AND code = 'QINGHE'", HH_A(HH_I(ent)));
    if (st) return st == HH_E_NOT_FOUND ? HH_OK : st; /* not the demo enterprise: nothing to add */
    if ((st = demo_template(tx, ent, lumina, "到店礼：澄光精华旅行装", "到任一澄光专柜出示会员码即可领取",
                            "gift", 0, "澄光精华液 7ml 旅行装", 0)) ||
        (st = demo_template(tx, ent, qinghe, "青禾满 199 减 30", "青禾专柜消费满 199 元可用", "cash", 3000, NULL, 19900)))
        return st;
    return HH_OK;
}

hh_status hh_demo_redeem(hh_store *store)
{
    return hh_store_write_sync(store, demo_apply, NULL);
}
