// Parses and writes application/x-www-form-urlencoded bodies. Strict on input: a body with a
// broken %-escape or bytes that are not UTF-8 is refused as a whole rather than half-understood,
// because a webhook we misread is worse than one we reject (and its signature would not match).
#include "gateway/form_urlencoded.hpp"

#include "messages/text.hpp"

namespace cwc::gateway {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> decode_component(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '+') {
            out.push_back(' ');
        } else if (c == '%') {
            if (raw.size() - i < 3) return std::nullopt;  // "%", "%4" at the end
            const int hi = hex_value(raw[i + 1]);
            const int lo = hex_value(raw[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    if (!messages::is_valid_utf8(out)) return std::nullopt;
    return out;
}

bool is_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

}  // namespace

std::optional<form_fields> parse_form(std::string_view body) {
    form_fields fields;
    while (!body.empty()) {
        const std::size_t amp = body.find('&');
        const std::string_view segment = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
        if (segment.empty()) continue;  // "a=1&&b=2" and a trailing '&' are harmless

        const std::size_t eq = segment.find('=');
        auto name = decode_component(segment.substr(0, eq));
        auto value = eq == std::string_view::npos ? std::optional<std::string>{std::string{}}
                                                  : decode_component(segment.substr(eq + 1));
        if (!name || !value) return std::nullopt;
        fields.push_back(form_field{std::move(*name), std::move(*value)});
    }
    return fields;
}

std::string percent_encode(std::string_view raw) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(raw.size());
    for (const char c : raw) {
        const auto byte = static_cast<unsigned char>(c);
        if (is_unreserved(byte)) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(digits[byte >> 4]);
            out.push_back(digits[byte & 0x0F]);
        }
    }
    return out;
}

std::string encode_form(const form_fields& fields) {
    std::string out;
    for (const auto& field : fields) {
        if (!out.empty()) out.push_back('&');  // every field writes at least '='
        out += percent_encode(field.name);
        out.push_back('=');
        out += percent_encode(field.value);
    }
    return out;
}

const std::string* find_field(const form_fields& fields, std::string_view name) {
    for (const auto& field : fields)
        if (field.name == name) return &field.value;
    return nullptr;
}

std::string field_or_empty(const form_fields& fields, std::string_view name) {
    const std::string* value = find_field(fields, name);
    return value ? *value : std::string{};
}

}  // namespace cwc::gateway
