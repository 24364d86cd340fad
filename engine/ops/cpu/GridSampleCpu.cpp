// CPU kernel of sam3::grid_sample: one task per output point computes its source coordinates
// and weights once, then walks every channel.

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/library.h>

#include "engine/ops/OpsChecks.h"
#include "engine/ops/SamplingMath.h"
#include "engine/ops/ModeDispatch.h"

namespace sam3::ops {
namespace {

struct GridSampleSizes {
  int64_t batch, channels, height, width, points;
};

template <typename T, Interpolation kMode, Padding kPadding, bool kAlign>
void gridSampleKernel(const T* input, const T* grid, T* output, GridSampleSizes s) {
  const int64_t planeIn = s.height * s.width;
  // Aim for a few thousand multiply-adds per task before splitting across threads.
  const int64_t grain = std::max<int64_t>(1, 4096 / std::max<int64_t>(1, s.channels));
  at::parallel_for(0, s.batch * s.points, grain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const int64_t n = i / s.points;
      const int64_t p = i % s.points;
      const T x = sourceCoordinate(grid[2 * i], s.width, kPadding, kAlign);
      const T y = sourceCoordinate(grid[2 * i + 1], s.height, kPadding, kAlign);
      const T* in = input + n * s.channels * planeIn;
      T* out = output + n * s.channels * s.points + p;
      samplePointAllChannels<kMode>(
          in, planeIn, s.channels, x, y, s.height, s.width, [](const T* v) { return *v; },
          [out, points = s.points](int64_t c, T value) { out[c * points] = value; });
    }
  });
}

at::Tensor gridSampleCpu(const at::Tensor& input, const at::Tensor& grid, int64_t mode,
                         int64_t padding, bool alignCorners) {
  checkGridSampleArgs(input, grid, mode, padding);
  const GridSampleSizes s{input.size(0), input.size(1), input.size(2), input.size(3),
                          grid.size(1) * grid.size(2)};
  at::Tensor output = at::empty({s.batch, s.channels, grid.size(1), grid.size(2)}, input.options());
  if (output.numel() == 0) return output;
  const at::Tensor in = input.contiguous();
  const at::Tensor g = grid.contiguous();
  AT_DISPATCH_FLOATING_TYPES(in.scalar_type(), "sam3_grid_sample_cpu", [&] {
    dispatchSamplingModes(
        static_cast<Interpolation>(mode), static_cast<Padding>(padding), alignCorners,
        [&](auto m, auto p, auto a) {
          gridSampleKernel<scalar_t, decltype(m)::value, decltype(p)::value, decltype(a)::value>(
              in.data_ptr<scalar_t>(), g.data_ptr<scalar_t>(), output.data_ptr<scalar_t>(), s);
        });
  });
  return output;
}

}  // namespace
}  // namespace sam3::ops

TORCH_LIBRARY_IMPL(sam3, CPU, m) { m.impl("grid_sample", &sam3::ops::gridSampleCpu); }
