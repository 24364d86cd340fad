#pragma once
// Test oracle: a direct scalar port of torchvision's CPU roi_align loop (per sample, four taps,
// divide by the sample count). Slow and independent of the separable kernel under test.

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

namespace sam3::test {

template <typename T>
T oracleBilinear(const T* data, int64_t height, int64_t width, T y, T x) {
  if (y < -1.0 || y > height || x < -1.0 || x > width) return 0;
  if (y <= 0) y = 0;
  if (x <= 0) x = 0;
  int64_t yLow = static_cast<int64_t>(y), xLow = static_cast<int64_t>(x), yHigh, xHigh;
  if (yLow >= height - 1) { yHigh = yLow = height - 1; y = T(yLow); } else { yHigh = yLow + 1; }
  if (xLow >= width - 1) { xHigh = xLow = width - 1; x = T(xLow); } else { xHigh = xLow + 1; }
  const T ly = y - yLow, lx = x - xLow, hy = T(1) - ly, hx = T(1) - lx;
  return hy * hx * data[yLow * width + xLow] + hy * lx * data[yLow * width + xHigh] +
         ly * hx * data[yHigh * width + xLow] + ly * lx * data[yHigh * width + xHigh];
}

template <typename T>
void oracleKernel(const at::Tensor& input, const at::Tensor& rois, at::Tensor& out, T scale,
                  int64_t outH, int64_t outW, int64_t ratio, bool aligned) {
  const int64_t channels = input.size(1), height = input.size(2), width = input.size(3);
  for (int64_t k = 0; k < rois.size(0); ++k) {
    const T* r = rois.data_ptr<T>() + 5 * k;
    const T offset = aligned ? T(0.5) : T(0);
    const T x0 = r[1] * scale - offset, y0 = r[2] * scale - offset;
    T roiW = r[3] * scale - offset - x0, roiH = r[4] * scale - offset - y0;
    if (!aligned) { roiW = std::max(roiW, T(1)); roiH = std::max(roiH, T(1)); }
    const T binH = roiH / outH, binW = roiW / outW;
    const int64_t gridH = ratio > 0 ? ratio : int64_t(std::ceil(roiH / outH));
    const int64_t gridW = ratio > 0 ? ratio : int64_t(std::ceil(roiW / outW));
    const T count = std::max<int64_t>(gridH * gridW, 1);
    for (int64_t c = 0; c < channels; ++c) {
      const T* data = input[int64_t(r[0])][c].data_ptr<T>();
      for (int64_t ph = 0; ph < outH; ++ph)
        for (int64_t pw = 0; pw < outW; ++pw) {
          T sum = 0;
          for (int64_t iy = 0; iy < gridH; ++iy) {
            const T y = y0 + ph * binH + static_cast<T>(iy + .5f) * binH / static_cast<T>(gridH);
            for (int64_t ix = 0; ix < gridW; ++ix) {
              const T x = x0 + pw * binW + static_cast<T>(ix + .5f) * binW / static_cast<T>(gridW);
              sum += oracleBilinear(data, height, width, y, x);
            }
          }
          out[k][c][ph][pw] = sum / count;
        }
    }
  }
}

inline at::Tensor roiAlignOracle(const at::Tensor& input, const at::Tensor& rois, double scale,
                                 int64_t outH, int64_t outW, int64_t ratio, bool aligned) {
  const at::Tensor in = input.contiguous();
  const at::Tensor r = rois.contiguous();
  at::Tensor out = at::zeros({rois.size(0), input.size(1), outH, outW}, input.options());
  if (input.scalar_type() == at::kDouble) {
    oracleKernel<double>(in, r, out, scale, outH, outW, ratio, aligned);
  } else {
    oracleKernel<float>(in, r, out, static_cast<float>(scale), outH, outW, ratio, aligned);
  }
  return out;
}

}  // namespace sam3::test
