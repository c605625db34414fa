/* receipt.h — the handlers of this module (routes in receipt_routes.inc). */
#ifndef HH_REWARD_RECEIPT_H
#define HH_REWARD_RECEIPT_H
#include "http/http.h"

#endif
