// Phone numbers (and raw provider payloads that hold them) encrypted at rest: AES-256-GCM with a
// random 96-bit nonce per value, stored as "a1:" + lower hex of nonce | ciphertext | tag; and the
// blind index that finds a contact by number: HMAC-SHA256 of the number. Both keys are derived
// from the deployment's address key file (not the pseudonym key), with distinct labels.
// Without a key the cipher is off: values are stored and read as they are (tests, simulate), and
// an encrypted value it cannot open is an error, never passed on as a number.
#pragma once

#include <string>
#include <string_view>

namespace cwc::messages {

class address_cipher {
  public:
    address_cipher() = default;  // off
    // `address_key`: the key file's text (gateway/key_file.hpp); "" = off.
    explicit address_cipher(std::string_view address_key);

    bool on() const { return !encryption_key_.empty(); }
    // Encrypts `plain` (on), or returns it unchanged (off). Throws store_error if OpenSSL fails.
    std::string seal(std::string_view plain) const;
    // The plain value of what seal() stored; a value without the "a1:" prefix (a row written
    // before encryption, "erased:<id>") is returned as it is. Throws store_error for a value it
    // cannot open (off, another key, altered bytes).
    std::string open(std::string_view stored) const;
    // What a number is looked up by: its blind index (on; 64 hex digits) or itself (off).
    std::string index(std::string_view plain) const;

    static bool is_sealed(std::string_view stored) { return stored.starts_with("a1:"); }

  private:
    std::string encryption_key_;  // 32 raw bytes
    std::string index_key_;       // 32 raw bytes
};

}  // namespace cwc::messages
