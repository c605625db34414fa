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

/* The pool of a campaign as the pick sees it at this moment, for the draw on
 * the writer: prizes in pool order with their availability on `day`, then
 * "no prize"; the id the next draw will get, and the free draws member_id
 * has used on day. One statement that answers
 * one row of four columns (the prizes as compact text), so a draw does not
 * build a JSON object per prize. */
typedef struct {
    hh_lottery_slot slots[HH_LOTTERY_MAX_PRIZES + 1];
    int n;          /* slots, "no prize" included */
    bool fixed;
    int64_t next_draw_id;
    int64_t free_used; /* member_id's free draws on day */
} hh__pool;
hh_status hh__pool_load(hh_db *db, int64_t campaign_id, int64_t member_id, const char *day, hh__pool *out);

/* Does the campaign have draws (then the pool is locked: see lottery.c)? */
hh_status hh__pool_locked(hh_db *db, int64_t campaign_id, bool *locked);

#endif
