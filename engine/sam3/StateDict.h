#pragma once
// Named weights of a native module, loaded by checkpoint key and checked against the shapes the
// module expects (one error listing every missing, unexpected or wrongly shaped key).

#include <ATen/ATen.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace sam3::model {

class WeightError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using StateDict = std::map<std::string, at::Tensor>;
using ShapeSpec = std::map<std::string, std::vector<int64_t>>;

// Reads the tensors whose names start with `prefix` (prefix stripped) from a safetensors file,
// upcast to float32 when floating. Throws WeightError / weights::FormatError with the file name.
StateDict loadSafetensorsStateDict(const std::string& path, const std::string& prefix = "");

// Loads weights from a safetensors file or a torch.save checkpoint (chosen by the file's
// content, not its name), keeping keys with `prefix` (stripped) and upcasting floating tensors
// to float32. Throws WeightError / std::runtime_error naming the file.
StateDict loadStateDict(const std::string& path, const std::string& prefix = "");

// Keeps only keys with `prefix` (stripped). Useful for a full checkpoint's dict.
StateDict selectPrefix(const StateDict& all, const std::string& prefix);

// Throws WeightError listing every key of `expected` that is missing or has another shape, and
// every key of `weights` that `expected` does not know. `source` names the file.
void checkStateDict(const StateDict& weights, const ShapeSpec& expected, const std::string& source);

}  // namespace sam3::model
