/*
 * hh.h — the things every Huohua module uses: the status type, allocation with
 * the OOM policy, the per-request arena, clocks and small string helpers.
 *
 * OOM policy: small internal allocations go through hh_xmalloc() and friends,
 * which abort the process when memory is exhausted (a server that cannot get
 * 64 bytes cannot answer correctly anyway). Sizes a client controls are checked
 * against hard caps *before* anything is allocated and answered 413/422.
 */
#ifndef HH_H
#define HH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One status type for everything that can fail. Mapped to HTTP in exactly one
 * table (http/error.c). Keep in step with hh_status_name(). */
typedef enum hh_status {
    HH_OK = 0,
    HH_PENDING,          /* the answer comes later (write queued, async job) */
    HH_E_INVALID,        /* 400: a field is wrong */
    HH_E_UNPROCESSABLE,  /* 422: well-formed but not acceptable now */
    HH_E_MALFORMED,      /* 400: body is not JSON / wrong content */
    HH_E_UNAUTHENTICATED,/* 401 */
    HH_E_FORBIDDEN,      /* 403 */
    HH_E_NOT_FOUND,      /* 404 */
    HH_E_METHOD,         /* 405 */
    HH_E_CONFLICT,       /* 409 */
    HH_E_TOO_LARGE,      /* 413 */
    HH_E_MEDIA_TYPE,     /* 415 */
    HH_E_IDEMPOTENCY,    /* 422: same key, different request */
    HH_E_THROTTLED,      /* 429 */
    HH_E_STORAGE,        /* 500: the store failed; details in the log only */
    HH_E_UNAVAILABLE,    /* 503: shutting down, overloaded */
    HH_E_NOMEM,          /* 503 */
    HH_STATUS_COUNT
} hh_status;

const char *hh_status_code(hh_status st); /* stable machine code, e.g. "not_found" */
int hh_status_http(hh_status st);         /* HTTP status for st */

/* ---- allocation (abort on OOM) ---- */
void *hh_xmalloc(size_t n);
void *hh_xcalloc(size_t n, size_t size);
void *hh_xrealloc(void *p, size_t n);
char *hh_xstrdup(const char *s);

/* ---- per-request arena ----
 * A bump allocator: everything temporary for one request lives here and is
 * freed at once by hh_arena_free(). Allocations are 16-byte aligned. */
typedef struct hh_arena hh_arena;
hh_arena *hh_arena_new(size_t first_chunk);
void hh_arena_free(hh_arena *a);
void *hh_alloc(hh_arena *a, size_t n);           /* zeroed */
char *hh_strdup(hh_arena *a, const char *s);      /* NULL stays NULL */
char *hh_strndup(hh_arena *a, const char *s, size_t n);
char *hh_sprintf(hh_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Register a destructor run when the arena is freed (e.g. json_decref). */
void hh_arena_defer(hh_arena *a, void (*fn)(void *), void *arg);

/* ---- strings ---- */
/* Whether s (NULL: never) is one of the NULL-terminated list, e.g. the
 * allowed values of a status field. */
bool hh_str_in(const char *s, const char *const *list);

/* ---- time ---- */
int64_t hh_now_ms(void);       /* wall clock, UTC ms; overridable by hh_clock_set() in tests */
int64_t hh_mono_ns(void);      /* monotonic, for latency measurement */
void hh_clock_set(int64_t fixed_ms); /* 0 = real clock */

/* ---- random and encoding ---- */
void hh_random_token(char *out, size_t nbytes); /* out gets 2*nbytes hex chars + NUL */
void hh_hex(char *out, const unsigned char *in, size_t n);

/* ---- strings ---- */
bool hh_parse_i64(const char *s, int64_t *out); /* whole string, decimal, no junk */
bool hh_str_printable(const char *s, size_t maxlen);

#define HH_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Always-on check for invariants that protect money and stock: a violated one
 * aborts with a message rather than corrupting data. */
#define HH_CHECK(cond)                                                          \
    do {                                                                        \
        if (!(cond)) hh_check_failed(#cond, __FILE__, __LINE__);                \
    } while (0)
_Noreturn void hh_check_failed(const char *what, const char *file, int line);

#endif
