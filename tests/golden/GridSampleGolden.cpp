// Kind "grid_sample": every case through sam3::grid_sample, plus the sequence-first
// sample_points_seq for cases shaped like the geometry encoder's point pooling.

#include "GoldenRunner.h"
#include "engine/weights/torch/SafetensorsTorch.h"
#include "engine/ops/SamplingOps.h"

namespace sam3::golden {
namespace {

using ops::Interpolation;
using ops::Padding;

Interpolation parseMode(const std::string& mode) {
  if (mode == "bilinear") return Interpolation::Bilinear;
  if (mode == "nearest") return Interpolation::Nearest;
  throw std::runtime_error("unsupported grid_sample mode '" + mode + "'");
}

Padding parsePadding(const std::string& padding) {
  if (padding == "zeros") return Padding::Zeros;
  if (padding == "border") return Padding::Border;
  if (padding == "reflection") return Padding::Reflection;
  throw std::runtime_error("unsupported padding_mode '" + padding + "'");
}

void runGridSample(const nlohmann::json& manifest, const std::filesystem::path& base,
                   Report& report) {
  for (const auto& c : manifest.at("cases")) {
    const std::string name = c.at("name");
    try {
      const weights::SafetensorsFile file = weights::SafetensorsFile::open((base / c.at("file").get<std::string>()).string());
      const at::Tensor input = weights::loadTensor(file, "input");
      const at::Tensor grid = weights::loadTensor(file, "grid");
      const at::Tensor expected = weights::loadTensor(file, "output");
      const auto& params = c.at("params");
      const std::string mode = params.at("mode");
      const std::string dtype = c.value("dtype", std::string("float32"));
      const bool alignCorners = params.at("align_corners");
      const Tolerance tol = findTolerance(manifest.at("tolerances"), {dtype + " " + mode, dtype});
      const at::Tensor actual = fromRunDevice(ops::gridSample(onRunDevice(input), onRunDevice(grid), parseMode(mode),
                                                              parsePadding(params.at("padding_mode")), alignCorners),
                                              "sam3::grid_sample");
      report.record(name, compareTensors(actual, expected, tol));

      // The geometry encoder's case also runs through the sequence-first variant: grid is
      // points * 2 - 1 of shape [B, N, 1, 2].
      if (mode == "bilinear" && params.at("padding_mode") == "zeros" && !alignCorners &&
          grid.size(2) == 1) {
        const int64_t h = input.size(2), w = input.size(3);
        const at::Tensor featsSeq = input.flatten(2).permute({2, 0, 1}).contiguous();  // [HW,B,C]
        const at::Tensor points = ((grid.squeeze(2) + 1) / 2).permute({1, 0, 2}).contiguous();
        const at::Tensor seq = fromRunDevice(ops::samplePointsSeq(onRunDevice(featsSeq), onRunDevice(points), h, w),
                                             "sam3::sample_points_seq");  // [N,B,C]
        const at::Tensor asGrid = seq.permute({1, 2, 0}).unsqueeze(3);     // [B,C,N,1]
        report.record(name + " [sample_points_seq]", compareTensors(asGrid, expected, tol));
      }
    } catch (const std::exception& e) {
      report.fail(name, e.what());
    }
  }
}

const KindRegistration registration("grid_sample", &runGridSample);

}  // namespace
}  // namespace sam3::golden
