#include "PromptBatch.h"

#include <array>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>

#include "engine/io/AtomicFile.h"
#include "engine/weights/SafetensorsFile.h"
#include "engine/weights/SafetensorsWriter.h"
#include "engine/segment/Segmenter.h"

namespace sam3::cli {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// A request's problem, reported with its name.
struct RequestError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::array<double, 4> boxOf(const json& value) {
  if (!value.is_array() || value.size() < 4) throw RequestError("a box is [x0, y0, x1, y1] in image pixels");
  return {value[0].get<double>(), value[1].get<double>(), value[2].get<double>(), value[3].get<double>()};
}

std::vector<float> maskLogitsFromFile(const std::string& path) {
  const weights::SafetensorsFile file = weights::SafetensorsFile::open(path);
  const std::vector<std::string> names = file.names();
  const int s = prompt::kMaskPromptSize;
  if (names.empty()) throw RequestError(path + " holds no tensor");
  const weights::TensorView& t = file.tensor(names.front());
  if (t.dtype != weights::DType::F32 || t.numel() != int64_t(s) * s) {
    throw RequestError(path + ": the mask prompt must be " + std::to_string(s) + "x" + std::to_string(s) + " float32 logits");
  }
  const float* values = reinterpret_cast<const float*>(t.data);
  return {values, values + t.numel()};
}

prompt::InteractivePrompt interactivePrompt(const json& request, const std::map<std::string, std::vector<float>>& earlier,
                                            const fs::path& base) {
  prompt::InteractivePrompt p;
  for (const json& point : request.value("points", json::array())) {
    if (!point.is_array() || point.size() < 2) throw RequestError("a point is [x, y] or [x, y, label]");
    p.clicks.push_back({point[0].get<double>(), point[1].get<double>(), point.size() < 3 || point[2].get<int>() != 0});
  }
  if (request.contains("box")) p.box = boxOf(request["box"]);
  if (request.contains("mask_from")) {
    const auto it = earlier.find(request["mask_from"].get<std::string>());
    if (it == earlier.end()) throw RequestError("mask_from names no earlier interactive request");
    p.maskLogits = it->second;
  } else if (request.contains("mask_logits")) {
    p.maskLogits = maskLogitsFromFile((base / request["mask_logits"].get<std::string>()).string());
  }
  if (p.empty()) throw RequestError("the request has no points, box or mask");
  return p;
}

void writeTensors(const fs::path& path, const std::vector<weights::TensorView>& tensors, const std::map<std::string, std::string>& meta) {
  io::writeFileAtomically(path.string(), weights::serializeSafetensors(tensors, meta));
}

template <typename T>
weights::TensorView view(const char* name, weights::DType dtype, std::vector<int64_t> shape, const std::vector<T>& values) {
  return {name, dtype, std::move(shape), reinterpret_cast<const uint8_t*>(values.data()), values.size() * sizeof(T)};
}

// Candidates' (or instances') masks stacked into one [N, H, W] byte buffer.
template <typename Item>
std::vector<uint8_t> stackMasks(const std::vector<Item>& items, int height, int width) {
  std::vector<uint8_t> out(items.size() * size_t(height) * size_t(width));
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].mask.height() != height || items[i].mask.width() != width) throw RequestError("a mask is not at image size");
    std::copy_n(items[i].mask.data(), size_t(height) * size_t(width), out.begin() + ptrdiff_t(i * size_t(height) * size_t(width)));
  }
  return out;
}

std::vector<float> runInteractive(segment::Segmenter& engine, const prompt::InteractivePrompt& p, int h, int w, const fs::path& out) {
  const segment::Prediction r = engine.predict(p);
  if (!r.status.ok()) throw RequestError(r.status.message);
  std::vector<float> scores;
  for (const segment::Candidate& c : r.candidates) scores.push_back(float(c.score));
  const std::vector<uint8_t> masks = stackMasks(r.candidates, h, w);
  const int64_t s = prompt::kMaskPromptSize, k = int64_t(r.candidates.size());
  std::vector<weights::TensorView> tensors = {view("masks", weights::DType::U8, {k, h, w}, masks), view("scores", weights::DType::F32, {k}, scores)};
  if (!r.lowResLogits.empty()) tensors.push_back(view("low_res_logits", weights::DType::F32, {s, s}, r.lowResLogits));
  writeTensors(out, tensors, {{"milliseconds", std::to_string(r.milliseconds)}});
  return r.lowResLogits;
}

segment::FindSimilarRequest findRequest(const json& find) {
  segment::FindSimilarRequest request;
  for (const json& b : find.value("boxes", json::array())) {
    request.exemplars.push_back({boxOf(b), b.size() < 5 || b[4].get<int>() != 0});
  }
  request.text = find.value("text", std::string());
  request.threshold = find.value("threshold", 0.5);
  if (!(request.threshold >= 0.0 && request.threshold <= 1.0)) throw RequestError("threshold must be between 0 and 1");
  return request;
}

void writeInstances(const segment::FindSimilarResult& r, int h, int w, const fs::path& out, double milliseconds) {
  if (!r.status.ok()) throw RequestError(r.status.message);
  std::vector<float> scores, boxes;
  for (const segment::Instance& i : r.instances) {
    scores.push_back(float(i.score));
    boxes.insert(boxes.end(), i.box.begin(), i.box.end());
  }
  const std::vector<float> presence = {float(r.presence)};
  const std::vector<uint8_t> masks = stackMasks(r.instances, h, w);
  const int64_t n = int64_t(r.instances.size());
  writeTensors(out,
               {view("masks", weights::DType::U8, {n, h, w}, masks), view("scores", weights::DType::F32, {n}, scores),
                view("boxes", weights::DType::F32, {n, 4}, boxes), view("presence", weights::DType::F32, {1}, presence)},
               {{"milliseconds", std::to_string(milliseconds)}});
}

void runFind(segment::Segmenter& engine, const json& find, int h, int w, const fs::path& out) {
  const segment::FindSimilarResult r = engine.findSimilar(findRequest(find));
  writeInstances(r, h, w, out, r.milliseconds);
}

// Several finds in one engine call (class names as prompts): NAME_0, NAME_1, ... each, and NAME
// with no instances and the whole call's time.
void runFindBatch(segment::Segmenter& engine, const json& finds, int h, int w, const fs::path& out) {
  if (!finds.is_array() || finds.empty()) throw RequestError("find_batch is a list of find requests");
  std::vector<segment::FindSimilarRequest> requests;
  for (const json& find : finds) requests.push_back(findRequest(find));
  const auto start = std::chrono::steady_clock::now();
  const std::vector<segment::FindSimilarResult> results = engine.findSimilarBatch(requests);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  for (size_t i = 0; i < results.size(); ++i) {
    writeInstances(results[i], h, w, out.parent_path() / (out.stem().string() + "_" + std::to_string(i) + ".safetensors"), ms);
  }
  writeInstances({}, h, w, out, ms);
}

void runEverything(segment::Segmenter& engine, const json& options, int h, int w, const fs::path& out) {
  segment::EverythingOptions o;
  o.pointsPerSide = options.value("points_per_side", o.pointsPerSide);
  const segment::FindSimilarResult r = engine.segmentEverything(o);
  writeInstances(r, h, w, out, r.milliseconds);
}

}  // namespace

std::string runPromptBatch(segment::Segmenter& engine, int imageHeight, int imageWidth, const std::string& promptsFile,
                           const std::string& dumpDirectory) {
  json requests;
  try {
    requests = json::parse(io::readWholeFile(promptsFile)).at("requests");
    if (!requests.is_array()) throw std::runtime_error("\"requests\" is not a list");
  } catch (const std::exception& e) {
    return promptsFile + ": not a prompt file ({\"requests\": [...]}): " + e.what();
  }
  std::error_code ec;
  fs::create_directories(dumpDirectory, ec);
  if (ec) return "cannot create " + dumpDirectory + ": " + ec.message();
  const fs::path base = fs::path(promptsFile).parent_path();
  std::map<std::string, std::vector<float>> lowRes;  // interactive results by name, for mask_from
  const std::regex safeName("[A-Za-z0-9_.-]{1,64}");
  for (const json& request : requests) {
    const std::string name = request.is_object() ? request.value("name", std::string()) : std::string();
    if (!std::regex_match(name, safeName) || name.front() == '.') {
      return promptsFile + ": every request needs a \"name\" of letters, digits, '_', '-' or '.' (got '" + name + "')";
    }
    const fs::path out = fs::path(dumpDirectory) / (name + ".safetensors");
    try {
      if (request.contains("find")) {
        runFind(engine, request["find"], imageHeight, imageWidth, out);
      } else if (request.contains("find_batch")) {
        runFindBatch(engine, request["find_batch"], imageHeight, imageWidth, out);
      } else if (request.contains("everything")) {
        runEverything(engine, request["everything"], imageHeight, imageWidth, out);
      } else {
        lowRes[name] = runInteractive(engine, interactivePrompt(request, lowRes, base), imageHeight, imageWidth, out);
      }
    } catch (const std::exception& e) {  // RequestError, json type errors, I/O
      return "request '" + name + "': " + e.what();
    }
  }
  return {};
}

}  // namespace sam3::cli
