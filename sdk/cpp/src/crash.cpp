#include "crash.hpp"

#if defined(__unix__) || defined(__APPLE__)
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if defined(__GLIBCXX__) || defined(_LIBCPPABI_VERSION)
#include <cxxabi.h>
#endif
#if defined(__linux__)
#include <link.h>
#endif
#define LUMEN_CRASH_POSIX 1
#endif

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>

#include "sha256.hpp"

namespace lumen::crash {

const char* signal_name(int signal) {
  switch (signal) {
#ifdef LUMEN_CRASH_POSIX
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
#endif
    default: return "";
  }
}

#ifdef LUMEN_CRASH_POSIX
namespace {

constexpr int kSignals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
constexpr int kMaxFrames = 64;
constexpr std::size_t kAltStackSize = 64 * 1024;

// Everything the handlers touch is prepared by install(): no allocation, locks or stdio at crash time.
std::atomic<int> g_fd{-1};
std::atomic<bool> g_recorded{false};
char g_header[768];
std::size_t g_header_length = 0;
timespec g_started{};
struct sigaction g_previous[sizeof kSignals / sizeof kSignals[0]];
std::terminate_handler g_previous_terminate = nullptr;
std::mutex g_install_mu;
bool g_installed = false;
void* g_alt_stack = nullptr;

// A fixed buffer with async-signal-safe formatting.
struct Writer {
  char buffer[4096];
  std::size_t length = 0;

  void bytes(const char* p, std::size_t n) {
    n = std::min(n, sizeof buffer - length);
    std::memcpy(buffer + length, p, n);
    length += n;
  }
  void text(const char* s) { bytes(s, std::strlen(s)); }
  void decimal(std::int64_t v) {
    char digits[24];
    int n = 0;
    const bool negative = v < 0;
    std::uint64_t u = negative ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    do {
      digits[n++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u);
    if (negative) digits[n++] = '-';
    while (n) bytes(&digits[--n], 1);
  }
  void hex(std::uintptr_t v) {
    char digits[2 + 2 * sizeof v];
    int n = 0;
    do {
      digits[n++] = "0123456789abcdef"[v & 15];
      v >>= 4;
    } while (v);
    text("0x");
    while (n) bytes(&digits[--n], 1);
  }
  // Untrusted text on one line: printable ASCII only, capped.
  void line_safe(const char* s, std::size_t max) {
    for (std::size_t i = 0; s[i] && i < max; ++i) {
      const char c = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
      bytes(&c, 1);
    }
  }
};

std::int64_t elapsed_ms(const timespec& from, const timespec& to) {
  return (to.tv_sec - from.tv_sec) * 1000 + (to.tv_nsec - from.tv_nsec) / 1'000'000;
}

void record(const char* kind, int signal, const char* exception_type) {
  if (g_recorded.exchange(true)) return;  // the abort() after a terminate is the same crash
  const int fd = g_fd.load();
  if (fd < 0) return;
  void* frames[kMaxFrames];
  const int count = backtrace(frames, kMaxFrames);
  timespec now_mono{}, now_real{};
  clock_gettime(CLOCK_MONOTONIC, &now_mono);
  clock_gettime(CLOCK_REALTIME, &now_real);

  Writer w;
  w.bytes(g_header, g_header_length);
  w.text("kind=");
  w.text(kind);
  w.text("\nsignal=");
  w.decimal(signal);
  if (exception_type) {
    w.text("\nexception=");
    w.line_safe(exception_type, 200);
  }
  w.text("\ntime_ms=");
  w.decimal(static_cast<std::int64_t>(now_real.tv_sec) * 1000 + now_real.tv_nsec / 1'000'000);
  w.text("\nuptime_ms=");
  w.decimal(elapsed_ms(g_started, now_mono));
  w.text("\nframes=");
  for (int i = 0; i < count; ++i) {
    if (i) w.text(" ");
    w.hex(reinterpret_cast<std::uintptr_t>(frames[i]));
  }
  w.text("\nend\n");
  std::size_t written = 0;
  while (written < w.length) {
    const ssize_t n = ::write(fd, w.buffer + written, w.length - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::fsync(fd);
}

void on_signal(int signal, siginfo_t*, void*) {
  const int saved_errno = errno;
  record("signal", signal, nullptr);
  // Re-raise with the default action (core dump / termination as if we were not there). The
  // signal stays blocked until this handler returns, then the default action runs.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  sigaction(signal, &default_action, nullptr);
  errno = saved_errno;
  raise(signal);
}

[[noreturn]] void on_terminate() {
  const char* type = nullptr;
#if defined(__GLIBCXX__) || defined(_LIBCPPABI_VERSION)
  if (const std::type_info* t = abi::__cxa_current_exception_type()) type = t->name();
#endif
  record("exception", 0, type);
  // The previous handler (libstdc++'s prints the exception) ends with abort(); our SIGABRT
  // handler then only re-raises, as the crash is already recorded.
  if (g_previous_terminate) g_previous_terminate();
  std::abort();
}

#if defined(__linux__)
int first_image(dl_phdr_info* info, std::size_t, void* out) {
  *static_cast<std::uintptr_t*>(out) = static_cast<std::uintptr_t>(info->dlpi_addr);
  return 1;  // the first entry is the executable
}
#endif

void append_field(std::string& header, const char* key, std::string_view value) {
  header += key;
  for (const char c : value.substr(0, 64)) header += c >= 0x20 && c < 0x7f ? c : '?';
  header += '\n';
}

}  // namespace

bool install(const std::string& dir, std::string_view app_version, std::string_view app_build, std::string* error) {
  namespace fs = std::filesystem;
  std::lock_guard<std::mutex> lock(g_install_mu);
  if (g_installed) {
    if (error) *error = "crash handlers are already installed by another client";
    return false;
  }
  std::error_code ec;
  const fs::path log = fs::path(dir) / "crash.log";
  if (fs::file_size(log, ec) > 0 && !ec) {
    std::random_device rd;
    const std::string name = "crash-" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                           std::chrono::system_clock::now().time_since_epoch())
                                                           .count()) +
                             "-" + std::to_string(rd()) + ".pending";
    fs::rename(log, fs::path(dir) / name, ec);
    if (ec) {
      if (error) *error = "cannot set the previous crash record aside: " + ec.message();
      return false;
    }
  }
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (error) *error = std::string("cannot open crash.log: ") + std::strerror(errno);
    return false;
  }

  std::string header = "LUMENCRASH 1\n";
  append_field(header, "app_version=", app_version);
  append_field(header, "app_build=", app_build);
  std::uintptr_t base = 0;
#if defined(__linux__)
  dl_iterate_phdr(first_image, &base);
#endif
  std::ostringstream hex;
  hex << "image_base=0x" << std::hex << base << '\n';
  header += hex.str();
  g_header_length = std::min(header.size(), sizeof g_header);
  std::memcpy(g_header, header.data(), g_header_length);
  clock_gettime(CLOCK_MONOTONIC, &g_started);

  // backtrace() loads libgcc's unwinder on first use (dlopen, malloc): do it now, not in a handler.
  void* warm[4];
  backtrace(warm, 4);

  // An alternate stack for this thread, so a stack overflow can still be recorded.
  stack_t current{};
  if (sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE)) {
    g_alt_stack = std::malloc(kAltStackSize);
    if (g_alt_stack) {
      stack_t alt{};
      alt.ss_sp = g_alt_stack;
      alt.ss_size = kAltStackSize;
      if (sigaltstack(&alt, nullptr) != 0) {
        std::free(g_alt_stack);
        g_alt_stack = nullptr;
      }
    }
  }

  g_recorded = false;
  g_fd = fd;
  for (std::size_t i = 0; i < std::size(kSignals); ++i) {
    struct sigaction action {};
    action.sa_sigaction = on_signal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(kSignals[i], &action, &g_previous[i]);
  }
  g_previous_terminate = std::set_terminate(on_terminate);
  g_installed = true;
  return true;
}

void uninstall() {
  std::lock_guard<std::mutex> lock(g_install_mu);
  if (!g_installed) return;
  for (std::size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &g_previous[i], nullptr);
  std::set_terminate(g_previous_terminate);
  g_previous_terminate = nullptr;
  const int fd = g_fd.exchange(-1);
  if (fd >= 0) ::close(fd);
  // The alternate stack stays: another handler may have been told to use it (SA_ONSTACK).
  g_installed = false;
}
#else
bool install(const std::string&, std::string_view, std::string_view, std::string* error) {
  if (error) *error = "crash capture is implemented for Linux and macOS only";
  return false;
}
void uninstall() {}
#endif

std::optional<Record> parse(std::string_view text) {
  if (text.rfind("LUMENCRASH 1\n", 0) != 0) return std::nullopt;
  Record r;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) break;  // a line cut by the crash: ignored
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line == "end") {
      r.complete = true;
      break;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    auto number = [&value] {
      std::int64_t n = 0;
      for (const char c : value)
        if (c >= '0' && c <= '9') n = n * 10 + (c - '0');
      return n;
    };
    if (key == "app_version") r.app_version = value;
    else if (key == "app_build") r.app_build = value;
    else if (key == "image_base") r.image_base = value;
    else if (key == "kind") r.kind = value;
    else if (key == "signal") r.signal = static_cast<int>(number());
    else if (key == "exception") r.exception_type = value;
    else if (key == "time_ms") r.time_ms = number();
    else if (key == "uptime_ms") r.uptime_ms = number();
    else if (key == "frames") r.frames = value;
  }
  if (r.kind.empty()) return std::nullopt;
  return r;
}

std::vector<std::string> pending_records(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("crash-", 0) == 0 && it->path().extension() == ".pending") out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string event_id_for(std::string_view record) {
  crypto::Digest d = crypto::sha256(record);
  d[6] = static_cast<std::uint8_t>((d[6] & 0x0f) | 0x80);  // version 8
  d[8] = static_cast<std::uint8_t>((d[8] & 0x3f) | 0x80);  // RFC 9562 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[d[i] >> 4];
    out += kHex[d[i] & 15];
  }
  return out;
}

}  // namespace lumen::crash
