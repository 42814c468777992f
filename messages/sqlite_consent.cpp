// Consent in the SQLite store: subscribers, subscriptions and the consent log.
#include "messages/sqlite_broadcast_book.hpp"
#include "messages/sqlite_connection.hpp"
#include "messages/store.hpp"

namespace cwc::messages {

void sqlite_broadcast_book::apply_consent(std::int64_t, std::string_view, const consent_change&,
                                          timestamp) {
    throw store_error("sqlite: consent is not implemented yet");
}

}  // namespace cwc::messages
