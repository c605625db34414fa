/*
 * touch.h — touchpoints: the signed QR codes and UTM links that every offline
 * and online channel carries, and the scans they record.
 *
 * A touchpoint's short code is its id in Crockford base32 followed by an
 * 8-character MAC (HMAC-SHA-256 under a per-installation secret, 40 bits):
 * "/s/{code}". A code that was forged or edited fails the MAC and is refused
 * before the store is asked. The code is derived, never stored, so the secret
 * (table app_secrets) must never change once codes are printed.
 */
#ifndef HH_TOUCH_H
#define HH_TOUCH_H

#include "http/http.h"

#define HH_CODE_MAX 24
#define HH_CODE_KEY_BYTES 32

/* Load (or create, once) the installation's code secret into key. */
hh_status hh_code_key_load(hh_store *store, unsigned char key[HH_CODE_KEY_BYTES]);
/* Encode id under namespace ns ("tp" for touchpoints) into out (HH_CODE_MAX). */
void hh_code_encode(const unsigned char *key, const char *ns, int64_t id, char out[HH_CODE_MAX]);
/* Decode a code as typed or scanned (case-insensitive; O→0, I/L→1; dashes
 * ignored). false when malformed or the MAC does not match. */
bool hh_code_decode(const unsigned char *key, const char *ns, const char *code, int64_t *id);

/* QR images (libqrencode; PNG through libpng). Results are malloc'd. */
char *hh_qr_svg(const char *text, int module_px, const char *label, size_t *len);
unsigned char *hh_qr_png(const char *text, int module_px, size_t *len);

/* handlers */
hh_status hh_h_touchpoints_list(hh_req *r);
hh_status hh_h_touchpoint_create(hh_req *r);
hh_status hh_h_touchpoint_get(hh_req *r);
hh_status hh_h_touchpoint_update(hh_req *r);
hh_status hh_h_touchpoint_qr_svg(hh_req *r);
hh_status hh_h_touchpoint_qr_png(hh_req *r);
hh_status hh_h_tp_batches_list(hh_req *r);
hh_status hh_h_tp_batch_create(hh_req *r);
hh_status hh_h_tp_batch_get(hh_req *r);
hh_status hh_h_tp_batch_sheet(hh_req *r);
hh_status hh_h_scan(hh_req *r);
hh_status hh_h_touchpoint_context(hh_req *r);

/* product codes (一物一码) */
hh_status hh_h_product_batches_list(hh_req *r);
hh_status hh_h_product_batch_create(hh_req *r);
hh_status hh_h_product_batch_get(hh_req *r);
hh_status hh_h_product_batch_codes(hh_req *r);
hh_status hh_h_product_alerts_list(hh_req *r);
hh_status hh_h_product_alert_update(hh_req *r);
hh_status hh_h_product_scan(hh_req *r);
hh_status hh_h_product_context(hh_req *r);
void hh_product_batches_resume(hh_app *app);

/* Resume batches left running by a stopped server (called at start). */
void hh_tp_batches_resume(hh_app *app);
/* Link a device's anonymous scans to a member who just identified, and set the
 * member's first/last touch. Runs inside the caller's write. */
hh_status hh_scans_link(hh_db *tx, int64_t enterprise_id, const char *device_id, int64_t member_id);

#endif
