// CUDA backend of the sam3 ops for a CUDA-enabled LibTorch: validate, guard the device,
// allocate, return early when empty, make contiguous, launch on the current stream, check.
// Built only when LibTorch has CUDA (SAM3_WITH_CUDA_OPS).

#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/library.h>

#include "engine/ops/OpsChecks.h"
#include "engine/ops/OpsRegistry.h"
#include "engine/ops/cuda/SamplingKernels.h"

namespace sam3::ops {
namespace {

cuda::ScalarKind scalarKind(const at::Tensor& t) {
  switch (t.scalar_type()) {
    case at::kFloat: return cuda::ScalarKind::Float32;
    case at::kDouble: return cuda::ScalarKind::Float64;
    case at::kHalf: return cuda::ScalarKind::Float16;
    case at::kBFloat16: return cuda::ScalarKind::BFloat16;
    default: TORCH_CHECK(false, "sam3 sampling ops on CUDA: unsupported dtype ", t.scalar_type());
  }
}

void* currentStream() { return at::cuda::getCurrentCUDAStream().stream(); }

void checkLaunch(const char* error, const char* op) {
  TORCH_CHECK(error == nullptr, op, ": CUDA kernel launch failed: ", error);
}

at::Tensor gridSampleCuda(const at::Tensor& input, const at::Tensor& grid, int64_t mode,
                          int64_t padding, bool alignCorners) {
  checkGridSampleArgs(input, grid, mode, padding);
  const c10::cuda::CUDAGuard guard(input.device());
  at::Tensor output =
      at::empty({input.size(0), input.size(1), grid.size(1), grid.size(2)}, input.options());
  if (output.numel() == 0) return output;
  const at::Tensor in = input.contiguous();
  const at::Tensor g = grid.contiguous();
  const cuda::GridSampleArgs args{in.data_ptr(),  g.data_ptr(), output.data_ptr(), in.size(0),
                                  in.size(1),     in.size(2),   in.size(3),        g.size(1),
                                  g.size(2),      mode,         padding,           alignCorners,
                                  scalarKind(in)};
  checkLaunch(cuda::launchGridSample(args, currentStream()), "sam3::grid_sample");
  return output;
}

at::Tensor roiAlignCuda(const at::Tensor& input, const at::Tensor& rois, double spatialScale,
                        int64_t pooledHeight, int64_t pooledWidth, int64_t samplingRatio,
                        bool aligned) {
  checkRoiAlignArgs(input, rois, spatialScale, pooledHeight, pooledWidth, samplingRatio);
  const c10::cuda::CUDAGuard guard(input.device());
  at::Tensor output =
      at::zeros({rois.size(0), input.size(1), pooledHeight, pooledWidth}, input.options());
  if (output.numel() == 0 || input.size(2) == 0 || input.size(3) == 0) return output;
  const at::Tensor in = input.contiguous();
  const at::Tensor r = rois.contiguous();
  const cuda::RoiAlignArgs args{in.data_ptr(), r.data_ptr(),  output.data_ptr(), in.size(0),
                                in.size(1),    in.size(2),    in.size(3),        r.size(0),
                                pooledHeight,  pooledWidth,   spatialScale,      samplingRatio,
                                aligned,       scalarKind(in)};
  checkLaunch(cuda::launchRoiAlign(args, currentStream()), "sam3::roi_align");
  return output;
}

at::Tensor samplePointsSeqCuda(const at::Tensor& featsSeq, const at::Tensor& points,
                               int64_t height, int64_t width) {
  checkSamplePointsSeqArgs(featsSeq, points, height, width);
  const c10::cuda::CUDAGuard guard(featsSeq.device());
  at::Tensor output =
      at::empty({points.size(0), featsSeq.size(1), featsSeq.size(2)}, featsSeq.options());
  if (output.numel() == 0) return output;
  const at::Tensor feats = featsSeq.contiguous();
  const at::Tensor pts = points.contiguous();
  const cuda::SamplePointsSeqArgs args{feats.data_ptr(), pts.data_ptr(), output.data_ptr(),
                                       pts.size(0),      feats.size(1),  feats.size(2),
                                       height,           width,          scalarKind(feats)};
  checkLaunch(cuda::launchSamplePointsSeq(args, currentStream()), "sam3::sample_points_seq");
  return output;
}

}  // namespace

int cudaComputeCapabilityMajor(int device) { return cuda::computeCapabilityMajor(device); }

}  // namespace sam3::ops

TORCH_LIBRARY_IMPL(sam3, CUDA, m) {
  m.impl("grid_sample", &sam3::ops::gridSampleCuda);
  m.impl("roi_align", &sam3::ops::roiAlignCuda);
  m.impl("sample_points_seq", &sam3::ops::samplePointsSeqCuda);
}
