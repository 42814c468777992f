// The sub-commands of the cwc-gateway executable; main() only parses the command line.
#pragma once

#include <iosfwd>
#include <string>

namespace cwc::gateway {

struct serve_options {
    std::string config_file;
    std::string listen;      // overrides server.listen
    std::string database;    // overrides server.database
    std::string public_url;  // overrides server.public_url
    std::string log_level = "info";
};
// Runs until SIGINT/SIGTERM; returns the process exit code.
int run_serve(const serve_options& options);

// Prints every problem with its JSON path; 0 when there are no errors (warnings allowed).
int run_check_config(const std::string& config_file, std::ostream& out);

struct simulate_options {
    std::string config_file;
    std::string database;  // "" = a temporary file removed at exit
    std::string from = "+51900000001";
    std::string channel;   // "" = the first configured channel
};
// A terminal phone: each line typed is an inbound message; the replies are printed.
int run_simulate(const simulate_options& options, std::istream& in, std::ostream& out);

}  // namespace cwc::gateway
