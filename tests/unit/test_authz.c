/*
 * test_authz.c — hh_authz() for every role × action × kind of scope, as a
 * table written from the rules in the header comment of auth/authz.c (not
 * from the code): owner everything in its enterprise; brand_manager reads
 * what touches its brands, updates its brands, writes stores whose brands are
 * all its own, writes staff and staff accounts of stores touching its brands,
 * writes marketing objects of its brands; staff reads its store, the brands
 * it serves, its colleagues, its own account and its store's marketing
 * objects, and writes nothing; member nothing; another enterprise's object is
 * "not found". Then hh_authz_req() and hh_scope_load() on a real store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "core/log.h"
#include "http/app.h"

/* ---- the principals ---- */

static hh_principal owner(void)
{
    return (hh_principal){.role = HH_ROLE_OWNER, .id = 1, .enterprise_id = 1};
}

static hh_principal brand_manager(void)
{
    return (hh_principal){
        .role = HH_ROLE_BRAND_MANAGER, .id = 2, .enterprise_id = 1, .brands = {1}, .nbrands = 1};
}

static hh_principal staff(void)
{
    return (hh_principal){.role = HH_ROLE_STAFF,
                          .id = 3,
                          .enterprise_id = 1,
                          .staff_id = 30,
                          .store_id = 5,
                          .brands = {1, 2},
                          .nbrands = 2};
}

static hh_principal member(void)
{
    /* same number as the brand manager's account: ids of kinds never mix */
    return (hh_principal){.role = HH_ROLE_MEMBER, .id = 2, .enterprise_id = 1};
}

static hh_principal anonymous(void) { return (hh_principal){.role = HH_ROLE_NONE}; }

/* ---- the actions, in table column order ---- */

static const hh_action actions[] = {
    HH_ACT_NONE,         HH_ACT_READ,          HH_ACT_BRAND_CREATE, HH_ACT_BRAND_WRITE,
    HH_ACT_STORE_WRITE,  HH_ACT_STAFF_WRITE,   HH_ACT_ACCOUNT_READ, HH_ACT_ACCOUNT_WRITE,
    HH_ACT_AUDIT_READ,   HH_ACT_ADMIN,         HH_ACT_MARKETING_WRITE,
};
static const char *const action_names[] = {
    "NONE",          "READ",         "BRAND_CREATE", "BRAND_WRITE", "STORE_WRITE",     "STAFF_WRITE",
    "ACCOUNT_READ", "ACCOUNT_WRITE", "AUDIT_READ",   "ADMIN",       "MARKETING_WRITE",
};
#define NACT HH_ARRAY_LEN(actions)
/* actions that change the organisation (staff may do none of them) */
static bool is_write(hh_action a)
{
    return a == HH_ACT_BRAND_CREATE || a == HH_ACT_BRAND_WRITE || a == HH_ACT_STORE_WRITE ||
           a == HH_ACT_STAFF_WRITE || a == HH_ACT_ACCOUNT_WRITE || a == HH_ACT_MARKETING_WRITE ||
           a == HH_ACT_ADMIN;
}

/* ---- the scopes ---- */

typedef struct {
    const char *name;
    hh_scope s;
    /* expected per action column: Y ok, F forbidden, N not found, U unauthenticated,
     * '-' the rules say nothing (the combination is used by no route): OK or F */
    const char *bm, *staff;
} scope_case;

#define BR(...) .brands = {__VA_ARGS__}, .nbrands = (int)(sizeof((int64_t[]){__VA_ARGS__}) / 8)

/*                                                   N R C W S F a A u d M */
static const scope_case cases[] = {
    {"targetless", {.enterprise_id = 1},             "YYFFYYYYFFY", "YYFFFFYFFFF"},
    {"brand 1", {.enterprise_id = 1, BR(1)},         "YYFYYY--FFY", "YYFFFF--FFF"},
    {"brand 2", {.enterprise_id = 1, BR(2)},         "YFFFFF--FFF", "YYFFFF--FFF"},
    {"brand 3", {.enterprise_id = 1, BR(3)},         "YFFFFF--FFF", "YFFFFF--FFF"},
    {"brands 1+3", {.enterprise_id = 1, BR(1, 3)},   "YYFFFY--FFF", "Y-FFFF--FFF"},
    {"store 5 (1,2)", {.enterprise_id = 1, .store_id = 5, BR(1, 2)}, "YYF-FY--FF-", "YYFFFF--FFF"},
    {"store 6 (1)", {.enterprise_id = 1, .store_id = 6, BR(1)},      "YYF-YY--FF-", "YFFFFF--FFF"},
    {"store 7 (3)", {.enterprise_id = 1, .store_id = 7, BR(3)},      "YFF-FF--FF-", "YFFFFF--FFF"},
    {"store 8 (no brands)", {.enterprise_id = 1, .store_id = 8},     "YFF-FF--FF-", "YFFFFF--FFF"},
    {"touchpoint b1@store5", {.enterprise_id = 1, .store_id = 5, BR(1)}, "YYF-----FFY", "YYFFFF--FFF"},
    {"touchpoint b1@store7", {.enterprise_id = 1, .store_id = 7, BR(1)}, "YYF-----FFY", "YFFFFF--FFF"},
    {"touchpoint b3@store5", {.enterprise_id = 1, .store_id = 5, BR(3)}, "YFF-----FFF", "YYFFFF--FFF"},
    {"account 10 staff@5",
     {.enterprise_id = 1, .account_id = 10, .account_role = HH_ROLE_STAFF, .store_id = 5, BR(1, 2)},
     "Y-F---YYFF-", "Y-FFFFFFFFF"},
    {"account 11 staff@7",
     {.enterprise_id = 1, .account_id = 11, .account_role = HH_ROLE_STAFF, .store_id = 7, BR(3)},
     "Y-F---FFFF-", "Y-FFFFFFFFF"},
    {"account 12 brand_manager",
     {.enterprise_id = 1, .account_id = 12, .account_role = HH_ROLE_BRAND_MANAGER},
     "Y-F---FFFF-", "Y-FFFFFFFFF"},
    {"account 13 owner", {.enterprise_id = 1, .account_id = 13, .account_role = HH_ROLE_OWNER},
     "Y-F---FFFF-", "Y-FFFFFFFFF"},
    {"account 1 (the owner)", {.enterprise_id = 1, .account_id = 1, .account_role = HH_ROLE_OWNER},
     "Y-F---FFFF-", "Y-FFFFFFFFF"},
    {"account 2 (the brand manager)",
     {.enterprise_id = 1, .account_id = 2, .account_role = HH_ROLE_BRAND_MANAGER},
     "Y-F---YFFF-", "Y-FFFFFFFFF"},
    {"account 3 (the staff)",
     {.enterprise_id = 1, .account_id = 3, .account_role = HH_ROLE_STAFF, .store_id = 5, BR(1, 2)},
     "Y-F---YYFF-", "Y-FFFFYFFFF"},
    {"other enterprise, targetless", {.enterprise_id = 2}, "NNNNNNNNNNN", "NNNNNNNNNNN"},
    {"other enterprise, brand 1", {.enterprise_id = 2, BR(1)}, "NNNNNNNNNNN", "NNNNNNNNNNN"},
    {"other enterprise, store 5", {.enterprise_id = 2, .store_id = 5, BR(1, 2)}, "NNNNNNNNNNN",
     "NNNNNNNNNNN"},
    {"other enterprise, account 2",
     {.enterprise_id = 2, .account_id = 2, .account_role = HH_ROLE_BRAND_MANAGER}, "NNNNNNNNNNN",
     "NNNNNNNNNNN"},
    {"other enterprise, account 3",
     {.enterprise_id = 2, .account_id = 3, .account_role = HH_ROLE_STAFF, .store_id = 5, BR(1)},
     "NNNNNNNNNNN", "NNNNNNNNNNN"},
};

static hh_status expected(char c)
{
    switch (c) {
    case 'Y': return HH_OK;
    case 'F': return HH_E_FORBIDDEN;
    case 'N': return HH_E_NOT_FOUND;
    case 'U': return HH_E_UNAUTHENTICATED;
    default: return HH_STATUS_COUNT; /* unspecified */
    }
}

static const char *st_name(hh_status st) { return hh_status_code(st); }

/* Check one principal against the table column given by pick(). Returns the
 * number of disagreements, each printed. */
static int check_role(const char *role, hh_principal p, const char *(*pick)(const scope_case *))
{
    int bad = 0;
    for (size_t i = 0; i < HH_ARRAY_LEN(cases); i++) {
        const char *row = pick(&cases[i]);
        for (size_t a = 0; a < NACT; a++) {
            hh_status got = hh_authz(&p, actions[a], &cases[i].s);
            hh_status want = expected(row[a]);
            bool ok = want == HH_STATUS_COUNT ? (got == HH_OK || got == HH_E_FORBIDDEN)
                                              : got == want;
            if (!ok) {
                print_error("%s %s on %s: expected %s, got %s\n", role, action_names[a],
                            cases[i].name,
                            want == HH_STATUS_COUNT ? "ok or forbidden" : st_name(want),
                            st_name(got));
                bad++;
            }
        }
    }
    return bad;
}

static const char *col_owner(const scope_case *c)
{
    return c->s.enterprise_id == 1 ? "YYYYYYYYYYY" : "NNNNNNNNNNN";
}
static const char *col_member(const scope_case *c)
{
    return c->s.enterprise_id == 1 ? "FFFFFFFFFFF" : "NNNNNNNNNNN";
}
static const char *col_anonymous(const scope_case *c)
{
    (void)c;
    return "UUUUUUUUUUU";
}
static const char *col_bm(const scope_case *c) { return c->bm; }
static const char *col_staff(const scope_case *c) { return c->staff; }

static void test_table_is_complete(void **state)
{
    (void)state;
    assert_int_equal(HH_ARRAY_LEN(action_names), NACT);
    for (size_t i = 0; i < HH_ARRAY_LEN(cases); i++) {
        /* the rows are plain ASCII of one character per action */
        if (strlen(cases[i].bm) != NACT || strlen(cases[i].staff) != NACT)
            fail_msg("row \"%s\" has %zu/%zu columns, expected %zu", cases[i].name,
                     strlen(cases[i].bm), strlen(cases[i].staff), NACT);
    }
}

static void test_owner(void **state)
{
    (void)state;
    assert_int_equal(check_role("owner", owner(), col_owner), 0);
}

static void test_brand_manager(void **state)
{
    (void)state;
    assert_int_equal(check_role("brand_manager", brand_manager(), col_bm), 0);
}

static void test_staff(void **state)
{
    (void)state;
    assert_int_equal(check_role("staff", staff(), col_staff), 0);
}

static void test_member(void **state)
{
    (void)state;
    assert_int_equal(check_role("member", member(), col_member), 0);
}

static void test_anonymous(void **state)
{
    (void)state;
    assert_int_equal(check_role("anonymous", anonymous(), col_anonymous), 0);
}

/* Invariants that hold for every scope, including ones not in the table. */
static void test_invariants(void **state)
{
    (void)state;
    hh_principal st = staff(), bm = brand_manager();
    for (size_t i = 0; i < HH_ARRAY_LEN(cases); i++) {
        const hh_scope *s = &cases[i].s;
        for (size_t a = 0; a < NACT; a++) {
            hh_status r_staff = hh_authz(&st, actions[a], s);
            hh_status r_bm = hh_authz(&bm, actions[a], s);
            if (is_write(actions[a]) && r_staff == HH_OK)
                fail_msg("staff may %s on %s", action_names[a], cases[i].name);
            if ((actions[a] == HH_ACT_BRAND_CREATE || actions[a] == HH_ACT_AUDIT_READ ||
                 actions[a] == HH_ACT_ADMIN) &&
                r_bm == HH_OK)
                fail_msg("brand manager may %s on %s", action_names[a], cases[i].name);
            /* never "forbidden" for another tenant's object: that would confirm it exists */
            if (s->enterprise_id != 1) {
                assert_int_equal(r_staff, HH_E_NOT_FOUND);
                assert_int_equal(r_bm, HH_E_NOT_FOUND);
            }
        }
    }
}

static void test_principal_without_brands(void **state)
{
    (void)state;
    hh_principal p = brand_manager();
    p.nbrands = 0;
    hh_scope b1 = {.enterprise_id = 1, BR(1)}, empty_store = {.enterprise_id = 1, .store_id = 9};
    assert_int_equal(hh_authz(&p, HH_ACT_READ, &b1), HH_E_FORBIDDEN);
    assert_int_equal(hh_authz(&p, HH_ACT_BRAND_WRITE, &b1), HH_E_FORBIDDEN);
    assert_int_equal(hh_authz(&p, HH_ACT_STORE_WRITE, &empty_store), HH_E_FORBIDDEN);
    assert_int_equal(hh_authz(&p, HH_ACT_MARKETING_WRITE, &b1), HH_E_FORBIDDEN);
}

static void test_many_brands(void **state)
{
    (void)state;
    hh_principal p = brand_manager();
    p.nbrands = HH_MAX_SCOPE_BRANDS;
    for (int i = 0; i < HH_MAX_SCOPE_BRANDS; i++) p.brands[i] = 100 + i;
    hh_scope s = {.enterprise_id = 1, .store_id = 4, .nbrands = HH_MAX_SCOPE_BRANDS};
    for (int i = 0; i < HH_MAX_SCOPE_BRANDS; i++) s.brands[i] = 100 + HH_MAX_SCOPE_BRANDS - 1 - i;
    assert_int_equal(hh_authz(&p, HH_ACT_STORE_WRITE, &s), HH_OK);
    s.brands[HH_MAX_SCOPE_BRANDS - 1] = 99; /* one foreign brand among 64 */
    assert_int_equal(hh_authz(&p, HH_ACT_STORE_WRITE, &s), HH_E_FORBIDDEN);
    assert_int_equal(hh_authz(&p, HH_ACT_READ, &s), HH_OK);
}

/* ---- hh_authz_req records the answer on the request ---- */

static void test_authz_req_records_error(void **state)
{
    (void)state;
    hh_arena *a = hh_arena_new(1024);
    hh_req *r = hh_alloc(a, sizeof *r);
    r->arena = a;
    r->who = staff();
    hh_scope foreign = {.enterprise_id = 2, .store_id = 5};
    hh_scope other_store = {.enterprise_id = 1, .store_id = 6, BR(1)};

    r->path_id_raw = "5";
    assert_int_equal(hh_authz_req(r, HH_ACT_READ, &foreign), HH_E_NOT_FOUND);
    assert_int_equal(r->err.st, HH_E_NOT_FOUND);
    assert_string_equal(r->err.field, "id");
    assert_non_null(r->err.zh);
    assert_non_null(r->err.en);

    r->path_id_raw = NULL;
    memset(&r->err, 0, sizeof r->err);
    assert_int_equal(hh_authz_req(r, HH_ACT_READ, &foreign), HH_E_NOT_FOUND);
    assert_null(r->err.field);

    memset(&r->err, 0, sizeof r->err);
    assert_int_equal(hh_authz_req(r, HH_ACT_READ, &other_store), HH_E_FORBIDDEN);
    assert_int_equal(r->err.st, HH_E_FORBIDDEN);
    assert_null(r->err.field);
    assert_non_null(r->err.en);

    memset(&r->err, 0, sizeof r->err);
    hh_scope own = {.enterprise_id = 1, .store_id = 5};
    assert_int_equal(hh_authz_req(r, HH_ACT_READ, &own), HH_OK);
    assert_int_equal(r->err.st, HH_OK);

    r->who = anonymous();
    assert_int_equal(hh_authz_req(r, HH_ACT_READ, &own), HH_E_UNAUTHENTICATED);
    hh_arena_free(a);
}

static void test_role_names(void **state)
{
    (void)state;
    assert_string_equal(hh_role_name(HH_ROLE_OWNER), "owner");
    assert_string_equal(hh_role_name(HH_ROLE_BRAND_MANAGER), "brand_manager");
    assert_string_equal(hh_role_name(HH_ROLE_STAFF), "staff");
    assert_string_equal(hh_role_name(HH_ROLE_NONE), "none");
    assert_string_equal(hh_role_name((hh_role)99), "none");
    assert_int_equal(hh_role_parse("owner"), HH_ROLE_OWNER);
    assert_int_equal(hh_role_parse("brand_manager"), HH_ROLE_BRAND_MANAGER);
    assert_int_equal(hh_role_parse("staff"), HH_ROLE_STAFF);
    assert_int_equal(hh_role_parse("member"), HH_ROLE_NONE); /* never an account role */
    assert_int_equal(hh_role_parse("Owner"), HH_ROLE_NONE);
    assert_int_equal(hh_role_parse(""), HH_ROLE_NONE);
    assert_int_equal(hh_role_parse(NULL), HH_ROLE_NONE);
}

/* ---- hh_scope_load on a real store ---- */

static hh_status seed(hh_db *tx, void *ud)
{
    (void)ud;
    static const char *const sql[] = {
        "INSERT INTO enterprises (id, name, created_at) VALUES (1, 'e1', 0), (2, 'e2', 0)",
        "INSERT INTO brands (id, enterprise_id, name, code, created_at, updated_at) VALUES"
        " (1, 1, 'b1', 'B1', 0, 0), (2, 1, 'b2', 'B2', 0, 0), (3, 2, 'b3', 'B3', 0, 0)",
        "INSERT INTO stores (id, enterprise_id, name, retailer, city_code, city, province,"
        " counter_code, created_at, updated_at) VALUES"
        " (5, 1, 's5', 'r', '310100', 'c', 'p', 'C5', 0, 0),"
        " (8, 1, 's8', 'r', '310100', 'c', 'p', 'C8', 0, 0)",
        "INSERT INTO store_brands (store_id, brand_id) VALUES (5, 1), (5, 2)",
        "INSERT INTO staff (id, enterprise_id, store_id, name, created_at, updated_at) VALUES"
        " (30, 1, 5, 'st', 0, 0), (31, 1, 8, 'st8', 0, 0)",
        "INSERT INTO accounts (id, enterprise_id, login, name, role, password_hash, staff_id,"
        " created_at, updated_at) VALUES (1, 1, 'o', 'o', 'owner', 'x', NULL, 0, 0),"
        " (3, 1, 's', 's', 'staff', 'x', 30, 0, 0), (4, 1, 's8', 's8', 'staff', 'x', 31, 0, 0)",
    };
    for (size_t i = 0; i < HH_ARRAY_LEN(sql); i++) {
        hh_status st = hh_db_exec(tx, sql[i]);
        if (st != HH_OK) return st;
    }
    return HH_OK;
}

static void test_scope_load(void **state)
{
    (void)state;
    char dir[64] = "/tmp/hh_authz_XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/test.db", dir);
    hh_store *store = NULL;
    hh_store_config cfg = {.path = path};
    assert_int_equal(hh_store_open(&store, &cfg), HH_OK);
    assert_int_equal(hh_store_write_sync(store, seed, NULL), HH_OK);
    hh_db *db = hh_store_reader(store);
    hh_scope s;

    assert_int_equal(hh_scope_load(db, HH_T_BRAND, 1, &s), HH_OK);
    assert_int_equal(s.enterprise_id, 1);
    assert_int_equal(s.nbrands, 1);
    assert_int_equal(s.brands[0], 1);
    assert_int_equal(s.store_id, 0);
    assert_int_equal(hh_scope_load(db, HH_T_BRAND, 3, &s), HH_OK);
    assert_int_equal(s.enterprise_id, 2);
    assert_int_equal(hh_scope_load(db, HH_T_BRAND, 404, &s), HH_E_NOT_FOUND);

    assert_int_equal(hh_scope_load(db, HH_T_STORE, 5, &s), HH_OK);
    assert_int_equal(s.enterprise_id, 1);
    assert_int_equal(s.store_id, 5);
    assert_int_equal(s.nbrands, 2);
    assert_int_equal(s.brands[0] + s.brands[1], 3);
    assert_int_equal(hh_scope_load(db, HH_T_STORE, 8, &s), HH_OK);
    assert_int_equal(s.nbrands, 0);
    assert_int_equal(hh_scope_load(db, HH_T_STORE, 404, &s), HH_E_NOT_FOUND);

    assert_int_equal(hh_scope_load(db, HH_T_STAFF, 30, &s), HH_OK);
    assert_int_equal(s.store_id, 5);
    assert_int_equal(s.nbrands, 2);
    assert_int_equal(hh_scope_load(db, HH_T_STAFF, 404, &s), HH_E_NOT_FOUND);

    assert_int_equal(hh_scope_load(db, HH_T_ACCOUNT, 3, &s), HH_OK);
    assert_int_equal(s.account_id, 3);
    assert_int_equal(s.account_role, HH_ROLE_STAFF);
    assert_int_equal(s.store_id, 5);
    assert_int_equal(s.nbrands, 2);
    assert_int_equal(hh_scope_load(db, HH_T_ACCOUNT, 1, &s), HH_OK);
    assert_int_equal(s.account_role, HH_ROLE_OWNER);
    assert_int_equal(s.store_id, 0);
    assert_int_equal(s.nbrands, 0);
    assert_int_equal(hh_scope_load(db, HH_T_ACCOUNT, 404, &s), HH_E_NOT_FOUND);

    assert_int_equal(hh_scope_load(db, HH_T_NONE, 1, &s), HH_OK);
    assert_int_equal(s.enterprise_id, 0);

    /* the loaded scopes give the table's answers */
    hh_principal bm = brand_manager(), st = staff();
    assert_int_equal(hh_scope_load(db, HH_T_STAFF, 30, &s), HH_OK);
    assert_int_equal(hh_authz(&bm, HH_ACT_STAFF_WRITE, &s), HH_OK);
    assert_int_equal(hh_authz(&st, HH_ACT_READ, &s), HH_OK);
    assert_int_equal(hh_scope_load(db, HH_T_STAFF, 31, &s), HH_OK);
    assert_int_equal(hh_authz(&bm, HH_ACT_STAFF_WRITE, &s), HH_E_FORBIDDEN);
    assert_int_equal(hh_authz(&st, HH_ACT_READ, &s), HH_E_FORBIDDEN);
    assert_int_equal(hh_scope_load(db, HH_T_BRAND, 3, &s), HH_OK);
    assert_int_equal(hh_authz(&bm, HH_ACT_READ, &s), HH_E_NOT_FOUND);

    hh_store_close(store);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    hh_log_open(NULL, NULL, (hh_log_level)(HH_LOG_ERROR + 1));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_is_complete),
        cmocka_unit_test(test_owner),
        cmocka_unit_test(test_brand_manager),
        cmocka_unit_test(test_staff),
        cmocka_unit_test(test_member),
        cmocka_unit_test(test_anonymous),
        cmocka_unit_test(test_invariants),
        cmocka_unit_test(test_principal_without_brands),
        cmocka_unit_test(test_many_brands),
        cmocka_unit_test(test_authz_req_records_error),
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_scope_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
