/*
 * code.c — signed short codes (see touch.h).
 */
#include "touch/touch.h"
#include "core/log.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford */
#define MAC_CHARS 8

static int digit_of(char c)
{
    c = (char)toupper((unsigned char)c);
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    const char *p = strchr(alphabet, c);
    return c && p ? (int)(p - alphabet) : -1;
}

static void mac_chars(const unsigned char *key, const char *ns, const char *payload, char out[MAC_CHARS + 1])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, HH_CODE_KEY_BYTES);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ns, strlen(ns));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)":", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)payload, strlen(payload));
    crypto_auth_hmacsha256_final(&st, mac);
    uint64_t bits = 0;
    for (int i = 0; i < 5; i++) bits = bits << 8 | mac[i];
    for (int i = MAC_CHARS - 1; i >= 0; i--) {
        out[i] = alphabet[bits & 31];
        bits >>= 5;
    }
    out[MAC_CHARS] = 0;
}

void hh_code_encode(const unsigned char *key, const char *ns, int64_t id, char out[HH_CODE_MAX])
{
    char rev[16];
    int n = 0;
    uint64_t v = (uint64_t)id;
    do {
        rev[n++] = alphabet[v & 31];
        v >>= 5;
    } while (v && n < 15);
    for (int i = 0; i < n; i++) out[i] = rev[n - 1 - i];
    out[n] = 0;
    mac_chars(key, ns, out, out + n);
}

bool hh_code_decode(const unsigned char *key, const char *ns, const char *code, int64_t *id)
{
    char norm[HH_CODE_MAX];
    size_t n = 0;
    for (const char *p = code; *p; p++) {
        if (*p == '-') continue;
        int d = digit_of(*p);
        if (d < 0 || n >= sizeof norm - 1) return false;
        norm[n++] = alphabet[d];
    }
    norm[n] = 0;
    if (n <= MAC_CHARS || n > MAC_CHARS + 13) return false;
    char payload[16], want[MAC_CHARS + 1];
    size_t pl = n - MAC_CHARS;
    memcpy(payload, norm, pl);
    payload[pl] = 0;
    mac_chars(key, ns, payload, want);
    if (sodium_memcmp(want, norm + pl, MAC_CHARS) != 0) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < pl; i++) {
        if (v >> 59) return false;
        v = v << 5 | (uint64_t)digit_of(payload[i]);
    }
    if (!v || v > INT64_MAX) return false;
    *id = (int64_t)v;
    return true;
}

typedef struct {
    unsigned char *key;
    bool found;
} key_ctx;

static hh_status key_apply(hh_db *tx, void *ud)
{
    key_ctx *k = ud;
    json_t *row;
    hh_status st = hh_db_one(tx, &row, "SELECT value FROM app_secrets WHERE name = 'code_key'", HH_A());
    if (st == HH_OK) {
        const char *hex = json_string_value(json_object_get(row, "value"));
        size_t len = 0;
        if (hex && sodium_hex2bin(k->key, HH_CODE_KEY_BYTES, hex, strlen(hex), NULL, &len, NULL) == 0 &&
            len == HH_CODE_KEY_BYTES)
            k->found = true;
        json_decref(row);
        return k->found ? HH_OK : HH_E_STORAGE;
    }
    if (st != HH_E_NOT_FOUND) return st;
    randombytes_buf(k->key, HH_CODE_KEY_BYTES);
    char hex[HH_CODE_KEY_BYTES * 2 + 1];
    hh_hex(hex, k->key, HH_CODE_KEY_BYTES);
    return hh_db_run(tx, NULL, "INSERT INTO app_secrets (name, value) VALUES ('code_key', ?)", HH_A(HH_S(hex)));
}

hh_status hh_code_key_load(hh_store *store, unsigned char key[HH_CODE_KEY_BYTES])
{
    key_ctx k = {.key = key};
    hh_status st = hh_store_write_sync(store, key_apply, &k);
    if (st) hh_error("touch.key_failed", "{s:s}", "status", hh_status_code(st));
    return st;
}
