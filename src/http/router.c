/*
 * router.c — matching a path against the route table (routes.c). Patterns are
 * literal segments plus at most one "{id}" segment. The table is scanned
 * linearly, skipping routes whose shape (slashes, length) cannot match; the
 * others are compared segment by segment without copying.
 */
#include "http/http.h"

#include <pthread.h>
#include <string.h>

/* Does path match pattern? On a match with an {id} segment, *id_seg points at a
 * thread-local copy of that segment. */
static bool match(const char *pattern, const char *path, const char **id_seg)
{
    static _Thread_local char idbuf[64];
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            const char *se = strchr(s, '/');
            size_t n = se ? (size_t)(se - s) : strlen(s);
            if (!n || n >= sizeof idbuf) return false;
            memcpy(idbuf, s, n);
            idbuf[n] = 0;
            *id_seg = idbuf;
            p = pe + 1;
            s += n;
            continue;
        }
        if (*p != *s) return false;
        p++;
        s++;
    }
    return !*p && !*s;
}

/* Per route, what a path must have to be worth comparing: as many '/' as the
 * pattern and, without {id}, the same length (with it, at least the pattern's
 * length less "{id}" plus one). Computed once; the scan keeps table order. */
static struct {
    unsigned short slashes, len;
    bool has_id;
} shape[1024];
static pthread_once_t shape_once = PTHREAD_ONCE_INIT;

static void shape_init(void)
{
    HH_CHECK(hh_routes_count <= sizeof shape / sizeof shape[0]);
    for (size_t i = 0; i < hh_routes_count; i++) {
        const char *pat = hh_routes[i].pattern;
        for (const char *c = pat; *c; c++)
            if (*c == '/') shape[i].slashes++;
        const char *brace = strchr(pat, '{');
        shape[i].has_id = brace != NULL;
        shape[i].len = (unsigned short)(strlen(pat) - (brace ? (size_t)(strchr(brace, '}') - brace + 1) : 0));
    }
}

int hh_route_match(const char *path, int method, const char **id_seg)
{
    pthread_once(&shape_once, shape_init);
    size_t len = 0, slashes = 0;
    for (const char *c = path; *c; c++, len++)
        if (*c == '/') slashes++;
    bool path_seen = false;
    for (size_t i = 0; i < hh_routes_count; i++) {
        if (shape[i].slashes != slashes || (shape[i].has_id ? len <= shape[i].len : len != shape[i].len)) continue;
        const char *seg = NULL;
        if (!match(hh_routes[i].pattern, path, &seg)) continue;
        path_seen = true;
        if (hh_routes[i].methods & method) {
            *id_seg = seg;
            return (int)i;
        }
    }
    return path_seen ? -2 : -1;
}
