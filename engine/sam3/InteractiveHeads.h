#pragma once
// SAM3's interactive (SAM1/SAM2-style) heads, native: the tracker's prompt encoder and its
// two-way-transformer mask decoder, loaded by checkpoint key (`tracker.sam_prompt_encoder.*`,
// `tracker.sam_mask_decoder.*`, `tracker.no_mem_embed`). Inference only.
//
// Image-only work (the first block's projections of the image tokens when no mask prompt is
// given) is done once per image in prepareImage(); the dense image PE's share of every
// image-side projection is folded into per-weights constants at construction.

#include <ATen/ATen.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/sam3/NnOps.h"
#include "engine/sam3/PositionEmbeddingRandom.h"
#include "engine/sam3/StateDict.h"

namespace sam3::model {

struct InteractiveHeadsConfig {
  int64_t embedDim = 256;
  int64_t imageEmbeddingSize = 72;   // decoder grid (1008 / 14)
  int64_t inputImageSize = 1008;
  int64_t maskInChans = 16;
  int64_t numHeads = 8;
  int64_t mlpDim = 2048;
  int64_t depth = 2;
  int64_t attentionDownsample = 2;
  int64_t numMultimaskOutputs = 3;
  double stabilityDelta = 0.05;
  double stabilityThreshold = 0.98;

  // Every state-dict key (with the checkpoint prefixes) and its shape.
  ShapeSpec expectedWeights() const;
};

// Decoder inputs that depend only on the image.
struct InteractiveImage {
  at::Tensor imageEmbeddings;  // [1, C, 72, 72], no_mem_embed already added
  // The high-resolution features (after conv_s0/conv_s1) + the upscaling biases, in the blocked
  // row order of the upscaling products: [1, 72*72, 4*64] and [1, 72*72*4, 4*32].
  at::Tensor upscaleBase1, upscaleBase0;
  at::Tensor imageSeq;         // [1, HW, C]: the embeddings as a token sequence (mask prompts add to it)
  at::Tensor srcNoMask;        // [1, HW, C]: embeddings + no_mask_embed, the usual `src`
  at::Tensor block0Projections;  // [1, HW, 3*inner]: block 0's image-side K | V | Q of srcNoMask (+ PE)
  // [1, HW, 3*inner]: the same of imageSeq (+ PE, + the mask conv's bias), made on first use.
  struct LazyTensor {
    std::once_flag once;
    at::Tensor value;
  };
  std::shared_ptr<LazyTensor> maskBlock0Base = std::make_shared<LazyTensor>();
};

struct DecoderOutput {
  at::Tensor lowResMasks;      // [B, M, 288, 288] logits (M = 3 multimask, else 1)
  at::Tensor iouPredictions;   // [B, M]
  at::Tensor samTokensOut;     // [B, M or 1, C]
  at::Tensor objectScoreLogits;  // [B, 1]
  // All four tokens before selection, and the selection itself (multimask_output=false).
  at::Tensor allMaskLogits, allIou, allMaskTokensOut;
  at::Tensor stabilityToken0;  // [B]
  at::Tensor selectedToken;    // [B] int64: 0, or 1..3 for the fallback
};

using StageCapture = std::map<std::string, at::Tensor>;

class InteractiveHeads {
 public:
  // `weights` are keyed as in the checkpoint. Throws WeightError listing every problem.
  InteractiveHeads(const InteractiveHeadsConfig& config, StateDict weights, const std::string& source = "weights");

  const InteractiveHeadsConfig& config() const { return m_config; }
  const StateDict& weights() const { return m_weights; }  // float32, keyed as in the checkpoint
  const PositionEmbeddingRandom& positionEncoding() const { return m_pe; }
  const at::Tensor& denseImagePe() const { return m_denseImagePe; }  // [1, C, 72, 72]

  // Raw neck levels: [1,C,72,72] (no_mem_embed is added here), [1,C,288,288], [1,C,144,144].
  InteractiveImage prepareImage(const at::Tensor& level72, const at::Tensor& level288, const at::Tensor& level144) const;
  // Same, for inputs that already went through conv_s0/conv_s1 and have no_mem_embed added.
  InteractiveImage prepareImageFromDecoderInputs(const at::Tensor& imageEmbeddings, const at::Tensor& featS0,
                                                 const at::Tensor& featS1) const;

  // level72 + tracker.no_mem_embed: the decoder's image embeddings for an image without memory.
  at::Tensor addNoMemoryEmbedding(const at::Tensor& level72) const;
  // conv_s0 / conv_s1 (1x1 convolutions of the high-resolution levels).
  at::Tensor convS0(const at::Tensor& level) const;
  at::Tensor convS1(const at::Tensor& level) const;

  // Prompt encoder. coords [B,N,2] in the 1008 model frame, labels [B,N] (0 neg, 1 pos, 2/3 box
  // corners); `pad` appends the (0,0)/-1 padding point. Returns [B, N(+1), C].
  at::Tensor embedPoints(const at::Tensor& coords, const at::Tensor& labels, bool pad, StageCapture* capture = nullptr) const;
  // mask [B,1,288,288] logits -> dense [B, C, 72, 72].
  at::Tensor embedMask(const at::Tensor& mask) const;
  // The same in two steps: the 16-channel map before the last 1x1 convolution, then that conv.
  at::Tensor embedMaskHidden(const at::Tensor& mask) const;
  at::Tensor denseFromMaskHidden(const at::Tensor& hidden) const;
  // The dense embedding without a mask prompt: no_mask_embed broadcast to [1, C, 72, 72].
  at::Tensor noMaskDense() const;

  // Mask decoder. `dense` undefined = no mask prompt (uses the cached image side). With a mask
  // prompt, passing its embedMaskHidden() too lets block 0 project 16 channels instead of 256.
  DecoderOutput decode(const InteractiveImage& image, const at::Tensor& sparse, const at::Tensor& dense,
                       bool multimaskOutput, bool repeatImage, const at::Tensor& maskHidden = {}) const;

  // Fills lowResMasks / iouPredictions / samTokensOut from the all-token outputs: tokens 1..3
  // (multimask) or the single-mask selection below.
  static void selectOutputs(const InteractiveHeadsConfig& config, bool multimaskOutput, DecoderOutput& out);
  // The single-mask selection by stability score of token 0 (float32 comparisons).
  static void selectByStability(const at::Tensor& allMasks, const at::Tensor& allIou, double delta, double threshold,
                                DecoderOutput& out);

 private:
  const at::Tensor& w(const std::string& key) const;
  const Linear& layer(const std::string& name) const;
  at::Tensor mlp(const std::string& prefix, int layers, const at::Tensor& x) const;
  at::Tensor attention(const std::string& prefix, const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) const;
  // Image-side projections of block `block` (K | V of token->image, Q of image->token, PE folded
  // in) for keys [Bk, HW, C].
  at::Tensor imageProjections(int64_t block, const at::Tensor& keys) const;
  // Tokens [B, N, C] (with PE) attend over projected image tokens [Bk, HW, >= 2*inner].
  at::Tensor tokenToImage(const std::string& prefix, const at::Tensor& tokens, const at::Tensor& projections) const;
  // The same for a few tokens without projecting the image (block: whose PE constants to use;
  // depth = the final attention).
  at::Tensor tokenToImageCarried(const std::string& prefix, const at::Tensor& tokens, const at::Tensor& keys, int64_t block) const;
  // Image tokens (queries: column block 2*inner of `projections`) attend over the tokens; returns
  // keys + the attention output (before norm4), [B, HW, C]. With fewer than inner/heads tokens
  // `projections` may be undefined: the queries are then carried through block `block`'s q_proj
  // instead of projecting the image.
  at::Tensor imageToToken(const std::string& prefix, const at::Tensor& keys, const at::Tensor& projections,
                          const at::Tensor& tokensWithPe, const at::Tensor& tokens, int64_t block) const;

  InteractiveHeadsConfig m_config;
  StateDict m_weights;
  PositionEmbeddingRandom m_pe;
  at::Tensor m_denseImagePe;     // [1, C, 72, 72]
  LinearLayers m_layers;         // every linear layer, transposed for the products
  // Per block (and the final attention): fused image-side projection weights, transposed
  // [C, 3*inner or 2*inner], and their constant part PE @ W^T + bias [HW, 3*inner or 2*inner].
  std::vector<at::Tensor> m_imageProjWeightT, m_imageProjBase;
  at::Tensor m_upscaleWeight1T, m_upscaleWeight0T;  // the transposed convolutions as sub-pixel products, [Cin, 4*Cout]
  // Block 0's fused projection through the mask conv, transposed [16, 3*inner], and its bias.
  at::Tensor m_maskProjWeightT, m_maskProjBias;
};

}  // namespace sam3::model
