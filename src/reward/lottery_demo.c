/*
 * lottery_demo.c — the demo enterprise's lottery: a live campaign of 澄光
 * Lumina, "春日幸运大转盘", with three free draws a day, a prize pool (a
 * full-size serum by mail, a travel kit and samples to collect at a counter,
 * "no prize" for the rest) and a batch of 500 printed pass codes, which the
 * server generates (with its CSV) the first time it starts. Loading it again
 * changes nothing.
 */
#include "reward/lottery_internal.h"
#include "auth/auth.h"

#include <string.h>

#define DEMO_CAMPAIGN "春日幸运大转盘"

static const struct {
    const char *name, *image, *fulfilment;
    int64_t value_fen, stock, weight, daily_cap; /* daily_cap 0: none */
} demo_prizes[] = {
    {"一等奖 · 澄光焕亮精华 50ml 正装", "/m/img/prize-serum.svg", "mail", 68000, 5, 2, 1},
    {"二等奖 · 澄光旅行护肤套装", "/m/img/prize-kit.svg", "counter", 19900, 60, 40, 10},
    {"三等奖 · 精华小样三件装", "/m/img/prize-sample.svg", "counter", 5900, 600, 300, 0},
};

static hh_status demo_apply(hh_db *tx, void *ud)
{
    (void)ud;
    int64_t ent = 0, brand = 0, found = 0;
    if (hh_db_int(tx, &ent, "SELECT id FROM enterprises WHERE name = '活化演示企业'", HH_A()) != HH_OK) return HH_OK;
    hh_status st = hh_db_int(tx, &found, "SELECT count(*) FROM campaigns WHERE enterprise_id = ? AND name = ?",
                             HH_A(HH_I(ent), HH_S(DEMO_CAMPAIGN)));
    if (st || found) return st;
    if ((st = hh_db_int(tx, &brand, "SELECT id FROM brands WHERE enterprise_id = ? AND code = 'LUMINA'", HH_A(HH_I(ent)))))
        return st == HH_E_NOT_FOUND ? HH_OK : st;
    int64_t now = hh_now_ms(), day = 24LL * 3600 * 1000;
    char seed[65], commitment[65];
    hh_lottery_seed_new(seed, commitment);
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO campaigns (enterprise_id, brand_id, name, description, starts_at, ends_at, status,"
                   " per_member_daily, seed, seed_commitment, free_draws_per_day, created_at, updated_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, 'scheduled', 5, ?, ?, 3, ?, ?)",
                   HH_A(HH_I(ent), HH_I(brand), HH_S(DEMO_CAMPAIGN),
                        HH_S("每天 3 次免费抽奖；瓶盖内的通关密码可再抽一次。正装精华包邮到家，套装和小样到任一澄光专柜领取。"),
                        HH_I(now - day), HH_I(now + 60 * day), HH_S(seed), HH_S(commitment), HH_I(now), HH_I(now)));
    if (st) return st;
    int64_t cid = res.last_id;
    if ((st = hh_db_run(tx, NULL,
                        "INSERT INTO lottery_pools (campaign_id, enterprise_id, no_prize_weight, no_prize_label, updated_at)"
                        " VALUES (?, ?, 658, '谢谢参与，明天再来', ?)",
                        HH_A(HH_I(cid), HH_I(ent), HH_I(now)))))
        return st;
    for (size_t i = 0; i < HH_ARRAY_LEN(demo_prizes); i++) {
        int64_t tid = 0;
        if (!strcmp(demo_prizes[i].fulfilment, "counter")) {
            if ((st = hh_db_run(tx, &res,
                                "INSERT INTO coupon_templates (enterprise_id, brand_id, campaign_id, name, description, image,"
                                " kind, value_fen, gift_name, validity, valid_days, claimable, created_at, updated_at)"
                                " VALUES (?, ?, ?, ?, '抽奖奖品，凭券到柜台领取', ?, 'prize', ?, ?, 'relative', 30, 0, ?, ?)",
                                HH_A(HH_I(ent), HH_I(brand), HH_I(cid), HH_S(demo_prizes[i].name), HH_S(demo_prizes[i].image),
                                     HH_I(demo_prizes[i].value_fen), HH_S(demo_prizes[i].name), HH_I(now), HH_I(now)))))
                return st;
            tid = res.last_id;
        }
        if ((st = hh_db_run(tx, NULL,
                            "INSERT INTO lottery_prizes (enterprise_id, campaign_id, name, image, value_fen, stock, remaining,"
                            " weight, daily_cap, fulfilment, counter_template_id, position, created_at, updated_at)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            HH_A(HH_I(ent), HH_I(cid), HH_S(demo_prizes[i].name), HH_S(demo_prizes[i].image),
                                 HH_I(demo_prizes[i].value_fen), HH_I(demo_prizes[i].stock), HH_I(demo_prizes[i].stock),
                                 HH_I(demo_prizes[i].weight), HH_ID(demo_prizes[i].daily_cap),
                                 HH_S(demo_prizes[i].fulfilment), HH_ID(tid), HH_I((int64_t)i), HH_I(now), HH_I(now)))))
            return st;
    }
    /* generated (with its printer's file) by the server when it starts */
    if ((st = hh_db_run(tx, NULL,
                        "INSERT INTO lottery_pass_batches (enterprise_id, campaign_id, kind, name, quantity, status, created_at)"
                        " VALUES (?, ?, 'codes', '瓶盖通关密码 第一批', 500, 'running', ?)",
                        HH_A(HH_I(ent), HH_I(cid), HH_I(now)))))
        return st;
    json_t *after = json_pack("{s:s}", "name", DEMO_CAMPAIGN);
    st = hh_audit_cli(tx, ent, "lottery.demo", "campaign", cid, after);
    json_decref(after);
    return st;
}

hh_status hh_demo_lottery(hh_store *store)
{
    return hh_store_write_sync(store, demo_apply, NULL);
}
