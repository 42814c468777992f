// The officers' broadcast endpoints: lists and pages of broadcasts with their progress, fresh
// previews (audience counted now, small cells suppressed), drafts created and moved through the
// broadcast desk in store-writer units, confirmation planned page by page. Another
// organisation's broadcast answers 404 everywhere; answers carry counts, never a number.
#include "gateway/app_log.hpp"
#include "gateway/broadcast_desk.hpp"
#include "gateway/broadcast_json.hpp"
#include "gateway/broadcast_request.hpp"
#include "gateway/officers_service.hpp"

#include <charconv>

namespace cwc::gateway {

namespace net = boost::asio;
namespace http = boost::beast::http;

namespace {

using nlohmann::json;

std::int64_t broadcast_id(const std::string& s) {
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    return ec == std::errc{} && end == s.data() + s.size() && id > 0 ? id : 0;
}

http_response not_found(const http_request& req) {
    return refusal(req, 404, "no such broadcast");
}

http_response refused_answer(const http_request& req, const broadcast_result& r) {
    switch (r.outcome) {
        case desk_outcome::not_found:
            return not_found(req);
        case desk_outcome::forbidden:
            return refusal(req, 403, r.reason.empty() ? "not allowed for your role" : r.reason);
        case desk_outcome::not_allowed:
            return refusal(req, 409, r.reason);
        default:
            break;
    }
    json body{{"error", r.reason.empty() ? "invalid" : r.reason}};
    if (!r.problems.empty()) body["problems"] = r.problems;
    return json_answer(req, 422, body);
}

http_response wrong_method(const http_request& req, std::string_view allowed) {
    auto res = refusal(req, 405, "use " + std::string(allowed));
    res.set(http::field::allow, allowed);
    return res;
}

// The page of a list, filtered by the shown status ("scheduled" is not stored).
json list_page(messages::broadcast_reader& r, const messages::officer& o,
               const broadcast_list_request& q, messages::timestamp now) {
    const std::string organisation =
        o.what == messages::role::admin || o.what == messages::role::auditor ? "" : o.organisation;
    json items = json::array();
    std::int64_t before = q.before_id;
    std::int64_t last = 0;
    while (items.size() < q.limit) {
        const auto rows = r.list(organisation, q.limit, before);
        for (const auto& b : rows) {
            last = b.id;
            if (!q.status.empty() && shown_status(b, now) != q.status) continue;
            items.push_back(broadcast_json(b, o, now));
            if (items.size() == q.limit) break;
        }
        if (rows.size() < q.limit) {
            last = 0;  // the end
            break;
        }
        before = rows.back().id;
    }
    return {{"broadcasts", items},
            {"next_before", items.size() == q.limit && last > 0 ? json(last) : json(nullptr)}};
}

}  // namespace

messages::broadcast_reader& officers_service::broadcasts_reader() {
    if (!broadcast_reader_)
        broadcast_reader_ = std::make_unique<messages::broadcast_reader>(database_path_);
    return *broadcast_reader_;
}

net::awaitable<http_response> officers_service::broadcasts(const http_request& req,
                                                           const messages::officer& o,
                                                           std::vector<std::string> path,
                                                           std::string query) {
    if (!has_broadcasts(o)) co_return refusal(req, 403, "this role has no broadcasts");
    const bool get = req.method() == http::verb::get;
    const bool post = req.method() == http::verb::post;
    const auto now = messages::system_now();

    if (path.empty()) {
        if (get) {
            broadcast_list_request q;
            if (auto refused = read_broadcast_list(query, q))
                co_return refusal(req, refused->status, refused->reason);
            auto listing = [&](messages::broadcast_reader& r) { return list_page(r, o, q, now); };
            co_return json_answer(req, 200, co_await read_broadcasts(listing));
        }
        if (!post) co_return wrong_method(req, "GET, POST");
        broadcast_draft draft;
        if (auto refused = read_broadcast_draft(req.body(), draft))
            co_return refusal(req, refused->status, refused->reason);
        broadcast_result created;
        const auto failed = co_await writer_.run(
            [&](messages::store& s) { created = create_broadcast(s, cfg_, o, draft, now); });
        if (failed) {
            log_event(log_level::error, "officers.broadcast_create_failed", {});
            co_return refusal(req, 500, "internal error");
        }
        if (created.outcome != desk_outcome::done || !created.after)
            co_return refused_answer(req, created);
        const messages::broadcast& b = *created.after;
        auto previewing = [&](messages::broadcast_reader& r) {
            return preview_json(preview_of(b, cfg_, audience_of(r, cfg_, b, now), now));
        };
        auto preview = co_await read_broadcasts(previewing);
        co_return json_answer(req, 201,
                              {{"broadcast", broadcast_json(b, o, now)}, {"preview", preview}});
    }

    const std::int64_t id = broadcast_id(path[0]);
    if (id == 0 || path.size() > 2) co_return not_found(req);
    const std::string action = path.size() == 2 ? path[1] : "";

    if (action.empty() || action == "preview") {
        if (!get) co_return wrong_method(req, "GET");
        auto reading = [&](messages::broadcast_reader& r) -> json {
            const auto b = r.load(id);
            if (!b || !may_see(o, *b)) return nullptr;
            if (action == "preview")
                return {{"broadcast", broadcast_json(*b, o, now)},
                        {"preview",
                         preview_json(preview_of(*b, cfg_, audience_of(r, cfg_, *b, now), now))}};
            return {{"broadcast", broadcast_json(*b, o, now)},
                    {"progress", progress_json(r.progress(id))}};
        };
        auto page = co_await read_broadcasts(reading);
        if (page.is_null()) co_return not_found(req);
        co_return json_answer(req, 200, page);
    }

    if (action != "confirm" && action != "pause" && action != "resume" && action != "cancel")
        co_return refusal(req, 404, "no such endpoint");
    if (!post) co_return wrong_method(req, "POST");
    broadcast_result result;
    if (action == "confirm") {
        broadcast_steps steps;
        steps.read = [this](broadcast_steps::read_work& work) -> net::awaitable<void> {
            auto reading = [&work](messages::broadcast_reader& r) {
                work(r);
                return 0;
            };
            co_await read_broadcasts(reading);
        };
        steps.write = [this](broadcast_steps::write_work& work) {
            return writer_.run([&work](messages::store& s) { work(s); });
        };
        try {
            result = co_await confirm_broadcast(steps, cfg_, o, id, now);
        } catch (const std::exception& e) {
            log_event(log_level::error, "officers.broadcast_confirm_failed",
                      {{"broadcast", id}, {"what", e.what()}});
            co_return refusal(req, 500, "internal error");
        }
        if (result.outcome != desk_outcome::done || !result.after)
            co_return refused_answer(req, result);
        co_return json_answer(req, 202,
                              {{"broadcast", broadcast_json(*result.after, o, now)},
                               {"planned", result.after->planned},
                               {"audience", result.audience}});
    }
    const auto failed = co_await writer_.run([&](messages::store& s) {
        if (action == "pause")
            result = pause_broadcast(s, o, id, now);
        else if (action == "resume")
            result = resume_broadcast(s, o, id, now);
        else
            result = cancel_broadcast(s, o, id, now);
    });
    if (failed) {
        log_event(log_level::error, "officers.broadcast_change_failed",
                  {{"broadcast", id}, {"change", action}});
        co_return refusal(req, 500, "internal error");
    }
    if (result.outcome != desk_outcome::done || !result.after)
        co_return refused_answer(req, result);
    co_return json_answer(req, 200, {{"broadcast", broadcast_json(*result.after, o, now)}});
}

}  // namespace cwc::gateway
