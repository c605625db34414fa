/*
 * routes.c — every API route, with what it needs before its handler runs:
 * the kind of principal (auth), the authorisation action, and the kind of
 * object its {id} names, whether Idempotency-Key is refused (auth endpoints)
 * and whether the body is a file upload. docs/openapi.json documents each of them; the API
 * test suite fails when a route here is missing there.
 */
#include "auth/auth.h"
#include "http/http.h"
#include "member/member.h"
#include "points/mall.h"
#include "points/points.h"
#include "reward/reward.h"
#include "org/org.h"
#include "touch/touch.h"

#define A HH_AUTH_ACCOUNT
#define M HH_AUTH_MEMBER
#define N HH_AUTH_NONE

const hh_route hh_routes[] = {
    /* sessions */
    {HH_POST, "/api/auth/login", hh_h_login, N, 0, 0, true, false},
    {HH_POST, "/api/auth/logout", hh_h_logout, A, HH_ACT_NONE, 0, true, false},
    {HH_GET, "/api/auth/me", hh_h_me, A, HH_ACT_NONE, 0, false, false},
    {HH_POST, "/api/auth/password", hh_h_password, A, HH_ACT_NONE, 0, false, false},

    /* organisation */
    {HH_GET, "/api/overview", hh_h_overview, A, HH_ACT_READ, 0, false, false},
    {HH_GET, "/api/divisions", hh_h_divisions, A, HH_ACT_NONE, 0, false, false},
    {HH_GET, "/api/brands", hh_h_brands_list, A, HH_ACT_READ, 0, false, false},
    {HH_POST, "/api/brands", hh_h_brand_create, A, HH_ACT_BRAND_CREATE, 0, false, false},
    {HH_GET, "/api/brands/{id}", hh_h_brand_get, A, HH_ACT_READ, HH_T_BRAND, false, false},
    {HH_PATCH, "/api/brands/{id}", hh_h_brand_update, A, HH_ACT_BRAND_WRITE, HH_T_BRAND, false, false},
    {HH_DELETE, "/api/brands/{id}", hh_h_brand_archive, A, HH_ACT_BRAND_CREATE, HH_T_BRAND, false, false},
    {HH_GET, "/api/stores", hh_h_stores_list, A, HH_ACT_READ, 0, false, false},
    {HH_POST, "/api/stores", hh_h_store_create, A, HH_ACT_STORE_WRITE, 0, false, false},
    {HH_GET, "/api/stores/{id}", hh_h_store_get, A, HH_ACT_READ, HH_T_STORE, false, false},
    {HH_PATCH, "/api/stores/{id}", hh_h_store_update, A, HH_ACT_STORE_WRITE, HH_T_STORE, false, false},
    {HH_DELETE, "/api/stores/{id}", hh_h_store_archive, A, HH_ACT_STORE_WRITE, HH_T_STORE, false, false},
    {HH_GET, "/api/staff", hh_h_staff_list, A, HH_ACT_READ, 0, false, false},
    {HH_POST, "/api/staff", hh_h_staff_create, A, HH_ACT_STAFF_WRITE, 0, false, false},
    {HH_GET, "/api/staff/{id}", hh_h_staff_get, A, HH_ACT_READ, HH_T_STAFF, false, false},
    {HH_PATCH, "/api/staff/{id}", hh_h_staff_update, A, HH_ACT_STAFF_WRITE, HH_T_STAFF, false, false},
    {HH_DELETE, "/api/staff/{id}", hh_h_staff_archive, A, HH_ACT_STAFF_WRITE, HH_T_STAFF, false, false},
    {HH_GET, "/api/accounts", hh_h_accounts_list, A, HH_ACT_ACCOUNT_READ, 0, false, false},
    {HH_POST, "/api/accounts", hh_h_account_create, A, HH_ACT_ACCOUNT_WRITE, 0, false, false},
    {HH_GET, "/api/accounts/{id}", hh_h_account_get, A, HH_ACT_ACCOUNT_READ, HH_T_ACCOUNT, false, false},
    {HH_PATCH, "/api/accounts/{id}", hh_h_account_update, A, HH_ACT_ACCOUNT_WRITE, HH_T_ACCOUNT, false, false},
    {HH_DELETE, "/api/accounts/{id}", hh_h_account_disable, A, HH_ACT_ACCOUNT_WRITE, HH_T_ACCOUNT, false, false},
    {HH_GET, "/api/audit", hh_h_audit_list, A, HH_ACT_AUDIT_READ, 0, false, false},
    {HH_GET, "/api/sms/outbox", hh_h_sms_outbox, A, HH_ACT_ADMIN, 0, false, false},

    /* touchpoints: signed QR codes and UTM links */
    {HH_GET, "/api/touchpoints", hh_h_touchpoints_list, A, HH_ACT_READ, 0, false, false},
    {HH_POST, "/api/touchpoints", hh_h_touchpoint_create, A, HH_ACT_MARKETING_WRITE, 0, false, false},
    {HH_GET, "/api/touchpoints/{id}", hh_h_touchpoint_get, A, HH_ACT_READ, HH_T_TOUCHPOINT, false, false},
    {HH_PATCH, "/api/touchpoints/{id}", hh_h_touchpoint_update, A, HH_ACT_MARKETING_WRITE, HH_T_TOUCHPOINT, false, false},
    {HH_GET, "/api/touchpoints/{id}/qr.svg", hh_h_touchpoint_qr_svg, A, HH_ACT_READ, HH_T_TOUCHPOINT, false, false},
    {HH_GET, "/api/touchpoints/{id}/qr.png", hh_h_touchpoint_qr_png, A, HH_ACT_READ, HH_T_TOUCHPOINT, false, false},
    {HH_GET, "/api/touchpoint-batches", hh_h_tp_batches_list, A, HH_ACT_READ, 0, false, false},
    {HH_POST, "/api/touchpoint-batches", hh_h_tp_batch_create, A, HH_ACT_MARKETING_WRITE, 0, false, false},
    {HH_GET, "/api/touchpoint-batches/{id}", hh_h_tp_batch_get, A, HH_ACT_READ, HH_T_TP_BATCH, false, false},
    {HH_GET, "/api/touchpoint-batches/{id}/sheet", hh_h_tp_batch_sheet, A, HH_ACT_READ, HH_T_TP_BATCH, false, false},
    {HH_GET, "/s/{code}", hh_h_scan, N, 0, 0, false, false},
    {HH_GET, "/api/member/touchpoint/{code}", hh_h_touchpoint_context, N, 0, 0, false, false},

    /* product codes (一物一码) */
    {HH_GET, "/api/product-batches", hh_h_product_batches_list, A, HH_ACT_READ, 0, false, false},
    {HH_POST, "/api/product-batches", hh_h_product_batch_create, A, HH_ACT_MARKETING_WRITE, 0, false, false},
    {HH_GET, "/api/product-batches/{id}", hh_h_product_batch_get, A, HH_ACT_READ, HH_T_PRODUCT_BATCH, false, false},
    {HH_GET, "/api/product-batches/{id}/codes.csv", hh_h_product_batch_codes, A, HH_ACT_READ, HH_T_PRODUCT_BATCH, false, false},
    {HH_GET, "/api/product-alerts", hh_h_product_alerts_list, A, HH_ACT_READ, 0, false, false},
    {HH_PATCH, "/api/product-alerts/{id}", hh_h_product_alert_update, A, HH_ACT_MARKETING_WRITE, HH_T_PRODUCT_ALERT, false, false},
    {HH_GET, "/p/{code}", hh_h_product_scan, N, 0, 0, false, false},
    {HH_GET, "/api/member/product/{code}", hh_h_product_context, N, 0, 0, false, false},

    /* members in the admin console */
    {HH_GET, "/api/members", hh_h_members_list, A, HH_ACT_MEMBER_READ, 0, false, false},
    {HH_GET, "/api/members/export", hh_h_members_export, A, HH_ACT_MEMBER_READ, 0, false, false},
    {HH_POST, "/api/members/transfer", hh_h_members_transfer, A, HH_ACT_MEMBER_WRITE, 0, false, false},
    {HH_POST, "/api/members/merge", hh_h_members_merge, A, HH_ACT_ADMIN, 0, false, false},
    {HH_GET, "/api/members/{id}", hh_h_member_get, A, HH_ACT_MEMBER_READ, HH_T_MEMBER, false, false},
    {HH_PATCH, "/api/members/{id}", hh_h_member_admin_update, A, HH_ACT_MEMBER_WRITE, HH_T_MEMBER, false, false},
    {HH_GET, "/api/members/{id}/timeline", hh_h_member_timeline, A, HH_ACT_MEMBER_READ, HH_T_MEMBER, false, false},
    {HH_POST, "/api/members/{id}/identities", hh_h_member_identity_add, A, HH_ACT_MEMBER_WRITE, HH_T_MEMBER, false, false},
    {HH_POST, "/api/members/{id}/owner", hh_h_member_owner, A, HH_ACT_MEMBER_WRITE, HH_T_MEMBER, false, false},
    {HH_POST, "/api/members/{id}/erase", hh_h_member_erase, A, HH_ACT_ADMIN, HH_T_MEMBER, false, false},
    {HH_DELETE, "/api/member-identities/{id}", hh_h_member_identity_delete, A, HH_ACT_MEMBER_WRITE, 0, false, false},
    {HH_GET, "/api/settings/lifecycle", hh_h_lifecycle_get, A, HH_ACT_MEMBER_READ, 0, false, false},
    {HH_PUT, "/api/settings/lifecycle", hh_h_lifecycle_put, A, HH_ACT_ADMIN, 0, false, false},
    {HH_GET, "/api/tags", hh_h_tags_list, A, HH_ACT_MEMBER_READ, 0, false, false},
    {HH_POST, "/api/tags", hh_h_tag_create, A, HH_ACT_MEMBER_WRITE, 0, false, false},
    {HH_PATCH, "/api/tags/{id}", hh_h_tag_update, A, HH_ACT_MEMBER_WRITE, HH_T_TAG, false, false},
    {HH_DELETE, "/api/tags/{id}", hh_h_tag_delete, A, HH_ACT_MEMBER_WRITE, HH_T_TAG, false, false},
    {HH_POST, "/api/tags/{id}/members", hh_h_tag_apply, A, HH_ACT_MEMBER_WRITE, HH_T_TAG, false, false},
    {HH_POST, "/api/tags/{id}/members/remove", hh_h_tag_apply, A, HH_ACT_MEMBER_WRITE, HH_T_TAG, false, false},

    {HH_GET, "/api/imports", hh_h_imports_list, A, HH_ACT_MEMBER_WRITE, 0, false, false},
    {HH_POST, "/api/imports/members", hh_h_import_create, A, HH_ACT_MEMBER_WRITE, 0, false, true},
    {HH_GET, "/api/imports/{id}", hh_h_import_get, A, HH_ACT_MEMBER_WRITE, 0, false, false},
    {HH_GET, "/api/imports/{id}/errors.csv", hh_h_import_errors, A, HH_ACT_MEMBER_WRITE, 0, false, false},

    /* the counter (staff app) */
    {HH_POST, "/api/counter/otp", hh_h_counter_otp, A, HH_ACT_COUNTER, 0, false, false},
    {HH_POST, "/api/counter/register", hh_h_counter_register, A, HH_ACT_COUNTER, 0, false, false},
    {HH_GET, "/api/counter/members", hh_h_counter_members, A, HH_ACT_COUNTER, 0, false, false},
    {HH_GET, "/api/counter/lookup", hh_h_counter_lookup, A, HH_ACT_COUNTER, 0, false, false},

    /* member H5 */
    {HH_GET, "/api/member/context", hh_h_member_context, N, 0, 0, false, false},
    {HH_POST, "/api/member/otp", hh_h_member_otp, N, 0, 0, true, false},
    {HH_POST, "/api/member/login", hh_h_member_login, N, 0, 0, true, false},
    {HH_POST, "/api/member/logout", hh_h_member_logout, M, 0, 0, true, false},
    {HH_GET, "/api/member/me", hh_h_member_me, M, 0, 0, false, false},
    {HH_PATCH, "/api/member/me", hh_h_member_update, M, 0, 0, false, false},
    {HH_PUT, "/api/member/consents", hh_h_member_consents, M, 0, 0, false, false},
    {HH_GET, "/api/member/addresses", hh_h_member_addresses, M, 0, 0, false, false},
    {HH_POST, "/api/member/addresses", hh_h_member_address_create, M, 0, 0, false, false},
    {HH_PATCH, "/api/member/addresses/{id}", hh_h_member_address_update, M, 0, 0, false, false},
    {HH_DELETE, "/api/member/addresses/{id}", hh_h_member_address_delete, M, 0, 0, false, false},
    {HH_GET, "/api/member/qr.svg", hh_h_member_qr, M, 0, 0, false, false},

    /* Campaigns, rewards (src/reward/) and points (src/points/): each module
     * keeps its routes in a list beside its code. */
#include "reward/campaign_routes.inc"
#include "reward/redeem_routes.inc"
#include "reward/lottery_routes.inc"
#include "reward/envelope_routes.inc"
#include "reward/receipt_routes.inc"
#include "points/points_routes.inc"
#include "points/mall_routes.inc"
};

const size_t hh_routes_count = sizeof(hh_routes) / sizeof(hh_routes[0]);
