/*
 * body.c — reading a request's JSON body and query parameters with errors
 * that name the offending field. Every check a handler needs on client input
 * is here, so that bad input always gets the same kind of answer.
 */
#include "http/app.h"

#include <string.h>

#define MAX_PAGE 500

static hh_status field_err(hh_req *r, const char *name, const char *zh, const char *en)
{
    return hh_fail(r, HH_E_INVALID, name, zh, en);
}

hh_status hh_body(hh_req *r)
{
    if (r->json) return HH_OK;
    if (!r->body_len)
        return hh_fail(r, HH_E_MALFORMED, NULL, "缺少请求内容（JSON 对象）",
                       "A JSON object body is required");
    json_error_t e;
    /* NUL inside strings parses, so that the field check below can name the field */
    json_t *v = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
    if (!v)
        return hh_fail(r, HH_E_MALFORMED, NULL,
                       hh_sprintf(r->arena, "请求内容不是有效的 JSON（第 %d 行第 %d 列）", e.line, e.column),
                       hh_sprintf(r->arena, "The body is not valid JSON (line %d, column %d): %s",
                                  e.line, e.column, e.text));
    hh_req_own(r, v);
    if (!json_is_object(v))
        return hh_fail(r, HH_E_MALFORMED, NULL, "请求内容须为 JSON 对象",
                       "The body must be a JSON object");
    r->json = v;
    return HH_OK;
}

static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80) n++;
    return n;
}

static json_t *get_field(hh_req *r, const char *name)
{
    json_t *v = r->json ? json_object_get(r->json, name) : NULL;
    return json_is_null(v) ? NULL : v;
}

static hh_status missing(hh_req *r, const char *name)
{
    return field_err(r, name, hh_sprintf(r->arena, "缺少必填字段 %s", name),
                     hh_sprintf(r->arena, "%s is required", name));
}

hh_status hh_field_str(hh_req *r, const char *name, bool required, size_t maxlen,
                       const char **out, bool *present)
{
    if (present) *present = false;
    json_t *v = get_field(r, name);
    if (!v) return required ? missing(r, name) : HH_OK;
    if (!json_is_string(v))
        return field_err(r, name, hh_sprintf(r->arena, "字段 %s 必须是文本", name),
                         hh_sprintf(r->arena, "%s must be a string", name));
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
        return field_err(r, name, hh_sprintf(r->arena, "字段 %s 含有非法字符", name),
                         hh_sprintf(r->arena, "%s contains a NUL character", name));
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 && *p != '\n' && *p != '\t')
            return field_err(r, name, hh_sprintf(r->arena, "字段 %s 含有控制字符", name),
                             hh_sprintf(r->arena, "%s contains control characters", name));
    while (*s == ' ' || *s == '\t' || *s == '\n') s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n')) len--;
    char *t = hh_strndup(r->arena, s, len);
    if (required && !len)
        return field_err(r, name, hh_sprintf(r->arena, "字段 %s 不能为空", name),
                         hh_sprintf(r->arena, "%s must not be empty", name));
    if (utf8_len(t) > maxlen)
        return field_err(r, name,
                         hh_sprintf(r->arena, "字段 %s 过长（最多 %zu 个字符）", name, maxlen),
                         hh_sprintf(r->arena, "%s is too long (at most %zu characters)", name, maxlen));
    *out = t;
    if (present) *present = true;
    return HH_OK;
}

hh_status hh_field_int(hh_req *r, const char *name, bool required, int64_t min, int64_t max,
                       int64_t *out, bool *present)
{
    if (present) *present = false;
    json_t *v = get_field(r, name);
    if (!v) return required ? missing(r, name) : HH_OK;
    if (!json_is_integer(v))
        return field_err(r, name, hh_sprintf(r->arena, "字段 %s 必须是整数", name),
                         hh_sprintf(r->arena, "%s must be an integer", name));
    int64_t x = json_integer_value(v);
    if (x < min || x > max)
        return field_err(r, name,
                         hh_sprintf(r->arena, "字段 %s 超出范围（%lld–%lld）", name, (long long)min,
                                    (long long)max),
                         hh_sprintf(r->arena, "%s is out of range (%lld–%lld)", name,
                                    (long long)min, (long long)max));
    *out = x;
    if (present) *present = true;
    return HH_OK;
}

hh_status hh_field_bool(hh_req *r, const char *name, bool required, bool *out, bool *present)
{
    if (present) *present = false;
    json_t *v = get_field(r, name);
    if (!v) return required ? missing(r, name) : HH_OK;
    if (!json_is_boolean(v))
        return field_err(r, name, hh_sprintf(r->arena, "字段 %s 必须是 true 或 false", name),
                         hh_sprintf(r->arena, "%s must be true or false", name));
    *out = json_is_true(v);
    if (present) *present = true;
    return HH_OK;
}

hh_status hh_field_ids(hh_req *r, const char *name, bool required, int max, int64_t *ids,
                       int *n, bool *present)
{
    if (present) *present = false;
    *n = 0;
    json_t *v = get_field(r, name);
    if (!v) return required ? missing(r, name) : HH_OK;
    if (!json_is_array(v))
        return field_err(r, name, hh_sprintf(r->arena, "字段 %s 必须是编号数组", name),
                         hh_sprintf(r->arena, "%s must be an array of ids", name));
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_integer(e) || json_integer_value(e) <= 0)
            return field_err(r, name, hh_sprintf(r->arena, "字段 %s 须只含正整数编号", name),
                             hh_sprintf(r->arena, "%s must contain positive integer ids", name));
        int64_t id = json_integer_value(e);
        bool dup = false;
        for (int k = 0; k < *n; k++) dup |= ids[k] == id;
        if (dup) continue;
        if (*n >= max)
            return field_err(r, name, hh_sprintf(r->arena, "字段 %s 最多 %d 项", name, max),
                             hh_sprintf(r->arena, "%s has more than %d items", name, max));
        ids[(*n)++] = id;
    }
    if (present) *present = true;
    return HH_OK;
}

hh_status hh_fields_only(hh_req *r, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(r->json, key, v)
    {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++) ok = !strcmp(*a, key);
        if (!ok) {
            const char *k = hh_strdup(r->arena, key);
            return field_err(r, k, hh_sprintf(r->arena, "不认识的字段 %s", k),
                             hh_sprintf(r->arena, "Unknown field %s", k));
        }
    }
    (void)v;
    return HH_OK;
}

hh_status hh_query_id(hh_req *r, const char *name, int64_t *out)
{
    *out = 0;
    const char *s = hh_query(r, name);
    if (!s || !*s) return HH_OK;
    if (!hh_parse_i64(s, out) || *out <= 0)
        return field_err(r, name, hh_sprintf(r->arena, "参数 %s 必须是正整数编号", name),
                         hh_sprintf(r->arena, "%s must be a positive integer id", name));
    return HH_OK;
}

hh_status hh_query_page(hh_req *r, int64_t *limit, int64_t *offset)
{
    *limit = 50;
    *offset = 0;
    const char *l = hh_query(r, "limit"), *o = hh_query(r, "offset");
    if (l && (!hh_parse_i64(l, limit) || *limit < 1 || *limit > MAX_PAGE))
        return field_err(r, "limit", "参数 limit 须为 1–500 的整数",
                         "limit must be an integer from 1 to 500");
    if (o && (!hh_parse_i64(o, offset) || *offset < 0))
        return field_err(r, "offset", "参数 offset 须为非负整数",
                         "offset must be a non-negative integer");
    return HH_OK;
}

bool hh_query_flag(hh_req *r, const char *name)
{
    const char *s = hh_query(r, name);
    return s && (!strcmp(s, "1") || !strcmp(s, "true"));
}

hh_status hh_list_reply(hh_req *r, hh_db *db, json_t *items, const char *count_sql,
                         const hh_arg *a, size_t n)
{
    int64_t total = 0;
    hh_status st = hh_db_int(db, &total, count_sql, a, n);
    if (st != HH_OK) {
        json_decref(items);
        return st;
    }
    hh_reply(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total));
    return HH_OK;
}
