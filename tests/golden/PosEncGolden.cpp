// Kind "sam3_pos_enc": the sine image encoding of the neck levels (codes per axis, spot
// samples, full tensors where stored) and the random-Fourier encoding (dense grid, arbitrary
// grids, click coordinates) against the reference.

#include "GoldenRunner.h"
#include "engine/weights/torch/SafetensorsTorch.h"
#include "engine/sam3/PositionEmbeddingRandom.h"
#include "engine/sam3/PositionEmbeddingSine.h"

namespace sam3::golden {
namespace {

void runPosEnc(const nlohmann::json& manifest, const std::filesystem::path& base, Report& report) {
  noteCpuOnly("sam3_pos_enc");
  const auto& tolerances = manifest.at("tolerances_float32");
  const Tolerance sineTol{tolerances.at("sine").value("rtol", 0.0), tolerances.at("sine").value("atol", 0.0)};
  const Tolerance randomTol{tolerances.at("random").value("rtol", 0.0), tolerances.at("random").value("atol", 0.0)};
  for (const auto& c : manifest.at("cases")) {
    const std::string name = c.at("name");
    try {
      const weights::SafetensorsFile file = weights::SafetensorsFile::open((base / c.at("file").get<std::string>()).string());
      Comparison result;
      int compared = 0;
      auto compare = [&](const std::string& tensor, const at::Tensor& ours, Tolerance tol) {
        if (!file.contains(tensor)) return;
        const Comparison one = compareTensors(ours, weights::loadTensor(file, tensor).to(at::kFloat), tol);
        ++compared;
        result.maxAbsError = std::max(result.maxAbsError, one.maxAbsError);
        if (!one.ok()) result.problem += " " + tensor + " (" + c10::str(one.maxAbsError) + one.problem + ")";
      };
      const auto& meta = c.at("metadata");
      if (name.rfind("sine_", 0) == 0) {
        const int64_t h = meta.at("H"), w = meta.at("W"), b = meta.value("B", int64_t(1));
        const model::PositionEmbeddingSine pe(meta.at("args").value("num_pos_feats", int64_t(256)),
                                              meta.at("args").value("temperature", 10000.0));
        const at::Tensor map = pe.imageEncoding(h, w)[0];  // [C, H, W]
        const int64_t half = map.size(0) / 2;
        compare("pos_y_code", map.slice(0, 0, half).select(2, 0).t(), sineTol);
        compare("pos_x_code", map.slice(0, half).select(1, 0).t(), sineTol);
        if (file.contains("sample_yx")) {
          const at::Tensor yx = weights::loadTensor(file, "sample_yx").to(at::kLong);
          compare("sample_pe", map.permute({1, 2, 0}).index({yx.select(1, 0), yx.select(1, 1)}), sineTol);
        }
        compare("pe_full", map.unsqueeze(0).expand({b, -1, -1, -1}), sineTol);
      } else {
        const model::PositionEmbeddingRandom pe(weights::loadTensor(file, "gaussian_matrix"));
        if (file.contains("dense_pe")) compare("dense_pe", pe.grid(meta.at("H"), meta.at("W")).unsqueeze(0), randomTol);
        if (file.contains("grid_pe")) compare("grid_pe", pe.grid(meta.at("H"), meta.at("W")), randomTol);
        if (file.contains("coords_pe")) {
          const at::Tensor size = weights::loadTensor(file, "image_size").to(at::kLong);
          compare("coords_pe", pe.encodeCoords(weights::loadTensor(file, "coords_input"), size[0].item<int64_t>(), size[1].item<int64_t>()),
                  randomTol);
        }
      }
      if (compared == 0) result.problem = "no tensor compared";
      report.record(name + " [" + std::to_string(compared) + " tensors]", result);
    } catch (const std::exception& e) {
      report.fail(name, e.what());
    }
  }
}

const KindRegistration registration("sam3_pos_enc", &runPosEnc);

}  // namespace
}  // namespace sam3::golden
