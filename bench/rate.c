/*
 * rate.c — a constant-rate (open-loop) HTTP load generator for one kind of
 * POST whose body changes per request, with latencies measured from the
 * moment each request was *due*, not from when a connection became free (so
 * queueing behind a slow answer counts: no coordinated omission).
 *
 *   rate -h 127.0.0.1 -p 8080 -P /api/counter/redemptions -t TOKEN \
 *        -r 5000 -d 10 -w 2 -c 256 -f bodies.txt
 *
 * bodies.txt holds one JSON body per line; request i sends line i (each line
 * at most once: a run needs rate × (warm-up + duration) lines). A timerfd
 * ticks at the request interval; every tick sends the requests that are due
 * on idle keep-alive connections (requests wait in order when all are busy).
 * Answers are read by Content-Length. Prints one line
 *   RATE_RESULT {"sent":…, "ok_2xx":…, "non_2xx":…, "errors":…, "p50_ms":…, …}
 * for the measured window (warm-up answers are not counted) and exits 1 on
 * socket errors.
 *
 * Linux only (epoll, timerfd). Build: cc -O2 -o rate bench/rate.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONN 4096
#define RBUF 65536

typedef struct {
    int fd;
    int busy;           /* a request is in flight */
    int64_t due_ns;     /* when the request in flight was due */
    int measured;       /* it falls in the measured window */
    char *out;          /* unsent part of the request */
    size_t out_len, out_off;
    char in[RBUF];
    size_t in_len;
} conn;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
    perror(what);
    exit(2);
}

static int connect_to(const char *host, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
        fprintf(stderr, "rate: %s is not an IPv4 address\n", host);
        exit(2);
    }
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* One whole answer in c->in? Returns its length (headers + body), 0 if not
 * yet, and sets *status. */
static size_t answer_len(conn *c, int *status)
{
    c->in[c->in_len < RBUF ? c->in_len : RBUF - 1] = 0;
    char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
    if (!end) return 0;
    size_t head = (size_t)(end - c->in) + 4;
    *status = atoi(c->in + 9);
    size_t body = 0;
    for (char *p = c->in; p < end; p++) {
        if ((*p == '\n' || p == c->in) && !strncasecmp(p + (*p == '\n'), "content-length:", 15)) {
            body = (size_t)strtoul(p + (*p == '\n') + 15, NULL, 10);
            break;
        }
    }
    return c->in_len >= head + body ? head + body : 0;
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *path = "/", *token = NULL, *file = NULL;
    int port = 8080, nconn = 256, opt;
    double rate = 1000, duration = 10, warmup = 2;
    while ((opt = getopt(argc, argv, "h:p:P:t:r:d:w:c:f:")) != -1) {
        switch (opt) {
        case 'h': host = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'P': path = optarg; break;
        case 't': token = optarg; break;
        case 'r': rate = atof(optarg); break;
        case 'd': duration = atof(optarg); break;
        case 'w': warmup = atof(optarg); break;
        case 'c': nconn = atoi(optarg); break;
        case 'f': file = optarg; break;
        default:
            fprintf(stderr, "usage: rate -h HOST -p PORT -P PATH -t TOKEN -r RATE -d SECONDS -w WARMUP -c CONNS -f BODIES\n");
            return 2;
        }
    }
    if (!file || !token || rate <= 0 || duration <= 0 || nconn < 1 || nconn > MAX_CONN) {
        fprintf(stderr, "rate: -f BODIES and -t TOKEN are required; 0 < conns <= %d\n", MAX_CONN);
        return 2;
    }

    /* the requests, built up front */
    int64_t total = (int64_t)(rate * (warmup + duration));
    FILE *f = fopen(file, "r");
    if (!f) die(file);
    char **req = calloc((size_t)total, sizeof *req);
    size_t *req_len = calloc((size_t)total, sizeof *req_len);
    char *line = NULL;
    size_t cap = 0;
    int64_t n = 0;
    ssize_t got;
    while (n < total && (got = getline(&line, &cap, f)) > 0) {
        while (got && (line[got - 1] == '\n' || line[got - 1] == '\r')) line[--got] = 0;
        if (!got) continue;
        req_len[n] = (size_t)asprintf(&req[n],
                                      "POST %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n"
                                      "Content-Type: application/json\r\nContent-Length: %zd\r\n\r\n%s",
                                      path, host, port, token, got, line);
        n++;
    }
    fclose(f);
    free(line);
    if (n < total) {
        fprintf(stderr, "rate: %s has %lld bodies; %.0f/s for %.0f+%.0f s needs %lld\n", file, (long long)n, rate,
                warmup, duration, (long long)total);
        return 2;
    }

    int ep = epoll_create1(0);
    conn *cs = calloc((size_t)nconn, sizeof *cs);
    for (int i = 0; i < nconn; i++) {
        cs[i].fd = connect_to(host, port);
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u32 = (uint32_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev) < 0) die("epoll_ctl");
    }
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    int64_t interval = (int64_t)(1e9 / rate);
    struct itimerspec its = {.it_interval = {interval / 1000000000LL, interval % 1000000000LL},
                             .it_value = {0, 1}};
    struct epoll_event tev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &tev);

    int64_t *lat = calloc((size_t)total, sizeof *lat);
    int64_t nlat = 0, ok = 0, bad = 0, errors = 0, sent = 0, done = 0, measured_sent = 0;
    int64_t next = 0; /* next request to send (in order) */
    int *idle = calloc((size_t)nconn, sizeof *idle), nidle = nconn;
    for (int i = 0; i < nconn; i++) idle[i] = nconn - 1 - i;
    int64_t t0 = now_ns() + 1000, warm_ns = (int64_t)(warmup * 1e9);
    int64_t max_lat = 0;
    timerfd_settime(tfd, 0, &its, NULL);

    while (done < total) {
        struct epoll_event evs[512];
        int k = epoll_wait(ep, evs, 512, 1000);
        if (k < 0 && errno != EINTR) die("epoll_wait");
        for (int e = 0; e < k; e++) {
            uint32_t id = evs[e].data.u32;
            if (id == UINT32_MAX) {
                uint64_t ticks;
                while (read(tfd, &ticks, sizeof ticks) > 0) {}
                continue;
            }
            conn *c = &cs[id];
            if (evs[e].events & (EPOLLERR | EPOLLHUP)) {
                fprintf(stderr, "rate: connection %u closed\n", id);
                errors++;
                return 1;
            }
            /* flush */
            while (c->busy && c->out_off < c->out_len) {
                ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
                if (w < 0) {
                    if (errno == EAGAIN) break;
                    die("write");
                }
                c->out_off += (size_t)w;
            }
            /* read answers */
            for (;;) {
                ssize_t r = read(c->fd, c->in + c->in_len, RBUF - 1 - c->in_len);
                if (r < 0 && errno == EAGAIN) break;
                if (r <= 0) {
                    fprintf(stderr, "rate: the server closed connection %u\n", id);
                    return 1;
                }
                c->in_len += (size_t)r;
                int status = 0;
                size_t len;
                while (c->busy && (len = answer_len(c, &status))) {
                    int64_t l = now_ns() - c->due_ns;
                    if (c->measured) {
                        lat[nlat++] = l;
                        if (l > max_lat) max_lat = l;
                        if (status >= 200 && status < 300) ok++;
                        else bad++;
                    }
                    done++;
                    memmove(c->in, c->in + len, c->in_len - len);
                    c->in_len -= len;
                    c->busy = 0;
                    idle[nidle++] = (int)id;
                }
            }
        }
        /* send what is due, in order, on idle connections */
        int64_t t = now_ns();
        int64_t due_upto = (t - t0) / interval + 1;
        if (due_upto > total) due_upto = total;
        while (next < due_upto && nidle > 0) {
            conn *c = &cs[idle[--nidle]];
            c->busy = 1;
            c->due_ns = t0 + next * interval;
            c->measured = c->due_ns - t0 >= warm_ns;
            measured_sent += c->measured;
            c->out = req[next];
            c->out_len = req_len[next];
            c->out_off = 0;
            next++;
            sent++;
            while (c->out_off < c->out_len) {
                ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
                if (w < 0) {
                    if (errno == EAGAIN) break;
                    die("write");
                }
                c->out_off += (size_t)w;
            }
        }
    }
    int64_t elapsed = now_ns() - t0;
    qsort(lat, (size_t)nlat, sizeof *lat, cmp_i64);
#define PCT(p) (nlat ? lat[(int64_t)((double)(nlat - 1) * (p))] / 1e6 : 0.0)
    printf("RATE_RESULT {\"rate\":%.0f,\"seconds\":%.1f,\"warmup\":%.1f,\"connections\":%d,\"sent\":%lld,"
           "\"measured\":%lld,\"ok_2xx\":%lld,\"non_2xx\":%lld,\"errors\":%lld,\"achieved_per_s\":%.1f,"
           "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f}\n",
           rate, duration, warmup, nconn, (long long)sent, (long long)measured_sent, (long long)ok, (long long)bad,
           (long long)errors, (double)(ok + bad) / ((double)elapsed / 1e9 - warmup), PCT(0.50), PCT(0.90), PCT(0.99),
           PCT(0.999), (double)max_lat / 1e6);
    return errors ? 1 : 0;
}
