#include "engine/ops/OpsChecks.h"

#include "engine/ops/SamplingMath.h"

namespace sam3::ops {
namespace {

void checkFloating(const at::Tensor& t, const char* name) {
  TORCH_CHECK(at::isFloatingType(t.scalar_type()), "sam3 sampling ops: `", name,
              "` must be a floating-point tensor, got ", t.scalar_type());
}

void checkSameDeviceAndDtype(const at::Tensor& a, const char* nameA, const at::Tensor& b,
                             const char* nameB) {
  TORCH_CHECK(a.device() == b.device(), "sam3 sampling ops: `", nameA, "` is on ", a.device(),
              " but `", nameB, "` is on ", b.device());
  TORCH_CHECK(a.scalar_type() == b.scalar_type(), "sam3 sampling ops: `", nameA, "` is ",
              a.scalar_type(), " but `", nameB, "` is ", b.scalar_type(),
              "; both must have the same dtype");
}

void checkCpuDtype(const at::Tensor& t, const char* name) {
  if (t.device().is_cpu()) {
    TORCH_CHECK(t.scalar_type() == at::kFloat || t.scalar_type() == at::kDouble,
                "sam3 sampling ops: `", name, "` on CPU must be float32 or float64, got ",
                t.scalar_type());
  }
}

}  // namespace

void checkGridSampleArgs(const at::Tensor& input, const at::Tensor& grid, int64_t mode,
                         int64_t padding) {
  TORCH_CHECK(input.dim() == 4, "sam3::grid_sample: `input` must be 4-D [N,C,H,W], got ",
              input.dim(), "-D ", input.sizes());
  TORCH_CHECK(grid.dim() == 4 && grid.size(3) == 2,
              "sam3::grid_sample: `grid` must be [N,H_out,W_out,2], got ", grid.sizes());
  TORCH_CHECK(input.size(0) == grid.size(0), "sam3::grid_sample: `input` batch ",
              input.size(0), " differs from `grid` batch ", grid.size(0));
  TORCH_CHECK(input.size(2) > 0 && input.size(3) > 0,
              "sam3::grid_sample: `input` spatial size must be non-empty, got ", input.sizes());
  TORCH_CHECK(mode == static_cast<int64_t>(Interpolation::Bilinear) ||
                  mode == static_cast<int64_t>(Interpolation::Nearest),
              "sam3::grid_sample: `mode` must be 0 (bilinear) or 1 (nearest), got ", mode);
  TORCH_CHECK(padding >= 0 && padding <= 2,
              "sam3::grid_sample: `padding_mode` must be 0 (zeros), 1 (border) or 2 "
              "(reflection), got ",
              padding);
  checkFloating(input, "input");
  checkSameDeviceAndDtype(input, "input", grid, "grid");
  checkCpuDtype(input, "input");
}

void checkRoiAlignArgs(const at::Tensor& input, const at::Tensor& rois, double spatialScale,
                       int64_t pooledHeight, int64_t pooledWidth, int64_t samplingRatio) {
  TORCH_CHECK(input.dim() == 4, "sam3::roi_align: `input` must be 4-D [N,C,H,W], got ",
              input.dim(), "-D ", input.sizes());
  TORCH_CHECK(rois.dim() == 2 && rois.size(1) == 5,
              "sam3::roi_align: `rois` must be [K,5] rows (batch_index, x1, y1, x2, y2), got ",
              rois.sizes());
  TORCH_CHECK(pooledHeight > 0 && pooledWidth > 0,
              "sam3::roi_align: output size must be positive, got pooled_height=", pooledHeight,
              " pooled_width=", pooledWidth);
  TORCH_CHECK(std::isfinite(spatialScale) && spatialScale > 0,
              "sam3::roi_align: `spatial_scale` must be finite and positive, got ", spatialScale);
  (void)samplingRatio;  // <= 0 means adaptive, any value is valid
  checkFloating(input, "input");
  checkSameDeviceAndDtype(input, "input", rois, "rois");
  checkCpuDtype(input, "input");
}

void checkSamplePointsSeqArgs(const at::Tensor& featsSeq, const at::Tensor& points,
                              int64_t height, int64_t width) {
  TORCH_CHECK(featsSeq.dim() == 3,
              "sam3::sample_points_seq: `feats_seq` must be 3-D [H*W,B,C], got ",
              featsSeq.sizes());
  TORCH_CHECK(height > 0 && width > 0, "sam3::sample_points_seq: `H` and `W` must be positive, got ",
              height, "x", width);
  TORCH_CHECK(featsSeq.size(0) == height * width, "sam3::sample_points_seq: `feats_seq` has ",
              featsSeq.size(0), " tokens but H*W = ", height * width);
  TORCH_CHECK(points.dim() == 3 && points.size(2) == 2,
              "sam3::sample_points_seq: `points` must be [N,B,2], got ", points.sizes());
  TORCH_CHECK(points.size(1) == featsSeq.size(1), "sam3::sample_points_seq: `points` batch ",
              points.size(1), " differs from `feats_seq` batch ", featsSeq.size(1));
  checkFloating(featsSeq, "feats_seq");
  checkSameDeviceAndDtype(featsSeq, "feats_seq", points, "points");
  checkCpuDtype(featsSeq, "feats_seq");
}

}  // namespace sam3::ops
