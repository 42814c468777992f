// The next configuration for a reload: read once (the digest names exactly the bytes validated),
// checked by the loader `serve` uses at start, its restart-only settings replaced by the running
// ones, its channels resolved and compared with the running lanes.
#include "gateway/config_reload.hpp"

#include "messages/hex.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace cwc::gateway {

namespace {

std::string sha256_hex(const std::string& bytes) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), out, &n, EVP_sha256(), nullptr) != 1) return "";
    return messages::lower_hex({out, n});
}

const channel_runtime* find(const std::vector<channel_runtime>& channels, const std::string& id) {
    for (const auto& rt : channels)
        if (rt.channel && rt.channel->id == id) return &rt;
    return nullptr;
}

}  // namespace

config_file read_config_file(const std::string& path) {
    config_file out;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        out.loaded.errors.push_back({"", "cannot read config file '" + path + "': it is a directory"});
        return out;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.loaded.errors.push_back({"", "cannot read config file '" + path + "': " + std::strerror(errno)});
        return out;
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) {
        out.loaded.errors.push_back({"", "cannot read config file '" + path + "': read failed"});
        return out;
    }
    out.digest = sha256_hex(text);
    out.loaded = config::load_from_string(text);
    return out;
}

std::vector<std::string> restart_only_changes(const config::config& running, const config::config& next) {
    std::vector<std::string> out;
    const auto& a = running.server;
    const auto& b = next.server;
    auto differ = [&](bool changed, const char* path) {
        if (changed) out.emplace_back(path);
    };
    differ(a.listen != b.listen, "/server/listen");
    differ(a.public_url != b.public_url, "/server/public_url");
    differ(a.database != b.database, "/server/database");
    differ(a.pseudonym_key_file != b.pseudonym_key_file, "/server/pseudonym_key_file");
    differ(a.audit_key_file != b.audit_key_file, "/server/audit_key_file");
    differ(a.tls.certificate_file != b.tls.certificate_file, "/server/tls/certificate_file");
    differ(a.tls.private_key_file != b.tls.private_key_file, "/server/tls/private_key_file");
    differ(a.max_header_bytes != b.max_header_bytes, "/server/max_header_bytes");
    differ(a.read_timeout_seconds != b.read_timeout_seconds, "/server/read_timeout_seconds");
    differ(a.idle_timeout_seconds != b.idle_timeout_seconds, "/server/idle_timeout_seconds");
    differ(a.media.fetch != b.media.fetch, "/server/media/fetch");
    differ(a.media.max_bytes != b.media.max_bytes, "/server/media/max_bytes");
    differ(running.officers.listen != next.officers.listen, "/officers/listen");
    return out;
}

std::shared_ptr<const config_snapshot> first_snapshot(config::config cfg, std::string digest,
                                                      const env_lookup& lookup) {
    auto snap = std::make_shared<config_snapshot>();
    snap->cfg = std::make_shared<const config::config>(std::move(cfg));
    snap->channels = resolve_channels(snap->cfg, lookup);
    snap->digest = std::move(digest);
    return snap;
}

reload_outcome prepare_reload(const std::string& path, const config_snapshot& running,
                              const env_lookup& lookup) {
    reload_outcome out;
    auto file = read_config_file(path);
    out.errors = std::move(file.loaded.errors);
    out.warnings = std::move(file.loaded.warnings);
    if (!file.loaded.value) return out;
    auto next = std::move(*file.loaded.value);
    out.needs_restart = restart_only_changes(*running.cfg, next);
    // What listens, where the data is and which keys sign stay as they are until a restart;
    // the grace period applies to the next shutdown.
    const int grace = next.server.shutdown_grace_seconds;
    next.server = running.cfg->server;
    next.server.shutdown_grace_seconds = grace;
    next.officers.listen = running.cfg->officers.listen;
    auto snap = first_snapshot(std::move(next), std::move(file.digest), lookup);
    for (const auto& rt : snap->channels) {
        const auto* before = find(running.channels, rt.channel->id);
        if (!before) out.channels_added.push_back(rt.channel->id);
        else if (!same_channel_runtime(*before, rt)) out.channels_changed.push_back(rt.channel->id);
    }
    for (const auto& rt : running.channels)
        if (!find(snap->channels, rt.channel->id)) out.channels_removed.push_back(rt.channel->id);
    out.snapshot = std::move(snap);
    return out;
}

}  // namespace cwc::gateway
