// The claim-time check of broadcast rows (issue 5): consent, the broadcast's state, quiet hours
// and WhatsApp's window are looked at again when the dispatcher claims each row, not only when
// the broadcast was planned. Runs on the store writer inside the dispatcher's claim unit, before
// the WhatsApp window screen (gateway/whatsapp_window.hpp), which it leaves every other row to.
#pragma once

#include "config/config.hpp"
#include "messages/broadcast.hpp"
#include "messages/store.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace cwc::gateway {

// Error codes of rows given back to the queue unsent.
inline constexpr std::string_view quiet_hours_reason = "quiet_hours";
inline constexpr std::string_view broadcast_paused_reason = "broadcast_paused";

// What the screen did to the rows of one claim, for the log (counts only: no number, no text).
struct broadcast_screen_counts {
    std::size_t returned_for_pause = 0;   // broadcast paused: the row waits with it
    std::size_t cancelled = 0;            // broadcast cancelled (or gone)
    std::size_t opted_out_since = 0;      // consent withdrawn since planning: dropped
    std::size_t returned_for_quiet = 0;   // the person's quiet hours: due when they end
    std::size_t swapped_to_template = 0;  // WhatsApp window closed since planning
    bool any() const {
        return returned_for_pause + cancelled + opted_out_since + returned_for_quiet +
                   swapped_to_template > 0;
    }
};

// One per claim unit: each broadcast is loaded once however many of its rows were claimed.
class broadcast_screen {
  public:
    explicit broadcast_screen(const config::config& cfg) : cfg_(cfg) {}

    // Rows just claimed (status sending) on one channel. Rows of no broadcast pass untouched;
    // a broadcast row is given back (paused broadcast, quiet hours), cancelled (cancelled
    // broadcast), dropped (consent gone: drop_unconsented) or sent, as its template when the
    // person's WhatsApp window has closed since planning. Returns the rows to send, in order.
    std::vector<messages::outbound_message> screen(messages::store& s,
                                                   std::vector<messages::outbound_message> rows,
                                                   messages::timestamp now);

    const broadcast_screen_counts& counts() const { return counts_; }

  private:
    const std::optional<messages::broadcast>& broadcast_of(messages::store& s, std::int64_t id);
    // true: the row goes on (possibly changed); false: it was given back, cancelled or dropped.
    bool screen_one(messages::store& s, messages::outbound_message& m, messages::timestamp now);

    const config::config& cfg_;
    std::map<std::int64_t, std::optional<messages::broadcast>> broadcasts_;
    broadcast_screen_counts counts_;
};

// Whether the contact still consents to this broadcast: not opted out; for a campaign, still
// subscribed to one of its topics and (when it names regions) in one of them. A collective
// answer only asks that the person has not opted out.
bool still_consents(const messages::broadcast& b, const messages::contact& c);

void log_broadcast_screen(const broadcast_screen_counts& counts);

}  // namespace cwc::gateway
