// Key files: random bytes from OpenSSL, written with owner-only permissions before any content;
// the rules for when serve may make one.
#include "gateway/key_file.hpp"

#include "messages/hex.hpp"

#include <openssl/rand.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cwc::gateway {

std::string load_or_create_key(const std::string& path) {
    if (std::ifstream in{path}; in) {
        std::stringstream ss;
        ss << in.rdbuf();
        auto key = ss.str();
        while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' '))
            key.pop_back();
        if (key.size() < 32) throw std::runtime_error("key file " + path + " holds too short a key");
        return key;
    }
    std::array<unsigned char, 32> raw{};
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
        throw std::runtime_error("no randomness available to create " + path);
    const std::string key = messages::lower_hex(raw);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) throw std::runtime_error("cannot create key file " + path);
    auto line = key + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw std::runtime_error("cannot write key file " + path);
    return key;
}

std::string load_private_key(const std::string& path, bool create) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (!create) throw std::runtime_error("no key file at " + path);
        return load_or_create_key(path);
    }
    if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        throw std::runtime_error("key file " + path + " is open to group or others (mode " + mode +
                                 "): chmod 600 " + path);
    }
    return load_or_create_key(path);
}

std::string pseudonym_key_path(const config::server_settings& server, const std::string& database) {
    return server.pseudonym_key_file.empty() ? database + ".pseudonym-key" : server.pseudonym_key_file;
}

std::string address_key_path(const config::server_settings& server, const std::string& database) {
    return server.address_key_file.empty() ? database + ".address-key" : server.address_key_file;
}

std::string load_deployment_key(const std::string& path, std::string_view what, bool create) {
    struct stat st {};
    if (!create && ::stat(path.c_str(), &st) != 0) {
        throw std::runtime_error("no " + std::string(what) + " at " + path +
                                 ", and the database already holds data it protects: restore the "
                                 "file from your key backup (a new key would not match that data)");
    }
    try {
        return load_private_key(path, create);
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string(what) + ": " + e.what());
    }
}

}  // namespace cwc::gateway
