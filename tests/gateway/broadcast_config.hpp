// A small deployment for the broadcast planner and screen tests: Spanish (default), Arabic and
// English; an SMS and a WhatsApp channel (reach limit 2 a day); Lima (the broadcasts' zone, no
// DST) and Madrid (its own zone, DST); a topic of one organisation and one of every one.
#pragma once

#include "config/config.hpp"
#include "messages/time.hpp"

#include <chrono>

namespace cwc::gateway::testing {

inline messages::timestamp utc(std::chrono::year_month_day day, std::chrono::minutes at) {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::sys_days{day} + at);
}

inline config::config planner_config() {
    config::config cfg;
    cfg.default_language = "es";
    cfg.languages = {{"es", "Español"}, {"ar", "العربية"}, {"en", "English"}};
    config::channel sms;
    sms.id = "sms";
    sms.kind = config::channel_kind::twilio_sms;
    sms.sends_per_second = 10;
    sms.broadcast_share = 0.5;
    config::channel wa;
    wa.id = "wa";
    wa.kind = config::channel_kind::whatsapp_cloud;
    wa.sends_per_second = 20;
    wa.broadcast_share = 0.5;
    wa.daily_reach_limit = 2;
    cfg.channels = {sms, wa};
    config::region lima;
    lima.id = "lima";
    config::region madrid;
    madrid.id = "madrid";
    madrid.time_zone = "Europe/Madrid";
    cfg.regions = {lima, madrid};
    config::topic health;
    health.id = "health";
    health.organisations = {"red_cbo"};
    config::topic documentation;
    documentation.id = "documentation";
    cfg.topics = {health, documentation};
    config::category rumours;
    rumours.id = "rumours";
    rumours.codes = {{"rumour_water", {}}};
    cfg.categories = {rumours};
    cfg.officers.suppression_threshold = 5;
    cfg.broadcasts.time_zone = "America/Lima";
    cfg.broadcasts.quiet = {21 * 60, 8 * 60};
    return cfg;
}

}  // namespace cwc::gateway::testing
