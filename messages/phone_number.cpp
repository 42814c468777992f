// E.164 normalisation: not written yet (stub so the build stays green while it is).
#include "messages/phone_number.hpp"

namespace cwc::messages {

std::optional<std::string> normalize_phone(std::string_view raw, std::string_view) {
    if (raw.size() > 1 && raw.front() == '+') return std::string(raw);
    return std::nullopt;
}

}  // namespace cwc::messages
