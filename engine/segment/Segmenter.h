#pragma once
// The engine interface the application talks to: an image is set once, then every prompt
// change asks for a prediction. Implementations: ClassicSegmenter (OpenCV, no model) and, when
// a model bundle is present, the SAM3 engine. Failures are values, never exceptions.

#include <atomic>
#include <functional>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "engine/mask/BinaryMask.h"
#include "engine/prompt/InteractivePrompt.h"

namespace sam3::segment {

struct EngineError {
  std::string message;  // for the user
  std::string detail;   // for the log
};

struct Capabilities {
  bool multimask = false;   // can return 3 candidates
  bool findSimilar = false;
  bool text = false;
};

struct Candidate {
  mask::BinaryMask mask;  // image resolution
  double score = 0;
};

struct Prediction {
  std::vector<Candidate> candidates;  // best first
  std::vector<float> lowResLogits;    // 288x288 for the next refinement (SAM3), may be empty
  double milliseconds = 0;
  std::string error;  // non-empty when the prediction failed; candidates are then empty
};

// Cooperative cancellation: long steps poll it.
using CancelFlag = std::shared_ptr<std::atomic<bool>>;

class Segmenter {
 public:
  virtual ~Segmenter() = default;
  virtual std::string name() const = 0;
  virtual Capabilities capabilities() const = 0;
  // `image` is 8-bit BGR, BGRA or gray (16-bit is scaled to 8-bit). Returns an error message or "".
  virtual std::string setImage(const cv::Mat& image, const std::string& imageKey) = 0;
  virtual Prediction predict(const prompt::InteractivePrompt& prompt, const CancelFlag& cancel = {}) = 0;
};

}  // namespace sam3::segment
