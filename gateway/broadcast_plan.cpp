// The broadcast planner (broadcast_plan.hpp): quiet hours in IANA zones (date/tz.h, the system's
// tzdata: g++ 12 has no std::chrono zones), the language each person gets, what blocks a
// confirmation, the preview's figures and the outbox rows of one page of recipients.
#include "gateway/broadcast_plan.hpp"

#include "config/channel_kinds.hpp"
#include "config/sms_cost.hpp"
#include "messages/small_cells.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>

namespace cwc::gateway {

namespace {

using messages::timestamp;
using namespace std::chrono_literals;

bool quiet_at(timestamp t, const config::quiet_hours& q, const date::time_zone& zone) {
    if (q.start_minute == q.end_minute) return false;
    const auto local = zone.to_local(t);
    const auto minute = static_cast<int>(
        std::chrono::floor<std::chrono::minutes>(local - std::chrono::floor<date::days>(local)).count());
    if (q.start_minute < q.end_minute) return minute >= q.start_minute && minute < q.end_minute;
    return minute >= q.start_minute || minute < q.end_minute;  // spans midnight
}

timestamp after_quiet(timestamp t, const config::quiet_hours& q, const date::time_zone& zone) {
    if (!quiet_at(t, q, zone)) return t;
    const auto local = zone.to_local(t);
    auto day = std::chrono::floor<date::days>(local);
    const auto minute = std::chrono::floor<std::chrono::minutes>(local - day).count();
    // Spanning midnight and already past its start: the quiet hours end tomorrow morning.
    if (q.start_minute > q.end_minute && minute >= q.start_minute) day += date::days{1};
    const auto end_local = day + std::chrono::minutes{q.end_minute};
    // A local time a DST change skips maps to the instant of the change.
    const auto end = zone.to_sys(date::local_time<std::chrono::milliseconds>{end_local},
                                 date::choose::earliest);
    return std::max(t, std::chrono::time_point_cast<std::chrono::milliseconds>(end));
}

const date::time_zone& zone_named(const std::string& name) { return *date::locate_zone(name); }

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

const std::string& text_in(const messages::broadcast& b, const std::string& language) {
    static const std::string none;
    const auto it = b.texts.find(language);
    return it == b.texts.end() ? none : it->second;
}

bool blank(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

bool whatsapp(const config::channel* c) { return c != nullptr && config::has_reply_window(c->kind); }

bool window_open(const config::channel& c, const std::optional<timestamp>& last_inbound, timestamp at) {
    return last_inbound && at < *last_inbound + std::chrono::hours{c.window_hours};
}

bool is_code(const config::config& cfg, const std::string& code) {
    for (const auto& category : cfg.categories)
        for (const auto& c : category.codes)
            if (c.id == code) return true;
    return false;
}

// The zone the preview's start time is shown in: the segment's regions' one when they share it.
const std::string& preview_zone(const messages::broadcast& b, const config::config& cfg) {
    std::set<std::string> zones;
    for (const auto& region : b.segment.regions) zones.insert(zone_of(cfg, region));
    return zones.size() == 1 ? zone_of(cfg, b.segment.regions.front()) : cfg.broadcasts.time_zone;
}

timestamp start_of(const messages::broadcast& b, timestamp now) {
    return std::max(now, b.scheduled_at.value_or(now));
}

// Seconds one channel needs for `rows` messages at its broadcast rate (unlimited: none).
double seconds_at_rate(const config::channel& c, std::int64_t rows) {
    const double rate = c.sends_per_second * std::clamp(c.broadcast_share, 0.001, 1.0);
    return rate > 0 ? static_cast<double>(rows) / rate : 0.0;
}

}  // namespace

const std::string& zone_of(const config::config& cfg, const std::string& region) {
    const config::region* r = region.empty() ? nullptr : cfg.find_region(region);
    return r != nullptr && !r->time_zone.empty() ? r->time_zone : cfg.broadcasts.time_zone;
}

bool in_quiet_hours(timestamp t, const config::quiet_hours& q, const std::string& zone) {
    if (q.start_minute == q.end_minute) return false;
    return quiet_at(t, q, zone_named(zone));
}

timestamp after_quiet_hours(timestamp t, const config::quiet_hours& q, const std::string& zone) {
    if (q.start_minute == q.end_minute) return t;
    return after_quiet(t, q, zone_named(zone));
}

const messages::broadcast_template* template_for(const messages::broadcast& b,
                                                 const config::config& cfg,
                                                 const std::string& language) {
    for (const auto* lang : {&language, &cfg.default_language}) {
        const auto it = b.templates.find(*lang);
        if (it != b.templates.end() && !it->second.name.empty()) return &it->second;
    }
    return nullptr;
}

std::string text_language(const messages::broadcast& b, const config::config& cfg,
                          const std::string& person_language) {
    if (!person_language.empty() && cfg.has_language(person_language) &&
        !blank(text_in(b, person_language)))
        return person_language;
    if (!blank(text_in(b, cfg.default_language))) return cfg.default_language;
    return {};
}

std::vector<std::string> broadcast_problems(const messages::broadcast& b,
                                            const config::config& cfg,
                                            const std::vector<messages::audience_cell>& audience,
                                            timestamp now) {
    std::vector<std::string> out;
    const auto& seg = b.segment;
    if (blank(text_in(b, cfg.default_language)))
        out.push_back("no text in the default language '" + cfg.default_language + "'");
    for (const auto& [lang, text] : b.texts) {
        if (!cfg.has_language(lang)) out.push_back("text in unknown language '" + lang + "'");
        else if (blank(text)) out.push_back("empty text for language '" + lang + "'");
    }
    if (b.answers_code.empty() && seg.topics.empty()) out.push_back("no topic: a campaign needs at least one");
    if (!b.answers_code.empty() && !is_code(cfg, b.answers_code))
        out.push_back("unknown code '" + b.answers_code + "'");
    for (const auto& id : seg.topics) {
        const config::topic* t = cfg.find_topic(id);
        if (t == nullptr) out.push_back("unknown topic '" + id + "'");
        else if (!t->organisations.empty() && !contains(t->organisations, b.organisation))
            out.push_back("topic '" + id + "' is not one organisation '" + b.organisation + "' may broadcast on");
    }
    for (const auto& id : seg.regions)
        if (cfg.find_region(id) == nullptr) out.push_back("unknown region '" + id + "'");
    for (const auto& id : seg.languages)
        if (!cfg.has_language(id)) out.push_back("unknown language '" + id + "'");
    for (const auto& id : seg.channels)
        if (cfg.find_channel(id) == nullptr) out.push_back("unknown channel '" + id + "'");
    std::set<std::pair<std::string, std::string>> missing;  // (channel, language) without a template
    for (const auto& cell : audience) {
        if (cell.outside_window <= 0 || !whatsapp(cfg.find_channel(cell.channel_id))) continue;
        const std::string lang = text_language(b, cfg, cell.language);
        if (!lang.empty() && template_for(b, cfg, lang) == nullptr) missing.emplace(cell.channel_id, lang);
    }
    for (const auto& [channel, lang] : missing)
        out.push_back("WhatsApp channel '" + channel + "': people whose 24-hour window is closed need an "
                      "approved template for '" + lang + "' (or the default language)");
    if (b.scheduled_at && *b.scheduled_at < now) out.push_back("the scheduled time has passed");
    return out;
}

broadcast_preview preview_of(const messages::broadcast& b, const config::config& cfg,
                             const std::vector<messages::audience_cell>& audience, timestamp now) {
    broadcast_preview p;
    const std::int64_t threshold = cfg.officers.suppression_threshold;
    // Cells in the language the text goes out in (people whose language has no text get the
    // default one), merged.
    std::map<std::pair<std::string, std::string>, messages::audience_cell> merged;
    for (const auto& cell : audience) {
        std::string lang = text_language(b, cfg, cell.language);
        if (lang.empty()) lang = cell.language;
        auto& m = merged[{cell.channel_id, lang}];
        m.channel_id = cell.channel_id;
        m.language = lang;
        m.people += cell.people;
        m.outside_window += cell.outside_window;
    }
    // The lines are one margin of the published total: a lone small line is not left to be
    // read off as the total minus the others (messages/small_cells.hpp).
    std::vector<messages::cell> shown;
    for (const auto& [key, cell] : merged) shown.push_back({key.first + "/" + key.second, cell.people, false});
    messages::suppress_small_cells(shown, threshold);
    std::int64_t people = 0, sms_people = 0, sms_segments = 0;
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> per_channel;  // rows, outside
    std::size_t index = 0;
    for (const auto& [key, cell] : merged) {
        const config::channel* channel = cfg.find_channel(cell.channel_id);
        const bool wa = whatsapp(channel);
        preview_line line{cell.channel_id, cell.language, {}, {}, 0, {}};
        if (!shown[index++].suppressed) line.people = cell.people;
        if (wa && line.people && !messages::count_suppressed(cell.outside_window, threshold))
            line.outside_window = cell.outside_window;
        if (!wa) {
            line.segments_per_message = config::count_sms(text_in(b, cell.language)).segments;
            if (line.people) line.segments = cell.people * line.segments_per_message;
            sms_people += cell.people;
            sms_segments += cell.people * line.segments_per_message;
        }
        people += cell.people;
        auto& [rows, outside] = per_channel[cell.channel_id];
        rows += cell.people;
        if (wa) outside += cell.outside_window;
        p.lines.push_back(std::move(line));
    }
    if (!messages::count_suppressed(people, threshold)) p.people = people;
    if (!messages::count_suppressed(sms_people, threshold)) p.sms_segments = sms_segments;
    // Channels send in parallel; a WhatsApp tier opens at most daily_reach_limit conversations
    // a day, so the last day's share starts that many days later.
    for (const auto& [id, counts] : per_channel) {
        const config::channel* channel = cfg.find_channel(id);
        if (channel == nullptr) continue;
        const auto [rows, outside] = counts;
        double seconds = seconds_at_rate(*channel, rows);
        if (channel->daily_reach_limit > 0 && outside > channel->daily_reach_limit) {
            const std::int64_t limit = channel->daily_reach_limit;
            const std::int64_t days = (outside + limit - 1) / limit;
            p.days_for_reach_limit = std::max(p.days_for_reach_limit, static_cast<int>(days));
            const double first_day = seconds_at_rate(*channel, rows - outside + limit);
            const double last_day = 86400.0 * static_cast<double>(days - 1) +
                                    seconds_at_rate(*channel, outside - limit * (days - 1));
            seconds = std::max(first_day, last_day);
        }
        p.estimated_seconds = std::max(p.estimated_seconds, seconds);
    }
    const timestamp start = start_of(b, now);
    try {
        p.starts_at = b.respect_quiet_hours
                          ? after_quiet_hours(start, cfg.broadcasts.quiet, preview_zone(b, cfg))
                          : start;
    } catch (const std::runtime_error&) {
        p.starts_at = start;  // an unknown zone: check-config refuses it, the start stays as asked
    }
    p.problems = broadcast_problems(b, cfg, audience, now);
    return p;
}

std::vector<messages::outbound_message> plan_rows(
    const messages::broadcast& b, const config::config& cfg,
    const std::vector<messages::broadcast_recipient>& page, timestamp now, reach_budget& budget) {
    std::vector<messages::outbound_message> rows;
    rows.reserve(page.size());
    const timestamp start = start_of(b, now);
    std::map<std::string, const date::time_zone*> zones;  // by region: one look-up per page
    auto moved_past_quiet = [&](timestamp t, const std::string& region) {
        if (!b.respect_quiet_hours) return t;
        auto it = zones.find(region);
        if (it == zones.end()) it = zones.emplace(region, &zone_named(zone_of(cfg, region))).first;
        return after_quiet(t, cfg.broadcasts.quiet, *it->second);
    };
    for (const auto& r : page) {
        const config::channel* channel = cfg.find_channel(r.channel_id);
        if (channel == nullptr) continue;
        // The language the person reads (a recipient page also holds people who never chose).
        const std::string& person = r.language.empty() || !cfg.has_language(r.language)
                                        ? cfg.default_language
                                        : r.language;
        if (!b.segment.languages.empty() && !contains(b.segment.languages, person)) continue;
        const std::string lang = text_language(b, cfg, person);
        if (lang.empty()) continue;
        messages::outbound_message m;
        m.contact_id = r.contact_id;
        m.channel_id = r.channel_id;
        m.to = r.address;
        m.priority = messages::outbound_priority::broadcast;
        m.solicited = !b.answers_code.empty();  // a collective answer: they asked
        m.created_at = now;
        m.broadcast_id = b.id;
        m.next_attempt_at = moved_past_quiet(start, r.region);
        if (whatsapp(channel) && !window_open(*channel, r.last_inbound_on_channel, m.next_attempt_at)) {
            const auto* t = template_for(b, cfg, lang);
            if (t == nullptr) continue;
            m.template_name = t->name;
            m.template_language = t->language;
            m.template_parameter = t->body_parameter;
            const std::int64_t used = budget.used[channel->id]++;
            if (channel->daily_reach_limit > 0) {
                const auto days = used / channel->daily_reach_limit;
                if (days > 0)
                    m.next_attempt_at = moved_past_quiet(m.next_attempt_at + std::chrono::hours{24 * days}, r.region);
            }
        } else {
            m.text = text_in(b, lang);
            m.segments = config::count_sms(m.text).segments;
        }
        rows.push_back(std::move(m));
    }
    return rows;
}

}  // namespace cwc::gateway
