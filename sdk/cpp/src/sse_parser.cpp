#include "sse_parser.hpp"

namespace lumen::sse {

void Parser::feed(std::string_view bytes) {
  for (const char c : bytes) {
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') continue;  // the \n of a \r\n
    }
    if (c == '\r' || c == '\n') {
      after_cr_ = c == '\r';
      line(buffer_);
      buffer_.clear();
    } else {
      buffer_ += c;
    }
  }
}

void Parser::line(std::string_view text) {
  if (text.empty()) {
    if (has_data_) {
      Event event{type_.empty() ? "message" : type_, data_, last_id_};
      on_event_(event);
    }
    type_.clear();
    data_.clear();
    has_data_ = false;
    return;
  }
  if (text.front() == ':') return;  // comment (heartbeat)
  const auto colon = text.find(':');
  std::string_view field = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "event") {
    type_.assign(value);
  } else if (field == "data") {
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
  } else if (field == "retry") {
    std::int64_t ms = 0;
    bool digits = !value.empty();
    for (const char c : value) {
      if (c < '0' || c > '9' || ms > 86'400'000) {
        digits = false;
        break;
      }
      ms = ms * 10 + (c - '0');
    }
    if (digits) retry_ms_ = ms;
  }
}

}  // namespace lumen::sse
