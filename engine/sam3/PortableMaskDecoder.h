#pragma once
// SAM3's interactive mask decoder written with plain ATen operators in the original's order
// (TwoWayTransformer + MaskDecoder with high-resolution features), so it runs on any device
// its weights are on: the GPU path of the interactive heads. InteractiveHeads is the CPU path
// (cached image side, carried and folded attentions, raw products); both return the same
// DecoderOutput and are tested against each other.

#include <ATen/ATen.h>
#include <c10/core/Device.h>

#include "engine/sam3/InteractiveHeads.h"

namespace sam3::model {

// Decoder inputs that depend only on the image, on the decoder's device.
struct PortableImage {
  at::Tensor imageEmbeddings;  // [1, C, 72, 72], no_mem_embed added
  at::Tensor featS0, featS1;   // conv_s0 / conv_s1 outputs [1, C/8, 288, 288], [1, C/4, 144, 144]
};

class PortableMaskDecoder {
 public:
  // The decoder's weights of `heads` (and its dense image PE) copied to `device`.
  PortableMaskDecoder(const InteractiveHeads& heads, c10::Device device);

  c10::Device device() const { return m_device; }
  // Moves decoder inputs made on the CPU (InteractiveHeads::prepareImage's pieces) to the device.
  PortableImage image(const at::Tensor& imageEmbeddings, const at::Tensor& featS0, const at::Tensor& featS1) const;

  // sparse [B, N, C] and dense [B, C, 72, 72] (undefined: no mask prompt) from the prompt
  // encoder, on any device (moved here). Outputs stay on the decoder's device.
  DecoderOutput decode(const PortableImage& image, const at::Tensor& sparse, const at::Tensor& dense, bool multimaskOutput) const;

 private:
  const at::Tensor& w(const std::string& key) const;
  at::Tensor linear(const std::string& prefix, const at::Tensor& x) const;
  at::Tensor norm(const std::string& prefix, const at::Tensor& x, double eps = 1e-5) const;
  at::Tensor attention(const std::string& prefix, const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) const;
  at::Tensor mlp3(const std::string& prefix, const at::Tensor& x) const;
  at::Tensor layerNorm2d(const std::string& prefix, const at::Tensor& x) const;

  InteractiveHeadsConfig m_config;
  c10::Device m_device;
  StateDict m_weights;       // the decoder's and the no-mask embedding, on m_device
  at::Tensor m_denseImagePe;  // [1, C, 72, 72] on m_device
};

}  // namespace sam3::model
