/*
 * session.c — passwords, session tokens, resolving the principal of a request,
 * and the audit log.
 *
 * A session token is 32 random bytes (64 hex characters) given to the client
 * once; the store keeps only its BLAKE2b hash, so a leaked database holds no
 * usable token. Web apps carry it in an HttpOnly SameSite=Strict cookie, other
 * systems in "Authorization: Bearer".
 */
#include "auth/auth.h"
#include "http/app.h"
#include "core/log.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const role_names[] = {
    [HH_ROLE_NONE] = "none", [HH_ROLE_OWNER] = "owner", [HH_ROLE_BRAND_MANAGER] = "brand_manager",
    [HH_ROLE_STAFF] = "staff", [HH_ROLE_MEMBER] = "member"};

const char *hh_role_name(hh_role role)
{
    return (unsigned)role <= HH_ROLE_MEMBER ? role_names[role] : "none";
}

hh_role hh_role_parse(const char *s)
{
    if (!s) return HH_ROLE_NONE;
    if (!strcmp(s, "owner")) return HH_ROLE_OWNER;
    if (!strcmp(s, "brand_manager")) return HH_ROLE_BRAND_MANAGER;
    if (!strcmp(s, "staff")) return HH_ROLE_STAFF;
    return HH_ROLE_NONE;
}

/* ---- passwords ---- */

hh_status hh_password_hash(const char *password, char *out)
{
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return HH_E_NOMEM;
    return HH_OK;
}

bool hh_password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* ---- tokens ---- */

void hh_token_hash(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    hh_hex(out, h, sizeof h);
}

hh_status hh_session_create(hh_db *tx, const char *kind, int64_t subject_id,
                            int64_t enterprise_id, int64_t ttl_ms, char token[HH_TOKEN_HEX + 1],
                            int64_t *expires_at)
{
    char hash[65];
    hh_random_token(token, 32);
    hh_token_hash(token, hash);
    int64_t now = hh_now_ms();
    *expires_at = now + ttl_ms;
    /* drop this subject's expired sessions while we are here */
    hh_db_run(tx, NULL, "DELETE FROM sessions WHERE kind = ? AND subject_id = ? AND expires_at < ?",
              HH_A(HH_S(kind), HH_I(subject_id), HH_I(now)));
    return hh_db_run(tx, NULL,
                     "INSERT INTO sessions (token_hash, kind, subject_id, enterprise_id, created_at,"
                     " expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                     HH_A(HH_S(hash), HH_S(kind), HH_I(subject_id), HH_I(enterprise_id), HH_I(now),
                          HH_I(*expires_at)));
}

const char *hh_session_cookie(hh_req *r, const char *name, const char *token, int64_t ttl_ms)
{
    if (!token)
        return hh_sprintf(r->arena, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", name);
    return hh_sprintf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld", name,
                      token, (long long)(ttl_ms / 1000));
}

const char *hh_request_token(hh_req *r, const char *cookie_name)
{
    const char *authz = hh_header(r, "Authorization");
    if (authz && !strncasecmp(authz, "Bearer ", 7)) return authz + 7;
    return hh_cookie(r, cookie_name);
}

/* ---- resolving the principal ----
 *
 * Every request resolves its token, which costs two to four reads. Each HTTP
 * thread keeps the principals it resolved for CACHE_TTL_MS (members in a
 * larger cache of their own, for MEMBER_TTL_MS), tagged with the
 * global auth epoch; a write that changes sessions, accounts, staff or store
 * brands sets r->auth_changed and the epoch moves once it is durable (before
 * its answer is sent), so a client never sees its own change undone. */

#define CACHE_SLOTS 256
#define CACHE_TTL_MS 2000

typedef struct {
    char hash[65];
    bool member;
    uint64_t epoch;
    int64_t cached_at, session_expires;
    hh_principal p;
    char login[72], name[104];
} cached_principal;

static _Thread_local cached_principal cache[CACHE_SLOTS];
static _Atomic uint64_t auth_epoch = 1;

void hh_auth_invalidate(void)
{
    atomic_fetch_add(&auth_epoch, 1);
}

/* The first 8 hex digits of a token hash as a number (slot of a cache). */
static unsigned hash_bits(const char *hash)
{
    unsigned v = 0;
    for (int i = 0; i < 8; i++) v = v << 4 | (unsigned)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
    return v;
}

static cached_principal *cache_slot(const char *hash)
{
    return &cache[hash_bits(hash) % CACHE_SLOTS];
}

/* Members are many and their principal is small: a larger cache of their own
 * per thread (allocated on first use: 65,536 members in 4.5 MiB), so a busy
 * member campaign does not read the session of every request. Eight ways per
 * set: with one or two, members whose hashes share a set evicted each other
 * on every request (a drawing crowd of 10,000 missed 6–15% of the time); at
 * 10,000 members a set holds 1.2 on average and nine in one set is rare.
 * Same epoch rule. The longer TTL is safe because a member session only ends
 * early through this process (sign-out, merge, erasure), which moves the
 * epoch; expiry is checked on every hit. The TTL bounds only a change made
 * by another process to the database. */
#define MEMBER_SETS 8192
#define MEMBER_WAYS 8
#define MEMBER_TTL_MS 60000

typedef struct {
    unsigned char key[32]; /* the token hash, as bytes */
    uint64_t epoch;
    int64_t cached_at, session_expires, id, enterprise_id;
} cached_member;

static _Thread_local cached_member (*member_cache)[MEMBER_WAYS];

/* The set of a token hash (64 hex digits) and its key; NULL for another text. */
static cached_member *member_set(const char *hash, unsigned char key[32])
{
    size_t n = 0;
    if (sodium_hex2bin(key, 32, hash, strlen(hash), NULL, &n, NULL) != 0 || n != 32) return NULL;
    return member_cache[(((unsigned)key[0] << 8 | key[1]) << 8 | key[2]) % MEMBER_SETS];
}

bool hh__member_cache_get(const char *hash, int64_t *id, int64_t *enterprise_id)
{
    if (!member_cache) return false;
    unsigned char key[32];
    cached_member *set = member_set(hash, key);
    if (!set) return false;
    int64_t now = hh_now_ms();
    for (int w = 0; w < MEMBER_WAYS; w++) {
        cached_member *c = &set[w];
        if (memcmp(c->key, key, 32)) continue;
        if (c->epoch != atomic_load(&auth_epoch) || now - c->cached_at > MEMBER_TTL_MS || now >= c->session_expires)
            return false;
        *id = c->id;
        *enterprise_id = c->enterprise_id;
        return true;
    }
    return false;
}

void hh__member_cache_put(const char *hash, uint64_t epoch, int64_t id, int64_t enterprise_id, int64_t session_expires)
{
    if (!member_cache) member_cache = hh_xcalloc(MEMBER_SETS, sizeof *member_cache);
    unsigned char key[32];
    cached_member *set = member_set(hash, key), *c = set;
    if (!set) return;
    /* the way holding this hash, else the one cached longest ago (or never) */
    for (int w = 0; w < MEMBER_WAYS; w++) {
        if (!memcmp(set[w].key, key, 32)) {
            c = &set[w];
            break;
        }
        if (set[w].cached_at < c->cached_at) c = &set[w];
    }
    memcpy(c->key, key, 32);
    c->epoch = epoch;
    c->cached_at = hh_now_ms();
    c->session_expires = session_expires;
    c->id = id;
    c->enterprise_id = enterprise_id;
}

uint64_t hh__auth_epoch(void)
{
    return atomic_load(&auth_epoch);
}

static bool cache_get(hh_req *r, const char *hash, bool member)
{
    cached_principal *c = cache_slot(hash);
    int64_t now = hh_now_ms();
    if (c->member != member || strcmp(c->hash, hash) || c->epoch != atomic_load(&auth_epoch) ||
        now - c->cached_at > CACHE_TTL_MS || now >= c->session_expires)
        return false;
    r->who = c->p;
    r->who.login = hh_strdup(r->arena, c->login);
    r->who.name = hh_strdup(r->arena, c->name);
    return true;
}

static void cache_put(hh_req *r, const char *hash, bool member, uint64_t epoch, int64_t session_expires)
{
    cached_principal *c = cache_slot(hash);
    memcpy(c->hash, hash, 65);
    c->member = member;
    c->epoch = epoch;
    c->cached_at = hh_now_ms();
    c->session_expires = session_expires;
    c->p = r->who;
    snprintf(c->login, sizeof c->login, "%s", r->who.login ? r->who.login : "");
    snprintf(c->name, sizeof c->name, "%s", r->who.name ? r->who.name : "");
    c->p.login = c->p.name = NULL;
}


static bool valid_token(const char *t)
{
    if (!t || strlen(t) != HH_TOKEN_HEX) return false;
    for (; *t; t++)
        if (!((*t >= '0' && *t <= '9') || (*t >= 'a' && *t <= 'f'))) return false;
    return true;
}

static hh_status load_account(hh_req *r, hh_db *db, int64_t account_id)
{
    json_t *a;
    hh_status st = hh_db_one(db, &a,
                             "SELECT a.id, a.enterprise_id, a.login, a.name, a.role, a.disabled,"
                             " a.staff_id, s.store_id FROM accounts a"
                             " LEFT JOIN staff s ON s.id = a.staff_id AND s.archived_at IS NULL"
                             " WHERE a.id = ?",
                             HH_A(HH_I(account_id)));
    if (st != HH_OK) return st == HH_E_NOT_FOUND ? HH_E_UNAUTHENTICATED : st;
    hh_principal *p = &r->who;
    if (json_integer_value(json_object_get(a, "disabled"))) {
        json_decref(a);
        return HH_E_UNAUTHENTICATED;
    }
    p->role = hh_role_parse(json_string_value(json_object_get(a, "role")));
    p->id = account_id;
    p->enterprise_id = json_integer_value(json_object_get(a, "enterprise_id"));
    p->login = hh_strdup(r->arena, json_string_value(json_object_get(a, "login")));
    p->name = hh_strdup(r->arena, json_string_value(json_object_get(a, "name")));
    p->staff_id = json_integer_value(json_object_get(a, "staff_id"));
    p->store_id = json_integer_value(json_object_get(a, "store_id"));
    json_decref(a);
    json_t *rows = NULL;
    if (p->role == HH_ROLE_BRAND_MANAGER)
        st = hh_db_query(db, &rows, "SELECT brand_id FROM account_brands WHERE account_id = ?",
                         HH_A(HH_I(account_id)));
    else if (p->role == HH_ROLE_STAFF)
        st = hh_db_query(db, &rows, "SELECT brand_id FROM store_brands WHERE store_id = ?",
                         HH_A(HH_I(p->store_id)));
    if (st != HH_OK) return st;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (p->nbrands < HH_MAX_SCOPE_BRANDS)
            p->brands[p->nbrands++] = json_integer_value(json_object_get(row, "brand_id"));
    }
    json_decref(rows);
    /* a staff account whose staff record was archived has no store: no access */
    if (p->role == HH_ROLE_STAFF && !p->store_id) return HH_E_UNAUTHENTICATED;
    return HH_OK;
}

static hh_status resolve_kind(hh_req *r, const char *kind, const char *cookie)
{
    const char *token = hh_request_token(r, cookie);
    if (!valid_token(token)) return HH_E_UNAUTHENTICATED;
    char hash[65];
    hh_token_hash(token, hash);
    bool member = !strcmp(kind, "member");
    if (member && hh__member_cache_get(hash, &r->who.id, &r->who.enterprise_id)) {
        r->who.role = HH_ROLE_MEMBER;
        return HH_OK;
    }
    if (!member && cache_get(r, hash, member)) return HH_OK;
    uint64_t epoch = atomic_load(&auth_epoch); /* read before the store: a change after it misses */
    hh_db *db = hh_store_reader(r->app->store);
    if (member) {
        int64_t v[3]; /* subject_id, enterprise_id, expires_at */
        hh_status st = hh_db_ints(db, v, 3,
                                  "SELECT subject_id, enterprise_id, expires_at FROM sessions"
                                  " WHERE token_hash = ? AND kind = 'member' AND expires_at > ?",
                                  HH_A(HH_S(hash), HH_I(hh_now_ms())));
        if (st != HH_OK) return st == HH_E_NOT_FOUND ? HH_E_UNAUTHENTICATED : st;
        r->who.role = HH_ROLE_MEMBER;
        r->who.id = v[0];
        r->who.enterprise_id = v[1];
        hh__member_cache_put(hash, epoch, v[0], v[1], v[2]);
        return HH_OK;
    }
    json_t *s;
    hh_status st = hh_db_one(db, &s,
                             "SELECT subject_id, enterprise_id, expires_at FROM sessions"
                             " WHERE token_hash = ? AND kind = ? AND expires_at > ?",
                             HH_A(HH_S(hash), HH_S(kind), HH_I(hh_now_ms())));
    if (st != HH_OK) return st == HH_E_NOT_FOUND ? HH_E_UNAUTHENTICATED : st;
    int64_t subject = json_integer_value(json_object_get(s, "subject_id"));
    int64_t expires = json_integer_value(json_object_get(s, "expires_at"));
    json_decref(s);
    st = load_account(r, db, subject);
    if (st == HH_OK) cache_put(r, hash, false, epoch, expires);
    return st;
}

int64_t hh_auth_peek_member(hh_req *r)
{
    hh_principal saved = r->who;
    int64_t id = 0;
    if (resolve_kind(r, "member", HH_MEMBER_COOKIE) == HH_OK) id = r->who.id;
    r->who = saved;
    return id;
}

hh_status hh_auth_resolve(hh_req *r)
{
    hh_auth need = r->route->auth;
    if (need == HH_AUTH_NONE) {
        /* optional: public routes still learn who is asking, if anyone */
        if (resolve_kind(r, "account", HH_SESSION_COOKIE) != HH_OK) memset(&r->who, 0, sizeof r->who);
        return HH_OK;
    }
    hh_status st = need == HH_AUTH_MEMBER ? resolve_kind(r, "member", HH_MEMBER_COOKIE)
                                          : resolve_kind(r, "account", HH_SESSION_COOKIE);
    if (st == HH_E_UNAUTHENTICATED) {
        memset(&r->who, 0, sizeof r->who);
        return hh_fail(r, st, NULL, "请先登录（会话无效或已过期）",
                       "Please sign in (the session is missing, invalid or expired)");
    }
    return st;
}

/* ---- audit ---- */

static char *dump_or_null(json_t *v)
{
    return v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}

static hh_status audit_insert(hh_db *tx, int64_t ent, int64_t actor_id, const char *actor_login,
                              const char *action, const char *entity, int64_t entity_id,
                              json_t *before, json_t *after)
{
    char *b = dump_or_null(before), *a = dump_or_null(after);
    hh_status st = hh_db_run(tx, NULL,
                             "INSERT INTO audit_log (enterprise_id, at, actor_id, actor_login,"
                             " action, entity, entity_id, before_json, after_json)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             HH_A(HH_I(ent), HH_I(hh_now_ms()), HH_ID(actor_id), HH_S(actor_login),
                                  HH_S(action), HH_S(entity), HH_ID(entity_id), HH_S(b), HH_S(a)));
    free(b);
    free(a);
    return st;
}

hh_status hh_audit(hh_db *tx, hh_req *r, const char *action, const char *entity,
                   int64_t entity_id, json_t *before, json_t *after)
{
    return audit_insert(tx, r->who.enterprise_id, r->who.id, r->who.login, action, entity,
                        entity_id, before, after);
}

hh_status hh_audit_cli(hh_db *tx, int64_t enterprise_id, const char *action, const char *entity,
                       int64_t entity_id, json_t *after)
{
    return audit_insert(tx, enterprise_id, 0, "cli", action, entity, entity_id, NULL, after);
}
