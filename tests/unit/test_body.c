/*
 * test_body.c — the JSON body field helpers of http/body.c on hand-built
 * requests: every refusal names its field in r->err and leaves *out alone.
 * (hh_query* read libmicrohttpd's connection and are left to the API tests.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http/http.h"

/* ---- fixture: one arena per test, requests built inside it ---- */

static int setup(void **state)
{
    *state = hh_arena_new(1024);
    return 0;
}

static int teardown(void **state)
{
    hh_arena_free(*state);
    return 0;
}

static hh_req *req(void **state, const char *body)
{
    hh_arena *a = *state;
    hh_req *r = hh_alloc(a, sizeof *r);
    r->arena = a;
    r->method = HH_POST;
    r->method_name = "POST";
    r->path = "/api/test";
    if (body) {
        r->body = hh_strdup(a, body);
        r->body_len = strlen(body);
        r->body_cap = r->body_len + 1;
    }
    return r;
}

/* A request whose body has been accepted by hh_body(). */
static hh_req *jreq(void **state, const char *body)
{
    hh_req *r = req(state, body);
    assert_int_equal(hh_body(r), HH_OK);
    assert_non_null(r->json);
    return r;
}

#define assert_refused(r, expr, want_field)                                          \
    do {                                                                             \
        (r)->err.st = HH_OK;                                                         \
        (r)->err.field = NULL;                                                       \
        assert_int_equal((expr), HH_E_INVALID);                                      \
        assert_int_equal((r)->err.st, HH_E_INVALID);                                 \
        assert_non_null((r)->err.field);                                             \
        assert_string_equal((r)->err.field, (want_field));                           \
        assert_non_null((r)->err.zh);                                                \
        assert_non_null((r)->err.en);                                                \
        assert_non_null(strstr((r)->err.en, (want_field)));                          \
    } while (0)

/* ---- hh_body ---- */

static void test_body_empty_is_malformed(void **state)
{
    hh_req *r = req(state, NULL);
    assert_int_equal(hh_body(r), HH_E_MALFORMED);
    assert_int_equal(r->err.st, HH_E_MALFORMED);
    assert_null(r->err.field);
    assert_null(r->json);
}

static void test_body_malformed_json(void **state)
{
    const char *bad[] = {
        "{",         "{\"a\":}",       "{\"a\":1,}",        "not json",   "{'a':1}",
        "{} junk",   "{}{}",           "{\"a\":1,\"a\":2}", /* duplicate keys refused */
        "\xff\xfe{}", "{\"a\":\"\xc3\x28\"}",                /* invalid UTF-8 */
    };
    for (size_t i = 0; i < HH_ARRAY_LEN(bad); i++) {
        hh_req *r = req(state, bad[i]);
        if (hh_body(r) != HH_E_MALFORMED) fail_msg("body %s accepted", bad[i]);
        assert_int_equal(r->err.st, HH_E_MALFORMED);
        assert_null(r->err.field);
        assert_null(r->json);
        assert_non_null(r->err.en);
    }
}

static void test_body_error_names_position(void **state)
{
    hh_req *r = req(state, "{\n  \"a\": tru\n}");
    assert_int_equal(hh_body(r), HH_E_MALFORMED);
    assert_non_null(strstr(r->err.en, "line 2"));
    assert_non_null(strstr(r->err.zh, "第 2 行"));
}

static void test_body_not_an_object(void **state)
{
    const char *bodies[] = {"[1,2,3]", "[]", "[{\"a\":1}]", "42", "\"text\"", "null", "true"};
    for (size_t i = 0; i < HH_ARRAY_LEN(bodies); i++) {
        hh_req *r = req(state, bodies[i]);
        if (hh_body(r) != HH_E_MALFORMED) fail_msg("body %s accepted", bodies[i]);
        assert_null(r->json);
        assert_null(r->err.field);
    }
}

static void test_body_object_ok_and_idempotent(void **state)
{
    hh_req *r = req(state, "  {\"name\": \"活化\", \"n\": 1}\n");
    assert_int_equal(hh_body(r), HH_OK);
    json_t *first = r->json;
    assert_true(json_is_object(first));
    assert_int_equal(hh_body(r), HH_OK); /* second call keeps the parsed body */
    assert_ptr_equal(r->json, first);
    assert_int_equal(jreq(state, "{}")->json != NULL, true);
}

/* ---- hh_field_str ---- */

static void test_str_required_missing_and_null(void **state)
{
    hh_req *r = jreq(state, "{\"other\":\"x\", \"nul\": null}");
    const char *out = "untouched";
    bool present = true;
    assert_refused(r, hh_field_str(r, "name", true, 64, &out, &present), "name");
    assert_string_equal(out, "untouched");
    assert_false(present);
    assert_refused(r, hh_field_str(r, "nul", true, 64, &out, NULL), "nul");
    assert_non_null(strstr(r->err.en, "required"));
}

static void test_str_optional_absent(void **state)
{
    hh_req *r = jreq(state, "{\"nul\": null}");
    const char *out = "untouched";
    bool present = true;
    assert_int_equal(hh_field_str(r, "name", false, 64, &out, &present), HH_OK);
    assert_string_equal(out, "untouched");
    assert_false(present);
    present = true;
    assert_int_equal(hh_field_str(r, "nul", false, 64, &out, &present), HH_OK);
    assert_string_equal(out, "untouched");
    assert_false(present);
    assert_int_equal(hh_field_str(r, "name", false, 64, &out, NULL), HH_OK);
}

static void test_str_present(void **state)
{
    hh_req *r = jreq(state, "{\"name\": \"雅诗兰黛 Estée\"}");
    const char *out = NULL;
    bool present = false;
    assert_int_equal(hh_field_str(r, "name", true, 64, &out, &present), HH_OK);
    assert_true(present);
    assert_string_equal(out, "雅诗兰黛 Estée");
    /* the value is an arena copy, not a pointer into the JSON */
    assert_ptr_not_equal(out, json_string_value(json_object_get(r->json, "name")));
}

static void test_str_wrong_type(void **state)
{
    const char *bodies[] = {"{\"name\": 5}", "{\"name\": true}", "{\"name\": [\"a\"]}",
                            "{\"name\": {\"a\":1}}", "{\"name\": 1.5}"};
    for (size_t i = 0; i < HH_ARRAY_LEN(bodies); i++) {
        hh_req *r = jreq(state, bodies[i]);
        const char *out = "untouched";
        assert_refused(r, hh_field_str(r, "name", false, 64, &out, NULL), "name");
        assert_string_equal(out, "untouched");
        assert_non_null(strstr(r->err.en, "string"));
    }
}

static char *repeat(void **state, const char *unit, int n, const char *pre, const char *post)
{
    size_t u = strlen(unit);
    char *s = hh_alloc(*state, strlen(pre) + u * (size_t)n + strlen(post) + 1);
    strcpy(s, pre);
    for (int i = 0; i < n; i++) strcat(s, unit);
    strcat(s, post);
    return s;
}

static void test_str_length_counts_characters(void **state)
{
    const char *out;
    /* 64 Chinese characters are 192 bytes but 64 characters */
    hh_req *r = jreq(state, repeat(state, "活", 64, "{\"name\":\"", "\"}"));
    assert_int_equal(hh_field_str(r, "name", true, 64, &out, NULL), HH_OK);
    assert_int_equal(strlen(out), 64 * 3);

    r = jreq(state, repeat(state, "活", 65, "{\"name\":\"", "\"}"));
    out = "untouched";
    assert_refused(r, hh_field_str(r, "name", true, 64, &out, NULL), "name");
    assert_string_equal(out, "untouched");
    assert_non_null(strstr(r->err.en, "64"));

    r = jreq(state, repeat(state, "a", 64, "{\"name\":\"", "\"}"));
    assert_int_equal(hh_field_str(r, "name", true, 64, &out, NULL), HH_OK);
    r = jreq(state, repeat(state, "a", 65, "{\"name\":\"", "\"}"));
    assert_refused(r, hh_field_str(r, "name", true, 64, &out, NULL), "name");

    /* 4-byte characters (emoji) and JSON escapes count once each */
    r = jreq(state, repeat(state, "\\ud83d\\ude00", 10, "{\"name\":\"", "\"}"));
    assert_int_equal(hh_field_str(r, "name", true, 10, &out, NULL), HH_OK);
    assert_int_equal(strlen(out), 40);
    assert_refused(r, hh_field_str(r, "name", true, 9, &out, NULL), "name");
}

static void test_str_control_characters(void **state)
{
    const char *bad[] = {
        "{\"name\":\"a\\u0001b\"}", "{\"name\":\"a\\rb\"}", "{\"name\":\"a\\u001fb\"}",
        "{\"name\":\"\\u001b[31m\"}", "{\"name\":\"\\u007f\\u0008\"}",
    };
    for (size_t i = 0; i < HH_ARRAY_LEN(bad); i++) {
        hh_req *r = jreq(state, bad[i]);
        const char *out = "untouched";
        assert_refused(r, hh_field_str(r, "name", false, 64, &out, NULL), "name");
        assert_string_equal(out, "untouched");
    }
    /* an embedded NUL never reaches a handler: refused with the body, or by the field */
    const char *nul[] = {"{\"name\":\"a\\u0000b\"}", "{\"name\":\"\\u0000\"}"};
    for (size_t i = 0; i < HH_ARRAY_LEN(nul); i++) {
        hh_req *r = req(state, nul[i]);
        hh_status st = hh_body(r);
        if (st == HH_OK) {
            const char *out = "untouched";
            assert_refused(r, hh_field_str(r, "name", false, 64, &out, NULL), "name");
        } else {
            assert_int_equal(st, HH_E_MALFORMED);
        }
    }
    /* newline and tab are text, not control characters */
    hh_req *r = jreq(state, "{\"note\":\"line 1\\nline 2\\tend\"}");
    const char *out;
    assert_int_equal(hh_field_str(r, "note", true, 64, &out, NULL), HH_OK);
    assert_string_equal(out, "line 1\nline 2\tend");
}

static void test_str_trimming(void **state)
{
    hh_req *r = jreq(state, "{\"a\":\"  hi \\n\", \"b\":\"\\t\\n x y \\t\", \"c\":\"   \","
                            " \"d\":\"\", \"e\":\"  ab  \"}");
    const char *out;
    bool present;
    assert_int_equal(hh_field_str(r, "a", true, 64, &out, NULL), HH_OK);
    assert_string_equal(out, "hi");
    assert_int_equal(hh_field_str(r, "b", true, 64, &out, NULL), HH_OK);
    assert_string_equal(out, "x y");
    /* the length cap applies after trimming */
    assert_int_equal(hh_field_str(r, "e", true, 2, &out, NULL), HH_OK);
    assert_string_equal(out, "ab");
    /* blank: refused when required, kept as "" when optional */
    out = "untouched";
    assert_refused(r, hh_field_str(r, "c", true, 64, &out, NULL), "c");
    assert_string_equal(out, "untouched");
    assert_refused(r, hh_field_str(r, "d", true, 64, &out, NULL), "d");
    assert_non_null(strstr(r->err.en, "empty"));
    assert_int_equal(hh_field_str(r, "c", false, 64, &out, &present), HH_OK);
    assert_string_equal(out, "");
    assert_true(present);
    assert_int_equal(hh_field_str(r, "d", false, 64, &out, &present), HH_OK);
    assert_string_equal(out, "");
    assert_true(present);
}

/* ---- hh_field_int ---- */

static void test_int_range(void **state)
{
    hh_req *r = jreq(state, "{\"lo\":1, \"hi\":100, \"below\":0, \"above\":101, \"neg\":-5}");
    int64_t v = -1;
    bool present = false;
    assert_int_equal(hh_field_int(r, "lo", true, 1, 100, &v, &present), HH_OK);
    assert_int_equal(v, 1);
    assert_true(present);
    assert_int_equal(hh_field_int(r, "hi", true, 1, 100, &v, NULL), HH_OK);
    assert_int_equal(v, 100);
    v = 77;
    assert_refused(r, hh_field_int(r, "below", true, 1, 100, &v, NULL), "below");
    assert_non_null(strstr(r->err.en, "1–100"));
    assert_refused(r, hh_field_int(r, "above", false, 1, 100, &v, NULL), "above");
    assert_refused(r, hh_field_int(r, "neg", false, 0, INT64_MAX, &v, NULL), "neg");
    assert_int_equal(v, 77);
    assert_int_equal(hh_field_int(r, "neg", true, -5, -5, &v, NULL), HH_OK);
    assert_int_equal(v, -5);
}

static void test_int_extremes(void **state)
{
    hh_req *r = jreq(state, "{\"max\":9223372036854775807, \"min\":-9223372036854775808}");
    int64_t v;
    assert_int_equal(hh_field_int(r, "max", true, INT64_MIN, INT64_MAX, &v, NULL), HH_OK);
    assert_int_equal(v, INT64_MAX);
    assert_int_equal(hh_field_int(r, "min", true, INT64_MIN, INT64_MAX, &v, NULL), HH_OK);
    assert_true(v == INT64_MIN);
    /* beyond int64 the body is not accepted at all */
    hh_req *r2 = req(state, "{\"big\":9223372036854775808}");
    assert_int_not_equal(hh_body(r2), HH_OK);
}

static void test_int_type(void **state)
{
    const char *bodies[] = {"{\"n\":\"5\"}", "{\"n\":1.5}", "{\"n\":1.0}", "{\"n\":1e3}",
                            "{\"n\":true}", "{\"n\":[1]}", "{\"n\":{}}"};
    for (size_t i = 0; i < HH_ARRAY_LEN(bodies); i++) {
        hh_req *r = jreq(state, bodies[i]);
        int64_t v = 42;
        assert_refused(r, hh_field_int(r, "n", false, INT64_MIN, INT64_MAX, &v, NULL), "n");
        assert_int_equal(v, 42);
        assert_non_null(strstr(r->err.en, "integer"));
    }
}

static void test_int_missing(void **state)
{
    hh_req *r = jreq(state, "{\"n\":null}");
    int64_t v = 42;
    bool present = true;
    assert_int_equal(hh_field_int(r, "n", false, 0, 10, &v, &present), HH_OK);
    assert_false(present);
    assert_int_equal(v, 42);
    assert_int_equal(hh_field_int(r, "m", false, 0, 10, &v, &present), HH_OK);
    assert_refused(r, hh_field_int(r, "n", true, 0, 10, &v, &present), "n");
    assert_refused(r, hh_field_int(r, "m", true, 0, 10, &v, &present), "m");
    assert_int_equal(v, 42);
}

/* ---- hh_field_bool ---- */

static void test_bool(void **state)
{
    hh_req *r = jreq(state, "{\"t\":true, \"f\":false, \"one\":1, \"s\":\"true\", \"z\":null}");
    bool v = false, present = false;
    assert_int_equal(hh_field_bool(r, "t", true, &v, &present), HH_OK);
    assert_true(v);
    assert_true(present);
    assert_int_equal(hh_field_bool(r, "f", true, &v, &present), HH_OK);
    assert_false(v);
    v = true;
    assert_refused(r, hh_field_bool(r, "one", true, &v, NULL), "one");
    assert_refused(r, hh_field_bool(r, "s", false, &v, NULL), "s");
    assert_true(v);
    assert_int_equal(hh_field_bool(r, "z", false, &v, &present), HH_OK);
    assert_false(present);
    assert_true(v);
    assert_refused(r, hh_field_bool(r, "z", true, &v, &present), "z");
    assert_refused(r, hh_field_bool(r, "absent", true, &v, &present), "absent");
}

/* ---- hh_field_ids ---- */

static void test_ids_dedupe(void **state)
{
    hh_req *r = jreq(state, "{\"brands\":[3,1,3,2,1,3]}");
    int64_t ids[8];
    int n = -1;
    bool present = false;
    assert_int_equal(hh_field_ids(r, "brands", true, 8, ids, &n, &present), HH_OK);
    assert_true(present);
    assert_int_equal(n, 3);
    assert_int_equal(ids[0], 3);
    assert_int_equal(ids[1], 1);
    assert_int_equal(ids[2], 2);
}

static void test_ids_max(void **state)
{
    hh_req *r = jreq(state, "{\"a\":[1,2], \"b\":[1,2,3], \"c\":[1,1,1,2,2]}");
    int64_t ids[3];
    int n;
    assert_int_equal(hh_field_ids(r, "a", true, 2, ids, &n, NULL), HH_OK);
    assert_int_equal(n, 2);
    assert_refused(r, hh_field_ids(r, "b", true, 2, ids, &n, NULL), "b");
    assert_non_null(strstr(r->err.en, "2"));
    /* duplicates do not count against the maximum */
    assert_int_equal(hh_field_ids(r, "c", true, 2, ids, &n, NULL), HH_OK);
    assert_int_equal(n, 2);
    /* max 0: only an empty list passes */
    assert_refused(r, hh_field_ids(r, "a", true, 0, ids, &n, NULL), "a");
}

static void test_ids_refuse_non_positive_and_non_integers(void **state)
{
    const char *bodies[] = {"{\"ids\":[0]}",     "{\"ids\":[1,-1]}", "{\"ids\":[\"1\"]}",
                            "{\"ids\":[1.0]}",   "{\"ids\":[null]}", "{\"ids\":[[1]]}",
                            "{\"ids\":[true]}",  "{\"ids\":5}",      "{\"ids\":\"1,2\"}",
                            "{\"ids\":{\"a\":1}}"};
    for (size_t i = 0; i < HH_ARRAY_LEN(bodies); i++) {
        hh_req *r = jreq(state, bodies[i]);
        int64_t ids[4];
        int n = -1;
        assert_refused(r, hh_field_ids(r, "ids", false, 4, ids, &n, NULL), "ids");
    }
}

static void test_ids_empty_and_absent(void **state)
{
    hh_req *r = jreq(state, "{\"empty\":[], \"nul\":null}");
    int64_t ids[4];
    int n = -1;
    bool present = false;
    assert_int_equal(hh_field_ids(r, "empty", true, 4, ids, &n, &present), HH_OK);
    assert_int_equal(n, 0);
    assert_true(present);
    n = -1;
    assert_int_equal(hh_field_ids(r, "nul", false, 4, ids, &n, &present), HH_OK);
    assert_int_equal(n, 0);
    assert_false(present);
    assert_int_equal(hh_field_ids(r, "absent", false, 4, ids, &n, &present), HH_OK);
    assert_false(present);
    assert_refused(r, hh_field_ids(r, "absent", true, 4, ids, &n, &present), "absent");
    assert_refused(r, hh_field_ids(r, "nul", true, 4, ids, &n, &present), "nul");
}

/* ---- hh_fields_only ---- */

static void test_fields_only(void **state)
{
    static const char *const allowed[] = {"name", "code", "brand_ids", NULL};
    hh_req *r = jreq(state, "{\"name\":\"a\", \"code\":\"b\"}");
    assert_int_equal(hh_fields_only(r, allowed), HH_OK);
    assert_int_equal(hh_fields_only(jreq(state, "{}"), allowed), HH_OK);
    /* null values are still fields the caller did not ask for */
    r = jreq(state, "{\"name\":\"a\", \"evil\":null}");
    assert_refused(r, hh_fields_only(r, allowed), "evil");
    r = jreq(state, "{\"Name\":\"a\"}");
    assert_refused(r, hh_fields_only(r, allowed), "Name");
    r = jreq(state, "{\"名称\":\"a\"}");
    assert_refused(r, hh_fields_only(r, allowed), "名称");
    static const char *const none[] = {NULL};
    r = jreq(state, "{\"name\":\"a\"}");
    assert_refused(r, hh_fields_only(r, none), "name");
}

static void test_fields_only_field_outlives_json(void **state)
{
    static const char *const allowed[] = {"ok", NULL};
    hh_req *r = jreq(state, "{\"unexpected_field\":1}");
    assert_int_equal(hh_fields_only(r, allowed), HH_E_INVALID);
    /* the name is copied into the arena: still valid after the JSON is gone */
    const char *field = r->err.field;
    json_object_clear(r->json);
    assert_string_equal(field, "unexpected_field");
}

/* ---- errors name the field every time ---- */

static void test_error_field_follows_latest_failure(void **state)
{
    hh_req *r = jreq(state, "{\"a\":1, \"b\":\"x\", \"c\":[0], \"d\":\"\"}");
    const char *s;
    int64_t i, ids[2];
    int n;
    bool b;
    assert_int_equal(hh_field_str(r, "a", true, 10, &s, NULL), HH_E_INVALID);
    assert_string_equal(r->err.field, "a");
    assert_int_equal(hh_field_int(r, "b", true, 0, 1, &i, NULL), HH_E_INVALID);
    assert_string_equal(r->err.field, "b");
    assert_int_equal(hh_field_ids(r, "c", true, 2, ids, &n, NULL), HH_E_INVALID);
    assert_string_equal(r->err.field, "c");
    assert_int_equal(hh_field_str(r, "d", true, 10, &s, NULL), HH_E_INVALID);
    assert_string_equal(r->err.field, "d");
    assert_int_equal(hh_field_bool(r, "e", true, &b, NULL), HH_E_INVALID);
    assert_string_equal(r->err.field, "e");
    assert_int_equal(hh_status_http(r->err.st), 400);
    assert_string_equal(hh_status_code(r->err.st), "invalid");
}

static void test_fields_without_body(void **state)
{
    /* helpers called before hh_body() see no fields rather than crashing */
    hh_req *r = req(state, NULL);
    const char *s = "untouched";
    assert_int_equal(hh_field_str(r, "a", false, 10, &s, NULL), HH_OK);
    assert_refused(r, hh_field_str(r, "a", true, 10, &s, NULL), "a");
    static const char *const allowed[] = {NULL};
    assert_int_equal(hh_fields_only(r, allowed), HH_OK);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_body_empty_is_malformed),
        T(test_body_malformed_json),
        T(test_body_error_names_position),
        T(test_body_not_an_object),
        T(test_body_object_ok_and_idempotent),
        T(test_str_required_missing_and_null),
        T(test_str_optional_absent),
        T(test_str_present),
        T(test_str_wrong_type),
        T(test_str_length_counts_characters),
        T(test_str_control_characters),
        T(test_str_trimming),
        T(test_int_range),
        T(test_int_extremes),
        T(test_int_type),
        T(test_int_missing),
        T(test_bool),
        T(test_ids_dedupe),
        T(test_ids_max),
        T(test_ids_refuse_non_positive_and_non_integers),
        T(test_ids_empty_and_absent),
        T(test_fields_only),
        T(test_fields_only_field_outlives_json),
        T(test_error_field_follows_latest_failure),
        T(test_fields_without_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
