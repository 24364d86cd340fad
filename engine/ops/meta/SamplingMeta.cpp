// Shape-only kernels of the sam3 ops for the meta device. With them a whole module runs on
// meta tensors, which fails on any tensor left on another device: the tests check the device
// placement a GPU needs without one. The argument checks are the real ones (they read no data).

#include <torch/library.h>

#include "engine/ops/OpsChecks.h"

namespace sam3::ops {
namespace {

at::Tensor gridSampleMeta(const at::Tensor& input, const at::Tensor& grid, int64_t mode, int64_t padding, bool alignCorners) {
  (void)alignCorners;
  checkGridSampleArgs(input, grid, mode, padding);
  return at::empty({input.size(0), input.size(1), grid.size(1), grid.size(2)}, input.options());
}

at::Tensor roiAlignMeta(const at::Tensor& input, const at::Tensor& rois, double spatialScale, int64_t pooledHeight,
                        int64_t pooledWidth, int64_t samplingRatio, bool aligned) {
  (void)aligned;
  checkRoiAlignArgs(input, rois, spatialScale, pooledHeight, pooledWidth, samplingRatio);
  return at::empty({rois.size(0), input.size(1), pooledHeight, pooledWidth}, input.options());
}

at::Tensor samplePointsSeqMeta(const at::Tensor& featsSeq, const at::Tensor& points, int64_t height, int64_t width) {
  checkSamplePointsSeqArgs(featsSeq, points, height, width);
  return at::empty({points.size(0), points.size(1), featsSeq.size(2)}, featsSeq.options());
}

}  // namespace
}  // namespace sam3::ops

TORCH_LIBRARY_IMPL(sam3, Meta, m) {
  m.impl("grid_sample", &sam3::ops::gridSampleMeta);
  m.impl("roi_align", &sam3::ops::roiAlignMeta);
  m.impl("sample_points_seq", &sam3::ops::samplePointsSeqMeta);
}
