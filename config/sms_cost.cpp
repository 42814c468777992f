// What an SMS costs (config/sms_cost.hpp): the GSM 03.38 default alphabet and extension table,
// and how septets or UCS-2 units pack into concatenated segments.
#include "config/sms_cost.hpp"

#include "config/text_folding.hpp"

#include <string>

namespace cwc::config {
namespace {

// GSM 03.38 by code point (PROVIDERS.md §8.1). Printable ASCII is in the default alphabet except
// the backtick and the extension characters; these are the default alphabet's other characters.
constexpr std::u32string_view gsm_default_extra = U"\n\r£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà";
constexpr std::u32string_view gsm_extension = U"\f^{}\\[~]|€";  // ESC + code: two septets

// Septets a code point costs: 1, 2 (extension table) or 0 (not representable: the whole message
// becomes UCS-2).
int gsm_septets(char32_t cp) {
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

}  // namespace

// Invalid UTF-8 cannot be GSM-7; it is counted as UCS-2 with each invalid byte as one unit, so
// the cost is never under-estimated for text a provider will have to re-encode anyway.
sms_cost count_sms(std::string_view utf8) {
    segment_packer gsm{160, 153};
    segment_packer ucs2{70, 67};
    bool gsm_ok = true;
    for (std::size_t i = 0; i < utf8.size();) {
        const decoded_code_point d = decode_utf8_at(utf8, i);
        i += d.length;
        if (!d.code_point) {
            gsm_ok = false;
            ucs2.add(1);
            continue;
        }
        const char32_t cp = *d.code_point;
        if (gsm_ok) {
            const int septets = gsm_septets(cp);
            if (septets == 0) {
                gsm_ok = false;
            } else {
                gsm.add(septets);
            }
        }
        ucs2.add(cp >= 0x10000 ? 2 : 1);
    }
    const segment_packer& chosen = gsm_ok ? gsm : ucs2;
    return {gsm_ok ? sms_encoding::gsm7 : sms_encoding::ucs2, chosen.total(), chosen.segments()};
}

}  // namespace cwc::config
