/* localtime.h — local days and times in an enterprise's IANA time zone (ICU). */
#ifndef HH_LOCALTIME_H
#define HH_LOCALTIME_H
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int year, month, day, hour, minute; /* month and day from 1 */
} hh_local;

/* Is tz a time zone ICU knows ("Asia/Shanghai")? */
bool hh_tz_valid(const char *tz);
/* The local date and time of instant ms (UTC milliseconds) in tz. */
bool hh_local_parts(const char *tz, int64_t ms, hh_local *out);
/* "YYYY-MM-DD": the local day of ms in tz (China time when tz is unknown). */
void hh_local_day(const char *tz, int64_t ms, char out[11]);
/* The same, for instants asked about over and over near each other (now, on
 * a hot path): each thread remembers the local day of the last instant it
 * asked about and its bounds, so ICU is asked once a day per zone. */
void hh_local_day_near(const char *tz, int64_t ms, char out[11]);
/* The instant local midnight starts year-month-day in tz (month, day from 1;
 * out-of-range values roll over: day 0 is the last of the previous month);
 * -1 when tz is unknown. */
int64_t hh_local_start(const char *tz, int year, int month, int day);
#endif
