// The directory's steps over the config's services: what is offered is computed from the
// services' status each time, so suspending a service in the config takes it out of every menu
// at once. The state keeps ids and the page number only.
#include "handlers/directory_flow.hpp"

#include "config/sms_pages.hpp"
#include "handlers/input.hpp"

#include <algorithm>

namespace cwc::handlers {

namespace {

bool offers_sector(const config::menu_node& node, const std::string& sector) {
    return node.sectors.empty() ||
           std::find(node.sectors.begin(), node.sectors.end(), sector) != node.sectors.end();
}

bool serves(const config::service& s, const std::string& region) {
    return region.empty() || std::find(s.regions.begin(), s.regions.end(), region) != s.regions.end();
}

// The active services of a sector (in a region, "" = anywhere), in the config's order.
std::vector<const config::service*> services_of(const config::config& cfg,
                                                const std::string& sector,
                                                const std::string& region) {
    std::vector<const config::service*> out;
    for (const auto& s : cfg.services) {
        if (s.status == "active" && s.sector == sector && serves(s, region)) out.push_back(&s);
    }
    return out;
}

std::vector<const config::sector*> sectors_of(const config::config& cfg,
                                              const config::menu_node& node) {
    std::vector<const config::sector*> out;
    for (const auto& sector : cfg.sectors) {
        if (offers_sector(node, sector.id) && !services_of(cfg, sector.id, "").empty()) {
            out.push_back(&sector);
        }
    }
    return out;
}

// Regions where an active service of the sector is offered; none when the node does not ask.
std::vector<const config::region*> regions_of(const config::config& cfg,
                                              const config::menu_node& node,
                                              const std::string& sector) {
    std::vector<const config::region*> out;
    if (!node.ask_region) return out;
    for (const auto& region : cfg.regions) {
        if (!services_of(cfg, sector, region.id).empty()) out.push_back(&region);
    }
    return out;
}

bool has_sector(const std::vector<const config::sector*>& sectors, const std::string& id) {
    return std::any_of(sectors.begin(), sectors.end(),
                       [&](const config::sector* s) { return s->id == id; });
}

bool has_region(const std::vector<const config::region*>& regions, const std::string& id) {
    return std::any_of(regions.begin(), regions.end(),
                       [&](const config::region* r) { return r->id == id; });
}

std::string entry(turn& t, const config::service& s) {
    const config::organisation* org = t.cfg().find_organisation(s.organisation);
    std::string languages;
    for (const auto& code : s.languages) languages += (languages.empty() ? "" : ", ") + code;
    return fill(config::optional_text(t.cfg(), "directory_entry", t.language),
                {{"name", t.local(s.name)},
                 {"organisation", org != nullptr ? t.local(org->name) : s.organisation},
                 {"hours", t.local(s.hours)},
                 {"contact", s.contact},
                 {"documents", t.local(s.documents)},
                 {"eligibility", t.local(s.eligibility)},
                 {"cost", t.local(s.cost)},
                 {"languages", languages}});
}

// The services' pages: a heading ("Salud, Lima:"), under the node's text when no choice was
// asked, then one block per service.
struct services_view {
    std::vector<config::page> pages;
    std::vector<const config::service*> services;  // block i is services[i]
};

services_view view_services(turn& t, const config::menu_node& node, bool with_intro) {
    const auto& answers = t.state().answers;
    const auto sector_id = answers.count("sector") != 0 ? answers.at("sector") : std::string();
    const auto region_id = answers.count("region") != 0 ? answers.at("region") : std::string();
    services_view view;
    view.services = services_of(t.cfg(), sector_id, region_id);
    std::string heading;
    for (const auto& sector : t.cfg().sectors) {
        if (sector.id == sector_id) heading = t.local(sector.name);
    }
    if (const config::region* region = t.cfg().find_region(region_id)) {
        heading += ", " + t.local(region->name);
    }
    heading += ":";
    if (with_intro) heading = joined(t.local(node.text), "\n", heading);
    // The heading opens the first entry's block, so it is never a page on its own.
    std::vector<std::string> blocks;
    for (const auto* s : view.services) {
        blocks.push_back(blocks.empty() ? heading + "\n" + entry(t, *s) : entry(t, *s));
    }
    view.pages = config::paginate(blocks, config::frame_for(t.cfg(), t.language));
    return view;
}

// The page in the state (clamped to the pages there are now), each service that starts on it
// recorded as a referral given.
std::string show_services(turn& t, const config::menu_node& node, bool with_intro) {
    const services_view view = view_services(t, node, with_intro);
    const std::size_t k = std::clamp<std::size_t>(shown_page(t.state()), 1, view.pages.size());
    const auto& answers = t.state().answers;
    // A service cut over two pages was referred to on the page where it starts.
    const std::vector<std::size_t> none;
    const auto& before = k > 1 ? view.pages[k - 2].blocks : none;
    for (std::size_t block : view.pages[k - 1].blocks) {
        if (block >= view.services.size() ||
            std::find(before.begin(), before.end(), block) != before.end()) {
            continue;
        }
        const config::service& s = *view.services[block];
        messages::service_referral referral;
        referral.contact_id = t.in.contact.id;
        referral.service_id = s.id;
        referral.organisation = s.organisation;
        referral.sector = s.sector;
        referral.region = answers.count("region") != 0 ? answers.at("region") : std::string();
        referral.language = t.language;
        referral.channel_id = t.in.channel.id;
        referral.at = t.in.now;
        t.out.referrals.push_back(std::move(referral));
    }
    t.state().answers["page"] = std::to_string(k);
    return view.pages[k - 1].text;
}

std::string sector_prompt(turn& t, const config::menu_node& node) {
    std::vector<std::string> names;
    for (const auto* sector : sectors_of(t.cfg(), node)) names.push_back(t.local(sector->name));
    return joined(t.local(node.text), "\n", t.offer(names));
}

std::string region_prompt(turn& t, const config::menu_node& node) {
    std::vector<std::string> names;
    for (const auto* region : regions_of(t.cfg(), node, t.state().answers["sector"])) {
        names.push_back(t.local(region->name));
    }
    return t.text("choose_region") + "\n" + t.offer(names);
}

// After the sector: the region question, or the services at once (one region, or not asked).
std::string after_sector(turn& t, const config::menu_node& node, bool with_intro) {
    auto& state = t.state();
    const auto regions = regions_of(t.cfg(), node, state.answers["sector"]);
    if (regions.size() > 1) {
        state.step = "region";
        const std::string prompt = region_prompt(t, node);
        return with_intro ? joined(t.local(node.text), "\n", prompt) : prompt;
    }
    if (regions.size() == 1) state.answers["region"] = regions.front()->id;
    state.step = "services";
    return show_services(t, node, with_intro);
}

}  // namespace

std::optional<std::string> begin_directory(turn& t, const config::menu_node& node) {
    const auto sectors = sectors_of(t.cfg(), node);
    if (sectors.empty()) return std::nullopt;
    t.move_to(node.id);
    if (sectors.size() > 1) {
        t.state().step = "sector";
        return sector_prompt(t, node);
    }
    t.state().answers["sector"] = sectors.front()->id;
    return after_sector(t, node, true);
}

std::string directory_prompt(turn& t, const config::menu_node& node) {
    const std::string& step = t.state().step;
    if (step == "sector") return sector_prompt(t, node);
    if (step == "region") return region_prompt(t, node);
    const auto view = view_services(t, node, false);
    return view.pages[std::clamp<std::size_t>(shown_page(t.state()), 1, view.pages.size()) - 1]
        .text;
}

directory_outcome continue_directory(turn& t, const config::menu_node& node,
                                     std::string_view folded) {
    auto& state = t.state();
    const auto choice = parse_choice(folded);
    if (choice == std::size_t{0}) return directory_outcome::leave;
    if (state.step == "services") {
        const std::size_t page = shown_page(state);
        if (choice == config::more_choice && page < view_services(t, node, false).pages.size()) {
            state.answers["page"] = std::to_string(page + 1);
            t.say(show_services(t, node, false));
            return directory_outcome::answered;
        }
        return directory_outcome::pass_on;  // the list is read: the person moves on
    }
    if (state.step == "sector") {
        const auto sectors = sectors_of(t.cfg(), node);
        if (choice && *choice <= sectors.size()) {
            state.answers["sector"] = sectors[*choice - 1]->id;
            t.say(after_sector(t, node, false));
            return directory_outcome::answered;
        }
    } else if (state.step == "region") {
        const auto regions = regions_of(t.cfg(), node, state.answers["sector"]);
        if (choice && *choice <= regions.size()) {
            state.answers["region"] = regions[*choice - 1]->id;
            state.step = "services";
            t.say(show_services(t, node, false));
            return directory_outcome::answered;
        }
    }
    t.say(joined(t.text("unknown_input"), "\n", directory_prompt(t, node)));
    return directory_outcome::answered;
}

bool directory_state_is_current(const config::config& cfg, const config::menu_node& node,
                                const messages::conversation_state& state) {
    const auto sectors = sectors_of(cfg, node);
    if (state.step == "sector") return sectors.size() > 1;
    if (state.step != "region" && state.step != "services") return false;
    auto sector = state.answers.find("sector");
    if (sector == state.answers.end() || !has_sector(sectors, sector->second)) return false;
    const auto regions = regions_of(cfg, node, sector->second);
    if (state.step == "region") return regions.size() > 1;
    auto region = state.answers.find("region");
    if (region == state.answers.end() || region->second.empty()) return regions.empty();
    return has_region(regions, region->second) && shown_page(state) >= 1;
}

}  // namespace cwc::handlers
