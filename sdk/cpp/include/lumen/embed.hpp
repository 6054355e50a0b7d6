// Lumen widgets in native UIs: customer-signed embed tokens, embed URLs, and a live subscription
// to an embed's data for apps that draw their own metric cards.
//
//   lumen::EmbedTokenOptions opt;
//   opt.project_id = "5f0c...";              // the project's id (the token's `kid`)
//   opt.secret = embed_secret_from_server;   // the project's embed secret: keep it on a server
//   opt.resource = {lumen::EmbedResource::Type::Widget, "8a1e..."};
//   opt.filters = {{"country", "equals", {"DE"}}};
//   opt.theme.mode = "dark";
//   std::string token = lumen::mint_embed_token(opt);       // "" on bad options (see error)
//   std::string url = lumen::embed_url("https://lumen.example.com", token);
//
// The embed secret signs tokens for every report of the project: an app shipped to users must not
// carry it. Mint tokens on your backend (with this helper or any JWT library) and hand the app the
// URL; use the helper in the app itself only where the app is trusted (kiosks, internal tools).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lumen/lumen.hpp"

namespace lumen {

struct EmbedResource {
  enum class Type { Report, Widget };
  Type type = Type::Report;
  std::string id;  // the report's or widget's UUID
};

// A locked filter, applied on the server to everything the embed shows; the viewer cannot widen it.
// `field` is a dimension ("country", "browser", ...) or a property path ("properties.plan").
// `op`: equals, not_equals, contains, not_contains, gt, gte, lt, lte (one value), in, not_in (one or
// more), is_set, is_not_set (none).
struct EmbedFilter {
  std::string field;
  std::string op;
  std::vector<Value> values;
};

// How the embed looks. Empty strings and unset optionals are left to the server's defaults.
struct EmbedTheme {
  std::string mode;    // "light", "dark" or "auto"
  std::string accent;  // "#rrggbb"
  std::string font;    // a CSS font-family list
  std::optional<bool> bordered, titled, transparent;
};

struct EmbedTokenOptions {
  std::string project_id;  // header `kid`: which project's secret verifies the token
  std::string secret;      // the project's embed secret
  EmbedResource resource;
  std::vector<EmbedFilter> filters;  // params.filters (at most 20)
  std::string relative_range;        // params.range, e.g. "last_7_days" (empty = the report's own)
  std::string timezone;              // params.timezone, IANA name (empty = the project's)
  std::vector<std::string> editable;  // what the viewer may change: "range" and dimensions
  EmbedTheme theme;
  bool downloads = false;  // CSV downloads with the same locks
  // exp - iat; the server refuses more than the project's maximum (24 h unless an admin changes it).
  std::chrono::seconds lifetime{std::chrono::minutes(10)};
  std::string jti;  // optional id, to revoke this one token (printable ASCII, <= 128)
  // Issued-at time; default now. Tests set it to mint an already expired token.
  std::optional<std::chrono::system_clock::time_point> issued_at;
};

// An HS256 JWT as the server verifies customer-signed tokens (lib/embed/tokens.ts): header
// {"alg":"HS256","typ":"JWT","kid":project_id}, claims resource, params, editable, theme,
// downloads, iat, exp[, jti]. Returns "" and sets *error on invalid options. Never throws.
std::string mint_embed_token(const EmbedTokenOptions& options, std::string* error = nullptr);

// "{base_url}/embed/{token}": the page to load in a web view (Qt WebEngine, WebKitGTK, WKWebView,
// WebView2). base_url is Lumen's address, without a trailing path.
std::string embed_url(std::string_view base_url, std::string_view token);

// ---------------------------------------------------------------- live subscription

// One "data" event of an embed's stream: every widget's data as the embed page receives it.
struct EmbedUpdate {
  std::string id;    // data version (sent back as Last-Event-ID on reconnect)
  std::string json;  // the payload, as sent by the server
};

enum class SubscriptionState {
  Connecting,
  Open,
  Reconnecting,  // connection lost or refused with a retryable status; backing off
  Expired,       // the token ran out: mint a new one and subscribe again (final)
  Revoked,       // the token was revoked or is not accepted (401/403/404) (final)
  Stopped,       // stop() was called (final)
};

struct SubscriptionConfig {
  std::string base_url;  // Lumen's address
  std::string token;     // an embed token (mint_embed_token or one Lumen issued)
  // Extra query string for the viewer's choices, e.g. "range=last_7_days&filter.country=DE".
  std::string query;
  std::function<void(const EmbedUpdate&)> on_update;      // data arrived (initial value, then changes)
  std::function<void(SubscriptionState, std::string_view)> on_state;  // optional
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30000};
  std::chrono::milliseconds connect_timeout{10000};
  // No byte at all (the server sends heartbeats every few seconds) for this long: reconnect.
  std::chrono::milliseconds idle_timeout{45000};
};

// A native SSE client over libcurl for GET {base_url}/api/v1/embed/{token}/stream. It runs on its
// own thread, where the callbacks are called (one at a time; they must not call stop() or destroy
// the subscription). It reconnects with Last-Event-ID and exponential backoff (or the server's
// `retry:`), so after a reconnect only changed data is delivered. Never throws; without libcurl
// the subscription ends at once in Revoked with a message.
class LiveSubscription {
 public:
  explicit LiveSubscription(SubscriptionConfig config);
  ~LiveSubscription();  // stop()
  LiveSubscription(const LiveSubscription&) = delete;
  LiveSubscription& operator=(const LiveSubscription&) = delete;

  // Ends the connection and joins the thread (returns within about 100 ms). Idempotent.
  void stop();
  SubscriptionState state() const;
  std::string last_event_id() const;

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace lumen
