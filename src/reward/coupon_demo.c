/*
 * coupon_demo.c — the coupons part of `huohua demo`: a live campaign of
 * Lumina (brand code LUMINA of the demo enterprise) with two claimable
 * templates, and a poster touchpoint that leads to it, so a person trying the
 * demo can scan, claim and see the wallet. Added once; running the demo again
 * changes nothing.
 */
#include "reward/reward.h"
#include "auth/auth.h"

#include <sodium.h>
#include <string.h>

#define DEMO_CAMPAIGN "春日焕新 · 回店礼"
#define DAY_MS 86400000LL

static hh_status demo_apply(hh_db *tx, void *ud)
{
    (void)ud;
    json_t *b = NULL;
    if (hh_db_one(tx, &b,
                  "SELECT b.id, b.enterprise_id FROM brands b JOIN enterprises e ON e.id = b.enterprise_id"
                  " WHERE e.name = '活化演示企业' AND b.code = 'LUMINA'",
                  HH_A()) != HH_OK)
        return HH_OK; /* no demo enterprise: nothing to add to */
    int64_t brand = json_integer_value(json_object_get(b, "id")), ent = json_integer_value(json_object_get(b, "enterprise_id"));
    json_decref(b);
    int64_t n = 0, now = hh_now_ms();
    hh_status st = hh_db_int(tx, &n, "SELECT count(*) FROM campaigns WHERE enterprise_id = ? AND name = ?",
                             HH_A(HH_I(ent), HH_S(DEMO_CAMPAIGN)));
    if (st || n) return st;
    /* the lottery seed and its public commitment, as campaign.c makes them */
    unsigned char raw[32], digest[32];
    char seed[65], commitment[65];
    randombytes_buf(raw, sizeof raw);
    hh_hex(seed, raw, sizeof raw);
    crypto_hash_sha256(digest, (const unsigned char *)seed, 64);
    hh_hex(commitment, digest, sizeof digest);
    hh_result res;
    if ((st = hh_db_run(tx, &res,
                        "INSERT INTO campaigns (enterprise_id, brand_id, name, description, starts_at, ends_at, status,"
                        " budget_fen, per_member_total, per_member_daily, global_limit, seed, seed_commitment,"
                        " free_draws_per_day, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'scheduled', 20000000,"
                        " 3, 2, 20000, ?, ?, 1, ?, ?)",
                        HH_A(HH_I(ent), HH_I(brand), HH_S(DEMO_CAMPAIGN),
                             HH_S("扫柜台或海报二维码，领取回店礼：满 199 减 30 元现金券，另有精华旅行装礼品券，到任意澄光专柜核销。"),
                             HH_I(now - DAY_MS), HH_I(now + 45 * DAY_MS), HH_S(seed), HH_S(commitment), HH_I(now), HH_I(now)))))
        return st;
    int64_t campaign = res.last_id;
    if ((st = hh_db_run(tx, NULL,
                        "INSERT INTO coupon_templates (enterprise_id, brand_id, campaign_id, name, description, kind,"
                        " value_fen, min_spend_fen, validity, valid_days, quantity, per_member_limit, claimable,"
                        " created_at, updated_at) VALUES (?, ?, ?, '满199减30', '澄光全线正价商品可用，不与其他优惠同享',"
                        " 'cash', 3000, 19900, 'relative', 30, 5000, 1, 1, ?, ?)",
                        HH_A(HH_I(ent), HH_I(brand), HH_I(campaign), HH_I(now), HH_I(now)))) ||
        (st = hh_db_run(tx, NULL,
                        "INSERT INTO coupon_templates (enterprise_id, brand_id, campaign_id, name, description, kind,"
                        " value_fen, gift_name, validity, valid_days, quantity, per_member_limit, claimable,"
                        " created_at, updated_at) VALUES (?, ?, ?, '精华旅行装礼品券', '到柜出示券码，领取精华旅行装一支',"
                        " 'gift', 6800, '焕颜精华旅行装 7ml', 'relative', 14, 2000, 1, 1, ?, ?)",
                        HH_A(HH_I(ent), HH_I(brand), HH_I(campaign), HH_I(now), HH_I(now)))) ||
        (st = hh_db_run(tx, NULL,
                        "INSERT INTO touchpoints (enterprise_id, kind, name, brand_id, campaign_id, channel, utm_source,"
                        " utm_medium, utm_campaign, created_at, updated_at) VALUES (?, 'qr', '春日焕新海报', ?, ?, 'poster',"
                        " 'poster', 'qr', 'spring', ?, ?)",
                        HH_A(HH_I(ent), HH_I(brand), HH_I(campaign), HH_I(now), HH_I(now)))))
        return st;
    json_t *after = json_pack("{s:s}", "name", DEMO_CAMPAIGN);
    st = hh_audit_cli(tx, ent, "campaign.demo", "campaign", campaign, after);
    json_decref(after);
    return st;
}

hh_status hh_demo_coupons(hh_store *store)
{
    return hh_store_write_sync(store, demo_apply, NULL);
}
