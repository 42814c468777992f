// Confirming a broadcast: the audience re-counted now (consent may have changed since the
// preview), the recipients planned a page at a time (plan_rows) and queued in one writer unit
// per page, then the broadcast marked sending. A collective answer also marks its cases
// responded, a few hundred per unit. The writer's outbox hook wakes the dispatcher per page.
#include "gateway/broadcast_desk.hpp"
#include "messages/record_digest.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace cwc::gateway {

namespace {

using messages::broadcast;
using messages::broadcast_status;

constexpr std::size_t cases_per_unit = 500;

broadcast_result refused(desk_outcome outcome, std::string reason) {
    broadcast_result r;
    r.outcome = outcome;
    r.reason = std::move(reason);
    return r;
}

void check(std::exception_ptr failure) {
    if (failure) std::rethrow_exception(failure);
}

// The first step, on the read side: the broadcast, the right to confirm it and its problems.
broadcast_result screen(messages::broadcast_reader& r, const config::config& cfg,
                        const messages::officer& o, std::int64_t id, messages::timestamp now) {
    auto b = r.load(id);
    if (!b || !may_see(o, *b)) return refused(desk_outcome::not_found, "no such broadcast");
    if (!may_change(o, *b)) return refused(desk_outcome::forbidden, "this role cannot confirm");
    if (b->status != broadcast_status::draft || b->confirmed_at)
        return refused(desk_outcome::not_allowed, "the broadcast was confirmed already");
    const auto audience = audience_of(r, cfg, *b, now);
    broadcast_result result;
    for (const auto& cell : audience) result.audience += cell.people;
    result.problems = broadcast_problems(*b, cfg, audience, now);
    if (result.audience == 0) result.problems.emplace_back("nobody is in the audience now");
    if (!result.problems.empty()) {
        result.outcome = desk_outcome::invalid;
        result.reason = "the broadcast cannot be sent as it is";
    }
    result.after = std::move(b);
    return result;
}

// Plans the recipients after `so_far` page by page, marks the broadcast sending and, for a
// collective answer, its cases responded. Every step is one writer unit, and a page's rows
// commit together, so after a crash resume_confirmations continues after the last whole page.
boost::asio::awaitable<broadcast_result> plan_and_send(
    broadcast_steps& steps, const config::config& cfg, const messages::officer& o, broadcast b,
    std::int64_t audience, messages::broadcast_reader::planned_so_far so_far,
    messages::timestamp now) {
    const std::int64_t id = b.id;
    broadcast_result result;
    result.audience = audience;

    // Page by page: read recipients, lay out their rows, queue them in one unit.
    const bool collective = !b.answers_code.empty();
    std::vector<messages::broadcast_recipient> all_collective;
    std::size_t collective_at = 0;
    std::int64_t after_contact = so_far.through_contact;
    std::int64_t planned = so_far.rows;
    bool cancelled = false;
    reach_budget budget;
    std::vector<messages::broadcast_recipient> page;
    broadcast_steps::read_work next_page = [&](messages::broadcast_reader& r) {
        if (!collective) {
            page = r.campaign_recipients(b.segment, after_contact, plan_page_size);
            return;
        }
        if (collective_at == 0 && all_collective.empty()) {
            all_collective = r.collective_recipients(b.organisation, b.answers_code);
            std::erase_if(all_collective, [&](const messages::broadcast_recipient& p) {
                return p.contact_id <= so_far.through_contact;  // queued before a crash
            });
        }
        const auto end = std::min(all_collective.size(), collective_at + plan_page_size);
        page.assign(all_collective.begin() + static_cast<std::ptrdiff_t>(collective_at),
                    all_collective.begin() + static_cast<std::ptrdiff_t>(end));
        collective_at = end;
    };
    std::vector<messages::outbound_message> rows;
    broadcast_steps::write_work enqueue_page = [&](messages::store& s) {
        const auto now_b = s.broadcasts().load(id);
        if (!now_b || now_b->status == broadcast_status::cancelled) {
            cancelled = true;
            return;
        }
        for (auto& row : rows) {
            row.broadcast_id = id;
            s.enqueue(row);
        }
    };
    while (!cancelled) {
        co_await steps.read(next_page);
        if (page.empty()) break;
        after_contact = page.back().contact_id;
        rows = plan_rows(b, cfg, page, now, budget);
        check(co_await steps.write(enqueue_page));
        if (!cancelled) planned += static_cast<std::int64_t>(rows.size());
        if (page.size() < plan_page_size && !collective) break;
    }

    // Mark it sending, unless it was cancelled while planned (then its rows follow).
    broadcast_steps::write_work finish = [&](messages::store& s) {
        auto now_b = s.broadcasts().load(id);
        if (!now_b) throw std::runtime_error("broadcast vanished while confirmed");
        if (now_b->status == broadcast_status::cancelled) {
            s.broadcasts().cancel_rows(id, now);
            cancelled = true;
            return;
        }
        now_b->status = broadcast_status::sending;
        now_b->planned = planned;
        s.broadcasts().save(*now_b);
        nlohmann::json detail{{"planned", planned},
                              {"audience", result.audience},
                              {"role", std::string(messages::role_name(o.what))},
                              {"organisation", now_b->organisation}};
        if (const auto key = s.record_digest_key(); !key.empty())
            detail["digest"] = messages::broadcast_digest(key, *now_b);
        s.append_audit({now, actor_of(o), "broadcast.confirmed", "broadcast:" + std::to_string(id),
                        detail.dump()});
        b = std::move(*now_b);
    };
    check(co_await steps.write(finish));
    if (cancelled) co_return refused(desk_outcome::not_allowed, "the broadcast was cancelled");

    if (collective) {
        std::vector<std::string> references;
        broadcast_steps::read_work read_cases = [&](messages::broadcast_reader& r) {
            references = r.collective_cases(b.organisation, b.answers_code);
        };
        co_await steps.read(read_cases);
        const case_change note{"collective answer: broadcast " + std::to_string(id)};
        std::size_t at = 0;
        broadcast_steps::write_work mark = [&](messages::store& s) {
            const auto end = std::min(references.size(), at + cases_per_unit);
            for (std::size_t i = at; i < end; ++i) {
                const auto c = s.load_case(references[i]);
                if (!c || c->status == "responded" || c->status == "closed") continue;
                change_status(s, cfg, o, references[i], "responded", note, now);
            }
        };
        for (; at < references.size(); at += cases_per_unit) check(co_await steps.write(mark));
    }
    result.after = std::move(b);
    result.outcome = desk_outcome::done;
    co_return result;
}

}  // namespace

boost::asio::awaitable<broadcast_result> confirm_broadcast(broadcast_steps& steps,
                                                           const config::config& cfg,
                                                           messages::officer o, std::int64_t id,
                                                           messages::timestamp now) {
    broadcast_result result;
    broadcast_steps::read_work screening = [&](messages::broadcast_reader& r) {
        result = screen(r, cfg, o, id, now);
    };
    co_await steps.read(screening);
    if (result.outcome != desk_outcome::done) co_return result;

    // Claim it in the writer: a second confirmation (another request, the CLI) is refused.
    bool claimed = false;
    broadcast_steps::write_work claim = [&](messages::store& s) {
        claimed = false;
        auto b = s.broadcasts().load(id);
        if (!b || b->status != broadcast_status::draft || b->confirmed_at) return;
        b->confirmed_at = now;
        s.broadcasts().save(*b);
        // Who confirmed, even if a crash leaves the rest to resume_confirmations.
        nlohmann::json detail = nlohmann::json::object();
        if (const auto key = s.record_digest_key(); !key.empty())
            detail["digest"] = messages::broadcast_digest(key, *b);
        s.append_audit({now, actor_of(o), "broadcast.confirmation_started",
                        "broadcast:" + std::to_string(id), detail.dump()});
        claimed = true;
    };
    check(co_await steps.write(claim));
    if (!claimed)
        co_return refused(desk_outcome::not_allowed, "the broadcast was confirmed already");
    broadcast b = std::move(*result.after);
    b.confirmed_at = now;
    co_return co_await plan_and_send(steps, cfg, o, std::move(b), result.audience, {}, now);
}

boost::asio::awaitable<std::size_t> resume_confirmations(broadcast_steps& steps,
                                                         const config::config& cfg,
                                                         messages::timestamp now) {
    std::vector<std::int64_t> interrupted;
    broadcast_steps::read_work find = [&](messages::broadcast_reader& r) {
        interrupted = r.interrupted_confirmations();
    };
    co_await steps.read(find);
    std::size_t resumed = 0;
    for (const auto id : interrupted) {
        std::optional<broadcast> b;
        messages::broadcast_reader::planned_so_far so_far;
        std::int64_t audience = 0;
        broadcast_steps::read_work load = [&](messages::broadcast_reader& r) {
            b = r.load(id);
            so_far = r.planned(id);
            if (b)
                for (const auto& cell : audience_of(r, cfg, *b, now)) audience += cell.people;
        };
        co_await steps.read(load);
        if (!b) continue;
        // The system finishes what the officer started (audited then with their name).
        const messages::officer system{-1, "system", messages::role::admin, b->organisation};
        const auto result = co_await plan_and_send(steps, cfg, system, std::move(*b), audience,
                                                   so_far, now);
        if (result.outcome == desk_outcome::done) ++resumed;
    }
    co_return resumed;
}

}  // namespace cwc::gateway
