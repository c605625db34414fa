/*
 * lottery_internal.h — what the lottery's files share (hh__ prefix): local
 * days, the prize columns, pool loading and the brand check of linked
 * coupon templates and envelope pools.
 */
#ifndef HH_REWARD_LOTTERY_INTERNAL_H
#define HH_REWARD_LOTTERY_INTERNAL_H
#include "reward/reward.h"

#include <sodium.h>

/* The campaign and its prize pool as a draw needs them, kept by the writer
 * thread (lottery_core.c) and stamped with the writer's change counters of
 * the tables they come from (hh_db_version in store.h): read again after any
 * other change to campaigns, enterprises, lottery_pools or lottery_prizes, any
 * rollback or an outside commit. Daily caps are not cached (their counters
 * live in lottery_prize_days, a WITHOUT ROWID table): a capped prize's wins
 * today are read per draw. Writer thread only. */
typedef struct {
    int64_t id, position, weight, remaining, daily_cap, value_fen;
    int64_t coupon_template_id, envelope_pool_id, counter_template_id;
    bool has_cap, fallback;
    char fulfilment[12];
    char *name, *image; /* image: NULL when none */
    char *json;         /* {id, name, image, value_fen} as compact JSON, for answers */
} hh__prize;

typedef struct {
    uint64_t campaigns, enterprises, pools, prizes;
} hh__draw_pool_stamp;

typedef struct {
    hh_db *db; /* NULL: not current */
    int64_t campaign_id;
    hh__draw_pool_stamp stamp;
    int64_t enterprise_id, brand_id, free_per_day, draw_points;
    char status[16], tz[64], seed[129]; /* seed "": none yet */
    size_t seed_len;
    crypto_auth_hmacsha256_state hmac; /* keyed with the seed: a roll hashes only the draw id */
    bool fixed, any_cap;
    int64_t none_weight;
    int n;                                     /* prizes, in pool order (position, id) */
    hh__prize prizes[HH_LOTTERY_MAX_PRIZES];
} hh__draw_pool;

/* campaign_id's entry, current in tx (read again when stale); HH_E_NOT_FOUND
 * when there is no such campaign. The pointer is valid until the next call. */
hh_status hh__draw_pool_get(hh_db *tx, int64_t campaign_id, hh__draw_pool **out);
/* hh_lottery_roll(p's seed, draw_id), from the keyed state. */
uint64_t hh__draw_roll(const hh__draw_pool *p, int64_t draw_id);
/* The pick's slots on `day`: the prizes (available: stock left and under the
 * daily cap) then "no prize"; *n counts them all. */
hh_status hh__draw_slots(hh_db *tx, const hh__draw_pool *p, const char *day, hh_lottery_slot *slots, int *n);
/* A win's updates, for hh_db_defer: the prize's stock (?1 the prize, ?3 wins;
 * never below 0) and its wins of the day (?1 the prize, ?2 the day, ?3 wins). */
extern const char hh__sql_prize_take[];
extern const char hh__sql_prize_won[];
/* The id the next draw gets (max + 1), and, once the draw's row is inserted
 * (lottery_draws' counter was `before`), its bookkeeping. */
hh_status hh__next_draw_id(hh_db *tx, int64_t *id);
void hh__next_draw_taken(hh_db *tx, uint64_t before);

/* Does the campaign have draws (then the pool is locked: see lottery.c)? */
hh_status hh__pool_locked(hh_db *db, int64_t campaign_id, bool *locked);

#endif
