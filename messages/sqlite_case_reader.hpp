// The officers' read side on SQLite: a read-only connection of its own (WAL lets it read the
// last commit while the writer thread goes on). Not thread-safe: one per reading thread.
#pragma once

#include "messages/case_reader.hpp"

#include <memory>
#include <string>

namespace cwc::messages {

namespace sqlite {
class connection;
}

class sqlite_case_reader final : public case_reader {
  public:
    // Throws store_error if the file cannot be opened or its schema is older than this build.
    explicit sqlite_case_reader(const std::string& path);
    ~sqlite_case_reader() override;
    sqlite_case_reader(const sqlite_case_reader&) = delete;
    sqlite_case_reader& operator=(const sqlite_case_reader&) = delete;

    std::vector<case_row> list_cases(const case_query& q) override;
    std::optional<case_row> read_case(std::string_view reference, timestamp now) override;
    std::vector<case_event> case_events(std::int64_t case_id) override;
    std::vector<conversation_entry> conversation(std::int64_t contact_id,
                                                 std::size_t limit) override;
    std::size_t count_cases(const case_query& q) override;
    std::optional<media_item> read_media(std::int64_t media_id) override;

  private:
    std::unique_ptr<sqlite::connection> db_;
};

}  // namespace cwc::messages
