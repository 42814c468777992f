// Small-cell suppression: primary (below the threshold) and complementary (a second cell so that
// a single hidden cell cannot be recovered from the margin's total).
#include "messages/small_cells.hpp"

#include <cstddef>
#include <optional>

namespace cwc::messages {

bool count_suppressed(std::int64_t count, std::int64_t threshold) {
    return count > 0 && count < threshold;
}

bool figure_suppressed(std::int64_t basis, std::int64_t threshold) {
    return count_suppressed(basis, threshold);
}

void suppress_small_cells(std::vector<cell>& cells, std::int64_t threshold) {
    std::size_t hidden = 0;
    for (cell& c : cells) {
        c.suppressed = count_suppressed(c.count, threshold);
        if (c.suppressed) ++hidden;
    }
    if (hidden != 1) return;
    // Total minus the visible cells would give the hidden one back: hide the smallest other
    // cell that has anyone in it. With none, the table is the total alone and the caller
    // withholds that total (count_suppressed).
    std::optional<std::size_t> smallest;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (cells[i].suppressed || cells[i].count == 0) continue;
        if (!smallest || cells[i].count < cells[*smallest].count) smallest = i;
    }
    if (smallest) cells[*smallest].suppressed = true;
}

}  // namespace cwc::messages
