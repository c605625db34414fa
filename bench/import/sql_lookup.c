/*
 * sql_lookup.c — the baseline for phone lookups: the same indexed SELECT by
 * phone, in process, on the same database, with no HTTP, no auth and no JSON.
 * Usage: sql_lookup DB ROWS N → prints p50/p99 in microseconds.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *const prefixes[] = {"130", "131", "132", "133", "135", "136", "137", "138", "139",
                                       "150", "151", "152", "155", "156", "157", "158", "159", "176",
                                       "177", "178", "180", "181", "182", "183", "185", "186", "187",
                                       "188", "189", "198", "199"};

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 4) return 2;
    long rows = atol(argv[2]), n = atol(argv[3]);
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) return 1;
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "SELECT id, name, status FROM members WHERE enterprise_id = 1 AND phone = ?", -1, &st, NULL);
    double *t = malloc(sizeof(double) * (size_t)n);
    long found = 0;
    srand(42);
    for (long j = 0; j < n; j++) {
        long i = ((long)rand() << 16 ^ rand()) % rows;
        if (i % 1000 == 999 || i % 5000 == 4998) i--;
        long k = i / 31, p = i % 31;
        char phone[24];
        snprintf(phone, sizeof phone, "+86%s%08ld", prefixes[p], (k * 48271L + 12345L) % 100000000L);
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) found++;
        sqlite3_reset(st);
        clock_gettime(CLOCK_MONOTONIC, &b);
        t[j] = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
    }
    qsort(t, (size_t)n, sizeof(double), cmp);
    printf("SQL lookups=%ld found=%ld p50_us=%.1f p99_us=%.1f\n", n, found, t[n / 2], t[n * 99 / 100]);
    return 0;
}
