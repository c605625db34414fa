/*
 * test_localtime.c — local days in an enterprise's time zone (core/localtime.c):
 * hh_local_day at midnights and across a DST change, and hh_local_day_near,
 * the per-thread cached form the writer uses on every draw and claim, giving
 * the same day as hh_local_day whatever the order of instants and zones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/localtime.h"

#define HOUR 3600000LL
/* 2026-03-08 00:00 UTC; in New York DST starts that day at 02:00 local */
#define T0 1772928000000LL

static void expect_day(const char *tz, int64_t ms, const char *want)
{
    char day[11];
    hh_local_day(tz, ms, day);
    assert_string_equal(day, want);
    hh_local_day_near(tz, ms, day);
    assert_string_equal(day, want);
}

static void test_local_day_at_midnights(void **state)
{
    (void)state;
    /* Shanghai is UTC+8: 16:00 UTC is the next local midnight */
    expect_day("Asia/Shanghai", T0 + 16 * HOUR - 1, "2026-03-08");
    expect_day("Asia/Shanghai", T0 + 16 * HOUR, "2026-03-09");
    /* New York: UTC-5 before the change, UTC-4 after; midnight of the 9th is 04:00 UTC */
    expect_day("America/New_York", T0 + 5 * HOUR - 1, "2026-03-07");
    expect_day("America/New_York", T0 + 5 * HOUR, "2026-03-08");
    expect_day("America/New_York", T0 + 28 * HOUR - 1, "2026-03-08");
    expect_day("America/New_York", T0 + 28 * HOUR, "2026-03-09");
    /* no zone or an unknown one: China time */
    expect_day(NULL, T0 + 16 * HOUR, "2026-03-09");
    expect_day("Mars/Olympus_Mons", T0 + 16 * HOUR - 1, "2026-03-08");
}

static void test_near_agrees_in_any_order(void **state)
{
    (void)state;
    static const char *const zones[] = {"Asia/Shanghai", "America/New_York", "Asia/Shanghai", "Europe/London"};
    /* every 37 minutes over three days, switching zones now and then, and
     * going back in time: the cached day is never the wrong one */
    for (int i = 0; i < 3 * 24 * 60 / 37; i++) {
        const char *tz = zones[(i / 7) % 4];
        int64_t ms = T0 + (int64_t)i * 37 * 60000 - (i % 11 == 0 ? 30 * HOUR : 0);
        char want[11], got[11];
        hh_local_day(tz, ms, want);
        hh_local_day_near(tz, ms, got);
        assert_string_equal(got, want);
        hh_local_day_near(tz, ms, got); /* from the cache */
        assert_string_equal(got, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_day_at_midnights),
        cmocka_unit_test(test_near_agrees_in_any_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
