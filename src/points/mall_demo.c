/*
 * mall_demo.c — the gift mall of the demo enterprise (huohua demo): a few
 * gifts of each brand and one for every member, for pickup and/or mail, so a
 * person trying the demo can spend the points the demo's earn rules give.
 */
#include "points/mall.h"
#include "points/points.h"

typedef struct {
    int64_t ent;
} demo_in;

static hh_status demo_apply(hh_db *tx, void *ud)
{
    demo_in *d = ud;
    int64_t now = hh_now_ms(), n = 0;
    hh_status st = hh_db_int(tx, &n, "SELECT count(*) FROM gifts WHERE enterprise_id = ?", HH_A(HH_I(d->ent)));
    if (st || n) return st; /* loaded before */
    static const struct {
        int64_t brand;
        const char *name, *description;
        int64_t points, cash, stock, limit, pickup, mail, fee;
    } gifts[] = {
        {1, "澄光精华小样 5ml", "到柜领取，体验澄光明星精华", 100, 0, 500, 2, 1, 0, 0},
        {1, "澄光定制化妆包", "限量联名款，邮寄到家", 800, 0, 120, 1, 1, 1, 1000},
        {2, "青禾草本护手霜 30ml", "青禾经典草本配方", 200, 0, 300, 2, 1, 1, 800},
        {2, "青禾茶礼盒", "积分 + 9.9 元换购", 500, 990, 80, 1, 1, 0, 0},
        {0, "品牌帆布袋", "全品牌通用，任一门店可领", 300, 0, 200, 1, 1, 1, 600},
    };
    for (size_t i = 0; i < HH_ARRAY_LEN(gifts) && !st; i++)
        st = hh_db_run(tx, NULL,
                       "INSERT INTO gifts (enterprise_id, brand_id, name, description, points, cash_fen, stock, remaining,"
                       " per_member_limit, pickup, mail, shipping_fee_fen, position, status, created_at, updated_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
                       HH_A(HH_I(d->ent), HH_ID(hh_demo_brand(tx, d->ent, gifts[i].brand)), HH_S(gifts[i].name), HH_S(gifts[i].description),
                            HH_I(gifts[i].points), HH_I(gifts[i].cash), HH_I(gifts[i].stock), HH_I(gifts[i].stock),
                            HH_I(gifts[i].limit), HH_I(gifts[i].pickup), HH_I(gifts[i].mail), HH_I(gifts[i].fee),
                            HH_I((int64_t)i), HH_I(now), HH_I(now)));
    return st;
}

hh_status hh_demo_mall(hh_store *store, int64_t enterprise_id)
{
    demo_in d = {.ent = enterprise_id};
    return hh_store_write_sync(store, demo_apply, &d);
}
