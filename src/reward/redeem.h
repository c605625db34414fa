/* redeem.h — the handlers of this module (routes in redeem_routes.inc). */
#ifndef HH_REWARD_REDEEM_H
#define HH_REWARD_REDEEM_H
#include "http/http.h"

#endif
