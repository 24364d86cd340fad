#include "engine/weights/torch/TorchCheckpoint.h"

#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <fstream>
#include <stdexcept>

#include "engine/weights/RestrictedUnpickler.h"

namespace sam3::weights {
namespace {

using Kind = PickleValue::Kind;
constexpr int kMaxNesting = 64;

at::ScalarType storageScalarType(const std::string& type) {
  static const std::map<std::string, at::ScalarType> types = {
      {"FloatStorage", at::kFloat}, {"DoubleStorage", at::kDouble}, {"HalfStorage", at::kHalf},
      {"BFloat16Storage", at::kBFloat16}, {"LongStorage", at::kLong}, {"IntStorage", at::kInt},
      {"ShortStorage", at::kShort}, {"CharStorage", at::kChar}, {"ByteStorage", at::kByte}, {"BoolStorage", at::kBool}};
  const auto it = types.find(type);
  if (it == types.end()) throw std::runtime_error("unsupported storage type " + type);
  return it->second;
}

class Materializer {
 public:
  Materializer(caffe2::serialize::PyTorchStreamReader& reader, const std::string& path) : m_reader(reader), m_path(path) {}

  at::Tensor tensor(const TensorRef& ref) {
    const at::ScalarType dtype = storageScalarType(ref.storageType);
    at::Tensor storage = loadStorage(ref, dtype);
    // Bounds of the view inside its storage, checked before as_strided can read anything.
    int64_t lastIndex = ref.offset;
    for (size_t d = 0; d < ref.sizes.size(); ++d) {
      if (ref.sizes[d] < 0 || ref.strides[d] < 0) fail("tensor with negative size or stride");
      if (ref.sizes[d] == 0) return at::empty(ref.sizes, at::TensorOptions().dtype(dtype));
      lastIndex += (ref.sizes[d] - 1) * ref.strides[d];
    }
    if (ref.offset < 0 || lastIndex >= storage.numel()) {
      fail("tensor view exceeds its storage '" + ref.storageKey + "'");
    }
    return storage.as_strided(ref.sizes, ref.strides, ref.offset).clone();
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error(m_path + ": " + what); }

  at::Tensor loadStorage(const TensorRef& ref, at::ScalarType dtype) {
    const auto cached = m_storages.find(ref.storageKey);
    if (cached != m_storages.end()) return cached->second;
    const std::string record = "data/" + ref.storageKey;
    if (!m_reader.hasRecord(record)) fail("storage record '" + record + "' is missing");
    auto [data, bytes] = m_reader.getRecord(record);
    const size_t elementSize = c10::elementSize(dtype);
    if (ref.storageNumel < 0 || bytes < static_cast<size_t>(ref.storageNumel) * elementSize) {
      fail("storage record '" + record + "' holds " + std::to_string(bytes) + " bytes, fewer than its " +
           std::to_string(ref.storageNumel) + " elements need");
    }
    at::Tensor storage = at::empty({ref.storageNumel}, at::TensorOptions().dtype(dtype));
    if (bytes > 0) std::memcpy(storage.data_ptr(), data.get(), ref.storageNumel * elementSize);
    m_storages.emplace(ref.storageKey, storage);
    return storage;
  }

  caffe2::serialize::PyTorchStreamReader& m_reader;
  std::string m_path;
  std::map<std::string, at::Tensor> m_storages;
};

void collect(const PickleValuePtr& value, const std::string& prefix, int depth, Materializer& materializer,
             std::map<std::string, at::Tensor>& out) {
  if (depth > kMaxNesting) throw std::runtime_error("checkpoint nesting is deeper than " + std::to_string(kMaxNesting));
  if (value->kind == Kind::Tensor) {
    out[prefix] = materializer.tensor(value->tensor);
  } else if (value->kind == Kind::Dict) {
    for (const auto& [key, item] : value->entries) {
      if (key->kind != Kind::String) continue;  // weights always have string keys
      collect(item, prefix.empty() ? key->text : prefix + "." + key->text, depth + 1, materializer, out);
    }
  }
}

PickleValuePtr findWeightsRoot(const PickleValuePtr& root) {
  if (root->kind != Kind::Dict) return root;
  for (const char* name : {"model", "state_dict"}) {
    for (const auto& [key, item] : root->entries) {
      if (key->kind == Kind::String && key->text == name && item->kind == Kind::Dict) return item;
    }
  }
  return root;
}

bool startsWithZipMagic(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0;
}

}  // namespace

std::map<std::string, at::Tensor> readTorchCheckpoint(const std::string& path) {
  if (!std::ifstream(path).good()) throw std::runtime_error(path + ": cannot open file");
  if (!startsWithZipMagic(path)) {
    throw std::runtime_error(path + ": not a zip-format torch checkpoint (the legacy pre-1.6 torch.save format "
                                    "is not supported; re-save it with torch.save in PyTorch >= 1.6)");
  }
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    if (!reader.hasRecord("data.pkl")) throw std::runtime_error(path + ": archive has no data.pkl");
    auto [pickle, size] = reader.getRecord("data.pkl");
    const PickleValuePtr root = unpickleRestricted(static_cast<const uint8_t*>(pickle.get()), size);
    Materializer materializer(reader, path);
    std::map<std::string, at::Tensor> out;
    collect(findWeightsRoot(root), "", 0, materializer, out);
    if (out.empty()) throw std::runtime_error(path + ": the checkpoint holds no tensors");
    return out;
  } catch (const UnpicklingError& e) {
    throw std::runtime_error(path + ": " + e.what());
  } catch (const c10::Error& e) {
    throw std::runtime_error(path + ": damaged or truncated archive (" + e.what_without_backtrace() + ")");
  }
}

}  // namespace sam3::weights
