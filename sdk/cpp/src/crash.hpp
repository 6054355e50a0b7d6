// Crash capture: fatal signals and uncaught exceptions written, with async-signal-safe code only, to a
// file opened in advance in the storage directory; read back on the next start. Internal to the SDK.
//
// Record (text, one field per line, written by one write(2) when it fits the 4 KiB buffer):
//   LUMENCRASH 1 / app_version= / app_build= / image_base=0x... / kind=signal|exception /
//   signal=11 / exception=<mangled type> / time_ms= / uptime_ms= / frames=0x... 0x... / end
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lumen::crash {

// Sets aside a record left by the previous run (crash.log -> crash-<id>.pending), opens a fresh
// crash.log and installs the handlers (process-wide: SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL and
// std::set_terminate). Returns false, with *error, if they are installed already or the file
// cannot be opened.
bool install(const std::string& dir, std::string_view app_version, std::string_view app_build, std::string* error);
// Restores the previous handlers and closes the file (its empty content means "no crash").
void uninstall();

// What a crash record says; nullopt for a file that is not one (empty or unreadable).
struct Record {
  std::string kind;  // "signal" or "exception"
  int signal = 0;
  std::string exception_type;  // mangled, e.g. "St13runtime_error"
  std::string app_version, app_build, image_base, frames;
  std::int64_t time_ms = 0, uptime_ms = 0;
  bool complete = false;  // the final "end" line was written
};
std::optional<Record> parse(std::string_view text);

// Records set aside by install(), oldest first.
std::vector<std::string> pending_records(const std::string& dir);

// A UUID (RFC 9562 layout, version 8: custom) from SHA-256 of the record's bytes: the same record
// always gives the same event id, so a resend after a crash during delivery is deduplicated.
std::string event_id_for(std::string_view record);

const char* signal_name(int signal);

}  // namespace lumen::crash
