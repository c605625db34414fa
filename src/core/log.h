/*
 * log.h — JSON-lines logging. One line per event on the server log (stderr by
 * default) and one line per request on the access log. Never log a full phone
 * number, a password, a token or an OTP outside the development SMS provider.
 */
#ifndef HH_LOG_H
#define HH_LOG_H

#include <jansson.h>

typedef enum { HH_LOG_DEBUG, HH_LOG_INFO, HH_LOG_WARN, HH_LOG_ERROR } hh_log_level;

/* Open the logs. NULL or "-" means stderr. The access log is block-buffered and
 * flushed by hh_log_flush() (the server calls it every second). */
int hh_log_open(const char *server_log, const char *access_log, hh_log_level min);
void hh_log_close(void);
void hh_log_flush(void);

/* Log an event. `fields` is a jansson json_pack() format for extra fields
 * (e.g. "{s:s, s:I}", "table", name, "rows", n) or NULL. */
void hh_log(hh_log_level level, const char *event, const char *fields, ...);
/* Log one access line (takes ownership of obj). */
void hh_log_access(json_t *obj);
/* The same for a line already made (JSON, no newline). */
void hh_log_access_line(const char *line, size_t n);

#define hh_info(ev, ...) hh_log(HH_LOG_INFO, ev, __VA_ARGS__)
#define hh_warn(ev, ...) hh_log(HH_LOG_WARN, ev, __VA_ARGS__)
#define hh_error(ev, ...) hh_log(HH_LOG_ERROR, ev, __VA_ARGS__)

#endif
