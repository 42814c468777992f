// Summary figures (JSON, small cells suppressed) and the CSV/HXL export for the officers' API.
// Role and scope come from gateway/report_query.hpp; the figures from a report reader opened
// for the request on its own read-only connection; the CSV from messages/case_export.hpp.
#include "gateway/report_endpoints.hpp"

#include "gateway/report_query.hpp"
#include "messages/case_export.hpp"
#include "messages/report_reader.hpp"
#include "messages/small_cells.hpp"
#include "messages/store.hpp"

#include <boost/beast/http/field.hpp>
#include <nlohmann/json.hpp>

#include <cmath>

namespace cwc::gateway {
namespace {

namespace http = boost::beast::http;
// Keys in the order written: the threshold and filters first, as a reader expects them.
using json = nlohmann::ordered_json;
using messages::report_figures;

double rounded(double value, int decimals) {
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

// A lone count: null with "suppressed" when below the threshold.
json count_json(std::int64_t count, std::int64_t threshold) {
    if (messages::count_suppressed(count, threshold)) {
        return {{"count", nullptr}, {"suppressed", true}};
    }
    return {{"count", count}, {"suppressed", false}};
}

json table_json(std::vector<messages::cell> cells, std::int64_t threshold) {
    messages::suppress_small_cells(cells, threshold);
    json out = json::array();
    for (const auto& c : cells) {
        out.push_back({{"value", c.key},
                       {"count", c.suppressed ? json(nullptr) : json(c.count)},
                       {"suppressed", c.suppressed}});
    }
    return out;
}

json duration_json(const messages::duration_figure& d, std::int64_t threshold) {
    const bool hidden = messages::figure_suppressed(d.basis, threshold);
    const auto hours = [&](const std::optional<std::int64_t>& ms) -> json {
        if (hidden || !ms) return nullptr;
        return rounded(static_cast<double>(*ms) / 3'600'000.0, 1);
    };
    return {{"cases", hidden ? json(nullptr) : json(d.basis)},
            {"median_hours", hours(d.median_ms)},
            {"p90_hours", hours(d.p90_ms)},
            {"suppressed", hidden}};
}

json share_json(const messages::share_figure& s, std::int64_t threshold, const char* hits_name) {
    const bool hidden = messages::figure_suppressed(s.basis, threshold);
    if (hidden) {
        return {{"cases", nullptr}, {hits_name, nullptr}, {"share", nullptr}, {"suppressed", true}};
    }
    return {{"cases", s.basis},
            {hits_name, s.hits},
            {"share", s.basis == 0 ? json(nullptr)
                                   : json(rounded(static_cast<double>(s.hits) /
                                                      static_cast<double>(s.basis), 4))},
            {"suppressed", false}};
}

json summary_document(const report_figures& f, const report_request& request,
                      std::int64_t threshold) {
    json filters = json::object();
    for (const auto& [name, value] : request.given) filters[name] = value;
    json doc = {
        {"threshold", threshold},
        {"filters", filters},
        {"organisation", request.cases.organisation.empty() ? json(nullptr)
                                                            : json(request.cases.organisation)},
        {"total", count_json(f.total, threshold)},
    };
    if (request.cases.sensitive == messages::sensitivity::exclude) {
        // Sensitive cases are only ever this one line for roles without access.
        doc["sensitive"] = count_json(f.sensitive_apart, threshold);
    }
    json by = json::object();
    for (const auto& t : f.tables) by[t.dimension] = table_json(t.cells, threshold);
    doc["by"] = std::move(by);
    doc["time_to_acknowledge"] = duration_json(f.to_acknowledge, threshold);
    doc["time_to_respond"] = duration_json(f.to_respond, threshold);
    doc["time_to_close"] = duration_json(f.to_close, threshold);
    doc["answered_within_target"] = share_json(f.answered_within_target, threshold, "answered");
    doc["acknowledged_within_target"] =
        share_json(f.acknowledged_within_target, threshold, "acknowledged");
    doc["reopened"] = share_json(f.reopened, threshold, "reopened");
    doc["sensitive_referred_in_time"] =
        share_json(f.sensitive_referred_in_time, threshold, "referred");
    const bool rated_hidden = messages::figure_suppressed(f.satisfaction.basis, threshold);
    json satisfaction = {
        {"rated", rated_hidden ? json(nullptr) : json(f.satisfaction.basis)},
        {"average", (rated_hidden || f.satisfaction.basis == 0)
                        ? json(nullptr)
                        : json(rounded(static_cast<double>(f.satisfaction_sum) /
                                           static_cast<double>(f.satisfaction.basis), 2))},
        {"scores", table_json(f.satisfaction_scores, threshold)},
        {"suppressed", rated_hidden}};
    doc["satisfaction"] = std::move(satisfaction);
    return doc;
}

http_response json_answer(const json& body) {
    http_response res{http::status::ok, 11};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
    res.prepare_payload();
    return res;
}

// A file name from ids only (no quotes or separators can reach the header).
std::string export_file_name(const report_request& request, messages::timestamp now) {
    std::string org = request.cases.organisation.empty() ? "all" : request.cases.organisation;
    std::erase_if(org, [](char c) {
        return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-');
    });
    return "cases-" + org + "-" + messages::iso_utc(now).substr(0, 10) + ".csv";
}

}  // namespace

http_response summary_answer(const std::string& database_path, const config::config& cfg,
                             const messages::officer& o, std::string_view query,
                             messages::timestamp now) {
    const report_scope scope = report_scope_of(o);
    if (!scope.allowed || !messages::may_read_reports(o)) {
        return json_error(403, "your role has no access to reports");
    }
    report_request request = read_report_query(query, cfg, scope);
    if (request.error_status != 0) return json_error(request.error_status, request.error);
    request.cases.now = now;
    try {
        messages::report_reader reader{database_path};
        const report_figures figures = reader.summary(request.cases, now);
        return json_answer(summary_document(figures, request, cfg.officers.suppression_threshold));
    } catch (const messages::store_error&) {
        return json_error(503, "the case store cannot be read now");
    }
}

http_response export_answer(const std::string& database_path, const config::config& cfg,
                            const messages::officer& o, std::string_view query,
                            messages::timestamp now) {
    const report_scope scope = report_scope_of(o);
    if (!scope.allowed || !messages::may_export(o)) {
        return json_error(403, "your role may not export cases");
    }
    report_request request = read_report_query(query, cfg, scope);
    if (request.error_status != 0) return json_error(request.error_status, request.error);
    request.cases.now = now;
    // Every role that may export may read the texts of the cases it exports; include_text=0
    // makes a shareable file without them.
    const bool with_text = request.include_text;
    http_response res{http::status::ok, 11};
    try {
        messages::report_reader reader{database_path};
        std::string& body = res.body();
        messages::case_export_writer writer{cfg, with_text,
                                            [&](std::string_view chunk) { body.append(chunk); }};
        writer.write_header();
        reader.for_each_case(request.cases, now,
                             [&](const messages::case_row& row) { writer.write_row(row); });
        writer.finish();
    } catch (const messages::store_error&) {
        return json_error(503, "the case store cannot be read now");
    }
    res.set(http::field::content_type, "text/csv; charset=utf-8");
    res.set(http::field::content_disposition,
            "attachment; filename=\"" + export_file_name(request, now) + "\"");
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.prepare_payload();
    return res;
}

}  // namespace cwc::gateway
