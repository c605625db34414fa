/*
 * import.c — legacy member import at the scale of a dormant member base
 * (16 million rows in the reference case: under 2 minutes on 2 cores).
 *
 * The file is read in 1 MiB blocks and parsed by libcsv; each row is checked
 * and its phone normalised on the reading thread. Phones go through
 * libphonenumber, memoised by their first seven digits for plain 11-digit
 * mainland numbers (validity of a CN mobile depends on its prefix only) and by
 * their exact text otherwise, so the library is asked a few hundred thousand
 * times, not millions. A hash set of the numbers seen so far finds duplicates
 * within the file.
 *
 * The writer's work per row is what bounds the import: one INSERT, three
 * B-trees (the member row, appended; the unique phone index; the partial unique
 * index of the legacy number, kept on the member row since migration 11).
 * Rows are gathered in runs of up to RUN_ROWS and each run is sorted by phone,
 * so that each write command fills one slice of the phone index, page after
 * page, instead of touching pages all over it; the legacy numbers of a run
 * (consecutive in the file, usually ascending) stay within a narrow range of
 * their index. A feeder thread hands a run to the writer in commands of
 * CHUNK_ROWS while the reader fills the other run (double buffering); a
 * command is one transaction, committed durably, so an interrupted import
 * keeps what was committed and re-running it completes it. INSERT … ON
 * CONFLICT (enterprise_id, phone) DO NOTHING keeps re-runs harmless; a legacy
 * number that already belongs to another member (on its row, or bound through
 * the API in member_identities) is left out and the member imported without it.
 */
#include "member/import.h"
#include "core/log.h"
#include "core/phone.h"

#include <csv.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#define RUN_ROWS 2000000  /* rows sorted together */
#define CHUNK_ROWS 500000 /* rows per write command: the writer is held a few seconds at most */
#define MAX_COLS 64
#define FIELD_MAX 256

enum { C_PHONE, C_NAME, C_GENDER, C_BIRTHDAY, C_CITY, C_LEGACY, C_REGISTERED, C_COUNT };
static const char *const col_names[C_COUNT][4] = {
    {"手机号", "phone", "mobile", "手机"}, {"姓名", "name", NULL, NULL},
    {"性别", "gender", NULL, NULL},       {"生日", "birthday", NULL, NULL},
    {"城市代码", "city_code", NULL, NULL}, {"会员号", "legacy_no", "member_no", NULL},
    {"注册时间", "registered_at", NULL, NULL},
};

typedef struct {
    uint64_t key; /* the phone as a number: runs are sorted by it */
    char phone[HH_PHONE_MAX];
    char *name, *legacy, *city, *birthday;
    const char *gender;
    int64_t registered_at;
} row;

typedef struct run {
    row *rows;
    int n, cap;
    hh_arena *arena;
    int64_t enterprise_id;
    hh_store *store;
    int64_t created, existing, conflicts;
    /* the importer's running totals, advanced after every command for progress */
    _Atomic int64_t *created_total, *existing_total;
    hh_status st;
    pthread_t feeder;
    bool feeding;
} run;

typedef struct {
    run *r;
    int from, to;
} chunk_ref;

#define MEMO_SLOTS 4096
typedef struct phone_memo {
    char raw[32];
    char e164[HH_PHONE_MAX];
    hh_phone_result res;
    bool used;
} phone_memo;

typedef struct {
    hh_store *store;
    int64_t enterprise_id;
    int col_of[C_COUNT];
    bool header_done;
    char *fields[MAX_COLS];
    size_t flen[MAX_COLS];
    int nfields;
    int64_t line;
    run *runs[2];
    int cur;
    int run_rows; /* the first runs are short so that the writer starts early */
    FILE *errors;
    hh_import_stats st;
    hh_import_progress progress;
    void *ud;
    hh_status fail;
    _Atomic int64_t created_total, existing_total;
    /* seen phones: open addressing over the number's digits as an integer */
    uint64_t *seen;
    uint32_t *seen_line;
    size_t seen_cap, seen_n;
    /* memoised validity of mainland mobile prefixes (first 7 digits) */
    signed char *prefix_ok;
    phone_memo *memo; /* MEMO_SLOTS answers of libphonenumber for other inputs */
} importer;

/* ---- phone checks ---- */

static bool plain_cn_mobile(const char *s)
{
    if (s[0] != '1') return false;
    for (int i = 0; i < 11; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return s[11] == 0;
}

static hh_phone_result normalize(importer *im, const char *raw, char out[HH_PHONE_MAX])
{
    if (plain_cn_mobile(raw)) {
        int prefix = 0;
        for (int i = 0; i < 7; i++) prefix = prefix * 10 + (raw[i] - '0');
        signed char *memo = &im->prefix_ok[prefix - 1000000];
        if (!*memo) {
            char probe[12];
            memcpy(probe, raw, 7);
            memcpy(probe + 7, "0000", 5);
            *memo = hh_phone_cn_mobile_valid(probe) ? 1 : -1;
        }
        if (*memo < 0) return HH_PHONE_INVALID;
        memcpy(out, "+86", 3);
        memcpy(out + 3, raw, 12); /* the 11 digits and the NUL */
        return HH_PHONE_OK;
    }
    /* anything else goes through libphonenumber, memoised by the exact text:
     * a legacy file repeats its malformed values ("0", "12345", "-") often */
    size_t len = strlen(raw);
    if (len >= sizeof im->memo->raw) return hh_phone_normalize(raw, "CN", true, out);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)raw[i]) * 16777619u;
    phone_memo *m = &im->memo[h % MEMO_SLOTS];
    if (!m->used || strcmp(m->raw, raw)) {
        memcpy(m->raw, raw, len + 1);
        m->res = hh_phone_normalize(raw, "CN", true, m->e164);
        m->used = true;
    }
    memcpy(out, m->e164, HH_PHONE_MAX);
    return m->res;
}

static uint64_t phone_key(const char *e164)
{
    uint64_t v = 0;
    const char *p = e164 + 1;
    for (; *p; p++) v = v * 10 + (uint64_t)(*p - '0');
    return v | (uint64_t)(p - e164) << 58; /* "+1 23…" and "+12 3…" differ */
}

/* Returns the earlier line of the phone, or 0 after remembering this one. */
static uint32_t seen_before(importer *im, const char *e164, uint32_t line, uint64_t *key)
{
    if (im->seen_n * 2 >= im->seen_cap) {
        size_t cap = im->seen_cap ? im->seen_cap * 2 : 1 << 20;
        uint64_t *keys = hh_xcalloc(cap, sizeof *keys);
        uint32_t *lines = hh_xcalloc(cap, sizeof *lines);
        for (size_t i = 0; i < im->seen_cap; i++) {
            if (!im->seen[i]) continue;
            size_t j = (im->seen[i] * 0x9E3779B97F4A7C15ull) & (cap - 1);
            while (keys[j]) j = (j + 1) & (cap - 1);
            keys[j] = im->seen[i];
            lines[j] = im->seen_line[i];
        }
        free(im->seen);
        free(im->seen_line);
        im->seen = keys;
        im->seen_line = lines;
        im->seen_cap = cap;
    }
    uint64_t k = *key = phone_key(e164);
    size_t j = (k * 0x9E3779B97F4A7C15ull) & (im->seen_cap - 1);
    while (im->seen[j]) {
        if (im->seen[j] == k) return im->seen_line[j];
        j = (j + 1) & (im->seen_cap - 1);
    }
    im->seen[j] = k;
    im->seen_line[j] = line;
    im->seen_n++;
    return 0;
}

/* ---- error report ---- */

static void report(importer *im, const char *reason, bool duplicate)
{
    if (duplicate)
        im->st.duplicate++;
    else
        im->st.invalid++;
    if (!im->errors) return;
    fprintf(im->errors, "%lld,", (long long)im->line);
    char q[FIELD_MAX * 2 + 3];
    size_t w = csv_write(q, sizeof q, reason, strlen(reason));
    fwrite(q, 1, w, im->errors);
    fputc(',', im->errors);
    /* the row as it was, fields joined by commas, quoted as one cell */
    char raw[MAX_COLS * (FIELD_MAX + 1)];
    size_t n = 0;
    for (int i = 0; i < im->nfields && n < sizeof raw - FIELD_MAX - 2; i++) {
        if (i) raw[n++] = ',';
        size_t l = im->flen[i] < FIELD_MAX ? im->flen[i] : FIELD_MAX;
        memcpy(raw + n, im->fields[i], l);
        n += l;
    }
    char *qq = hh_xmalloc(n * 2 + 3);
    w = csv_write(qq, n * 2 + 3, raw, n);
    fwrite(qq, 1, w, im->errors);
    free(qq);
    fputc('\n', im->errors);
}

/* ---- writing chunks ---- */

#define ROW_COLS 9

static void row_args(hh_arg *a, const run *c, const row *r, const char *legacy, int64_t now)
{
    a[0] = HH_I(c->enterprise_id);
    a[1] = HH_S(r->phone);
    a[2] = HH_S(r->name ? r->name : "");
    a[3] = HH_S(r->gender);
    a[4] = HH_S(r->birthday);
    a[5] = HH_S(r->city);
    a[6] = HH_S(legacy);
    a[7] = HH_I(r->registered_at ? r->registered_at : now);
    a[8] = HH_I(now);
}

/* One row; a legacy number taken by another member is dropped, the member kept. */
static hh_status insert_one(hh_db *tx, run *c, const row *r, bool bound, int64_t now)
{
    const char *legacy = r->legacy;
    hh_status st;
    if (legacy && bound) {
        int64_t taken = 0;
        st = hh_db_int(tx, &taken,
                       "SELECT EXISTS (SELECT 1 FROM member_identities WHERE enterprise_id = ? AND kind = 'legacy'"
                       " AND value = ?)",
                       HH_A(HH_I(c->enterprise_id), HH_S(legacy)));
        if (st) return st;
        if (taken) {
            legacy = NULL;
            c->conflicts++;
        }
    }
    hh_arg a[ROW_COLS];
    hh_result res = {0};
    for (;;) {
        row_args(a, c, r, legacy, now);
        /* one row per statement: a multi-row INSERT would need a statement journal */
        st = hh_db_run(tx, &res,
                       "INSERT INTO members (enterprise_id, phone, name, gender, birthday, city_code, legacy_no,"
                       " registered_via, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'import', ?, ?)"
                       " ON CONFLICT (enterprise_id, phone) DO NOTHING",
                       a, ROW_COLS);
        if (st != HH_E_CONFLICT || !legacy) break;
        legacy = NULL; /* a new phone whose legacy number another member has */
        c->conflicts++;
    }
    if (st) return st;
    if (res.changes)
        c->created++;
    else
        c->existing++;
    return HH_OK;
}

static hh_status chunk_apply(hh_db *tx, void *ud)
{
    chunk_ref *ref = ud;
    run *c = ref->r;
    int64_t now = hh_now_ms();
    /* a legacy number bound through the API lives in member_identities: look
     * there row by row only when the enterprise has any (the writer is alone here) */
    int64_t bound = 0;
    hh_status st = hh_db_int(tx, &bound,
                             "SELECT EXISTS (SELECT 1 FROM member_identities WHERE enterprise_id = ? AND kind = 'legacy')",
                             HH_A(HH_I(c->enterprise_id)));
    if (st) return st;
    for (int i = ref->from; i < ref->to; i++)
        if ((st = insert_one(tx, c, &c->rows[i], bound, now))) return st;
    return HH_OK;
}

/* The feeder: one write command per CHUNK_ROWS of the sorted run, in order. */
static void *feed(void *arg)
{
    run *c = arg;
    pthread_setname_np(pthread_self(), "hh-import-feed");
    for (int from = 0; from < c->n && c->st == HH_OK; from += CHUNK_ROWS) {
        chunk_ref ref = {c, from, from + CHUNK_ROWS < c->n ? from + CHUNK_ROWS : c->n};
        int64_t created = c->created, existing = c->existing, conflicts = c->conflicts;
        c->st = hh_store_write_sync(c->store, chunk_apply, &ref);
        if (c->st != HH_OK) {
            c->created = created; /* the command was rolled back */
            c->existing = existing;
            c->conflicts = conflicts;
            break;
        }
        atomic_fetch_add(c->created_total, c->created - created);
        atomic_fetch_add(c->existing_total, c->existing - existing);
    }
    return NULL;
}

static void wait_run(importer *im, run *c)
{
    if (!c->feeding) return;
    pthread_join(c->feeder, NULL);
    c->feeding = false;
    if (c->st != HH_OK && im->fail == HH_OK) im->fail = c->st;
    im->st.invalid += c->conflicts; /* legacy number bound to someone else: member kept, number not */
    c->created = c->existing = c->conflicts = 0;
}

/* The statistics as of now, for progress reports and the result. */
static const hh_import_stats *stats_now(importer *im)
{
    im->st.created = atomic_load(&im->created_total);
    im->st.existing = atomic_load(&im->existing_total);
    return &im->st;
}

static int by_phone(const void *a, const void *b)
{
    uint64_t x = ((const row *)a)->key, y = ((const row *)b)->key;
    return x < y ? -1 : x > y;
}

static void flush_run(importer *im)
{
    run *c = im->runs[im->cur];
    if (!c->n) return;
    /* in phone order the unique index is filled page by page, not at random */
    qsort(c->rows, (size_t)c->n, sizeof(row), by_phone);
    run *other = im->runs[im->cur ^ 1];
    wait_run(im, other); /* runs reach the writer in file order */
    c->enterprise_id = im->enterprise_id;
    c->store = im->store;
    c->created_total = &im->created_total;
    c->existing_total = &im->existing_total;
    c->st = HH_OK;
    if (pthread_create(&c->feeder, NULL, feed, c) == 0) {
        c->feeding = true;
    } else {
        feed(c); /* no thread to be had: write the run here */
        if (c->st != HH_OK && im->fail == HH_OK) im->fail = c->st;
        im->st.invalid += c->conflicts;
        c->created = c->existing = c->conflicts = 0;
    }
    im->cur ^= 1;
    if (im->run_rows < RUN_ROWS) im->run_rows *= 2;
    other->n = 0;
    hh_arena_free(other->arena);
    other->arena = hh_arena_new(1 << 20);
    if (im->progress) im->progress(im->ud, stats_now(im));
}

/* ---- rows ---- */

static char *field(importer *im, int col, hh_arena *a, size_t *len)
{
    int i = im->col_of[col];
    if (i < 0 || i >= im->nfields || !im->flen[i]) return NULL;
    if (len) *len = im->flen[i];
    return hh_strndup(a, im->fields[i], im->flen[i]);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (linear in d, as timegm
 * is for an out-of-range day). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static int64_t parse_time(const char *s)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    size_t n = strlen(s);
    /* the usual "YYYY-MM-DD[ HH:MM:SS]" without scanf; anything else as before */
    bool fast = (n == 10 || n == 19) && digits(s, 4, &y) && (s[4] == '-' || s[4] == '/') && s[7] == s[4] &&
                digits(s + 5, 2, &mo) && digits(s + 8, 2, &d) &&
                (n == 10 || (s[10] == ' ' && s[13] == ':' && s[16] == ':' && digits(s + 11, 2, &h) &&
                             digits(s + 14, 2, &mi) && digits(s + 17, 2, &sec)));
    if (!fast && sscanf(s, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &sec) < 3 &&
        sscanf(s, "%d/%d/%d %d:%d:%d", &y, &mo, &d, &h, &mi, &sec) < 3)
        return -1;
    if (y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31) return -1;
    int64_t t = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec;
    return (t - 8 * 3600) * 1000; /* legacy systems wrote China time */
}

/* A birthday "YYYY-MM-DD" (anything else is dropped, the member kept). */
static bool valid_birthday(const char *b)
{
    int y, m, d;
    char tail;
    if (strlen(b) == 10 && b[4] == '-' && b[7] == '-' && digits(b, 4, &y) && digits(b + 5, 2, &m) &&
        digits(b + 8, 2, &d))
        ;
    else if (sscanf(b, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return false;
    return y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static void header_row(importer *im)
{
    for (int c = 0; c < C_COUNT; c++) im->col_of[c] = -1;
    for (int i = 0; i < im->nfields; i++) {
        char name[64];
        size_t l = im->flen[i] < 63 ? im->flen[i] : 63;
        memcpy(name, im->fields[i], l);
        name[l] = 0;
        char *n = name;
        if (!strncmp(n, "\xEF\xBB\xBF", 3)) n += 3; /* BOM */
        for (char *p = n; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
        for (int c = 0; c < C_COUNT; c++)
            for (int k = 0; k < 4 && col_names[c][k]; k++)
                if (!strcmp(n, col_names[c][k]) && im->col_of[c] < 0) im->col_of[c] = i;
    }
    im->header_done = true;
}

static void data_row(importer *im)
{
    im->st.rows++;
    run *c = im->runs[im->cur];
    if (c->n == c->cap) {
        c->cap *= 2;
        c->rows = hh_xrealloc(c->rows, (size_t)c->cap * sizeof(row));
    }
    row *r = &c->rows[c->n];
    memset(r, 0, sizeof *r);
    size_t len = 0;
    char *raw = field(im, C_PHONE, c->arena, NULL);
    if (!raw) return report(im, "缺少手机号 missing phone", false);
    while (*raw == ' ') raw++;
    hh_phone_result pr = normalize(im, raw, r->phone);
    if (pr == HH_PHONE_NOT_MOBILE) return report(im, "不是手机号码 not a mobile number", false);
    if (pr != HH_PHONE_OK) return report(im, "手机号码无效 invalid phone number", false);
    uint32_t earlier = seen_before(im, r->phone, (uint32_t)im->line, &r->key);
    if (earlier) {
        char why[96];
        snprintf(why, sizeof why, "与第 %u 行手机号重复 duplicate of line %u", earlier, earlier);
        return report(im, why, true);
    }
    r->name = field(im, C_NAME, c->arena, &len);
    if (r->name && len > 96) r->name[96] = 0;
    const char *g = field(im, C_GENDER, c->arena, NULL);
    r->gender = !g ? "unknown"
                : (!strcmp(g, "男") || !strcasecmp(g, "m") || !strcasecmp(g, "male")) ? "male"
                : (!strcmp(g, "女") || !strcasecmp(g, "f") || !strcasecmp(g, "female")) ? "female"
                                                                                         : "unknown";
    r->birthday = field(im, C_BIRTHDAY, c->arena, NULL);
    if (r->birthday && !valid_birthday(r->birthday)) r->birthday = NULL; /* a bad birthday does not cost the member */
    r->city = field(im, C_CITY, c->arena, &len);
    if (r->city && (len != 6 || strspn(r->city, "0123456789") != 6)) r->city = NULL;
    r->legacy = field(im, C_LEGACY, c->arena, NULL);
    const char *reg = field(im, C_REGISTERED, c->arena, NULL);
    if (reg) {
        r->registered_at = parse_time(reg);
        if (r->registered_at < 0) r->registered_at = 0; /* unknown: the import time */
    }
    if (++c->n == im->run_rows) flush_run(im);
}

/* libcsv callbacks */
static void on_field(void *s, size_t len, void *ud)
{
    importer *im = ud;
    if (im->nfields < MAX_COLS) {
        /* libcsv reuses its buffer: copy into a per-row scratch */
        static _Thread_local char scratch[MAX_COLS][FIELD_MAX];
        size_t l = len < FIELD_MAX - 1 ? len : FIELD_MAX - 1;
        memcpy(scratch[im->nfields], s, l);
        scratch[im->nfields][l] = 0;
        im->fields[im->nfields] = scratch[im->nfields];
        im->flen[im->nfields] = l;
        im->nfields++;
    }
}

static void on_row(int term, void *ud)
{
    (void)term;
    importer *im = ud;
    im->line++;
    if (im->nfields == 1 && im->flen[0] == 0) {
        im->nfields = 0; /* blank line */
        return;
    }
    if (!im->header_done)
        header_row(im);
    else
        data_row(im);
    im->nfields = 0;
}

hh_status hh_import_members(hh_store *store, int64_t enterprise_id, const char *path, const char *errors_path,
                            hh_import_progress progress, void *ud, hh_import_stats *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return HH_E_NOT_FOUND;
    }
    struct stat sb;
    fstat(fileno(f), &sb);
    importer *im = hh_xcalloc(1, sizeof *im);
    atomic_init(&im->created_total, 0);
    atomic_init(&im->existing_total, 0);
    im->store = store;
    im->enterprise_id = enterprise_id;
    im->progress = progress;
    im->ud = ud;
    im->st.bytes_total = sb.st_size;
    im->prefix_ok = hh_xcalloc(1000000, 1);
    im->run_rows = RUN_ROWS / 8;
    im->memo = hh_xcalloc(MEMO_SLOTS, sizeof *im->memo);
    for (int i = 0; i < 2; i++) {
        im->runs[i] = hh_xcalloc(1, sizeof(run));
        im->runs[i]->cap = 1024;
        im->runs[i]->rows = hh_xmalloc(1024 * sizeof(row));
        im->runs[i]->arena = hh_arena_new(1 << 20);
    }
    if (errors_path) {
        im->errors = fopen(errors_path, "w");
        if (im->errors) fputs("\xEF\xBB\xBFline,reason,content\n", im->errors);
    }
    struct csv_parser p;
    csv_init(&p, CSV_APPEND_NULL);
    char *buf = hh_xmalloc(1 << 20);
    size_t n;
    long blocks = 0;
    hh_status st = HH_OK;
    while ((n = fread(buf, 1, 1 << 20, f)) > 0) {
        if (csv_parse(&p, buf, n, on_field, on_row, im) != n) {
            snprintf(err, errlen, "CSV error near line %lld: %s", (long long)im->line + 1, csv_strerror(csv_error(&p)));
            st = HH_E_INVALID;
            break;
        }
        im->st.bytes_done += (int64_t)n;
        if (im->fail) break;
        if (progress && ++blocks % 8 == 0 && !progress(ud, stats_now(im))) {
            snprintf(err, errlen, "stopped before the end of the file");
            st = HH_E_UNAVAILABLE;
            break;
        }
    }
    if (st == HH_OK) csv_fini(&p, on_field, on_row, im);
    /* rows already parsed but not yet written are dropped on a stop: re-running is safe */
    csv_free(&p);
    if (st == HH_OK && !im->header_done) {
        snprintf(err, errlen, "the file is empty");
        st = HH_E_INVALID;
    } else if (st == HH_OK && im->col_of[C_PHONE] < 0) {
        snprintf(err, errlen, "no phone column (手机号 or phone) in the header");
        st = HH_E_INVALID;
    }
    if (st == HH_OK) flush_run(im);
    wait_run(im, im->runs[0]);
    wait_run(im, im->runs[1]);
    if (st == HH_OK && im->fail) {
        snprintf(err, errlen, "the store refused a chunk (%s)", hh_status_code(im->fail));
        st = im->fail;
    }
    if (progress && st == HH_OK) progress(ud, stats_now(im));
    *out = *stats_now(im);
    if (im->errors) fclose(im->errors);
    fclose(f);
    free(buf);
    for (int i = 0; i < 2; i++) {
        hh_arena_free(im->runs[i]->arena);
        free(im->runs[i]->rows);
        free(im->runs[i]);
    }
    free(im->seen);
    free(im->seen_line);
    free(im->prefix_ok);
    free(im->memo);
    free(im);
    return st;
}
