// The API base's path prefix, shared by the adapters' send targets.
#include "gateway/http_exchange.hpp"

#include <boost/url/parse.hpp>

namespace cwc::gateway {

std::string api_base_path(std::string_view api_base) {
    const auto parsed = boost::urls::parse_uri(api_base);
    if (!parsed) return {};
    std::string prefix{parsed->encoded_path()};
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    return prefix;
}

}  // namespace cwc::gateway
