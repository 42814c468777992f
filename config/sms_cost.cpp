// What an SMS costs (config/sms_cost.hpp): the GSM 03.38 default alphabet and extension table,
// and how septets or UCS-2 units pack into concatenated segments.
#include "config/sms_cost.hpp"

#include "config/text_folding.hpp"

#include <array>
#include <string>

namespace cwc::config {
namespace {

// GSM 03.38 by code point (PROVIDERS.md §8.1). Printable ASCII is in the default alphabet except
// the backtick and the extension characters; these are the default alphabet's other characters.
constexpr std::u32string_view gsm_default_extra = U"\n\r£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà";
constexpr std::u32string_view gsm_extension = U"\f^{}\\[~]|€";  // ESC + code: two septets

// Septets of the ASCII code points, looked up rather than searched (most texts are ASCII).
constexpr auto ascii_septets = [] {
    std::array<signed char, 128> septets{};
    for (char32_t cp = 0x20; cp <= 0x7E; ++cp) septets[cp] = cp == U'`' ? 0 : 1;
    for (const char32_t cp : gsm_default_extra)
        if (cp < 0x80) septets[cp] = 1;
    for (const char32_t cp : gsm_extension)
        if (cp < 0x80) septets[cp] = 2;
    return septets;
}();

// Septets a code point costs: 1, 2 (extension table) or 0 (not representable: the whole message
// becomes UCS-2).
int gsm_septets(char32_t cp) {
    if (cp < 0x80) return ascii_septets[cp];
    if (gsm_extension.find(cp) != std::u32string_view::npos) return 2;
    if (cp >= 0x20 && cp <= 0x7E) return cp == U'`' ? 0 : 1;
    return gsm_default_extra.find(cp) != std::u32string_view::npos ? 1 : 0;
}

// Packs units into segments without splitting a unit that is indivisible (an ESC pair or a
// surrogate pair), as the calculators in PROVIDERS.md §8.4 do.
class segment_packer {
  public:
    segment_packer(int single, int part) : single_{single}, part_{part} {}
    void add(int units) {
        total_ += units;
        if (used_ + units > part_) {
            ++parts_;
            used_ = 0;
        }
        used_ += units;
    }
    int total() const { return total_; }
    int segments() const {
        if (total_ == 0) return 0;
        if (total_ <= single_) return 1;
        return parts_ + 1;
    }

  private:
    int single_, part_;
    int total_ = 0, used_ = 0, parts_ = 0;
};

// Packs a text's units (GSM-7 septets, or UTF-16 units when `ucs2`) into segments.
sms_cost packed(std::string_view utf8, bool ucs2) {
    segment_packer packer = ucs2 ? segment_packer{70, 67} : segment_packer{160, 153};
    for (std::size_t i = 0; i < utf8.size();) {
        const decoded_code_point d = decode_utf8_at(utf8, i);
        i += d.length;
        if (!d.code_point) {
            packer.add(1);
        } else if (ucs2) {
            packer.add(*d.code_point >= 0x10000 ? 2 : 1);
        } else {
            packer.add(gsm_septets(*d.code_point));
        }
    }
    return {ucs2 ? sms_encoding::ucs2 : sms_encoding::gsm7, packer.total(), packer.segments()};
}

}  // namespace

// Invalid UTF-8 cannot be GSM-7; it is counted as UCS-2 with each invalid byte as one unit, so
// the cost is never under-estimated for text a provider will have to re-encode anyway. One pass
// counts both alphabets; packing is needed only when some unit is indivisible (an escape pair,
// a surrogate pair) and so might not fit at the end of a segment — most texts have none.
sms_cost count_sms(std::string_view utf8) {
    int septets = 0, units = 0;
    bool gsm_ok = true, escapes = false, surrogates = false;
    for (std::size_t i = 0; i < utf8.size();) {
        // ASCII without decoding: menus and notices are mostly ASCII, and this runs on the store
        // writer for every reply.
        if (const auto byte = static_cast<unsigned char>(utf8[i]); byte < 0x80) {
            ++i;
            ++units;
            if (gsm_ok) {
                const int cost = ascii_septets[byte];
                gsm_ok = cost != 0;
                septets += cost;
                escapes = escapes || cost == 2;
            }
            continue;
        }
        const decoded_code_point d = decode_utf8_at(utf8, i);
        i += d.length;
        if (!d.code_point) {
            gsm_ok = false;
            ++units;
            continue;
        }
        const char32_t cp = *d.code_point;
        if (gsm_ok) {
            const int cost = gsm_septets(cp);
            gsm_ok = cost != 0;
            septets += cost;
            escapes = escapes || cost == 2;
        }
        const int width = cp >= 0x10000 ? 2 : 1;
        units += width;
        surrogates = surrogates || width == 2;
    }
    const auto uniform = [](int total, int single, int part) {
        return total == 0 ? 0 : total <= single ? 1 : (total + part - 1) / part;
    };
    if (gsm_ok) {
        if (escapes) return packed(utf8, false);
        return {sms_encoding::gsm7, septets, uniform(septets, 160, 153)};
    }
    if (surrogates) return packed(utf8, true);
    return {sms_encoding::ucs2, units, uniform(units, 70, 67)};
}

}  // namespace cwc::config
