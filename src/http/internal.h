/*
 * internal.h — what crosses files inside the HTTP layer (hh__ prefix).
 */
#ifndef HH_HTTP_INTERNAL_H
#define HH_HTTP_INTERNAL_H

#include "http/http.h"

/* Render r's error answer for status st (r->err when it matches st). */
void hh__render_error(hh_req *r, hh_status st);
/* Deferred work is finished: resume the suspended connection. */
void hh__complete(hh_req *r);
void hh__resp_text(hh_req *r);

#endif
