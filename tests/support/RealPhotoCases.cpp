#include "support/RealPhotoCases.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>

namespace sam3::test {

using nlohmann::json;

std::string realPhotoFolder() {
  if (const char* source = std::getenv("SAM3_SOURCE_DIR")) return std::string(source) + "/tests/data/real_photos";
  return SAM3_REAL_PHOTO_DIR;  // compiled in by CMake for the benchmark run by hand
}

namespace {

std::string number(double v) {
  const int i = int(v);
  return i == v ? std::to_string(i) : std::to_string(v);
}

prompt::InteractivePrompt readPrompt(const json& entry, std::string& description, bool& isBox) {
  prompt::InteractivePrompt p;
  if (entry.contains("box")) {
    const auto b = entry.at("box").get<std::vector<double>>();
    if (b.size() != 4) throw std::runtime_error("box needs 4 numbers");
    p.box = std::array<double, 4>{b[0], b[1], b[2], b[3]};
    description = "box " + number(b[0]) + "," + number(b[1]) + "," + number(b[2]) + "," + number(b[3]);
    isBox = true;
  }
  if (entry.contains("clicks")) {
    for (const auto& c : entry.at("clicks")) {
      const auto v = c.get<std::vector<double>>();
      if (v.size() != 3) throw std::runtime_error("a click is [x, y, 1 include | 0 exclude]");
      p.clicks.push_back({v[0], v[1], v[2] != 0});
      description += (description.empty() ? "click " : " + ") + number(v[0]) + "," + number(v[1]) + (v[2] != 0 ? "" : " (exclude)");
    }
  }
  if (p.empty()) throw std::runtime_error("a case needs a box or clicks");
  return p;
}

}  // namespace

std::vector<RealPhotoCase> loadRealPhotoCases(const std::string& folder) {
  const std::string path = folder + "/cases.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  const json doc = json::parse(in);
  std::map<std::string, std::string> imageFiles;
  for (const auto& image : doc.at("images")) imageFiles[image.at("name")] = folder + "/" + image.at("file").get<std::string>();
  std::map<std::string, std::pair<std::string, std::string>> objects;  // name -> image file, truth file
  for (const auto& object : doc.at("objects")) {
    const std::string image = object.at("image");
    if (!imageFiles.count(image)) throw std::runtime_error(path + ": object " + object.at("name").get<std::string>() + " names unknown image " + image);
    objects[object.at("name")] = {imageFiles[image], folder + "/" + object.at("truth").get<std::string>()};
  }
  std::vector<RealPhotoCase> cases;
  for (size_t i = 0; i < doc.at("cases").size(); ++i) {
    const json& entry = doc.at("cases")[i];
    RealPhotoCase c;
    c.object = entry.at("object");
    if (!objects.count(c.object)) throw std::runtime_error(path + ": cases[" + std::to_string(i) + "] names unknown object " + c.object);
    std::string description;
    try {
      c.prompt = readPrompt(entry, description, c.isBox);
    } catch (const std::exception& e) {
      throw std::runtime_error(path + ": cases[" + std::to_string(i) + "]: " + e.what());
    }
    c.label = c.object + " / " + description;
    if (entry.contains("floor")) c.floors = entry.at("floor").get<std::map<std::string, double>>();
    c.imageFile = objects[c.object].first;
    c.truth = cv::imread(objects[c.object].second, cv::IMREAD_GRAYSCALE);
    if (c.truth.empty()) throw std::runtime_error("cannot read truth mask " + objects[c.object].second + " (run tools/make_real_photo_truth.py)");
    cases.push_back(std::move(c));
  }
  return cases;
}

double maskIou(const mask::BinaryMask& m, const cv::Mat& truth) {
  if (m.width() != truth.cols || m.height() != truth.rows) return 0.0;
  int64_t inter = 0, uni = 0;
  for (int y = 0; y < truth.rows; ++y) {
    const uint8_t* t = truth.ptr<uint8_t>(y);
    for (int x = 0; x < truth.cols; ++x) {
      const bool a = m.at(y, x), b = t[x] > 127;
      inter += a && b;
      uni += a || b;
    }
  }
  return uni ? double(inter) / double(uni) : 0.0;
}

RealPhotoScore scoreCase(segment::Segmenter& engine, const RealPhotoCase& c, std::string& currentImage) {
  RealPhotoScore score;
  if (currentImage != c.imageFile) {
    const cv::Mat image = cv::imread(c.imageFile, cv::IMREAD_COLOR);
    if (image.empty()) {
      score.error = "cannot read " + c.imageFile;
      return score;
    }
    score.error = engine.setImage(image, c.imageFile).message;
    if (!score.error.empty()) return score;
    currentImage = c.imageFile;
  }
  const auto start = std::chrono::steady_clock::now();
  segment::Prediction p = engine.predict(c.prompt);
  score.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!p.status.ok() || p.candidates.empty()) {
    score.error = p.status.ok() ? "no mask" : p.status.message;
    return score;
  }
  size_t best = 0;  // the engine's own choice: its highest-scored candidate
  for (size_t i = 1; i < p.candidates.size(); ++i)
    if (p.candidates[i].score > p.candidates[best].score) best = i;
  score.iou = maskIou(p.candidates[best].mask, c.truth);
  return score;
}

}  // namespace sam3::test
