// E.164 normalisation as providers and people write numbers: international forms, digits with a
// country code (WhatsApp, Vonage), national forms of the deployment's country, and what must
// not become a number (short codes, sender names, wrong lengths).
#include "messages/phone_number.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using cwc::messages::normalize_phone;

namespace {

struct row {
    const char* raw;
    const char* country;
    std::optional<std::string> expected;
};

void check_rows(std::initializer_list<row> rows) {
    for (const auto& r : rows) {
        CAPTURE(r.raw);
        CAPTURE(r.country);
        CHECK(normalize_phone(r.raw, r.country) == r.expected);
    }
}

const std::optional<std::string> none = std::nullopt;

}  // namespace

TEST_CASE("international forms: + stays, 00 becomes +, separators and tel: go") {
    check_rows({
        {"+51987654321", "PE", "+51987654321"},
        {"+51 987 654 321", "PE", "+51987654321"},
        {"+51 (987) 654-321", "KE", "+51987654321"},
        {"+51.987.654.321", "", "+51987654321"},
        {"tel:+51987654321", "PE", "+51987654321"},
        {"TEL:+254-712-345-678", "PE", "+254712345678"},
        {"  +9647701234567", "PE", "+9647701234567"},
        {"0051987654321", "PE", "+51987654321"},
        {"00 964 770 123 4567", "IQ", "+9647701234567"},
        {"00254712345678", "US", "+254712345678"},
        {"+1 (202) 555-0123", "PE", "+12025550123"},
        {"011 51 987 654 321", "US", "+51987654321"},  // NANP's exit code
        // A trunk 0 kept after the country code is a common way to write it; it is dropped.
        {"+254 0712 345 678", "PE", "+254712345678"},
        {"+964 0770 123 4567", "PE", "+9647701234567"},
        {"0044 07700 900123", "PE", "+447700900123"},
        // A code we have no plan for is trusted as written when its length is E.164's.
        {"+6801234567", "PE", "+6801234567"},
        {"+29012345", "PE", "+29012345"},
    });
}

TEST_CASE("international forms that cannot be E.164") {
    check_rows({
        {"+", "PE", none},
        {"+123456", "PE", none},              // 6 digits: too short for any country
        {"+5198765432101234", "PE", none},    // 16 digits: longer than E.164 allows
        {"+051987654321", "PE", none},        // no country code starts with 0
        {"00", "PE", none},
        {"0012345", "PE", none},
        {"++51987654321", "PE", none},
        {"+51 987 654 321 ext 2", "PE", none},
        {"tel:", "PE", none},
    });
}

TEST_CASE("digits with a country code, as WhatsApp and Vonage send them") {
    check_rows({
        {"51987654321", "PE", "+51987654321"},
        {"51987654321", "KE", "+51987654321"},
        {"51987654321", "", "+51987654321"},
        {"254712345678", "PE", "+254712345678"},
        {"9647701234567", "PE", "+9647701234567"},
        {"573001234567", "PE", "+573001234567"},
        {"584121234567", "CO", "+584121234567"},
        {"593991234567", "PE", "+593991234567"},
        {"201001234567", "PE", "+201001234567"},
        {"962791234567", "PE", "+962791234567"},
        {"96171123456", "PE", "+96171123456"},
        {"963944123456", "PE", "+963944123456"},
        {"905321234567", "PE", "+905321234567"},
        {"256772123456", "PE", "+256772123456"},
        {"2348031234567", "PE", "+2348031234567"},
        {"12025550123", "PE", "+12025550123"},
        {"14165550123", "KE", "+14165550123"},
        {"447700900123", "PE", "+447700900123"},
        {"2540712345678", "PE", "+254712345678"},  // trunk kept after the code
    });
}

TEST_CASE("national formats of the default country") {
    check_rows({
        {"0770 123 4567", "IQ", "+9647701234567"},
        {"07701234567", "iq", "+9647701234567"},  // the country code's case does not matter
        {"٠٧٧٠١٢٣٤٥٦٧", "IQ", "+9647701234567"},  // Arabic-Indic digits
        {"۰۷۷۰۱۲۳۴۵۶۷", "IQ", "+9647701234567"},  // Extended Arabic-Indic digits
        {"01 7123456", "IQ", "+96417123456"},     // Baghdad landline
        {"987654321", "PE", "+51987654321"},
        {"987 654 321", "PE", "+51987654321"},
        {"0987654321", "PE", "+51987654321"},
        {"(01) 426-1234", "PE", "+5114261234"},  // Lima landline
        {"0712345678", "KE", "+254712345678"},
        {"0712 345 678", "KE", "+254712345678"},
        {"712345678", "KE", "+254712345678"},
        {"0110123456", "KE", "+254110123456"},
        {"300 123 4567", "CO", "+573001234567"},
        {"601 234 5678", "CO", "+576012345678"},
        {"0412-1234567", "VE", "+584121234567"},
        {"0212 555 1234", "VE", "+582125551234"},
        {"099 123 4567", "EC", "+593991234567"},
        {"02 234 5678", "EC", "+59322345678"},
        {"010 0123 4567", "EG", "+201001234567"},
        {"02 2345 6789", "EG", "+20223456789"},
        {"079 123 4567", "JO", "+962791234567"},
        {"06 123 4567", "JO", "+96261234567"},
        {"71 123 456", "LB", "+96171123456"},
        {"03 123 456", "LB", "+9613123456"},
        {"0944 123 456", "SY", "+963944123456"},
        {"0532 123 45 67", "TR", "+905321234567"},
        {"0772 123456", "UG", "+256772123456"},
        {"0803 123 4567", "NG", "+2348031234567"},
        {"(202) 555-0123", "US", "+12025550123"},
        {"1 202 555 0123", "US", "+12025550123"},
        {"416.555.0123", "CA", "+14165550123"},
        {"06 20 123 4567", "HU", "+36201234567"},  // two-digit trunk prefix
    });
}

TEST_CASE("ambiguous digits: the default country's national reading wins, else the country code") {
    check_rows({
        // Nine digits starting with 9 are a Peruvian mobile in Peru (not Myanmar's +95 9…).
        {"959123456", "PE", "+51959123456"},
        // The same digits elsewhere carry Myanmar's code.
        {"959123456", "KE", "+959123456"},
        // Eleven digits starting 51 are not a Peruvian national number: they carry the code.
        {"51987654321", "PE", "+51987654321"},
        // Eight digits starting with 51 are a landline in Puno (area code 51), not +51 + 6 digits.
        {"51987654", "PE", "+5151987654"},
        // Kenyan national vs Kenyan with code: length decides.
        {"712345678", "KE", "+254712345678"},
        {"254712345678", "KE", "+254712345678"},
        // 10 digits are a US number in the US, but a Turkish national number in Turkey.
        {"5321234567", "US", "+15321234567"},
        {"5321234567", "TR", "+905321234567"},
        // Without a national reading, digits that also fail every country plan are refused.
        {"987654321", "KE", none},
        {"987654321", "", none},
    });
}

TEST_CASE("not phone numbers: short codes, sender names, wrong lengths, junk") {
    check_rows({
        {"600", "PE", none},
        {"12345", "KE", none},
        {"85012", "US", none},
        {"", "PE", none},
        {"   ", "PE", none},
        {"CWC", "PE", none},
        {"Movistar", "PE", none},
        {"MPESA", "KE", none},
        {"98765432x", "PE", none},
        {"98765432", "PE", none},        // Peruvian mobiles have nine digits
        {"9876543210", "PE", none},      // ten digits fit nothing in Peru
        {"077012345", "IQ", none},       // an Iraqi mobile one digit short
        {"077012345678", "IQ", none},    // and one too long
        {"0812345678", "KE", none},      // Kenyan numbers do not start with 8
        {"0123 456 789", "US", none},
        {"+51 987;654", "PE", none},
        {"51-98-76", "PE", none},
        {"\xD9\xA0", "IQ", none},        // a lone Arabic-Indic zero
        {"\xC3", "PE", none},            // a truncated UTF-8 sequence
        {"+5\xC2", "PE", none},
    });
}

TEST_CASE("an unknown default country still reads international forms") {
    check_rows({
        {"987654321", "ZZ", none},
        {"+51987654321", "ZZ", "+51987654321"},
        {"0051987654321", "X", "+51987654321"},
        {"51987654321", "ZZZ", "+51987654321"},
    });
}

TEST_CASE("normalised output is a fixed point for every default country") {
    for (const char* number :
         {"+51987654321", "+254712345678", "+9647701234567", "+573001234567", "+12025550123"}) {
        for (const char* country : {"PE", "KE", "IQ", "CO", "US", "TR", ""}) {
            CAPTURE(number);
            CAPTURE(country);
            const auto once = normalize_phone(number, country);
            REQUIRE(once.has_value());
            CHECK(*once == number);
            CHECK(normalize_phone(*once, country) == once);
        }
    }
}
