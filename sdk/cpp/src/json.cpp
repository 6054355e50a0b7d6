#include "json.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace lumen::json {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
// Rejects overlongs, surrogates and code points above U+10FFFF.
std::size_t valid_utf8_sequence(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  const std::size_t left = s.size() - i;
  auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return k < s.size() && byte(k) >= lo && byte(k) <= hi;
  };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return left >= 3 && cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return left >= 4 && cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view t) : t_(t) {}

  std::optional<Node> parse_document() {
    Node n;
    if (!parse_value(n, 0)) return std::nullopt;
    skip_ws();
    if (i_ != t_.size()) return std::nullopt;
    return n;
  }

 private:
  static constexpr int kMaxDepth = 64;
  std::string_view t_;
  std::size_t i_ = 0;

  void skip_ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
  }
  bool literal(std::string_view word) {
    if (t_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  bool parse_value(Node& n, int depth) {
    if (depth > kMaxDepth) return false;
    skip_ws();
    if (i_ >= t_.size()) return false;
    switch (t_[i_]) {
      case '{': return parse_object(n, depth);
      case '[': return parse_array(n, depth);
      case '"': n.type = Node::Type::String; return parse_string(n.string);
      case 't': n.type = Node::Type::Bool; n.boolean = true; return literal("true");
      case 'f': n.type = Node::Type::Bool; n.boolean = false; return literal("false");
      case 'n': n.type = Node::Type::Null; return literal("null");
      default: return parse_number(n);
    }
  }

  bool parse_object(Node& n, int depth) {
    n.type = Node::Type::Object;
    ++i_;  // '{'
    skip_ws();
    if (i_ < t_.size() && t_[i_] == '}') { ++i_; return true; }
    while (true) {
      skip_ws();
      std::string key;
      if (i_ >= t_.size() || t_[i_] != '"' || !parse_string(key)) return false;
      skip_ws();
      if (i_ >= t_.size() || t_[i_] != ':') return false;
      ++i_;
      Node child;
      if (!parse_value(child, depth + 1)) return false;
      n.object.emplace_back(std::move(key), std::move(child));
      skip_ws();
      if (i_ >= t_.size()) return false;
      if (t_[i_] == ',') { ++i_; continue; }
      if (t_[i_] == '}') { ++i_; return true; }
      return false;
    }
  }

  bool parse_array(Node& n, int depth) {
    n.type = Node::Type::Array;
    ++i_;  // '['
    skip_ws();
    if (i_ < t_.size() && t_[i_] == ']') { ++i_; return true; }
    while (true) {
      Node child;
      if (!parse_value(child, depth + 1)) return false;
      n.array.push_back(std::move(child));
      skip_ws();
      if (i_ >= t_.size()) return false;
      if (t_[i_] == ',') { ++i_; continue; }
      if (t_[i_] == ']') { ++i_; return true; }
      return false;
    }
  }

  bool hex4(std::uint32_t& v) {
    if (i_ + 4 > t_.size()) return false;
    v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = t_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<std::uint32_t>(c - 'A' + 10);
      else return false;
    }
    return true;
  }

  bool parse_string(std::string& out) {
    ++i_;  // opening quote
    while (i_ < t_.size()) {
      const unsigned char c = static_cast<unsigned char>(t_[i_]);
      if (c == '"') { ++i_; return true; }
      if (c < 0x20) return false;
      if (c != '\\') {
        const std::size_t len = valid_utf8_sequence(t_, i_);
        if (len == 0) return false;
        out.append(t_.substr(i_, len));
        i_ += len;
        continue;
      }
      if (++i_ >= t_.size()) return false;
      const char e = t_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // high surrogate: needs a low one
            std::uint32_t lo;
            if (!literal("\\u") || !hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          append_utf8(out, cp);
          break;
        }
        default: return false;
      }
    }
    return false;
  }

  bool parse_number(Node& n) {
    const std::size_t start = i_;
    auto digits = [&] {
      std::size_t s = i_;
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
      return i_ > s;
    };
    if (i_ < t_.size() && t_[i_] == '-') ++i_;
    if (i_ < t_.size() && t_[i_] == '0') ++i_;
    else if (!digits()) return false;
    if (i_ < t_.size() && t_[i_] == '.') { ++i_; if (!digits()) return false; }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      ++i_;
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      if (!digits()) return false;
    }
    // strtod needs a NUL-terminated buffer; numbers are short.
    std::string text(t_.substr(start, i_ - start));
    n.type = Node::Type::Number;
    n.number = std::strtod(text.c_str(), nullptr);
    return true;
  }
};

}  // namespace

void write_string(std::string& out, std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t len = valid_utf8_sequence(s, i);
      if (len == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
        ++i;
      } else {
        out.append(s.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

void write_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void write_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip
  out.append(buf, res.ptr);
}

void write_value(std::string& out, const Value& v) {
  const auto& s = v.storage();
  switch (s.index()) {
    case 0: out += "null"; break;
    case 1: out += std::get<bool>(s) ? "true" : "false"; break;
    case 2: write_int(out, std::get<std::int64_t>(s)); break;
    case 3: write_double(out, std::get<double>(s)); break;
    case 4: write_string(out, std::get<std::string>(s)); break;
  }
}

void write_object(std::string& out, const Properties& props) {
  out += '{';
  bool first = true;
  for (const auto& [key, value] : props) {
    if (!first) out += ',';
    first = false;
    write_string(out, key);
    out += ':';
    write_value(out, value);
  }
  out += '}';
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) {
    const std::size_t len = valid_utf8_sequence(s, i);
    i += len == 0 ? 1 : len;
  }
  return n;
}

const Node* Node::get(std::string_view key) const {
  if (type != Type::Object) return nullptr;
  for (const auto& [k, v] : object)
    if (k == key) return &v;
  return nullptr;
}

std::optional<Node> parse(std::string_view text) { return Parser(text).parse_document(); }

}  // namespace lumen::json
