/*
 * metrics.c — Prometheus text exposition: per-route request counts by status
 * class and latency histograms, plus the store writer's batch sizes and commit
 * (fsync) times. Counters are relaxed atomics: cheap on the hot path.
 */
#include "http/app.h"
#include "core/buf.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define NB 12 /* latency buckets incl. +Inf */
static const double lat_bounds[NB - 1] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                          0.05,   0.1,   0.25,   0.5,   1.0};

/* Pseudo-routes for requests outside the table. */
static const char *const extra_names[] = {"(unmatched)", "(healthz)", "(metrics)",
                                          "(openapi)", "(static)"};
#define NEXTRA 5
#define MAX_ROUTES 512

typedef struct {
    _Atomic uint64_t status[6]; /* 1xx..5xx by index 1..5; 0 other */
    _Atomic uint64_t buckets[NB];
    _Atomic uint64_t sum_us;
    _Atomic uint64_t count;
} route_metrics;

static route_metrics m[MAX_ROUTES + NEXTRA];

void hh_metrics_init(void)
{
    memset(m, 0, sizeof m);
}

static int slot_of(int route_index)
{
    if (route_index >= 0 && route_index < MAX_ROUTES && (size_t)route_index < hh_routes_count)
        return route_index;
    /* -1 unmatched, -3 healthz, -4 metrics, -5 openapi, -6 static */
    int k = route_index == -3 ? 1 : route_index == -4 ? 2 : route_index == -5 ? 3
          : route_index == -6 ? 4 : 0;
    return MAX_ROUTES + k;
}

void hh_metrics_observe(int route_index, int status, int64_t ns)
{
    route_metrics *rm = &m[slot_of(route_index)];
    int cls = status / 100;
    atomic_fetch_add_explicit(&rm->status[cls >= 1 && cls <= 5 ? cls : 0], 1, memory_order_relaxed);
    double s = (double)ns / 1e9;
    int b = 0;
    while (b < NB - 1 && s > lat_bounds[b]) b++;
    atomic_fetch_add_explicit(&rm->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&rm->sum_us, (uint64_t)(ns / 1000), memory_order_relaxed);
    atomic_fetch_add_explicit(&rm->count, 1, memory_order_relaxed);
}

static void route_label(int slot, const char **pattern, const char **method)
{
    if (slot >= MAX_ROUTES) {
        *pattern = extra_names[slot - MAX_ROUTES];
        *method = "";
        return;
    }
    *pattern = hh_routes[slot].pattern;
    int mm = hh_routes[slot].methods;
    *method = hh_method_name(mm & -mm);
}

char *hh_metrics_render(hh_app *app, size_t *len)
{
    hh_buf b = {0};
    hh_buf_puts(&b, "");
    size_t nroutes = hh_routes_count < MAX_ROUTES ? hh_routes_count : MAX_ROUTES;

    hh_buf_printf(&b, "# HELP huohua_http_requests_total HTTP requests by route and status class.\n"
                  "# TYPE huohua_http_requests_total counter\n");
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < (pass ? NEXTRA : nroutes); i++) {
            int slot = pass ? MAX_ROUTES + (int)i : (int)i;
            const char *pat, *meth;
            route_label(slot, &pat, &meth);
            for (int c = 1; c <= 5; c++) {
                uint64_t v = atomic_load_explicit(&m[slot].status[c], memory_order_relaxed);
                if (v)
                    hh_buf_printf(&b, "huohua_http_requests_total{route=\"%s\",method=\"%s\",status=\"%dxx\"} %llu\n",
                              pat, meth, c, (unsigned long long)v);
            }
        }
    hh_buf_printf(&b, "# HELP huohua_http_request_duration_seconds Time from request to answer.\n"
                  "# TYPE huohua_http_request_duration_seconds histogram\n");
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < (pass ? NEXTRA : nroutes); i++) {
            int slot = pass ? MAX_ROUTES + (int)i : (int)i;
            uint64_t count = atomic_load_explicit(&m[slot].count, memory_order_relaxed);
            if (!count) continue;
            const char *pat, *meth;
            route_label(slot, &pat, &meth);
            uint64_t cum = 0;
            for (int k = 0; k < NB; k++) {
                cum += atomic_load_explicit(&m[slot].buckets[k], memory_order_relaxed);
                if (k < NB - 1)
                    hh_buf_printf(&b, "huohua_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"%g\"} %llu\n",
                              pat, meth, lat_bounds[k], (unsigned long long)cum);
                else
                    hh_buf_printf(&b, "huohua_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"+Inf\"} %llu\n",
                              pat, meth, (unsigned long long)cum);
            }
            hh_buf_printf(&b, "huohua_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n",
                      pat, meth, (double)atomic_load(&m[slot].sum_us) / 1e6);
            hh_buf_printf(&b, "huohua_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %llu\n",
                      pat, meth, (unsigned long long)count);
        }

    hh_store_stats st;
    app->store->ops->stats(app->store, &st);
    hh_buf_printf(&b, "# HELP huohua_store_commits_total Writer transactions committed.\n"
                  "# TYPE huohua_store_commits_total counter\nhuohua_store_commits_total %llu\n",
              (unsigned long long)st.commits);
    hh_buf_printf(&b, "# HELP huohua_store_failed_commits_total Writer transactions that failed.\n"
                  "# TYPE huohua_store_failed_commits_total counter\nhuohua_store_failed_commits_total %llu\n",
              (unsigned long long)st.failed_commits);
    hh_buf_printf(&b, "# HELP huohua_store_commands_total Write commands applied.\n"
                  "# TYPE huohua_store_commands_total counter\nhuohua_store_commands_total %llu\n",
              (unsigned long long)st.commands);
    hh_buf_printf(&b, "# HELP huohua_store_batch_size Commands per committed batch.\n"
                  "# TYPE huohua_store_batch_size histogram\n");
    uint64_t cum = 0;
    for (int k = 0; k < 12; k++) {
        cum += st.batch_buckets[k];
        if (k < 11)
            hh_buf_printf(&b, "huohua_store_batch_size_bucket{le=\"%g\"} %llu\n", hh_store_batch_bounds[k],
                      (unsigned long long)cum);
        else
            hh_buf_printf(&b, "huohua_store_batch_size_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
    }
    hh_buf_printf(&b, "huohua_store_batch_size_sum %llu\nhuohua_store_batch_size_count %llu\n",
              (unsigned long long)st.batch_sum, (unsigned long long)st.commits);
    hh_buf_printf(&b, "# HELP huohua_store_commit_seconds Time to run and commit one batch (with the log's fsync when inline).\n"
                  "# TYPE huohua_store_commit_seconds histogram\n");
    cum = 0;
    for (int k = 0; k < 12; k++) {
        cum += st.commit_buckets[k];
        if (k < 11)
            hh_buf_printf(&b, "huohua_store_commit_seconds_bucket{le=\"%g\"} %llu\n",
                      hh_store_commit_bounds_us[k] / 1e6, (unsigned long long)cum);
        else
            hh_buf_printf(&b, "huohua_store_commit_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
    }
    hh_buf_printf(&b, "huohua_store_commit_seconds_sum %.6f\nhuohua_store_commit_seconds_count %llu\n",
              (double)st.commit_us_sum / 1e6, (unsigned long long)st.commits);
    hh_buf_printf(&b,
                  "# HELP huohua_store_checkpoints_total Checkpoints that copied the write-ahead log into the database,"
                  " by the checkpointer thread or by the writer (what a pass left, or a log past its limit).\n"
                  "# TYPE huohua_store_checkpoints_total counter\n"
                  "huohua_store_checkpoints_total{by=\"checkpointer\"} %llu\nhuohua_store_checkpoints_total{by=\"writer\"} %llu\n",
                  (unsigned long long)st.checkpoints, (unsigned long long)st.writer_checkpoints);
    /* inline (--sync inline, --batch-max 1), each commit fsyncs: no separate syncs */
    hh_buf_printf(&b,
                  "# HELP huohua_store_syncs_total fsyncs of the write-ahead log by the completion thread (--sync apart);"
                  " each covers every commit before it.\n"
                  "# TYPE huohua_store_syncs_total counter\nhuohua_store_syncs_total %llu\n"
                  "# HELP huohua_store_sync_seconds_total Time spent in those fsyncs.\n"
                  "# TYPE huohua_store_sync_seconds_total counter\nhuohua_store_sync_seconds_total %.6f\n",
                  (unsigned long long)st.syncs, (double)st.sync_us_sum / 1e6);
    hh_buf_printf(&b,
                  "# HELP huohua_store_log_writes_total Write system calls to the write-ahead log (a commit's frames"
                  " are gathered into writes of up to 64 KiB).\n"
                  "# TYPE huohua_store_log_writes_total counter\nhuohua_store_log_writes_total %llu\n"
                  "# HELP huohua_store_log_write_bytes_total Bytes written to the write-ahead log.\n"
                  "# TYPE huohua_store_log_write_bytes_total counter\nhuohua_store_log_write_bytes_total %llu\n",
                  (unsigned long long)st.log_writes, (unsigned long long)st.log_write_bytes);
    hh_buf_printf(&b,
                  "# HELP huohua_store_cache_truncations_total Truncations of SQLite's page caches (one per"
                  " write transaction; readers clear theirs after another connection's commit), by how: only the"
                  " pages above the database's size, a walk of every cached page, or a clear.\n"
                  "# TYPE huohua_store_cache_truncations_total counter\n"
                  "huohua_store_cache_truncations_total{how=\"bounded\"} %llu\n"
                  "huohua_store_cache_truncations_total{how=\"walk\"} %llu\n"
                  "huohua_store_cache_truncations_total{how=\"clear\"} %llu\n",
                  (unsigned long long)st.cache_truncations_bounded, (unsigned long long)st.cache_truncation_walks,
                  (unsigned long long)st.cache_clears);
    *len = b.len;
    return b.data;
}
