#include "engine/io/Base64.h"

#include <array>
#include <cstdint>

namespace sam3::io {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string base64Encode(const std::string& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t v = 0;
    for (size_t k = 0; k < 3; ++k) v = (v << 8) | (k < n ? uint8_t(bytes[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

std::optional<std::string> base64Decode(const std::string& text) {
  std::array<int, 256> value{};
  value.fill(-1);
  for (int i = 0; i < 64; ++i) value[uint8_t(kAlphabet[i])] = i;
  std::string out;
  uint32_t bits = 0;
  int count = 0, padding = 0;
  for (const char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0 || value[uint8_t(c)] < 0) return std::nullopt;  // data after padding, or not base64
    bits = (bits << 6) | uint32_t(value[uint8_t(c)]);
    if (++count == 4) {
      out += char((bits >> 16) & 255);
      out += char((bits >> 8) & 255);
      out += char(bits & 255);
      bits = 0;
      count = 0;
    }
  }
  if (padding > 2 || (count + padding) % 4 != 0 || count == 1) return std::nullopt;
  if (count == 2) out += char((bits >> 4) & 255);
  if (count == 3) {
    out += char((bits >> 10) & 255);
    out += char((bits >> 2) & 255);
  }
  return out;
}

}  // namespace sam3::io
