/*
 * import.c — `huohua import members FILE.csv`: the legacy import with a
 * progress bar on the terminal and an error report beside the file.
 */
#include "cli/cli.h"
#include "member/import.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    int64_t t0;
    bool tty;
} bar;

static bool show(void *ud, const hh_import_stats *s)
{
    bar *b = ud;
    double secs = (double)(hh_mono_ns() - b->t0) / 1e9;
    double frac = s->bytes_total ? (double)s->bytes_done / (double)s->bytes_total : 1;
    int w = 30, filled = (int)(frac * w);
    char line[64];
    for (int i = 0; i < w; i++) line[i] = i < filled ? '#' : '.';
    line[w] = 0;
    fprintf(stderr, "%s[%s] %3.0f%%  %lld rows  %.0f rows/s  new %lld  existing %lld  dup %lld  invalid %lld%s",
            b->tty ? "\r" : "", line, frac * 100, (long long)s->rows, secs > 0 ? (double)s->rows / secs : 0,
            (long long)s->created, (long long)s->existing, (long long)s->duplicate, (long long)s->invalid,
            b->tty ? "" : "\n");
    fflush(stderr);
    return true;
}

int hh_cmd_import_members(hh_app *app, int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"enterprise", required_argument, 0, 'e'},
                                         {"errors", required_argument, 0, 'x'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int64_t ent = 1;
    const char *errors = NULL;
    bool help = false;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (o == 'd')
            app->cfg.db_path = optarg;
        else if (o == 'e' && hh_parse_i64(optarg, &ent) && ent > 0)
            continue;
        else if (o == 'x')
            errors = optarg;
        else {
            help = o == 'h';
            goto usage;
        }
    }
    if (optind >= argc) goto usage;
    const char *file = argv[optind];
    char errors_buf[4096];
    if (!errors) {
        snprintf(errors_buf, sizeof errors_buf, "%s.errors.csv", file);
        errors = errors_buf;
    }
    hh_store_config sc = {.path = app->cfg.db_path};
    if (hh_store_open(&app->store, &sc) != HH_OK) return 1;
    int64_t n = 0;
    if (hh_db_int(hh_store_reader(app->store), &n, "SELECT count(*) FROM enterprises WHERE id = ?", HH_A(HH_I(ent))) ||
        !n) {
        fprintf(stderr, "huohua: no enterprise %lld (see --enterprise)\n", (long long)ent);
        hh_store_close(app->store);
        return 1;
    }
    bar b = {.t0 = hh_mono_ns(), .tty = isatty(2)};
    hh_import_stats st;
    char err[512] = "";
    hh_status rc = hh_import_members(app->store, ent, file, errors, show, &b, &st, err, sizeof err);
    hh_store_close(app->store);
    double secs = (double)(hh_mono_ns() - b.t0) / 1e9;
    fprintf(stderr, "\n");
    if (rc != HH_OK) {
        fprintf(stderr, "huohua: import failed: %s\n", err);
        return 1;
    }
    printf("imported %s in %.1f s: %lld rows, %lld new members, %lld already members, %lld duplicates in the file,"
           " %lld invalid\n",
           file, secs, (long long)st.rows, (long long)st.created, (long long)st.existing, (long long)st.duplicate,
           (long long)st.invalid);
    if (st.duplicate + st.invalid) printf("rows not imported are listed with their line numbers in %s\n", errors);
    return 0;
usage:
    fprintf(help ? stdout : stderr, "Usage: huohua import members FILE.csv [--db FILE] [--enterprise ID] [--errors FILE]\n"
                    "  Columns by header: 手机号/phone (required), 姓名/name, 性别/gender, 生日/birthday,\n"
                    "  城市代码/city_code, 会员号/legacy_no, 注册时间/registered_at. Re-running changes nothing.\n");
    return help ? 0 : 2;
}
