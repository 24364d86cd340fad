#pragma once
// The per-object interactive prompt in image pixels: include/exclude clicks, an optional box
// and an optional mask (the previous prediction's low-resolution logits, or a painted mask).
// Torch-free, so the UI builds it directly.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace sam3::prompt {

struct Click {
  double x = 0, y = 0;  // image pixels
  bool positive = true;
};

struct InteractivePrompt {
  std::vector<Click> clicks;
  std::optional<std::array<double, 4>> box;  // x0, y0, x1, y1 in image pixels, any corner order
  // Mask prompt: 288 x 288 logits, row-major (empty = none). A previous prediction's returned
  // low-res logits go here unchanged; paintedMaskToLogits() converts a brush mask.
  std::vector<float> maskLogits;

  bool empty() const { return clicks.empty() && !box && maskLogits.empty(); }
};

constexpr int kMaskPromptSize = 288;

// Painted binary mask (image size, row-major 0/1) -> 288x288 logits: area-averaged coverage
// mapped linearly to [-10, 10], so fully painted cells are confident foreground.
std::vector<float> paintedMaskToLogits(const std::vector<uint8_t>& mask, int height, int width);

}  // namespace sam3::prompt
