// The officers' API: authentication, failed-attempt limits, routing and the small endpoints;
// the case endpoints live in case_endpoints.cpp. A token is checked on the read thread (its
// SQLite lookup must not stall an io thread); failures count per client address.
#include "gateway/officers_service.hpp"

#include "gateway/app_log.hpp"
#include "gateway/desk_choices.hpp"
#include "gateway/metrics_endpoint.hpp"
#include "gateway/report_endpoints.hpp"
#include "messages/sqlite_case_reader.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <vector>

namespace cwc::gateway {

namespace net = boost::asio;
namespace http = boost::beast::http;

namespace {

// The token of "Authorization: Bearer <token>"; "" when absent or another scheme.
std::string bearer_token(const http_request& req) {
    const auto it = req.find(http::field::authorization);
    if (it == req.end()) return {};
    const std::string_view value = it->value();
    constexpr std::string_view scheme = "bearer ";
    if (value.size() <= scheme.size()) return {};
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(value[i])) != scheme[i]) return {};
    std::string_view token = value.substr(scheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    return std::string(token);
}

http_response wrong_method(const http_request& req, std::string_view allowed) {
    auto res = refusal(req, 405, "use " + std::string(allowed));
    res.set(http::field::allow, allowed);
    return res;
}

nlohmann::json me_json(const messages::officer& o) {
    const auto scope = messages::scope_of(o);
    return {{"name", o.name},
            {"role", messages::role_name(o.what)},
            {"organisation", o.organisation},
            {"token_id", o.token_id},
            {"scope",
             {{"individual_cases", scope.individual_cases},
              {"organisation", scope.organisation.empty() ? nlohmann::json(nullptr)
                                                          : nlohmann::json(scope.organisation)},
              {"sensitive", scope.sensitive}}},
            {"reports", messages::may_read_reports(o)},
            {"export", messages::may_export(o)}};
}

}  // namespace

http_response json_answer(const http_request& req, unsigned status, const nlohmann::json& body) {
    http_response res{static_cast<http::status>(status), req.version()};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    res.prepare_payload();
    return res;
}

http_response refusal(const http_request& req, unsigned status, std::string_view reason) {
    auto res = json_error(status, reason, req.version(), req.keep_alive());
    res.set(http::field::cache_control, "no-store");
    return res;
}

officers_service::officers_service(const config::config& cfg, store_writer& writer,
                                   messages::api_tokens& tokens, std::string database_path)
    : cfg_(cfg),
      writer_(writer),
      tokens_(tokens),
      database_path_(std::move(database_path)),
      failures_(cfg.officers.failed_attempts_per_minute) {}

officers_service::~officers_service() {
    reads_.join();
    reports_.join();
}

messages::case_reader& officers_service::reader() {
    if (!reader_) reader_ = std::make_unique<messages::sqlite_case_reader>(database_path_);
    return *reader_;
}

std::size_t officers_service::body_limit(std::string_view) const {
    return officers_body_limit;
}

net::awaitable<http_response> officers_service::handle(http_request request) {
    return handle_from(std::move(request), "");
}

net::awaitable<http_response> officers_service::handle_from(http_request request,
                                                            std::string peer) {
    try {
        co_return co_await serve(request, peer);
    } catch (const std::exception& e) {
        log_event(log_level::error, "officers.handler_exception", {{"what", e.what()}});
    }
    co_return refusal(request, 500, "internal error");
}

net::awaitable<http_response> officers_service::serve(const http_request& req,
                                                      const std::string& peer) {
    const std::string_view target = req.target();
    // The desk's files are public (the token is typed on its page and kept by the browser).
    if (is_desk_target(target)) co_return desk_answer(req, desk_);
    const bool metrics = is_metrics_target(target);
    if (!metrics && target.rfind("/api/v1/", 0) != 0 && target != "/api/v1")
        co_return refusal(req, 404, "no such endpoint");
    const auto now = failed_attempts::clock::now();
    if (const auto wait = failures_.refused_for(peer, now)) {
        auto res = refusal(req, 429, "too many failed attempts; try again later");
        res.set(http::field::retry_after, std::to_string(wait->count()));
        co_return res;
    }
    const std::string token = bearer_token(req);
    if (token.empty()) {
        auto res = refusal(req, 401, "an API token is required: Authorization: Bearer <token>");
        res.set(http::field::www_authenticate, "Bearer");
        co_return res;
    }
    auto check = [this, &token](messages::case_reader&) {
        return tokens_.authenticate(token, messages::system_now());
    };
    const auto officer = co_await read(check);
    if (!officer) {
        failures_.record_failure(peer, now);
        log_event(log_level::warn, "officers.auth_failed", {{"client", peer}});
        auto res = refusal(req, 401, "unknown, expired or revoked token");
        res.set(http::field::www_authenticate, "Bearer error=\"invalid_token\"");
        co_return res;
    }
    if (metrics) {  // GET /metrics (gateway/metrics_endpoint.hpp), read on the report thread
        if (req.method() != http::verb::get) co_return wrong_method(req, "GET");
        if (!may_read_metrics(*officer)) co_return refusal(req, 403, "metrics need an admin or auditor token");
        auto figures = [this, &req] { return metrics_answer(req, database_path_, cfg_); };
        co_return co_await report(figures);
    }
    auto res = co_await route(req, *officer);
    log_event(log_level::debug, "officers.request",
              {{"token_id", officer->token_id},
               {"method", std::string(req.method_string())},
               {"status", res.result_int()}});
    co_return res;
}

net::awaitable<http_response> officers_service::route(const http_request& req,
                                                      const messages::officer& o) {
    auto url = boost::urls::parse_origin_form(req.target());
    if (!url) co_return refusal(req, 400, "malformed request target");
    std::vector<std::string> path;
    for (const auto& segment : url->segments()) path.push_back(segment);
    path.erase(path.begin(), path.begin() + std::min<std::size_t>(2, path.size()));  // api, v1
    const std::string query(url->encoded_query());
    const bool get = req.method() == http::verb::get;
    const bool post = req.method() == http::verb::post;

    if (path.size() == 1 && path[0] == "me") {
        if (!get) co_return wrong_method(req, "GET");
        auto me = me_json(o);
        me["choices"] = desk_choices(cfg_);  // the desk's filters and referral lists
        co_return json_answer(req, 200, me);
    }
    if (path.size() == 1 && (path[0] == "summary" || path[0] == "export.csv")) {
        if (!get) co_return wrong_method(req, "GET");
        const bool summary = path[0] == "summary";
        auto figures = [this, &o, &query, summary]() {
            const auto now = messages::system_now();
            return summary ? summary_answer(database_path_, cfg_, o, query, now)
                           : export_answer(database_path_, cfg_, o, query, now);
        };
        auto res = co_await report(figures);
        if (res.result_int() == 200) {
            // Reports are reads of many cases: audited like a case page (filters, never contents).
            nlohmann::json detail{{"role", std::string(messages::role_name(o.what))},
                                  {"query", query},
                                  {"bytes", res.body().size()}};
            const auto failed = co_await writer_.run([&](messages::store& s) {
                s.append_audit({messages::system_now(), o.actor(),
                                summary ? "report.summary" : "cases.exported", "report",
                                detail.dump()});
            });
            if (failed) co_return refusal(req, 500, "internal error");
        }
        res.version(req.version());
        res.keep_alive(req.keep_alive());
        res.set(http::field::cache_control, "no-store");
        co_return res;
    }
    if (!path.empty() && path[0] == "cases") {
        if (path.size() == 1) {
            if (!get) co_return wrong_method(req, "GET");
            co_return co_await list_cases(req, o, query);
        }
        if (path.size() == 2 && !path[1].empty()) {
            if (!get) co_return wrong_method(req, "GET");
            co_return co_await case_page(req, o, path[1]);
        }
        if (path.size() == 3 && !path[1].empty()) {
            if (!post) co_return wrong_method(req, "POST");
            co_return co_await change_case(req, o, path[1], path[2]);
        }
    }
    if (path.size() == 2 && path[0] == "media") {
        if (!get) co_return wrong_method(req, "GET");
        co_return co_await media(req, o, path[1]);
    }
    if (path.size() == 2 && path[0] == "audit") co_return co_await audit(req, o, path[1], query);
    if (!path.empty() && path[0] == "broadcasts") {
        path.erase(path.begin());
        co_return co_await broadcasts(req, o, std::move(path), query);
    }
    co_return refusal(req, 404, "no such endpoint");
}

}  // namespace cwc::gateway
