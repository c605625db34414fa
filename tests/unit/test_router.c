/*
 * test_router.c — hh_route_match() against the real route table (routes.c):
 * literal paths, the {id} segment, what must not match (trailing slash,
 * prefixes, empty or over-long ids) and the -1 / -2 distinction the server
 * turns into 404 / 405.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http/http.h"

/* Index of the route with exactly this pattern that accepts method, or -1. */
static int route_of(const char *pattern, int method)
{
    for (size_t i = 0; i < hh_routes_count; i++)
        if (!strcmp(hh_routes[i].pattern, pattern) && (hh_routes[i].methods & method))
            return (int)i;
    return -1;
}

static void test_exact_paths(void **state)
{
    (void)state;
    const struct {
        const char *path;
        int method;
    } cases[] = {
        {"/api/auth/login", HH_POST},   {"/api/auth/logout", HH_POST},
        {"/api/auth/me", HH_GET},       {"/api/auth/password", HH_POST},
        {"/api/overview", HH_GET},      {"/api/divisions", HH_GET},
        {"/api/brands", HH_GET},        {"/api/brands", HH_POST},
        {"/api/stores", HH_GET},        {"/api/stores", HH_POST},
        {"/api/staff", HH_GET},         {"/api/staff", HH_POST},
        {"/api/accounts", HH_GET},      {"/api/accounts", HH_POST},
        {"/api/audit", HH_GET},         {"/api/sms/outbox", HH_GET},
        {"/api/member/context", HH_GET}, {"/api/member/otp", HH_POST},
        {"/api/member/login", HH_POST}, {"/api/member/logout", HH_POST},
        {"/api/member/me", HH_GET},
    };
    for (size_t i = 0; i < HH_ARRAY_LEN(cases); i++) {
        const char *id = "sentinel";
        int idx = hh_route_match(cases[i].path, cases[i].method, &id);
        assert_int_equal(idx, route_of(cases[i].path, cases[i].method));
        assert_true(idx >= 0);
        assert_null(id); /* a route without {id} reports no segment */
    }
}

static void test_get_and_post_on_same_path_are_different_routes(void **state)
{
    (void)state;
    const char *id;
    int g = hh_route_match("/api/brands", HH_GET, &id);
    int p = hh_route_match("/api/brands", HH_POST, &id);
    assert_true(g >= 0 && p >= 0);
    assert_int_not_equal(g, p);
    assert_non_null(hh_routes[g].handler);
    assert_int_equal(hh_routes[g].action, HH_ACT_READ);
    assert_int_equal(hh_routes[p].action, HH_ACT_BRAND_CREATE);
}

static void test_id_segment(void **state)
{
    (void)state;
    const struct {
        const char *path, *pattern, *id;
        int method;
    } cases[] = {
        {"/api/brands/42", "/api/brands/{id}", "42", HH_GET},
        {"/api/brands/42", "/api/brands/{id}", "42", HH_PATCH},
        {"/api/brands/42", "/api/brands/{id}", "42", HH_DELETE},
        {"/api/stores/7", "/api/stores/{id}", "7", HH_GET},
        {"/api/staff/1", "/api/staff/{id}", "1", HH_PATCH},
        {"/api/accounts/9000000000000", "/api/accounts/{id}", "9000000000000", HH_DELETE},
        /* the router hands the text over; parsing it is the server's job */
        {"/api/brands/abc", "/api/brands/{id}", "abc", HH_GET},
        {"/api/brands/-1", "/api/brands/{id}", "-1", HH_GET},
    };
    for (size_t i = 0; i < HH_ARRAY_LEN(cases); i++) {
        const char *id = NULL;
        int idx = hh_route_match(cases[i].path, cases[i].method, &id);
        assert_int_equal(idx, route_of(cases[i].pattern, cases[i].method));
        assert_non_null(id);
        assert_string_equal(id, cases[i].id);
        assert_int_equal(hh_routes[idx].target != HH_T_NONE, true);
    }
}

static void test_id_route_targets(void **state)
{
    (void)state;
    const char *id;
    assert_int_equal(hh_routes[hh_route_match("/api/brands/1", HH_GET, &id)].target, HH_T_BRAND);
    assert_int_equal(hh_routes[hh_route_match("/api/stores/1", HH_GET, &id)].target, HH_T_STORE);
    assert_int_equal(hh_routes[hh_route_match("/api/staff/1", HH_GET, &id)].target, HH_T_STAFF);
    assert_int_equal(hh_routes[hh_route_match("/api/accounts/1", HH_GET, &id)].target,
                     HH_T_ACCOUNT);
}

static void test_trailing_slash_not_matched(void **state)
{
    (void)state;
    const char *paths[] = {"/api/brands/", "/api/auth/me/", "/api/brands/42/", "/api/stores//",
                           "/api/member/me/"};
    for (size_t i = 0; i < HH_ARRAY_LEN(paths); i++) {
        const char *id = NULL;
        assert_int_equal(hh_route_match(paths[i], HH_GET, &id), -1);
    }
}

static void test_unknown_paths(void **state)
{
    (void)state;
    const char *paths[] = {
        "",          "/",              "/api",              "/api/",
        "/api/nope", "/api/brand",     "/api/brandsX",      "/api/brands/1/stores",
        "/API/brands", "/api/brands?x=1", "api/brands",     "//api/brands",
        "/api/auth/login/extra", "/api/brands/1/2", "/api/sms", "/api/sms/outbox/1",
    };
    for (size_t i = 0; i < HH_ARRAY_LEN(paths); i++) {
        const char *id = NULL;
        int got = hh_route_match(paths[i], HH_GET | HH_POST | HH_PATCH | HH_DELETE | HH_PUT, &id);
        if (got != -1) fail_msg("path \"%s\" matched route %d", paths[i], got);
    }
}

static void test_known_path_wrong_method(void **state)
{
    (void)state;
    const struct {
        const char *path;
        int method;
    } cases[] = {
        {"/api/brands", HH_PUT},       {"/api/brands", HH_DELETE},
        {"/api/brands/5", HH_POST},    {"/api/brands/5", HH_PUT},
        {"/api/auth/login", HH_GET},   {"/api/auth/me", HH_POST},
        {"/api/audit", HH_DELETE},     {"/api/member/otp", HH_GET},
        {"/api/accounts/3", HH_POST},  {"/api/overview", HH_PATCH},
        {"/api/brands", 0},
    };
    for (size_t i = 0; i < HH_ARRAY_LEN(cases); i++) {
        const char *id = NULL;
        int got = hh_route_match(cases[i].path, cases[i].method, &id);
        if (got != -2)
            fail_msg("%s %s: expected -2, got %d", hh_method_name(cases[i].method), cases[i].path,
                     got);
    }
}

static void test_id_segment_length_limit(void **state)
{
    (void)state;
    char path[256], id63[64], id64[65];
    memset(id63, '7', 63);
    id63[63] = 0;
    memset(id64, '7', 64);
    id64[64] = 0;

    const char *id = NULL;
    snprintf(path, sizeof path, "/api/brands/%s", id63);
    int idx = hh_route_match(path, HH_GET, &id);
    assert_int_equal(idx, route_of("/api/brands/{id}", HH_GET));
    assert_string_equal(id, id63);

    id = NULL;
    snprintf(path, sizeof path, "/api/brands/%s", id64);
    assert_int_equal(hh_route_match(path, HH_GET, &id), -1);

    char huge[5000] = "/api/stores/";
    memset(huge + strlen(huge), '1', 4000);
    huge[12 + 4000] = 0;
    assert_int_equal(hh_route_match(huge, HH_GET, &id), -1);
}

/* The pattern with every "{...}" segment replaced by "123". */
static bool instantiate(const char *pat, char *out, size_t outlen)
{
    size_t o = 0;
    bool has_param = false;
    for (const char *p = pat; *p && o + 4 < outlen; p++) {
        if (*p == '{') {
            const char *e = strchr(p, '}');
            assert_non_null(e);
            memcpy(out + o, "123", 3);
            o += 3;
            p = e;
            has_param = true;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = 0;
    return has_param;
}

static void test_every_route_matches_itself(void **state)
{
    (void)state;
    for (size_t i = 0; i < hh_routes_count; i++) {
        char path[256];
        bool param = instantiate(hh_routes[i].pattern, path, sizeof path);
        for (int m = HH_GET; m <= HH_DELETE; m <<= 1) {
            if (!(hh_routes[i].methods & m)) continue;
            const char *id = NULL;
            int got = hh_route_match(path, m, &id);
            if (got != (int)i)
                fail_msg("%s %s matched %d, expected %zu (duplicate route?)", hh_method_name(m),
                         path, got, i);
            if (param)
                assert_string_equal(id, "123");
            else
                assert_null(id);
        }
    }
}

static void test_every_route_is_well_formed(void **state)
{
    (void)state;
    for (size_t i = 0; i < hh_routes_count; i++) {
        const hh_route *r = &hh_routes[i];
        assert_non_null(r->handler);
        assert_true(r->methods != 0);
        assert_int_equal(r->pattern[0], '/');
        /* at most one parameter segment (router.c) */
        const char *b = strchr(r->pattern, '{');
        if (b) assert_null(strchr(b + 1, '{'));
        /* a route whose {id} names an object declares the object's kind */
        if (!strstr(r->pattern, "{id}")) assert_int_equal(r->target, HH_T_NONE);
        if (r->target != HH_T_NONE) assert_non_null(strstr(r->pattern, "{id}"));
        /* member and anonymous routes never go through account authz */
        if (r->auth != HH_AUTH_ACCOUNT) assert_int_equal(r->action, HH_ACT_NONE);
    }
}

static void test_method_names(void **state)
{
    (void)state;
    assert_string_equal(hh_method_name(HH_GET), "GET");
    assert_string_equal(hh_method_name(HH_POST), "POST");
    assert_string_equal(hh_method_name(HH_PUT), "PUT");
    assert_string_equal(hh_method_name(HH_PATCH), "PATCH");
    assert_string_equal(hh_method_name(HH_DELETE), "DELETE");
    assert_string_equal(hh_method_name(0), "?");
    assert_string_equal(hh_method_name(HH_GET | HH_POST), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_paths),
        cmocka_unit_test(test_get_and_post_on_same_path_are_different_routes),
        cmocka_unit_test(test_id_segment),
        cmocka_unit_test(test_id_route_targets),
        cmocka_unit_test(test_trailing_slash_not_matched),
        cmocka_unit_test(test_unknown_paths),
        cmocka_unit_test(test_known_path_wrong_method),
        cmocka_unit_test(test_id_segment_length_limit),
        cmocka_unit_test(test_every_route_matches_itself),
        cmocka_unit_test(test_every_route_is_well_formed),
        cmocka_unit_test(test_method_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
