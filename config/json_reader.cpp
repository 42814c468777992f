// Typed, non-throwing reads from untrusted JSON for config/load. Values are inspected with
// is_*() before any get<>(), so no nlohmann exception can escape, and each failure becomes one
// problem at the pointer of the value at fault.
#include "config/json_reader.hpp"

#include "config/formats.hpp"
#include "config/text_folding.hpp"

#include <algorithm>

namespace cwc::config {
namespace {

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

// 0.0 -> "0", 2.5 -> "2.5": how an operator would write the bound.
std::string number_text(double value) {
    const auto whole = static_cast<long long>(value);
    return static_cast<double>(whole) == value ? std::to_string(whole) : json(value).dump();
}

std::string range_phrase(long long lo, long long hi) {
    return "from " + std::to_string(lo) + " to " + std::to_string(hi);
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

// Opt-out words and placeholders of one text in one language.
void check_text(const std::string& text, const std::string& path, const text_rules& rules,
                problem_log& log) {
    if (auto word = find_opt_out_word(text)) {
        log.warning(path,
                    "mentions " + *word + ": replying " + *word +
                        " would opt the person out at the provider; reword it (STOP is fine)");
    }
    for (const auto& name : rules.required_placeholders) {
        if (text.find("{" + name + "}") == std::string::npos) {
            log.error(path, "must contain {" + name + "}; it is replaced when the text is sent");
        }
    }
    for (const auto& name : placeholders_in(text)) {
        if (contains(rules.required_placeholders, name) ||
            contains(rules.allowed_placeholders, name))
            continue;
        std::vector<std::string> known = rules.required_placeholders;
        known.insert(known.end(), rules.allowed_placeholders.begin(),
                     rules.allowed_placeholders.end());
        log.warning(path, "{" + name + "} is not a placeholder here and would be sent as written" +
                              (known.empty() ? std::string(" (this text has none)")
                                             : " (known: {" + join(known) + "})"));
    }
}

}  // namespace

void problem_log::error(std::string path, std::string message) {
    errors_.push_back({std::move(path), std::move(message)});
}

void problem_log::warning(std::string path, std::string message) {
    warnings_.push_back({std::move(path), std::move(message)});
}

std::string child_path(const std::string& parent, std::string_view key) {
    std::string out = parent + "/";
    for (char c : key) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

std::string child_path(const std::string& parent, std::size_t index) {
    return parent + "/" + std::to_string(index);
}

std::string type_phrase(const json& value) {
    switch (value.type()) {
        case json::value_t::null:
            return "null";
        case json::value_t::object:
            return "an object";
        case json::value_t::array:
            return "an array";
        case json::value_t::string:
            return "a string";
        case json::value_t::boolean:
            return "true/false";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
            return "an integer";
        case json::value_t::number_float:
            return "a decimal number";
        default:
            return "an unsupported value";
    }
}

object_reader::object_reader(const json& value, std::string path, reading& r)
    : path_(std::move(path)), reading_(r) {
    if (value.is_object()) {
        object_ = &value;
    } else {
        r.log.error(path_, "expected an object {...}, found " + type_phrase(value));
    }
}

const json* object_reader::find(std::string_view key) {
    if (object_ == nullptr) return nullptr;
    known_.insert(std::string(key));
    auto it = object_->find(std::string(key));
    return it == object_->end() ? nullptr : &*it;
}

const json* object_reader::require(std::string_view key, std::string_view expected) {
    if (object_ == nullptr) return nullptr;
    const json* value = find(key);
    if (value == nullptr) {
        reading_.log.error(path_of(key), "missing; add " + std::string(expected));
    }
    return value;
}

std::vector<std::string> object_reader::keys() const {
    std::vector<std::string> out;
    if (object_ != nullptr) {
        for (const auto& item : object_->items()) out.push_back(item.key());
    }
    return out;
}

void object_reader::error(std::string_view key, std::string message) {
    reading_.log.error(path_of(key), std::move(message));
}

void object_reader::warning(std::string_view key, std::string message) {
    reading_.log.warning(path_of(key), std::move(message));
}

bool object_reader::read_string(std::string_view key, std::string& out, presence p) {
    const json* value = p == presence::required ? require(key, "a non-empty string") : find(key);
    if (value == nullptr) return false;
    auto text = read_string_value(*value, path_of(key), reading_.log);
    if (!text) return false;
    out = std::move(*text);
    return true;
}

std::optional<long long> object_reader::read_integer(std::string_view key, long long lo,
                                                     long long hi, presence p) {
    const json* value =
        p == presence::required ? require(key, "an integer " + range_phrase(lo, hi)) : find(key);
    if (value == nullptr) return std::nullopt;
    return read_integer_value(*value, path_of(key), lo, hi, reading_.log);
}

bool object_reader::read_int(std::string_view key, int& out, long long lo, long long hi,
                             presence p) {
    const auto number = read_integer(key, lo, hi, p);
    if (!number) return false;
    out = static_cast<int>(*number);
    return true;
}

bool object_reader::read_size(std::string_view key, std::size_t& out, long long lo, long long hi,
                              presence p) {
    const auto number = read_integer(key, lo, hi, p);
    if (!number) return false;
    out = static_cast<std::size_t>(*number);
    return true;
}

bool object_reader::read_number(std::string_view key, double& out, double lo, double hi,
                                presence p) {
    const std::string expected =
        "a number above " + number_text(lo) + " and at most " + number_text(hi);
    const json* value = p == presence::required ? require(key, expected) : find(key);
    if (value == nullptr) return false;
    if (!value->is_number()) {
        reading_.log.error(path_of(key), "expected " + expected + ", found " + type_phrase(*value));
        return false;
    }
    const double number = value->get<double>();
    if (!(number > lo && number <= hi)) {
        reading_.log.error(path_of(key), "must be " + expected + ", found " + value->dump());
        return false;
    }
    out = number;
    return true;
}

bool object_reader::read_bool(std::string_view key, bool& out, presence p) {
    const json* value = p == presence::required ? require(key, "true or false") : find(key);
    if (value == nullptr) return false;
    if (!value->is_boolean()) {
        reading_.log.error(path_of(key),
                           "expected true or false (no quotes), found " + type_phrase(*value));
        return false;
    }
    out = value->get<bool>();
    return true;
}

bool object_reader::read_localized(std::string_view key, localized_text& out, presence p,
                                   const text_rules& rules) {
    const json* value =
        p == presence::required
            ? require(key, "an object with a text per language, e.g. {\"es\": \"...\"}")
            : find(key);
    if (value == nullptr) return false;
    out = read_localized_value(*value, path_of(key), reading_, rules);
    return true;
}

void object_reader::warn_unknown(std::string_view where_hint) {
    if (object_ == nullptr) return;
    for (const auto& item : object_->items()) {
        if (known_.count(item.key()) != 0) continue;
        std::string message = "unknown key '" + item.key() + "' is ignored; check the spelling";
        if (!where_hint.empty()) message += " (" + std::string(where_hint) + ")";
        reading_.log.warning(path_of(item.key()), std::move(message));
    }
}

std::optional<std::string> read_string_value(const json& value, const std::string& path,
                                             problem_log& log) {
    if (!value.is_string()) {
        log.error(path, "expected a string in quotes, found " + type_phrase(value));
        return std::nullopt;
    }
    std::string text = value.get<std::string>();
    if (fold_for_matching(text).empty()) {
        log.error(path, "must not be empty or only spaces");
        return std::nullopt;
    }
    return text;
}

std::optional<long long> read_integer_value(const json& value, const std::string& path,
                                            long long lo, long long hi, problem_log& log) {
    const std::string expected = "an integer " + range_phrase(lo, hi);
    if (!value.is_number_integer()) {
        log.error(path, "expected " + expected + ", found " + type_phrase(value));
        return std::nullopt;
    }
    // Unsigned values above the signed range are out of every range we accept.
    const bool too_big = value.is_number_unsigned() &&
                         value.get<unsigned long long>() > static_cast<unsigned long long>(hi);
    const long long number = too_big ? hi : value.get<long long>();
    if (too_big || number < lo || number > hi) {
        log.error(path, "must be " + expected + ", found " + value.dump());
        return std::nullopt;
    }
    return number;
}

localized_text read_localized_value(const json& value, const std::string& path, reading& r,
                                    const text_rules& rules) {
    localized_text out;
    if (!value.is_object()) {
        r.log.error(path, "expected an object with a text per language (" + join(r.languages) +
                              "), found " + type_phrase(value));
        return out;
    }
    for (const auto& item : value.items()) {
        const std::string item_path = child_path(path, item.key());
        const bool configured = contains(r.languages, item.key());
        auto text = read_string_value(item.value(), item_path, r.log);
        if (!text) continue;
        if (!configured && !r.languages.empty()) {
            r.log.warning(item_path, "language '" + item.key() +
                                         "' is not in /languages and is never sent; add it there "
                                         "or remove this text");
        }
        check_text(*text, item_path, rules, r.log);
        out.emplace(item.key(), std::move(*text));
    }
    for (const auto& code : r.languages) {
        if (!value.contains(code)) {
            r.log.error(child_path(path, code),
                        "missing: every text needs all configured languages (" + join(r.languages) +
                            "); add a non-empty string");
        }
    }
    return out;
}

const json::array_t* read_array(const json& value, const std::string& path, problem_log& log) {
    if (!value.is_array()) {
        log.error(path, "expected an array [...], found " + type_phrase(value));
        return nullptr;
    }
    return value.get_ptr<const json::array_t*>();
}

}  // namespace cwc::config
