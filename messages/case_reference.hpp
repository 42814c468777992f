// Short case references people can read out and type on a basic phone: "Q7K-2M4". The alphabet
// leaves out look-alikes (0/O, 1/I/L, 5/S, 8/B, Z), so a reference survives being written down.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cwc::messages {

inline constexpr std::string_view case_reference_alphabet = "234679ACDEFGHJKMNPQRTUVWXY";

// Formats six alphabet characters chosen by `entropy` as "XXX-XXX".
std::string make_case_reference(std::uint64_t entropy);

// Accepts what a person may type: any case, with or without the dash or spaces ("q7k 2m4").
// Returns the canonical "XXX-XXX" form, or nothing if it cannot be a reference.
std::optional<std::string> parse_case_reference(std::string_view typed);

}  // namespace cwc::messages
