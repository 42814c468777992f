// Fuzzes the X-Twilio-Signature signer and verifier together. Input: token '\n' url '\n' body.
// Whatever the input, a signature we compute must verify, and the same signature with one byte
// changed must not (the port variants verify tries must never make a wrong header pass).
#include "gateway/twilio_signature.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

std::string_view next_line(std::string_view& rest) {
    const std::size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest{reinterpret_cast<const char*>(data), size};
    const std::string_view token = next_line(rest);
    const std::string_view url = next_line(rest);
    // A body parse_form refuses is still signed, as one opaque field, to exercise raw bytes.
    const auto parsed = cwc::gateway::parse_form(rest);
    const cwc::gateway::form_fields fields =
        parsed ? *parsed : cwc::gateway::form_fields{{"Body", std::string{rest}}};

    const std::string signature = cwc::gateway::twilio_signature(token, url, fields);
    if (signature.size() != 28 || signature.back() != '=') std::abort();
    if (!cwc::gateway::verify_twilio_signature(token, url, fields, signature)) std::abort();
    if (cwc::gateway::verify_twilio_signature(token, url, fields, "")) std::abort();

    std::string flipped = signature;
    const std::size_t at = size % flipped.size();
    flipped[at] = static_cast<char>(flipped[at] ^ (1 + size % 255));
    if (cwc::gateway::verify_twilio_signature(token, url, fields, flipped)) std::abort();
    return 0;
}
