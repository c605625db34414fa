/*
 * ledger_api.c — the ledger over HTTP: a member's own points on the member H5
 * (balance, lots with their expiry, history, level, how to earn), and in the
 * admin console the ledger explorer (transactions with their entries and lot
 * moves, programme accounts), a member's account, manual adjustments with a
 * reason, reversals, and the expiry policy. Every admin write is audited in
 * its transaction.
 *
 * Who: the ledger explorer, adjustments and reversals are for those who manage
 * members (owner, brand managers); a brand manager adjusts or reverses only
 * points funded by one of its brands. The expiry policy is the owner's.
 */
#include "points/points.h"
#include "auth/auth.h"
#include "core/localtime.h"
#include "core/phone.h"
#include "http/app.h"

#include <stdio.h>
#include <string.h>

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static void mask_phone(json_t *row)
{
    const char *p = json_string_value(json_object_get(row, "member_phone"));
    char masked[HH_PHONE_MAX + 8] = "";
    if (p && strncmp(p, "erased:", 7)) hh_phone_mask(p, masked, sizeof masked);
    json_object_set_new(row, "member_phone_masked", json_string(masked));
    json_object_del(row, "member_phone");
}

/* ---- member H5 ---- */

static hh_status earn_ways(hh_db *db, int64_t ent, json_t **out)
{
    return hh_db_query(db, out,
                       "SELECT r.kind, r.action, r.name, r.points, r.unit_fen, r.multiplier_pct, r.brand_id,"
                       " b.name AS brand_name, r.product, r.ends_at FROM points_rules r"
                       " LEFT JOIN brands b ON b.id = r.brand_id WHERE r.enterprise_id = ?1 AND r.status = 'active'"
                       " AND (r.starts_at IS NULL OR r.starts_at <= ?2) AND (r.ends_at IS NULL OR r.ends_at > ?2)"
                       " AND r.store_id IS NULL AND r.campaign_id IS NULL"
                       " ORDER BY r.kind = 'multiplier', r.kind = 'spend', r.id LIMIT 50",
                       HH_A(HH_I(ent), HH_I(hh_now_ms())));
}

hh_status hh_h_member_points(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    json_t *acct, *ci, *ways;
    hh_status st = hh__points_account_json(db, r->who.enterprise_id, r->who.id, &acct);
    if (st) return st;
    if ((st = hh__checkin_json(db, r->who.enterprise_id, r->who.id, &ci)) ||
        (st = earn_ways(db, r->who.enterprise_id, &ways))) {
        json_decref(acct);
        return st;
    }
    json_object_set_new(acct, "checkin", ci);
    json_object_set_new(acct, "earn_ways", ways);
    json_object_del(acct, "ledger_balance");
    hh_reply(r, 200, acct);
    return HH_OK;
}

/* One line per entry on the member's account, newest first. */
#define HISTORY_COLS                                                                                   \
    "SELECT t.id, t.kind, e.amount AS points, t.source, t.source_id, t.rule_id, pr.name AS rule_name,"  \
    " t.brand_id, b.name AS brand_name, t.reason, t.reverses_id,"                                      \
    " (SELECT x.id FROM points_txns x WHERE x.reverses_id = t.id) AS corrected_by, t.at"               \
    " FROM points_entries e JOIN points_txns t ON t.id = e.txn_id"                                     \
    " LEFT JOIN points_rules pr ON pr.id = t.rule_id LEFT JOIN brands b ON b.id = t.brand_id"
#define HISTORY_WHERE " WHERE e.account_id = (SELECT id FROM points_accounts WHERE member_id = ?1)"

static hh_status history_reply(hh_req *r, int64_t member)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
    st = hh_db_query(db, &items, HISTORY_COLS HISTORY_WHERE " ORDER BY e.id DESC LIMIT ?2 OFFSET ?3",
                     HH_A(HH_I(member), HH_I(limit), HH_I(offset)));
    if (st) return st;
    return hh_list_reply(r, db, items, "SELECT count(*) FROM points_entries e" HISTORY_WHERE, HH_A(HH_I(member)));
}

hh_status hh_h_member_points_history(hh_req *r)
{
    return history_reply(r, r->who.id);
}

/* ---- ledger explorer ---- */

#define TXN_COLS                                                                                          \
    "SELECT t.id, t.kind, t.member_id, m.name AS member_name, m.phone AS member_phone, t.points,"          \
    " t.brand_id, b.name AS brand_name, t.rule_id, pr.name AS rule_name, t.campaign_id, t.store_id,"     \
    " s.name AS store_name, t.staff_id, t.touchpoint_id, t.source, t.source_id, t.reverses_id,"           \
    " (SELECT x.id FROM points_txns x WHERE x.reverses_id = t.id) AS corrected_by, t.reason,"             \
    " t.actor_id, a.login AS actor_login, t.spend_fen, t.props_json, t.day, t.at FROM points_txns t"       \
    " JOIN members m ON m.id = t.member_id LEFT JOIN brands b ON b.id = t.brand_id"                      \
    " LEFT JOIN points_rules pr ON pr.id = t.rule_id LEFT JOIN stores s ON s.id = t.store_id"            \
    " LEFT JOIN accounts a ON a.id = t.actor_id"

static hh_status txn_json(hh_db *db, int64_t ent, int64_t id, json_t **out)
{
    json_t *t, *entries = NULL, *moves = NULL;
    hh_status st = hh_db_one(db, &t, TXN_COLS " WHERE t.id = ? AND t.enterprise_id = ?", HH_A(HH_I(id), HH_I(ent)));
    if (st) return st;
    mask_phone(t);
    st = hh_db_query(db, &entries,
                     "SELECT e.id, e.account_id, a.kind AS account_kind, a.member_id, m.name AS member_name, a.brand_id,"
                     " b.name AS brand_name, e.amount, a.balance AS account_balance FROM points_entries e"
                     " JOIN points_accounts a ON a.id = e.account_id LEFT JOIN members m ON m.id = a.member_id"
                     " LEFT JOIN brands b ON b.id = a.brand_id WHERE e.txn_id = ? ORDER BY e.id",
                     HH_A(HH_I(id)));
    if (!st)
        st = hh_db_query(db, &moves,
                         "SELECT mv.lot_id, mv.amount, l.member_id, l.points AS lot_points, l.remaining AS lot_remaining,"
                         " l.earned_at, l.expires_at, l.origin_lot_id FROM points_lot_moves mv"
                         " JOIN points_lots l ON l.id = mv.lot_id WHERE mv.txn_id = ? ORDER BY mv.id",
                         HH_A(HH_I(id)));
    if (st) {
        json_decref(t);
        json_decref(entries);
        return st;
    }
    int64_t sum = 0;
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e) sum += iget(e, "amount");
    json_object_set_new(t, "entries", entries);
    json_object_set_new(t, "lot_moves", moves);
    json_object_set_new(t, "balanced", json_boolean(sum == 0 && json_array_size(entries) > 0));
    *out = t;
    return HH_OK;
}

hh_status hh_h_points_txns_list(hh_req *r)
{
    int64_t limit, offset, member_id, rule_id, brand_id, from = 0, to = 0;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "member_id", &member_id)) ||
        (st = hh_query_id(r, "rule_id", &rule_id)) || (st = hh_query_id(r, "brand_id", &brand_id)))
        return st;
    const char *kind = hh_query(r, "kind"), *source = hh_query(r, "source");
    const char *f = hh_query(r, "from"), *tt = hh_query(r, "to");
    static const char *const kinds[] = {"earn", "spend", "refund", "expire", "adjust", "reversal", "transfer", NULL};
    if (kind && *kind) {
        bool ok = false;
        for (const char *const *k = kinds; *k && !ok; k++) ok = !strcmp(*k, kind);
        if (!ok)
            return hh_fail(r, HH_E_INVALID, "kind", "交易类型须为 earn、spend、refund、expire、adjust、reversal 或 transfer",
                           "kind must be earn, spend, refund, expire, adjust, reversal or transfer");
    } else {
        kind = NULL;
    }
    if (source && (!*source || strlen(source) > 32)) source = NULL;
    if (f && *f && (!hh_parse_i64(f, &from) || from < 0))
        return hh_fail(r, HH_E_INVALID, "from", "from 须为毫秒时间戳", "from must be a time in ms");
    if (tt && *tt && (!hh_parse_i64(tt, &to) || to < 0))
        return hh_fail(r, HH_E_INVALID, "to", "to 须为毫秒时间戳", "to must be a time in ms");
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
#define TXN_WHERE                                                                                      \
    " WHERE t.enterprise_id = ?1 AND (?2 IS NULL OR t.member_id = ?2 OR t.id IN (SELECT e.txn_id FROM"  \
    " points_entries e JOIN points_accounts pa ON pa.id = e.account_id WHERE pa.member_id = ?2))"      \
    " AND (?3 IS NULL OR t.kind = ?3) AND (?4 IS NULL OR t.source = ?4) AND (?5 IS NULL OR t.rule_id = ?5)" \
    " AND (?6 IS NULL OR t.brand_id = ?6) AND (?7 IS NULL OR t.at >= ?7) AND (?8 IS NULL OR t.at < ?8)"
    st = hh_db_query(db, &items, TXN_COLS TXN_WHERE " ORDER BY t.id DESC LIMIT ?9 OFFSET ?10",
                     HH_A(HH_I(r->who.enterprise_id), HH_ID(member_id), HH_S(kind), HH_S(source), HH_ID(rule_id),
                          HH_ID(brand_id), HH_ID(from), HH_ID(to), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row) mask_phone(row);
    return hh_list_reply(r, db, items, "SELECT count(*) FROM points_txns t" TXN_WHERE,
                         HH_A(HH_I(r->who.enterprise_id), HH_ID(member_id), HH_S(kind), HH_S(source), HH_ID(rule_id),
                              HH_ID(brand_id), HH_ID(from), HH_ID(to)));
#undef TXN_WHERE
}

hh_status hh_h_points_txn_get(hh_req *r)
{
    json_t *t;
    hh_status st = txn_json(hh_store_reader(r->app->store), r->who.enterprise_id, r->path_id, &t);
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到该积分交易", "No such points transaction");
    if (st) return st;
    hh_reply(r, 200, t);
    return HH_OK;
}

hh_status hh_h_points_accounts(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items, *totals;
    hh_status st = hh_db_query(db, &items,
                               "SELECT a.id, a.kind, a.brand_id, b.name AS brand_name, a.balance, a.updated_at,"
                               " (SELECT count(*) FROM points_entries e WHERE e.account_id = a.id) AS entry_count"
                               " FROM points_accounts a LEFT JOIN brands b ON b.id = a.brand_id"
                               " WHERE a.enterprise_id = ? AND a.kind <> 'member' ORDER BY a.kind, a.brand_id",
                               HH_A(HH_I(r->who.enterprise_id)));
    if (st) return st;
    st = hh_db_one(db, &totals,
                   "SELECT count(*) AS member_accounts, coalesce(sum(balance), 0) AS member_balance,"
                   " (SELECT count(*) FROM points_txns WHERE enterprise_id = ?1) AS transactions,"
                   " (SELECT coalesce(sum(balance), 0) FROM points_accounts WHERE enterprise_id = ?1) AS sum_of_all"
                   " FROM points_accounts WHERE enterprise_id = ?1 AND kind = 'member'",
                   HH_A(HH_I(r->who.enterprise_id)));
    if (st) {
        json_decref(items);
        return st;
    }
    json_object_set_new(totals, "items", items);
    hh_reply(r, 200, totals);
    return HH_OK;
}

hh_status hh_h_member_points_admin(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    json_t *acct, *ci;
    hh_status st = hh__points_account_json(db, r->who.enterprise_id, r->path_id, &acct);
    if (st) return st;
    if ((st = hh__checkin_json(db, r->who.enterprise_id, r->path_id, &ci))) {
        json_decref(acct);
        return st;
    }
    json_object_set_new(acct, "checkin", ci);
    hh_reply(r, 200, acct);
    return HH_OK;
}

/* A brand manager corrects only points its brands fund. */
static hh_status brand_scope(hh_req *r, int64_t brand_id, const char *field)
{
    if (r->who.role == HH_ROLE_OWNER) return HH_OK;
    for (int i = 0; brand_id && i < r->who.nbrands; i++)
        if (r->who.brands[i] == brand_id) return HH_OK;
    return hh_fail(r, HH_E_FORBIDDEN, field, "只能调整由您管理的品牌出资的积分",
                   "You can adjust only points funded by one of your brands");
}

typedef struct {
    int64_t points, brand_id;
    const char *reason;
} adjust_in;

static hh_status adjust_write(hh_db *tx, hh_req *r)
{
    adjust_in *in = r->ud;
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = r->path_id, .source = "admin"};
    int64_t txn = 0;
    hh_status st = hh__points_adjust(tx, r, &g, in->points, in->brand_id, in->reason, &txn);
    json_t *t;
    if (st || (st = txn_json(tx, r->who.enterprise_id, txn, &t))) return st;
    if ((st = hh_audit(tx, r, "points.adjust", "member", r->path_id, NULL, t))) {
        json_decref(t);
        return st;
    }
    hh_reply(r, 201, json_pack("{s:o, s:I}", "transaction", t, "balance", (json_int_t)hh_points_balance(tx, r->path_id)));
    return HH_OK;
}

hh_status hh_h_member_points_adjust(hh_req *r)
{
    static const char *const allowed[] = {"points", "reason", "brand_id", NULL};
    adjust_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "points", true, -1000000000, 1000000000, &in->points, NULL)) ||
        (st = hh_field_str(r, "reason", true, 200, &in->reason, NULL)) ||
        (st = hh_field_int(r, "brand_id", false, 1, INT64_MAX, &in->brand_id, NULL)))
        return st;
    if (!in->points) return hh_fail(r, HH_E_INVALID, "points", "调整积分不能为 0", "points cannot be 0");
    if ((st = brand_scope(r, in->brand_id, "brand_id"))) return st;
    return hh_req_write(r, adjust_write);
}

static hh_status reverse_write(hh_db *tx, hh_req *r)
{
    const char *reason = r->ud;
    int64_t brand = 0, txn = 0;
    hh_status st = hh_db_int(tx, &brand, "SELECT coalesce(brand_id, 0) FROM points_txns WHERE id = ? AND enterprise_id = ?",
                             HH_A(HH_I(r->path_id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到该积分交易", "No such points transaction");
    if (st || (st = brand_scope(r, brand, "id")) ||
        (st = hh__points_reverse(tx, r, r->who.enterprise_id, r->path_id, reason, &txn)))
        return st;
    json_t *t;
    if ((st = txn_json(tx, r->who.enterprise_id, txn, &t))) return st;
    if ((st = hh_audit(tx, r, "points.reverse", "points_txn", r->path_id, NULL, t))) {
        json_decref(t);
        return st;
    }
    hh_reply(r, 201, t);
    return HH_OK;
}

hh_status hh_h_points_txn_reverse(hh_req *r)
{
    static const char *const allowed[] = {"reason", NULL};
    const char *reason;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) || (st = hh_field_str(r, "reason", true, 200, &reason, NULL)))
        return st;
    r->ud = (void *)reason;
    return hh_req_write(r, reverse_write);
}

/* ---- expiry policy ---- */

static json_t *policy_json(hh_db *db, int64_t ent, const hh__points_policy *p)
{
    char tz[64];
    hh_enterprise_tz(db, ent, tz);
    int64_t example = hh__points_expiry(p, tz, hh_now_ms());
    return json_pack("{s:s, s:I, s:I, s:o}", "expiry_mode", p->mode, "expiry_years", (json_int_t)p->years,
                     "expiry_days", (json_int_t)p->days, "expires_if_earned_now",
                     example ? json_integer(example) : json_null());
}

hh_status hh_h_points_settings_get(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    hh__points_policy p;
    hh_status st = hh__points_policy_load(db, r->who.enterprise_id, &p);
    if (st) return st;
    hh_reply(r, 200, policy_json(db, r->who.enterprise_id, &p));
    return HH_OK;
}

static hh_status settings_write(hh_db *tx, hh_req *r)
{
    hh__points_policy *in = r->ud, before;
    int64_t ent = r->who.enterprise_id;
    hh_status st = hh__points_policy_load(tx, ent, &before);
    if (st) return st;
    const struct {
        const char *key, *value;
    } kv[] = {{"points.expiry_mode", in->mode},
              {"points.expiry_years", hh_sprintf(r->arena, "%lld", (long long)in->years)},
              {"points.expiry_days", hh_sprintf(r->arena, "%lld", (long long)in->days)}};
    for (size_t i = 0; i < HH_ARRAY_LEN(kv) && !st; i++)
        st = hh_db_run(tx, NULL,
                       "INSERT INTO enterprise_settings (enterprise_id, key, value) VALUES (?, ?, ?)"
                       " ON CONFLICT (enterprise_id, key) DO UPDATE SET value = excluded.value",
                       HH_A(HH_I(ent), HH_S(kv[i].key), HH_S(kv[i].value)));
    if (st) return st;
    json_t *after = policy_json(tx, ent, in);
    if ((st = hh_audit(tx, r, "settings.points", "enterprise", ent, hh_req_own(r, policy_json(tx, ent, &before)), after))) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_points_settings_put(hh_req *r)
{
    static const char *const allowed[] = {"expiry_mode", "expiry_years", "expiry_days", NULL};
    hh__points_policy *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    const char *mode;
    bool has_years, has_days;
    hh_status st;
    in->years = 1;
    in->days = 365;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "expiry_mode", true, 16, &mode, NULL)) ||
        (st = hh_field_int(r, "expiry_years", false, 0, 10, &in->years, &has_years)) ||
        (st = hh_field_int(r, "expiry_days", false, 1, 3650, &in->days, &has_days)))
        return st;
    if (strcmp(mode, "year_end") && strcmp(mode, "days") && strcmp(mode, "never"))
        return hh_fail(r, HH_E_INVALID, "expiry_mode", "有效期方式须为 year_end、days 或 never",
                       "expiry_mode must be year_end, days or never");
    if (!strcmp(mode, "days") && !has_days)
        return hh_fail(r, HH_E_INVALID, "expiry_days", "请填写有效天数", "expiry_days is required");
    snprintf(in->mode, sizeof in->mode, "%s", mode);
    return hh_req_write(r, settings_write);
}
