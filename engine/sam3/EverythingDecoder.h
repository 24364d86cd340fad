#pragma once
// "Segment everything" on SAM3's interactive heads: a grid of single include clicks decoded in
// batches (many prompts per decoder call, multimask output as in SAM's automatic mask
// generator), filtered by predicted IoU and stability at the decoder's 288x288 resolution,
// then de-duplicated by mask NMS; only the survivors are upsampled to the image.

#include <ATen/ATen.h>

#include <array>
#include <functional>
#include <vector>

#include "engine/sam3/InteractiveHeads.h"
#include "engine/sam3/PortableMaskDecoder.h"
#include "engine/segment/AutoMask.h"
#include "engine/segment/Segmenter.h"

namespace sam3::model {

struct GridProposals {
  at::Tensor logits;                  // [K, 288, 288] float on the CPU (holes filled), K proposals
  std::vector<double> predictedIou;   // [K]
  std::vector<double> stability;      // [K]
  std::vector<int> point;             // [K] index into the grid
  int decodedPoints = 0;              // fewer than the grid when stopped early
};

// Where the decoder runs: the CPU heads, or a decoder on a GPU with the image's inputs there.
struct DecoderPlace {
  const InteractiveHeads& heads;
  const InteractiveImage& image;
  const PortableMaskDecoder* deviceDecoder = nullptr;
  const PortableImage* deviceImage = nullptr;
};

// `keepGoing(done, total)` is called before every batch; returning false stops the decoding.
using GridProgress = std::function<bool(int done, int total)>;

// Decodes every point (image pixels) as one include click and keeps the masks that pass the
// options' predicted-IoU and stability filters. Each proposal equals the corresponding
// candidate of a one-click prediction (the same decoder, batched).
GridProposals decodeGrid(const DecoderPlace& place, const std::vector<std::array<double, 2>>& points, int64_t height,
                         int64_t width, const segment::EverythingOptions& options, const GridProgress& keepGoing);

// The proposals' non-maximum suppression and upsampling: instances at image resolution, best
// first, non-overlapping when options.exclusive, at most options.maxInstances.
std::vector<segment::Instance> selectInstances(const GridProposals& proposals, int64_t height, int64_t width,
                                               const segment::EverythingOptions& options);

}  // namespace sam3::model
