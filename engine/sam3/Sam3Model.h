#pragma once
// A loaded SAM3 model bundle (contract: engine/bundle/BUNDLE.md): the TorchScript backbone and
// grounding head (and optional text encoder) on the chosen device, the native geometry
// encoder on that device too, the interactive heads on the CPU (with their mask decoder also on
// a GPU when the device is one), and the checks that tie them together. Engine-only (LibTorch);
// the app reaches it through Sam3Segmenter.

#include <torch/script.h>

#include <atomic>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/text/BpeTokenizer.h"
#include "engine/bundle/BundleManifest.h"
#include "engine/sam3/EmbeddingCache.h"
#include "engine/sam3/GeometryEncoder.h"
#include "engine/sam3/InteractiveHeads.h"
#include "engine/sam3/PortableMaskDecoder.h"

namespace sam3::model {

struct GroundingOutput {
  at::Tensor logits;      // [Q] per-query logits
  at::Tensor boxes;       // [Q, 4] normalized cx, cy, w, h
  at::Tensor maskLogits;  // [Q, 288, 288]
  at::Tensor presence;    // [] presence logit of the image
  at::Tensor scores;      // [Q] sigmoid(logits) * sigmoid(presence)
};

class Sam3Model {
 public:
  // Names of the cached per-image tensors.
  static constexpr const char* kDetectorLevels[3] = {"detector_fpn_0", "detector_fpn_1", "detector_fpn_2"};
  static constexpr const char* kTrackerEmbeddings = "tracker_embeddings";
  static constexpr const char* kTrackerS0 = "tracker_s0";
  static constexpr const char* kTrackerS1 = "tracker_s1";

  // Reads, verifies (sha256; `stampPath` remembers verified files) and loads a bundle. Throws
  // bundle::BundleError with a message for the user: missing or damaged files, a newer format, ops
  // this build lacks, weights that do not fit the manifest.
  static std::unique_ptr<Sam3Model> load(const std::string& bundleDir, c10::Device device, const std::string& stampPath);
  // The two halves of load(): the device-independent checks (manifest, LibTorch target, file
  // hashes, operators; bundle::BundleError), then the weights and graphs onto `device`. A caller that
  // may retry on another device (a GPU that fails) verifies once and loads twice at most.
  static bundle::BundleManifest verify(const std::string& bundleDir, const std::string& stampPath);
  // `bf16`: the bundle's bfloat16 graphs (bundle::BundleManifest::hasBf16) instead of the float32 ones;
  // their outputs are cast back to float32 where they leave the graph.
  static std::unique_ptr<Sam3Model> loadVerified(const bundle::BundleManifest& manifest, const std::string& bundleDir, c10::Device device,
                                                 bool bf16 = false);

  const bundle::BundleManifest& manifest() const { return m_manifest; }
  const std::string& fingerprint() const { return m_fingerprint; }  // sha256 of manifest.json
  c10::Device device() const { return m_device; }
  bool bf16() const { return m_bf16; }
  // The bundle has a text encoder. It is loaded on the first phrase (1.4 GB in fp32: a session
  // of clicks never needs it) and may be let go again.
  bool hasText() const { return m_manifest.textEncoder.has_value(); }
  bool textEncoderLoaded() const;
  void releaseTextEncoder();
  const InteractiveHeads& interactiveHeads() const { return *m_interactive; }
  // The mask decoder on the model's GPU, or nullptr on the CPU (where InteractiveHeads' own
  // cached fast path is used).
  const PortableMaskDecoder* deviceDecoder() const { return m_deviceDecoder.get(); }
  const GeometryEncoder& geometryEncoder() const { return *m_geometry; }
  int backboneRuns() const { return m_backboneRuns.load(); }

  // Runs the backbone on a preprocessed [1,3,1008,1008] image and keeps what the prompts need.
  ImageEmbedding encodeImage(const at::Tensor& preprocessed);
  // Throws std::runtime_error when names or shapes are not this model's (a stale or foreign
  // cache entry).
  void checkEmbedding(const ImageEmbedding& embedding) const;
  InteractiveImage interactiveImage(const ImageEmbedding& embedding) const;
  // The decoder inputs on the device decoder's device; requires deviceDecoder().
  PortableImage deviceImage(const ImageEmbedding& embedding) const;
  GeometryImageContext geometryImage(const ImageEmbedding& embedding) const;

  // Text tokens for the grounding prompt: the phrase through the text encoder, or for "" the
  // stored features of "visual" (what SAM3 uses for exemplar-only prompts). [L,1,C] + [1,L].
  std::pair<at::Tensor, at::Tensor> textPrompt(const std::string& text) const;
  // Several phrases' text tokens ([L,B,C] + [B,L]), each phrase's features remembered (class
  // names repeat on every image of a folder).
  std::pair<at::Tensor, at::Tensor> textPrompts(const std::vector<std::string>& phrases) const;
  GroundingOutput ground(const ImageEmbedding& embedding, const at::Tensor& prompt, const at::Tensor& promptMask) const;
  // B prompts on one image in one call of the grounding head: `prompts` [L,B,C], `masks` [B,L].
  std::vector<GroundingOutput> groundBatch(const ImageEmbedding& embedding, const at::Tensor& prompts, const at::Tensor& masks) const;

 private:
  Sam3Model() = default;

  torch::jit::Module& textEncoder() const;  // loads it on first use

  bundle::BundleManifest m_manifest;
  std::string m_bundleDir;
  std::string m_fingerprint;
  c10::Device m_device = c10::kCPU;
  bool m_bf16 = false;
  mutable torch::jit::Module m_backbone, m_groundingHead;
  mutable std::mutex m_textMutex;
  mutable std::optional<torch::jit::Module> m_textEncoder;
  // Phrase -> text features [L,1,C] and mask [1,L], least recently used first out.
  mutable std::list<std::pair<std::string, std::pair<at::Tensor, at::Tensor>>> m_textCache;
  std::optional<text::BpeTokenizer> m_tokenizer;
  std::unique_ptr<GeometryEncoder> m_geometry;
  std::unique_ptr<InteractiveHeads> m_interactive;
  std::unique_ptr<PortableMaskDecoder> m_deviceDecoder;
  at::Tensor m_visualText, m_visualTextMask;
  std::atomic<int> m_backboneRuns{0};
};

// The "interactive" section of the manifest -> the heads' configuration.
InteractiveHeadsConfig interactiveConfigFromJson(const nlohmann::json& args);

}  // namespace sam3::model
