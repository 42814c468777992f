// Text rules of the domain: what an SMS costs, how keywords and digits are matched, valid UTF-8.
#pragma once

#include "config/sms_cost.hpp"
#include "config/text_folding.hpp"

#include <string>
#include <string_view>

namespace cwc::messages {

// What an SMS costs (GSM 03.38 / UCS-2 segments, PROVIDERS.md §8). Defined in config, so the
// loader checks information pages' length exactly as the engine pages them.
using config::count_sms;
using config::sms_cost;
using config::sms_encoding;

bool is_valid_utf8(std::string_view bytes);

// Folds a text for matching keywords and menu choices: trims, collapses inner white space,
// lower-cases, strips Latin diacritics (á→a, ñ→n, ü→u, ç→c), and maps Arabic-Indic (٠-٩) and
// Persian (۰-۹) digits to 0-9. Other scripts pass through unchanged. Input must be valid UTF-8.
// Defined in config, so the loader's keyword collision checks fold exactly as matching does.
using config::fold_for_matching;

}  // namespace cwc::messages
