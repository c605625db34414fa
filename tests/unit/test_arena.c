/*
 * test_arena.c — core/util.c: the per-request arena (alignment, zeroing,
 * allocations larger than a chunk, strings, destructors), hh_parse_i64,
 * hh_str_printable, hex and tokens, the test clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hh.h"

/* ---- arena ---- */

static void test_alloc_alignment_and_zeroing(void **state)
{
    (void)state;
    hh_arena *a = hh_arena_new(256);
    for (size_t n = 0; n < 300; n++) {
        unsigned char *p = hh_alloc(a, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        for (size_t i = 0; i < n; i++) assert_int_equal(p[i], 0);
        memset(p, 0xab, n); /* the next allocation must come back zeroed anyway */
    }
    hh_arena_free(a);
}

static void test_allocations_do_not_overlap(void **state)
{
    (void)state;
    hh_arena *a = hh_arena_new(64);
    enum { N = 500 };
    unsigned char *ps[N];
    size_t ns[N];
    for (int i = 0; i < N; i++) {
        ns[i] = (size_t)(i * 7 % 97) + 1;
        ps[i] = hh_alloc(a, ns[i]);
        memset(ps[i], i & 0xff, ns[i]);
    }
    for (int i = 0; i < N; i++)
        for (size_t k = 0; k < ns[i]; k++) assert_int_equal(ps[i][k], i & 0xff);
    hh_arena_free(a);
}

static void test_big_allocations(void **state)
{
    (void)state;
    hh_arena *a = hh_arena_new(128);
    char *small = hh_alloc(a, 16);
    memcpy(small, "before", 7);
    size_t sizes[] = {129, 4096, 1 << 20, (3 << 20) + 5, 100};
    for (size_t i = 0; i < HH_ARRAY_LEN(sizes); i++) {
        unsigned char *p = hh_alloc(a, sizes[i]);
        assert_int_equal((uintptr_t)p % 16, 0);
        assert_int_equal(p[0], 0);
        assert_int_equal(p[sizes[i] - 1], 0);
        memset(p, 0x5a, sizes[i]);
    }
    assert_string_equal(small, "before");
    /* small allocations keep working after big ones */
    for (int i = 0; i < 100; i++) assert_non_null(hh_alloc(a, 24));
    hh_arena_free(a);
}

static void test_default_first_chunk(void **state)
{
    (void)state;
    hh_arena *a = hh_arena_new(0);
    assert_non_null(hh_alloc(a, 1));
    assert_non_null(hh_alloc(a, 10000));
    hh_arena_free(a);
    hh_arena_free(NULL);
}

static void test_strings(void **state)
{
    (void)state;
    hh_arena *a = hh_arena_new(32);
    assert_null(hh_strdup(a, NULL));
    assert_null(hh_strndup(a, NULL, 3));
    const char *src = "活化 huohua";
    char *d = hh_strdup(a, src);
    assert_string_equal(d, src);
    assert_ptr_not_equal(d, src);
    assert_string_equal(hh_strndup(a, "abcdef", 3), "abc");
    assert_string_equal(hh_strndup(a, "abcdef", 0), "");
    assert_string_equal(hh_strdup(a, ""), "");
    hh_arena_free(a);
}

static void test_sprintf(void **state)
{
    (void)state;
    hh_arena *a = hh_arena_new(32);
    assert_string_equal(hh_sprintf(a, "%d-%s-%lld", 42, "x", (long long)INT64_MIN),
                        "42-x--9223372036854775808");
    assert_string_equal(hh_sprintf(a, "%s", ""), "");
    assert_string_equal(hh_sprintf(a, "字段 %s 过长（最多 %zu 个字符）", "name", (size_t)64),
                        "字段 name 过长（最多 64 个字符）");
    /* longer than the chunk */
    char *long_s = hh_sprintf(a, "%0*d", 5000, 7);
    assert_int_equal(strlen(long_s), 5000);
    assert_int_equal(long_s[4999], '7');
    assert_int_equal(long_s[0], '0');
    assert_int_equal((uintptr_t)long_s % 16, 0);
    hh_arena_free(a);
}

static char order[16];
static int norder;

static void record(void *arg)
{
    order[norder++] = *(const char *)arg;
}

static void free_it(void *p) { free(p); }

static void test_defer_runs_once_in_reverse_order(void **state)
{
    (void)state;
    norder = 0;
    memset(order, 0, sizeof order);
    hh_arena *a = hh_arena_new(64);
    static const char names[] = "abcd";
    hh_arena_defer(a, record, (void *)&names[0]);
    hh_alloc(a, 1000); /* destructors survive chunk growth */
    hh_arena_defer(a, record, (void *)&names[1]);
    hh_arena_defer(a, record, (void *)&names[2]);
    hh_alloc(a, 100000);
    hh_arena_defer(a, record, (void *)&names[3]);
    /* the arena owns what is deferred to it (LeakSanitizer checks this one) */
    hh_arena_defer(a, free_it, hh_xmalloc(100));
    assert_int_equal(norder, 0);
    hh_arena_free(a);
    /* last registered, first run: like destructors, so later objects that
     * reference earlier ones are released first */
    assert_int_equal(norder, 4);
    assert_memory_equal(order, "dcba", 4);
}

static void test_xalloc(void **state)
{
    (void)state;
    char *s = hh_xstrdup("abc");
    assert_string_equal(s, "abc");
    s = hh_xrealloc(s, 1000);
    assert_string_equal(s, "abc");
    free(s);
    int *z = hh_xcalloc(10, sizeof *z);
    for (int i = 0; i < 10; i++) assert_int_equal(z[i], 0);
    free(z);
    free(hh_xmalloc(0));
    free(hh_xcalloc(0, 0));
}

/* ---- hh_parse_i64 ---- */

static void expect_i64(const char *s, int64_t want)
{
    int64_t v = 12345;
    if (!hh_parse_i64(s, &v)) fail_msg("\"%s\" refused", s);
    if (v != want) fail_msg("\"%s\" → %lld", s, (long long)v);
}

static void expect_no_i64(const char *s)
{
    int64_t v = 12345;
    if (hh_parse_i64(s, &v)) fail_msg("\"%s\" accepted as %lld", s ? s : "(null)", (long long)v);
    assert_int_equal(v, 12345); /* untouched on refusal */
}

static void test_parse_i64_valid(void **state)
{
    (void)state;
    expect_i64("0", 0);
    expect_i64("-0", 0);
    expect_i64("1", 1);
    expect_i64("42", 42);
    expect_i64("-42", -42);
    expect_i64("007", 7);
    expect_i64("9223372036854775807", INT64_MAX);
    expect_i64("-9223372036854775808", INT64_MIN);
}

static void test_parse_i64_overflow(void **state)
{
    (void)state;
    expect_no_i64("9223372036854775808");
    expect_no_i64("-9223372036854775809");
    expect_no_i64("99999999999999999999999999");
    expect_no_i64("-99999999999999999999999999");
}

static void test_parse_i64_junk_and_sign(void **state)
{
    (void)state;
    expect_no_i64(NULL);
    expect_no_i64("");
    expect_no_i64("-");
    expect_no_i64("+");
    expect_no_i64("+5");
    expect_no_i64("--5");
    expect_no_i64("- 5");
    expect_no_i64(" 5");
    expect_no_i64("5 ");
    expect_no_i64("5x");
    expect_no_i64("x5");
    expect_no_i64("0x10");
    expect_no_i64("1e3");
    expect_no_i64("1.0");
    expect_no_i64("1,000");
    expect_no_i64("５"); /* full-width digit */
}

static void test_parse_i64_leading_whitespace(void **state)
{
    (void)state;
    /* "whole string, decimal, no junk" (hh.h): strtoll skips any leading
     * isspace(), but hh_parse_i64 only refuses a leading ' ' */
    expect_no_i64("\t5");
    expect_no_i64("\n5");
    expect_no_i64("\r5");
    expect_no_i64("\v5");
    expect_no_i64("\f5");
    expect_no_i64("\t-5");
}

/* ---- hh_str_printable ---- */

static void test_str_printable(void **state)
{
    (void)state;
    assert_true(hh_str_printable("abc", 10));
    assert_true(hh_str_printable("A-z_0.9~!", 64));
    assert_true(hh_str_printable("abcd", 4)); /* exactly maxlen */
    assert_false(hh_str_printable("abcde", 4));
    assert_false(hh_str_printable("", 10));
    assert_false(hh_str_printable("a b", 10));
    assert_false(hh_str_printable("a\tb", 10));
    assert_false(hh_str_printable("a\x7f", 10));
    assert_false(hh_str_printable("a\x01", 10));
    assert_false(hh_str_printable("活", 10));
    assert_false(hh_str_printable("x", 0));
}

/* ---- hex, tokens, clock ---- */

static void test_hex_and_tokens(void **state)
{
    (void)state;
    char out[9];
    hh_hex(out, (const unsigned char *)"\x00\x01\xab\xff", 4);
    assert_string_equal(out, "0001abff");
    char t1[65], t2[65];
    hh_random_token(t1, 32);
    hh_random_token(t2, 32);
    assert_int_equal(strlen(t1), 64);
    assert_string_not_equal(t1, t2);
    for (int i = 0; i < 64; i++) assert_non_null(strchr("0123456789abcdef", t1[i]));
}

static void test_clock(void **state)
{
    (void)state;
    int64_t real = hh_now_ms();
    assert_true(real > 1600000000000LL); /* after 2020 */
    hh_clock_set(1234);
    assert_int_equal(hh_now_ms(), 1234);
    hh_clock_set(0);
    assert_true(hh_now_ms() >= real);
    int64_t m1 = hh_mono_ns(), m2 = hh_mono_ns();
    assert_true(m2 >= m1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_alignment_and_zeroing),
        cmocka_unit_test(test_allocations_do_not_overlap),
        cmocka_unit_test(test_big_allocations),
        cmocka_unit_test(test_default_first_chunk),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_sprintf),
        cmocka_unit_test(test_defer_runs_once_in_reverse_order),
        cmocka_unit_test(test_xalloc),
        cmocka_unit_test(test_parse_i64_valid),
        cmocka_unit_test(test_parse_i64_overflow),
        cmocka_unit_test(test_parse_i64_junk_and_sign),
        cmocka_unit_test(test_parse_i64_leading_whitespace),
        cmocka_unit_test(test_str_printable),
        cmocka_unit_test(test_hex_and_tokens),
        cmocka_unit_test(test_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
