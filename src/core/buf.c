/*
 * buf.c — the growable buffer of buf.h.
 */
#include "core/buf.h"
#include "core/hh.h"

#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void reserve(hh_buf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (b->len + more + 1 > cap) cap *= 2;
    b->data = hh_xrealloc(b->data, cap);
    b->cap = cap;
}

void hh_buf_add(hh_buf *b, const char *s, size_t n)
{
    reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

void hh_buf_puts(hh_buf *b, const char *s)
{
    hh_buf_add(b, s, strlen(s));
}

void hh_buf_printf(hh_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0) return;
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void hh_buf_csv(hh_buf *b, const char *s, bool last)
{
    size_t n = strlen(s ? s : "");
    char *q = hh_xmalloc(n * 2 + 3);
    size_t w = csv_write(q, n * 2 + 3, s ? s : "", n);
    hh_buf_add(b, q, w);
    free(q);
    hh_buf_add(b, last ? "\r\n" : ",", last ? 2 : 1);
}
