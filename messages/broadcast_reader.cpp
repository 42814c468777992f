// The read side of broadcasts on a read-only SQLite connection.
#include "messages/broadcast_reader.hpp"

#include "messages/sqlite_connection.hpp"
#include "messages/store.hpp"

namespace cwc::messages {

namespace {
[[noreturn]] void not_yet() { throw store_error("sqlite: broadcast reads are not implemented yet"); }
}  // namespace

broadcast_reader::broadcast_reader(const std::string&) {}
broadcast_reader::~broadcast_reader() = default;
std::vector<broadcast> broadcast_reader::list(std::string_view, std::size_t, std::int64_t) {
    not_yet();
}
std::optional<broadcast> broadcast_reader::load(std::int64_t) { not_yet(); }
broadcast_progress broadcast_reader::progress(std::int64_t) { not_yet(); }
std::vector<audience_cell> broadcast_reader::campaign_audience(const broadcast_segment&,
                                                               std::string_view, timestamp) {
    not_yet();
}
std::vector<broadcast_recipient> broadcast_reader::campaign_recipients(const broadcast_segment&,
                                                                       std::int64_t, std::size_t) {
    not_yet();
}
std::vector<audience_cell> broadcast_reader::collective_audience(std::string_view,
                                                                 std::string_view,
                                                                 std::string_view, timestamp) {
    not_yet();
}
std::vector<broadcast_recipient> broadcast_reader::collective_recipients(std::string_view,
                                                                         std::string_view) {
    not_yet();
}
std::vector<std::string> broadcast_reader::collective_cases(std::string_view, std::string_view) {
    not_yet();
}

}  // namespace cwc::messages
