/*
 * handlers.c — sign in, sign out, who am I, change my password, audit log.
 *
 * Password checks run on a worker thread (argon2id takes tens of
 * milliseconds and 64 MiB); the session is then created by a durable write.
 * A login name that does not exist costs the same hash as one that does.
 */
#include "auth/auth.h"
#include "core/log.h"
#include "http/app.h"
#include "org/org.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#define LOGIN_LIMIT 5   /* failures per login name per window */
#define IP_LIMIT 30     /* failures per client address per window */

typedef struct {
    const char *login, *password, *new_password;
    char hash[crypto_pwhash_STRBYTES];
    char new_hash[crypto_pwhash_STRBYTES];
    int64_t account_id;
    bool disabled;
    char token[HH_TOKEN_HEX + 1];
    int64_t expires_at;
} login_ctx;

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy(void)
{
    char pw[33];
    hh_random_token(pw, 16);
    hh_password_hash(pw, dummy_hash);
}

static const char *lower(hh_req *r, const char *s)
{
    char *t = hh_strdup(r->arena, s);
    for (char *p = t; *p; p++) *p = (char)tolower((unsigned char)*p);
    return t;
}

static hh_status login_write(hh_db *tx, hh_req *r)
{
    login_ctx *c = r->ud;
    hh_status st = hh_session_create(tx, "account", c->account_id, r->who.enterprise_id,
                                     r->app->cfg.session_ttl_ms, c->token, &c->expires_at);
    if (st != HH_OK) return st;
    st = hh_db_run(tx, NULL, "UPDATE accounts SET last_login_at = ? WHERE id = ?",
                   HH_A(HH_I(hh_now_ms()), HH_I(c->account_id)));
    if (st != HH_OK) return st;
    r->who.id = c->account_id;
    r->who.login = c->login;
    st = hh_audit(tx, r, "account.login", "account", c->account_id, NULL,
                  hh_req_own(r, json_pack("{s:s}", "ip", r->client_ip)));
    if (st != HH_OK) return st;
    json_t *acc;
    st = hh_account_get(tx, c->account_id, &acc);
    if (st != HH_OK) return st;
    r->set_cookie = hh_session_cookie(r, HH_SESSION_COOKIE, c->token, r->app->cfg.session_ttl_ms);
    hh_reply(r, 200, json_pack("{s:s, s:I, s:o}", "token", c->token, "expires_at",
                               (json_int_t)c->expires_at, "account", acc));
    return HH_OK;
}

static hh_status login_verify(hh_req *r)
{
    login_ctx *c = r->ud;
    pthread_once(&dummy_once, make_dummy);
    bool ok = hh_password_verify(c->account_id ? c->hash : dummy_hash, c->password);
    const char *lkey = hh_sprintf(r->arena, "login:%s", c->login);
    const char *ikey = hh_sprintf(r->arena, "ip:%s", r->client_ip);
    if (!ok || !c->account_id) {
        hh_throttle_fail(lkey);
        hh_throttle_fail(ikey);
        hh_info("auth.login_failed", "{s:s, s:s}", "login", c->login, "ip", r->client_ip);
        return hh_fail(r, HH_E_UNAUTHENTICATED, "password", "账号或密码错误",
                       "Wrong login or password");
    }
    hh_throttle_reset(lkey);
    if (c->disabled)
        return hh_fail(r, HH_E_FORBIDDEN, "login", "该账号已停用，请联系管理员",
                       "This account is disabled; please contact your administrator");
    return hh_req_write(r, login_write);
}

hh_status hh_h_login(hh_req *r)
{
    hh_status st = hh_body(r);
    if (st) return st;
    login_ctx *c = hh_alloc(r->arena, sizeof *c);
    r->ud = c;
    if ((st = hh_field_str(r, "login", true, 64, &c->login, NULL)) ||
        (st = hh_field_str(r, "password", true, HH_PASSWORD_MAX, &c->password, NULL)))
        return st;
    c->login = lower(r, c->login);
    if (hh_throttle_blocked(hh_sprintf(r->arena, "login:%s", c->login), LOGIN_LIMIT) ||
        hh_throttle_blocked(hh_sprintf(r->arena, "ip:%s", r->client_ip), IP_LIMIT))
        return hh_fail(r, HH_E_THROTTLED, "login", "登录失败次数过多，请 15 分钟后再试",
                       "Too many failed sign-ins; please try again in 15 minutes");
    json_t *row;
    st = hh_db_one(hh_store_reader(r->app->store), &row,
                   "SELECT a.id, a.enterprise_id, a.password_hash, a.disabled OR (a.role = 'staff' AND"
                   " (s.id IS NULL OR s.archived_at IS NOT NULL)) AS disabled FROM accounts a"
                   " LEFT JOIN staff s ON s.id = a.staff_id WHERE a.login = ?",
                   HH_A(HH_S(c->login)));
    if (st == HH_OK) {
        c->account_id = json_integer_value(json_object_get(row, "id"));
        r->who.enterprise_id = json_integer_value(json_object_get(row, "enterprise_id"));
        c->disabled = json_integer_value(json_object_get(row, "disabled")) != 0;
        snprintf(c->hash, sizeof c->hash, "%s",
                 json_string_value(json_object_get(row, "password_hash")));
        json_decref(row);
    } else if (st != HH_E_NOT_FOUND) {
        return st;
    }
    return hh_req_async(r, login_verify);
}

static hh_status logout_write(hh_db *tx, hh_req *r)
{
    r->auth_changed = true;
    char hash[65];
    hh_token_hash(r->ud, hash);
    hh_status st = hh_db_run(tx, NULL, "DELETE FROM sessions WHERE token_hash = ?", HH_A(HH_S(hash)));
    if (st != HH_OK) return st;
    r->set_cookie = hh_session_cookie(r, HH_SESSION_COOKIE, NULL, 0);
    hh_reply(r, 200, json_pack("{s:b}", "ok", 1));
    return HH_OK;
}

hh_status hh_h_logout(hh_req *r)
{
    r->ud = (void *)hh_request_token(r, HH_SESSION_COOKIE);
    return hh_req_write(r, logout_write);
}

hh_status hh_h_me(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    json_t *acc, *ent;
    hh_status st = hh_account_get(db, r->who.id, &acc);
    if (st != HH_OK) return st;
    st = hh_db_one(db, &ent, "SELECT id, name, timezone FROM enterprises WHERE id = ?",
                   HH_A(HH_I(r->who.enterprise_id)));
    if (st != HH_OK) {
        json_decref(acc);
        return st;
    }
    hh_reply(r, 200, json_pack("{s:o, s:o}", "account", acc, "enterprise", ent));
    return HH_OK;
}

static hh_status password_write(hh_db *tx, hh_req *r)
{
    r->auth_changed = true;
    login_ctx *c = r->ud;
    hh_status st = hh_db_run(tx, NULL, "UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?",
                             HH_A(HH_S(c->new_hash), HH_I(hh_now_ms()), HH_I(r->who.id)));
    if (st != HH_OK) return st;
    /* every other session of this account ends */
    char hash[65];
    const char *token = hh_request_token(r, HH_SESSION_COOKIE);
    hh_token_hash(token ? token : "", hash);
    st = hh_db_run(tx, NULL,
                   "DELETE FROM sessions WHERE kind = 'account' AND subject_id = ? AND token_hash <> ?",
                   HH_A(HH_I(r->who.id), HH_S(hash)));
    if (st != HH_OK) return st;
    return hh_audit(tx, r, "account.password", "account", r->who.id, NULL, NULL);
}

static hh_status password_verify(hh_req *r)
{
    login_ctx *c = r->ud;
    if (!hh_password_verify(c->hash, c->password)) {
        hh_throttle_fail(hh_sprintf(r->arena, "login:%s", r->who.login));
        return hh_fail(r, HH_E_INVALID, "old_password", "原密码不正确", "The current password is wrong");
    }
    hh_status st = hh_password_hash(c->new_password, c->new_hash);
    if (st != HH_OK) return st;
    return hh_req_write(r, password_write);
}

hh_status hh_h_password(hh_req *r)
{
    hh_status st = hh_body(r);
    if (st) return st;
    login_ctx *c = hh_alloc(r->arena, sizeof *c);
    r->ud = c;
    if ((st = hh_field_str(r, "old_password", true, HH_PASSWORD_MAX, &c->password, NULL)) ||
        (st = hh_field_str(r, "new_password", true, HH_PASSWORD_MAX, &c->new_password, NULL)))
        return st;
    if (strlen(c->new_password) < HH_PASSWORD_MIN)
        return hh_fail(r, HH_E_INVALID, "new_password", "新密码至少 8 位",
                       "The new password needs at least 8 characters");
    if (hh_throttle_blocked(hh_sprintf(r->arena, "login:%s", r->who.login), LOGIN_LIMIT))
        return hh_fail(r, HH_E_THROTTLED, "old_password", "尝试次数过多，请 15 分钟后再试",
                       "Too many attempts; please try again in 15 minutes");
    json_t *row;
    st = hh_db_one(hh_store_reader(r->app->store), &row,
                   "SELECT password_hash FROM accounts WHERE id = ?", HH_A(HH_I(r->who.id)));
    if (st != HH_OK) return st;
    snprintf(c->hash, sizeof c->hash, "%s", json_string_value(json_object_get(row, "password_hash")));
    json_decref(row);
    return hh_req_async(r, password_verify);
}

hh_status hh_h_audit_list(hh_req *r)
{
    int64_t limit, offset, entity_id, actor_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "entity_id", &entity_id)) ||
        (st = hh_query_id(r, "actor_id", &actor_id)))
        return st;
    const char *entity = hh_query(r, "entity");
    const char *action = hh_query(r, "action");
    if (entity && !*entity) entity = NULL;
    if (action && !*action) action = NULL;
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
#define AUDIT_WHERE                                                                            \
    " FROM audit_log WHERE enterprise_id = ?1 AND (?2 IS NULL OR entity = ?2)"                 \
    " AND (?3 = 0 OR entity_id = ?3) AND (?4 = 0 OR actor_id = ?4) AND (?5 IS NULL OR action LIKE ?5 || '%')"
    st = hh_db_query(db, &items,
                     "SELECT id, at, actor_id, actor_login, action, entity, entity_id,"
                     " before_json, after_json" AUDIT_WHERE " ORDER BY id DESC LIMIT ?6 OFFSET ?7",
                     HH_A(HH_I(r->who.enterprise_id), HH_S(entity), HH_I(entity_id), HH_I(actor_id),
                          HH_S(action), HH_I(limit), HH_I(offset)));
    if (st != HH_OK) return st;
    return hh_list_reply(r, db, items, "SELECT count(*)" AUDIT_WHERE,
                          HH_A(HH_I(r->who.enterprise_id), HH_S(entity), HH_I(entity_id),
                               HH_I(actor_id), HH_S(action)));
#undef AUDIT_WHERE
}
