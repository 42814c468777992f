// The canonical content of each record kind and its keyed digest (formula in the header).
// Length-prefixed fields keep the encoding unambiguous whatever a text contains.
#include "messages/record_digest.hpp"

#include "messages/hex.hpp"
#include "messages/hmac.hpp"
#include "messages/sqlite_broadcast_columns.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>

namespace cwc::messages {
namespace {

class canonical_writer {
  public:
    explicit canonical_writer(std::string_view kind) { out_.append(kind).append("\n"); }
    canonical_writer& field(std::string_view value) {
        out_.append(std::to_string(value.size())).append(":").append(value).append("\n");
        return *this;
    }
    canonical_writer& field(std::int64_t value) { return field(std::to_string(value)); }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

}  // namespace

std::string canonical_content(const inbound_content& r) {
    return canonical_writer{"inbound"}
        .field(r.id).field(r.channel_id).field(r.provider_message_id).field(r.contact_id)
        .field(r.received_at).field(r.outcome).field(r.kind).field(r.location_json).field(r.text)
        .take();
}

std::string canonical_content(const outbound_content& r) {
    return canonical_writer{"outbound"}
        .field(r.id).field(r.contact_id).field(r.inbound_id).field(r.broadcast_id)
        .field(r.created_at).field(r.text)
        .take();
}

std::string canonical_content(const case_content& r) {
    return canonical_writer{"case"}
        .field(r.reference).field(r.contact_id).field(r.inbound_id).field(r.channel_id)
        .field(r.type).field(r.category).field(r.region).field(r.language).field(r.opened_at)
        .field(r.description)
        .take();
}

std::string canonical_content(const reengagement_content& r) {
    return canonical_writer{"reengagement"}
        .field(r.id).field(r.contact_id).field(r.channel_id).field(r.created_at)
        .field(r.template_name).field(r.template_language)
        .take();
}

std::string canonical_content(const broadcast_content& r) {
    return canonical_writer{"broadcast"}
        .field(r.id).field(r.organisation).field(r.name).field(r.created_by).field(r.segment_json)
        .field(r.texts_json).field(r.templates_json).field(r.answers_code).field(r.scheduled_at)
        .field(r.respect_quiet_hours).field(r.created_at).field(r.confirmed_at).field(r.planned)
        .take();
}

std::string canonical_content(const satisfaction_content& r) {
    return canonical_writer{"satisfaction"}
        .field(r.reference).field(r.contact_id).field(r.satisfaction)
        .take();
}

std::string canonical_content(const alert_content& r) {
    return canonical_writer{"alert"}
        .field(r.case_id).field(r.reference).field(r.category).field(r.deadline_at)
        .field(r.alerts_sent).field(r.escalated)
        .take();
}

std::string canonical_content(const media_content& r) {
    return canonical_writer{"media"}
        .field(r.id).field(r.inbound_id).field(r.kind).field(r.mime_type).field(r.size_bytes)
        .field(r.sha256)
        .take();
}

std::string record_digest(std::string_view key, std::string_view canonical) {
    return lower_hex(hmac_sha256_bytes(key, canonical));
}

std::string stored_location(const inbound_message& m) {
    if (!m.location) return {};
    return nlohmann::json{{"latitude", m.location->latitude},
                          {"longitude", m.location->longitude},
                          {"name", m.location->name},
                          {"address", m.location->address}}
        .dump();
}

std::string inbound_digest(std::string_view key, const inbound_message& m, std::int64_t id,
                           std::int64_t contact_id, inbound_outcome outcome) {
    const std::string location = stored_location(m);
    return record_digest(
        key, canonical_content(inbound_content{
                 id, m.channel_id, m.provider_message_id, contact_id, to_unix_ms(m.received_at),
                 outcome == inbound_outcome::handled ? "handled" : "failed", m.kind, location,
                 m.text}));
}

std::string outbound_digest(std::string_view key, const outbound_message& m, std::int64_t id) {
    return record_digest(key, canonical_content(outbound_content{
                                  id, m.contact_id, m.inbound_id, m.broadcast_id,
                                  to_unix_ms(m.created_at), m.text}));
}

std::string case_digest(std::string_view key, const case_record& c) {
    return record_digest(
        key, canonical_content(case_content{c.reference, c.contact_id, c.inbound_id, c.channel_id,
                                            c.type, c.category, c.region, c.language,
                                            to_unix_ms(c.opened_at), c.description}));
}

std::string reengagement_digest(std::string_view key, const outbound_message& m,
                                std::int64_t id) {
    return record_digest(key, canonical_content(reengagement_content{
                                  id, m.contact_id, m.channel_id, to_unix_ms(m.created_at),
                                  m.template_name, m.template_language}));
}

std::string broadcast_digest(std::string_view key, const broadcast& b) {
    const auto ms = [](const std::optional<timestamp>& t) { return t ? to_unix_ms(*t) : 0; };
    const std::string segment = sqlite::segment_to_json(b.segment),
                      texts = sqlite::texts_to_json(b.texts),
                      templates = sqlite::templates_to_json(b.templates);
    return record_digest(
        key, canonical_content(broadcast_content{
                 b.id, b.organisation, b.name, b.created_by, segment, texts, templates,
                 b.answers_code, ms(b.scheduled_at), b.respect_quiet_hours ? 1 : 0,
                 to_unix_ms(b.created_at), ms(b.confirmed_at), b.planned}));
}

std::string satisfaction_digest(std::string_view key, const case_record& c) {
    return record_digest(
        key, canonical_content(satisfaction_content{c.reference, c.contact_id, c.satisfaction}));
}

std::string alert_digest(std::string_view key, const sensitive_alert& a) {
    return record_digest(key, canonical_content(alert_content{
                                  a.case_id, a.reference, a.category, to_unix_ms(a.deadline_at),
                                  a.alerts_sent, a.escalated ? 1 : 0}));
}

std::string media_digest(std::string_view key, std::int64_t id, std::int64_t inbound_id,
                         std::string_view kind, std::string_view mime_type,
                         std::int64_t size_bytes, std::string_view sha256) {
    return record_digest(key, canonical_content(media_content{id, inbound_id, kind, mime_type,
                                                              size_bytes, sha256}));
}

}  // namespace cwc::messages
