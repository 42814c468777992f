// Deployment secrets kept in files (the pseudonym key): created on first start with 0600.
#pragma once

#include <string>

namespace cwc::gateway {

// Reads the key (hex text); creates 32 random bytes as hex, mode 0600, if the file is absent.
// Throws std::runtime_error naming the file when it cannot be read or created.
std::string load_or_create_key(const std::string& path);

// A secret whose leak would let someone forge the records it vouches for (the audit key): as
// load_or_create_key, but a file that group or others may read or write is refused, and with
// `create` false an absent file is an error too (verification never makes a key of its own).
std::string load_private_key(const std::string& path, bool create);

}  // namespace cwc::gateway
