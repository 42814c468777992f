// The "media.stored" audit entry: ids, type and size, the bytes' SHA-256 and the keyed digest
// (no caption, no file name, no URL: those can hold personal data or tokens).
#include "gateway/audit_records.hpp"

#include "messages/record_digest.hpp"

#include <nlohmann/json.hpp>

namespace cwc::gateway {

void audit_media_stored(messages::store& s, const messages::media_job& job,
                        const messages::media_result& stored, messages::timestamp now) {
    const auto sha256 = messages::sha256_hex(stored.content);
    const auto size = static_cast<std::int64_t>(stored.content.size());
    nlohmann::json detail{{"inbound", job.inbound_id},
                          {"kind", job.attachment.kind},
                          {"mime_type", stored.mime_type},
                          {"bytes", size},
                          {"sha256", sha256}};
    if (const auto key = s.record_digest_key(); !key.empty())
        detail["digest"] = messages::media_digest(key, job.id, job.inbound_id, job.attachment.kind,
                                                  stored.mime_type, size, sha256);
    s.append_audit({now, "system", "media.stored", "media:" + std::to_string(job.id),
                    detail.dump()});
}

}  // namespace cwc::gateway
