/*
 * cli.h — the `huohua` command line: each subcommand is one function.
 */
#ifndef HH_CLI_H
#define HH_CLI_H

#include "http/app.h"

int hh_cmd_bench_members(hh_app *app, int argc, char **argv); /* bench.c */
int hh_cmd_demo(hh_app *app, bool quiet);
int hh_cmd_user_add(hh_app *app, int argc, char **argv);
int hh_cmd_enterprise_add(hh_app *app, int argc, char **argv);
int hh_cmd_import_members(hh_app *app, int argc, char **argv);
int hh_cmd_lottery(hh_app *app, int argc, char **argv);
/* `huohua check`: ledger and stock invariants; 0 ok, 1 a check failed, 2 cannot check. */
int hh_cmd_check(hh_app *app, bool json);
extern const char *hh_check_help;

#endif
