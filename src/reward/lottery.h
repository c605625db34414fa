/* lottery.h — the handlers of this module (routes in lottery_routes.inc). */
#ifndef HH_REWARD_LOTTERY_H
#define HH_REWARD_LOTTERY_H
#include "http/http.h"

#endif
