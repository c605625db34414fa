/* campaign.h — the handlers of this module (routes in campaign_routes.inc). */
#ifndef HH_REWARD_CAMPAIGN_H
#define HH_REWARD_CAMPAIGN_H
#include "http/http.h"

#endif
