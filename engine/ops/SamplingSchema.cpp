// The sam3 op schemas (one place) and the C++ entry points that call them through the
// dispatcher, so a C++ caller and a TorchScript graph take the same path.

#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/library.h>

#include "engine/ops/SamplingOps.h"

TORCH_LIBRARY(sam3, m) {
  m.def("grid_sample(Tensor input, Tensor grid, int mode, int padding_mode, bool align_corners)"
        " -> Tensor");
  m.def("roi_align(Tensor input, Tensor rois, float spatial_scale, int pooled_height,"
        " int pooled_width, int sampling_ratio, bool aligned) -> Tensor");
  m.def("sample_points_seq(Tensor feats_seq, Tensor points, int H, int W) -> Tensor");
}

namespace sam3::ops {

at::Tensor gridSample(const at::Tensor& input, const at::Tensor& grid, Interpolation mode,
                      Padding padding, bool alignCorners) {
  static const auto op = c10::Dispatcher::singleton()
                             .findSchemaOrThrow("sam3::grid_sample", "")
                             .typed<at::Tensor(const at::Tensor&, const at::Tensor&, int64_t,
                                               int64_t, bool)>();
  return op.call(input, grid, static_cast<int64_t>(mode), static_cast<int64_t>(padding),
                 alignCorners);
}

at::Tensor roiAlign(const at::Tensor& input, const at::Tensor& rois, double spatialScale,
                    int64_t pooledHeight, int64_t pooledWidth, int64_t samplingRatio,
                    bool aligned) {
  static const auto op = c10::Dispatcher::singleton()
                             .findSchemaOrThrow("sam3::roi_align", "")
                             .typed<at::Tensor(const at::Tensor&, const at::Tensor&, double,
                                               int64_t, int64_t, int64_t, bool)>();
  return op.call(input, rois, spatialScale, pooledHeight, pooledWidth, samplingRatio, aligned);
}

at::Tensor roiAlign(const at::Tensor& input, const std::vector<at::Tensor>& boxesPerImage,
                    double spatialScale, int64_t pooledHeight, int64_t pooledWidth,
                    int64_t samplingRatio, bool aligned) {
  TORCH_CHECK(static_cast<int64_t>(boxesPerImage.size()) <= input.size(0),
              "sam3::roi_align: ", boxesPerImage.size(), " box lists given for ", input.size(0),
              " images");
  std::vector<at::Tensor> rows;
  rows.reserve(boxesPerImage.size());
  for (size_t i = 0; i < boxesPerImage.size(); ++i) {
    const at::Tensor& boxes = boxesPerImage[i];
    TORCH_CHECK(boxes.dim() == 2 && boxes.size(1) == 4, "sam3::roi_align: box list ", i,
                " must be [K,4] (x1, y1, x2, y2), got ", boxes.sizes());
    const at::Tensor index = at::full({boxes.size(0), 1}, static_cast<double>(i), boxes.options());
    rows.push_back(at::cat({index, boxes}, 1));
  }
  const at::Tensor rois = rows.empty() ? at::empty({0, 5}, input.options()) : at::cat(rows, 0);
  return roiAlign(input, rois, spatialScale, pooledHeight, pooledWidth, samplingRatio, aligned);
}

at::Tensor samplePointsSeq(const at::Tensor& featsSeq, const at::Tensor& points, int64_t height,
                           int64_t width) {
  static const auto op = c10::Dispatcher::singleton()
                             .findSchemaOrThrow("sam3::sample_points_seq", "")
                             .typed<at::Tensor(const at::Tensor&, const at::Tensor&, int64_t,
                                               int64_t)>();
  return op.call(featsSeq, points, height, width);
}

}  // namespace sam3::ops
