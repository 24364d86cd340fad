// Kind "sam3_geometry_encoder": every case through the native GeometryEncoder with the case's
// config, weights and image features. Output rows are compared where output.mask == 0 and the
// mask exactly; the inter.* stage tensors are compared too, so a failure names the stage.

#include <optional>

#include "GoldenRunner.h"
#include "engine/weights/torch/SafetensorsTorch.h"
#include "engine/sam3/GeometryEncoder.h"

namespace sam3::golden {
namespace {

using model::GeometryEncoder;

struct ConfigData {
  std::unique_ptr<GeometryEncoder> encoder;
  at::Tensor feats;      // [HW, N_img, C] float32
  at::Tensor positions;  // [HW, 1, C]
  int64_t height = 0, width = 0;
};

bool isSequenceStage(const std::string& name) {
  return name.rfind("inter.final_proj.", 0) == 0 || name == "inter.norm.output" || name.rfind("inter.encode.", 0) == 0;
}

prompt::GeometryPrompt buildPrompt(const weights::SafetensorsFile& file, const nlohmann::json& c) {
  if (c.contains("prompt_construction")) {  // dummy prompt, then append_boxes, then append_points
    prompt::GeometryPrompt p = prompt::GeometryPrompt::empty(c.at("batch_size").get<int64_t>());
    p.appendBoxes(weights::loadTensor(file, "append.boxes"), weights::loadTensor(file, "append.box_labels"));
    p.appendPoints(weights::loadTensor(file, "append.points"), weights::loadTensor(file, "append.point_labels"));
    return p;
  }
  return prompt::GeometryPrompt::create(weights::loadTensor(file, "prompt.box_embeddings"), weights::loadTensor(file, "prompt.box_labels"),
                                        weights::loadTensor(file, "prompt.box_mask"), weights::loadTensor(file, "prompt.point_embeddings"),
                                        weights::loadTensor(file, "prompt.point_labels"), weights::loadTensor(file, "prompt.point_mask"));
}

// The prompt we built must equal the one the reference resolved (same padding, same order).
Comparison comparePrompt(const prompt::GeometryPrompt& p, const weights::SafetensorsFile& file) {
  Comparison total;
  const std::pair<const char*, at::Tensor> fields[] = {
      {"prompt.box_embeddings", p.boxes()},      {"prompt.box_labels", p.boxLabels()}, {"prompt.box_mask", p.boxMask()},
      {"prompt.point_embeddings", p.points()}, {"prompt.point_labels", p.pointLabels()}, {"prompt.point_mask", p.pointMask()}};
  for (const auto& [name, tensor] : fields) {
    const Comparison c = compareTensors(tensor.to(at::kDouble), weights::loadTensor(file, name).to(at::kDouble), {0, 0});
    if (!c.ok()) total.problem += std::string(total.problem.empty() ? "" : ", ") + name + " differs";
  }
  return total;
}

void runGeometry(const nlohmann::json& manifest, const std::filesystem::path& base, Report& report) {
  std::map<std::string, ConfigData> configs;
  const auto& tolerances = manifest.at("tolerances");
  const Tolerance outTol = findTolerance(tolerances, {"output.embeds (valid rows, output.mask==0)"});
  const Tolerance interTol = findTolerance(tolerances, {"inter.*"});
  for (const auto& c : manifest.at("cases")) {
    const std::string name = c.at("name");
    try {
      const std::string configName = c.at("config");
      ConfigData& cfg = configs[configName];
      if (!cfg.encoder) {
        const auto& configJson = manifest.at("configs").at(configName);
        const auto config = model::GeometryEncoderConfig::fromConstructorArgs(configJson.at("constructor_args"));
        const std::string weightsPath = (base / configJson.at("weights_file").get<std::string>()).string();
        cfg.encoder =
            std::make_unique<GeometryEncoder>(config, model::loadSafetensorsStateDict(weightsPath), weightsPath, runDevice());
        const auto& featuresJson = manifest.at("features").at(configName);
        const weights::SafetensorsFile features = weights::SafetensorsFile::open((base / featuresJson.at("file").get<std::string>()).string());
        cfg.feats = weights::loadTensor(features, featuresJson.value("img_feats_tensor", std::string("img_feats"))).to(at::kFloat);
        const weights::SafetensorsFile posFile = weights::SafetensorsFile::open((base / featuresJson.at("pos_file").get<std::string>()).string());
        cfg.positions = weights::loadTensor(posFile, featuresJson.value("pos_tensor", std::string("img_pos_embeds"))).to(at::kFloat);
        cfg.height = featuresJson.at("img_size").at(0);
        cfg.width = featuresJson.at("img_size").at(1);
      }
      const weights::SafetensorsFile file = weights::SafetensorsFile::open((base / c.at("file").get<std::string>()).string());
      const at::Tensor imageIds = weights::loadTensor(file, "image_ids");
      const at::Tensor feats = cfg.feats.index_select(1, imageIds);
      const at::Tensor positions = cfg.positions.expand({cfg.positions.size(0), imageIds.size(0), cfg.positions.size(2)});
      const prompt::GeometryPrompt prompt = buildPrompt(file, c);
      const model::GeometryImageContext image = cfg.encoder->prepareImage(feats, positions, cfg.height, cfg.width);
      model::Intermediates stages;
      model::GeometryEncoding result = cfg.encoder->encode(prompt, image, &stages);
      result.embeddings = fromRunDevice(result.embeddings, "the geometry encoder");
      result.mask = result.mask.cpu();

      const at::Tensor expectedMask = weights::loadTensor(file, "output.mask").to(at::kBool);
      const at::Tensor validRows = expectedMask.logical_not().t().unsqueeze(2);  // [L,B,1]
      Comparison out = compareTensors(result.embeddings, weights::loadTensor(file, "output.embeds"), outTol, validRows);
      if (!result.mask.sizes().equals(expectedMask.sizes()) || !at::equal(result.mask, expectedMask)) {
        out.problem += " output.mask differs";
      }
      const Comparison promptCheck = comparePrompt(prompt, file);
      out.problem += promptCheck.problem;
      report.record(name, out);

      // Stages: one line per case naming every stage outside tolerance.
      Comparison stagesResult;
      int compared = 0;
      for (const std::string& tensorName : file.names()) {
        if (tensorName.rfind("inter.", 0) != 0) continue;
        const auto ours = stages.find(tensorName);
        if (ours == stages.end()) {
          stagesResult.problem += " " + tensorName + " not produced";
          continue;
        }
        const Comparison s = compareTensors(ours->second, weights::loadTensor(file, tensorName), interTol,
                                            isSequenceStage(tensorName) ? validRows : at::Tensor());
        ++compared;
        stagesResult.maxAbsError = std::max(stagesResult.maxAbsError, s.maxAbsError);
        if (!s.ok()) stagesResult.problem += " " + tensorName + " (" + c10::str(s.maxAbsError) + s.problem + ")";
      }
      report.record(name + " [" + std::to_string(compared) + " stages]", stagesResult);
    } catch (const std::exception& e) {
      report.fail(name, e.what());
    }
  }
}

const KindRegistration registration("sam3_geometry_encoder", &runGeometry);

}  // namespace
}  // namespace sam3::golden
