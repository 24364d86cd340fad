#include "engine/sam3/StateDict.h"

#include <sstream>

#include <cstring>
#include <fstream>

#include "engine/weights/torch/SafetensorsTorch.h"
#include "engine/weights/torch/TorchCheckpoint.h"

namespace sam3::model {
namespace {

std::string shapeText(at::IntArrayRef shape) {
  std::ostringstream s;
  s << shape;
  return s.str();
}

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

StateDict loadSafetensorsStateDict(const std::string& path, const std::string& prefix) {
  const weights::SafetensorsFile file = weights::SafetensorsFile::open(path);
  StateDict out;
  for (const std::string& name : file.names()) {
    if (!startsWith(name, prefix)) continue;
    at::Tensor t = weights::loadTensor(file, name);
    if (at::isFloatingType(t.scalar_type())) t = t.to(at::kFloat);
    out.emplace(name.substr(prefix.size()), t);
  }
  if (out.empty()) {
    throw WeightError(path + ": no tensors with the prefix '" + prefix + "'");
  }
  return out;
}

StateDict loadStateDict(const std::string& path, const std::string& prefix) {
  char magic[4] = {};
  std::ifstream(path, std::ios::binary).read(magic, 4);
  if (std::memcmp(magic, "PK\x03\x04", 4) != 0) return loadSafetensorsStateDict(path, prefix);
  StateDict out = selectPrefix(weights::readTorchCheckpoint(path), prefix);
  if (out.empty()) throw WeightError(path + ": no tensors with the prefix '" + prefix + "'");
  for (auto& entry : out) {
    if (at::isFloatingType(entry.second.scalar_type())) entry.second = entry.second.to(at::kFloat);
  }
  return out;
}

StateDict selectPrefix(const StateDict& all, const std::string& prefix) {
  StateDict out;
  for (const auto& [name, tensor] : all) {
    if (startsWith(name, prefix)) out.emplace(name.substr(prefix.size()), tensor);
  }
  return out;
}

void checkStateDict(const StateDict& weights, const ShapeSpec& expected, const std::string& source) {
  std::vector<std::string> missing, unexpected, wrongShape;
  for (const auto& [name, shape] : expected) {
    const auto it = weights.find(name);
    if (it == weights.end()) {
      missing.push_back(name);
    } else if (it->second.sizes().vec() != shape) {
      wrongShape.push_back(name + " is " + shapeText(it->second.sizes()) + ", expected " + shapeText(shape));
    }
  }
  for (const auto& entry : weights) {
    if (!expected.count(entry.first)) unexpected.push_back(entry.first);
  }
  if (missing.empty() && unexpected.empty() && wrongShape.empty()) return;
  std::ostringstream s;
  s << source << ": weights do not match the model.";
  auto list = [&s](const char* title, const std::vector<std::string>& items) {
    if (items.empty()) return;
    s << "\n  " << title << " (" << items.size() << "):";
    for (const std::string& item : items) s << "\n    " << item;
  };
  list("missing", missing);
  list("unexpected", unexpected);
  list("wrong shape", wrongShape);
  throw WeightError(s.str());
}

}  // namespace sam3::model
