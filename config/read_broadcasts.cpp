// Reads what campaign broadcasts need from the config: the topics people may subscribe to (and
// which organisations may broadcast on each), the audience's time zone, quiet hours and reply
// linking. Time zones are checked against the system's tz database, so a typo such as
// "America/Lim" is refused at load instead of silently broadcasting at night.
#include "config/formats.hpp"
#include "config/read_items.hpp"
#include "config/sections.hpp"

#include <date/tz.h>

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>

namespace cwc::config {
namespace {

// "21:00" -> 1260; empty when it is not HH:MM of a 24-hour clock.
std::optional<int> parse_clock(const std::string& s) {
    if (s.size() != 5 || s[2] != ':') return std::nullopt;
    for (std::size_t i : {0u, 1u, 3u, 4u}) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    }
    const int hours = (s[0] - '0') * 10 + (s[1] - '0');
    const int minutes = (s[3] - '0') * 10 + (s[4] - '0');
    if (hours > 23 || minutes > 59) return std::nullopt;
    return hours * 60 + minutes;
}

void read_clock(object_reader& o, std::string_view key, int& out) {
    std::string text;
    if (!o.read_string(key, text, presence::required)) return;
    if (auto minute = parse_clock(text)) {
        out = *minute;
    } else {
        o.error(key, "'" + text + "' is not a local time: write it as HH:MM, e.g. \"21:00\"");
    }
}

void read_topic_organisations(object_reader& o, reading& r, const config& cfg, topic& t) {
    const json* list = o.find("organisations");
    if (list == nullptr) return;
    const std::string path = o.path_of("organisations");
    const auto* items = read_array(*list, path, r.log);
    if (items == nullptr) return;
    std::set<std::string> ids;
    for (const auto& org : cfg.organisations) ids.insert(org.id);
    for (std::size_t i = 0; i < items->size(); ++i) {
        const std::string item_path = child_path(path, i);
        auto id = read_string_value((*items)[i], item_path, r.log);
        if (!id) continue;
        if (ids.count(*id) == 0) {
            r.log.error(item_path, "no organisation '" + *id + "' in /organisations; use one of: " +
                                       join_names(ids));
        } else if (std::find(t.organisations.begin(), t.organisations.end(), *id) !=
                   t.organisations.end()) {
            r.log.error(item_path, "'" + *id + "' is listed twice; list it once");
        } else {
            t.organisations.push_back(std::move(*id));
        }
    }
}

}  // namespace

bool is_time_zone(const std::string& name) {
    if (name.empty()) return false;
    try {
        return date::locate_zone(name) != nullptr;
    } catch (const std::exception&) {
        return false;  // unknown zone (or no tz database: nothing could be checked either)
    }
}

void check_time_zone(object_reader& o, std::string_view key, const std::string& zone) {
    if (is_time_zone(zone)) return;
    o.error(key, "'" + zone + "' is not an IANA time zone: write it as Area/City, e.g. "
                              "\"America/Lima\", \"Asia/Baghdad\", \"Europe/Berlin\"");
}

void read_topics(const json& value, reading& r, config& out) {
    read_items(value, "/topics", r, out.topics, "topic", [&](object_reader& o, topic& t) {
        read_topic_organisations(o, r, out, t);
    });
}

void read_broadcasts(const json& value, reading& r, config& out) {
    object_reader o(value, "/broadcasts", r);
    if (!o.valid()) return;
    broadcast_settings& b = out.broadcasts;
    if (o.read_string("time_zone", b.time_zone, presence::optional)) {
        check_time_zone(o, "time_zone", b.time_zone);
    }
    if (const json* quiet = o.find("quiet_hours")) {
        object_reader q(*quiet, o.path_of("quiet_hours"), r);
        if (q.valid()) {
            read_clock(q, "start", b.quiet.start_minute);
            read_clock(q, "end", b.quiet.end_minute);
            q.warn_unknown("fields: start, end (local HH:MM; equal for no quiet hours)");
        }
    }
    o.read_int("reply_link_hours", b.reply_link_hours, 0, 720, presence::optional);
    o.warn_unknown("fields: time_zone, quiet_hours, reply_link_hours");
}

}  // namespace cwc::config
