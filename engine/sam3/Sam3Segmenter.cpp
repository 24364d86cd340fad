#include "engine/sam3/Sam3Segmenter.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <new>
#include <thread>

#include "engine/io/FastHash.h"
#include "engine/prompt/torch/GeometryPromptBuilder.h"
#include "engine/sam3/DeviceChoice.h"
#include "engine/sam3/PrecisionChoice.h"
#include "engine/sam3/EverythingDecoder.h"
#include "engine/sam3/ImagePreprocess.h"
#include "engine/sam3/InteractivePredictor.h"
#include "engine/sam3/MaskPostprocess.h"
#include "engine/sam3/Sam3Model.h"
#include "engine/segment/ImageConversion.h"
#include "engine/platform/EngineLog.h"
#include "engine/platform/FreedMemory.h"

namespace sam3::model {

using namespace sam3::segment;  // the engine interface this engine implements
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

mask::BinaryMask toBinaryMask(const at::Tensor& boolMask) {
  // A bool tensor already holds bytes 0/1: one copy into the mask, no conversion pass (12 MB
  // per candidate at 12 MP).
  const at::Tensor mask = boolMask.contiguous();
  const auto* data = reinterpret_cast<const uint8_t*>(mask.data_ptr<bool>());  // throws unless bool
  return mask::BinaryMask(int(mask.size(0)), int(mask.size(1)), std::vector<uint8_t>(data, data + mask.numel()));
}

// Out of memory during a graph run: LibTorch's CPU allocator throws c10::Error ("can't allocate
// memory"), CUDA's c10::OutOfMemoryError, plain C++ std::bad_alloc.
bool isOutOfMemory(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e)) return true;
  const std::string what = e.what();
  return what.find("can't allocate memory") != std::string::npos || what.find("out of memory") != std::string::npos;
}

std::string messageOf(const std::exception& e) {
  if (const auto* torchError = dynamic_cast<const c10::Error*>(&e)) {
    const std::string what = torchError->what_without_backtrace();
    return what.substr(0, what.find('\n'));
  }
  return e.what();
}

}  // namespace

struct Sam3Segmenter::State {
  Sam3SegmenterOptions options;
  std::string stampPath;  // where the bundle's verified hashes are remembered
  bundle::BundleManifest manifest;  // verified once, whichever device loads it
  model::DeviceChoice device;
  model::PrecisionChoice precision;
  std::unique_ptr<model::Sam3Model> model;
  std::unique_ptr<model::EmbeddingCache> cache;
  // The current image.
  std::string key;
  int height = 0, width = 0;
  model::ImageEmbedding embedding;
  model::InteractiveImage interactive;
  // The decoder inputs on the GPU when the model runs its mask decoder there.
  std::optional<model::PortableImage> deviceInteractive;
  bool deviceDecoderFailed = false;  // after a GPU failure the CPU heads take over for good
  std::optional<model::GeometryImageContext> geometry;
  // Exemplars from another image: the pool term of their boxes there, kept for the next image
  // of a folder batch (key: that image's content + the boxes).
  std::string foreignKey;
  at::Tensor foreignPooled;
  Sam3EngineStats last;

  // Bumped whenever the pixels the backbone sees change for the same image, so that embeddings
  // cached by an older build are recomputed, not reused. "-p2": torchvision's uint8 resize.
  static constexpr const char* kPreprocessRevision = "-p2";

  std::string contentKey(const cv::Mat& bgr) const {
    const cv::Mat pixels = bgr.isContinuous() ? bgr : bgr.clone();
    return io::fastHashHex128(pixels.data, pixels.total() * pixels.elemSize()) + "-" + std::to_string(bgr.cols) + "x" +
           std::to_string(bgr.rows) + "-" + model->fingerprint().substr(0, 16) + "-" +
           std::to_string(model->manifest().inputSize) + kPreprocessRevision;
  }

  // Verifies the bundle once (a bundle problem is reported as such, on any device), then loads
  // it on the chosen device; when a GPU cannot take it (out of memory, a driver or runtime
  // mismatch, no device) or the bundle's graphs are CPU-only, on the CPU instead, saying why.
  void loadModel() {
    manifest = model::Sam3Model::verify(options.bundleDirectory, stampPath);
    if (!device.device.is_cpu() && !manifest.devicePortable) {
      useCpu("this bundle's graphs were traced for the CPU only (re-export it with tools/export_sam3_bundle.py to use " +
             device.description + ")");
      return;
    }
    try {
      choosePrecision();
      model = model::Sam3Model::loadVerified(manifest, options.bundleDirectory, device.device, precision.bf16);
    } catch (const std::exception& e) {
      if (device.device.is_cpu()) throw;
      useCpu(device.description + " could not load the model (" + messageOf(e) + ")");
    }
  }

  void useCpu(const std::string& why) {
    platform::logMessage(platform::LogLevel::Warning, "SAM3: " + why + "; running on the CPU");
    // The status line keeps the start (LibTorch's backend errors run to 1,000 characters);
    // the log above has all of it.
    const std::string shortWhy = why.size() <= 200 ? why : why.substr(0, 197) + "...)";
    device = model::DeviceChoice{c10::kCPU, "CPU", shortWhy + "; running on the CPU"};
    deviceInteractive.reset();
    model.reset();  // the GPU's copy goes before the CPU's is made
    choosePrecision();
    model = model::Sam3Model::loadVerified(manifest, options.bundleDirectory, device.device, precision.bf16);
  }

  // For the device the model goes to; throws bundle::BundleError when bf16 is asked of a bundle without it.
  void choosePrecision() {
    precision = model::choosePrecision(model::parsePrecisionPreference(options.precision), device.device, manifest.hasBf16());
    // A warning only when bf16 runs emulated; why auto chose fp32 is a hint, for the status line.
    if (precision.bf16 && !precision.reason.empty()) platform::logMessage(platform::LogLevel::Warning, "SAM3: " + precision.reason);
  }

  // Puts the image's decoder inputs on the GPU when the model decodes there; a failure (e.g.
  // out of GPU memory) hands the clicks to the CPU heads instead of failing the image.
  void useDeviceDecoder(const model::ImageEmbedding& encoded) {
    deviceInteractive.reset();
    if (!model->deviceDecoder() || deviceDecoderFailed) return;
    try {
      deviceInteractive = model->deviceImage(encoded);
    } catch (const std::exception& e) {
      giveUpDeviceDecoder(e);
    }
  }

  void giveUpDeviceDecoder(const std::exception& e) {
    platform::logMessage(platform::LogLevel::Warning, std::string("SAM3: the mask decoder failed on the GPU, using the CPU from now on: ") + e.what());
    deviceInteractive.reset();
    deviceDecoderFailed = true;
  }

  // One click's masks: on the GPU decoder when there is one, else (or after it failed once,
  // e.g. out of GPU memory) on the CPU heads. Throws.
  model::InteractiveResult predictInteractive(const prompt::InteractivePrompt& prompt, bool multimask) {
    if (deviceInteractive) {
      try {
        return model::InteractivePredictor(model->interactiveHeads(), *model->deviceDecoder(), *deviceInteractive)
            .predict(interactive, prompt, height, width, multimask);
      } catch (const std::invalid_argument&) {
        throw;  // the prompt's fault, not the device's
      } catch (const std::exception& e) {
        giveUpDeviceDecoder(e);
      }
    }
    return model::InteractivePredictor(model->interactiveHeads()).predict(interactive, prompt, height, width, multimask);
  }

  // Exemplars drawn on another image (our extension): their coordinates and pool term come from
  // that image; cross-attention and grounding then see the current one. Throws.
  std::pair<prompt::GeometryPrompt, at::Tensor> foreignExemplars(const ExemplarSource& source) {
    const cv::Mat bgr = toBgr8(source.image);
    prompt::GeometryPromptBuilder builder(bgr.cols, bgr.rows);
    std::string boxes;
    for (const Exemplar& e : source.exemplars) {
      builder.addBox(e.box[0], e.box[1], e.box[2], e.box[3], e.positive);
      for (double v : e.box) boxes += "," + std::to_string(v);
      boxes += e.positive ? "+" : "-";
    }
    const prompt::GeometryPrompt prompt = builder.build();
    const std::string imageKey = contentKey(bgr);
    if (imageKey + boxes != foreignKey) {
      std::string embeddingSource;
      const model::ImageEmbedding drawnOn = imageKey == key ? embedding : embed(bgr, imageKey, embeddingSource);
      foreignPooled = model->geometryEncoder().poolBoxes(prompt, model->geometryImage(drawnOn));
      foreignKey = imageKey + boxes;
    }
    return {prompt, foreignPooled};
  }

  // The instances of one grounding answer scoring above the request's threshold (at most its
  // maxInstances), best first, with their masks at image size and their boxes in pixels.
  void keepInstances(const model::GroundingOutput& g, const FindSimilarRequest& request, FindSimilarResult& result) const {
    result.presence = at::sigmoid(g.presence).item<double>();
    const at::Tensor sorted = std::get<1>(g.scores.sort(0, /*descending=*/true));
    std::vector<int64_t> kept;
    for (int64_t i = 0; i < sorted.size(0) && int(kept.size()) < request.maxInstances; ++i) {
      const int64_t q = sorted[i].item<int64_t>();
      if (g.scores[q].item<double>() > request.threshold) kept.push_back(q);
    }
    if (kept.empty()) return;
    const at::Tensor index = at::tensor(kept, at::kLong);
    const at::Tensor masks = model::upsampleToMask(g.maskLogits.index_select(0, index).unsqueeze(0), height, width)[0];
    const at::Tensor boxes = g.boxes.index_select(0, index);
    for (size_t i = 0; i < kept.size(); ++i) {
      const auto b = boxes[int64_t(i)];
      const double cx = b[0].item<double>() * width, cy = b[1].item<double>() * height;
      const double w = b[2].item<double>() * width, h = b[3].item<double>() * height;
      result.instances.push_back({toBinaryMask(masks[int64_t(i)]),
                                  {std::clamp(cx - w / 2, 0.0, double(width)), std::clamp(cy - h / 2, 0.0, double(height)),
                                   std::clamp(cx + w / 2, 0.0, double(width)), std::clamp(cy + h / 2, 0.0, double(height))},
                                  g.scores[kept[i]].item<double>()});
    }
  }

  // The embedding of `bgr` from the caches, or from the backbone (then cached). Throws.
  model::ImageEmbedding embed(const cv::Mat& bgr, const std::string& imageKey, std::string& source) {
    bool fromDisk = false;
    if (std::optional<model::ImageEmbedding> cached = cache->find(imageKey, &fromDisk)) {
      try {
        model->checkEmbedding(*cached);
        source = fromDisk ? "disk" : "memory";
        return std::move(*cached);
      } catch (const std::exception&) {
        cache->forget(imageKey);  // a foreign or stale entry: recompute
        ++last.corruptCacheEntries;
      }
    }
    source = "backbone";
    const bundle::BundleManifest& m = model->manifest();
    model::ImageEmbedding fresh = model->encodeImage(model::preprocessImage(bgr, m.inputSize, m.mean, m.std));
    cache->store(imageKey, fresh);
    return fresh;
  }
};

Sam3Segmenter::Sam3Segmenter(std::unique_ptr<State> state) : m_state(std::move(state)) {}
Sam3Segmenter::~Sam3Segmenter() = default;

std::unique_ptr<Sam3Segmenter> Sam3Segmenter::open(const Sam3SegmenterOptions& options, std::string& error) {
  auto state = std::make_unique<State>();
  state->options = options;
  try {
    const model::DevicePreference preference = model::parseDevicePreference(options.device);
    state->device = options.probeDevice ? model::chooseDevice(preference) : model::unprobedDevice(preference);
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    // All cores but one leave the GUI a core on larger machines; on 2 cores that halved the
    // backbone (a 60-120 s encode), while the GUI needs little CPU and stays responsive.
    at::set_num_threads(options.threads > 0 ? options.threads : cores <= 2 ? cores : cores - 1);
    if (!options.cacheDirectory.empty()) {
      const std::string bundle = fs::absolute(options.bundleDirectory).string();
      state->stampPath =
          (fs::path(options.cacheDirectory) / "verified" / (io::fastHashHex128(bundle.data(), bundle.size()) + ".json")).string();
    }
    state->loadModel();
    state->cache = std::make_unique<model::EmbeddingCache>(
        model::EmbeddingCacheOptions{options.memoryEntries, options.cacheDirectory, options.cacheBudgetBytes});
  } catch (const std::exception& e) {
    error = messageOf(e);
    return nullptr;
  }
  return std::unique_ptr<Sam3Segmenter>(new Sam3Segmenter(std::move(state)));
}

std::string Sam3Segmenter::name() const { return "SAM3 (" + m_state->model->manifest().name + ")"; }

Capabilities Sam3Segmenter::capabilities() const { return {true, true, m_state->model->hasText(), true, true}; }

Status Sam3Segmenter::setImage(const cv::Mat& image, const std::string& imageKey) {
  (void)imageKey;  // the cache is addressed by content, so a renamed file still hits
  State& s = *m_state;
  if (const std::string problem = checkSegmentableImage(image); !problem.empty()) return Status::invalidInput(problem);
  const auto start = Clock::now();
  try {
    const cv::Mat bgr = toBgr8(image);
    const std::string key = s.contentKey(bgr);
    if (key == s.key && !s.embedding.empty()) return {};
    reportProgress("encoding image", -1.0);
    std::string source;
    model::ImageEmbedding embedding;
    try {
      embedding = s.embed(bgr, key, source);
    } catch (const std::exception& e) {
      if (s.device.device.is_cpu()) throw;
      // E.g. out of GPU memory on a large batch of work elsewhere: this image and the next
      // ones are encoded on the CPU rather than failing.
      s.useCpu(s.device.description + " failed while encoding (" + messageOf(e) + ")");
      embedding = s.embed(bgr, key, source);
    }
    s.interactive = s.model->interactiveImage(embedding);
    s.useDeviceDecoder(embedding);
    s.embedding = std::move(embedding);
    s.geometry.reset();
    s.key = key;
    s.height = bgr.rows;
    s.width = bgr.cols;
    s.last.lastEmbeddingSource = source;
    s.last.lastEmbeddingMilliseconds = millisecondsSince(start);
    reportProgress("image ready", 1.0);
  } catch (const std::exception& e) {
    s.key.clear();
    s.embedding.clear();
    if (isOutOfMemory(e)) {
      platform::releaseFreedMemory();
      return Status::engineFailure(
          "SAM3 ran out of memory encoding this image; it stays unencoded and the work is kept. Close other programs" +
              std::string(s.precision.bf16 ? "" : ", or choose bf16 (Tools ▸ SAM3 Precision), which needs half the memory") + " (" +
              messageOf(e) + ")",
          messageOf(e));
    }
    return Status::engineFailure("SAM3 could not encode the image: " + messageOf(e));
  }
  return {};
}

Prediction Sam3Segmenter::predict(const prompt::InteractivePrompt& prompt, const CancelToken& cancel) {
  const auto start = Clock::now();
  State& s = *m_state;
  Prediction result;
  if (s.embedding.empty()) {
    result.status = Status::invalidInput("no image is set");
    return result;
  }
  if (prompt.empty()) {
    result.status = Status::invalidInput("the prompt is empty: add a click, a box or a mask");
    return result;
  }
  if (cancelled(cancel)) {
    result.status = Status::cancelled();
    return result;
  }
  try {
    const bool multimask = prompt.clicks.size() == 1 && !prompt.box && prompt.maskLogits.empty();
    const model::InteractiveResult r = s.predictInteractive(prompt, multimask);
    const at::Tensor order = std::get<1>(r.iou.sort(/*dim=*/0, /*descending=*/true));
    for (int64_t i = 0; i < order.size(0); ++i) {
      const int64_t m = order[i].item<int64_t>();
      result.candidates.push_back({toBinaryMask(r.masks[m]), r.iou[m].item<double>()});
    }
    const at::Tensor best = r.lowResLogits[order[0].item<int64_t>()].contiguous();
    result.lowResLogits.assign(best.data_ptr<float>(), best.data_ptr<float>() + best.numel());
  } catch (const std::exception& e) {
    result.candidates.clear();
    result.status = Status::engineFailure("SAM3 prediction failed: " + messageOf(e));
  }
  result.milliseconds = millisecondsSince(start);
  return result;
}

FindSimilarResult Sam3Segmenter::findSimilar(const FindSimilarRequest& request, const CancelToken& cancel) {
  const auto start = Clock::now();
  State& s = *m_state;
  FindSimilarResult result;
  if (s.embedding.empty()) {
    result.status = Status::invalidInput("no image is set");
    return result;
  }
  const bool foreign = !request.source.image.empty() && !request.source.exemplars.empty();
  if (!request.patches.empty() && request.exemplars.empty() && request.text.empty() && !foreign) {
    result.status = Status::unsupported("SAM3 finds objects from exemplar boxes (with the image they were drawn on) or from a phrase, not from pixels");
    return result;
  }
  if (foreign && !request.exemplars.empty()) {
    result.status = Status::invalidInput("exemplars come from one image at a time: this image or the one they were drawn on");
    return result;
  }
  if (request.exemplars.empty() && request.text.empty() && !foreign) {
    result.status = Status::invalidInput("draw an exemplar box around one object (or type what to find)");
    return result;
  }
  if (!request.text.empty() && !s.model->hasText()) {
    result.status = Status::unsupported("this model bundle has no text encoder: search with exemplar boxes");
    return result;
  }
  try {
    c10::InferenceMode guard;
    reportProgress("encoding exemplars", 0.1);
    if (!s.geometry) s.geometry = s.model->geometryImage(s.embedding);
    model::GeometryEncoding geometry;
    if (foreign) {
      const auto [prompt, pooled] = s.foreignExemplars(request.source);
      geometry = s.model->geometryEncoder().encode(prompt, *s.geometry, nullptr, pooled);
    } else {
      prompt::GeometryPromptBuilder builder(s.width, s.height);
      for (const Exemplar& e : request.exemplars) builder.addBox(e.box[0], e.box[1], e.box[2], e.box[3], e.positive);
      geometry = s.model->geometryEncoder().encode(builder.build(), *s.geometry);
    }
    const auto [text, textMask] = s.model->textPrompt(request.text);
    if (cancelled(cancel)) {
      result.status = Status::cancelled();
      return result;
    }
    reportProgress("finding objects", 0.3);
    // The geometry encoder runs on the model's device; its few tokens join the text on the CPU.
    const model::GroundingOutput g = s.model->ground(s.embedding, at::cat({text, geometry.embeddings.to(at::kCPU)}, 0),
                                                     at::cat({textMask, geometry.mask.to(at::kCPU)}, 1));
    reportProgress("upsampling masks", 0.7);
    s.keepInstances(g, request, result);
    reportProgress("done", 1.0);
  } catch (const std::exception& e) {
    result.instances.clear();
    result.status = Status::engineFailure("SAM3 search failed: " + messageOf(e));
  }
  result.milliseconds = millisecondsSince(start);
  return result;
}

namespace {
bool isPhraseOnly(const FindSimilarRequest& r) {
  return !r.text.empty() && r.exemplars.empty() && r.patches.empty() && r.source.exemplars.empty();
}
}  // namespace

std::vector<FindSimilarResult> Sam3Segmenter::findSimilarBatch(const std::vector<FindSimilarRequest>& requests, const CancelToken& cancel) {
  // On a GPU eight prompts per call. On a CPU one: batching made each phrase slower (full bf16
  // grounding head, 2 cores: 1.14 s per phrase alone, 1.33 s at B=2, 1.36 s at 4, 1.45 s at 8
  // - attention is linear in B, the 288 x 288 pixel decoder's memory-bound passes grow worse)
  // and cost 66 MB of mask logits per prompt. The phrases still share the CLS token, the text
  // features cache and one call from the caller.
  State& s = *m_state;
  const size_t kBatch = s.device.device.is_cpu() ? 1 : 8;
  std::vector<FindSimilarResult> results(requests.size());
  std::vector<size_t> phrases;
  for (size_t i = 0; i < requests.size(); ++i) {
    if (isPhraseOnly(requests[i]) && !s.embedding.empty() && s.model->hasText()) {
      phrases.push_back(i);
    } else {
      results[i] = findSimilar(requests[i], cancel);
    }
  }
  for (size_t first = 0; first < phrases.size(); first += kBatch) {
    const std::vector<size_t> chunk(phrases.begin() + long(first), phrases.begin() + long(std::min(phrases.size(), first + kBatch)));
    if (cancelled(cancel)) {
      for (size_t i : chunk) results[i].status = Status::cancelled();
      continue;
    }
    const auto start = Clock::now();
    reportProgress("finding objects", 0.3 * double(first + 1) / double(phrases.size()));
    try {
      c10::InferenceMode guard;
      if (!s.geometry) s.geometry = s.model->geometryImage(s.embedding);
      // A phrase alone still carries the geometry encoder's CLS token: the same for every one.
      const model::GeometryEncoding cls = s.model->geometryEncoder().encode(prompt::GeometryPromptBuilder(s.width, s.height).build(), *s.geometry);
      std::vector<std::string> texts;
      for (size_t i : chunk) texts.push_back(requests[i].text);
      const auto [text, textMask] = s.model->textPrompts(texts);
      const int64_t b = int64_t(chunk.size());
      const at::Tensor geometry = cls.embeddings.to(at::kCPU).expand({-1, b, -1});
      const at::Tensor geometryMask = cls.mask.to(at::kCPU).expand({b, -1});
      const std::vector<model::GroundingOutput> grounded =
          s.model->groundBatch(s.embedding, at::cat({text, geometry}, 0), at::cat({textMask, geometryMask}, 1));
      const double each = millisecondsSince(start) / double(b);
      for (size_t k = 0; k < chunk.size(); ++k) {
        s.keepInstances(grounded[k], requests[chunk[k]], results[chunk[k]]);
        results[chunk[k]].milliseconds = each;
      }
    } catch (const std::exception& e) {
      for (size_t i : chunk) results[i] = {{}, -1, 0, Status::engineFailure("SAM3 search failed: " + messageOf(e))};
    }
  }
  reportProgress("done", 1.0);
  return results;
}

FindSimilarResult Sam3Segmenter::segmentEverything(const EverythingOptions& options, const CancelToken& cancel) {
  const auto start = Clock::now();
  State& s = *m_state;
  FindSimilarResult result;
  if (s.embedding.empty()) result.status = Status::invalidInput("no image is set");
  if (const std::string problem = options.validate(); result.status.ok() && !problem.empty()) result.status = Status::invalidInput(problem);
  if (!result.status.ok()) return result;
  try {
    const auto points = everythingGrid(options.pointsPerSide, s.width, s.height);
    const auto decode = [&](bool onDevice) {
      const model::DecoderPlace place{s.model->interactiveHeads(), s.interactive,
                                      onDevice ? s.model->deviceDecoder() : nullptr, onDevice ? &*s.deviceInteractive : nullptr};
      return model::decodeGrid(place, points, s.height, s.width, options, [&](int done, int total) {
        reportProgress("segmenting everything", 0.9 * done / std::max(1, total));
        return !cancelled(cancel);
      });
    };
    model::GridProposals proposals;
    bool decoded = false;
    if (s.deviceInteractive) {
      try {
        proposals = decode(true);
        decoded = true;
      } catch (const std::exception& e) {
        s.giveUpDeviceDecoder(e);  // e.g. out of GPU memory: the CPU heads take the grid
      }
    }
    if (!decoded) proposals = decode(false);
    if (cancelled(cancel)) {
      result.status = Status::cancelled();
      return result;
    }
    reportProgress("removing duplicates", 0.9);
    result.instances = model::selectInstances(proposals, s.height, s.width, options);
    reportProgress("done", 1.0);
  } catch (const std::exception& e) {
    result.instances.clear();
    result.status = Status::engineFailure("SAM3 segment everything failed: " + messageOf(e));
  }
  result.milliseconds = millisecondsSince(start);
  return result;
}

Status Sam3Segmenter::preEncode(const cv::Mat& image, const CancelToken& cancel) {
  State& s = *m_state;
  if (const std::string problem = checkSegmentableImage(image); !problem.empty()) return Status::invalidInput(problem);
  try {
    const cv::Mat bgr = toBgr8(image);
    const std::string key = s.contentKey(bgr);
    if (s.cache->contains(key)) return {};
    if (cancelled(cancel)) return Status::cancelled();
    const bundle::BundleManifest& m = s.model->manifest();
    s.cache->store(key, s.model->encodeImage(model::preprocessImage(bgr, m.inputSize, m.mean, m.std)));
  } catch (const std::exception& e) {
    return Status::engineFailure("SAM3 could not encode the image: " + messageOf(e));
  }
  return {};
}

bool Sam3Segmenter::isEncoded(const cv::Mat& image) const {
  if (!checkSegmentableImage(image).empty()) return false;
  return m_state->cache->contains(m_state->contentKey(toBgr8(image)));
}

Sam3EngineStats Sam3Segmenter::stats() const {
  Sam3EngineStats out = m_state->last;
  const model::EmbeddingCacheStats c = m_state->cache->stats();
  out.backboneRuns = m_state->model->backboneRuns();
  out.memoryHits = c.memoryHits;
  out.diskHits = c.diskHits;
  out.corruptCacheEntries += c.corruptEntries;
  return out;
}

std::string Sam3Segmenter::deviceDescription() const { return m_state->device.description; }
std::string Sam3Segmenter::precisionDescription() const { return m_state->precision.description; }

void Sam3Segmenter::releaseIdleMemory() {
  if (m_state->model->textEncoderLoaded()) platform::logMessage(platform::LogLevel::Info, "SAM3: text encoder released while idle");
  m_state->model->releaseTextEncoder();
  platform::releaseFreedMemory();
}
std::string Sam3Segmenter::deviceReason() const { return m_state->device.reason; }

std::string Sam3Segmenter::statusText() const {
  const State& s = *m_state;
  std::string text = name() + " · " + s.device.description + " · " + s.precision.description;
  if (!s.last.lastEmbeddingSource.empty()) {
    const std::string& source = s.last.lastEmbeddingSource;
    text += source == "backbone" ? " · image encoded in " : source == "disk" ? " · embedding from disk cache in " : " · embedding from memory in ";
    text += std::to_string(int(s.last.lastEmbeddingMilliseconds + 0.5)) + " ms";
  }
  if (!s.device.reason.empty()) text += " · " + s.device.reason;
  if (!s.precision.reason.empty()) text += " · " + s.precision.reason;
  if (s.deviceDecoderFailed) text += " · clicks on the CPU (the GPU mask decoder failed, see the log)";
  return text;
}

}  // namespace sam3::model
