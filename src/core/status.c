/*
 * status.c — the one table mapping hh_status to a machine code and an HTTP
 * status. Nothing else in the tree decides HTTP status numbers for errors.
 */
#include "core/hh.h"

static const struct {
    const char *code;
    int http;
} table[HH_STATUS_COUNT] = {
    [HH_OK] = {"ok", 200},
    [HH_PENDING] = {"pending", 202},
    [HH_E_INVALID] = {"invalid", 400},
    [HH_E_UNPROCESSABLE] = {"unprocessable", 422},
    [HH_E_MALFORMED] = {"malformed_json", 400},
    [HH_E_UNAUTHENTICATED] = {"unauthenticated", 401},
    [HH_E_FORBIDDEN] = {"forbidden", 403},
    [HH_E_NOT_FOUND] = {"not_found", 404},
    [HH_E_METHOD] = {"method_not_allowed", 405},
    [HH_E_CONFLICT] = {"conflict", 409},
    [HH_E_TOO_LARGE] = {"too_large", 413},
    [HH_E_MEDIA_TYPE] = {"unsupported_media_type", 415},
    [HH_E_IDEMPOTENCY] = {"idempotency_mismatch", 422},
    [HH_E_THROTTLED] = {"throttled", 429},
    [HH_E_STORAGE] = {"storage", 500},
    [HH_E_UNAVAILABLE] = {"unavailable", 503},
    [HH_E_NOMEM] = {"unavailable", 503},
};

const char *hh_status_code(hh_status st)
{
    return (unsigned)st < HH_STATUS_COUNT ? table[st].code : "internal";
}

int hh_status_http(hh_status st)
{
    return (unsigned)st < HH_STATUS_COUNT ? table[st].http : 500;
}
