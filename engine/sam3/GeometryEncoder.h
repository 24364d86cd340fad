#pragma once
// Native port of SAM3's SequenceGeometryEncoder (inference only). Everything that depends only
// on the image - the LayerNormed map used for pooling and every layer's cross-attention keys
// and values - is computed once by prepareImage(); encode() then costs O(points + boxes).

#include <ATen/ATen.h>

#include <map>
#include <string>
#include <vector>

#include "engine/prompt/torch/GeometryPrompt.h"
#include "engine/sam3/GeometryEncoderConfig.h"
#include "engine/sam3/NnOps.h"
#include "engine/sam3/PositionEmbeddingSine.h"

namespace sam3::model {

// Per-image state for a batch of B images.
struct GeometryImageContext {
  int64_t height = 0, width = 0, batch = 0;
  at::Tensor pooledSeq;  // img_pre_norm(features) [H*W, B, C], for point sampling
  at::Tensor pooledMap;  // the same as [B, C, H, W], for roi_align
  std::vector<at::Tensor> crossKeysT;   // per layer, split heads, transposed [B*heads, C/heads, H*W]
  std::vector<at::Tensor> crossValues;  // per layer, split heads
};

struct GeometryEncoding {
  at::Tensor embeddings;  // [Np+Nb+1, B, C] sequence-first
  at::Tensor mask;        // [B, Np+Nb+1], true = padded
};

// Optional capture of intermediate tensors, named as the golden data's "inter.*" entries.
using Intermediates = std::map<std::string, at::Tensor>;

class GeometryEncoder {
 public:
  // Throws WeightError listing every missing/unexpected/mis-shaped key.
  // The module runs on `device` (its weights are moved there; inputs are moved on entry and
  // outputs stay there). The CPU takes the raw-product paths, other devices ATen's.
  GeometryEncoder(const GeometryEncoderConfig& config, StateDict weights, const std::string& source = "weights",
                  c10::Device device = c10::kCPU);

  const GeometryEncoderConfig& config() const { return m_config; }
  c10::Device device() const { return m_device; }

  // features [H*W, B, C] (raw backbone level), positions [H*W, B or 1, C] (undefined = zeros).
  GeometryImageContext prepareImage(const at::Tensor& features, const at::Tensor& positions, int64_t height,
                                    int64_t width) const;

  // Encodes a prompt whose batch matches the context. Throws std::invalid_argument on mismatch.
  // `pooledBoxes` [Nb, B, C] (from poolBoxes() on another image's context) replaces the boxes'
  // pool term: exemplars drawn on another image, our extension (SAM3 pools from the image it
  // searches); everything else - coordinates, positions, cross-attention - is as given.
  GeometryEncoding encode(const prompt::GeometryPrompt& prompt, const GeometryImageContext& image,
                          Intermediates* capture = nullptr, const at::Tensor& pooledBoxes = {}) const;
  // The boxes' pool term [Nb, B, C]: boxes_pool_project of roi_align over the image's
  // LayerNormed map (what encode() adds to each box token).
  at::Tensor poolBoxes(const prompt::GeometryPrompt& prompt, const GeometryImageContext& image,
                       Intermediates* capture = nullptr) const;

 private:
  const at::Tensor& w(const std::string& key) const;
  const Linear& layer(const std::string& name) const;
  at::Tensor encodePoints(const prompt::GeometryPrompt& prompt, const GeometryImageContext& image,
                          Intermediates* capture) const;
  at::Tensor encodeBoxes(const prompt::GeometryPrompt& prompt, const GeometryImageContext& image,
                         Intermediates* capture, const at::Tensor& pooledBoxes) const;
  at::Tensor encoderLayer(int64_t index, const at::Tensor& x, const at::Tensor& mask,
                          const GeometryImageContext& image) const;

  GeometryEncoderConfig m_config;
  c10::Device m_device;
  StateDict m_weights;
  PositionEmbeddingSine m_posEnc;
  // Every linear layer transposed for the products (self-attention's in_proj as
  // "<prefix>in_proj", cross-attention's as its parts "<prefix>in_proj.q" etc.; the boxes'
  // Conv2d(C, C, roi) as "boxes_pool_project").
  LinearLayers m_layers;
};

}  // namespace sam3::model
