/*
 * otp.c — phone + one-time code sign-in for members.
 *
 * Rules: 6 digits from libsodium's CSPRNG, valid 5 minutes, 5 attempts, a new
 * code no sooner than 60 s after the last, at most 5 codes per phone and 20
 * per client address an hour. Only a hash of (phone, code) is stored, and the
 * comparison is constant-time. A wrong code's attempt counter is kept even
 * though the request fails (keep_changes). All checks run inside the write,
 * where requests are serialised, so concurrent requests cannot beat the caps.
 */
#include "member/internal.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/phone.h"
#include "http/app.h"

#include <sodium.h>
#include <string.h>

#define OTP_TTL_MS (5 * 60 * 1000)
#define OTP_RESEND_MS (60 * 1000)
#define OTP_ATTEMPTS 5
#define OTP_PHONE_HOURLY 5
#define OTP_CLIENT_HOURLY 20
#define OTP_COUNTER_HOURLY 300
#define HOUR_MS (3600 * 1000)

typedef struct {
    char phone[HH_PHONE_MAX];
    const char *code;
    int64_t enterprise_id;
    int64_t expires_at;
    char token[HH_TOKEN_HEX + 1];
} otp_in;

static void code_hash(const char *phone, const char *code, char out[65])
{
    unsigned char h[32];
    crypto_generichash_state s;
    crypto_generichash_init(&s, NULL, 0, sizeof h);
    crypto_generichash_update(&s, (const unsigned char *)phone, strlen(phone));
    crypto_generichash_update(&s, (const unsigned char *)":", 1);
    crypto_generichash_update(&s, (const unsigned char *)code, strlen(code));
    crypto_generichash_final(&s, h, sizeof h);
    hh_hex(out, h, sizeof h);
}

/* The enterprise a member request is for: the body's enterprise_id, or the
 * first enterprise (single-tenant installations). */
static hh_status member_enterprise(hh_req *r, int64_t *out)
{
    int64_t id = 0;
    bool present;
    hh_status st = hh_field_int(r, "enterprise_id", false, 1, INT64_MAX, &id, &present);
    if (st) return st;
    hh_db *db = hh_store_reader(r->app->store);
    if (present)
        st = hh_db_int(db, out, "SELECT id FROM enterprises WHERE id = ?", HH_A(HH_I(id)));
    else
        st = hh_db_int(db, out, "SELECT min(id) FROM enterprises", HH_A());
    if (st == HH_E_NOT_FOUND || (st == HH_OK && !*out))
        return hh_fail(r, HH_E_INVALID, "enterprise_id", "企业不存在", "No such enterprise");
    return st;
}

hh_status hh__read_mobile(hh_req *r, const char *field, char out[HH_PHONE_MAX])
{
    const char *raw;
    hh_status st = hh_field_str(r, field, true, 32, &raw, NULL);
    if (st) return st;
    switch (hh_phone_normalize(raw, "CN", true, out)) {
    case HH_PHONE_OK:
        return HH_OK;
    case HH_PHONE_NOT_MOBILE:
        return hh_fail(r, HH_E_INVALID, field, "请填写手机号码（座机、短号无法接收验证码）",
                       "Please enter a mobile number (landlines and short codes cannot receive codes)");
    default:
        return hh_fail(r, HH_E_INVALID, field, "手机号码无效，请检查后重试",
                       "This phone number is not valid; please check it");
    }
}

static hh_status read_phone(hh_req *r, otp_in *in)
{
    return hh__read_mobile(r, "phone", in->phone);
}

/* Codes asked for by a promoter at a counter are capped per staff account
 * (a busy counter registers many people from one phone); others per client
 * address. */
hh_status hh_otp_issue(hh_db *tx, hh_req *r, int64_t enterprise_id, const char *phone)
{
    int64_t now = hh_now_ms(), last = 0, per_phone = 0, per_client = 0;
    bool counter = r->who.role == HH_ROLE_STAFF || r->who.role == HH_ROLE_BRAND_MANAGER ||
                   r->who.role == HH_ROLE_OWNER;
    const char *client = counter ? hh_sprintf(r->arena, "account:%lld", (long long)r->who.id) : r->client_ip;
    int client_cap = counter ? OTP_COUNTER_HOURLY : OTP_CLIENT_HOURLY;
    hh_status st;
    if ((st = hh_db_int(tx, &last,
                        "SELECT coalesce(max(created_at), 0) FROM otp_codes WHERE enterprise_id = ?"
                        " AND phone = ?",
                        HH_A(HH_I(enterprise_id), HH_S(phone)))) ||
        (st = hh_db_int(tx, &per_phone,
                        "SELECT count(*) FROM otp_codes WHERE enterprise_id = ? AND phone = ?"
                        " AND created_at > ?",
                        HH_A(HH_I(enterprise_id), HH_S(phone), HH_I(now - HOUR_MS)))) ||
        (st = hh_db_int(tx, &per_client,
                        "SELECT count(*) FROM otp_codes WHERE client = ? AND created_at > ?",
                        HH_A(HH_S(client), HH_I(now - HOUR_MS)))))
        return st;
    if (last && now - last < OTP_RESEND_MS) {
        int64_t wait = (OTP_RESEND_MS - (now - last) + 999) / 1000;
        return hh_fail(r, HH_E_THROTTLED, "phone",
                       hh_sprintf(r->arena, "验证码已发送，请 %lld 秒后再获取", (long long)wait),
                       hh_sprintf(r->arena, "A code was just sent; ask again in %lld s", (long long)wait));
    }
    if (per_phone >= OTP_PHONE_HOURLY || per_client >= client_cap)
        return hh_fail(r, HH_E_THROTTLED, "phone", "获取验证码过于频繁，请一小时后再试",
                       "Too many codes requested; please try again in an hour");
    char code[8], hash[65];
    snprintf(code, sizeof code, "%06u", (unsigned)randombytes_uniform(1000000));
    code_hash(phone, code, hash);
    st = hh_db_run(tx, NULL,
                   "INSERT INTO otp_codes (enterprise_id, phone, code_hash, created_at, expires_at,"
                   " client) VALUES (?, ?, ?, ?, ?, ?)",
                   HH_A(HH_I(enterprise_id), HH_S(phone), HH_S(hash), HH_I(now),
                        HH_I(now + OTP_TTL_MS), HH_S(client)));
    if (st) return st;
    const char *text = hh_sprintf(r->arena, "【活化】您的验证码是 %s，5 分钟内有效。如非本人操作请忽略。", code);
    if ((st = hh_sms_send(tx, r, enterprise_id, phone, "otp", text))) return st;
    hh_reply(r, 200, json_pack("{s:b, s:i, s:I}", "sent", 1, "resend_after_ms", OTP_RESEND_MS,
                               "expires_at", (json_int_t)(now + OTP_TTL_MS)));
    return HH_OK;
}

static hh_status otp_write(hh_db *tx, hh_req *r)
{
    otp_in *in = r->ud;
    return hh_otp_issue(tx, r, in->enterprise_id, in->phone);
}

hh_status hh_h_member_otp(hh_req *r)
{
    static const char *const allowed[] = {"phone", "enterprise_id", NULL};
    otp_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) || (st = read_phone(r, in)) ||
        (st = member_enterprise(r, &in->enterprise_id)))
        return st;
    return hh_req_write(r, otp_write);
}

hh_status hh_otp_verify(hh_db *tx, hh_req *r, int64_t enterprise_id, const char *phone, const char *code)
{
    json_t *otp;
    hh_status st = hh_db_one(tx, &otp,
                             "SELECT id, code_hash, attempts FROM otp_codes WHERE enterprise_id = ?"
                             " AND phone = ? AND used_at IS NULL AND expires_at > ?"
                             " ORDER BY id DESC LIMIT 1",
                             HH_A(HH_I(enterprise_id), HH_S(phone), HH_I(hh_now_ms())));
    if (st == HH_E_NOT_FOUND)
        return hh_fail(r, HH_E_INVALID, "code", "验证码已失效，请重新获取",
                       "The code has expired; please request a new one");
    if (st) return st;
    hh_req_own(r, otp);
    int64_t otp_id = json_integer_value(json_object_get(otp, "id"));
    if (json_integer_value(json_object_get(otp, "attempts")) >= OTP_ATTEMPTS)
        return hh_fail(r, HH_E_THROTTLED, "code", "验证码错误次数过多，请重新获取",
                       "Too many wrong codes; please request a new one");
    char hash[65];
    code_hash(phone, code, hash);
    const char *stored = json_string_value(json_object_get(otp, "code_hash"));
    if (!stored || strlen(stored) != 64 || sodium_memcmp(stored, hash, 64) != 0) {
        st = hh_db_run(tx, NULL, "UPDATE otp_codes SET attempts = attempts + 1 WHERE id = ?",
                       HH_A(HH_I(otp_id)));
        if (st) return st;
        r->keep_changes = true;
        return hh_fail(r, HH_E_INVALID, "code", "验证码错误", "Wrong code");
    }
    return hh_db_run(tx, NULL, "UPDATE otp_codes SET used_at = ? WHERE id = ?",
                     HH_A(HH_I(hh_now_ms()), HH_I(otp_id)));
}

static hh_status login_write(hh_db *tx, hh_req *r)
{
    otp_in *in = r->ud;
    hh_status st = hh_otp_verify(tx, r, in->enterprise_id, in->phone, in->code);
    if (st) return st;
    hh_identify id = {.enterprise_id = in->enterprise_id, .phone = in->phone, .via = "h5",
                      .device_id = hh_cookie(r, "hh_did")};
    if ((st = hh_member_identify(tx, &id))) return st;
    int64_t expires;
    st = hh_session_create(tx, "member", id.member_id, in->enterprise_id, r->app->cfg.session_ttl_ms,
                           in->token, &expires);
    json_t *m;
    if (st || (st = hh_member_self_json(tx, id.member_id, &m))) return st;
    r->set_cookie = hh_session_cookie(r, HH_MEMBER_COOKIE, in->token, r->app->cfg.session_ttl_ms);
    hh_reply(r, 200, json_pack("{s:s, s:I, s:o, s:b, s:b}", "token", in->token, "expires_at",
                               (json_int_t)expires, "member", m, "created", id.created, "reactivated",
                               id.reactivated));
    return HH_OK;
}

hh_status hh_h_member_login(hh_req *r)
{
    static const char *const allowed[] = {"phone", "code", "enterprise_id", NULL};
    otp_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) || (st = read_phone(r, in)) ||
        (st = hh_field_str(r, "code", true, 6, &in->code, NULL)) ||
        (st = member_enterprise(r, &in->enterprise_id)))
        return st;
    bool digits = strlen(in->code) == 6;
    for (const char *p = in->code; *p; p++) digits &= *p >= '0' && *p <= '9';
    if (!digits) return hh_fail(r, HH_E_INVALID, "code", "验证码为 6 位数字", "The code has 6 digits");
    return hh_req_write(r, login_write);
}

static hh_status logout_write(hh_db *tx, hh_req *r)
{
    r->auth_changed = true;
    char hash[65];
    hh_token_hash(r->ud, hash);
    hh_status st = hh_db_run(tx, NULL, "DELETE FROM sessions WHERE token_hash = ? AND kind = 'member'",
                             HH_A(HH_S(hash)));
    if (st) return st;
    r->set_cookie = hh_session_cookie(r, HH_MEMBER_COOKIE, NULL, 0);
    return HH_OK;
}

hh_status hh_h_member_logout(hh_req *r)
{
    r->ud = (void *)hh_request_token(r, HH_MEMBER_COOKIE);
    return hh_req_write(r, logout_write);
}

hh_status hh_h_member_context(hh_req *r)
{
    int64_t ent = 0;
    hh_status st = hh_query_id(r, "e", &ent);
    if (st) return st;
    hh_db *db = hh_store_reader(r->app->store);
    if (!ent && (st = hh_db_int(db, &ent, "SELECT coalesce(min(id), 0) FROM enterprises", HH_A()))) return st;
    json_t *e, *brands;
    st = hh_db_one(db, &e, "SELECT id, name FROM enterprises WHERE id = ?", HH_A(HH_I(ent)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "e", "企业不存在", "No such enterprise");
    if (st) return st;
    st = hh_db_query(db, &brands,
                     "SELECT id, name, code, description FROM brands WHERE enterprise_id = ?"
                     " AND archived_at IS NULL ORDER BY id",
                     HH_A(HH_I(ent)));
    if (st) {
        json_decref(e);
        return st;
    }
    hh_reply(r, 200, json_pack("{s:o, s:o}", "enterprise", e, "brands", brands));
    return HH_OK;
}
