// The example deployment (config/example.json) as the gateway tests' starting point, and a
// bounded wait for completions that arrive on another thread (the store writer's).
#pragma once

#include "config/load.hpp"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace cwc::gateway::testing {

inline config::config load_example_config() {
    const std::string path = std::string(CWC_SOURCE_DIR) + "/config/example.json";
    auto loaded = config::load_from_file(path);
    if (!loaded.value) {
        std::string why = loaded.errors.empty() ? "?" : config::to_string(loaded.errors.front());
        throw std::runtime_error(path + " does not load: " + why);
    }
    return std::move(*loaded.value);
}

// Collects the results of completions called on other threads; every wait is bounded.
class completions {
  public:
    void add(std::exception_ptr e) {
        {
            std::lock_guard lock(mutex_);
            results_.push_back(e);
        }
        changed_.notify_all();
    }
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return results_.size() >= n; });
    }
    std::vector<std::exception_ptr> results() {
        std::lock_guard lock(mutex_);
        return results_;
    }
    std::size_t failures() {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (const auto& e : results_) n += e ? 1 : 0;
        return n;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::exception_ptr> results_;
};

// Holds the writer thread inside a unit until the test has queued what it wants behind it.
class gate {
  public:
    void enter_and_wait() {
        std::unique_lock lock(mutex_);
        entered_ = true;
        changed_.notify_all();
        changed_.wait_for(lock, std::chrono::seconds(10), [&] { return open_; });
    }
    bool wait_entered() {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return entered_; });
    }
    void open() {
        {
            std::lock_guard lock(mutex_);
            open_ = true;
        }
        changed_.notify_all();
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool entered_ = false;
    bool open_ = false;
};

inline std::string what_of(const std::exception_ptr& e) {
    if (!e) return "";
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    } catch (...) {
        return "non-standard exception";
    }
}

}  // namespace cwc::gateway::testing
