// The read side of broadcasts: lists, progress, preview audiences and the recipients a
// confirmation plans for. Its own read-only SQLite connection (WAL snapshot), so counting a
// hundred thousand subscribers never holds up the store writer. Not thread-safe: one per thread.
#pragma once

#include "messages/broadcast.hpp"
#include "messages/time.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::messages {

namespace sqlite {
class connection;
}

class broadcast_reader {
  public:
    explicit broadcast_reader(const std::string& database_path);
    ~broadcast_reader();
    broadcast_reader(const broadcast_reader&) = delete;
    broadcast_reader& operator=(const broadcast_reader&) = delete;

    // Newest first; one organisation's, or every one when `organisation` is empty.
    std::vector<broadcast> list(std::string_view organisation, std::size_t limit,
                                std::int64_t before_id = 0);
    std::optional<broadcast> load(std::int64_t id);
    broadcast_progress progress(std::int64_t id);
    // The ids of the broadcasts being sent (status 'sending'), oldest first: the completion check
    // (gateway/broadcast_completion.hpp) looks at these only.
    std::vector<std::int64_t> sending();
    // Confirmations a crash interrupted: drafts with a confirmation time (some pages may be
    // queued), oldest first.
    std::vector<std::int64_t> interrupted_confirmations();
    // How far a confirmation got: the rows queued for the broadcast and the highest contact id
    // among them (pages are planned in contact id order, each in one transaction).
    struct planned_so_far {
        std::int64_t rows = 0;
        std::int64_t through_contact = 0;
    };
    planned_so_far planned(std::int64_t id);

    // Who a campaign segment reaches now: subscribed to one of its topics, not opted out, in its
    // regions/languages/channels. The language is the contact's, or `default_language` when the
    // contact never chose or it is not configured; `window_since`: a WhatsApp contact who last
    // wrote on the channel before it is outside the 24-hour window.
    std::vector<audience_cell> campaign_audience(const broadcast_segment& segment,
                                                 std::string_view default_language,
                                                 timestamp window_since);
    // The same people, one by one, in contact id order from after `after_contact`, at most
    // `limit` (a confirmation reads them in pages).
    std::vector<broadcast_recipient> campaign_recipients(const broadcast_segment& segment,
                                                         std::int64_t after_contact,
                                                         std::size_t limit);

    // A collective answer: the contacts of the organisation's cases that carry `code`, are not
    // closed and not sensitive, and whose person has not opted out; one per contact (their
    // latest such case), on the case's channel, in the case's language.
    std::vector<audience_cell> collective_audience(std::string_view organisation,
                                                   std::string_view code,
                                                   std::string_view default_language,
                                                   timestamp window_since);
    std::vector<broadcast_recipient> collective_recipients(std::string_view organisation,
                                                           std::string_view code);
    // Every open case with that code of the organisation (not sensitive, not closed): the ones a
    // confirmed collective answer marks responded.
    std::vector<std::string> collective_cases(std::string_view organisation,
                                              std::string_view code);

  private:
    std::unique_ptr<sqlite::connection> db_;
};

}  // namespace cwc::messages
