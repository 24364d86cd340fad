#include "engine/sam3/InteractiveHeads.h"
#include "engine/sam3/WeightSchema.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <stdexcept>

#include "engine/sam3/MatrixProduct.h"
#include "engine/sam3/NnOps.h"

namespace sam3::model {
namespace {

const std::string kEncoder = "tracker.sam_prompt_encoder.";
const std::string kDecoder = "tracker.sam_mask_decoder.";
constexpr double kLayerNorm2dEps = 1e-6;

at::Tensor geluErf(const at::Tensor& x) { return at::gelu(x); }  // exact erf form, as nn.GELU()

// A 1x1 convolution as the product W [Cout, C] x X [C, HW] onto the bias, per image (LibTorch
// 1.13's CPU convolution took ~0.5 s for the 288x288 level and 4 ms for the mask prompt's).
at::Tensor conv1x1(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias) {
  const at::Tensor x = input.to(at::kFloat).contiguous();
  const int64_t b = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3), cout = weight.size(0);
  const at::Tensor w2d = weight.reshape({cout, c}).contiguous();
  at::Tensor out = bias.view({1, cout, 1, 1}).expand({b, cout, x.size(2), x.size(3)}).contiguous();
  for (int64_t n = 0; n < b; ++n) {
    matrixProduct(cout, hw, c, 1.0f, w2d.data_ptr<float>(), c, x.data_ptr<float>() + n * c * hw, hw, false, 1.0f,
                  out.data_ptr<float>() + n * cout * hw, hw);
  }
  return out;
}

// The upscaling runs on "blocked" rows: a 2^k-times finer map is kept as rows (i, j, sub-pixel
// offsets...) of the 72x72 grid, so ConvTranspose2d(k=2, s=2) - which maps every pixel to its
// own 2x2 block - is one product per level with no pixel-shuffle copies, and LayerNorm2d is a
// last-dimension LayerNorm. Only the four final 288x288 mask planes are put back in raster order.

// ConvTranspose2d weight [Cin, Cout, 2, 2] as a product weight with output rows (di, dj, cout).
at::Tensor subPixelWeight(const at::Tensor& weight) {
  return weight.permute({2, 3, 1, 0}).reshape({4 * weight.size(1), weight.size(0)}).contiguous();
}

// [1, C, 2G, 2G] -> [1, G*G, 4*C]: rows (i, j), columns (di, dj, c).
at::Tensor blockOnce(const at::Tensor& map, int64_t g) {
  const int64_t c = map.size(1);
  return map.view({1, c, g, 2, g, 2}).permute({0, 2, 4, 3, 5, 1}).reshape({1, g * g, 4 * c});
}

// [1, C, 4G, 4G] -> [1, G*G*4, 4*C]: rows (i, j, di, dj), columns (di2, dj2, c).
at::Tensor blockTwice(const at::Tensor& map, int64_t g) {
  const int64_t c = map.size(1);
  return map.view({1, c, g, 2, 2, g, 2, 2}).permute({0, 2, 5, 3, 6, 4, 7, 1}).reshape({1, g * g * 4, 4 * c});
}

// Mask logits [B, T, G*G*16] in blocked order (i, j, di, dj, di2, dj2) -> raster [B, T, 4G, 4G].
at::Tensor unblockMasks(const at::Tensor& logits, int64_t g) {
  const int64_t b = logits.size(0), t = logits.size(1);
  return logits.view({b, t, g, g, 2, 2, 2, 2}).permute({0, 1, 2, 4, 6, 3, 5, 7}).reshape({b, t, 4 * g, 4 * g});
}

// A constant (leading dimension 1 per image, or [R, C]) repeated for a batch along its first
// dimension, as a fresh buffer a product may accumulate into.
at::Tensor freshFor(const at::Tensor& constant, int64_t batch) {
  if (batch == 1) return constant.clone();
  std::vector<int64_t> repeats(size_t(constant.dim()), 1);
  repeats[0] = batch;
  return constant.repeat(repeats);
}

at::Tensor geluInPlace(at::Tensor x) {  // exact erf form, as nn.GELU()
  at::gelu_out(x, x);
  return x;
}

// The scores of the "carried" attentions: for every head h, x_h [n, d] (rows of x, stride
// `inner`) is carried through its block of a projection weight [inner, C] and met with the
// image tokens [HW, C], plus its share of the projection's constant (PE W^T + b, column block
// `constantOffset` of `constant`): scores [heads*n, HW] = scale * (x_h W_h image^T + x_h const_h^T).
void carriedScores(const float* x, int64_t n, int64_t heads, int64_t d, const at::Tensor& weight, const float* image, int64_t hw,
                   const at::Tensor& constant, int64_t constantOffset, float scale, at::Tensor& carried, at::Tensor& scores) {
  const int64_t inner = heads * d, c = weight.size(1);
  for (int64_t h = 0; h < heads; ++h) {
    matrixProduct(n, c, d, 1.0f, x + h * d, inner, weight.data_ptr<float>() + h * d * c, c, false, 0.0f,
                  carried.data_ptr<float>() + h * n * c, c);
  }
  matrixProduct(heads * n, hw, c, scale, carried.data_ptr<float>(), c, image, c, /*transposeB=*/true, 0.0f, scores.data_ptr<float>(), hw);
  for (int64_t h = 0; h < heads; ++h) {
    matrixProduct(n, hw, d, scale, x + h * d, inner, constant.data_ptr<float>() + constantOffset + h * d, constant.stride(0), true,
                  1.0f, scores.data_ptr<float>() + h * n * hw, hw);
  }
}

// Image tokens attending to a few tokens, folded through out_proj: for scores [heads, n, hw]
// (keys-major), values v [n, inner] and out_proj's transposed weight [inner, C], adds
// sum_h softmax_n(S_h)^T (v_h W_o,h^T) to out [hw, C]. With heads * n < inner this is one
// product of depth heads * n instead of the attention output's product of depth inner.
void addFoldedImageToToken(const at::Tensor& scores, const float* v, const at::Tensor& outWeightT, float* out) {
  const int64_t heads = scores.size(0), n = scores.size(1), hw = scores.size(2);
  const int64_t inner = outWeightT.size(0), c = outWeightT.size(1), d = inner / heads;
  const at::Tensor weights = at::softmax(scores, 1);  // over the tokens, for every image token
  at::Tensor folded = at::empty({heads * n, c}, at::kFloat);
  for (int64_t h = 0; h < heads; ++h) {
    matrixProduct(n, c, d, 1.0f, v + h * d, inner, outWeightT.data_ptr<float>() + h * d * c, c, /*transposeB=*/false, 0.0f,
                  folded.data_ptr<float>() + h * n * c, c);
  }
  matrixProductTransposedA(hw, c, heads * n, 1.0f, weights.data_ptr<float>(), hw, folded.data_ptr<float>(), c, 1.0f, out, c);
}

void store(StageCapture* capture, const std::string& name, const at::Tensor& t) {
  if (capture) (*capture)[name] = t;
}

}  // namespace

ShapeSpec InteractiveHeadsConfig::expectedWeights() const {
  // The one definition of the keys and shapes: engine/sam3/interactive_heads.schema.json,
  // which tools/make_fixture_bundle.py reads too.
  return shapesFromSchema(interactiveHeadsSchema(), {{"c", embedDim}, {"mask_in", maskInChans}, {"mlp_dim", mlpDim}, {"depth", depth},
                                                     {"downsample", attentionDownsample}, {"multimask", numMultimaskOutputs}});
}

namespace {

// Validates every weight first, so a bad file reports all its problems before anything is used.
at::Tensor checkedGaussianMatrix(const StateDict& weights, const InteractiveHeadsConfig& config, const std::string& source) {
  checkStateDict(weights, config.expectedWeights(), source);
  return weights.at(kEncoder + "pe_layer.positional_encoding_gaussian_matrix");
}

}  // namespace

InteractiveHeads::InteractiveHeads(const InteractiveHeadsConfig& config, StateDict weights, const std::string& source)
    : m_config(config),
      m_weights(std::move(weights)),
      m_pe(checkedGaussianMatrix(m_weights, config, source)) {
  for (auto& entry : m_weights) entry.second = entry.second.to(at::kFloat).contiguous();
  m_layers = transposedLinears(m_weights);
  c10::InferenceMode guard;
  m_denseImagePe = m_pe.grid(config.imageEmbeddingSize, config.imageEmbeddingSize).unsqueeze(0);
  // Image-side projections read keys + PE (K of token->image, Q of image->token) or keys (V):
  // one product with the fused weights onto the constant PE @ W^T + bias.
  const at::Tensor pe = m_denseImagePe[0].flatten(1).t().contiguous();  // [HW, C]
  auto fuse = [&](const std::vector<std::pair<std::string, bool>>& parts) {
    std::vector<at::Tensor> partWeights, bases;
    for (const auto& [name, withPe] : parts) {
      const at::Tensor& weight = w(name + ".weight");
      const at::Tensor& bias = w(name + ".bias");
      partWeights.push_back(weight);
      bases.push_back(withPe ? linear(pe, weight, bias) : bias.expand({pe.size(0), weight.size(0)}));
    }
    m_imageProjWeightT.push_back(at::cat(partWeights, 0).t().contiguous());
    m_imageProjBase.push_back(at::cat(bases, 1).contiguous());
  };
  const std::string t = kDecoder + "transformer.";
  m_upscaleWeight1T = subPixelWeight(w(kDecoder + "output_upscaling.0.weight")).t().contiguous();
  m_upscaleWeight0T = subPixelWeight(w(kDecoder + "output_upscaling.3.weight")).t().contiguous();
  for (int64_t i = 0; i < config.depth; ++i) {
    const std::string l = t + "layers." + std::to_string(i) + ".";
    fuse({{l + "cross_attn_token_to_image.k_proj", true},
          {l + "cross_attn_token_to_image.v_proj", false},
          {l + "cross_attn_image_to_token.q_proj", true}});
  }
  fuse({{t + "final_attn_token_to_image.k_proj", true}, {t + "final_attn_token_to_image.v_proj", false}});
  // A mask prompt's dense embedding is conv6(hidden) with 16 hidden channels, so block 0's
  // projections of it fold into one 16-wide product: W (W6 hidden + b6) = (W W6) hidden + W b6.
  const std::string maskConv = kEncoder + "mask_downscaling.6.";
  const at::Tensor block0 = m_imageProjWeightT.front().t();  // [3*inner, C]
  m_maskProjWeightT = at::matmul(block0, w(maskConv + "weight").reshape({config.embedDim, -1})).t().contiguous();
  m_maskProjBias = at::matmul(block0, w(maskConv + "bias"));
}

const at::Tensor& InteractiveHeads::w(const std::string& key) const { return m_weights.at(key); }

const Linear& InteractiveHeads::layer(const std::string& name) const { return m_layers.at(name); }

at::Tensor InteractiveHeads::mlp(const std::string& prefix, int layers, const at::Tensor& x) const {
  at::Tensor h = x;
  for (int i = 0; i < layers; ++i) {
    const std::string l = prefix + ".layers." + std::to_string(i);
    h = linear(h, layer(l));
    if (i < layers - 1) h = at::relu(h);
  }
  return h;
}

at::Tensor InteractiveHeads::attention(const std::string& p, const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) const {
  const int64_t heads = m_config.numHeads, batch = q.size(0);
  // [B, N, inner] -> [B*heads, N, d], the layout of model::attention (one task per head).
  auto split = [heads](const at::Tensor& x) {
    return x.view({x.size(0), x.size(1), heads, x.size(2) / heads}).transpose(1, 2).reshape({-1, x.size(1), x.size(2) / heads});
  };
  const at::Tensor qh = split(linear(q, layer(p + ".q_proj")));
  const at::Tensor kT = split(linear(k, layer(p + ".k_proj"))).transpose(1, 2);
  const at::Tensor vh = split(linear(v, layer(p + ".v_proj")));
  const at::Tensor attended = model::attention(qh, kT, vh, batch, {});  // [B*heads, N, d]
  const at::Tensor merged = attended.view({batch, heads, qh.size(1), qh.size(2)}).transpose(1, 2).reshape({batch, qh.size(1), -1});
  return linear(merged, layer(p + ".out_proj"));
}

at::Tensor InteractiveHeads::imageProjections(int64_t block, const at::Tensor& keys) const {
  const at::Tensor& weightT = m_imageProjWeightT.at(size_t(block));
  const at::Tensor& base = m_imageProjBase.at(size_t(block));
  const int64_t batch = keys.size(0);
  return productOnto(keys, weightT, freshFor(base, batch)).view({batch, keys.size(1), weightT.size(1)});
}

at::Tensor InteractiveHeads::tokenToImage(const std::string& p, const at::Tensor& tokens, const at::Tensor& projections) const {
  const int64_t batch = tokens.size(0), n = tokens.size(1), inner = m_config.embedDim / m_config.attentionDownsample;
  const at::Tensor q = linear(tokens, layer(p + ".q_proj")).contiguous();
  at::Tensor attended = at::empty({batch, n, inner}, at::kFloat);
  for (int64_t b = 0; b < batch; ++b) {
    const at::Tensor image = projections[projections.size(0) == 1 ? 0 : b];
    attentionHeads(headMatrix(q[b]), headMatrix(image, 0), headMatrix(image, inner), m_config.numHeads, inner / m_config.numHeads,
                   headMatrix(attended[b]));
  }
  return linear(attended, layer(p + ".out_proj"));
}

at::Tensor InteractiveHeads::tokenToImageCarried(const std::string& p, const at::Tensor& tokens, const at::Tensor& keys,
                                                 int64_t block) const {
  // With a handful of queries it is cheaper to carry each head's query back through k_proj
  // (scores = (q_h W_k,h) keys^T + q_h (PE W_k,h^T + b_k,h)^T) and to project the attention-
  // weighted keys through v_proj (the weights sum to 1, so v_proj's bias passes unchanged)
  // than to project all 5184 image tokens: 2 x 48 x 5184 x 256 instead of 5184 x 256 x 256.
  const int64_t batch = tokens.size(0), n = tokens.size(1), hw = keys.size(1), c = keys.size(2);
  const int64_t inner = m_config.embedDim / m_config.attentionDownsample, heads = m_config.numHeads, d = inner / heads;
  const float scale = float(1.0 / std::sqrt(double(d)));
  const at::Tensor q = linear(tokens, layer(p + ".q_proj")).contiguous();
  const at::Tensor& wk = w(p + ".k_proj.weight");  // [inner, C]
  const at::Tensor& wv = w(p + ".v_proj.weight");
  const at::Tensor& constantK = m_imageProjBase.at(size_t(block));  // [HW, ...]: PE W_k^T + b_k first
  const at::Tensor image = keys.expand({batch, hw, c}).contiguous();
  at::Tensor attended = at::empty({batch, n, inner}, at::kFloat);
  at::Tensor carried = at::empty({heads * n, c}, at::kFloat), scores = at::empty({heads * n, hw}, at::kFloat);
  at::Tensor pooled = at::empty({heads * n, c}, at::kFloat);
  for (int64_t b = 0; b < batch; ++b) {
    const float* kb = image[b].data_ptr<float>();
    carriedScores(q[b].data_ptr<float>(), n, heads, d, wk, kb, hw, constantK, 0, scale, carried, scores);
    const at::Tensor weights = at::softmax(scores, 1);
    matrixProduct(heads * n, c, hw, 1.0f, weights.data_ptr<float>(), hw, kb, c, false, 0.0f, pooled.data_ptr<float>(), c);
    at::Tensor out = attended[b];
    out.copy_(w(p + ".v_proj.bias").expand({n, inner}));
    for (int64_t h = 0; h < heads; ++h) {
      matrixProduct(n, d, c, 1.0f, pooled.data_ptr<float>() + h * n * c, c, wv.data_ptr<float>() + h * d * c, c, true, 1.0f,
                    out.data_ptr<float>() + h * d, inner);
    }
  }
  return linear(attended, layer(p + ".out_proj"));
}

at::Tensor InteractiveHeads::imageToToken(const std::string& p, const at::Tensor& keys, const at::Tensor& projections,
                                          const at::Tensor& tokensWithPe, const at::Tensor& tokens, int64_t block) const {
  const int64_t batch = tokens.size(0), n = tokens.size(1), hw = keys.size(1), c = keys.size(2);
  const int64_t inner = m_config.embedDim / m_config.attentionDownsample, heads = m_config.numHeads, d = inner / heads;
  const at::Tensor k = linear(tokensWithPe, layer(p + ".k_proj")).contiguous();
  const at::Tensor v = linear(tokens, layer(p + ".v_proj")).contiguous();
  const at::Tensor& outWeightT = layer(p + ".out_proj").weightT;
  const at::Tensor image = keys.expand({batch, hw, c}).contiguous();
  // The residual and the output bias seed the output.
  at::Tensor out = at::add(image, w(p + ".out_proj.bias"));
  const bool fewTokens = heads * n < inner;
  TORCH_CHECK(projections.defined() || fewTokens, "imageToToken: without projections only a few tokens can be carried");
  if (!fewTokens) {
    at::Tensor attended = at::empty({batch, hw, inner}, at::kFloat);
    for (int64_t b = 0; b < batch; ++b) {
      const at::Tensor projected = projections[projections.size(0) == 1 ? 0 : b];
      attentionHeads(headMatrix(projected, 2 * inner), headMatrix(k[b]), headMatrix(v[b]), heads, d, headMatrix(attended[b]));
    }
    return productOnto(attended, outWeightT, out);
  }
  // Few tokens: scores [heads, n, hw] keys-major, then the attention folded through out_proj.
  // Without projections the image-side queries are carried the other way: each token key goes
  // back through q_proj (scores^T = (k_h W_q,h) keys^T + k_h (PE W_q,h^T + b_q,h)^T).
  const float scale = float(1.0 / std::sqrt(double(d)));
  at::Tensor scores = at::empty({heads, n, hw}, at::kFloat), carried;
  if (!projections.defined()) carried = at::empty({heads * n, c}, at::kFloat);
  for (int64_t b = 0; b < batch; ++b) {
    if (projections.defined()) {
      const at::Tensor projected = projections[projections.size(0) == 1 ? 0 : b];
      for (int64_t h = 0; h < heads; ++h) {
        matrixProduct(n, hw, d, scale, k[b].data_ptr<float>() + h * d, inner, projected.data_ptr<float>() + 2 * inner + h * d,
                      projected.stride(0), /*transposeB=*/true, 0.0f, scores[h].data_ptr<float>(), hw);
      }
    } else {
      at::Tensor flatScores = scores.view({heads * n, hw});
      carriedScores(k[b].data_ptr<float>(), n, heads, d, w(p + ".q_proj.weight"), image[b].data_ptr<float>(), hw,
                    m_imageProjBase.at(size_t(block)), 2 * inner, scale, carried, flatScores);  // Q constants at 2*inner
    }
    addFoldedImageToToken(scores, v[b].data_ptr<float>(), outWeightT, out[b].data_ptr<float>());
  }
  return out;
}

at::Tensor InteractiveHeads::convS0(const at::Tensor& level) const {
  return conv1x1(level.to(at::kFloat), w(kDecoder + "conv_s0.weight"), w(kDecoder + "conv_s0.bias"));
}

at::Tensor InteractiveHeads::convS1(const at::Tensor& level) const {
  return conv1x1(level.to(at::kFloat), w(kDecoder + "conv_s1.weight"), w(kDecoder + "conv_s1.bias"));
}

InteractiveImage InteractiveHeads::prepareImage(const at::Tensor& level72, const at::Tensor& level288,
                                                const at::Tensor& level144) const {
  c10::InferenceMode guard;
  return prepareImageFromDecoderInputs(addNoMemoryEmbedding(level72), convS0(level288), convS1(level144));
}

at::Tensor InteractiveHeads::addNoMemoryEmbedding(const at::Tensor& level72) const {
  return level72.to(at::kFloat) + w("tracker.no_mem_embed").view({1, -1, 1, 1});
}

InteractiveImage InteractiveHeads::prepareImageFromDecoderInputs(const at::Tensor& imageEmbeddings, const at::Tensor& featS0,
                                                                 const at::Tensor& featS1) const {
  c10::InferenceMode guard;
  const int64_t c = m_config.embedDim, g = m_config.imageEmbeddingSize;
  if (imageEmbeddings.dim() != 4 || imageEmbeddings.size(0) != 1 || imageEmbeddings.size(1) != c || imageEmbeddings.size(2) != g ||
      imageEmbeddings.size(3) != g) {
    throw std::invalid_argument("interactive heads: image embeddings must be [1, " + std::to_string(c) + ", " + std::to_string(g) +
                                ", " + std::to_string(g) + "], got " + c10::str(imageEmbeddings.sizes()));
  }
  if (featS0.dim() != 4 || featS0.size(1) != c / 8 || featS0.size(2) != 4 * g || featS1.dim() != 4 || featS1.size(1) != c / 4 ||
      featS1.size(2) != 2 * g) {
    throw std::invalid_argument("interactive heads: high-resolution features must be [1," + std::to_string(c / 8) + "," +
                                std::to_string(4 * g) + "," + std::to_string(4 * g) + "] and [1," + std::to_string(c / 4) + "," +
                                std::to_string(2 * g) + "," + std::to_string(2 * g) + "], got " + c10::str(featS0.sizes()) +
                                " and " + c10::str(featS1.sizes()));
  }
  InteractiveImage image;
  image.imageEmbeddings = imageEmbeddings.to(at::kFloat).contiguous();
  // The high-resolution features, with the transposed convolutions' biases, seed the upscaling products.
  const std::string up = kDecoder + "output_upscaling.";
  image.upscaleBase1 = (blockOnce(featS1.to(at::kFloat), g) + w(up + "0.bias").repeat(4)).contiguous();
  image.upscaleBase0 = (blockTwice(featS0.to(at::kFloat), g) + w(up + "3.bias").repeat(4)).contiguous();
  image.imageSeq = image.imageEmbeddings.flatten(2).transpose(1, 2).contiguous();
  image.srcNoMask = image.imageSeq + w(kEncoder + "no_mask_embed.weight");
  // Without a mask prompt block 0 reads a fixed src: its image-side projections are per image.
  image.block0Projections = imageProjections(0, image.srcNoMask);
  return image;
}

at::Tensor InteractiveHeads::embedPoints(const at::Tensor& coordsIn, const at::Tensor& labelsIn, bool pad, StageCapture* capture) const {
  c10::InferenceMode guard;
  at::Tensor coords = coordsIn.to(at::kFloat) + 0.5;
  at::Tensor labels = labelsIn.to(at::kLong);
  if (pad) {
    coords = at::cat({coords, at::zeros({coords.size(0), 1, 2})}, 1);
    labels = at::cat({labels, -at::ones({labels.size(0), 1}, at::kLong)}, 1);
  }
  store(capture, "pe.pe_coords_in", coords);
  store(capture, "pe.labels_padded", labels);
  store(capture, "pe.pe_coords_unit", coords / double(m_config.inputImageSize));
  const int64_t size = m_config.inputImageSize;
  at::Tensor embedding = m_pe.encodeCoords(coords, size, size);
  store(capture, "pe.point_pe", embedding);
  const at::Tensor isPad = (labels == -1).unsqueeze(-1);
  embedding = at::where(isPad, w(kEncoder + "not_a_point_embed.weight").view({1, 1, -1}), embedding);
  for (int i = 0; i < 4; ++i) {
    const at::Tensor is = (labels == i).unsqueeze(-1);
    embedding = embedding + is.to(at::kFloat) * w(kEncoder + "point_embeddings." + std::to_string(i) + ".weight").view({1, 1, -1});
  }
  return embedding;
}

at::Tensor InteractiveHeads::embedMaskHidden(const at::Tensor& mask) const {
  c10::InferenceMode guard;
  const int64_t expected = 4 * m_config.imageEmbeddingSize;
  if (mask.dim() != 4 || mask.size(1) != 1 || mask.size(2) != expected || mask.size(3) != expected) {
    throw std::invalid_argument("interactive heads: a mask prompt must be [B, 1, " + std::to_string(expected) + ", " +
                                std::to_string(expected) + "] logits, got " + c10::str(mask.sizes()));
  }
  const std::string p = kEncoder + "mask_downscaling.";
  at::Tensor x = at::conv2d(mask.to(at::kFloat), w(p + "0.weight"), w(p + "0.bias"), {2, 2});
  x = geluErf(layerNorm2d(x, w(p + "1.weight"), w(p + "1.bias"), kLayerNorm2dEps));
  x = at::conv2d(x, w(p + "3.weight"), w(p + "3.bias"), {2, 2});
  return geluErf(layerNorm2d(x, w(p + "4.weight"), w(p + "4.bias"), kLayerNorm2dEps));
}

at::Tensor InteractiveHeads::embedMask(const at::Tensor& mask) const { return denseFromMaskHidden(embedMaskHidden(mask)); }

at::Tensor InteractiveHeads::denseFromMaskHidden(const at::Tensor& hidden) const {
  c10::InferenceMode guard;
  const std::string p = kEncoder + "mask_downscaling.";
  return conv1x1(hidden, w(p + "6.weight"), w(p + "6.bias"));  // ATen's conv took 4 ms for these 42 MFLOP
}

at::Tensor InteractiveHeads::noMaskDense() const {
  const int64_t g = m_config.imageEmbeddingSize;
  return w(kEncoder + "no_mask_embed.weight").view({1, -1, 1, 1}).expand({1, m_config.embedDim, g, g});
}

void InteractiveHeads::selectByStability(const at::Tensor& allMasks, const at::Tensor& allIou, double delta, double threshold,
                                         DecoderOutput& out) {
  const at::Tensor token0 = allMasks.select(1, 0).flatten(1);  // [B, HW]
  // float32 comparisons like the original: a logit equal to float32(delta) is not > delta.
  const at::Tensor deltaF = at::scalar_tensor(delta, at::kFloat);
  const at::Tensor areaI = (token0 > deltaF).sum(-1).to(at::kFloat);
  const at::Tensor areaU = (token0 > -deltaF).sum(-1).to(at::kFloat);
  // areaI / areaU, and 1 for an empty union (then areaI = 0 too); arithmetic rather than
  // at::where so the portable decoder's selection runs on every backend.
  const at::Tensor emptyUnion = (areaU == 0).to(at::kFloat);
  const at::Tensor stability = (areaI + emptyUnion) / (areaU + emptyUnion);
  const at::Tensor stable = stability >= at::scalar_tensor(threshold, at::kFloat);
  const at::Tensor best = std::get<1>(allIou.slice(1, 1).max(1)) + 1;  // first index on ties
  const at::Tensor selected = best * (1 - stable.to(at::kLong));  // token 0 when stable
  const at::Tensor batch = at::arange(allMasks.size(0), allMasks.options().dtype(at::kLong));
  out.lowResMasks = allMasks.index({batch, selected}).unsqueeze(1);
  out.iouPredictions = allIou.index({batch, selected}).unsqueeze(1);
  out.stabilityToken0 = stability;
  out.selectedToken = selected;
}

DecoderOutput InteractiveHeads::decode(const InteractiveImage& image, const at::Tensor& sparse, const at::Tensor& dense,
                                       bool multimaskOutput, bool repeatImage, const at::Tensor& maskHidden) const {
  c10::InferenceMode guard;
  const int64_t b = sparse.size(0);
  const std::string t = kDecoder + "transformer.";
  const at::Tensor outputTokens = at::cat({w(kDecoder + "obj_score_token.weight"), w(kDecoder + "iou_token.weight"),
                                           w(kDecoder + "mask_tokens.weight")}, 0);
  const at::Tensor tokens = at::cat({outputTokens.unsqueeze(0).expand({b, -1, -1}), sparse.to(at::kFloat)}, 1);
  const bool cached = !dense.defined();
  const int64_t g = m_config.imageEmbeddingSize;
  // Image tokens as a sequence [Bk, HW, C]; Bk = 1 while every object shares the image.
  at::Tensor keys, projections;
  if (cached) {
    keys = image.srcNoMask;
    projections = image.block0Projections;
  } else {
    const at::Tensor denseSeq = dense.to(at::kFloat).flatten(2).transpose(1, 2);
    keys = (repeatImage ? image.imageSeq.expand({b, -1, -1}) : image.imageSeq) + denseSeq;
    if (maskHidden.defined()) {
      const at::Tensor hiddenSeq = maskHidden.to(at::kFloat).flatten(2).transpose(1, 2);
      // The embeddings' share of the same projections (+ the mask conv's bias), made on the first
      // mask prompt of an image: most images never get one, so image switches do not pay for it.
      std::call_once(image.maskBlock0Base->once, [&] {
        image.maskBlock0Base->value = imageProjections(0, image.imageSeq) + m_maskProjBias;
      });
      projections = productOnto(hiddenSeq, m_maskProjWeightT, freshFor(image.maskBlock0Base->value, b));
    } else {
      projections = imageProjections(0, keys.contiguous());
    }
  }
  at::Tensor queries = tokens;
  const at::Tensor& queryPe = tokens;

  for (int64_t i = 0; i < m_config.depth; ++i) {
    const std::string l = t + "layers." + std::to_string(i) + ".";
    if (i == 0) {  // skip_first_layer_pe: no residual, no PE
      queries = attention(l + "self_attn", queries, queries, queries);
    } else {
      const at::Tensor q = queries + queryPe;
      queries = queries + attention(l + "self_attn", q, q, queries);
    }
    queries = layerNorm(queries, w(l + "norm1.weight"), w(l + "norm1.bias"));
    // After block 0 the image side changes per click. With few tokens, carrying each head's
    // token query/key through the projection weights costs less than projecting 5184 tokens.
    const bool carry = i > 0 && m_config.numHeads * tokens.size(1) < m_config.embedDim / m_config.attentionDownsample;
    if (i > 0 && !carry) projections = imageProjections(i, keys);
    queries = queries + (carry ? tokenToImageCarried(l + "cross_attn_token_to_image", queries + queryPe, keys, i)
                               : tokenToImage(l + "cross_attn_token_to_image", queries + queryPe, projections));
    queries = layerNorm(queries, w(l + "norm2.weight"), w(l + "norm2.bias"));
    const at::Tensor hidden = at::relu(linear(queries, layer(l + "mlp.lin1")));
    queries = layerNorm(queries + linear(hidden, layer(l + "mlp.lin2")), w(l + "norm3.weight"),
                        w(l + "norm3.bias"));
    keys = imageToToken(l + "cross_attn_image_to_token", keys, carry ? at::Tensor() : projections, queries + queryPe, queries, i);
    keys = layerNorm(keys, w(l + "norm4.weight"), w(l + "norm4.bias"));
  }
  {
    // Only the output tokens (object score, IoU, masks) are read after the last attention.
    const int64_t outputs = outputTokens.size(0);
    const at::Tensor q = queries.narrow(1, 0, outputs);
    const at::Tensor attended =
        tokenToImageCarried(t + "final_attn_token_to_image", q + queryPe.narrow(1, 0, outputs), keys, m_config.depth);
    queries = layerNorm(q + attended, w(t + "norm_final_attn.weight"), w(t + "norm_final_attn.bias"));
  }
  const at::Tensor iouTokenOut = queries.select(1, 1);
  const int64_t numTokens = m_config.numMultimaskOutputs + 1;
  const at::Tensor maskTokensOut = queries.slice(1, 2, 2 + numTokens);

  // Upscale the image tokens with the high-resolution features (blocked rows, see above).
  const std::string up = kDecoder + "output_upscaling.";
  const int64_t cUp = m_config.embedDim / 4;
  at::Tensor upscaled = productOnto(keys, m_upscaleWeight1T, freshFor(image.upscaleBase1, b)).view({-1, cUp});
  upscaled = geluInPlace(at::layer_norm(upscaled, {cUp}, w(up + "1.weight"), w(up + "1.bias"), kLayerNorm2dEps));
  upscaled = geluInPlace(productOnto(upscaled.view({b, -1, cUp}), m_upscaleWeight0T, freshFor(image.upscaleBase0, b)));

  std::vector<at::Tensor> hyper;
  for (int64_t i = 0; i < numTokens; ++i) {
    hyper.push_back(mlp(kDecoder + "output_hypernetworks_mlps." + std::to_string(i), 3, maskTokensOut.select(1, i)));
  }
  const at::Tensor hyperIn = at::stack(hyper, 1).contiguous();  // [B, 4, C/8]
  const int64_t cMask = hyperIn.size(2), pixels = upscaled.numel() / (b * cMask);
  at::Tensor blocked = at::empty({b, numTokens, pixels}, at::kFloat);
  for (int64_t i = 0; i < b; ++i) {
    matrixProduct(numTokens, pixels, cMask, 1.0f, hyperIn[i].data_ptr<float>(), cMask, upscaled.data_ptr<float>() + i * pixels * cMask,
                  cMask, /*transposeB=*/true, 0.0f, blocked[i].data_ptr<float>(), pixels);
  }
  DecoderOutput out;
  out.allMaskLogits = unblockMasks(blocked, g);
  out.allIou = at::sigmoid(mlp(kDecoder + "iou_prediction_head", 3, iouTokenOut));
  out.allMaskTokensOut = maskTokensOut;
  out.objectScoreLogits = mlp(kDecoder + "pred_obj_score_head", 3, queries.select(1, 0));
  selectOutputs(m_config, multimaskOutput, out);
  return out;
}

void InteractiveHeads::selectOutputs(const InteractiveHeadsConfig& config, bool multimaskOutput, DecoderOutput& out) {
  if (multimaskOutput) {
    out.lowResMasks = out.allMaskLogits.slice(1, 1);
    out.iouPredictions = out.allIou.slice(1, 1);
    out.samTokensOut = out.allMaskTokensOut.slice(1, 1);
  } else {
    selectByStability(out.allMaskLogits, out.allIou, config.stabilityDelta, config.stabilityThreshold, out);
    out.samTokensOut = out.allMaskTokensOut.slice(1, 0, 1);
  }
}

}  // namespace sam3::model
