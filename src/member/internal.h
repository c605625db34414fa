/*
 * internal.h — what crosses files inside the member module (hh__ prefix).
 */
#ifndef HH_MEMBER_INTERNAL_H
#define HH_MEMBER_INTERNAL_H

#include "member/member.h"

/* Profile fields shared by the member's own edit and the admin edit. */
typedef struct hh__profile {
    const char *name, *gender, *birthday, *city_code;
    bool has_name, has_gender, has_birthday, has_city;
    bool sms, wechat, has_sms, has_wechat;
    const char *source;
} hh__profile;

hh_status hh__read_profile(hh_req *r, hh__profile *in);
hh_status hh__write_profile(hh_db *tx, int64_t member_id, const hh__profile *in);

/* An imported legacy number is kept on the member row (members.legacy_no);
 * its identity id is this base plus the member id (view member_identity_list,
 * migration 11). Identities bound through the API are member_identities rows. */
#define HH__ROW_IDENTITY_BASE INT64_C(4503599627370496) /* 2^52 */

/* Normalise a phone field for identification (mobile only), naming `field`. */
hh_status hh__read_mobile(hh_req *r, const char *field, char out[24]);

#endif
