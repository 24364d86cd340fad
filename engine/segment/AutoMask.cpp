#include "engine/segment/AutoMask.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace sam3::segment {

std::string EverythingOptions::validate() const {
  if (pointsPerSide < 1 || pointsPerSide > 128) {
    return "the segment-everything grid must have 1 to 128 points per side, not " + std::to_string(pointsPerSide);
  }
  if (pointsPerBatch < 0 || pointsPerBatch > 1024) {
    return "points per batch must be 0 (automatic) to 1024, not " + std::to_string(pointsPerBatch);
  }
  auto unit = [](double v) { return v >= 0.0 && v <= 1.0; };
  if (!unit(minPredictedIou) || !unit(minStability) || !unit(nmsIou) || !unit(minKeptFraction)) {
    return "segment-everything thresholds must lie in [0, 1]";
  }
  if (!(stabilityOffset >= 0.0) || minArea < 0 || maxInstances < 1) {
    return "segment-everything needs a stability offset >= 0, a minimum area >= 0 and at least one instance";
  }
  return {};
}

std::vector<std::array<double, 2>> everythingGrid(int pointsPerSide, int width, int height) {
  std::vector<std::array<double, 2>> points;
  if (pointsPerSide <= 0 || width <= 0 || height <= 0) return points;
  points.reserve(size_t(pointsPerSide) * size_t(pointsPerSide));
  for (int j = 0; j < pointsPerSide; ++j) {
    for (int i = 0; i < pointsPerSide; ++i) {
      points.push_back({(i + 0.5) / pointsPerSide * width, (j + 0.5) / pointsPerSide * height});
    }
  }
  return points;
}

double stabilityScore(const float* logits, size_t count, double threshold, double offset) {
  const float high = float(threshold + offset), low = float(threshold - offset);
  size_t inHigh = 0, inLow = 0;
  for (size_t i = 0; i < count; ++i) {
    inHigh += logits[i] > high;
    inLow += logits[i] > low;
  }
  return inLow == 0 ? 1.0 : double(inHigh) / double(inLow);
}

PackedMask::PackedMask(const mask::BinaryMask& mask)
    : m_width(mask.width()), m_height(mask.height()), m_wordsPerRow((mask.width() + 63) / 64) {
  m_bits.assign(size_t(m_wordsPerRow) * size_t(m_height), 0);
  m_x0 = m_width;
  m_y0 = m_height;
  for (int y = 0; y < m_height; ++y) {
    const uint8_t* row = mask.data() + size_t(y) * size_t(m_width);
    uint64_t* bits = m_bits.data() + size_t(y) * size_t(m_wordsPerRow);
    for (int x = 0; x < m_width; ++x) {
      if (!row[x]) continue;
      bits[x / 64] |= uint64_t(1) << (x % 64);
      ++m_area;
      m_x0 = std::min(m_x0, x);
      m_x1 = std::max(m_x1, x);
      m_y0 = std::min(m_y0, y);
      m_y1 = std::max(m_y1, y);
    }
  }
}

double PackedMask::iou(const PackedMask& other) const {
  if (m_width != other.m_width || m_height != other.m_height) return 0.0;
  const int64_t unionWithoutOverlap = m_area + other.m_area;
  if (unionWithoutOverlap == 0) return 0.0;
  const int x0 = std::max(m_x0, other.m_x0), x1 = std::min(m_x1, other.m_x1);
  const int y0 = std::max(m_y0, other.m_y0), y1 = std::min(m_y1, other.m_y1);
  if (x1 < x0 || y1 < y0) return 0.0;  // the boxes do not meet
  int64_t intersection = 0;
  for (int y = y0; y <= y1; ++y) {
    const size_t row = size_t(y) * size_t(m_wordsPerRow);
    for (int word = x0 / 64; word <= x1 / 64; ++word) {
      intersection += __builtin_popcountll(m_bits[row + size_t(word)] & other.m_bits[row + size_t(word)]);
    }
  }
  return double(intersection) / double(unionWithoutOverlap - intersection);
}

std::vector<size_t> suppressOverlapping(const std::vector<PackedMask>& masks, const std::vector<double>& scores,
                                        double iouThreshold, size_t maxKept) {
  std::vector<size_t> order(masks.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  std::vector<size_t> kept;
  for (size_t candidate : order) {
    if (kept.size() >= maxKept) break;
    const bool overlaps = std::any_of(kept.begin(), kept.end(),
                                      [&](size_t k) { return masks[k].iou(masks[candidate]) > iouThreshold; });
    if (!overlaps) kept.push_back(candidate);
  }
  return kept;
}

ExclusiveClaims::ExclusiveClaims(int height, int width, double minKeptFraction, int64_t minArea)
    : m_claimed(height, width), m_minKeptFraction(minKeptFraction), m_minArea(minArea) {}

bool ExclusiveClaims::claim(mask::BinaryMask& mask) {
  if (mask.height() != m_claimed.height() || mask.width() != m_claimed.width()) return false;
  const size_t n = size_t(mask.pixelCount());
  uint8_t* pixels = mask.data();
  uint8_t* taken = m_claimed.data();
  int64_t area = 0, left = 0;
  for (size_t p = 0; p < n; ++p) {
    area += pixels[p] != 0;
    left += pixels[p] != 0 && taken[p] == 0;
  }
  if (left < m_minArea || double(left) < m_minKeptFraction * double(area)) return false;
  for (size_t p = 0; p < n; ++p) {
    const bool mine = pixels[p] != 0 && taken[p] == 0;
    pixels[p] = mine ? 1 : 0;
    taken[p] = taken[p] | uint8_t(mine);
  }
  return true;
}

std::array<double, 4> maskBox(const mask::BinaryMask& mask) {
  int x0 = mask.width(), y0 = mask.height(), x1 = -1, y1 = -1;
  for (int y = 0; y < mask.height(); ++y) {
    const uint8_t* row = mask.data() + size_t(y) * size_t(mask.width());
    const uint8_t* first = std::find_if(row, row + mask.width(), [](uint8_t v) { return v != 0; });
    if (first == row + mask.width()) continue;
    const auto last = std::find_if(std::make_reverse_iterator(row + mask.width()), std::make_reverse_iterator(row),
                                   [](uint8_t v) { return v != 0; });
    x0 = std::min(x0, int(first - row));
    x1 = std::max(x1, int(last.base() - row) - 1);
    y0 = std::min(y0, y);
    y1 = y;
  }
  if (x1 < 0) return {0, 0, 0, 0};
  return {double(x0), double(y0), double(x1 + 1), double(y1 + 1)};
}

}  // namespace sam3::segment
