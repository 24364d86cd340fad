// CPU kernel of sam3::sample_points_seq: bilinear taps from sequence-first features [H*W,B,C],
// where each tap is a contiguous run of C channels, so the inner loop vectorizes.

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/library.h>

#include "engine/ops/OpsChecks.h"
#include "engine/ops/SamplingMath.h"

namespace sam3::ops {
namespace {

template <typename T>
void samplePointsSeqKernel(const T* feats, const T* points, T* output, int64_t numPoints,
                           int64_t batch, int64_t channels, int64_t height, int64_t width) {
  const int64_t tokenStride = batch * channels;  // distance between neighbouring tokens
  const int64_t grain = std::max<int64_t>(1, 8192 / std::max<int64_t>(1, channels));
  at::parallel_for(0, numPoints * batch, grain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const int64_t b = i % batch;
      // Same expression as the reference: grid = points * 2 - 1, then grid_sample's unnormalize.
      const T gx = points[2 * i] * T(2) - T(1);
      const T gy = points[2 * i + 1] * T(2) - T(1);
      const T x = unnormalize(gx, width, false);
      const T y = unnormalize(gy, height, false);
      const BilinearTaps<T> t = bilinearTaps(x, y, height, width);
      const T* base = feats + b * channels;
      const T* f0 = base + t.offset[0] * tokenStride;
      const T* f1 = base + t.offset[1] * tokenStride;
      const T* f2 = base + t.offset[2] * tokenStride;
      const T* f3 = base + t.offset[3] * tokenStride;
      const T w0 = t.weight[0], w1 = t.weight[1], w2 = t.weight[2], w3 = t.weight[3];
      T* out = output + i * channels;
      for (int64_t c = 0; c < channels; ++c) {
        out[c] = w0 * f0[c] + w1 * f1[c] + w2 * f2[c] + w3 * f3[c];
      }
    }
  });
}

at::Tensor samplePointsSeqCpu(const at::Tensor& featsSeq, const at::Tensor& points,
                              int64_t height, int64_t width) {
  checkSamplePointsSeqArgs(featsSeq, points, height, width);
  const int64_t numPoints = points.size(0);
  const int64_t batch = featsSeq.size(1);
  const int64_t channels = featsSeq.size(2);
  at::Tensor output = at::empty({numPoints, batch, channels}, featsSeq.options());
  if (output.numel() == 0) return output;
  const at::Tensor feats = featsSeq.contiguous();
  const at::Tensor pts = points.contiguous();
  AT_DISPATCH_FLOATING_TYPES(feats.scalar_type(), "sam3_sample_points_seq_cpu", [&] {
    samplePointsSeqKernel<scalar_t>(feats.data_ptr<scalar_t>(), pts.data_ptr<scalar_t>(),
                                    output.data_ptr<scalar_t>(), numPoints, batch, channels,
                                    height, width);
  });
  return output;
}

}  // namespace
}  // namespace sam3::ops

TORCH_LIBRARY_IMPL(sam3, CPU, m) { m.impl("sample_points_seq", &sam3::ops::samplePointsSeqCpu); }
