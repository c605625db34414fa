/*
 * walbuf.c — a VFS shim that writes each commit's appends to the write-ahead
 * log in pieces of 64 KiB instead of two system calls per page.
 *
 * SQLite writes a WAL frame with two writes (its 24-byte header, then the
 * page), so a commit of 50 pages made 100 pwrite calls before its fsync
 * (strace on the writer thread under lottery draws). This VFS wraps the
 * default one. For WAL files only, a write that continues the previous one is
 * kept in a buffer, and the buffer goes to the file in writes of 64 KiB (the
 * default VFS takes less than 128 KiB per call):
 *   - as soon as the commit frame is in it (a frame header whose "database
 *     size after commit" field is not zero, then that frame's page). SQLite
 *     publishes a commit to other connections (the wal-index header) only
 *     after its last frame is written, and syncs the log only after that, so
 *     no reader, checkpointer or fsync ever misses a committed frame;
 *   - before anything else touches the file (read, sync, truncate, size, file
 *     control, close) and before a write that does not continue the buffer
 *     (the log's header when it restarts, a frame rewritten in place);
 *   - when it would pass BUF_MAX (a transaction larger than that, such as a
 *     bulk import, writes in pieces of BUF_MAX).
 * A failed write of the buffer fails the SQLite call that caused it (the
 * commit), as the first of the hundred writes would have. Every other file
 * is opened by the default VFS itself, untouched.
 */
#include "store/store.h"
#include "core/hh.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define BUF_MAX (4u << 20)
#define FRAME_HEADER 24
/* the default VFS writes at most 128 KiB - 1 per call (it masks the length to
 * 17 bits: SQLite itself never writes more than a page and a header) */
#define WRITE_MAX (64 * 1024)

typedef struct {
    sqlite3_file base; /* pMethods = &wal_methods */
    sqlite3_file *real; /* the default VFS's file, right after this struct */
    unsigned char *buf;
    size_t len, cap;
    sqlite3_int64 off;   /* file offset of buf[0] */
    bool commit_pending; /* the last write was the commit frame's header */
} wal_file;

static sqlite3_vfs *base_vfs;
static sqlite3_vfs walbuf_vfs;
static _Atomic uint64_t log_writes, log_bytes; /* of this process, for hh_walbuf_stats */

/* One write to the log, counted. */
static int log_write(wal_file *f, const void *p, int n, sqlite3_int64 off)
{
    atomic_fetch_add_explicit(&log_writes, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&log_bytes, (uint64_t)n, memory_order_relaxed);
    return f->real->pMethods->xWrite(f->real, p, n, off);
}

static int flush(wal_file *f)
{
    int rc = SQLITE_OK;
    for (size_t at = 0; at < f->len && rc == SQLITE_OK; at += WRITE_MAX) {
        size_t n = f->len - at < WRITE_MAX ? f->len - at : WRITE_MAX;
        rc = log_write(f, f->buf + at, (int)n, f->off + (sqlite3_int64)at);
    }
    f->len = 0;
    f->commit_pending = false;
    return rc;
}

static int w_close(sqlite3_file *pf)
{
    wal_file *f = (wal_file *)pf;
    int rc = flush(f), rc2 = f->real->pMethods->xClose(f->real);
    free(f->buf);
    f->buf = NULL;
    return rc != SQLITE_OK ? rc : rc2;
}

static int w_read(sqlite3_file *pf, void *p, int n, sqlite3_int64 off)
{
    wal_file *f = (wal_file *)pf;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, p, n, off);
}

static unsigned get32(const unsigned char *p)
{
    return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

static int w_write(sqlite3_file *pf, const void *p, int n, sqlite3_int64 off)
{
    wal_file *f = (wal_file *)pf;
    int rc;
    /* only frame headers are 24 bytes long (the log's own header is 32) */
    bool commit_header = n == FRAME_HEADER && get32((const unsigned char *)p + 4) != 0;
    if (f->len && (off != f->off + (sqlite3_int64)f->len || f->len + (size_t)n > BUF_MAX) &&
        (rc = flush(f)) != SQLITE_OK)
        return rc;
    if (n > WRITE_MAX) { /* larger than SQLite writes: as it comes, after what is kept */
        if ((rc = flush(f)) != SQLITE_OK) return rc;
        return log_write(f, p, n, off);
    }
    if (f->len + (size_t)n > f->cap) {
        size_t cap = f->cap ? f->cap : 64 * 1024;
        while (cap < f->len + (size_t)n) cap *= 2;
        unsigned char *b = realloc(f->buf, cap);
        if (!b) { /* out of memory: this write as it comes, after what is kept */
            if ((rc = flush(f)) != SQLITE_OK || (rc = log_write(f, p, n, off)) != SQLITE_OK) return rc;
            f->commit_pending = commit_header; /* its page is then flushed at once */
            return SQLITE_OK;
        }
        f->buf = b;
        f->cap = cap;
    }
    if (!f->len) f->off = off;
    memcpy(f->buf + f->len, p, (size_t)n);
    f->len += (size_t)n;
    if (f->commit_pending) return flush(f); /* the commit frame's page */
    f->commit_pending = commit_header;
    return SQLITE_OK;
}

static int w_truncate(sqlite3_file *pf, sqlite3_int64 size)
{
    wal_file *f = (wal_file *)pf;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int w_sync(sqlite3_file *pf, int flags)
{
    wal_file *f = (wal_file *)pf;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int w_file_size(sqlite3_file *pf, sqlite3_int64 *size)
{
    wal_file *f = (wal_file *)pf;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int w_lock(sqlite3_file *pf, int lock)
{
    wal_file *f = (wal_file *)pf;
    return f->real->pMethods->xLock(f->real, lock);
}

static int w_unlock(sqlite3_file *pf, int lock)
{
    wal_file *f = (wal_file *)pf;
    return f->real->pMethods->xUnlock(f->real, lock);
}

static int w_check_reserved(sqlite3_file *pf, int *out)
{
    wal_file *f = (wal_file *)pf;
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int w_file_control(sqlite3_file *pf, int op, void *arg)
{
    wal_file *f = (wal_file *)pf;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}

static int w_sector_size(sqlite3_file *pf)
{
    wal_file *f = (wal_file *)pf;
    return f->real->pMethods->xSectorSize(f->real);
}

static int w_device_characteristics(sqlite3_file *pf)
{
    wal_file *f = (wal_file *)pf;
    return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* Version 1: SQLite maps shared memory and pages through the database
 * file, never through its log. */
static const sqlite3_io_methods wal_methods = {
    .iVersion = 1,
    .xClose = w_close,
    .xRead = w_read,
    .xWrite = w_write,
    .xTruncate = w_truncate,
    .xSync = w_sync,
    .xFileSize = w_file_size,
    .xLock = w_lock,
    .xUnlock = w_unlock,
    .xCheckReservedLock = w_check_reserved,
    .xFileControl = w_file_control,
    .xSectorSize = w_sector_size,
    .xDeviceCharacteristics = w_device_characteristics,
};

static int v_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *pf, int flags, int *out_flags)
{
    (void)vfs;
    /* the file's memory is szOsFile of ours, enough for the default VFS's own */
    if (!(flags & SQLITE_OPEN_WAL)) return base_vfs->xOpen(base_vfs, name, pf, flags, out_flags);
    wal_file *f = (wal_file *)pf;
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)(f + 1);
    int rc = base_vfs->xOpen(base_vfs, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        if (f->real->pMethods) f->real->pMethods->xClose(f->real);
        f->base.pMethods = NULL;
        return rc;
    }
    f->base.pMethods = &wal_methods;
    return SQLITE_OK;
}

static void walbuf_register(void)
{
    base_vfs = sqlite3_vfs_find(NULL);
    HH_CHECK(base_vfs != NULL);
    /* everything but opening is the default VFS's, with its own settings
     * (pAppData, mxPathname) */
    walbuf_vfs = *base_vfs;
    walbuf_vfs.pNext = NULL;
    walbuf_vfs.zName = HH_WALBUF_VFS;
    walbuf_vfs.szOsFile = (int)sizeof(wal_file) + base_vfs->szOsFile;
    walbuf_vfs.xOpen = v_open;
    HH_CHECK(sqlite3_vfs_register(&walbuf_vfs, 0) == SQLITE_OK);
}

const char *hh_walbuf_vfs(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, walbuf_register);
    return HH_WALBUF_VFS;
}

void hh_walbuf_stats(uint64_t *writes, uint64_t *bytes)
{
    *writes = atomic_load_explicit(&log_writes, memory_order_relaxed);
    *bytes = atomic_load_explicit(&log_bytes, memory_order_relaxed);
}
