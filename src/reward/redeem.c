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
 * Checks happen twice. The handler (HTTP thread, read connection) explains
 * every refusal — voided, already redeemed (when and where), expired, not yet
 * valid, wrong brand, wrong store, not this person's — and the write (the one
 * writer thread) then flips the coupon with a conditional UPDATE (status
 * 'issued' and inside its window). Writes are serialised and a partial unique
 * index allows one live redemption per coupon, so a coupon is redeemed at
 * most once under any concurrency (SPEC §4.2); an undo restores exactly one.
 *
 * Staff work at their own store. Brand managers and the owner name the store
 * (store_id), which must be in their scope, and redeem only their brands'
 * coupons.
 */
#include "reward/reward.h"
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

/* The counter a request works at: a staff member's own store; for brand
 * managers and the owner the store they name (`asked`), which must exist in
 * their enterprise and scope. Without a store a manager may still look (not
 * redeem): *out stays 0 when !required. */
static hh_status counter_store(hh_req *r, hh_db *db, int64_t asked, bool required, int64_t *out)
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

static bool manages_brand(const hh_principal *p, int64_t brand_id)
{
    if (p->role != HH_ROLE_BRAND_MANAGER) return true;
    for (int i = 0; i < p->nbrands; i++)
        if (p->brands[i] == brand_id) return true;
    return false;
}

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *sget(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
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

/* A coupon with what a counter needs to judge it at store ?2: brand_ok (the
 * store serves a brand the template is valid for: its listed brands, or its
 * own brand when none is listed), stores_listed / store_listed (the template
 * names stores, and this one), and where and when it was redeemed. */
#define COUPON_COLS                                                                                         \
    "SELECT c.id, c.code, c.member_id, c.status, c.valid_from, c.valid_to, c.issued_at, c.source,"          \
    " c.redeemed_at, c.redemption_id, c.voided_at, c.void_reason, c.campaign_id, c.template_id,"            \
    " t.name, t.description, t.kind, t.value_fen, t.discount_pct, t.min_spend_fen, t.gift_name, t.image,"   \
    " t.brand_id, b.name AS brand_name, cp.name AS campaign_name,"                                           \
    " EXISTS (SELECT 1 FROM store_brands sb WHERE sb.store_id = ?2 AND (sb.brand_id IN (SELECT brand_id"     \
    " FROM coupon_template_brands WHERE template_id = t.id) OR (sb.brand_id = t.brand_id AND NOT EXISTS"     \
    " (SELECT 1 FROM coupon_template_brands WHERE template_id = t.id)))) AS brand_ok,"                       \
    " (SELECT count(*) FROM coupon_template_stores WHERE template_id = t.id) AS stores_listed,"             \
    " EXISTS (SELECT 1 FROM coupon_template_stores WHERE template_id = t.id AND store_id = ?2) AS"          \
    " store_listed,"                                                                                        \
    " (SELECT group_concat(x.name, '、') FROM brands x WHERE x.id IN (SELECT brand_id FROM"                 \
    " coupon_template_brands WHERE template_id = t.id) OR (x.id = t.brand_id AND NOT EXISTS (SELECT 1 FROM" \
    " coupon_template_brands WHERE template_id = t.id))) AS valid_brands,"                                   \
    " rs.name AS redeemed_store_name, rst.name AS redeemed_staff_name"                                      \
    " FROM coupons c JOIN coupon_templates t ON t.id = c.template_id JOIN brands b ON b.id = t.brand_id"    \
    " LEFT JOIN campaigns cp ON cp.id = c.campaign_id LEFT JOIN redemptions rd ON rd.id = c.redemption_id"  \
    " LEFT JOIN stores rs ON rs.id = rd.store_id LEFT JOIN staff rst ON rst.id = rd.staff_id"

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
    if (!v.reason && !manages_brand(&r->who, iget(c, "brand_id")))
        v = (verdict){"not_your_brand", HH_E_FORBIDDEN, "该券属于您不管理的品牌",
                      "This coupon belongs to a brand you do not manage"};
    return v;
}

/* "****-****-WXYZ" */
static const char *code_masked(hh_req *r, const char *code)
{
    size_t n = code ? strlen(code) : 0;
    return hh_sprintf(r->arena, "****-****-%s", n >= 4 ? code + n - 4 : "");
}

/* Turn a COUPON_COLS row into what the counter shows: usable here or why not
 * (in the request's language), the code masked unless show_code. */
static void coupon_decorate(hh_req *r, json_t *c, int64_t store_id, const char *tz, int64_t now, bool show_code)
{
    verdict v = judge(r, c, store_id, tz, now);
    json_object_set_new(c, "usable", json_boolean(!v.reason));
    json_object_set_new(c, "reason", v.reason ? json_pack("{s:s, s:s}", "code", v.reason, "message",
                                                          r->lang_en ? v.en : v.zh)
                                              : json_null());
    json_object_set_new(c, "code_masked", json_string(code_masked(r, sget(c, "code"))));
    if (!show_code) json_object_del(c, "code");
    json_object_set_new(c, "valid_stores", json_integer(iget(c, "stores_listed")));
    json_object_del(c, "brand_ok");
    json_object_del(c, "stores_listed");
    json_object_del(c, "store_listed");
}

/* ---------------------------------------------------------------- people */

/* The live member behind id (following merges); 404 naming `field` when
 * there is none in this enterprise, or it was erased. */
static hh_status live_member(hh_req *r, hh_db *db, int64_t id, const char *field, int64_t *out)
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
    return live_member(r, db, id, field, out);
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
                     COUPON_COLS " WHERE c.enterprise_id = ?1 AND c.member_id = ?3"
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
        coupon_decorate(r, c, w->store_id, w->tz, now, false);
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
    hh_status st = hh_db_one(db, out, COUPON_COLS " WHERE c.enterprise_id = ?1 AND c.code = ?3",
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
    if (st || (st = counter_store(r, db, asked, false, &w.store_id))) return st;
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
    coupon_decorate(r, c, w.store_id, w.tz, hh_now_ms(), true);
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
    if (st || (st = live_member(r, tx, id, "phone", &w->member_id))) return st;
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
    if ((st = counter_store(r, db, asked, false, &w->store_id))) return st;
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
    json_t *coupon; /* arena-owned COUPON_COLS row */
    int64_t undo_minutes;
} redeem_in;

/* A redemption as lists and answers show it. */
#define REDEMPTION_COLS                                                                                     \
    "SELECT rd.id, rd.coupon_id, c.code, c.template_id, t.name AS coupon_name, t.kind, t.value_fen,"         \
    " t.discount_pct, t.gift_name, rd.member_id, m.name AS member_name, m.phone AS member_phone,"           \
    " rd.brand_id, b.name AS brand_name, rd.store_id, s.name AS store_name, rd.staff_id,"                   \
    " st.name AS staff_name, rd.account_id, a.name AS account_name, rd.campaign_id,"                        \
    " cp.name AS campaign_name, rd.method, rd.order_amount_fen, rd.at, rd.undone_at, rd.undone_by,"         \
    " ua.name AS undone_by_name, rd.undo_reason"                                                            \
    " FROM redemptions rd JOIN coupons c ON c.id = rd.coupon_id JOIN coupon_templates t ON t.id = c.template_id" \
    " JOIN brands b ON b.id = rd.brand_id JOIN stores s ON s.id = rd.store_id"                              \
    " LEFT JOIN staff st ON st.id = rd.staff_id LEFT JOIN accounts a ON a.id = rd.account_id"               \
    " LEFT JOIN accounts ua ON ua.id = rd.undone_by LEFT JOIN members m ON m.id = rd.member_id"             \
    " LEFT JOIN campaigns cp ON cp.id = rd.campaign_id"

static const char *const methods[] = {"member_qr", "coupon_code", "phone_otp", NULL};

static hh_status redeem_write(hh_db *tx, hh_req *r)
{
    redeem_in *in = r->ud;
    json_t *c = in->coupon;
    int64_t now = hh_now_ms(), coupon_id = iget(c, "id");
    hh_result res = {0};
    if (in->verified_until && in->verified_until < now)
        return hh_fail(r, HH_E_UNPROCESSABLE, "verification", "手机验证已过期（15 分钟），请重新验证",
                       "The phone verification has expired (15 minutes); verify again");
    /* the decision: only an issued coupon inside its window flips, once */
    hh_status st = hh_db_run(tx, &res,
                             "UPDATE coupons SET status = 'redeemed', redeemed_at = ?1 WHERE id = ?2 AND status = 'issued'"
                             " AND coalesce(valid_from, ?1) <= ?1 AND coalesce(valid_to, ?1) >= ?1",
                             HH_A(HH_I(now), HH_I(coupon_id)));
    if (st) return st;
    if (res.changes != 1) {
        /* it changed since the handler looked: say what it is now */
        json_t *again = NULL;
        st = hh_db_one(tx, &again, COUPON_COLS " WHERE c.enterprise_id = ?1 AND c.id = ?3",
                       HH_A(HH_I(r->who.enterprise_id), HH_I(in->store_id), HH_I(coupon_id)));
        if (st) return st;
        hh_req_own(r, again);
        verdict v = judge(r, again, in->store_id, in->tz, now);
        if (!v.reason) v = (verdict){"changed", HH_E_CONFLICT, "该券状态刚刚发生变化，请重新查询", "This coupon just changed; look it up again"};
        return hh_fail(r, v.st, in->field, v.zh, v.en);
    }
    int64_t member_id = iget(c, "member_id"), campaign_id = iget(c, "campaign_id"), brand_id = iget(c, "brand_id");
    st = hh_db_run(tx, &res,
                   "INSERT INTO redemptions (enterprise_id, coupon_id, member_id, brand_id, store_id, staff_id, account_id,"
                   " campaign_id, method, order_amount_fen, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   HH_A(HH_I(r->who.enterprise_id), HH_I(coupon_id), HH_ID(member_id), HH_I(brand_id),
                        HH_I(in->store_id), HH_ID(r->who.staff_id), HH_I(r->who.id), HH_ID(campaign_id),
                        HH_S(in->method), in->has_order ? HH_I(in->order_amount) : HH_NULL, HH_I(now)));
    if (st) return st;
    int64_t rid = res.last_id;
    if ((st = hh_db_run(tx, &res, "UPDATE coupons SET redemption_id = ? WHERE id = ?", HH_A(HH_I(rid), HH_I(coupon_id)))))
        return st;
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = member_id, .campaign_id = campaign_id,
                  .store_id = in->store_id, .staff_id = r->who.staff_id, .source = "counter"};
    json_t *props = json_pack("{s:I, s:I, s:I, s:s, s:s}", "coupon_id", (json_int_t)coupon_id, "redemption_id",
                              (json_int_t)rid, "template_id", (json_int_t)iget(c, "template_id"), "kind",
                              sget(c, "kind"), "method", in->method);
    if (in->has_order) json_object_set_new(props, "order_amount_fen", json_integer(in->order_amount));
    st = hh_reward_event(tx, "coupon.redeemed", &g, brand_id, props);
    if (!st) st = hh_audit(tx, r, "coupon.redeem", "redemption", rid, NULL, props);
    json_decref(props);
    if (st) return st;

    /* the answer, from what is known already (no second read on the writer) */
    json_t *person = json_object_get(c, "person");
    json_t *coupon = json_pack("{s:I, s:s, s:s, s:s, s:O, s:O, s:O, s:I, s:s, s:I}", "id", (json_int_t)coupon_id,
                               "name", sget(c, "name"), "kind", sget(c, "kind"), "code_masked",
                               code_masked(r, sget(c, "code")), "value_fen", json_object_get(c, "value_fen"),
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
    for (int i = 0; methods[i]; i++) known |= !strcmp(methods[i], in->method);
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
    if ((st = counter_store(r, db, asked, true, &in->store_id))) return st;
    json_t *store = NULL;
    if ((st = hh_db_one(db, &store,
                        "SELECT s.name, e.timezone FROM stores s JOIN enterprises e ON e.id = s.enterprise_id"
                        " WHERE s.id = ?",
                        HH_A(HH_I(in->store_id)))))
        return st == HH_E_NOT_FOUND ? hh_fail(r, st, "store_id", "找不到该门店", "No such store") : st;
    hh_req_own(r, store);
    in->store_name = sget(store, "name");
    snprintf(in->tz, sizeof in->tz, "%s", sget(store, "timezone") ? sget(store, "timezone") : "Asia/Shanghai");
    json_t *c = NULL;
    if (has_code) {
        st = coupon_by_code(r, db, in->code, "code", in->store_id, &c);
    } else {
        st = hh_db_one(db, &c, COUPON_COLS " WHERE c.enterprise_id = ?1 AND c.id = ?3",
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
        if ((st = person_json(r, db, holder, &p))) return st;
        json_object_set_new(c, "person", json_pack("{s:I, s:O, s:O}", "id", (json_int_t)holder, "name",
                                                   json_object_get(p, "name"), "phone_masked",
                                                   json_object_get(p, "phone_masked")));
        json_decref(p);
    }
    in->undo_minutes = hh_redeem_undo_minutes(db, r->who.enterprise_id);
    return hh_req_write(r, redeem_write);
}

/* ------------------------------------------------------------------- undo */

typedef struct {
    const char *reason;
} undo_in;

static hh_status redemption_json(hh_req *r, hh_db *db, int64_t id, int64_t undo_minutes, json_t **out);

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
    if ((st = redemption_json(r, tx, id, minutes, &out))) return st;
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

static void redemption_decorate(hh_req *r, json_t *x, int64_t undo_minutes, int64_t now)
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
    json_object_set_new(x, "code_masked", json_string(code_masked(r, sget(x, "code"))));
}

static hh_status redemption_json(hh_req *r, hh_db *db, int64_t id, int64_t undo_minutes, json_t **out)
{
    hh_status st = hh_db_one(db, out, REDEMPTION_COLS " WHERE rd.id = ? AND rd.enterprise_id = ?",
                             HH_A(HH_I(id), HH_I(r->who.enterprise_id)));
    if (st) return st;
    redemption_decorate(r, *out, undo_minutes, hh_now_ms());
    return HH_OK;
}

hh_status hh_h_redemption_get(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    json_t *out;
    hh_status st = redemption_json(r, db, r->path_id, hh_redeem_undo_minutes(db, r->who.enterprise_id), &out);
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "id", "找不到该核销记录", "No such redemption");
    if (st) return st;
    hh_reply(r, 200, out);
    return HH_OK;
}

/* ------------------------------------------------------------------ lists */

/* A day filter "today" or "YYYY-MM-DD" (local) → [from, to). */
static hh_status day_range(hh_req *r, const char *name, const char *day, const char *tz, int64_t *from, int64_t *to,
                           const char **label)
{
    hh_local l;
    if (!day || !*day || !strcmp(day, "today")) {
        if (!hh_local_parts(tz, hh_now_ms(), &l)) return HH_E_STORAGE;
    } else {
        int y, m, d;
        char tail;
        if (strlen(day) != 10 || sscanf(day, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 2000 || y > 2200 ||
            m < 1 || m > 12 || d < 1 || d > 31)
            return hh_fail(r, HH_E_INVALID, name, "日期须为 today 或 YYYY-MM-DD", "day must be today or YYYY-MM-DD");
        l = (hh_local){.year = y, .month = m, .day = d};
    }
    *from = hh_local_start(tz, l.year, l.month, l.day);
    *to = hh_local_start(tz, l.year, l.month, l.day + 1);
    if (label) *label = hh_sprintf(r->arena, "%04d-%02d-%02d", l.year, l.month, l.day);
    return HH_OK;
}

/* A time bound: UTC ms, or a local date (YYYY-MM-DD: its start; for an
 * upper bound, the start of the next day). 0 when absent. */
static hh_status time_bound(hh_req *r, const char *name, const char *tz, bool upper, int64_t *out)
{
    const char *s = hh_query(r, name);
    *out = 0;
    if (!s || !*s) return HH_OK;
    if (strchr(s, '-')) {
        int64_t from, to;
        hh_status st = day_range(r, name, s, tz, &from, &to, NULL);
        if (st) return st;
        *out = upper ? to : from;
        return HH_OK;
    }
    if (!hh_parse_i64(s, out) || *out < 0)
        return hh_fail(r, HH_E_INVALID, name, hh_sprintf(r->arena, "参数 %s 须为日期（YYYY-MM-DD）或毫秒时间", name),
                       hh_sprintf(r->arena, "%s must be a date (YYYY-MM-DD) or a time in ms", name));
    return HH_OK;
}

#define LIST_WHERE                                                                                   \
    " WHERE rd.enterprise_id = ?1 AND " HH_SCOPE_BRAND_STORE("rd.brand_id", "rd.store_id")          \
    " AND (?5 = 0 OR rd.store_id = ?5) AND (?6 = 0 OR rd.staff_id = ?6) AND (?7 = 0 OR rd.brand_id = ?7)" \
    " AND (?8 = 0 OR rd.campaign_id = ?8) AND (?9 = 0 OR rd.member_id = ?9) AND (?10 = 0 OR rd.at >= ?10)" \
    " AND (?11 = 0 OR rd.at < ?11) AND (?12 IS NULL OR rd.method = ?12)"                              \
    " AND (?13 IS NULL OR (?13 = 'live') = (rd.undone_at IS NULL))"                                   \
    " AND (?14 IS NULL OR rd.coupon_id IN (SELECT id FROM coupons WHERE enterprise_id = ?1 AND code = ?14))"

typedef struct {
    int64_t store_id, staff_id, brand_id, campaign_id, member_id, from, to;
    const char *method, *status, *code;
} list_filter;

static hh_status list_reply(hh_req *r, hh_db *db, const list_filter *f, int64_t limit, int64_t offset, json_t *extra)
{
#define LIST_ARGS                                                                                                 \
    HH_SCOPE_ARGS(r), HH_I(f->store_id), HH_I(f->staff_id), HH_I(f->brand_id), HH_I(f->campaign_id),          \
        HH_I(f->member_id), HH_I(f->from), HH_I(f->to), HH_S(f->method), HH_S(f->status), HH_S(f->code)
    json_t *items = NULL, *totals = NULL;
    hh_status st = hh_db_query(db, &items, REDEMPTION_COLS LIST_WHERE " ORDER BY rd.at DESC, rd.id DESC LIMIT ?15 OFFSET ?16",
                               HH_A(LIST_ARGS, HH_I(limit), HH_I(offset)));
    if (st) return st;
    st = hh_db_one(db, &totals,
                   "SELECT count(*) AS total, count(*) FILTER (WHERE rd.undone_at IS NULL) AS redeemed,"
                   " count(*) FILTER (WHERE rd.undone_at IS NOT NULL) AS undone,"
                   " coalesce(sum(rd.order_amount_fen) FILTER (WHERE rd.undone_at IS NULL), 0) AS order_amount_fen,"
                   " coalesce(sum(t.value_fen) FILTER (WHERE rd.undone_at IS NULL AND t.kind = 'cash'), 0) AS cash_value_fen,"
                   " count(DISTINCT rd.member_id) FILTER (WHERE rd.undone_at IS NULL) AS members"
                   " FROM redemptions rd JOIN coupons c ON c.id = rd.coupon_id JOIN coupon_templates t"
                   " ON t.id = c.template_id" LIST_WHERE,
                   HH_A(LIST_ARGS));
#undef LIST_ARGS
    if (st) {
        json_decref(items);
        return st;
    }
    int64_t minutes = hh_redeem_undo_minutes(db, r->who.enterprise_id), now = hh_now_ms();
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x) redemption_decorate(r, x, minutes, now);
    json_t *out = extra ? extra : json_object();
    json_object_set_new(out, "items", items);
    json_object_set(out, "total", json_object_get(totals, "total"));
    json_object_del(totals, "total");
    json_object_set_new(out, "totals", totals);
    json_object_set_new(out, "undo_minutes", json_integer(minutes));
    hh_reply(r, 200, out);
    return HH_OK;
}

static hh_status read_filter_text(hh_req *r, list_filter *f)
{
    f->method = hh_query(r, "method");
    f->status = hh_query(r, "status");
    const char *code = hh_query(r, "code");
    if (f->method && !*f->method) f->method = NULL;
    if (f->status && !*f->status) f->status = NULL;
    if (f->method) {
        bool ok = false;
        for (int i = 0; methods[i]; i++) ok |= !strcmp(methods[i], f->method);
        if (!ok)
            return hh_fail(r, HH_E_INVALID, "method", "核销方式须为 member_qr、coupon_code 或 phone_otp",
                           "method must be member_qr, coupon_code or phone_otp");
    }
    if (f->status && strcmp(f->status, "live") && strcmp(f->status, "undone"))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 live 或 undone", "status must be live or undone");
    if (code && *code) {
        char *norm = hh_alloc(r->arena, HH_CODE_LEN + 1);
        if (!strncasecmp(code, "HHC:", 4)) code += 4;
        if (strlen(code) > 40 || !hh_reward_code_parse(code, norm))
            return hh_fail(r, HH_E_INVALID, "code", "券码格式不正确（12 位字母数字）",
                           "This is not a coupon code (12 letters and digits)");
        f->code = norm;
    }
    return HH_OK;
}

hh_status hh_h_counter_redemptions(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    int64_t limit, offset, asked;
    list_filter f = {0};
    char tz[64];
    const char *day;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "store_id", &asked)) ||
        (st = read_filter_text(r, &f)) || (st = counter_store(r, db, asked, false, &f.store_id)))
        return st;
    hh_enterprise_tz(db, r->who.enterprise_id, tz);
    if ((st = day_range(r, "day", hh_query(r, "day"), tz, &f.from, &f.to, &day))) return st;
    if (hh_query_flag(r, "mine")) {
        if (!r->who.staff_id) return hh_fail(r, HH_E_INVALID, "mine", "只有导购账号有“我的核销”", "Only staff accounts have their own redemptions");
        f.staff_id = r->who.staff_id;
    }
    return list_reply(r, db, &f, limit, offset, json_pack("{s:s}", "day", day));
}

hh_status hh_h_redemptions_list(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    int64_t limit, offset;
    list_filter f = {0};
    char tz[64];
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "store_id", &f.store_id)) ||
        (st = hh_query_id(r, "staff_id", &f.staff_id)) || (st = hh_query_id(r, "brand_id", &f.brand_id)) ||
        (st = hh_query_id(r, "campaign_id", &f.campaign_id)) || (st = hh_query_id(r, "member_id", &f.member_id)) ||
        (st = read_filter_text(r, &f)))
        return st;
    hh_enterprise_tz(db, r->who.enterprise_id, tz);
    if ((st = time_bound(r, "from", tz, false, &f.from)) || (st = time_bound(r, "to", tz, true, &f.to))) return st;
    if (f.from && f.to && f.to <= f.from)
        return hh_fail(r, HH_E_INVALID, "to", "结束日期须晚于开始日期", "to must be after from");
    return list_reply(r, db, &f, limit, offset, NULL);
}

/* ---------------------------------------------- staff issue at the counter */

/* Templates a counter may hand out now: active, not a lottery prize, not past
 * their window, not used up, valid at the store, their campaign live. */
#define ISSUABLE_COLS                                                                                        \
    "SELECT t.id, t.name, t.description, t.kind, t.value_fen, t.discount_pct, t.gift_name, t.min_spend_fen,"  \
    " t.validity, t.valid_from, t.valid_to, t.valid_days, t.quantity, t.issued, t.per_member_limit, t.image,"  \
    " t.brand_id, b.name AS brand_name, t.campaign_id, cp.name AS campaign_name, cp.status AS campaign_status," \
    " cp.starts_at AS campaign_starts_at, cp.ends_at AS campaign_ends_at"                                     \
    " FROM coupon_templates t JOIN brands b ON b.id = t.brand_id LEFT JOIN campaigns cp ON cp.id = t.campaign_id"
/* valid at store ?2: its named stores, or else the stores selling its brands */
#define VALID_AT_STORE                                                                                        \
    " CASE WHEN EXISTS (SELECT 1 FROM coupon_template_stores WHERE template_id = t.id)"                      \
    " THEN EXISTS (SELECT 1 FROM coupon_template_stores WHERE template_id = t.id AND store_id = ?2)"          \
    " ELSE EXISTS (SELECT 1 FROM store_brands sb WHERE sb.store_id = ?2 AND (sb.brand_id IN (SELECT brand_id" \
    " FROM coupon_template_brands WHERE template_id = t.id) OR (sb.brand_id = t.brand_id AND NOT EXISTS"      \
    " (SELECT 1 FROM coupon_template_brands WHERE template_id = t.id)))) END"
#define ISSUABLE_WHERE                                                                                        \
    " WHERE t.enterprise_id = ?1 AND t.status = 'active' AND t.kind <> 'prize'"                               \
    " AND (t.validity = 'relative' OR t.valid_to > ?3) AND (t.quantity IS NULL OR t.issued < t.quantity)"     \
    " AND" VALID_AT_STORE                                                                                     \
    " AND (?4 <> 'brand_manager' OR t.brand_id IN (SELECT brand_id FROM account_brands WHERE account_id = ?5))"

static bool campaign_live(json_t *t, int64_t now)
{
    if (!json_is_integer(json_object_get(t, "campaign_id"))) return true;
    return !strcmp(hh_campaign_status_now(sget(t, "campaign_status"), iget(t, "campaign_starts_at"),
                                          iget(t, "campaign_ends_at"), now),
                   "live");
}

static void issuable_decorate(json_t *t)
{
    json_t *q = json_object_get(t, "quantity");
    json_object_set_new(t, "remaining", json_is_integer(q) ? json_integer(json_integer_value(q) - iget(t, "issued")) : json_null());
    json_object_del(t, "campaign_status");
    json_object_del(t, "campaign_starts_at");
    json_object_del(t, "campaign_ends_at");
}

hh_status hh_h_counter_templates(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    int64_t asked, store_id, now = hh_now_ms();
    hh_status st = hh_query_id(r, "store_id", &asked);
    if (st || (st = counter_store(r, db, asked, true, &store_id))) return st;
    json_t *rows;
    st = hh_db_query(db, &rows, ISSUABLE_COLS ISSUABLE_WHERE " ORDER BY t.id DESC LIMIT 200",
                     HH_A(HH_I(r->who.enterprise_id), HH_I(store_id), HH_I(now), HH_S(hh_role_name(r->who.role)),
                          HH_I(r->who.id)));
    if (st) return st;
    json_t *items = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(rows, i, t)
    {
        if (!campaign_live(t, now)) continue;
        issuable_decorate(t);
        json_array_append(items, t);
    }
    json_decref(rows);
    hh_reply(r, 200, json_pack("{s:o, s:I, s:I}", "items", items, "total", (json_int_t)json_array_size(items),
                               "store_id", (json_int_t)store_id));
    return HH_OK;
}

typedef struct {
    int64_t template_id, member_id, store_id;
    json_t *tpl;
    char tz[64];
} issue_in;

static hh_status issue_write(hh_db *tx, hh_req *r)
{
    issue_in *in = r->ud;
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = in->member_id,
                  .campaign_id = iget(in->tpl, "campaign_id"), .store_id = in->store_id,
                  .staff_id = r->who.staff_id, .source = "staff"};
    hh_status st;
    /* a campaign's coupon counts against the campaign's limits and budget
     * (a cash coupon costs its face value) */
    if (g.campaign_id &&
        (st = hh_campaign_admit(tx, r, &g, !strcmp(sget(in->tpl, "kind"), "cash") ? iget(in->tpl, "value_fen") : 0)))
        return st;
    int64_t coupon_id = 0;
    char code[HH_CODE_LEN + 1];
    if ((st = hh_coupon_grant(tx, r, &g, in->template_id, &coupon_id, code))) return st;
    json_t *c = NULL;
    if ((st = hh_db_one(tx, &c, COUPON_COLS " WHERE c.enterprise_id = ?1 AND c.id = ?3",
                        HH_A(HH_I(r->who.enterprise_id), HH_I(in->store_id), HH_I(coupon_id)))))
        return st;
    coupon_decorate(r, c, in->store_id, in->tz, hh_now_ms(), false);
    json_t *after = json_pack("{s:I, s:I, s:I, s:I}", "coupon_id", (json_int_t)coupon_id, "template_id",
                              (json_int_t)in->template_id, "member_id", (json_int_t)in->member_id, "store_id",
                              (json_int_t)in->store_id);
    st = hh_audit(tx, r, "coupon.issue", "coupon", coupon_id, NULL, after);
    json_decref(after);
    if (st) {
        json_decref(c);
        return st;
    }
    hh_reply(r, 201, c);
    return HH_OK;
}

hh_status hh_h_counter_issue(hh_req *r)
{
    static const char *const allowed[] = {"template_id", "member_id", "store_id", NULL};
    issue_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    int64_t asked = 0, member = 0;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "template_id", true, 1, INT64_MAX, &in->template_id, NULL)) ||
        (st = hh_field_int(r, "member_id", true, 1, INT64_MAX, &member, NULL)) ||
        (st = hh_field_int(r, "store_id", false, 1, INT64_MAX, &asked, NULL)))
        return st;
    hh_db *db = hh_store_reader(r->app->store);
    if ((st = counter_store(r, db, asked, true, &in->store_id)) ||
        (st = live_member(r, db, member, "member_id", &in->member_id)))
        return st;
    st = hh_db_one(db, &in->tpl, ISSUABLE_COLS " WHERE t.id = ?1 AND t.enterprise_id = ?2",
                   HH_A(HH_I(in->template_id), HH_I(r->who.enterprise_id)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "template_id", "找不到该优惠券", "No such coupon template");
    if (st) return st;
    hh_req_own(r, in->tpl);
    if (!manages_brand(&r->who, iget(in->tpl, "brand_id")))
        return hh_fail(r, HH_E_FORBIDDEN, "template_id", "该券属于您不管理的品牌", "This coupon belongs to a brand you do not manage");
    if (!strcmp(sget(in->tpl, "kind"), "prize"))
        return hh_fail(r, HH_E_UNPROCESSABLE, "template_id", "奖品只能通过抽奖获得，不能在柜台发放",
                       "Prizes are won in the lottery, not handed out at the counter");
    /* Where it is valid does not change; whether it is still offered (archived,
     * past its window, used up, its campaign live) is decided by the write —
     * the shared grant and campaign admission — so that a request retried
     * with its Idempotency-Key replays its first answer. */
    int64_t here = 0;
    st = hh_db_int(db, &here, "SELECT" VALID_AT_STORE " FROM coupon_templates t WHERE t.id = ?1",
                   HH_A(HH_I(in->template_id), HH_I(in->store_id)));
    if (st) return st;
    if (!here)
        return hh_fail(r, HH_E_UNPROCESSABLE, "template_id", "该券不能在本门店使用，不能在此发放",
                       "This coupon is not valid at this store, so it cannot be handed out here");
    hh_enterprise_tz(db, r->who.enterprise_id, in->tz);
    return hh_req_write(r, issue_write);
}
