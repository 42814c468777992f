// RFC 3339 times for the officers' API: written in UTC, read with any offset. Strict: a filter
// that cannot be read is a 400, never a silently different range.
#include "gateway/rfc3339.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace cwc::gateway {
namespace {

// Exactly `n` digits at s[pos..]; advances pos.
std::optional<int> digits(std::string_view s, std::size_t& pos, std::size_t n) {
    if (pos + n > s.size()) return std::nullopt;
    int value = 0;
    const auto* first = s.data() + pos;
    auto [end, ec] = std::from_chars(first, first + n, value);
    if (ec != std::errc{} || end != first + n) return std::nullopt;
    for (std::size_t i = 0; i < n; ++i)
        if (first[i] < '0' || first[i] > '9') return std::nullopt;
    pos += n;
    return value;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

}  // namespace

std::string rfc3339(messages::timestamp t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss time{t - day};
    char buffer[40];
    const auto ms = time.subseconds().count();
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), int(time.hours().count()),
                  int(time.minutes().count()), int(time.seconds().count()));
    std::string out = buffer;
    if (ms != 0) {
        std::snprintf(buffer, sizeof buffer, ".%03d", int(ms));
        out += buffer;
    }
    return out + "Z";
}

std::optional<messages::timestamp> parse_rfc3339(std::string_view s) {
    using namespace std::chrono;
    std::size_t pos = 0;
    const auto y = digits(s, pos, 4);
    if (!y || !expect(s, pos, '-')) return std::nullopt;
    const auto mo = digits(s, pos, 2);
    if (!mo || !expect(s, pos, '-')) return std::nullopt;
    const auto d = digits(s, pos, 2);
    if (!d) return std::nullopt;
    const year_month_day ymd{year{*y}, month{unsigned(*mo)}, day{unsigned(*d)}};
    if (!ymd.ok()) return std::nullopt;
    messages::timestamp t = time_point_cast<milliseconds>(sys_days{ymd});
    if (pos == s.size()) return t;
    if (!expect(s, pos, 'T') && !expect(s, pos, 't')) return std::nullopt;
    const auto h = digits(s, pos, 2);
    if (!h || !expect(s, pos, ':')) return std::nullopt;
    const auto mi = digits(s, pos, 2);
    if (!mi || !expect(s, pos, ':')) return std::nullopt;
    const auto sec = digits(s, pos, 2);
    if (!sec || *h > 23 || *mi > 59 || *sec > 59) return std::nullopt;
    t += hours{*h} + minutes{*mi} + seconds{*sec};
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int scale = 100, ms = 0;
        const std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            ms += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start || pos - start > 9) return std::nullopt;
        t += milliseconds{ms};
    }
    if (pos == s.size()) return std::nullopt;
    if (s[pos] == 'Z' || s[pos] == 'z')
        return pos + 1 == s.size() ? std::optional{t} : std::nullopt;
    const bool ahead = s[pos] == '+';
    if (!ahead && s[pos] != '-') return std::nullopt;
    ++pos;
    const auto oh = digits(s, pos, 2);
    if (!oh || !expect(s, pos, ':')) return std::nullopt;
    const auto om = digits(s, pos, 2);
    if (!om || *oh > 23 || *om > 59 || pos != s.size()) return std::nullopt;
    const minutes offset{*oh * 60 + *om};
    return ahead ? t - offset : t + offset;
}

}  // namespace cwc::gateway
