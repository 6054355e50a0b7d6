// lumen_embed_client: the SDK's widget helpers from the command line, for the server's end-to-end
// tests and for trying them by hand.
//
//   lumen_embed_client mint --project ID --secret S --resource widget|report:ID
//       [--base-url URL] [--lifetime-s N] [--issued-ago-s N] [--filter FIELD=VALUE]... [--theme MODE]
//     prints {"token":"…","url":"…"} (the url only with --base-url); exit 1 if the options are refused.
//   lumen_embed_client subscribe --base-url URL --token T [--query Q]
//     prints one JSON line per update {"event":"update","id":"…","bytes":N} and per state change
//     {"event":"state","state":"open"|…}; stops when stdin reaches end of file, prints
//     {"event":"stopped"} and exits 0. Exits 3 if the subscription ends on its own (expired / revoked).
// Exit status 2 on bad usage.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "lumen/embed.hpp"

namespace {

std::mutex g_out_mu;

void print_line(const std::string& line) {
  std::lock_guard<std::mutex> lock(g_out_mu);
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out;
}

int usage(const std::string& problem) {
  std::fprintf(stderr,
               "lumen_embed_client: %s\n"
               "usage: lumen_embed_client mint --project ID --secret S --resource widget|report:ID [--base-url URL]\n"
               "         [--lifetime-s N] [--issued-ago-s N] [--filter FIELD=VALUE]... [--theme light|dark|auto]\n"
               "       lumen_embed_client subscribe --base-url URL --token T [--query Q]\n",
               problem.c_str());
  return 2;
}

const char* state_name(lumen::SubscriptionState s) {
  switch (s) {
    case lumen::SubscriptionState::Connecting: return "connecting";
    case lumen::SubscriptionState::Open: return "open";
    case lumen::SubscriptionState::Reconnecting: return "reconnecting";
    case lumen::SubscriptionState::Expired: return "expired";
    case lumen::SubscriptionState::Revoked: return "revoked";
    default: return "stopped";
  }
}

int mint(const std::multimap<std::string, std::string>& args) {
  auto one = [&args](const std::string& key) {
    auto it = args.find(key);
    return it == args.end() ? std::string() : it->second;
  };
  lumen::EmbedTokenOptions o;
  o.project_id = one("--project");
  o.secret = one("--secret");
  const std::string resource = one("--resource");
  const auto colon = resource.find(':');
  if (colon == std::string::npos) return usage("--resource must be widget:ID or report:ID");
  const std::string type = resource.substr(0, colon);
  if (type != "widget" && type != "report") return usage("--resource must be widget:ID or report:ID");
  o.resource = {type == "widget" ? lumen::EmbedResource::Type::Widget : lumen::EmbedResource::Type::Report,
                resource.substr(colon + 1)};
  if (!one("--lifetime-s").empty()) o.lifetime = std::chrono::seconds(std::atoll(one("--lifetime-s").c_str()));
  if (!one("--issued-ago-s").empty())
    o.issued_at = std::chrono::system_clock::now() - std::chrono::seconds(std::atoll(one("--issued-ago-s").c_str()));
  o.theme.mode = one("--theme");
  for (auto [it, end] = args.equal_range("--filter"); it != end; ++it) {
    const auto eq = it->second.find('=');
    if (eq == std::string::npos) return usage("--filter must be FIELD=VALUE");
    o.filters.push_back({it->second.substr(0, eq), "equals", {it->second.substr(eq + 1)}});
  }
  std::string error;
  const std::string token = lumen::mint_embed_token(o, &error);
  if (token.empty()) {
    std::fprintf(stderr, "lumen_embed_client: %s\n", error.c_str());
    return 1;
  }
  std::string line = "{\"token\":\"" + token + "\"";
  if (!one("--base-url").empty()) line += ",\"url\":\"" + escape(lumen::embed_url(one("--base-url"), token)) + "\"";
  print_line(line + "}");
  return 0;
}

int subscribe(const std::multimap<std::string, std::string>& args) {
  auto one = [&args](const std::string& key) {
    auto it = args.find(key);
    return it == args.end() ? std::string() : it->second;
  };
  if (one("--base-url").empty() || one("--token").empty()) return usage("subscribe needs --base-url and --token");
  lumen::SubscriptionConfig c;
  c.base_url = one("--base-url");
  c.token = one("--token");
  c.query = one("--query");
  c.on_update = [](const lumen::EmbedUpdate& u) {
    print_line("{\"event\":\"update\",\"id\":\"" + escape(u.id) + "\",\"bytes\":" + std::to_string(u.json.size()) + "}");
  };
  c.on_state = [](lumen::SubscriptionState s, std::string_view why) {
    print_line(std::string("{\"event\":\"state\",\"state\":\"") + state_name(s) + "\",\"detail\":\"" +
               escape(why.substr(0, 200)) + "\"}");
  };
  lumen::LiveSubscription subscription(std::move(c));
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  const lumen::SubscriptionState before = subscription.state();
  subscription.stop();
  print_line("{\"event\":\"stopped\"}");
  return before == lumen::SubscriptionState::Expired || before == lumen::SubscriptionState::Revoked ? 3 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage("missing command");
  const std::string command = argv[1];
  std::multimap<std::string, std::string> args;
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag.rfind("--", 0) != 0 || i + 1 >= argc) return usage("expected --flag value, got " + flag);
    args.emplace(flag, argv[++i]);
  }
  if (command == "mint") return mint(args);
  if (command == "subscribe") return subscribe(args);
  return usage("unknown command " + command);
}
