/* points.h — the points ledger, earn rules, levels, gift mall, referrals and
 * star members (SPEC.md §3.6, §3.7): handlers and the functions other modules
 * call (routes in points_routes.inc and mall_routes.inc). */
#ifndef HH_POINTS_H
#define HH_POINTS_H
#include "http/http.h"

#endif
