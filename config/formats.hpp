// Internal to config/load: the shapes values must have (identifiers, phone numbers, URLs,
// environment variable names) and the text checks (digit-only keywords, provider opt-out words,
// placeholders). Pure functions over strings. Keyword folding is config/text_folding.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::config {

bool is_slug(std::string_view s);                   // [a-z0-9_-]{1,32}
bool is_language_code(std::string_view s);          // [a-z]{2,3}
bool is_country_code(std::string_view s);           // [A-Z]{2}
bool is_e164(std::string_view s);                   // + then 8-15 digits, the first not 0
bool is_env_name(std::string_view s);               // [A-Z_][A-Z0-9_]*
bool is_messaging_service_sid(std::string_view s);  // MG + 32 hexadecimal digits

// Why s is not "http(s)://host[:port][/prefix]" without user info, query, fragment or
// trailing slash; empty when it is fine.
std::optional<std::string> http_url_problem(std::string_view s);
// Why s is not "host:port" (IPv6 hosts in brackets, port 0-65535); empty when it is fine.
std::optional<std::string> listen_problem(std::string_view s);

// Whether a keyword (folded by fold_for_matching, config/text_folding.hpp) would be read as a
// menu choice: at least one digit (ASCII, Arabic-Indic or Persian) and nothing but white space.
bool is_digits_only(std::string_view folded);

// Twilio's opt-out keywords, STOP included, folded (lower case), as it matches them: the whole
// message, any case (PROVIDERS.md §1.7).
const std::vector<std::string>& twilio_stop_words();

// Twilio's opt-out words other than STOP (PROVIDERS.md §1.7), in capitals.
const std::vector<std::string>& provider_opt_out_words();
// The first provider opt-out word (not STOP) that text holds as a whole word, any case.
std::optional<std::string> find_opt_out_word(std::string_view utf8);

// Names between braces: "Ref {reference} in {days} days" -> {"reference", "days"}.
std::vector<std::string> placeholders_in(std::string_view text);

}  // namespace cwc::config
