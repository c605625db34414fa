/*
 * receipt_demo.c — demo data of receipts and store events for `huohua demo`:
 * two amount tiers for Lumina (spend ¥200 → a ¥20 coupon, spend ¥500 → a ¥60
 * coupon; both templates are issued only through receipts) and two upcoming
 * events at store 1, where ba001 works. Runs once per database.
 */
#include "reward/reward.h"
#include "core/localtime.h"

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static hh_status demo_apply(hh_db *tx, void *ud)
{
    (void)ud;
    json_t *e;
    hh_status st = hh_db_one(tx, &e,
                             "SELECT a.enterprise_id, (SELECT id FROM brands WHERE enterprise_id = a.enterprise_id"
                             " AND code = 'LUMINA') AS lumina, (SELECT id FROM brands WHERE enterprise_id ="
                             " a.enterprise_id AND code = 'QINGHE') AS qinghe, (SELECT min(id) FROM stores WHERE"
                             " enterprise_id = a.enterprise_id) AS store, (SELECT count(*) FROM receipt_tiers t"
                             " WHERE t.enterprise_id = a.enterprise_id) AS tiers FROM accounts a WHERE a.login = 'admin'",
                             HH_A());
    if (st == HH_E_NOT_FOUND) return HH_OK;
    if (st) return st;
    int64_t ent = iget(e, "enterprise_id"), lumina = iget(e, "lumina"), qinghe = iget(e, "qinghe");
    int64_t store = iget(e, "store"), tiers = iget(e, "tiers");
    json_decref(e);
    if (tiers || !lumina || !qinghe || !store) return HH_OK;
    int64_t now = hh_now_ms();
    static const struct {
        const char *tier, *coupon;
        int64_t min_fen, value_fen;
    } levels[] = {
        {"满 200 元", "小票满额礼 ¥20 代金券", 20000, 2000},
        {"满 500 元", "小票满额礼 ¥60 代金券", 50000, 6000},
    };
    for (size_t i = 0; i < HH_ARRAY_LEN(levels) && !st; i++) {
        hh_result res;
        st = hh_db_run(tx, &res,
                       "INSERT INTO coupon_templates (enterprise_id, brand_id, name, description, kind, value_fen,"
                       " min_spend_fen, validity, valid_days, claimable, created_at, updated_at)"
                       " VALUES (?, ?, ?, '上传购物小票审核通过后发放', 'cash', ?, ?, 'relative', 30, 0, ?, ?)",
                       HH_A(HH_I(ent), HH_I(lumina), HH_S(levels[i].coupon), HH_I(levels[i].value_fen),
                            HH_I(levels[i].value_fen * 5), HH_I(now), HH_I(now)));
        if (!st)
            st = hh_db_run(tx, NULL,
                           "INSERT INTO receipt_tiers (enterprise_id, brand_id, name, min_amount_fen, coupon_template_id,"
                           " points, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           HH_A(HH_I(ent), HH_I(lumina), HH_S(levels[i].tier), HH_I(levels[i].min_fen),
                                HH_I(res.last_id), HH_I(levels[i].min_fen / 100), HH_I(now), HH_I(now)));
    }
    /* two events at store 1: in three days and in eight days, in the afternoon */
    hh_local l;
    hh_local_parts("Asia/Shanghai", now, &l);
    int64_t day0 = hh_local_start("Asia/Shanghai", l.year, l.month, l.day);
    static const struct {
        int brand, days, hour, hours, capacity;
        const char *title, *desc;
    } events[] = {
        {0, 3, 14, 2, 12, "澄光新品精华体验课",
         "由品牌护肤顾问讲解新品精华的使用方法，现场肤质检测，到场签到即送旅行装小样。"},
        {1, 8, 15, 2, 20, "青禾冷泡茶品鉴会",
         "三款原叶冷泡茶现场品鉴，茶艺师分享冷泡技巧，报名成功后请准时到店签到。"},
    };
    for (size_t i = 0; i < HH_ARRAY_LEN(events) && !st; i++) {
        int64_t starts = day0 + (int64_t)events[i].days * 86400000 + (int64_t)events[i].hour * 3600000;
        st = hh_db_run(tx, NULL,
                       "INSERT INTO activities (enterprise_id, brand_id, store_id, title, description, starts_at, ends_at,"
                       " capacity, waitlist, remind_minutes, created_at, updated_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 120, ?, ?)",
                       HH_A(HH_I(ent), HH_I(events[i].brand ? qinghe : lumina), HH_I(store), HH_S(events[i].title),
                            HH_S(events[i].desc), HH_I(starts), HH_I(starts + (int64_t)events[i].hours * 3600000),
                            HH_I(events[i].capacity), HH_I(now), HH_I(now)));
    }
    return st;
}

hh_status hh_demo_receipts(hh_store *store)
{
    return hh_store_write_sync(store, demo_apply, NULL);
}
