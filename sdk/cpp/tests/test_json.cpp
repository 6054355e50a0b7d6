// JSON writer/parser, UUIDs, timestamps, CRC.
#include <cmath>
#include <limits>
#include <set>

#include "json.hpp"
#include "test_framework.hpp"
#include "util.hpp"

using lumen::Value;
namespace json = lumen::json;

static std::string str(std::string_view s) {
  std::string out;
  json::write_string(out, s);
  return out;
}
static std::string val(const Value& v) {
  std::string out;
  json::write_value(out, v);
  return out;
}

TEST(escapes_quotes_backslashes_and_control_chars) {
  CHECK_EQ(str("a\"b\\c"), std::string("\"a\\\"b\\\\c\""));
  CHECK_EQ(str("\n\r\t\b\f"), std::string("\"\\n\\r\\t\\b\\f\""));
  CHECK_EQ(str(std::string_view("\x01\x1f\0", 3)), std::string("\"\\u0001\\u001f\\u0000\""));
  CHECK_EQ(str("/ and \x7f"), std::string("\"/ and \x7f\""));
}

TEST(utf8_passes_through_and_invalid_bytes_become_replacement_char) {
  CHECK_EQ(str("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), std::string("\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\""));
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK_EQ(str("a\xFF" "b"), "\"a" + fffd + "b\"");
  CHECK_EQ(str("\xC0\xAF"), "\"" + fffd + fffd + "\"");            // overlong '/'
  CHECK_EQ(str("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");  // UTF-16 surrogate
  CHECK_EQ(str("\xE2\x82"), "\"" + fffd + fffd + "\"");            // truncated sequence
  CHECK_EQ(json::utf8_length("caf\xC3\xA9\xF0\x9F\x98\x80"), std::size_t(5));
}

TEST(numbers_and_variant_values) {
  CHECK_EQ(val(Value()), std::string("null"));
  CHECK_EQ(val(true), std::string("true"));
  CHECK_EQ(val(42), std::string("42"));
  CHECK_EQ(val(std::numeric_limits<std::int64_t>::min()), std::string("-9223372036854775808"));
  CHECK_EQ(val(0.1), std::string("0.1"));
  CHECK_EQ(val(-2.5), std::string("-2.5"));
  CHECK_EQ(val(std::nan("")), std::string("null"));
  CHECK_EQ(val(std::numeric_limits<double>::infinity()), std::string("null"));
  CHECK_EQ(val("text"), std::string("\"text\""));  // const char* must not become bool
  CHECK_EQ(val(static_cast<const char*>(nullptr)), std::string("null"));
  // Round trip of a large double through our parser.
  auto parsed = json::parse(val(1.2345678901234567e300));
  CHECK(parsed && parsed->number == 1.2345678901234567e300);
}

TEST(object_writer_round_trips_through_parser) {
  lumen::Properties props{{"plan", "pro"}, {"seats", 3}, {"ratio", 0.5}, {"ok", false}, {"none", nullptr},
                          {"quote\"key", "line\nbreak \xF0\x9F\x98\x80"}};
  std::string out;
  json::write_object(out, props);
  auto doc = json::parse(out);
  CHECK(doc && doc->is_object());
  CHECK_EQ(doc->object.size(), std::size_t(6));
  CHECK_EQ(doc->get("plan")->string, std::string("pro"));
  CHECK_EQ(doc->get("seats")->number, 3.0);
  CHECK_EQ(doc->get("quote\"key")->string, std::string("line\nbreak \xF0\x9F\x98\x80"));
  CHECK(doc->get("none")->type == json::Node::Type::Null);
}

TEST(parser_accepts_valid_and_rejects_invalid_documents) {
  auto doc = json::parse(R"( {"accepted":2,"duplicates":1,"rejected":[{"index":0,"code":"x","message":"\u00e9\ud83d\ude00"}]} )");
  CHECK(doc.has_value());
  CHECK_EQ(doc->get("rejected")->array[0].get("message")->string, std::string("\xC3\xA9\xF0\x9F\x98\x80"));
  for (const char* bad : {"", "{", "[1,]", "{\"a\":}", "01", "1.", "\"\\x\"", "tru", "{} x", "\"\x01\"",
                          "\"\\ud800\"", "[\"\xFF\"]"}) {
    if (json::parse(bad)) lumen_test::fail(__FILE__, __LINE__, std::string("accepted invalid: ") + bad);
  }
  std::string deep(100, '[');
  CHECK(!json::parse(deep + std::string(100, ']')));  // depth limit
}

TEST(uuid_v4_format_and_uniqueness) {
  lumen::util::UuidGenerator gen;
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string id = gen.next();
    CHECK_EQ(id.size(), std::size_t(36));
    CHECK(id[8] == '-' && id[13] == '-' && id[18] == '-' && id[23] == '-');
    CHECK_EQ(id[14], '4');
    CHECK(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
    seen.insert(id);
  }
  CHECK_EQ(seen.size(), std::size_t(2000));
}

TEST(iso8601_timestamps) {
  using lumen::util::iso8601_utc;
  CHECK_EQ(iso8601_utc(0), std::string("1970-01-01T00:00:00.000Z"));
  CHECK_EQ(iso8601_utc(1795428000123), std::string("2026-11-23T10:00:00.123Z"));
  CHECK_EQ(iso8601_utc(951868799999), std::string("2000-02-29T23:59:59.999Z"));
  CHECK_EQ(iso8601_utc(-1), std::string("1969-12-31T23:59:59.999Z"));
}

TEST(crc32_matches_reference) {
  CHECK_EQ(lumen::util::crc32("123456789", 9), 0xCBF43926u);
}

TEST_MAIN()
