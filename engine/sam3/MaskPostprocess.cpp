#include "engine/sam3/MaskPostprocess.h"

#include <ATen/Parallel.h>

#include <opencv2/imgproc.hpp>
#include <vector>

namespace sam3::model {

at::Tensor fillHoles(const at::Tensor& lowResLogits, double maxHoleArea) {
  at::Tensor out = lowResLogits.to(at::kFloat).contiguous().clone();
  if (maxHoleArea <= 0) return out;
  const int64_t planes = out.size(0) * out.size(1), h = out.size(2), w = out.size(3);
  float* data = out.data_ptr<float>();
  for (int64_t p = 0; p < planes; ++p) {
    float* plane = data + p * h * w;
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
    if (!any) continue;
    for (int64_t i = 0; i < h * w; ++i) {
      if (isHole[labels.ptr<int>()[i]]) plane[i] = 10.0f;  // mask_threshold + 10
    }
  }
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

// Separable bilinear resize, rows in parallel: ATen's CPU kernel runs a single [1,1,h,w] plane
// on one thread, which dominated a click's time at 12 megapixels. `Store` writes one row.
template <typename Out, typename Store>
at::Tensor resizeRows(const at::Tensor& logits, int64_t height, int64_t width, at::ScalarType outType, Store store) {
  const at::Tensor in = logits.to(at::kFloat).contiguous();
  const int64_t planes = in.size(0) * in.size(1), ih = in.size(2), iw = in.size(3);
  at::Tensor out = at::empty({in.size(0), in.size(1), height, width}, in.options().dtype(outType));
  const std::vector<Tap> ys = taps(ih, height), xs = taps(iw, width);
  const float* src = in.data_ptr<float>();
  Out* dst = out.data_ptr<Out>();
  at::parallel_for(0, planes * height, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t p = r / height, y = r % height;
      const Tap& ty = ys[size_t(y)];
      const float* row0 = src + (p * ih + ty.i0) * iw;
      const float* row1 = src + (p * ih + ty.i1) * iw;
      Out* o = dst + r * width;
      for (int64_t x = 0; x < width; ++x) {
        const Tap& tx = xs[size_t(x)];
        store(o[x], ty.l0 * (tx.l0 * row0[tx.i0] + tx.l1 * row0[tx.i1]) + ty.l1 * (tx.l0 * row1[tx.i0] + tx.l1 * row1[tx.i1]));
      }
    }
  });
  return out;
}

at::Tensor upsampleLogits(const at::Tensor& logits, int64_t height, int64_t width) {
  return resizeRows<float>(logits, height, width, at::kFloat, [](float& o, float v) { o = v; });
}

at::Tensor upsampleToMask(const at::Tensor& logits, int64_t height, int64_t width) {
  return resizeRows<bool>(logits, height, width, at::kBool, [](bool& o, float v) { o = v > 0.0f; });
}

}  // namespace sam3::model
