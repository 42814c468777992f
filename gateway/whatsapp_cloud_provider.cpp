// WhatsApp Cloud API adapter: not written yet (stub so the build stays green while it is).
#include "gateway/provider.hpp"

namespace cwc::gateway {

std::unique_ptr<provider> make_whatsapp_cloud_provider(const config::channel&, const channel_secrets&, std::string) {
    return nullptr;
}

}  // namespace cwc::gateway
