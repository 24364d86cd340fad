#include "engine/mask/Rle.h"

#include <algorithm>
#include <cstring>

namespace sam3::mask {
namespace {

constexpr int kTile = 64;

// True when all `cols` bytes of the `rows` rows starting at `p` (row stride `stride`) equal *p.
bool tileIsUniform(const uint8_t* p, int rows, int cols, size_t stride) {
  const uint64_t pattern = *p ? 0x0101010101010101ull : 0;
  for (int r = 0; r < rows; ++r) {
    const uint8_t* row = p + size_t(r) * stride;
    int c = 0;
    for (; c + 8 <= cols; c += 8) {
      uint64_t word;
      std::memcpy(&word, row + c, 8);
      if (word != pattern) return false;
    }
    for (; c < cols; ++c) {
      if (row[c] != *p) return false;
    }
  }
  return true;
}

// dst (cols x rows) = transpose of src (rows x cols), in cache-sized tiles. Masks are mostly
// uniform areas, so uniform tiles become memsets and only boundary tiles move byte by byte.
void transposeMask(const uint8_t* src, int rows, int cols, uint8_t* dst) {
  for (int r0 = 0; r0 < rows; r0 += kTile) {
    const int r1 = std::min(rows, r0 + kTile);
    for (int c0 = 0; c0 < cols; c0 += kTile) {
      const int c1 = std::min(cols, c0 + kTile);
      const uint8_t* tile = src + size_t(r0) * cols + c0;
      if (tileIsUniform(tile, r1 - r0, c1 - c0, size_t(cols))) {
        for (int c = c0; c < c1; ++c) std::memset(dst + size_t(c) * rows + r0, *tile, size_t(r1 - r0));
        continue;
      }
      for (int c = c0; c < c1; ++c) {
        uint8_t* out = dst + size_t(c) * rows;
        for (int r = r0; r < r1; ++r) out[r] = src[size_t(r) * cols + c];
      }
    }
  }
}

// Row-major mask -> column-major bytes.
std::vector<uint8_t> toColumnMajor(const BinaryMask& mask) {
  std::vector<uint8_t> out(size_t(mask.height()) * mask.width());
  transposeMask(mask.data(), mask.height(), mask.width(), out.data());
  return out;
}

// Length of the run of `value` starting at p (bytes are 0/1), scanning 8 bytes at a time.
size_t runLength(const uint8_t* p, const uint8_t* end, uint8_t value) {
  const uint8_t* start = p;
  const uint64_t pattern = value ? 0x0101010101010101ull : 0;
  while (end - p >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    if (word != pattern) break;
    p += 8;
  }
  while (p < end && *p == value) ++p;
  return size_t(p - start);
}

template <typename Op>
Rle combine(const Rle& a, const Rle& b, Op op) {
  if (a.height != b.height || a.width != b.width) {
    throw RleError("RLE sizes differ: " + std::to_string(a.height) + "x" + std::to_string(a.width) + " vs " +
                   std::to_string(b.height) + "x" + std::to_string(b.width));
  }
  validate(a);
  validate(b);
  Rle out{a.height, a.width, {}};
  size_t ia = 0, ib = 0;
  uint32_t leftA = a.counts.empty() ? 0 : a.counts[0], leftB = b.counts.empty() ? 0 : b.counts[0];
  uint64_t remaining = uint64_t(a.height) * a.width;
  bool current = false;
  uint32_t run = 0;
  while (remaining > 0) {
    while (leftA == 0) leftA = a.counts[++ia];
    while (leftB == 0) leftB = b.counts[++ib];
    const uint32_t step = std::min(leftA, leftB);
    const bool value = op(ia % 2 == 1, ib % 2 == 1);
    if (value != current) {
      out.counts.push_back(run);
      run = 0;
      current = value;
    }
    run += step;
    leftA -= step;
    leftB -= step;
    remaining -= step;
  }
  out.counts.push_back(run);
  return out;
}

}  // namespace

Rle encode(const BinaryMask& mask) {
  Rle rle{mask.height(), mask.width(), {}};
  const std::vector<uint8_t> columns = toColumnMajor(mask);
  const uint8_t* p = columns.data();
  const uint8_t* end = p + columns.size();
  uint8_t value = 0;
  while (p < end) {
    const size_t n = runLength(p, end, value);
    rle.counts.push_back(uint32_t(n));
    p += n;
    value ^= 1;
  }
  if (rle.counts.empty()) rle.counts.push_back(0);
  return rle;
}

void validate(const Rle& rle) {
  if (rle.height < 0 || rle.width < 0) {
    throw RleError("RLE size must not be negative, got " + std::to_string(rle.height) + "x" + std::to_string(rle.width));
  }
  uint64_t total = 0;
  for (uint32_t c : rle.counts) total += c;
  const uint64_t expected = uint64_t(rle.height) * uint64_t(rle.width);
  if (total != expected) {
    throw RleError("RLE counts sum to " + std::to_string(total) + " but the mask has " + std::to_string(rle.height) +
                   "x" + std::to_string(rle.width) + " = " + std::to_string(expected) + " pixels");
  }
}

BinaryMask decode(const Rle& rle) {
  validate(rle);
  const int h = rle.height, w = rle.width;
  std::vector<uint8_t> columns(size_t(h) * w, 0);
  size_t pos = 0;
  for (size_t i = 0; i < rle.counts.size(); ++i) {
    if (i % 2 == 1 && rle.counts[i] > 0) std::memset(columns.data() + pos, 1, rle.counts[i]);  // an empty mask has no buffer
    pos += rle.counts[i];
  }
  BinaryMask mask(h, w);
  transposeMask(columns.data(), w, h, mask.data());
  return mask;
}

std::string toCompressedString(const Rle& rle) {
  std::string s;
  s.reserve(rle.counts.size() * 2);
  for (size_t i = 0; i < rle.counts.size(); ++i) {
    int64_t x = rle.counts[i];
    if (i > 2) x -= int64_t(rle.counts[i - 2]);
    bool more = true;
    while (more) {
      char c = char(x & 0x1f);
      x >>= 5;  // arithmetic shift keeps the sign
      more = (c & 0x10) ? x != -1 : x != 0;
      if (more) c |= 0x20;
      s.push_back(char(c + 48));
    }
  }
  return s;
}

Rle fromCompressedString(const std::string& text, int height, int width) {
  Rle rle{height, width, {}};
  size_t p = 0;
  while (p < text.size()) {
    int64_t x = 0;
    int k = 0;
    bool more = true;
    while (more) {
      if (p >= text.size()) throw RleError("compressed RLE string ends inside a value");
      const int c = int(static_cast<unsigned char>(text[p])) - 48;
      if (c < 0 || c > 63) {
        throw RleError("compressed RLE string has an invalid character at position " + std::to_string(p));
      }
      if (k >= 12) throw RleError("compressed RLE value at position " + std::to_string(p) + " is too long");
      x |= int64_t(c & 0x1f) << (5 * k);
      more = (c & 0x20) != 0;
      ++p;
      ++k;
      if (!more && (c & 0x10)) x |= int64_t(-1) * (int64_t(1) << (5 * k));
    }
    if (rle.counts.size() > 2) x += int64_t(rle.counts[rle.counts.size() - 2]);
    if (x < 0 || x > int64_t(UINT32_MAX)) {
      throw RleError("compressed RLE decodes to an invalid run length " + std::to_string(x) + " (run " +
                     std::to_string(rle.counts.size()) + ")");
    }
    rle.counts.push_back(uint32_t(x));
  }
  validate(rle);
  return rle;
}

int64_t area(const Rle& rle) {
  int64_t total = 0;
  for (size_t i = 1; i < rle.counts.size(); i += 2) total += rle.counts[i];
  return total;
}

std::array<double, 4> boundingBox(const Rle& rle) {
  const uint64_t h = uint64_t(rle.height), w = uint64_t(rle.width);
  const size_t m = (rle.counts.size() / 2) * 2;  // a trailing background run does not matter
  if (m == 0 || h == 0) return {0, 0, 0, 0};
  uint64_t xs = w, ys = h, xe = 0, ye = 0, cc = 0, xp = 0;
  for (size_t j = 0; j < m; ++j) {
    cc += rle.counts[j];
    const uint64_t t = cc - (j % 2);  // last pixel of a foreground run, first of the next background
    const uint64_t y = t % h, x = (t - y) / h;
    if (j % 2 == 0) {
      xp = x;
    } else if (xp < x) {  // the run crosses a column boundary
      ys = 0;
      ye = h - 1;
    }
    xs = std::min(xs, x);
    xe = std::max(xe, x);
    ys = std::min(ys, y);
    ye = std::max(ye, y);
  }
  return {double(xs), double(ys), double(xe - xs + 1), double(ye - ys + 1)};
}

Rle unite(const Rle& a, const Rle& b) { return combine(a, b, [](bool x, bool y) { return x || y; }); }
Rle intersect(const Rle& a, const Rle& b) { return combine(a, b, [](bool x, bool y) { return x && y; }); }
Rle subtract(const Rle& a, const Rle& b) { return combine(a, b, [](bool x, bool y) { return x && !y; }); }

double iou(const Rle& a, const Rle& b) {
  if (a.height != b.height || a.width != b.width) return 0.0;
  const int64_t inter = area(intersect(a, b)), uni = area(a) + area(b) - inter;
  return uni == 0 ? 0.0 : double(inter) / double(uni);
}

}  // namespace sam3::mask
