// Internal to audit verification: the pass over the record tables that compares each live
// record's content with the latest digest the chain audited for it (kept by the chain pass in
// temp.audited, and the erased people in temp.erased_contacts).
#pragma once

#include "messages/audit_verification.hpp"
#include "messages/sqlite_connection.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace cwc::messages {

// Every record kind of messages/record_digest.hpp in turn, counting into `v`; the first record
// whose content no longer matches, or that the chain vouches for and is gone.
std::optional<std::string> check_audited_records(sqlite::connection& db, std::string_view key,
                                                 audit_verification& v);

}  // namespace cwc::messages
