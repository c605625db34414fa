/*
 * log.c — JSON-lines server and access logs (see log.h).
 */
#include "core/log.h"
#include "core/hh.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static FILE *server_fp;
static FILE *access_fp;
static hh_log_level min_level = HH_LOG_INFO;

/* The access log is double-buffered: request threads only copy their line
 * into the current buffer under access_lock; hh_log_flush() (the main thread,
 * every second) swaps the buffers and writes the full one outside the lock,
 * so no request thread ever waits for the disk. A buffer that fills before
 * the flush is written by the thread that fills it (bursts only). */
#define ACCESS_BUF (8u << 20)
static pthread_mutex_t access_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t access_write_lock = PTHREAD_MUTEX_INITIALIZER;
static char *access_buf[2];
static size_t access_len;
static int access_cur;

static const char *level_name[] = {"debug", "info", "warn", "error"};

static FILE *open_log(const char *path)
{
    if (!path || !strcmp(path, "-")) return stderr;
    return fopen(path, "a");
}

int hh_log_open(const char *server_log, const char *access_log, hh_log_level min)
{
    server_fp = open_log(server_log);
    access_fp = open_log(access_log);
    min_level = min;
    if (!server_fp || !access_fp) return -1;
    if (access_fp != stderr) {
        access_buf[0] = hh_xmalloc(ACCESS_BUF);
        access_buf[1] = hh_xmalloc(ACCESS_BUF);
    }
    return 0;
}

void hh_log_close(void)
{
    hh_log_flush();
    free(access_buf[0]);
    free(access_buf[1]);
    access_buf[0] = access_buf[1] = NULL;
    if (access_fp && access_fp != stderr) fclose(access_fp);
    if (server_fp && server_fp != stderr) fclose(server_fp);
    access_fp = server_fp = NULL;
}

void hh_log_flush(void)
{
    if (access_buf[0]) {
        pthread_mutex_lock(&access_write_lock); /* one writer at a time, in order */
        pthread_mutex_lock(&access_lock);
        char *full = access_buf[access_cur];
        size_t len = access_len;
        access_cur ^= 1;
        access_len = 0;
        pthread_mutex_unlock(&access_lock);
        if (len) fwrite(full, 1, len, access_fp);
        fflush(access_fp);
        pthread_mutex_unlock(&access_write_lock);
    } else if (access_fp) {
        fflush(access_fp);
    }
    if (server_fp) fflush(server_fp);
}

static void emit(FILE *fp, json_t *obj)
{
    char *line = json_dumps(obj, JSON_COMPACT);
    if (line) {
        flockfile(fp);
        fputs(line, fp);
        putc_unlocked('\n', fp);
        funlockfile(fp);
        free(line);
    }
}

void hh_log(hh_log_level level, const char *event, const char *fields, ...)
{
    if (level < min_level) return;
    json_t *obj = NULL;
    if (fields) {
        va_list ap;
        va_start(ap, fields);
        json_error_t err;
        obj = json_vpack_ex(&err, 0, fields, ap);
        va_end(ap);
    }
    if (!obj) obj = json_object();
    json_object_set_new(obj, "ts", json_integer(hh_now_ms()));
    json_object_set_new(obj, "level", json_string(level_name[level]));
    json_object_set_new(obj, "event", json_string(event));
    emit(server_fp ? server_fp : stderr, obj);
    if (server_fp && server_fp != stderr) fflush(server_fp);
    json_decref(obj);
}

void hh_log_access(json_t *obj)
{
    char *line = json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(obj);
    if (!line) return;
    hh_log_access_line(line, strlen(line));
    free(line);
}

void hh_log_access_line(const char *line, size_t n)
{
    FILE *fp = access_fp ? access_fp : stderr;
    if (!access_buf[0] || n + 1 > ACCESS_BUF) {
        pthread_mutex_lock(&access_lock);
        fwrite(line, 1, n, fp);
        putc('\n', fp);
        pthread_mutex_unlock(&access_lock);
        return;
    }
    pthread_mutex_lock(&access_lock);
    bool full = access_len + n + 1 > ACCESS_BUF;
    pthread_mutex_unlock(&access_lock);
    if (full) hh_log_flush(); /* a burst filled the buffer before the flusher came */
    pthread_mutex_lock(&access_lock);
    if (access_len + n + 1 <= ACCESS_BUF) {
        memcpy(access_buf[access_cur] + access_len, line, n);
        access_buf[access_cur][access_len + n] = '\n';
        access_len += n + 1;
    }
    pthread_mutex_unlock(&access_lock);
}
