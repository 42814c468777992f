// Small-cell suppression, table-driven: which cells of a margin are hidden for a threshold, and
// that no hidden count can be recovered as the total minus the visible cells.
#include "messages/small_cells.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cwc::messages;

namespace {

struct table_case {
    const char* name;
    std::vector<std::int64_t> counts;
    std::int64_t threshold;
    std::string hidden;  // one character per cell: 'x' hidden, '.' shown
};

std::vector<cell> cells_of(const std::vector<std::int64_t>& counts) {
    std::vector<cell> out;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        out.push_back({"k" + std::to_string(i), counts[i], false});
    }
    return out;
}

std::string pattern(const std::vector<cell>& cells) {
    std::string out;
    for (const cell& c : cells) out += c.suppressed ? 'x' : '.';
    return out;
}

}  // namespace

TEST_CASE("suppress_small_cells hides small cells and one complementary cell") {
    const std::vector<table_case> cases = {
        {"nothing small", {10, 7, 5}, 5, "..."},
        {"one small cell takes the smallest other with it", {20, 3, 9, 12}, 5, ".xx."},
        {"two small cells are enough on their own", {20, 3, 4, 12}, 5, ".xx."},
        {"three small cells", {1, 2, 3, 50}, 5, "xxx."},
        {"a zero is not a person: never hidden, never the complement", {0, 2, 30, 8}, 5, ".x.x"},
        {"ties: the first smallest in table order", {2, 9, 9, 40}, 5, "xx.."},
        {"only one cell with anyone, below the threshold", {0, 4, 0}, 5, ".x."},
        {"one small cell and one other", {3, 100}, 5, "xx"},
        {"threshold 1 hides nothing", {1, 1, 2}, 1, "..."},
        {"threshold 0 hides nothing", {1, 0, 2}, 0, "..."},
        {"exactly the threshold is shown", {5, 5, 5}, 5, "..."},
        {"empty table", {}, 5, ""},
        {"higher threshold", {10, 9, 11, 30}, 10, "xx.."},
    };
    for (const auto& tc : cases) {
        CAPTURE(tc.name);
        std::vector<cell> cells = cells_of(tc.counts);
        suppress_small_cells(cells, tc.threshold);
        CHECK(pattern(cells) == tc.hidden);
        // Counts themselves are never altered: suppression only marks.
        for (std::size_t i = 0; i < cells.size(); ++i) CHECK(cells[i].count == tc.counts[i]);
    }
}

TEST_CASE("no hidden cell is the total minus the visible cells") {
    const std::vector<std::vector<std::int64_t>> tables = {
        {20, 3, 9, 12}, {4, 100}, {1, 50, 60, 70}, {0, 0, 2, 8, 9}, {6, 6, 1}};
    for (const auto& counts : tables) {
        std::vector<cell> cells = cells_of(counts);
        suppress_small_cells(cells, 5);
        std::int64_t hidden_sum = 0;
        int hidden_nonzero = 0;
        for (const cell& c : cells) {
            if (c.suppressed) {
                hidden_sum += c.count;
                if (c.count > 0) ++hidden_nonzero;
            }
        }
        CAPTURE(counts.size());
        // Either nothing hidden, or at least two cells share the derivable remainder.
        CHECK((hidden_sum == 0 || hidden_nonzero >= 2));
    }
}

TEST_CASE("figures over few cases and lone counts") {
    struct row {
        std::int64_t basis, threshold;
        bool suppressed;
    };
    const std::vector<row> rows = {
        {0, 5, false}, {1, 5, true}, {4, 5, true}, {5, 5, false}, {1000, 5, false}, {3, 1, false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.basis);
        CHECK(figure_suppressed(r.basis, r.threshold) == r.suppressed);
        CHECK(count_suppressed(r.basis, r.threshold) == r.suppressed);
    }
}
