/*
 * sms.c — the SMS outbox and its providers. Every message is written to
 * sms_outbox in the caller's transaction. The "log" provider (development and
 * the demo) prints OTP codes to the server log so that a developer or a test
 * can read them; it is the only place a code is ever logged.
 * The "http" provider queues the message; member/sms_http.c delivers it.
 * Marketing messages carry the opt-out line the MIIT rules require; OTP
 * codes and service notices (an event reminder) are transactional and do not.
 */
#include "member/member.h"
#include "core/log.h"
#include "core/phone.h"
#include "http/app.h"

#include <stdio.h>
#include <string.h>

#define OPT_OUT " 拒收请回复R"

hh_status hh_sms_queue(hh_db *tx, const char *provider, int64_t enterprise_id, const char *phone,
                       const char *kind, const char *text)
{
    if (!provider) provider = "log";
    char *marked = NULL;
    if (!strcmp(kind, "marketing")) {
        size_t n = strlen(text) + sizeof OPT_OUT;
        marked = hh_xmalloc(n);
        snprintf(marked, n, "%s%s", text, OPT_OUT);
        text = marked;
    }
    bool log = !strcmp(provider, "log");
    hh_status st = hh_db_run(tx, NULL,
                             "INSERT INTO sms_outbox (enterprise_id, phone, kind, text, provider,"
                             " status, created_at, next_attempt_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             HH_A(HH_I(enterprise_id), HH_S(phone), HH_S(kind), HH_S(text), HH_S(provider),
                                  HH_S(log ? "sent" : "queued"), HH_I(hh_now_ms()), HH_I(hh_now_ms()),
                                  log ? HH_I(hh_now_ms()) : HH_NULL));
    if (!st && log) {
        char code[7] = "";
        if (!strcmp(kind, "otp")) {
            /* the 6 digits of the message */
            for (const char *p = text; *p; p++)
                if (p[0] >= '0' && p[0] <= '9' && strspn(p, "0123456789") == 6) {
                    memcpy(code, p, 6);
                    break;
                }
        }
        hh_info("sms.sent", "{s:s, s:s, s:s, s:s?, s:s}", "provider", "log", "phone", phone, "kind",
                kind, "code", *code ? code : NULL, "text", text);
    }
    free(marked);
    return st;
}

hh_status hh_sms_send(hh_db *tx, hh_req *r, int64_t enterprise_id, const char *phone,
                      const char *kind, const char *text)
{
    return hh_sms_queue(tx, r->app->cfg.sms_provider, enterprise_id, phone, kind, text);
}

hh_status hh_h_sms_outbox(hh_req *r)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
    st = hh_db_query(db, &items,
                     "SELECT id, phone, kind, text, provider, status, attempts, error, created_at, sent_at FROM sms_outbox"
                     " WHERE enterprise_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3",
                     HH_A(HH_I(r->who.enterprise_id), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row)
    {
        char masked[HH_PHONE_MAX + 8];
        hh_phone_mask(json_string_value(json_object_get(row, "phone")), masked, sizeof masked);
        json_object_set_new(row, "phone_masked", json_string(masked));
    }
    return hh_list_reply(r, db, items, "SELECT count(*) FROM sms_outbox WHERE enterprise_id = ?",
                         HH_A(HH_I(r->who.enterprise_id)));
}
