/*
 * phone.h — phone numbers through libphonenumber, behind a small C interface.
 * The phone number is the one ID of a person, so every number that enters the
 * system is normalised to E.164 here first.
 */
#ifndef HH_PHONE_H
#define HH_PHONE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    HH_PHONE_OK = 0,
    HH_PHONE_EMPTY,        /* nothing given */
    HH_PHONE_UNPARSABLE,   /* not a phone number at all */
    HH_PHONE_INVALID,      /* parses, but no such number exists */
    HH_PHONE_NOT_MOBILE,   /* a landline, short code or service number */
} hh_phone_result;

#define HH_PHONE_MAX 24 /* "+" and at most 15 digits, with room */

/*
 * Normalise `input` (as typed: spaces, dashes, "+86", "0086", national form)
 * to E.164 in `out` (HH_PHONE_MAX bytes). `region` is the ISO 3166 default
 * region for numbers without a country code ("CN" when NULL). With
 * `mobile_only`, fixed lines and other non-mobile types are refused (numbers
 * whose type libphonenumber cannot tell apart, FIXED_LINE_OR_MOBILE, pass).
 */
hh_phone_result hh_phone_normalize(const char *input, const char *region, bool mobile_only,
                                   char out[HH_PHONE_MAX]);

/* Is the 11-digit mainland number (digits only, no prefix) a valid mobile?
 * The same answer as hh_phone_normalize(…, "CN", true, …) without parsing:
 * for bulk imports. */
bool hh_phone_cn_mobile_valid(const char *digits11);

/* "+8613812345678" → "138****5678"; other countries keep the country code:
 * "+85291234567" → "+852 9***4567". out must hold HH_PHONE_MAX + 8 bytes. */
void hh_phone_mask(const char *e164, char *out, size_t outlen);

#endif
