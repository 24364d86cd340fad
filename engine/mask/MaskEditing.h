#pragma once
// Mask operations behind the editing tools: hit testing on an RLE without decoding it, the
// disconnected parts of a mask (split), and a brush stroke rasterized into a mask.

#include <utility>
#include <vector>

#include "engine/mask/BinaryMask.h"
#include "engine/mask/Rle.h"

namespace sam3::mask {

// Whether pixel (x, y) is foreground; false outside the mask. Walks the runs (no decoding).
bool contains(const Rle& rle, int x, int y);

// The 8-connected parts of `mask`, largest first; parts smaller than `minArea` pixels are
// dropped.
std::vector<BinaryMask> connectedParts(const BinaryMask& mask, int64_t minArea = 1);

// A stroke through `points` (image pixels) with round caps and joins of `radius` pixels. Only
// the stroke's bounding box is touched, so a stroke on a 100-megapixel image stays cheap.
BinaryMask rasterizeStroke(const std::vector<std::pair<double, double>>& points, double radius, int height, int width);

}  // namespace sam3::mask
