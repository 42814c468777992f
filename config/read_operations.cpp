// Reads the "operations" section: the admins told when the gateway needs a person (each an SMS
// or WhatsApp number on a configured channel, or a webhook URL) and the alert thresholds. Every
// problem names its JSON path, like the rest of the config.
#include "config/sections.hpp"

namespace cwc::config {

namespace {

bool plain_url(const std::string& url) {
    const bool scheme = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
    if (!scheme || url.size() <= 8) return false;
    for (const char c : url)
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
    return true;
}

void read_admin(const json& value, const std::string& path, reading& r, const config& cfg,
                std::vector<admin_contact>& out) {
    object_reader o(value, path, r);
    if (!o.valid()) return;
    admin_contact a;
    if (o.find("webhook") != nullptr) {
        if (o.read_string("webhook", a.webhook, presence::required) && !plain_url(a.webhook))
            o.error("webhook", "expected an http:// or https:// URL without spaces");
        if (o.find("channel") != nullptr || o.find("address") != nullptr)
            o.error("webhook", "an admin is either a webhook or a channel and address, not both");
    } else {
        if (o.read_string("channel", a.channel, presence::required) &&
            cfg.find_channel(a.channel) == nullptr)
            o.error("channel", "no channel '" + a.channel + "' in /channels");
        if (o.read_string("address", a.address, presence::required) && a.address.empty())
            o.error("address", "the number (or WhatsApp id) alerts are sent to is empty");
    }
    o.warn_unknown("an admin: channel and address, or webhook");
    out.push_back(std::move(a));
}

}  // namespace

void read_operations(const json& value, reading& r, config& out) {
    object_reader o(value, "/operations", r);
    if (!o.valid()) return;
    operations_settings& s = out.operations;
    if (const json* admins = o.find("admins")) {
        if (const auto* items = read_array(*admins, o.path_of("admins"), r.log)) {
            for (std::size_t i = 0; i < items->size(); ++i)
                read_admin((*items)[i], child_path(o.path_of("admins"), i), r, out, s.admins);
        }
    }
    if (const json* alerts = o.find("alerts")) {
        object_reader a(*alerts, o.path_of("alerts"), r);
        if (a.valid()) {
            alert_settings& t = s.alerts;
            a.read_int("outbox_age_minutes", t.outbox_age_minutes, 1, 7 * 24 * 60, presence::optional);
            a.read_int("min_free_disk_mb", t.min_free_disk_mb, 0, 1024 * 1024, presence::optional);
            a.read_int("repeat_hours", t.repeat_hours, 1, 24 * 30, presence::optional);
            a.read_int("quarantine_hours", t.quarantine_hours, 1, 24 * 30, presence::optional);
            a.read_int("check_seconds", t.check_seconds, 1, 3600, presence::optional);
            a.warn_unknown("alerts: outbox_age_minutes, min_free_disk_mb, repeat_hours, "
                           "quarantine_hours, check_seconds");
        }
    }
    o.warn_unknown("operations: admins, alerts");
}

}  // namespace cwc::config
