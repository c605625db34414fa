/*
 * member.h — members sign in on the member H5 with their phone number and a
 * one-time SMS code. The phone number (E.164) is the one ID of a person.
 */
#ifndef HH_MEMBER_H
#define HH_MEMBER_H

#include "http/http.h"

hh_status hh_h_member_context(hh_req *r);
hh_status hh_h_member_otp(hh_req *r);
hh_status hh_h_member_login(hh_req *r);
hh_status hh_h_member_logout(hh_req *r);
hh_status hh_h_member_me(hh_req *r);
hh_status hh_h_sms_outbox(hh_req *r);

/* SMS: queue a message in the outbox inside the caller's write and hand it to
 * the configured provider. kind is "otp" or "marketing" (marketing messages
 * get the opt-out line). */
hh_status hh_sms_send(hh_db *tx, hh_req *r, int64_t enterprise_id, const char *phone,
                      const char *kind, const char *text);

#endif
