// The language-keyed text every part of the configuration is written in.
#pragma once

#include <map>
#include <string>

namespace cwc::config {

using language_code = std::string;  // BCP-47 primary tag: "es", "en", "ar"

// A text given in every configured language (validation guarantees completeness).
using localized_text = std::map<language_code, std::string>;

}  // namespace cwc::config
