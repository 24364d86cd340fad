#pragma once
// The SAM3 engine behind the Segmenter interface: a model bundle, the embedding cache and the
// current image. setImage() runs the backbone only when neither the memory nor the disk cache
// holds the image (key: content hash of the pixels + model fingerprint + input size); clicks
// then run the native prompt encoder and mask decoder on the cached embedding, exemplar
// searches the native geometry encoder and the grounding head. Torch-free header (pimpl).

#include <cstdint>
#include <memory>
#include <string>

#include "engine/segment/Segmenter.h"

namespace sam3::model {

struct Sam3SegmenterOptions {
  std::string bundleDirectory;
  std::string device = "auto";     // auto, cpu or cuda
  std::string precision = "auto";  // auto, fp32 or bf16 (see PrecisionChoice.h)
  std::string cacheDirectory;      // "" = memory only
  uint64_t cacheBudgetBytes = 8ULL << 30;
  size_t memoryEntries = 3;
  int threads = 0;                 // intra-op threads; 0 = all cores but one (the GUI's), all of 1-2 cores
  // false (tests only): "cuda" is taken as asked even where no GPU is visible, so the model's
  // load fails for real (no device, no driver, or a CPU-only LibTorch) and the CPU fallback runs.
  bool probeDevice = true;
};

struct Sam3EngineStats {
  int backboneRuns = 0, memoryHits = 0, diskHits = 0, corruptCacheEntries = 0;
  std::string lastEmbeddingSource;  // "backbone", "memory" or "disk"
  double lastEmbeddingMilliseconds = 0;
};

class Sam3Segmenter : public segment::Segmenter {
 public:
  // Loads the bundle. Returns nullptr and fills `error` (for the user) when it cannot be used.
  static std::unique_ptr<Sam3Segmenter> open(const Sam3SegmenterOptions& options, std::string& error);
  ~Sam3Segmenter() override;

  std::string name() const override;
  segment::Capabilities capabilities() const override;
  segment::Status setImage(const cv::Mat& image, const std::string& imageKey) override;
  // One click and nothing else returns 3 candidates (SAM's answer to an ambiguous click);
  // otherwise the single best mask.
  segment::Prediction predict(const prompt::InteractivePrompt& prompt, const segment::CancelToken& cancel = {}) override;
  segment::FindSimilarResult findSimilar(const segment::FindSimilarRequest& request, const segment::CancelToken& cancel = {}) override;
  // Phrases without exemplars share the CLS token and the text cache; on a GPU they go through
  // the grounding head eight at a time, on a CPU one at a time (faster there, measured).
  std::vector<segment::FindSimilarResult> findSimilarBatch(const std::vector<segment::FindSimilarRequest>& requests,
                                                           const segment::CancelToken& cancel = {}) override;
  void releaseIdleMemory() override;  // the text encoder and the allocator's freed blocks
  // SAM's automatic mask generator (see EverythingDecoder.h); on the GPU decoder when there is one.
  segment::FindSimilarResult segmentEverything(const segment::EverythingOptions& options,
                                               const segment::CancelToken& cancel = {}) override;
  std::string statusText() const override;

  // Computes and caches another image's embedding without changing the current image (the
  // folder's next images, while the user works). "" on success or when already cached.
  segment::Status preEncode(const cv::Mat& image, const segment::CancelToken& cancel = {}) override;
  bool isEncoded(const cv::Mat& image) const override;

  Sam3EngineStats stats() const;
  std::string deviceDescription() const;
  std::string precisionDescription() const;  // "bf16 (AMX)", "fp32", ...
  std::string deviceReason() const;  // why the requested device was not used ("" when it was)

 private:
  struct State;
  explicit Sam3Segmenter(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

}  // namespace sam3::model
