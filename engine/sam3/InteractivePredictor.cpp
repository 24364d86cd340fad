#include "engine/sam3/InteractivePredictor.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "engine/sam3/MaskPostprocess.h"

namespace sam3::model {

namespace {

// The decoder's outputs brought to the CPU for post-processing (a few MB at most).
DecoderOutput onCpu(const DecoderOutput& d) {
  DecoderOutput out;
  auto cpu = [](const at::Tensor& t) { return t.defined() ? t.to(at::kCPU) : t; };
  out.lowResMasks = cpu(d.lowResMasks);
  out.iouPredictions = cpu(d.iouPredictions);
  out.samTokensOut = cpu(d.samTokensOut);
  out.objectScoreLogits = cpu(d.objectScoreLogits);
  out.allMaskLogits = cpu(d.allMaskLogits);
  out.allIou = cpu(d.allIou);
  out.allMaskTokensOut = cpu(d.allMaskTokensOut);
  out.stabilityToken0 = cpu(d.stabilityToken0);
  out.selectedToken = cpu(d.selectedToken);
  return out;
}

}  // namespace

ModelPoints toModelPoints(const prompt::InteractivePrompt& prompt, int64_t height, int64_t width, int64_t modelSize) {
  std::vector<float> xy;
  std::vector<int64_t> labels;
  auto add = [&](double x, double y, int64_t label) {
    if (!std::isfinite(x) || !std::isfinite(y)) throw std::invalid_argument("prompt coordinates must be finite");
    xy.push_back(float(std::clamp(x, 0.0, double(width))));
    xy.push_back(float(std::clamp(y, 0.0, double(height))));
    labels.push_back(label);
  };
  if (prompt.box) {  // corners first, labelled 2 (top-left) and 3 (bottom-right)
    const auto& b = *prompt.box;
    add(std::min(b[0], b[2]), std::min(b[1], b[3]), 2);
    add(std::max(b[0], b[2]), std::max(b[1], b[3]), 3);
  }
  for (const prompt::Click& c : prompt.clicks) add(c.x, c.y, c.positive ? 1 : 0);
  ModelPoints points;
  if (labels.empty()) return points;
  const int64_t n = int64_t(labels.size());
  const at::Tensor pixels = at::from_blob(xy.data(), {1, n, 2}, at::kFloat).clone();
  // float32 op order of the original transform: x / W, then * 1008.
  at::Tensor normalized = pixels.clone();
  normalized.select(-1, 0).div_(float(width));
  normalized.select(-1, 1).div_(float(height));
  points.normalized = normalized;
  points.coords = normalized * float(modelSize);
  points.labels = at::from_blob(labels.data(), {1, n}, at::kLong).clone();
  return points;
}

InteractiveResult InteractivePredictor::predict(const InteractiveImage& image, const prompt::InteractivePrompt& prompt,
                                                int64_t height, int64_t width, bool multimaskOutput, StageCapture* capture,
                                                bool keepUpsampledLogits) const {
  c10::InferenceMode guard;
  if (prompt.empty()) throw std::invalid_argument("the prompt is empty: add a click, a box or a mask");
  if (height <= 0 || width <= 0) throw std::invalid_argument("image size must be positive");
  const ModelPoints points = toModelPoints(prompt, height, width, m_heads.config().inputImageSize);
  at::Tensor sparse;
  if (points.coords.defined()) {
    if (capture) {
      (*capture)["pe.coords_norm01"] = points.normalized;
      (*capture)["pe.coords_1008"] = points.coords;
      (*capture)["pe.labels"] = points.labels;
    }
    sparse = m_heads.embedPoints(points.coords, points.labels, /*pad=*/true, capture);
  } else {
    sparse = at::empty({1, 0, m_heads.config().embedDim});
  }
  if (capture) (*capture)["pe.sparse_embeddings"] = sparse;
  at::Tensor dense, maskHidden;
  if (!prompt.maskLogits.empty()) {
    const int64_t s = prompt::kMaskPromptSize;
    if (int64_t(prompt.maskLogits.size()) != s * s) {
      throw std::invalid_argument("a mask prompt must hold 288x288 logits, got " + std::to_string(prompt.maskLogits.size()) + " values");
    }
    const at::Tensor mask = at::from_blob(const_cast<float*>(prompt.maskLogits.data()), {1, 1, s, s}, at::kFloat).clone();
    maskHidden = m_heads.embedMaskHidden(mask);
    dense = m_heads.denseFromMaskHidden(maskHidden);
    if (capture) (*capture)["pe.dense_embeddings"] = dense;
  }
  InteractiveResult result;
  if (m_deviceDecoder) {
    result.decoder = onCpu(m_deviceDecoder->decode(*m_deviceImage, sparse, dense, multimaskOutput));
  } else {
    result.decoder = m_heads.decode(image, sparse, dense, multimaskOutput, /*repeatImage=*/false, maskHidden);
  }
  const at::Tensor lowRes = result.decoder.lowResMasks;  // [1, M, 288, 288]
  const at::Tensor filled = fillHoles(lowRes);
  if (keepUpsampledLogits) {
    result.upsampledLogits = upsampleLogits(filled, height, width)[0];
    result.masks = result.upsampledLogits > 0.0;
  } else {
    result.masks = upsampleToMask(filled, height, width)[0];
  }
  result.iou = result.decoder.iouPredictions[0];
  result.lowResLogits = lowRes[0].clamp(-32.0, 32.0);
  return result;
}

}  // namespace sam3::model
