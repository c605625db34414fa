/*
 * admin.c — `huohua demo`, `huohua user add`, `huohua enterprise add`.
 * They write through the store's writer like the server does.
 */
#include "auth/auth.h"
#include "cli/cli.h"
#include "points/mall.h"
#include "points/points.h"
#include "core/phone.h"
#include "reward/reward.h"

#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_PASSWORD "huohua123"
#define DEMO_ENTERPRISE "活化演示企业"

static const struct {
    const char *name, *code, *desc;
} demo_brands[] = {
    {"澄光 Lumina", "LUMINA", "护肤品牌：精华、面霜与防晒"},
    {"青禾 Qinghe", "QINGHE", "茶饮品牌：原叶茶与冷泡茶"},
};

static const struct {
    const char *code, *city, *province, *district;
} demo_cities[] = {
    {"310100", "上海市", "上海市", "五角场"}, {"110100", "北京市", "北京市", "朝阳"},
    {"440100", "广州市", "广东省", "天河"},   {"440300", "深圳市", "广东省", "南山"},
    {"330100", "杭州市", "浙江省", "西湖"},   {"510100", "成都市", "四川省", "锦江"},
    {"320100", "南京市", "江苏省", "新街口"}, {"420100", "武汉市", "湖北省", "江汉"},
};
static const char *const demo_retailers[] = {"永辉超市", "华润万家", "大润发", "百联",
                                             "银泰百货", "屈臣氏"};
static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"};
static const char *const given[] = {"芳", "静", "丽", "敏", "婷", "雪", "佳", "琳"};

typedef struct {
    char hashes[44][crypto_pwhash_STRBYTES];
    int64_t enterprise_id;
    bool existed;
} demo_ctx;

static hh_status demo_apply(hh_db *tx, void *ud)
{
    demo_ctx *d = ud;
    int64_t now = hh_now_ms(), id = 0;
    if (hh_db_int(tx, &id, "SELECT id FROM enterprises WHERE name = ?", HH_A(HH_S(DEMO_ENTERPRISE))) == HH_OK) {
        d->existed = true;
        d->enterprise_id = id;
        return HH_OK;
    }
    hh_result res;
    hh_status st = hh_db_run(tx, &res, "INSERT INTO enterprises (name, created_at) VALUES (?, ?)",
                             HH_A(HH_S(DEMO_ENTERPRISE), HH_I(now)));
    if (st) return st;
    int64_t ent = d->enterprise_id = res.last_id;
    int64_t brand[2];
    for (int b = 0; b < 2; b++) {
        st = hh_db_run(tx, &res,
                       "INSERT INTO brands (enterprise_id, name, code, description, created_at, updated_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       HH_A(HH_I(ent), HH_S(demo_brands[b].name), HH_S(demo_brands[b].code),
                            HH_S(demo_brands[b].desc), HH_I(now), HH_I(now)));
        if (st) return st;
        brand[b] = res.last_id;
    }
    int64_t staff_ids[40];
    for (int s = 0; s < 20; s++) {
        const char *retailer = demo_retailers[s % 6];
        int c = s % 8;
        char name[128], counter[16], addr[128];
        snprintf(name, sizeof name, "%s %s%s店", retailer, demo_cities[c].district,
                 s >= 8 ? (s >= 16 ? "三" : "二") : "");
        snprintf(counter, sizeof counter, "C%03d", s + 1);
        snprintf(addr, sizeof addr, "%s%s路 %d 号 %s 1F 专柜", demo_cities[c].city, demo_cities[c].district,
                 100 + s * 7, retailer);
        st = hh_db_run(tx, &res,
                       "INSERT INTO stores (enterprise_id, name, retailer, city_code, city, province,"
                       " address, counter_code, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       HH_A(HH_I(ent), HH_S(name), HH_S(retailer), HH_S(demo_cities[c].code),
                            HH_S(demo_cities[c].city), HH_S(demo_cities[c].province), HH_S(addr),
                            HH_S(counter), HH_I(now), HH_I(now)));
        if (st) return st;
        int64_t store = res.last_id;
        /* stores 1–8 serve both brands, 9–14 Lumina, 15–20 Qinghe */
        for (int b = 0; b < 2; b++) {
            if ((s >= 8 && s < 14 && b == 1) || (s >= 14 && b == 0)) continue;
            if ((st = hh_db_run(tx, NULL, "INSERT INTO store_brands (store_id, brand_id) VALUES (?, ?)",
                                HH_A(HH_I(store), HH_I(brand[b])))))
                return st;
        }
        for (int k = 0; k < 2; k++) {
            int n = s * 2 + k;
            char sname[32], phone[24], no[16];
            snprintf(sname, sizeof sname, "%s%s%s", surnames[n % 10], given[(n / 10 + k) % 8],
                     k ? "" : given[(n + 3) % 8]);
            snprintf(phone, sizeof phone, "+86138%08d", 10000 + n + 1);
            snprintf(no, sizeof no, "BA%03d", n + 1);
            st = hh_db_run(tx, &res,
                           "INSERT INTO staff (enterprise_id, store_id, name, phone, employee_no, title,"
                           " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           HH_A(HH_I(ent), HH_I(store), HH_S(sname), HH_S(phone), HH_S(no),
                                HH_S(k ? "美容顾问" : "专柜主管"), HH_I(now), HH_I(now)));
            if (st) return st;
            staff_ids[n] = res.last_id;
        }
    }
    static const char *const logins[] = {"admin", "lumina.mgr", "qinghe.mgr"};
    static const char *const names[] = {"企业管理员", "澄光品牌经理", "青禾品牌经理"};
    static const char *const roles[] = {"owner", "brand_manager", "brand_manager"};
    for (int a = 0; a < 3; a++) {
        st = hh_db_run(tx, &res,
                       "INSERT INTO accounts (enterprise_id, login, name, role, password_hash, created_at,"
                       " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       HH_A(HH_I(ent), HH_S(logins[a]), HH_S(names[a]), HH_S(roles[a]),
                            HH_S(d->hashes[a]), HH_I(now), HH_I(now)));
        if (st) return st;
        if (a > 0 && (st = hh_db_run(tx, NULL, "INSERT INTO account_brands (account_id, brand_id) VALUES (?, ?)",
                                     HH_A(HH_I(res.last_id), HH_I(brand[a - 1])))))
            return st;
    }
    for (int n = 0; n < 40; n++) {
        char login[16];
        snprintf(login, sizeof login, "ba%03d", n + 1);
        json_t *staff;
        if ((st = hh_db_one(tx, &staff, "SELECT name FROM staff WHERE id = ?", HH_A(HH_I(staff_ids[n])))))
            return st;
        st = hh_db_run(tx, NULL,
                       "INSERT INTO accounts (enterprise_id, login, name, role, password_hash, staff_id,"
                       " created_at, updated_at) VALUES (?, ?, ?, 'staff', ?, ?, ?, ?)",
                       HH_A(HH_I(ent), HH_S(login), HH_S(json_string_value(json_object_get(staff, "name"))),
                            HH_S(d->hashes[3 + n % 41]), HH_I(staff_ids[n]), HH_I(now), HH_I(now)));
        json_decref(staff);
        if (st) return st;
    }
    json_t *after = json_pack("{s:s}", "name", DEMO_ENTERPRISE);
    hh_status st2 = hh_audit_cli(tx, ent, "enterprise.demo", "enterprise", ent, after);
    json_decref(after);
    return st2;
}

int hh_cmd_demo(hh_app *app, bool quiet)
{
    demo_ctx *d = hh_xcalloc(1, sizeof *d);
    int64_t id = 0;
    hh_db *db = hh_store_reader(app->store);
    if (hh_db_int(db, &id, "SELECT id FROM enterprises WHERE name = ?", HH_A(HH_S(DEMO_ENTERPRISE))) != HH_OK) {
        /* every demo account gets its own salted hash of the demo password */
        for (int i = 0; i < 43; i++)
            if (hh_password_hash(DEMO_PASSWORD, d->hashes[i]) != HH_OK) return 1;
    }
    hh_status st = hh_store_write_sync(app->store, demo_apply, d);
    if (st == HH_OK) st = hh_demo_redeem(app->store);
    if (st == HH_OK) st = hh_demo_envelopes(app->store);
    if (st == HH_OK && !d->existed) st = hh_demo_receipts(app->store);
    if (st == HH_OK) st = hh_demo_coupons(app->store);
    if (st == HH_OK) st = hh_demo_points(app->store, d->enterprise_id);
    if (st == HH_OK) st = hh_demo_mall(app->store, d->enterprise_id);
    if (st == HH_OK) st = hh_demo_lottery(app->store);
    if (st != HH_OK) {
        fprintf(stderr, "huohua: loading the demo data failed (%s)\n", hh_status_code(st));
        free(d);
        return 1;
    }
    if (!quiet) {
        printf("%s demo enterprise \"%s\" (id %lld) in %s\n", d->existed ? "found" : "created",
               DEMO_ENTERPRISE, (long long)d->enterprise_id, app->cfg.db_path);
        printf("demo logins (password %s):\n"
               "  admin        owner: everything          → /admin/\n"
               "  lumina.mgr   brand manager of 澄光 Lumina → /admin/\n"
               "  qinghe.mgr   brand manager of 青禾 Qinghe → /admin/\n"
               "  ba001        staff at store C001         → /staff/\n"
               "  ba002…ba040  staff of the other stores   → /staff/\n"
               "members sign in on /m/ with any mobile number; the SMS code appears in the server log\n",
               DEMO_PASSWORD);
    }
    free(d);
    return 0;
}

/* ---- user add / enterprise add ---- */

typedef struct {
    int64_t enterprise_id, staff_id;
    const char *login, *name, *role;
    int64_t brands[16];
    int nbrands;
    char hash[crypto_pwhash_STRBYTES];
    int64_t new_id;
    const char *error;
} user_ctx;

static hh_status user_apply(hh_db *tx, void *ud)
{
    user_ctx *u = ud;
    int64_t n = 0, now = hh_now_ms();
    if (hh_db_int(tx, &n, "SELECT count(*) FROM enterprises WHERE id = ?", HH_A(HH_I(u->enterprise_id))) ||
        !n) {
        u->error = "no such enterprise (see --enterprise)";
        return HH_E_INVALID;
    }
    hh_result res;
    hh_status st = hh_db_run(tx, &res,
                             "INSERT INTO accounts (enterprise_id, login, name, role, password_hash,"
                             " staff_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             HH_A(HH_I(u->enterprise_id), HH_S(u->login), HH_S(u->name), HH_S(u->role),
                                  HH_S(u->hash), HH_ID(u->staff_id), HH_I(now), HH_I(now)));
    if (st == HH_E_CONFLICT) {
        u->error = "the login is taken, or the staff member already has an account";
        return st;
    }
    if (st) return st;
    u->new_id = res.last_id;
    for (int i = 0; i < u->nbrands && !st; i++)
        st = hh_db_run(tx, NULL, "INSERT INTO account_brands (account_id, brand_id) VALUES (?, ?)",
                       HH_A(HH_I(u->new_id), HH_I(u->brands[i])));
    if (st) {
        u->error = "a brand does not exist";
        return st;
    }
    json_t *after = json_pack("{s:s, s:s}", "login", u->login, "role", u->role);
    st = hh_audit_cli(tx, u->enterprise_id, "account.create", "account", u->new_id, after);
    json_decref(after);
    return st;
}

int hh_cmd_user_add(hh_app *app, int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},       {"login", required_argument, 0, 'l'},
        {"password", required_argument, 0, 'p'}, {"name", required_argument, 0, 'n'},
        {"role", required_argument, 0, 'r'},     {"enterprise", required_argument, 0, 'e'},
        {"brand", required_argument, 0, 'b'},    {"staff", required_argument, 0, 's'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    user_ctx u = {.enterprise_id = 1, .role = "owner"};
    bool help = false;
    const char *password = getenv("HUOHUA_PASSWORD");
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int64_t v;
        switch (o) {
        case 'd': app->cfg.db_path = optarg; break;
        case 'l': u.login = optarg; break;
        case 'p': password = optarg; break;
        case 'n': u.name = optarg; break;
        case 'r': u.role = optarg; break;
        case 'e':
            if (!hh_parse_i64(optarg, &u.enterprise_id)) goto usage;
            break;
        case 'b':
            if (!hh_parse_i64(optarg, &v) || u.nbrands >= 16) goto usage;
            u.brands[u.nbrands++] = v;
            break;
        case 's':
            if (!hh_parse_i64(optarg, &u.staff_id)) goto usage;
            break;
        case 'h':
            help = true;
            goto usage;
        default: goto usage;
        }
    }
    if (!u.login || !password || hh_role_parse(u.role) == HH_ROLE_NONE) goto usage;
    if (strlen(password) < HH_PASSWORD_MIN) {
        fprintf(stderr, "huohua: the password needs at least %d characters\n", HH_PASSWORD_MIN);
        return 2;
    }
    if (!strcmp(u.role, "brand_manager") && !u.nbrands) {
        fprintf(stderr, "huohua: a brand manager needs at least one --brand ID\n");
        return 2;
    }
    if (!strcmp(u.role, "staff") && !u.staff_id) {
        fprintf(stderr, "huohua: a staff account needs --staff ID\n");
        return 2;
    }
    if (!u.name) u.name = u.login;
    if (hh_password_hash(password, u.hash) != HH_OK) return 1;
    hh_store_config sc = {.path = app->cfg.db_path, .batch_max = 1};
    if (hh_store_open(&app->store, &sc) != HH_OK) return 1;
    hh_status st = hh_store_write_sync(app->store, user_apply, &u);
    hh_store_close(app->store);
    if (st != HH_OK) {
        fprintf(stderr, "huohua: cannot add the account: %s\n", u.error ? u.error : hh_status_code(st));
        return 1;
    }
    printf("account %s (%s) added with id %lld\n", u.login, u.role, (long long)u.new_id);
    return 0;
usage:
    fprintf(help ? stdout : stderr,
            "Usage: huohua user add --login NAME --password PW [--name NAME] [--role ROLE]\n"
            "                       [--enterprise ID] [--brand ID ...] [--staff ID] [--db FILE]\n"
            "  ROLE is owner (default), brand_manager (needs --brand) or staff (needs --staff).\n"
            "  The password may come from HUOHUA_PASSWORD instead of --password.\n");
    return help ? 0 : 2;
}

typedef struct {
    const char *name;
    int64_t id;
} ent_ctx;

static hh_status enterprise_apply(hh_db *tx, void *ud)
{
    ent_ctx *e = ud;
    hh_result res;
    hh_status st = hh_db_run(tx, &res, "INSERT INTO enterprises (name, created_at) VALUES (?, ?)",
                             HH_A(HH_S(e->name), HH_I(hh_now_ms())));
    if (st) return st;
    e->id = res.last_id;
    json_t *after = json_pack("{s:s}", "name", e->name);
    st = hh_audit_cli(tx, e->id, "enterprise.create", "enterprise", e->id, after);
    json_decref(after);
    return st;
}

int hh_cmd_enterprise_add(hh_app *app, int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"name", required_argument, 0, 'n'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    ent_ctx e = {0};
    bool help = false;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (o == 'd')
            app->cfg.db_path = optarg;
        else if (o == 'n')
            e.name = optarg;
        else {
            help = o == 'h';
            goto usage;
        }
    }
    if (!e.name || !*e.name) goto usage;
    hh_store_config sc = {.path = app->cfg.db_path, .batch_max = 1};
    if (hh_store_open(&app->store, &sc) != HH_OK) return 1;
    hh_status st = hh_store_write_sync(app->store, enterprise_apply, &e);
    hh_store_close(app->store);
    if (st != HH_OK) {
        fprintf(stderr, "huohua: cannot add the enterprise (%s)\n", hh_status_code(st));
        return 1;
    }
    printf("%lld\n", (long long)e.id);
    return 0;
usage:
    fprintf(help ? stdout : stderr, "Usage: huohua enterprise add --name NAME [--db FILE]\n"
                                    "Prints the new enterprise's id (use it with `huohua user add --enterprise ID`).\n");
    return help ? 0 : 2;
}
