/*
 * test_buf.c — core/buf.c: the growable buffer used for CSV, SVG, print
 * sheets and metrics text; and core/phone.c's bulk check agreeing with the
 * full normaliser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/phone.h"

static void test_buf_grows_and_stays_terminated(void **state)
{
    (void)state;
    hh_buf b = {0};
    hh_buf_puts(&b, "");
    assert_non_null(b.data);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    for (int i = 0; i < 10000; i++) hh_buf_printf(&b, "%d,", i % 10);
    assert_int_equal(b.len, 20000);
    assert_int_equal(b.data[b.len], 0);
    assert_memory_equal(b.data, "0,1,2,", 6);
    hh_buf_add(&b, "\0x", 2); /* bytes, not strings */
    assert_int_equal(b.len, 20002);
    assert_int_equal(b.data[20000], 0);
    assert_int_equal(b.data[20001], 'x');
    free(b.data);
}

static void test_buf_printf_long_and_utf8(void **state)
{
    (void)state;
    hh_buf b = {0};
    char big[9000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    hh_buf_printf(&b, "<%s>%s", big, "活化");
    assert_int_equal(b.len, 8999 + 2 + strlen("活化"));
    assert_string_equal(b.data + 9001, "活化");
    free(b.data);
}

static void test_cn_mobile_bulk_check_agrees_with_normalize(void **state)
{
    (void)state;
    char n[16], out[HH_PHONE_MAX];
    int checked = 0;
    for (int p = 1000000; p < 2000000; p += 997) {
        snprintf(n, sizeof n, "%d%04d", p, p % 10000);
        bool full = hh_phone_normalize(n, "CN", true, out) == HH_PHONE_OK;
        assert_int_equal(hh_phone_cn_mobile_valid(n), full);
        checked++;
    }
    assert_true(checked > 1000);
    assert_true(hh_phone_cn_mobile_valid("13812345678"));
    assert_false(hh_phone_cn_mobile_valid("10012345678"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_grows_and_stays_terminated),
        cmocka_unit_test(test_buf_printf_long_and_utf8),
        cmocka_unit_test(test_cn_mobile_bulk_check_agrees_with_normalize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
