/*
 * throttle.c — login throttling in memory: a fixed window per key (a login
 * name, or a client address) counting failures. A key with `limit` failures
 * in the current 15-minute window is refused until the window ends. The table
 * is a fixed-size hash; a colliding newer key takes the slot (an attacker can
 * at worst reset someone's counter by flooding, never lock them out longer).
 * One process only: several instances would keep this in the shared store.
 */
#include "auth/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#define SLOTS 4096
#define WINDOW_MS (15 * 60 * 1000)

static struct {
    unsigned char key[16];
    int64_t window_start;
    int failures;
} slots[SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static size_t slot_for(const char *key, unsigned char h[16])
{
    crypto_generichash(h, 16, (const unsigned char *)key, strlen(key), NULL, 0);
    size_t s;
    memcpy(&s, h, sizeof s);
    return s % SLOTS;
}

bool hh_throttle_blocked(const char *key, int limit)
{
    unsigned char h[16];
    size_t i = slot_for(key, h);
    int64_t now = hh_now_ms();
    pthread_mutex_lock(&mu);
    bool blocked = !memcmp(slots[i].key, h, 16) && now - slots[i].window_start < WINDOW_MS &&
                   slots[i].failures >= limit;
    pthread_mutex_unlock(&mu);
    return blocked;
}

void hh_throttle_fail(const char *key)
{
    unsigned char h[16];
    size_t i = slot_for(key, h);
    int64_t now = hh_now_ms();
    pthread_mutex_lock(&mu);
    if (memcmp(slots[i].key, h, 16) || now - slots[i].window_start >= WINDOW_MS) {
        memcpy(slots[i].key, h, 16);
        slots[i].window_start = now;
        slots[i].failures = 0;
    }
    slots[i].failures++;
    pthread_mutex_unlock(&mu);
}

void hh_throttle_reset(const char *key)
{
    unsigned char h[16];
    size_t i = slot_for(key, h);
    pthread_mutex_lock(&mu);
    if (!memcmp(slots[i].key, h, 16)) slots[i].failures = 0;
    pthread_mutex_unlock(&mu);
}
