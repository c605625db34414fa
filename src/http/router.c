/*
 * router.c — matching a path against the route table (routes.c). Patterns are
 * literal segments plus at most one "{id}" segment. The table is small and
 * scanned linearly; patterns are compared segment by segment without copying.
 */
#include "http/http.h"

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

int hh_route_match(const char *path, int method, const char **id_seg)
{
    bool path_seen = false;
    for (size_t i = 0; i < hh_routes_count; i++) {
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
