#include "engine/sam3/MaskPostprocess.h"

#include <ATen/Parallel.h>

#include <opencv2/imgproc.hpp>
#include <cstdint>
#include <cstring>
#include <vector>

namespace sam3::model {

namespace {

// Background components (logit <= 0, 8-connected as the original) of at most maxHoleArea
// pixels become foreground: their logits are set to mask_threshold + 10.
void fillHolesInPlane(float* plane, int64_t h, int64_t w, double maxHoleArea) {
  const cv::Mat logits(int(h), int(w), CV_32F, plane);
  cv::Mat background = logits <= 0.0f;
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(background, labels, stats, centroids, 8, CV_32S);
  std::vector<uint8_t> isHole(size_t(count), 0);
  bool any = false;
  for (int c = 1; c < count; ++c) {  // label 0 is the foreground (logit > 0)
    isHole[c] = stats.at<int>(c, cv::CC_STAT_AREA) <= maxHoleArea;
    any |= isHole[c] != 0;
  }
  if (!any) return;
  for (int64_t i = 0; i < h * w; ++i) {
    if (isHole[labels.ptr<int>()[i]]) plane[i] = 10.0f;
  }
}

}  // namespace

at::Tensor fillHoles(const at::Tensor& lowResLogits, double maxHoleArea) {
  at::Tensor out = lowResLogits.to(at::kFloat).contiguous().clone();
  if (maxHoleArea <= 0) return out;
  const int64_t planes = out.size(0) * out.size(1), h = out.size(2), w = out.size(3);
  float* data = out.data_ptr<float>();
  // Planes in parallel: a single click's three candidates are three independent labellings.
  at::parallel_for(0, planes, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) fillHolesInPlane(data + p * h * w, h, w, maxHoleArea);
  });
  return out;
}

namespace {

// Source index and weight of one output coordinate, as ATen computes them for
// align_corners=False (float arithmetic, negative sources clamped to 0).
struct Tap {
  int64_t i0, i1;
  float l0, l1;
};

std::vector<Tap> taps(int64_t in, int64_t out) {
  std::vector<Tap> t(static_cast<size_t>(out));
  const float scale = float(in) / float(out);
  for (int64_t d = 0; d < out; ++d) {
    float src = scale * (float(d) + 0.5f) - 0.5f;
    if (src < 0) src = 0;
    const int64_t i0 = int64_t(src);
    const int64_t i1 = i0 + (i0 < in - 1 ? 1 : 0);
    const float l1 = src - float(i0);
    t[size_t(d)] = {i0, i1, 1.0f - l1, l1};
  }
  return t;
}

}  // namespace

// Bilinear resizing works row by row, rows in parallel: ATen's CPU kernel runs a single
// [1,1,h,w] plane on one thread, which dominated a click's time at 12 megapixels. Calls
// rowFn(r, ty, row0, row1) for output row r (all planes stacked) with its two source rows.
template <typename RowFn>
void forEachOutputRow(const at::Tensor& in, int64_t height, const std::vector<Tap>& ys, RowFn rowFn) {
  const int64_t planes = in.size(0) * in.size(1), ih = in.size(2), iw = in.size(3);
  const float* src = in.data_ptr<float>();
  at::parallel_for(0, planes * height, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const Tap& ty = ys[size_t(r % height)];
      const float* plane = src + (r / height) * ih * iw;
      rowFn(r, ty, plane + ty.i0 * iw, plane + ty.i1 * iw);
    }
  });
}

at::Tensor upsampleLogits(const at::Tensor& logits, int64_t height, int64_t width) {
  const at::Tensor in = logits.to(at::kFloat).contiguous();
  at::Tensor out = at::empty({in.size(0), in.size(1), height, width}, in.options());
  const std::vector<Tap> ys = taps(in.size(2), height), xs = taps(in.size(3), width);
  float* dst = out.data_ptr<float>();
  forEachOutputRow(in, height, ys, [&](int64_t r, const Tap& ty, const float* row0, const float* row1) {
    float* o = dst + r * width;
    for (int64_t x = 0; x < width; ++x) {
      const Tap& tx = xs[size_t(x)];
      o[x] = ty.l0 * (tx.l0 * row0[tx.i0] + tx.l1 * row0[tx.i1]) + ty.l1 * (tx.l0 * row1[tx.i0] + tx.l1 * row1[tx.i1]);
    }
  });
  return out;
}

// upsampleLogits(...) > 0 without interpolating where the answer is known: an output pixel is
// a convex combination of four source logits, so when all four are <= 0 it is <= 0, and when
// all four are clearly positive it is > 0. Only cells that straddle 0 are interpolated (with
// the same float expression as upsampleLogits); at 12 MP that is a few percent of the pixels.
at::Tensor upsampleToMask(const at::Tensor& logits, int64_t height, int64_t width) {
  const at::Tensor in = logits.to(at::kFloat).contiguous();
  at::Tensor out = at::empty({in.size(0), in.size(1), height, width}, in.options().dtype(at::kBool));
  const std::vector<Tap> ys = taps(in.size(2), height), xs = taps(in.size(3), width);
  // Output columns grouped in runs that read the same source columns.
  struct Run {
    int64_t begin, end, i0, i1;
  };
  std::vector<Run> runs;
  std::vector<float> xl0(static_cast<size_t>(width)), xl1(static_cast<size_t>(width));  // flat weights: the mixed-cell loop vectorizes
  for (int64_t x = 0; x < width; ++x) {
    const Tap& t = xs[size_t(x)];
    xl0[size_t(x)] = t.l0;
    xl1[size_t(x)] = t.l1;
    if (runs.empty() || runs.back().i0 != t.i0 || runs.back().i1 != t.i1) runs.push_back({x, x, t.i0, t.i1});
    runs.back().end = x + 1;
  }
  constexpr float kSurelyPositive = 1e-30f;  // weights are >= 0 and sum to 1: no underflow to 0
  auto* dst = reinterpret_cast<uint8_t*>(out.data_ptr<bool>());
  forEachOutputRow(in, height, ys, [&](int64_t r, const Tap& ty, const float* row0, const float* row1) {
    thread_local std::vector<float> rowValues;
    rowValues.resize(static_cast<size_t>(width));
    float* values = rowValues.data();
    uint8_t* o = dst + r * width;
    const float y0 = ty.l0, y1 = ty.l1;
    const float* w0 = xl0.data();
    const float* w1 = xl1.data();
    for (const Run& run : runs) {
      const float a = row0[run.i0], b = row0[run.i1], c = row1[run.i0], d = row1[run.i1];
      if (a <= 0.0f && b <= 0.0f && c <= 0.0f && d <= 0.0f) {
        std::memset(o + run.begin, 0, size_t(run.end - run.begin));
      } else if (a > kSurelyPositive && b > kSurelyPositive && c > kSurelyPositive && d > kSurelyPositive) {
        std::memset(o + run.begin, 1, size_t(run.end - run.begin));
      } else {  // the cell straddles 0: interpolate as upsampleLogits does
#pragma omp simd
        for (int64_t x = run.begin; x < run.end; ++x) values[x] = y0 * (w0[x] * a + w1[x] * b) + y1 * (w0[x] * c + w1[x] * d);
#pragma omp simd
        for (int64_t x = run.begin; x < run.end; ++x) o[x] = values[x] > 0.0f ? 1 : 0;
      }
    }
  });
  return out;
}

}  // namespace sam3::model
