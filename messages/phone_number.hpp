// Addresses to E.164: every provider writes numbers its own way (WhatsApp and Vonage without
// '+', Kannel maybe in national format, "00" international prefixes). One person is one contact
// only if their number is written one way. libphonenumber cannot be installed beside Boost 1.81
// on Debian 12, so this is a small, table-driven function for the countries we serve.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cwc::messages {

// "+51 987 654 321", "0051987654321", "51987654321" (digits with a country code, as WhatsApp
// sends), "987654321" (national, default_country "PE") → "+51987654321". nullopt when it cannot
// be a phone number (short codes, letters, wrong length): the caller keeps such senders as they
// are rather than guess.
std::optional<std::string> normalize_phone(std::string_view raw, std::string_view default_country);

}  // namespace cwc::messages
