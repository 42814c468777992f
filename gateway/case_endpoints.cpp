// The officers' case endpoints: lists in the officer's scope (sensitive ones counted, small
// counts suppressed, for those who may not see them), a case page audited through the case desk
// before the read side serves it, and changes each run as one store-writer unit. A case the
// officer may not see answers 404 everywhere: its existence is never revealed.
#include "gateway/app_log.hpp"
#include "gateway/case_desk.hpp"
#include "gateway/case_json.hpp"
#include "gateway/officer_requests.hpp"
#include "gateway/officers_service.hpp"
#include "messages/case_lifecycle.hpp"

#include <functional>
#include <vector>

namespace cwc::gateway {

namespace net = boost::asio;

namespace {

constexpr std::size_t conversation_limit = 500;

const char* outcome_name(desk_outcome o) {
    switch (o) {
        case desk_outcome::done:
            return "done";
        case desk_outcome::not_found:
            return "not_found";
        case desk_outcome::forbidden:
            return "forbidden";
        case desk_outcome::invalid:
            return "invalid";
        case desk_outcome::not_allowed:
            return "not_allowed";
        case desk_outcome::needs_consent:
            return "needs_consent";
        case desk_outcome::opted_out:
            return "opted_out";
    }
    return "unknown";
}

http_response desk_answer(const http_request& req, const desk_result& r, messages::timestamp now) {
    switch (r.outcome) {
        case desk_outcome::done: {
            if (!r.after) return refusal(req, 500, "internal error");
            auto c = case_json(*r.after);
            c["overdue"] = messages::is_overdue(*r.after, now);
            return json_answer(req, 200, {{"case", c}});
        }
        case desk_outcome::not_found:
            return refusal(req, 404, "no such case");
        case desk_outcome::forbidden:
            return refusal(req, 403, r.reason.empty() ? "not allowed for your role" : r.reason);
        case desk_outcome::invalid:
        case desk_outcome::not_allowed:
        case desk_outcome::needs_consent:
        case desk_outcome::opted_out:
            break;
    }
    return json_answer(req, 422,
                       {{"error", r.reason.empty() ? outcome_name(r.outcome) : r.reason},
                        {"outcome", outcome_name(r.outcome)}});
}

http_response no_cases_for_role(const http_request& req) {
    return refusal(req, 403, "this role sees aggregated reports only, not individual cases");
}

}  // namespace

net::awaitable<http_response> officers_service::list_cases(const http_request& req,
                                                           const messages::officer& o,
                                                           std::string query) {
    const auto scope = messages::scope_of(o);
    if (!scope.individual_cases) co_return no_cases_for_role(req);
    const auto now = messages::system_now();
    case_list_request list;
    if (auto refused = read_case_list(query, cfg_, scope, now, list))
        co_return refusal(req, refused->status, refused->reason);
    const auto threshold = static_cast<std::size_t>(cfg_.officers.suppression_threshold);
    auto listing = [&list, &scope, threshold](messages::case_reader& r) {
        nlohmann::json cases = nlohmann::json::array();
        const auto rows = r.list_cases(list.query);
        for (const auto& row : rows) cases.push_back(case_json(row));
        nlohmann::json next = nullptr;
        if (rows.size() == list.query.limit) next = rows.back().record.id;
        // What the officer's role hides from them, as a count only, and only when it is not a
        // small cell that could point at one person.
        nlohmann::json hidden = 0;
        if (!scope.sensitive) {
            auto sensitive = list.query;
            sensitive.sensitive = messages::sensitivity::only;
            sensitive.before_id = 0;
            const auto n = r.count_cases(sensitive);
            hidden = n < threshold ? nlohmann::json(nullptr) : nlohmann::json(n);
        }
        return nlohmann::json{
            {"cases", cases}, {"next_before", next}, {"sensitive_hidden", hidden}};
    };
    auto body = co_await read(listing);
    co_return json_answer(req, 200, body);
}

net::awaitable<http_response> officers_service::case_page(const http_request& req,
                                                          const messages::officer& o,
                                                          std::string reference) {
    if (!messages::scope_of(o).individual_cases) co_return no_cases_for_role(req);
    const auto now = messages::system_now();
    desk_result audited;
    const auto failed = co_await writer_.run(
        [&](messages::store& s) { audited = read_case_audited(s, cfg_, o, reference, now); });
    if (failed) {
        log_event(log_level::error, "officers.case_read_failed", {{"reference", reference}});
        co_return refusal(req, 500, "internal error");
    }
    if (audited.outcome != desk_outcome::done) co_return refusal(req, 404, "no such case");
    auto reading = [&o, &reference, now](messages::case_reader& r) -> nlohmann::json {
        const auto row = r.read_case(reference, now);
        if (!row || !messages::may_read(o, row->record)) return nullptr;
        nlohmann::json events = nlohmann::json::array();
        for (const auto& e : r.case_events(row->record.id)) events.push_back(event_json(e));
        // The person's other cases that this officer may not see (another organisation's, a
        // sensitive one): the messages that filed them are withheld from the conversation.
        messages::case_query theirs;
        theirs.contact_id = row->record.contact_id;
        theirs.sensitive = messages::sensitivity::include;
        theirs.limit = 1000;
        theirs.now = now;
        std::vector<messages::case_record> unseen;
        for (auto& other : r.list_cases(theirs))
            if (!messages::may_read(o, other.record)) unseen.push_back(std::move(other.record));
        auto conversation = r.conversation(row->record.contact_id, conversation_limit);
        withhold(conversation, unseen);
        return {{"case", case_json(*row)},
                {"events", events},
                {"conversation", conversation_json(conversation)}};
    };
    auto page = co_await read(reading);
    if (page.is_null()) co_return refusal(req, 404, "no such case");
    co_return json_answer(req, 200, page);
}

net::awaitable<http_response> officers_service::change_case(const http_request& req,
                                                            const messages::officer& o,
                                                            std::string reference,
                                                            std::string change) {
    using messages::store;
    if (!messages::scope_of(o).individual_cases) co_return no_cases_for_role(req);
    const auto now = messages::system_now();
    change_body body(req.body());
    std::function<desk_result(store&)> unit;
    if (change == "status") {
        auto to = body.text("status", true);
        case_change c{body.text("note", false)};
        unit = [&, to, c](store& s) { return change_status(s, cfg_, o, reference, to, c, now); };
    } else if (change == "assign") {
        auto who = body.text("officer", true, true);
        case_change c{body.text("note", false)};
        unit = [&, who, c](store& s) { return assign(s, cfg_, o, reference, who, c, now); };
    } else if (change == "codes") {
        auto codes = body.text_list("codes");
        case_change c{body.text("note", false)};
        unit = [&, codes, c](store& s) { return set_codes(s, cfg_, o, reference, codes, c, now); };
    } else if (change == "organisation") {
        auto to = body.text("organisation", true);
        case_change c{body.text("note", false)};
        unit = [&, to, c](store& s) { return reassign(s, cfg_, o, reference, to, c, now); };
    } else if (change == "refer") {
        referral_request r;
        r.organisation = body.text("organisation", true);
        r.service = body.text("service", false);
        r.share_contact = body.flag("share_contact");
        r.consent_recorded = body.flag("consent_recorded");
        case_change c{body.text("note", false)};
        unit = [&, r, c](store& s) { return refer(s, cfg_, o, reference, r, c, now); };
    } else if (change == "respond") {
        auto text = body.text("text", true);
        case_change c{body.text("note", false)};
        unit = [&, text, c](store& s) { return respond(s, cfg_, o, reference, text, c, now); };
    } else if (change == "flag" || change == "unflag") {
        case_change c{body.text("note", false)};
        const bool flag = change == "flag";
        unit = [&, flag, c](store& s) {
            return flag ? flag_sensitive(s, cfg_, o, reference, c, now)
                        : unflag_sensitive(s, cfg_, o, reference, c, now);
        };
    } else {
        co_return refusal(req, 404, "no such endpoint");
    }
    if (auto refused = body.finish()) co_return refusal(req, refused->status, refused->reason);
    desk_result result;
    const auto failed = co_await writer_.run([&](store& s) { result = unit(s); });
    if (failed) {
        log_event(log_level::error, "officers.case_change_failed",
                  {{"reference", reference}, {"change", change}});
        co_return refusal(req, 500, "internal error");
    }
    co_return desk_answer(req, result, now);
}

}  // namespace cwc::gateway
