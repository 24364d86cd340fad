// Kind "sam3_pvs": the interactive heads against every public case - prompt-encoder stages
// (pe.*), decoder outputs (dec.*), the single-mask selection and the predictor's
// post-processing (post.*) - plus the conv_s0/conv_s1, selection and post-processing unit
// cases. One line per case, naming every stage outside tolerance.

#include "GoldenRunner.h"
#include "engine/weights/torch/SafetensorsTorch.h"
#include "engine/sam3/InteractivePredictor.h"
#include "engine/sam3/MaskPostprocess.h"

namespace sam3::golden {
namespace {

using nlohmann::json;

// Tolerance keys look like "pe.point_pe, pe.sparse_embeddings" or "pe.coords_*".
std::optional<Tolerance> toleranceFor(const json& tolerances, const std::string& name) {
  for (const auto& [key, value] : tolerances.items()) {
    size_t start = 0;
    while (start <= key.size()) {
      size_t end = key.find(", ", start);
      if (end == std::string::npos) end = key.size();
      const std::string pattern = key.substr(start, end - start);
      const bool matches = pattern.back() == '*' ? name.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0 : pattern == name;
      if (matches && value.is_object()) return Tolerance{value.value("rtol", 0.0), value.value("atol", 0.0)};
      start = end + 2;
    }
  }
  return std::nullopt;
}

at::Tensor loadFloat(const weights::SafetensorsFile& file, const std::string& name) {
  return weights::loadTensor(file, name).to(at::kFloat);
}

// Masks compared exactly except where the upsampled logit is within 1e-3 of 0.
Comparison compareMasks(const at::Tensor& ours, const at::Tensor& expected, const at::Tensor& logits) {
  const at::Tensor decided = logits.abs() > 1e-3;
  return compareTensors(ours.to(at::kFloat), expected.to(at::kFloat), {0, 0}, decided);
}

class CaseChecker {
 public:
  CaseChecker(const weights::SafetensorsFile& file, const json& tolerances, std::string caseName)
      : m_file(file), m_tolerances(tolerances), m_caseName(std::move(caseName)) {}

  void check(const std::string& name, const at::Tensor& ours, const at::Tensor& mask = {}) {
    if (!m_file.contains(name)) return;
    const at::Tensor expected = weights::loadTensor(m_file, name);
    // The manifest keys tolerances by tensor name, by case name (conv_s0_s1), or, for the stored
    // token-0 logits, by the low-res mask entry they belong to.
    Tolerance tol{0, 0};
    if (const auto t = toleranceFor(m_tolerances, name)) {
      tol = *t;
    } else if (const auto byCase = toleranceFor(m_tolerances, m_caseName)) {
      tol = *byCase;
    } else if (name.rfind("dec.low_res_mask", 0) == 0) {
      tol = toleranceFor(m_tolerances, "dec.low_res_masks").value_or(tol);
    }
    const Comparison c = compareTensors(ours.to(at::kDouble), expected.to(at::kDouble), tol, mask);
    ++m_compared;
    m_result.maxAbsError = std::max(m_result.maxAbsError, c.maxAbsError);
    if (!c.ok()) m_result.problem += " " + name + " (max " + c10::str(c.maxAbsError) + " " + c.problem + ")";
  }
  void checkMask(const std::string& name, const at::Tensor& ours, const at::Tensor& logits) {
    if (!m_file.contains(name)) return;
    const Comparison c = compareMasks(ours, weights::loadTensor(m_file, name), logits);
    ++m_compared;
    if (!c.ok()) m_result.problem += " " + name + " (" + std::to_string(c.mismatches) + " pixels differ)";
  }
  const Comparison& result() const { return m_result; }
  int compared() const { return m_compared; }

 private:
  const weights::SafetensorsFile& m_file;
  const json& m_tolerances;
  std::string m_caseName;
  Comparison m_result;
  int m_compared = 0;
};

prompt::InteractivePrompt promptFrom(const weights::SafetensorsFile& file, int64_t b) {
  prompt::InteractivePrompt p;
  if (file.contains("in.box_orig")) {
    const at::Tensor box = loadFloat(file, "in.box_orig")[b];
    p.box = std::array<double, 4>{box[0].item<double>(), box[1].item<double>(), box[2].item<double>(), box[3].item<double>()};
  }
  if (file.contains("in.point_coords_orig")) {
    const at::Tensor xy = loadFloat(file, "in.point_coords_orig")[b];
    const at::Tensor labels = weights::loadTensor(file, "in.point_labels")[b].to(at::kLong);
    for (int64_t i = 0; i < xy.size(0); ++i) {
      p.clicks.push_back({xy[i][0].item<double>(), xy[i][1].item<double>(), labels[i].item<int64_t>() == 1});
    }
  }
  if (file.contains("in.mask_input")) {
    const at::Tensor m = loadFloat(file, "in.mask_input")[b][0].contiguous();
    p.maskLogits.assign(m.data_ptr<float>(), m.data_ptr<float>() + m.numel());
  }
  return p;
}

// The decoder outputs every case stores (only those present in the file are compared).
void checkDecoder(CaseChecker& check, const model::DecoderOutput& d) {
  check.check("dec.low_res_masks", d.lowResMasks);
  check.check("dec.iou_predictions", d.iouPredictions);
  check.check("dec.sam_tokens_out", d.samTokensOut);
  check.check("dec.object_score_logits", d.objectScoreLogits);
  check.check("dec.all_iou", d.allIou);
  check.check("dec.all_mask_tokens_out", d.allMaskTokensOut);
  check.check("dec.low_res_mask_token0", d.allMaskLogits.slice(1, 0, 1));
  if (d.stabilityToken0.defined()) {
    check.check("dec.stability_token0", d.stabilityToken0);
    check.check("dec.selected_token", d.selectedToken);
  }
}

void runPredictorCase(const model::InteractiveHeads& heads, const model::InteractiveImage& image, const weights::SafetensorsFile& file,
                      const json& c, CaseChecker& check) {
  const auto& meta = c.at("metadata");
  const bool multimask = meta.at("multimask_output");
  const int64_t h = meta.at("orig_hw").at(0), w = meta.at("orig_hw").at(1);
  const int64_t batch = meta.value("batch", int64_t(1));
  if (batch == 1) {
    model::StageCapture stages;
    const model::InteractivePredictor predictor(heads);
    const model::InteractiveResult r = predictor.predict(image, promptFrom(file, 0), h, w, multimask, &stages, /*keepUpsampledLogits=*/true);
    for (const auto& [name, tensor] : stages) {
      if (name == "pe.dense_embeddings") {
        check.check("pe.dense_embeddings_sub3", tensor.slice(2, 0, c10::nullopt, 3).slice(3, 0, c10::nullopt, 3));
      } else {
        check.check(name, tensor);
      }
    }
    checkDecoder(check, r.decoder);
    check.check("post.upsampled_logits", r.upsampledLogits.unsqueeze(0));
    check.checkMask("post.masks", r.masks.unsqueeze(0), r.upsampledLogits.unsqueeze(0));
    return;
  }
  // Several objects in one call (repeat_image): boxes only, as the batched case has.
  const at::Tensor boxes = loadFloat(file, "in.box_orig");
  std::vector<at::Tensor> coords, labels;
  for (int64_t b = 0; b < batch; ++b) {
    const model::ModelPoints p = model::toModelPoints(promptFrom(file, b), h, w);
    coords.push_back(p.coords);
    labels.push_back(p.labels);
  }
  const at::Tensor sparse = heads.embedPoints(at::cat(coords, 0), at::cat(labels, 0), true);
  check.check("pe.sparse_embeddings", sparse);
  checkDecoder(check, heads.decode(image, sparse, {}, multimask, /*repeatImage=*/true));
}

void runPvs(const json& manifest, const std::filesystem::path& base, Report& report) {
  noteCpuOnly("sam3_pvs");
  const json& tolerances = manifest.at("tolerances_float32");
  const std::string weightsPath = (base / "weights.safetensors").string();
  const model::InteractiveHeads heads(model::InteractiveHeadsConfig{}, model::loadSafetensorsStateDict(weightsPath), weightsPath);
  const weights::SafetensorsFile imageFile = weights::SafetensorsFile::open((base / "image.safetensors").string());
  auto dequantize = [&](const std::string& name) {
    const auto& meta = imageFile.metadata();
    const auto scale = meta.find("scale:" + name);
    const double s = scale == meta.end() ? 1.0 : std::stod(scale->second);
    return weights::loadTensor(imageFile, name).to(at::kFloat) * s;
  };
  const model::InteractiveImage image = heads.prepareImageFromDecoderInputs(loadFloat(imageFile, "image_embeddings"),
                                                                            dequantize("feat_s0"), dequantize("feat_s1"));
  for (const auto& c : manifest.at("cases")) {
    const std::string name = c.at("name");
    try {
      const weights::SafetensorsFile file = weights::SafetensorsFile::open((base / c.at("file").get<std::string>()).string());
      CaseChecker check(file, tolerances, name);
      if (name == "conv_s0_s1") {
        const at::Tensor raw = loadFloat(file, "in.raw_features");
        check.check("out.conv_s0", heads.convS0(raw));
        check.check("out.conv_s1", heads.convS1(raw));
      } else if (name == "selection_synthetic") {
        model::DecoderOutput out;
        model::InteractiveHeads::selectByStability(loadFloat(file, "in.all_mask_logits"), loadFloat(file, "in.all_iou"), 0.05, 0.98, out);
        check.check("out.mask_logits", out.lowResMasks);
        check.check("out.iou", out.iouPredictions);
        check.check("out.stability_token0", out.stabilityToken0);
        check.check("out.selected_token", out.selectedToken);
      } else if (name == "postprocess_synthetic") {
        const at::Tensor low = loadFloat(file, "in.lowres_logits");
        const at::Tensor filled = model::fillHoles(low);
        const int64_t h = weights::loadTensor(file, "post.upsampled_logits").size(2), w = weights::loadTensor(file, "post.upsampled_logits").size(3);
        const at::Tensor up = model::upsampleLogits(filled, h, w);
        const at::Tensor upNoFill = model::upsampleLogits(low, h, w);
        check.check("post.lowres_holefilled", filled);
        check.check("post.upsampled_logits", upNoFill);
        check.checkMask("post.masks_nofill", upNoFill > 0, upNoFill);
        check.checkMask("post.masks_holefilled", up > 0, up);
      } else {
        runPredictorCase(heads, image, file, c, check);
      }
      Comparison result = check.result();
      if (check.compared() == 0) result.problem = "no tensor compared";
      report.record(name + " [" + std::to_string(check.compared()) + " tensors]", result);
    } catch (const std::exception& e) {
      report.fail(name, e.what());
    }
  }
}

const KindRegistration registration("sam3_pvs", &runPvs);

}  // namespace
}  // namespace sam3::golden
