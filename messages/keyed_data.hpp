// Whether a database already holds what the deployment's keys protect: contacts (pseudonyms and
// encrypted addresses) or signed audit heads. Until it does, serve may make the keys; after, a
// missing key is an operator's mistake to report, never a reason to make a new one.
#pragma once

#include <string>

namespace cwc::messages {

// False for a path with no file, an empty file, or a database without contacts and signed heads.
// True when the file cannot be read as a database at all (better to refuse than to guess).
bool holds_keyed_data(const std::string& database);

}  // namespace cwc::messages
