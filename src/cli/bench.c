/*
 * bench.c — `huohua bench-members N`: N members with a member session each,
 * for load tests (bench/lottery.sh) that need many members drawing at once.
 *
 * A real member signs in with a phone and an SMS code (src/member/otp.c),
 * which is rate-limited per phone and per client address, so a benchmark
 * cannot sign in thousands of members over HTTP. This command does what a
 * successful sign-in does — hh_member_identify (the member is created, or the
 * existing one with that phone is found) and hh_session_create — directly in
 * the database, in one transaction, and prints "member_id token" per line.
 * Anyone who can run it can already write to the database, so it opens no new
 * door; the phones are synthetic (+86 199 0xxx xxxx, --phone-base to move).
 */
#include "auth/auth.h"
#include "cli/cli.h"
#include "core/phone.h"
#include "member/member.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t enterprise_id, n, phone_base, ttl_ms;
    int64_t *ids;
    char (*tokens)[HH_TOKEN_HEX + 1];
    const char *error;
} bench_ctx;

static hh_status bench_members_apply(hh_db *tx, void *ud)
{
    bench_ctx *b = ud;
    int64_t found = 0;
    hh_status st = hh_db_int(tx, &found, "SELECT id FROM enterprises WHERE id = ?", HH_A(HH_I(b->enterprise_id)));
    if (st) {
        b->error = "no such enterprise";
        return st;
    }
    for (int64_t i = 0; i < b->n; i++) {
        char raw[32], phone[HH_PHONE_MAX];
        snprintf(raw, sizeof raw, "%lld", (long long)(b->phone_base + i));
        if (hh_phone_normalize(raw, "CN", true, phone) != HH_PHONE_OK) {
            b->error = "a synthetic phone is not a valid mainland mobile (choose another --phone-base)";
            return HH_E_INVALID;
        }
        hh_identify id = {.enterprise_id = b->enterprise_id, .phone = phone, .via = "h5"};
        if ((st = hh_member_identify(tx, &id))) return st;
        int64_t expires;
        if ((st = hh_session_create(tx, "member", id.member_id, b->enterprise_id, b->ttl_ms, b->tokens[i],
                                    &expires)))
            return st;
        b->ids[i] = id.member_id;
    }
    return HH_OK;
}

int hh_cmd_bench_members(hh_app *app, int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                          {"enterprise", required_argument, 0, 'e'},
                                          {"phone-base", required_argument, 0, 'p'},
                                          {"session-hours", required_argument, 0, 's'},
                                          {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};
    bench_ctx b = {.enterprise_id = 1, .phone_base = 19900000000LL, .ttl_ms = 24LL * 3600 * 1000};
    bool help = false;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int64_t v;
        switch (o) {
        case 'd': app->cfg.db_path = optarg; break;
        case 'e':
            if (!hh_parse_i64(optarg, &b.enterprise_id) || b.enterprise_id < 1) goto usage;
            break;
        case 'p':
            if (!hh_parse_i64(optarg, &b.phone_base) || b.phone_base < 13000000000LL ||
                b.phone_base > 19999999999LL)
                goto usage;
            break;
        case 's':
            if (!hh_parse_i64(optarg, &v) || v < 1 || v > 24 * 365) goto usage;
            b.ttl_ms = v * 3600 * 1000;
            break;
        case 'h': help = true; goto usage;
        default: goto usage;
        }
    }
    if (optind != argc - 1 || !hh_parse_i64(argv[optind], &b.n) || b.n < 1 || b.n > 1000000) goto usage;
    if (b.phone_base + b.n - 1 > 19999999999LL) goto usage;
    b.ids = calloc((size_t)b.n, sizeof *b.ids);
    b.tokens = calloc((size_t)b.n, sizeof *b.tokens);
    if (!b.ids || !b.tokens) {
        free(b.ids);
        free(b.tokens);
        fprintf(stderr, "huohua: out of memory\n");
        return 1;
    }
    hh_store_config sc = {.path = app->cfg.db_path, .batch_max = 1};
    if (hh_store_open(&app->store, &sc) != HH_OK) {
        free(b.ids);
        free(b.tokens);
        fprintf(stderr, "huohua: cannot open the database %s\n", app->cfg.db_path);
        return 1;
    }
    hh_status st = hh_store_write_sync(app->store, bench_members_apply, &b);
    hh_store_close(app->store);
    if (st == HH_OK)
        for (int64_t i = 0; i < b.n; i++) printf("%lld %s\n", (long long)b.ids[i], b.tokens[i]);
    else
        fprintf(stderr, "huohua: cannot create the members: %s\n", b.error ? b.error : hh_status_code(st));
    free(b.ids);
    free(b.tokens);
    return st == HH_OK ? 0 : 1;
usage:
    fprintf(help ? stdout : stderr,
            "Usage: huohua bench-members N [--db FILE] [--enterprise ID] [--phone-base 19900000000]\n"
            "                              [--session-hours 24]\n"
            "  For load tests: N (1–1000000) members with synthetic phones (phone-base, +1, …),\n"
            "  each with a fresh member session; prints \"member_id token\" per line.\n");
    return help ? 0 : 2;
}
