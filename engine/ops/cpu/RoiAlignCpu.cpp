// CPU kernel of sam3::roi_align. Bilinear sampling on a regular grid is separable: every sample's
// weight is (weight along y) * (weight along x), and torchvision's validity and border rules act
// per axis. So each bin becomes a small dense [rows x cols] weight patch, built once per roi and
// applied to every channel; overlapping taps of neighbouring samples are merged instead of
// re-read. Tasks are (roi, block of channels), so even a single roi uses every thread; a
// channels-last input runs the same arithmetic vectorized over channels.

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/library.h>

#include <algorithm>
#include <vector>

#include "engine/ops/OpsChecks.h"
#include "engine/ops/SamplingMath.h"

namespace sam3::ops {
namespace {

// Weights of one axis for every bin: bin b covers indices [first[b], first[b] + length[b]) with
// weights in `weights` starting at `start[b]`.
template <typename T>
struct AxisWeights {
  std::vector<int64_t> first, length, start;
  std::vector<T> weights;
};

template <typename T>
AxisWeights<T> axisWeights(T roiStart, T binSize, int64_t bins, int64_t grid, int64_t size) {
  AxisWeights<T> a;
  a.first.resize(bins);
  a.length.resize(bins);
  a.start.resize(bins);
  std::vector<AxisTaps<T>> taps(static_cast<size_t>(std::max<int64_t>(grid, 0)));
  for (int64_t bin = 0; bin < bins; ++bin) {
    int64_t lo = 0, hi = -1;
    for (int64_t i = 0; i < grid; ++i) {
      taps[i] = roiAxisTaps(roiSampleCoord(roiStart, binSize, bin, i, grid), size);
      if (taps[i].lowWeight == T(0) && taps[i].highWeight == T(0)) continue;
      lo = hi < lo ? taps[i].low : std::min(lo, taps[i].low);
      hi = std::max(hi, taps[i].high);
    }
    a.first[bin] = lo;
    a.length[bin] = std::max<int64_t>(hi - lo + 1, 0);
    a.start[bin] = static_cast<int64_t>(a.weights.size());
    a.weights.resize(a.weights.size() + a.length[bin], T(0));
    T* w = a.weights.data() + a.start[bin];
    for (int64_t i = 0; i < grid && a.length[bin] > 0; ++i) {
      if (taps[i].lowWeight == T(0) && taps[i].highWeight == T(0)) continue;  // invalid sample
      w[taps[i].low - lo] += taps[i].lowWeight;
      w[taps[i].high - lo] += taps[i].highWeight;
    }
  }
  return a;
}

struct RoiAlignSizes {
  int64_t channels, height, width, pooledH, pooledW, rois;
};

template <typename T>
void roiAlignKernel(const T* input, const T* rois, T* output, RoiAlignSizes s, T spatialScale,
                    int64_t samplingRatio, bool aligned) {
  constexpr int64_t kChannelBlock = 32;
  const int64_t blocks = (s.channels + kChannelBlock - 1) / kChannelBlock;
  const int64_t plane = s.height * s.width;
  const int64_t bins = s.pooledH * s.pooledW;
  at::parallel_for(0, s.rois * blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t task = begin; task < end; ++task) {
      const int64_t k = task / blocks;
      const int64_t c0 = (task % blocks) * kChannelBlock;
      const int64_t c1 = std::min(s.channels, c0 + kChannelBlock);
      const T* roi = rois + 5 * k;
      T* out = output + k * s.channels * bins;
      const RoiGeometry<T> g =
          roiGeometry(roi, spatialScale, s.pooledH, s.pooledW, samplingRatio, aligned);
      if (g.gridH <= 0 || g.gridW <= 0) {  // no samples (or non-finite roi): pools to zero
        std::fill(out + c0 * bins, out + c1 * bins, T(0));
        continue;
      }
      const AxisWeights<T> wy = axisWeights(g.startY, g.binHeight, s.pooledH, g.gridH, s.height);
      const AxisWeights<T> wx = axisWeights(g.startX, g.binWidth, s.pooledW, g.gridW, s.width);
      const T* image = input + static_cast<int64_t>(roi[0]) * s.channels * plane;
      for (int64_t c = c0; c < c1; ++c) {
        const T* data = image + c * plane;
        T* o = out + c * bins;
        for (int64_t ph = 0; ph < s.pooledH; ++ph) {
          const T* wRow = wy.weights.data() + wy.start[ph];
          for (int64_t pw = 0; pw < s.pooledW; ++pw) {
            const T* wCol = wx.weights.data() + wx.start[pw];
            const int64_t x0 = wx.first[pw];
            const int64_t nx = wx.length[pw];
            T sum = T(0);
            for (int64_t r = 0; r < wy.length[ph]; ++r) {
              const T* row = data + (wy.first[ph] + r) * s.width + x0;
              T rowSum = T(0);
              for (int64_t q = 0; q < nx; ++q) rowSum += wCol[q] * row[q];
              sum += wRow[r] * rowSum;
            }
            o[ph * s.pooledW + pw] = sum / g.count;
          }
        }
      }
    }
  });
}

// The same for a channels-last input [N, H, W, C]: every tap is a run of C contiguous values,
// so the per-channel sums become vector loops over channels with the identical arithmetic
// (same taps, same order per channel). Tasks are (roi, output row).
template <typename T>
void roiAlignChannelsLastKernel(const T* input, const T* rois, T* output, RoiAlignSizes s, T spatialScale,
                                int64_t samplingRatio, bool aligned) {
  const int64_t bins = s.pooledH * s.pooledW;
  const int64_t c = s.channels;
  at::parallel_for(0, s.rois * s.pooledH, 1, [&](int64_t begin, int64_t end) {
    std::vector<T> sum(static_cast<size_t>(c)), rowSum(static_cast<size_t>(c));
    for (int64_t task = begin; task < end; ++task) {
      const int64_t k = task / s.pooledH, ph = task % s.pooledH;
      const T* roi = rois + 5 * k;
      T* out = output + k * c * bins;
      const RoiGeometry<T> g = roiGeometry(roi, spatialScale, s.pooledH, s.pooledW, samplingRatio, aligned);
      if (g.gridH <= 0 || g.gridW <= 0) {  // no samples (or non-finite roi): pools to zero
        for (int64_t ch = 0; ch < c; ++ch) std::fill(out + ch * bins + ph * s.pooledW, out + ch * bins + (ph + 1) * s.pooledW, T(0));
        continue;
      }
      const AxisWeights<T> wy = axisWeights(g.startY, g.binHeight, s.pooledH, g.gridH, s.height);
      const AxisWeights<T> wx = axisWeights(g.startX, g.binWidth, s.pooledW, g.gridW, s.width);
      const T* image = input + static_cast<int64_t>(roi[0]) * s.height * s.width * c;
      const T* wRow = wy.weights.data() + wy.start[ph];
      for (int64_t pw = 0; pw < s.pooledW; ++pw) {
        const T* wCol = wx.weights.data() + wx.start[pw];
        const int64_t x0 = wx.first[pw], nx = wx.length[pw];
        std::fill(sum.begin(), sum.end(), T(0));
        for (int64_t r = 0; r < wy.length[ph]; ++r) {
          const T* row = image + ((wy.first[ph] + r) * s.width + x0) * c;
          std::fill(rowSum.begin(), rowSum.end(), T(0));
          for (int64_t q = 0; q < nx; ++q) {
            const T weight = wCol[q];
            const T* tap = row + q * c;
            for (int64_t ch = 0; ch < c; ++ch) rowSum[ch] += weight * tap[ch];
          }
          const T rowWeight = wRow[r];
          for (int64_t ch = 0; ch < c; ++ch) sum[ch] += rowWeight * rowSum[ch];
        }
        for (int64_t ch = 0; ch < c; ++ch) out[ch * bins + ph * s.pooledW + pw] = sum[ch] / g.count;
      }
    }
  });
}

template <typename T>
void checkBatchIndices(const T* rois, int64_t count, int64_t batch) {
  for (int64_t k = 0; k < count; ++k) {
    const T index = rois[5 * k];
    TORCH_CHECK(index >= T(0) && index < T(batch), "sam3::roi_align: `rois` row ", k,
                " has batch index ", index, " outside [0, ", batch, ")");
  }
}

at::Tensor roiAlignCpu(const at::Tensor& input, const at::Tensor& rois, double spatialScale,
                       int64_t pooledHeight, int64_t pooledWidth, int64_t samplingRatio,
                       bool aligned) {
  checkRoiAlignArgs(input, rois, spatialScale, pooledHeight, pooledWidth, samplingRatio);
  const RoiAlignSizes s{input.size(1), input.size(2), input.size(3),
                        pooledHeight,  pooledWidth,   rois.size(0)};
  at::Tensor output = at::zeros({s.rois, s.channels, pooledHeight, pooledWidth}, input.options());
  if (output.numel() == 0) return output;
  // A channels-last input (e.g. the geometry encoder's [HW, 1, C] sequence viewed as a map) is
  // read in place; the output is contiguous either way.
  const bool channelsLast = !input.is_contiguous() && input.is_contiguous(at::MemoryFormat::ChannelsLast);
  const at::Tensor in = channelsLast ? input : input.contiguous();
  const at::Tensor r = rois.contiguous();
  AT_DISPATCH_FLOATING_TYPES(in.scalar_type(), "sam3_roi_align_cpu", [&] {
    checkBatchIndices(r.data_ptr<scalar_t>(), s.rois, in.size(0));
    if (s.height == 0 || s.width == 0) return;
    // torchvision converts spatial_scale to the tensor dtype inside the kernel.
    const auto kernel = channelsLast ? roiAlignChannelsLastKernel<scalar_t> : roiAlignKernel<scalar_t>;
    kernel(in.data_ptr<scalar_t>(), r.data_ptr<scalar_t>(), output.data_ptr<scalar_t>(), s,
           static_cast<scalar_t>(spatialScale), samplingRatio, aligned);
  });
  return output;
}

}  // namespace
}  // namespace sam3::ops

TORCH_LIBRARY_IMPL(sam3, CPU, m) { m.impl("roi_align", &sam3::ops::roiAlignCpu); }
