// lumen_integration_client: sends N events through the real libcurl
// transport, then shutdown(timeout), and prints its counters as one JSON
// line on stdout. Driven by the server's end-to-end tests.
//
// Every option can also come from the environment (flag wins):
//   --endpoint URL            LUMEN_ENDPOINT            (required)
//   --write-key KEY           LUMEN_WRITE_KEY           (required)
//   --storage DIR             LUMEN_STORAGE_PATH        (default: memory only)
//   --events N                LUMEN_EVENTS              (default 100; 0 = only deliver the backlog)
//   --run-id ID               LUMEN_RUN_ID              (default: random UUID)
//   --event-name NAME         LUMEN_EVENT_NAME          (default "integration_event")
//   --start-index I           LUMEN_START_INDEX         (default 0)
//   --delay-ms MS             LUMEN_EVENT_DELAY_MS      (pause between events, default 0)
//   --batch-size N            LUMEN_BATCH_SIZE          (default 20)
//   --flush-interval-ms MS    LUMEN_FLUSH_INTERVAL_MS   (default 200)
//   --retry-initial-ms MS     LUMEN_RETRY_INITIAL_MS    (default 200)
//   --retry-max-ms MS         LUMEN_RETRY_MAX_MS        (default 2000)
//   --request-timeout-ms MS   LUMEN_REQUEST_TIMEOUT_MS  (default 5000)
//   --shutdown-timeout-ms MS  LUMEN_SHUTDOWN_TIMEOUT_MS (default 5000)
//   --verbose                 LUMEN_VERBOSE=1           (SDK logs on stderr)
//   --lifecycle 0|1           LUMEN_LIFECYCLE           (app lifecycle events: installed, opened,
//                                                        a "$screen" named "Main", closed; default 0)
//   --app-build B             LUMEN_APP_BUILD           (context.app.build, default "")
//   --crash KIND              LUMEN_CRASH               (segv|abort|exception: with crash capture on,
//                                                        crash after tracking; needs --storage)
// Event i (0-based) is named NAME with properties
//   {"run_id": ID, "index": start_index + i, "total": N}.
// Exit status: 0 after a normal run (even if events were left persisted for
// the next run), 2 on bad usage.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include "lumen/lumen.hpp"

namespace {

struct Option {
  const char* flag;
  const char* env;
  std::string fallback;
};

const Option kOptions[] = {
    {"--endpoint", "LUMEN_ENDPOINT", ""},
    {"--write-key", "LUMEN_WRITE_KEY", ""},
    {"--storage", "LUMEN_STORAGE_PATH", ""},
    {"--events", "LUMEN_EVENTS", "100"},
    {"--run-id", "LUMEN_RUN_ID", ""},
    {"--event-name", "LUMEN_EVENT_NAME", "integration_event"},
    {"--start-index", "LUMEN_START_INDEX", "0"},
    {"--delay-ms", "LUMEN_EVENT_DELAY_MS", "0"},
    {"--batch-size", "LUMEN_BATCH_SIZE", "20"},
    {"--flush-interval-ms", "LUMEN_FLUSH_INTERVAL_MS", "200"},
    {"--retry-initial-ms", "LUMEN_RETRY_INITIAL_MS", "200"},
    {"--retry-max-ms", "LUMEN_RETRY_MAX_MS", "2000"},
    {"--request-timeout-ms", "LUMEN_REQUEST_TIMEOUT_MS", "5000"},
    {"--shutdown-timeout-ms", "LUMEN_SHUTDOWN_TIMEOUT_MS", "5000"},
    {"--verbose", "LUMEN_VERBOSE", ""},
    {"--lifecycle", "LUMEN_LIFECYCLE", "0"},
    {"--app-build", "LUMEN_APP_BUILD", ""},
    {"--crash", "LUMEN_CRASH", ""},
};

int usage(const std::string& problem) {
  std::fprintf(stderr, "lumen_integration_client: %s\nusage: lumen_integration_client", problem.c_str());
  for (const auto& o : kOptions) std::fprintf(stderr, " [%s%s]", o.flag, std::string(o.flag) == "--verbose" ? "" : " V");
  std::fprintf(stderr, "\n(each option may also be set with its LUMEN_* environment variable)\n");
  return 2;
}

bool parse_int(const std::string& text, long long& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtoll(text.c_str(), &end, 10);
  return end && *end == '\0' && out >= 0;
}

// JSON string contents (run ids come from the command line).
std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out;
}

std::string random_id() {
  std::random_device rd;
  char buf[40];
  std::snprintf(buf, sizeof buf, "run-%08x%08x", rd(), rd());
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> values;
  for (const auto& o : kOptions) {
    const char* env = std::getenv(o.env);
    values[o.flag] = env && *env ? env : o.fallback;
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return usage("help"), 0;
    if (arg == "--verbose") {
      values[arg] = "1";
      continue;
    }
    std::string value;
    const auto eq = arg.find('=');
    if (eq != std::string::npos) {  // --flag=value
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return usage("missing value for " + arg);
    }
    if (!values.count(arg)) return usage("unknown option " + arg);
    values[arg] = value;
  }

  const std::string numeric[] = {"--events", "--start-index", "--delay-ms", "--batch-size", "--flush-interval-ms",
                                 "--retry-initial-ms", "--retry-max-ms", "--request-timeout-ms",
                                 "--shutdown-timeout-ms", "--lifecycle"};
  std::map<std::string, long long> n;
  for (const auto& key : numeric)
    if (!parse_int(values[key], n[key])) return usage("not a non-negative integer: " + key + " " + values[key]);
  if (values["--endpoint"].empty()) return usage("--endpoint (or LUMEN_ENDPOINT) is required");
  if (values["--write-key"].empty()) return usage("--write-key (or LUMEN_WRITE_KEY) is required");
  const std::string run_id = values["--run-id"].empty() ? random_id() : values["--run-id"];
  const std::string crash = values["--crash"];
  if (!crash.empty() && crash != "segv" && crash != "abort" && crash != "exception")
    return usage("--crash must be segv, abort or exception");
  const bool verbose = !values["--verbose"].empty() && values["--verbose"] != "0";

  using std::chrono::milliseconds;
  lumen::Config cfg;
  cfg.endpoint = values["--endpoint"];
  cfg.write_key = values["--write-key"];
  cfg.storage_path = values["--storage"];
  cfg.app_version = lumen::kLibraryVersion;
  cfg.context.app_name = "lumen_integration_client";
  cfg.context.device_type = "desktop";
  cfg.context.app_build = values["--app-build"];
  cfg.track_lifecycle = n["--lifecycle"] != 0;
  // Always on with a storage path: a run after a crashing one sends the crash.
  cfg.capture_crashes = !cfg.storage_path.empty();
  cfg.batch_size = static_cast<std::size_t>(n["--batch-size"]);
  cfg.flush_interval = milliseconds(n["--flush-interval-ms"]);
  cfg.queue_capacity = static_cast<std::size_t>(std::max(10000LL, n["--events"] + 1));
  cfg.retry.initial_backoff = milliseconds(n["--retry-initial-ms"]);
  cfg.retry.max_backoff = milliseconds(n["--retry-max-ms"]);
  cfg.request_timeout = milliseconds(n["--request-timeout-ms"]);
  if (verbose) {
    cfg.logger = [](lumen::LogLevel level, std::string_view message) {
      static const char* names[] = {"debug", "info", "warn", "error"};
      std::fprintf(stderr, "[lumen %s] %.*s\n", names[static_cast<int>(level)], static_cast<int>(message.size()),
                   message.data());
    };
  }

  lumen::Client client(cfg);
  const long long total = n["--events"];
  for (long long i = 0; i < total; ++i) {
    client.track(values["--event-name"],
                 {{"run_id", run_id}, {"index", n["--start-index"] + i}, {"total", total}});
    if (n["--delay-ms"] > 0) std::this_thread::sleep_for(milliseconds(n["--delay-ms"]));
  }
  if (cfg.track_lifecycle) client.screen("Main", {{"run_id", run_id}});
  if (!crash.empty()) {
    client.flush(milliseconds(n["--shutdown-timeout-ms"]));  // what was tracked before the crash arrives
    if (crash == "segv") std::raise(SIGSEGV);
    if (crash == "abort") std::abort();
    throw std::runtime_error("deliberate crash");
  }
  const bool delivered_all = client.shutdown(milliseconds(n["--shutdown-timeout-ms"]));

  const lumen::Stats s = client.stats();
  std::printf(
      "{\"run_id\":\"%s\",\"tracked\":%llu,\"sent\":%llu,\"duplicates\":%llu,\"dropped\":%llu,"
      "\"evicted\":%llu,\"persisted\":%llu,\"queued\":%llu,\"recovered\":%llu,\"retries\":%llu,"
      "\"batches\":%llu,\"delivered_all\":%s}\n",
      escape(run_id).c_str(), static_cast<unsigned long long>(s.tracked), static_cast<unsigned long long>(s.sent),
      static_cast<unsigned long long>(s.duplicates), static_cast<unsigned long long>(s.dropped),
      static_cast<unsigned long long>(s.evicted), static_cast<unsigned long long>(s.persisted),
      static_cast<unsigned long long>(s.queued), static_cast<unsigned long long>(s.recovered),
      static_cast<unsigned long long>(s.retries), static_cast<unsigned long long>(s.batches),
      delivered_all ? "true" : "false");
  std::fflush(stdout);
  return 0;
}
