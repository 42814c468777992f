// GET /api/v1/media/{id}: an attachment's bytes for an officer who may read a case of the person
// who sent it, unless its message is withheld from them (it filed a case they may not see: the
// same rule as the conversation on a case page). Each read is audited; an unknown id, a case out
// of scope and a withheld message all answer the same 404.
#include "gateway/case_json.hpp"
#include "gateway/officers_service.hpp"

#include <charconv>
#include <optional>
#include <vector>

namespace cwc::gateway {

namespace net = boost::asio;
namespace http = boost::beast::http;

namespace {

std::optional<std::int64_t> media_id_of(std::string_view text) {
    std::int64_t id = 0;
    if (text.empty() || text.size() > 18) return std::nullopt;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return std::nullopt;
    return id;
}

// The attachment if `o` may read it: some case of the sender's is theirs to read, and the
// message it came with is not withheld from them.
std::optional<messages::media_item> readable_media(messages::case_reader& r,
                                                   const messages::officer& o, std::int64_t id,
                                                   messages::timestamp now) {
    auto item = r.read_media(id);
    if (!item) return std::nullopt;
    messages::case_query theirs;
    theirs.contact_id = item->contact_id;
    theirs.sensitive = messages::sensitivity::include;
    theirs.limit = 1000;
    theirs.now = now;
    bool readable = false;
    std::vector<messages::case_record> unseen;
    for (auto& c : r.list_cases(theirs)) {
        if (messages::may_read(o, c.record))
            readable = true;
        else
            unseen.push_back(std::move(c.record));
    }
    if (!readable) return std::nullopt;
    std::vector<messages::conversation_entry> message(1);
    message[0].inbound = true;
    message[0].id = item->inbound_id;
    message[0].kind = item->message_kind;
    message[0].text = item->message_text;
    message[0].media_ids = {item->id};
    withhold(message, unseen);
    if (message[0].kind == "withheld") return std::nullopt;
    return item;
}

}  // namespace

net::awaitable<http_response> officers_service::media(const http_request& req,
                                                      const messages::officer& o,
                                                      std::string id_text) {
    if (!messages::scope_of(o).individual_cases)
        co_return refusal(req, 403, "this role sees aggregated reports only, not individual cases");
    const auto id = media_id_of(id_text);
    if (!id) co_return refusal(req, 400, "a media id is a positive number");
    const auto now = messages::system_now();
    auto reading = [&o, &id, now](messages::case_reader& r) {
        return readable_media(r, o, *id, now);
    };
    auto item = co_await read(reading);
    if (!item) co_return refusal(req, 404, "no such media");
    if (item->status != "stored" || item->content.empty())
        co_return refusal(req, 404, "the attachment is not stored (" + item->status + ")");
    nlohmann::json detail{{"role", std::string(messages::role_name(o.what))},
                          {"inbound_id", item->inbound_id},
                          {"bytes", item->content.size()}};
    const auto failed = co_await writer_.run([&](messages::store& s) {
        s.append_audit({now, o.actor(), "media.read", "media:" + std::to_string(item->id),
                        detail.dump()});
    });
    if (failed) co_return refusal(req, 500, "internal error");
    http_response res{http::status::ok, req.version()};
    res.set(http::field::content_type,
            item->mime_type.empty() ? "application/octet-stream" : item->mime_type);
    res.set(http::field::cache_control, "no-store");
    res.set(http::field::content_disposition, "attachment");
    // Whatever the bytes are (an SVG is an image too), they never run as a page of ours.
    res.set("Content-Security-Policy", "default-src 'none'; sandbox");
    res.set("X-Content-Type-Options", "nosniff");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(item->content);
    res.prepare_payload();
    co_return res;
}

}  // namespace cwc::gateway
