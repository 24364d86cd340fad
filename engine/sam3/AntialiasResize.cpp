#include "engine/sam3/AntialiasResize.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <opencv2/core/utility.hpp>

namespace sam3::model {
namespace {

// One axis' taps: for output i, inputs first[i] .. first[i] + count[i] - 1 with int16 weights.
struct Taps {
  std::vector<int> first, count;
  std::vector<int32_t> weights;  // outSize x width, zero padded
  int width = 0;
  int precision = 0;             // weights are scaled by 2^precision
};

Taps tapsFor(int inSize, int outSize) {
  const double scale = double(inSize) / double(outSize);
  const double filterScale = std::max(scale, 1.0);
  const double support = filterScale;  // the triangle filter's support is 1
  Taps t;
  t.width = int(std::ceil(support)) * 2 + 1;
  std::vector<double> w(size_t(outSize) * size_t(t.width), 0.0);
  t.first.resize(size_t(outSize));
  t.count.resize(size_t(outSize));
  for (int i = 0; i < outSize; ++i) {
    const double center = (i + 0.5) * scale;
    const int lo = std::max(int(center - support + 0.5), 0);
    const int n = std::min(int(center + support + 0.5), inSize) - lo;
    double total = 0.0;
    double* wi = w.data() + size_t(i) * size_t(t.width);
    for (int k = 0; k < n; ++k) {
      const double x = std::abs((k + lo - center + 0.5) / filterScale);
      wi[k] = x < 1.0 ? 1.0 - x : 0.0;
      total += wi[k];
    }
    if (total != 0.0)
      for (int k = 0; k < n; ++k) wi[k] /= total;
    t.first[size_t(i)] = lo;
    t.count[size_t(i)] = n;
  }
  // As many fraction bits as keep 2 x the largest weight below 2^15 (int16 weights).
  const double largest = *std::max_element(w.begin(), w.end());
  while (t.precision < 22 && int(0.5 + largest * double(1 << (t.precision + 1))) < (1 << 15)) ++t.precision;
  t.weights.resize(w.size());
  for (size_t k = 0; k < w.size(); ++k) {
    const double v = w[k] * double(1 << t.precision);
    t.weights[k] = int32_t(v < 0 ? v - 0.5 : v + 0.5);
  }
  return t;
}

inline uint8_t clampShift(int64_t acc, int precision) {
  const int64_t v = acc >> precision;
  return uint8_t(v < 0 ? 0 : v > 255 ? 255 : v);
}

std::vector<uint8_t> horizontal(const uint8_t* src, int h, int w, int c, int outW) {
  const Taps t = tapsFor(w, outW);
  std::vector<uint8_t> out(size_t(h) * size_t(outW) * size_t(c));
  cv::parallel_for_(cv::Range(0, h), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const uint8_t* row = src + size_t(y) * size_t(w) * size_t(c);
      uint8_t* dst = out.data() + size_t(y) * size_t(outW) * size_t(c);
      for (int x = 0; x < outW; ++x) {
        const int32_t* k = t.weights.data() + size_t(x) * size_t(t.width);
        const uint8_t* in = row + size_t(t.first[size_t(x)]) * size_t(c);
        for (int ch = 0; ch < c; ++ch) {
          int64_t acc = int64_t(1) << (t.precision - 1);
          for (int j = 0; j < t.count[size_t(x)]; ++j) acc += int64_t(in[size_t(j) * size_t(c) + size_t(ch)]) * k[j];
          dst[size_t(x) * size_t(c) + size_t(ch)] = clampShift(acc, t.precision);
        }
      }
    }
  });
  return out;
}

std::vector<uint8_t> vertical(const uint8_t* src, int h, int w, int c, int outH) {
  const Taps t = tapsFor(h, outH);
  const size_t rowBytes = size_t(w) * size_t(c);
  std::vector<uint8_t> out(size_t(outH) * rowBytes);
  cv::parallel_for_(cv::Range(0, outH), [&](const cv::Range& rows) {
    std::vector<int64_t> acc(rowBytes);
    for (int y = rows.start; y < rows.end; ++y) {
      std::fill(acc.begin(), acc.end(), int64_t(1) << (t.precision - 1));
      const int32_t* k = t.weights.data() + size_t(y) * size_t(t.width);
      for (int j = 0; j < t.count[size_t(y)]; ++j) {
        const uint8_t* in = src + size_t(t.first[size_t(y)] + j) * rowBytes;
        for (size_t i = 0; i < rowBytes; ++i) acc[i] += int64_t(in[i]) * k[j];
      }
      uint8_t* dst = out.data() + size_t(y) * rowBytes;
      for (size_t i = 0; i < rowBytes; ++i) dst[i] = clampShift(acc[i], t.precision);
    }
  });
  return out;
}

}  // namespace

std::vector<uint8_t> resizeAntialiasU8(const uint8_t* src, int height, int width, int channels, int outHeight, int outWidth) {
  if (height <= 0 || width <= 0 || channels <= 0 || outHeight <= 0 || outWidth <= 0) {
    throw std::invalid_argument("resizeAntialiasU8: sizes must be positive");
  }
  if (outWidth == width && outHeight == height) return {src, src + size_t(height) * size_t(width) * size_t(channels)};
  if (outHeight == height) return horizontal(src, height, width, channels, outWidth);
  if (outWidth == width) return vertical(src, height, width, channels, outHeight);
  const std::vector<uint8_t> rows = horizontal(src, height, width, channels, outWidth);
  return vertical(rows.data(), height, outWidth, channels, outHeight);
}

}  // namespace sam3::model
