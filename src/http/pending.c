/*
 * pending.c — deferred work of a request: durable writes through the store's
 * writer (with Idempotency-Key handling) and CPU-heavy jobs on the workers.
 *
 * Idempotency is decided on the writer thread, the one place where requests
 * are serialised: inside the command's savepoint the stored answer for
 * (principal, key) is looked up first; if there is one it is replayed (or the
 * request refused as a mismatch) and nothing else runs; otherwise the handler's
 * write runs in a nested savepoint and its answer — success or 4xx — is stored
 * with it. Two concurrent retries therefore apply once: the second finds the
 * first's row, in the same batch or a later one.
 */
#include "http/app.h"
#include "http/internal.h"
#include "auth/auth.h"
#include "core/log.h"

#include <sodium.h>
#include <string.h>


static const char *principal_key(hh_req *r)
{
    switch (r->who.role) {
    case HH_ROLE_NONE:
        return hh_sprintf(r->arena, "ip:%s", r->client_ip);
    case HH_ROLE_MEMBER:
        return hh_sprintf(r->arena, "m:%lld", (long long)r->who.id);
    default:
        return hh_sprintf(r->arena, "a:%lld", (long long)r->who.id);
    }
}

static void request_hash(hh_req *r)
{
    unsigned char h[32];
    crypto_generichash_state s;
    crypto_generichash_init(&s, NULL, 0, sizeof h);
    crypto_generichash_update(&s, (const unsigned char *)r->method_name, strlen(r->method_name));
    crypto_generichash_update(&s, (const unsigned char *)" ", 1);
    crypto_generichash_update(&s, (const unsigned char *)r->path, strlen(r->path));
    crypto_generichash_update(&s, (const unsigned char *)"\n", 1);
    if (r->body_len) crypto_generichash_update(&s, (const unsigned char *)r->body, r->body_len);
    crypto_generichash_final(&s, h, sizeof h);
    hh_hex(r->request_hash, h, sizeof h);
}

static hh_status write_apply(hh_db *tx, void *ud)
{
    hh_req *r = ud;
    const char *who = NULL;
    if (r->idem_key) {
        who = principal_key(r);
        json_t *row;
        hh_status st = hh_db_one(tx, &row,
                                 "SELECT request_hash, status, body FROM idempotency"
                                 " WHERE principal = ? AND key = ? AND created_at > ?",
                                 HH_A(HH_S(who), HH_S(r->idem_key),
                                      HH_I(hh_now_ms() - 48 * 3600 * 1000LL)));
        if (st == HH_OK) {
            const char *hash = json_string_value(json_object_get(row, "request_hash"));
            if (hash && !strcmp(hash, r->request_hash)) {
                const char *body = json_string_value(json_object_get(row, "body"));
                free(r->resp);
                r->resp = hh_xstrdup(body ? body : "");
                r->resp_len = strlen(r->resp);
                r->status = (int)json_integer_value(json_object_get(row, "status"));
                r->content_type = "application/json; charset=utf-8";
                r->replayed = true;
                json_decref(row);
                return HH_OK;
            }
            json_decref(row);
            hh__render_error(r, HH_E_IDEMPOTENCY);
            return HH_OK;
        }
        if (st != HH_E_NOT_FOUND) return st;
    }

    if (!r->idem_key) {
        /* the writer's savepoint around this command is enough; the answer's
         * JSON text is made by the HTTP thread (no stored copy is needed) */
        r->defer_json = true;
        hh_status st = r->write_fn(tx, r);
        if (st == HH_OK && !r->resp) hh_reply(r, 200, json_pack("{s:b}", "ok", 1));
        r->defer_json = false;
        if (st == HH_OK) return HH_OK;
        if (st == HH_E_STORAGE || st == HH_E_NOMEM || st == HH_E_UNAVAILABLE) return st;
        hh__render_error(r, st);
        return r->keep_changes ? HH_OK : st; /* a refusal's changes are rolled back by the writer */
    }

    hh_status st = hh_db_exec(tx, "SAVEPOINT handler");
    if (st != HH_OK) return st;
    st = r->write_fn(tx, r);
    if (st != HH_OK && !r->keep_changes) hh_db_exec(tx, "ROLLBACK TO handler");
    hh_db_exec(tx, "RELEASE handler");
    if (st == HH_E_STORAGE || st == HH_E_NOMEM || st == HH_E_UNAVAILABLE) return st;
    if (st != HH_OK)
        hh__render_error(r, st);
    else if (!r->resp)
        hh_reply(r, 200, json_pack("{s:b}", "ok", 1));

    if (r->idem_key) {
        st = hh_db_run(tx, NULL,
                       "INSERT INTO idempotency (principal, key, request_hash, status, body,"
                       " created_at) VALUES (?, ?, ?, ?, ?, ?)"
                       " ON CONFLICT (principal, key) DO UPDATE SET request_hash = excluded.request_hash,"
                       " status = excluded.status, body = excluded.body, created_at = excluded.created_at",
                       HH_A(HH_S(who), HH_S(r->idem_key), HH_S(r->request_hash), HH_I(r->status),
                            HH_S(r->resp), HH_I(hh_now_ms())));
        if (st != HH_OK) return st;
    }
    return HH_OK;
}

static void write_done(void *ud, hh_status st)
{
    hh_req *r = ud;
    if (r->auth_changed && (st == HH_OK || r->keep_changes)) hh_auth_invalidate();
    if (st != HH_OK && !(r->resp && r->err.st == st)) {
        /* the batch failed: nothing was stored (a refused command already
         * carries its own error answer) */
        r->replayed = false;
        hh__render_error(r, st);
    } else if (r->after_commit && !r->replayed && r->status < 300) {
        r->after_commit(r);
    }
    hh__complete(r);
}

hh_status hh_req_write(hh_req *r, hh_write_fn fn)
{
    r->write_fn = fn;
    if (r->idem_key) request_hash(r);
    r->cmd.apply = write_apply;
    r->cmd.done = write_done;
    r->cmd.ud = r;
    hh_store_submit(r->app->store, &r->cmd);
    return HH_PENDING;
}

static void async_run(void *arg)
{
    hh_req *r = arg;
    hh_status st = r->async_fn(r);
    if (st == HH_PENDING) return; /* chained a write; its done completes */
    if (st != HH_OK)
        hh__render_error(r, st);
    else if (!r->resp)
        hh_reply(r, 200, json_pack("{s:b}", "ok", 1));
    hh__complete(r);
}

hh_status hh_req_async(hh_req *r, hh_async_fn fn)
{
    r->async_fn = fn;
    hh_workers_submit(async_run, r);
    return HH_PENDING;
}
