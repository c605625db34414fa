/*
 * http.h — the HTTP layer seen by handlers: the request context, the route
 * table entry, replying, failing, and queueing a durable write.
 *
 * Life of a request: the server parses and caps the body, matches a route,
 * authenticates the principal, loads the scope of the path's resource and asks
 * authz (auth/authz.c) — all before the handler runs. A handler then either
 * answers at once (reads) or calls hh_req_write() and returns HH_PENDING: the
 * connection is suspended, the write function runs on the store's writer
 * thread inside a savepoint, and the connection is resumed once the batch is
 * durable. No libmicrohttpd thread ever waits.
 *
 * Memory: everything a handler allocates for the request comes from r->arena
 * (hh_alloc, hh_strdup, hh_sprintf) or is registered with hh_req_own().
 */
#ifndef HH_HTTP_H
#define HH_HTTP_H

#include "core/hh.h"
#include "store/store.h"

#include <jansson.h>
#include <stdatomic.h>

typedef struct hh_app hh_app;
typedef struct hh_req hh_req;

typedef enum {
    HH_GET = 1,
    HH_POST = 2,
    HH_PUT = 4,
    HH_PATCH = 8,
    HH_DELETE = 16,
} hh_method;

typedef enum {
    HH_ROLE_NONE = 0,
    HH_ROLE_OWNER,
    HH_ROLE_BRAND_MANAGER,
    HH_ROLE_STAFF,
    HH_ROLE_MEMBER,
} hh_role;

#define HH_MAX_SCOPE_BRANDS 64

/* Who is asking. Filled by the server from the session before the handler. */
typedef struct hh_principal {
    hh_role role;           /* HH_ROLE_NONE: anonymous */
    int64_t id;             /* account id, or member id for HH_ROLE_MEMBER */
    int64_t enterprise_id;
    int64_t staff_id, store_id; /* staff accounts */
    int64_t brands[HH_MAX_SCOPE_BRANDS]; /* brand managers: managed; staff: served by the store */
    int nbrands;
    const char *login;      /* arena */
    const char *name;       /* arena */
} hh_principal;

/* What a route needs before its handler may run. */
typedef enum { HH_AUTH_NONE, HH_AUTH_ACCOUNT, HH_AUTH_MEMBER } hh_auth;

/* Authorisation actions (auth/authz.c holds the rules). */
typedef enum {
    HH_ACT_NONE = 0,   /* any authenticated principal of the route's kind */
    HH_ACT_READ,       /* read an organisation object in scope */
    HH_ACT_BRAND_CREATE,
    HH_ACT_BRAND_WRITE,
    HH_ACT_STORE_WRITE,
    HH_ACT_STAFF_WRITE,
    HH_ACT_ACCOUNT_READ,
    HH_ACT_ACCOUNT_WRITE,
    HH_ACT_AUDIT_READ,
    HH_ACT_ADMIN,      /* enterprise-wide administration (owner) */
    HH_ACT_MARKETING_WRITE, /* brand-scoped marketing objects: touchpoints, … */
    HH_ACT_MEMBER_READ,     /* member records (masked) */
    HH_ACT_MEMBER_WRITE,    /* profile edits, identities, ownership, tags */
    HH_ACT_COUNTER,         /* counter work: register members, look them up */
    HH_ACT_STORE_TASK,      /* store work on a brand's object (review a receipt, check in a
                             * guest): brand managers of its brand, staff of its store only */
} hh_action;

/* The kind of object named by the route's {id} path parameter. The server
 * loads its scope and calls authz with the route's action before the handler. */
typedef enum {
    HH_T_NONE = 0,
    HH_T_BRAND,
    HH_T_STORE,
    HH_T_STAFF,
    HH_T_ACCOUNT,
    HH_T_TOUCHPOINT,
    HH_T_TP_BATCH,
    HH_T_MEMBER,
    HH_T_TAG,
    HH_T_PRODUCT_BATCH,
    HH_T_PRODUCT_ALERT,
    /* campaigns and rewards: scoped by brand (and store where they have one) */
    HH_T_CAMPAIGN,
    HH_T_COUPON_TEMPLATE,
    HH_T_COUPON_BATCH,
    HH_T_COUPON,
    HH_T_REDEMPTION,
    HH_T_PRIZE,
    HH_T_DRAW,
    HH_T_PASS_BATCH,
    HH_T_ENVELOPE_POOL,
    HH_T_ENVELOPE,
    HH_T_SAMPLE_OFFER,
    HH_T_SAMPLE_REQUEST,
    HH_T_RECEIPT,
    HH_T_RECEIPT_TIER,
    HH_T_ACTIVITY,
    HH_T_ACTIVITY_SIGNUP,
    HH_T_GIFT,
    HH_T_GIFT_ORDER,
    HH_T_POINTS_RULE,   /* scoped by its brand; enterprise-wide rules (no brand) are the owner's */
} hh_target;

typedef hh_status (*hh_handler)(hh_req *r);

typedef struct hh_route {
    int methods;          /* hh_method bits */
    const char *pattern;  /* "/api/stores/{id}" — also the metrics label */
    hh_handler handler;
    hh_auth auth;
    hh_action action;
    hh_target target;
    bool no_idempotency;  /* auth endpoints: a retry just makes another session */
    bool upload;          /* the body is a file: streamed to disk, up to HH_MAX_UPLOAD;
                           * the principal is checked before the first byte is stored */
} hh_route;

#define HH_MAX_UPLOAD ((int64_t)2 << 30)
/* Uploads by members (receipt photos) are capped much lower: a member session
 * must not be able to fill the disk. */
#define HH_MAX_MEMBER_UPLOAD ((int64_t)8 << 20)

/* Scope of an object, for authz. */
typedef struct hh_scope {
    int64_t enterprise_id;
    bool object;           /* names a particular object (set by hh_scope_load) */
    int64_t store_id;
    int64_t brands[HH_MAX_SCOPE_BRANDS];
    int nbrands;
    hh_role account_role;  /* HH_T_ACCOUNT: the target account's role */
    int64_t account_id;    /* HH_T_ACCOUNT: the target account */
} hh_scope;

typedef hh_status (*hh_write_fn)(hh_db *tx, hh_req *r);
typedef hh_status (*hh_async_fn)(hh_req *r);

struct hh_req {
    hh_arena *arena;
    hh_app *app;
    void *conn;              /* struct MHD_Connection * */
    hh_method method;
    const char *method_name;
    const char *path;        /* without the query string */
    const hh_route *route;
    int route_index;
    const char *path_id_raw; /* the {id} segment, if any */
    int64_t path_id;         /* parsed {id} */
    const char *client_ip;
    bool lang_en;

    /* body */
    char *body;
    size_t body_len, body_cap;
    bool body_too_large;
    int upload_fd;           /* upload routes: the body goes to upload_path */
    const char *upload_path; /* arena; the handler takes the file (renames or unlinks it) */
    int64_t upload_len;
    json_t *json;            /* parsed body, owned by the arena */

    hh_principal who;
    hh_scope target;         /* scope of the path object when route->target */
    const char *idem_key;

    /* answer */
    int status;
    char *resp;              /* malloc'd; handed to MHD */
    size_t resp_len;
    json_t *resp_json;       /* a JSON answer made on the writer, serialised by the
                              * HTTP thread when it sends it (resp is then "") */
    bool defer_json;         /* hh_reply keeps the JSON for the HTTP thread */
    void (*resp_text)(hh_req *r); /* hh_reply_later: makes the answer's text on the
                              * HTTP thread (resp is "" until then) */
    int resp_fd;             /* >0: answer with this file (see hh_reply_file) */
    uint64_t resp_fd_size;
    const char *content_type;
    const char *set_cookie;  /* arena */
    const char *location;    /* arena */
    const char *content_disposition; /* static or arena */
    bool replayed;
    struct {
        hh_status st;
        const char *field, *zh, *en;
    } err;
    bool keep_changes;       /* keep a failing write's changes (e.g. attempt counters) */
    bool auth_changed;       /* the write changes who may do what (sessions, accounts,
                              * staff stores, store brands): cached principals are
                              * dropped once it is durable */
    void *ud;                /* handler state carried into its write/async steps (arena) */
    /* Called on the store's completion thread once the write is durable (not on replays):
     * start background work that must not run before the commit. Keep it short. */
    void (*after_commit)(hh_req *r);

    /* pending work */
    int state;
    _Atomic int sync;        /* suspend/complete handshake, see server.c */
    hh_cmd cmd;
    hh_write_fn write_fn;
    hh_async_fn async_fn;
    char request_hash[65];
    int64_t t0_ns;
};

/* ---- answering ---- */
/* Answer with JSON (steals body). */
void hh_reply(hh_req *r, int status, json_t *body);
/* Answer with bytes of another type (takes ownership of malloc'd body). */
void hh_reply_raw(hh_req *r, int status, const char *content_type, char *body, size_t len);
/* Answer with JSON whose text text(r) makes later, from what the handler
 * kept in r->ud: on the HTTP thread when called on the writer for a command
 * without an Idempotency-Key (whose answer the writer stores), else now.
 * text answers with hh_reply_raw or hh_reply and touches nothing the writer
 * owns. */
void hh_reply_later(hh_req *r, int status, void (*text)(hh_req *r));
/* Answer with the contents of a file (opened here; 404 when missing). */
hh_status hh_reply_file(hh_req *r, const char *path, const char *content_type, const char *disposition);
/* Record an error for the answer and return st:  return hh_fail(r, ...). The
 * message exists in Chinese (default) and English (Accept-Language: en). */
hh_status hh_fail(hh_req *r, hh_status st, const char *field, const char *zh, const char *en);
/* Hand a JSON value to the request: it is released when the request ends. */
json_t *hh_req_own(hh_req *r, json_t *v);

/* A list answer {items, total}: steals items, counts with count_sql. */
hh_status hh_list_reply(hh_req *r, hh_db *db, json_t *items, const char *count_sql,
                        const hh_arg *a, size_t n);

/* ---- deferred work ---- */
/* Queue fn on the writer; returns HH_PENDING for the handler to return. A
 * hot write whose fn refuses only before its first change may set
 * r->cmd.refuses_first first (see hh_cmd in store.h): it then runs without a
 * savepoint of its own. */
hh_status hh_req_write(hh_req *r, hh_write_fn fn);
/* Run fn on a worker thread (CPU-heavy work such as password hashing); fn may
 * itself end with hh_req_write(). Returns HH_PENDING. */
hh_status hh_req_async(hh_req *r, hh_async_fn fn);

/* ---- request data ---- */
const char *hh_query(hh_req *r, const char *name);   /* NULL when absent */
const char *hh_header(hh_req *r, const char *name);
const char *hh_cookie(hh_req *r, const char *name);
/* Query parameter as an id: HH_OK, or HH_E_INVALID naming the parameter. *out=0 when absent. */
hh_status hh_query_id(hh_req *r, const char *name, int64_t *out);
/* limit/offset with defaults and caps. */
hh_status hh_query_page(hh_req *r, int64_t *limit, int64_t *offset);
bool hh_query_flag(hh_req *r, const char *name);

/* ---- JSON body fields ----
 * Each returns HH_OK and sets *out, or records an error naming the field and
 * returns it. `required` false: absent (or null) leaves *out untouched and sets
 * *present=false when present is not NULL. */
hh_status hh_body(hh_req *r); /* require a JSON object body */
hh_status hh_field_str(hh_req *r, const char *name, bool required, size_t maxlen,
                       const char **out, bool *present);
hh_status hh_field_int(hh_req *r, const char *name, bool required, int64_t min, int64_t max,
                       int64_t *out, bool *present);
hh_status hh_field_bool(hh_req *r, const char *name, bool required, bool *out, bool *present);
/* An array of positive integer ids, at most `max` (deduplicated). */
hh_status hh_field_ids(hh_req *r, const char *name, bool required, int max, int64_t *ids,
                       int *n, bool *present);
/* Refuse fields other than the listed ones (NULL-terminated). */
hh_status hh_fields_only(hh_req *r, const char *const *allowed);

/* The route table (http/routes.c) */
extern const hh_route hh_routes[];
extern const size_t hh_routes_count;
/* Match method+path. Returns the route index, -1 not found, -2 method not allowed. */
int hh_route_match(const char *path, int method, const char **id_seg);
const char *hh_method_name(int m);

#endif
