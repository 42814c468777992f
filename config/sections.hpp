// Internal to config/load: one reader per top-level section of the JSON, and the checks that
// span sections. Each reader fills its part of the config and logs problems; the order in
// load.cpp matters (languages before any text, categories before nodes).
#pragma once

#include "config/config.hpp"
#include "config/json_reader.hpp"

#include <set>
#include <string>

namespace cwc::config {

// Settings (read_settings.cpp).
void read_languages(const json& value, reading& r, config& out);
void read_deployment(const json& value, reading& r, config& out);
void read_server(const json& value, reading& r, config& out);
void read_channels(const json& value, reading& r, config& out);

// Content (read_content.cpp).
void read_keywords(const json& value, reading& r, config& out);
void read_regions(const json& value, reading& r, config& out);
void read_case_types(const json& value, reading& r, config& out);
void read_categories(const json& value, reading& r, config& out);
void read_texts(const json& value, reading& r, config& out);
void read_statuses(const json& value, reading& r, config& out);

// The AAP workflow (read_workflow.cpp). Needs languages and channels read first.
void read_organisations(const json& value, reading& r, config& out);
void read_default_organisation(const json& value, reading& r, config& out);  // after organisations
void read_sensitive(const json& value, reading& r, config& out);
void read_satisfaction(const json& value, reading& r, config& out);
// Once everything is read: safe reply present when anything is sensitive, node organisations.
void check_workflow(reading& r, const config& cfg);

// Retention periods (read_retention.cpp). Needs case types read first.
void read_retention(const json& value, reading& r, config& out);

// Operators' admins and alert thresholds (read_operations.cpp). Needs channels read first.
void read_operations(const json& value, reading& r, config& out);

// The officers' API listener and its limits (read_officers.cpp).
void read_officers(const json& value, reading& r, config& out);

// The service directory and the demographic answers (read_directory.cpp): sectors, services,
// sex_options, age_groups. Needs regions read first; read before the nodes that use them.
void read_directory(object_reader& root, reading& r, config& out);
// Once everything is read: services' organisations, directory nodes, information page lengths.
void check_directory(reading& r, const config& cfg);

// Campaign broadcasts (read_broadcasts.cpp): topics (after organisations, before nodes) and
// the broadcasts section; IANA zones are looked up in the system's tz database.
void read_topics(const json& value, reading& r, config& out);
void read_broadcasts(const json& value, reading& r, config& out);
bool is_time_zone(const std::string& name);
// An error at key unless zone names an IANA time zone.
void check_time_zone(object_reader& o, std::string_view key, const std::string& zone);

// Menus and flows (read_nodes.cpp). Needs regions, categories, topics and start_node read first.
void read_nodes(const json& value, reading& r, config& out);

// Checks across sections (cross_check.cpp): start node, reachability, language keyword.
void check_cross_references(reading& r, const config& cfg, bool nodes_present);

// The case status ids a "statuses" section must name, in their order of life.
inline constexpr const char* case_status_ids[] = {
    "new", "acknowledged", "in_progress", "referred", "responded", "closed", "reopened"};

// "a, b, c" for messages that list what would be right.
std::string join_names(const std::set<std::string>& names);
std::string join_names(const std::vector<std::string>& names);  // in the given order

}  // namespace cwc::config
