/* envelope.h — the handlers of this module (routes in envelope_routes.inc). */
#ifndef HH_REWARD_ENVELOPE_H
#define HH_REWARD_ENVELOPE_H
#include "http/http.h"

#endif
