/*
 * lottery.h — the lottery (抽奖) of a campaign: its prize pool, the draw, pass
 * codes, and the verification of every draw against the campaign's committed
 * seed. Handlers are routed in lottery_routes.inc.
 *
 * How a draw is decided (the same code runs in the server, in `huohua lottery
 * verify` and in the unit test):
 *
 *   roll  = the first 8 bytes, big-endian, of HMAC-SHA-256(key = the campaign's
 *           seed as text, message = the draw id in decimal)
 *   slots = the prizes of the pool in (position, id) order, then "no prize";
 *           mode "redistribute": only prizes that are available (stock left and
 *           under their daily cap) take part; mode "fixed": every prize does
 *   point = floor(roll × total weight / 2^64)
 *   the slot whose cumulative weight first exceeds point wins. A prize that is
 *   not available (mode "fixed") turns into the pool's fallback prize when that
 *   one is available, else into "no prize".
 *
 * The seed's SHA-256 (hex) is published as the campaign's seed_commitment
 * before any draw; the seed itself is revealed when the campaign ends, so
 * anyone can recompute every roll.
 */
#ifndef HH_REWARD_LOTTERY_H
#define HH_REWARD_LOTTERY_H
#include "http/http.h"

/* The largest prize value: 50,000 yuan. China's Anti-Unfair Competition Law
 * (反不正当竞争法, art. 10) forbids lottery-style promotions whose top prize is
 * worth more. */
#define HH_LOTTERY_MAX_VALUE_FEN 5000000
#define HH_LOTTERY_MAX_PRIZES 50
#define HH_LOTTERY_MAX_WEIGHT 1000000000

/* One slot of the pool for the pick: a prize (id > 0) or "no prize" (id 0). */
typedef struct hh_lottery_slot {
    int64_t id;
    int64_t weight;
    bool available; /* prizes: stock left and under the daily cap ("no prize" always) */
    bool fallback;  /* the pool's fallback prize */
} hh_lottery_slot;

typedef struct hh_lottery_outcome {
    int64_t prize_id; /* 0: no prize */
    bool fallback;    /* the roll landed on a prize that was out; this is the fallback */
    int landed;       /* index of the slot the roll landed on; -1 when the pool is empty */
} hh_lottery_outcome;

/* The roll of draw_id under seed (seed_len bytes of text). */
uint64_t hh_lottery_roll(const char *seed, size_t seed_len, int64_t draw_id);
/* The outcome of roll over slots[0..n) (prizes in pool order, "no prize" last),
 * as described at the top. fixed: mode "fixed". */
hh_lottery_outcome hh_lottery_pick(const hh_lottery_slot *slots, int n, bool fixed, uint64_t roll);
/* The chance, in percent, that a draw now ends with each slot (out[i]), taking
 * availability, the mode and the fallback into account. */
void hh_lottery_odds(const hh_lottery_slot *slots, int n, bool fixed, double *out);
/* A new secret seed (64 hex characters) and its commitment (hex SHA-256 of the
 * seed's text). */
void hh_lottery_seed_new(char seed[65], char commitment[65]);
void hh_lottery_commitment(const char *seed, char out[65]);
/* The roll as 16 hex digits (what the API shows; JSON numbers lose precision). */
void hh_lottery_roll_hex(uint64_t roll, char out[17]);

/* Replay every draw of campaign_id from the seed, the initial stocks and the
 * stock additions, and compare with what was stored: the roll, the outcome,
 * and the stock left. *report (new reference): {campaign_id, ok, draws, wins,
 * commitment_ok, mismatches: [{draw_id?, prize_id?, problem}], prizes: [{id,
 * name, stock, won, remaining}]}. HH_E_NOT_FOUND for an unknown campaign; a
 * campaign without a seed is reported (ok false), not an error. db may be a
 * reader. */
hh_status hh_lottery_verify(hh_db *db, int64_t campaign_id, json_t **report);

/* Resume pass-code batches left running by a stopped server (at start). */
void hh_lottery_batches_resume(hh_app *app);
/* Demo data: a lottery on a live campaign of the demo enterprise. */
hh_status hh_demo_lottery(hh_store *store);

/* ---- handlers: the prize pool (admin console) ---- */
hh_status hh_h_prizes_list(hh_req *r);
hh_status hh_h_prize_create(hh_req *r);
hh_status hh_h_prize_get(hh_req *r);
hh_status hh_h_prize_update(hh_req *r);
hh_status hh_h_prize_delete(hh_req *r);
hh_status hh_h_lottery_pool_put(hh_req *r);
hh_status hh_h_lottery_draws_list(hh_req *r);
hh_status hh_h_lottery_draw_update(hh_req *r);
hh_status hh_h_lottery_verify(hh_req *r);
/* pass codes */
hh_status hh_h_pass_batches_list(hh_req *r);
hh_status hh_h_pass_batch_create(hh_req *r);
hh_status hh_h_pass_batch_get(hh_req *r);
hh_status hh_h_pass_batch_codes(hh_req *r);
/* ---- handlers: members ---- */
hh_status hh_h_member_lottery(hh_req *r);
hh_status hh_h_member_lottery_draw(hh_req *r);
hh_status hh_h_member_lottery_address(hh_req *r);
hh_status hh_h_member_lottery_qr(hh_req *r);

#endif
