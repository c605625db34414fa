/*
 * star.c — star members (明星会员): the members whose influence brings a brand
 * the most, ranked per brand. The influence score adds up, for one brand:
 *
 *   10 × referrals that converted (rewarded)
 *  + 1 per ¥10 the people they referred spent (approved receipts)
 *  +  3 × counter redemptions by the people they referred
 *  +  2 × their own counter redemptions
 *  +  1 × their own engagement events (scans, claims, draws, check-ins …) in the
 *       last 90 days
 *
 * The list filters by city, owning store and a minimum score, exports to CSV
 * (phones masked) and marks a member as the brand's ambassador: a manual tag
 * "品牌大使" in the group "明星会员", created on first use.
 */
#include "points/mall.h"
#include "auth/auth.h"
#include "core/buf.h"
#include "core/phone.h"
#include "http/app.h"

#include <string.h>

#define AMBASSADOR_TAG "品牌大使"
#define AMBASSADOR_GROUP "明星会员"

/* ?1 enterprise, ?2 brand, ?3 since (engagement window), ?4 city, ?5 store, ?6 min score */
#define STAR_SQL                                                                                               \
    "WITH r AS (SELECT f.referrer_id AS member_id, count(*) FILTER (WHERE f.status = 'rewarded') AS converted," \
    "  count(*) AS invited FROM referrals f WHERE f.enterprise_id = ?1 GROUP BY f.referrer_id),"                \
    " rp AS (SELECT f.referrer_id AS member_id, sum(rc.amount_fen) AS fen FROM referrals f JOIN receipts rc"    \
    "  ON rc.member_id = f.referred_id AND rc.status = 'approved' AND rc.brand_id = ?2"                        \
    "  WHERE f.enterprise_id = ?1 GROUP BY f.referrer_id),"                                                    \
    " rr AS (SELECT f.referrer_id AS member_id, count(*) AS n FROM referrals f JOIN redemptions d ON"          \
    "  d.member_id = f.referred_id AND d.undone_at IS NULL AND d.brand_id = ?2 WHERE f.enterprise_id = ?1"     \
    "  GROUP BY f.referrer_id),"                                                                               \
    " own AS (SELECT d.member_id, count(*) AS n FROM redemptions d WHERE d.enterprise_id = ?1 AND"             \
    "  d.brand_id = ?2 AND d.undone_at IS NULL AND d.member_id IS NOT NULL GROUP BY d.member_id),"             \
    " eng AS (SELECT e.member_id, count(*) AS n FROM events e WHERE e.enterprise_id = ?1 AND e.brand_id = ?2"  \
    "  AND e.at >= ?3 AND e.member_id IS NOT NULL GROUP BY e.member_id),"                                      \
    " ids AS (SELECT member_id FROM r UNION SELECT member_id FROM own UNION SELECT member_id FROM eng),"       \
    " s AS (SELECT m.id, m.phone, m.name, m.city_code, m.owner_store_id, st.name AS owner_store_name,"         \
    "  coalesce(r.invited, 0) AS invited, coalesce(r.converted, 0) AS converted,"                              \
    "  coalesce(rp.fen, 0) AS referred_spend_fen, coalesce(rr.n, 0) AS referred_redemptions,"                  \
    "  coalesce(own.n, 0) AS own_redemptions, coalesce(eng.n, 0) AS engagement,"                               \
    "  10 * coalesce(r.converted, 0) + coalesce(rp.fen, 0) / 1000 + 3 * coalesce(rr.n, 0)"                     \
    "  + 2 * coalesce(own.n, 0) + coalesce(eng.n, 0) AS score,"                                                \
    "  EXISTS (SELECT 1 FROM member_tags mt JOIN tags t ON t.id = mt.tag_id WHERE mt.member_id = m.id"         \
    "  AND t.enterprise_id = ?1 AND t.name = '" AMBASSADOR_TAG "') AS ambassador_bool"                         \
    "  FROM ids JOIN members m ON m.id = ids.member_id AND m.status = 'live' LEFT JOIN stores st ON"            \
    "  st.id = m.owner_store_id LEFT JOIN r ON r.member_id = m.id LEFT JOIN rp ON rp.member_id = m.id"         \
    "  LEFT JOIN rr ON rr.member_id = m.id LEFT JOIN own ON own.member_id = m.id LEFT JOIN eng ON"             \
    "  eng.member_id = m.id WHERE (?4 IS NULL OR m.city_code = ?4) AND (?5 = 0 OR m.owner_store_id = ?5))"     \
    " SELECT * FROM s WHERE score >= ?6"

typedef struct {
    int64_t brand_id, store_id, min_score, limit, offset;
    const char *city;
} star_q;

static hh_status read_query(hh_req *r, star_q *q)
{
    hh_status st;
    if ((st = hh_query_page(r, &q->limit, &q->offset)) || (st = hh_query_id(r, "brand_id", &q->brand_id)) ||
        (st = hh_query_id(r, "store_id", &q->store_id)))
        return st;
    if (!q->brand_id) return hh_fail(r, HH_E_INVALID, "brand_id", "请选择品牌", "Choose a brand");
    hh_scope s = {.enterprise_id = r->who.enterprise_id, .object = true, .nbrands = 1, .brands = {q->brand_id}};
    if (hh_authz(&r->who, HH_ACT_READ, &s) != HH_OK)
        return hh_fail(r, HH_E_FORBIDDEN, "brand_id", "无权查看该品牌", "This brand is outside your scope");
    q->city = hh_query(r, "city_code");
    if (q->city && !*q->city) q->city = NULL;
    const char *min = hh_query(r, "min_score");
    q->min_score = 1;
    if (min && *min && (!hh_parse_i64(min, &q->min_score) || q->min_score < 0))
        return hh_fail(r, HH_E_INVALID, "min_score", "最低分须为非负整数", "min_score must be a whole number ≥ 0");
    return HH_OK;
}

static void mask_rows(json_t *items)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        char masked[40] = "";
        const char *p = json_string_value(json_object_get(it, "phone"));
        if (p) hh_phone_mask(p, masked, sizeof masked);
        json_object_set_new(it, "phone_masked", json_string(masked));
        json_object_del(it, "phone");
        json_object_set_new(it, "rank", json_integer((json_int_t)i + 1));
    }
}

hh_status hh_h_star_members(hh_req *r)
{
    star_q q;
    hh_status st = read_query(r, &q);
    if (st) return st;
    bool csv = hh_query_flag(r, "csv");
    hh_db *db = hh_store_reader(r->app->store);
    int64_t since = hh_now_ms() - 90LL * 86400 * 1000;
    json_t *items;
    st = hh_db_query(db, &items, STAR_SQL " ORDER BY score DESC, id LIMIT ?7 OFFSET ?8",
                     HH_A(HH_I(r->who.enterprise_id), HH_I(q.brand_id), HH_I(since), HH_S(q.city), HH_I(q.store_id),
                          HH_I(q.min_score), HH_I(csv ? 100000 : q.limit), HH_I(csv ? 0 : q.offset)));
    if (st) return st;
    mask_rows(items);
    if (csv) {
        hh_buf b = {0};
        hh_buf_puts(&b, "\xEF\xBB\xBF"
                        "排名 rank,会员 member_id,姓名 name,手机 phone,城市 city_code,归属门店 store,影响力 score,"
                        "邀请 invited,转化 converted,被邀请人消费(元) referred_spend_yuan,被邀请人核销 referred_redemptions,"
                        "本人核销 own_redemptions,互动 engagement,品牌大使 ambassador\r\n");
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) {
            hh_buf_printf(&b, "%zu,%lld,", i + 1, (long long)json_integer_value(json_object_get(it, "id")));
            hh_buf_csv(&b, json_string_value(json_object_get(it, "name")), false);
            hh_buf_csv(&b, json_string_value(json_object_get(it, "phone_masked")), false);
            hh_buf_csv(&b, json_string_value(json_object_get(it, "city_code")), false);
            hh_buf_csv(&b, json_string_value(json_object_get(it, "owner_store_name")), false);
            hh_buf_printf(&b, "%lld,%lld,%lld,%.2f,%lld,%lld,%lld,%s\r\n",
                          (long long)json_integer_value(json_object_get(it, "score")),
                          (long long)json_integer_value(json_object_get(it, "invited")),
                          (long long)json_integer_value(json_object_get(it, "converted")),
                          (double)json_integer_value(json_object_get(it, "referred_spend_fen")) / 100.0,
                          (long long)json_integer_value(json_object_get(it, "referred_redemptions")),
                          (long long)json_integer_value(json_object_get(it, "own_redemptions")),
                          (long long)json_integer_value(json_object_get(it, "engagement")),
                          json_is_true(json_object_get(it, "ambassador")) ? "是 yes" : "");
        }
        json_decref(items);
        hh_reply_raw(r, 200, "text/csv; charset=utf-8", b.data, b.len);
        return HH_OK;
    }
    return hh_list_reply(r, db, items, "SELECT count(*) FROM (" STAR_SQL ")",
                         HH_A(HH_I(r->who.enterprise_id), HH_I(q.brand_id), HH_I(since), HH_S(q.city),
                              HH_I(q.store_id), HH_I(q.min_score)));
}

typedef struct {
    bool on;
} amb_in;

static hh_status ambassador_write(hh_db *tx, hh_req *r)
{
    amb_in *in = r->ud;
    int64_t now = hh_now_ms(), tag = 0;
    hh_status st = hh_db_run(tx, NULL,
                             "INSERT INTO tags (enterprise_id, name, group_name, kind, created_at, updated_at)"
                             " VALUES (?, '" AMBASSADOR_TAG "', '" AMBASSADOR_GROUP "', 'manual', ?, ?)"
                             " ON CONFLICT (enterprise_id, name) DO NOTHING",
                             HH_A(HH_I(r->who.enterprise_id), HH_I(now), HH_I(now)));
    if (!st)
        st = hh_db_int(tx, &tag, "SELECT id FROM tags WHERE enterprise_id = ? AND name = '" AMBASSADOR_TAG "'",
                       HH_A(HH_I(r->who.enterprise_id)));
    if (st) return st;
    if (in->on)
        st = hh_db_run(tx, NULL, "INSERT INTO member_tags (member_id, tag_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                       HH_A(HH_I(r->path_id), HH_I(tag), HH_I(now)));
    else
        st = hh_db_run(tx, NULL, "DELETE FROM member_tags WHERE member_id = ? AND tag_id = ?",
                       HH_A(HH_I(r->path_id), HH_I(tag)));
    if (st) return st;
    json_t *after = json_pack("{s:I, s:b, s:I}", "member_id", (json_int_t)r->path_id, "ambassador", in->on, "tag_id",
                              (json_int_t)tag);
    st = hh_audit(tx, r, in->on ? "member.ambassador" : "member.ambassador_off", "member", r->path_id, NULL, after);
    if (st) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_star_ambassador(hh_req *r)
{
    static const char *const fields[] = {"ambassador", NULL};
    amb_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, fields)) ||
        (st = hh_field_bool(r, "ambassador", true, &in->on, NULL)))
        return st;
    int64_t live = 0;
    st = hh_db_int(hh_store_reader(r->app->store), &live, "SELECT status = 'live' FROM members WHERE id = ?",
                   HH_A(HH_I(r->path_id)));
    if (st) return st;
    if (!live) return hh_fail(r, HH_E_CONFLICT, "id", "该会员已合并或已注销", "This member was merged or erased");
    return hh_req_write(r, ambassador_write);
}
