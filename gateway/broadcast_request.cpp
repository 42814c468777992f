// Strict reading of broadcast drafts and list queries: a typo in a field name or a number where
// a list belongs answers 400 naming the field, instead of a broadcast that silently reaches
// everyone because its segment was dropped.
#include "gateway/broadcast_request.hpp"

#include "gateway/rfc3339.hpp"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

namespace cwc::gateway {
namespace {

using nlohmann::json;

constexpr std::array draft_fields{"name",
                                  "organisation",
                                  "topics",
                                  "answers_code",
                                  "regions",
                                  "languages",
                                  "channels",
                                  "texts",
                                  "templates",
                                  "scheduled_at",
                                  "respect_quiet_hours"};
constexpr std::array template_fields{"name", "language", "body_parameter"};

request_refusal bad(const std::string& field, const std::string& why) {
    return {400, "'" + field + "': " + why};
}

// A string field; nothing when absent. `refused` is set on a wrong type or text.
std::optional<std::string> text_at(const json& obj, const std::string& key, const std::string& path,
                                   std::optional<request_refusal>& refused) {
    const auto it = obj.find(key);
    if (it == obj.end() || refused) return std::nullopt;
    if (!it->is_string()) {
        refused = bad(path, "must be a string");
        return std::nullopt;
    }
    const auto& value = it->get_ref<const std::string&>();
    if (auto why = text_problem(value)) {
        refused = bad(path, *why);
        return std::nullopt;
    }
    return value;
}

std::vector<std::string> list_at(const json& obj, const std::string& key,
                                 std::optional<request_refusal>& refused) {
    std::vector<std::string> out;
    const auto it = obj.find(key);
    if (it == obj.end() || refused) return out;
    if (!it->is_array()) {
        refused = bad(key, "must be a list of ids");
        return out;
    }
    for (const auto& item : *it) {
        if (!item.is_string() || item.get_ref<const std::string&>().empty() ||
            item.get_ref<const std::string&>().size() > 100) {
            refused = bad(key, "must be a list of ids");
            return out;
        }
        const auto& id = item.get_ref<const std::string&>();
        if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
    return out;
}

std::optional<request_refusal> unknown_field(const json& obj, const auto& known,
                                             const std::string& prefix) {
    for (const auto& [key, value] : obj.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end())
            return bad(prefix + key, "unknown field");
    }
    return std::nullopt;
}

std::optional<request_refusal> read_texts(const json& body, broadcast_draft& out) {
    const auto it = body.find("texts");
    if (it == body.end()) return bad("texts", "is required: {\"<language>\": \"<text>\"}");
    if (!it->is_object() || it->empty())
        return bad("texts", "must be an object of one text per language");
    std::optional<request_refusal> refused;
    for (const auto& [language, value] : it->items()) {
        auto text = text_at(*it, language, "texts." + language, refused);
        if (refused) return refused;
        if (text->empty()) return bad("texts." + language, "must not be empty");
        out.texts[language] = std::move(*text);
    }
    return std::nullopt;
}

std::optional<request_refusal> read_templates(const json& body, broadcast_draft& out) {
    const auto it = body.find("templates");
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_object()) return bad("templates", "must be an object of one template per language");
    std::optional<request_refusal> refused;
    for (const auto& [language, value] : it->items()) {
        const std::string path = "templates." + language;
        if (!value.is_object()) return bad(path, "must be {name, language, body_parameter}");
        if (auto unknown = unknown_field(value, template_fields, path + ".")) return unknown;
        messages::broadcast_template t;
        t.name = text_at(value, "name", path + ".name", refused).value_or("");
        t.language = text_at(value, "language", path + ".language", refused).value_or("");
        t.body_parameter =
            text_at(value, "body_parameter", path + ".body_parameter", refused).value_or("");
        if (refused) return refused;
        if (t.name.empty() || t.name.size() > 512) return bad(path + ".name", "is required");
        if (t.language.empty() || t.language.size() > 16)
            return bad(path + ".language", "is required (Meta's code, e.g. es or en_US)");
        out.templates[language] = std::move(t);
    }
    return std::nullopt;
}

std::optional<long long> whole_number(const std::string& s) {
    long long value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return value;
}

}  // namespace

std::optional<request_refusal> read_broadcast_draft(std::string_view text, broadcast_draft& out) {
    out = {};
    const json body = json::parse(text, nullptr, false);
    if (body.is_discarded()) return request_refusal{400, "the body is not valid JSON (in UTF-8)"};
    if (!body.is_object()) return request_refusal{400, "the body must be a JSON object"};
    if (auto unknown = unknown_field(body, draft_fields, "")) return unknown;

    std::optional<request_refusal> refused;
    out.name = text_at(body, "name", "name", refused).value_or("");
    out.organisation = text_at(body, "organisation", "organisation", refused).value_or("");
    out.answers_code = text_at(body, "answers_code", "answers_code", refused).value_or("");
    out.segment.topics = list_at(body, "topics", refused);
    out.segment.regions = list_at(body, "regions", refused);
    out.segment.languages = list_at(body, "languages", refused);
    out.segment.channels = list_at(body, "channels", refused);
    if (refused) return refused;
    std::size_t name_chars = 0;
    for (const char ch : out.name) name_chars += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    if (name_chars == 0 || name_chars > max_broadcast_name_chars)
        return bad("name", "1 to " + std::to_string(max_broadcast_name_chars) + " characters");
    if (out.segment.topics.empty() == out.answers_code.empty())
        return request_refusal{400,
                               "give either 'topics' (a campaign) or 'answers_code' (a "
                               "collective answer to the cases with that code)"};
    if (auto r = read_texts(body, out)) return r;
    if (auto r = read_templates(body, out)) return r;

    if (const auto it = body.find("scheduled_at"); it != body.end() && !it->is_null()) {
        if (!it->is_string()) return bad("scheduled_at", "must be an RFC 3339 time or null");
        out.scheduled_at = parse_rfc3339(it->get_ref<const std::string&>());
        if (!out.scheduled_at || it->get_ref<const std::string&>().size() == 10)
            return bad("scheduled_at",
                       "must be an RFC 3339 time such as 2026-12-01T09:00:00-05:00");
    }
    if (const auto it = body.find("respect_quiet_hours"); it != body.end()) {
        if (!it->is_boolean()) return bad("respect_quiet_hours", "must be true or false");
        out.respect_quiet_hours = it->get<bool>();
    }
    return std::nullopt;
}

std::optional<request_refusal> read_broadcast_list(std::string_view encoded_query,
                                                   broadcast_list_request& out) {
    out = {};
    if (!boost::urls::parse_query(encoded_query))
        return request_refusal{400, "malformed query string"};
    const boost::urls::params_view params(encoded_query,
                                          boost::urls::encoding_opts(true, false, false));
    std::set<std::string> seen;
    for (const auto& p : params) {
        if (p.key.empty() && !p.has_value) continue;
        const std::string key = p.key;
        const std::string value = p.value;
        const auto param = [&](const std::string& why) {
            return request_refusal{400, "parameter '" + key + "': " + why};
        };
        if (!seen.insert(key).second) return param("given twice");
        if (key == "status") {
            if (value != "scheduled" && !messages::parse_broadcast_status(value))
                return param("expected draft, scheduled, sending, paused, completed or cancelled");
            out.status = value;
        } else if (key == "limit") {
            const auto n = whole_number(value);
            if (!n || *n < 1 || *n > static_cast<long long>(max_page))
                return param("expected 1 to " + std::to_string(max_page));
            out.limit = static_cast<std::size_t>(*n);
        } else if (key == "before") {
            const auto n = whole_number(value);
            if (!n || *n < 1) return param("expected a broadcast id");
            out.before_id = *n;
        } else {
            return param("unknown (filters: status, before, limit)");
        }
    }
    return std::nullopt;
}

}  // namespace cwc::gateway
