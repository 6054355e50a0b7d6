// SHA-256 / HMAC-SHA256 against published vectors, and the customer-signed embed token's shape.
// (That the server accepts it is tests/integration.test.ts, against the real app.)
#include "client_helpers.hpp"
#include "lumen/embed.hpp"
#include "sha256.hpp"

using namespace lumen_test;

namespace {

std::string hex(const lumen::crypto::Digest& d) {
  static constexpr char k[] = "0123456789abcdef";
  std::string s;
  for (auto b : d) {
    s += k[b >> 4];
    s += k[b & 15];
  }
  return s;
}

std::string base64url_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  };
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = value(c);
    if (v < 0) return "<invalid>";
    acc = acc << 6 | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(acc >> bits & 0xff);
    }
  }
  return out;
}

std::vector<std::string> split(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto dot = token.find('.', start);
    parts.push_back(token.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

lumen::EmbedTokenOptions options() {
  lumen::EmbedTokenOptions o;
  o.project_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
  o.secret = "s3cret-embed-key";
  o.resource = {lumen::EmbedResource::Type::Widget, "16fd2706-8baf-433b-82eb-8c7fada847da"};
  o.filters = {{"country", "equals", {"DE"}}, {"browser", "in", {"Firefox", "Chrome"}}, {"os", "is_set", {}}};
  o.relative_range = "last_7_days";
  o.timezone = "Europe/Berlin";
  o.editable = {"range"};
  o.theme.mode = "dark";
  o.theme.accent = "#ff8800";
  o.theme.bordered = false;
  o.jti = "order-42";
  o.lifetime = std::chrono::seconds(600);
  return o;
}

}  // namespace

TEST(sha256_matches_fips_vectors) {
  CHECK_EQ(hex(lumen::crypto::sha256("")),
           std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  CHECK_EQ(hex(lumen::crypto::sha256("abc")),
           std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  CHECK_EQ(hex(lumen::crypto::sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
           std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
  lumen::crypto::Sha256 million;
  const std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) million.update(chunk);
  CHECK_EQ(hex(million.finish()), std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

TEST(hmac_sha256_matches_rfc_4231) {
  CHECK_EQ(hex(lumen::crypto::hmac_sha256(std::string(20, '\x0b'), "Hi There")),
           std::string("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));
  CHECK_EQ(hex(lumen::crypto::hmac_sha256("Jefe", "what do ya want for nothing?")),
           std::string("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
  // Test case 6: a key longer than the block is hashed first.
  CHECK_EQ(hex(lumen::crypto::hmac_sha256(std::string(131, '\xaa'),
                                           "Test Using Larger Than Block-Size Key - Hash Key First")),
           std::string("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));
}

TEST(token_is_an_hs256_jwt_with_the_claims_the_server_reads) {
  std::string error;
  const std::string token = lumen::mint_embed_token(options(), &error);
  CHECK(error.empty());
  const auto parts = split(token);
  CHECK_EQ(parts.size(), std::size_t(3));
  if (parts.size() != 3) return;
  const auto header = lumen::json::parse(base64url_decode(parts[0]));
  CHECK(header && header->get("alg")->string == "HS256");
  CHECK(header && header->get("kid")->string == "7c9e6679-7425-40de-944b-e07fc1f90ae7");
  const auto claims = lumen::json::parse(base64url_decode(parts[1]));
  CHECK(claims.has_value());
  if (!claims) return;
  CHECK_EQ(claims->get("resource")->get("type")->string, std::string("widget"));
  CHECK_EQ(claims->get("exp")->number - claims->get("iat")->number, 600.0);
  const auto* filters = claims->get("params")->get("filters");
  CHECK_EQ(filters->array.size(), std::size_t(3));
  CHECK_EQ(filters->array[0].get("value")->string, std::string("DE"));
  CHECK_EQ(filters->array[1].get("value")->array.size(), std::size_t(2));
  CHECK(filters->array[2].get("value") == nullptr);
  CHECK_EQ(claims->get("params")->get("range")->get("relative")->string, std::string("last_7_days"));
  CHECK_EQ(claims->get("theme")->get("mode")->string, std::string("dark"));
  CHECK(!claims->get("theme")->get("bordered")->boolean);
  CHECK(claims->get("theme")->get("titled") == nullptr);  // unset: the server's default
  CHECK_EQ(claims->get("jti")->string, std::string("order-42"));
  // The signature is HMAC-SHA256 of "header.payload" with the secret.
  std::string signature;
  for (auto b : lumen::crypto::hmac_sha256("s3cret-embed-key", parts[0] + "." + parts[1]))
    signature += static_cast<char>(b);
  CHECK(base64url_decode(parts[2]) == signature);
  CHECK(token.find('=') == std::string::npos);

  CHECK_EQ(lumen::embed_url("https://lumen.example.com/", token), "https://lumen.example.com/embed/" + token);
}

TEST(bad_options_give_no_token_and_say_why) {
  std::string error;
  auto o = options();
  o.lifetime = std::chrono::seconds(0);
  CHECK(lumen::mint_embed_token(o, &error).empty());
  CHECK(error.find("exp") != std::string::npos);
  o = options();
  o.secret.clear();
  CHECK(lumen::mint_embed_token(o, &error).empty());
  o = options();
  o.filters = {{"country", "in", {}}};
  CHECK(lumen::mint_embed_token(o, &error).empty());
  o = options();
  o.filters = {{"country", "like", {"x"}}};
  CHECK(lumen::mint_embed_token(o, &error).empty());
  o = options();
  o.theme.mode = "neon";
  CHECK(lumen::mint_embed_token(o, &error).empty());
  CHECK(!lumen::mint_embed_token(options(), nullptr).empty());
}

TEST_MAIN()
