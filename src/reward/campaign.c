/*
 * campaign.c — campaigns: a brand's time window of benefits, with a status
 * (draft, scheduled, live, paused, ended), a budget, limits per member (in
 * total and per local day), per store and in all, and optional target tags.
 * Touchpoints, coupon templates, prizes, envelope pools, sample offers and
 * store events point at a campaign; hh_campaign_admit (grant.c) enforces its
 * limits.
 *
 * The stored status moves only by the actions below; the status a person sees
 * (status_now) also follows the clock: a published campaign is "scheduled"
 * before its start and "ended" after its end. What may change depends on it:
 * a draft or scheduled campaign is edited freely (not its brand once
 * published); a live or paused one keeps its start, brand and target tags, may
 * end later but not in the past, and its budget and global limit may not drop
 * below what is already used; an ended one is frozen.
 *
 * Every campaign gets a secret lottery seed at creation; the SHA-256 of the
 * seed (as its 64 hex characters) is its public commitment. The seed itself
 * is shown only once the campaign has ended, so anyone can recompute every
 * draw (see lottery.c).
 */
#include "reward/reward.h"
#include "auth/auth.h"
#include "http/app.h"

#include <sodium.h>
#include <string.h>

#define MAX_TAGS 20

#define CAMPAIGN_COLS                                                                                 \
    "SELECT c.id, c.brand_id, b.name AS brand_name, c.name, c.description, c.image, c.starts_at,"     \
    " c.ends_at, c.status, c.budget_fen, c.spent_fen, c.per_member_total, c.per_member_daily,"        \
    " c.per_store_limit, c.global_limit, c.used_count, c.target_tags_json AS target_tag_ids_json,"    \
    " c.free_draws_per_day, c.draw_points, c.seed_commitment, c.seed, c.seed_revealed_at,"            \
    " c.created_at, c.updated_at FROM campaigns c JOIN brands b ON b.id = c.brand_id"

/* status_now, and the seed only once the campaign has ended */
static void decorate(json_t *c, int64_t now)
{
    const char *st = hh_campaign_status_now(json_string_value(json_object_get(c, "status")),
                                            json_integer_value(json_object_get(c, "starts_at")),
                                            json_integer_value(json_object_get(c, "ends_at")), now);
    json_object_set_new(c, "status_now", json_string(st));
    if (strcmp(st, "ended")) json_object_del(c, "seed");
    if (!strcmp(json_string_value(json_object_get(c, "status")), "draft")) json_object_del(c, "seed_commitment");
}

static hh_status campaign_get(hh_db *db, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, CAMPAIGN_COLS " WHERE c.id = ?", HH_A(HH_I(id)));
    if (st == HH_OK) decorate(*out, hh_now_ms());
    return st;
}

static const char *const statuses[] = {"draft", "scheduled", "live", "paused", "ended", NULL};

hh_status hh_h_campaigns_list(hh_req *r)
{
    int64_t limit, offset, brand_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "brand_id", &brand_id))) return st;
    const char *status = hh_query(r, "status"), *q = hh_query(r, "q");
    if (status && !*status) status = NULL;
    if (q && !*q) q = NULL;
    if (status) {
        int i = 0;
        while (statuses[i] && strcmp(statuses[i], status)) i++;
        if (!statuses[i])
            return hh_fail(r, HH_E_INVALID, "status", "状态须为 draft、scheduled、live、paused 或 ended",
                           "status must be draft, scheduled, live, paused or ended");
    }
    hh_db *db = hh_store_reader(r->app->store);
    int64_t now = hh_now_ms();
    /* the status filter is on status_now: the same rule as hh_campaign_status_now in SQL */
#define CAMPAIGN_WHERE                                                                               \
    " WHERE c.enterprise_id = ?1 AND " HH_SCOPE_BRAND_ID("c.brand_id") " AND (?5 = 0 OR c.brand_id = ?5)" \
    " AND (?6 IS NULL OR ?6 = CASE WHEN c.status IN ('scheduled','live') THEN CASE WHEN ?8 >= c.ends_at"  \
    " THEN 'ended' WHEN ?8 < c.starts_at THEN 'scheduled' ELSE 'live' END WHEN c.status = 'paused' AND"   \
    " ?8 >= c.ends_at THEN 'ended' ELSE c.status END) AND (?7 IS NULL OR instr(c.name, ?7) > 0)"
    json_t *items;
    st = hh_db_query(db, &items, CAMPAIGN_COLS CAMPAIGN_WHERE " ORDER BY c.id DESC LIMIT ?9 OFFSET ?10",
                     HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id), HH_S(status), HH_S(q), HH_I(now), HH_I(limit),
                          HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *c;
    json_array_foreach(items, i, c) decorate(c, now);
    return hh_list_reply(r, db, items, "SELECT count(*) FROM campaigns c" CAMPAIGN_WHERE,
                         HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id), HH_S(status), HH_S(q), HH_I(now)));
#undef CAMPAIGN_WHERE
}

hh_status hh_h_campaign_get(hh_req *r)
{
    json_t *c;
    hh_status st = campaign_get(hh_store_reader(r->app->store), r->path_id, &c);
    if (st) return st;
    hh_reply(r, 200, c);
    return HH_OK;
}

/* ---- create and update ---- */

enum { F_BUDGET, F_PER_MEMBER, F_PER_DAY, F_PER_STORE, F_GLOBAL, F_FREE_DRAWS, F_DRAW_POINTS, NLIMITS };
static const char *const limit_names[NLIMITS] = {"budget_fen",      "per_member_total", "per_member_daily",
                                                 "per_store_limit", "global_limit",     "free_draws_per_day",
                                                 "draw_points"};

typedef struct {
    int64_t brand_id, starts_at, ends_at;
    bool has_brand, has_starts, has_ends;
    const char *name, *description, *image;
    bool has_name, has_description, has_image, image_null;
    int64_t limit[NLIMITS];
    bool has_limit[NLIMITS], limit_null[NLIMITS];
    int64_t tags[MAX_TAGS];
    int ntags;
    bool has_tags;
    const char *action; /* publish, pause, resume, end */
} campaign_in;

static hh_status read_fields(hh_req *r, campaign_in *in, bool create)
{
    hh_status st;
    if ((st = hh_field_int(r, "brand_id", create, 1, INT64_MAX, &in->brand_id, &in->has_brand)) ||
        (st = hh_field_str(r, "name", create, 100, &in->name, &in->has_name)) ||
        (st = hh_field_str(r, "description", false, 2000, &in->description, &in->has_description)) ||
        (st = hh_field_str(r, "image", false, 500, &in->image, &in->has_image)) ||
        (st = hh_field_int(r, "starts_at", create, 1, INT64_MAX / 2, &in->starts_at, &in->has_starts)) ||
        (st = hh_field_int(r, "ends_at", create, 1, INT64_MAX / 2, &in->ends_at, &in->has_ends)) ||
        (st = hh_field_ids(r, "target_tag_ids", false, MAX_TAGS, in->tags, &in->ntags, &in->has_tags)))
        return st;
    json_t *img = json_object_get(r->json, "image");
    in->image_null = img && json_is_null(img);
    if (in->has_name && !*in->name)
        return hh_fail(r, HH_E_INVALID, "name", "活动名称不能为空", "The campaign name must not be empty");
    for (int i = 0; i < NLIMITS; i++) {
        json_t *v = json_object_get(r->json, limit_names[i]);
        in->limit_null[i] = v && json_is_null(v);
        int64_t min = i == F_BUDGET || i == F_FREE_DRAWS ? 0 : 1;
        if ((st = hh_field_int(r, limit_names[i], false, min, (int64_t)1 << 40, &in->limit[i], &in->has_limit[i])))
            return st;
    }
    if (in->limit_null[F_FREE_DRAWS])
        return hh_fail(r, HH_E_INVALID, "free_draws_per_day", "每日免费抽奖次数须为 0 或正整数",
                       "free_draws_per_day must be 0 or more");
    if (in->has_starts && in->has_ends && in->ends_at <= in->starts_at)
        return hh_fail(r, HH_E_INVALID, "ends_at", "结束时间须晚于开始时间", "ends_at must be after starts_at");
    return HH_OK;
}

static hh_status brand_writable(hh_req *r, int64_t brand_id)
{
    hh_scope s = {.enterprise_id = r->who.enterprise_id, .object = true, .nbrands = 1, .brands = {brand_id}};
    if (hh_authz(&r->who, HH_ACT_MARKETING_WRITE, &s) != HH_OK)
        return hh_fail(r, HH_E_FORBIDDEN, "brand_id", "只能为您管理的品牌创建活动",
                       "You can only run campaigns for brands you manage");
    return HH_OK;
}

/* Inside the write: the brand is live, the tags are the enterprise's. */
static hh_status check_refs(hh_db *tx, hh_req *r, campaign_in *in)
{
    int64_t n = 0;
    hh_status st;
    if (in->has_brand) {
        st = hh_db_int(tx, &n, "SELECT count(*) FROM brands WHERE id = ? AND enterprise_id = ? AND archived_at IS NULL",
                       HH_A(HH_I(in->brand_id), HH_I(r->who.enterprise_id)));
        if (st) return st;
        if (!n) return hh_fail(r, HH_E_INVALID, "brand_id", "品牌不存在或已归档", "The brand does not exist or is archived");
    }
    for (int i = 0; i < in->ntags; i++) {
        st = hh_db_int(tx, &n, "SELECT count(*) FROM tags WHERE id = ? AND enterprise_id = ?",
                       HH_A(HH_I(in->tags[i]), HH_I(r->who.enterprise_id)));
        if (st) return st;
        if (!n) return hh_fail(r, HH_E_INVALID, "target_tag_ids", "标签不存在", "No such tag");
    }
    return HH_OK;
}

static json_t *tags_json(const campaign_in *in)
{
    json_t *a = json_array();
    for (int i = 0; i < in->ntags; i++) json_array_append_new(a, json_integer(in->tags[i]));
    return a;
}

static hh_status create_write(hh_db *tx, hh_req *r)
{
    campaign_in *in = r->ud;
    hh_status st = check_refs(tx, r, in);
    if (st) return st;
    /* the lottery seed: 32 random bytes as hex; its commitment is the SHA-256 of that text */
    unsigned char raw[32], digest[crypto_hash_sha256_BYTES];
    char seed[65], commitment[65];
    randombytes_buf(raw, sizeof raw);
    hh_hex(seed, raw, sizeof raw);
    crypto_hash_sha256(digest, (const unsigned char *)seed, 64);
    hh_hex(commitment, digest, sizeof digest);
    int64_t now = hh_now_ms();
    json_t *tags = tags_json(in);
    char *tags_text = json_dumps(tags, JSON_COMPACT);
    json_decref(tags);
    hh_result res;
#define LIM(i) (in->has_limit[i] ? HH_I(in->limit[i]) : HH_NULL)
    st = hh_db_run(tx, &res,
                   "INSERT INTO campaigns (enterprise_id, brand_id, name, description, image, starts_at, ends_at,"
                   " status, budget_fen, per_member_total, per_member_daily, per_store_limit, global_limit,"
                   " target_tags_json, seed, seed_commitment, free_draws_per_day, draw_points, created_by,"
                   " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                   " ?, ?, ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_I(in->brand_id), HH_S(in->name),
                        HH_S(in->has_description ? in->description : ""), HH_S(in->has_image ? in->image : NULL),
                        HH_I(in->starts_at), HH_I(in->ends_at), LIM(F_BUDGET), LIM(F_PER_MEMBER), LIM(F_PER_DAY),
                        LIM(F_PER_STORE), LIM(F_GLOBAL), HH_S(tags_text), HH_S(seed), HH_S(commitment),
                        HH_I(in->has_limit[F_FREE_DRAWS] ? in->limit[F_FREE_DRAWS] : 0), LIM(F_DRAW_POINTS),
                        HH_I(r->who.id), HH_I(now), HH_I(now)));
#undef LIM
    free(tags_text);
    sodium_memzero(raw, sizeof raw);
    json_t *c;
    if (st || (st = campaign_get(tx, res.last_id, &c))) return st;
    if ((st = hh_audit(tx, r, "campaign.create", "campaign", res.last_id, NULL, c))) {
        json_decref(c);
        return st;
    }
    hh_reply(r, 201, c);
    return HH_OK;
}

static const char *const create_fields[] = {
    "brand_id", "name", "description", "image", "starts_at", "ends_at", "budget_fen", "per_member_total",
    "per_member_daily", "per_store_limit", "global_limit", "target_tag_ids", "free_draws_per_day", "draw_points",
    NULL};

hh_status hh_h_campaign_create(hh_req *r)
{
    campaign_in *in = hh_alloc(r->arena, sizeof *in);
    memset(in, 0, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, create_fields)) || (st = read_fields(r, in, true))) return st;
    if (in->ends_at <= hh_now_ms())
        return hh_fail(r, HH_E_INVALID, "ends_at", "结束时间须晚于现在", "ends_at must be in the future");
    if ((st = brand_writable(r, in->brand_id))) return st;
    return hh_req_write(r, create_write);
}

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static hh_status update_write(hh_db *tx, hh_req *r)
{
    campaign_in *in = r->ud;
    json_t *before, *after;
    hh_status st = campaign_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    const char *stored = json_string_value(json_object_get(before, "status"));
    const char *now_st = json_string_value(json_object_get(before, "status_now"));
    int64_t now = hh_now_ms();
    bool frozen_start = !strcmp(now_st, "live") || !strcmp(now_st, "paused");
    if (!strcmp(now_st, "ended"))
        return hh_fail(r, HH_E_CONFLICT, "status", "活动已结束，不能再修改", "The campaign has ended and can no longer change");
    if (in->has_brand && strcmp(stored, "draft") && in->brand_id != iget(before, "brand_id"))
        return hh_fail(r, HH_E_CONFLICT, "brand_id", "活动发布后不能更换品牌", "A published campaign keeps its brand");
    if (frozen_start) {
        if (in->has_starts && in->starts_at != iget(before, "starts_at"))
            return hh_fail(r, HH_E_CONFLICT, "starts_at", "活动进行中，不能修改开始时间",
                           "The start of a running campaign cannot change");
        if (in->has_tags)
            return hh_fail(r, HH_E_CONFLICT, "target_tag_ids", "活动进行中，不能修改目标人群",
                           "The target members of a running campaign cannot change");
        if (in->has_ends && in->ends_at <= now)
            return hh_fail(r, HH_E_INVALID, "ends_at", "结束时间须晚于现在；要立即结束请使用“结束活动”",
                           "ends_at must be in the future; use end to stop the campaign now");
        if (in->has_limit[F_BUDGET] && in->limit[F_BUDGET] < iget(before, "spent_fen"))
            return hh_fail(r, HH_E_INVALID, "budget_fen", "预算不能低于已使用的金额",
                           "The budget cannot be less than what is already spent");
        if (in->has_limit[F_GLOBAL] && in->limit[F_GLOBAL] < iget(before, "used_count"))
            return hh_fail(r, HH_E_INVALID, "global_limit", "总名额不能低于已使用的数量",
                           "The global limit cannot be less than what is already used");
    }
    int64_t starts = in->has_starts ? in->starts_at : iget(before, "starts_at");
    int64_t ends = in->has_ends ? in->ends_at : iget(before, "ends_at");
    if (ends <= starts)
        return hh_fail(r, HH_E_INVALID, "ends_at", "结束时间须晚于开始时间", "ends_at must be after starts_at");
    if ((st = check_refs(tx, r, in))) return st;
    char *tags_text = NULL;
    if (in->has_tags) {
        json_t *tags = tags_json(in);
        tags_text = json_dumps(tags, JSON_COMPACT);
        json_decref(tags);
    }
    /* each limit: ?set flag, value (NULL clears) */
#define LIM(i) HH_I(in->has_limit[i] || in->limit_null[i]), (in->has_limit[i] ? HH_I(in->limit[i]) : HH_NULL)
    st = hh_db_run(tx, NULL,
                   "UPDATE campaigns SET brand_id = coalesce(?1, brand_id), name = coalesce(?2, name),"
                   " description = coalesce(?3, description), image = CASE WHEN ?4 THEN ?5 ELSE image END,"
                   " starts_at = ?6, ends_at = ?7,"
                   " budget_fen = CASE WHEN ?8 THEN ?9 ELSE budget_fen END,"
                   " per_member_total = CASE WHEN ?10 THEN ?11 ELSE per_member_total END,"
                   " per_member_daily = CASE WHEN ?12 THEN ?13 ELSE per_member_daily END,"
                   " per_store_limit = CASE WHEN ?14 THEN ?15 ELSE per_store_limit END,"
                   " global_limit = CASE WHEN ?16 THEN ?17 ELSE global_limit END,"
                   " free_draws_per_day = CASE WHEN ?18 THEN ?19 ELSE free_draws_per_day END,"
                   " draw_points = CASE WHEN ?20 THEN ?21 ELSE draw_points END,"
                   " target_tags_json = coalesce(?22, target_tags_json), updated_at = ?23 WHERE id = ?24",
                   HH_A(in->has_brand ? HH_I(in->brand_id) : HH_NULL, HH_S(in->has_name ? in->name : NULL),
                        HH_S(in->has_description ? in->description : NULL), HH_I(in->has_image || in->image_null),
                        HH_S(in->has_image ? in->image : NULL), HH_I(starts), HH_I(ends), LIM(F_BUDGET),
                        LIM(F_PER_MEMBER), LIM(F_PER_DAY), LIM(F_PER_STORE), LIM(F_GLOBAL), LIM(F_FREE_DRAWS),
                        LIM(F_DRAW_POINTS), HH_S(tags_text), HH_I(now), HH_I(r->path_id)));
#undef LIM
    free(tags_text);
    if (st || (st = campaign_get(tx, r->path_id, &after))) return st;
    if ((st = hh_audit(tx, r, "campaign.update", "campaign", r->path_id, before, after))) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

hh_status hh_h_campaign_update(hh_req *r)
{
    campaign_in *in = hh_alloc(r->arena, sizeof *in);
    memset(in, 0, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, create_fields)) || (st = read_fields(r, in, false))) return st;
    bool any = in->has_brand || in->has_name || in->has_description || in->has_image || in->image_null ||
               in->has_starts || in->has_ends || in->has_tags;
    for (int i = 0; i < NLIMITS; i++) any |= in->has_limit[i] || in->limit_null[i];
    if (!any) return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    if (in->has_brand && (st = brand_writable(r, in->brand_id))) return st;
    return hh_req_write(r, update_write);
}

/* ---- status actions ---- */

static hh_status action_write(hh_db *tx, hh_req *r)
{
    campaign_in *in = r->ud;
    json_t *before, *after;
    hh_status st = campaign_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    const char *stored = json_string_value(json_object_get(before, "status"));
    const char *now_st = json_string_value(json_object_get(before, "status_now"));
    int64_t now = hh_now_ms();
    const char *to = NULL;
    if (!strcmp(in->action, "publish")) {
        if (strcmp(stored, "draft"))
            return hh_fail(r, HH_E_CONFLICT, "status", "只有草稿状态的活动可以发布", "Only a draft campaign can be published");
        if (iget(before, "ends_at") <= now)
            return hh_fail(r, HH_E_UNPROCESSABLE, "ends_at", "活动结束时间已过，请先修改时间",
                           "The campaign's end is past; change its window first");
        to = "scheduled";
    } else if (!strcmp(in->action, "pause")) {
        if (strcmp(now_st, "live") && strcmp(now_st, "scheduled"))
            return hh_fail(r, HH_E_CONFLICT, "status", "只有已发布且未结束的活动可以暂停",
                           "Only a published campaign that has not ended can be paused");
        to = "paused";
    } else if (!strcmp(in->action, "resume")) {
        if (strcmp(now_st, "paused"))
            return hh_fail(r, HH_E_CONFLICT, "status", "只有已暂停的活动可以恢复", "Only a paused campaign can be resumed");
        to = "scheduled";
    } else { /* end */
        if (!strcmp(now_st, "ended"))
            return hh_fail(r, HH_E_CONFLICT, "status", "活动已结束", "The campaign has already ended");
        to = "ended";
    }
    st = hh_db_run(tx, NULL,
                   "UPDATE campaigns SET status = ?1, updated_at = ?2,"
                   " ends_at = CASE WHEN ?1 = 'ended' AND ends_at > ?2 THEN ?2 ELSE ends_at END,"
                   " starts_at = CASE WHEN ?1 = 'ended' AND starts_at > ?2 THEN ?2 ELSE starts_at END,"
                   " seed_revealed_at = CASE WHEN ?1 = 'ended' THEN ?2 ELSE seed_revealed_at END WHERE id = ?3",
                   HH_A(HH_S(to), HH_I(now), HH_I(r->path_id)));
    if (st || (st = campaign_get(tx, r->path_id, &after))) return st;
    char action[32];
    snprintf(action, sizeof action, "campaign.%s", in->action);
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .campaign_id = r->path_id};
    json_t *props = json_pack("{s:s, s:s}", "from", stored, "to", to);
    st = hh_reward_event(tx, action, &g, iget(before, "brand_id"), props);
    json_decref(props);
    if (st || (st = hh_audit(tx, r, action, "campaign", r->path_id, before, after))) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

static hh_status campaign_action(hh_req *r, const char *action)
{
    campaign_in *in = hh_alloc(r->arena, sizeof *in);
    memset(in, 0, sizeof *in);
    in->action = action;
    r->ud = in;
    return hh_req_write(r, action_write);
}

hh_status hh_h_campaign_publish(hh_req *r) { return campaign_action(r, "publish"); }
hh_status hh_h_campaign_pause(hh_req *r) { return campaign_action(r, "pause"); }
hh_status hh_h_campaign_resume(hh_req *r) { return campaign_action(r, "resume"); }
hh_status hh_h_campaign_end(hh_req *r) { return campaign_action(r, "end"); }
