#include "engine/sam3/Sam3Model.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/version.h>

#include <algorithm>
#include <filesystem>

#include "engine/io/AtomicFile.h"
#include "engine/io/Sha256.h"
#include "engine/ops/OpsRegistry.h"
#include "engine/prompt/InteractivePrompt.h"
#include "engine/sam3/GeometryEncoderConfig.h"
#include "engine/sam3/PositionEmbeddingSine.h"
#include "engine/platform/FreedMemory.h"

namespace sam3::model {
namespace fs = std::filesystem;
namespace {

std::string shapeText(at::IntArrayRef sizes) { return c10::str(sizes); }

void requireShape(const at::Tensor& t, const std::vector<int64_t>& shape, const std::string& what) {
  if (!t.defined()) throw std::runtime_error(what + " is missing");
  if (t.sizes().vec() != shape) {
    throw std::runtime_error(what + " has shape " + shapeText(t.sizes()) + ", expected " + shapeText(shape));
  }
}

// Loads one TorchScript archive; turns LibTorch's messages into one for the user.
torch::jit::Module loadScript(const std::string& bundleDir, const bundle::BundleFile& file, c10::Device device,
                              const char* role) {
  const std::string path = (fs::path(bundleDir) / file.path).string();
  try {
    torch::jit::Module module = torch::jit::load(path, device);
    module.eval();
    return module;
  } catch (const std::exception& e) {  // c10::Error, or torch::jit::ErrorReport for unknown ops
    const auto* torchError = dynamic_cast<const c10::Error*>(&e);
    const std::string what = torchError ? torchError->what_without_backtrace() : e.what();
    const std::string marker = "Unknown builtin op: ";
    const auto unknown = what.find(marker);
    if (unknown != std::string::npos) {
      const size_t start = unknown + marker.size();
      const std::string op = what.substr(start, what.find_first_of(".\n", start) - start);
      throw bundle::BundleError(path + ": the " + role + " uses the operator " + op +
                        ", which this build of SAM3 Annotate does not provide (was the bundle exported for another version?)");
    }
    const size_t first = what.find_first_not_of('\n');
    throw bundle::BundleError(path + ": cannot load the " + role + " TorchScript archive: " +
                      what.substr(first == std::string::npos ? 0 : first, what.find('\n', first) - first));
  }
}

c10::Dict<c10::IValue, c10::IValue> callForDict(torch::jit::Module& module, std::vector<c10::IValue> inputs,
                                                const char* role) {
  c10::IValue out;
  try {
    out = module.forward(std::move(inputs));
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    throw std::runtime_error(std::string("the ") + role + " failed: " + what.substr(0, what.find('\n')));
  }
  if (!out.isGenericDict()) throw std::runtime_error(std::string("the ") + role + " must return a dict of tensors");
  return out.toGenericDict();
}

at::Tensor entry(const c10::Dict<c10::IValue, c10::IValue>& dict, const std::string& name, const char* role) {
  const auto it = dict.find(name);
  if (it == dict.end() || !it->value().isTensor()) {
    throw std::runtime_error(std::string("the ") + role + " returned no tensor \"" + name + "\"");
  }
  return it->value().toTensor();
}

}  // namespace

InteractiveHeadsConfig interactiveConfigFromJson(const nlohmann::json& args) {
  InteractiveHeadsConfig c;
  c.embedDim = args.value("embed_dim", c.embedDim);
  c.imageEmbeddingSize = args.value("image_embedding_size", c.imageEmbeddingSize);
  c.inputImageSize = args.value("input_image_size", c.inputImageSize);
  c.maskInChans = args.value("mask_in_chans", c.maskInChans);
  c.numHeads = args.value("num_heads", c.numHeads);
  c.mlpDim = args.value("mlp_dim", c.mlpDim);
  c.depth = args.value("depth", c.depth);
  c.attentionDownsample = args.value("attention_downsample", c.attentionDownsample);
  c.numMultimaskOutputs = args.value("num_multimask_outputs", c.numMultimaskOutputs);
  c.stabilityDelta = args.value("stability_delta", c.stabilityDelta);
  c.stabilityThreshold = args.value("stability_threshold", c.stabilityThreshold);
  if (c.imageEmbeddingSize * 4 != prompt::kMaskPromptSize || c.inputImageSize != 1008) {
    throw std::invalid_argument("interactive: image_embedding_size must be 72 and input_image_size 1008");
  }
  if (c.embedDim <= 0 || c.embedDim % 8 != 0 || c.numHeads <= 0 || (c.embedDim / c.attentionDownsample) % c.numHeads != 0 ||
      c.maskInChans % 4 != 0 || c.numMultimaskOutputs != 3) {
    throw std::invalid_argument("interactive: inconsistent sizes (embed_dim a multiple of 8, heads dividing the attention "
                                "width, mask_in_chans a multiple of 4, 3 multimask outputs)");
  }
  return c;
}

std::unique_ptr<Sam3Model> Sam3Model::load(const std::string& bundleDir, c10::Device device, const std::string& stampPath) {
  return loadVerified(verify(bundleDir, stampPath), bundleDir, device);
}

bundle::BundleManifest Sam3Model::verify(const std::string& bundleDir, const std::string& stampPath) {
  ops::ensureOpsRegistered();
  bundle::BundleManifest m = bundle::BundleManifest::read(bundleDir);
  if (const std::string why = bundle::libtorchMismatch(m.targetLibtorch, TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR); !why.empty()) {
    throw bundle::BundleError(bundleDir + ": " + why);
  }
  bundle::verifyBundleFiles(m, bundleDir, stampPath);
  for (const std::string& op : m.requiredOps) {
    if (!c10::Dispatcher::singleton().findSchema({op, ""}).has_value()) {
      throw bundle::BundleError(bundleDir + ": the bundle needs the operator " + op + ", which this build does not provide");
    }
  }
  return m;
}

std::unique_ptr<Sam3Model> Sam3Model::loadVerified(const bundle::BundleManifest& manifest, const std::string& bundleDir, c10::Device device,
                                                   bool bf16) {
  // The graphs run as exported, without the profiling executor: it kept the activations of
  // every block alive until the graph returned (full bf16 backbone: peak RSS 5.7 GB instead
  // of 2.2 GB, measured alone) and its optimisations gained nothing on frozen graphs (7.9 s vs
  // 7.7 s per encode). Process-wide; nothing else here runs TorchScript.
  torch::jit::setGraphExecutorOptimize(false);
  if (bf16 && !manifest.hasBf16()) throw bundle::BundleError(bundleDir + ": this bundle has no bfloat16 graphs");
  std::unique_ptr<Sam3Model> model(new Sam3Model());
  model->m_manifest = manifest;
  const bundle::BundleManifest& m = model->m_manifest;
  model->m_bundleDir = bundleDir;
  model->m_fingerprint = io::Sha256::hexOfFile((fs::path(bundleDir) / "manifest.json").string());
  model->m_device = device;
  model->m_bf16 = bf16;

  // Native modules first: a weights problem is cheaper to report than a graph load.
  const std::string weightsPath = (fs::path(bundleDir) / m.weights.path).string();
  try {
    GeometryEncoderConfig geometryConfig = GeometryEncoderConfig::fromConstructorArgs(m.geometryEncoderArgs);
    geometryConfig.validate();
    const InteractiveHeadsConfig interactiveConfig = interactiveConfigFromJson(m.interactiveArgs);
    StateDict all = loadStateDict(weightsPath);
    model->m_geometry = std::make_unique<GeometryEncoder>(geometryConfig, selectPrefix(all, "detector.geometry_encoder."),
                                                          weightsPath, device);
    StateDict tracker;
    for (const auto& [key, tensor] : all)
      if (key.rfind("tracker.", 0) == 0) tracker[key] = tensor;
    model->m_interactive = std::make_unique<InteractiveHeads>(interactiveConfig, std::move(tracker), weightsPath);
    if (!device.is_cpu()) model->m_deviceDecoder = std::make_unique<PortableMaskDecoder>(*model->m_interactive, device);
    const auto features = all.find("text.visual.features");
    const auto mask = all.find("text.visual.mask");
    if (features == all.end() || mask == all.end()) {
      throw WeightError(weightsPath + ": missing text.visual.features / text.visual.mask (the \"visual\" prompt)");
    }
    const int64_t c = geometryConfig.dModel;
    if (features->second.dim() != 3 || features->second.size(1) != 1 || features->second.size(2) != c ||
        mask->second.dim() != 2 || mask->second.size(0) != 1 || mask->second.size(1) != features->second.size(0)) {
      throw WeightError(weightsPath + ": text.visual.features must be [L, 1, " + std::to_string(c) +
                        "] and text.visual.mask [1, L]");
    }
    model->m_visualText = features->second.to(at::kFloat);
    model->m_visualTextMask = mask->second.to(at::kBool);
  } catch (const bundle::BundleError&) {
    throw;
  } catch (const std::exception& e) {
    throw bundle::BundleError(std::string("cannot use the bundle's weights: ") + e.what());
  }

  model->m_backbone = loadScript(bundleDir, bf16 ? *m.backboneBf16 : m.backbone, device, "backbone");
  model->m_groundingHead = loadScript(bundleDir, bf16 ? *m.groundingHeadBf16 : m.groundingHead, device, "grounding head");
  if (m.textEncoder) {  // the graph itself on the first phrase
    try {
      model->m_tokenizer = text::BpeTokenizer::fromFile((fs::path(bundleDir) / m.vocabulary->path).string());
    } catch (const std::exception& e) {
      throw bundle::BundleError(std::string("cannot read the bundle's tokenizer vocabulary: ") + e.what());
    }
  }
  return model;
}

ImageEmbedding Sam3Model::encodeImage(const at::Tensor& preprocessed) {
  c10::InferenceMode guard;
  requireShape(preprocessed, {1, 3, m_manifest.inputSize, m_manifest.inputSize}, "the preprocessed image");
  ++m_backboneRuns;
  const auto out = callForDict(m_backbone, {preprocessed.to(m_device)}, "backbone");
  // The graph's intermediate tensors are free again; without trimming glibc kept their
  // hundreds of megabytes mapped after every encode.
  platform::releaseFreedMemory();
  ImageEmbedding embedding;
  for (const char* name : kDetectorLevels) embedding[name] = entry(out, name, "backbone").to(at::kCPU, at::kFloat).contiguous();
  const at::Tensor t0 = entry(out, "tracker_fpn_0", "backbone").to(at::kCPU, at::kFloat);
  const at::Tensor t1 = entry(out, "tracker_fpn_1", "backbone").to(at::kCPU, at::kFloat);
  const at::Tensor t2 = entry(out, "tracker_fpn_2", "backbone").to(at::kCPU, at::kFloat);
  const int64_t ct = m_interactive->config().embedDim, g = m_interactive->config().imageEmbeddingSize;
  requireShape(t0, {1, ct, 4 * g, 4 * g}, "backbone output tracker_fpn_0");
  requireShape(t1, {1, ct, 2 * g, 2 * g}, "backbone output tracker_fpn_1");
  requireShape(t2, {1, ct, g, g}, "backbone output tracker_fpn_2");
  embedding[kTrackerS0] = m_interactive->convS0(t0).contiguous();
  embedding[kTrackerS1] = m_interactive->convS1(t1).contiguous();
  embedding[kTrackerEmbeddings] = m_interactive->addNoMemoryEmbedding(t2).contiguous();
  checkEmbedding(embedding);
  return embedding;
}

void Sam3Model::checkEmbedding(const ImageEmbedding& e) const {
  const int64_t cd = m_geometry->config().dModel, ct = m_interactive->config().embedDim;
  const int64_t g = m_interactive->config().imageEmbeddingSize;
  auto get = [&](const char* name) {
    const auto it = e.find(name);
    return it == e.end() ? at::Tensor() : it->second;
  };
  for (int i = 0; i < 3; ++i) {
    const int64_t side = g * (4 >> i);
    requireShape(get(kDetectorLevels[i]), {1, cd, side, side}, kDetectorLevels[i]);
  }
  requireShape(get(kTrackerEmbeddings), {1, ct, g, g}, kTrackerEmbeddings);
  requireShape(get(kTrackerS0), {1, ct / 8, 4 * g, 4 * g}, kTrackerS0);
  requireShape(get(kTrackerS1), {1, ct / 4, 2 * g, 2 * g}, kTrackerS1);
}

InteractiveImage Sam3Model::interactiveImage(const ImageEmbedding& e) const {
  return m_interactive->prepareImageFromDecoderInputs(e.at(kTrackerEmbeddings), e.at(kTrackerS0), e.at(kTrackerS1));
}

PortableImage Sam3Model::deviceImage(const ImageEmbedding& e) const {
  if (!m_deviceDecoder) throw std::logic_error("deviceImage: this model runs its mask decoder on the CPU");
  return m_deviceDecoder->image(e.at(kTrackerEmbeddings), e.at(kTrackerS0), e.at(kTrackerS1));
}

GeometryImageContext Sam3Model::geometryImage(const ImageEmbedding& e) const {
  c10::InferenceMode guard;
  const at::Tensor level = e.at(kDetectorLevels[2]);  // [1, C, 72, 72]
  const int64_t h = level.size(2), w = level.size(3);
  const at::Tensor features = level.flatten(2).permute({2, 0, 1}).contiguous();  // [HW, 1, C]
  const GeometryEncoderConfig& config = m_geometry->config();
  const at::Tensor positions =
      PositionEmbeddingSine(config.posNumFeats, config.posTemperature).imageEncoding(h, w).flatten(2).permute({2, 0, 1}).contiguous();
  return m_geometry->prepareImage(features, positions, h, w);
}

bool Sam3Model::textEncoderLoaded() const {
  std::lock_guard<std::mutex> lock(m_textMutex);
  return m_textEncoder.has_value();
}

void Sam3Model::releaseTextEncoder() {
  {
    std::lock_guard<std::mutex> lock(m_textMutex);
    m_textEncoder.reset();
  }
  platform::releaseFreedMemory();
}

torch::jit::Module& Sam3Model::textEncoder() const {
  std::lock_guard<std::mutex> lock(m_textMutex);
  if (!m_textEncoder) {
    const bundle::BundleFile& file = m_bf16 && m_manifest.textEncoderBf16 ? *m_manifest.textEncoderBf16 : *m_manifest.textEncoder;
    m_textEncoder = loadScript(m_bundleDir, file, m_device, "text encoder");
  }
  return *m_textEncoder;
}

std::pair<at::Tensor, at::Tensor> Sam3Model::textPrompt(const std::string& phrase) const {
  if (phrase.empty()) return {m_visualText, m_visualTextMask};
  return textPrompts({phrase});
}

std::pair<at::Tensor, at::Tensor> Sam3Model::textPrompts(const std::vector<std::string>& phrases) const {
  c10::InferenceMode guard;
  if (!hasText()) throw std::runtime_error("this model bundle has no text encoder: search with exemplar boxes");
  constexpr size_t kRemembered = 512;  // 32 KB each
  std::vector<std::string> missing;
  for (const std::string& p : phrases) {
    const bool known = std::any_of(m_textCache.begin(), m_textCache.end(), [&p](const auto& e) { return e.first == p; });
    if (!known && std::find(missing.begin(), missing.end(), p) == missing.end()) missing.push_back(p);
  }
  // One phrase per call: the bf16 text encoder took 6 s for a batch of 2 (its attention's input
  // projection on a transposed [L, B, C] input falls back to a batched product over an expanded
  // copy of the weight for B > 1) against 57 ms for one phrase.
  for (const std::string& p : missing) {
    const std::vector<int64_t> ids = m_tokenizer->tokenize(p);
    const int64_t length = int64_t(ids.size());
    const at::Tensor tokens = at::tensor(ids, at::kLong).view({1, length});
    const auto out = callForDict(textEncoder(), {tokens.to(m_device)}, "text encoder");
    const at::Tensor features = entry(out, "features", "text encoder").to(at::kCPU, at::kFloat).contiguous();
    const at::Tensor mask = entry(out, "mask", "text encoder").to(at::kCPU).to(at::kBool).contiguous();
    requireShape(features, {length, 1, m_geometry->config().dModel}, "text encoder output features");
    requireShape(mask, {1, length}, "text encoder output mask");
    m_textCache.emplace_front(p, std::make_pair(features, mask));
  }
  while (m_textCache.size() > std::max(kRemembered, phrases.size())) m_textCache.pop_back();
  std::vector<at::Tensor> features, masks;
  for (const std::string& p : phrases) {
    auto it = std::find_if(m_textCache.begin(), m_textCache.end(), [&p](const auto& e) { return e.first == p; });
    m_textCache.splice(m_textCache.begin(), m_textCache, it);  // most recently used first
    features.push_back(it->second.first);
    masks.push_back(it->second.second);
  }
  return {at::cat(features, 1), at::cat(masks, 0)};
}

GroundingOutput Sam3Model::ground(const ImageEmbedding& e, const at::Tensor& prompt, const at::Tensor& promptMask) const {
  return groundBatch(e, prompt, promptMask).front();
}

std::vector<GroundingOutput> Sam3Model::groundBatch(const ImageEmbedding& e, const at::Tensor& prompts, const at::Tensor& masks) const {
  c10::InferenceMode guard;
  std::vector<c10::IValue> inputs;
  for (const char* name : kDetectorLevels) inputs.emplace_back(e.at(name).to(m_device));
  inputs.emplace_back(prompts.to(m_device));
  inputs.emplace_back(masks.to(m_device));
  const auto out = callForDict(m_groundingHead, std::move(inputs), "grounding head");
  const int64_t b = prompts.size(1), side = prompt::kMaskPromptSize;
  const at::Tensor logits = entry(out, "pred_logits", "grounding head").to(at::kCPU, at::kFloat).reshape({b, -1});
  const at::Tensor boxes = entry(out, "pred_boxes", "grounding head").to(at::kCPU, at::kFloat);
  const at::Tensor maskLogits = entry(out, "pred_masks", "grounding head").to(at::kCPU, at::kFloat);
  const at::Tensor presence = entry(out, "presence_logit", "grounding head").to(at::kCPU, at::kFloat).reshape({b});
  const int64_t q = logits.size(1);
  requireShape(boxes, {b, q, 4}, "grounding head output pred_boxes");
  requireShape(maskLogits, {b, q, side, side}, "grounding head output pred_masks");
  std::vector<GroundingOutput> results;
  for (int64_t i = 0; i < b; ++i) {
    GroundingOutput g;
    g.logits = logits[i];
    g.boxes = boxes[i];
    g.maskLogits = maskLogits[i];
    g.presence = presence[i];
    g.scores = at::sigmoid(g.logits) * at::sigmoid(g.presence);
    results.push_back(std::move(g));
  }
  platform::releaseFreedMemory();
  return results;
}

}  // namespace sam3::model
