// cwc-gateway: command-line entry point (serve, check-config, simulate).
#include "gateway/commands.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"cwc-gateway — two-way SMS/WhatsApp gateway for communicating with communities"};
    app.require_subcommand(1);

    cwc::gateway::serve_options serve;
    auto* serve_cmd = app.add_subcommand("serve", "Receive webhooks and send replies");
    serve_cmd->add_option("--config", serve.config_file, "JSON configuration file")->required();
    serve_cmd->add_option("--listen", serve.listen, "HOST:PORT for the public webhooks (port 0 = any free port)");
    serve_cmd->add_option("--db", serve.database, "SQLite database file");
    serve_cmd->add_option("--public-url", serve.public_url,
                          "URL the providers call, e.g. https://sms.example.org (signatures are checked against it)");
    serve_cmd->add_option("--log-level", serve.log_level, "debug, info, warn or error")
        ->check(CLI::IsMember({"debug", "info", "warn", "error"}));

    std::string check_file;
    auto* check_cmd = app.add_subcommand("check-config", "Validate a configuration file");
    check_cmd->add_option("--config", check_file, "JSON configuration file")->required();

    cwc::gateway::simulate_options sim;
    auto* sim_cmd = app.add_subcommand("simulate", "Try the menus from a terminal, as a person would");
    sim_cmd->add_option("--config", sim.config_file, "JSON configuration file")->required();
    sim_cmd->add_option("--db", sim.database, "SQLite file to keep the conversation in (default: temporary)");
    sim_cmd->add_option("--from", sim.from, "the phone number you pretend to be");
    sim_cmd->add_option("--channel", sim.channel, "channel id (default: the first one)");

    CLI11_PARSE(app, argc, argv);
    try {
        if (*serve_cmd) return cwc::gateway::run_serve(serve);
        if (*check_cmd) return cwc::gateway::run_check_config(check_file, std::cout);
        if (*sim_cmd) return cwc::gateway::run_simulate(sim, std::cin, std::cout);
    } catch (const std::exception& e) {
        std::cerr << "cwc-gateway: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
