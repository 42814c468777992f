// The /metrics exposition, pure: HELP and TYPE before each family, every configured channel listed
// even without rows, label values escaped, histograms cumulative with +Inf equal to the count,
// and the live counters (latency, pauses until their end) read as they were recorded.
#include "gateway/metrics_text.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cwc::gateway;
using cwc::messages::from_unix_ms;

namespace {

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

}  // namespace

TEST_CASE("the exposition lists configured channels, escapes labels and states each family once") {
    cwc::messages::ops_picture p;
    p.outbound.push_back({"sms", "sent", 7});
    p.failed_by_code.push_back({"we\"ird\\id\n", "21211", 2});
    p.pending.push_back({"sms", "reply", 3, 90'500});
    p.channels.push_back({"sms", 1, 2, 0, 0});
    metrics_inputs in;
    in.picture = &p;
    in.channels = {"sms", "whatsapp"};
    in.paused = {"whatsapp"};
    in.requests = {0, 5, 0, 2, 1};
    const auto text = render_metrics(in);
    CHECK(has_line(text, "# HELP cwc_outbound_messages Outbound messages in the store, by channel and status."));
    CHECK(has_line(text, "# TYPE cwc_outbound_messages gauge"));
    CHECK(has_line(text, "cwc_outbound_messages{channel=\"sms\",status=\"sent\"} 7"));
    CHECK(has_line(text, "cwc_outbound_failed{channel=\"we\\\"ird\\\\id\\n\",code=\"21211\"} 2"));
    CHECK(has_line(text, "cwc_outbox_oldest_pending_seconds{channel=\"sms\",priority=\"reply\"} 90.5"));
    CHECK(has_line(text, "cwc_outbox_dead_letters{channel=\"whatsapp\"} 0"));  // configured, no rows
    CHECK(has_line(text, "cwc_outbox_held_for_pause{channel=\"sms\"} 2"));
    CHECK(has_line(text, "cwc_channel_paused{channel=\"whatsapp\"} 1"));
    CHECK(has_line(text, "cwc_channel_paused{channel=\"sms\"} 0"));
    CHECK(has_line(text, "cwc_http_requests_total{status=\"4xx\"} 2"));
    CHECK(text.find("cwc_disk_free_bytes") == std::string::npos);  // unknown: not invented
    std::size_t types = 0;
    for (std::size_t at = text.find("# TYPE cwc_outbound_messages "); at != std::string::npos;
         at = text.find("# TYPE cwc_outbound_messages ", at + 1))
        ++types;
    CHECK(types == 1);
}

TEST_CASE("latency histograms are cumulative and pauses end at their time") {
    process_counters counters;
    counters.commit.observe(std::chrono::microseconds(300));    // <= 0.0005
    counters.commit.observe(std::chrono::milliseconds(3));      // <= 0.005
    counters.commit.observe(std::chrono::seconds(4));           // above every bound
    const auto s = counters.commit.read();
    CHECK(s.cumulative[0] == 1);
    CHECK(s.cumulative[2] == 1);   // <= 0.0025
    CHECK(s.cumulative[3] == 2);   // <= 0.005
    CHECK(s.cumulative.back() == 2);
    CHECK(s.count == 3);
    CHECK(s.sum_seconds == doctest::Approx(4.0033));

    const auto t0 = from_unix_ms(1'700'000'000'000);
    counters.set_paused("sms", t0 + std::chrono::minutes(5));
    CHECK(counters.paused_channels(t0) == std::vector<std::string>{"sms"});
    CHECK(counters.paused_channels(t0 + std::chrono::minutes(5)).empty());
    counters.set_paused("sms", {});
    CHECK(counters.paused_channels(t0).empty());

    metrics_inputs in;
    in.commit = s;
    const auto text = render_metrics(in);
    CHECK(has_line(text, "# TYPE cwc_store_commit_seconds histogram"));
    CHECK(has_line(text, "cwc_store_commit_seconds_bucket{le=\"0.005\"} 2"));
    CHECK(has_line(text, "cwc_store_commit_seconds_bucket{le=\"+Inf\"} 3"));
    CHECK(has_line(text, "cwc_store_commit_seconds_count 3"));
}
