/*
 * lottery_draw.c — the member's side of the lottery: the public page (prizes,
 * disclosed odds, stock left, my draws left today, my results, the seed
 * commitment and, once the campaign has ended, the seed), the draw itself,
 * the address for a prize sent by mail, and the QR of a prize to collect at a
 * counter.
 *
 * A draw is one write on the store's single writer, so stock can never be
 * oversold and daily caps hold under any load: campaign admission (limits),
 * the entry (a free draw of today, a pass code, a granted draw, points), the
 * pool as it is at that moment, the roll, the stock, the fulfilment and the
 * lottery.draw / lottery.win events all commit together or not at all. The
 * HTTP thread does everything that needs no lock first (the body, the
 * campaign, the pass code's owner), so the writer's part stays a handful of
 * cached statements.
 *
 * The draw id decides the roll, so it is taken before the roll (max + 1 on the
 * one writer). A fulfilment that is refused (a coupon template used up, a red
 * envelope pool empty) must not undo the draw — the next draw would get the
 * same id and the same roll — so it runs in a nested savepoint and is recorded
 * as claim_status "failed" for the operator to settle.
 */
#include "reward/lottery_internal.h"
#include "core/localtime.h"
#include "points/points.h"
#include "auth/auth.h"
#include "core/phone.h"
#include "http/app.h"
#include "touch/touch.h"

#include <stdio.h>
#include <string.h>

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *sget(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* The campaign as a member may see it: of the member's enterprise and
 * published (a draft is "not found"). */
#define CAMPAIGN_COLS                                                                                      \
    "SELECT c.id, c.enterprise_id, c.brand_id, b.name AS brand_name, c.name, c.description, c.image,"     \
    " c.starts_at, c.ends_at, c.status, c.seed, c.seed_commitment, c.free_draws_per_day, c.draw_points,"   \
    " e.timezone FROM campaigns c JOIN enterprises e ON e.id = c.enterprise_id JOIN brands b"             \
    " ON b.id = c.brand_id WHERE c.id = ?"

static hh_status member_campaign(hh_req *r, hh_db *db, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, CAMPAIGN_COLS, HH_A(HH_I(id)));
    if (st == HH_OK && (iget(*out, "enterprise_id") != r->who.enterprise_id || !strcmp(sget(*out, "status"), "draft"))) {
        json_decref(*out);
        *out = NULL;
        st = HH_E_NOT_FOUND;
    }
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到该活动", "No such campaign");
    if (st) return st;
    hh_req_own(r, *out);
    return HH_OK;
}

/* ---- a member's draws ---- */

#define MY_DRAW_COLS                                                                                        \
    "SELECT d.id, d.campaign_id, d.at, d.entry, d.roll, d.prize_id, d.fallback AS fallback_bool, d.claim,"   \
    " d.claim_status, d.address_json, d.tracking_no, p.name AS prize_name, p.image AS prize_image,"          \
    " p.value_fen AS prize_value_fen, d.coupon_id, cp.code AS coupon_code, cp.status AS coupon_status,"      \
    " cp.valid_to AS coupon_valid_to, d.envelope_id, e.amount_fen AS envelope_amount_fen,"                 \
    " e.status AS envelope_status FROM lottery_draws d LEFT JOIN lottery_prizes p ON p.id = d.prize_id"     \
    " LEFT JOIN coupons cp ON cp.id = d.coupon_id LEFT JOIN red_envelopes e ON e.id = d.envelope_id"

/* A flat draw row → {id, campaign_id, at, entry, roll (hex), prize {…}|null,
 * fallback, claim, claim_status, coupon {…}|null, envelope {…}|null, address,
 * tracking_no}. */
static json_t *my_draw(json_t *d)
{
    char hex[17];
    hh_lottery_roll_hex((uint64_t)iget(d, "roll"), hex);
    json_t *prize = json_null(), *coupon = json_null(), *envelope = json_null();
    if (iget(d, "prize_id"))
        prize = json_pack("{s:I, s:O, s:O, s:O}", "id", (json_int_t)iget(d, "prize_id"), "name",
                          json_object_get(d, "prize_name"), "image", json_object_get(d, "prize_image"), "value_fen",
                          json_object_get(d, "prize_value_fen"));
    if (iget(d, "coupon_id"))
        coupon = json_pack("{s:I, s:O, s:O, s:O}", "id", (json_int_t)iget(d, "coupon_id"), "code",
                           json_object_get(d, "coupon_code"), "status", json_object_get(d, "coupon_status"), "valid_to",
                           json_object_get(d, "coupon_valid_to"));
    if (iget(d, "envelope_id"))
        envelope = json_pack("{s:I, s:O, s:O}", "id", (json_int_t)iget(d, "envelope_id"), "amount_fen",
                             json_object_get(d, "envelope_amount_fen"), "status", json_object_get(d, "envelope_status"));
    return json_pack("{s:O, s:O, s:O, s:O, s:s, s:o, s:O, s:O, s:O, s:o, s:o, s:O, s:O}", "id", json_object_get(d, "id"),
                     "campaign_id", json_object_get(d, "campaign_id"), "at", json_object_get(d, "at"), "entry",
                     json_object_get(d, "entry"), "roll", hex, "prize", prize, "fallback",
                     json_object_get(d, "fallback"), "claim", json_object_get(d, "claim"), "claim_status",
                     json_object_get(d, "claim_status"), "coupon", coupon, "envelope", envelope, "address",
                     json_object_get(d, "address"), "tracking_no", json_object_get(d, "tracking_no"));
}

static hh_status my_draw_get(hh_db *db, int64_t id, json_t **out)
{
    json_t *row;
    hh_status st = hh_db_one(db, &row, MY_DRAW_COLS " WHERE d.id = ?", HH_A(HH_I(id)));
    if (st) return st;
    *out = my_draw(row);
    json_decref(row);
    return HH_OK;
}

/* ---- the public page ---- */

static const char *const fairness_zh =
    "每次抽奖的随机数 = HMAC-SHA256(密钥 = 活动种子, 消息 = 抽奖编号的十进制文本) 的前 8 字节；"
    "按奖品顺序累加权重，随机数 × 总权重 ÷ 2^64 落在哪一段即抽中哪一项。活动开始前公布种子的 SHA-256 承诺值，"
    "活动结束后公开种子，任何人都可以复算每一次抽奖。";
static const char *const fairness_en =
    "Each draw's random number is the first 8 bytes of HMAC-SHA256(key = the campaign seed, message = the draw id in "
    "decimal); the prizes' weights are laid end to end in pool order and number × total weight ÷ 2^64 picks the "
    "segment. The seed's SHA-256 commitment is published before the draws and the seed itself when the campaign "
    "ends, so anyone can recompute every draw.";

hh_status hh_h_member_lottery(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    json_t *c;
    hh_status st = member_campaign(r, db, r->path_id, &c);
    if (st) return st;
    int64_t now = hh_now_ms();
    char day[11];
    hh_local_day_near(sget(c, "timezone"), now, day);
    const char *status_now = hh_campaign_status_now(sget(c, "status"), iget(c, "starts_at"), iget(c, "ends_at"), now);
    json_t *prizes, *pool = NULL, *mine, *counts;
    if ((st = hh_db_query(db, &prizes,
                          "SELECT p.id, p.name, p.image, p.value_fen, p.stock, p.remaining, p.weight, p.daily_cap,"
                          " coalesce(d.won, 0) AS won_today, p.fulfilment, p.is_fallback AS is_fallback_bool"
                          " FROM lottery_prizes p LEFT JOIN lottery_prize_days d ON d.prize_id = p.id AND d.day = ?2"
                          " WHERE p.campaign_id = ?1 ORDER BY p.position, p.id",
                          HH_A(HH_I(r->path_id), HH_S(day)))))
        return st;
    hh_req_own(r, prizes);
    if (hh_db_one(db, &pool, "SELECT no_prize_weight, no_prize_label, mode FROM lottery_pools WHERE campaign_id = ?",
                  HH_A(HH_I(r->path_id))) == HH_OK)
        hh_req_own(r, pool);
    size_t n = json_array_size(prizes);
    hh_lottery_slot s[HH_LOTTERY_MAX_PRIZES + 1];
    double odds[HH_LOTTERY_MAX_PRIZES + 1];
    if (n > HH_LOTTERY_MAX_PRIZES) n = HH_LOTTERY_MAX_PRIZES;
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(prizes, i);
        json_t *cap = json_object_get(p, "daily_cap");
        s[i] = (hh_lottery_slot){.id = iget(p, "id"), .weight = iget(p, "weight"),
                                 .fallback = json_is_true(json_object_get(p, "is_fallback"))};
        s[i].available = iget(p, "remaining") > 0 && (!json_is_integer(cap) || iget(p, "won_today") < json_integer_value(cap));
    }
    s[n] = (hh_lottery_slot){.id = 0, .weight = pool ? iget(pool, "no_prize_weight") : 0, .available = true};
    bool fixed = pool && !strcmp(sget(pool, "mode"), "fixed");
    hh_lottery_odds(s, (int)n + 1, fixed, odds);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(prizes, i);
        json_array_append_new(items,
                              json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:b, s:f}", "id", json_object_get(p, "id"),
                                        "name", json_object_get(p, "name"), "image", json_object_get(p, "image"),
                                        "value_fen", json_object_get(p, "value_fen"), "fulfilment",
                                        json_object_get(p, "fulfilment"), "is_fallback", json_object_get(p, "is_fallback"),
                                        "stock", json_object_get(p, "stock"), "remaining", json_object_get(p, "remaining"),
                                        "available", s[i].available, "odds_pct", odds[i]));
    }
    const char *label = pool ? sget(pool, "no_prize_label") : NULL;
    json_t *no_prize = json_pack("{s:s, s:f}", "label", label && *label ? label : (r->lang_en ? "Thanks for playing" : "谢谢参与"),
                                 "odds_pct", odds[n]);
    if ((st = hh_db_one(db, &counts,
                        "SELECT coalesce((SELECT free_draws FROM campaign_usage WHERE campaign_id = ?1 AND scope = 'member'"
                        " AND subject_id = ?2 AND day = ?3), 0) AS free_used, (SELECT count(*) FROM lottery_grants WHERE member_id = ?2"
                        " AND campaign_id = ?1 AND draw_id IS NULL) AS grants,"
                        " EXISTS (SELECT 1 FROM lottery_pass_batches WHERE campaign_id = ?1) AS pass_codes",
                        HH_A(HH_I(r->path_id), HH_I(r->who.id), HH_S(day))))) {
        json_decref(items);
        json_decref(no_prize);
        return st;
    }
    hh_req_own(r, counts);
    if ((st = hh_db_query(db, &mine, MY_DRAW_COLS " WHERE d.member_id = ? AND d.campaign_id = ? ORDER BY d.id DESC LIMIT 100",
                          HH_A(HH_I(r->who.id), HH_I(r->path_id))))) {
        json_decref(items);
        json_decref(no_prize);
        return st;
    }
    hh_req_own(r, mine);
    json_t *my = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(mine, i, d) json_array_append_new(my, my_draw(d));
    int64_t per_day = iget(c, "free_draws_per_day"), used = iget(counts, "free_used");
    int64_t free_left = per_day > used ? per_day - used : 0, grants = iget(counts, "grants");
    bool ended = !strcmp(status_now, "ended");
    json_t *out = json_pack(
        "{s:{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:s, s:{s:O, s:O}}, s:o, s:I, s:o, s:s,"
        " s:{s:I, s:I, s:I, s:I, s:I, s:b, s:O}, s:o, s:{s:O, s:O, s:s}}",
        "campaign", "id", json_object_get(c, "id"), "name", json_object_get(c, "name"), "description",
        json_object_get(c, "description"), "image", json_object_get(c, "image"), "starts_at", json_object_get(c, "starts_at"),
        "ends_at", json_object_get(c, "ends_at"), "free_draws_per_day", json_object_get(c, "free_draws_per_day"),
        "status_now", status_now, "brand", "id", json_object_get(c, "brand_id"), "name", json_object_get(c, "brand_name"),
        "prizes", items, "total", (json_int_t)n, "no_prize", no_prize, "mode", fixed ? "fixed" : "redistribute", "me",
        "free_per_day", (json_int_t)per_day, "free_used_today", (json_int_t)used, "free_left_today", (json_int_t)free_left,
        "granted_left", (json_int_t)grants, "draws_left_today", (json_int_t)(free_left + grants), "pass_codes",
        iget(counts, "pass_codes") != 0, "draw_points", json_object_get(c, "draw_points"), "draws", my, "fairness",
        "seed_commitment", json_object_get(c, "seed_commitment"), "seed", ended ? json_object_get(c, "seed") : json_null(),
        "how", r->lang_en ? fairness_en : fairness_zh);
    hh_reply(r, 200, out);
    return HH_OK;
}

/* ---- the draw ---- */

enum { E_FREE, E_PASS, E_PRODUCT, E_GRANT, E_POINTS };

typedef struct {
    int kind;
    const char *entry;      /* as recorded */
    int64_t enterprise_id, campaign_id, brand_id, free_per_day, draw_points; /* set on the writer */
    int64_t pass_id;        /* E_PASS: the printed code's row */
    int64_t product_code_id, pass_batch_id; /* E_PRODUCT */
    char code[HH_CODE_MAX];
    int64_t touchpoint_id, store_id, staff_id;
    struct {               /* the answer, made by draw_text off the writer */
        int64_t id, at, coupon_id, coupon_valid_to, envelope_id, amount_fen, free_left;
        uint64_t roll;
        bool fallback;
        const char *claim_status, *prize; /* prize: its JSON (arena) or NULL */
        char claim[12], coupon_code[HH_CODE_LEN + 1];
    } out;
} draw_in;

/* A draw paid with points: the campaign's draw_points leave the member's
 * account through the ledger (soonest-expiring lots first) in this write. */
static hh_status pay_with_points(hh_db *tx, hh_req *r, const draw_in *d, int64_t draw_id)
{
    if (d->draw_points <= 0)
        return hh_fail(r, HH_E_UNPROCESSABLE, "entry", "本活动不支持积分抽奖", "This campaign does not take points for draws");
    hh_grant g = {.enterprise_id = d->enterprise_id, .member_id = r->who.id, .campaign_id = d->campaign_id,
                  .touchpoint_id = d->touchpoint_id, .store_id = d->store_id, .staff_id = d->staff_id,
                  .source = "lottery", .source_id = draw_id};
    int64_t txn = 0;
    return hh_points_spend(tx, r, &g, d->draw_points, d->brand_id, &txn);
}

/* Consume the draw's entry (after admission, before the roll). */
static hh_status take_entry(hh_db *tx, hh_req *r, draw_in *d, int64_t draw_id, int64_t at, int64_t *entry_ref)
{
    hh_status st;
    hh_result res = {0};
    switch (d->kind) {
    case E_FREE: /* taken by draw_write (hh_campaign_take_free_draw) */
        return HH_OK;
    case E_PASS:
        st = hh_db_run(tx, &res,
                       "UPDATE lottery_pass_codes SET used_at = ?, member_id = ?, draw_id = ? WHERE id = ? AND used_at IS NULL",
                       HH_A(HH_I(at), HH_I(r->who.id), HH_I(draw_id), HH_I(d->pass_id)));
        if (!st && res.changes != 1)
            return hh_fail(r, HH_E_CONFLICT, "pass_code", "该通关密码已使用过", "This pass code has already been used");
        *entry_ref = d->pass_id;
        return st;
    case E_PRODUCT:
        st = hh_db_run(tx, &res,
                       "INSERT INTO lottery_pass_codes (enterprise_id, campaign_id, batch_id, product_code_id, code, used_at,"
                       " member_id, draw_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                       HH_A(HH_I(d->enterprise_id), HH_I(d->campaign_id), HH_I(d->pass_batch_id), HH_I(d->product_code_id),
                            HH_S(d->code), HH_I(at), HH_I(r->who.id), HH_I(draw_id)));
        if (!st && res.changes != 1)
            return hh_fail(r, HH_E_CONFLICT, "pass_code", "该商品码已参与过抽奖", "This product code has already been used for a draw");
        *entry_ref = res.last_id;
        return st;
    case E_GRANT: {
        json_t *g;
        st = hh_db_one(tx, &g,
                       "UPDATE lottery_grants SET draw_id = ?1 WHERE id = (SELECT id FROM lottery_grants WHERE member_id = ?2"
                       " AND campaign_id = ?3 AND draw_id IS NULL ORDER BY id LIMIT 1) RETURNING id, source",
                       HH_A(HH_I(draw_id), HH_I(r->who.id), HH_I(d->campaign_id)));
        if (st == HH_E_NOT_FOUND)
            return hh_fail(r, HH_E_UNPROCESSABLE, "entry", "您没有可用的抽奖机会（上传小票审核通过后可获得）",
                           "You have no granted draws left (an approved receipt gives you some)");
        if (st) return st;
        *entry_ref = iget(g, "id");
        d->entry = !strcmp(sget(g, "source"), "receipt") ? "receipt" : "grant";
        json_decref(g);
        return HH_OK;
    }
    case E_POINTS:
        return pay_with_points(tx, r, d, draw_id);
    }
    return HH_E_INVALID;
}

typedef struct {
    const char *claim, *claim_status, *claim_error;
    int64_t coupon_id, envelope_id, amount_fen;
    char code[HH_CODE_LEN + 1];
} fulfilment;

/* Hand the prize over: a coupon (counter prizes through their hidden template),
 * a red envelope, or nothing yet (mail: the member gives an address). A
 * refusal is recorded, not raised (see the file comment). */
static hh_status fulfil(hh_db *tx, hh_req *r, const hh_grant *g, const hh__prize *p, fulfilment *f)
{
    f->claim = p->fulfilment;
    if (!strcmp(f->claim, "mail")) {
        f->claim_status = "unclaimed";
        return HH_OK;
    }
    hh_status st = hh_db_exec(tx, "SAVEPOINT lottery_fulfil");
    if (st) return st;
    if (!strcmp(f->claim, "envelope")) {
        st = hh_envelope_grant(tx, r, g, p->envelope_pool_id, &f->envelope_id, &f->amount_fen);
        f->claim_status = "claimed";
    } else {
        bool counter = !strcmp(f->claim, "counter");
        int64_t tid = counter ? p->counter_template_id : p->coupon_template_id;
        st = tid ? hh_coupon_grant(tx, r, g, tid, &f->coupon_id, f->code)
                 : hh_fail(r, HH_E_UNPROCESSABLE, "prize", "奖品未设置兑奖券", "The prize has no coupon to issue");
        f->claim_status = counter ? "unclaimed" : "claimed";
    }
    if (st == HH_E_STORAGE || st == HH_E_NOMEM || st == HH_E_UNAVAILABLE) return st;
    if (st) {
        hh_db_exec(tx, "ROLLBACK TO lottery_fulfil");
        f->claim_status = "failed";
        f->claim_error = r->err.zh ? hh_strdup(r->arena, r->err.zh) : hh_status_code(st);
        f->coupon_id = f->envelope_id = f->amount_fen = 0;
        memset(&r->err, 0, sizeof r->err);
    }
    return hh_db_exec(tx, "RELEASE lottery_fulfil");
}

/* Text for the events' props on the writer without printf's format parsing:
 * each appends at p (NUL-terminated) and returns the end. */
static char *put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n + 1);
    return p + n;
}

static char *put_int(char *p, int64_t v)
{
    char t[24], *q = t + sizeof t;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    *--q = 0;
    do *--q = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0) *--q = '-';
    return put_str(p, q);
}

/* The draw's answer as compact JSON (what json_dumps would give), formatted
 * directly: every text in it is a fixed word, a code or the prize's JSON made
 * when the pool was cached. */
static void draw_text(hh_req *r)
{
    const draw_in *d = r->ud;
    char hex[17], coupon[160] = "null", envelope[120] = "null", left[40] = "", head[256], tail[512];
    hh_lottery_roll_hex(d->out.roll, hex);
    if (d->out.coupon_id)
        snprintf(coupon, sizeof coupon, "{\"id\":%lld,\"code\":\"%s\",\"status\":\"issued\",\"valid_to\":%lld}",
                 (long long)d->out.coupon_id, d->out.coupon_code, (long long)d->out.coupon_valid_to);
    if (d->out.envelope_id)
        snprintf(envelope, sizeof envelope, "{\"id\":%lld,\"amount_fen\":%lld,\"status\":\"pending\"}",
                 (long long)d->out.envelope_id, (long long)d->out.amount_fen);
    if (d->out.free_left >= 0) snprintf(left, sizeof left, ",\"free_left_today\":%lld", (long long)d->out.free_left);
    const char *claim = d->out.claim[0] ? d->out.claim : NULL;
    int hl = snprintf(head, sizeof head,
                      "{\"id\":%lld,\"campaign_id\":%lld,\"at\":%lld,\"entry\":\"%s\",\"roll\":\"%s\",\"prize\":",
                      (long long)d->out.id, (long long)d->campaign_id, (long long)d->out.at, d->entry, hex);
    int tl = snprintf(tail, sizeof tail,
                      ",\"fallback\":%s,\"claim\":%s%s%s,\"claim_status\":\"%s\",\"coupon\":%s,\"envelope\":%s,"
                      "\"address\":null,\"tracking_no\":null%s}",
                      d->out.fallback ? "true" : "false", claim ? "\"" : "", claim ? claim : "null", claim ? "\"" : "",
                      d->out.claim_status, coupon, envelope, left);
    HH_CHECK(hl > 0 && (size_t)hl < sizeof head && tl > 0 && (size_t)tl < sizeof tail);
    const char *pj = d->out.prize ? d->out.prize : "null";
    size_t pl = strlen(pj), len = (size_t)hl + pl + (size_t)tl;
    char *text = hh_xmalloc(len + 1);
    memcpy(text, head, (size_t)hl);
    memcpy(text + hl, pj, pl);
    memcpy(text + hl + pl, tail, (size_t)tl + 1);
    hh_reply_raw(r, r->status, "application/json; charset=utf-8", text, len);
}

static hh_status draw_write(hh_db *tx, hh_req *r)
{
    draw_in *d = r->ud;
    /* the campaign and its pool as they are now (the writer's cache) */
    hh__draw_pool *p;
    hh_status st = hh__draw_pool_get(tx, d->campaign_id, &p);
    if (st == HH_OK && (p->enterprise_id != r->who.enterprise_id || !strcmp(p->status, "draft"))) st = HH_E_NOT_FOUND;
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到该活动", "No such campaign");
    if (st) return st;
    if (!p->seed_len)
        return hh_fail(r, HH_E_UNPROCESSABLE, "campaign_id", "本活动的抽奖尚未开放", "This campaign's lottery is not open yet");
    d->enterprise_id = p->enterprise_id;
    d->brand_id = p->brand_id;
    d->free_per_day = p->free_per_day;
    d->draw_points = p->draw_points;
    hh_grant g = {.enterprise_id = d->enterprise_id, .member_id = r->who.id, .campaign_id = d->campaign_id,
                  .touchpoint_id = d->touchpoint_id, .store_id = d->store_id, .staff_id = d->staff_id,
                  .source = "lottery"};
    /* every refusal of a free draw comes before its first change (it runs
     * without a savepoint: hh_cmd.refuses_first) */
    if ((st = hh_campaign_check(tx, r, &g, 0))) return st;
    int64_t at = hh_now_ms(), draw_id = 0, entry_ref = 0, free_used = 0;
    char day[11];
    hh_local_day_near(p->tz, at, day);
    hh_lottery_slot slots[HH_LOTTERY_MAX_PRIZES + 1];
    int nslots;
    if ((st = hh__draw_slots(tx, p, day, slots, &nslots))) return st;
    if (nslots < 2)
        return hh_fail(r, HH_E_UNPROCESSABLE, "campaign_id", "奖池还没有奖品，暂不能抽奖", "The prize pool is empty");
    if ((st = hh__next_draw_id(tx, &draw_id))) return st;
    if (d->kind == E_FREE) {
        if (d->free_per_day <= 0)
            return hh_fail(r, HH_E_UNPROCESSABLE, "entry", "本活动没有每日免费抽奖", "This campaign has no free daily draws");
        /* the draw's last refusal and its first change: the member's use of
         * the day and the free draw, counted on one row */
        st = hh_campaign_take_free_draw(tx, &g, day, d->free_per_day, &free_used);
        if (st == HH_E_CONFLICT)
            return hh_fail(r, HH_E_UNPROCESSABLE, "entry", "今天的免费抽奖次数已用完，明天再来",
                           "Today's free draws are used up; come back tomorrow");
        if (st) return st;
    }
    /* admission counts the use (the campaign's counters, left to the end of
     * the transaction: hh_db_defer; p does not hold them) */
    if ((st = hh_campaign_count_draw(tx, &g, day, d->kind == E_FREE))) return st;
    if ((st = take_entry(tx, r, d, draw_id, at, &entry_ref))) return st;
    uint64_t roll = hh__draw_roll(p, draw_id);
    hh_lottery_outcome o = hh_lottery_pick(slots, nslots, p->fixed, roll);
    fulfilment f = {0};
    const hh__prize *prize = NULL;
    g.source_id = draw_id;
    if (o.prize_id) {
        int i = 0;
        while (i < p->n && p->prizes[i].id != o.prize_id) i++;
        HH_CHECK(i < p->n);
        hh__prize *z = &p->prizes[i];
        /* the pick saw the stock as it is in this transaction (z->remaining,
         * what is pending included). The prize's row and its day's wins are
         * updated once per batch (hh_db_defer); the update keeps remaining
         * from going below 0 and fails the batch if it would. */
        if ((st = hh_db_defer(tx, hh__sql_prize_take, o.prize_id, NULL, 1, 0)) ||
            (st = hh_db_defer(tx, hh__sql_prize_won, o.prize_id, day, 1, 0)))
            return st;
        z->remaining--;
        prize = z;
        if ((st = fulfil(tx, r, &g, prize, &f))) return st;
    }
    uint64_t v = hh_db_version(tx, "lottery_draws");
    st = hh_db_run(tx, NULL,
                   "INSERT INTO lottery_draws (id, enterprise_id, campaign_id, member_id, at, entry, entry_ref, roll,"
                   " prize_id, fallback, claim, claim_status, coupon_id, envelope_id, claim_error, touchpoint_id, store_id,"
                   " staff_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   HH_A(HH_I(draw_id), HH_I(d->enterprise_id), HH_I(d->campaign_id), HH_I(r->who.id), HH_I(at),
                        HH_S(d->entry), HH_ID(entry_ref), HH_I((int64_t)roll), HH_ID(o.prize_id), HH_I(o.fallback),
                        HH_S(f.claim), HH_S(f.claim ? f.claim_status : "none"), HH_ID(f.coupon_id), HH_ID(f.envelope_id),
                        HH_S(f.claim_error), HH_ID(d->touchpoint_id), HH_ID(d->store_id), HH_ID(d->staff_id)));
    if (st) return st;
    hh__next_draw_taken(tx, v);
    /* the events' props as compact JSON (what json_dumps would give); entry and
     * fulfilment are from fixed sets of plain words (HH_CHECKed short) */
    char props[200], *e = props;
    HH_CHECK(strlen(d->entry) < 40 && (!f.claim || strlen(f.claim) < 40));
    e = put_int(put_str(e, "{\"draw_id\":"), draw_id);
    e = put_int(put_str(put_str(put_str(e, ",\"entry\":\""), d->entry), "\",\"prize_id\":"), o.prize_id);
    put_str(e, "}");
    st = hh_reward_event_text(tx, "lottery.draw", &g, d->brand_id, props, at);
    if (!st && o.prize_id) {
        e = put_int(put_str(props, "{\"draw_id\":"), draw_id);
        e = put_int(put_str(e, ",\"prize_id\":"), o.prize_id);
        e = put_int(put_str(e, ",\"value_fen\":"), prize->value_fen);
        e = put_str(put_str(put_str(e, ",\"fulfilment\":\""), f.claim), "\",\"fallback\":");
        put_str(e, o.fallback ? "true}" : "false}");
        st = hh_reward_event_text(tx, "lottery.win", &g, d->brand_id, props, at);
    }
    if (st) return st;
    /* the answer, from what is known (no read back for the common no-prize
     * draw); its text is made by the HTTP thread (draw_text) */
    d->out.id = draw_id;
    d->out.at = at;
    d->out.roll = roll;
    d->out.fallback = o.fallback;
    d->out.prize = prize ? hh_strdup(r->arena, prize->json) : NULL;
    d->out.claim_status = f.claim ? f.claim_status : "none";
    size_t cl = f.claim ? strlen(f.claim) : 0; /* a prize's fulfilment: a short fixed word */
    HH_CHECK(cl < sizeof d->out.claim);
    memcpy(d->out.claim, f.claim ? f.claim : "", cl + 1);
    d->out.coupon_id = f.coupon_id;
    if (f.coupon_id) {
        hh_db_int(tx, &d->out.coupon_valid_to, "SELECT valid_to FROM coupons WHERE id = ?", HH_A(HH_I(f.coupon_id)));
        memcpy(d->out.coupon_code, f.code, sizeof d->out.coupon_code);
    }
    d->out.envelope_id = f.envelope_id;
    d->out.amount_fen = f.amount_fen;
    d->out.free_left = d->kind == E_FREE ? d->free_per_day - free_used : -1;
    hh_reply_later(r, 201, draw_text);
    return HH_OK;
}

/* A pass code as typed: a printed code of this campaign, or the code of a
 * product unit whose batch is bound to it. Read-only checks here; the writer
 * takes the code with a conditional update, so two members cannot both use it. */
static hh_status read_pass_code(hh_req *r, hh_db *db, draw_in *d, const char *typed)
{
    char code[HH_CODE_LEN + 1];
    if (hh_reward_code_parse(typed, code)) {
        json_t *row;
        hh_status st = hh_db_one(db, &row, "SELECT id, campaign_id FROM lottery_pass_codes WHERE enterprise_id = ? AND code = ?",
                                 HH_A(HH_I(d->enterprise_id), HH_S(code)));
        if (st == HH_OK) {
            hh_req_own(r, row);
            if (iget(row, "campaign_id") != d->campaign_id)
                return hh_fail(r, HH_E_UNPROCESSABLE, "pass_code", "该通关密码不属于本活动", "This pass code belongs to another campaign");
            /* whether it is used is decided by the write alone (409 there), so
             * that a draw retried with its Idempotency-Key replays its answer */
            d->kind = E_PASS;
            d->pass_id = iget(row, "id");
            snprintf(d->code, sizeof d->code, "%s", code);
            return HH_OK;
        }
        if (st != HH_E_NOT_FOUND) return st;
    }
    int64_t unit = 0;
    if (hh_code_decode(r->app->code_key, "pc", typed, &unit)) {
        json_t *b;
        hh_status st = hh_db_one(db, &b,
                                 "SELECT pb.id, lb.id AS pass_batch_id FROM product_batches pb LEFT JOIN lottery_pass_batches lb"
                                 " ON lb.product_batch_id = pb.id AND lb.campaign_id = ?3 WHERE pb.enterprise_id = ?2"
                                 " AND pb.first_code_id <= ?1 AND pb.first_code_id + pb.quantity > ?1",
                                 HH_A(HH_I(unit), HH_I(d->enterprise_id), HH_I(d->campaign_id)));
        if (st == HH_OK) {
            hh_req_own(r, b);
            if (!iget(b, "pass_batch_id"))
                return hh_fail(r, HH_E_UNPROCESSABLE, "pass_code", "该商品不参加本活动的抽奖",
                               "This product does not take part in this campaign's lottery");
            d->kind = E_PRODUCT;
            d->product_code_id = unit;
            d->pass_batch_id = iget(b, "pass_batch_id");
            hh_code_encode(r->app->code_key, "pc", unit, d->code);
            return HH_OK;
        }
        if (st != HH_E_NOT_FOUND) return st;
    }
    return hh_fail(r, HH_E_UNPROCESSABLE, "pass_code", "通关密码无效，请核对后重新输入",
                   "This pass code is not valid; check it and try again");
}

hh_status hh_h_member_lottery_draw(hh_req *r)
{
    static const char *const allowed[] = {"entry", "pass_code", "touchpoint_id", NULL};
    draw_in *d = hh_alloc(r->arena, sizeof *d);
    r->ud = d;
    const char *entry, *pass = NULL;
    bool has_pass, has_tp;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) || (st = hh_field_str(r, "entry", true, 16, &entry, NULL)) ||
        (st = hh_field_str(r, "pass_code", false, 64, &pass, &has_pass)) ||
        (st = hh_field_int(r, "touchpoint_id", false, 1, INT64_MAX, &d->touchpoint_id, &has_tp)))
        return st;
    if (!strcmp(entry, "free"))
        d->kind = E_FREE;
    else if (!strcmp(entry, "pass_code"))
        d->kind = E_PASS;
    else if (!strcmp(entry, "receipt") || !strcmp(entry, "grant"))
        d->kind = E_GRANT;
    else if (!strcmp(entry, "points"))
        d->kind = E_POINTS;
    else
        return hh_fail(r, HH_E_INVALID, "entry", "entry 须为 pass_code、points、receipt 或 free",
                       "entry must be pass_code, points, receipt or free");
    d->entry = !strcmp(entry, "grant") ? "grant" : entry;
    if (d->kind == E_PASS && (!has_pass || !*pass))
        return hh_fail(r, HH_E_INVALID, "pass_code", "请输入通关密码", "Enter the pass code");
    if (d->kind != E_PASS && has_pass)
        return hh_fail(r, HH_E_INVALID, "pass_code", "只有通关密码抽奖需要 pass_code", "pass_code is for pass-code draws only");
    d->campaign_id = r->path_id;
    /* a free draw refuses only before its first change (see draw_write) */
    r->cmd.refuses_first = d->kind == E_FREE;
    r->cmd.defers = true;
    if (d->kind != E_PASS && !has_tp) return hh_req_write(r, draw_write); /* the writer checks the campaign */
    /* a pass code or touchpoint is looked up in the campaign's enterprise: the
     * campaign first (the writer checks it again, as it is then) */
    hh_db *db = hh_store_reader(r->app->store);
    json_t *c;
    if ((st = member_campaign(r, db, r->path_id, &c))) return st;
    d->enterprise_id = iget(c, "enterprise_id");
    const char *seed = sget(c, "seed");
    if (!seed || !*seed)
        return hh_fail(r, HH_E_UNPROCESSABLE, "campaign_id", "本活动的抽奖尚未开放", "This campaign's lottery is not open yet");
    /* whether the campaign gives free draws (or takes points) is decided by
     * the write, like the pass code: a retry with its Idempotency-Key replays */
    if (d->kind == E_PASS && (st = read_pass_code(r, db, d, pass))) return st;
    if (has_tp) {
        json_t *tp;
        st = hh_db_one(db, &tp, "SELECT store_id, staff_id FROM touchpoints WHERE id = ? AND enterprise_id = ?",
                       HH_A(HH_I(d->touchpoint_id), HH_I(d->enterprise_id)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, HH_E_INVALID, "touchpoint_id", "找不到该触点", "No such touchpoint");
        if (st) return st;
        d->store_id = iget(tp, "store_id");
        d->staff_id = iget(tp, "staff_id");
        json_decref(tp);
    }
    return hh_req_write(r, draw_write);
}

/* ---- a prize by mail: the address ---- */

typedef struct {
    int64_t address_id;
    const char *name, *phone, *province, *city, *district, *detail;
    char e164[HH_PHONE_MAX];
} address_in;

static hh_status own_draw(hh_db *db, hh_req *r, json_t **out)
{
    hh_status st = hh_db_one(db, out,
                             "SELECT id, campaign_id, member_id, prize_id, claim, claim_status, coupon_id FROM lottery_draws"
                             " WHERE id = ?",
                             HH_A(HH_I(r->path_id)));
    if (st == HH_OK && iget(*out, "member_id") != r->who.id) {
        json_decref(*out);
        *out = NULL;
        st = HH_E_NOT_FOUND;
    }
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到该抽奖记录", "No such draw");
    if (st) return st;
    hh_req_own(r, *out);
    return HH_OK;
}

static hh_status address_write(hh_db *tx, hh_req *r)
{
    address_in *in = r->ud;
    json_t *d;
    hh_status st = own_draw(tx, r, &d);
    if (st) return st;
    const char *claim = sget(d, "claim"), *cs = sget(d, "claim_status");
    if (!claim || strcmp(claim, "mail"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "id", "该奖品不需要邮寄", "This prize is not sent by mail");
    if (strcmp(cs, "unclaimed") && strcmp(cs, "claimed"))
        return hh_fail(r, HH_E_CONFLICT, "id", "奖品已发货，不能再修改地址", "The prize has been shipped; the address can no longer change");
    json_t *a;
    if (in->address_id) {
        st = hh_db_one(tx, &a,
                       "SELECT name, phone, province, city, district, detail FROM member_addresses WHERE id = ? AND member_id = ?",
                       HH_A(HH_I(in->address_id), HH_I(r->who.id)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, HH_E_INVALID, "address_id", "找不到该地址", "No such address");
        if (st) return st;
    } else {
        a = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", in->name, "phone", in->phone, "province",
                      in->province ? in->province : "", "city", in->city ? in->city : "", "district",
                      in->district ? in->district : "", "detail", in->detail);
    }
    char *text = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    st = hh_db_run(tx, NULL, "UPDATE lottery_draws SET address_json = ?, claim_status = 'claimed' WHERE id = ?",
                   HH_A(HH_S(text), HH_I(r->path_id)));
    free(text);
    if (st) return st;
    int64_t brand = 0;
    if ((st = hh_db_int(tx, &brand, "SELECT brand_id FROM campaigns WHERE id = ?", HH_A(HH_I(iget(d, "campaign_id"))))))
        return st;
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = r->who.id, .campaign_id = iget(d, "campaign_id"),
                  .source = "lottery", .source_id = r->path_id};
    json_t *props = json_pack("{s:I, s:I, s:s}", "draw_id", (json_int_t)r->path_id, "prize_id",
                              (json_int_t)iget(d, "prize_id"), "claim", "mail");
    st = hh_reward_event(tx, "lottery.claim", &g, brand, props);
    json_decref(props);
    if (st) return st;
    json_t *out;
    if ((st = my_draw_get(tx, r->path_id, &out))) return st;
    hh_reply(r, 200, out);
    return HH_OK;
}

hh_status hh_h_member_lottery_address(hh_req *r)
{
    static const char *const allowed[] = {"address_id", "name", "phone", "province", "city", "district", "detail", NULL};
    address_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    bool has_id;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "address_id", false, 1, INT64_MAX, &in->address_id, &has_id)))
        return st;
    if (has_id) {
        for (const char *const *k = allowed + 1; *k; k++)
            if (json_object_get(r->json, *k) && !json_is_null(json_object_get(r->json, *k)))
                return hh_fail(r, HH_E_INVALID, *k, "已选择保存的地址时不能再填写地址字段",
                               "Give either address_id or the address fields, not both");
        return hh_req_write(r, address_write);
    }
    if ((st = hh_field_str(r, "name", true, 32, &in->name, NULL)) || (st = hh_field_str(r, "phone", true, 32, &in->phone, NULL)) ||
        (st = hh_field_str(r, "province", false, 32, &in->province, NULL)) ||
        (st = hh_field_str(r, "city", false, 32, &in->city, NULL)) ||
        (st = hh_field_str(r, "district", false, 32, &in->district, NULL)) ||
        (st = hh_field_str(r, "detail", true, 200, &in->detail, NULL)))
        return st;
    if (hh_phone_normalize(in->phone, "CN", true, in->e164) != HH_PHONE_OK)
        return hh_fail(r, HH_E_INVALID, "phone", "收件人手机号码无效", "The recipient's mobile number is not valid");
    in->phone = in->e164;
    return hh_req_write(r, address_write);
}

/* ---- a counter prize's QR (the coupon code staff scan or type) ---- */

hh_status hh_h_member_lottery_qr(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    json_t *d, *cp;
    hh_status st = own_draw(db, r, &d);
    if (st) return st;
    if (!iget(d, "coupon_id"))
        return hh_fail(r, HH_E_NOT_FOUND, "id", "该抽奖记录没有兑奖券", "This draw has no coupon to show");
    if ((st = hh_db_one(db, &cp, "SELECT code FROM coupons WHERE id = ?", HH_A(HH_I(iget(d, "coupon_id")))))) return st;
    hh_req_own(r, cp);
    size_t len;
    char *svg = hh_qr_svg(sget(cp, "code"), 8, NULL, &len);
    if (!svg) return HH_E_NOMEM;
    hh_reply_raw(r, 200, "image/svg+xml", svg, len);
    return HH_OK;
}
