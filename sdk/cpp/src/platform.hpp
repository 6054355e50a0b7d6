// OS-specific bits, kept in one place: file sync/locking, OS description,
// per-user data directories. Internal to the SDK.
#pragma once

#include <cstdio>
#include <string>

namespace lumen::platform {

// Flushes stdio buffers and asks the OS to persist the file (fsync/_commit).
bool sync_file(std::FILE* f);

// Exclusive advisory lock on a file, held for the object's lifetime, so two
// processes (or clients) never append to the same outbox.
class FileLock {
 public:
  FileLock() = default;
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool acquire(const std::string& path);  // non-blocking; false if held elsewhere
  void release();

 private:
#ifdef _WIN32
  void* handle_ = nullptr;
#else
  int fd_ = -1;
#endif
};

struct OsInfo {
  std::string name;     // "Linux", "macOS", "Windows"
  std::string version;  // kernel release / product version
};
OsInfo os_info();

// Locale in BCP-47 form ("en-US") from the environment, or "".
std::string user_locale();

std::string env(const char* name);  // "" if unset
std::string default_storage_path(const std::string& app_name);

}  // namespace lumen::platform
