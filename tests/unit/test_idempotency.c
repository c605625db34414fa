/*
 * test_idempotency.c — Idempotency-Key handling of durable writes
 * (http/pending.c). The .c is included to reach write_apply() and
 * request_hash(); requests are built by hand and run on a real SQLite store,
 * exactly as the writer thread runs them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/http/pending.c"

static char dir[64];
static hh_app app;
static int applied; /* how many times a write_fn ran (writer thread, read after sync) */

/* ---- fixture ---- */

static hh_status create_things(hh_db *tx, void *ud)
{
    (void)ud;
    return hh_db_exec(tx, "CREATE TABLE things (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/hh_idem_XXXXXX");
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/test.db", dir);
    memset(&app, 0, sizeof app);
    hh_store_config cfg = {.path = path};
    assert_int_equal(hh_store_open(&app.store, &cfg), HH_OK);
    assert_int_equal(hh_store_write_sync(app.store, create_things, NULL), HH_OK);
    applied = 0;
    hh_clock_set(0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hh_clock_set(0);
    hh_store_close(app.store);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

/* ---- requests ---- */

static hh_req *mkreq(hh_role role, int64_t id, const char *key, const char *body)
{
    hh_arena *a = hh_arena_new(4096);
    hh_req *r = hh_alloc(a, sizeof *r);
    r->arena = a;
    r->app = &app;
    r->who.role = role;
    r->who.id = id;
    r->who.enterprise_id = 1;
    r->method = HH_POST;
    r->method_name = "POST";
    r->path = "/api/things";
    r->client_ip = "10.0.0.1";
    r->idem_key = key;
    if (body) {
        r->body = hh_strdup(a, body);
        r->body_len = strlen(body);
    }
    return r;
}

static void freereq(hh_req *r)
{
    json_decref(r->resp_json);
    free(r->resp);
    hh_arena_free(r->arena);
}

/* What hh_req_write() does, but waiting for the commit on this thread. */
static hh_status run(hh_req *r, hh_write_fn fn)
{
    r->write_fn = fn;
    if (r->idem_key) request_hash(r);
    hh_status st = hh_store_write_sync(app.store, write_apply, r);
    hh__resp_text(r); /* as the HTTP thread does before it answers */
    return st;
}

static json_t *resp_json(hh_req *r)
{
    assert_non_null(r->resp);
    assert_int_equal(strlen(r->resp), r->resp_len);
    json_t *v = json_loadb(r->resp, r->resp_len, 0, NULL);
    assert_non_null(v);
    return hh_req_own(r, v);
}

static const char *error_code(hh_req *r)
{
    return json_string_value(json_object_get(json_object_get(resp_json(r), "error"), "code"));
}

static int64_t count(const char *sql, const char *arg)
{
    int64_t n = -1;
    hh_db *db = hh_store_reader(app.store);
    if (arg)
        assert_int_equal(hh_db_int(db, &n, sql, HH_A(HH_S(arg))), HH_OK);
    else
        assert_int_equal(hh_db_int(db, &n, sql, NULL, 0), HH_OK);
    return n;
}

static int64_t things(void) { return count("SELECT count(*) FROM things", NULL); }
static int64_t stored(const char *key)
{
    return count("SELECT count(*) FROM idempotency WHERE key = ?", key);
}

/* ---- write functions ---- */

static hh_status create_thing(hh_db *tx, hh_req *r)
{
    applied++;
    hh_result res;
    hh_status st = hh_db_run(tx, &res, "INSERT INTO things (body) VALUES (?)",
                             HH_A(HH_S(r->body ? r->body : "")));
    if (st != HH_OK) return st;
    hh_reply(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)res.last_id, "body",
                               r->body ? r->body : ""));
    return HH_OK;
}

static hh_status insert_then_conflict(hh_db *tx, hh_req *r)
{
    applied++;
    hh_status st = hh_db_run(tx, NULL, "INSERT INTO things (body) VALUES ('doomed')", NULL, 0);
    if (st != HH_OK) return st;
    return hh_fail(r, HH_E_CONFLICT, "code", "编码已存在", "The code is taken");
}

static hh_status insert_then_keep_and_refuse(hh_db *tx, hh_req *r)
{
    applied++;
    r->keep_changes = true;
    hh_status st = hh_db_run(tx, NULL, "INSERT INTO things (body) VALUES ('attempt')", NULL, 0);
    if (st != HH_OK) return st;
    return hh_fail(r, HH_E_UNPROCESSABLE, "code", "验证码错误", "Wrong code");
}

static hh_status insert_then_storage_error(hh_db *tx, hh_req *r)
{
    (void)r;
    applied++;
    hh_status st = hh_db_run(tx, NULL, "INSERT INTO things (body) VALUES ('lost')", NULL, 0);
    if (st != HH_OK) return st;
    return HH_E_STORAGE;
}

static hh_status silent(hh_db *tx, hh_req *r)
{
    (void)tx;
    (void)r;
    applied++;
    return HH_OK;
}

/* ---- tests ---- */

static void test_first_run_applies_and_stores(void **state)
{
    (void)state;
    hh_req *r = mkreq(HH_ROLE_OWNER, 1, "key-1", "{\"name\":\"a\"}");
    assert_int_equal(run(r, create_thing), HH_OK);
    assert_int_equal(applied, 1);
    assert_int_equal(r->status, 201);
    assert_false(r->replayed);
    assert_int_equal(json_integer_value(json_object_get(resp_json(r), "id")), 1);
    assert_int_equal(things(), 1);
    assert_int_equal(stored("key-1"), 1);

    json_t *row = NULL;
    assert_int_equal(hh_db_one(hh_store_reader(app.store), &row,
                               "SELECT principal, status, body, request_hash FROM idempotency"
                               " WHERE key = 'key-1'",
                               NULL, 0),
                     HH_OK);
    assert_string_equal(json_string_value(json_object_get(row, "principal")), "a:1");
    assert_int_equal(json_integer_value(json_object_get(row, "status")), 201);
    assert_string_equal(json_string_value(json_object_get(row, "body")), r->resp);
    assert_string_equal(json_string_value(json_object_get(row, "request_hash")), r->request_hash);
    assert_int_equal(strlen(r->request_hash), 64);
    json_decref(row);
    freereq(r);
}

static void test_retry_replays_without_applying(void **state)
{
    (void)state;
    hh_req *r1 = mkreq(HH_ROLE_OWNER, 1, "key-2", "{\"name\":\"a\"}");
    assert_int_equal(run(r1, create_thing), HH_OK);
    for (int i = 0; i < 3; i++) {
        hh_req *r2 = mkreq(HH_ROLE_OWNER, 1, "key-2", "{\"name\":\"a\"}");
        assert_int_equal(run(r2, create_thing), HH_OK);
        assert_true(r2->replayed);
        assert_int_equal(r2->status, r1->status);
        assert_int_equal(r2->resp_len, r1->resp_len);
        assert_memory_equal(r2->resp, r1->resp, r1->resp_len);
        assert_non_null(r2->content_type);
        assert_non_null(strstr(r2->content_type, "application/json"));
        freereq(r2);
    }
    assert_int_equal(applied, 1);
    assert_int_equal(things(), 1);
    assert_int_equal(stored("key-2"), 1);
    freereq(r1);
}

static void test_same_key_different_body_is_refused(void **state)
{
    (void)state;
    hh_req *r1 = mkreq(HH_ROLE_OWNER, 1, "key-3", "{\"name\":\"a\"}");
    assert_int_equal(run(r1, create_thing), HH_OK);
    hh_req *r2 = mkreq(HH_ROLE_OWNER, 1, "key-3", "{\"name\":\"b\"}");
    assert_int_equal(run(r2, create_thing), HH_OK);
    assert_int_equal(r2->status, 422);
    assert_false(r2->replayed);
    assert_string_equal(error_code(r2), "idempotency_mismatch");
    assert_int_equal(applied, 1);
    assert_int_equal(things(), 1);

    /* the stored answer is still the first one */
    hh_req *r3 = mkreq(HH_ROLE_OWNER, 1, "key-3", "{\"name\":\"a\"}");
    assert_int_equal(run(r3, create_thing), HH_OK);
    assert_true(r3->replayed);
    assert_string_equal(r3->resp, r1->resp);
    freereq(r1);
    freereq(r2);
    freereq(r3);
}

static void test_same_key_other_path_or_method_is_refused(void **state)
{
    (void)state;
    hh_req *r1 = mkreq(HH_ROLE_OWNER, 1, "key-4", "{}");
    assert_int_equal(run(r1, create_thing), HH_OK);
    hh_req *r2 = mkreq(HH_ROLE_OWNER, 1, "key-4", "{}");
    r2->path = "/api/other";
    assert_int_equal(run(r2, create_thing), HH_OK);
    assert_int_equal(r2->status, 422);
    assert_string_equal(error_code(r2), "idempotency_mismatch");
    hh_req *r3 = mkreq(HH_ROLE_OWNER, 1, "key-4", "{}");
    r3->method = HH_PATCH;
    r3->method_name = "PATCH";
    assert_int_equal(run(r3, create_thing), HH_OK);
    assert_int_equal(r3->status, 422);
    /* an empty body is a body too: differs from "{}" */
    hh_req *r4 = mkreq(HH_ROLE_OWNER, 1, "key-4", NULL);
    assert_int_equal(run(r4, create_thing), HH_OK);
    assert_int_equal(r4->status, 422);
    assert_int_equal(applied, 1);
    freereq(r1);
    freereq(r2);
    freereq(r3);
    freereq(r4);
}

static void test_keys_are_per_principal(void **state)
{
    (void)state;
    const char *body = "{\"name\":\"same\"}";
    hh_req *r1 = mkreq(HH_ROLE_OWNER, 1, "shared", body);
    hh_req *r2 = mkreq(HH_ROLE_BRAND_MANAGER, 2, "shared", body);
    hh_req *r3 = mkreq(HH_ROLE_MEMBER, 1, "shared", body); /* member 1 is not account 1 */
    hh_req *r4 = mkreq(HH_ROLE_NONE, 0, "shared", body);
    hh_req *r5 = mkreq(HH_ROLE_NONE, 0, "shared", body);
    r5->client_ip = "10.0.0.2";
    hh_req *rs[] = {r1, r2, r3, r4, r5};
    for (size_t i = 0; i < HH_ARRAY_LEN(rs); i++) {
        assert_int_equal(run(rs[i], create_thing), HH_OK);
        assert_int_equal(rs[i]->status, 201);
        assert_false(rs[i]->replayed);
        assert_int_equal(json_integer_value(json_object_get(resp_json(rs[i]), "id")),
                         (int64_t)i + 1);
    }
    assert_int_equal(applied, 5);
    assert_int_equal(stored("shared"), 5);
    assert_int_equal(count("SELECT count(*) FROM idempotency WHERE principal = ?", "m:1"), 1);
    assert_int_equal(count("SELECT count(*) FROM idempotency WHERE principal = ?", "ip:10.0.0.2"),
                     1);

    /* each principal replays its own answer */
    for (size_t i = 0; i < HH_ARRAY_LEN(rs); i++) {
        hh_req *again = mkreq(rs[i]->who.role, rs[i]->who.id, "shared", body);
        again->client_ip = rs[i]->client_ip;
        assert_int_equal(run(again, create_thing), HH_OK);
        assert_true(again->replayed);
        assert_string_equal(again->resp, rs[i]->resp);
        freereq(again);
    }
    assert_int_equal(applied, 5);
    for (size_t i = 0; i < HH_ARRAY_LEN(rs); i++) freereq(rs[i]);
}

static void test_failed_write_rolled_back_answer_stored(void **state)
{
    (void)state;
    hh_req *r1 = mkreq(HH_ROLE_OWNER, 1, "key-5", "{\"code\":\"X\"}");
    assert_int_equal(run(r1, insert_then_conflict), HH_OK); /* the command itself succeeds */
    assert_int_equal(applied, 1);
    assert_int_equal(r1->status, 409);
    assert_false(r1->replayed);
    assert_string_equal(error_code(r1), "conflict");
    json_t *e = json_object_get(resp_json(r1), "error");
    assert_string_equal(json_string_value(json_object_get(e, "field")), "code");
    assert_string_equal(json_string_value(json_object_get(e, "message")), "编码已存在");
    assert_int_equal(things(), 0);          /* the handler's insert was undone */
    assert_int_equal(stored("key-5"), 1);   /* its 4xx answer was kept */

    hh_req *r2 = mkreq(HH_ROLE_OWNER, 1, "key-5", "{\"code\":\"X\"}");
    assert_int_equal(run(r2, insert_then_conflict), HH_OK);
    assert_true(r2->replayed);
    assert_int_equal(r2->status, 409);
    assert_string_equal(r2->resp, r1->resp);
    assert_int_equal(applied, 1);
    assert_int_equal(things(), 0);
    freereq(r1);
    freereq(r2);
}

static void test_keep_changes_keeps_the_write(void **state)
{
    (void)state;
    hh_req *r = mkreq(HH_ROLE_MEMBER, 7, "key-6", "{\"code\":\"000000\"}");
    assert_int_equal(run(r, insert_then_keep_and_refuse), HH_OK);
    assert_int_equal(r->status, 422);
    assert_string_equal(error_code(r), "unprocessable");
    assert_int_equal(things(), 1); /* e.g. an attempt counter survives the refusal */
    assert_int_equal(stored("key-6"), 1);
    freereq(r);
}

static void test_storage_error_stores_nothing(void **state)
{
    (void)state;
    hh_req *r1 = mkreq(HH_ROLE_OWNER, 1, "key-7", "{}");
    assert_int_equal(run(r1, insert_then_storage_error), HH_E_STORAGE);
    assert_int_equal(things(), 0);
    assert_int_equal(stored("key-7"), 0);
    /* a retry runs afresh */
    hh_req *r2 = mkreq(HH_ROLE_OWNER, 1, "key-7", "{}");
    assert_int_equal(run(r2, create_thing), HH_OK);
    assert_false(r2->replayed);
    assert_int_equal(r2->status, 201);
    assert_int_equal(applied, 2);
    assert_int_equal(things(), 1);
    freereq(r1);
    freereq(r2);
}

static void test_without_key_nothing_is_stored(void **state)
{
    (void)state;
    for (int i = 0; i < 2; i++) {
        hh_req *r = mkreq(HH_ROLE_OWNER, 1, NULL, "{}");
        assert_int_equal(run(r, create_thing), HH_OK);
        assert_false(r->replayed);
        assert_int_equal(r->status, 201);
        freereq(r);
    }
    assert_int_equal(applied, 2);
    assert_int_equal(things(), 2);
    assert_int_equal(count("SELECT count(*) FROM idempotency", NULL), 0);
}

static void test_default_answer_is_stored(void **state)
{
    (void)state;
    hh_req *r1 = mkreq(HH_ROLE_OWNER, 1, "key-8", "{}");
    assert_int_equal(run(r1, silent), HH_OK);
    assert_int_equal(r1->status, 200);
    assert_true(json_is_true(json_object_get(resp_json(r1), "ok")));
    hh_req *r2 = mkreq(HH_ROLE_OWNER, 1, "key-8", "{}");
    assert_int_equal(run(r2, silent), HH_OK);
    assert_true(r2->replayed);
    assert_int_equal(r2->status, 200);
    assert_string_equal(r2->resp, r1->resp);
    assert_int_equal(applied, 1);
    freereq(r1);
    freereq(r2);
}

static void test_stored_answers_expire_after_48_hours(void **state)
{
    (void)state;
    int64_t t0 = hh_now_ms();
    hh_clock_set(t0);
    hh_req *r1 = mkreq(HH_ROLE_OWNER, 1, "key-9", "{}");
    assert_int_equal(run(r1, create_thing), HH_OK);

    hh_clock_set(t0 + 47 * 3600 * 1000LL);
    hh_req *r2 = mkreq(HH_ROLE_OWNER, 1, "key-9", "{}");
    assert_int_equal(run(r2, create_thing), HH_OK);
    assert_true(r2->replayed);

    hh_clock_set(t0 + 49 * 3600 * 1000LL);
    hh_req *r3 = mkreq(HH_ROLE_OWNER, 1, "key-9", "{}");
    assert_int_equal(run(r3, create_thing), HH_OK);
    assert_false(r3->replayed);
    assert_int_equal(applied, 2);
    assert_int_equal(stored("key-9"), 1); /* the old entry was replaced */
    assert_string_not_equal(r3->resp, r1->resp);

    /* and the new entry replays from then on, even with a different body later refused */
    hh_req *r4 = mkreq(HH_ROLE_OWNER, 1, "key-9", "{}");
    assert_int_equal(run(r4, create_thing), HH_OK);
    assert_true(r4->replayed);
    assert_string_equal(r4->resp, r3->resp);
    freereq(r1);
    freereq(r2);
    freereq(r3);
    freereq(r4);
}

/* ---- two retries in one batch apply once (through hh_req_write) ---- */

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool entered, open;
} gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false};

static hh_status gate_apply(hh_db *tx, void *ud)
{
    (void)tx;
    (void)ud;
    pthread_mutex_lock(&gate.mu);
    gate.entered = true;
    pthread_cond_broadcast(&gate.cv);
    while (!gate.open) pthread_cond_wait(&gate.cv, &gate.mu);
    pthread_mutex_unlock(&gate.mu);
    return HH_OK;
}

static hh_status noop_apply(hh_db *tx, void *ud)
{
    (void)tx;
    (void)ud;
    return HH_OK;
}

static void gate_done(void *ud, hh_status st)
{
    (void)ud;
    (void)st;
}

static void test_concurrent_retries_in_one_batch_apply_once(void **state)
{
    (void)state;
    gate.entered = gate.open = false;
    hh_cmd g = {.apply = gate_apply, .done = gate_done};
    hh_store_submit(app.store, &g);
    pthread_mutex_lock(&gate.mu);
    while (!gate.entered) pthread_cond_wait(&gate.cv, &gate.mu);
    pthread_mutex_unlock(&gate.mu);

    /* while the writer is held, three identical requests queue up together */
    hh_req *rs[3];
    for (int i = 0; i < 3; i++) {
        rs[i] = mkreq(HH_ROLE_OWNER, 1, "race", "{\"n\":1}");
        assert_int_equal(hh_req_write(rs[i], create_thing), HH_PENDING);
    }
    pthread_mutex_lock(&gate.mu);
    gate.open = true;
    pthread_cond_broadcast(&gate.cv);
    pthread_mutex_unlock(&gate.mu);

    /* a write queued after them completes after their done() calls */
    assert_int_equal(hh_store_write_sync(app.store, noop_apply, NULL), HH_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(atomic_load(&rs[i]->sync), 2); /* hh__complete ran */
        assert_int_equal(rs[i]->status, 201);
        assert_string_equal(rs[i]->resp, rs[0]->resp);
        assert_int_equal(rs[i]->replayed, i > 0);
    }
    assert_int_equal(applied, 1);
    assert_int_equal(things(), 1);
    for (int i = 0; i < 3; i++) freereq(rs[i]);
}

static void test_request_hash(void **state)
{
    (void)state;
    hh_req *a = mkreq(HH_ROLE_OWNER, 1, "k", "{\"a\":1}");
    hh_req *b = mkreq(HH_ROLE_OWNER, 1, "k", "{\"a\":1}");
    hh_req *c = mkreq(HH_ROLE_OWNER, 1, "k", "{\"a\": 1}");
    request_hash(a);
    request_hash(b);
    request_hash(c);
    assert_string_equal(a->request_hash, b->request_hash);
    assert_string_not_equal(a->request_hash, c->request_hash); /* bytes, not JSON meaning */
    for (const char *p = a->request_hash; *p; p++) assert_non_null(strchr("0123456789abcdef", *p));
    /* the newline between path and body keeps "/api/p" + "x" apart from "/api/px" */
    hh_req *d = mkreq(HH_ROLE_OWNER, 1, "k", "x");
    d->path = "/api/p";
    hh_req *e = mkreq(HH_ROLE_OWNER, 1, "k", NULL);
    e->path = "/api/px";
    request_hash(d);
    request_hash(e);
    assert_string_not_equal(d->request_hash, e->request_hash);
    freereq(a);
    freereq(b);
    freereq(c);
    freereq(d);
    freereq(e);
}

int main(void)
{
    hh_log_open(NULL, NULL, (hh_log_level)(HH_LOG_ERROR + 1));
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_first_run_applies_and_stores),
        T(test_retry_replays_without_applying),
        T(test_same_key_different_body_is_refused),
        T(test_same_key_other_path_or_method_is_refused),
        T(test_keys_are_per_principal),
        T(test_failed_write_rolled_back_answer_stored),
        T(test_keep_changes_keeps_the_write),
        T(test_storage_error_stores_nothing),
        T(test_without_key_nothing_is_stored),
        T(test_default_answer_is_stored),
        T(test_stored_answers_expire_after_48_hours),
        T(test_concurrent_retries_in_one_batch_apply_once),
        T(test_request_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
