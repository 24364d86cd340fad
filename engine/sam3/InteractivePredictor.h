#pragma once
// The per-click path: an InteractivePrompt in image pixels -> prompt encoder -> mask decoder
// -> hole filling, upsampling to the image size and threshold; the returned low-resolution
// logits (clamped to [-32, 32]) feed the next click's mask prompt.

#include <ATen/ATen.h>

#include "engine/prompt/InteractivePrompt.h"
#include "engine/sam3/InteractiveHeads.h"
#include "engine/sam3/PortableMaskDecoder.h"

namespace sam3::model {

struct ModelPoints {
  at::Tensor coords;  // [1, N, 2] in the 1008 model frame (box corners first), undefined when none
  at::Tensor labels;  // [1, N] int64: 2/3 box corners, 1 include, 0 exclude
  at::Tensor normalized;  // [1, N, 2] x/W, y/H
};

// Throws std::invalid_argument for non-finite coordinates. Coordinates outside the image are
// clamped to its border (a click just outside is what the user meant).
ModelPoints toModelPoints(const prompt::InteractivePrompt& prompt, int64_t height, int64_t width, int64_t modelSize = 1008);

struct InteractiveResult {
  at::Tensor masks;          // [M, H, W] bool at image resolution
  at::Tensor iou;            // [M]
  at::Tensor lowResLogits;   // [M, 288, 288] clamped to [-32, 32]
  at::Tensor upsampledLogits;  // [M, H, W], only when asked for (48 MB at 12 MP)
  DecoderOutput decoder;
};

class InteractivePredictor {
 public:
  explicit InteractivePredictor(const InteractiveHeads& heads) : m_heads(heads) {}
  // The mask decoder on another device (a GPU): the prompt encoder and the post-processing
  // stay on the CPU, the decoder runs on `decoder`'s device over `deviceImage`.
  InteractivePredictor(const InteractiveHeads& heads, const PortableMaskDecoder& decoder, const PortableImage& deviceImage)
      : m_heads(heads), m_deviceDecoder(&decoder), m_deviceImage(&deviceImage) {}

  // Throws std::invalid_argument for an empty prompt or a mask prompt of the wrong size.
  InteractiveResult predict(const InteractiveImage& image, const prompt::InteractivePrompt& prompt, int64_t height,
                            int64_t width, bool multimaskOutput, StageCapture* capture = nullptr,
                            bool keepUpsampledLogits = false) const;

 private:
  const InteractiveHeads& m_heads;
  const PortableMaskDecoder* m_deviceDecoder = nullptr;
  const PortableImage* m_deviceImage = nullptr;
};

}  // namespace sam3::model
