/*
 * pcache.c — SQLite's default page cache, with each truncation limited to the
 * pages above its limit.
 *
 * At the end of every transaction the pager truncates its cache to the
 * database's size (pager_end_transaction: sqlite3PcacheTruncate(dbSize)). The
 * default cache (pcache1) knows only the highest page number it ever held
 * since its last truncation, iMaxKey: when that is less than a hash table away
 * from the limit it looks at those few buckets, and otherwise it walks every
 * bucket and every cached page. B-tree balancing moves a page through a
 * temporary number while it renumbers new pages in order (balance_nonroot:
 * PENDING_BYTE / page size + 1, page 262,145 at 4 KiB), which raises iMaxKey
 * to that number. So every transaction that split a B-tree page walked the
 * whole cache at its commit: 13% of the writer's CPU under lottery draws on a
 * 50 MB database (perf, bench/lottery.sh), and more as the cache grows toward
 * its 2 GiB.
 *
 * This cache delegates everything to the default one and keeps, per cache,
 * the page numbers at or above a floor that a fetch or a renumbering put
 * there (up to NOTED_MAX of them). The floor is the last truncation's limit
 * (0 for a new cache): a truncation leaves no page at or above its limit, so
 * the noted numbers are the only pages above the floor. A truncation to a
 * limit at or above the floor, or at most NOTED_MAX below it, discards the
 * noted pages at or above the limit and every number between limit and floor,
 * one by one (a fetch, then an unpin that discards), as the default
 * truncation would discard each of them. Otherwise (more pages noted than
 * NOTED_MAX, as in a bulk import, or a file that shrank far) the default
 * truncation walks the cache, correct and only slower; a truncation to 1
 * there is a clear, which visits every page however it is done. The three
 * kinds are counted (hh_pcache_stats, /metrics).
 */
#include "store/store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#define NOTED_MAX 64

typedef struct {
    sqlite3_pcache *inner;
    unsigned floor; /* every cached page >= floor is in noted[] (unless overflow) */
    bool overflow;  /* more than NOTED_MAX: the next truncation is the default one */
    int n;
    unsigned noted[NOTED_MAX];
} bounded;

static sqlite3_pcache_methods2 base;
static _Atomic uint64_t n_bounded, n_walks, n_clears;

static void note(bounded *b, unsigned key)
{
    if (key < b->floor || b->overflow) return;
    for (int i = b->n - 1; i >= 0; i--)
        if (b->noted[i] == key) return;
    if (b->n == NOTED_MAX) {
        b->overflow = true;
        return;
    }
    b->noted[b->n++] = key;
}

static int pc_init(void *arg)
{
    return base.xInit ? base.xInit(arg) : SQLITE_OK;
}

static void pc_shutdown(void *arg)
{
    if (base.xShutdown) base.xShutdown(arg);
}

static sqlite3_pcache *pc_create(int page_size, int extra, int purgeable)
{
    bounded *b = sqlite3_malloc(sizeof *b);
    if (!b) return NULL;
    b->inner = base.xCreate(page_size, extra, purgeable);
    if (!b->inner) {
        sqlite3_free(b);
        return NULL;
    }
    b->floor = 0; /* an empty cache: every page it will hold is noted, up to NOTED_MAX */
    b->overflow = false;
    b->n = 0;
    return (sqlite3_pcache *)b;
}

static void pc_cachesize(sqlite3_pcache *p, int n)
{
    base.xCachesize(((bounded *)p)->inner, n);
}

static int pc_pagecount(sqlite3_pcache *p)
{
    return base.xPagecount(((bounded *)p)->inner);
}

static sqlite3_pcache_page *pc_fetch(sqlite3_pcache *p, unsigned key, int create)
{
    bounded *b = (bounded *)p;
    sqlite3_pcache_page *pg = base.xFetch(b->inner, key, create);
    if (pg) note(b, key);
    return pg;
}

static void pc_unpin(sqlite3_pcache *p, sqlite3_pcache_page *pg, int discard)
{
    base.xUnpin(((bounded *)p)->inner, pg, discard);
}

static void pc_rekey(sqlite3_pcache *p, sqlite3_pcache_page *pg, unsigned old_key, unsigned new_key)
{
    bounded *b = (bounded *)p;
    base.xRekey(b->inner, pg, old_key, new_key);
    note(b, new_key);
}

static void discard(bounded *b, unsigned key)
{
    sqlite3_pcache_page *pg = base.xFetch(b->inner, key, 0);
    if (pg) base.xUnpin(b->inner, pg, 1);
}

static void pc_truncate(sqlite3_pcache *p, unsigned limit)
{
    bounded *b = (bounded *)p;
    /* a limit a little below the floor (a cache being cleared after its last
     * truncation left page 1) discards the numbers between them as well */
    if (!b->overflow && (limit >= b->floor || b->floor - limit <= NOTED_MAX)) {
        for (unsigned k = limit; k < b->floor; k++) discard(b, k);
        for (int i = 0; i < b->n; i++)
            if (b->noted[i] >= limit) discard(b, b->noted[i]);
        atomic_fetch_add_explicit(&n_bounded, 1, memory_order_relaxed);
    } else {
        /* a clear (a reader's cache after another connection's commit) has
         * to visit every page anyway */
        base.xTruncate(b->inner, limit);
        atomic_fetch_add_explicit(limit <= 1 ? &n_clears : &n_walks, 1, memory_order_relaxed);
    }
    /* nothing at or above limit is left */
    b->floor = limit;
    b->overflow = false;
    b->n = 0;
}

static void pc_destroy(sqlite3_pcache *p)
{
    bounded *b = (bounded *)p;
    base.xDestroy(b->inner);
    sqlite3_free(b);
}

static void pc_shrink(sqlite3_pcache *p)
{
    base.xShrink(((bounded *)p)->inner);
}

static sqlite3_pcache_methods2 bounded_methods = {
    .iVersion = 1,
    .xInit = pc_init,
    .xShutdown = pc_shutdown,
    .xCreate = pc_create,
    .xCachesize = pc_cachesize,
    .xPagecount = pc_pagecount,
    .xFetch = pc_fetch,
    .xUnpin = pc_unpin,
    .xRekey = pc_rekey,
    .xTruncate = pc_truncate,
    .xDestroy = pc_destroy,
    .xShrink = pc_shrink,
};

static int install_rc = SQLITE_OK;

static void install(void)
{
    install_rc = sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &base);
    if (install_rc == SQLITE_OK) {
        bounded_methods.pArg = base.pArg; /* SQLite hands ours to xInit and xShutdown */
        install_rc = sqlite3_config(SQLITE_CONFIG_PCACHE2, &bounded_methods);
    }
}

int hh_pcache_install(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install);
    return install_rc;
}

void hh_pcache_stats(uint64_t *bounded_truncations, uint64_t *walks, uint64_t *clears)
{
    *bounded_truncations = atomic_load_explicit(&n_bounded, memory_order_relaxed);
    *walks = atomic_load_explicit(&n_walks, memory_order_relaxed);
    *clears = atomic_load_explicit(&n_clears, memory_order_relaxed);
}
