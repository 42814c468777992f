// Request ids (gateway/request_id.hpp): kept from the proxy when well-formed, else made here.
#include "gateway/request_id.hpp"

#include <algorithm>
#include <cstdint>
#include <random>

namespace cwc::gateway {

namespace {

bool well_formed(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

std::string new_id() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    constexpr char digits[] = "0123456789abcdef";
    std::uint64_t bits = random();
    std::string id(16, '0');
    for (auto& c : id) {
        c = digits[bits & 0xF];
        bits >>= 4;
    }
    return id;
}

}  // namespace

std::string request_id_for(const http_request& request) {
    const auto given = request[request_id_header];
    if (well_formed({given.data(), given.size()})) return std::string(given);
    return new_id();
}

std::string request_id_of(const http_request& request) {
    const auto id = request[request_id_header];
    return std::string(id);
}

}  // namespace cwc::gateway
