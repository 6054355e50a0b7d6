// Minimal JSON support: a writer for event payloads and a small DOM parser
// for server responses (and tests). Internal to the SDK.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lumen/lumen.hpp"

namespace lumen::json {

// Appends `s` as a quoted JSON string. Valid UTF-8 passes through unchanged;
// control characters are escaped; invalid UTF-8 bytes become U+FFFD so the
// server never rejects a whole batch for one bad string.
void write_string(std::string& out, std::string_view s);
void write_int(std::string& out, std::int64_t v);
// Shortest round-trip form; NaN and infinities (not representable) -> null.
void write_double(std::string& out, double v);
void write_value(std::string& out, const Value& v);
void write_object(std::string& out, const Properties& props);

// Number of Unicode code points in UTF-8 text (invalid bytes count as one).
std::size_t utf8_length(std::string_view s);

// Parsed JSON value.
struct Node {
  enum class Type { Null, Bool, Number, String, Array, Object };
  Type type = Type::Null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Node> array;
  std::vector<std::pair<std::string, Node>> object;  // in document order

  const Node* get(std::string_view key) const;  // object member or nullptr
  bool is_object() const { return type == Type::Object; }
  bool is_array() const { return type == Type::Array; }
  bool is_number() const { return type == Type::Number; }
  bool is_string() const { return type == Type::String; }
};

// Strict RFC 8259 parse (nesting depth <= 64). nullopt on any error.
std::optional<Node> parse(std::string_view text);

}  // namespace lumen::json
