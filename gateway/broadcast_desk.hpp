// What broadcasters and officers can do to a broadcast. Create, pause, resume and cancel each
// run inside one store-writer unit (the change and its audit entry commit together);
// confirmation is a sequence of them: re-count the audience, plan the recipients page by page
// (one writer unit per page, so a 100,000-person broadcast never holds up the inbound path),
// then mark it sending (and, for a collective answer, its cases responded). The officers' API
// and `cwc-gateway broadcast` both call these. Another organisation's broadcast is not_found.
#pragma once

#include "config/config.hpp"
#include "gateway/broadcast_plan.hpp"
#include "gateway/broadcast_request.hpp"
#include "gateway/case_desk.hpp"
#include "messages/broadcast_reader.hpp"
#include "messages/officer.hpp"
#include "messages/store.hpp"

#include <boost/asio/awaitable.hpp>

#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cwc::gateway {

struct broadcast_result {
    desk_outcome outcome = desk_outcome::done;
    std::string reason;                        // public: what was wrong
    std::vector<std::string> problems;         // confirmation refused: broadcast_problems
    std::optional<messages::broadcast> after;  // the broadcast as it is now, when done
    std::int64_t audience = 0;                 // confirmation: the people counted now
};

// Roles: admin all; aap_officer and cbo_broadcaster their organisation's; auditor sees all and
// changes nothing; focal points have no broadcasts.
bool may_see(const messages::officer& o, const messages::broadcast& b);
bool may_change(const messages::officer& o, const messages::broadcast& b);
bool has_broadcasts(const messages::officer& o);  // false: focal points
// "officer:<name>", "cli:<name>" for a command at the server (token id 0), or the bare name for
// the gateway itself (token id -1: "system").
std::string actor_of(const messages::officer& o);

// The draft's organisation, topics, code, regions, languages, channels, template languages and
// schedule checked against the config and the officer's role; nothing when it may be created.
std::optional<broadcast_result> draft_refusal(const config::config& cfg, const messages::officer& o,
                                              const broadcast_draft& d, messages::timestamp now);

// Writer units. create audits "broadcast.created"; the others "broadcast.paused", ".resumed",
// ".cancelled" with the outbox rows they changed.
broadcast_result create_broadcast(messages::store& s, const config::config& cfg,
                                  const messages::officer& o, const broadcast_draft& d,
                                  messages::timestamp now);
broadcast_result pause_broadcast(messages::store& s, const messages::officer& o, std::int64_t id,
                                 messages::timestamp now);
broadcast_result resume_broadcast(messages::store& s, const messages::officer& o, std::int64_t id,
                                  messages::timestamp now);
broadcast_result cancel_broadcast(messages::store& s, const messages::officer& o, std::int64_t id,
                                  messages::timestamp now);

// The audience counted now: a campaign's segment, or a collective answer's open cases.
std::vector<messages::audience_cell> audience_of(messages::broadcast_reader& r,
                                                 const config::config& cfg,
                                                 const messages::broadcast& b,
                                                 messages::timestamp now);

// Where a confirmation runs its steps. `read` runs the work on a thread that owns a
// broadcast_reader, `write` runs it as one store-writer unit (its failure as a value); both
// resume on the caller's executor. The work is the caller's named local, alive while awaited.
struct broadcast_steps {
    using read_work = std::function<void(messages::broadcast_reader&)>;
    using write_work = std::function<void(messages::store&)>;
    std::function<boost::asio::awaitable<void>(read_work&)> read;
    std::function<boost::asio::awaitable<std::exception_ptr>(write_work&)> write;
};

inline constexpr std::size_t plan_page_size = 5000;

// Confirms a draft: not_found / forbidden as elsewhere, not_allowed when it is not a draft (or
// is being confirmed), invalid with `problems` when the audience counted now cannot be sent to.
// Audits "broadcast.confirmed" {planned, audience}; a collective answer moves each of its cases
// to "responded" (note "collective answer: broadcast <id>"). Throws when a writer unit failed.
boost::asio::awaitable<broadcast_result> confirm_broadcast(broadcast_steps& steps,
                                                           const config::config& cfg,
                                                           messages::officer o, std::int64_t id,
                                                           messages::timestamp now);

// After a crash in the middle of a confirmation (a draft with confirmed_at, some pages queued):
// plans the people not yet queued, marks it sending and audits "broadcast.confirmed" by
// "system". Run once at start; returns how many it finished.
boost::asio::awaitable<std::size_t> resume_confirmations(broadcast_steps& steps,
                                                         const config::config& cfg,
                                                         messages::timestamp now);

}  // namespace cwc::gateway
