// A deliberately tiny test harness: TEST(name) { CHECK(...); }.
#pragma once

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace lumen_test {

struct Case {
  const char* name;
  void (*fn)();
};
inline std::vector<Case>& cases() {
  static std::vector<Case> all;
  return all;
}
inline int& failures() {
  static int n = 0;
  return n;
}
struct Registrar {
  Registrar(const char* name, void (*fn)()) { cases().push_back({name, fn}); }
};

inline void fail(const char* file, int line, const std::string& what) {
  ++failures();
  std::fprintf(stderr, "  FAILED %s:%d: %s\n", file, line, what.c_str());
}

template <typename A, typename B>
void check_eq(const A& a, const B& b, const char* ea, const char* eb, const char* file, int line) {
  if (a == b) return;
  std::ostringstream os;
  os << ea << " == " << eb << "  (" << a << " vs " << b << ")";
  fail(file, line, os.str());
}

// Polls `pred` until true or timeout; returns the final value.
inline bool eventually(const std::function<bool()>& pred,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return pred();
}

// A fresh, empty directory under the system temp dir.
inline std::string temp_dir(const std::string& tag) {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("lumen-test-" + tag + "-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline int run_all() {
  for (const Case& c : cases()) {
    const int before = failures();
    const auto start = std::chrono::steady_clock::now();
    c.fn();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start).count();
    std::printf("%s %s (%lld ms)\n", failures() == before ? "ok  " : "FAIL", c.name, static_cast<long long>(ms));
  }
  std::printf("%zu tests, %d failed checks\n", cases().size(), failures());
  return failures() == 0 ? 0 : 1;
}

}  // namespace lumen_test

#define TEST(name)                                                   \
  static void name();                                                \
  static const lumen_test::Registrar name##_registrar(#name, &name); \
  static void name()
#define CHECK(cond) \
  do {              \
    if (!(cond)) lumen_test::fail(__FILE__, __LINE__, #cond); \
  } while (0)
#define CHECK_EQ(a, b) lumen_test::check_eq((a), (b), #a, #b, __FILE__, __LINE__)
#define TEST_MAIN() \
  int main() { return lumen_test::run_all(); }
