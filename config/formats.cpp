// Shapes of configuration values and the text checks behind keyword collisions and opt-out
// warnings. Code points are walked leniently (next_code_point: an invalid byte passes through as
// itself): the loader reports problems, it must not fail on them.
#include "config/formats.hpp"

#include "config/text_folding.hpp"

#include <algorithm>
#include <cctype>

namespace cwc::config {
namespace {

bool is_ascii_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_ascii_lower(char c) {
    return c >= 'a' && c <= 'z';
}
bool is_ascii_upper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool is_hex(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

bool is_digit_code_point(char32_t cp) {
    return (cp >= '0' && cp <= '9') || (cp >= 0x660 && cp <= 0x669) || (cp >= 0x6F0 && cp <= 0x6F9);
}

// Letters and digits of any script count as word characters; Latin-1 and general punctuation
// ("¡", "¿", "«", "—") separate words like ASCII punctuation does.
bool is_word_code_point(char32_t cp) {
    if (cp < 0x80) return std::isalnum(static_cast<int>(cp)) != 0 || cp == '_';
    if (cp < 0xC0) return false;
    if (cp == 0xD7 || cp == 0xF7) return false;
    if (cp >= 0x2000 && cp <= 0x206F) return false;
    return true;
}

bool valid_host(std::string_view host) {
    if (host.empty()) return false;
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') return false;
        return std::all_of(host.begin() + 1, host.end() - 1,
                           [](char c) { return is_hex(c) || c == ':' || c == '.'; });
    }
    return std::all_of(host.begin(), host.end(), [](char c) {
        return is_ascii_lower(c) || is_ascii_upper(c) || is_ascii_digit(c) || c == '.' || c == '-';
    });
}

bool valid_port(std::string_view port, long min) {
    if (port.empty() || port.size() > 5) return false;
    if (!std::all_of(port.begin(), port.end(), is_ascii_digit)) return false;
    const long value = std::stol(std::string(port));
    return value >= min && value <= 65535;
}

}  // namespace

bool is_slug(std::string_view s) {
    return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) {
        return is_ascii_lower(c) || is_ascii_digit(c) || c == '_' || c == '-';
    });
}

bool is_language_code(std::string_view s) {
    return (s.size() == 2 || s.size() == 3) && std::all_of(s.begin(), s.end(), is_ascii_lower);
}

bool is_country_code(std::string_view s) {
    return s.size() == 2 && is_ascii_upper(s[0]) && is_ascii_upper(s[1]);
}

bool is_e164(std::string_view s) {
    if (s.size() < 9 || s.size() > 16 || s[0] != '+' || s[1] == '0') return false;
    return std::all_of(s.begin() + 1, s.end(), is_ascii_digit);
}

bool is_env_name(std::string_view s) {
    if (s.empty() || is_ascii_digit(s[0])) return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return is_ascii_upper(c) || is_ascii_digit(c) || c == '_'; });
}

bool is_messaging_service_sid(std::string_view s) {
    return s.size() == 34 && s.substr(0, 2) == "MG" && std::all_of(s.begin() + 2, s.end(), is_hex);
}

std::optional<std::string> http_url_problem(std::string_view s) {
    std::string_view rest;
    if (s.substr(0, 7) == "http://") {
        rest = s.substr(7);
    } else if (s.substr(0, 8) == "https://") {
        rest = s.substr(8);
    } else {
        return "must start with http:// or https://";
    }
    if (std::any_of(s.begin(), s.end(),
                    [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7F; })) {
        return "must not contain spaces or control characters";
    }
    if (s.find_first_of("?#") != std::string_view::npos) {
        return "must not have a query (?...) or a fragment (#...)";
    }
    const std::size_t slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    const std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
    if (authority.find('@') != std::string_view::npos) {
        return "must not contain a user name or password (user@host)";
    }
    const std::size_t bracket = authority.rfind(']');
    const std::size_t colon = authority.rfind(':');
    const bool has_port =
        colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
    const std::string_view host = has_port ? authority.substr(0, colon) : authority;
    if (!valid_host(host)) return "needs a host name or IP address after the scheme";
    if (has_port && !valid_port(authority.substr(colon + 1), 1)) {
        return "the port must be a number from 1 to 65535";
    }
    if (!path.empty() && path.back() == '/') return "must not end with a slash";
    return std::nullopt;
}

std::optional<std::string> listen_problem(std::string_view s) {
    const std::size_t colon = s.rfind(':');
    if (colon == std::string_view::npos) return "must be host:port, e.g. 127.0.0.1:8080";
    const std::string_view host = s.substr(0, colon);
    if (host.find(':') != std::string_view::npos && host.front() != '[') {
        return "put an IPv6 address in brackets, e.g. [::1]:8080";
    }
    if (!valid_host(host)) return "needs a host or IP address before the colon, e.g. 0.0.0.0:8080";
    if (!valid_port(s.substr(colon + 1), 0)) {
        return "the port must be a number from 0 to 65535 (0 picks a free port)";
    }
    return std::nullopt;
}

bool is_digits_only(std::string_view folded) {
    bool any_digit = false;
    for (std::size_t i = 0; i < folded.size();) {
        const char32_t cp = next_code_point(folded, i);
        if (is_fold_space(cp)) continue;
        if (!is_digit_code_point(cp)) return false;
        any_digit = true;
    }
    return any_digit;
}

const std::vector<std::string>& twilio_stop_words() {
    static const std::vector<std::string> words = {"stop", "stopall", "unsubscribe", "cancel",
                                                   "end",  "quit",    "revoke",      "optout"};
    return words;
}

const std::vector<std::string>& provider_opt_out_words() {
    static const std::vector<std::string> words = {"CANCEL",      "END",    "QUIT",  "STOPALL",
                                                   "UNSUBSCRIBE", "REVOKE", "OPTOUT"};
    return words;
}

std::optional<std::string> find_opt_out_word(std::string_view utf8) {
    const auto& words = provider_opt_out_words();
    std::string word;
    auto check = [&]() -> std::optional<std::string> {
        auto it = std::find(words.begin(), words.end(), word);
        word.clear();
        return it == words.end() ? std::nullopt : std::optional<std::string>(*it);
    };
    for (std::size_t i = 0; i < utf8.size();) {
        const char32_t cp = next_code_point(utf8, i);
        if (is_word_code_point(cp)) {
            // Non-ASCII letters make the word unlike any opt-out word; keep a marker.
            word += cp < 0x80 ? static_cast<char>(std::toupper(static_cast<int>(cp))) : '~';
            continue;
        }
        if (auto found = check()) return found;
    }
    return check();
}

std::vector<std::string> placeholders_in(std::string_view text) {
    std::vector<std::string> names;
    for (std::size_t open = text.find('{'); open != std::string_view::npos;
         open = text.find('{', open + 1)) {
        const std::size_t close = text.find_first_of("{}", open + 1);
        if (close == std::string_view::npos || text[close] != '}') continue;
        names.emplace_back(text.substr(open + 1, close - open - 1));
    }
    return names;
}

}  // namespace cwc::config
