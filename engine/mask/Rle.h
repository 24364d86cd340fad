#pragma once
// COCO run-length encoding, bit-compatible with the reference COCO mask API: runs over the mask
// read in column-major order (pixel index x*h + y), alternating background/foreground and
// starting with background; the compressed string form (5 bits per char, chars 48..111,
// deltas against the run two places back); area and the reference's bounding-box rule.

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/mask/BinaryMask.h"

namespace sam3::mask {

class RleError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct Rle {
  int height = 0;
  int width = 0;
  std::vector<uint32_t> counts;

  bool operator==(const Rle& o) const { return height == o.height && width == o.width && counts == o.counts; }
};

Rle encode(const BinaryMask& mask);
// Throws RleError when the counts do not sum to height*width.
BinaryMask decode(const Rle& rle);

// Throws RleError (naming the problem) for negative sizes or counts not summing to h*w.
void validate(const Rle& rle);

std::string toCompressedString(const Rle& rle);
// Throws RleError for characters outside 48..111, truncated values, negative runs, or counts
// that do not sum to height*width.
Rle fromCompressedString(const std::string& counts, int height, int width);

int64_t area(const Rle& rle);
// [x, y, width, height]; all zero for an empty mask. Reproduces the reference quirk: when a
// foreground run continues from one column into the next, y = 0 and height = h.
std::array<double, 4> boundingBox(const Rle& rle);

// Intersection over union (0 when both are empty or the sizes differ), as the COCO API's iou.
double iou(const Rle& a, const Rle& b);

Rle unite(const Rle& a, const Rle& b);        // a OR b
Rle intersect(const Rle& a, const Rle& b);    // a AND b
Rle subtract(const Rle& a, const Rle& b);     // a AND NOT b

}  // namespace sam3::mask
