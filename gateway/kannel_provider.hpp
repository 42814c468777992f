// Kannel (smsbox 1.4.5) as a provider (PROVIDERS.md §5): MOs arrive from an sms-service get-url or
// post-url, delivery reports from the dlr-url we pass on each send, and sends go through smsbox's
// sendsms interface. Kannel signs nothing, so both webhooks carry the channel's webhook_token.
//
// The smsbox side, ready to paste (gateway on 127.0.0.1:8080, channel id "kannel"):
//
//   group = smsbox
//   mo-recode = true                 # UCS-2 MOs arrive as UTF-8 (without it: UTF-16BE, also read)
//   ...
//   group = sendsms-user
//   username = cwc
//   password = <KANNEL_SENDSMS_PASSWORD>
//   max-messages = 10                # replies longer than one SMS are not cut
//   concatenation = true
//
//   group = sms-service
//   keyword = default
//   get-url = "http://127.0.0.1:8080/webhooks/kannel?token=<KANNEL_WEBHOOK_TOKEN>&from=%p&to=%P&text=%b&id=%I&ts=%T&smsc=%i&coding=%c&charset=%C"
//   max-messages = 0                 # replies go through sendsms, never in the HTTP answer
//   omit-empty = true                # our empty 200 texts nobody
//
// `text=%b` (the message as received) rather than `%a` (its words): %a squeezes white space,
// which loses a complaint's line breaks and corrupts UTF-16BE bytes of a UCS-2 message [run].
// A post-url works too: body = the text, charset from Content-Type, coding from X-Kannel-Coding,
// sender from X-Kannel-From (send-sender = true) or `from=%p`; `token` and `id=%I` in its query.
// The token should be ASCII: Kannel reads "%A"…"%F" inside a dlr-url as escape codes.
#pragma once

#include "gateway/provider.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace cwc::gateway {

struct kannel_credentials {
    std::string username;       // sendsms-user
    std::string password;
    std::string webhook_token;  // the `token` query parameter of the get-url and every dlr-url
    std::string api_base;       // smsbox's sendsms port: "http://127.0.0.1:13013"
};

class kannel_provider final : public provider {
public:
    kannel_provider(const config::channel& channel, kannel_credentials credentials);

    // GET or POST. A missing token is 401, a wrong one 403; an MO without id=%I or a sender,
    // or whose text is not valid in its charset, is 400 (an smsbox configuration to fix).
    webhook_reading read_webhook(const http_request& request, std::string_view signed_url,
                                 webhook_route route, messages::timestamp now) const override;
    // 200 with an empty text/plain body: with max-messages = 0 and omit-empty smsbox texts nobody.
    http_response acknowledge(const http_request& request) const override;
    const std::string& api_base() const override { return credentials_.api_base; }
    // GET /cgi-bin/sendsms, coding=2 unless the text is pure GSM-7 (Kannel would turn every
    // other letter into '?'), dlr-mask (option, default 27) and our status URL as dlr-url.
    http_request_spec build_send(const messages::outbound_message& message,
                                 const send_context& context) const override;
    // 202 "0: Accepted" or "3: Queued" → sent (Kannel has no message id; the delivery report
    // fills in ours); 403 → credentials_rejected; 5xx → retry; other 4xx → failed.
    messages::send_result interpret_send(const http_result& result, messages::timestamp now,
                                         int attempts, int max_attempts) const override;

private:
    const config::channel& channel_;
    kannel_credentials credentials_;
    int dlr_mask_;
};

// The dlr-mask bit Kannel reports in %d: 1 delivered, 2 failed, 4 buffered and 8 accepted by the
// SMSC (sent), 16 rejected by the SMSC (failed). nullopt for 32 (intermediate) and the unknown.
std::optional<status_update> kannel_delivery_status(std::int64_t outbound_id, int type);

// UTF-16BE (Kannel's UCS-2 MOs without mo-recode) to UTF-8; nullopt for an odd length or an
// unpaired surrogate.
std::optional<std::string> utf16be_to_utf8(std::string_view bytes);

}  // namespace cwc::gateway
