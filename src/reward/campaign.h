/* campaign.h — campaign handlers (routes in campaign_routes.inc). */
#ifndef HH_REWARD_CAMPAIGN_H
#define HH_REWARD_CAMPAIGN_H
#include "http/http.h"

hh_status hh_h_campaigns_list(hh_req *r);
hh_status hh_h_campaign_create(hh_req *r);
hh_status hh_h_campaign_get(hh_req *r);
hh_status hh_h_campaign_update(hh_req *r);
hh_status hh_h_campaign_publish(hh_req *r);
hh_status hh_h_campaign_pause(hh_req *r);
hh_status hh_h_campaign_resume(hh_req *r);
hh_status hh_h_campaign_end(hh_req *r);

#endif
