/*
 * org.h — the organisation: enterprise → brands → stores (with the brands a
 * counter serves) → staff, and the accounts that sign in.
 */
#ifndef HH_ORG_H
#define HH_ORG_H

#include "http/http.h"

/* An account as the API shows it (never the password hash). */
hh_status hh_account_get(hh_db *db, int64_t id, json_t **out);

hh_status hh_h_overview(hh_req *r);
hh_status hh_h_divisions(hh_req *r);

hh_status hh_h_brands_list(hh_req *r);
hh_status hh_h_brand_get(hh_req *r);
hh_status hh_h_brand_create(hh_req *r);
hh_status hh_h_brand_update(hh_req *r);
hh_status hh_h_brand_archive(hh_req *r);

hh_status hh_h_stores_list(hh_req *r);
hh_status hh_h_store_get(hh_req *r);
hh_status hh_h_store_create(hh_req *r);
hh_status hh_h_store_update(hh_req *r);
hh_status hh_h_store_archive(hh_req *r);

hh_status hh_h_staff_list(hh_req *r);
hh_status hh_h_staff_get(hh_req *r);
hh_status hh_h_staff_create(hh_req *r);
hh_status hh_h_staff_update(hh_req *r);
hh_status hh_h_staff_archive(hh_req *r);

hh_status hh_h_accounts_list(hh_req *r);
hh_status hh_h_account_get(hh_req *r);
hh_status hh_h_account_create(hh_req *r);
hh_status hh_h_account_update(hh_req *r);
hh_status hh_h_account_disable(hh_req *r);

/* Map a uniqueness conflict to an error naming `field`. */
hh_status hh__conflict(hh_req *r, const char *field, const char *zh, const char *en);

#endif
