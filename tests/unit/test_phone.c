/*
 * test_phone.c — hh_phone_normalize() and hh_phone_mask() (core/phone.cc over
 * libphonenumber): the spellings a counter clerk or a member types, fixed
 * lines with and without mobile_only, Hong Kong / Macau / Taiwan, refusals,
 * and masks that never show the middle digits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/hh.h"
#include "core/phone.h"

static void expect_ok(const char *in, const char *region, bool mobile_only, const char *want)
{
    char out[HH_PHONE_MAX];
    memset(out, 'x', sizeof out);
    hh_phone_result r = hh_phone_normalize(in, region, mobile_only, out);
    if (r != HH_PHONE_OK) fail_msg("\"%s\": result %d, expected OK (%s)", in, r, want);
    if (strcmp(out, want)) fail_msg("\"%s\" → \"%s\", expected \"%s\"", in, out, want);
}

static void expect_refused(const char *in, const char *region, bool mobile_only,
                           hh_phone_result want)
{
    char out[HH_PHONE_MAX];
    memset(out, 'x', sizeof out);
    hh_phone_result r = hh_phone_normalize(in, region, mobile_only, out);
    if (r != want) fail_msg("\"%s\": result %d, expected %d (out \"%.*s\")", in ? in : "(null)", r,
                            want, HH_PHONE_MAX - 1, out);
    assert_string_equal(out, ""); /* nothing half-written on refusal */
}

static void test_cn_mobile_spellings(void **state)
{
    (void)state;
    const char *spellings[] = {
        "13812345678",          "138 1234 5678",        "138-1234-5678",
        "+86 138-1234-5678",    "+86 13812345678",      "+8613812345678",
        "+86-138-1234-5678",    "(+86) 138 1234 5678",  "008613812345678",
        "0086 138 1234 5678",   "  008613812345678",    " 13812345678 ",
        "\t138 1234 5678",      "8613812345678",        "86 138 1234 5678",
        "１３８１２３４５６７８", /* full-width digits from a Chinese IME */
        "138.1234.5678",
    };
    for (size_t i = 0; i < HH_ARRAY_LEN(spellings); i++) {
        expect_ok(spellings[i], NULL, true, "+8613812345678");
        expect_ok(spellings[i], NULL, false, "+8613812345678");
        expect_ok(spellings[i], "CN", true, "+8613812345678");
    }
}

static void test_cn_mobile_prefixes(void **state)
{
    (void)state;
    expect_ok("15912345678", NULL, true, "+8615912345678");
    expect_ok("18612345678", NULL, true, "+8618612345678");
    expect_ok("19912345678", NULL, true, "+8619912345678");
    expect_ok("17012345678", NULL, true, "+8617012345678");
    /* an explicit +86 wins over the default region */
    expect_ok("+86 138 1234 5678", "HK", true, "+8613812345678");
}

/* the bulk import's shortcut answers as the full normalisation does (a sample of
 * every 7-digit mainland prefix, the import memoises by those) */
static void test_cn_mobile_valid_agrees(void **state)
{
    (void)state;
    int valid = 0;
    for (long p = 1000000; p < 2000000; p += 97) {
        char digits[16], out[HH_PHONE_MAX];
        snprintf(digits, sizeof digits, "%ld%04ld", p, p % 10000);
        bool fast = hh_phone_cn_mobile_valid(digits);
        bool full = hh_phone_normalize(digits, "CN", true, out) == HH_PHONE_OK;
        if (fast != full) fail_msg("%s: shortcut %d, normalisation %d", digits, fast, full);
        valid += fast;
    }
    assert_true(valid > 1000); /* both answers were seen */
    assert_true(valid < 10000);
}

static void test_cn_landline(void **state)
{
    (void)state;
    const char *beijing[] = {"010-12345678", "01012345678", "+86 10 1234 5678", "0086 10 12345678"};
    for (size_t i = 0; i < HH_ARRAY_LEN(beijing); i++) {
        expect_refused(beijing[i], NULL, true, HH_PHONE_NOT_MOBILE);
        expect_ok(beijing[i], NULL, false, "+861012345678");
    }
    expect_refused("021-6123 4567", NULL, true, HH_PHONE_NOT_MOBILE);
    expect_ok("021-6123 4567", NULL, false, "+862161234567");
    /* a 400 service number is no mobile either */
    expect_refused("400-810-8888", NULL, true, HH_PHONE_NOT_MOBILE);
}

static void test_hk_macau_taiwan(void **state)
{
    (void)state;
    expect_ok("+852 9123 4567", NULL, true, "+85291234567");
    expect_ok("00852 9123 4567", NULL, true, "+85291234567");
    expect_ok("+853 6612 3456", NULL, true, "+85366123456");
    expect_ok("+886 912 345 678", NULL, true, "+886912345678");
    expect_ok("+886-912-345-678", NULL, false, "+886912345678");
    /* without a country code they are read in the given region */
    expect_ok("9123 4567", "HK", true, "+85291234567");
    expect_ok("6612 3456", "MO", true, "+85366123456");
    expect_ok("0912 345 678", "TW", true, "+886912345678");
    /* ... and are not Chinese mainland numbers by default */
    expect_refused("9123 4567", NULL, true, HH_PHONE_INVALID);
    expect_refused("9123 4567", NULL, false, HH_PHONE_INVALID);
}

static void test_other_countries(void **state)
{
    (void)state;
    expect_ok("+44 7911 123456", NULL, true, "+447911123456");
    /* US numbers cannot be told apart: FIXED_LINE_OR_MOBILE passes */
    expect_ok("+1 650 253 0000", NULL, true, "+16502530000");
}

static void test_invalid_numbers(void **state)
{
    (void)state;
    const char *invalid[] = {"12345678901", "+86 138", "0913812345678", "95588", "10086",
                             "+86 000 0000 0000", "23812345678"};
    for (size_t i = 0; i < HH_ARRAY_LEN(invalid); i++) {
        char out[HH_PHONE_MAX];
        hh_phone_result r = hh_phone_normalize(invalid[i], NULL, false, out);
        if (r != HH_PHONE_INVALID && r != HH_PHONE_UNPARSABLE)
            fail_msg("\"%s\" accepted as \"%s\"", invalid[i], out);
        assert_string_equal(out, "");
        r = hh_phone_normalize(invalid[i], NULL, true, out);
        if (r == HH_PHONE_OK) fail_msg("\"%s\" accepted as a mobile", invalid[i]);
    }
}

static void test_garbage(void **state)
{
    (void)state;
    expect_refused("hello", NULL, false, HH_PHONE_UNPARSABLE);
    expect_refused("电话", NULL, false, HH_PHONE_UNPARSABLE);
    expect_refused("+", NULL, false, HH_PHONE_UNPARSABLE);
    expect_refused("--", NULL, false, HH_PHONE_UNPARSABLE);
    char out[HH_PHONE_MAX];
    assert_int_not_equal(hh_phone_normalize("abc123", NULL, false, out), HH_PHONE_OK);
    assert_int_not_equal(hh_phone_normalize("13812345678'; DROP TABLE members; --", NULL, false,
                                            out),
                         HH_PHONE_OK);
    /* libphonenumber skips text before the first digit and drops extensions;
     * whatever is accepted comes out as clean E.164 */
    const char *lenient[] = {"<script>13812345678", "tel:13812345678", "13812345678 ext 5",
                             "a13812345678"};
    for (size_t i = 0; i < HH_ARRAY_LEN(lenient); i++) {
        if (hh_phone_normalize(lenient[i], NULL, false, out) != HH_PHONE_OK) continue;
        assert_int_equal(out[0], '+');
        assert_true(strlen(out) >= 9 && strlen(out) <= 16);
        for (const char *p = out + 1; *p; p++) assert_true(*p >= '0' && *p <= '9');
    }
}

static void test_empty(void **state)
{
    (void)state;
    expect_refused(NULL, NULL, true, HH_PHONE_EMPTY);
    expect_refused("", NULL, true, HH_PHONE_EMPTY);
    expect_refused("   ", NULL, true, HH_PHONE_EMPTY);
    expect_refused(" \t ", NULL, false, HH_PHONE_EMPTY);
}

static void test_too_long(void **state)
{
    (void)state;
    expect_refused("1381234567890123456789", NULL, false, HH_PHONE_UNPARSABLE);
    char big[200];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = 0;
    expect_refused(big, NULL, false, HH_PHONE_UNPARSABLE);
    /* a valid number drowned in padding is over the input cap */
    char padded[100];
    memset(padded, ' ', sizeof padded);
    memcpy(padded + 80, "13812345678", 12);
    expect_refused(padded, NULL, false, HH_PHONE_UNPARSABLE);
    /* whatever comes out fits the buffer with room for the NUL */
    char out[HH_PHONE_MAX];
    assert_int_equal(hh_phone_normalize("+86 138 1234 5678", NULL, true, out), HH_PHONE_OK);
    assert_true(strlen(out) < HH_PHONE_MAX);
}

static void test_region_default_is_cn(void **state)
{
    (void)state;
    char a[HH_PHONE_MAX], b[HH_PHONE_MAX];
    assert_int_equal(hh_phone_normalize("13812345678", NULL, true, a), HH_PHONE_OK);
    assert_int_equal(hh_phone_normalize("13812345678", "CN", true, b), HH_PHONE_OK);
    assert_string_equal(a, b);
}

/* ---- masks ---- */

static void expect_mask(const char *e164, const char *want)
{
    char out[HH_PHONE_MAX + 8];
    memset(out, 'x', sizeof out);
    hh_phone_mask(e164, out, sizeof out);
    if (strcmp(out, want)) fail_msg("mask(%s) = \"%s\", expected \"%s\"", e164, out, want);
}

static void test_mask_cn(void **state)
{
    (void)state;
    expect_mask("+8613812345678", "138****5678");
    expect_mask("+8619912345678", "199****5678");
}

static void test_mask_international_keeps_country_code(void **state)
{
    (void)state;
    expect_mask("+85291234567", "+852 9***4567");
    expect_mask("+85366123456", "+853 6***3456");
    expect_mask("+886912345678", "+886 9****5678");
    expect_mask("+16502530000", "+1 6*****0000");
    expect_mask("+447911123456", "+44 7*****3456");
    /* a mainland fixed line is not 11 digits: masked like the others */
    expect_mask("+861012345678", "+86 1*****5678");
}

static void test_mask_hides_the_middle(void **state)
{
    (void)state;
    const char *inputs[] = {"13812345678", "+852 9123 4567", "+853 6612 3456", "+886 912 345 678",
                            "+1 650 253 0000", "010-12345678"};
    for (size_t i = 0; i < HH_ARRAY_LEN(inputs); i++) {
        char e164[HH_PHONE_MAX], m[HH_PHONE_MAX + 8];
        assert_int_equal(hh_phone_normalize(inputs[i], NULL, false, e164), HH_PHONE_OK);
        hh_phone_mask(e164, m, sizeof m);
        assert_non_null(strchr(m, '*'));
        /* at most 5 digits of the subscriber number stay visible */
        const char *nat = strchr(m, ' ') ? strchr(m, ' ') + 1 : m;
        int digits = 0;
        for (const char *p = nat; *p; p++) digits += *p >= '0' && *p <= '9';
        if (digits > 7) fail_msg("mask %s shows %d digits", m, digits);
        /* the full number never appears */
        assert_null(strstr(m, e164 + 1));
    }
}

static void test_mask_short_and_empty(void **state)
{
    (void)state;
    expect_mask("+123", "****");
    expect_mask("12345678", "********");
    expect_mask("", "");
    expect_mask(NULL, "");
}

static void test_mask_truncates_to_buffer(void **state)
{
    (void)state;
    char small[5];
    hh_phone_mask("+8613812345678", small, sizeof small);
    assert_string_equal(small, "138*");
    char one[1] = {'x'};
    hh_phone_mask("+8613812345678", one, sizeof one);
    assert_int_equal(one[0], 0);
    char untouched[4] = "abc";
    hh_phone_mask("+8613812345678", untouched, 0);
    assert_string_equal(untouched, "abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cn_mobile_spellings),
        cmocka_unit_test(test_cn_mobile_prefixes),
        cmocka_unit_test(test_cn_mobile_valid_agrees),
        cmocka_unit_test(test_cn_landline),
        cmocka_unit_test(test_hk_macau_taiwan),
        cmocka_unit_test(test_other_countries),
        cmocka_unit_test(test_invalid_numbers),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_region_default_is_cn),
        cmocka_unit_test(test_mask_cn),
        cmocka_unit_test(test_mask_international_keeps_country_code),
        cmocka_unit_test(test_mask_hides_the_middle),
        cmocka_unit_test(test_mask_short_and_empty),
        cmocka_unit_test(test_mask_truncates_to_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
