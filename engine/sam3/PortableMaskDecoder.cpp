#include "engine/sam3/PortableMaskDecoder.h"

#include <c10/core/InferenceMode.h>

#include <cmath>
#include <stdexcept>

#include "engine/sam3/NnOps.h"

namespace sam3::model {
namespace {

const std::string kDecoder = "tracker.sam_mask_decoder.";
const std::string kNoMask = "tracker.sam_prompt_encoder.no_mask_embed.weight";
constexpr double kLayerNorm2dEps = 1e-6;

// ConvTranspose2d(kernel 2, stride 2) maps every pixel to its own 2x2 block: one product with
// the weight [Cin, Cout*2*2] and a pixel shuffle (a plain matmul on every backend).
at::Tensor transposedConv2x2(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  const int64_t b = x.size(0), cin = x.size(1), h = x.size(2), wd = x.size(3), cout = weight.size(1);
  const at::Tensor blocks = at::matmul(x.flatten(2).transpose(1, 2), weight.reshape({cin, cout * 4}));  // [B, HW, Cout*4]
  return blocks.view({b, h, wd, cout, 2, 2}).permute({0, 3, 1, 4, 2, 5}).reshape({b, cout, 2 * h, 2 * wd}) + bias.view({1, -1, 1, 1});
}

}  // namespace

PortableMaskDecoder::PortableMaskDecoder(const InteractiveHeads& heads, c10::Device device)
    : m_config(heads.config()), m_device(device) {
  c10::InferenceMode guard;
  for (const auto& [key, value] : heads.weights()) {
    if (key.rfind(kDecoder, 0) == 0 || key == kNoMask) m_weights[key] = value.to(device, at::kFloat).contiguous();
  }
  m_denseImagePe = heads.denseImagePe().to(device, at::kFloat).contiguous();
}

const at::Tensor& PortableMaskDecoder::w(const std::string& key) const { return m_weights.at(key); }

PortableImage PortableMaskDecoder::image(const at::Tensor& imageEmbeddings, const at::Tensor& featS0, const at::Tensor& featS1) const {
  c10::InferenceMode guard;
  return {imageEmbeddings.to(m_device, at::kFloat).contiguous(), featS0.to(m_device, at::kFloat).contiguous(),
          featS1.to(m_device, at::kFloat).contiguous()};
}

at::Tensor PortableMaskDecoder::linear(const std::string& p, const at::Tensor& x) const {
  return at::linear(x, w(p + ".weight"), w(p + ".bias"));
}

at::Tensor PortableMaskDecoder::norm(const std::string& p, const at::Tensor& x, double eps) const {
  return layerNorm(x, w(p + ".weight"), w(p + ".bias"), eps);
}

at::Tensor PortableMaskDecoder::attention(const std::string& p, const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) const {
  const int64_t heads = m_config.numHeads;
  auto split = [heads](const at::Tensor& x) { return x.view({x.size(0), x.size(1), heads, -1}).transpose(1, 2); };
  const at::Tensor qh = split(linear(p + ".q_proj", q)), kh = split(linear(p + ".k_proj", k)), vh = split(linear(p + ".v_proj", v));
  const at::Tensor weights = at::softmax(at::matmul(qh, kh.transpose(2, 3)) / std::sqrt(double(qh.size(3))), -1);
  return linear(p + ".out_proj", at::matmul(weights, vh).transpose(1, 2).reshape({q.size(0), q.size(1), -1}));
}

at::Tensor PortableMaskDecoder::mlp3(const std::string& p, const at::Tensor& x) const {
  return linear(p + ".layers.2", model::relu(linear(p + ".layers.1", model::relu(linear(p + ".layers.0", x)))));
}

at::Tensor PortableMaskDecoder::layerNorm2d(const std::string& p, const at::Tensor& x) const {
  return model::layerNorm2d(x, w(p + ".weight"), w(p + ".bias"), kLayerNorm2dEps);
}

DecoderOutput PortableMaskDecoder::decode(const PortableImage& image, const at::Tensor& sparseIn, const at::Tensor& denseIn,
                                          bool multimaskOutput) const {
  c10::InferenceMode guard;
  const int64_t c = m_config.embedDim, g = m_config.imageEmbeddingSize;
  const at::Tensor sparse = sparseIn.to(m_device, at::kFloat);
  const int64_t b = sparse.size(0);
  if (sparse.dim() != 3 || sparse.size(2) != c) {
    throw std::invalid_argument("mask decoder: sparse embeddings must be [B, N, " + std::to_string(c) + "], got " +
                                c10::str(sparse.sizes()));
  }
  const at::Tensor dense = denseIn.defined() ? denseIn.to(m_device, at::kFloat) : w(kNoMask).view({1, c, 1, 1}).expand({b, c, g, g});
  if (dense.dim() != 4 || dense.size(1) != c || dense.size(2) != g || dense.size(3) != g) {
    throw std::invalid_argument("mask decoder: dense embeddings must be [B, " + std::to_string(c) + ", " + std::to_string(g) + ", " +
                                std::to_string(g) + "], got " + c10::str(dense.sizes()));
  }
  const at::Tensor outputTokens = at::cat({w(kDecoder + "obj_score_token.weight"), w(kDecoder + "iou_token.weight"),
                                           w(kDecoder + "mask_tokens.weight")}, 0);
  const at::Tensor tokens = at::cat({outputTokens.unsqueeze(0).expand({b, -1, -1}), sparse}, 1);
  at::Tensor keys = (image.imageEmbeddings.expand({b, -1, -1, -1}) + dense).flatten(2).transpose(1, 2);
  const at::Tensor keyPe = m_denseImagePe.flatten(2).transpose(1, 2).expand({b, -1, -1});
  at::Tensor queries = tokens;
  const std::string t = kDecoder + "transformer.";
  for (int64_t i = 0; i < m_config.depth; ++i) {
    const std::string l = t + "layers." + std::to_string(i) + ".";
    if (i == 0) {  // skip_first_layer_pe: no residual, no PE
      queries = attention(l + "self_attn", queries, queries, queries);
    } else {
      const at::Tensor q = queries + tokens;
      queries = queries + attention(l + "self_attn", q, q, queries);
    }
    queries = norm(l + "norm1", queries);
    queries = norm(l + "norm2", queries + attention(l + "cross_attn_token_to_image", queries + tokens, keys + keyPe, keys));
    queries = norm(l + "norm3", queries + linear(l + "mlp.lin2", model::relu(linear(l + "mlp.lin1", queries))));
    keys = norm(l + "norm4", keys + attention(l + "cross_attn_image_to_token", keys + keyPe, queries + tokens, queries));
  }
  queries = norm(t + "norm_final_attn", queries + attention(t + "final_attn_token_to_image", queries + tokens, keys + keyPe, keys));

  const std::string up = kDecoder + "output_upscaling.";
  const at::Tensor map = keys.transpose(1, 2).reshape({b, c, g, g});
  at::Tensor upscaled = transposedConv2x2(map, w(up + "0.weight"), w(up + "0.bias")) + image.featS1;
  upscaled = at::gelu(layerNorm2d(up + "1", upscaled));
  upscaled = at::gelu(transposedConv2x2(upscaled, w(up + "3.weight"), w(up + "3.bias")) + image.featS0);
  const int64_t numTokens = m_config.numMultimaskOutputs + 1;
  std::vector<at::Tensor> hyper;
  for (int64_t i = 0; i < numTokens; ++i) {
    hyper.push_back(mlp3(kDecoder + "output_hypernetworks_mlps." + std::to_string(i), queries.select(1, 2 + i)));
  }
  const at::Tensor maskTokensOut = queries.slice(1, 2, 2 + numTokens);
  DecoderOutput out;
  out.allMaskLogits = at::matmul(at::stack(hyper, 1), upscaled.flatten(2)).view({b, numTokens, 4 * g, 4 * g});
  out.allIou = at::sigmoid(mlp3(kDecoder + "iou_prediction_head", queries.select(1, 1)));
  out.allMaskTokensOut = maskTokensOut;
  out.objectScoreLogits = mlp3(kDecoder + "pred_obj_score_head", queries.select(1, 0));
  InteractiveHeads::selectOutputs(m_config, multimaskOutput, out);
  return out;
}

}  // namespace sam3::model
