#include "platform.hpp"

#include <cstdlib>
#include <filesystem>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <io.h>
#else
#include <fcntl.h>
#include <sys/file.h>
#include <sys/utsname.h>
#include <unistd.h>
#endif
#ifdef __APPLE__
#include <sys/sysctl.h>
#endif

namespace lumen::platform {

bool sync_file(std::FILE* f) {
  if (!f || std::fflush(f) != 0) return false;
#ifdef _WIN32
  return _commit(_fileno(f)) == 0;
#elif defined(__APPLE__)
  // fsync on macOS does not flush the drive cache; F_FULLFSYNC does.
  return fcntl(fileno(f), F_FULLFSYNC) == 0 || fsync(fileno(f)) == 0;
#else
  return fsync(fileno(f)) == 0;
#endif
}

FileLock::~FileLock() { release(); }

bool FileLock::acquire(const std::string& path) {
  release();
#ifdef _WIN32
  std::wstring wpath = std::filesystem::path(path).wstring();
  // No sharing: a second opener fails until we close the handle.
  HANDLE h = CreateFileW(wpath.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_ALWAYS,
                         FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) return false;
  handle_ = h;
  return true;
#else
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  fd_ = fd;
  return true;
#endif
}

void FileLock::release() {
#ifdef _WIN32
  if (handle_) CloseHandle(static_cast<HANDLE>(handle_));
  handle_ = nullptr;
#else
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
  fd_ = -1;
#endif
}

std::string env(const char* name) {
#ifdef _WIN32
  char* value = nullptr;
  std::size_t len = 0;
  if (_dupenv_s(&value, &len, name) != 0 || !value) return "";
  std::string out(value);
  std::free(value);
  return out;
#else
  const char* value = std::getenv(name);
  return value ? value : "";
#endif
}

OsInfo os_info() {
  OsInfo info;
#ifdef _WIN32
  info.name = "Windows";
  // GetVersionEx lies on modern Windows; RtlGetVersion does not.
  using RtlGetVersionFn = LONG(WINAPI*)(PRTL_OSVERSIONINFOW);
  if (HMODULE ntdll = GetModuleHandleW(L"ntdll.dll")) {
    auto fn = reinterpret_cast<RtlGetVersionFn>(
        reinterpret_cast<void*>(GetProcAddress(ntdll, "RtlGetVersion")));
    RTL_OSVERSIONINFOW v{};
    v.dwOSVersionInfoSize = sizeof v;
    if (fn && fn(&v) == 0)
      info.version = std::to_string(v.dwMajorVersion) + "." + std::to_string(v.dwMinorVersion) +
                     "." + std::to_string(v.dwBuildNumber);
  }
#elif defined(__APPLE__)
  info.name = "macOS";
  char buf[64];
  std::size_t size = sizeof buf;
  if (sysctlbyname("kern.osproductversion", buf, &size, nullptr, 0) == 0)
    info.version.assign(buf, size > 0 && buf[size - 1] == '\0' ? size - 1 : size);
#else
  struct utsname u;
  if (uname(&u) == 0) {
    info.name = u.sysname;  // "Linux", "FreeBSD", ...
    info.version = u.release;
  } else {
    info.name = "Linux";
  }
#endif
  return info;
}

std::string user_locale() {
#ifdef _WIN32
  wchar_t buf[LOCALE_NAME_MAX_LENGTH];
  int n = GetUserDefaultLocaleName(buf, LOCALE_NAME_MAX_LENGTH);
  if (n <= 1) return "";
  std::string out;
  for (int i = 0; i < n - 1; ++i) out += static_cast<char>(buf[i] < 128 ? buf[i] : '?');
  return out;
#else
  // POSIX: LC_ALL > LC_MESSAGES > LANG, e.g. "fr_FR.UTF-8" -> "fr-FR".
  std::string value;
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    value = env(name);
    if (!value.empty()) break;
  }
  value = value.substr(0, value.find_first_of(".@"));
  if (value.empty() || value == "C" || value == "POSIX") return "";
  for (char& c : value)
    if (c == '_') c = '-';
  return value;
#endif
}

std::string default_storage_path(const std::string& app_name) {
  namespace fs = std::filesystem;
  fs::path base;
#ifdef _WIN32
  std::string local = env("LOCALAPPDATA");
  if (local.empty()) return "";
  base = fs::path(local);
#elif defined(__APPLE__)
  std::string home = env("HOME");
  if (home.empty()) return "";
  base = fs::path(home) / "Library" / "Application Support";
#else
  std::string xdg = env("XDG_DATA_HOME");
  if (!xdg.empty()) {
    base = fs::path(xdg);
  } else {
    std::string home = env("HOME");
    if (home.empty()) return "";
    base = fs::path(home) / ".local" / "share";
  }
#endif
  return (base / "lumen" / (app_name.empty() ? std::string("default") : app_name)).string();
}

}  // namespace lumen::platform
