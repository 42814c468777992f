// The periodic tasks that read the configuration (the sweep of incomplete multi-part SMS, focal
// point alerts, the retention purge, the operators' alerts), run on one snapshot each. A reload stops them at their
// next wait and starts them again on the new snapshot, which they keep alive while they run.
#pragma once

#include "gateway/config_reload.hpp"
#include "gateway/store_writer.hpp"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <list>
#include <memory>
#include <string>

namespace cwc::gateway {

class periodic_tasks {
public:
    // `database`: the store's file, which the operators' alerts read on a connection of their own.
    periodic_tasks(boost::asio::io_context& io, store_writer& writer, std::string database)
        : strand_(boost::asio::make_strand(io)), writer_(writer), database_(std::move(database)) {}
    periodic_tasks(const periodic_tasks&) = delete;
    periodic_tasks& operator=(const periodic_tasks&) = delete;

    // Any thread. Tasks of the previous snapshot end at their next wait; a unit of theirs
    // already on the writer finishes first.
    void run_on(std::shared_ptr<const config_snapshot> snapshot);

private:
    void replace_tasks(const std::shared_ptr<const config_snapshot>& snapshot);

    // The tasks and their signals live on one strand: a signal is emitted where its task runs.
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    store_writer& writer_;
    std::string database_;
    // One signal per task ever spawned; a std::list keeps each where a task's slot refers to it.
    std::list<boost::asio::cancellation_signal> signals_;
};

}  // namespace cwc::gateway
