/*
 * async.c — a small pool of worker threads for CPU-heavy request work
 * (password hashing) so that libmicrohttpd threads stay free to serve.
 * Jobs run in submission order; the pool size bounds their memory use
 * (argon2id takes 64 MiB per hash).
 */
#include "http/app.h"

#include <pthread.h>

typedef struct job {
    void (*fn)(void *);
    void *arg;
    struct job *next;
} job;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static job *head, *tail;
static bool stopping;
static pthread_t threads[16];
static int nthreads;

static void *worker_main(void *unused)
{
    (void)unused;
    pthread_setname_np(pthread_self(), "hh-worker");
    for (;;) {
        pthread_mutex_lock(&mu);
        while (!head && !stopping) pthread_cond_wait(&cv, &mu);
        if (!head) {
            pthread_mutex_unlock(&mu);
            return NULL;
        }
        job *j = head;
        head = j->next;
        if (!head) tail = NULL;
        pthread_mutex_unlock(&mu);
        j->fn(j->arg);
        free(j);
    }
}

void hh_workers_start(int n)
{
    stopping = false;
    if (n < 1) n = 1;
    if (n > 16) n = 16;
    for (nthreads = 0; nthreads < n; nthreads++)
        if (pthread_create(&threads[nthreads], NULL, worker_main, NULL) != 0) break;
}

void hh_workers_stop(void)
{
    pthread_mutex_lock(&mu);
    stopping = true;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < nthreads; i++) pthread_join(threads[i], NULL);
    nthreads = 0;
}

void hh_workers_submit(void (*fn)(void *), void *arg)
{
    job *j = hh_xmalloc(sizeof(*j));
    j->fn = fn;
    j->arg = arg;
    j->next = NULL;
    pthread_mutex_lock(&mu);
    if (tail)
        tail->next = j;
    else
        head = j;
    tail = j;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
}
