// Crash capture: a child process crashes (SIGSEGV, abort, an uncaught exception) with a client
// that records crashes; the next start sends one "$crash" event, and never again.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "client_helpers.hpp"
#include "crash.hpp"

using namespace lumen_test;
using std::chrono::milliseconds;

namespace {

lumen::Config crash_config(std::shared_ptr<lumen::TestTransport> t, const std::string& dir) {
  auto cfg = test_config(std::move(t));
  cfg.storage_path = dir;
  cfg.capture_crashes = true;
  cfg.app_version = "5.0.1";
  cfg.context.app_build = "501";
  return cfg;
}

enum class How { Segv, Abort, Exception };

// Runs a child that starts a client with crash capture and then crashes; returns its wait status.
int crash_child(const std::string& dir, How how) {
  const pid_t pid = fork();
  if (pid == 0) {
    auto transport = std::make_shared<lumen::TestTransport>();
    transport->set_offline(true);
    lumen::Client client(crash_config(transport, dir));
    switch (how) {
      case How::Segv: std::raise(SIGSEGV); break;
      case How::Abort: std::abort();
      case How::Exception: throw std::runtime_error("deliberate");
    }
    _exit(0);  // not reached
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

std::vector<lumen::json::Node> sent_events(const lumen::TestTransport& t) {
  std::vector<lumen::json::Node> out;
  for (const auto& r : t.requests())
    for (auto& e : events_of(r)) out.push_back(std::move(e));
  return out;
}

// Starts a client on `dir`, waits until it is idle, and returns what it sent.
std::vector<lumen::json::Node> next_start(const std::string& dir) {
  auto transport = std::make_shared<lumen::TestTransport>();
  lumen::Client client(crash_config(transport, dir));
  CHECK(client.flush(kDeliveryBound));
  CHECK(client.shutdown(milliseconds(2000)));
  return sent_events(*transport);
}

void check_crash_event(const lumen::json::Node& e, const char* kind) {
  CHECK_EQ(e.get("name")->string, std::string("$crash"));
  const auto* p = e.get("properties");
  CHECK_EQ(p->get("kind")->string, std::string(kind));
  CHECK_EQ(p->get("app_version")->string, std::string("5.0.1"));
  CHECK_EQ(p->get("app_build")->string, std::string("501"));
  CHECK(p->get("complete")->boolean);
  CHECK(p->get("uptime_ms")->is_number() && p->get("uptime_ms")->number >= 0);
  // A symbol-free stack: hexadecimal addresses only, several frames deep.
  const std::string& frames = p->get("frames")->string;
  CHECK(frames.rfind("0x", 0) == 0);
  CHECK(frames.find_first_not_of("0123456789abcdefx ") == std::string::npos);
  CHECK(std::count(frames.begin(), frames.end(), ' ') >= 2);
}

}  // namespace

TEST(segv_in_a_child_is_sent_exactly_once_on_the_next_start) {
  const auto dir = temp_dir("crash-segv");
  const int status = crash_child(dir, How::Segv);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);  // re-raised with the default action
  const auto first = next_start(dir);
  CHECK_EQ(first.size(), std::size_t(1));
  if (first.size() == 1) {
    check_crash_event(first[0], "signal");
    CHECK_EQ(first[0].get("properties")->get("signal_name")->string, std::string("SIGSEGV"));
  }
  CHECK(next_start(dir).empty());
  std::filesystem::remove_all(dir);
}

TEST(abort_and_uncaught_exception_are_recorded) {
  const auto dir = temp_dir("crash-abort");
  const int aborted = crash_child(dir, How::Abort);
  CHECK(WIFSIGNALED(aborted) && WTERMSIG(aborted) == SIGABRT);
  auto events = next_start(dir);
  CHECK_EQ(events.size(), std::size_t(1));
  if (events.size() == 1) CHECK_EQ(events[0].get("properties")->get("signal")->number, double(SIGABRT));

  const int thrown = crash_child(dir, How::Exception);
  CHECK(WIFSIGNALED(thrown) && WTERMSIG(thrown) == SIGABRT);
  events = next_start(dir);
  CHECK_EQ(events.size(), std::size_t(1));  // one event, not one for the terminate and one for its abort
  if (events.size() == 1) {
    check_crash_event(events[0], "exception");
    CHECK_EQ(events[0].get("properties")->get("exception_type")->string, std::string("St13runtime_error"));
  }
  std::filesystem::remove_all(dir);
}

TEST(a_resent_crash_keeps_its_event_id) {
  // The worker sends the record, then the process dies before the record is removed: the next
  // start sends the same record again, with the same event id, which the server deduplicates.
  const auto dir = temp_dir("crash-id");
  crash_child(dir, How::Segv);
  std::string pending;
  {
    // Set the record aside as the next start does, and keep a copy of it.
    std::string error;
    CHECK(lumen::crash::install(dir, "", "", &error));
    lumen::crash::uninstall();
    const auto records = lumen::crash::pending_records(dir);
    CHECK_EQ(records.size(), std::size_t(1));
    if (records.size() == 1) pending = records[0];
  }
  std::string copy;
  {
    std::ifstream in(pending, std::ios::binary);
    copy.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto first = next_start(dir);
  std::ofstream(pending, std::ios::binary) << copy;
  const auto second = next_start(dir);
  CHECK_EQ(first.size(), std::size_t(1));
  CHECK_EQ(second.size(), std::size_t(1));
  if (first.size() == 1 && second.size() == 1)
    CHECK_EQ(first[0].get("event_id")->string, second[0].get("event_id")->string);
  CHECK_EQ(lumen::crash::event_id_for(copy), lumen::crash::event_id_for(copy));
  CHECK(lumen::crash::event_id_for(copy) != lumen::crash::event_id_for(copy + "x"));
  std::filesystem::remove_all(dir);
}

TEST(a_clean_exit_leaves_nothing_to_send) {
  const auto dir = temp_dir("crash-clean");
  {
    auto transport = std::make_shared<lumen::TestTransport>();
    lumen::Client client(crash_config(transport, dir));
    client.shutdown(milliseconds(1000));
  }
  CHECK(next_start(dir).empty());
  std::filesystem::remove_all(dir);
}

TEST(a_torn_record_is_parsed_as_far_as_it_goes) {
  auto r = lumen::crash::parse("LUMENCRASH 1\napp_version=1\nkind=signal\nsignal=11\nframes=0x1 0x2\nupti");
  CHECK(r.has_value());
  if (r) {
    CHECK(!r->complete);
    CHECK_EQ(r->signal, 11);
    CHECK_EQ(r->frames, std::string("0x1 0x2"));
  }
  CHECK(!lumen::crash::parse("").has_value());
  CHECK(!lumen::crash::parse("garbage\nkind=signal\n").has_value());
}

TEST_MAIN()
