// `cwc-gateway report summary|export`: the officers' report endpoints for an operator at the
// server (and the benchmark): the same filters and role rules, the summary as the API's JSON,
// the export streamed to a file or stdout in chunks instead of built in memory.
#include "gateway/command_context.hpp"
#include "gateway/commands.hpp"
#include "gateway/report_endpoints.hpp"
#include "gateway/report_query.hpp"
#include "messages/case_export.hpp"
#include "messages/report_reader.hpp"

#include <fstream>
#include <ostream>

namespace cwc::gateway {
namespace {

int write_body(const http_response& res, std::ostream& out, std::ostream& err) {
    if (res.result_int() != 200) {
        err << "report: " << res.result_int() << " " << res.body() << "\n";
        return res.result_int() == 503 ? 1 : 2;
    }
    out << res.body();
    if (!res.body().empty() && res.body().back() != '\n') out << "\n";
    return 0;
}

int stream_export(const std::string& db_path, const config::config& cfg,
                  const messages::officer& who, const std::string& query, std::ostream& out,
                  std::ostream& err) {
    if (!messages::may_export(who)) {
        err << "report: the role " << messages::role_name(who.what) << " may not export\n";
        return 2;
    }
    report_request request = read_report_query(query, cfg, report_scope_of(who));
    if (request.error_status != 0) {
        err << "report: " << request.error << "\n";
        return 2;
    }
    const messages::timestamp now = messages::system_now();
    request.cases.now = now;
    messages::report_reader reader{db_path};
    messages::case_export_writer writer{
        cfg, request.include_text,
        [&](std::string_view chunk) { out.write(chunk.data(), static_cast<std::streamsize>(chunk.size())); }};
    writer.write_header();
    reader.for_each_case(request.cases, now,
                         [&](const messages::case_row& row) { writer.write_row(row); });
    writer.finish();
    out.flush();
    return out ? 0 : 1;
}

}  // namespace

int run_report(const report_options& o, std::ostream& out, std::ostream& err) {
    const auto context = load_command_context(o.config_file, o.database, "report", true, err);
    if (!context) return 2;
    const config::config& cfg = context->cfg;
    const std::string& db_path = context->database;
    const auto what = messages::role_named(o.role);
    if (!what) {
        err << "report: unknown role " << o.role << "\n";
        return 2;
    }
    const messages::officer who{0, "operator", *what, o.organisation};

    std::ofstream file;
    if (!o.output.empty()) {
        file.open(o.output, std::ios::binary | std::ios::trunc);
        if (!file) {
            err << "report: cannot write " << o.output << "\n";
            return 2;
        }
    }
    std::ostream& sink = o.output.empty() ? out : file;
    if (o.action == "summary") {
        return write_body(summary_answer(db_path, cfg, who, o.query, messages::system_now()), sink,
                          err);
    }
    if (o.buffered) {  // as the HTTP endpoint answers: the whole file in one body
        return write_body(export_answer(db_path, cfg, who, o.query, messages::system_now()), sink,
                          err);
    }
    return stream_export(db_path, cfg, who, o.query, sink, err);
}

}  // namespace cwc::gateway
