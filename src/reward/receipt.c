/*
 * receipt.c — receipt upload and review (小票, SPEC §3.5).
 *
 * A member uploads the photo first (POST /api/member/receipts/photo, the body
 * is the image, streamed to disk by the HTTP layer). A worker checks the magic
 * bytes (JPEG, PNG, WebP), the size (HH_RECEIPT_PHOTO_MAX), computes its
 * SHA-256 (libsodium), fsyncs it and files it as
 * <files>/receipts/incoming/<member>-<sha256>; the hash is the photo token.
 * Only the member who uploaded a photo can name it, so a token cannot be
 * borrowed. The member then submits the fields with the token
 * (POST /api/member/receipts); the write refuses duplicates — the same receipt
 * number at the same store, or the same photo, in a receipt that is pending or
 * approved — and links the photo to <files>/receipts/<id / 1000>/<id>.<ext>.
 * Uploaded photos that no receipt took are removed after a day.
 *
 * Reviewers — staff of the receipt's store, brand managers of its brand,
 * owners — approve or reject (with a reason). On approval the highest amount
 * tier that matches (brand; campaign, when the tier has one, live now;
 * min_amount_fen ≤ amount) is paid in the same transaction through the shared
 * grants (reward/grant.c): a coupon, a red envelope, lottery draws and the
 * tier's points; the earn rules also give points for the purchase and for the
 * action "receipt", and a referred member's first purchase may complete the
 * referral. A reward that cannot
 * be given (stock out, campaign limit) does not block the approval: it is
 * listed on the receipt as not granted, with the reason.
 */
#include "reward/reward.h"
#include "points/mall.h"
#include "points/points.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/phone.h"
#include "http/app.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RECEIPT_MAX_AGE_MS (90LL * 86400000) /* purchases older than 90 days are not taken */
#define INCOMING_TTL_MS (86400000LL)

static int64_t iget(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *sget(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ---- photos on disk ---- */

/* The type of an image from its first bytes: JPEG, PNG or WebP; NULL otherwise. */
static const char *photo_type(const unsigned char *b, size_t n)
{
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "image/jpeg";
    if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
    if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4)) return "image/webp";
    return NULL;
}

static const char *photo_ext(const char *type)
{
    if (!strcmp(type, "image/png")) return "png";
    if (!strcmp(type, "image/webp")) return "webp";
    return "jpg";
}

static const char *file_type(const char *path)
{
    unsigned char head[16];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    ssize_t n = read(fd, head, sizeof head);
    close(fd);
    return n > 0 ? photo_type(head, (size_t)n) : NULL;
}

static void ensure_dir(const char *path)
{
    if (mkdir(path, 0750) != 0 && errno != EEXIST) hh_warn("receipt.mkdir_failed", "{s:s}", "path", path);
}

static void fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static const char *incoming_path(hh_req *r, const char *token)
{
    return hh_sprintf(r->arena, "%s/receipts/incoming/%lld-%s", r->app->files_dir, (long long)r->who.id, token);
}

/* Is there a pending or approved receipt with this photo? */
static hh_status photo_taken(hh_db *db, int64_t ent, const char *sha, int64_t *id)
{
    *id = 0;
    hh_status st = hh_db_int(db, id,
                             "SELECT id FROM receipts WHERE enterprise_id = ? AND photo_sha256 = ?"
                             " AND status <> 'rejected' LIMIT 1",
                             HH_A(HH_I(ent), HH_S(sha)));
    return st == HH_E_NOT_FOUND ? HH_OK : st;
}

static hh_status photo_duplicate(hh_req *r, const char *field)
{
    return hh_fail(r, HH_E_CONFLICT, field, "这张小票照片已经提交过，不能重复提交",
                   "This receipt photo has already been submitted");
}

/* Worker: type, hash, fsync, file under incoming/. */
static hh_status photo_async(hh_req *r)
{
    /* the upload was written through a write-only descriptor: read it anew */
    if (r->upload_fd > 0) close(r->upload_fd);
    r->upload_fd = 0;
    int fd = open(r->upload_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return HH_E_STORAGE;
    unsigned char head[16], buf[65536], hash[crypto_hash_sha256_BYTES];
    ssize_t n = pread(fd, head, sizeof head, 0);
    const char *type = n > 0 ? photo_type(head, (size_t)n) : NULL;
    if (!type) {
        close(fd);
        return hh_fail(r, HH_E_MEDIA_TYPE, "photo", "照片须为 JPEG、PNG 或 WebP 图片",
                       "The photo must be a JPEG, PNG or WebP image");
    }
    crypto_hash_sha256_state s;
    crypto_hash_sha256_init(&s);
    off_t off = 0;
    while ((n = pread(fd, buf, sizeof buf, off)) > 0) {
        crypto_hash_sha256_update(&s, buf, (unsigned long long)n);
        off += n;
    }
    crypto_hash_sha256_final(&s, hash);
    int synced = fsync(fd);
    close(fd);
    if (n < 0 || synced != 0) return HH_E_STORAGE;
    char sha[2 * sizeof hash + 1];
    hh_hex(sha, hash, sizeof hash);
    int64_t dup;
    hh_status st = photo_taken(hh_store_reader(r->app->store), r->who.enterprise_id, sha, &dup);
    if (st) return st;
    if (dup) return photo_duplicate(r, "photo");
    char *dir = hh_sprintf(r->arena, "%s/receipts", r->app->files_dir);
    ensure_dir(dir);
    char *incoming = hh_sprintf(r->arena, "%s/incoming", dir);
    ensure_dir(incoming);
    if (rename(r->upload_path, incoming_path(r, sha)) != 0) {
        hh_error("receipt.photo_store_failed", "{s:s, s:s}", "path", r->upload_path, "error", strerror(errno));
        return HH_E_STORAGE;
    }
    fsync_dir(incoming);
    hh_reply(r, 201, json_pack("{s:s, s:s, s:I, s:s}", "photo_token", sha, "type", type, "bytes",
                               (json_int_t)r->upload_len, "sha256", sha));
    return HH_OK;
}

hh_status hh_h_member_receipt_photo(hh_req *r)
{
    if (!r->upload_len)
        return hh_fail(r, HH_E_INVALID, "photo", "请选择小票照片", "Choose a photo of the receipt");
    if (r->upload_len > HH_RECEIPT_PHOTO_MAX)
        return hh_fail(r, HH_E_TOO_LARGE, "photo", "照片不能超过 5 MB，请压缩后再上传",
                       "The photo must be at most 5 MB");
    return hh_req_async(r, photo_async);
}

/* ---- receipts as JSON ---- */

#define RECEIPT_COLS                                                                                 \
    "SELECT r.id, r.brand_id, b.name AS brand_name, r.campaign_id, c.name AS campaign_name,"         \
    " r.member_id, m.name AS member_name, m.phone AS member_phone, r.retailer, r.store_id,"          \
    " coalesce(s.name, r.store_name) AS store_name, r.purchased_at, r.amount_fen, r.receipt_no,"     \
    " r.photo_type, r.photo_bytes, r.photo_sha256, r.photo_path IS NOT NULL AS has_photo_bool,"       \
    " r.status, r.tier_id, r.reviewed_by, a.name AS reviewed_by_name, r.reviewed_at,"                \
    " r.reject_reason, r.rewards_json, r.created_at FROM receipts r JOIN brands b ON b.id = r.brand_id" \
    " JOIN members m ON m.id = r.member_id LEFT JOIN stores s ON s.id = r.store_id"                 \
    " LEFT JOIN campaigns c ON c.id = r.campaign_id LEFT JOIN accounts a ON a.id = r.reviewed_by"

/* Reviewers see the phone masked. */
static void receipt_decorate(json_t *x)
{
    char masked[HH_PHONE_MAX + 8];
    hh_phone_mask(sget(x, "member_phone"), masked, sizeof masked);
    json_object_set_new(x, "member_phone_masked", json_string(masked));
    json_object_del(x, "member_phone");
    if (!json_object_get(x, "rewards") || json_is_null(json_object_get(x, "rewards")))
        json_object_set_new(x, "rewards", json_array());
}

static hh_status receipt_load(hh_db *db, int64_t id, json_t **out)
{
    hh_status st = hh_db_one(db, out, RECEIPT_COLS " WHERE r.id = ?", HH_A(HH_I(id)));
    if (!st) receipt_decorate(*out);
    return st;
}

/* What the member sees of a receipt. */
#define MEMBER_RECEIPT_COLS                                                                        \
    "SELECT r.id, r.brand_id, b.name AS brand_name, r.campaign_id, r.retailer, r.store_id,"        \
    " coalesce(s.name, r.store_name) AS store_name, r.purchased_at, r.amount_fen, r.receipt_no,"   \
    " r.status, r.reject_reason, r.rewards_json, r.reviewed_at, r.created_at FROM receipts r"      \
    " JOIN brands b ON b.id = r.brand_id LEFT JOIN stores s ON s.id = r.store_id"

static void member_receipt_decorate(json_t *x)
{
    if (!json_object_get(x, "rewards") || json_is_null(json_object_get(x, "rewards")))
        json_object_set_new(x, "rewards", json_array());
}

/* ---- member: submit and list ---- */

typedef struct {
    int64_t brand_id, campaign_id, store_id, purchased_at, amount_fen;
    const char *retailer, *store_name, *receipt_no, *token, *type, *incoming;
    int64_t photo_bytes;
    int64_t id;
    const char *photo_rel;
} submit_in;

static bool is_hex64(const char *s)
{
    if (strlen(s) != 64) return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))) return false;
    return true;
}

static hh_status photo_gone(hh_req *r)
{
    return hh_fail(r, HH_E_UNPROCESSABLE, "photo_token", "照片已过期或不存在，请重新上传照片",
                   "The photo has expired or was never uploaded; upload it again");
}

static hh_status receipt_create_write(hh_db *tx, hh_req *r)
{
    submit_in *in = r->ud;
    int64_t ent = r->who.enterprise_id, dup = 0;
    hh_status st;
    if (!in->type) return photo_gone(r);
    /* the brand, campaign and store, read again inside the write */
    st = hh_db_int(tx, &dup, "SELECT id FROM brands WHERE id = ? AND enterprise_id = ? AND archived_at IS NULL",
                   HH_A(HH_I(in->brand_id), HH_I(ent)));
    if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "brand_id", "找不到该品牌", "No such brand");
    if (st) return st;
    if (in->campaign_id) {
        st = hh_db_int(tx, &dup, "SELECT id FROM campaigns WHERE id = ? AND enterprise_id = ? AND brand_id = ?",
                       HH_A(HH_I(in->campaign_id), HH_I(ent), HH_I(in->brand_id)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "campaign_id", "找不到该活动", "No such campaign");
        if (st) return st;
    }
    if (in->store_id) {
        json_t *s;
        st = hh_db_one(tx, &s,
                       "SELECT s.name, s.retailer, EXISTS (SELECT 1 FROM store_brands sb WHERE sb.store_id = s.id"
                       " AND sb.brand_id = ?3) AS serves_bool FROM stores s WHERE s.id = ?1 AND s.enterprise_id = ?2"
                       " AND s.archived_at IS NULL",
                       HH_A(HH_I(in->store_id), HH_I(ent), HH_I(in->brand_id)));
        if (st == HH_E_NOT_FOUND) return hh_fail(r, st, "store_id", "找不到该门店", "No such store");
        if (st) return st;
        bool serves = json_is_true(json_object_get(s, "serves"));
        if (!in->retailer) in->retailer = hh_strdup(r->arena, sget(s, "retailer"));
        in->store_name = hh_strdup(r->arena, sget(s, "name"));
        json_decref(s);
        if (!serves)
            return hh_fail(r, HH_E_UNPROCESSABLE, "store_id", "该门店不销售这个品牌", "This store does not sell the brand");
    }
    /* duplicates: the same receipt number at the same store, or the same photo */
    st = hh_db_int(tx, &dup,
                   "SELECT id FROM receipts WHERE enterprise_id = ?1 AND receipt_no = ?2 AND status <> 'rejected'"
                   " AND ((?3 IS NOT NULL AND store_id = ?3) OR (?3 IS NULL AND store_id IS NULL AND store_name = ?4))"
                   " LIMIT 1",
                   HH_A(HH_I(ent), HH_S(in->receipt_no), HH_ID(in->store_id), HH_S(in->store_name)));
    if (st == HH_OK)
        return hh_fail(r, HH_E_CONFLICT, "receipt_no", "这张小票已经提交过（同一门店、同一小票号），不能重复提交",
                       "This receipt (same store and receipt number) has already been submitted");
    if (st != HH_E_NOT_FOUND) return st;
    if ((st = photo_taken(tx, ent, in->token, &dup))) return st;
    if (dup) return photo_duplicate(r, "photo_token");
    hh_result res;
    int64_t now = hh_now_ms();
    st = hh_db_run(tx, &res,
                   "INSERT INTO receipts (enterprise_id, brand_id, campaign_id, member_id, retailer, store_id, store_name,"
                   " purchased_at, amount_fen, receipt_no, photo_sha256, photo_type, photo_bytes, status, created_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
                   HH_A(HH_I(ent), HH_I(in->brand_id), HH_ID(in->campaign_id), HH_I(r->who.id), HH_S(in->retailer),
                        HH_ID(in->store_id), HH_S(in->store_name ? in->store_name : ""), HH_I(in->purchased_at),
                        HH_I(in->amount_fen), HH_S(in->receipt_no), HH_S(in->token), HH_S(in->type),
                        HH_I(in->photo_bytes), HH_I(now)));
    if (st) return st;
    in->id = res.last_id;
    /* the photo: linked under its receipt (the incoming name goes after the commit) */
    char *shard = hh_sprintf(r->arena, "%s/receipts/%lld", r->app->files_dir, (long long)(in->id / 1000));
    ensure_dir(shard);
    in->photo_rel = hh_sprintf(r->arena, "receipts/%lld/%lld.%s", (long long)(in->id / 1000), (long long)in->id,
                               photo_ext(in->type));
    char *final = hh_sprintf(r->arena, "%s/%s", r->app->files_dir, in->photo_rel);
    unlink(final); /* left by a batch that failed after linking, if any */
    if (link(in->incoming, final) != 0) {
        hh_error("receipt.photo_link_failed", "{s:s, s:s}", "path", final, "error", strerror(errno));
        return HH_E_STORAGE;
    }
    fsync_dir(shard);
    st = hh_db_run(tx, NULL, "UPDATE receipts SET photo_path = ? WHERE id = ?", HH_A(HH_S(in->photo_rel), HH_I(in->id)));
    if (st) return st;
    hh_grant g = {.enterprise_id = ent, .member_id = r->who.id, .campaign_id = in->campaign_id,
                  .store_id = in->store_id, .source = "receipt", .source_id = in->id};
    json_t *props = json_pack("{s:I, s:I, s:s}", "receipt_id", (json_int_t)in->id, "amount_fen",
                              (json_int_t)in->amount_fen, "retailer", in->retailer);
    st = hh_reward_event(tx, "receipt.submitted", &g, in->brand_id, props);
    json_decref(props);
    if (st) return st;
    json_t *x;
    if ((st = hh_db_one(tx, &x, MEMBER_RECEIPT_COLS " WHERE r.id = ?", HH_A(HH_I(in->id))))) return st;
    member_receipt_decorate(x);
    hh_reply(r, 201, x);
    return HH_OK;
}

static void receipt_create_after(hh_req *r)
{
    submit_in *in = r->ud;
    unlink(in->incoming);
}

hh_status hh_h_member_receipt_create(hh_req *r)
{
    static const char *const allowed[] = {"brand_id", "campaign_id", "store_id", "store_name", "retailer",
                                          "purchased_at", "amount_fen", "receipt_no", "photo_token", NULL};
    submit_in *in = hh_alloc(r->arena, sizeof *in);
    r->ud = in;
    hh_status st;
    int64_t now = hh_now_ms();
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_int(r, "brand_id", true, 1, INT64_MAX, &in->brand_id, NULL)) ||
        (st = hh_field_int(r, "campaign_id", false, 1, INT64_MAX, &in->campaign_id, NULL)) ||
        (st = hh_field_int(r, "store_id", false, 1, INT64_MAX, &in->store_id, NULL)) ||
        (st = hh_field_str(r, "store_name", false, 64, &in->store_name, NULL)) ||
        (st = hh_field_str(r, "retailer", false, 64, &in->retailer, NULL)) ||
        (st = hh_field_int(r, "purchased_at", true, 1, INT64_MAX, &in->purchased_at, NULL)) ||
        (st = hh_field_int(r, "amount_fen", true, 1, 100000000, &in->amount_fen, NULL)) ||
        (st = hh_field_str(r, "receipt_no", true, 64, &in->receipt_no, NULL)) ||
        (st = hh_field_str(r, "photo_token", true, 64, &in->token, NULL)))
        return st;
    if (in->retailer && !*in->retailer) in->retailer = NULL;
    if (in->store_name && !*in->store_name) in->store_name = NULL;
    if (!in->store_id && !in->store_name)
        return hh_fail(r, HH_E_INVALID, "store_id", "请选择购买门店，或填写门店名称",
                       "Choose the store, or type its name");
    if (!in->store_id && !in->retailer)
        return hh_fail(r, HH_E_INVALID, "retailer", "请填写零售商（如：永辉超市）", "Type the retailer (e.g. the supermarket)");
    if (in->purchased_at > now + 10 * 60000)
        return hh_fail(r, HH_E_INVALID, "purchased_at", "购买时间不能晚于现在", "The purchase time cannot be in the future");
    if (in->purchased_at < now - RECEIPT_MAX_AGE_MS)
        return hh_fail(r, HH_E_UNPROCESSABLE, "purchased_at", "只接受 90 天内的小票",
                       "Only receipts from the last 90 days are accepted");
    for (const char *p = in->receipt_no; *p; p++)
        if (*p == '\n' || *p == '\t')
            return hh_fail(r, HH_E_INVALID, "receipt_no", "小票号只能是一行文字", "The receipt number must be one line");
    if (!is_hex64(in->token))
        return hh_fail(r, HH_E_INVALID, "photo_token", "照片凭证无效，请重新上传照片",
                       "The photo token is not valid; upload the photo again");
    in->incoming = incoming_path(r, in->token);
    struct stat sb;
    if (stat(in->incoming, &sb) == 0 && (in->type = file_type(in->incoming)))
        in->photo_bytes = (int64_t)sb.st_size;
    else if (!r->idem_key)
        return photo_gone(r);
    /* else the write refuses it: a submission retried with its Idempotency-Key
     * finds its first answer there, after the photo has moved under it */
    r->after_commit = receipt_create_after;
    return hh_req_write(r, receipt_create_write);
}

hh_status hh_h_member_receipts(hh_req *r)
{
    int64_t limit, offset;
    hh_status st = hh_query_page(r, &limit, &offset);
    if (st) return st;
    const char *status = hh_query(r, "status");
    if (status && !*status) status = NULL;
    if (status && strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "rejected"))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 pending、approved 或 rejected",
                       "status must be pending, approved or rejected");
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
#define MINE " WHERE r.member_id = ?1 AND (?2 IS NULL OR r.status = ?2)"
    st = hh_db_query(db, &items, MEMBER_RECEIPT_COLS MINE " ORDER BY r.id DESC LIMIT ?3 OFFSET ?4",
                     HH_A(HH_I(r->who.id), HH_S(status), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x) member_receipt_decorate(x);
    return hh_list_reply(r, db, items, "SELECT count(*) FROM receipts r" MINE, HH_A(HH_I(r->who.id), HH_S(status)));
#undef MINE
}

hh_status hh_h_member_receipt_stores(hh_req *r)
{
    int64_t brand_id;
    hh_status st = hh_query_id(r, "brand_id", &brand_id);
    if (st) return st;
    const char *q = hh_query(r, "q");
    if (q && !*q) q = NULL;
    hh_db *db = hh_store_reader(r->app->store);
    json_t *items;
    st = hh_db_query(db, &items,
                     "SELECT s.id, s.name, s.retailer, s.city, s.address FROM stores s WHERE s.enterprise_id = ?1"
                     " AND s.archived_at IS NULL AND (?2 = 0 OR EXISTS (SELECT 1 FROM store_brands sb"
                     " WHERE sb.store_id = s.id AND sb.brand_id = ?2)) AND (?3 IS NULL OR instr(s.name, ?3) > 0"
                     " OR instr(s.retailer, ?3) > 0 OR instr(s.city, ?3) > 0) ORDER BY s.id LIMIT 200",
                     HH_A(HH_I(r->who.enterprise_id), HH_I(brand_id), HH_S(q)));
    if (st) return st;
    hh_reply(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items)));
    return HH_OK;
}

/* ---- review ---- */

/* Reviewers' list: owners all, brand managers their brands, staff their store only. */
#define REVIEW_SCOPE                                                                              \
    "(?2 = 'owner' OR (?2 = 'brand_manager' AND r.brand_id IN (SELECT brand_id FROM account_brands" \
    " WHERE account_id = ?3)) OR (?2 = 'staff' AND r.store_id = ?4))"

hh_status hh_h_receipts_list(hh_req *r)
{
    int64_t limit, offset, brand_id, store_id, member_id, campaign_id;
    hh_status st;
    if ((st = hh_query_page(r, &limit, &offset)) || (st = hh_query_id(r, "brand_id", &brand_id)) ||
        (st = hh_query_id(r, "store_id", &store_id)) || (st = hh_query_id(r, "member_id", &member_id)) ||
        (st = hh_query_id(r, "campaign_id", &campaign_id)))
        return st;
    const char *status = hh_query(r, "status"), *q = hh_query(r, "q");
    if (status && !*status) status = NULL;
    if (q && !*q) q = NULL;
    if (status && strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "rejected"))
        return hh_fail(r, HH_E_INVALID, "status", "状态须为 pending、approved 或 rejected",
                       "status must be pending, approved or rejected");
    hh_db *db = hh_store_reader(r->app->store);
#define WHERE                                                                                     \
    " WHERE r.enterprise_id = ?1 AND " REVIEW_SCOPE " AND (?5 IS NULL OR r.status = ?5)"             \
    " AND (?6 = 0 OR r.brand_id = ?6) AND (?7 = 0 OR r.store_id = ?7) AND (?8 = 0 OR r.member_id = ?8)" \
    " AND (?9 = 0 OR r.campaign_id = ?9) AND (?10 IS NULL OR instr(r.receipt_no, ?10) > 0"            \
    " OR instr(r.retailer, ?10) > 0)"
    /* the queue is worked oldest first; decided receipts are shown newest first */
    json_t *items;
    st = hh_db_query(db, &items,
                     RECEIPT_COLS WHERE " ORDER BY CASE WHEN ?5 = 'pending' THEN r.id ELSE -r.id END LIMIT ?11 OFFSET ?12",
                     HH_A(HH_SCOPE_ARGS(r), HH_S(status), HH_I(brand_id), HH_I(store_id), HH_I(member_id),
                          HH_I(campaign_id), HH_S(q), HH_I(limit), HH_I(offset)));
    if (st) return st;
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x) receipt_decorate(x);
    return hh_list_reply(r, db, items, "SELECT count(*) FROM receipts r" WHERE,
                         HH_A(HH_SCOPE_ARGS(r), HH_S(status), HH_I(brand_id), HH_I(store_id), HH_I(member_id),
                              HH_I(campaign_id), HH_S(q)));
#undef WHERE
}

/* The tier an amount earns now: the highest min_amount_fen ≤ amount among the
 * brand's tiers without a campaign or with a live one (the receipt's own
 * campaign only, when it names one). *tier NULL when none matches. */
static hh_status tier_for(hh_db *db, json_t *receipt, json_t **tier)
{
    *tier = NULL;
    json_t *rows;
    hh_status st = hh_db_query(db, &rows,
                               "SELECT t.id, t.name, t.campaign_id, t.min_amount_fen, t.coupon_template_id,"
                               " t.envelope_pool_id, t.draws, t.points, c.status AS campaign_status, c.starts_at,"
                               " c.ends_at, c.name AS campaign_name, ct.name AS coupon_template_name,"
                               " p.name AS envelope_pool_name FROM receipt_tiers t LEFT JOIN campaigns c ON c.id = t.campaign_id"
                               " LEFT JOIN coupon_templates ct ON ct.id = t.coupon_template_id"
                               " LEFT JOIN envelope_pools p ON p.id = t.envelope_pool_id"
                               " WHERE t.brand_id = ?1 AND t.min_amount_fen <= ?2"
                               " AND (t.campaign_id IS NULL OR ?3 IS NULL OR t.campaign_id = ?3)"
                               " ORDER BY t.min_amount_fen DESC, t.campaign_id IS NULL, t.id",
                               HH_A(HH_I(iget(receipt, "brand_id")), HH_I(iget(receipt, "amount_fen")),
                                    HH_ID(iget(receipt, "campaign_id"))));
    if (st) return st;
    int64_t now = hh_now_ms();
    size_t i;
    json_t *t;
    json_array_foreach(rows, i, t)
    {
        if (json_is_integer(json_object_get(t, "campaign_id")) &&
            strcmp(hh_campaign_status_now(sget(t, "campaign_status"), iget(t, "starts_at"), iget(t, "ends_at"), now),
                   "live"))
            continue;
        *tier = json_incref(t);
        break;
    }
    json_decref(rows);
    return HH_OK;
}

hh_status hh_h_receipt_get(hh_req *r)
{
    hh_db *db = hh_store_reader(r->app->store);
    json_t *x, *tier = NULL;
    hh_status st = receipt_load(db, r->path_id, &x);
    if (st) return st;
    /* what approving it now would give */
    if (!strcmp(sget(x, "status"), "pending") && (st = tier_for(db, x, &tier))) {
        json_decref(x);
        return st;
    }
    json_object_set_new(x, "matching_tier", tier ? tier : json_null());
    hh_reply(r, 200, x);
    return HH_OK;
}

hh_status hh_h_receipt_photo(hh_req *r)
{
    json_t *x;
    hh_status st = hh_db_one(hh_store_reader(r->app->store), &x,
                             "SELECT photo_path, photo_type FROM receipts WHERE id = ?", HH_A(HH_I(r->path_id)));
    if (st) return st;
    hh_req_own(r, x);
    const char *rel = sget(x, "photo_path");
    if (!rel) return hh_fail(r, HH_E_NOT_FOUND, "photo", "这张小票没有照片", "This receipt has no photo");
    return hh_reply_file(r, hh_sprintf(r->arena, "%s/%s", r->app->files_dir, rel), hh_strdup(r->arena, sget(x, "photo_type")),
                         NULL);
}

static hh_status not_pending(hh_req *r, json_t *x)
{
    const char *status = sget(x, "status");
    bool approved = !strcmp(status, "approved");
    json_decref(x);
    return hh_fail(r, HH_E_CONFLICT, "status", approved ? "这张小票已经审核通过" : "这张小票已被驳回",
                   approved ? "This receipt has already been approved" : "This receipt has already been rejected");
}

/* A reward that could not be given: the reason from the refusal, then the
 * request's error is cleared (the approval goes on). */
static json_t *refused(hh_req *r, json_t *entry)
{
    json_object_set_new(entry, "status", json_string("failed"));
    json_object_set_new(entry, "message", json_string(r->err.zh ? r->err.zh : "发放失败"));
    json_object_set_new(entry, "message_en", json_string(r->err.en ? r->err.en : "Not granted"));
    memset(&r->err, 0, sizeof r->err);
    return entry;
}

static bool refusal(hh_status st)
{
    return st == HH_E_UNPROCESSABLE || st == HH_E_NOT_FOUND || st == HH_E_FORBIDDEN || st == HH_E_INVALID;
}

/* Pay the tier's rewards to the receipt's member; fills rewards. */
static hh_status pay_tier(hh_db *tx, hh_req *r, json_t *x, json_t *tier, json_t *rewards)
{
    int64_t id = iget(x, "id");
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = iget(x, "member_id"),
                  .campaign_id = iget(tier, "campaign_id"), .store_id = iget(x, "store_id"),
                  .staff_id = r->who.staff_id, .source = "receipt", .source_id = id};
    hh_status st;
    if (g.campaign_id) {
        /* one use of the campaign per approved receipt; its limits hold */
        st = hh_campaign_admit(tx, r, &g, 0);
        if (refusal(st)) {
            json_array_append_new(rewards, refused(r, json_pack("{s:s, s:I}", "kind", "campaign", "campaign_id",
                                                                (json_int_t)g.campaign_id)));
            return HH_OK;
        }
        if (st) return st;
    }
    if (json_is_integer(json_object_get(tier, "coupon_template_id"))) {
        int64_t tpl = iget(tier, "coupon_template_id"), coupon_id = 0;
        char code[HH_CODE_LEN + 1];
        json_t *e = json_pack("{s:s, s:I}", "kind", "coupon", "template_id", (json_int_t)tpl);
        st = hh_coupon_grant(tx, r, &g, tpl, &coupon_id, code);
        if (st == HH_OK) {
            json_t *name = NULL;
            hh_db_one(tx, &name, "SELECT name FROM coupon_templates WHERE id = ?", HH_A(HH_I(tpl)));
            json_object_set_new(e, "name", json_string(name ? sget(name, "name") : ""));
            json_decref(name);
            json_object_set_new(e, "coupon_id", json_integer(coupon_id));
            json_object_set_new(e, "code", json_string(code));
            json_object_set_new(e, "status", json_string("granted"));
        } else if (refusal(st)) {
            refused(r, e);
        } else {
            json_decref(e);
            return st;
        }
        json_array_append_new(rewards, e);
    }
    if (json_is_integer(json_object_get(tier, "envelope_pool_id"))) {
        int64_t pool = iget(tier, "envelope_pool_id"), envelope_id = 0, amount = 0;
        json_t *e = json_pack("{s:s, s:I}", "kind", "envelope", "pool_id", (json_int_t)pool);
        st = hh_envelope_grant(tx, r, &g, pool, &envelope_id, &amount);
        if (st == HH_OK) {
            json_object_set_new(e, "envelope_id", json_integer(envelope_id));
            json_object_set_new(e, "amount_fen", json_integer(amount));
            json_object_set_new(e, "status", json_string("granted"));
        } else if (refusal(st)) {
            refused(r, e);
        } else {
            json_decref(e);
            return st;
        }
        json_array_append_new(rewards, e);
    }
    if (iget(tier, "draws") > 0) {
        int n = (int)iget(tier, "draws");
        json_t *e = json_pack("{s:s, s:I, s:i}", "kind", "draws", "campaign_id", (json_int_t)g.campaign_id, "draws", n);
        st = hh_lottery_grant_draws(tx, r, &g, g.campaign_id, n);
        if (st == HH_OK) {
            json_object_set_new(e, "status", json_string("granted"));
        } else if (refusal(st)) {
            refused(r, e);
        } else {
            json_decref(e);
            return st;
        }
        json_array_append_new(rewards, e);
    }
    if (iget(tier, "points") > 0) {
        int64_t txn = 0;
        json_t *e = json_pack("{s:s, s:I}", "kind", "points", "points", (json_int_t)iget(tier, "points"));
        st = hh_points_earn(tx, r, &g, iget(tier, "points"), 0, iget(x, "brand_id"), &txn);
        if (st == HH_OK) {
            json_object_set_new(e, "txn_id", json_integer(txn));
            json_object_set_new(e, "status", json_string("granted"));
        } else if (refusal(st) || st == HH_E_CONFLICT) {
            refused(r, e);
        } else {
            json_decref(e);
            return st;
        }
        json_array_append_new(rewards, e);
    }
    return HH_OK;
}

/* The points an approved receipt earns by the enterprise's earn rules: the
 * purchase (spend rules of the brand and store) and the action "receipt".
 * A rule's cap already reached is listed as not granted; no rule, nothing. */
static hh_status earn_for_purchase(hh_db *tx, hh_req *r, json_t *x, json_t *tier, json_t *rewards)
{
    hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = iget(x, "member_id"),
                  .campaign_id = tier ? iget(tier, "campaign_id") : iget(x, "campaign_id"),
                  .store_id = iget(x, "store_id"), .staff_id = r->who.staff_id, .source = "receipt",
                  .source_id = iget(x, "id")};
    for (int k = 0; k < 2; k++) {
        int64_t pts = 0, txn = 0;
        hh_status st = k == 0 ? hh_points_award_purchase(tx, r, &g, iget(x, "brand_id"), NULL, iget(x, "amount_fen"), &pts, &txn)
                              : hh_points_award_action(tx, r, &g, "receipt", iget(x, "brand_id"), &pts, &txn);
        json_t *e = json_pack("{s:s, s:s}", "kind", "points", "rule", k == 0 ? "purchase" : "receipt");
        if (st == HH_OK && pts > 0) {
            json_object_set_new(e, "points", json_integer(pts));
            json_object_set_new(e, "txn_id", json_integer(txn));
            json_object_set_new(e, "status", json_string("granted"));
            json_array_append_new(rewards, e);
        } else if (st == HH_OK) {
            json_decref(e); /* no rule applies */
        } else if (refusal(st) || st == HH_E_CONFLICT) {
            json_array_append_new(rewards, refused(r, e));
        } else {
            json_decref(e);
            return st;
        }
    }
    return HH_OK;
}

static hh_status receipt_reply(hh_db *tx, hh_req *r, int64_t id, const char *action, json_t *before)
{
    json_t *x;
    hh_status st = receipt_load(tx, id, &x);
    if (st) return st;
    if ((st = hh_audit(tx, r, action, "receipt", id, before, x))) {
        json_decref(x);
        return st;
    }
    hh_reply(r, 200, x);
    return HH_OK;
}

static hh_status approve_write(hh_db *tx, hh_req *r)
{
    json_t *x, *tier = NULL;
    hh_status st = receipt_load(tx, r->path_id, &x);
    if (st) return st;
    if (strcmp(sget(x, "status"), "pending")) return not_pending(r, x);
    if ((st = tier_for(tx, x, &tier))) {
        json_decref(x);
        return st;
    }
    json_t *rewards = json_array();
    if (tier) st = pay_tier(tx, r, x, tier, rewards);
    if (!st) st = earn_for_purchase(tx, r, x, tier, rewards);
    /* a referred member's first purchase may complete the referral */
    if (!st) st = hh_referral_progress(tx, iget(x, "member_id"), "purchase");
    char *rw = json_dumps(rewards, JSON_COMPACT);
    int64_t now = hh_now_ms();
    if (!st)
        st = hh_db_run(tx, NULL,
                       "UPDATE receipts SET status = 'approved', reviewed_by = ?, reviewed_at = ?, tier_id = ?,"
                       " rewards_json = ?, campaign_id = coalesce(campaign_id, ?) WHERE id = ?",
                       HH_A(HH_I(r->who.id), HH_I(now), HH_ID(tier ? iget(tier, "id") : 0), HH_S(rw),
                            HH_ID(tier ? iget(tier, "campaign_id") : 0), HH_I(r->path_id)));
    free(rw);
    if (!st) {
        hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = iget(x, "member_id"),
                      .campaign_id = tier ? iget(tier, "campaign_id") : iget(x, "campaign_id"),
                      .store_id = iget(x, "store_id"), .staff_id = r->who.staff_id, .source = "receipt",
                      .source_id = r->path_id};
        json_t *props = json_pack("{s:I, s:I, s:O}", "receipt_id", (json_int_t)r->path_id, "amount_fen",
                                  (json_int_t)iget(x, "amount_fen"), "rewards", rewards);
        if (tier) json_object_set_new(props, "tier_id", json_integer(iget(tier, "id")));
        st = hh_reward_event(tx, "receipt.approved", &g, iget(x, "brand_id"), props);
        json_decref(props);
    }
    json_decref(rewards);
    json_decref(tier);
    if (st) {
        json_decref(x);
        return st;
    }
    st = receipt_reply(tx, r, r->path_id, "receipt.approve", x);
    json_decref(x);
    return st;
}

hh_status hh_h_receipt_approve(hh_req *r)
{
    /* no fields; an empty object is accepted */
    static const char *const allowed[] = {NULL};
    hh_status st;
    if (r->body_len && ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)))) return st;
    return hh_req_write(r, approve_write);
}

static hh_status reject_write(hh_db *tx, hh_req *r)
{
    json_t *x;
    hh_status st = receipt_load(tx, r->path_id, &x);
    if (st) return st;
    if (strcmp(sget(x, "status"), "pending")) return not_pending(r, x);
    const char *reason = r->ud;
    st = hh_db_run(tx, NULL,
                   "UPDATE receipts SET status = 'rejected', reviewed_by = ?, reviewed_at = ?, reject_reason = ?"
                   " WHERE id = ?",
                   HH_A(HH_I(r->who.id), HH_I(hh_now_ms()), HH_S(reason), HH_I(r->path_id)));
    if (!st) {
        hh_grant g = {.enterprise_id = r->who.enterprise_id, .member_id = iget(x, "member_id"),
                      .campaign_id = iget(x, "campaign_id"), .store_id = iget(x, "store_id"),
                      .staff_id = r->who.staff_id, .source = "receipt", .source_id = r->path_id};
        json_t *props = json_pack("{s:I, s:s}", "receipt_id", (json_int_t)r->path_id, "reason", reason);
        st = hh_reward_event(tx, "receipt.rejected", &g, iget(x, "brand_id"), props);
        json_decref(props);
    }
    if (!st) st = receipt_reply(tx, r, r->path_id, "receipt.reject", x);
    json_decref(x);
    return st;
}

hh_status hh_h_receipt_reject(hh_req *r)
{
    static const char *const allowed[] = {"reason", NULL};
    const char *reason;
    hh_status st;
    if ((st = hh_body(r)) || (st = hh_fields_only(r, allowed)) ||
        (st = hh_field_str(r, "reason", true, 200, &reason, NULL)))
        return st;
    r->ud = (void *)reason;
    return hh_req_write(r, reject_write);
}

/* ---- housekeeping ---- */

/* Remove uploaded photos that no receipt took within a day. */
static void sweep_incoming(hh_app *app)
{
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/receipts/incoming", app->files_dir);
    DIR *d = opendir(dir);
    if (!d) return;
    time_t cutoff = (time_t)((hh_now_ms() - INCOMING_TTL_MS) / 1000);
    struct dirent *e;
    int removed = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[1500];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_mtime < cutoff && unlink(path) == 0) removed++;
    }
    closedir(d);
    if (removed) hh_info("receipt.photos_swept", "{s:i}", "removed", removed);
}

void hh_receipts_tick(hh_app *app)
{
    static int64_t last_remind, last_sweep;
    int64_t now = hh_now_ms();
    if (now - last_remind >= 10000) {
        last_remind = now;
        hh_activity_reminders(app);
    }
    if (now - last_sweep >= 600000) {
        last_sweep = now;
        sweep_incoming(app);
    }
}
