// Fuzzes parse_form, the first code to touch an untrusted webhook body. Besides not crashing,
// whatever it accepts must survive encode_form → parse_form unchanged, because the signature and
// the adapter both trust the parsed fields to be exactly what the provider sent.
#include "gateway/form_urlencoded.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body{reinterpret_cast<const char*>(data), size};
    const auto fields = cwc::gateway::parse_form(body);
    if (!fields) return 0;

    const std::string encoded = cwc::gateway::encode_form(*fields);
    const auto again = cwc::gateway::parse_form(encoded);
    if (!again || *again != *fields) std::abort();
    // The encoding is canonical: encoding what it parses back to gives the same bytes.
    if (cwc::gateway::encode_form(*again) != encoded) std::abort();
    for (const auto& field : *fields) {
        const std::string* first = cwc::gateway::find_field(*fields, field.name);
        if (first == nullptr) std::abort();
    }
    return 0;
}
