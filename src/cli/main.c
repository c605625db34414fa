/*
 * main.c — `huohua` subcommands, configuration from flags and environment,
 * and the serve loop (signals, periodic log flush and housekeeping).
 */
#include "cli/cli.h"
#include "auth/auth.h"
#include "core/log.h"
#include "member/member.h"
#include "reward/reward.h"
#include "points/points.h"
#include "touch/touch.h"
#include "reward/reward.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

static const char *usage_text =
    "huohua — O2O member activation (活化)\n"
    "\n"
    "Usage: huohua COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  serve             run the HTTP server (API and web apps)\n"
    "  migrate           create or upgrade the database schema\n"
    "  demo              load the demo enterprise (2 brands, 20 stores, 40 staff, accounts)\n"
    "  user add          add a sign-in account\n"
    "  enterprise add    add an enterprise (tenant)\n"
    "  bench-members N   N members with sessions, for load tests (prints member_id token)\n"
    "  backup FILE       copy the live database to FILE (safe while serving)\n"
    "  import members FILE.csv   import legacy members (dedupe by phone, error report)\n"
    "  check             verify the points ledger and stock invariants (exit 1 on a problem)\n"
    "  routes            list the API routes\n"
    "  lottery verify ID recompute every draw of a lottery campaign from its seed\n"
    "\n"
    "Common options (environment variable in brackets):\n"
    "  --db FILE            SQLite database [HUOHUA_DB] (default ./huohua.db)\n"
    "  -h, --help           help for a command\n"
    "\n"
    "Run `huohua COMMAND --help` for the options of a command.\n";

static const char *serve_help =
    "Usage: huohua serve [OPTIONS]\n"
    "  --db FILE              database [HUOHUA_DB] (./huohua.db)\n"
    "  --listen ADDR          IPv4 address to bind [HUOHUA_LISTEN] (127.0.0.1; 0.0.0.0 for all)\n"
    "  --port N               TCP port, 0 for any free one [HUOHUA_PORT] (8080)\n"
    "  --web DIR              web apps folder [HUOHUA_WEB] (the source tree's web/)\n"
    "  --threads N            HTTP threads [HUOHUA_THREADS] (number of CPUs)\n"
    "  --batch-max N          writes per commit; 1 turns batching off (one commit and one fsync\n"
    "                         per write, inline) [HUOHUA_BATCH_MAX] (1024)\n"
    "  --sync MODE            when the log is fsynced: inline (inside each COMMIT) or apart (by\n"
    "                         another thread while the writer runs the next batch) [HUOHUA_SYNC]\n"
    "                         (inline); either way no write is answered before it is on disk\n"
    "  --max-body BYTES       largest request body [HUOHUA_MAX_BODY] (1048576)\n"
    "  --max-connections N    concurrent connections (4096)\n"
    "  --idle-timeout SECS    close idle connections after (60)\n"
    "  --access-log FILE      JSON-lines access log; - for stderr, off for none [HUOHUA_ACCESS_LOG]\n"
    "                         (DB.access.log beside the database)\n"
    "  --log FILE             server log, - for stderr (-)\n"
    "  --session-hours N      session lifetime (168)\n"
    "  --sms-provider NAME    SMS provider: log (codes in the server log) or http [HUOHUA_SMS_PROVIDER] (log)\n"
    "  --sms-url URL          http provider: where messages are POSTed [HUOHUA_SMS_URL]\n"
    "                         (its HMAC key comes from HUOHUA_SMS_SECRET only, never a flag)\n"
    "  --payout-provider NAME red envelope payouts: log (paid at once, logged) or http [HUOHUA_PAYOUT_PROVIDER] (log)\n"
    "  --payout-url URL       http provider: where payouts are POSTed [HUOHUA_PAYOUT_URL]\n"
    "                         (its HMAC key comes from HUOHUA_PAYOUT_SECRET only, never a flag)\n"
    "  --payout-attempts N    tries of a payout before it is failed [HUOHUA_PAYOUT_ATTEMPTS] (5)\n"
    "  --public-url URL       base URL printed in QR codes [HUOHUA_PUBLIC_URL] (http://LISTEN:PORT)\n"
    "For tests only: HUOHUA_CLOCK=MS fixes the server's wall clock at that UTC millisecond\n"
    "(expiry, levels and daily limits across dates); never set it in production.\n";

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

void hh_config_defaults(hh_config *c)
{
    memset(c, 0, sizeof *c);
    c->db_path = env_or("HUOHUA_DB", "huohua.db");
    c->listen = env_or("HUOHUA_LISTEN", "127.0.0.1");
    c->port = atoi(env_or("HUOHUA_PORT", "8080"));
    c->web_root = env_or("HUOHUA_WEB", HH_SOURCE_DIR "/web");
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    c->threads = atoi(env_or("HUOHUA_THREADS", "0"));
    if (c->threads <= 0) c->threads = ncpu > 0 ? (int)ncpu : 2;
    c->batch_max = atoi(env_or("HUOHUA_BATCH_MAX", "1024"));
    c->sync = env_or("HUOHUA_SYNC", "inline");
    c->max_body = (size_t)atol(env_or("HUOHUA_MAX_BODY", "1048576"));
    c->max_connections = 4096;
    c->idle_timeout_s = 60;
    c->access_log = env_or("HUOHUA_ACCESS_LOG", "");
    c->server_log = "-";
    c->session_ttl_ms = 7LL * 24 * 3600 * 1000;
    c->sms_provider = env_or("HUOHUA_SMS_PROVIDER", "log");
    c->public_url = env_or("HUOHUA_PUBLIC_URL", "");
    c->sms_url = env_or("HUOHUA_SMS_URL", "");
    c->sms_secret = env_or("HUOHUA_SMS_SECRET", "");
    c->payout_provider = env_or("HUOHUA_PAYOUT_PROVIDER", "log");
    c->payout_url = env_or("HUOHUA_PAYOUT_URL", "");
    c->payout_secret = env_or("HUOHUA_PAYOUT_SECRET", "");
    c->payout_attempts = atoi(env_or("HUOHUA_PAYOUT_ATTEMPTS", "5"));
}

enum {
    O_DB = 1000, O_LISTEN, O_PORT, O_WEB, O_THREADS, O_BATCH, O_BODY, O_CONNS, O_IDLE, O_ALOG,
    O_LOG, O_SESSION, O_SMS, O_JSON, O_QUIET, O_PUBLIC, O_SMS_URL, O_PAYOUT, O_PAYOUT_URL, O_PAYOUT_ATTEMPTS, O_SYNC
};

static const struct option common_opts[] = {
    {"db", required_argument, 0, O_DB},
    {"listen", required_argument, 0, O_LISTEN},
    {"port", required_argument, 0, O_PORT},
    {"web", required_argument, 0, O_WEB},
    {"threads", required_argument, 0, O_THREADS},
    {"batch-max", required_argument, 0, O_BATCH},
    {"sync", required_argument, 0, O_SYNC},
    {"max-body", required_argument, 0, O_BODY},
    {"max-connections", required_argument, 0, O_CONNS},
    {"idle-timeout", required_argument, 0, O_IDLE},
    {"access-log", required_argument, 0, O_ALOG},
    {"log", required_argument, 0, O_LOG},
    {"session-hours", required_argument, 0, O_SESSION},
    {"sms-provider", required_argument, 0, O_SMS},
    {"public-url", required_argument, 0, O_PUBLIC},
    {"sms-url", required_argument, 0, O_SMS_URL},
    {"payout-provider", required_argument, 0, O_PAYOUT},
    {"payout-url", required_argument, 0, O_PAYOUT_URL},
    {"payout-attempts", required_argument, 0, O_PAYOUT_ATTEMPTS},
    {"json", no_argument, 0, O_JSON},
    {"quiet", no_argument, 0, O_QUIET},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

static int parse_int(const char *s, const char *what, int min, int max)
{
    int64_t v;
    if (!hh_parse_i64(s, &v) || v < min || v > max) {
        fprintf(stderr, "huohua: %s must be a whole number from %d to %d\n", what, min, max);
        exit(2);
    }
    return (int)v;
}

typedef struct {
    bool json, quiet, help;
} flags;

/* Parse the common options; leaves positional arguments at argv[optind..]. */
static void parse_opts(hh_config *c, flags *f, int argc, char **argv)
{
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", common_opts, NULL)) != -1) {
        switch (o) {
        case O_DB: c->db_path = optarg; break;
        case O_LISTEN: c->listen = optarg; break;
        case O_PORT: c->port = parse_int(optarg, "--port", 0, 65535); break;
        case O_WEB: c->web_root = optarg; break;
        case O_THREADS: c->threads = parse_int(optarg, "--threads", 1, 64); break;
        case O_BATCH: c->batch_max = parse_int(optarg, "--batch-max", 1, 65536); break;
        case O_SYNC: c->sync = optarg; break; /* checked below */
        case O_BODY: c->max_body = (size_t)parse_int(optarg, "--max-body", 1024, 1 << 30); break;
        case O_CONNS: c->max_connections = parse_int(optarg, "--max-connections", 1, 100000); break;
        case O_IDLE: c->idle_timeout_s = parse_int(optarg, "--idle-timeout", 1, 86400); break;
        case O_ALOG: c->access_log = optarg; break;
        case O_LOG: c->server_log = optarg; break;
        case O_SESSION:
            c->session_ttl_ms = (int64_t)parse_int(optarg, "--session-hours", 1, 24 * 365) * 3600000;
            break;
        case O_SMS: c->sms_provider = optarg; break;
        case O_SMS_URL: c->sms_url = optarg; break;
        case O_PAYOUT: c->payout_provider = optarg; break;
        case O_PAYOUT_URL: c->payout_url = optarg; break;
        case O_PAYOUT_ATTEMPTS: c->payout_attempts = parse_int(optarg, "--payout-attempts", 1, 20); break;
        case O_PUBLIC: c->public_url = optarg; break;
        case O_JSON: f->json = true; break;
        case O_QUIET: f->quiet = true; break;
        case 'h': f->help = true; break;
        default: exit(2);
        }
    }
    if (strcmp(c->sync, "apart") && strcmp(c->sync, "inline")) { /* the flag or HUOHUA_SYNC */
        fprintf(stderr, "huohua: --sync must be apart or inline (also HUOHUA_SYNC), not %s\n", c->sync);
        exit(2);
    }
}

/* --sync apart, unless batching is off (one commit per write: inline) */
static bool sync_apart(const hh_config *c)
{
    return c->batch_max > 1 && !strcmp(c->sync, "apart");
}

static int open_store(hh_app *app)
{
    hh_store_config sc = {.path = app->cfg.db_path, .batch_max = app->cfg.batch_max, .sync_apart = sync_apart(&app->cfg)};
    if (hh_store_open(&app->store, &sc) != HH_OK) {
        fprintf(stderr, "huohua: cannot open the database %s (see the log above)\n", app->cfg.db_path);
        return 1;
    }
    return 0;
}

/* ---- serve ---- */

static hh_status housekeeping(hh_db *tx, void *ud)
{
    (void)ud;
    int64_t now = hh_now_ms();
    hh_status st = hh_db_run(tx, NULL, "DELETE FROM idempotency WHERE created_at < ?",
                             HH_A(HH_I(now - 48LL * 3600 * 1000)));
    if (!st) st = hh_db_run(tx, NULL, "DELETE FROM sessions WHERE expires_at < ?", HH_A(HH_I(now)));
    if (!st)
        st = hh_db_run(tx, NULL, "DELETE FROM otp_codes WHERE created_at < ?",
                       HH_A(HH_I(now - 24LL * 3600 * 1000)));
    return st;
}

static void housekeeping_done(void *ud, hh_status st)
{
    (void)st;
    free(ud);
}

static int cmd_serve(hh_app *app)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* threads started below inherit the mask */
    signal(SIGPIPE, SIG_IGN);
    if (strcmp(app->cfg.sms_provider, "log") && strcmp(app->cfg.sms_provider, "http")) {
        fprintf(stderr, "huohua: unknown SMS provider %s (known: log, http)\n", app->cfg.sms_provider);
        return 2;
    }
    if (!strcmp(app->cfg.sms_provider, "http") && (!*app->cfg.sms_url || strlen(app->cfg.sms_secret) < 16)) {
        fprintf(stderr, "huohua: the http SMS provider needs HUOHUA_SMS_URL and HUOHUA_SMS_SECRET (16+ characters)\n");
        return 2;
    }
    if (strcmp(app->cfg.payout_provider, "log") && strcmp(app->cfg.payout_provider, "http")) {
        fprintf(stderr, "huohua: unknown payout provider %s (known: log, http)\n", app->cfg.payout_provider);
        return 2;
    }
    if (!strcmp(app->cfg.payout_provider, "http") &&
        (!*app->cfg.payout_url || strlen(app->cfg.payout_secret) < 16)) {
        fprintf(stderr, "huohua: the http payout provider needs HUOHUA_PAYOUT_URL and HUOHUA_PAYOUT_SECRET (16+ characters)\n");
        return 2;
    }
    if (app->cfg.payout_attempts < 1 || app->cfg.payout_attempts > 20) {
        fprintf(stderr, "huohua: HUOHUA_PAYOUT_ATTEMPTS must be a whole number from 1 to 20\n");
        return 2;
    }
    const char *fixed_clock = getenv("HUOHUA_CLOCK");
    if (fixed_clock && *fixed_clock) {
        int64_t ms;
        if (!hh_parse_i64(fixed_clock, &ms) || ms <= 0) {
            fprintf(stderr, "huohua: HUOHUA_CLOCK must be a time in UTC milliseconds\n");
            return 2;
        }
        hh_clock_set(ms); /* tests only (see serve --help) */
        hh_warn("server.clock_fixed", "{s:I}", "now_ms", (json_int_t)ms);
    }
    if (open_store(app)) return 1;
    hh_divisions_load(app);
    if (hh_code_key_load(app->store, app->code_key) != HH_OK) {
        hh_store_close(app->store);
        return 1;
    }
    hh_workers_start(app->cfg.threads);
    if (hh_server_start(app) != HH_OK) {
        fprintf(stderr, "huohua: cannot listen on %s:%d\n", app->cfg.listen, app->cfg.port);
        hh_workers_stop();
        hh_store_close(app->store);
        return 1;
    }
    if (app->cfg.public_url && *app->cfg.public_url)
        snprintf(app->base_url, sizeof app->base_url, "%s", app->cfg.public_url);
    else
        snprintf(app->base_url, sizeof app->base_url, "http://%s:%d", app->cfg.listen, app->bound_port);
    size_t bl = strlen(app->base_url);
    if (bl && app->base_url[bl - 1] == '/') app->base_url[bl - 1] = 0;
    snprintf(app->files_dir, sizeof app->files_dir, "%s.files", app->cfg.db_path);
    mkdir(app->files_dir, 0750);
    hh_tp_batches_resume(app);
    hh_product_batches_resume(app);
    hh_lottery_batches_resume(app);
    hh_coupon_batches_resume(app);
    hh_imports_recover(app);
    if (!strcmp(app->cfg.sms_provider, "http")) hh_sms_dispatcher_start(app);
    hh_payout_dispatcher_start(app);
    printf("huohua listening on http://%s:%d/\n", app->cfg.listen, app->bound_port);
    printf("  admin console  http://%s:%d/admin/\n  staff app      http://%s:%d/staff/\n"
           "  member H5      http://%s:%d/m/\n",
           app->cfg.listen, app->bound_port, app->cfg.listen, app->bound_port, app->cfg.listen,
           app->bound_port);
    fflush(stdout);
    hh_info("server.started", "{s:s, s:i, s:i, s:i, s:s, s:s}", "listen", app->cfg.listen, "port",
            app->bound_port, "threads", app->cfg.threads, "batch_max", app->cfg.batch_max, "sync",
            sync_apart(&app->cfg) ? "apart" : "inline", "db", app->cfg.db_path);
    struct timespec tick = {1, 0};
    int64_t last_housekeeping = 0;
    for (;;) {
        int sig = sigtimedwait(&set, NULL, &tick);
        if (sig == SIGINT || sig == SIGTERM) break;
        hh_log_flush();
        hh_receipts_tick(app); /* event reminders, stale receipt photos */
        int64_t now = hh_now_ms();
        if (now - last_housekeeping > 600000) {
            last_housekeeping = now;
            hh_cmd *cmd = hh_xcalloc(1, sizeof *cmd);
            cmd->apply = housekeeping;
            cmd->done = housekeeping_done;
            cmd->ud = cmd;
            hh_store_submit(app->store, cmd);
            hh_tags_recompute_all(app->store);
            hh_points_housekeeping(app->store); /* expiry, level reviews */
        }
    }
    hh_info("server.stopping", NULL);
    atomic_store(&app->stopping, true);
    hh_server_stop(app);
    hh_sms_dispatcher_stop();
    hh_payout_dispatcher_stop();
    hh_workers_stop();
    hh_store_close(app->store);
    json_decref(app->divisions);
    hh_log_close();
    return 0;
}

static int cmd_backup(hh_app *app, const char *dest)
{
    if (!dest) {
        fprintf(stderr, "Usage: huohua backup FILE [--db FILE]\n");
        return 2;
    }
    if (access(dest, F_OK) == 0) {
        fprintf(stderr, "huohua: %s exists; choose a new file name\n", dest);
        return 1;
    }
    hh_store_config sc = {.path = app->cfg.db_path, .readonly = true};
    if (access(app->cfg.db_path, R_OK) != 0 || hh_store_open(&app->store, &sc) != HH_OK) {
        fprintf(stderr, "huohua: cannot open the database %s\n", app->cfg.db_path);
        return 1;
    }
    hh_status st = app->store->ops->backup(app->store, dest);
    hh_store_close(app->store);
    if (st != HH_OK) {
        fprintf(stderr, "huohua: backup failed (see the log above)\n");
        return 1;
    }
    printf("backup written to %s\n", dest);
    return 0;
}

static int cmd_routes(bool json)
{
    for (size_t i = 0; i < hh_routes_count; i++) {
        const hh_route *r = &hh_routes[i];
        for (int m = HH_GET; m <= HH_DELETE; m <<= 1) {
            if (!(r->methods & m)) continue;
            if (json)
                printf("{\"method\":\"%s\",\"path\":\"%s\",\"auth\":\"%s\",\"idempotency\":%s,\"upload\":%s}\n",
                       hh_method_name(m), r->pattern,
                       r->auth == HH_AUTH_ACCOUNT ? "account" : r->auth == HH_AUTH_MEMBER ? "member" : "none",
                       m != HH_GET && !r->no_idempotency ? "true" : "false", r->upload ? "true" : "false");
            else
                printf("%-7s %s\n", hh_method_name(m), r->pattern);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "huohua: libsodium failed to initialise\n");
        return 1;
    }
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("huohua %s\n", HH_VERSION);
        return 0;
    }
    static hh_app app;
    hh_config_defaults(&app.cfg);
    const char *cmd = argv[1];
    int sub_argc = argc - 1;
    char **sub_argv = argv + 1;
    if (!strcmp(cmd, "bench-members")) return hh_cmd_bench_members(&app, sub_argc, sub_argv);
    if (!strcmp(cmd, "import")) {
        if (argc < 3 || strcmp(argv[2], "members")) {
            bool help = argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"));
            fprintf(help ? stdout : stderr,
                    "Usage: huohua import members FILE.csv [--db FILE] [--enterprise ID] [--errors FILE]\n");
            return help ? 0 : 2;
        }
        return hh_cmd_import_members(&app, argc - 2, argv + 2);
    }
    if (!strcmp(cmd, "lottery")) return hh_cmd_lottery(&app, argc - 1, argv + 1);
    if ((!strcmp(cmd, "user") || !strcmp(cmd, "enterprise")) && argc > 2 && !strcmp(argv[2], "add")) {
        sub_argc--;
        sub_argv++;
    } else if (!strcmp(cmd, "user") || !strcmp(cmd, "enterprise")) {
        bool help = argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"));
        fprintf(help ? stdout : stderr, "Usage: huohua %s add [OPTIONS]   (see huohua %s add --help)\n", cmd, cmd);
        return help ? 0 : 2;
    }
    flags f = {0};
    if (strcmp(cmd, "user") && strcmp(cmd, "enterprise")) parse_opts(&app.cfg, &f, sub_argc, sub_argv);
    const char *log_path = app.cfg.server_log;
    if (!strcmp(cmd, "serve")) {
        /* the access log is on by default, beside the database */
        static char default_access[4200];
        if (!*app.cfg.access_log) {
            snprintf(default_access, sizeof default_access, "%s.access.log", app.cfg.db_path);
            app.cfg.access_log = default_access;
        } else if (!strcmp(app.cfg.access_log, "off")) {
            app.cfg.access_log = "";
        }
    }
    if (hh_log_open(log_path, app.cfg.access_log && *app.cfg.access_log ? app.cfg.access_log : "-",
                    f.quiet ? HH_LOG_WARN : HH_LOG_INFO) != 0) {
        fprintf(stderr, "huohua: cannot open the log files (%s, %s)\n", log_path, app.cfg.access_log);
        return 1;
    }

    if (!strcmp(cmd, "serve")) {
        if (f.help) return fputs(serve_help, stdout), 0;
        return cmd_serve(&app);
    }
    if (!strcmp(cmd, "migrate")) {
        if (f.help) return puts("Usage: huohua migrate [--db FILE]\nCreates the database or applies new migrations."), 0;
        if (open_store(&app)) return 1;
        hh_store_close(app.store);
        printf("database %s is up to date\n", app.cfg.db_path);
        return 0;
    }
    if (!strcmp(cmd, "demo")) {
        if (f.help)
            return puts("Usage: huohua demo [--db FILE] [--quiet]\n"
                        "Loads the demo enterprise once (again is a no-op) and prints the demo logins."),
                   0;
        if (open_store(&app)) return 1;
        int rc = hh_cmd_demo(&app, f.quiet);
        hh_store_close(app.store);
        return rc;
    }
    if (!strcmp(cmd, "backup")) {
        if (f.help) return puts("Usage: huohua backup FILE [--db FILE]\nCopies the database with SQLite's online backup; safe while the server runs."), 0;
        return cmd_backup(&app, optind < sub_argc ? sub_argv[optind] : NULL);
    }
    if (!strcmp(cmd, "check")) {
        if (f.help) return fputs(hh_check_help, stdout), 0;
        return hh_cmd_check(&app, f.json);
    }
    if (!strcmp(cmd, "routes")) {
        if (f.help) return puts("Usage: huohua routes [--json]"), 0;
        return cmd_routes(f.json);
    }
    if (!strcmp(cmd, "user")) return hh_cmd_user_add(&app, sub_argc, sub_argv);
    if (!strcmp(cmd, "enterprise")) return hh_cmd_enterprise_add(&app, sub_argc, sub_argv);
    fprintf(stderr, "huohua: unknown command %s\n\n%s", cmd, usage_text);
    return 2;
}
