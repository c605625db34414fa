/*
 * scan.c — what happens when a person scans a code: GET /s/{code} records the
 * scan (durably, before answering) with the device's first-party id (cookie
 * hh_did), the user agent and referrer, then sends the browser to the member
 * H5 with the touchpoint's context. A forged or edited code records nothing.
 * When the person later identifies, hh_scans_link() gives the device's
 * anonymous scans to the member and sets first/last touch.
 */
#include "touch/touch.h"
#include "auth/auth.h"
#include "http/app.h"

#include <string.h>

#define DEVICE_COOKIE "hh_did"

typedef struct {
    int64_t tp_id, enterprise_id, member_id;
    const char *device, *outcome, *code;
} scan_ctx;

static bool valid_device(const char *d)
{
    if (!d || strlen(d) != 32) return false;
    for (; *d; d++)
        if (!((*d >= '0' && *d <= '9') || (*d >= 'a' && *d <= 'f'))) return false;
    return true;
}

static const char *clip(hh_req *r, const char *s, size_t max)
{
    return s ? hh_strndup(r->arena, s, strnlen(s, max)) : NULL;
}

static hh_status scan_write(hh_db *tx, hh_req *r)
{
    scan_ctx *c = r->ud;
    int64_t now = hh_now_ms();
    hh_status st = hh_db_run(tx, NULL,
                             "INSERT INTO scans (enterprise_id, touchpoint_id, at, device_id, member_id,"
                             " outcome, user_agent, referrer, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             HH_A(HH_I(c->enterprise_id), HH_I(c->tp_id), HH_I(now), HH_S(c->device),
                                  HH_ID(c->member_id), HH_S(c->outcome),
                                  HH_S(clip(r, hh_header(r, "User-Agent"), 300)),
                                  HH_S(clip(r, hh_header(r, "Referer"), 500)), HH_S(r->client_ip)));
    if (st) return st;
    if (c->member_id && !strcmp(c->outcome, "ok"))
        st = hh_db_run(tx, NULL,
                       "UPDATE members SET last_touchpoint_id = ?1, last_touch_at = ?2,"
                       " first_touchpoint_id = coalesce(first_touchpoint_id, ?1),"
                       " first_touch_at = coalesce(first_touch_at, ?2) WHERE id = ?3",
                       HH_A(HH_I(c->tp_id), HH_I(now), HH_I(c->member_id)));
    if (st) return st;
    r->location = hh_sprintf(r->arena, "/m/#/t/%s%s", c->code,
                             strcmp(c->outcome, "ok") ? hh_sprintf(r->arena, "?state=%s", c->outcome) : "");
    r->set_cookie = hh_sprintf(r->arena, DEVICE_COOKIE "=%s; Path=/; Max-Age=63072000; HttpOnly; SameSite=Lax",
                               c->device);
    hh_reply_raw(r, 302, "text/plain; charset=utf-8", hh_xstrdup(""), 0);
    return HH_OK;
}

hh_status hh_h_scan(hh_req *r)
{
    scan_ctx *c = hh_alloc(r->arena, sizeof *c);
    r->ud = c;
    int64_t id;
    if (!hh_code_decode(r->app->code_key, "tp", r->path_id_raw, &id)) {
        r->location = "/m/#/t/invalid";
        hh_reply_raw(r, 302, "text/plain; charset=utf-8", hh_xstrdup(""), 0);
        return HH_OK;
    }
    json_t *tp;
    hh_status st = hh_db_one(hh_store_reader(r->app->store), &tp,
                             "SELECT enterprise_id, expires_at, disabled_at FROM touchpoints WHERE id = ?",
                             HH_A(HH_I(id)));
    if (st == HH_E_NOT_FOUND) {
        r->location = "/m/#/t/invalid";
        hh_reply_raw(r, 302, "text/plain; charset=utf-8", hh_xstrdup(""), 0);
        return HH_OK;
    }
    if (st) return st;
    hh_req_own(r, tp);
    c->tp_id = id;
    c->enterprise_id = json_integer_value(json_object_get(tp, "enterprise_id"));
    json_t *exp = json_object_get(tp, "expires_at");
    c->outcome = !json_is_null(json_object_get(tp, "disabled_at")) ? "disabled"
                 : (json_is_integer(exp) && json_integer_value(exp) <= hh_now_ms()) ? "expired"
                                                                                    : "ok";
    char code[HH_CODE_MAX];
    hh_code_encode(r->app->code_key, "tp", id, code);
    c->code = hh_strdup(r->arena, code);
    const char *dev = hh_cookie(r, DEVICE_COOKIE);
    if (valid_device(dev)) {
        c->device = hh_strdup(r->arena, dev);
    } else {
        char *d = hh_alloc(r->arena, 33);
        hh_random_token(d, 16);
        c->device = d;
    }
    c->member_id = hh_auth_peek_member(r);
    return hh_req_write(r, scan_write);
}

hh_status hh_h_touchpoint_context(hh_req *r)
{
    int64_t id;
    if (!hh_code_decode(r->app->code_key, "tp", r->path_id_raw, &id))
        return hh_fail(r, HH_E_NOT_FOUND, "code", "二维码无效或已被篡改", "This code is not valid");
    json_t *row;
    hh_status st = hh_db_one(hh_store_reader(r->app->store), &row,
                             "SELECT tp.channel, tp.expires_at, tp.disabled_at, b.id AS brand_id,"
                             " b.name AS brand_name, b.description AS brand_description, s.id AS store_id,"
                             " s.name AS store_name, s.city AS store_city, s.address AS store_address,"
                             " t.id AS staff_id, t.name AS staff_name, tp.utm_source, tp.utm_medium,"
                             " tp.utm_campaign, tp.enterprise_id, tp.campaign_id FROM touchpoints tp JOIN brands b ON"
                             " b.id = tp.brand_id LEFT JOIN stores s ON s.id = tp.store_id LEFT JOIN"
                             " staff t ON t.id = tp.staff_id WHERE tp.id = ?",
                             HH_A(HH_I(id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "code", "二维码无效", "This code is not valid");
    if (st) return st;
    json_t *exp = json_object_get(row, "expires_at");
    const char *state = !json_is_null(json_object_get(row, "disabled_at")) ? "disabled"
                        : (json_is_integer(exp) && json_integer_value(exp) <= hh_now_ms()) ? "expired"
                                                                                           : "active";
    json_t *store = json_is_null(json_object_get(row, "store_id"))
                        ? json_null()
                        : json_pack("{s:O, s:O, s:O, s:O}", "id", json_object_get(row, "store_id"), "name",
                                    json_object_get(row, "store_name"), "city", json_object_get(row, "store_city"),
                                    "address", json_object_get(row, "store_address"));
    json_t *staff = json_is_null(json_object_get(row, "staff_id"))
                        ? json_null()
                        : json_pack("{s:O, s:O}", "id", json_object_get(row, "staff_id"), "name",
                                    json_object_get(row, "staff_name"));
    json_t *out = json_pack("{s:s, s:s, s:O, s:{s:O, s:O, s:O}, s:o, s:o, s:{s:O, s:O, s:O}, s:O, s:O}",
                            "code", r->path_id_raw, "state", state, "channel", json_object_get(row, "channel"),
                            "brand", "id", json_object_get(row, "brand_id"), "name",
                            json_object_get(row, "brand_name"), "description",
                            json_object_get(row, "brand_description"), "store", store, "staff", staff, "utm",
                            "source", json_object_get(row, "utm_source"), "medium",
                            json_object_get(row, "utm_medium"), "campaign", json_object_get(row, "utm_campaign"),
                            "enterprise_id", json_object_get(row, "enterprise_id"), "campaign_id",
                            json_object_get(row, "campaign_id"));
    json_decref(row);
    hh_reply(r, 200, out);
    return HH_OK;
}

hh_status hh_scans_link(hh_db *tx, int64_t enterprise_id, const char *device_id, int64_t member_id)
{
    if (!valid_device(device_id)) return HH_OK;
    hh_status st = hh_db_run(tx, NULL,
                             "UPDATE scans SET member_id = ? WHERE device_id = ? AND enterprise_id = ?"
                             " AND member_id IS NULL",
                             HH_A(HH_I(member_id), HH_S(device_id), HH_I(enterprise_id)));
    if (st) return st;
    return hh_db_run(tx, NULL,
                     "UPDATE members SET"
                     " first_touchpoint_id = coalesce(first_touchpoint_id, (SELECT touchpoint_id FROM scans"
                     "   WHERE member_id = ?1 AND outcome = 'ok' ORDER BY at, id LIMIT 1)),"
                     " first_touch_at = coalesce(first_touch_at, (SELECT min(at) FROM scans"
                     "   WHERE member_id = ?1 AND outcome = 'ok')),"
                     " last_touchpoint_id = coalesce((SELECT touchpoint_id FROM scans WHERE member_id = ?1"
                     "   AND outcome = 'ok' ORDER BY at DESC, id DESC LIMIT 1), last_touchpoint_id),"
                     " last_touch_at = coalesce((SELECT max(at) FROM scans WHERE member_id = ?1"
                     "   AND outcome = 'ok'), last_touch_at) WHERE id = ?1",
                     HH_A(HH_I(member_id)));
}
