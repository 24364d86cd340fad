#include "engine/io/ImageHeader.h"

#include <cstring>

namespace sam3::io {
namespace {

// Bounds-checked reads: every offset is tested against the data before it is read.
struct Bytes {
  const uint8_t* data;
  size_t size;

  bool has(size_t offset, size_t count) const { return offset <= size && count <= size - offset; }
  bool startsWith(size_t offset, const char* text) const {
    const size_t n = std::strlen(text);
    return has(offset, n) && std::memcmp(data + offset, text, n) == 0;
  }
  uint32_t be(size_t offset, int count) const {
    uint32_t v = 0;
    for (int i = 0; i < count; ++i) v = (v << 8) | data[offset + size_t(i)];
    return v;
  }
  uint32_t le(size_t offset, int count) const {
    uint32_t v = 0;
    for (int i = count - 1; i >= 0; --i) v = (v << 8) | data[offset + size_t(i)];
    return v;
  }
};

// The first IFD of a TIFF structure: the value of `tag` (SHORT or LONG, one value), or 0.
uint32_t tiffTag(const Bytes& b, uint16_t tag) {
  if (!b.has(0, 8)) return 0;
  const bool little = b.startsWith(0, "II*");
  if (!little && !(b.startsWith(0, "MM") && b.data[2] == 0 && b.data[3] == 42)) return 0;
  auto read = [&](size_t offset, int count) { return little ? b.le(offset, count) : b.be(offset, count); };
  const size_t ifd = read(4, 4);
  if (!b.has(ifd, 2)) return 0;
  const size_t entries = read(ifd, 2);
  for (size_t i = 0; i < entries; ++i) {
    const size_t entry = ifd + 2 + 12 * i;
    if (!b.has(entry, 12)) return 0;
    if (read(entry, 2) != tag || read(entry + 4, 4) != 1) continue;
    const uint32_t type = read(entry + 2, 2);
    if (type == 3) return read(entry + 8, 2);  // SHORT, left-justified in the value field
    if (type == 4) return read(entry + 8, 4);  // LONG
    return 0;
  }
  return 0;
}

int validOrientation(uint32_t value) { return value >= 1 && value <= 8 ? int(value) : 1; }

std::optional<ImageHeader> png(const Bytes& b) {
  if (!b.has(0, 24) || !b.startsWith(12, "IHDR")) return std::nullopt;
  ImageHeader h{"png", b.be(16, 4), b.be(20, 4), 1};
  // eXIf holds the orientation; it comes before the image data, so the walk stops at IDAT.
  for (size_t offset = 8; b.has(offset, 8);) {
    const size_t length = b.be(offset, 4);
    if (!b.has(offset + 8, length)) break;
    if (b.startsWith(offset + 4, "eXIf")) h.orientation = validOrientation(tiffTag({b.data + offset + 8, length}, 274));
    if (b.startsWith(offset + 4, "IDAT") || b.startsWith(offset + 4, "IEND")) break;
    offset += 12 + length;
  }
  return h;
}

std::optional<ImageHeader> jpeg(const Bytes& b) {
  ImageHeader h{"jpeg", 0, 0, 1};
  size_t offset = 2;
  while (b.has(offset, 4)) {
    if (b.data[offset] != 0xFF) return std::nullopt;
    const uint8_t marker = b.data[offset + 1];
    if (marker == 0xFF) {  // fill byte
      ++offset;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // no length
      offset += 2;
      continue;
    }
    const size_t length = b.be(offset + 2, 2);
    if (length < 2 || !b.has(offset + 2, length)) return std::nullopt;
    const size_t body = offset + 4;
    if (marker == 0xE1 && b.startsWith(body, "Exif") && length >= 8) {
      h.orientation = validOrientation(tiffTag({b.data + body + 6, length - 8}, 274));
    }
    const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (frame) {
      if (length < 7) return std::nullopt;
      h.height = b.be(body + 1, 2);
      h.width = b.be(body + 3, 2);
      return h;
    }
    if (marker == 0xDA || marker == 0xD9) return std::nullopt;  // scan or end before any frame header
    offset += 2 + length;
  }
  return std::nullopt;
}

std::optional<ImageHeader> bmp(const Bytes& b) {
  if (!b.has(14, 12)) return std::nullopt;
  const uint32_t dib = b.le(14, 4);
  if (dib == 12) return ImageHeader{"bmp", b.le(18, 2), b.le(20, 2), 1};
  if (dib < 40 || !b.has(14, 12)) return std::nullopt;
  const int32_t width = int32_t(b.le(18, 4)), height = int32_t(b.le(22, 4));  // negative height: top-down rows
  if (width <= 0 || height == 0 || height == INT32_MIN) return std::nullopt;
  return ImageHeader{"bmp", width, height < 0 ? -int64_t(height) : height, 1};
}

std::optional<ImageHeader> webp(const Bytes& b) {
  if (!b.has(0, 30)) return std::nullopt;
  if (b.startsWith(12, "VP8X")) return ImageHeader{"webp", int64_t(b.le(24, 3)) + 1, int64_t(b.le(27, 3)) + 1, 1};
  if (b.startsWith(12, "VP8L")) {
    if (b.data[20] != 0x2F) return std::nullopt;
    const uint32_t bits = b.le(21, 4);
    return ImageHeader{"webp", int64_t(bits & 0x3FFF) + 1, int64_t((bits >> 14) & 0x3FFF) + 1, 1};
  }
  if (b.startsWith(12, "VP8 ")) {
    if (b.data[23] != 0x9D || b.data[24] != 0x01 || b.data[25] != 0x2A) return std::nullopt;
    return ImageHeader{"webp", b.le(26, 2) & 0x3FFF, b.le(28, 2) & 0x3FFF, 1};
  }
  return std::nullopt;
}

}  // namespace

int tiffOrientation(const uint8_t* data, size_t size) { return validOrientation(tiffTag({data, size}, 274)); }

std::optional<ImageHeader> readImageHeader(const uint8_t* data, size_t size) {
  const Bytes b{data, size};
  std::optional<ImageHeader> h;
  if (b.startsWith(0, "\x89PNG\r\n\x1a\n")) {
    h = png(b);
  } else if (b.has(0, 3) && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) {
    h = jpeg(b);
  } else if (b.startsWith(0, "BM")) {
    h = bmp(b);
  } else if (b.startsWith(0, "GIF87a") || b.startsWith(0, "GIF89a")) {
    if (b.has(6, 4)) h = ImageHeader{"gif", b.le(6, 2), b.le(8, 2), 1};
  } else if (b.startsWith(0, "RIFF") && b.startsWith(8, "WEBP")) {
    h = webp(b);
  } else if (b.startsWith(0, "II*") || b.startsWith(0, "MM")) {
    const uint32_t width = tiffTag(b, 256), height = tiffTag(b, 257);
    if (width && height) h = ImageHeader{"tiff", width, height, tiffOrientation(data, size)};
  }
  if (h && (h->width <= 0 || h->height <= 0)) return std::nullopt;
  return h;
}

}  // namespace sam3::io
