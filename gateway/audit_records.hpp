// Audit entries of records written outside the inbound pipeline and the desks: an attachment's
// bytes once downloaded ("media.stored", subject "media:<id>") with the SHA-256 of the bytes and
// the record's keyed digest (messages/record_digest.hpp), so `audit verify` catches a changed
// or swapped file.
#pragma once

#include "messages/media.hpp"
#include "messages/store.hpp"

namespace cwc::gateway {

// Records what record_media_result just stored (call in the same unit, only when it changed
// the row and the result is `stored`).
void audit_media_stored(messages::store& s, const messages::media_job& job,
                        const messages::media_result& stored, messages::timestamp now);

}  // namespace cwc::gateway
