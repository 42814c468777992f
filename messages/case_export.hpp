// The CSV export of cases (DOMAIN.md "HXL"): RFC 4180, a row of column names and a row of HXL
// hashtags, pseudonymous contact keys, number-like runs in free text redacted and every cell
// that a spreadsheet would read as a formula escaped. Pure: rows in, text out through a sink,
// in chunks, so a million rows never need one string of their own.
#pragma once

#include "config/config.hpp"
#include "messages/case_reader.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace cwc::messages {

// Every run of 5 or more digits (ASCII or Arabic-Indic), possibly split by spaces, dots,
// dashes or parentheses (at most two in a row) and with a leading +, becomes
// "[number removed]": phone numbers, document and case-file numbers.
std::string redact_numbers(std::string_view text);

// Appends one CSV field: a value starting with = + - @ tab or CR gets a leading single quote
// (OWASP "CSV injection"), then the field is quoted when it holds a comma, quote, CR or LF.
void append_csv_field(std::string& out, std::string_view value);

// "2026-11-24T05:52:39Z"; "" for the epoch (a time not reached yet).
std::string iso_utc(timestamp t);

class case_export_writer {
  public:
    using sink = std::function<void(std::string_view chunk)>;
    // `with_description`: the case text (redacted) as the last column; shareable exports leave
    // it out. Organisation names come from the config in its default language.
    case_export_writer(const config::config& cfg, bool with_description, sink out,
                       std::size_t chunk_bytes = 64 * 1024);
    ~case_export_writer();  // does not flush: call finish()
    case_export_writer(const case_export_writer&) = delete;
    case_export_writer& operator=(const case_export_writer&) = delete;

    void write_header();  // the names row and the HXL row
    // One case. The caller never passes a sensitive case (the reader's export query leaves them
    // out); it is refused here as well, with std::logic_error.
    void write_row(const case_row& row);
    void finish();  // hands the rest to the sink
    std::size_t rows() const { return rows_; }

  private:
    void end_record();
    const config::config& cfg_;
    bool with_description_;
    sink out_;
    std::size_t chunk_bytes_;
    std::string buffer_;
    std::size_t rows_ = 0;
    std::string org_id_ = "\x01", org_name_;  // the last organisation's name, looked up once
};

}  // namespace cwc::messages
