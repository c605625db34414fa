/*
 * buf.h — a growable byte buffer for building answers (CSV, SVG, metrics
 * text). Always NUL-terminated; aborts on OOM like every internal allocation.
 * The caller owns buf.data and frees it (or hands it to an answer).
 */
#ifndef HH_BUF_H
#define HH_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct hh_buf {
    char *data;
    size_t len, cap;
} hh_buf;

void hh_buf_add(hh_buf *b, const char *s, size_t n);
void hh_buf_puts(hh_buf *b, const char *s);
void hh_buf_printf(hh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One CSV field, quoted by libcsv (s may be NULL: empty), then "," or the line end. */
void hh_buf_csv(hh_buf *b, const char *s, bool last);

#endif
