/*
 * offer.c — what red envelope pools (envelope.c) and trial sample offers
 * (sample.c) do alike in the admin console: list and delete an offer of one
 * brand (and maybe one campaign) with a status active or closed, read the
 * owner fields of a new one, and the small steps their handlers share (read
 * {id}, an empty body, answer a change with the row after it, audited).
 *
 * What differs between the two (tables, columns, what a row adds, what keeps
 * an offer from being deleted, the messages) is in an hh__offer_kind each
 * module defines. The rest of creating and editing stays in the modules:
 * their fields and rules (budget and count, stock and window) have nothing in
 * common but the shape. So do the member's claim (an envelope is drawn by
 * hh_envelope_grant before the campaign counts it at its amount; a sample
 * request is admitted by the campaign first, at no cost, and needs an
 * address) and the lists of envelopes and sample requests (other filters).
 */
#include "reward/reward.h"
#include "auth/auth.h"
#include "http/app.h"

#include <string.h>

static const char *const offer_statuses[] = {"active", "closed", NULL};

hh_status hh__offer_status_check(hh_req *r, const char *status)
{
    if (!hh_str_in(status, offer_statuses))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 active 或 closed", "status must be active or closed");
    return HH_OK;
}

hh_status hh__offer_get(hh_db *db, const hh__offer_kind *k, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, k->get_sql, HH_A(HH_I(id)));
    if (st == HH_OK && k->decorate) k->decorate(*out);
    return st;
}

hh_status hh__offer_list(hh_req *r, const hh__offer_kind *k)
{
    int64_t limit, offset, brand_id, campaign_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "brand_id", &brand_id)) ||
        (st = hh_query_id(r, "campaign_id", &campaign_id)))
        return st;
    const char *status = hh_query(r, "status"), *q = hh_query(r, "q");
    if (status && !*status) status = NULL;
    if (q && !*q) q = NULL;
    if (status && (st = hh__offer_status_check(r, status))) return st;
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
    st = hh_db_query(db, &items, k->list_sql,
                     HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id), HH_I(campaign_id), HH_S(status), HH_S(q), HH_I(limit),
                          HH_I(offset)));
    if (st) return st;
    if (k->decorate) {
        size_t i;
        json_t *row;
        json_array_foreach(items, i, row) k->decorate(row);
    }
    return hh_list_reply(r, db, items, k->count_sql,
                         HH_A(HH_SCOPE_ARGS(r), HH_I(brand_id), HH_I(campaign_id), HH_S(status), HH_S(q)));
}

hh_status hh__offer_read_owner(hh_req *r, const char *const *allowed, int64_t *brand_id, int64_t *campaign_id)
{
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "brand_id", true, 1, INT64_MAX, brand_id, NULL)) ||
        (st = hh_field_int(r, "campaign_id", false, 1, INT64_MAX, campaign_id, NULL)))
        return st;
    return HH_OK;
}

hh_status hh__reply_get(hh_req *r, hh_status (*get)(hh_db *db, int64_t id, json_t **out))
{
    json_t *row;
    hh_status st = get(hh_store_reader(r->app->store), r->path_id, &row);
    if (st) return st;
    hh_reply(r, 200, row);
    return HH_OK;
}

static hh_status offer_delete_write(hh_db *tx, hh_req *r)
{
    const hh__offer_kind *k = r->ud;
    json_t *before;
    hh_status st = hh__offer_get(tx, k, r->path_id, &before);
    if (st) return st;
    hh_req_own(r, before);
    int64_t used = 0;
    if ((st = hh_db_int(tx, &used, k->used_sql, HH_A(HH_I(r->path_id))))) return st;
    if (used) return hh_fail(r, HH_E_UNPROCESSABLE, "id", k->used_zh, k->used_en);
    if ((st = hh_db_run(tx, NULL, k->delete_sql, HH_A(HH_I(r->path_id))))) return st;
    if ((st = hh_audit(tx, r, k->delete_action, k->entity, r->path_id, before, NULL))) return st;
    hh_reply(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)r->path_id, "deleted", 1));
    return HH_OK;
}

hh_status hh__offer_delete(hh_req *r, const hh__offer_kind *k)
{
    r->ud = (void *)k; /* a module's static table: nothing frees it */
    return hh_req_write(r, offer_delete_write);
}

hh_status hh__audit_reply(hh_db *tx, hh_req *r, const char *action, const char *entity, int64_t id, json_t *before,
                          json_t *after, int status)
{
    hh_status st = hh_audit(tx, r, action, entity, id, before, after);
    if (st) {
        json_decref(after);
        return st;
    }
    hh_reply(r, status, after);
    return HH_OK;
}

hh_status hh__empty_body(hh_req *r)
{
    static const char *const allowed[] = {NULL};
    hh_status st = HH_OK;
    if (r->body_len && !(st = hh_body(r))) st = hh_fields_only(r, allowed);
    return st;
}
