// Text rules: strict UTF-8 validation over config's strict decoder; the SMS cost lives in
// config/sms_cost.cpp and the folding for matching in config/text_folding.cpp.
#include "messages/text.hpp"

namespace cwc::messages {

bool is_valid_utf8(std::string_view bytes) {
    for (std::size_t i = 0; i < bytes.size();) {
        const config::decoded_code_point d = config::decode_utf8_at(bytes, i);
        if (!d.code_point) return false;
        i += d.length;
    }
    return true;
}

}  // namespace cwc::messages
