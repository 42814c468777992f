// Recognising a sensitive complaint from its words, whatever category the person chose: the
// configured keywords of every language (people mix languages), as whole words or phrases.
#pragma once

#include "config/config.hpp"

#include <string_view>

namespace cwc::handlers {

// Whether the text (as the person wrote it) contains one of cfg.sensitive's keywords, matched
// folded (no case, no accents) and on word boundaries: "trata" matches "es trata de personas"
// but not "tratamiento".
bool mentions_sensitive(const config::config& cfg, std::string_view text);

}  // namespace cwc::handlers
