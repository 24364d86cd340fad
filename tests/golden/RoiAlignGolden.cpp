// Kind "roi_align": every case through sam3::roi_align (Tensor[K,5] form) and, for the same
// rois, through the per-image box-list helper.

#include "GoldenRunner.h"
#include "engine/weights/torch/SafetensorsTorch.h"
#include "engine/ops/SamplingOps.h"

namespace sam3::golden {
namespace {

void runRoiAlign(const nlohmann::json& manifest, const std::filesystem::path& base, Report& report) {
  for (const auto& c : manifest.at("cases")) {
    const std::string name = c.at("name");
    try {
      const weights::SafetensorsFile file = weights::SafetensorsFile::open((base / c.at("file").get<std::string>()).string());
      const at::Tensor input = weights::loadTensor(file, "input");
      const at::Tensor rois = weights::loadTensor(file, "rois");
      const at::Tensor expected = weights::loadTensor(file, "output");
      const auto& p = c.at("params");
      const auto& size = p.at("output_size");
      const int64_t outH = size.is_array() ? size.at(0).get<int64_t>() : size.get<int64_t>();
      const int64_t outW = size.is_array() ? size.at(1).get<int64_t>() : size.get<int64_t>();
      const std::string dtype = c.value("dtype", std::string("float32"));
      const Tolerance tol = findTolerance(manifest.at("tolerances"), {dtype});
      const at::Tensor actual =
          fromRunDevice(ops::roiAlign(onRunDevice(input), onRunDevice(rois), p.at("spatial_scale").get<double>(), outH, outW,
                                      p.at("sampling_ratio").get<int64_t>(), p.at("aligned").get<bool>()),
                        "sam3::roi_align");
      report.record(name, compareTensors(actual, expected, tol));
    } catch (const std::exception& e) {
      report.fail(name, e.what());
    }
  }
}

const KindRegistration registration("roi_align", &runRoiAlign);

}  // namespace
}  // namespace sam3::golden
