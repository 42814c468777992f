// The media fetcher's workers: claim one row, walk its requests (locator, redirects) on fresh
// connections to each origin, check the bytes and record the outcome. Logs carry ids, sizes,
// statuses and reasons only: media URLs can hold tokens and the content is personal data.
#include "gateway/media_fetcher.hpp"

#include "gateway/app_log.hpp"
#include "gateway/audit_records.hpp"
#include "gateway/http_client.hpp"
#include "gateway/media_download.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <string>

namespace cwc::gateway {

namespace net = boost::asio;
using steady = std::chrono::steady_clock;
using messages::media_result;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr int max_hops = 5;  // locator and redirects together

const char* outcome_name(media_result::outcome k) {
    switch (k) {
    case media_result::outcome::stored: return "stored";
    case media_result::outcome::retry: return "retry";
    case media_result::outcome::failed: return "failed";
    }
    return "?";
}

media_result failed(std::string reason) {
    media_result r;
    r.kind = media_result::outcome::failed;
    r.error = std::move(reason);
    return r;
}

}  // namespace

struct media_fetcher::state : std::enable_shared_from_this<media_fetcher::state> {
    net::strand<net::io_context::executor_type> strand;
    store_writer& writer;
    media_fetcher_settings settings;
    std::map<std::string, std::shared_ptr<const provider>> adapters;  // null: not configured
    std::vector<net::steady_timer*> sleepers;
    std::uint64_t wakes = 0;  // a wake during a claim must not be slept through
    bool stopping = false;
    std::shared_ptr<net::ssl::context> tls = make_client_tls_context();

    state(net::io_context& io, store_writer& w, media_fetcher_settings s)
        : strand(net::make_strand(io)), writer(w), settings(s) {}

    void wake_all() {
        ++wakes;
        for (auto* t : sleepers) t->cancel();
    }

    net::awaitable<void> worker() {
        auto self = shared_from_this();
        net::steady_timer timer(strand);
        while (!stopping) {
            const auto seen = wakes;
            const auto now = messages::system_now();
            const auto reclaim_at = now + settings.reclaim_after;
            std::vector<messages::media_job> jobs;
            auto failure = co_await writer.run([&](messages::store& s) {
                jobs = s.claim_due_media(now, 1, reclaim_at);
            });
            if (!failure && !jobs.empty()) {
                co_await fetch(jobs.front());
                continue;
            }
            if (stopping) break;
            if (!failure && wakes != seen) continue;
            timer.expires_after(settings.poll_interval);
            sleepers.push_back(&timer);
            co_await timer.async_wait(use_tuple);
            std::erase(sleepers, &timer);
        }
    }

    // The requests of one download, to its bytes or its outcome.
    net::awaitable<media_result> download(const provider& adapter, const messages::media_job& job,
                                          media_request request, unsigned& http_status,
                                          std::size_t& bytes) {
        for (int hop = 0; hop < max_hops; ++hop) {
            const auto target = split_url(request.url);
            if (!target) co_return failed("bad_url");
            http_connection connection(strand, target->origin, tls);
            const http_request_spec spec{"GET", target->target, request.headers, ""};
            auto answer = co_await connection.send(spec, settings.request_timeout, settings.max_bytes);
            http_status = answer.status;
            auto reading = read_media_answer(adapter, request, answer, messages::system_now(),
                                             job.attempts, settings.max_attempts);
            if (reading.what == media_answer::meaning::result) co_return reading.result;
            if (reading.what == media_answer::meaning::content) {
                bytes = answer.body.size();
                co_return messages::accept_download(std::move(answer.body), answer.content_type,
                                                    job.attachment, settings.max_bytes);
            }
            request = std::move(reading.next);
        }
        co_return failed("too_many_redirects");
    }

    net::awaitable<void> fetch(messages::media_job job) {
        const auto started = steady::now();
        unsigned http_status = 0;
        std::size_t bytes = 0;
        media_result result;
        const auto it = adapters.find(job.channel_id);
        // Its own reference: a reload may replace the map's entry during the download.
        const auto adapter = it == adapters.end() ? nullptr : it->second;
        if (!adapter) {
            // Its secrets may be set at the next start: wait for them, within the attempts.
            result = retry_or_fail("channel_not_configured",
                                   messages::system_now() + std::chrono::minutes(1), job.attempts,
                                   settings.max_attempts);
        } else if (auto plan = plan_download(*adapter, job); !plan.request) {
            result = std::move(plan.refused);
        } else {
            result = co_await download(*adapter, job, std::move(*plan.request), http_status, bytes);
        }
        const auto now = messages::system_now();
        auto failure = co_await writer.run([&](messages::store& s) {
            if (s.record_media_result(job.id, result, now) &&
                result.kind == media_result::outcome::stored)
                audit_media_stored(s, job, result, now);
        });
        nlohmann::json fields{{"media", job.id}, {"inbound", job.inbound_id},
                              {"channel", job.channel_id}, {"kind", job.attachment.kind},
                              {"attempt", job.attempts}, {"outcome", outcome_name(result.kind)},
                              {"http_status", http_status}, {"bytes", bytes},
                              {"recorded", !failure},
                              {"ms", std::chrono::duration<double, std::milli>(steady::now() - started).count()}};
        if (!result.error.empty()) fields["reason"] = result.error;
        if (result.kind == media_result::outcome::stored) fields["mime_type"] = result.mime_type;
        log_event(result.kind == media_result::outcome::stored ? log_level::info : log_level::warn,
                  "media.fetch", std::move(fields));
    }
};

media_fetcher::media_fetcher(net::io_context& io, store_writer& writer,
                             const std::vector<channel_runtime>& channels,
                             media_fetcher_settings settings)
    : state_(std::make_shared<state>(io, writer, settings)) {
    for (const auto& rt : channels)
        if (rt.channel != nullptr) state_->adapters[rt.channel->id] = rt.adapter;
}

media_fetcher::~media_fetcher() = default;

void media_fetcher::start() {
    auto s = state_;
    auto log_failure = [](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            log_event(log_level::error, "media_fetcher.failed", {{"what", x.what()}});
        }
    };
    for (std::size_t i = 0; i < std::max<std::size_t>(1, s->settings.workers); ++i)
        net::co_spawn(s->strand, s->worker(), log_failure);
}

void media_fetcher::wake() {
    net::post(state_->strand, [s = state_] { s->wake_all(); });
}

void media_fetcher::reload(const std::vector<channel_runtime>& channels) {
    std::map<std::string, std::shared_ptr<const provider>> adapters;
    for (const auto& rt : channels)
        if (rt.channel != nullptr) adapters[rt.channel->id] = rt.adapter;
    net::post(state_->strand, [s = state_, adapters = std::move(adapters)]() mutable {
        s->adapters = std::move(adapters);
        s->wake_all();
    });
}

void media_fetcher::stop() {
    net::post(state_->strand, [s = state_] {
        s->stopping = true;
        s->wake_all();
    });
}

}  // namespace cwc::gateway
