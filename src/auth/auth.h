/*
 * auth.h — who is asking (sessions), what they may do (authz), and the record
 * of what they did (audit).
 *
 * Authorisation is decided in one place: hh_authz() holds every rule, and the
 * server calls it (through hh_authz_route) for every account route before the
 * handler runs, with the scope of the object named in the path. Handlers call
 * hh_authz() again only for objects named in the body (e.g. the brands of a new
 * store). Lists are filtered with the HH_SCOPE_* SQL fragments below, which
 * state the same read rule in SQL.
 */
#ifndef HH_AUTH_H
#define HH_AUTH_H

#include "http/http.h"

#define HH_SESSION_COOKIE "hh_session"
#define HH_MEMBER_COOKIE "hh_member"

const char *hh_role_name(hh_role role);
hh_role hh_role_parse(const char *s); /* HH_ROLE_NONE when unknown (member excluded) */

/* Fill r->who from the session cookie or bearer token, and refuse the request
 * (401) when the route needs a principal of another kind. */
hh_status hh_auth_resolve(hh_req *r);

/* Drop every cached principal (see session.c). Called after a commit that
 * changed sessions, accounts, staff or store brands. */
void hh_auth_invalidate(void);

/* The calling thread's cache of member sessions, by token hash (64 hex
 * digits), as hh_auth_resolve uses it; exposed for tests. A get misses when
 * the epoch moved since the put (hh_auth_invalidate), the session has
 * expired or the entry is older than the cache's TTL. */
bool hh__member_cache_get(const char *hash, int64_t *id, int64_t *enterprise_id);
void hh__member_cache_put(const char *hash, uint64_t epoch, int64_t id, int64_t enterprise_id, int64_t session_expires);
uint64_t hh__auth_epoch(void); /* the epoch to pass to a put, read before the session is */

/* Load the scope of the route's {id} object and check the route's action. */
hh_status hh_authz_route(hh_req *r);
/* Load the scope of object `id` of kind `t`. HH_E_NOT_FOUND when it does not exist. */
hh_status hh_scope_load(hh_db *db, hh_target t, int64_t id, hh_scope *out);
/* The rules. A scope with enterprise_id only (no store, brands or account)
 * asks whether the role may do `act` at all (lists, creation). Foreign
 * enterprise → HH_E_NOT_FOUND; outside the role's scope → HH_E_FORBIDDEN. */
hh_status hh_authz(const hh_principal *p, hh_action act, const hh_scope *s);
/* The same, recording a localised error on r. */
hh_status hh_authz_req(hh_req *r, hh_action act, const hh_scope *s);

/* List scoping: every scoped list query binds HH_SCOPE_ARGS(r) as ?1..?4 and
 * puts the fragment for its table alias in its WHERE clause. */
#define HH_SCOPE_ARGS(r)                                                          \
    HH_I((r)->who.enterprise_id), HH_S(hh_role_name((r)->who.role)), HH_I((r)->who.id), \
        HH_I((r)->who.store_id)
#define HH_SCOPE_BRAND_ID(col)                                                                \
    "(?2 = 'owner' OR (?2 = 'brand_manager' AND " col " IN (SELECT brand_id FROM "           \
    "account_brands WHERE account_id = ?3)) OR (?2 = 'staff' AND " col " IN (SELECT "        \
    "brand_id FROM store_brands WHERE store_id = ?4)))"
#define HH_SCOPE_BRAND(b) HH_SCOPE_BRAND_ID(b ".id")
/* brand-scoped objects that may belong to a store: staff see their store's */
#define HH_SCOPE_BRAND_STORE(brand_col, store_col)                                            \
    "(?2 = 'owner' OR (?2 = 'brand_manager' AND " brand_col " IN (SELECT brand_id FROM "     \
    "account_brands WHERE account_id = ?3)) OR (?2 = 'staff' AND (" store_col " = ?4 OR ("  \
    store_col " IS NULL AND " brand_col " IN (SELECT brand_id FROM store_brands WHERE "       \
    "store_id = ?4)))))"
#define HH_SCOPE_STORE_ID(sid)                                                                \
    "(?2 = 'owner' OR (?2 = 'brand_manager' AND EXISTS (SELECT 1 FROM store_brands sb_ JOIN " \
    "account_brands ab_ ON ab_.brand_id = sb_.brand_id WHERE sb_.store_id = " sid            \
    " AND ab_.account_id = ?3)) OR (?2 = 'staff' AND " sid " = ?4))"
#define HH_SCOPE_ACCOUNT(a)                                                                   \
    "(?2 = 'owner' OR " a ".id = ?3 OR (?2 = 'brand_manager' AND " a ".role = 'staff' AND "   \
    "EXISTS (SELECT 1 FROM staff x_ JOIN store_brands sb_ ON sb_.store_id = x_.store_id JOIN " \
    "account_brands ab_ ON ab_.brand_id = sb_.brand_id WHERE x_.id = " a ".staff_id AND "     \
    "ab_.account_id = ?3)))"

/* Append an audit entry in the caller's write transaction. before/after may be
 * NULL; they are not stolen. */
hh_status hh_audit(hh_db *tx, hh_req *r, const char *action, const char *entity,
                   int64_t entity_id, json_t *before, json_t *after);
/* The same for tools acting outside a request (CLI): actor is "cli". */
hh_status hh_audit_cli(hh_db *tx, int64_t enterprise_id, const char *action, const char *entity,
                       int64_t entity_id, json_t *after);

/* Passwords: argon2id through libsodium. out holds crypto_pwhash_STRBYTES. */
#define HH_PASSWORD_MIN 8
#define HH_PASSWORD_MAX 128
hh_status hh_password_hash(const char *password, char *out);
bool hh_password_verify(const char *hash, const char *password);

/* Sessions: a random token for the client, only its hash stored. */
#define HH_TOKEN_HEX 64
void hh_token_hash(const char *token, char out[65]);
hh_status hh_session_create(hh_db *tx, const char *kind, int64_t subject_id,
                            int64_t enterprise_id, int64_t ttl_ms, char token[HH_TOKEN_HEX + 1],
                            int64_t *expires_at);
/* The Set-Cookie value for a new session (or for clearing it when token NULL). */
const char *hh_session_cookie(hh_req *r, const char *name, const char *token, int64_t ttl_ms);
/* The token the request carries for cookie `name` (bearer token first). */
const char *hh_request_token(hh_req *r, const char *cookie_name);
/* The member signed in on this request's member cookie, if any (0 otherwise);
 * for public routes that behave differently for a known member. */
int64_t hh_auth_peek_member(hh_req *r);

/* Login throttling (in memory): a key is refused for `window` once it has
 * `limit` failures in it. */
bool hh_throttle_blocked(const char *key, int limit);
void hh_throttle_fail(const char *key);
void hh_throttle_reset(const char *key);

/* handlers */
hh_status hh_h_login(hh_req *r);
hh_status hh_h_logout(hh_req *r);
hh_status hh_h_me(hh_req *r);
hh_status hh_h_password(hh_req *r);
hh_status hh_h_audit_list(hh_req *r);

#endif
