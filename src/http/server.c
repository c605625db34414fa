/*
 * server.c — libmicrohttpd plumbing: one request context per request, body
 * capping, dispatch (API routes, static web apps, /healthz, /metrics,
 * /api/openapi.json), suspension while a write waits for its commit, and the
 * access log and metrics when a request completes.
 *
 * Threads: MHD runs a pool of `threads` epoll threads. Handlers never block:
 * a write or a CPU-heavy job suspends the connection (see complete() below).
 *
 * Suspend/complete handshake: the thread that queued the work suspends the
 * connection and then sets r->sync to 1; the thread that finishes the work
 * sets it to 2. Whichever comes second resumes the connection, so a write that
 * commits before the suspension is never lost.
 */
#include "http/app.h"
#include "http/internal.h"
#include "auth/auth.h"
#include "core/log.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <microhttpd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { ST_NEW = 0, ST_BODY, ST_PENDING, ST_READY };

extern const char hh_openapi_json[];
extern const size_t hh_openapi_json_len;

/* ---- small helpers ---- */

const char *hh_method_name(int m)
{
    switch (m) {
    case HH_GET: return "GET";
    case HH_POST: return "POST";
    case HH_PUT: return "PUT";
    case HH_PATCH: return "PATCH";
    case HH_DELETE: return "DELETE";
    default: return "?";
    }
}

static int method_of(const char *m)
{
    if (!strcmp(m, "GET") || !strcmp(m, "HEAD")) return HH_GET;
    if (!strcmp(m, "POST")) return HH_POST;
    if (!strcmp(m, "PUT")) return HH_PUT;
    if (!strcmp(m, "PATCH")) return HH_PATCH;
    if (!strcmp(m, "DELETE")) return HH_DELETE;
    return 0;
}

const char *hh_query(hh_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *hh_header(hh_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *hh_cookie(hh_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

json_t *hh_req_own(hh_req *r, json_t *v)
{
    if (v) hh_arena_defer(r->arena, (void (*)(void *))json_decref, v);
    return v;
}

/* ---- answers ---- */

static void set_body(hh_req *r, int status, char *text, size_t len, const char *ctype)
{
    json_decref(r->resp_json);
    r->resp_json = NULL;
    r->resp_text = NULL;
    free(r->resp);
    if (r->resp_fd > 0) close(r->resp_fd);
    r->resp_fd = 0;
    r->status = status;
    r->resp = text;
    r->resp_len = len;
    r->content_type = ctype;
}

void hh_reply(hh_req *r, int status, json_t *body)
{
    if (r->defer_json) {
        /* on the writer thread: the HTTP thread serialises it (queue_answer),
         * so the single writer spends no time on JSON text */
        set_body(r, status, hh_xstrdup(""), 0, "application/json; charset=utf-8");
        r->resp_json = body;
        return;
    }
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    HH_CHECK(text != NULL);
    set_body(r, status, text, strlen(text), "application/json; charset=utf-8");
}

hh_status hh_reply_file(hh_req *r, const char *path, const char *content_type, const char *disposition)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (fd >= 0) close(fd);
        return hh_fail(r, HH_E_NOT_FOUND, NULL, "文件不存在", "No such file");
    }
    if (r->resp_fd > 0) close(r->resp_fd);
    set_body(r, 200, hh_xstrdup(""), 0, content_type);
    r->resp_fd = fd;
    r->resp_fd_size = (uint64_t)sb.st_size;
    r->content_disposition = disposition;
    return HH_OK;
}

void hh_reply_raw(hh_req *r, int status, const char *content_type, char *body, size_t len)
{
    set_body(r, status, body, len, content_type);
}

void hh_reply_later(hh_req *r, int status, void (*text)(hh_req *r))
{
    set_body(r, status, hh_xstrdup(""), 0, "application/json; charset=utf-8");
    if (r->defer_json)
        r->resp_text = text; /* on the writer: hh__resp_text calls it */
    else
        text(r);
}

hh_status hh_fail(hh_req *r, hh_status st, const char *field, const char *zh, const char *en)
{
    r->err.st = st;
    r->err.field = field;
    r->err.zh = zh;
    r->err.en = en;
    return st;
}

static const struct {
    const char *zh, *en;
} default_msg[HH_STATUS_COUNT] = {
    [HH_E_INVALID] = {"请求内容有误", "The request is not valid"},
    [HH_E_UNPROCESSABLE] = {"请求无法处理", "The request cannot be processed"},
    [HH_E_MALFORMED] = {"请求内容不是有效的 JSON", "The request body is not valid JSON"},
    [HH_E_UNAUTHENTICATED] = {"请先登录", "Please sign in"},
    [HH_E_FORBIDDEN] = {"没有权限执行此操作", "You are not allowed to do this"},
    [HH_E_NOT_FOUND] = {"找不到该资源", "Not found"},
    [HH_E_METHOD] = {"不支持该请求方法", "Method not allowed"},
    [HH_E_CONFLICT] = {"与现有数据冲突", "This conflicts with existing data"},
    [HH_E_TOO_LARGE] = {"请求内容过大", "The request is too large"},
    [HH_E_MEDIA_TYPE] = {"请求内容须为 JSON (application/json)",
                         "The request body must be JSON (application/json)"},
    [HH_E_IDEMPOTENCY] = {"该幂等键已用于另一请求",
                          "This Idempotency-Key was used for a different request"},
    [HH_E_THROTTLED] = {"操作过于频繁，请稍后再试", "Too many attempts, please try again later"},
    [HH_E_STORAGE] = {"服务器存储出错，请稍后重试", "Storage error, please retry later"},
    [HH_E_UNAVAILABLE] = {"服务暂不可用，请稍后重试", "Service unavailable, please retry later"},
    [HH_E_NOMEM] = {"服务暂不可用，请稍后重试", "Service unavailable, please retry later"},
};

/* Turn a failed status (and r->err, when it matches) into the error answer. */
void hh__render_error(hh_req *r, hh_status st)
{
    const char *msg = NULL, *field = NULL;
    if (r->err.st == st) {
        msg = r->lang_en ? r->err.en : r->err.zh;
        field = r->err.field;
    }
    if (!msg) msg = r->lang_en ? default_msg[st].en : default_msg[st].zh;
    if (!msg) msg = hh_status_code(st);
    json_t *e = json_pack("{s:s, s:s}", "code", hh_status_code(st), "message", msg);
    if (field) json_object_set_new(e, "field", json_string(field));
    hh_reply(r, hh_status_http(st), json_pack("{s:o}", "error", e));
}

/* ---- completion of deferred work ---- */

void hh__complete(hh_req *r)
{
    r->state = ST_READY;
    if (atomic_exchange(&r->sync, 2) == 1) MHD_resume_connection(r->conn);
}

static void suspend(hh_req *r)
{
    MHD_suspend_connection(r->conn);
    if (atomic_exchange(&r->sync, 1) == 2) MHD_resume_connection(r->conn);
}

/* ---- static files ---- */

static const char *mime_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot) return "application/octet-stream";
    static const struct {
        const char *ext, *type;
    } t[] = {{".html", "text/html; charset=utf-8"},
             {".js", "text/javascript; charset=utf-8"},
             {".mjs", "text/javascript; charset=utf-8"},
             {".css", "text/css; charset=utf-8"},
             {".json", "application/json; charset=utf-8"},
             {".svg", "image/svg+xml"},
             {".png", "image/png"},
             {".jpg", "image/jpeg"},
             {".ico", "image/x-icon"},
             {".woff2", "font/woff2"},
             {".map", "application/json"},
             {".txt", "text/plain; charset=utf-8"}};
    for (size_t i = 0; i < HH_ARRAY_LEN(t); i++)
        if (!strcmp(dot, t[i].ext)) return t[i].type;
    return "application/octet-stream";
}

static const struct {
    const char *prefix, *dir;
    bool spa;
} web_mounts[] = {
    {"/admin/", "admin", true}, {"/staff/", "staff", true},  {"/m/", "member", true},
    {"/vendor/", "vendor", false}, {"/shared/", "shared", false},
};

/* Serve a file of the web root, or fall back to the app's index.html. */
static int serve_static(hh_req *r, struct MHD_Connection *c)
{
    for (size_t i = 0; i < HH_ARRAY_LEN(web_mounts); i++) {
        size_t pl = strlen(web_mounts[i].prefix);
        if (strncmp(r->path, web_mounts[i].prefix, pl)) continue;
        const char *rest = r->path + pl;
        if (strstr(rest, "..") || strchr(rest, '\\')) return -1;
        const char *file = hh_sprintf(r->arena, "%s/%s/%s", r->app->cfg.web_root,
                                      web_mounts[i].dir, *rest ? rest : "index.html");
        int fd = open(file, O_RDONLY | O_CLOEXEC);
        struct stat sb;
        if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
            close(fd);
            fd = -1;
        }
        if (fd < 0 && web_mounts[i].spa && !strchr(rest, '.')) {
            file = hh_sprintf(r->arena, "%s/%s/index.html", r->app->cfg.web_root,
                              web_mounts[i].dir);
            fd = open(file, O_RDONLY | O_CLOEXEC);
            if (fd >= 0 && fstat(fd, &sb) != 0) {
                close(fd);
                fd = -1;
            }
        }
        if (fd < 0) return -1;
        struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
        MHD_add_response_header(resp, "Content-Type", mime_of(file));
        MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(resp, "Cache-Control",
                                strstr(file, "index.html") ? "no-cache" : "public, max-age=300");
        r->status = 200;
        MHD_queue_response(c, 200, resp);
        MHD_destroy_response(resp);
        return 0;
    }
    return -1;
}

/* ---- dispatch ---- */

static hh_status healthz(hh_req *r)
{
    int64_t one = 0;
    hh_status st = hh_db_int(hh_store_reader(r->app->store), &one, "SELECT 1", HH_A());
    hh_reply(r, st == HH_OK ? 200 : 503,
             json_pack("{s:s, s:s, s:s}", "status", st == HH_OK ? "ok" : "degraded", "db",
                       st == HH_OK ? "ok" : "error", "version", HH_VERSION));
    return HH_OK;
}

static hh_status dispatch_api(hh_req *r)
{
    const char *idseg = NULL;
    int idx = hh_route_match(r->path, r->method, &idseg);
    if (idx == -1) return hh_fail(r, HH_E_NOT_FOUND, NULL, "接口不存在", "No such endpoint");
    if (idx == -2) return HH_E_METHOD;
    const hh_route *rt = &hh_routes[idx];
    r->route = rt;
    r->route_index = idx;
    if (idseg) {
        r->path_id_raw = idseg = hh_strdup(r->arena, idseg);
        if (strstr(rt->pattern, "{id}") && (!hh_parse_i64(idseg, &r->path_id) || r->path_id <= 0))
            return hh_fail(r, HH_E_NOT_FOUND, "id", "找不到该记录", "No such record");
    }
    if (r->body_too_large)
        return hh_fail(r, HH_E_TOO_LARGE, NULL, "请求内容过大", "The request body is too large");
    if (r->method & (HH_POST | HH_PUT | HH_PATCH)) {
        const char *ct = hh_header(r, "Content-Type");
        if (r->body_len && (!ct || strncasecmp(ct, "application/json", 16)))
            return HH_E_MEDIA_TYPE;
    }
    hh_status st = hh_auth_resolve(r);
    if (st != HH_OK) return st;
    if (r->method != HH_GET && !rt->no_idempotency) {
        const char *key = hh_header(r, "Idempotency-Key");
        if (key) {
            if (!hh_str_printable(key, 128))
                return hh_fail(r, HH_E_INVALID, "Idempotency-Key", "幂等键须为 1–128 个可见字符",
                               "Idempotency-Key must be 1–128 printable characters");
            r->idem_key = key;
        }
    }
    if (rt->auth == HH_AUTH_ACCOUNT && (rt->target || rt->action)) {
        st = hh_authz_route(r);
        if (st != HH_OK) return st;
    }
    return rt->handler(r);
}

static hh_status dispatch(hh_req *r)
{
    if (!strcmp(r->path, "/healthz")) {
        r->route_index = -3;
        return r->method == HH_GET ? healthz(r) : HH_E_METHOD;
    }
    if (!strcmp(r->path, "/metrics")) {
        r->route_index = -4;
        if (r->method != HH_GET) return HH_E_METHOD;
        size_t len;
        char *text = hh_metrics_render(r->app, &len);
        set_body(r, 200, text, len, "text/plain; version=0.0.4; charset=utf-8");
        return HH_OK;
    }
    if (!strcmp(r->path, "/api/openapi.json")) {
        r->route_index = -5;
        if (r->method != HH_GET) return HH_E_METHOD;
        char *text = hh_xmalloc(hh_openapi_json_len + 1);
        memcpy(text, hh_openapi_json, hh_openapi_json_len + 1);
        set_body(r, 200, text, hh_openapi_json_len, "application/json; charset=utf-8");
        return HH_OK;
    }
    if (!strncmp(r->path, "/api/", 5) || !strncmp(r->path, "/s/", 3) || !strncmp(r->path, "/p/", 3))
        return dispatch_api(r);
    return hh_fail(r, HH_E_NOT_FOUND, NULL, "页面不存在", "Page not found");
}

/* A JSON answer a write left as a value (hh_reply on the writer) or to be
 * made (hh_reply_later) becomes its text here, on the HTTP thread. */
void hh__resp_text(hh_req *r)
{
    if (r->resp_text) {
        void (*text)(hh_req *) = r->resp_text;
        r->resp_text = NULL;
        text(r);
        return;
    }
    if (!r->resp_json) return;
    char *text = json_dumps(r->resp_json, JSON_COMPACT);
    HH_CHECK(text != NULL);
    json_decref(r->resp_json);
    r->resp_json = NULL;
    free(r->resp);
    r->resp = text;
    r->resp_len = strlen(text);
}

static enum MHD_Result queue_answer(hh_req *r, struct MHD_Connection *c)
{
    struct MHD_Response *resp;
    hh__resp_text(r);
    if (r->resp_fd > 0) {
        resp = MHD_create_response_from_fd(r->resp_fd_size, r->resp_fd); /* MHD closes the fd */
        r->resp_fd = 0;
        free(r->resp);
    } else {
        resp = MHD_create_response_from_buffer(r->resp_len, r->resp, MHD_RESPMEM_MUST_FREE);
    }
    r->resp = NULL;
    MHD_add_response_header(resp, "Content-Type", r->content_type);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->set_cookie) MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
    if (r->location) MHD_add_response_header(resp, "Location", r->location);
    if (r->content_disposition) MHD_add_response_header(resp, "Content-Disposition", r->content_disposition);
    if (r->replayed) MHD_add_response_header(resp, "Idempotent-Replayed", "true");
    if (r->status == 405) {
        char allow[64] = "";
        if (r->route_index >= 0 || r->route_index == -1) {
            /* list the methods the path accepts */
            for (int m = HH_GET; m <= HH_DELETE; m <<= 1) {
                const char *seg;
                if (hh_route_match(r->path, m, &seg) >= 0) {
                    if (*allow) strcat(allow, ", ");
                    strcat(allow, hh_method_name(m));
                }
            }
        } else {
            strcpy(allow, "GET");
        }
        MHD_add_response_header(resp, "Allow", allow);
    }
    if (r->status == 429) MHD_add_response_header(resp, "Retry-After", "60");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void finish_status(hh_req *r, hh_status st)
{
    if (st == HH_PENDING) return;
    if (st != HH_OK)
        hh__render_error(r, st);
    else if (!r->resp)
        hh_reply(r, 200, json_pack("{s:b}", "ok", 1));
    r->state = ST_READY;
}

static int64_t upload_cap(const hh_req *r)
{
    return r->route && r->route->auth == HH_AUTH_MEMBER ? HH_MAX_MEMBER_UPLOAD : HH_MAX_UPLOAD;
}

/* Upload routes: check who is asking before any byte is stored, then open the
 * file the body streams into. HH_OK also for routes that are not uploads. */
static hh_status start_upload(hh_req *r)
{
    const char *seg = NULL;
    int idx = hh_route_match(r->path, HH_POST, &seg);
    if (idx < 0 || !hh_routes[idx].upload) return HH_OK;
    r->route = &hh_routes[idx];
    r->route_index = idx;
    hh_status st = hh_auth_resolve(r);
    if (st == HH_OK && (r->route->target || r->route->action)) st = hh_authz_route(r);
    if (st != HH_OK) return st;
    char name[40];
    hh_random_token(name, 12);
    r->upload_path = hh_sprintf(r->arena, "%s/upload-%s.part", r->app->files_dir, name);
    r->upload_fd = open(r->upload_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (r->upload_fd < 0) {
        hh_error("http.upload_open_failed", "{s:s}", "path", r->upload_path);
        return hh_fail(r, HH_E_UNAVAILABLE, NULL, "服务器无法保存上传的文件", "The server cannot store the upload");
    }
    return HH_OK;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)version;
    hh_app *app = cls;
    hh_req *r = *con_cls;
    if (!r) {
        hh_arena *a = hh_arena_new(8192);
        r = hh_alloc(a, sizeof(*r));
        r->arena = a;
        r->app = app;
        r->conn = c;
        r->t0_ns = hh_mono_ns();
        r->method = method_of(method);
        r->method_name = hh_strdup(a, method);
        r->path = hh_strdup(a, url);
        r->route_index = -1;
        const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
        r->lang_en = al && !strncasecmp(al, "en", 2);
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ci && ci->client_addr) {
            char buf[64] = "";
            const struct sockaddr *sa = ci->client_addr;
            if (sa->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, sizeof buf);
            else if (sa->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof buf);
            r->client_ip = hh_strdup(a, buf);
        } else {
            r->client_ip = "";
        }
        *con_cls = r;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        int64_t clen;
        if (r->method == HH_POST && start_upload(r) != HH_OK) {
            finish_status(r, r->err.st ? r->err.st : HH_E_UNAVAILABLE);
            return queue_answer(r, c);
        }
        int64_t cap = r->upload_path ? upload_cap(r) : (int64_t)app->cfg.max_body;
        if (cl && hh_parse_i64(cl, &clen) && clen > cap) {
            r->body_too_large = true;
            /* A body somewhat over the cap is read and dropped so that the
             * client, still sending, reads the 413 instead of a reset; a huge
             * one is answered at once and the connection closed. */
            if (clen > 16 * cap && !strncmp(r->path, "/api/", 5)) {
                finish_status(r, hh_fail(r, HH_E_TOO_LARGE, NULL, "请求内容过大",
                                         "The request body is too large"));
                return queue_answer(r, c);
            }
        }
        r->state = ST_BODY;
        return MHD_YES;
    }

    if (r->state == ST_BODY && *upload_size && r->upload_path) {
        size_t n = *upload_size;
        if (!r->body_too_large && r->upload_len + (int64_t)n <= upload_cap(r)) {
            for (size_t off = 0; off < n;) {
                ssize_t w = write(r->upload_fd, upload_data + off, n - off);
                if (w <= 0) {
                    r->body_too_large = true; /* disk full: answered 413/503 below */
                    break;
                }
                off += (size_t)w;
            }
            r->upload_len += (int64_t)n;
        } else {
            r->body_too_large = true;
        }
        *upload_size = 0;
        return MHD_YES;
    }

    if (r->state == ST_BODY && *upload_size) {
        size_t n = *upload_size;
        if (!r->body_too_large && r->body_len + n <= app->cfg.max_body) {
            if (r->body_len + n + 1 > r->body_cap) {
                size_t cap = r->body_cap ? r->body_cap : 1024;
                while (cap < r->body_len + n + 1) cap *= 2;
                char *nb = hh_alloc(r->arena, cap);
                if (r->body_len) memcpy(nb, r->body, r->body_len);
                r->body = nb;
                r->body_cap = cap;
            }
            memcpy(r->body + r->body_len, upload_data, n);
            r->body_len += n;
            r->body[r->body_len] = 0;
        } else {
            r->body_too_large = true;
        }
        *upload_size = 0;
        return MHD_YES;
    }

    if (r->state == ST_BODY) {
        if (!r->method) {
            finish_status(r, HH_E_METHOD);
            return queue_answer(r, c);
        }
        if (r->method == HH_GET && serve_static(r, c) == 0) {
            r->state = ST_READY;
            r->route_index = -6;
            return MHD_YES;
        }
        if (r->method == HH_GET && !strcmp(r->path, "/")) {
            r->location = "/admin/";
            set_body(r, 302, hh_xstrdup(""), 0, "text/plain");
            r->state = ST_READY;
            return queue_answer(r, c);
        }
        r->state = ST_PENDING;
        hh_status st = dispatch(r);
        if (st == HH_PENDING) {
            suspend(r);
            return MHD_YES;
        }
        finish_status(r, st);
        return queue_answer(r, c);
    }

    if (r->state == ST_READY && r->resp) return queue_answer(r, c);
    return MHD_YES;
}

/* Text that is the same inside a JSON string: printable ASCII without " or \. */
static bool plain(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\') return false;
    return true;
}

/* The access log line of the common request, formatted directly (as
 * json_dumps makes it: same keys, same order, the real as %.6g); false when a
 * text needs escaping and the line is left to jansson. */
static bool access_line(hh_req *r, int status, int64_t ns)
{
    const char *route = r->route ? r->route->pattern : "", *ip = r->client_ip ? r->client_ip : "";
    if (!plain(r->method_name) || !plain(r->path) || !plain(route) || !plain(ip)) return false;
    char ms[40], who[40] = "";
    int k = snprintf(ms, sizeof ms, "%.6g", (double)ns / 1e6);
    if (k <= 0 || (size_t)k >= sizeof ms - 2) return false;
    if (!strpbrk(ms, ".eE")) strcat(ms, ".0");
    char *e = strchr(ms, 'e');
    if (e) { /* jansson writes 1e-5, not 1e-05 */
        char *d = e + 1, *from = d;
        if (*from == '+') from++;
        else if (*from == '-') d++, from++;
        while (*from == '0' && from[1]) from++;
        memmove(d, from, strlen(from) + 1);
    }
    if (r->who.role) snprintf(who, sizeof who, ",\"principal\":%lld", (long long)r->who.id);
    size_t cap = strlen(r->path) + strlen(route) + strlen(ip) + 256;
    char stack[1024], *line = cap <= sizeof stack ? stack : hh_xmalloc(cap);
    int n = snprintf(line, cap,
                     "{\"ts\":%lld,\"method\":\"%s\",\"path\":\"%s\",\"route\":\"%s\",\"status\":%d,\"ms\":%s,"
                     "\"ip\":\"%s\"%s%s}",
                     (long long)hh_now_ms(), r->method_name, r->path, route, status, ms, ip, who,
                     r->replayed ? ",\"replayed\":true" : "");
    if (n > 0 && (size_t)n < cap) hh_log_access_line(line, (size_t)n);
    if (line != stack) free(line);
    return n > 0 && (size_t)n < cap;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    hh_req *r = *con_cls;
    if (!r) return;
    int64_t ns = hh_mono_ns() - r->t0_ns;
    int status = r->status ? r->status : (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? 200 : 499);
    hh_metrics_observe(r->route_index, status, ns);
    if (r->app->cfg.access_log && *r->app->cfg.access_log && !access_line(r, status, ns)) {
        json_t *line = json_pack("{s:I, s:s, s:s, s:s, s:i, s:f, s:s}", "ts", (json_int_t)hh_now_ms(),
                                 "method", r->method_name, "path", r->path, "route",
                                 r->route ? r->route->pattern : "", "status", status, "ms",
                                 (double)ns / 1e6, "ip", r->client_ip ? r->client_ip : "");
        if (r->who.role) json_object_set_new(line, "principal", json_integer(r->who.id));
        if (r->replayed) json_object_set_new(line, "replayed", json_true());
        hh_log_access(line);
    }
    free(r->resp);
    json_decref(r->resp_json);
    if (r->resp_fd > 0) close(r->resp_fd);
    if (r->upload_fd > 0) close(r->upload_fd);
    if (r->upload_path) unlink(r->upload_path); /* a handler that keeps it renames it first */
    hh_arena_free(r->arena);
    *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == '\n')) buf[--n] = 0;
    hh_warn("http.mhd", "{s:s}", "message", buf);
}

hh_status hh_server_start(hh_app *app)
{
    hh_metrics_init();
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)app->cfg.port)};
    if (inet_pton(AF_INET, app->cfg.listen, &sa.sin_addr) != 1) {
        hh_error("http.bad_listen", "{s:s}", "listen", app->cfg.listen);
        return HH_E_INVALID;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)app->cfg.port, NULL, NULL, on_request, app,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg.threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)app->cfg.max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)app->cfg.idle_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024), /* caps headers too */
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, app,
        MHD_OPTION_END);
    if (!d) {
        hh_error("http.start_failed", "{s:s, s:i}", "listen", app->cfg.listen, "port", app->cfg.port);
        return HH_E_UNAVAILABLE;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    app->bound_port = di ? di->port : app->cfg.port;
    app->daemon = d;
    return HH_OK;
}

void hh_server_stop(hh_app *app)
{
    if (!app->daemon) return;
    MHD_quiesce_daemon(app->daemon);
    MHD_stop_daemon(app->daemon);
    app->daemon = NULL;
}
