// E.164 normalisation from a small numbering-plan table: calling code, trunk prefix and the
// lengths (with first digits) of national significant numbers. The table is approximate on
// purpose: it only has to tell a national number from one written with its country code.
#include "messages/phone_number.hpp"

#include <array>
#include <cstddef>

namespace cwc::messages {
namespace {

// `numbers`: space-separated rules "<length>[-<max length>]/<allowed first digits>" for the
// national significant number (without trunk prefix): "9/9 8/145678" = nine digits starting
// with 9, or eight starting with 1, 4, 5, 6, 7 or 8.
struct numbering_plan {
    std::string_view iso;    // ISO 3166 alpha-2
    std::string_view code;   // country calling code
    std::string_view trunk;  // national (trunk) prefix, "" where numbers are dialled without one
    std::string_view numbers;
};

// Calling codes are prefix-free, so one lookup by leading digits is unambiguous; countries that
// share a code (NANP, RU/KZ) share its rules.
constexpr std::array plans{
    // The Americas
    numbering_plan{"US", "1", "1", "10/23456789"},
    numbering_plan{"CA", "1", "1", "10/23456789"},
    numbering_plan{"PE", "51", "0", "9/9 8/145678"},
    numbering_plan{"MX", "52", "", "10/123456789 11/1"},
    numbering_plan{"CU", "53", "0", "8/56 6-8/234"},
    numbering_plan{"AR", "54", "0", "10/123456789 11/9"},
    numbering_plan{"BR", "55", "0", "10-11/123456789"},
    numbering_plan{"CL", "56", "", "9/23456789"},
    numbering_plan{"CO", "57", "0", "10/36"},
    numbering_plan{"VE", "58", "0", "10/2458"},
    numbering_plan{"GT", "502", "", "8/234567"},
    numbering_plan{"SV", "503", "", "8/267"},
    numbering_plan{"HN", "504", "", "8/23789"},
    numbering_plan{"NI", "505", "", "8/2578"},
    numbering_plan{"CR", "506", "", "8/245678"},
    numbering_plan{"PA", "507", "", "8/6 7/12345789"},
    numbering_plan{"HT", "509", "", "8/2349"},
    numbering_plan{"BO", "591", "0", "8/234567"},
    numbering_plan{"EC", "593", "0", "9/9 8/234567"},
    numbering_plan{"PY", "595", "0", "9/2345679 8/2345678"},
    numbering_plan{"UY", "598", "0", "8/249"},
    // Europe
    numbering_plan{"RU", "7", "8", "10/34789"},
    numbering_plan{"KZ", "7", "8", "10/34789"},
    numbering_plan{"GR", "30", "", "10/26"},
    numbering_plan{"NL", "31", "0", "9/123456789"},
    numbering_plan{"BE", "32", "0", "9/4 8/123456789"},
    numbering_plan{"FR", "33", "0", "9/123456789"},
    numbering_plan{"ES", "34", "", "9/56789"},
    numbering_plan{"HU", "36", "06", "8-9/123456789"},
    numbering_plan{"IT", "39", "", "9-10/3 6-11/0"},
    numbering_plan{"RO", "40", "0", "9/237"},
    numbering_plan{"CH", "41", "0", "9/23456789"},
    numbering_plan{"AT", "43", "0", "7-13/123456789"},
    numbering_plan{"GB", "44", "0", "10/1235789 9/18"},
    numbering_plan{"SE", "46", "0", "7-9/123456789"},
    numbering_plan{"NO", "47", "", "8/23456789"},
    numbering_plan{"PL", "48", "", "9/123456789"},
    numbering_plan{"DE", "49", "0", "10-11/1 6-11/23456789"},
    numbering_plan{"PT", "351", "", "9/29"},
    numbering_plan{"IE", "353", "0", "7-9/12456789"},
    numbering_plan{"AL", "355", "0", "8-9/23456789"},
    numbering_plan{"BG", "359", "0", "8-9/23456789"},
    numbering_plan{"MD", "373", "0", "8/2345678"},
    numbering_plan{"AM", "374", "0", "8/1234579"},
    numbering_plan{"BY", "375", "8", "9/1234"},
    numbering_plan{"UA", "380", "0", "9/345679"},
    numbering_plan{"RS", "381", "0", "8-9/1236"},
    numbering_plan{"HR", "385", "0", "8-9/123456789"},
    numbering_plan{"CZ", "420", "", "9/234567"},
    // Africa
    numbering_plan{"EG", "20", "0", "10/1 9/1245689 8/135"},
    numbering_plan{"ZA", "27", "0", "9/12345678"},
    numbering_plan{"SS", "211", "0", "9/19"},
    numbering_plan{"MA", "212", "0", "9/5678"},
    numbering_plan{"DZ", "213", "0", "9/567 8/2349"},
    numbering_plan{"TN", "216", "", "8/234579"},
    numbering_plan{"LY", "218", "0", "8-9/123456789"},
    numbering_plan{"GM", "220", "", "7/23456789"},
    numbering_plan{"SN", "221", "", "9/37"},
    numbering_plan{"ML", "223", "", "8/245679"},
    numbering_plan{"GN", "224", "", "9/36 8/3"},
    numbering_plan{"CI", "225", "", "10/012"},
    numbering_plan{"BF", "226", "", "8/2567"},
    numbering_plan{"NE", "227", "", "8/2589"},
    numbering_plan{"TG", "228", "", "8/279"},
    numbering_plan{"BJ", "229", "", "8/23456789 10/0"},
    numbering_plan{"LR", "231", "0", "7-9/23456789"},
    numbering_plan{"SL", "232", "0", "8/23456789"},
    numbering_plan{"GH", "233", "0", "9/235"},
    numbering_plan{"NG", "234", "0", "10/789 8/123456789"},
    numbering_plan{"TD", "235", "", "8/2679"},
    numbering_plan{"CF", "236", "", "8/2378"},
    numbering_plan{"CM", "237", "", "9/26"},
    numbering_plan{"CG", "242", "", "9/028"},
    numbering_plan{"CD", "243", "0", "9/123456789"},
    numbering_plan{"AO", "244", "", "9/29"},
    numbering_plan{"SD", "249", "0", "9/159"},
    numbering_plan{"RW", "250", "0", "9/27"},
    numbering_plan{"ET", "251", "0", "9/1234579"},
    numbering_plan{"SO", "252", "0", "7-9/123456789"},
    numbering_plan{"DJ", "253", "", "8/27"},
    numbering_plan{"KE", "254", "0", "9/124567"},
    numbering_plan{"TZ", "255", "0", "9/234567"},
    numbering_plan{"UG", "256", "0", "9/2347"},
    numbering_plan{"BI", "257", "", "8/2367"},
    numbering_plan{"MZ", "258", "", "9/8 8/2"},
    numbering_plan{"ZM", "260", "0", "9/2579"},
    numbering_plan{"MG", "261", "0", "9/23"},
    numbering_plan{"ZW", "263", "0", "9/7 5-10/1234568"},
    numbering_plan{"NA", "264", "0", "8-9/68"},
    numbering_plan{"MW", "265", "0", "9/123456789 7/1"},
    numbering_plan{"LS", "266", "", "8/2568"},
    numbering_plan{"BW", "267", "", "8/7 7/23456"},
    numbering_plan{"SZ", "268", "", "8/237"},
    numbering_plan{"ER", "291", "0", "7/178"},
    // Asia and the Pacific
    numbering_plan{"MY", "60", "0", "9-10/13456789"},
    numbering_plan{"AU", "61", "0", "9/23478"},
    numbering_plan{"ID", "62", "0", "9-12/2345689"},
    numbering_plan{"PH", "63", "0", "9-10/23456789"},
    numbering_plan{"NZ", "64", "0", "8-10/234679"},
    numbering_plan{"SG", "65", "", "8/3689"},
    numbering_plan{"TH", "66", "0", "9/689 8/234567"},
    numbering_plan{"JP", "81", "0", "9-10/123456789"},
    numbering_plan{"KR", "82", "0", "8-10/123456789"},
    numbering_plan{"VN", "84", "0", "9/35789 10/2"},
    numbering_plan{"CN", "86", "0", "11/1 10-11/23456789"},
    numbering_plan{"HK", "852", "", "8/235679"},
    numbering_plan{"KH", "855", "0", "8-9/123456789"},
    numbering_plan{"BD", "880", "0", "10/1 6-10/23456789"},
    numbering_plan{"TR", "90", "0", "10/234589"},
    numbering_plan{"IN", "91", "0", "10/123456789"},
    numbering_plan{"PK", "92", "0", "10/3 9-10/2456789"},
    numbering_plan{"AF", "93", "0", "9/234567"},
    numbering_plan{"LK", "94", "0", "9/123456789"},
    numbering_plan{"MM", "95", "0", "7-10/123456789"},
    numbering_plan{"IR", "98", "0", "10/123456789"},
    numbering_plan{"LB", "961", "0", "8/78 7/13456789"},
    numbering_plan{"JO", "962", "0", "9/7 8/23456"},
    numbering_plan{"SY", "963", "0", "9/123459 8/12345"},
    numbering_plan{"IQ", "964", "0", "10/7 9/23456 8/123456"},
    numbering_plan{"KW", "965", "", "8/12569"},
    numbering_plan{"SA", "966", "0", "9/15"},
    numbering_plan{"YE", "967", "0", "9/7 7-8/123456"},
    numbering_plan{"OM", "968", "", "8/279"},
    numbering_plan{"PS", "970", "0", "9/5 8/2489"},
    numbering_plan{"AE", "971", "0", "9/5 8/234679"},
    numbering_plan{"IL", "972", "0", "9/57 8/23489"},
    numbering_plan{"BH", "973", "", "8/136"},
    numbering_plan{"QA", "974", "", "8/34567"},
    numbering_plan{"NP", "977", "0", "10/9 8/12345678"},
    numbering_plan{"TJ", "992", "", "9/3456789"},
    numbering_plan{"AZ", "994", "0", "9/12456789"},
    numbering_plan{"GE", "995", "0", "9/3457"},
    numbering_plan{"KG", "996", "0", "9/3456789"},
    numbering_plan{"UZ", "998", "", "9/3456789"},
};

// E.164: at most 15 digits with the country code; the shortest numbers in use have 7.
constexpr std::size_t min_international_digits = 7;
constexpr std::size_t max_international_digits = 15;

std::size_t parse_length(std::string_view& s) {
    std::size_t n = 0;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
        n = n * 10 + static_cast<std::size_t>(s.front() - '0');
        s.remove_prefix(1);
    }
    return n;
}

// Whether `national` (digits, trunk prefix removed) fits one of the plan's rules.
bool fits(const numbering_plan& plan, std::string_view national) {
    std::string_view rules = plan.numbers;
    while (!rules.empty()) {
        const std::size_t end = rules.find(' ');
        std::string_view rule = rules.substr(0, end);
        rules = end == std::string_view::npos ? std::string_view{} : rules.substr(end + 1);
        const std::size_t min = parse_length(rule);
        std::size_t max = min;
        if (!rule.empty() && rule.front() == '-') {
            rule.remove_prefix(1);
            max = parse_length(rule);
        }
        if (rule.empty() || rule.front() != '/') continue;  // malformed rule: never matches
        rule.remove_prefix(1);
        if (national.size() >= min && national.size() <= max && !national.empty() &&
            rule.find(national.front()) != std::string_view::npos)
            return true;
    }
    return false;
}

const numbering_plan* plan_for_country(std::string_view iso) {
    for (const auto& p : plans)
        if (p.iso.size() == iso.size() && p.iso[0] == (iso[0] & ~0x20) && p.iso[1] == (iso[1] & ~0x20))
            return &p;
    return nullptr;
}

// The plan whose calling code starts `digits` (codes are prefix-free), or nullptr.
const numbering_plan* plan_for_code(std::string_view digits) {
    for (const auto& p : plans)
        if (digits.substr(0, p.code.size()) == p.code) return &p;
    return nullptr;
}

// The national significant number of `national` as written (maybe with the trunk prefix, which
// people also keep after "+CC": "+254 0712…"), or "" when it fits none of the plan's rules.
std::string_view significant_number(const numbering_plan& plan, std::string_view national) {
    if (fits(plan, national)) return national;
    if (!plan.trunk.empty() && national.substr(0, plan.trunk.size()) == plan.trunk &&
        fits(plan, national.substr(plan.trunk.size())))
        return national.substr(plan.trunk.size());
    return {};
}

// Keeps digits (ASCII, Arabic-Indic and Extended Arabic-Indic, which people in Iraq and Syria
// type) and drops separators. nullopt for anything else, e.g. letters of an alphanumeric sender.
std::optional<std::string> digits_of(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= '0' && c <= '9') {
            out += static_cast<char>(c);
        } else if (c == ' ' || c == '\t' || c == '.' || c == '-' || c == '(' || c == ')') {
            continue;
        } else if (i + 1 < s.size()) {
            const auto d = static_cast<unsigned char>(s[i + 1]);
            if (c == 0xC2 && d == 0xA0) {  // no-break space
            } else if (c == 0xD9 && d >= 0xA0 && d <= 0xA9) {  // ٠-٩
                out += static_cast<char>('0' + (d - 0xA0));
            } else if (c == 0xDB && d >= 0xB0 && d <= 0xB9) {  // ۰-۹
                out += static_cast<char>('0' + (d - 0xB0));
            } else {
                return std::nullopt;
            }
            ++i;
        } else {
            return std::nullopt;
        }
    }
    return out;
}

// "+" code national, appended rather than added up ("+" + a + b makes GCC 12 warn at -O3).
std::string e164(std::string_view code, std::string_view national) {
    std::string out;
    out.reserve(1 + code.size() + national.size());
    out.append("+").append(code).append(national);
    return out;
}

// Digits after an international prefix ("+", "00"): the country code must be plausible. Codes
// we have a plan for also fix a kept trunk prefix; others are trusted as written.
std::optional<std::string> international(std::string_view digits) {
    if (digits.size() < min_international_digits || digits.size() > max_international_digits ||
        digits.front() == '0')
        return std::nullopt;
    if (const auto* plan = plan_for_code(digits)) {
        const auto national = significant_number(*plan, digits.substr(plan->code.size()));
        if (!national.empty()) return e164(plan->code, national);
    }
    return e164(digits, {});
}

// Digits written without any prefix that start with a known country code and fit its plan.
std::optional<std::string> with_country_code(std::string_view digits) {
    const auto* plan = plan_for_code(digits);
    if (plan == nullptr || digits.size() > max_international_digits + plan->trunk.size())
        return std::nullopt;
    const auto national = significant_number(*plan, digits.substr(plan->code.size()));
    if (national.empty()) return std::nullopt;
    return e164(plan->code, national);
}

}  // namespace

std::optional<std::string> normalize_phone(std::string_view raw, std::string_view default_country) {
    while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
    if (raw.size() >= 4 && (raw[0] | 0x20) == 't' && (raw[1] | 0x20) == 'e' &&
        (raw[2] | 0x20) == 'l' && raw[3] == ':')
        raw.remove_prefix(4);
    while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
    const bool plus = !raw.empty() && raw.front() == '+';
    if (plus) raw.remove_prefix(1);
    const auto digits = digits_of(raw);
    if (!digits || digits->empty()) return std::nullopt;
    std::string_view d = *digits;
    if (plus) return international(d);
    const numbering_plan* home =
        default_country.size() == 2 ? plan_for_country(default_country) : nullptr;
    if (d.substr(0, 2) == "00") return international(d.substr(2));
    if (home != nullptr && home->code == "1" && d.substr(0, 3) == "011")  // NANP's exit code
        return international(d.substr(3));
    // A number written the way people of the default country write it wins over a reading with
    // a country code: without "+", a 9-digit number starting with 9 is Peruvian in Peru.
    if (home != nullptr) {
        const auto national = significant_number(*home, d);
        if (!national.empty()) return e164(home->code, national);
    }
    return with_country_code(d);
}

}  // namespace cwc::messages
