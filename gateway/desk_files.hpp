// The officers' desk as files: web/ (HTML, CSS, JavaScript modules, dictionaries) served on the
// officers' listener at /desk/..., with Debian's Chart.js at /desk/vendor/chart.js. Every answer
// carries the desk's security headers (a strict Content-Security-Policy among them); a path that
// leaves the folder, names a hidden file or an unknown type is a 404 like a missing file.
#pragma once

#include "gateway/http_service.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace cwc::gateway {

inline constexpr std::string_view desk_content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";

struct desk_files {
    std::filesystem::path web_dir;   // holds index.html
    std::filesystem::path chart_js;  // Chart.js (UMD build); "" = not installed
};

// Where the desk is found when no --web-dir is given: next to an installed binary
// (<bin>/../share/cwc-gateway/web), else the source tree the binary was built from.
desk_files default_desk_files();
// `web_dir` given by the operator ("" = default_desk_files().web_dir).
desk_files desk_files_at(const std::string& web_dir);

// Whether a request target belongs to the desk ("/", "/desk", "/desk/...") and not the API.
bool is_desk_target(std::string_view target);

// The file a desk path names, relative to web_dir ("/desk/" -> "index.html",
// "/desk/js/app.js" -> "js/app.js"); nothing for a path that is malformed, leaves the folder
// (".." in any spelling), names a hidden file or a type the desk does not serve.
std::optional<std::string> desk_relative_path(std::string_view target);

// "text/javascript; charset=utf-8" for "app.js"; "" for a type the desk does not serve.
std::string_view desk_content_type(std::string_view file_name);

// The desk's security headers, on every desk answer.
void set_desk_headers(http_response& res);

// The answer to a desk request: 302 to /desk/ for "/" and "/desk", the file, or a JSON 404.
http_response desk_answer(const http_request& req, const desk_files& files);

}  // namespace cwc::gateway
