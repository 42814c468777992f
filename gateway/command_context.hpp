// What a maintenance command (outbox, report, token) works on: the validated config and the
// database it names, or the one given with --db. One place for the checks and their messages.
#pragma once

#include "config/config.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace cwc::gateway {

struct command_context {
    config::config cfg;
    std::string database;  // the --db path if given, else the config's server.database
};

// Loads the config and picks the database; writes every problem to `err` and returns nothing
// when the command cannot go on (the caller exits 2). `database_must_exist`: refuse a path
// where no database is yet, instead of letting SQLite create an empty one there.
std::optional<command_context> load_command_context(const std::string& config_file,
                                                    const std::string& database_override,
                                                    std::string_view command,
                                                    bool database_must_exist, std::ostream& err);

}  // namespace cwc::gateway
