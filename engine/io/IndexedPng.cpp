#include "engine/io/IndexedPng.h"

#include <zlib.h>

#include <stdexcept>

namespace sam3::io {
namespace {

void putBigEndian(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += char((v >> shift) & 255);
}

void putChunk(std::string& out, const char* type, const std::string& data) {
  putBigEndian(out, uint32_t(data.size()));
  const std::string typed = std::string(type, 4) + data;
  out += typed;
  putBigEndian(out, uint32_t(crc32(0, reinterpret_cast<const Bytef*>(typed.data()), uInt(typed.size()))));
}

}  // namespace

Palette vocPalette() {
  Palette palette(256);
  for (int i = 0; i < 256; ++i) {
    int c = i, r = 0, g = 0, b = 0;
    for (int bit = 7; bit >= 0; --bit, c >>= 3) {
      r |= ((c >> 0) & 1) << bit;
      g |= ((c >> 1) & 1) << bit;
      b |= ((c >> 2) & 1) << bit;
    }
    palette[size_t(i)] = {uint8_t(r), uint8_t(g), uint8_t(b)};
  }
  return palette;
}

std::string encodeIndexedPng(const std::vector<uint8_t>& indices, int width, int height, const Palette& palette) {
  if (width <= 0 || height <= 0 || indices.size() != size_t(width) * size_t(height)) {
    throw std::invalid_argument("indexed PNG: the pixels do not match the size");
  }
  if (palette.empty() || palette.size() > 256) throw std::invalid_argument("indexed PNG: a palette has 1 to 256 colours");
  std::string out = "\x89PNG\r\n\x1a\n";
  std::string header;
  putBigEndian(header, uint32_t(width));
  putBigEndian(header, uint32_t(height));
  header += std::string("\x08\x03\x00\x00\x00", 5);  // 8 bits, palette, deflate, no filter, no interlace
  putChunk(out, "IHDR", header);
  std::string colours;
  for (const auto& c : palette) colours += std::string{char(c[0]), char(c[1]), char(c[2])};
  putChunk(out, "PLTE", colours);
  std::string raw;
  raw.reserve(size_t(height) * (size_t(width) + 1));
  for (int y = 0; y < height; ++y) {
    raw += '\0';  // filter: none
    raw.append(reinterpret_cast<const char*>(indices.data()) + size_t(y) * size_t(width), size_t(width));
  }
  uLongf size = compressBound(uLong(raw.size()));
  std::string compressed(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(compressed.data()), &size, reinterpret_cast<const Bytef*>(raw.data()), uLong(raw.size()), 6) != Z_OK) {
    throw std::runtime_error("indexed PNG: compression failed");
  }
  compressed.resize(size);
  putChunk(out, "IDAT", compressed);
  putChunk(out, "IEND", "");
  return out;
}

}  // namespace sam3::io
