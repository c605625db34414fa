/*
 * ledger.c — the double-entry points ledger (see points.h for the model).
 *
 * Every change of points is one row of points_txns with entries on two or
 * more accounts that sum to zero, and, on the member's side, moves on the
 * member's lots that sum to the member's entry. Balances are kept on the
 * accounts and changed in the same write as the entries; a member balance is
 * changed only by an UPDATE that refuses to take it below zero (and the schema
 * refuses it too), so no interleaving of requests can overdraw a member: all
 * writes run one at a time on the store's writer thread.
 *
 * Each exported function opens its own savepoint ("points") so that a failure
 * halfway (too few points, a storage error) leaves nothing behind, whatever
 * the caller does with the status.
 *
 * Caveats: a lot's expiry is fixed when it is earned; changing the policy
 * applies to points earned afterwards.
 */
#include "points/points.h"
#include "core/localtime.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEVER_SQL "9223372036854775807"
#define MAX_POINTS 1000000000LL

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *sget(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static hh_status fail(hh_req *r, hh_status st, const char *field, const char *zh, const char *en)
{
    return r ? hh_fail(r, st, field, zh, en) : st;
}

/* ---- savepoints ---- */

static hh_status sp_begin(hh_db *tx)
{
    return hh_db_exec(tx, "SAVEPOINT points");
}

static hh_status sp_end(hh_db *tx, hh_status st)
{
    if (st == HH_OK) return hh_db_exec(tx, "RELEASE points");
    hh_db_exec(tx, "ROLLBACK TO points");
    hh_db_exec(tx, "RELEASE points");
    return st;
}

/* ---- policy ---- */

hh_status hh__points_policy_load(hh_db *db, int64_t enterprise_id, hh__points_policy *out)
{
    *out = (hh__points_policy){.mode = "year_end", .years = 1, .days = 365};
    json_t *rows;
    hh_status st = hh_db_query(db, &rows,
                               "SELECT key, value FROM enterprise_settings WHERE enterprise_id = ?"
                               " AND key IN ('points.expiry_mode', 'points.expiry_years', 'points.expiry_days')",
                               HH_A(HH_I(enterprise_id)));
    if (st) return st;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *k = sget(row, "key"), *v = sget(row, "value");
        int64_t n;
        if (!strcmp(k, "points.expiry_mode") && v &&
            (!strcmp(v, "year_end") || !strcmp(v, "days") || !strcmp(v, "never")))
            snprintf(out->mode, sizeof out->mode, "%s", v);
        if (!strcmp(k, "points.expiry_years") && hh_parse_i64(v, &n) && n >= 0 && n <= 10) out->years = n;
        if (!strcmp(k, "points.expiry_days") && hh_parse_i64(v, &n) && n >= 1 && n <= 3650) out->days = n;
    }
    json_decref(rows);
    return HH_OK;
}

int64_t hh__points_expiry(const hh__points_policy *p, const char *tz, int64_t at)
{
    if (!strcmp(p->mode, "never")) return 0;
    hh_local l;
    if (!hh_local_parts(tz, at, &l)) {
        tz = "Asia/Shanghai";
        hh_local_parts(tz, at, &l);
    }
    /* the last millisecond of the local day / year */
    if (!strcmp(p->mode, "days")) return hh_local_start(tz, l.year, l.month, l.day + (int)p->days + 1) - 1;
    return hh_local_start(tz, l.year + (int)p->years + 1, 1, 1) - 1;
}

/* ---- accounts, transactions, entries, lots ---- */

static hh_status member_account(hh_db *tx, int64_t ent, int64_t member_id, int64_t *out)
{
    hh_status st = hh_db_int(tx, out, "SELECT id FROM points_accounts WHERE member_id = ?", HH_A(HH_I(member_id)));
    if (st != HH_E_NOT_FOUND) return st;
    hh_result res;
    int64_t now = hh_now_ms();
    st = hh_db_run(tx, &res,
                   "INSERT INTO points_accounts (enterprise_id, kind, member_id, created_at, updated_at)"
                   " VALUES (?, 'member', ?, ?, ?)",
                   HH_A(HH_I(ent), HH_I(member_id), HH_I(now), HH_I(now)));
    if (!st) *out = res.last_id;
    return st;
}

static hh_status program_account(hh_db *tx, int64_t ent, const char *kind, int64_t brand_id, int64_t *out)
{
    hh_status st = hh_db_int(tx, out,
                             "SELECT id FROM points_accounts WHERE enterprise_id = ? AND kind = ?"
                             " AND coalesce(member_id, 0) = 0 AND coalesce(brand_id, 0) = ?",
                             HH_A(HH_I(ent), HH_S(kind), HH_I(brand_id)));
    if (st != HH_E_NOT_FOUND) return st;
    hh_result res;
    int64_t now = hh_now_ms();
    st = hh_db_run(tx, &res,
                   "INSERT INTO points_accounts (enterprise_id, kind, brand_id, created_at, updated_at)"
                   " VALUES (?, ?, ?, ?, ?)",
                   HH_A(HH_I(ent), HH_S(kind), HH_ID(brand_id), HH_I(now), HH_I(now)));
    if (!st) *out = res.last_id;
    return st;
}

/* One entry and the balance it changes. A member account refuses to go
 * below zero: HH_E_UNPROCESSABLE (the caller checked first; this is the
 * last line). */
static hh_status post(hh_db *tx, int64_t txn_id, int64_t account_id, int64_t amount)
{
    if (!amount) return HH_OK;
    hh_result res = {0};
    hh_status st = hh_db_run(tx, NULL, "INSERT INTO points_entries (txn_id, account_id, amount) VALUES (?, ?, ?)",
                             HH_A(HH_I(txn_id), HH_I(account_id), HH_I(amount)));
    if (!st)
        st = hh_db_run(tx, &res,
                       "UPDATE points_accounts SET balance = balance + ?1, updated_at = ?2"
                       " WHERE id = ?3 AND (kind <> 'member' OR balance + ?1 >= 0)",
                       HH_A(HH_I(amount), HH_I(hh_now_ms()), HH_I(account_id)));
    if (!st && res.changes != 1) st = HH_E_UNPROCESSABLE;
    return st;
}

typedef struct txn_in {
    const char *kind;
    int64_t ent, member, points, brand, rule, campaign, store, staff, touchpoint;
    const char *source;
    int64_t source_id, reverses, actor, spend_fen;
    const char *reason;
    json_t *props; /* not stolen */
} txn_in;

static hh_status txn_insert(hh_db *tx, const txn_in *t, int64_t *id)
{
    char tz[64], day[11];
    int64_t now = hh_now_ms();
    hh_enterprise_tz(tx, t->ent, tz);
    hh_local_day(tz, now, day);
    char *props = t->props ? json_dumps(t->props, JSON_COMPACT) : NULL;
    hh_result res;
    hh_status st = hh_db_run(
        tx, &res,
        "INSERT INTO points_txns (enterprise_id, kind, member_id, points, brand_id, rule_id, campaign_id, store_id,"
        " staff_id, touchpoint_id, source, source_id, reverses_id, reason, actor_id, spend_fen, props_json, day, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        HH_A(HH_I(t->ent), HH_S(t->kind), HH_I(t->member), HH_I(t->points), HH_ID(t->brand), HH_ID(t->rule),
             HH_ID(t->campaign), HH_ID(t->store), HH_ID(t->staff), HH_ID(t->touchpoint),
             HH_S(t->source ? t->source : "admin"), HH_ID(t->source_id), HH_ID(t->reverses), HH_S(t->reason),
             HH_ID(t->actor), t->spend_fen ? HH_I(t->spend_fen) : HH_NULL, HH_S(props), HH_S(day), HH_I(now)));
    free(props);
    if (!st) *id = res.last_id;
    return st;
}

static hh_status lot_move(hh_db *tx, int64_t lot_id, int64_t txn_id, int64_t amount)
{
    return hh_db_run(tx, NULL, "INSERT INTO points_lot_moves (lot_id, txn_id, amount) VALUES (?, ?, ?)",
                     HH_A(HH_I(lot_id), HH_I(txn_id), HH_I(amount)));
}

static hh_status lot_new(hh_db *tx, int64_t ent, int64_t member, int64_t txn_id, int64_t brand, int64_t points,
                         int64_t earned_at, int64_t expires_at, int64_t origin)
{
    hh_result res;
    hh_status st = hh_db_run(tx, &res,
                             "INSERT INTO points_lots (enterprise_id, member_id, txn_id, brand_id, points, remaining,"
                             " earned_at, expires_at, origin_lot_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             HH_A(HH_I(ent), HH_I(member), HH_I(txn_id), HH_ID(brand), HH_I(points), HH_I(points),
                                  HH_I(earned_at), HH_ID(expires_at), HH_ID(origin)));
    if (!st) st = lot_move(tx, res.last_id, txn_id, points);
    return st;
}

/* Take `need` points from the member's usable lots, those that expire first
 * first (lots of prefer_txn before all others, for reversals). */
static hh_status consume(hh_db *tx, int64_t member, int64_t txn_id, int64_t need, int64_t prefer_txn)
{
    json_t *lots;
    hh_status st = hh_db_query(tx, &lots,
                               "SELECT id, remaining FROM points_lots WHERE member_id = ? AND remaining > 0"
                               " AND (expires_at IS NULL OR expires_at >= ?)"
                               " ORDER BY txn_id = ? DESC, coalesce(expires_at, " NEVER_SQL "), id",
                               HH_A(HH_I(member), HH_I(hh_now_ms()), HH_I(prefer_txn)));
    if (st) return st;
    size_t i;
    json_t *lot;
    json_array_foreach(lots, i, lot)
    {
        if (need <= 0 || st) break;
        int64_t take = iget(lot, "remaining");
        if (take > need) take = need;
        hh_result res = {0};
        st = hh_db_run(tx, &res, "UPDATE points_lots SET remaining = remaining - ?1 WHERE id = ?2 AND remaining >= ?1",
                       HH_A(HH_I(take), HH_I(iget(lot, "id"))));
        if (!st) HH_CHECK(res.changes == 1);
        if (!st) st = lot_move(tx, iget(lot, "id"), txn_id, -take);
        need -= take;
    }
    json_decref(lots);
    if (!st && need > 0) st = HH_E_UNPROCESSABLE;
    return st;
}

static hh_status member_check(hh_db *tx, hh_req *r, int64_t ent, int64_t member)
{
    json_t *m;
    hh_status st = hh_db_one(tx, &m, "SELECT status FROM members WHERE id = ? AND enterprise_id = ?",
                             HH_A(HH_I(member), HH_I(ent)));
    if (st == HH_E_NOT_FOUND) return fail(r, st, "member_id", "会员不存在", "No such member");
    if (st) return st;
    bool live = !strcmp(sget(m, "status"), "live");
    json_decref(m);
    if (!live)
        return fail(r, HH_E_UNPROCESSABLE, "member_id", "该会员记录已合并或已删除", "This member record was merged or erased");
    return HH_OK;
}

static hh_status brand_check(hh_db *tx, hh_req *r, int64_t ent, int64_t brand)
{
    if (!brand) return HH_OK;
    int64_t one;
    hh_status st = hh_db_int(tx, &one, "SELECT 1 FROM brands WHERE id = ? AND enterprise_id = ?",
                             HH_A(HH_I(brand), HH_I(ent)));
    if (st == HH_E_NOT_FOUND) return fail(r, st, "brand_id", "品牌不存在", "No such brand");
    return st;
}

static int64_t account_balance(hh_db *tx, int64_t member)
{
    int64_t b = 0;
    hh_db_int(tx, &b, "SELECT balance FROM points_accounts WHERE member_id = ?", HH_A(HH_I(member)));
    return b;
}

/* The live record that stands for member now (follows merges). */
static int64_t survivor_of(hh_db *tx, int64_t member)
{
    for (int hops = 0; hops < 8; hops++) {
        int64_t next = 0;
        if (hh_db_int(tx, &next, "SELECT merged_into FROM members WHERE id = ? AND status = 'merged'",
                      HH_A(HH_I(member))) != HH_OK ||
            !next)
            break;
        member = next;
    }
    return member;
}

/* ---- expiry ---- */

static hh_status expire_member(hh_db *tx, int64_t ent, int64_t member, int64_t *expired)
{
    if (expired) *expired = 0;
    json_t *lots;
    hh_status st = hh_db_query(tx, &lots,
                               "SELECT id, remaining, coalesce(brand_id, 0) AS brand_id FROM points_lots"
                               " WHERE member_id = ? AND remaining > 0 AND expires_at < ? ORDER BY id",
                               HH_A(HH_I(member), HH_I(hh_now_ms())));
    if (st) return st;
    if (!json_array_size(lots)) {
        json_decref(lots);
        return HH_OK;
    }
    int64_t total = 0;
    size_t i;
    json_t *lot;
    json_array_foreach(lots, i, lot) total += iget(lot, "remaining");
    json_t *props = json_pack("{s:I}", "lots", (json_int_t)json_array_size(lots));
    txn_in t = {.kind = "expire", .ent = ent, .member = member, .points = -total, .source = "expiry", .props = props};
    int64_t txn_id = 0, acct = 0;
    st = txn_insert(tx, &t, &txn_id);
    json_decref(props);
    json_t *by_brand = json_object();
    json_array_foreach(lots, i, lot)
    {
        if (st) break;
        int64_t n = iget(lot, "remaining");
        hh_result res = {0};
        st = hh_db_run(tx, &res, "UPDATE points_lots SET remaining = 0 WHERE id = ? AND remaining = ?",
                       HH_A(HH_I(iget(lot, "id")), HH_I(n)));
        if (!st) HH_CHECK(res.changes == 1);
        if (!st) st = lot_move(tx, iget(lot, "id"), txn_id, -n);
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)iget(lot, "brand_id"));
        json_object_set_new(by_brand, key, json_integer(json_integer_value(json_object_get(by_brand, key)) + n));
    }
    if (!st) st = member_account(tx, ent, member, &acct);
    if (!st) st = post(tx, txn_id, acct, -total);
    const char *key;
    json_t *v;
    json_object_foreach(by_brand, key, v)
    {
        if (st) break;
        int64_t brand = 0, prog = 0;
        hh_parse_i64(key, &brand);
        st = program_account(tx, ent, "expired", brand, &prog);
        if (!st) st = post(tx, txn_id, prog, json_integer_value(v));
    }
    json_decref(by_brand);
    json_decref(lots);
    if (!st && expired) *expired = total;
    return st;
}

hh_status hh__points_expire_member(hh_db *tx, int64_t enterprise_id, int64_t member_id, int64_t *expired)
{
    hh_status st = sp_begin(tx);
    if (st) return st;
    return sp_end(tx, expire_member(tx, enterprise_id, member_id, expired));
}

/* ---- earning ---- */

typedef struct earn_in {
    const hh_grant *g;
    const char *kind;     /* earn, adjust */
    const char *program;  /* issued, adjusted */
    int64_t points, rule, brand, spend_fen, actor;
    const char *reason;
    json_t *props;
} earn_in;

static hh_status earn(hh_db *tx, hh_req *r, const earn_in *e, int64_t *txn_id)
{
    const hh_grant *g = e->g;
    hh_status st;
    if (e->points <= 0 || e->points > MAX_POINTS)
        return fail(r, HH_E_INVALID, "points", "积分须为 1–1000000000", "points must be 1–1000000000");
    if ((st = member_check(tx, r, g->enterprise_id, g->member_id)) ||
        (st = brand_check(tx, r, g->enterprise_id, e->brand)))
        return st;
    if (g->source_id && !strcmp(e->kind, "earn")) {
        int64_t dup = 0;
        st = hh_db_int(tx, &dup,
                       "SELECT count(*) FROM points_txns WHERE member_id = ? AND source = ? AND source_id = ?"
                       " AND coalesce(rule_id, 0) = ? AND kind = 'earn'",
                       HH_A(HH_I(g->member_id), HH_S(g->source ? g->source : "admin"), HH_I(g->source_id),
                            HH_I(e->rule)));
        if (st) return st;
        if (dup) return fail(r, HH_E_CONFLICT, "source_id", "这笔积分已发放过", "These points were already awarded");
    }
    hh__points_policy pol;
    char tz[64];
    if ((st = hh__points_policy_load(tx, g->enterprise_id, &pol))) return st;
    hh_enterprise_tz(tx, g->enterprise_id, tz);
    int64_t now = hh_now_ms(), id = 0, acct = 0, prog = 0;
    txn_in t = {.kind = e->kind, .ent = g->enterprise_id, .member = g->member_id, .points = e->points,
                .brand = e->brand, .rule = e->rule, .campaign = g->campaign_id, .store = g->store_id,
                .staff = g->staff_id, .touchpoint = g->touchpoint_id, .source = g->source,
                .source_id = g->source_id, .actor = e->actor, .spend_fen = e->spend_fen, .reason = e->reason,
                .props = e->props};
    if ((st = txn_insert(tx, &t, &id)) || (st = member_account(tx, g->enterprise_id, g->member_id, &acct)) ||
        (st = program_account(tx, g->enterprise_id, e->program, e->brand, &prog)) ||
        (st = post(tx, id, acct, e->points)) || (st = post(tx, id, prog, -e->points)) ||
        (st = lot_new(tx, g->enterprise_id, g->member_id, id, e->brand, e->points, now,
                      hh__points_expiry(&pol, tz, now), 0)))
        return st;
    if (txn_id) *txn_id = id;
    return hh__level_evaluate(tx, g->enterprise_id, g->member_id, false);
}

hh_status hh__points_earn_traced(hh_db *tx, hh_req *r, const hh_grant *g, int64_t points, int64_t rule_id,
                                 int64_t brand_id, int64_t spend_fen, json_t *props, int64_t *txn_id)
{
    earn_in e = {.g = g, .kind = "earn", .program = "issued", .points = points, .rule = rule_id,
                 .brand = brand_id, .spend_fen = spend_fen, .props = props};
    hh_status st = sp_begin(tx);
    if (st) return st;
    return sp_end(tx, earn(tx, r, &e, txn_id));
}

hh_status hh_points_earn(hh_db *tx, hh_req *r, const hh_grant *g, int64_t points, int64_t rule_id,
                         int64_t brand_id, int64_t *txn_id)
{
    return hh__points_earn_traced(tx, r, g, points, rule_id, brand_id, 0, NULL, txn_id);
}

/* ---- spending ---- */

typedef struct spend_in {
    const hh_grant *g;
    const char *kind;    /* spend, adjust */
    const char *program; /* redeemed, adjusted */
    int64_t points, brand, actor;
    const char *reason;
} spend_in;

static hh_status spend(hh_db *tx, hh_req *r, const spend_in *s, int64_t *txn_id)
{
    const hh_grant *g = s->g;
    hh_status st;
    if (s->points <= 0 || s->points > MAX_POINTS)
        return fail(r, HH_E_INVALID, "points", "积分须为 1–1000000000", "points must be 1–1000000000");
    if ((st = member_check(tx, r, g->enterprise_id, g->member_id)) ||
        (st = brand_check(tx, r, g->enterprise_id, s->brand)) ||
        (st = expire_member(tx, g->enterprise_id, g->member_id, NULL)))
        return st;
    int64_t have = account_balance(tx, g->member_id);
    if (have < s->points) {
        const char *zh = r ? hh_sprintf(r->arena, "积分不足：需要 %lld，可用 %lld", (long long)s->points, (long long)have) : "";
        const char *en = r ? hh_sprintf(r->arena, "Not enough points: %lld needed, %lld available",
                                        (long long)s->points, (long long)have)
                           : "";
        return fail(r, HH_E_UNPROCESSABLE, "points", zh, en);
    }
    int64_t id = 0, acct = 0, prog = 0;
    txn_in t = {.kind = s->kind, .ent = g->enterprise_id, .member = g->member_id, .points = -s->points,
                .brand = s->brand, .campaign = g->campaign_id, .store = g->store_id, .staff = g->staff_id,
                .touchpoint = g->touchpoint_id, .source = g->source, .source_id = g->source_id,
                .actor = s->actor, .reason = s->reason};
    if ((st = txn_insert(tx, &t, &id)) || (st = consume(tx, g->member_id, id, s->points, 0)) ||
        (st = member_account(tx, g->enterprise_id, g->member_id, &acct)) ||
        (st = program_account(tx, g->enterprise_id, s->program, s->brand, &prog)) ||
        (st = post(tx, id, acct, -s->points)) || (st = post(tx, id, prog, s->points)))
        return st == HH_E_UNPROCESSABLE ? fail(r, st, "points", "积分不足", "Not enough points") : st;
    if (txn_id) *txn_id = id;
    return HH_OK;
}

hh_status hh_points_spend(hh_db *tx, hh_req *r, const hh_grant *g, int64_t points, int64_t brand_id,
                          int64_t *txn_id)
{
    spend_in s = {.g = g, .kind = "spend", .program = "redeemed", .points = points, .brand = brand_id};
    hh_status st = sp_begin(tx);
    if (st) return st;
    return sp_end(tx, spend(tx, r, &s, txn_id));
}

hh_status hh__points_adjust(hh_db *tx, hh_req *r, const hh_grant *g, int64_t points, int64_t brand_id,
                            const char *reason, int64_t *txn_id)
{
    hh_status st = sp_begin(tx);
    if (st) return st;
    int64_t actor = r && r->who.role != HH_ROLE_MEMBER ? r->who.id : 0;
    if (points > 0) {
        earn_in e = {.g = g, .kind = "adjust", .program = "adjusted", .points = points, .brand = brand_id,
                     .actor = actor, .reason = reason};
        st = earn(tx, r, &e, txn_id);
    } else {
        spend_in s = {.g = g, .kind = "adjust", .program = "adjusted", .points = -points, .brand = brand_id,
                      .actor = actor, .reason = reason};
        st = spend(tx, r, &s, txn_id);
    }
    return sp_end(tx, st);
}

/* ---- corrections ---- */

/* The programme entries of txn (everything but member accounts), negated onto
 * the same accounts under new_txn. */
static hh_status negate_program(hh_db *tx, int64_t txn, int64_t new_txn)
{
    json_t *rows;
    hh_status st = hh_db_query(tx, &rows,
                               "SELECT e.account_id, e.amount FROM points_entries e JOIN points_accounts a"
                               " ON a.id = e.account_id WHERE e.txn_id = ? AND a.kind <> 'member' ORDER BY e.id",
                               HH_A(HH_I(txn)));
    if (st) return st;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) if (!st) st = post(tx, new_txn, iget(row, "account_id"), -iget(row, "amount"));
    json_decref(rows);
    return st;
}

/* Give back to the member what orig (a spend or a negative adjustment) took
 * from the lots: the same lots while they belong to the member, new lots with
 * the original expiry after a merge moved them. */
static hh_status give_back(hh_db *tx, json_t *orig, const char *kind, const char *source, int64_t source_id,
                           const char *reason, int64_t actor, int64_t *txn_id)
{
    int64_t ent = iget(orig, "enterprise_id"), member = survivor_of(tx, iget(orig, "member_id"));
    int64_t points = -iget(orig, "points"), id = 0, acct = 0;
    json_t *moves;
    hh_status st = hh_db_query(tx, &moves,
                               "SELECT m.lot_id, -m.amount AS amount, l.member_id, l.brand_id, l.earned_at, l.expires_at"
                               " FROM points_lot_moves m JOIN points_lots l ON l.id = m.lot_id"
                               " WHERE m.txn_id = ? AND m.amount < 0 ORDER BY m.id",
                               HH_A(HH_I(iget(orig, "id"))));
    if (st) return st;
    txn_in t = {.kind = kind, .ent = ent, .member = member, .points = points, .brand = iget(orig, "brand_id"),
                .source = source, .source_id = source_id, .reverses = iget(orig, "id"), .reason = reason,
                .actor = actor};
    if (!st) st = txn_insert(tx, &t, &id);
    size_t i;
    json_t *mv;
    json_array_foreach(moves, i, mv)
    {
        if (st) break;
        int64_t lot = iget(mv, "lot_id"), n = iget(mv, "amount");
        if (iget(mv, "member_id") == member) {
            hh_result res = {0};
            st = hh_db_run(tx, &res,
                           "UPDATE points_lots SET remaining = remaining + ?1 WHERE id = ?2 AND remaining + ?1 <= points",
                           HH_A(HH_I(n), HH_I(lot)));
            if (!st) HH_CHECK(res.changes == 1);
            if (!st) st = lot_move(tx, lot, id, n);
        } else {
            st = lot_new(tx, ent, member, id, iget(mv, "brand_id"), n, iget(mv, "earned_at"), iget(mv, "expires_at"),
                         lot);
        }
    }
    json_decref(moves);
    if (!st) st = member_account(tx, ent, member, &acct);
    if (!st) st = post(tx, id, acct, points);
    if (!st) st = negate_program(tx, iget(orig, "id"), id);
    /* points given back to lots whose time has passed expire again at once */
    if (!st) st = expire_member(tx, ent, member, NULL);
    if (!st && txn_id) *txn_id = id;
    return st;
}

/* Take back what orig (an award or a positive adjustment) gave: from its own
 * lot first, then from the lots that expire first. */
static hh_status take_back(hh_db *tx, hh_req *r, json_t *orig, const char *reason, int64_t actor, int64_t *txn_id)
{
    int64_t ent = iget(orig, "enterprise_id"), member = survivor_of(tx, iget(orig, "member_id"));
    int64_t points = iget(orig, "points"), id = 0, acct = 0;
    hh_status st = expire_member(tx, ent, member, NULL);
    if (st) return st;
    int64_t have = account_balance(tx, member);
    if (have < points)
        return fail(r, HH_E_UNPROCESSABLE, "id",
                    r ? hh_sprintf(r->arena, "会员积分已被使用或已过期：需扣回 %lld，可用 %lld", (long long)points,
                                   (long long)have)
                      : "",
                    r ? hh_sprintf(r->arena, "The points were used or have expired: %lld to take back, %lld available",
                                   (long long)points, (long long)have)
                      : "");
    txn_in t = {.kind = "reversal", .ent = ent, .member = member, .points = -points, .brand = iget(orig, "brand_id"),
                .rule = iget(orig, "rule_id"), .source = "reversal", .source_id = iget(orig, "id"),
                .reverses = iget(orig, "id"), .reason = reason, .actor = actor};
    if ((st = txn_insert(tx, &t, &id)) || (st = consume(tx, member, id, points, iget(orig, "id"))) ||
        (st = member_account(tx, ent, member, &acct)) || (st = post(tx, id, acct, -points)) ||
        (st = negate_program(tx, iget(orig, "id"), id)))
        return st;
    if (txn_id) *txn_id = id;
    return HH_OK;
}

static hh_status load_txn(hh_db *tx, int64_t ent, int64_t id, json_t **out)
{
    return hh_db_one(tx, out,
                     "SELECT id, enterprise_id, kind, member_id, points, brand_id, rule_id, source,"
                     " (SELECT x.id FROM points_txns x WHERE x.reverses_id = t.id) AS corrected_by"
                     " FROM points_txns t WHERE id = ? AND enterprise_id = ?",
                     HH_A(HH_I(id), HH_I(ent)));
}

hh_status hh_points_refund(hh_db *tx, hh_req *r, int64_t enterprise_id, int64_t spend_txn_id, const char *source,
                           int64_t source_id, int64_t *txn_id)
{
    json_t *orig;
    hh_status st = load_txn(tx, enterprise_id, spend_txn_id, &orig);
    if (st == HH_E_NOT_FOUND) return fail(r, st, "spend_txn_id", "找不到这笔积分消费", "No such points spend");
    if (st) return st;
    if (strcmp(sget(orig, "kind"), "spend"))
        st = fail(r, HH_E_UNPROCESSABLE, "spend_txn_id", "只有积分消费可以退还", "Only a spend can be refunded");
    else if (json_is_integer(json_object_get(orig, "corrected_by")))
        st = fail(r, HH_E_CONFLICT, "spend_txn_id", "这笔积分已退还", "These points were already refunded");
    if (!st && !(st = sp_begin(tx)))
        st = sp_end(tx, give_back(tx, orig, "refund", source ? source : "refund", source_id, NULL, 0, txn_id));
    json_decref(orig);
    return st;
}

hh_status hh__points_reverse(hh_db *tx, hh_req *r, int64_t enterprise_id, int64_t txn_id, const char *reason,
                             int64_t *new_txn)
{
    json_t *orig;
    hh_status st = load_txn(tx, enterprise_id, txn_id, &orig);
    if (st == HH_E_NOT_FOUND) return fail(r, st, "id", "找不到该积分交易", "No such points transaction");
    if (st) return st;
    const char *kind = sget(orig, "kind");
    int64_t points = iget(orig, "points"), actor = r ? r->who.id : 0;
    if (json_is_integer(json_object_get(orig, "corrected_by"))) {
        st = fail(r, HH_E_CONFLICT, "id", "该交易已冲正或退还过", "This transaction was already reversed or refunded");
    } else if (strcmp(kind, "earn") && strcmp(kind, "adjust") && strcmp(kind, "spend")) {
        st = fail(r, HH_E_UNPROCESSABLE, "id", "只有发放、调整和消费可以冲正",
                  "Only awards, adjustments and spends can be reversed");
    } else if (!strcmp(kind, "spend") && !strcmp(sget(orig, "source"), "gift_order")) {
        /* the order holds the gift and its stock: cancelling it returns both */
        st = fail(r, HH_E_UNPROCESSABLE, "id", "这笔积分兑换了礼品，请取消礼品订单以退还积分",
                  "These points paid for a gift order; cancel the order to return them");
    } else if (!(st = sp_begin(tx))) {
        if (points > 0)
            st = take_back(tx, r, orig, reason, actor, new_txn);
        else
            st = give_back(tx, orig, "reversal", "reversal", txn_id, reason, actor, new_txn);
        st = sp_end(tx, st);
    }
    json_decref(orig);
    return st;
}

/* ---- merge ---- */

hh_status hh_points_merge(hh_db *tx, int64_t enterprise_id, int64_t survivor_id, int64_t merged_id)
{
    hh_status st = sp_begin(tx);
    if (st) return st;
    json_t *lots = NULL;
    if (!(st = expire_member(tx, enterprise_id, merged_id, NULL)))
        st = hh_db_query(tx, &lots,
                         "SELECT id, remaining, brand_id, earned_at, expires_at FROM points_lots"
                         " WHERE member_id = ? AND remaining > 0 ORDER BY id",
                         HH_A(HH_I(merged_id)));
    int64_t total = 0, id = 0, from = 0, to = 0;
    size_t i;
    json_t *lot;
    json_array_foreach(lots, i, lot) total += iget(lot, "remaining");
    if (!st && total > 0) {
        json_t *props = json_pack("{s:I}", "from_member_id", (json_int_t)merged_id);
        txn_in t = {.kind = "transfer", .ent = enterprise_id, .member = survivor_id, .points = total,
                    .source = "merge", .source_id = merged_id, .props = props};
        st = txn_insert(tx, &t, &id);
        json_decref(props);
        json_array_foreach(lots, i, lot)
        {
            if (st) break;
            int64_t n = iget(lot, "remaining");
            hh_result res = {0};
            st = hh_db_run(tx, &res, "UPDATE points_lots SET remaining = 0 WHERE id = ? AND remaining = ?",
                           HH_A(HH_I(iget(lot, "id")), HH_I(n)));
            if (!st) HH_CHECK(res.changes == 1);
            if (!st) st = lot_move(tx, iget(lot, "id"), id, -n);
            if (!st)
                st = lot_new(tx, enterprise_id, survivor_id, id, iget(lot, "brand_id"), n, iget(lot, "earned_at"),
                             iget(lot, "expires_at"), iget(lot, "id"));
        }
        if (!st) st = member_account(tx, enterprise_id, merged_id, &from);
        if (!st) st = member_account(tx, enterprise_id, survivor_id, &to);
        if (!st) st = post(tx, id, from, -total);
        if (!st) st = post(tx, id, to, total);
    }
    json_decref(lots);
    if (!st) st = hh_db_run(tx, NULL, "DELETE FROM member_levels WHERE member_id = ?", HH_A(HH_I(merged_id)));
    if (!st) st = hh__level_evaluate(tx, enterprise_id, survivor_id, false);
    return sp_end(tx, st);
}

/* ---- reading ---- */

int64_t hh_points_balance(hh_db *db, int64_t member_id)
{
    int64_t n = 0;
    hh_db_int(db, &n,
              "SELECT coalesce(sum(remaining), 0) FROM points_lots WHERE member_id = ? AND remaining > 0"
              " AND (expires_at IS NULL OR expires_at >= ?)",
              HH_A(HH_I(member_id), HH_I(hh_now_ms())));
    return n;
}

json_t *hh_points_summary(hh_db *db, int64_t member_id)
{
    json_t *level = NULL;
    json_t *row = NULL;
    if (hh_db_one(db, &row,
                  "SELECT l.id, l.name, l.rank FROM member_levels ml JOIN points_levels l ON l.id = ml.level_id"
                  " WHERE ml.member_id = ?",
                  HH_A(HH_I(member_id))) == HH_OK)
        level = row;
    return json_pack("{s:I, s:o}", "balance", (json_int_t)hh_points_balance(db, member_id), "level",
                     level ? level : json_null());
}

hh_status hh__points_account_json(hh_db *db, int64_t enterprise_id, int64_t member_id, json_t **out)
{
    int64_t now = hh_now_ms();
    json_t *acct = NULL, *lots = NULL, *level = NULL;
    hh_status st = hh_db_one(db, &acct,
                             "SELECT ?1 AS member_id, coalesce((SELECT balance FROM points_accounts WHERE member_id = ?1), 0)"
                             " AS ledger_balance, coalesce((SELECT sum(remaining) FROM points_lots WHERE member_id = ?1"
                             " AND remaining > 0 AND (expires_at IS NULL OR expires_at >= ?2)), 0) AS balance,"
                             " coalesce((SELECT sum(points) FROM points_txns WHERE member_id = ?1 AND (kind = 'earn'"
                             " OR (kind = 'adjust' AND points > 0))), 0) AS earned_total,"
                             " coalesce((SELECT -sum(points) FROM points_txns WHERE member_id = ?1 AND (kind IN ('spend', 'refund')"
                             " OR (kind = 'adjust' AND points < 0))), 0) AS spent_total",
                             HH_A(HH_I(member_id), HH_I(now)));
    if (!st)
        st = hh_db_query(db, &lots,
                         "SELECT l.id, l.points, l.remaining, l.earned_at, l.expires_at, l.brand_id, b.name AS brand_name,"
                         " t.kind AS txn_kind, t.source, l.txn_id FROM points_lots l JOIN points_txns t ON t.id = l.txn_id"
                         " LEFT JOIN brands b ON b.id = l.brand_id WHERE l.member_id = ?1 AND l.remaining > 0"
                         " AND (l.expires_at IS NULL OR l.expires_at >= ?2)"
                         " ORDER BY coalesce(l.expires_at, " NEVER_SQL "), l.id LIMIT 200",
                         HH_A(HH_I(member_id), HH_I(now)));
    if (!st) st = hh__member_level_json(db, enterprise_id, member_id, &level);
    if (st) {
        json_decref(acct);
        json_decref(lots);
        return st;
    }
    /* the next expiry: the earliest date and everything that expires then */
    json_t *next = json_null();
    size_t i;
    json_t *lot;
    json_array_foreach(lots, i, lot)
    {
        json_t *e = json_object_get(lot, "expires_at");
        if (!json_is_integer(e)) continue;
        if (json_is_null(next)) {
            next = json_pack("{s:O, s:I}", "at", e, "points", (json_int_t)0);
        } else if (json_integer_value(json_object_get(next, "at")) != json_integer_value(e)) {
            break;
        }
        json_object_set_new(next, "points",
                            json_integer(iget(next, "points") + iget(lot, "remaining")));
    }
    json_object_set_new(acct, "next_expiry", next);
    json_object_set_new(acct, "lots", lots);
    json_object_set_new(acct, "level", level);
    *out = acct;
    return HH_OK;
}

/* ---- housekeeping ---- */

typedef struct {
    json_t *members; /* [{enterprise_id, member_id}] */
    int64_t expired;
} expire_batch;

static hh_status expire_batch_apply(hh_db *tx, void *ud)
{
    expire_batch *b = ud;
    size_t i;
    json_t *m;
    hh_status st = HH_OK;
    json_array_foreach(b->members, i, m)
    {
        int64_t n = 0;
        if ((st = hh__points_expire_member(tx, iget(m, "enterprise_id"), iget(m, "member_id"), &n))) break;
        b->expired += n;
    }
    return st;
}

typedef struct {
    json_t *members;
} review_batch;

static hh_status review_batch_apply(hh_db *tx, void *ud)
{
    review_batch *b = ud;
    size_t i;
    json_t *m;
    hh_status st = HH_OK;
    json_array_foreach(b->members, i, m)
    if ((st = hh__level_evaluate(tx, iget(m, "enterprise_id"), iget(m, "member_id"), true))) break;
    return st;
}

void hh_points_housekeeping(hh_store *store)
{
    hh_db *db = hh_store_reader(store);
    /* expiry: 200 members a write until nothing is due; a stop halfway leaves
     * the rest due for the next pass */
    int64_t members = 0, points = 0;
    for (int round = 0; round < 100000; round++) {
        json_t *due;
        if (hh_db_query(db, &due,
                        "SELECT DISTINCT enterprise_id, member_id FROM points_lots WHERE remaining > 0 AND expires_at < ?"
                        " LIMIT 200",
                        HH_A(HH_I(hh_now_ms()))) != HH_OK)
            break;
        size_t n = json_array_size(due);
        expire_batch b = {.members = due};
        hh_status st = n ? hh_store_write_sync(store, expire_batch_apply, &b) : HH_OK;
        json_decref(due);
        if (st) {
            hh_warn("points.expiry_failed", "{s:s}", "status", hh_status_code(st));
            break;
        }
        members += (int64_t)n;
        points += b.expired;
        if (n < 200) break;
    }
    if (members)
        hh_info("points.expired", "{s:I, s:I}", "members", (json_int_t)members, "points", (json_int_t)points);
    /* members against a changed ladder, then level reviews that are due
     * (downgrades happen only there) */
    hh__levels_reevaluate(store);
    for (int round = 0; round < 100000; round++) {
        json_t *due;
        if (hh_db_query(db, &due,
                        "SELECT enterprise_id, member_id FROM member_levels WHERE review_at <= ? ORDER BY review_at LIMIT 200",
                        HH_A(HH_I(hh_now_ms()))) != HH_OK)
            break;
        size_t n = json_array_size(due);
        review_batch b = {.members = due};
        hh_status st = n ? hh_store_write_sync(store, review_batch_apply, &b) : HH_OK;
        json_decref(due);
        if (st) {
            hh_warn("points.level_review_failed", "{s:s}", "status", hh_status_code(st));
            break;
        }
        if (n < 200) break;
    }
}
