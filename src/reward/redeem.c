/*
 * redeem.c — counter redemption (核销), SPEC §2 step 5 and §3.5: "from
 * verifying coupons to verifying people".
 *
 * At the counter a member of staff first establishes who is there and what
 * they hold — by scanning the member's QR ("HHM:<code>", namespace "mb"), by
 * the person's phone and the SMS code they read out, or by a coupon's own code
 * (typed or scanned) — then redeems one benefit. Every counter-redeemable
 * benefit is a row in `coupons` (claimed coupons, printed batch codes, lottery
 * prizes to collect), so all are handled alike.
 *
 * A redemption proves its person: method member_qr carries the scanned member
 * code, phone_otp the short-lived verification token the OTP check returned
 * (bound to the staff account), coupon_code the coupon's code itself.
 *
 * The handler (HTTP thread, read connection) refuses what cannot change — an
 * unknown or foreign coupon, the wrong brand or store, not this person's,
 * below the minimum spend. The write (the one writer thread) decides on the
 * coupon's state: a conditional UPDATE flips it only while it is 'issued' and
 * inside its window, and otherwise says why (voided, already redeemed — when
 * and where —, expired, not yet valid). Deciding state only in the write also
 * lets a request retried with its Idempotency-Key replay its first answer.
 * Writes are serialised and a partial unique index allows one live redemption
 * per coupon, so a coupon is redeemed at most once under any concurrency
 * (SPEC §4.2); an undo restores exactly one.
 *
 * Staff work at their own store. Brand managers and the owner name the store
 * (store_id), which must be in their scope, and redeem only their brands'
 * coupons.
 */
#include "reward/redeem_internal.h"
#include "points/mall.h"
#include "auth/auth.h"
#include "core/localtime.h"
#include "core/phone.h"
#include "http/app.h"
#include "member/member.h"
#include "touch/touch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VERIFY_TTL_MS (15 * 60 * 1000)  /* a phone + code verification holds this long */
#define WALLET_DAYS 30                  /* used, voided and expired coupons shown this long */
#define WALLET_MAX 200
#define MAX_ORDER_FEN 100000000000LL     /* ¥1 000 000 000 */

/* ------------------------------------------------------------ the counter */

hh_status hh__redeem_store(hh_req *r, hh_db *db, int64_t asked, bool required, int64_t *out)
{
    *out = 0;
    if (r->who.role == HH_ROLE_STAFF) {
        if (!r->who.store_id)
            return hh_fail(r, HH_E_FORBIDDEN, "store_id", "您的账号未关联门店", "Your account has no store");
        if (asked && asked != r->who.store_id)
            return hh_fail(r, HH_E_FORBIDDEN, "store_id", "导购只能在自己的门店核销",
                           "Staff work at their own store only");
        *out = r->who.store_id;
        return HH_OK;
    }
    if (!asked)
        return required ? hh_fail(r, HH_E_INVALID, "store_id", "请选择门店（store_id）",
                                  "store_id is required: the store where this happens")
                        : HH_OK;
    hh_scope s;
    hh_status st = hh_scope_load(db, HH_T_STORE, asked, &s);
    if (st == HH_E_NOT_FOUND || (!st && s.enterprise_id != r->who.enterprise_id))
        return hh_fail(r, HH_E_NOT_FOUND, "store_id", "找不到该门店", "No such store");
    if (st) return st;
    if (hh_authz(&r->who, HH_ACT_READ, &s) != HH_OK)
        return hh_fail(r, HH_E_FORBIDDEN, "store_id", "该门店不在您的管辖范围内", "This store is outside your scope");
    *out = asked;
    return HH_OK;
}

bool hh__redeem_manages(const hh_principal *p, int64_t brand_id)
{
    if (p->role != HH_ROLE_BRAND_MANAGER) return true;
    for (int i = 0; i < p->nbrands; i++)
        if (p->brands[i] == brand_id) return true;
    return false;
}

/* "2026-11-22 14:03" in the enterprise's zone (arena). */
static const char *local_time(hh_req *r, const char *tz, int64_t ms)
{
    hh_local l;
    if (!hh_local_parts(tz, ms, &l) && !hh_local_parts("Asia/Shanghai", ms, &l)) return "";
    return hh_sprintf(r->arena, "%04d-%02d-%02d %02d:%02d", l.year, l.month, l.day, l.hour, l.minute);
}

/* "¥12.50" (arena) */
static const char *yuan(hh_req *r, int64_t fen)
{
    return hh_sprintf(r->arena, "¥%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

/* ---------------------------------------------------------------- coupons */

/* Why a coupon cannot be redeemed here and now (reason NULL: it can). */
typedef struct {
    const char *reason; /* voided, redeemed, expired, not_yet_valid, wrong_brand, wrong_store, not_your_brand */
    hh_status st;
    const char *zh, *en;
} verdict;

static verdict judge(hh_req *r, json_t *c, int64_t store_id, const char *tz, int64_t now)
{
    verdict v = {0};
    const char *status = sget(c, "status");
    json_t *from = json_object_get(c, "valid_from"), *to = json_object_get(c, "valid_to");
    if (!strcmp(status, "voided")) {
        const char *why = sget(c, "void_reason");
        v = (verdict){"voided", HH_E_UNPROCESSABLE,
                      why && *why ? hh_sprintf(r->arena, "该券已作废（%s），不能核销", why) : "该券已作废，不能核销",
                      why && *why ? hh_sprintf(r->arena, "This coupon was voided (%s)", why) : "This coupon was voided"};
    } else if (!strcmp(status, "redeemed")) {
        const char *at = local_time(r, tz, iget(c, "redeemed_at"));
        const char *where = sget(c, "redeemed_store_name");
        const char *who = sget(c, "redeemed_staff_name");
        v = (verdict){"redeemed", HH_E_CONFLICT,
                      hh_sprintf(r->arena, "该券已于 %s 在「%s」核销%s%s", at, where ? where : "其他门店",
                                 who ? "，导购 " : "", who ? who : ""),
                      hh_sprintf(r->arena, "This coupon was already redeemed on %s at %s%s%s", at,
                                 where ? where : "another store", who ? " by " : "", who ? who : "")};
    } else if (!strcmp(status, "expired") || (json_is_integer(to) && json_integer_value(to) < now)) {
        const char *at = json_is_integer(to) ? local_time(r, tz, json_integer_value(to)) : "";
        v = (verdict){"expired", HH_E_UNPROCESSABLE,
                      *at ? hh_sprintf(r->arena, "该券已于 %s 过期", at) : "该券已过期",
                      *at ? hh_sprintf(r->arena, "This coupon expired on %s", at) : "This coupon has expired"};
    } else if (json_is_integer(from) && json_integer_value(from) > now) {
        const char *at = local_time(r, tz, json_integer_value(from));
        v = (verdict){"not_yet_valid", HH_E_UNPROCESSABLE, hh_sprintf(r->arena, "该券 %s 起才能使用", at),
                      hh_sprintf(r->arena, "This coupon can be used from %s", at)};
    } else if (store_id) {
        bool listed = iget(c, "stores_listed") > 0, here = iget(c, "store_listed") != 0;
        bool brand = iget(c, "brand_ok") != 0;
        const char *brands = sget(c, "valid_brands");
        if (!brand && !(listed && here))
            v = (verdict){"wrong_brand", HH_E_UNPROCESSABLE,
                          hh_sprintf(r->arena, "该券仅限%s专柜使用，本门店不经营该品牌", brands ? brands : "指定品牌"),
                          hh_sprintf(r->arena, "This coupon is for %s counters only; this store does not sell it",
                                     brands ? brands : "other brands'")};
        else if (listed && !here)
            v = (verdict){"wrong_store", HH_E_UNPROCESSABLE,
                          hh_sprintf(r->arena, "该券仅限指定的 %lld 家门店使用，本店不在其中",
                                     (long long)iget(c, "stores_listed")),
                          hh_sprintf(r->arena, "This coupon is valid at %lld named stores only, not this one",
                                     (long long)iget(c, "stores_listed"))};
    }
    if (!v.reason && !hh__redeem_manages(&r->who, iget(c, "brand_id")))
        v = (verdict){"not_your_brand", HH_E_FORBIDDEN, "该券属于您不管理的品牌",
                      "This coupon belongs to a brand you do not manage"};
    return v;
}

/* "****-****-WXYZ" */
const char *hh__code_masked(hh_req *r, const char *code)
{
    size_t n = code ? strlen(code) : 0;
    return hh_sprintf(r->arena, "****-****-%s", n >= 4 ? code + n - 4 : "");
}

/* Turn a HH__COUPON_COLS row into what the counter shows: usable here or why not
 * (in the request's language), the code masked unless show_code. */
void hh__coupon_decorate(hh_req *r, json_t *c, int64_t store_id, const char *tz, int64_t now, bool show_code)
{
    verdict v = judge(r, c, store_id, tz, now);
    json_object_set_new(c, "usable", json_boolean(!v.reason));
    json_object_set_new(c, "reason", v.reason ? json_pack("{s:s, s:s}", "code", v.reason, "message",
                                                          r->lang_en ? v.en : v.zh)
                                              : json_null());
    json_object_set_new(c, "code_masked", json_string(hh__code_masked(r, sget(c, "code"))));
    if (!show_code) json_object_del(c, "code");
    json_object_set_new(c, "valid_stores", json_integer(iget(c, "stores_listed")));
    json_object_del(c, "brand_ok");
    json_object_del(c, "stores_listed");
    json_object_del(c, "store_listed");
}

/* ---------------------------------------------------------------- people */

/* The live member behind id (following merges); 404 naming `field` when
 * there is none in this enterprise, or it was erased. */
hh_status hh__redeem_live_member(hh_req *r, hh_db *db, int64_t id, const char *field, int64_t *out)
{
    for (int hop = 0; hop < 8; hop++) {
        json_t *m = NULL;
        hh_status st = hh_db_one(db, &m, "SELECT status, merged_into FROM members WHERE id = ? AND enterprise_id = ?",
                                 HH_A(HH_I(id), HH_I(r->who.enterprise_id)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, st, field, "找不到该会员", "No such member");
        if (st) return st;
        const char *status = sget(m, "status");
        int64_t next = iget(m, "merged_into");
        bool live = !strcmp(status, "live"), merged = !strcmp(status, "merged") && next;
        json_decref(m);
        if (live) {
            *out = id;
            return HH_OK;
        }
        if (!merged) return hh_fail(r, HH_E_NOT_FOUND, field, "该会员已注销", "This member was erased");
        id = next;
    }
    return hh_fail(r, HH_E_NOT_FOUND, field, "找不到该会员", "No such member");
}

/* The member of a scanned member QR ("HHM:<code>" or the bare code). */
static hh_status member_of_code(hh_req *r, hh_db *db, const char *text, const char *field, int64_t *out)
{
    int64_t id = 0;
    while (*text == ' ') text++;
    if (!strncasecmp(text, "HHM:", 4)) text += 4;
    if (!*text || strlen(text) > 40 || !hh_code_decode(r->app->code_key, "mb", text, &id))
        return hh_fail(r, HH_E_INVALID, field, "会员码无效，请让顾客刷新会员码后重扫",
                       "This member code is not valid; ask the customer to show it again");
    return hh__redeem_live_member(r, db, id, field, out);
}

/* Who the person is, as the counter may see them (phone masked). */
static hh_status person_json(hh_req *r, hh_db *db, int64_t member_id, json_t **out)
{
    hh_status st = hh_db_one(db, out,
                             "SELECT m.id, m.name, m.phone, m.status, m.created_at, m.last_active_at, m.reactivated_at,"
                             " m.registered_via, m.owner_staff_id, t.name AS owner_staff_name, m.owner_store_id,"
                             " s.name AS owner_store_name FROM members m LEFT JOIN staff t ON t.id = m.owner_staff_id"
                             " LEFT JOIN stores s ON s.id = m.owner_store_id WHERE m.id = ? AND m.enterprise_id = ?",
                             HH_A(HH_I(member_id), HH_I(r->who.enterprise_id)));
    if (st) return st;
    hh_lifecycle lc;
    if ((st = hh_lifecycle_load(db, r->who.enterprise_id, &lc))) {
        json_decref(*out);
        return st;
    }
    json_t *m = *out;
    json_object_set_new(m, "lifecycle", json_string(hh_lifecycle_of(&lc, hh_now_ms(), m)));
    char masked[HH_PHONE_MAX + 8];
    hh_phone_mask(sget(m, "phone"), masked, sizeof masked);
    json_object_set_new(m, "phone_masked", json_string(masked));
    json_object_del(m, "phone");
    json_object_del(m, "status");
    json_object_del(m, "reactivated_at");
    json_object_set_new(m, "mine", json_boolean(r->who.staff_id && iget(m, "owner_staff_id") == r->who.staff_id));
    return HH_OK;
}

/* ------------------------------------------------------- phone + SMS code */

/* A verification token: "<expiry ms>.<signed code of the member id>" under a
 * namespace naming the staff account and the expiry, so that it proves "this
 * account verified this member by SMS until then" and nothing else. */
static const char *verification_make(hh_req *r, int64_t member_id, int64_t expires_at)
{
    char code[HH_CODE_MAX];
    const char *ns = hh_sprintf(r->arena, "rv:%lld:%lld", (long long)r->who.id, (long long)expires_at);
    hh_code_encode(r->app->code_key, ns, member_id, code);
    return hh_sprintf(r->arena, "%lld.%s", (long long)expires_at, code);
}

/* The member a verification names, and until when it holds (checked by the
 * write, so that a retried request with its Idempotency-Key still replays). */
static hh_status verification_check(hh_req *r, const char *tok, int64_t *member_id, int64_t *until)
{
    const char *dot = strchr(tok, '.');
    int64_t exp = 0, now = hh_now_ms();
    char num[24];
    size_t n = dot ? (size_t)(dot - tok) : 0;
    if (n && n < sizeof num) {
        memcpy(num, tok, n);
        num[n] = 0;
    }
    if (!n || n >= sizeof num || !hh_parse_i64(num, &exp) || exp <= 0 || exp > now + VERIFY_TTL_MS ||
        !hh_code_decode(r->app->code_key,
                        hh_sprintf(r->arena, "rv:%lld:%lld", (long long)r->who.id, (long long)exp), dot + 1,
                        member_id))
        return hh_fail(r, HH_E_INVALID, "verification", "手机验证无效，请重新验证",
                       "This phone verification is not valid; verify again");
    *until = exp;
    return HH_OK;
}

/* ----------------------------------------------------------------- wallet */

typedef struct {
    int64_t store_id;
    char tz[64];
    char phone[HH_PHONE_MAX];
    const char *otp;
    int64_t member_id;
} wallet_in;

/* What the person holds, judged for store_id: usable coupons first (soonest
 * to expire first), then the others with the reason. */
static hh_status wallet_reply(hh_req *r, hh_db *db, wallet_in *w, int64_t member_id, const char *via,
                              const char *verification, int64_t verified_until)
{
    int64_t now = hh_now_ms();
    json_t *person = NULL, *rows = NULL;
    hh_status st = person_json(r, db, member_id, &person);
    if (st) return st;
    st = hh_db_query(db, &rows,
                     HH__COUPON_COLS " WHERE c.enterprise_id = ?1 AND c.member_id = ?3"
                                 " AND coalesce(c.redeemed_at, c.voided_at, c.valid_to, ?4) >= ?5"
                                 " ORDER BY coalesce(c.valid_to, 9e18), c.id LIMIT ?6",
                     HH_A(HH_I(r->who.enterprise_id), HH_I(w->store_id), HH_I(member_id), HH_I(now),
                          HH_I(now - WALLET_DAYS * 86400000LL), HH_I(WALLET_MAX)));
    if (st) {
        json_decref(person);
        return st;
    }
    json_t *usable = json_array(), *other = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(rows, i, c)
    {
        hh__coupon_decorate(r, c, w->store_id, w->tz, now, false);
        json_array_append(json_is_true(json_object_get(c, "usable")) ? usable : other, c);
    }
    json_decref(rows);
    size_t nusable = json_array_size(usable);
    json_array_extend(usable, other);
    json_decref(other);
    json_t *out = json_pack("{s:s, s:o, s:o, s:I}", "via", via, "person", person, "coupons", usable, "usable_count",
                            (json_int_t)nusable);
    json_object_set_new(out, "store_id", w->store_id ? json_integer(w->store_id) : json_null());
    if (verification) {
        json_object_set_new(out, "verification", json_string(verification));
        json_object_set_new(out, "verified_until", json_integer(verified_until));
    }
    hh_reply(r, 200, out);
    return HH_OK;
}

/* One coupon by its code (typed, or scanned as "HHC:<code>"): the coupon,
 * and its holder when it has one. */
static hh_status coupon_by_code(hh_req *r, hh_db *db, const char *text, const char *field, int64_t store_id,
                                json_t **out)
{
    char code[HH_CODE_LEN + 1];
    while (*text == ' ') text++;
    if (!strncasecmp(text, "HHC:", 4)) text += 4;
    if (strlen(text) > 40 || !hh_reward_code_parse(text, code))
        return hh_fail(r, HH_E_INVALID, field, "券码格式不正确（12 位字母数字）",
                       "This is not a coupon code (12 letters and digits)");
    hh_status st = hh_db_one(db, out, HH__COUPON_COLS " WHERE c.enterprise_id = ?1 AND c.code = ?3",
                             HH_A(HH_I(r->who.enterprise_id), HH_I(store_id), HH_S(code)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, field, "券码不存在，请核对后重试", "No coupon has this code");
    return st;
}

hh_status hh_h_counter_wallet(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    const char *mcode = hh_query(r, "member_code"), *code = hh_query(r, "code");
    int64_t asked;
    wallet_in w = {0};
    hh_status st = hh_query_id(r, "store_id", &asked);
    if (st || (st = hh__redeem_store(r, db, asked, false, &w.store_id))) return st;
    if (mcode && !*mcode) mcode = NULL;
    if (code && !*code) code = NULL;
    if (mcode && code)
        return hh_fail(r, HH_E_INVALID, "code", "会员码和券码只能二选一", "Give a member code or a coupon code, not both");
    if (!mcode && !code)
        return hh_fail(r, HH_E_INVALID, "member_code", "请扫描会员码或输入券码",
                       "Scan the member code or enter a coupon code");
    hh_enterprise_tz(db, r->who.enterprise_id, w.tz);
    if (mcode) {
        int64_t member_id;
        if ((st = member_of_code(r, db, mcode, "member_code", &member_id))) return st;
        return wallet_reply(r, db, &w, member_id, "member_qr", NULL, 0);
    }
    json_t *c;
    if ((st = coupon_by_code(r, db, code, "code", w.store_id, &c))) return st;
    hh_req_own(r, c);
    json_t *person = NULL;
    int64_t member_id = iget(c, "member_id");
    if (member_id && (st = person_json(r, db, member_id, &person))) return st;
    hh__coupon_decorate(r, c, w.store_id, w.tz, hh_now_ms(), true);
    json_t *out = json_pack("{s:s, s:o, s:[O], s:i}", "via", "coupon_code", "person", person ? person : json_null(),
                            "coupons", c, "usable_count", json_is_true(json_object_get(c, "usable")) ? 1 : 0);
    json_object_set_new(out, "store_id", w.store_id ? json_integer(w.store_id) : json_null());
    hh_reply(r, 200, out);
    return HH_OK;
}

static hh_status wallet_otp_write(hh_db *tx, hh_req *r)
{
    wallet_in *w = r->ud;
    hh_status st = hh_otp_verify(tx, r, r->who.enterprise_id, w->phone, w->otp);
    if (st) return st;
    int64_t id = 0;
    st = hh_db_int(tx, &id, "SELECT id FROM members WHERE enterprise_id = ? AND phone = ?",
                   HH_A(HH_I(r->who.enterprise_id), HH_S(w->phone)));
    if (st == HH_E_NOT_FOUND)
        return hh_fail(r, st, "phone", "该手机号还不是会员，可先为顾客登记", "No member has this phone number yet");
    if (st || (st = hh__redeem_live_member(r, tx, id, "phone", &w->member_id))) return st;
    int64_t until = hh_now_ms() + VERIFY_TTL_MS;
    const char *tok = verification_make(r, w->member_id, until);
    json_t *after = json_pack("{s:I, s:I}", "member_id", (json_int_t)w->member_id, "store_id", (json_int_t)w->store_id);
    st = hh_audit(tx, r, "member.verify_phone", "member", w->member_id, NULL, after);
    json_decref(after);
    if (st) return st;
    return wallet_reply(r, tx, w, w->member_id, "phone_otp", tok, until);
}

hh_status hh_h_counter_wallet_otp(hh_req *r)
{
    static const char *const allowed[] = {"phone", "code", "store_id", NULL};
    wallet_in *w = hh_alloc(r->arena, sizeof *w);
    r->ud = w;
    const char *raw;
    int64_t asked = 0;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) || (st = hh_field_str(r, "phone", true, 32, &raw, NULL)) ||
        (st = hh_field_str(r, "code", true, 6, &w->otp, NULL)) ||
        (st = hh_field_int(r, "store_id", false, 1, INT64_MAX, &asked, NULL)))
        return st;
    switch (hh_phone_normalize(raw, "CN", true, w->phone)) {
    case HH_PHONE_OK:
        break;
    case HH_PHONE_NOT_MOBILE:
        return hh_fail(r, HH_E_INVALID, "phone", "请填写手机号码", "Please enter a mobile number");
    default:
        return hh_fail(r, HH_E_INVALID, "phone", "手机号码无效，请检查后重试", "This phone number is not valid");
    }
    if (strlen(w->otp) != 6 || strspn(w->otp, "0123456789") != 6)
        return hh_fail(r, HH_E_INVALID, "code", "验证码为 6 位数字", "The code has 6 digits");
    hh_db *db = hh_store_reader(r->app->store);
    if ((st = hh__redeem_store(r, db, asked, false, &w->store_id))) return st;
    hh_enterprise_tz(db, r->who.enterprise_id, w->tz);
    return hh_req_write(r, wallet_otp_write);
}

/* ----------------------------------------------------------------- redeem */

typedef struct {
    const char *method, *field; /* field: "coupon_id" or "code", whichever named the coupon */
    int64_t coupon_id, store_id, verified_member, verified_until;
    const char *code, *member_code, *verification;
    int64_t order_amount;
    bool has_order;
    char tz[64];
    const char *store_name;
    json_t *coupon; /* arena-owned HH__COUPON_COLS row */
    int64_t undo_minutes;
} redeem_in;

const char *const hh__redeem_methods[] = {"member_qr", "coupon_code", "phone_otp", NULL};

static hh_status redeem_write(hh_db *tx, hh_req *r)
{
    redeem_in *in = r->ud;
    json_t *c = in->coupon;
    int64_t now = hh_now_ms(), coupon_id = iget(c, "id");
    hh_result res = {0};
    if (in->verified_until && in->verified_until < now)
        return hh_fail(r, HH_E_UNPROCESSABLE, "verification", "手机验证已过期（15 分钟），请重新验证",
                       "The phone verification has expired (15 minutes); verify again");
    /* the redemption's id, known before its row exists (the single writer
     * numbers rows as SQLite would), so the coupon is updated once */
    int64_t rid = 0;
    hh_status st = hh_db_ints(tx, &rid, 1, "SELECT coalesce(max(id), 0) + 1 FROM redemptions", NULL, 0);
    if (st) return st;
    /* the decision: only an issued coupon inside its window flips, once */
    st = hh_db_run(tx, &res,
                   "UPDATE coupons SET status = 'redeemed', redeemed_at = ?1, redemption_id = ?3 WHERE id = ?2"
                   " AND status = 'issued' AND coalesce(valid_from, ?1) <= ?1 AND coalesce(valid_to, ?1) >= ?1",
                   HH_A(HH_I(now), HH_I(coupon_id), HH_I(rid)));
    if (st) return st;
    if (res.changes != 1) {
        /* not issued, or outside its window (now or since the handler looked): say why */
        json_t *again = NULL;
        st = hh_db_one(tx, &again, HH__COUPON_COLS " WHERE c.enterprise_id = ?1 AND c.id = ?3",
                       HH_A(HH_I(r->who.enterprise_id), HH_I(in->store_id), HH_I(coupon_id)));
        if (st) return st;
        hh_req_own(r, again);
        verdict v = judge(r, again, in->store_id, in->tz, now);
        if (!v.reason)
            v = (verdict){"changed", HH_E_CONFLICT, "该券状态刚刚发生变化，请重新查询",
                          "This coupon just changed; look it up again"};
        return hh_fail(r, v.st, in->field, v.zh, v.en);
    }
    int64_t member_id = iget(c, "member_id"), campaign_id = iget(c, "campaign_id"), brand_id = iget(c, "brand_id");
    st = hh_db_run(tx, &res,
                   "INSERT INTO redemptions (id, enterprise_id, coupon_id, member_id, brand_id, store_id, staff_id,"
                   " account_id, campaign_id, method, order_amount_fen, at, cash_value_fen)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   HH_A(HH_I(rid), HH_I(r->who.enterprise_id), HH_I(coupon_id), HH_ID(member_id), HH_I(brand_id),
                        HH_I(in->store_id), HH_ID(r->who.staff_id), HH_I(r->who.id), HH_ID(campaign_id),
                        HH_S(in->method), in->has_order ? HH_I(in->order_amount) : HH_NULL, HH_I(now),
                        !strcmp(sget(c, "kind"), "cash") ? HH_I(iget(c, "value_fen")) : HH_NULL));
    if (st) return st;
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = member_id, .campaign_id = campaign_id,
                  .store_id = in->store_id, .staff_id = r->who.staff_id, .source = "counter"};
    json_t *props = json_pack("{s:I, s:I, s:I, s:s, s:s}", "coupon_id", (json_int_t)coupon_id, "redemption_id",
                              (json_int_t)rid, "template_id", (json_int_t)iget(c, "template_id"), "kind",
                              sget(c, "kind"), "method", in->method);
    if (in->has_order) json_object_set_new(props, "order_amount_fen", json_integer(in->order_amount));
    st = hh_reward_event(tx, "coupon.redeemed", &g, brand_id, props);
    if (!st) st = hh_audit(tx, r, "coupon.redeem", "redemption", rid, NULL, props);
    /* a referred member's first redemption may complete the referral */
    if (!st && member_id) st = hh_referral_progress(tx, member_id, "redemption");
    json_decref(props);
    if (st) return st;

    /* the answer, from what is known already (no second read on the writer) */
    json_t *person = json_object_get(c, "person");
    json_t *coupon = json_pack("{s:I, s:s, s:s, s:s, s:O, s:O, s:O, s:I, s:s, s:I}", "id", (json_int_t)coupon_id,
                               "name", sget(c, "name"), "kind", sget(c, "kind"), "code_masked",
                               hh__code_masked(r, sget(c, "code")), "value_fen", json_object_get(c, "value_fen"),
                               "discount_pct", json_object_get(c, "discount_pct"), "gift_name",
                               json_object_get(c, "gift_name"), "min_spend_fen",
                               (json_int_t)iget(c, "min_spend_fen"), "brand_name", sget(c, "brand_name"),
                               "template_id", (json_int_t)iget(c, "template_id"));
    json_t *out = json_pack("{s:I, s:I, s:o, s:O, s:I, s:s, s:I, s:s, s:s, s:I, s:I, s:n, s:I}", "id", (json_int_t)rid,
                            "coupon_id", (json_int_t)coupon_id, "coupon", coupon, "member",
                            person ? person : json_null(), "store_id", (json_int_t)in->store_id, "store_name",
                            in->store_name ? in->store_name : "", "account_id", (json_int_t)r->who.id,
                            "account_name", r->who.name ? r->who.name : "", "method", in->method, "at",
                            (json_int_t)now, "brand_id", (json_int_t)brand_id, "undone_at", "undo_until",
                            (json_int_t)(now + in->undo_minutes * 60000));
    json_object_set_new(out, "member_id", member_id ? json_integer(member_id) : json_null());
    json_object_set_new(out, "staff_id", r->who.staff_id ? json_integer(r->who.staff_id) : json_null());
    json_object_set_new(out, "campaign_id", campaign_id ? json_integer(campaign_id) : json_null());
    json_object_set_new(out, "order_amount_fen", in->has_order ? json_integer(in->order_amount) : json_null());
    hh_reply(r, 201, out);
    return HH_OK;
}

hh_status hh_h_counter_redeem(hh_req *r)
{
    static const char *const allowed[] = {"coupon_id", "code", "method", "member_code", "verification",
                                          "order_amount_fen", "store_id", NULL};
    redeem_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    bool has_id = false, has_code = false, has_mc = false, has_ver = false;
    int64_t asked = 0;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "method", true, 16, &in->method, NULL)))
        return st;
    bool known = false;
    for (int i = 0; hh__redeem_methods[i]; i++) known |= !strcmp(hh__redeem_methods[i], in->method);
    if (!known)
        return hh_fail(r, HH_E_INVALID, "method", "核销方式须为 member_qr、coupon_code 或 phone_otp",
                       "method must be member_qr, coupon_code or phone_otp");
    if ((st = hh_field_int(r, "coupon_id", false, 1, INT64_MAX, &in->coupon_id, &has_id)) ||
        (st = hh_field_str(r, "code", false, 40, &in->code, &has_code)) ||
        (st = hh_field_str(r, "member_code", false, 40, &in->member_code, &has_mc)) ||
        (st = hh_field_str(r, "verification", false, 64, &in->verification, &has_ver)) ||
        (st = hh_field_int(r, "order_amount_fen", false, 0, MAX_ORDER_FEN, &in->order_amount, &in->has_order)) ||
        (st = hh_field_int(r, "store_id", false, 1, INT64_MAX, &asked, NULL)))
        return st;
    if (has_id && has_code)
        return hh_fail(r, HH_E_INVALID, "code", "coupon_id 与 code 只能二选一", "Give coupon_id or code, not both");
    if (!has_id && !has_code)
        return hh_fail(r, HH_E_INVALID, "coupon_id", "请指定要核销的券（coupon_id 或 code）",
                       "Name the coupon to redeem (coupon_id or code)");
    in->field = has_id ? "coupon_id" : "code";
    hh_db *db = hh_store_reader(r->app->store);
    /* the proof of the person (or of the coupon) for the method */
    if (!strcmp(in->method, "coupon_code")) {
        if (!has_code)
            return hh_fail(r, HH_E_INVALID, "code", "按券码核销需要券码（code）", "coupon_code redemption needs the code");
    } else if (!strcmp(in->method, "member_qr")) {
        if (!has_mc || !*in->member_code)
            return hh_fail(r, HH_E_INVALID, "member_code", "按会员码核销需要扫描的会员码（member_code）",
                           "member_qr redemption needs the scanned member_code");
        if ((st = member_of_code(r, db, in->member_code, "member_code", &in->verified_member))) return st;
    } else {
        if (!has_ver || !*in->verification)
            return hh_fail(r, HH_E_INVALID, "verification", "按手机验证核销需要先验证手机号（verification）",
                           "phone_otp redemption needs the verification from the phone check");
        if ((st = verification_check(r, in->verification, &in->verified_member, &in->verified_until))) return st;
    }
    if ((st = hh__redeem_store(r, db, asked, true, &in->store_id))) return st;
    json_t *store = NULL;
    if ((st = hh_db_one(db, &store,
                        "SELECT s.name, e.timezone, (SELECT value FROM enterprise_settings WHERE enterprise_id = e.id"
                        " AND key = '" HH_REDEEM_UNDO_KEY "') AS undo_minutes FROM stores s JOIN enterprises e"
                        " ON e.id = s.enterprise_id WHERE s.id = ?",
                        HH_A(HH_I(in->store_id)))))
        return st == HH_E_NOT_FOUND ? hh_fail(r, st, "store_id", "找不到该门店", "No such store") : st;
    hh_req_own(r, store);
    in->store_name = sget(store, "name");
    snprintf(in->tz, sizeof in->tz, "%s", sget(store, "timezone") ? sget(store, "timezone") : "Asia/Shanghai");
    in->undo_minutes = hh__undo_minutes_of(sget(store, "undo_minutes"));
    json_t *c = NULL;
    if (has_code) {
        st = coupon_by_code(r, db, in->code, "code", in->store_id, &c);
    } else {
        st = hh_db_one(db, &c, HH__COUPON_COLS " WHERE c.enterprise_id = ?1 AND c.id = ?3",
                       HH_A(HH_I(r->who.enterprise_id), HH_I(in->store_id), HH_I(in->coupon_id)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "coupon_id", "找不到该券", "No such coupon");
    }
    if (st) return st;
    hh_req_own(r, c);
    in->coupon = c;
    int64_t holder = iget(c, "member_id");
    if (in->verified_member && holder != in->verified_member)
        return hh_fail(r, HH_E_UNPROCESSABLE, in->field, "该券不属于这位会员", "This coupon does not belong to this member");
    /* Refuse here what does not change (brand, store, scope); the coupon's
     * state and window are decided by the write alone, so that a request
     * retried with its Idempotency-Key replays its first answer. */
    verdict v = judge(r, c, in->store_id, in->tz, hh_now_ms());
    if (v.reason && (!strncmp(v.reason, "wrong_", 6) || !strcmp(v.reason, "not_your_brand")))
        return hh_fail(r, v.st, in->field, v.zh, v.en);
    int64_t min = iget(c, "min_spend_fen");
    if (in->has_order && min > 0 && in->order_amount < min)
        return hh_fail(r, HH_E_UNPROCESSABLE, "order_amount_fen",
                       hh_sprintf(r->arena, "未达到该券的最低消费 %s", yuan(r, min)),
                       hh_sprintf(r->arena, "The order is below this coupon's minimum spend of %s", yuan(r, min)));
    if (holder) {
        json_t *p = NULL;
        if ((st = hh_db_one(db, &p, "SELECT name, phone FROM members WHERE id = ?", HH_A(HH_I(holder))))) return st;
        char masked[HH_PHONE_MAX + 8];
        hh_phone_mask(sget(p, "phone"), masked, sizeof masked);
        json_object_set_new(c, "person", json_pack("{s:I, s:O, s:s}", "id", (json_int_t)holder, "name",
                                                   json_object_get(p, "name"), "phone_masked", masked));
        json_decref(p);
    }
    return hh_req_write(r, redeem_write);
}

/* ------------------------------------------------------------------- undo */

typedef struct {
    const char *reason;
} undo_in;

static hh_status undo_write(hh_db *tx, hh_req *r)
{
    undo_in *in = r->ud;
    int64_t id = r->path_id, now = hh_now_ms();
    json_t *rd = NULL;
    hh_status st = hh_db_one(tx, &rd,
                             "SELECT rd.coupon_id, rd.member_id, rd.brand_id, rd.store_id, rd.campaign_id, rd.at,"
                             " rd.undone_at, ua.name AS undone_by_name, e.timezone, c.status AS coupon_status,"
                             " c.redemption_id, c.template_id FROM redemptions rd JOIN enterprises e"
                             " ON e.id = rd.enterprise_id JOIN coupons c ON c.id = rd.coupon_id"
                             " LEFT JOIN accounts ua ON ua.id = rd.undone_by WHERE rd.id = ? AND rd.enterprise_id = ?",
                             HH_A(HH_I(id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到该核销记录", "No such redemption");
    if (st) return st;
    hh_req_own(r, rd);
    const char *tz = sget(rd, "timezone");
    if (json_is_integer(json_object_get(rd, "undone_at"))) {
        const char *at = local_time(r, tz, iget(rd, "undone_at")), *by = sget(rd, "undone_by_name");
        return hh_fail(r, HH_E_CONFLICT, "id",
                       hh_sprintf(r->arena, "该核销已于 %s 撤销%s%s", at, by ? "，操作人 " : "", by ? by : ""),
                       hh_sprintf(r->arena, "This redemption was already undone on %s%s%s", at, by ? " by " : "",
                                  by ? by : ""));
    }
    int64_t minutes = hh_redeem_undo_minutes(tx, r->who.enterprise_id), at = iget(rd, "at");
    if (minutes <= 0)
        return hh_fail(r, HH_E_UNPROCESSABLE, "id", "本企业不允许撤销核销", "Redemptions cannot be undone in this enterprise");
    if (now > at + minutes * 60000)
        return hh_fail(r, HH_E_UNPROCESSABLE, "id",
                       hh_sprintf(r->arena, "已超过 %lld 分钟的撤销时限（核销于 %s）", (long long)minutes,
                                  local_time(r, tz, at)),
                       hh_sprintf(r->arena, "The %lld-minute undo window has passed (redeemed on %s)",
                                  (long long)minutes, local_time(r, tz, at)));
    int64_t coupon_id = iget(rd, "coupon_id");
    if (strcmp(sget(rd, "coupon_status"), "redeemed") || iget(rd, "redemption_id") != id)
        return hh_fail(r, HH_E_CONFLICT, "id", "该券的状态已变化，不能撤销", "The coupon has changed since; this cannot be undone");
    hh_result res = {0};
    st = hh_db_run(tx, &res,
                   "UPDATE redemptions SET undone_at = ?, undone_by = ?, undo_reason = ? WHERE id = ? AND undone_at IS NULL",
                   HH_A(HH_I(now), HH_I(r->who.id), HH_S(in->reason), HH_I(id)));
    if (st) return st;
    HH_CHECK(res.changes == 1);
    /* exactly one coupon goes back to issued: the one this redemption used */
    st = hh_db_run(tx, &res,
                   "UPDATE coupons SET status = 'issued', redeemed_at = NULL, redemption_id = NULL"
                   " WHERE id = ? AND status = 'redeemed' AND redemption_id = ?",
                   HH_A(HH_I(coupon_id), HH_I(id)));
    if (st) return st;
    HH_CHECK(res.changes == 1);
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = iget(rd, "member_id"),
                  .campaign_id = iget(rd, "campaign_id"), .store_id = iget(rd, "store_id"),
                  .staff_id = r->who.staff_id, .source = "counter"};
    json_t *props = json_pack("{s:I, s:I, s:I, s:s}", "coupon_id", (json_int_t)coupon_id, "redemption_id",
                              (json_int_t)id, "template_id", (json_int_t)iget(rd, "template_id"), "reason", in->reason);
    st = hh_reward_event(tx, "coupon.redemption_undone", &g, iget(rd, "brand_id"), props);
    if (!st) st = hh_audit(tx, r, "coupon.redemption_undo", "redemption", id, NULL, props);
    json_decref(props);
    if (st) return st;
    json_t *out;
    if ((st = hh__redemption_json(r, tx, id, minutes, &out))) return st;
    hh_reply(r, 200, out);
    return HH_OK;
}

hh_status hh_h_redemption_undo(hh_req *r)
{
    static const char *const allowed[] = {"reason", NULL};
    undo_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    /* the route lets counter roles in; the redemption must be theirs to undo:
     * staff of the store where it happened, managers of its brand, the owner */
    if ((st = hh_authz_req(r, HH_ACT_READ, &r->target))) return st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "reason", true, 200, &in->reason, NULL)))
        return st;
    return hh_req_write(r, undo_write);
}

/* --------------------------------------------------- redemptions as JSON */

void hh__redemption_decorate(hh_req *r, json_t *x, int64_t undo_minutes, int64_t now)
{
    const char *phone = sget(x, "member_phone");
    if (phone) {
        char masked[HH_PHONE_MAX + 8];
        hh_phone_mask(phone, masked, sizeof masked);
        json_object_set_new(x, "member_phone_masked", json_string(masked));
    } else {
        json_object_set_new(x, "member_phone_masked", json_null());
    }
    json_object_del(x, "member_phone");
    int64_t until = iget(x, "at") + undo_minutes * 60000;
    bool undone = json_is_integer(json_object_get(x, "undone_at"));
    json_object_set_new(x, "undo_until", undo_minutes > 0 ? json_integer(until) : json_null());
    json_object_set_new(x, "undoable", json_boolean(!undone && undo_minutes > 0 && now <= until));
    json_object_set_new(x, "code_masked", json_string(hh__code_masked(r, sget(x, "code"))));
    /* a coupon code is a bearer secret (an undone redemption makes it usable
     * again): counter staff see it masked only */
    if (r->who.role == HH_ROLE_STAFF) json_object_del(x, "code");
}

hh_status hh__redemption_json(hh_req *r, hh_db *db, int64_t id, int64_t undo_minutes, json_t **out)
{
    hh_status st = hh_db_one(db, out, HH__REDEMPTION_COLS " WHERE rd.id = ? AND rd.enterprise_id = ?",
                             HH_A(HH_I(id), HH_I(r->who.enterprise_id)));
    if (st) return st;
    hh__redemption_decorate(r, *out, undo_minutes, hh_now_ms());
    return HH_OK;
}
