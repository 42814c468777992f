// The officers' API, on its own listener (never the public webhook one):
//   GET  /api/v1/me                          who the token names, what they may see, and the
//                                            desk's choices (desk_choices.hpp)
//   GET  /api/v1/cases?filters               cases in the officer's scope, newest first
//   GET  /api/v1/cases/{ref}                 a case with its events and conversation (audited)
//   POST /api/v1/cases/{ref}/{change}        status, assign, codes, organisation, refer,
//                                            respond, flag, unflag (gateway/case_desk.hpp)
//   GET  /api/v1/summary, /api/v1/export.csv aggregates (gateway/report_endpoints.hpp)
//   /api/v1/broadcasts[/{id}[/preview|confirm|pause|resume|cancel]]  (broadcast_endpoints.cpp)
//   GET  /api/v1/media/{id}                  an attachment's bytes (media_endpoint.cpp)
//   GET  /api/v1/audit/verification|heads|log  for auditors and admins (audit_endpoints.cpp)
//   GET  /, /desk/...                        the officers' desk, static files (desk_files.hpp)
// `Authorization: Bearer <token>` only. Reads run on one read thread with its own SQLite
// connection, reports on a thread of their own, changes in store-writer units; the io threads
// only parse and answer.
#pragma once

#include "config/config.hpp"
#include "gateway/desk_files.hpp"
#include "gateway/failed_attempts.hpp"
#include "gateway/http_service.hpp"
#include "gateway/store_writer.hpp"
#include "messages/api_tokens.hpp"
#include "messages/audit_keys.hpp"
#include "messages/broadcast_reader.hpp"
#include "messages/case_reader.hpp"
#include "messages/officer.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace cwc::gateway {

inline constexpr std::size_t officers_body_limit = 64 * 1024;

class officers_service final : public http_service {
  public:
    // `database_path`: the store's file, read through a connection of the read thread's own.
    officers_service(const config::config& cfg, store_writer& writer, messages::api_tokens& tokens,
                     std::string database_path);
    ~officers_service() override;

    std::size_t body_limit(std::string_view target) const override;
    boost::asio::awaitable<http_response> handle(http_request request) override;
    boost::asio::awaitable<http_response> handle_from(http_request request,
                                                      std::string peer) override;
    // Serves the desk from this folder instead of the default one (desk_files.hpp).
    void serve_desk_from(const std::string& web_dir) { desk_ = desk_files_at(web_dir); }
    // The deployment's audit keys, for the auditor's verification (none: it answers 503).
    void use_audit_keys(messages::audit_keys keys) { audit_keys_ = std::move(keys); }

  private:
    // Runs work(reader) on the read thread; the caller resumes on its own executor. `work` is
    // the caller's named local, alive while it waits: GCC 12 destroys a lambda passed as a
    // temporary inside a co_await expression twice, so callers never do that.
    template <typename F>
    auto read(F& work) -> boost::asio::awaitable<std::invoke_result_t<F&, messages::case_reader&>> {
        using result = std::invoke_result_t<F&, messages::case_reader&>;
        return boost::asio::co_spawn(
            reads_.get_executor(),
            [this, &work]() -> boost::asio::awaitable<result> { co_return work(reader()); },
            boost::asio::use_awaitable);
    }
    messages::case_reader& reader();  // read thread only; opened on first use
    // The same for broadcasts: work(broadcast_reader) on the read thread.
    template <typename F>
    auto read_broadcasts(F& work)
        -> boost::asio::awaitable<std::invoke_result_t<F&, messages::broadcast_reader&>> {
        using result = std::invoke_result_t<F&, messages::broadcast_reader&>;
        return boost::asio::co_spawn(
            reads_.get_executor(),
            [this, &work]() -> boost::asio::awaitable<result> {
                co_return work(broadcasts_reader());
            },
            boost::asio::use_awaitable);
    }
    messages::broadcast_reader& broadcasts_reader();  // read thread only; opened on first use
    // Runs work() on the report thread: a summary or export over many cases (each opens its
    // own connection) never holds up token checks, lists and case pages on the read thread.
    template <typename F>
    auto report(F& work) -> boost::asio::awaitable<std::invoke_result_t<F&>> {
        using result = std::invoke_result_t<F&>;
        return boost::asio::co_spawn(
            reports_.get_executor(),
            [&work]() -> boost::asio::awaitable<result> { co_return work(); },
            boost::asio::use_awaitable);
    }

    boost::asio::awaitable<http_response> serve(const http_request& req, const std::string& peer);
    boost::asio::awaitable<http_response> route(const http_request& req,
                                                const messages::officer& o);
    // Case endpoints (case_endpoints.cpp).
    boost::asio::awaitable<http_response> list_cases(const http_request& req,
                                                     const messages::officer& o, std::string query);
    boost::asio::awaitable<http_response> case_page(const http_request& req,
                                                    const messages::officer& o,
                                                    std::string reference);
    boost::asio::awaitable<http_response> change_case(const http_request& req,
                                                      const messages::officer& o,
                                                      std::string reference, std::string change);
    // An attachment's bytes, for an officer who may read a case of its message (audited).
    boost::asio::awaitable<http_response> media(const http_request& req,
                                                const messages::officer& o, std::string id);
    // Audit endpoints (audit_endpoints.cpp); `what` after /api/v1/audit/.
    boost::asio::awaitable<http_response> audit(const http_request& req,
                                                const messages::officer& o, std::string what,
                                                std::string query);
    // Broadcast endpoints (broadcast_endpoints.cpp); `path` after /api/v1/broadcasts.
    boost::asio::awaitable<http_response> broadcasts(const http_request& req,
                                                     const messages::officer& o,
                                                     std::vector<std::string> path,
                                                     std::string query);

    const config::config& cfg_;
    store_writer& writer_;
    messages::api_tokens& tokens_;
    std::string database_path_;
    failed_attempts failures_;
    desk_files desk_ = default_desk_files();
    std::optional<messages::audit_keys> audit_keys_;
    std::unique_ptr<messages::case_reader> reader_;
    std::unique_ptr<messages::broadcast_reader> broadcast_reader_;
    boost::asio::thread_pool reports_{1};
    boost::asio::thread_pool reads_{1};  // declared last: joined before the reader closes
};

// Answers of the officers' API: JSON, never cached (they carry personal data).
http_response json_answer(const http_request& req, unsigned status, const nlohmann::json& body);
http_response refusal(const http_request& req, unsigned status, std::string_view reason);

}  // namespace cwc::gateway
