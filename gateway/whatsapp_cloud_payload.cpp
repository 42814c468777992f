// Reading WhatsApp Cloud API notifications (PROVIDERS.md §2.2, as courier's meta handler does):
// a wrong outer shape quarantines the whole body, while one odd message or status inside an
// otherwise good notification is skipped with a note, so it cannot cost the others.
#include "gateway/whatsapp_cloud_payload.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <set>
#include <tuple>

namespace cwc::gateway {
namespace {

using messages::outbound_status;
using nlohmann::json;

// The string member `key`, "" when absent or not a string.
std::string string_at(const json* object, const char* key) {
    if (object == nullptr || !object->is_object()) return {};
    const auto it = object->find(key);
    return it != object->end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::string string_at(const json& object, const char* key) {
    return string_at(&object, key);
}

const json* object_at(const json* object, const char* key) {
    if (object == nullptr || !object->is_object()) return nullptr;
    const auto it = object->find(key);
    return it != object->end() && it->is_object() ? &*it : nullptr;
}

const json* object_at(const json& object, const char* key) {
    return object_at(&object, key);
}

// Provider words (types, statuses, fields) go into log notes only when they look like words.
std::string loggable(std::string_view word) {
    const bool plain =
        !word.empty() && word.size() <= 40 && std::all_of(word.begin(), word.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        });
    return plain ? std::string{word} : std::string{"other"};
}

// Meta's error codes are numbers; a string is taken as well.
std::string code_of(const json& error) {
    if (!error.is_object()) return {};
    const auto it = error.find("code");
    if (it == error.end()) return {};
    if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
    if (it->is_string()) return it->get<std::string>();
    return {};
}

std::string first_error_code(const json& object) {
    const auto it = object.find("errors");
    if (it == object.end() || !it->is_array() || it->empty()) return {};
    return code_of(it->front());
}

// Our outbox id as echoed in biz_opaque_callback_data: a positive decimal, else 0 (the field
// may carry something another system of the business put there).
std::int64_t outbound_id_of(std::string_view data) {
    if (data.empty() || data.size() > 18 || data.front() == '-') return 0;
    std::int64_t id = 0;
    const auto [p, ec] = std::from_chars(data.data(), data.data() + data.size(), id);
    return ec == std::errc{} && p == data.data() + data.size() && id > 0 ? id : 0;
}

std::optional<double> coordinate(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end()) return std::nullopt;
    if (it->is_number()) return it->get<double>();
    if (it->is_string()) {
        const auto s = it->get<std::string>();
        double v = 0;
        const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec == std::errc{} && p == s.data() + s.size()) return v;
    }
    return std::nullopt;
}

bool is_media_type(std::string_view type) {
    static constexpr std::string_view kinds[] = {"image", "video",    "audio",
                                                 "voice", "document", "sticker"};
    return std::find(std::begin(kinds), std::end(kinds), type) != std::end(kinds);
}

// The sender's profile name and business-scoped user id, from the change's contacts[].
struct sender_directory {
    std::map<std::string, std::string> names;     // wa_id and user_id → profile name
    std::map<std::string, std::string> user_ids;  // wa_id → user_id

    void add(const json& contact) {
        const auto name = string_at(object_at(contact, "profile"), "name");
        const auto wa_id = string_at(contact, "wa_id");
        const auto user_id = string_at(contact, "user_id");
        if (!wa_id.empty() && !name.empty()) names[wa_id] = name;
        if (!user_id.empty() && !name.empty()) names[user_id] = name;
        if (!wa_id.empty() && !user_id.empty()) user_ids[wa_id] = user_id;
    }
    std::string lookup(const std::map<std::string, std::string>& in, const std::string& key) const {
        const auto it = key.empty() ? in.end() : in.find(key);
        return it == in.end() ? std::string{} : it->second;
    }
};

class notification_reader {
  public:
    notification_reader(const whatsapp_channel_view& channel, messages::timestamp now,
                        whatsapp_notification& out)
        : channel_(channel), now_(now), out_(out) {}

    // false: the shape is wrong; out_.reason says where.
    bool read_entries(const json& entries) {
        if (!entries.is_array()) return malformed("\"entry\" is not an array");
        for (const auto& entry : entries) {
            if (!entry.is_object()) return malformed("an entry is not an object");
            const auto changes = entry.find("changes");
            if (changes == entry.end() || !changes->is_array())
                return malformed("an entry has no \"changes\" array");
            for (const auto& change : *changes)
                if (!read_change(change)) return false;
        }
        return true;
    }

  private:
    bool malformed(std::string why) {
        out_.usable = false;
        out_.reason = "unexpected notification shape: " + std::move(why);
        return false;
    }
    void note(std::string what) { out_.skipped.push_back(std::move(what)); }

    bool read_change(const json& change) {
        if (!change.is_object()) return malformed("a change is not an object");
        const auto field = string_at(change, "field");
        if (!field.empty() && field != "messages") {
            note("field:" + loggable(field));  // account, template and quality updates
            return true;
        }
        const json* value = object_at(change, "value");
        if (value == nullptr) return malformed("a change has no \"value\" object");
        for (const char* list : {"contacts", "messages", "statuses", "errors"}) {
            const auto it = value->find(list);
            if (it != value->end() && !it->is_array() && !it->is_null())
                return malformed(std::string{"\""} + list + "\" is not an array");
        }
        if (string_at(object_at(*value, "metadata"), "phone_number_id") !=
            channel_.phone_number_id) {
            note("phone_number_id");  // another number of the business: not this channel's
            return true;
        }
        sender_directory senders;
        if (const auto it = value->find("contacts"); it != value->end() && it->is_array())
            for (const auto& c : *it) senders.add(c);
        if (const auto it = value->find("messages"); it != value->end() && it->is_array())
            for (const auto& m : *it) read_message(m, senders);
        if (const auto it = value->find("statuses"); it != value->end() && it->is_array())
            for (const auto& s : *it) read_status(s);
        if (const auto it = value->find("errors"); it != value->end() && it->is_array())
            for (const auto& e : *it) note("error:" + loggable(code_of(e)));
        return true;
    }

    void read_message(const json& m, const sender_directory& senders) {
        if (!m.is_object()) return note("message:malformed");
        const auto id = string_at(m, "id");
        if (id.empty()) return note("message:no_id");
        if (m.contains("group_id")) return note("group");  // group chats are not our channel
        messages::inbound_message in;
        in.from = string_at(m, "from");
        in.sender_user_id = string_at(m, "from_user_id");
        if (in.sender_user_id.empty())
            in.sender_user_id = senders.lookup(senders.user_ids, in.from);
        if (in.from.empty() && in.sender_user_id.empty()) return note("message:no_sender");
        const auto type = string_at(m, "type");
        if (type == "reaction") return note("reaction");
        if (type == "system")
            return note("system:" + loggable(string_at(object_at(m, "system"), "type")));
        if (!seen_messages_.insert(id).second) return note("duplicate_wamid");
        in.channel_id = std::string{channel_.channel_id};
        in.provider_message_id = id;
        in.to = std::string{channel_.address};
        in.received_at = now_;
        in.profile_name = senders.lookup(senders.names, in.from);
        if (in.profile_name.empty())
            in.profile_name = senders.lookup(senders.names, in.sender_user_id);
        read_content(m, type, in);
        out_.messages.push_back(std::move(in));
    }

    // What the person sent; anything we cannot read becomes "unsupported" with an empty text.
    static void read_content(const json& m, const std::string& type,
                             messages::inbound_message& in) {
        in.kind = "unsupported";
        if (type == "text") {
            in.kind = "text";
            in.text = string_at(object_at(m, "text"), "body");
        } else if (type == "interactive") {
            const json* interactive = object_at(m, "interactive");
            const auto reply_type = string_at(interactive, "type");
            if (reply_type == "button_reply" || reply_type == "list_reply") {
                const json* reply = object_at(interactive, reply_type.c_str());
                in.kind = "interactive";
                in.choice_id = string_at(reply, "id");
                in.text = string_at(reply, "title");
            }
        } else if (type == "button") {  // a quick reply of a template we sent
            const json* button = object_at(m, "button");
            if (button != nullptr) {
                in.kind = "interactive";
                in.choice_id = string_at(button, "payload");
                in.text = string_at(button, "text");
            }
        } else if (is_media_type(type)) {
            if (const json* media = object_at(m, type.c_str()); media != nullptr) {
                in.kind = "media";
                in.media.push_back({type, string_at(media, "id"), "", string_at(media, "mime_type"),
                                    string_at(media, "caption"), string_at(media, "filename"),
                                    string_at(media, "sha256")});
                in.text = in.media.back().caption;
            }
        } else if (type == "location") {
            const json* where = object_at(m, "location");
            const auto latitude = where ? coordinate(*where, "latitude") : std::nullopt;
            const auto longitude = where ? coordinate(*where, "longitude") : std::nullopt;
            if (latitude && longitude) {
                in.kind = "location";
                in.location = messages::geo_location{
                    *latitude, *longitude, string_at(where, "name"), string_at(where, "address")};
            }
        }
    }

    void read_status(const json& s) {
        if (!s.is_object()) return note("status:malformed");
        const auto id = string_at(s, "id");
        const auto name = string_at(s, "status");
        const auto outbound_id = outbound_id_of(string_at(s, "biz_opaque_callback_data"));
        if (id.empty() && outbound_id == 0) return note("status:no_id");
        outbound_status status{};
        if (name == "sent")
            status = outbound_status::sent;
        else if (name == "delivered")
            status = outbound_status::delivered;
        else if (name == "read")
            status = outbound_status::read;
        else if (name == "failed")
            status = outbound_status::failed;
        else
            return note("status:" + loggable(name));  // "deleted", and any new one
        if (!seen_statuses_.insert({id, name, outbound_id}).second) return;
        out_.statuses.push_back({id, outbound_id, status, first_error_code(s)});
    }

    const whatsapp_channel_view& channel_;
    messages::timestamp now_;
    whatsapp_notification& out_;
    std::set<std::string> seen_messages_;
    std::set<std::tuple<std::string, std::string, std::int64_t>> seen_statuses_;
};

}  // namespace

whatsapp_notification read_whatsapp_notification(std::string_view body,
                                                 const whatsapp_channel_view& channel,
                                                 messages::timestamp now) {
    whatsapp_notification out;
    const auto unusable = [&out](std::string reason) {
        out.usable = false;
        out.reason = std::move(reason);
        return std::move(out);
    };
    const auto doc = json::parse(body, nullptr, false);
    if (doc.is_discarded()) return unusable("body is not JSON");
    if (!doc.is_object()) return unusable("body is not a JSON object");
    const auto object = string_at(doc, "object");
    if (object.empty()) return unusable("no \"object\" in the notification");
    if (object != "whatsapp_business_account") {
        out.skipped.push_back("object:" + loggable(object));  // Messenger or Instagram webhooks
        return out;
    }
    const auto entries = doc.find("entry");
    if (entries == doc.end()) return unusable("no \"entry\" in the notification");
    notification_reader reader{channel, now, out};
    if (!reader.read_entries(*entries)) {
        out.messages.clear();
        out.statuses.clear();
    }
    return out;
}

}  // namespace cwc::gateway
