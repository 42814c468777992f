// The pseudonym key file: created once with 32 random bytes as hex and owner-only permissions,
// read back unchanged, refused when too short; every error names the file.
#include "gateway/key_file.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

using cwc::gateway::load_or_create_key;

namespace {

// A fresh directory under /tmp, removed with everything in it.
class temp_dir {
  public:
    temp_dir() {
        std::string pattern = "/tmp/cwc-key-test-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

bool is_lower_hex(const std::string& s) {
    return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string contents(const std::string& path) {
    std::ifstream in{path};
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write(const std::string& path, const std::string& text) {
    std::ofstream out{path};
    out << text;
}

std::string error_of(const std::string& path) {
    try {
        load_or_create_key(path);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a missing key file is created with 64 hex characters, mode 0600") {
    temp_dir dir;
    const auto path = dir.file("pseudonym-key");
    const auto key = load_or_create_key(path);
    CHECK(key.size() == 64);
    CHECK(is_lower_hex(key));

    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    CHECK(contents(path) == key + "\n");
}

TEST_CASE("an existing key is read back unchanged, and new keys differ") {
    temp_dir dir;
    const auto a = load_or_create_key(dir.file("a"));
    CHECK(load_or_create_key(dir.file("a")) == a);
    CHECK(load_or_create_key(dir.file("a")) == a);
    const auto b = load_or_create_key(dir.file("b"));
    CHECK(b != a);

    // A key an operator wrote by hand (with a trailing newline, CRLF or not) is taken as is.
    const std::string handwritten = "0123456789abcdef0123456789abcdef0123";
    write(dir.file("c"), handwritten + "\r\n");
    CHECK(load_or_create_key(dir.file("c")) == handwritten);
}

TEST_CASE("a key file holding too short a key is refused, naming the file") {
    temp_dir dir;
    const char* short_keys[] = {"", "\n", "abc\n", "0123456789abcdef0123456789abcde\n"};
    for (const std::string text : short_keys) {
        CAPTURE(text);
        const auto path = dir.file("short-key");
        write(path, text);
        const auto what = error_of(path);
        CHECK(what.find(path) != std::string::npos);
        CHECK(contents(path) == text);  // never silently replaced: that would re-key every contact
    }
}

TEST_CASE("a key file that cannot be created is an error naming the file") {
    temp_dir dir;
    const auto path = dir.file("no-such-dir/pseudonym-key");
    const auto what = error_of(path);
    CHECK_FALSE(what.empty());
    CHECK(what.find(path) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("a private key file (the audit key): created 0600, refused when others may read it") {
    using cwc::gateway::load_private_key;
    temp_dir dir;
    const auto path = dir.file("audit-key");
    // Verification never creates a key: an absent file is an error naming it.
    CHECK_THROWS_WITH_AS(load_private_key(path, false), doctest::Contains(path.c_str()), std::runtime_error);
    CHECK_FALSE(std::filesystem::exists(path));

    const auto key = load_private_key(path, true);
    CHECK(key.size() == 64);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    CHECK(load_private_key(path, false) == key);

    for (const ::mode_t mode : {0640, 0604, 0620, 0666}) {
        CAPTURE(mode);
        REQUIRE(::chmod(path.c_str(), mode) == 0);
        CHECK_THROWS_WITH_AS(load_private_key(path, true), doctest::Contains(("chmod 600 " + path).c_str()),
                             std::runtime_error);
    }
    REQUIRE(::chmod(path.c_str(), 0400) == 0);  // read-only for its owner is fine
    CHECK(load_private_key(path, false) == key);
}

TEST_CASE("deployment keys: the config's path or beside the database") {
    cwc::config::server_settings server;
    CHECK(cwc::gateway::pseudonym_key_path(server, "/var/lib/cwc/gw.db") == "/var/lib/cwc/gw.db.pseudonym-key");
    CHECK(cwc::gateway::address_key_path(server, "/var/lib/cwc/gw.db") == "/var/lib/cwc/gw.db.address-key");
    server.pseudonym_key_file = "/etc/cwc/pseudonym-key";
    server.address_key_file = "/etc/cwc/address-key";
    CHECK(cwc::gateway::pseudonym_key_path(server, "/var/lib/cwc/gw.db") == "/etc/cwc/pseudonym-key");
    CHECK(cwc::gateway::address_key_path(server, "/var/lib/cwc/gw.db") == "/etc/cwc/address-key");
}

TEST_CASE("deployment keys: made only at the first start, then required and owner-only") {
    using cwc::gateway::load_deployment_key;
    temp_dir dir;
    const auto path = dir.file("address-key");
    const std::string what = "address key (server.address_key_file)";
    // The database already holds data: a missing key is an error that says what to do.
    CHECK_THROWS_WITH_AS(load_deployment_key(path, what, false),
                         doctest::Contains(("no " + what + " at " + path).c_str()), std::runtime_error);
    CHECK_THROWS_WITH_AS(load_deployment_key(path, what, false), doctest::Contains("restore the file"),
                         std::runtime_error);
    CHECK_FALSE(std::filesystem::exists(path));

    const auto key = load_deployment_key(path, what, true);  // first start
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    CHECK(load_deployment_key(path, what, false) == key);
    CHECK(load_deployment_key(path, what, true) == key);  // never replaced

    for (const ::mode_t mode : {0640, 0644, 0604}) {
        CAPTURE(mode);
        REQUIRE(::chmod(path.c_str(), mode) == 0);
        CHECK_THROWS_WITH_AS(load_deployment_key(path, what, false),
                             doctest::Contains((what + ": key file " + path).c_str()), std::runtime_error);
    }
}
