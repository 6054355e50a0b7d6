// Client: the host-facing API (validate + enqueue) and the worker thread
// (serialize, persist, batch, send, retry).
//
// Data flow:
//   track() -> BoundedQueue (memory) -> worker: serialize -> FileQueue outbox
//   (append-only file when storage_path is set) -> batches -> Transport.
// Events reach the outbox, and so the disk, before they are sent, so a crash
// or a network outage loses at most what was still in the memory queue
// (drained at least every kMaxIdleWait). Delivery is at-least-once from the
// client; the server dedups on event_id, which makes it exactly-once.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "crash.hpp"
#include "event_queue.hpp"
#include "file_queue.hpp"
#include "json.hpp"
#include "lumen/lumen.hpp"
#include "platform.hpp"
#include "retry.hpp"
#include "util.hpp"

namespace lumen {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kMaxNameLength = 200;        // code points (server contract)
constexpr std::size_t kMaxPropertiesBytes = 32 * 1024 - 1;  // "< 32 KB"
constexpr std::size_t kMaxEventsPerBatch = 1000;
constexpr std::size_t kMaxBodyBytes = 1000 * 1000;  // under the server's 1 MB
// Upper bound on how long queued events stay only in memory.
constexpr milliseconds kMaxIdleWait{500};
// Below this much time left before a shutdown deadline, don't start a request.
constexpr milliseconds kMinRequestTime{20};
constexpr milliseconds kMinRetryDelay{10};

struct QueuedItem {
  enum class Kind : std::uint8_t { Track, Identify, Reset };
  Kind kind = Kind::Track;
  std::string name;  // event name; user id for Identify
  Properties properties;
  std::int64_t timestamp_ms = 0;
};

const char* consent_name(Consent c) {
  switch (c) {
    case Consent::Granted: return "granted";
    case Consent::Denied: return "denied";
    default: return "pending";
  }
}

bool write_file_atomically(const std::filesystem::path& path, const std::string& content) {
  std::error_code ec;
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!(out << content)) return false;
  }
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

std::string read_small_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s;
  if (in) std::getline(in, s);
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

class Client::Impl {
 public:
  explicit Impl(Config config);
  ~Impl() { shutdown(config_.shutdown_timeout); }

  bool enqueue(QueuedItem&& item);
  void reject() {  // an invalid call: counted as tracked and dropped
    tracked_.fetch_add(1, std::memory_order_relaxed);
    count_dropped(1);
  }
  void set_consent(Consent c);
  Consent consent() const { return consent_.load(std::memory_order_relaxed); }
  bool flush(milliseconds timeout);
  bool shutdown(milliseconds timeout);
  Stats stats() const;
  // Lifecycle and screen events: properties plus the app's version and build.
  bool track_app_event(std::string_view name, Properties properties);

 private:
  // --- worker thread ---
  void run();
  void start_worker_state();
  void apply_consent();
  void absorb(std::vector<QueuedItem>& items);
  // event_id: empty = a new random one.
  std::string serialize(const QueuedItem& item, const std::string& event_id = std::string());
  std::string build_context() const;
  // Sends while batches are due. Returns when the outbox is empty, not due,
  // backing off, or out of time.
  void deliver(bool force, const Clock::time_point* deadline);
  // One request. Returns true if the outbox head advanced (sent/dropped/split).
  bool send_one_batch(const Clock::time_point* deadline);
  void drain_queue_now();
  // Crash records of earlier runs -> "$crash" events in the outbox (once consent is granted).
  void send_crash_records();
  void update_gauges();
  void finish_flushes(bool delivered_all);
  void log(LogLevel level, const std::string& message) const;
  Consent applied() const { return applied_consent_.value_or(Consent::Pending); }
  void count_dropped(std::uint64_t n) { dropped_.fetch_add(n, std::memory_order_relaxed); }

  Config config_;
  std::string url_;
  std::shared_ptr<Transport> transport_;
  BoundedQueue<QueuedItem> queue_;
  std::atomic<Consent> consent_;
  std::atomic<bool> accepting_{false};
  std::atomic<bool> consent_set_explicitly_{false};  // persist only user decisions

  // Worker control.
  std::thread worker_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<Clock::rep> shutdown_deadline_{0};
  std::mutex shutdown_mu_;
  bool shut_down_ = false;
  bool crash_handlers_installed_ = false;
  const Clock::time_point started_ = Clock::now();
  bool shutdown_result_ = false;

  // flush(): callers wait until the worker has completed their generation.
  mutable std::mutex flush_mu_;
  std::condition_variable flush_cv_;
  std::uint64_t flush_requested_ = 0;
  std::uint64_t flush_completed_ = 0;
  bool last_flush_delivered_all_ = false;

  // Worker-only state.
  FileQueue outbox_;
  std::deque<std::string> pending_consent_;  // serialized, memory only
  std::optional<Consent> applied_consent_;
  std::string user_id_, anonymous_id_, session_id_, context_json_;
  util::UuidGenerator uuids_;
  std::mt19937_64 jitter_rng_{std::random_device{}()};
  int consecutive_failures_ = 0;
  // After a failed attempt the whole backlog (partial batch included) is due
  // at retry_at_, until the outbox is empty again.
  bool catch_up_ = false;
  Clock::time_point retry_at_{};
  Clock::time_point last_interval_flush_{};
  std::size_t split_limit_ = 0;  // after a 413: max events per batch until the outbox empties

  // Counters (see Stats).
  std::atomic<std::uint64_t> tracked_{0}, sent_{0}, duplicates_{0}, dropped_{0}, evicted_{0},
      persisted_{0}, worker_queued_{0}, recovered_{0}, retries_{0}, batches_{0};
};

// ---------------------------------------------------------------- host side

Client::Impl::Impl(Config config)
    : config_(std::move(config)),
      queue_(config_.queue_capacity, std::clamp<std::size_t>(config_.batch_size, 1, kMaxEventsPerBatch)),
      consent_(config_.consent) {
  config_.batch_size = std::clamp<std::size_t>(config_.batch_size, 1, kMaxEventsPerBatch);
  if (config_.flush_interval.count() <= 0) config_.flush_interval = milliseconds(1);
  std::string endpoint = config_.endpoint;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  url_ = endpoint + "/api/v1/events";

  if (config_.transport) {
    transport_ = config_.transport;
  } else if (config_.test_mode) {
    Logger logger = config_.logger;
    transport_ = make_logging_transport([logger](std::string_view payload) {
      if (logger) logger(LogLevel::Info, payload);
      else std::fprintf(stderr, "[lumen test mode] %.*s\n", static_cast<int>(payload.size()), payload.data());
    });
  } else {
    transport_ = make_curl_transport();
  }
  if (!transport_) {
    // Built without libcurl and no transport given: keep events (they stay
    // in the outbox) and say why nothing is sent.
    struct Unavailable : Transport {
      HttpResponse send(const HttpRequest&) override {
        HttpResponse r;
        r.error = "no transport (built without libcurl)";
        return r;
      }
    };
    transport_ = std::make_shared<Unavailable>();
  }

  // The consent decision is read here (tiny file) so track() is right from
  // the first call; everything else touching storage happens on the worker.
  if (!config_.storage_path.empty()) {
    const std::string saved = read_small_file(std::filesystem::path(config_.storage_path) / "consent");
    if (saved == "granted") consent_ = Consent::Granted;
    if (saved == "denied") consent_ = Consent::Denied;
  }

  if (config_.capture_crashes) {
    std::string error;
    if (config_.storage_path.empty())
      log(LogLevel::Warn, "capture_crashes needs a storage_path; crashes are not recorded");
    else if (std::error_code ec; !std::filesystem::create_directories(config_.storage_path, ec) && ec)
      log(LogLevel::Warn, "cannot create the storage directory; crashes are not recorded");
    else if (!(crash_handlers_installed_ =
                   crash::install(config_.storage_path, config_.app_version, config_.context.app_build, &error)))
      log(LogLevel::Warn, "crashes are not recorded: " + error);
  }

  try {
    worker_ = std::thread([this] { run(); });
    accepting_ = true;
  } catch (...) {
    log(LogLevel::Error, "cannot start the worker thread; events will be dropped");
  }

  if (config_.track_lifecycle) {
    // The install marker is written now, not when the event is sent: a second start never
    // reports a second install, even if the first one could not send.
    if (!config_.storage_path.empty()) {
      const auto marker = std::filesystem::path(config_.storage_path) / "installed";
      std::error_code ec;
      if (!std::filesystem::exists(marker, ec) && !ec) {
        std::filesystem::create_directories(config_.storage_path, ec);
        if (write_file_atomically(marker, util::iso8601_utc(util::now_unix_ms()) + "\n"))
          track_app_event("$app_installed", {});
      }
    }
    track_app_event("$app_opened", {});
  }
}

bool Client::Impl::track_app_event(std::string_view name, Properties properties) {
  QueuedItem item;
  item.kind = QueuedItem::Kind::Track;
  item.name.assign(name);
  item.properties = std::move(properties);
  if (!config_.app_version.empty()) item.properties.emplace("app_version", config_.app_version);
  if (!config_.context.app_build.empty()) item.properties.emplace("app_build", config_.context.app_build);
  item.timestamp_ms = util::now_unix_ms();
  return enqueue(std::move(item));
}

bool Client::Impl::enqueue(QueuedItem&& item) {
  tracked_.fetch_add(1, std::memory_order_relaxed);
  if (!accepting_.load(std::memory_order_acquire) ||
      consent_.load(std::memory_order_relaxed) == Consent::Denied ||
      !queue_.try_push(std::move(item))) {
    count_dropped(1);
    return false;
  }
  return true;
}

void Client::Impl::set_consent(Consent c) {
  consent_.store(c, std::memory_order_relaxed);
  consent_set_explicitly_.store(true);
  queue_.wake();  // the worker persists the decision and applies it
}

bool Client::Impl::flush(milliseconds timeout) {
  std::uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(flush_mu_);
    generation = ++flush_requested_;
  }
  queue_.wake();
  if (timeout.count() <= 0) return false;
  std::unique_lock<std::mutex> lock(flush_mu_);
  if (!flush_cv_.wait_for(lock, timeout, [&] { return flush_completed_ >= generation; })) return false;
  return last_flush_delivered_all_;
}

bool Client::Impl::shutdown(milliseconds timeout) {
  std::lock_guard<std::mutex> lock(shutdown_mu_);
  if (shut_down_) return shutdown_result_;
  shut_down_ = true;
  if (config_.track_lifecycle) {
    try {
      const auto session = std::chrono::duration_cast<milliseconds>(Clock::now() - started_).count();
      track_app_event("$app_closed", {{"session_ms", static_cast<std::int64_t>(session)}});
    } catch (...) {
    }
  }
  accepting_ = false;
  queue_.close();
  if (worker_.joinable()) {
    const auto deadline = Clock::now() + std::max(timeout, milliseconds(0));
    shutdown_deadline_.store(deadline.time_since_epoch().count());
    stop_requested_.store(true);
    queue_.wake();
    worker_.join();
  }
  // After the worker stopped: a crash in the host's own exit path is still recorded until here.
  if (crash_handlers_installed_) crash::uninstall();
  const Stats s = stats();
  shutdown_result_ = s.persisted == 0 && s.queued == 0;
  return shutdown_result_;
}

Stats Client::Impl::stats() const {
  Stats s;
  s.tracked = tracked_.load(std::memory_order_relaxed);
  s.sent = sent_.load(std::memory_order_relaxed);
  s.duplicates = duplicates_.load(std::memory_order_relaxed);
  s.dropped = dropped_.load(std::memory_order_relaxed);
  s.evicted = evicted_.load(std::memory_order_relaxed);
  s.persisted = persisted_.load(std::memory_order_relaxed);
  s.queued = worker_queued_.load(std::memory_order_relaxed) + queue_.size();
  s.recovered = recovered_.load(std::memory_order_relaxed);
  s.retries = retries_.load(std::memory_order_relaxed);
  s.batches = batches_.load(std::memory_order_relaxed);
  return s;
}

void Client::Impl::log(LogLevel level, const std::string& message) const {
  if (!config_.logger) return;
  try {
    config_.logger(level, message);
  } catch (...) {
    // A throwing logger must not take the worker down.
  }
}

// ---------------------------------------------------------------- worker

void Client::Impl::start_worker_state() {
  namespace fs = std::filesystem;
  const auto opened = outbox_.open(config_.storage_path, config_.max_storage_bytes);
  if (!config_.storage_path.empty() && !opened.durable)
    log(LogLevel::Warn, "storage disabled, events kept in memory only: " + opened.error);
  if (opened.torn_tail) log(LogLevel::Warn, "outbox had a torn/corrupt tail record; it was skipped");
  recovered_ = opened.recovered + opened.evicted;
  evicted_ += opened.evicted;

  session_id_ = uuids_.next();
  anonymous_id_ = config_.anonymous_id;
  if (anonymous_id_.empty() && config_.persist_anonymous_id && !config_.storage_path.empty()) {
    const fs::path file = fs::path(config_.storage_path) / "anonymous_id";
    anonymous_id_ = read_small_file(file);
    if (anonymous_id_.empty()) {
      anonymous_id_ = uuids_.next();
      write_file_atomically(file, anonymous_id_ + "\n");
    }
  }
  context_json_ = build_context();
  last_interval_flush_ = Clock::now();
  update_gauges();
}

std::string Client::Impl::build_context() const {
  const ContextOptions& c = config_.context;
  std::string out = "{\"library\":{\"name\":";
  json::write_string(out, kLibraryName);
  out += ",\"version\":";
  json::write_string(out, kLibraryVersion);
  out += '}';
  // Writes "key":{...} with only the non-empty fields.
  auto section = [&out](const char* key, std::initializer_list<std::pair<const char*, std::string>> fields) {
    std::string body;
    for (const auto& [name, value] : fields) {
      if (value.empty()) continue;
      body += body.empty() ? "" : ",";
      json::write_string(body, name);
      body += ':';
      json::write_string(body, value);
    }
    if (body.empty()) return;
    out += ",\"";
    out += key;
    out += "\":{" + body + "}";
  };
  section("app", {{"name", c.app_name}, {"version", config_.app_version}, {"build", c.app_build}});
  if (c.include_os) {
    const auto os = platform::os_info();
    section("os", {{"name", os.name}, {"version", os.version}});
  }
  section("device", {{"type", c.device_type}, {"manufacturer", c.device_manufacturer}, {"model", c.device_model}});
  const std::string locale = c.include_locale ? platform::user_locale() : "";
  if (!locale.empty()) {
    out += ",\"locale\":";
    json::write_string(out, locale);
  }
  if (!c.timezone.empty()) {
    out += ",\"timezone\":";
    json::write_string(out, c.timezone);
  }
  out += '}';
  return out;
}

std::string Client::Impl::serialize(const QueuedItem& item, const std::string& event_id) {
  std::string properties;
  if (!item.properties.empty()) {
    json::write_object(properties, item.properties);
    if (properties.size() > kMaxPropertiesBytes) return std::string();
  }
  std::string out;
  out.reserve(160 + item.name.size() + properties.size() + context_json_.size());
  out += "{\"event_id\":\"";
  out += event_id.empty() ? uuids_.next() : event_id;
  out += "\",\"name\":";
  json::write_string(out, item.kind == QueuedItem::Kind::Identify ? std::string_view("$identify") : item.name);
  out += ",\"timestamp\":\"";
  out += util::iso8601_utc(item.timestamp_ms);
  out += '"';
  if (!user_id_.empty()) {
    out += ",\"user_id\":";
    json::write_string(out, user_id_);
  }
  if (!anonymous_id_.empty()) {
    out += ",\"anonymous_id\":";
    json::write_string(out, anonymous_id_);
  }
  out += ",\"session_id\":\"";
  out += session_id_;
  out += '"';
  if (!properties.empty()) {
    out += ",\"properties\":";
    out += properties;
  }
  out += ",\"context\":";
  out += context_json_;
  out += '}';
  return out;
}

void Client::Impl::apply_consent() {
  const bool explicit_change = consent_set_explicitly_.exchange(false);
  const Consent wanted = consent_.load(std::memory_order_relaxed);
  if (explicit_change && !config_.storage_path.empty()) {
    // Only explicit decisions are remembered; "pending" forgets the old one.
    const auto file = std::filesystem::path(config_.storage_path) / "consent";
    std::error_code ec;
    if (wanted == Consent::Pending) std::filesystem::remove(file, ec);
    else if (!write_file_atomically(file, std::string(consent_name(wanted)) + "\n"))
      log(LogLevel::Warn, "cannot persist the consent decision");
  }
  if (applied_consent_ == wanted) return;
  applied_consent_ = wanted;
  if (wanted != Consent::Pending) send_crash_records();
  if (wanted == Consent::Denied) {
    // Opt-out: nothing collected so far may leave the device, or stay on it.
    count_dropped(pending_consent_.size() + outbox_.size());
    pending_consent_.clear();
    outbox_.clear();
  } else if (wanted == Consent::Granted && !pending_consent_.empty()) {
    std::vector<std::string> events(std::make_move_iterator(pending_consent_.begin()),
                                    std::make_move_iterator(pending_consent_.end()));
    pending_consent_.clear();
    evicted_ += outbox_.append(std::move(events));
  }
  update_gauges();
  log(LogLevel::Debug, std::string("consent: ") + consent_name(wanted));
}

void Client::Impl::absorb(std::vector<QueuedItem>& items) {
  if (items.empty()) return;
  std::vector<std::string> ready;
  ready.reserve(items.size());
  for (QueuedItem& item : items) {
    if (item.kind == QueuedItem::Kind::Reset) {
      user_id_.clear();
      continue;
    }
    // Identify changes the user for this and every later event, in order.
    if (item.kind == QueuedItem::Kind::Identify) user_id_ = item.name;
    if (applied() == Consent::Denied) {
      count_dropped(1);
      continue;
    }
    std::string event = serialize(item);
    if (event.empty()) {
      count_dropped(1);
      log(LogLevel::Warn, "dropped event '" + item.name + "': properties exceed 32 KB");
      continue;
    }
    if (applied() == Consent::Pending) {
      if (pending_consent_.size() >= config_.queue_capacity) {
        count_dropped(1);
        continue;
      }
      pending_consent_.push_back(std::move(event));
    } else {
      ready.push_back(std::move(event));
    }
  }
  items.clear();
  evicted_ += outbox_.append(std::move(ready));
  update_gauges();
}

void Client::Impl::send_crash_records() {
  if (config_.storage_path.empty()) return;
  for (const std::string& path : crash::pending_records(config_.storage_path)) {
    std::string raw;
    {
      std::ifstream in(path, std::ios::binary);
      raw.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    const auto record = crash::parse(raw);
    std::error_code ec;
    if (!record || applied() == Consent::Denied) {
      std::filesystem::remove(path, ec);
      continue;
    }
    Properties props{{"kind", record->kind},
                     {"uptime_ms", record->uptime_ms},
                     {"frames", record->frames},
                     {"image_base", record->image_base},
                     {"complete", record->complete}};
    if (record->signal) {
      props.emplace("signal", record->signal);
      props.emplace("signal_name", crash::signal_name(record->signal));
    }
    if (!record->exception_type.empty()) props.emplace("exception_type", record->exception_type);
    if (!record->app_version.empty()) props.emplace("app_version", record->app_version);
    if (!record->app_build.empty()) props.emplace("app_build", record->app_build);
    QueuedItem item;
    item.name = "$crash";
    item.properties = std::move(props);
    item.timestamp_ms = record->time_ms > 0 ? record->time_ms : util::now_unix_ms();
    std::string event = serialize(item, crash::event_id_for(raw));
    if (event.empty()) continue;
    recovered_ += 1;
    evicted_ += outbox_.append({std::move(event)});
    // Only once the event is in the durable outbox: a crash in between resends the same event id.
    if (outbox_.durable()) std::filesystem::remove(path, ec);
  }
  update_gauges();
}

void Client::Impl::drain_queue_now() {
  std::vector<QueuedItem> items;
  queue_.drain(items);
  apply_consent();
  absorb(items);
}

void Client::Impl::update_gauges() {
  const std::size_t memory_only = pending_consent_.size() + (outbox_.durable() ? 0 : outbox_.size());
  worker_queued_.store(memory_only, std::memory_order_relaxed);
  persisted_.store(outbox_.durable() ? outbox_.size() : 0, std::memory_order_relaxed);
}

bool Client::Impl::send_one_batch(const Clock::time_point* deadline) {
  std::size_t limit = config_.batch_size;
  if (split_limit_ > 0) limit = std::min(limit, split_limit_);

  const auto now = Clock::now();
  milliseconds timeout = config_.request_timeout;
  if (deadline) {
    const auto left = std::chrono::duration_cast<milliseconds>(*deadline - now);
    if (left < kMinRequestTime) return false;
    timeout = std::min(timeout, left);
  }

  HttpRequest request;
  request.url = url_;
  request.timeout = timeout;
  request.headers = {{"Content-Type", "application/json"},
                     {"Authorization", "Bearer " + config_.write_key},
                     {"User-Agent", std::string(kLibraryName) + "/" + kLibraryVersion}};
  std::string& body = request.body;
  body = "{\"sent_at\":\"" + util::iso8601_utc(util::now_unix_ms()) + "\",\"events\":[";
  const std::size_t envelope = body.size() + 2;
  std::size_t count = 0;
  while (count < limit && count < outbox_.size()) {
    const std::string& event = outbox_.at(count);
    if (body.size() + event.size() + envelope > kMaxBodyBytes) break;
    if (count > 0) body += ',';
    body += event;
    ++count;
  }
  if (count == 0) {  // a single event larger than a whole request: never sendable
    count_dropped(1);
    outbox_.pop_front(1);
    log(LogLevel::Warn, "dropped an event larger than the maximum request size");
    return true;
  }
  body += "]}";

  HttpResponse response;
  try {
    response = transport_->send(request);
  } catch (const std::exception& e) {
    response.status = 0;
    response.error = e.what();
  } catch (...) {
    response.status = 0;
    response.error = "transport threw";
  }

  switch (retry::classify(response.status)) {
    case retry::Outcome::Delivered: {
      std::size_t rejected = 0, duplicates = 0;
      if (auto parsed = json::parse(response.body)) {
        if (const json::Node* list = parsed->get("rejected"); list && list->is_array()) {
          for (const json::Node& r : list->array) {
            const json::Node* index = r.get("index");
            if (index && index->is_number() && index->number >= 0 && index->number < static_cast<double>(count)) {
              ++rejected;
              const json::Node* message = r.get("message");
              log(LogLevel::Warn, "server rejected an event: " +
                                      (message && message->is_string() ? message->string : std::string("?")));
            }
          }
        }
        if (const json::Node* d = parsed->get("duplicates"); d && d->is_number() && d->number > 0)
          duplicates = std::min(static_cast<std::size_t>(d->number), count - rejected);
      }
      sent_ += count - rejected;
      duplicates_ += duplicates;
      count_dropped(rejected);
      batches_ += 1;
      consecutive_failures_ = 0;
      outbox_.pop_front(count);
      if (outbox_.empty()) split_limit_ = 0;
      break;
    }
    case retry::Outcome::Split:
      if (count == 1) {
        count_dropped(1);
        outbox_.pop_front(1);
        log(LogLevel::Warn, "dropped an event the server says is too large (413)");
      } else {
        split_limit_ = count / 2;  // and retry right away with the first half
      }
      break;
    case retry::Outcome::Drop:
      count_dropped(count);
      outbox_.pop_front(count);
      consecutive_failures_ = 0;
      log(LogLevel::Error, "server refused a batch with HTTP " + std::to_string(response.status) +
                               "; " + std::to_string(count) + " events dropped: " + response.body.substr(0, 300));
      break;
    case retry::Outcome::Retry: {
      ++consecutive_failures_;
      retries_ += 1;
      if (config_.retry.max_attempts > 0 && consecutive_failures_ >= config_.retry.max_attempts) {
        count_dropped(count);
        outbox_.pop_front(count);
        consecutive_failures_ = 0;
        log(LogLevel::Error, "batch dropped after " + std::to_string(config_.retry.max_attempts) + " attempts");
        break;
      }
      std::uniform_real_distribution<double> uniform(0.0, 1.0);
      // Floor: a "Retry-After: 0" or zero backoff must not become a busy loop.
      const milliseconds delay =
          std::max(kMinRetryDelay, retry::next_delay(config_.retry, consecutive_failures_, response.status,
                                                     response.header("retry-after"), uniform(jitter_rng_)));
      retry_at_ = Clock::now() + delay;
      catch_up_ = true;
      log(LogLevel::Info, "delivery failed (" +
                              (response.status ? "HTTP " + std::to_string(response.status) : response.error) +
                              "), retrying in " + std::to_string(delay.count()) + " ms");
      update_gauges();
      return false;
    }
  }
  update_gauges();
  return true;
}

void Client::Impl::deliver(bool force, const Clock::time_point* deadline) {
  bool interval_due = false;
  while (applied() == Consent::Granted && !outbox_.empty()) {
    const auto now = Clock::now();
    if (now < retry_at_) break;
    interval_due = interval_due || now - last_interval_flush_ >= config_.flush_interval;
    if (!force && !interval_due && !catch_up_ && outbox_.size() < config_.batch_size) break;
    if (!send_one_batch(deadline)) break;
    // Keep the memory queue moving while a backlog is being sent.
    drain_queue_now();
  }
  if (outbox_.empty()) catch_up_ = false;
  if (interval_due || outbox_.empty()) last_interval_flush_ = Clock::now();
}

void Client::Impl::finish_flushes(bool delivered_all) {
  {
    std::lock_guard<std::mutex> lock(flush_mu_);
    flush_completed_ = flush_requested_;
    last_flush_delivered_all_ = delivered_all;
  }
  flush_cv_.notify_all();
}

void Client::Impl::run() {
  try {
    start_worker_state();
  } catch (const std::exception& e) {
    log(LogLevel::Error, std::string("worker start-up failed: ") + e.what());
  }
  try {
    apply_consent();
  } catch (...) {
  }

  std::vector<QueuedItem> items;
  while (!stop_requested_.load()) {
    try {
      // Sleep until a batch is due, the next retry, or the idle cap.
      auto wake_at = Clock::now() + std::min<milliseconds>(config_.flush_interval, kMaxIdleWait);
      if (!outbox_.empty() && applied() == Consent::Granted) {
        auto due = outbox_.size() >= config_.batch_size || catch_up_
                       ? Clock::now()
                       : last_interval_flush_ + config_.flush_interval;
        wake_at = std::min(wake_at, std::max(due, retry_at_));
      }
      queue_.wait_and_drain(items, wake_at);
      apply_consent();
      absorb(items);
      if (stop_requested_.load()) break;

      std::uint64_t flush_generation;
      {
        std::lock_guard<std::mutex> lock(flush_mu_);
        flush_generation = flush_requested_;
      }
      const bool flush_requested = flush_generation > flush_completed_;
      deliver(flush_requested, nullptr);
      if (flush_requested) finish_flushes(outbox_.empty() && pending_consent_.empty());
    } catch (const std::exception& e) {
      log(LogLevel::Error, std::string("worker error: ") + e.what());
      std::this_thread::sleep_for(milliseconds(100));  // don't spin on a persistent error
    }
  }

  // Shutdown: first make everything durable, then send until the deadline.
  try {
    const Clock::time_point deadline{Clock::duration(shutdown_deadline_.load())};
    drain_queue_now();
    outbox_.sync();
    while (applied() == Consent::Granted && !outbox_.empty()) {
      deliver(true, &deadline);
      const auto now = Clock::now();
      if (outbox_.empty() || now + kMinRequestTime >= deadline) break;
      if (retry_at_ > now) {
        if (retry_at_ + kMinRequestTime >= deadline) break;  // next attempt would be too late
        std::this_thread::sleep_until(retry_at_);
      }
    }
    update_gauges();  // before close(): persisted counts what stays on disk
    outbox_.close();
    if (outbox_.size() > 0)
      log(LogLevel::Info, std::to_string(outbox_.size()) + " undelivered events left for the next start");
  } catch (const std::exception& e) {
    log(LogLevel::Error, std::string("shutdown error: ") + e.what());
  }
  finish_flushes(outbox_.empty() && pending_consent_.empty());
}

// ---------------------------------------------------------------- Client

Client::Client(Config config) : impl_(std::make_shared<Impl>(std::move(config))) {}
Client::~Client() = default;

bool Client::track(std::string_view name, Properties properties) {
  try {
    if (name.empty() || name.size() > 4 * kMaxNameLength || json::utf8_length(name) > kMaxNameLength) {
      impl_->reject();
      return false;
    }
    QueuedItem item;
    item.kind = QueuedItem::Kind::Track;
    item.name.assign(name);
    item.properties = std::move(properties);
    item.timestamp_ms = util::now_unix_ms();
    return impl_->enqueue(std::move(item));
  } catch (...) {
    return false;  // allocation failure: drop, never throw into the host
  }
}

bool Client::identify(std::string_view user_id, Properties traits) {
  try {
    if (user_id.empty()) {
      impl_->reject();
      return false;
    }
    QueuedItem item;
    item.kind = QueuedItem::Kind::Identify;
    item.name.assign(user_id);
    item.properties = std::move(traits);
    item.timestamp_ms = util::now_unix_ms();
    return impl_->enqueue(std::move(item));
  } catch (...) {
    return false;
  }
}

void Client::reset() {
  try {
    QueuedItem item;
    item.kind = QueuedItem::Kind::Reset;
    impl_->enqueue(std::move(item));
  } catch (...) {
  }
}

bool Client::screen(std::string_view name, Properties properties) {
  try {
    if (name.empty()) {
      impl_->reject();
      return false;
    }
    properties.insert_or_assign("screen_name", std::string(name));
    return impl_->track_app_event("$screen", std::move(properties));
  } catch (...) {
    return false;
  }
}
bool Client::foreground() {
  try {
    return impl_->track_app_event("$app_foreground", {});
  } catch (...) {
    return false;
  }
}
bool Client::background() {
  try {
    return impl_->track_app_event("$app_background", {});
  } catch (...) {
    return false;
  }
}

void Client::set_consent(Consent consent) { impl_->set_consent(consent); }
Consent Client::consent() const { return impl_->consent(); }
bool Client::flush(std::chrono::milliseconds timeout) { return impl_->flush(timeout); }
bool Client::shutdown(std::chrono::milliseconds timeout) { return impl_->shutdown(timeout); }
Stats Client::stats() const { return impl_->stats(); }

// ---------------------------------------------------------------- static API

namespace {
std::mutex g_client_mu;
std::shared_ptr<Client> g_client;

std::shared_ptr<Client> current() {
  std::lock_guard<std::mutex> lock(g_client_mu);
  return g_client;
}
}  // namespace

bool init(Config config) {
  std::shared_ptr<Client> previous;
  try {
    auto client = std::make_shared<Client>(std::move(config));
    std::lock_guard<std::mutex> lock(g_client_mu);
    previous = std::move(g_client);
    g_client = std::move(client);
  } catch (...) {
    return false;
  }
  if (previous) previous->shutdown(milliseconds(1000));
  return true;
}

bool track(std::string_view name, Properties properties) {
  auto c = current();
  return c && c->track(name, std::move(properties));
}
bool identify(std::string_view user_id, Properties traits) {
  auto c = current();
  return c && c->identify(user_id, std::move(traits));
}
void reset() {
  if (auto c = current()) c->reset();
}
bool screen(std::string_view name, Properties properties) {
  auto c = current();
  return c && c->screen(name, std::move(properties));
}
bool foreground() {
  auto c = current();
  return c && c->foreground();
}
bool background() {
  auto c = current();
  return c && c->background();
}
void set_consent(Consent consent) {
  if (auto c = current()) c->set_consent(consent);
}
bool flush(milliseconds timeout) {
  auto c = current();
  return c && c->flush(timeout);
}
bool shutdown(milliseconds timeout) {
  std::shared_ptr<Client> c;
  {
    std::lock_guard<std::mutex> lock(g_client_mu);
    c = std::move(g_client);
  }
  return c && c->shutdown(timeout);
}
Stats stats() {
  auto c = current();
  return c ? c->stats() : Stats{};
}

std::string default_storage_path(std::string_view app_name) {
  try {
    return platform::default_storage_path(std::string(app_name));
  } catch (...) {
    return "";
  }
}

}  // namespace lumen
