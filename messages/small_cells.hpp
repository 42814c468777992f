// Small-cell suppression for every aggregate we publish (DOMAIN.md "Data responsibility"): a
// count of fewer people than the threshold could point at someone, so it is hidden, and so is a
// second cell of the same margin when otherwise the hidden one could be derived from the total.
// Pure: tables in, tables out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cwc::messages {

// One cell of a one-dimensional table: the value of the dimension ("lima", "complaint") and how
// many cases have it.
struct cell {
    std::string key;
    std::int64_t count = 0;
    bool suppressed = false;
};

// Hides, in place, every cell with 0 < count < threshold (primary suppression); then, when
// exactly one cell of the table is hidden, also the smallest other non-zero cell (ties: the
// first in table order), so the hidden count cannot be read off as the total minus the rest.
// Zero cells stay visible: they describe nobody. A threshold of 1 or less hides nothing.
// The table is one margin of a total that is published: every case counts in exactly one cell.
void suppress_small_cells(std::vector<cell>& cells, std::int64_t threshold);

// Whether a figure computed over `basis` cases (a share, a median, an average) must be withheld:
// fewer cases than the threshold, but not none (a figure over no case is simply absent).
bool figure_suppressed(std::int64_t basis, std::int64_t threshold);

// Whether a lone count (a total, the sensitive line) must be withheld.
bool count_suppressed(std::int64_t count, std::int64_t threshold);

}  // namespace cwc::messages
