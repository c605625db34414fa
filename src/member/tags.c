/*
 * tags.c — member tags in groups. Manual tags are applied to a selection of
 * members or to an uploaded list of phone numbers; rule tags hold a rule over
 * lifecycle, city, registration channel, first-touch channel, owning store,
 * gender and SMS consent, and are materialised into member_tags: at once when
 * the rule changes, and again by the server's housekeeping (lifecycles move
 * with time).
 */
#include "member/internal.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/phone.h"
#include "http/app.h"

#include <string.h>

#define MAX_BULK 5000

static const char *const rule_keys[] = {"lifecycle", "city_code", "registered_via", "first_channel",
                                        "owner_store_id", "gender", "consent_sms", NULL};

#define TAG_COLS                                                                                    \
    "SELECT g.id, g.name, g.group_name, g.kind, g.rule_json, (SELECT count(*) FROM member_tags mt"   \
    " JOIN members m ON m.id = mt.member_id WHERE mt.tag_id = g.id AND m.status = 'live') AS"        \
    " member_count, g.created_at, g.updated_at FROM tags g"

hh_status hh_h_tags_list(hh_req *r)
{
    json_t *items;
    hh_db *db = hh_store_reader(r->app->store);
    hh_status st = hh_db_query(db, &items, TAG_COLS " WHERE g.enterprise_id = ? ORDER BY g.group_name, g.name",
                               HH_A(HH_I(r->who.enterprise_id)));
    if (st) return st;
    hh_reply(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items)));
    return HH_OK;
}

typedef struct {
    const char *name, *group, *kind;
    bool has_name, has_group, has_rule;
    json_t *rule;
    int64_t tag_id;
    int64_t ids[MAX_BULK];
    int nids;
    json_t *phones;
} tag_in;

static const char *const *allowed_values(const char *key)
{
    static const char *const lifecycles[] = {"new", "active", "dormant", "churned", "reactivated", NULL};
    static const char *const vias[] = {"h5", "counter", "import", "pos", NULL};
    static const char *const channels[] = {"counter", "product", "poster", "article", "moments_ad", "kol",
                                           "mini_program", "referral", "other", NULL};
    if (!strcmp(key, "lifecycle")) return lifecycles;
    if (!strcmp(key, "registered_via")) return vias;
    if (!strcmp(key, "first_channel")) return channels;
    return NULL; /* city codes and store ids: any value, they simply match nothing */
}

/* A rule is an object of known keys, each an array of strings or ids (gender
 * a string, consent_sms a boolean). */
static hh_status read_rule(hh_req *r, tag_in *in)
{
    json_t *rule = json_object_get(r->json, "rule");
    if (!rule || json_is_null(rule)) return HH_OK;
    if (!json_is_object(rule) || !json_object_size(rule))
        return hh_fail(r, HH_E_INVALID, "rule", "规则须为非空对象", "rule must be a non-empty object");
    const char *key;
    json_t *v;
    json_object_foreach(rule, key, v)
    {
        bool known = false;
        for (int i = 0; rule_keys[i]; i++) known |= !strcmp(key, rule_keys[i]);
        const char *field = hh_sprintf(r->arena, "rule.%s", key);
        if (!known) return hh_fail(r, HH_E_INVALID, field, "不支持的规则条件", "Unknown rule condition");
        if (!strcmp(key, "gender")) {
            const char *g = json_string_value(v);
            if (!g || (strcmp(g, "male") && strcmp(g, "female") && strcmp(g, "unknown")))
                return hh_fail(r, HH_E_INVALID, field, "须为 male、female 或 unknown", "must be male, female or unknown");
        } else if (!strcmp(key, "consent_sms")) {
            if (!json_is_boolean(v)) return hh_fail(r, HH_E_INVALID, field, "须为 true 或 false", "must be true or false");
        } else {
            if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > 500)
                return hh_fail(r, HH_E_INVALID, field, "须为 1–500 项的数组", "must be an array of 1–500 items");
            size_t i;
            json_t *e;
            bool ids = !strcmp(key, "owner_store_id");
            json_array_foreach(v, i, e)
            {
                if (ids ? !json_is_integer(e) : !json_is_string(e))
                    return hh_fail(r, HH_E_INVALID, field, ids ? "须只含门店编号" : "须只含文本",
                                   ids ? "must hold store ids" : "must hold strings");
                const char *const *values = allowed_values(key);
                bool ok = !values;
                for (; values && *values && !ok; values++) ok = !strcmp(*values, json_string_value(e));
                if (!ok)
                    return hh_fail(r, HH_E_INVALID, field, hh_sprintf(r->arena, "不支持的取值 %s", json_string_value(e)),
                                   hh_sprintf(r->arena, "Unknown value %s", json_string_value(e)));
            }
        }
    }
    in->rule = rule;
    in->has_rule = true;
    return HH_OK;
}

static hh_status read_tag(hh_req *r, tag_in *in, bool create)
{
    static const char *const allowed[] = {"name", "group_name", "kind", "rule", NULL};
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "name", create, 32, &in->name, &in->has_name)) ||
        (st = hh_field_str(r, "group_name", false, 32, &in->group, &in->has_group)) ||
        (st = hh_field_str(r, "kind", create, 8, &in->kind, NULL)) || (st = read_rule(r, in)))
        return st;
    if (in->has_name && !*in->name) return hh_fail(r, HH_E_INVALID, "name", "标签名称不能为空", "The tag name is required");
    if (create) {
        if (strcmp(in->kind, "manual") && strcmp(in->kind, "rule"))
            return hh_fail(r, HH_E_INVALID, "kind", "类型须为 manual 或 rule", "kind must be manual or rule");
        if (!strcmp(in->kind, "rule") && !in->has_rule)
            return hh_fail(r, HH_E_INVALID, "rule", "规则标签需要规则", "A rule tag needs a rule");
        if (!strcmp(in->kind, "manual") && in->has_rule)
            return hh_fail(r, HH_E_INVALID, "rule", "手动标签没有规则", "A manual tag has no rule");
    } else if (json_object_get(r->json, "kind")) {
        return hh_fail(r, HH_E_INVALID, "kind", "标签类型创建后不能修改", "The kind of a tag cannot change");
    } else if (!in->has_name && !in->has_group && !in->has_rule) {
        return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    }
    return HH_OK;
}

/* Materialise a rule tag: its members are exactly those its rule matches now. */
static hh_status recompute(hh_db *tx, int64_t tag_id)
{
    json_t *g;
    hh_status st = hh_db_one(tx, &g, "SELECT enterprise_id, kind, rule_json FROM tags WHERE id = ?", HH_A(HH_I(tag_id)));
    if (st) return st;
    json_t *rule = json_object_get(g, "rule");
    if (strcmp(json_string_value(json_object_get(g, "kind")), "rule") || !json_is_object(rule)) {
        json_decref(g);
        return HH_OK;
    }
    int64_t ent = json_integer_value(json_object_get(g, "enterprise_id"));
    hh_lifecycle lc;
    if ((st = hh_lifecycle_load(tx, ent, &lc))) {
        json_decref(g);
        return st;
    }
    char *arr[5] = {0};
    static const char *const keys[] = {"lifecycle", "city_code", "registered_via", "first_channel", "owner_store_id"};
    for (int i = 0; i < 5; i++)
        if (json_object_get(rule, keys[i])) arr[i] = json_dumps(json_object_get(rule, keys[i]), JSON_COMPACT);
    json_t *consent = json_object_get(rule, "consent_sms");
    int64_t now = hh_now_ms();
    hh_arg a[25] = {HH_I(tag_id), HH_I(now), HH_I(ent), HH_S(arr[0]), HH_S(arr[1]), HH_S(arr[2]), HH_S(arr[3]),
                    HH_S(arr[4]), HH_S(json_string_value(json_object_get(rule, "gender"))),
                    consent ? HH_I(json_is_true(consent)) : HH_NULL};
    a[20] = HH_I(now);
    a[21] = HH_I(lc.new_days * HH_DAY_MS);
    a[22] = HH_I(lc.dormant_days * HH_DAY_MS);
    a[23] = HH_I(lc.churn_days * HH_DAY_MS);
    a[24] = HH_I(lc.reactivated_days * HH_DAY_MS);
    st = hh_db_run(tx, NULL, "DELETE FROM member_tags WHERE tag_id = ?", HH_A(HH_I(tag_id)));
    if (!st)
        st = hh_db_run(tx, NULL,
                       "INSERT INTO member_tags (member_id, tag_id, at) SELECT m.id, ?1, ?2 FROM members m"
                       " LEFT JOIN touchpoints ft ON ft.id = m.first_touchpoint_id"
                       " WHERE m.enterprise_id = ?3 AND m.status = 'live'"
                       " AND (?4 IS NULL OR " HH_LIFECYCLE_SQL("m") " IN (SELECT value FROM json_each(?4)))"
                       " AND (?5 IS NULL OR m.city_code IN (SELECT value FROM json_each(?5)))"
                       " AND (?6 IS NULL OR m.registered_via IN (SELECT value FROM json_each(?6)))"
                       " AND (?7 IS NULL OR ft.channel IN (SELECT value FROM json_each(?7)))"
                       " AND (?8 IS NULL OR m.owner_store_id IN (SELECT value FROM json_each(?8)))"
                       " AND (?9 IS NULL OR m.gender = ?9) AND (?10 IS NULL OR m.consent_sms = ?10)",
                       a, 25);
    for (int i = 0; i < 5; i++) free(arr[i]);
    json_decref(g);
    return st;
}

static hh_status recompute_apply(hh_db *tx, void *ud)
{
    return recompute(tx, *(int64_t *)ud);
}

void hh_tags_recompute_all(hh_store *store)
{
    json_t *rows;
    if (hh_db_query(hh_store_reader(store), &rows, "SELECT id FROM tags WHERE kind = 'rule'", HH_A()) != HH_OK) return;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        int64_t id = json_integer_value(json_object_get(row, "id"));
        if (hh_store_write_sync(store, recompute_apply, &id) != HH_OK)
            hh_warn("tags.recompute_failed", "{s:I}", "tag", (json_int_t)id);
    }
    json_decref(rows);
}

static hh_status tag_reply(hh_db *tx, hh_req *r, int64_t id, int status, const char *action, json_t *before)
{
    json_t *g;
    hh_status st = hh_db_one(tx, &g, TAG_COLS " WHERE g.id = ?", HH_A(HH_I(id)));
    if (st) return st;
    if ((st = hh_audit(tx, r, action, "tag", id, before, g))) {
        json_decref(g);
        return st;
    }
    hh_reply(r, status, g);
    return HH_OK;
}

static hh_status tag_conflict(hh_req *r)
{
    return hh_fail(r, HH_E_CONFLICT, "name", "已有同名标签", "A tag with this name exists");
}

static hh_status tag_create_write(hh_db *tx, hh_req *r)
{
    tag_in *in = r->ud;
    char *rule = in->has_rule ? json_dumps(in->rule, JSON_COMPACT) : NULL;
    int64_t now = hh_now_ms();
    hh_result res;
    hh_status st = hh_db_run(tx, &res,
                             "INSERT INTO tags (enterprise_id, name, group_name, kind, rule_json, created_at, updated_at)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?)",
                             HH_A(HH_I(r->who.enterprise_id), HH_S(in->name), HH_S(in->group ? in->group : ""),
                                  HH_S(in->kind), HH_S(rule), HH_I(now), HH_I(now)));
    free(rule);
    if (st == HH_E_CONFLICT) return tag_conflict(r);
    if (st || (st = recompute(tx, res.last_id))) return st;
    return tag_reply(tx, r, res.last_id, 201, "tag.create", NULL);
}

hh_status hh_h_tag_create(hh_req *r)
{
    tag_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_tag(r, in, true);
    if (st) return st;
    return hh_req_write(r, tag_create_write);
}

static hh_status tag_update_write(hh_db *tx, hh_req *r)
{
    tag_in *in = r->ud;
    json_t *before;
    hh_status st = hh_db_one(tx, &before, TAG_COLS " WHERE g.id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, before);
    if (in->has_rule && strcmp(json_string_value(json_object_get(before, "kind")), "rule"))
        return hh_fail(r, HH_E_INVALID, "rule", "手动标签没有规则", "A manual tag has no rule");
    char *rule = in->has_rule ? json_dumps(in->rule, JSON_COMPACT) : NULL;
    st = hh_db_run(tx, NULL,
                   "UPDATE tags SET name = coalesce(?, name), group_name = coalesce(?, group_name),"
                   " rule_json = coalesce(?, rule_json), updated_at = ? WHERE id = ?",
                   HH_A(HH_S(in->has_name ? in->name : NULL), HH_S(in->has_group ? in->group : NULL), HH_S(rule),
                        HH_I(hh_now_ms()), HH_I(r->path_id)));
    free(rule);
    if (st == HH_E_CONFLICT) return tag_conflict(r);
    if (st || (in->has_rule && (st = recompute(tx, r->path_id)))) return st;
    return tag_reply(tx, r, r->path_id, 200, "tag.update", before);
}

hh_status hh_h_tag_update(hh_req *r)
{
    tag_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_tag(r, in, false);
    if (st) return st;
    return hh_req_write(r, tag_update_write);
}

static hh_status tag_delete_write(hh_db *tx, hh_req *r)
{
    json_t *before;
    hh_status st = hh_db_one(tx, &before, TAG_COLS " WHERE g.id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, before);
    if ((st = hh_db_run(tx, NULL, "DELETE FROM member_tags WHERE tag_id = ?", HH_A(HH_I(r->path_id)))) ||
        (st = hh_db_run(tx, NULL, "DELETE FROM tags WHERE id = ?", HH_A(HH_I(r->path_id)))))
        return st;
    return hh_audit(tx, r, "tag.delete", "tag", r->path_id, before, NULL);
}

hh_status hh_h_tag_delete(hh_req *r)
{
    return hh_req_write(r, tag_delete_write);
}

/* ---- applying manual tags ---- */

static hh_status apply_write(hh_db *tx, hh_req *r)
{
    tag_in *in = r->ud;
    json_t *g;
    hh_status st = hh_db_one(tx, &g, "SELECT kind FROM tags WHERE id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    bool manual = !strcmp(json_string_value(json_object_get(g, "kind")), "manual");
    json_decref(g);
    if (!manual)
        return hh_fail(r, HH_E_UNPROCESSABLE, NULL, "规则标签由规则计算，不能手动添加", "Rule tags are computed; they cannot be applied by hand");
    bool remove = strstr(r->path, "/remove") != NULL;
    int64_t now = hh_now_ms(), changed = 0;
    json_t *unknown = json_array();
    hh_req_own(r, unknown);
    /* phones from an upload become member ids here */
    size_t i;
    json_t *p;
    json_array_foreach(in->phones, i, p)
    {
        char e164[HH_PHONE_MAX];
        int64_t id = 0;
        if (hh_phone_normalize(json_string_value(p), "CN", false, e164) != HH_PHONE_OK ||
            hh_db_int(tx, &id, "SELECT id FROM members WHERE enterprise_id = ? AND phone = ? AND status = 'live'",
                      HH_A(HH_I(r->who.enterprise_id), HH_S(e164))) != HH_OK) {
            json_array_append(unknown, p);
            continue;
        }
        if (in->nids < MAX_BULK) in->ids[in->nids++] = id;
    }
    for (int k = 0; k < in->nids; k++) {
        hh_result res = {0};
        st = remove ? hh_db_run(tx, &res, "DELETE FROM member_tags WHERE tag_id = ? AND member_id = ?",
                                HH_A(HH_I(r->path_id), HH_I(in->ids[k])))
                    : hh_db_run(tx, &res,
                                "INSERT INTO member_tags (member_id, tag_id, at) SELECT id, ?2, ?3 FROM members"
                                " WHERE id = ?1 AND enterprise_id = ?4 AND status = 'live' ON CONFLICT DO NOTHING",
                                HH_A(HH_I(in->ids[k]), HH_I(r->path_id), HH_I(now), HH_I(r->who.enterprise_id)));
        if (st) return st;
        changed += res.changes;
    }
    json_t *summary = json_pack("{s:I, s:I, s:O}", "requested", (json_int_t)in->nids, "changed", (json_int_t)changed,
                                "unknown_phones", unknown);
    hh_req_own(r, summary);
    if ((st = hh_audit(tx, r, remove ? "tag.remove_members" : "tag.apply", "tag", r->path_id, NULL, summary))) return st;
    hh_reply(r, 200, json_incref(summary));
    return HH_OK;
}

hh_status hh_h_tag_apply(hh_req *r)
{
    static const char *const allowed[] = {"member_ids", "phones", NULL};
    tag_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    bool has_ids;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_ids(r, "member_ids", false, MAX_BULK, in->ids, &in->nids, &has_ids)))
        return st;
    json_t *phones = json_object_get(r->json, "phones");
    if (phones && !json_is_null(phones)) {
        if (!json_is_array(phones) || json_array_size(phones) > MAX_BULK)
            return hh_fail(r, HH_E_INVALID, "phones", "phones 须为最多 5000 个手机号的数组", "phones must be an array of at most 5000 numbers");
        size_t i;
        json_t *p;
        json_array_foreach(phones, i, p) if (!json_is_string(p)) return hh_fail(r, HH_E_INVALID, "phones", "phones 须只含文本", "phones must hold strings");
        in->phones = phones;
    }
    if (!in->nids && !json_array_size(in->phones))
        return hh_fail(r, HH_E_INVALID, "member_ids", "请选择会员或上传手机号", "Give member_ids or phones");
    return hh_req_write(r, apply_write);
}
