// Text rules of the domain: what an SMS costs, how keywords and digits are matched, valid UTF-8.
#pragma once

#include "config/text_folding.hpp"

#include <string>
#include <string_view>

namespace cwc::messages {

enum class sms_encoding { gsm7, ucs2 };

struct sms_cost {
    sms_encoding encoding = sms_encoding::gsm7;
    int units = 0;     // GSM-7 septets (extension characters count 2) or UTF-16 code units
    int segments = 0;  // 160/153 septets or 70/67 units per segment; 0 for the empty text
};

// Exact GSM 03.38 / UCS-2 segment count of a UTF-8 text (PROVIDERS.md §8).
sms_cost count_sms(std::string_view utf8);

bool is_valid_utf8(std::string_view bytes);

// Folds a text for matching keywords and menu choices: trims, collapses inner white space,
// lower-cases, strips Latin diacritics (á→a, ñ→n, ü→u, ç→c), and maps Arabic-Indic (٠-٩) and
// Persian (۰-۹) digits to 0-9. Other scripts pass through unchanged. Input must be valid UTF-8.
// Defined in config, so the loader's keyword collision checks fold exactly as matching does.
using config::fold_for_matching;

}  // namespace cwc::messages
