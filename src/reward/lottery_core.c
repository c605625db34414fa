/*
 * lottery_core.c — the decision of a draw and its verification: the roll
 * (HMAC-SHA-256 of the draw id under the campaign's seed), the pick over the
 * pool's cumulative weights, the disclosed odds, seeds and commitments, and
 * the replay of a whole campaign that `huohua lottery verify` runs.
 *
 * Nothing here writes. The pick and the odds are pure functions, so the unit
 * test (tests/unit/test_lottery.c) checks them statistically against the
 * weights, and the server and the verifier cannot disagree about a draw.
 */
#include "reward/lottery_internal.h"
#include "core/localtime.h"

#include <inttypes.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t roll_from(crypto_auth_hmacsha256_state *st, int64_t draw_id)
{
    char msg[24];
    int n = snprintf(msg, sizeof msg, "%lld", (long long)draw_id);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_update(st, (const unsigned char *)msg, (unsigned long long)n);
    crypto_auth_hmacsha256_final(st, mac);
    uint64_t roll = 0;
    for (int i = 0; i < 8; i++) roll = roll << 8 | mac[i];
    return roll;
}

uint64_t hh_lottery_roll(const char *seed, size_t seed_len, int64_t draw_id)
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)seed, seed_len);
    return roll_from(&st, draw_id);
}

uint64_t hh__draw_roll(const hh__draw_pool *p, int64_t draw_id)
{
    crypto_auth_hmacsha256_state st = p->hmac; /* the key's two hash blocks, done once per load */
    return roll_from(&st, draw_id);
}

void hh_lottery_roll_hex(uint64_t roll, char out[17])
{
    snprintf(out, 17, "%016" PRIx64, roll);
}

static bool takes_part(const hh_lottery_slot *s, bool fixed)
{
    return s->weight > 0 && (fixed || s->available || s->id == 0);
}

static int fallback_index(const hh_lottery_slot *slots, int n)
{
    for (int i = 0; i < n; i++)
        if (slots[i].id && slots[i].fallback) return i;
    return -1;
}

hh_lottery_outcome hh_lottery_pick(const hh_lottery_slot *slots, int n, bool fixed, uint64_t roll)
{
    hh_lottery_outcome out = {.prize_id = 0, .fallback = false, .landed = -1};
    uint64_t total = 0;
    for (int i = 0; i < n; i++)
        if (takes_part(&slots[i], fixed)) total += (uint64_t)slots[i].weight;
    if (!total) return out;
    /* floor(roll × total / 2^64): uniform over [0, total) up to total / 2^64 */
    __extension__ typedef unsigned __int128 u128;
    uint64_t point = (uint64_t)(((u128)roll * total) >> 64);
    uint64_t cum = 0;
    for (int i = 0; i < n; i++) {
        if (!takes_part(&slots[i], fixed)) continue;
        cum += (uint64_t)slots[i].weight;
        if (point < cum) {
            out.landed = i;
            break;
        }
    }
    HH_CHECK(out.landed >= 0);
    const hh_lottery_slot *s = &slots[out.landed];
    if (!s->id) return out;
    if (s->available) {
        out.prize_id = s->id;
        return out;
    }
    int f = fallback_index(slots, n);
    if (f >= 0 && slots[f].available) {
        out.prize_id = slots[f].id;
        out.fallback = true;
    }
    return out;
}

void hh_lottery_odds(const hh_lottery_slot *slots, int n, bool fixed, double *out)
{
    uint64_t total = 0;
    int none = -1, f = fallback_index(slots, n);
    for (int i = 0; i < n; i++) {
        out[i] = 0;
        if (!slots[i].id) none = i;
        if (takes_part(&slots[i], fixed)) total += (uint64_t)slots[i].weight;
    }
    if (!total) {
        if (none >= 0) out[none] = 100;
        return;
    }
    for (int i = 0; i < n; i++) {
        if (!takes_part(&slots[i], fixed)) continue;
        double p = 100.0 * (double)slots[i].weight / (double)total;
        int to = i;
        if (slots[i].id && !slots[i].available) to = f >= 0 && slots[f].available ? f : none;
        if (to >= 0) out[to] += p;
    }
}

void hh_lottery_commitment(const char *seed, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)seed, strlen(seed));
    hh_hex(out, h, sizeof h);
}

void hh_lottery_seed_new(char seed[65], char commitment[65])
{
    hh_random_token(seed, 32);
    hh_lottery_commitment(seed, commitment);
}

/* ---- the pool ---- */

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

const char hh__sql_prize_take[] = "UPDATE lottery_prizes SET remaining = remaining - ?3 WHERE id = ?1 AND remaining >= ?3";
const char hh__sql_prize_won[] =
    "INSERT INTO lottery_prize_days (prize_id, day, won) VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET won = won + ?3";

/* The writer's cache of campaigns and pools (lottery_internal.h). Entries are
 * stamped with hh_db_version of the tables they come from. A draw's own
 * updates of the stock go through hh_db_defer, which does not move the
 * version: the draw mirrors them in the entry (see lottery_draw.c), and a
 * load adds what is pending. */

#define POOL_SLOTS 8
static _Thread_local hh__draw_pool pool_cache[POOL_SLOTS];
static _Thread_local struct {
    hh_db *db;
    uint64_t v_draws;
    int64_t next;
} next_draw;

static int by_position(const void *a, const void *b)
{
    const hh__prize *x = a, *y = b;
    if (x->position != y->position) return x->position < y->position ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static void pool_clear(hh__draw_pool *p)
{
    for (int i = 0; i < p->n; i++) {
        free(p->prizes[i].name);
        free(p->prizes[i].image);
        free(p->prizes[i].json);
    }
    memset(p, 0, sizeof *p);
}

static char *dup_or_null(json_t *v)
{
    const char *t = json_string_value(v);
    return t ? hh_xstrdup(t) : NULL;
}

static hh_status pool_load(hh_db *tx, int64_t campaign_id, hh__draw_pool *p)
{
    hh__draw_pool_stamp s = {hh_db_version(tx, "campaigns"), hh_db_version(tx, "enterprises"),
                             hh_db_version(tx, "lottery_pools"), hh_db_version(tx, "lottery_prizes")};
    json_t *c, *prizes;
    hh_status st = hh_db_one(tx, &c,
                             "SELECT c.enterprise_id, c.brand_id, c.status, c.seed, c.free_draws_per_day, c.draw_points,"
                             " e.timezone, l.no_prize_weight, l.mode FROM campaigns c JOIN enterprises e"
                             " ON e.id = c.enterprise_id LEFT JOIN lottery_pools l ON l.campaign_id = c.id WHERE c.id = ?",
                             HH_A(HH_I(campaign_id)));
    if (st) return st;
    if ((st = hh_db_query(tx, &prizes,
                          "SELECT id, position, weight, remaining, daily_cap, is_fallback, fulfilment, name, image,"
                          " value_fen, coupon_template_id, envelope_pool_id, counter_template_id FROM lottery_prizes"
                          " WHERE campaign_id = ?",
                          HH_A(HH_I(campaign_id))))) {
        json_decref(c);
        return st;
    }
    pool_clear(p);
    p->enterprise_id = iget(c, "enterprise_id");
    p->brand_id = iget(c, "brand_id");
    p->free_per_day = iget(c, "free_draws_per_day");
    p->draw_points = iget(c, "draw_points");
    const char *t;
    snprintf(p->status, sizeof p->status, "%s", (t = json_string_value(json_object_get(c, "status"))) ? t : "");
    snprintf(p->tz, sizeof p->tz, "%s", (t = json_string_value(json_object_get(c, "timezone"))) ? t : "Asia/Shanghai");
    t = json_string_value(json_object_get(c, "seed"));
    if (t && strlen(t) < sizeof p->seed) {
        p->seed_len = strlen(t);
        memcpy(p->seed, t, p->seed_len + 1);
        crypto_auth_hmacsha256_init(&p->hmac, (const unsigned char *)p->seed, p->seed_len);
    }
    p->none_weight = iget(c, "no_prize_weight");
    t = json_string_value(json_object_get(c, "mode"));
    p->fixed = t && !strcmp(t, "fixed");
    json_decref(c);
    size_t i;
    json_t *row;
    json_array_foreach(prizes, i, row)
    {
        if (p->n == HH_LOTTERY_MAX_PRIZES) break;
        hh__prize *z = &p->prizes[p->n++];
        z->id = iget(row, "id");
        z->position = iget(row, "position");
        z->weight = iget(row, "weight");
        int64_t taken = 0, unused = 0; /* won in this transaction, not yet written */
        hh_db_deferred(tx, hh__sql_prize_take, z->id, NULL, &taken, &unused);
        z->remaining = iget(row, "remaining") - taken;
        z->has_cap = json_is_integer(json_object_get(row, "daily_cap"));
        z->daily_cap = iget(row, "daily_cap");
        z->fallback = iget(row, "is_fallback") != 0;
        snprintf(z->fulfilment, sizeof z->fulfilment, "%s",
                 (t = json_string_value(json_object_get(row, "fulfilment"))) ? t : "");
        z->name = dup_or_null(json_object_get(row, "name"));
        z->image = dup_or_null(json_object_get(row, "image"));
        z->value_fen = iget(row, "value_fen");
        z->coupon_template_id = iget(row, "coupon_template_id");
        z->envelope_pool_id = iget(row, "envelope_pool_id");
        z->counter_template_id = iget(row, "counter_template_id");
        if (z->has_cap) p->any_cap = true;
        json_t *a = json_pack("{s:I, s:s?, s:s?, s:I}", "id", (json_int_t)z->id, "name", z->name, "image", z->image,
                              "value_fen", (json_int_t)z->value_fen);
        z->json = json_dumps(a, JSON_COMPACT);
        json_decref(a);
        HH_CHECK(z->json != NULL);
    }
    json_decref(prizes);
    qsort(p->prizes, (size_t)p->n, sizeof p->prizes[0], by_position);
    p->db = tx;
    p->campaign_id = campaign_id;
    p->stamp = s;
    return HH_OK;
}

hh_status hh__draw_pool_get(hh_db *tx, int64_t campaign_id, hh__draw_pool **out)
{
    hh__draw_pool *p = &pool_cache[(uint64_t)campaign_id % POOL_SLOTS];
    *out = p;
    if (p->db == tx && p->campaign_id == campaign_id && p->stamp.campaigns == hh_db_version(tx, "campaigns") &&
        p->stamp.enterprises == hh_db_version(tx, "enterprises") &&
        p->stamp.pools == hh_db_version(tx, "lottery_pools") && p->stamp.prizes == hh_db_version(tx, "lottery_prizes"))
        return HH_OK;
    p->db = NULL;
    return pool_load(tx, campaign_id, p);
}

hh_status hh__draw_slots(hh_db *tx, const hh__draw_pool *p, const char *day, hh_lottery_slot *slots, int *n)
{
    for (int i = 0; i < p->n; i++) {
        const hh__prize *z = &p->prizes[i];
        int64_t won = 0;
        if (z->has_cap) {
            hh_status st = hh_db_ints(tx, &won, 1, "SELECT won FROM lottery_prize_days WHERE prize_id = ? AND day = ?",
                                      HH_A(HH_I(z->id), HH_S(day)));
            if (st && st != HH_E_NOT_FOUND) return st;
            int64_t pending = 0, unused = 0;
            hh_db_deferred(tx, hh__sql_prize_won, z->id, day, &pending, &unused);
            won += pending;
        }
        slots[i] = (hh_lottery_slot){.id = z->id, .weight = z->weight, .fallback = z->fallback,
                                     .available = z->remaining > 0 && (!z->has_cap || won < z->daily_cap)};
    }
    slots[p->n] = (hh_lottery_slot){.id = 0, .weight = p->none_weight, .available = true};
    *n = p->n + 1;
    return HH_OK;
}

hh_status hh__next_draw_id(hh_db *tx, int64_t *id)
{
    uint64_t v = hh_db_version(tx, "lottery_draws");
    if (next_draw.db != tx || next_draw.v_draws != v) {
        next_draw.db = NULL;
        hh_status st = hh_db_ints(tx, &next_draw.next, 1, "SELECT coalesce(max(id), 0) + 1 FROM lottery_draws", NULL, 0);
        if (st) return st;
        next_draw.db = tx;
        next_draw.v_draws = v;
    }
    *id = next_draw.next;
    return HH_OK;
}

void hh__next_draw_taken(hh_db *tx, uint64_t before)
{
    uint64_t now = hh_db_version(tx, "lottery_draws");
    if (next_draw.db == tx && next_draw.v_draws == before && now == before + 1) {
        next_draw.next++;
        next_draw.v_draws = now;
    } else {
        next_draw.db = NULL;
    }
}

hh_status hh__pool_locked(hh_db *db, int64_t campaign_id, bool *locked)
{
    int64_t n = 0;
    hh_status st = hh_db_int(db, &n, "SELECT EXISTS (SELECT 1 FROM lottery_draws WHERE campaign_id = ?)",
                             HH_A(HH_I(campaign_id)));
    *locked = n != 0;
    return st;
}

/* ---- verification ---- */

typedef struct {
    int64_t id, stock, remaining, weight, cap, initial, won;
    bool has_cap, fallback;
    const char *name;
    json_t *days; /* day → wins that day (replayed) */
} vprize;

static void mismatch(json_t *report, int64_t draw_id, int64_t prize_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void mismatch(json_t *report, int64_t draw_id, int64_t prize_id, const char *fmt, ...)
{
    json_t *list = json_object_get(report, "mismatches");
    char text[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    json_object_set_new(report, "ok", json_false());
    if (json_array_size(list) >= 1000) { /* enough to act on; the count says the rest */
        json_object_set_new(report, "mismatches_truncated", json_true());
        return;
    }
    json_t *m = json_pack("{s:s}", "problem", text);
    if (draw_id) json_object_set_new(m, "draw_id", json_integer(draw_id));
    if (prize_id) json_object_set_new(m, "prize_id", json_integer(prize_id));
    json_array_append_new(list, m);
}

static int find_prize(vprize *v, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (v[i].id == id) return i;
    return -1;
}

#define VERIFY_CHUNK 20000 /* draws read at a time (the LIMIT below) */

hh_status hh_lottery_verify(hh_db *db, int64_t campaign_id, json_t **report)
{
    json_t *c = NULL, *prizes = NULL, *adds = NULL, *pool = NULL;
    *report = NULL;
    hh_status st = hh_db_one(db, &c,
                             "SELECT c.id, c.name, c.seed, c.seed_commitment, e.timezone FROM campaigns c"
                             " JOIN enterprises e ON e.id = c.enterprise_id WHERE c.id = ?",
                             HH_A(HH_I(campaign_id)));
    if (st) return st;
    json_t *rep = json_pack("{s:I, s:O, s:b, s:I, s:I, s:b, s:[], s:[]}", "campaign_id", (json_int_t)campaign_id, "name",
                            json_object_get(c, "name"), "ok", 1, "draws", (json_int_t)0, "wins", (json_int_t)0,
                            "commitment_ok", 0, "mismatches", "prizes");
    const char *seed = json_string_value(json_object_get(c, "seed"));
    const char *commitment = json_string_value(json_object_get(c, "seed_commitment"));
    const char *tz = json_string_value(json_object_get(c, "timezone"));
    vprize *v = NULL;
    int nv = 0;
    hh_lottery_slot *slots = NULL;
    if (!seed || !*seed) {
        mismatch(rep, 0, 0, "the campaign has no seed: its draws cannot be verified");
        goto out;
    }
    char expect[65];
    hh_lottery_commitment(seed, expect);
    if (commitment && !strcmp(commitment, expect))
        json_object_set_new(rep, "commitment_ok", json_true());
    else
        mismatch(rep, 0, 0, "seed_commitment %s is not SHA-256(seed) %s", commitment ? commitment : "(none)", expect);

    if ((st = hh_db_query(db, &prizes,
                          "SELECT id, name, stock, remaining, weight, daily_cap, is_fallback FROM lottery_prizes"
                          " WHERE campaign_id = ? ORDER BY position, id",
                          HH_A(HH_I(campaign_id)))) ||
        (st = hh_db_query(db, &adds,
                          "SELECT prize_id, after_draw_id, quantity FROM lottery_stock_adds WHERE campaign_id = ?"
                          " ORDER BY after_draw_id, id",
                          HH_A(HH_I(campaign_id)))))
        goto out;
    st = hh_db_one(db, &pool, "SELECT no_prize_weight, mode FROM lottery_pools WHERE campaign_id = ?",
                   HH_A(HH_I(campaign_id)));
    if (st && st != HH_E_NOT_FOUND) goto out;
    st = HH_OK;
    bool fixed = pool && !strcmp(json_string_value(json_object_get(pool, "mode")), "fixed");
    nv = (int)json_array_size(prizes);
    v = hh_xcalloc((size_t)nv + 1, sizeof *v);
    slots = hh_xcalloc((size_t)nv + 1, sizeof *slots);
    for (int i = 0; i < nv; i++) {
        json_t *p = json_array_get(prizes, (size_t)i);
        json_t *cap = json_object_get(p, "daily_cap");
        v[i] = (vprize){.id = iget(p, "id"), .stock = iget(p, "stock"), .remaining = iget(p, "remaining"),
                        .weight = iget(p, "weight"), .has_cap = json_is_integer(cap), .cap = json_integer_value(cap),
                        .fallback = iget(p, "is_fallback") != 0, .name = json_string_value(json_object_get(p, "name")),
                        .days = json_object()};
        v[i].initial = v[i].stock;
    }
    size_t ai;
    json_t *a;
    json_array_foreach(adds, ai, a)
    {
        int k = find_prize(v, nv, iget(a, "prize_id"));
        if (k < 0)
            mismatch(rep, 0, iget(a, "prize_id"), "a stock addition names prize %lld, which is not in the pool",
                     (long long)iget(a, "prize_id"));
        else
            v[k].initial -= iget(a, "quantity");
    }
    for (int i = 0; i < nv; i++)
        if (v[i].initial < 0)
            mismatch(rep, 0, v[i].id, "prize %lld: stock %lld is less than the stock added after draws began",
                     (long long)v[i].id, (long long)v[i].stock);
    /* the stock in play: the initial stock, plus each addition once its draw is passed */
    int64_t *left = hh_xcalloc((size_t)nv + 1, sizeof *left);
    for (int i = 0; i < nv; i++) left[i] = v[i].initial;
    size_t next_add = 0;
    int64_t last = 0, draws = 0, wins = 0;
    size_t seed_len = strlen(seed);
    int64_t no_prize_weight = pool ? iget(pool, "no_prize_weight") : 0;
    for (;;) {
        json_t *rows;
        st = hh_db_query(db, &rows,
                         "SELECT id, at, roll, prize_id, fallback FROM lottery_draws WHERE campaign_id = ? AND id > ?"
                         " ORDER BY id LIMIT 20000",
                         HH_A(HH_I(campaign_id), HH_I(last)));
        if (st) break;
        size_t ri;
        json_t *d;
        json_array_foreach(rows, ri, d)
        {
            int64_t id = iget(d, "id");
            last = id;
            draws++;
            for (; next_add < json_array_size(adds); next_add++) {
                json_t *x = json_array_get(adds, next_add);
                if (iget(x, "after_draw_id") >= id) break;
                int k = find_prize(v, nv, iget(x, "prize_id"));
                if (k >= 0) left[k] += iget(x, "quantity");
            }
            uint64_t roll = hh_lottery_roll(seed, seed_len, id);
            if ((uint64_t)iget(d, "roll") != roll) {
                char got[17], want[17];
                hh_lottery_roll_hex((uint64_t)iget(d, "roll"), got);
                hh_lottery_roll_hex(roll, want);
                mismatch(rep, id, 0, "draw %lld: stored roll %s, HMAC-SHA-256(seed, id) gives %s", (long long)id, got,
                         want);
            }
            char day[11];
            hh_local_day_near(tz, iget(d, "at"), day);
            for (int i = 0; i < nv; i++) {
                slots[i] = (hh_lottery_slot){.id = v[i].id, .weight = v[i].weight, .fallback = v[i].fallback};
                slots[i].available =
                    left[i] > 0 && (!v[i].has_cap || json_integer_value(json_object_get(v[i].days, day)) < v[i].cap);
            }
            slots[nv] = (hh_lottery_slot){.id = 0, .weight = no_prize_weight, .available = true};
            hh_lottery_outcome o = hh_lottery_pick(slots, nv + 1, fixed, roll);
            int64_t got = iget(d, "prize_id");
            bool got_fallback = iget(d, "fallback") != 0;
            if (got != o.prize_id || got_fallback != o.fallback)
                mismatch(rep, id, got, "draw %lld: stored outcome %s%lld%s, the seed gives %s%lld%s", (long long)id,
                         got ? "prize " : "no prize", (long long)got, got_fallback ? " (fallback)" : "",
                         o.prize_id ? "prize " : "no prize", (long long)o.prize_id, o.fallback ? " (fallback)" : "");
            /* go on from what was stored, so that one bad row is reported once */
            if (got) {
                int k = find_prize(v, nv, got);
                if (k < 0) {
                    mismatch(rep, id, got, "draw %lld: prize %lld is not in the pool", (long long)id, (long long)got);
                    continue;
                }
                wins++;
                v[k].won++;
                if (left[k] <= 0)
                    mismatch(rep, id, got, "draw %lld: prize %lld awarded with no stock left (oversold)", (long long)id,
                             (long long)got);
                left[k]--;
                json_object_set_new(v[k].days, day, json_integer(json_integer_value(json_object_get(v[k].days, day)) + 1));
            }
        }
        size_t got_rows = json_array_size(rows);
        json_decref(rows);
        if (got_rows < VERIFY_CHUNK) break;
    }
    for (; next_add < json_array_size(adds); next_add++) {
        json_t *x = json_array_get(adds, next_add);
        int k = find_prize(v, nv, iget(x, "prize_id"));
        if (k >= 0) left[k] += iget(x, "quantity");
    }
    json_object_set_new(rep, "draws", json_integer(draws));
    json_object_set_new(rep, "wins", json_integer(wins));
    for (int i = 0; i < nv && !st; i++) {
        if (left[i] != v[i].remaining)
            mismatch(rep, 0, v[i].id, "prize %lld: %lld left by the replay, %lld stored", (long long)v[i].id,
                     (long long)left[i], (long long)v[i].remaining);
        json_array_append_new(json_object_get(rep, "prizes"),
                              json_pack("{s:I, s:s?, s:I, s:I, s:I}", "id", (json_int_t)v[i].id, "name", v[i].name,
                                        "stock", (json_int_t)v[i].stock, "won", (json_int_t)v[i].won, "remaining",
                                        (json_int_t)v[i].remaining));
    }
    free(left);
out:
    for (int i = 0; i < nv; i++) json_decref(v[i].days);
    free(v);
    free(slots);
    json_decref(c);
    json_decref(prizes);
    json_decref(adds);
    json_decref(pool);
    if (st) {
        json_decref(rep);
        return st;
    }
    *report = rep;
    return HH_OK;
}
