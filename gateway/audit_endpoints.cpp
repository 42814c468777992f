// The auditor's endpoints of the officers' API (auditor and admin tokens only):
//   GET /api/v1/audit/verification   `audit verify` run now on a read connection: entries and
//                                    digests checked, signed heads, the first broken entry
//   GET /api/v1/audit/heads          the signed heads as JSON lines, to keep as anchors
//   GET /api/v1/audit/log?before=&limit=  who did what to which record, newest first (no detail)
// Verification reads the whole store: it runs on the report thread, never the read thread.
#include "gateway/audit_signing.hpp"
#include "gateway/officers_service.hpp"
#include "gateway/rfc3339.hpp"
#include "messages/audit_verification.hpp"

#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <charconv>

namespace cwc::gateway {

namespace net = boost::asio;
namespace http = boost::beast::http;
using nlohmann::json;

namespace {

constexpr std::size_t log_page_limit = 200;

bool may_audit(const messages::officer& o) {
    return o.what == messages::role::auditor || o.what == messages::role::admin;
}

json verification_json(const messages::audit_verification& v, const std::string& public_key,
                       const std::vector<messages::signed_head>& heads) {
    json records{{"inbound", v.inbound},       {"outbound", v.outbound}, {"cases", v.cases},
                 {"broadcasts", v.broadcasts}, {"ratings", v.satisfaction},
                 {"alerts", v.alerts},         {"media", v.media}};
    std::int64_t digests = 0;
    for (const auto& n : records) digests += n.get<std::int64_t>();
    json listed = json::array();
    for (const auto& h : heads) listed.push_back(head_json(h));
    return {{"intact", v.problems.empty()},
            {"entries", v.entries},
            {"digests_checked", digests},
            {"records", std::move(records)},
            {"redacted", v.redacted},
            {"without_digest", v.without_digest},
            {"signed_heads", v.heads},
            {"public_key", public_key},
            {"heads", std::move(listed)},
            {"first_broken", v.problems.empty() ? json(nullptr) : json(v.problems.front())},
            {"problems", v.problems}};
}

// ?before=SEQ&limit=N, both optional positive numbers.
std::optional<std::string> read_page(std::string_view query, std::int64_t& before,
                                     std::size_t& limit) {
    if (query.empty()) return std::nullopt;
    const auto parsed = boost::urls::parse_query(query);
    if (!parsed) return "the query string is malformed";
    for (const auto& param : *parsed) {
        const std::string name = param.key.decode(), value = param.value.decode();
        std::int64_t n = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        const bool number = !value.empty() && ec == std::errc{} && end == value.data() + value.size() && n > 0;
        if (name == "before") {
            if (!number) return "before is an audit entry's sequence number";
            before = n;
        } else if (name == "limit") {
            if (!number) return "limit is a positive number";
            limit = std::min(static_cast<std::size_t>(n), log_page_limit);
        } else {
            return "unknown parameter: " + name.substr(0, 40);
        }
    }
    return std::nullopt;
}

}  // namespace

net::awaitable<http_response> officers_service::audit(const http_request& req,
                                                      const messages::officer& o,
                                                      std::string what, std::string query) {
    if (req.method() != http::verb::get) co_return refusal(req, 405, "use GET");
    if (!may_audit(o)) co_return refusal(req, 403, "the audit views need an auditor or admin token");
    if (what == "verification") {
        if (!audit_keys_) co_return refusal(req, 503, "the audit key is not loaded");
        auto verifying = [this]() {
            const auto v = messages::verify_audit(database_path_, audit_keys_->record_digest_key,
                                                  audit_keys_->public_key, {});
            return verification_json(v, audit_keys_->public_key,
                                     messages::read_signed_heads(database_path_));
        };
        json body;
        try {
            body = co_await report(verifying);
        } catch (const messages::store_error&) {
            co_return refusal(req, 500, "the store could not be read");
        }
        const json detail{{"role", std::string(messages::role_name(o.what))},
                          {"intact", body["intact"]},
                          {"entries", body["entries"]}};
        const auto failed = co_await writer_.run([&](messages::store& s) {
            s.append_audit({messages::system_now(), o.actor(), "audit.verified", "audit",
                            detail.dump()});
        });
        if (failed) co_return refusal(req, 500, "internal error");
        co_return json_answer(req, 200, body);
    }
    if (what == "heads") {
        auto reading = [this]() { return messages::read_signed_heads(database_path_); };
        const auto heads = co_await report(reading);
        std::string lines;
        for (const auto& h : heads) lines += head_json(h).dump() + "\n";
        http_response res{http::status::ok, req.version()};
        res.set(http::field::content_type, "application/x-ndjson");
        res.set(http::field::content_disposition, "attachment; filename=\"audit-heads.jsonl\"");
        res.set(http::field::cache_control, "no-store");
        res.keep_alive(req.keep_alive());
        res.body() = std::move(lines);
        res.prepare_payload();
        co_return res;
    }
    if (what == "log") {
        std::int64_t before = 0;
        std::size_t limit = 50;
        if (auto problem = read_page(query, before, limit)) co_return refusal(req, 400, *problem);
        auto reading = [this, before, limit]() {
            return messages::read_audit_log(database_path_, before, limit);
        };
        const auto rows = co_await report(reading);
        json entries = json::array();
        for (const auto& r : rows)
            entries.push_back({{"seq", r.seq}, {"at", rfc3339(r.at)}, {"actor", r.actor},
                               {"action", r.action}, {"subject", r.subject}});
        const bool more = rows.size() == limit && rows.back().seq > 1;
        co_return json_answer(req, 200,
                              {{"entries", std::move(entries)},
                               {"next_before", more ? json(rows.back().seq) : json(nullptr)}});
    }
    co_return refusal(req, 404, "no such endpoint");
}

}  // namespace cwc::gateway
