#pragma once
// Values produced by the restricted unpickler: containers, scalars, strings and references to
// tensors (not yet materialized). Torch-free so the parser can be tested and fuzzed alone.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sam3::weights {

// A tensor as torch.save describes it: a view (offset, sizes, strides) of a typed storage that
// lives in the archive as the record "data/<storageKey>".
struct TensorRef {
  std::string storageKey;
  std::string storageType;  // e.g. "FloatStorage"
  int64_t storageNumel = 0;
  int64_t offset = 0;
  std::vector<int64_t> sizes;
  std::vector<int64_t> strides;
};

struct PickleValue;
using PickleValuePtr = std::shared_ptr<PickleValue>;

struct PickleValue {
  enum class Kind { None, Bool, Int, Float, String, Bytes, Tuple, List, Dict, Global, Storage, Tensor, Mark };
  Kind kind = Kind::None;
  bool boolValue = false;
  int64_t intValue = 0;
  double floatValue = 0;
  std::string text;                     // String, Bytes, Global ("module name")
  std::vector<PickleValuePtr> items;    // Tuple, List
  std::vector<std::pair<PickleValuePtr, PickleValuePtr>> entries;  // Dict (insertion order)
  TensorRef tensor;                     // Storage (key/type/numel) and Tensor

  static PickleValuePtr make(Kind kind) {
    auto v = std::make_shared<PickleValue>();
    v->kind = kind;
    return v;
  }
};

}  // namespace sam3::weights
