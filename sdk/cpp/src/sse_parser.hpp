// Incremental text/event-stream parser (WHATWG HTML, "server-sent events"). Internal to the SDK.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace lumen::sse {

struct Event {
  std::string type;  // "message" when the stream names none
  std::string data;  // data lines joined with '\n'
  std::string id;    // the last event id in effect after this event
};

class Parser {
 public:
  // Called once per dispatched event (a blank line ends an event that has data).
  explicit Parser(std::function<void(const Event&)> on_event) : on_event_(std::move(on_event)) {}
  // Feeds bytes as they arrive; lines may be split anywhere, and end with \n, \r\n or \r.
  void feed(std::string_view bytes);
  const std::string& last_event_id() const { return last_id_; }
  void set_last_event_id(std::string id) { last_id_ = std::move(id); }
  // The server's `retry:` in ms, or -1 if none was sent.
  std::int64_t retry_ms() const { return retry_ms_; }

 private:
  void line(std::string_view line);
  std::function<void(const Event&)> on_event_;
  std::string buffer_, type_, data_, last_id_;
  bool has_data_ = false;
  bool after_cr_ = false;
  std::int64_t retry_ms_ = -1;
};

}  // namespace lumen::sse
