// application/x-www-form-urlencoded, as providers send it: '+' is a space, %XX a byte. Field
// order is kept (signatures sort it themselves); repeated names are kept as separate fields.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::gateway {

struct form_field {
    std::string name;
    std::string value;
    bool operator==(const form_field&) const = default;
};
using form_fields = std::vector<form_field>;

// nullopt for a malformed body: a bad %-escape, a decoded name or value that is not valid UTF-8.
std::optional<form_fields> parse_form(std::string_view body);
// Encodes with %XX for everything but unreserved characters (space as %20), joined by '&'.
std::string encode_form(const form_fields& fields);
std::string percent_encode(std::string_view raw);

// The first value of `name`, or nullptr.
const std::string* find_field(const form_fields& fields, std::string_view name);
// The field's value, "" when absent.
std::string field_or_empty(const form_fields& fields, std::string_view name);

}  // namespace cwc::gateway
