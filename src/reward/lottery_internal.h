/*
 * lottery_internal.h — what the lottery's files share (hh__ prefix): local
 * days, the prize columns, pool loading and the brand check of linked
 * coupon templates and envelope pools.
 */
#ifndef HH_REWARD_LOTTERY_INTERNAL_H
#define HH_REWARD_LOTTERY_INTERNAL_H
#include "reward/reward.h"

/* The local day ("YYYY-MM-DD") of instant ms in tz, cached per thread for the
 * day that holds the last instant asked about (draws ask thousands of times a
 * second; ICU is asked once a day). */
void hh__lottery_day(const char *tz, int64_t ms, char out[11]);

/* The pool of a campaign as the pick sees it at this moment: prizes in pool
 * order with their availability on `day`, then "no prize". Reads through db
 * (the writer's transaction, or a reader). *n is the number of slots. */
typedef struct {
    hh_lottery_slot slots[HH_LOTTERY_MAX_PRIZES + 1];
    int n;
    bool fixed;
    int64_t no_prize_weight;
    const char *no_prize_label; /* points into `row` */
    json_t *rows;               /* the prize rows (owned; hh__pool_free) */
    json_t *pool;               /* the lottery_pools row or NULL (owned) */
} hh__pool;
hh_status hh__pool_load(hh_db *db, int64_t campaign_id, const char *day, hh__pool *out);
void hh__pool_free(hh__pool *p);

/* Does the campaign have draws (then the pool is locked: see lottery.c)? */
hh_status hh__pool_locked(hh_db *db, int64_t campaign_id, bool *locked);

#endif
