/*
 * fsync_cost.c — what one durable commit costs the disk under bench/run.sh.
 *
 * Usage: fsync_cost DIR [SECONDS]
 *
 * In DIR (the directory that holds the benchmark's database, so the same
 * filesystem and device), two loops, each for SECONDS/2 (default 2 s total):
 *
 *   overwrite: pwrite 4 KiB at the next of 1024 slots of a preallocated 4 MiB
 *              file, then fdatasync(). This is what SQLite's WAL commit does in
 *              steady state (frames rewritten from the start of the WAL after
 *              each checkpoint; SQLite uses fdatasync on Linux).
 *   append:    write 4 KiB at the end of a growing file, then fdatasync()
 *              (the file size changes, so metadata is flushed too).
 *
 * Prints one line of JSON: per loop the iterations, mean, p50 and p99 in ms.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define SLOTS 1024
#define MAX_SAMPLES 200000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double *samples;

/* Runs one loop; returns the number of samples (ms each in samples[]). */
static int run(const char *path, int append, double secs)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        perror(path);
        exit(1);
    }
    char buf[PAGE];
    memset(buf, 0xa5, sizeof buf);
    if (!append) {
        for (int i = 0; i < SLOTS; i++)
            if (pwrite(fd, buf, PAGE, (off_t)i * PAGE) != PAGE) {
                perror("pwrite");
                exit(1);
            }
        if (fsync(fd) != 0) {
            perror("fsync");
            exit(1);
        }
    }
    int n = 0;
    double end = now_s() + secs;
    while (n < MAX_SAMPLES) {
        double t0 = now_s();
        if (t0 >= end) break;
        buf[0] = (char)n;
        off_t off = append ? (off_t)n * PAGE : (off_t)(n % SLOTS) * PAGE;
        if (pwrite(fd, buf, PAGE, off) != PAGE) {
            perror("pwrite");
            exit(1);
        }
        if (fdatasync(fd) != 0) {
            perror("fdatasync");
            exit(1);
        }
        samples[n++] = (now_s() - t0) * 1e3;
    }
    close(fd);
    unlink(path);
    return n;
}

static void report(const char *name, int n, const char *sep)
{
    double sum = 0;
    for (int i = 0; i < n; i++) sum += samples[i];
    qsort(samples, (size_t)n, sizeof(double), cmp_double);
    double p50 = n ? samples[n / 2] : 0, p99 = n ? samples[(int)(n * 0.99)] : 0;
    printf("\"%s\":{\"iterations\":%d,\"mean_ms\":%.4f,\"p50_ms\":%.4f,\"p99_ms\":%.4f,"
           "\"per_s\":%.0f}%s",
           name, n, n ? sum / n : 0, p50, p99, sum > 0 ? n / (sum / 1e3) : 0, sep);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fsync_cost DIR [SECONDS]\n");
        return 2;
    }
    double secs = argc > 2 ? atof(argv[2]) : 2.0;
    if (secs <= 0) secs = 2.0;
    samples = malloc(sizeof(double) * MAX_SAMPLES);
    if (!samples) return 1;
    char path[4096];
    snprintf(path, sizeof path, "%s/fsync-cost.%d", argv[1], (int)getpid());

    printf("{\"method\":\"C pwrite(4 KiB)+fdatasync loop (bench/fsync_cost.c)\",");
    int n = run(path, 0, secs / 2);
    report("overwrite", n, ",");
    n = run(path, 1, secs / 2);
    report("append", n, "}\n");
    free(samples);
    return 0;
}
