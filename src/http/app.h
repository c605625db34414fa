/*
 * app.h — the running application: configuration, the store, loaded reference
 * data, and the HTTP server. One per process.
 */
#ifndef HH_APP_H
#define HH_APP_H

#include "http/http.h"

#include <stdatomic.h>
#include <stdio.h>

typedef struct hh_config {
    const char *db_path;       /* HUOHUA_DB, --db; default ./huohua.db */
    const char *listen;        /* HUOHUA_LISTEN, --listen; default 127.0.0.1 */
    int port;                  /* HUOHUA_PORT, --port; default 8080; 0 = any free port */
    const char *web_root;      /* HUOHUA_WEB, --web; default <source>/web */
    int threads;               /* HUOHUA_THREADS, --threads; default number of CPUs */
    int batch_max;             /* HUOHUA_BATCH_MAX, --batch-max; 1 = batching off */
    const char *sync;          /* HUOHUA_SYNC, --sync: "apart" or "inline" (see store.h) */
    size_t max_body;           /* HUOHUA_MAX_BODY, --max-body; default 1 MiB */
    int max_connections;       /* --max-connections; default 4096 */
    int idle_timeout_s;        /* --idle-timeout; default 60 */
    const char *access_log;    /* --access-log FILE, HUOHUA_ACCESS_LOG: default <db>.access.log,
                                * "-" stderr, "off" none */
    const char *server_log;    /* --log FILE; default stderr */
    int64_t session_ttl_ms;    /* --session-hours; default 7 days */
    const char *sms_provider;  /* HUOHUA_SMS_PROVIDER: log (default) or http */
    const char *sms_url;       /* HUOHUA_SMS_URL: the http provider's endpoint */
    const char *sms_secret;    /* HUOHUA_SMS_SECRET: HMAC key of the http provider */
    const char *payout_provider; /* HUOHUA_PAYOUT_PROVIDER, --payout-provider: red envelope
                                  * payouts, log (default) or http */
    const char *payout_url;    /* HUOHUA_PAYOUT_URL, --payout-url: the http provider's endpoint */
    const char *payout_secret; /* HUOHUA_PAYOUT_SECRET: HMAC key of the http provider */
    int payout_attempts;       /* HUOHUA_PAYOUT_ATTEMPTS, --payout-attempts: tries before failed (5) */
    const char *public_url;    /* HUOHUA_PUBLIC_URL, --public-url: base of QR links
                                * (default http://LISTEN:PORT) */
} hh_config;

void hh_config_defaults(hh_config *c);

struct hh_app {
    hh_config cfg;
    hh_store *store;
    void *daemon;              /* struct MHD_Daemon * */
    int bound_port;
    json_t *divisions;         /* [{code, name, province}] of GB/T 2260 cities */
    unsigned char code_key[32];/* MAC key of short codes (touch/code.c) */
    char base_url[256];        /* public_url, or http://listen:port */
    char files_dir[1024];      /* generated files (exports): "<db>.files" */
    _Atomic bool stopping;     /* set on SIGTERM: background jobs stop at their next step */
};

/* Start serving (returns once listening) and stop (drains pending writes). */
hh_status hh_server_start(hh_app *app);
void hh_server_stop(hh_app *app);

/* ---- reference data: GB/T 2260 divisions (org/divisions.c) ---- */
void hh_divisions_load(hh_app *app);
/* The city of a 6-digit code: HH_OK with borrowed strings, or HH_E_NOT_FOUND. */
hh_status hh_division_city(hh_app *app, const char *code, const char **city,
                           const char **province);

/* ---- metrics (http/metrics.c) ---- */
void hh_metrics_init(void);
void hh_metrics_observe(int route_index, int status, int64_t ns);
char *hh_metrics_render(hh_app *app, size_t *len); /* malloc'd text */

/* ---- background workers for CPU-heavy jobs (http/async.c) ---- */
void hh_workers_start(int n);
void hh_workers_stop(void);
void hh_workers_submit(void (*fn)(void *), void *arg);

/* ---- background jobs of a row, and their download files (http/jobs.c) ---- */
typedef void (*hh_job_fn)(hh_app *app, int64_t id);
/* run(app, id) on a worker thread */
void hh_job_start(hh_app *app, hh_job_fn run, int64_t id);
/* At startup: hh_job_start for each row id sql_ids lists (a query without
 * arguments, such as the running batches). */
void hh_jobs_resume(hh_app *app, const char *sql_ids, hh_job_fn run);
/* A job's CSV file: <files_dir>/<kind>-<id>.csv, written as .part and renamed
 * once complete and on disk. */
typedef struct {
    FILE *f;
    char path[1100], part[1110];
} hh_job_file;
void hh_job_file_path(hh_app *app, const char *kind, int64_t id, char *out, size_t n);
/* false: it could not be created (logged) */
bool hh_job_file_open(hh_job_file *jf, hh_app *app, const char *kind, int64_t id);
/* fflush, fsync, close, rename; false (logged, the part removed) on any failure */
bool hh_job_file_commit(hh_job_file *jf);
/* close and remove the part (a stopped or failed job) */
void hh_job_file_abort(hh_job_file *jf);

#endif
