// The store's columns that hold phone numbers or raw provider payloads, kept sealed with the
// address cipher (messages/address_cipher.hpp): contacts.address (+ address_index),
// outbox.to_address, message_parts.sender (the blind index) + sender_sealed, quarantine.body.
// Internal to messages/.
#pragma once

#include "messages/address_cipher.hpp"
#include "messages/sqlite_connection.hpp"

#include <cstddef>
#include <string_view>

namespace cwc::messages::sqlite {

// Seals, in one transaction (or the caller's), every value of those columns still in plain: rows
// written by an older version or by a store without the key. Returns how many rows changed.
std::size_t seal_plain_addresses(connection& db, const address_cipher& addresses);

// Deletes the quarantined webhooks whose body holds `digits` (each sealed body is opened to look);
// returns how many.
std::size_t delete_quarantined_holding(connection& db, const address_cipher& addresses,
                                       std::string_view digits);

}  // namespace cwc::messages::sqlite
