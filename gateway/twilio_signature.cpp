// X-Twilio-Signature (PROVIDERS.md §1.2): HMAC-SHA1 over the URL plus the sorted POST fields.
// Verification tries the same URL variants as Twilio's SDK, because Twilio keeps the port in
// messaging callbacks but a proxy or the configured public URL may state it differently.
#include "gateway/twilio_signature.hpp"

#include "gateway/base64.hpp"
#include "messages/hmac.hpp"

#include <openssl/crypto.h>
#include <boost/url.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <vector>

namespace cwc::gateway {
namespace {

// The URL variants whose signatures Twilio's SDK accepts: as given, without its port, or with the
// scheme's default port added. A URL Boost.URL cannot parse is only tried as given.
std::vector<std::string> url_variants(std::string_view url) {
    std::vector<std::string> variants{std::string{url}};
    const auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return variants;
    boost::urls::url changed{*parsed};
    if (changed.has_port()) {
        changed.remove_port();
    } else if (changed.scheme_id() == boost::urls::scheme::https) {
        changed.set_port_number(443);
    } else if (changed.scheme_id() == boost::urls::scheme::http) {
        changed.set_port_number(80);
    } else {
        return variants;
    }
    variants.emplace_back(changed.buffer());
    return variants;
}

}  // namespace

std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             const form_fields& post_fields) {
    // Byte-wise by name (std::string compares as unsigned char). The sort is stable, so repeated
    // names keep the order they were received in, as courier does; twilio-node would sort their
    // values too. Messaging webhooks use distinct names (MediaUrl0..N), so the choice is moot
    // there.
    std::vector<const form_field*> sorted;
    sorted.reserve(post_fields.size());
    for (const auto& field : post_fields) sorted.push_back(&field);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const form_field* a, const form_field* b) { return a->name < b->name; });

    std::string to_sign{url};
    for (const auto* field : sorted) {
        to_sign += field->name;
        to_sign += field->value;
    }

    std::array<unsigned char, 20> digest{};
    try {
        digest = messages::hmac_sha1_bytes(auth_token, to_sign);
    } catch (const std::runtime_error&) {
        return {};  // never verifies: verify refuses an empty expected value
    }
    return base64({reinterpret_cast<const char*>(digest.data()), digest.size()});
}

bool verify_twilio_signature(std::string_view auth_token, std::string_view url,
                             const form_fields& post_fields, std::string_view header_value) {
    if (header_value.empty()) return false;
    bool match = false;
    // Every variant is computed and compared, so the time taken does not say which one matched.
    for (const auto& candidate : url_variants(url)) {
        const std::string expected = twilio_signature(auth_token, candidate, post_fields);
        if (!expected.empty() && expected.size() == header_value.size() &&
            CRYPTO_memcmp(expected.data(), header_value.data(), expected.size()) == 0)
            match = true;
    }
    return match;
}

}  // namespace cwc::gateway
