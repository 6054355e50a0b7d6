// Lumen C++ SDK — public API.
//
// Usage:
//   lumen::Config cfg;
//   cfg.endpoint = "https://lumen.example.com";
//   cfg.write_key = "wk_...";
//   cfg.storage_path = lumen::default_storage_path("my-app");
//   lumen::init(cfg);
//   lumen::track("file_opened", {{"format", "png"}, {"size_kb", 512}});
//   lumen::shutdown(std::chrono::seconds(3));
//
// Every function here is thread-safe, never throws and never performs I/O on
// the calling thread: track()/identify()/screen() validate and enqueue, a single
// background worker thread per Client batches, persists and sends. (The Client
// constructor only touches a few small files in storage_path: the consent
// decision, the install marker, the crash record.)
//
// Native-UI widgets (embed tokens, live subscriptions): lumen/embed.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "lumen/transport.hpp"

namespace lumen {

inline constexpr const char* kLibraryName = "lumen-cpp";
inline constexpr const char* kLibraryVersion = "0.1.0";

// A property value: null, bool, 64-bit integer, double or UTF-8 string.
// Constructors are explicit about types so that `"text"` never silently
// becomes a bool and `3` never becomes a double.
class Value {
 public:
  using Storage = std::variant<std::nullptr_t, bool, std::int64_t, double, std::string>;

  Value() : v_(nullptr) {}
  Value(std::nullptr_t) : v_(nullptr) {}
  Value(bool b) : v_(b) {}
  template <typename I,
            typename std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  Value(I i) : v_(static_cast<std::int64_t>(i)) {}
  Value(double d) : v_(d) {}
  Value(float f) : v_(static_cast<double>(f)) {}
  Value(const char* s) : v_(s ? Storage(std::string(s)) : Storage(nullptr)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}

  const Storage& storage() const { return v_; }
  bool is_null() const { return std::holds_alternative<std::nullptr_t>(v_); }
  bool operator==(const Value& o) const { return v_ == o.v_; }

 private:
  Storage v_;
};

// Event properties / user traits. Keys must be non-empty UTF-8.
using Properties = std::map<std::string, Value>;

enum class Consent {
  Granted,  // events are collected and sent
  Denied,   // events are dropped; nothing is sent or stored; queues are wiped
  Pending,  // events are kept in memory only (bounded) until granted/denied
};

enum class LogLevel { Debug, Info, Warn, Error };
using Logger = std::function<void(LogLevel, std::string_view)>;

struct RetryPolicy {
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
  double multiplier = 2.0;
  double jitter = 0.2;  // +/- fraction of the computed delay, in [0, 1]
  // Upper bound applied to a server's Retry-After.
  std::chrono::milliseconds max_retry_after{std::chrono::minutes(10)};
  // Consecutive failed attempts after which a batch is dropped. 0 = retry
  // retryable failures (network, 5xx, 408, 429) until delivered; the outbox
  // size bound (max_storage_bytes) still caps what is kept.
  int max_attempts = 0;
};

// What goes into each event's "context". Everything that could identify a
// device is off unless the app opts in.
struct ContextOptions {
  std::string app_name;
  std::string app_build;        // app version comes from Config::app_version
  bool include_os = true;       // os.name + os.version (e.g. "Linux", "6.1.0")
  bool include_locale = false;  // locale from the environment (LANG / user default)
  std::string device_type;      // "desktop", "embedded", ... (empty = omitted)
  std::string device_manufacturer;
  std::string device_model;
  std::string timezone;         // IANA name, e.g. "Europe/Paris" (empty = omitted)
};

struct Config {
  std::string endpoint;     // base URL, e.g. "https://lumen.example.com"
  std::string write_key;    // sent as "Authorization: Bearer <write_key>"
  std::string app_version;  // context.app.version

  std::size_t batch_size = 100;  // events per request (server max 1000)
  std::chrono::milliseconds flush_interval{5000};
  std::size_t queue_capacity = 10000;  // in-memory events awaiting the worker
  RetryPolicy retry;
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds shutdown_timeout{3000};  // used by ~Client()

  // Directory for the crash-safe outbox and the persisted consent decision.
  // Empty = memory only (unsent events are lost at exit).
  std::string storage_path;
  std::size_t max_storage_bytes = 10 * 1024 * 1024;  // outbox bound (oldest evicted)

  // Initial consent when no decision was persisted in storage_path.
  Consent consent = Consent::Granted;

  // Optional stable pseudonymous id supplied by the app. The SDK never reads
  // hardware identifiers; with persist_anonymous_id it creates a random UUID
  // once and stores it in storage_path.
  std::string anonymous_id;
  bool persist_anonymous_id = false;

  ContextOptions context;

  // App lifecycle: "$app_installed" on the first start with this storage_path (remembered there;
  // never without one), "$app_opened" at every start and "$app_closed" at shutdown(). The app
  // reports the rest with foreground(), background() and screen(). Lifecycle, screen and crash
  // events carry app_version and app_build as properties too (context.app has them on every event).
  bool track_lifecycle = false;
  // Crashes (needs storage_path; Linux and macOS): fatal signals (SIGSEGV, SIGABRT, SIGBUS, SIGFPE,
  // SIGILL) and uncaught exceptions are written by async-signal-safe code to a file opened in
  // advance, then the signal is re-raised with its default action. The next start sends one
  // "$crash" event per record (symbol-free stack addresses, app version, build, uptime) with an
  // event id derived from the record, so it is counted once however often it is resent.
  // Process-wide: only the first client that asks installs the handlers.
  bool capture_crashes = false;

  // Test mode: payloads are logged (logger, or stderr) instead of sent.
  bool test_mode = false;
  // Custom transport (tests, proxies, platform HTTP stacks). Overrides the
  // default libcurl transport. Called only from the worker thread.
  std::shared_ptr<Transport> transport;
  Logger logger;  // called from the worker thread; must not call back into lumen
};

struct Stats {
  std::uint64_t tracked = 0;     // track()/identify() calls
  std::uint64_t sent = 0;        // events acknowledged by the server (incl. duplicates)
  std::uint64_t duplicates = 0;  // of `sent`, events the server already had
  std::uint64_t dropped = 0;     // discarded for good (invalid, queue full, consent
                                 // denied, rejected by server, non-retryable HTTP)
  std::uint64_t evicted = 0;     // oldest events evicted by the outbox size bound
  std::uint64_t persisted = 0;   // gauge: undelivered events in the on-disk outbox
  std::uint64_t queued = 0;      // gauge: undelivered events held only in memory
  std::uint64_t recovered = 0;   // events loaded from storage_path at start-up
  std::uint64_t retries = 0;     // failed attempts scheduled for retry
  std::uint64_t batches = 0;     // requests acknowledged with 2xx
};
// Once idle: tracked + recovered == sent + dropped + evicted + persisted + queued.

class Client {
 public:
  explicit Client(Config config);
  ~Client();  // shutdown(config.shutdown_timeout) if not done yet
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Enqueue an event. Returns false if it was dropped (invalid name, queue
  // full, consent denied, after shutdown). Never blocks on I/O.
  bool track(std::string_view name, Properties properties = {});
  // Sets the user id for subsequent events and sends a "$identify" event.
  bool identify(std::string_view user_id, Properties traits = {});
  // Forget the user id (e.g. on logout); later events carry no user_id.
  void reset();

  // A screen view: "$screen" with properties screen_name plus `properties`. Same rules as track().
  bool screen(std::string_view name, Properties properties = {});
  // The app came to the foreground / went to the background: "$app_foreground" / "$app_background".
  bool foreground();
  bool background();

  void set_consent(Consent consent);
  Consent consent() const;

  // Ask the worker to send now. With a timeout > 0, wait up to that long and
  // return true if everything queued before the call was delivered.
  bool flush(std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  // Send what can be sent within `timeout`, persist the rest, stop the
  // worker. Idempotent. Returns true if nothing was left undelivered.
  bool shutdown(std::chrono::milliseconds timeout);

  Stats stats() const;

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// Process-wide default client. Calls before init() or after shutdown() are
// no-ops returning false. init() replaces (and shuts down) a previous client.
bool init(Config config);
bool track(std::string_view name, Properties properties = {});
bool identify(std::string_view user_id, Properties traits = {});
void reset();
bool screen(std::string_view name, Properties properties = {});
bool foreground();
bool background();
void set_consent(Consent consent);
bool flush(std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
bool shutdown(std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
Stats stats();

// Per-user data directory for `app_name`:
//   Linux:   $XDG_DATA_HOME/lumen/<app> or ~/.local/share/lumen/<app>
//   macOS:   ~/Library/Application Support/lumen/<app>
//   Windows: %LOCALAPPDATA%\lumen\<app>
// Returns "" if no home directory can be determined.
std::string default_storage_path(std::string_view app_name);

}  // namespace lumen
