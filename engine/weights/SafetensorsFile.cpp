#include "engine/weights/SafetensorsFile.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

namespace sam3::weights {
namespace {

// A header larger than this is not a model file we would ever write or read.
constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;

const std::map<std::string, DType>& dtypeTable() {
  static const std::map<std::string, DType> table = {
      {"F64", DType::F64}, {"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16},
      {"I64", DType::I64}, {"I32", DType::I32}, {"I16", DType::I16}, {"I8", DType::I8},
      {"U8", DType::U8},   {"BOOL", DType::Bool}};
  return table;
}

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw FormatError(source + ": not a valid safetensors file: " + what);
}

uint64_t readLittleEndian64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Parses one tensor entry; checks shape and offsets against the data section size.
TensorView parseEntry(const std::string& source, const std::string& name,
                      const nlohmann::json& entry, const uint8_t* data, uint64_t dataBytes) {
  if (!entry.is_object()) fail(source, "entry '" + name + "' is not an object");
  const auto dtypeIt = entry.find("dtype");
  if (dtypeIt == entry.end() || !dtypeIt->is_string()) {
    fail(source, "entry '" + name + "' has no dtype string");
  }
  const auto known = dtypeTable().find(dtypeIt->get<std::string>());
  if (known == dtypeTable().end()) {
    fail(source, "entry '" + name + "' has unsupported dtype " + dtypeIt->get<std::string>());
  }
  TensorView view{name, known->second, {}, nullptr, 0};

  const auto shapeIt = entry.find("shape");
  if (shapeIt == entry.end() || !shapeIt->is_array()) {
    fail(source, "entry '" + name + "' has no shape array");
  }
  uint64_t numel = 1;
  for (const auto& dim : *shapeIt) {
    if (!dim.is_number_unsigned()) fail(source, "entry '" + name + "' has a negative or non-integer dimension");
    const uint64_t d = dim.get<uint64_t>();
    if (d != 0 && numel > std::numeric_limits<uint64_t>::max() / d / 8) {
      fail(source, "entry '" + name + "' has a shape too large to address");
    }
    numel *= d;
    view.shape.push_back(static_cast<int64_t>(d));
  }

  const auto offsetsIt = entry.find("data_offsets");
  if (offsetsIt == entry.end() || !offsetsIt->is_array() || offsetsIt->size() != 2 ||
      !(*offsetsIt)[0].is_number_unsigned() || !(*offsetsIt)[1].is_number_unsigned()) {
    fail(source, "entry '" + name + "' needs data_offsets [begin, end] of non-negative integers");
  }
  const uint64_t begin = (*offsetsIt)[0].get<uint64_t>();
  const uint64_t end = (*offsetsIt)[1].get<uint64_t>();
  if (begin > end || end > dataBytes) {
    fail(source, "entry '" + name + "' has data_offsets [" + std::to_string(begin) + ", " +
                     std::to_string(end) + "] outside the " + std::to_string(dataBytes) +
                     "-byte data section (truncated file?)");
  }
  if (end - begin != numel * dtypeSize(view.dtype)) {
    fail(source, "entry '" + name + "' holds " + std::to_string(end - begin) +
                     " bytes but its shape and dtype need " +
                     std::to_string(numel * dtypeSize(view.dtype)));
  }
  view.data = data + begin;
  view.bytes = static_cast<size_t>(end - begin);
  return view;
}

}  // namespace

size_t dtypeSize(DType dtype) {
  switch (dtype) {
    case DType::F64: case DType::I64: return 8;
    case DType::F32: case DType::I32: return 4;
    case DType::F16: case DType::BF16: case DType::I16: return 2;
    case DType::I8: case DType::U8: case DType::Bool: return 1;
  }
  return 1;
}

const char* dtypeName(DType dtype) {
  for (const auto& [name, value] : dtypeTable()) {
    if (value == dtype) return name.c_str();
  }
  return "?";
}

int64_t TensorView::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

SafetensorsFile SafetensorsFile::open(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error(path + ": cannot open file");
  const std::streamoff size = in.tellg();
  if (size < 0) throw std::runtime_error(path + ": cannot determine file size");
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.seekg(0);
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    throw std::runtime_error(path + ": read failed");
  }
  return parse(std::move(bytes), path);
}

SafetensorsFile SafetensorsFile::parse(std::vector<uint8_t> bytes, const std::string& source) {
  if (bytes.size() < 8) fail(source, "shorter than the 8-byte header length");
  const uint64_t headerBytes = readLittleEndian64(bytes.data());
  if (headerBytes > kMaxHeaderBytes) {
    fail(source, "header length " + std::to_string(headerBytes) + " exceeds the 100 MiB limit");
  }
  if (headerBytes > bytes.size() - 8) {
    fail(source, "header length " + std::to_string(headerBytes) + " is larger than the file (" +
                     std::to_string(bytes.size()) + " bytes)");
  }
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + 8 + headerBytes);
  } catch (const nlohmann::json::exception& e) {
    fail(source, std::string("header is not valid JSON (") + e.what() + ")");
  }
  if (!header.is_object()) fail(source, "header is not a JSON object");

  SafetensorsFile file;
  file.m_source = source;
  file.m_bytes = std::move(bytes);
  const uint8_t* data = file.m_bytes.data() + 8 + headerBytes;
  const uint64_t dataBytes = file.m_bytes.size() - 8 - headerBytes;

  std::vector<std::pair<size_t, size_t>> ranges;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) fail(source, "__metadata__ is not an object");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) fail(source, "__metadata__ value '" + key + "' is not a string");
        file.m_metadata[key] = value.get<std::string>();
      }
      continue;
    }
    TensorView view = parseEntry(source, name, entry, data, dataBytes);
    const size_t begin = static_cast<size_t>(view.data - data);
    if (view.bytes > 0) ranges.emplace_back(begin, begin + view.bytes);
    file.m_tensors.emplace(name, std::move(view));
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first < ranges[i - 1].second) fail(source, "tensor data ranges overlap");
  }
  return file;
}

bool SafetensorsFile::contains(const std::string& name) const {
  return m_tensors.count(name) != 0;
}

const TensorView& SafetensorsFile::tensor(const std::string& name) const {
  const auto it = m_tensors.find(name);
  if (it == m_tensors.end()) throw FormatError(m_source + ": no tensor named '" + name + "'");
  return it->second;
}

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::string> out;
  for (const auto& entry : m_tensors) out.push_back(entry.first);
  return out;
}

}  // namespace sam3::weights
