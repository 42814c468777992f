// Strict reading of officers' requests. Every filter value is checked against the config so a
// typo answers 400 naming the parameter instead of an empty list that looks like "no cases".
#include "gateway/officer_requests.hpp"

#include "gateway/rfc3339.hpp"
#include "messages/case_lifecycle.hpp"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <charconv>
#include <set>

namespace cwc::gateway {
namespace {

template <typename Items>
bool has_id(const Items& items, const std::string& id) {
    return std::any_of(items.begin(), items.end(), [&](const auto& i) { return i.id == id; });
}

bool known_status(const std::string& s) {
    for (const auto status : messages::case_statuses)
        if (s == status) return true;
    return false;
}

std::optional<long long> whole_number(const std::string& s) {
    long long value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return value;
}

request_refusal bad(const std::string& param, const std::string& why) {
    return {400, "parameter '" + param + "': " + why};
}

}  // namespace

std::optional<request_refusal> read_case_list(std::string_view encoded_query,
                                              const config::config& cfg,
                                              const messages::case_scope& scope,
                                              messages::timestamp now, case_list_request& out) {
    auto parsed = boost::urls::parse_query(encoded_query);
    if (!parsed) return request_refusal{400, "malformed query string"};
    const boost::urls::params_view params(encoded_query,
                                          boost::urls::encoding_opts(true, false, false));
    messages::case_query& q = out.query;
    q = {};
    q.now = now;
    q.organisation = scope.organisation;
    q.sensitive = scope.sensitive ? messages::sensitivity::include : messages::sensitivity::exclude;
    std::set<std::string> seen;
    for (const auto& p : params) {
        if (p.key.empty() && !p.has_value) continue;  // "" or a stray "&"
        const std::string key = p.key;
        const std::string value = p.value;
        if (!seen.insert(key).second) return bad(key, "given twice");
        if (key == "type") {
            if (cfg.find_case_type(value) == nullptr)
                return bad(key, "no case type '" + value + "'");
            q.type = value;
        } else if (key == "category") {
            if (cfg.find_category(value) == nullptr) return bad(key, "no category '" + value + "'");
            q.category = value;
        } else if (key == "status") {
            if (!known_status(value)) return bad(key, "no status '" + value + "'");
            q.status = value;
        } else if (key == "region") {
            if (cfg.find_region(value) == nullptr) return bad(key, "no region '" + value + "'");
            q.region = value;
        } else if (key == "language") {
            if (!cfg.has_language(value)) return bad(key, "no language '" + value + "'");
            q.language = value;
        } else if (key == "channel") {
            if (cfg.find_channel(value) == nullptr) return bad(key, "no channel '" + value + "'");
            q.channel = value;
        } else if (key == "from" || key == "to") {
            const auto at = parse_rfc3339(value);
            if (!at) return bad(key, "expected YYYY-MM-DD or an RFC 3339 time");
            if (key == "from") {
                q.opened_from = *at;
            } else {
                // A plain date means the whole of that day.
                q.opened_to = value.size() == 10 ? *at + std::chrono::days{1} : *at;
            }
        } else if (key == "overdue") {
            if (value != "1" && value != "0") return bad(key, "expected 1 or 0");
            q.overdue_only = value == "1";
        } else if (key == "sensitive") {
            if (value == "include") {
                q.sensitive = messages::sensitivity::include;
            } else if (value == "only") {
                q.sensitive = messages::sensitivity::only;
            } else if (value == "exclude") {
                q.sensitive = messages::sensitivity::exclude;
            } else {
                return bad(key, "expected include, only or exclude");
            }
            if (q.sensitive != messages::sensitivity::exclude && !scope.sensitive)
                return request_refusal{403,
                                       "sensitive cases are only for the protection focal "
                                       "points of their organisation"};
        } else if (key == "limit") {
            const auto n = whole_number(value);
            if (!n || *n < 1 || *n > static_cast<long long>(max_page))
                return bad(key, "expected 1 to " + std::to_string(max_page));
            q.limit = static_cast<std::size_t>(*n);
        } else if (key == "before") {
            const auto n = whole_number(value);
            if (!n || *n < 1) return bad(key, "expected a case id");
            q.before_id = *n;
        } else {
            return bad(key,
                       "unknown (filters: type, category, status, region, language, channel, "
                       "from, to, overdue, sensitive, limit, before)");
        }
    }
    if (q.opened_from && q.opened_to && *q.opened_to <= *q.opened_from)
        return request_refusal{400, "'to' must come after 'from'"};
    return std::nullopt;
}

std::optional<std::string> text_problem(std::string_view text) {
    std::size_t chars = 0;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c & 0xC0) != 0x80) ++chars;  // count lead bytes: the JSON parser checked UTF-8
        if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F)
            return std::string("control characters are not allowed");
    }
    if (chars > max_text_chars) return "at most " + std::to_string(max_text_chars) + " characters";
    return std::nullopt;
}

change_body::change_body(std::string_view body) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        body_ = nlohmann::json::object();
        return;
    }
    body_ = nlohmann::json::parse(body, nullptr, false);
    if (body_.is_discarded()) {
        refuse("the body is not valid JSON (in UTF-8)");
    } else if (!body_.is_object()) {
        refuse("the body must be a JSON object");
    }
}

void change_body::refuse(std::string reason) {
    if (!refusal_) refusal_ = request_refusal{400, std::move(reason)};
}

std::string change_body::text(std::string_view key, bool required, bool may_be_empty) {
    read_.emplace_back(key);
    if (refusal_) return {};
    const auto it = body_.find(key);
    if (it == body_.end()) {
        if (required) refuse("'" + std::string(key) + "' is required");
        return {};
    }
    if (!it->is_string()) {
        refuse("'" + std::string(key) + "' must be a string");
        return {};
    }
    const auto& value = it->get_ref<const std::string&>();
    if (value.empty() && required && !may_be_empty) {
        refuse("'" + std::string(key) + "' must not be empty");
        return {};
    }
    if (auto why = text_problem(value)) {
        refuse("'" + std::string(key) + "': " + *why);
        return {};
    }
    return value;
}

bool change_body::flag(std::string_view key) {
    read_.emplace_back(key);
    if (refusal_) return false;
    const auto it = body_.find(key);
    if (it == body_.end()) return false;
    if (!it->is_boolean()) {
        refuse("'" + std::string(key) + "' must be true or false");
        return false;
    }
    return it->get<bool>();
}

std::vector<std::string> change_body::text_list(std::string_view key) {
    read_.emplace_back(key);
    if (refusal_) return {};
    const auto it = body_.find(key);
    if (it == body_.end() || !it->is_array()) {
        refuse("'" + std::string(key) + "' must be a list of strings");
        return {};
    }
    std::vector<std::string> out;
    for (const auto& item : *it) {
        if (!item.is_string() || item.get_ref<const std::string&>().empty() ||
            item.get_ref<const std::string&>().size() > 64) {
            refuse("'" + std::string(key) + "' must be a list of ids (strings of 1-64 characters)");
            return {};
        }
        out.push_back(item.get<std::string>());
    }
    if (out.size() > 20) refuse("'" + std::string(key) + "': at most 20");
    return out;
}

std::optional<request_refusal> change_body::finish() {
    if (!refusal_ && body_.is_object()) {
        for (const auto& [key, value] : body_.items()) {
            if (std::find(read_.begin(), read_.end(), key) == read_.end())
                refuse("unknown field '" + key + "'");
        }
    }
    return refusal_;
}

}  // namespace cwc::gateway
