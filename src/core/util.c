/*
 * util.c — allocation wrappers, the per-request arena, clocks, random tokens,
 * and number parsing. See hh.h for the OOM policy.
 */
#include "core/hh.h"
#include "core/log.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

static _Noreturn void oom(size_t n)
{
    fprintf(stderr, "huohua: out of memory allocating %zu bytes\n", n);
    abort();
}

void *hh_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *hh_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom(n * size);
    return p;
}

void *hh_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *hh_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = hh_xmalloc(n);
    memcpy(d, s, n);
    return d;
}

_Noreturn void hh_check_failed(const char *what, const char *file, int line)
{
    fprintf(stderr, "huohua: invariant violated: %s (%s:%d)\n", what, file, line);
    abort();
}

/* ---- arena ---- */

typedef struct chunk {
    struct chunk *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} chunk;

typedef struct deferred {
    struct deferred *next;
    void (*fn)(void *);
    void *arg;
} deferred;

struct hh_arena {
    chunk *head;
    deferred *defers;
    size_t next_size;
};

static chunk *chunk_new(size_t size)
{
    chunk *c = hh_xmalloc(sizeof(chunk) + size);
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

hh_arena *hh_arena_new(size_t first_chunk)
{
    hh_arena *a = hh_xmalloc(sizeof(*a));
    a->head = chunk_new(first_chunk ? first_chunk : 4096);
    a->defers = NULL;
    a->next_size = a->head->size * 2;
    return a;
}

void hh_arena_free(hh_arena *a)
{
    if (!a) return;
    for (deferred *d = a->defers; d; d = d->next) d->fn(d->arg);
    for (chunk *c = a->head, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    free(a);
}

void *hh_alloc(hh_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    chunk *c = a->head;
    if (c->size - c->used < n) {
        size_t size = a->next_size;
        while (size < n) size *= 2;
        if (a->next_size < (1u << 20)) a->next_size *= 2;
        c = chunk_new(size);
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *hh_strndup(hh_arena *a, const char *s, size_t n)
{
    if (!s) return NULL;
    char *d = hh_alloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *hh_strdup(hh_arena *a, const char *s)
{
    return s ? hh_strndup(a, s, strlen(s)) : NULL;
}

char *hh_sprintf(hh_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return hh_strdup(a, "");
    char *s = hh_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

void hh_arena_defer(hh_arena *a, void (*fn)(void *), void *arg)
{
    deferred *d = hh_alloc(a, sizeof(*d));
    d->fn = fn;
    d->arg = arg;
    d->next = a->defers;
    a->defers = d;
}

/* ---- time ---- */

static _Atomic int64_t fixed_clock;

int64_t hh_now_ms(void)
{
    int64_t f = atomic_load_explicit(&fixed_clock, memory_order_relaxed);
    if (f) return f;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void hh_clock_set(int64_t fixed_ms)
{
    atomic_store(&fixed_clock, fixed_ms);
}

int64_t hh_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- random, hex ---- */

void hh_hex(char *out, const unsigned char *in, size_t n)
{
    sodium_bin2hex(out, n * 2 + 1, in, n);
}

void hh_random_token(char *out, size_t nbytes)
{
    unsigned char buf[64];
    HH_CHECK(nbytes <= sizeof(buf));
    randombytes_buf(buf, nbytes);
    hh_hex(out, buf, nbytes);
}

/* ---- strings ---- */

bool hh_parse_i64(const char *s, int64_t *out)
{
    if (!s || !*s) return false;
    /* strtoll would skip leading white space and accept a sign: we do not */
    if (!isdigit((unsigned char)s[0]) && !(s[0] == '-' && isdigit((unsigned char)s[1]))) return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s) return false;
    *out = v;
    return true;
}

bool hh_str_printable(const char *s, size_t maxlen)
{
    size_t n = 0;
    for (; *s; s++, n++)
        if (n >= maxlen || (unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e) return false;
    return n > 0;
}

bool hh_str_in(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (!strcmp(s, *list)) return true;
    return false;
}
