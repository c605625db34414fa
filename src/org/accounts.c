/*
 * accounts.c — sign-in accounts: owners, brand managers (with the brands they
 * manage) and staff accounts (bound to one staff record, hence one store).
 * Logins are lower-case and unique across enterprises (the sign-in page has no
 * enterprise field). A brand manager manages only staff accounts of stores
 * touching its brands. The role of an account is fixed at creation.
 * DELETE disables the account and ends its sessions; nothing is erased.
 */
#include "auth/auth.h"
#include "http/app.h"
#include "org/org.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

#define ACCOUNT_COLS                                                                             \
    "SELECT a.id, a.login, a.name, a.role, (SELECT json_group_array(ab.brand_id) FROM"          \
    " account_brands ab WHERE ab.account_id = a.id) AS brand_ids_json, a.staff_id, t.store_id," \
    " t.name AS staff_name, a.disabled AS disabled_bool, a.last_login_at, a.created_at,"        \
    " a.updated_at FROM accounts a LEFT JOIN staff t ON t.id = a.staff_id"

hh_status hh_account_get(hh_db *db, int64_t id, json_t **out)
{
    return hh_db_one(db, out, ACCOUNT_COLS " WHERE a.id = ?", HH_A(HH_I(id)));
}

hh_status hh_h_accounts_list(hh_req *r)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    const char *q = hh_query(r, "q"), *role = hh_query(r, "role");
    if (q && !*q) q = NULL;
    if (role && !*role) role = NULL;
    if (role && hh_role_parse(role) == HH_ROLE_NONE)
        return hh_fail(r, HH_E_INVALID, "role", "角色须为 owner、brand_manager 或 staff",
                       "role must be owner, brand_manager or staff");
    hh_db *db = hh_store_reader(r->app->store);
#define ACCOUNT_WHERE                                                                            \
    " WHERE a.enterprise_id = ?1 AND " HH_SCOPE_ACCOUNT("a") " AND (?5 IS NULL OR"              \
    " instr(a.login, lower(?5)) > 0 OR instr(a.name, ?5) > 0) AND (?6 IS NULL OR a.role = ?6)"
    json_t *items;
    st = hh_db_query(db, &items, ACCOUNT_COLS ACCOUNT_WHERE " ORDER BY a.id LIMIT ?7 OFFSET ?8",
                     HH_A(HH_SCOPE_ARGS(r), HH_S(q), HH_S(role), HH_I(limit), HH_I(offset)));
    if (st) return st;
    return hh_list_reply(r, db, items,
                          "SELECT count(*) FROM accounts a LEFT JOIN staff t ON t.id = a.staff_id" ACCOUNT_WHERE,
                          HH_A(HH_SCOPE_ARGS(r), HH_S(q), HH_S(role)));
#undef ACCOUNT_WHERE
}

hh_status hh_h_account_get(hh_req *r)
{
    json_t *a;
    hh_status st = hh_account_get(hh_store_reader(r->app->store), r->path_id, &a);
    if (st) return st;
    hh_reply(r, 200, a);
    return HH_OK;
}

typedef struct {
    const char *login, *password, *name, *role_s;
    hh_role role;
    int64_t staff_id;
    int64_t brands[HH_MAX_SCOPE_BRANDS];
    int nbrands;
    bool disabled;
    bool has_password, has_name, has_brands, has_staff, has_disabled, has_role;
    char hash[crypto_pwhash_STRBYTES];
} account_in;

static hh_status check_login(hh_req *r, account_in *in)
{
    char *l = hh_strdup(r->arena, in->login);
    for (char *p = l; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
        if (!isalnum((unsigned char)*p) && !strchr("._@-", *p))
            return hh_fail(r, HH_E_INVALID, "login", "登录名只能包含字母、数字和 . _ @ -",
                           "The login may contain only letters, digits and . _ @ -");
    }
    if (strlen(l) < 3)
        return hh_fail(r, HH_E_INVALID, "login", "登录名至少 3 个字符", "The login needs at least 3 characters");
    in->login = l;
    return HH_OK;
}

static hh_status check_password(hh_req *r, const char *pw)
{
    if (strlen(pw) < HH_PASSWORD_MIN)
        return hh_fail(r, HH_E_INVALID, "password", "密码至少 8 位", "The password needs at least 8 characters");
    return HH_OK;
}

/* The staff record an account is bound to must be in scope and not taken. */
static hh_status check_staff(hh_req *r, int64_t staff_id)
{
    hh_scope s;
    hh_status st = hh_scope_load(hh_store_reader(r->app->store), HH_T_STAFF, staff_id, &s);
    if (st == HH_E_NOT_FOUND || (st == HH_OK && s.enterprise_id != r->who.enterprise_id))
        return hh_fail(r, HH_E_INVALID, "staff_id", "员工不存在", "No such staff member");
    if (st) return st;
    s.account_role = HH_ROLE_STAFF;
    if (hh_authz(&r->who, HH_ACT_ACCOUNT_WRITE, &s) != HH_OK)
        return hh_fail(r, HH_E_FORBIDDEN, "staff_id", "该员工不在您的管辖范围内",
                       "This staff member is outside your scope");
    return HH_OK;
}

static hh_status read_account(hh_req *r, account_in *in, bool create)
{
    static const char *const allowed[] = {"login", "password", "name", "role", "brand_ids",
                                          "staff_id", "disabled", NULL};
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "login", create, 64, &in->login, NULL)) ||
        (st = hh_field_str(r, "password", create, HH_PASSWORD_MAX, &in->password, &in->has_password)) ||
        (st = hh_field_str(r, "name", create, 32, &in->name, &in->has_name)) ||
        (st = hh_field_str(r, "role", create, 16, &in->role_s, &in->has_role)) ||
        (st = hh_field_ids(r, "brand_ids", false, HH_MAX_SCOPE_BRANDS, in->brands, &in->nbrands,
                           &in->has_brands)) ||
        (st = hh_field_int(r, "staff_id", false, 1, INT64_MAX, &in->staff_id, &in->has_staff)) ||
        (st = hh_field_bool(r, "disabled", false, &in->disabled, &in->has_disabled)))
        return st;
    if (in->has_name && !*in->name)
        return hh_fail(r, HH_E_INVALID, "name", "姓名不能为空", "The name must not be empty");
    if (in->has_password && (st = check_password(r, in->password))) return st;
    if (create) {
        if ((st = check_login(r, in))) return st;
        in->role = hh_role_parse(in->role_s);
        if (in->role == HH_ROLE_NONE)
            return hh_fail(r, HH_E_INVALID, "role", "角色须为 owner、brand_manager 或 staff",
                           "role must be owner, brand_manager or staff");
        if (r->who.role != HH_ROLE_OWNER && in->role != HH_ROLE_STAFF)
            return hh_fail(r, HH_E_FORBIDDEN, "role", "您只能创建导购账号", "You can only create staff accounts");
        if (in->role == HH_ROLE_BRAND_MANAGER && !in->nbrands)
            return hh_fail(r, HH_E_INVALID, "brand_ids", "品牌经理须至少管理一个品牌",
                           "A brand manager needs at least one brand");
        if (in->role != HH_ROLE_BRAND_MANAGER && in->has_brands && in->nbrands)
            return hh_fail(r, HH_E_INVALID, "brand_ids", "只有品牌经理账号可以设置品牌",
                           "Only brand manager accounts have brands");
        if (in->role == HH_ROLE_STAFF && !in->has_staff)
            return hh_fail(r, HH_E_INVALID, "staff_id", "导购账号须绑定一名员工",
                           "A staff account must be bound to a staff member");
        if (in->role != HH_ROLE_STAFF && in->has_staff)
            return hh_fail(r, HH_E_INVALID, "staff_id", "只有导购账号可以绑定员工",
                           "Only staff accounts are bound to a staff member");
        if (in->has_disabled)
            return hh_fail(r, HH_E_INVALID, "disabled", "新账号不能直接停用", "A new account cannot start disabled");
    } else {
        if (json_object_get(r->json, "login"))
            return hh_fail(r, HH_E_INVALID, "login", "登录名创建后不能修改", "The login cannot be changed");
        if (in->has_role)
            return hh_fail(r, HH_E_INVALID, "role", "角色创建后不能修改，请新建账号",
                           "The role cannot be changed; create a new account instead");
        in->role = r->target.account_role;
        if (in->has_brands && in->role != HH_ROLE_BRAND_MANAGER)
            return hh_fail(r, HH_E_INVALID, "brand_ids", "只有品牌经理账号可以设置品牌",
                           "Only brand manager accounts have brands");
        if (in->has_brands && !in->nbrands)
            return hh_fail(r, HH_E_INVALID, "brand_ids", "品牌经理须至少管理一个品牌",
                           "A brand manager needs at least one brand");
        if (in->has_staff && in->role != HH_ROLE_STAFF)
            return hh_fail(r, HH_E_INVALID, "staff_id", "只有导购账号可以绑定员工",
                           "Only staff accounts are bound to a staff member");
        if (in->has_disabled && in->disabled && r->path_id == r->who.id)
            return hh_fail(r, HH_E_UNPROCESSABLE, "disabled", "不能停用自己的账号",
                           "You cannot disable your own account");
        if (!in->has_password && !in->has_name && !in->has_brands && !in->has_staff && !in->has_disabled)
            return hh_fail(r, HH_E_INVALID, NULL, "没有要修改的字段", "Nothing to change");
    }
    if (in->has_staff && (st = check_staff(r, in->staff_id))) return st;
    return HH_OK;
}

static hh_status set_account_brands(hh_db *tx, hh_req *r, int64_t account_id, const account_in *in)
{
    for (int i = 0; i < in->nbrands; i++) {
        int64_t ok = 0;
        hh_status st = hh_db_int(tx, &ok,
                                 "SELECT count(*) FROM brands WHERE id = ? AND enterprise_id = ?"
                                 " AND archived_at IS NULL",
                                 HH_A(HH_I(in->brands[i]), HH_I(r->who.enterprise_id)));
        if (st) return st;
        if (!ok)
            return hh_fail(r, HH_E_INVALID, "brand_ids",
                           hh_sprintf(r->arena, "品牌 %lld 不存在或已归档", (long long)in->brands[i]),
                           hh_sprintf(r->arena, "Brand %lld does not exist or is archived",
                                      (long long)in->brands[i]));
    }
    hh_status st = hh_db_run(tx, NULL, "DELETE FROM account_brands WHERE account_id = ?",
                             HH_A(HH_I(account_id)));
    for (int i = 0; i < in->nbrands && !st; i++)
        st = hh_db_run(tx, NULL, "INSERT INTO account_brands (account_id, brand_id) VALUES (?, ?)",
                       HH_A(HH_I(account_id), HH_I(in->brands[i])));
    return st;
}

static hh_status staff_taken(hh_req *r)
{
    return hh__conflict(r, "staff_id", "该员工已有账号", "This staff member already has an account");
}

static hh_status account_create_write(hh_db *tx, hh_req *r)
{
    account_in *in = r->ud;
    int64_t now = hh_now_ms();
    int64_t taken = 0;
    hh_status st = hh_db_int(tx, &taken, "SELECT count(*) FROM accounts WHERE login = ?",
                             HH_A(HH_S(in->login)));
    if (st) return st;
    if (taken) return hh__conflict(r, "login", "该登录名已被使用", "This login is already taken");
    hh_result res;
    st = hh_db_run(tx, &res,
                   "INSERT INTO accounts (enterprise_id, login, name, role, password_hash, staff_id,"
                   " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_S(in->login), HH_S(in->name),
                        HH_S(hh_role_name(in->role)), HH_S(in->hash), HH_ID(in->staff_id), HH_I(now),
                        HH_I(now)));
    if (st == HH_E_CONFLICT) return staff_taken(r);
    if (st || (st = set_account_brands(tx, r, res.last_id, in))) return st;
    json_t *a;
    if ((st = hh_account_get(tx, res.last_id, &a))) return st;
    st = hh_audit(tx, r, "account.create", "account", res.last_id, NULL, a);
    if (st) {
        json_decref(a);
        return st;
    }
    hh_reply(r, 201, a);
    return HH_OK;
}

static hh_status hash_then_create(hh_req *r)
{
    account_in *in = r->ud;
    hh_status st = hh_password_hash(in->password, in->hash);
    if (st) return st;
    return hh_req_write(r, account_create_write);
}

hh_status hh_h_account_create(hh_req *r)
{
    account_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_account(r, in, true);
    if (st) return st;
    return hh_req_async(r, hash_then_create);
}

static hh_status account_update_write(hh_db *tx, hh_req *r)
{
    r->auth_changed = true;
    account_in *in = r->ud;
    json_t *before, *after;
    hh_status st = hh_account_get(tx, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    st = hh_db_run(tx, NULL,
                   "UPDATE accounts SET name = coalesce(?, name), password_hash = coalesce(?,"
                   " password_hash), staff_id = coalesce(?, staff_id), disabled = coalesce(?,"
                   " disabled), updated_at = ? WHERE id = ?",
                   HH_A(HH_S(in->has_name ? in->name : NULL), HH_S(in->has_password ? in->hash : NULL),
                        in->has_staff ? HH_I(in->staff_id) : HH_NULL,
                        in->has_disabled ? HH_I(in->disabled) : HH_NULL, HH_I(hh_now_ms()),
                        HH_I(r->path_id)));
    if (st == HH_E_CONFLICT) return staff_taken(r);
    if (st) return st;
    if (in->has_brands && (st = set_account_brands(tx, r, r->path_id, in))) return st;
    if ((in->has_disabled && in->disabled) || in->has_password)
        st = hh_db_run(tx, NULL, "DELETE FROM sessions WHERE kind = 'account' AND subject_id = ?",
                       HH_A(HH_I(r->path_id)));
    if (st || (st = hh_account_get(tx, r->path_id, &after))) return st;
    st = hh_audit(tx, r, in->has_disabled && in->disabled ? "account.disable" : "account.update",
                  "account", r->path_id, before, after);
    if (st) {
        json_decref(after);
        return st;
    }
    hh_reply(r, 200, after);
    return HH_OK;
}

static hh_status hash_then_update(hh_req *r)
{
    account_in *in = r->ud;
    hh_status st = hh_password_hash(in->password, in->hash);
    if (st) return st;
    return hh_req_write(r, account_update_write);
}

hh_status hh_h_account_update(hh_req *r)
{
    account_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st = read_account(r, in, false);
    if (st) return st;
    if (in->has_brands) {
        /* a brand manager cannot hand out brands; only the owner edits brand managers */
        hh_scope s = {.enterprise_id = r->who.enterprise_id};
        if (hh_authz(&r->who, HH_ACT_ADMIN, &s) != HH_OK)
            return hh_fail(r, HH_E_FORBIDDEN, "brand_ids", "只有企业所有者可以分配品牌",
                           "Only the owner can assign brands");
    }
    return in->has_password ? hh_req_async(r, hash_then_update) : hh_req_write(r, account_update_write);
}

hh_status hh_h_account_disable(hh_req *r)
{
    if (r->path_id == r->who.id)
        return hh_fail(r, HH_E_UNPROCESSABLE, "id", "不能停用自己的账号", "You cannot disable your own account");
    account_in *in = hh_alloc(r->arena, sizeof *in);
    in->has_disabled = true;
    in->disabled = true;
    r->ud = in;
    return hh_req_write(r, account_update_write);
}
