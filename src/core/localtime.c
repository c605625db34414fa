/*
 * localtime.c — calendar arithmetic in an enterprise's time zone (IANA name,
 * e.g. "Asia/Shanghai") through ICU's calendar: the local day of an instant
 * (daily limits, daily caps) and the instant a local day or year starts
 * (windows, expiry at the end of a calendar year). Each thread keeps the
 * calendar of the zone it last used.
 */
#include "core/localtime.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

static _Thread_local UCalendar *cal;
static _Thread_local char cal_tz[64];

/* a thread's calendar is closed when the thread ends (writer threads come and
 * go with their store) */
static pthread_key_t cal_key;
static pthread_once_t cal_once = PTHREAD_ONCE_INIT;
static void cal_close(void *c) { ucal_close(c); }
static void cal_key_init(void) { pthread_key_create(&cal_key, cal_close); }

static UCalendar *calendar(const char *tz)
{
    if (!tz || !*tz) tz = "Asia/Shanghai";
    if (cal && !strcmp(cal_tz, tz)) return cal;
    if (cal) ucal_close(cal);
    cal = NULL;
    UChar zone[64];
    UErrorCode err = U_ZERO_ERROR;
    u_uastrncpy(zone, tz, 63);
    zone[63] = 0;
    cal = ucal_open(zone, -1, "en_US_POSIX", UCAL_GREGORIAN, &err);
    pthread_once(&cal_once, cal_key_init);
    if (U_FAILURE(err)) {
        cal = NULL;
        pthread_setspecific(cal_key, NULL);
        return NULL;
    }
    pthread_setspecific(cal_key, cal);
    snprintf(cal_tz, sizeof cal_tz, "%s", tz);
    return cal;
}

bool hh_tz_valid(const char *tz)
{
    if (!tz || !*tz || strlen(tz) >= 64) return false;
    UChar zone[64], canon[64];
    UBool system = 0;
    UErrorCode err = U_ZERO_ERROR;
    u_uastrncpy(zone, tz, 63);
    zone[63] = 0;
    ucal_getCanonicalTimeZoneID(zone, -1, canon, 64, &system, &err);
    return U_SUCCESS(err) && system;
}

bool hh_local_parts(const char *tz, int64_t ms, hh_local *out)
{
    UCalendar *c = calendar(tz);
    if (!c) return false;
    UErrorCode err = U_ZERO_ERROR;
    ucal_setMillis(c, (UDate)ms, &err);
    out->year = ucal_get(c, UCAL_YEAR, &err);
    out->month = ucal_get(c, UCAL_MONTH, &err) + 1;
    out->day = ucal_get(c, UCAL_DATE, &err);
    out->hour = ucal_get(c, UCAL_HOUR_OF_DAY, &err);
    out->minute = ucal_get(c, UCAL_MINUTE, &err);
    return U_SUCCESS(err);
}

void hh_local_day(const char *tz, int64_t ms, char out[11])
{
    hh_local l = {0};
    /* an unknown zone counts as China time (the default of every enterprise) */
    if (!hh_local_parts(tz, ms, &l)) hh_local_parts("Asia/Shanghai", ms, &l);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)l.year % 10000u, (unsigned)l.month % 100u, (unsigned)l.day % 100u);
}

int64_t hh_local_start(const char *tz, int year, int month, int day)
{
    UCalendar *c = calendar(tz);
    if (!c) return -1;
    UErrorCode err = U_ZERO_ERROR;
    ucal_clear(c);
    ucal_setDateTime(c, year, month - 1, day, 0, 0, 0, &err);
    UDate d = ucal_getMillis(c, &err);
    return U_SUCCESS(err) ? (int64_t)d : -1;
}

void hh_local_day_near(const char *tz, int64_t ms, char out[11])
{
    static _Thread_local struct {
        char tz[64], day[11];
        int64_t start, end;
    } c;
    if (!tz) tz = "Asia/Shanghai";
    if (ms >= c.start && ms < c.end && !strcmp(c.tz, tz)) {
        memcpy(out, c.day, 11);
        return;
    }
    hh_local_day(tz, ms, out);
    hh_local l;
    if (strlen(tz) < sizeof c.tz && hh_local_parts(tz, ms, &l)) {
        int64_t start = hh_local_start(tz, l.year, l.month, l.day);
        int64_t end = hh_local_start(tz, l.year, l.month, l.day + 1);
        if (start >= 0 && end > start && ms >= start && ms < end) {
            snprintf(c.tz, sizeof c.tz, "%s", tz);
            memcpy(c.day, out, 11);
            c.start = start;
            c.end = end;
        }
    }
}
