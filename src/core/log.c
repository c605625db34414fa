/*
 * log.c — JSON-lines server and access logs (see log.h).
 */
#include "core/log.h"
#include "core/hh.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static FILE *server_fp;
static FILE *access_fp;
static hh_log_level min_level = HH_LOG_INFO;
static pthread_mutex_t access_lock = PTHREAD_MUTEX_INITIALIZER;

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
    if (access_fp != stderr) setvbuf(access_fp, NULL, _IOFBF, 1 << 16);
    return 0;
}

void hh_log_close(void)
{
    hh_log_flush();
    if (access_fp && access_fp != stderr) fclose(access_fp);
    if (server_fp && server_fp != stderr) fclose(server_fp);
    access_fp = server_fp = NULL;
}

void hh_log_flush(void)
{
    pthread_mutex_lock(&access_lock);
    if (access_fp) fflush(access_fp);
    pthread_mutex_unlock(&access_lock);
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
    FILE *fp = access_fp ? access_fp : stderr;
    char *line = json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(obj);
    if (!line) return;
    pthread_mutex_lock(&access_lock);
    fputs(line, fp);
    putc('\n', fp);
    pthread_mutex_unlock(&access_lock);
    free(line);
}
