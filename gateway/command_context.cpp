// The config and database of a maintenance command, checked the same way for each.
#include "gateway/command_context.hpp"

#include "config/load.hpp"

#include <filesystem>

namespace cwc::gateway {

std::optional<command_context> load_command_context(const std::string& config_file,
                                                    const std::string& database_override,
                                                    std::string_view command,
                                                    bool database_must_exist, std::ostream& err) {
    auto loaded = config::load_from_file(config_file);
    if (!loaded.value) {
        for (const auto& e : loaded.errors) err << "config error: " << config::to_string(e) << "\n";
        return std::nullopt;
    }
    command_context context{std::move(*loaded.value), database_override};
    if (context.database.empty()) context.database = context.cfg.server.database;
    if (database_must_exist && !std::filesystem::exists(context.database)) {
        err << command << ": no database at " << context.database << " (pass --db PATH)\n";
        return std::nullopt;
    }
    return context;
}

}  // namespace cwc::gateway
