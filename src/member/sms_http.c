/*
 * sms_http.c — delivery of queued SMS to an HTTP gateway.
 *
 * One thread takes queued messages that are due (sms_outbox.next_attempt_at),
 * POSTs each as JSON {id, enterprise_id, phone, kind, text, created_at} to
 * HUOHUA_SMS_URL with
 *     X-Huohua-Timestamp: <ms>
 *     X-Huohua-Signature: sha256=<hex HMAC-SHA-256 of "<timestamp>.<body>" under HUOHUA_SMS_SECRET>
 * and records the outcome through the writer: 2xx → sent; anything else →
 * retried after 2, 4, 8, 16 s, then failed after MAX_ATTEMPTS. A message is
 * handed over at least once: a gateway should treat the id as a delivery key.
 */
#include "member/member.h"
#include "core/log.h"
#include "http/app.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#define MAX_ATTEMPTS 5
#define POLL_MS 200

static pthread_t thread;
static atomic_bool running;
static hh_app *the_app;

typedef struct {
    int64_t id, attempts;
    bool ok;
    const char *error;
} outcome;

static hh_status record(hh_db *tx, void *ud)
{
    outcome *o = ud;
    int64_t now = hh_now_ms();
    if (o->ok)
        return hh_db_run(tx, NULL,
                         "UPDATE sms_outbox SET status = 'sent', attempts = ?, sent_at = ?, error = NULL WHERE id = ?",
                         HH_A(HH_I(o->attempts), HH_I(now), HH_I(o->id)));
    bool give_up = o->attempts >= MAX_ATTEMPTS;
    return hh_db_run(tx, NULL,
                     "UPDATE sms_outbox SET status = ?, attempts = ?, error = ?, next_attempt_at = ? WHERE id = ?",
                     HH_A(HH_S(give_up ? "failed" : "queued"), HH_I(o->attempts), HH_S(o->error),
                          give_up ? HH_NULL : HH_I(now + (1000LL << o->attempts)), HH_I(o->id)));
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

static void deliver(CURL *curl, json_t *msg, outcome *o)
{
    char *body = json_dumps(msg, JSON_COMPACT);
    char ts[24], sig[crypto_auth_hmacsha256_BYTES * 2 + 1], h1[64], h2[128];
    snprintf(ts, sizeof ts, "%lld", (long long)hh_now_ms());
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    const char *secret = the_app->cfg.sms_secret;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
    crypto_auth_hmacsha256_final(&st, mac);
    hh_hex(sig, mac, sizeof mac);
    snprintf(h1, sizeof h1, "X-Huohua-Timestamp: %s", ts);
    snprintf(h2, sizeof h2, "X-Huohua-Signature: sha256=%s", sig);
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
    hdr = curl_slist_append(hdr, h1);
    hdr = curl_slist_append(hdr, h2);
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, the_app->cfg.sms_url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    o->ok = rc == CURLE_OK && status >= 200 && status < 300;
    static _Thread_local char err[128];
    if (rc != CURLE_OK)
        snprintf(err, sizeof err, "%s", curl_easy_strerror(rc));
    else
        snprintf(err, sizeof err, "gateway answered HTTP %ld", status);
    o->error = o->ok ? NULL : err;
    if (!o->ok)
        hh_warn("sms.delivery_failed", "{s:I, s:I, s:s}", "id", (json_int_t)o->id, "attempt", (json_int_t)o->attempts,
                "error", err);
    curl_slist_free_all(hdr);
    free(body);
}

static void *dispatch_main(void *unused)
{
    (void)unused;
    pthread_setname_np(pthread_self(), "hh-sms");
    CURL *curl = curl_easy_init();
    while (atomic_load(&running)) {
        json_t *rows = NULL;
        if (hh_db_query(hh_store_reader(the_app->store), &rows,
                        "SELECT id, enterprise_id, phone, kind, text, created_at, attempts FROM sms_outbox"
                        " WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 20",
                        HH_A(HH_I(hh_now_ms()))) == HH_OK) {
            size_t i;
            json_t *m;
            json_array_foreach(rows, i, m)
            {
                outcome o = {.id = json_integer_value(json_object_get(m, "id")),
                             .attempts = json_integer_value(json_object_get(m, "attempts")) + 1};
                json_object_del(m, "attempts");
                deliver(curl, m, &o);
                if (hh_store_write_sync(the_app->store, record, &o) != HH_OK)
                    hh_error("sms.record_failed", "{s:I}", "id", (json_int_t)o.id);
            }
        }
        bool idle = !json_array_size(rows);
        json_decref(rows);
        if (idle) nanosleep(&(struct timespec){0, POLL_MS * 1000000L}, NULL);
    }
    curl_easy_cleanup(curl);
    return NULL;
}

void hh_sms_dispatcher_start(hh_app *app)
{
    the_app = app;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    atomic_store(&running, true);
    if (pthread_create(&thread, NULL, dispatch_main, NULL) != 0) atomic_store(&running, false);
}

void hh_sms_dispatcher_stop(void)
{
    if (!atomic_exchange(&running, false)) return;
    pthread_join(thread, NULL);
    curl_global_cleanup();
}
