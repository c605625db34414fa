/*
 * envelope_payout.c — paying red envelopes through a provider.
 *
 * A granted envelope is pending (red_envelopes.status) with next_attempt_at
 * set. One thread takes pending envelopes that are due, hands each to the
 * configured provider and records the outcome through the writer, with the
 * envelope.paid / envelope.failed event in the same transaction:
 *
 *   log   (development, the demo) pays at once: marks the envelope paid and
 *         writes an "envelope.paid" line (masked phone) to the server log.
 *   http  POSTs JSON {envelope_id, idempotency_key, enterprise_id, pool_id,
 *         member_id, phone, amount_fen, currency, created_at} to
 *         HUOHUA_PAYOUT_URL with
 *             X-Huohua-Timestamp: <ms>
 *             X-Huohua-Signature: sha256=<hex HMAC-SHA-256 of "<timestamp>.<body>"
 *                                 under HUOHUA_PAYOUT_SECRET>
 *             Idempotency-Key: <idempotency_key>
 *             X-Huohua-Attempt: <n>
 *         2xx → paid (a JSON answer's "ref" is kept as provider_ref);
 *         4xx other than 408/429 → failed at once (the provider refused);
 *         408, 429, 5xx, timeouts, connection errors → retried after 2, 4,
 *         8 … s (at most 10 min), failed after cfg.payout_attempts tries.
 *
 * At most once: the idempotency key is the envelope's signed code (the same
 * scheme as touchpoint codes, namespace "rp", unique to this installation)
 * and its payout round. Every retry of a round — after a timeout the provider
 * may already have paid — carries the same key and the same body, so a
 * provider that honours the key pays once. Only an administrator's retry after
 * a permanent refusal starts a new round (envelope.c).
 *
 * An envelope whose member was erased is failed without a call: there is no
 * one to pay.
 */
#include "reward/reward.h"
#include "core/log.h"
#include "core/phone.h"
#include "http/app.h"
#include "touch/touch.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define POLL_MS 500
#define BATCH 50
#define TIMEOUT_MS 5000L
#define ANSWER_MAX 4096
#define BACKOFF_MAX_MS 600000LL

static pthread_t thread;
static atomic_bool running;
static hh_app *the_app;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool kicked;

typedef struct {
    int64_t id, enterprise_id, member_id, campaign_id, brand_id, pool_id, amount_fen, attempts;
    const char *provider;
    bool ok, permanent;
    long http_status;
    char error[256], ref[129];
} outcome;

typedef struct {
    outcome *o;
    size_t n;
} batch;

void hh_payout_kick(void)
{
    pthread_mutex_lock(&mu);
    kicked = true;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
}

static int64_t backoff_ms(int64_t attempts)
{
    int64_t ms = attempts >= 20 ? BACKOFF_MAX_MS : 1000LL << attempts;
    return ms > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : ms;
}

/* On the writer: the outcome of each envelope of the batch, with its event. An
 * envelope that is no longer pending is left alone. */
static hh_status record(hh_db *tx, void *ud)
{
    batch *b = ud;
    int64_t now = hh_now_ms();
    for (size_t i = 0; i < b->n; i++) {
        outcome *o = &b->o[i];
        bool give_up = !o->ok && (o->permanent || o->attempts >= the_app->cfg.payout_attempts);
        hh_result res = {0};
        hh_status st;
        if (o->ok)
            st = hh_db_run(tx, &res,
                           "UPDATE red_envelopes SET status = 'paid', provider = ?, attempts = ?, paid_at = ?,"
                           " provider_ref = ?, error = NULL, last_http_status = ?, next_attempt_at = NULL"
                           " WHERE id = ? AND status = 'pending'",
                           HH_A(HH_S(o->provider), HH_I(o->attempts), HH_I(now), HH_S(o->ref[0] ? o->ref : NULL),
                                o->http_status ? HH_I(o->http_status) : HH_NULL, HH_I(o->id)));
        else
            st = hh_db_run(tx, &res,
                           "UPDATE red_envelopes SET status = ?, provider = ?, attempts = ?, error = ?,"
                           " last_http_status = ?, next_attempt_at = ?, failed_at = ? WHERE id = ? AND status = 'pending'",
                           HH_A(HH_S(give_up ? "failed" : "pending"), HH_S(o->provider), HH_I(o->attempts),
                                HH_S(o->error), o->http_status ? HH_I(o->http_status) : HH_NULL,
                                give_up ? HH_NULL : HH_I(now + backoff_ms(o->attempts)),
                                give_up ? HH_I(now) : HH_NULL, HH_I(o->id)));
        if (st) return st;
        if (res.changes != 1 || (!o->ok && !give_up)) continue;
        hh_grant g = {.enterprise_id = o->enterprise_id, .member_id = o->member_id, .campaign_id = o->campaign_id};
        json_t *props = json_pack("{s:I, s:I, s:I, s:s, s:I}", "envelope_id", (json_int_t)o->id, "pool_id",
                                  (json_int_t)o->pool_id, "amount_fen", (json_int_t)o->amount_fen, "provider",
                                  o->provider, "attempts", (json_int_t)o->attempts);
        if (!o->ok) json_object_set_new(props, "error", json_string(o->error));
        st = hh_reward_event(tx, o->ok ? "envelope.paid" : "envelope.failed", &g, o->brand_id, props);
        json_decref(props);
        if (st) return st;
    }
    return HH_OK;
}

/* ---- the http provider ---- */

typedef struct {
    char data[ANSWER_MAX + 1];
    size_t len;
} answer;

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
    answer *a = ud;
    size_t k = size * n, room = ANSWER_MAX - a->len;
    memcpy(a->data + a->len, p, k < room ? k : room);
    a->len += k < room ? k : room;
    a->data[a->len] = 0;
    return size * n;
}

/* A short, printable excerpt of what the provider said (its JSON "message"
 * or "error" when it has one). */
static void provider_says(const answer *a, char *out, size_t n)
{
    out[0] = 0;
    json_t *j = json_loadb(a->data, a->len, 0, NULL);
    const char *msg = NULL;
    if (json_is_object(j)) {
        msg = json_string_value(json_object_get(j, "message"));
        if (!msg) msg = json_string_value(json_object_get(j, "error"));
    }
    const char *src = msg ? msg : j ? "" : a->data;
    size_t k = 0;
    for (; src[k] && k + 1 < n; k++) {
        unsigned char c = (unsigned char)src[k];
        /* a JSON string is valid UTF-8; raw bytes keep to printable ASCII */
        out[k] = c < 0x20 ? ' ' : (c >= 0x80 && !msg) ? '?' : (char)c;
    }
    if (src[k] && k) {
        /* cut short: drop a character the cut went through */
        size_t at = k - 1;
        while (at && ((unsigned char)out[at] & 0xc0) == 0x80) at--;
        unsigned char lead = (unsigned char)out[at];
        size_t len = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
        if (at + len > k) k = at;
    }
    out[k] = 0;
    json_decref(j);
}

static void pay_http(CURL *curl, json_t *row, outcome *o)
{
    char code[HH_CODE_MAX], key[HH_CODE_MAX + 32];
    hh_code_encode(the_app->code_key, "rp", o->id, code);
    snprintf(key, sizeof key, "env-%s-%lld", code, (long long)json_integer_value(json_object_get(row, "payout_round")));
    json_t *msg = json_pack("{s:I, s:s, s:I, s:I, s:I, s:O, s:I, s:s, s:O}", "envelope_id", (json_int_t)o->id,
                            "idempotency_key", key, "enterprise_id", (json_int_t)o->enterprise_id, "pool_id",
                            (json_int_t)o->pool_id, "member_id", (json_int_t)o->member_id, "phone",
                            json_object_get(row, "phone"), "amount_fen", (json_int_t)o->amount_fen, "currency",
                            "CNY", "created_at", json_object_get(row, "created_at"));
    char *body = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    char ts[24], sig[crypto_auth_hmacsha256_BYTES * 2 + 1], h[4][160];
    snprintf(ts, sizeof ts, "%lld", (long long)hh_now_ms());
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    const char *secret = the_app->cfg.payout_secret;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
    crypto_auth_hmacsha256_final(&st, mac);
    hh_hex(sig, mac, sizeof mac);
    snprintf(h[0], sizeof h[0], "X-Huohua-Timestamp: %s", ts);
    snprintf(h[1], sizeof h[1], "X-Huohua-Signature: sha256=%s", sig);
    snprintf(h[2], sizeof h[2], "Idempotency-Key: %s", key);
    snprintf(h[3], sizeof h[3], "X-Huohua-Attempt: %lld", (long long)o->attempts);
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
    for (int i = 0; i < 4; i++) hdr = curl_slist_append(hdr, h[i]);
    answer *a = hh_xcalloc(1, sizeof *a);
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, the_app->cfg.payout_url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, TIMEOUT_MS);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, a);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    o->http_status = rc == CURLE_OK ? status : 0;
    o->ok = rc == CURLE_OK && status >= 200 && status < 300;
    o->permanent = rc == CURLE_OK && status >= 400 && status < 500 && status != 408 && status != 429;
    char says[160];
    provider_says(a, says, sizeof says);
    if (rc != CURLE_OK)
        snprintf(o->error, sizeof o->error, "%s", curl_easy_strerror(rc));
    else if (!o->ok)
        snprintf(o->error, sizeof o->error, "provider answered HTTP %ld%s%s", status, *says ? ": " : "", says);
    if (o->ok) {
        json_t *j = json_loadb(a->data, a->len, 0, NULL);
        const char *ref = json_string_value(json_object_get(j, "ref"));
        if (ref) snprintf(o->ref, sizeof o->ref, "%s", ref);
        json_decref(j);
    } else {
        hh_warn("payout.failed_attempt", "{s:I, s:I, s:b, s:s}", "envelope", (json_int_t)o->id, "attempt",
                (json_int_t)o->attempts, "permanent", o->permanent, "error", o->error);
    }
    free(a);
    curl_slist_free_all(hdr);
    free(body);
}

/* ---- the log provider ---- */

static void pay_log(CURL *curl, json_t *row, outcome *o)
{
    (void)curl;
    char masked[HH_PHONE_MAX + 8];
    hh_phone_mask(json_string_value(json_object_get(row, "phone")), masked, sizeof masked);
    o->ok = true;
    snprintf(o->ref, sizeof o->ref, "log-%lld", (long long)o->id);
    hh_info("envelope.paid", "{s:s, s:I, s:I, s:s}", "provider", "log", "envelope", (json_int_t)o->id, "amount_fen",
            (json_int_t)o->amount_fen, "phone", masked);
}

/* The providers, by the name cfg.payout_provider gives (main.c checks it). A
 * provider's pay() fills the outcome: ok, or an error that is permanent (no
 * retry) or not; http_status and ref when it has them. */
typedef struct {
    const char *name;
    void (*pay)(CURL *curl, json_t *row, outcome *o);
} provider;
static const provider providers[] = {{"log", pay_log}, {"http", pay_http}};
static const provider *the_provider = &providers[0];

/* ---- the loop ---- */

static bool pay_due(CURL *curl)
{
    json_t *rows = NULL;
    if (hh_db_query(hh_store_reader(the_app->store), &rows,
                    "SELECT e.id, e.enterprise_id, e.pool_id, e.member_id, coalesce(e.campaign_id, 0) AS campaign_id,"
                    " p.brand_id, e.amount_fen, e.attempts, e.payout_round, e.created_at, m.phone, m.status AS"
                    " member_status FROM red_envelopes e JOIN envelope_pools p ON p.id = e.pool_id JOIN members m"
                    " ON m.id = e.member_id WHERE e.status = 'pending' AND e.next_attempt_at <= ?"
                    " ORDER BY e.next_attempt_at LIMIT ?",
                    HH_A(HH_I(hh_now_ms()), HH_I(BATCH))) != HH_OK) {
        json_decref(rows);
        return false;
    }
    size_t n = json_array_size(rows);
    if (!n) {
        json_decref(rows);
        return false;
    }
    batch b = {.o = hh_xcalloc(n, sizeof(outcome)), .n = n};
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        outcome *o = &b.o[i];
        o->id = json_integer_value(json_object_get(row, "id"));
        o->enterprise_id = json_integer_value(json_object_get(row, "enterprise_id"));
        o->pool_id = json_integer_value(json_object_get(row, "pool_id"));
        o->member_id = json_integer_value(json_object_get(row, "member_id"));
        o->campaign_id = json_integer_value(json_object_get(row, "campaign_id"));
        o->brand_id = json_integer_value(json_object_get(row, "brand_id"));
        o->amount_fen = json_integer_value(json_object_get(row, "amount_fen"));
        o->attempts = json_integer_value(json_object_get(row, "attempts")) + 1;
        o->provider = the_provider->name;
        const char *phone = json_string_value(json_object_get(row, "phone"));
        if (strcmp(json_string_value(json_object_get(row, "member_status")), "live") || !phone || phone[0] != '+') {
            o->permanent = true;
            snprintf(o->error, sizeof o->error, "the member's record was erased or merged: no one to pay");
        } else {
            the_provider->pay(curl, row, o);
        }
        if (!atomic_load(&running)) {
            b.n = i + 1; /* stopping: record what was done */
            break;
        }
    }
    if (hh_store_write_sync(the_app->store, record, &b) != HH_OK)
        hh_error("payout.record_failed", "{s:I}", "envelopes", (json_int_t)b.n);
    free(b.o);
    json_decref(rows);
    return n == BATCH;
}

static void *dispatch_main(void *unused)
{
    (void)unused;
    pthread_setname_np(pthread_self(), "hh-payout");
    CURL *curl = curl_easy_init();
    while (atomic_load(&running)) {
        if (pay_due(curl)) continue; /* a full batch: more may be due */
        pthread_mutex_lock(&mu);
        if (!kicked && atomic_load(&running)) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += POLL_MS * 1000000L;
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            pthread_cond_timedwait(&cv, &mu, &until);
        }
        kicked = false;
        pthread_mutex_unlock(&mu);
    }
    curl_easy_cleanup(curl);
    return NULL;
}

void hh_payout_dispatcher_start(hh_app *app)
{
    the_app = app;
    for (size_t i = 0; i < HH_ARRAY_LEN(providers); i++)
        if (app->cfg.payout_provider && !strcmp(app->cfg.payout_provider, providers[i].name)) the_provider = &providers[i];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    atomic_store(&running, true);
    if (pthread_create(&thread, NULL, dispatch_main, NULL) != 0) {
        atomic_store(&running, false);
        hh_error("payout.thread_failed", NULL);
    }
}

void hh_payout_dispatcher_stop(void)
{
    if (!atomic_exchange(&running, false)) return;
    hh_payout_kick();
    pthread_join(thread, NULL);
    curl_global_cleanup();
}
