#pragma once
// The engine interface the application talks to: an image is set once, then every prompt
// change asks for a prediction. Implementations: ClassicSegmenter (OpenCV, no model) and, when
// a model bundle is present, the SAM3 engine. Failures are values (segment::Status), never
// exceptions.

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "engine/mask/BinaryMask.h"
#include "engine/segment/AutoMask.h"
#include "engine/segment/Cancel.h"
#include "engine/segment/Status.h"
#include "engine/prompt/InteractivePrompt.h"

namespace sam3::segment {

struct Capabilities {
  bool multimask = false;   // can return 3 candidates
  bool findSimilar = false;
  bool text = false;        // findSimilar accepts a text phrase
  bool everything = false;  // segmentEverything works
  bool exemplarsFromOtherImages = false;  // findSimilar takes FindSimilarRequest::source (SAM3: our extension)
};

struct Candidate {
  mask::BinaryMask mask;  // image resolution
  double score = 0;
};

struct Prediction {
  std::vector<Candidate> candidates;  // best first
  std::vector<float> lowResLogits;    // 288x288 for the next refinement (SAM3), may be empty
  double milliseconds = 0;
  Status status;  // not ok: the prediction failed and candidates are empty
};

// Progress of a long step (encoding an image, searching for similar objects): a short stage
// name for the status bar and a fraction in [0, 1] (negative = unknown).
using ProgressCallback = std::function<void(const std::string& stage, double fraction)>;

// "Find all objects like this one": exemplar boxes in image pixels (any corner order), positive
// (like this) or negative (not like this), and for engines with text support a phrase.
struct Exemplar {
  std::array<double, 4> box{};
  bool positive = true;
};

// An exemplar given as pixels (8-bit BGR), e.g. cut from another image of the folder for a
// batch search. Engines that cannot use pixels answer with an error.
struct ExemplarPatch {
  cv::Mat pixels;
  bool positive = true;
};

// Exemplar boxes drawn on another image (the folder image the user drew them on, for a batch
// over the others). Engines that pool the exemplars' features from the image they were drawn
// on take this (SAM3 - our extension: the model was trained with exemplars on the image it
// searches); the classic engine uses pixel patches instead.
struct ExemplarSource {
  cv::Mat image;  // 8-bit BGR, BGRA or gray
  std::vector<Exemplar> exemplars;  // in that image's pixels
};

struct FindSimilarRequest {
  std::vector<Exemplar> exemplars;
  std::vector<ExemplarPatch> patches;
  ExemplarSource source;
  std::string text;
  double threshold = 0.5;  // minimum score of a returned instance
  int maxInstances = 200;
};

struct Instance {
  mask::BinaryMask mask;        // image resolution
  std::array<double, 4> box{};  // x0, y0, x1, y1 in image pixels
  double score = 0;
};

struct FindSimilarResult {
  std::vector<Instance> instances;  // best first
  double presence = -1;  // SAM3: probability that the concept is in the image at all; -1 = not computed
  double milliseconds = 0;
  Status status;  // not ok: the search failed (partial instances may remain when cancelled)
};

class Segmenter {
 public:
  virtual ~Segmenter() = default;
  virtual std::string name() const = 0;
  virtual Capabilities capabilities() const = 0;
  // `image` is 8-bit BGR, BGRA or gray (16-bit is scaled to 8-bit).
  virtual Status setImage(const cv::Mat& image, const std::string& imageKey) = 0;
  virtual Prediction predict(const prompt::InteractivePrompt& prompt, const CancelToken& cancel = {}) = 0;
  // Engines without capabilities().findSimilar answer with an error.
  virtual FindSimilarResult findSimilar(const FindSimilarRequest& request, const CancelToken& cancel = {}) = 0;

  // Several concept prompts on the current image, one result each (in order). By default they
  // are asked one by one; SAM3 runs phrases without exemplars through its grounding head as one
  // batch (class names as prompts).
  virtual std::vector<FindSimilarResult> findSimilarBatch(const std::vector<FindSimilarRequest>& requests,
                                                          const CancelToken& cancel = {}) {
    std::vector<FindSimilarResult> results;
    for (const FindSimilarRequest& request : requests) results.push_back(findSimilar(request, cancel));
    return results;
  }

  // Memory an idle engine can give back (SAM3: the text encoder, freed allocator blocks); it is
  // loaded again when needed. Called after minutes without work.
  virtual void releaseIdleMemory() {}

  // SAM's automatic mask generator on the current image: a grid of clicks, filtered, without
  // duplicates; instances best first (score: the predicted IoU). Engines without
  // capabilities().everything answer with an error.
  virtual FindSimilarResult segmentEverything(const EverythingOptions& options, const CancelToken& cancel = {}) {
    (void)options;
    (void)cancel;
    FindSimilarResult result;
    result.status = Status::unsupported("segment everything needs a SAM3 model bundle; the classic engine has no model to ask");
    return result;
  }

  // Engines with an expensive per-image step (SAM3's backbone) compute and cache it for an
  // image that is not the current one, for background pre-encoding. Ok: done or nothing to do.
  virtual Status preEncode(const cv::Mat& image, const CancelToken& cancel = {}) {
    (void)image;
    (void)cancel;
    return {};
  }
  virtual bool isEncoded(const cv::Mat& image) const {
    (void)image;
    return false;
  }

  // One line for the status bar: device, cache state, why a fallback was taken.
  virtual std::string statusText() const { return name(); }
  void setProgressCallback(ProgressCallback callback) { m_progress = std::move(callback); }

 protected:
  void reportProgress(const std::string& stage, double fraction) const {
    if (m_progress) m_progress(stage, fraction);
  }

 private:
  ProgressCallback m_progress;
};

}  // namespace sam3::segment
