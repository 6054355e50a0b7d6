// Customer-signed embed tokens (HS256 JWT) and embed URLs.
#include <algorithm>

#include "json.hpp"
#include "lumen/embed.hpp"
#include "sha256.hpp"

namespace lumen {
namespace {

std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16 | std::uint32_t(std::uint8_t(bytes[i + 1])) << 8 |
                            std::uint8_t(bytes[i + 2]);
    out += kAlphabet[n >> 18 & 63];
    out += kAlphabet[n >> 12 & 63];
    out += kAlphabet[n >> 6 & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    const std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    out += kAlphabet[n >> 18 & 63];
    out += kAlphabet[n >> 12 & 63];
  } else if (i + 2 == bytes.size()) {
    const std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16 | std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[n >> 18 & 63];
    out += kAlphabet[n >> 12 & 63];
    out += kAlphabet[n >> 6 & 63];
  }
  return out;
}

bool fail(std::string* error, const char* message) {
  if (error) *error = message;
  return false;
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool write_filter(std::string& out, const EmbedFilter& f, std::string* error) {
  if (f.field.empty()) return fail(error, "filter field is empty");
  const bool scalar = one_of(f.op, {"equals", "not_equals", "contains", "not_contains", "gt", "gte", "lt", "lte"});
  const bool list = one_of(f.op, {"in", "not_in"});
  const bool none = one_of(f.op, {"is_set", "is_not_set"});
  if (!scalar && !list && !none) return fail(error, "unknown filter op");
  if (scalar && f.values.size() != 1) return fail(error, "this filter op takes exactly one value");
  if (list && f.values.empty()) return fail(error, "in / not_in take at least one value");
  if (none && !f.values.empty()) return fail(error, "is_set / is_not_set take no value");
  out += "{\"field\":";
  json::write_string(out, f.field);
  out += ",\"op\":";
  json::write_string(out, f.op);
  if (scalar) {
    out += ",\"value\":";
    json::write_value(out, f.values.front());
  } else if (list) {
    out += ",\"value\":[";
    for (std::size_t i = 0; i < f.values.size(); ++i) {
      if (i) out += ',';
      json::write_value(out, f.values[i]);
    }
    out += ']';
  }
  out += '}';
  return true;
}

bool write_claims(std::string& out, const EmbedTokenOptions& o, std::string* error) {
  if (o.resource.id.empty()) return fail(error, "resource.id is empty");
  if (o.lifetime.count() <= 0) return fail(error, "lifetime must be positive (exp is required)");
  if (o.filters.size() > 20) return fail(error, "at most 20 locked filters");
  const std::int64_t iat = std::chrono::duration_cast<std::chrono::seconds>(
                               o.issued_at.value_or(std::chrono::system_clock::now()).time_since_epoch())
                               .count();
  out += "{\"resource\":{\"type\":";
  out += o.resource.type == EmbedResource::Type::Report ? "\"report\"" : "\"widget\"";
  out += ",\"id\":";
  json::write_string(out, o.resource.id);
  out += "},\"params\":{\"filters\":[";
  for (std::size_t i = 0; i < o.filters.size(); ++i) {
    if (i) out += ',';
    if (!write_filter(out, o.filters[i], error)) return false;
  }
  out += ']';
  if (!o.relative_range.empty()) {
    out += ",\"range\":{\"relative\":";
    json::write_string(out, o.relative_range);
    out += '}';
  }
  if (!o.timezone.empty()) {
    out += ",\"timezone\":";
    json::write_string(out, o.timezone);
  }
  out += "},\"editable\":[";
  for (std::size_t i = 0; i < o.editable.size(); ++i) {
    if (i) out += ',';
    json::write_string(out, o.editable[i]);
  }
  out += "],\"theme\":{";
  std::string theme;
  auto member = [&theme](const char* key) {
    if (!theme.empty()) theme += ',';
    json::write_string(theme, key);
    theme += ':';
  };
  if (!o.theme.mode.empty()) {
    if (!one_of(o.theme.mode, {"light", "dark", "auto"})) return fail(error, "theme.mode must be light, dark or auto");
    member("mode");
    json::write_string(theme, o.theme.mode);
  }
  if (!o.theme.accent.empty()) {
    member("accent");
    json::write_string(theme, o.theme.accent);
  }
  if (!o.theme.font.empty()) {
    member("font");
    json::write_string(theme, o.theme.font);
  }
  for (const auto& [key, flag] : {std::pair{"bordered", o.theme.bordered}, std::pair{"titled", o.theme.titled},
                                  std::pair{"transparent", o.theme.transparent}}) {
    if (!flag) continue;
    member(key);
    theme += *flag ? "true" : "false";
  }
  out += theme;
  out += "},\"downloads\":";
  out += o.downloads ? "true" : "false";
  if (!o.jti.empty()) {
    out += ",\"jti\":";
    json::write_string(out, o.jti);
  }
  out += ",\"iat\":";
  json::write_int(out, iat);
  out += ",\"exp\":";
  json::write_int(out, iat + o.lifetime.count());
  out += '}';
  return true;
}

}  // namespace

std::string mint_embed_token(const EmbedTokenOptions& options, std::string* error) {
  try {
    if (options.project_id.empty()) return fail(error, "project_id is empty"), std::string();
    if (options.secret.empty()) return fail(error, "secret is empty"), std::string();
    std::string header = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":";
    json::write_string(header, options.project_id);
    header += '}';
    std::string claims;
    if (!write_claims(claims, options, error)) return std::string();
    std::string token = base64url(header) + "." + base64url(claims);
    const crypto::Digest mac = crypto::hmac_sha256(options.secret, token);
    token += '.';
    token += base64url(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
    if (error) error->clear();
    return token;
  } catch (...) {
    if (error) *error = "out of memory";
    return std::string();
  }
}

std::string embed_url(std::string_view base_url, std::string_view token) {
  try {
    std::string url(base_url);
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += "/embed/";
    url += token;  // base64url and '.': nothing to escape
    return url;
  } catch (...) {
    return std::string();
  }
}

}  // namespace lumen
