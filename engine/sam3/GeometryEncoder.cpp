#include "engine/sam3/GeometryEncoder.h"

#include <c10/core/InferenceMode.h>

#include <stdexcept>

#include "engine/ops/SamplingOps.h"
#include "engine/prompt/torch/PaddedSequence.h"
#include "engine/sam3/NnOps.h"

namespace sam3::model {
namespace {

void capture(Intermediates* out, const std::string& name, const at::Tensor& t) {
  if (out) (*out)[name] = t;
}

}  // namespace

GeometryEncoder::GeometryEncoder(const GeometryEncoderConfig& config, StateDict weights, const std::string& source,
                                 c10::Device device)
    : m_config(config), m_device(device), m_weights(std::move(weights)), m_posEnc(config.posNumFeats, config.posTemperature) {
  m_config.validate();
  checkStateDict(m_weights, m_config.expectedWeights(), source);
  for (auto& entry : m_weights) entry.second = entry.second.to(device, at::kFloat).contiguous();
  m_layers = transposedLinears(m_weights);
  const int64_t c = m_config.dModel;
  for (int64_t i = 0; i < m_config.numLayers; ++i) {
    // Self-attention projects q | k | v in one product; cross-attention's parts are used apart
    // (q per prompt, k and v once per image).
    const std::string self = "encode." + std::to_string(i) + ".self_attn.";
    m_layers[self + "in_proj"] = transposedLinear(w(self + "in_proj_weight"), w(self + "in_proj_bias"));
    const std::string cross = "encode." + std::to_string(i) + ".cross_attn_image.";
    const at::Tensor inW = w(cross + "in_proj_weight"), inB = w(cross + "in_proj_bias");
    const char* parts[] = {"q", "k", "v"};
    for (int64_t j = 0; j < 3; ++j) m_layers[cross + "in_proj." + parts[j]] = transposedLinear(inW.narrow(0, j * c, c), inB.narrow(0, j * c, c));
  }
  if (m_config.boxesPool) {  // the valid roi x roi convolution is a product with the flattened kernel
    m_layers["boxes_pool_project"] =
        transposedLinear(w("boxes_pool_project.weight").reshape({c, -1}), w("boxes_pool_project.bias"));
  }
}

const at::Tensor& GeometryEncoder::w(const std::string& key) const { return m_weights.at(key); }

const Linear& GeometryEncoder::layer(const std::string& name) const { return m_layers.at(name); }

GeometryImageContext GeometryEncoder::prepareImage(const at::Tensor& features, const at::Tensor& positions,
                                                   int64_t height, int64_t width) const {
  c10::InferenceMode guard;
  const int64_t c = m_config.dModel;
  if (features.dim() != 3 || features.size(0) != height * width || features.size(2) != c) {
    throw std::invalid_argument("GeometryEncoder: image features must be [H*W, B, " + std::to_string(c) +
                                "] with H*W = " + std::to_string(height * width) + ", got " +
                                c10::str(features.sizes()));
  }
  GeometryImageContext ctx;
  ctx.height = height;
  ctx.width = width;
  ctx.batch = features.size(1);
  const at::Tensor feats = features.to(m_device, at::kFloat).contiguous();
  if (m_config.pointsPool || m_config.boxesPool) {
    ctx.pooledSeq = layerNorm(feats, w("img_pre_norm.weight"), w("img_pre_norm.bias"), m_config.layerNormEps);
    // Channels-last, so roi_align reads the sequence's memory in place (no copy for one image).
    ctx.pooledMap = ctx.pooledSeq.permute({1, 2, 0}).reshape({ctx.batch, c, height, width}).contiguous(at::MemoryFormat::ChannelsLast);
  }
  at::Tensor keysInput = feats;
  if (positions.defined()) {
    if (positions.dim() != 3 || positions.size(0) != height * width || positions.size(2) != c) {
      throw std::invalid_argument("GeometryEncoder: position codes must be [H*W, B or 1, C], got " +
                                  c10::str(positions.sizes()));
    }
    keysInput = feats + positions.to(m_device, at::kFloat);
  }
  for (int64_t i = 0; i < m_config.numLayers; ++i) {
    const std::string p = "encode." + std::to_string(i) + ".cross_attn_image.";
    const at::Tensor k = linear(keysInput, layer(p + "in_proj.k"));
    const at::Tensor v = linear(feats, layer(p + "in_proj.v"));
    ctx.crossKeysT.push_back(splitHeads(k, m_config.numHeads).transpose(1, 2).contiguous());
    ctx.crossValues.push_back(splitHeads(v, m_config.numHeads).contiguous());
  }
  return ctx;
}

at::Tensor GeometryEncoder::encodePoints(const prompt::GeometryPrompt& prompt, const GeometryImageContext& image,
                                         Intermediates* out) const {
  const at::Tensor& points = prompt.points();  // [Np,B,2]
  const int64_t n = points.size(0), batch = points.size(1), c = m_config.dModel;
  at::Tensor tokens = at::zeros({n, batch, c}, points.options().dtype(at::kFloat));
  if (m_config.pointsDirectProject) {
    const at::Tensor direct = linear(points, layer("points_direct_project"));
    capture(out, "inter.points_direct_project.output", direct);
    tokens = tokens + direct;
  }
  if (m_config.pointsPool) {
    const at::Tensor sampled = ops::samplePointsSeq(image.pooledSeq, points.contiguous(), image.height, image.width);
    capture(out, "inter.points_pool_project.input", sampled);
    const at::Tensor pooled = linear(sampled, layer("points_pool_project"));
    capture(out, "inter.points_pool_project.output", pooled);
    tokens = tokens + pooled;
  }
  if (m_config.pointsPosEnc) {
    const at::Tensor code = m_posEnc.encodePoints(points);
    capture(out, "inter.points_pos_enc_project.input", code);
    const at::Tensor projected = linear(code, layer("points_pos_enc_project"));
    capture(out, "inter.points_pos_enc_project.output", projected);
    tokens = tokens + projected;
  }
  // Padded slots may hold anything; clamp so the lookup stays in range (their tokens are unused).
  const at::Tensor label = embeddingRows(w("label_embed.weight"), prompt.pointLabels().clamp(0, 1));
  capture(out, "inter.label_embed.points.output", label);
  return tokens + label;
}

at::Tensor GeometryEncoder::poolBoxes(const prompt::GeometryPrompt& prompt, const GeometryImageContext& image,
                                      Intermediates* out) const {
  c10::InferenceMode guard;
  const at::Tensor boxes = prompt.boxes().to(m_device);  // [Nb,B,4] cx,cy,w,h
  const int64_t n = boxes.size(0), batch = boxes.size(1), c = m_config.dModel;
  // xyxy in feature pixels, image-major rows (batch_index, x1, y1, x2, y2) for roi_align.
  const at::Tensor b = boxes.transpose(0, 1);  // [B,Nb,4]
  const at::Tensor half = b.narrow(2, 2, 2) / 2;
  const at::Tensor scale = at::tensor({float(image.width), float(image.height)}).to(boxes.device());
  const at::Tensor xyxy = at::cat({(b.narrow(2, 0, 2) - half) * scale, (b.narrow(2, 0, 2) + half) * scale}, 2);
  const at::Tensor index = at::arange(batch, boxes.options().dtype(at::kFloat)).view({batch, 1, 1}).expand({batch, n, 1});
  const at::Tensor rois = at::cat({index, xyxy}, 2).reshape({batch * n, 5});
  const at::Tensor pooledMaps = ops::roiAlign(image.pooledMap, rois, 1.0, m_config.roiSize, m_config.roiSize, -1, false);
  capture(out, "inter.boxes_pool_project.input", pooledMaps);
  const Linear& project = layer("boxes_pool_project");
  const at::Tensor pooled = linear(pooledMaps.reshape({batch * n, project.weightT.size(0)}), project);
  capture(out, "inter.boxes_pool_project.output", pooled.view({batch * n, c, 1, 1}));
  return pooled.view({batch, n, c}).transpose(0, 1);
}

at::Tensor GeometryEncoder::encodeBoxes(const prompt::GeometryPrompt& prompt, const GeometryImageContext& image,
                                        Intermediates* out, const at::Tensor& pooledBoxes) const {
  const at::Tensor& boxes = prompt.boxes();  // [Nb,B,4] cx,cy,w,h
  const int64_t n = boxes.size(0), batch = boxes.size(1), c = m_config.dModel;
  at::Tensor tokens = at::zeros({n, batch, c}, boxes.options().dtype(at::kFloat));
  if (m_config.boxesDirectProject) {
    const at::Tensor direct = linear(boxes, layer("boxes_direct_project"));
    capture(out, "inter.boxes_direct_project.output", direct);
    tokens = tokens + direct;
  }
  if (m_config.boxesPool) {
    if (pooledBoxes.defined() && (pooledBoxes.dim() != 3 || pooledBoxes.size(0) != n || pooledBoxes.size(1) != batch ||
                                  pooledBoxes.size(2) != c)) {
      throw std::invalid_argument("GeometryEncoder: pooled boxes must be [" + std::to_string(n) + ", " + std::to_string(batch) +
                                  ", " + std::to_string(c) + "], got " + c10::str(pooledBoxes.sizes()));
    }
    tokens = tokens + (pooledBoxes.defined() ? pooledBoxes.to(boxes.device(), at::kFloat) : poolBoxes(prompt, image, out));
  }
  if (m_config.boxesPosEnc) {
    const at::Tensor code = m_posEnc.encodeBoxes(boxes);
    capture(out, "inter.boxes_pos_enc_project.input", code);
    const at::Tensor projected = linear(code, layer("boxes_pos_enc_project"));
    capture(out, "inter.boxes_pos_enc_project.output", projected);
    tokens = tokens + projected;
  }
  const at::Tensor label = embeddingRows(w("label_embed.weight"), prompt.boxLabels().clamp(0, 1));
  capture(out, "inter.label_embed.boxes.output", label);
  return tokens + label;
}

at::Tensor GeometryEncoder::encoderLayer(int64_t index, const at::Tensor& input, const at::Tensor& mask,
                                         const GeometryImageContext& image) const {
  const std::string p = "encode." + std::to_string(index) + ".";
  const int64_t c = m_config.dModel, heads = m_config.numHeads, batch = input.size(1);
  const double eps = m_config.layerNormEps;
  at::Tensor x = input;

  // Self-attention on norm1(x), padded keys masked, no positional terms.
  {
    const at::Tensor a = layerNorm(x, w(p + "norm1.weight"), w(p + "norm1.bias"), eps);
    const at::Tensor qkv = linear(a, layer(p + "self_attn.in_proj"));
    const at::Tensor q = splitHeads(qkv.narrow(2, 0, c), heads);
    const at::Tensor k = splitHeads(qkv.narrow(2, c, c), heads);
    const at::Tensor v = splitHeads(qkv.narrow(2, 2 * c, c), heads);
    const at::Tensor attended = mergeHeads(attention(q, k.transpose(1, 2), v, batch, mask), batch);
    x = x + linear(attended, layer(p + "self_attn.out_proj"));
  }
  // Cross-attention from norm2(x) to the image: keys/values come from the per-image cache.
  {
    const at::Tensor a = layerNorm(x, w(p + "norm2.weight"), w(p + "norm2.bias"), eps);
    const at::Tensor q = splitHeads(linear(a, layer(p + "cross_attn_image.in_proj.q")), heads);
    const at::Tensor attended = mergeHeads(attention(q, image.crossKeysT[index], image.crossValues[index], batch, {}), batch);
    x = x + linear(attended, layer(p + "cross_attn_image.out_proj"));
  }
  // Feed-forward on norm3(x).
  {
    const at::Tensor a = layerNorm(x, w(p + "norm3.weight"), w(p + "norm3.bias"), eps);
    const at::Tensor hidden = model::relu(linear(a, layer(p + "linear1")));
    x = x + linear(hidden, layer(p + "linear2"));
  }
  return x;
}

GeometryEncoding GeometryEncoder::encode(const prompt::GeometryPrompt& promptIn, const GeometryImageContext& image,
                                         Intermediates* out, const at::Tensor& pooledBoxes) const {
  c10::InferenceMode guard;
  promptIn.validate();
  if (promptIn.batchSize() != image.batch) {
    throw std::invalid_argument("GeometryEncoder: prompt batch " + std::to_string(promptIn.batchSize()) +
                                " differs from the image context's batch " + std::to_string(image.batch));
  }
  const prompt::GeometryPrompt prompt = m_device.is_cpu() ? promptIn : promptIn.to(m_device);
  const at::Tensor pointTokens = encodePoints(prompt, image, out);
  const at::Tensor boxTokens = encodeBoxes(prompt, image, out, pooledBoxes);
  auto [seq, mask] = prompt::concatPaddedSequences(pointTokens, prompt.pointMask(), boxTokens, prompt.boxMask());
  if (m_config.addCls) {
    const int64_t batch = prompt.batchSize();
    const at::Tensor cls = w("cls_embed.weight").view({1, 1, -1}).expand({1, batch, m_config.dModel});
    std::tie(seq, mask) = prompt::concatPaddedSequences(seq, mask, cls, at::zeros({batch, 1}, mask.options().dtype(at::kBool)));
  }
  capture(out, "inter.final_proj.input", seq);
  if (m_config.addPostEncodeProj) {
    seq = linear(seq, layer("final_proj"));
    capture(out, "inter.final_proj.output", seq);
    seq = layerNorm(seq, w("norm.weight"), w("norm.bias"), m_config.layerNormEps);
    capture(out, "inter.norm.output", seq);
  }
  for (int64_t i = 0; i < m_config.numLayers; ++i) {
    seq = encoderLayer(i, seq, mask, image);
    capture(out, "inter.encode." + std::to_string(i) + ".output", seq);
  }
  if (m_config.numLayers > 0) seq = layerNorm(seq, w("encode_norm.weight"), w("encode_norm.bias"), m_config.layerNormEps);
  return {seq, mask};
}

}  // namespace sam3::model
