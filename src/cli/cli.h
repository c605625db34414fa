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

#endif
