// Information pages and directory answers cut into numbered pages that each fit a few SMS
// segments, whatever the script: "(1/3) … Reply 9 for more." Lives in config so validation counts
// a page's pages exactly as the engine will send them; the handlers keep which page is shown.
#pragma once

#include "config/config.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace cwc::config {

// A page costs at most this many segments: 459 GSM-7 characters, or 201 UCS-2 ones (Arabic,
// Spanish with á or í, anything with an emoji). Long concatenated SMS arrive out of order or
// not at all on basic phones; three parts is what people reliably receive and read.
inline constexpr int max_page_segments = 3;
// Validation warns about an information page that needs more pages than this.
inline constexpr std::size_t pages_before_warning = 3;
// The reply that turns to the next page (menus stop at 9 options, pages pass other digits on).
inline constexpr std::size_t more_choice = 9;

// What frames the pages: the "more" line under all pages but the last, the back hint under it.
struct page_frame {
    std::string more;
    std::string back;
    bool right_to_left = false;  // the "(1/3)" marker then starts with a right-to-left mark
};

// The frame in a language: page_more (optional text) and back_hint (required text).
page_frame frame_for(const config& cfg, const language_code& lang);

struct page {
    std::string text;                // ready to send, numbering and footer included
    std::vector<std::size_t> blocks; // indexes of the blocks (or block parts) it shows
};

// Cuts blocks (paragraphs, or one directory entry each) into pages of at most max_page_segments.
// One page reads "<blocks>\n\n<back>"; several read "(k/N) <blocks>\n\n<more>", the last
// "(N/N) <blocks>\n\n<back>". Blocks stay whole where they fit on a page, joined by a blank
// line; a longer one is cut between its lines, after a sentence or between words (between
// characters for a word longer than a page). Empty blocks are skipped; no blocks gives one page
// with the back hint alone.
std::vector<page> paginate(const std::vector<std::string>& blocks, const page_frame& frame);

// Arabic, Persian, Urdu, Hebrew...: the languages written right to left.
bool is_right_to_left(const language_code& lang);

// An optional text (config::optional_texts) in lang: the deployment's own wording, else the
// engine's wording in that language, else in English. Never empty for a listed key.
const std::string& optional_text(const config& cfg, const std::string& key,
                                 const language_code& lang);

}  // namespace cwc::config
