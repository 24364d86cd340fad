#pragma once
// "Segment everything" (SAM's automatic mask generator) without a model: the grid of click
// prompts, the stability score, greedy mask non-maximum suppression and the optional step that
// makes the kept masks non-overlapping. Engines decode the grid; these decide what is kept.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/mask/BinaryMask.h"

namespace sam3::segment {

struct EverythingOptions {
  int pointsPerSide = 32;        // the grid: pointsPerSide^2 single include clicks
  // Clicks per decoder call; 0 = the engine's choice. On 2 CPU cores 1 to 64 all ran ~36 clicks/s
  // (each click's two-way attention and upscaling dominate), while memory grows ~16 MB per
  // click; a GPU gains from large batches.
  int pointsPerBatch = 0;
  double minPredictedIou = 0.88;  // SAM's pred_iou_thresh
  double minStability = 0.95;    // SAM's stability_score_thresh
  double stabilityOffset = 1.0;  // logits +- offset for the stability score
  double nmsIou = 0.7;           // masks overlapping a better one by more than this are dropped
  bool exclusive = true;         // every pixel to at most one mask (the better one)
  double minKeptFraction = 0.5;  // exclusive: a mask keeping less of itself than this is dropped
  int64_t minArea = 16;          // pixels at image resolution; smaller results are dropped
  int maxInstances = 300;

  // "" or what is wrong (for a user-facing message), e.g. a grid of 0 or of 1,000,000 points.
  std::string validate() const;
};

// The grid's points in image pixels, row by row: cell centres ((i + 0.5) / n * width, ...).
std::vector<std::array<double, 2>> everythingGrid(int pointsPerSide, int width, int height);

// SAM's stability score: |logits > threshold + offset| / |logits > threshold - offset|, 1 when
// both are empty.
double stabilityScore(const float* logits, size_t count, double threshold = 0.0, double offset = 1.0);

// A mask packed to bits with its bounding box, for fast pairwise IoU (288x288 masks: 1,296
// words per pair instead of 82,944 bytes).
class PackedMask {
 public:
  explicit PackedMask(const mask::BinaryMask& mask);
  int64_t area() const { return m_area; }
  double iou(const PackedMask& other) const;

 private:
  int m_width = 0, m_height = 0, m_wordsPerRow = 0;
  int m_x0 = 0, m_y0 = 0, m_x1 = -1, m_y1 = -1;  // inclusive bounding box; empty: x1 < x0
  int64_t m_area = 0;
  std::vector<uint64_t> m_bits;  // row-major, each row padded to whole words
};

// Greedy non-maximum suppression by mask IoU: in descending score (stable for ties), a mask is
// kept unless its IoU with a kept one exceeds `iouThreshold`; at most `maxKept`. Returns the
// kept indices in score order.
std::vector<size_t> suppressOverlapping(const std::vector<PackedMask>& masks, const std::vector<double>& scores,
                                        double iouThreshold, size_t maxKept);

// Makes masks non-overlapping in rank order (best first): each claim() removes the pixels a
// better mask already took and takes the rest; a mask left with less than `minKeptFraction` of
// its area or fewer than `minArea` pixels is refused, untouched and claiming nothing. Masks are
// offered one at a time so that a 12 MP image never holds more than the kept masks.
class ExclusiveClaims {
 public:
  ExclusiveClaims(int height, int width, double minKeptFraction, int64_t minArea);
  bool claim(mask::BinaryMask& mask);

 private:
  mask::BinaryMask m_claimed;
  double m_minKeptFraction;
  int64_t m_minArea;
};

// The tight box [x0, y0, x1, y1) of a mask's foreground in pixels; all zero when empty.
std::array<double, 4> maskBox(const mask::BinaryMask& mask);

}  // namespace sam3::segment
