// Text rules: strict UTF-8 validation over config's strict decoder; the SMS cost lives in
// config/sms_cost.cpp and the folding for matching in config/text_folding.cpp.
#include "messages/text.hpp"

#include <cstdint>
#include <cstring>

namespace cwc::messages {

bool is_valid_utf8(std::string_view bytes) {
    constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
    for (std::size_t i = 0; i < bytes.size();) {
        // ASCII eight bytes at a time: every webhook field goes through here, and most are ASCII.
        std::uint64_t word = 0;
        if (bytes.size() - i >= sizeof word) {
            std::memcpy(&word, bytes.data() + i, sizeof word);
            if ((word & high_bits) == 0) {
                i += sizeof word;
                continue;
            }
        }
        const config::decoded_code_point d = config::decode_utf8_at(bytes, i);
        if (!d.code_point) return false;
        i += d.length;
    }
    return true;
}

}  // namespace cwc::messages
