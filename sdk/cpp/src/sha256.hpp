// SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104), self-contained. Internal to the SDK.
//
// Why not OpenSSL: the SDK's only dependency is libcurl, and libcurl may be built against another
// TLS library (GnuTLS, mbedTLS, Schannel, Secure Transport), so OpenSSL is not a given on the
// platforms the SDK targets. Signing an embed token and deriving a crash event's id need a few
// hundred bytes hashed at a time: a 100-line implementation, checked against the FIPS and RFC 4231
// vectors in tests/test_embed_token.cpp, costs less than an optional dependency and its two paths.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lumen::crypto {

using Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  Digest finish();

 private:
  void block(const std::uint8_t* p);
  std::uint32_t h_[8];
  std::uint8_t buffer_[64];
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes
};

Digest sha256(std::string_view data);
Digest hmac_sha256(std::string_view key, std::string_view message);

}  // namespace lumen::crypto
