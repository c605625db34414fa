/*
 * lottery.c — `huohua lottery verify CAMPAIGN`: recompute every draw of a
 * campaign from its seed (HMAC-SHA-256 of the draw id), the initial stocks and
 * the stock added later, and compare with what the database holds. Reads only
 * (safe while the server runs). Exit 0: every draw matches; 1: mismatches
 * (listed) or no such campaign; 2: usage.
 */
#include "cli/cli.h"
#include "reward/reward.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *verify_help =
    "Usage: huohua lottery verify CAMPAIGN [--db FILE] [--json]\n"
    "Recomputes every draw of lottery campaign CAMPAIGN (id) from the campaign's seed:\n"
    "  roll = first 8 bytes of HMAC-SHA-256(seed, draw id), mapped onto the prizes' weights\n"
    "  available at that moment (replayed from the initial stock and later additions),\n"
    "and checks each stored roll and outcome, the stock left of every prize, and that the\n"
    "published seed_commitment is SHA-256(seed).\n"
    "  --db FILE   database [HUOHUA_DB] (./huohua.db)\n"
    "  --json      print the report as JSON\n"
    "Exit status: 0 all draws verified, 1 mismatches (listed) or unknown campaign, 2 usage.\n";

int hh_cmd_lottery(hh_app *app, int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    bool json = false;
    int o;
    if (argc < 2 || strcmp(argv[1], "verify")) {
        bool help = argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
        fputs(verify_help, help ? stdout : stderr);
        return help ? 0 : 2;
    }
    argc--, argv++;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (o == 'd')
            app->cfg.db_path = optarg;
        else if (o == 'j')
            json = true;
        else {
            fputs(verify_help, o == 'h' ? stdout : stderr);
            return o == 'h' ? 0 : 2;
        }
    }
    int64_t id;
    if (optind != argc - 1 || !hh_parse_i64(argv[optind], &id) || id <= 0) {
        fputs(verify_help, stderr);
        return 2;
    }
    hh_store_config sc = {.path = app->cfg.db_path, .readonly = true};
    if (access(app->cfg.db_path, R_OK) != 0 || hh_store_open(&app->store, &sc) != HH_OK) {
        fprintf(stderr, "huohua: cannot open the database %s\n", app->cfg.db_path);
        return 1;
    }
    json_t *rep = NULL;
    hh_status st = hh_lottery_verify(hh_store_reader(app->store), id, &rep);
    hh_store_close(app->store);
    if (st == HH_E_NOT_FOUND) {
        fprintf(stderr, "huohua: no campaign %lld in %s\n", (long long)id, app->cfg.db_path);
        return 1;
    }
    if (st) {
        fprintf(stderr, "huohua: reading the draws failed (%s)\n", hh_status_code(st));
        return 1;
    }
    bool ok = json_is_true(json_object_get(rep, "ok"));
    if (json) {
        json_dumpf(rep, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        json_t *mm = json_object_get(rep, "mismatches");
        printf("campaign %lld %s: %lld draws, %lld wins; seed commitment %s\n", (long long)id,
               json_string_value(json_object_get(rep, "name")),
               (long long)json_integer_value(json_object_get(rep, "draws")),
               (long long)json_integer_value(json_object_get(rep, "wins")),
               json_is_true(json_object_get(rep, "commitment_ok")) ? "matches the seed" : "DOES NOT match the seed");
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(rep, "prizes"), i, p)
            printf("  prize %lld %s: stock %lld = won %lld + left %lld\n",
                   (long long)json_integer_value(json_object_get(p, "id")), json_string_value(json_object_get(p, "name")),
                   (long long)json_integer_value(json_object_get(p, "stock")),
                   (long long)json_integer_value(json_object_get(p, "won")),
                   (long long)json_integer_value(json_object_get(p, "remaining")));
        json_array_foreach(mm, i, p) printf("MISMATCH %s\n", json_string_value(json_object_get(p, "problem")));
        if (ok)
            printf("OK: every draw matches the seed\n");
        else
            printf("FAILED: %zu mismatch%s%s\n", json_array_size(mm), json_array_size(mm) == 1 ? "" : "es",
                   json_is_true(json_object_get(rep, "mismatches_truncated")) ? " (first 1000 listed)" : "");
    }
    json_decref(rep);
    return ok ? 0 : 1;
}
