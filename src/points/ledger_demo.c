/*
 * ledger_demo.c — the points programme of the demo enterprise (huohua demo):
 * earn rules for purchases and every action, a brand campaign multiplier and
 * a four-level ladder, so a person trying the demo earns points by
 * registering, completing the profile and checking in, and sees the levels.
 */
#include "points/points.h"

typedef struct {
    int64_t ent;
} demo_in;

/* The demo enterprise's brand by its number in the demo (1 Lumina, 2 Qinghe; 0 none). */
int64_t hh_demo_brand(hh_db *tx, int64_t ent, int64_t n)
{
    int64_t id = 0;
    if (n) hh_db_int(tx, &id, "SELECT id FROM brands WHERE enterprise_id = ? AND code = ?",
                     HH_A(HH_I(ent), HH_S(n == 1 ? "LUMINA" : "QINGHE")));
    return id;
}

static hh_status demo_apply(hh_db *tx, void *ud)
{
    demo_in *d = ud;
    int64_t now = hh_now_ms(), n = 0;
    hh_status st = hh_db_int(tx, &n, "SELECT count(*) FROM points_rules WHERE enterprise_id = ?", HH_A(HH_I(d->ent)));
    if (st || n) return st; /* loaded before */
    static const struct {
        const char *name, *kind, *action;
        int64_t brand, points, unit, pct, daily_cap;
    } rules[] = {
        {"消费积分：每 1 元 1 分", "spend", NULL, 0, 1, 100, 0, 0},
        {"青禾消费：每 1 元 2 分", "spend", NULL, 2, 2, 100, 0, 0},
        {"注册有礼", "action", "register", 0, 100, 0, 0, 0},
        {"完善资料", "action", "profile", 0, 50, 0, 0, 0},
        {"每日签到", "action", "checkin", 0, 5, 0, 0, 0},
        {"邀请好友注册", "action", "referral", 0, 200, 0, 0, 0},
        {"参加门店活动", "action", "event", 0, 50, 0, 0, 0},
        {"上传小票审核通过", "action", "receipt", 0, 20, 0, 0, 100},
        {"澄光会员月：消费 1.5 倍积分", "multiplier", "spend", 1, 0, 0, 150, 0},
    };
    for (size_t i = 0; i < HH_ARRAY_LEN(rules) && !st; i++) {
        bool mult = rules[i].pct > 0;
        st = hh_db_run(tx, NULL,
                       "INSERT INTO points_rules (enterprise_id, name, kind, action, brand_id, points, unit_fen,"
                       " multiplier_pct, daily_cap, starts_at, ends_at, created_at, updated_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       HH_A(HH_I(d->ent), HH_S(rules[i].name), HH_S(rules[i].kind), HH_S(rules[i].action),
                            HH_ID(hh_demo_brand(tx, d->ent, rules[i].brand)), HH_ID(rules[i].points), HH_ID(rules[i].unit), HH_ID(rules[i].pct),
                            HH_ID(rules[i].daily_cap), mult ? HH_I(now - 86400000LL) : HH_NULL,
                            mult ? HH_I(now + 60 * 86400000LL) : HH_NULL, HH_I(now), HH_I(now)));
    }
    static const struct {
        const char *name, *benefits;
        int64_t threshold, pct;
    } levels[] = {
        {"普通会员", "注册即享：积分兑礼、会员专属活动", 0, 100},
        {"银卡会员", "消费积分 1.1 倍；生日月专属礼遇", 1000, 110},
        {"金卡会员", "消费积分 1.25 倍；专属客服；新品优先试用", 5000, 125},
        {"钻石会员", "消费积分 1.5 倍；年度礼盒；品牌活动优先席位", 20000, 150},
    };
    for (size_t i = 0; i < HH_ARRAY_LEN(levels) && !st; i++)
        st = hh_db_run(tx, NULL,
                       "INSERT INTO points_levels (enterprise_id, rank, name, threshold, earn_multiplier_pct, benefits,"
                       " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       HH_A(HH_I(d->ent), HH_I((int64_t)i), HH_S(levels[i].name), HH_I(levels[i].threshold),
                            HH_I(levels[i].pct), HH_S(levels[i].benefits), HH_I(now), HH_I(now)));
    return st;
}

hh_status hh_demo_points(hh_store *store, int64_t enterprise_id)
{
    demo_in d = {.ent = enterprise_id};
    return hh_store_write_sync(store, demo_apply, &d);
}
