// The canonical content of each record kind and its keyed digest (formula in the header).
// Length-prefixed fields keep the encoding unambiguous whatever a text contains.
#include "messages/record_digest.hpp"

#include "messages/audit_keys.hpp"
#include "messages/hex.hpp"

#include <nlohmann/json.hpp>

#include <span>

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

std::string record_digest(std::string_view key, std::string_view canonical) {
    const std::string mac = hmac_sha256(key, canonical);
    return lower_hex(std::span{reinterpret_cast<const unsigned char*>(mac.data()), mac.size()});
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

}  // namespace cwc::messages
