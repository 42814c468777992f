// What an SMS costs: GSM 03.38 septets or UCS-2 units and the segments they make (PROVIDERS.md
// §8). Defined in config so the loader checks page lengths exactly as the engine pages them;
// messages/text.hpp re-exports it as part of the domain's text rules.
#pragma once

#include <string_view>

namespace cwc::config {

enum class sms_encoding { gsm7, ucs2 };

struct sms_cost {
    sms_encoding encoding = sms_encoding::gsm7;
    int units = 0;     // GSM-7 septets (extension characters count 2) or UTF-16 code units
    int segments = 0;  // 160/153 septets or 70/67 units per segment; 0 for the empty text
};

// Exact GSM 03.38 / UCS-2 segment count of a UTF-8 text (PROVIDERS.md §8).
sms_cost count_sms(std::string_view utf8);

}  // namespace cwc::config
