// An http_service whose implementation a reload replaces: each request takes the service current
// when it arrives and keeps it (and the configuration it was built on) to its end, so a request
// never sees half of one configuration and half of another, and nothing in flight is dropped.
#pragma once

#include "gateway/http_service.hpp"

#include <memory>
#include <mutex>

namespace cwc::gateway {

class service_slot final : public http_service {
public:
    explicit service_slot(std::shared_ptr<http_service> first) : current_(std::move(first)) {}

    // Any thread; requests already started finish on the service they began with.
    void replace(std::shared_ptr<http_service> next) {
        std::lock_guard lock(mutex_);
        current_.swap(next);
    }
    std::shared_ptr<http_service> current() const {
        std::lock_guard lock(mutex_);
        return current_;
    }

    std::size_t body_limit(std::string_view target) const override {
        return current()->body_limit(target);
    }
    boost::asio::awaitable<http_response> handle(http_request request) override {
        auto service = current();
        co_return co_await service->handle(std::move(request));
    }
    boost::asio::awaitable<http_response> handle_from(http_request request, std::string peer) override {
        auto service = current();
        co_return co_await service->handle_from(std::move(request), std::move(peer));
    }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<http_service> current_;
};

}  // namespace cwc::gateway
