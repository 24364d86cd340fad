#include "engine/weights/torch/SafetensorsTorch.h"

#include <cstring>

namespace sam3::weights {

at::ScalarType toScalarType(DType dtype) {
  switch (dtype) {
    case DType::F64: return at::kDouble;
    case DType::F32: return at::kFloat;
    case DType::F16: return at::kHalf;
    case DType::BF16: return at::kBFloat16;
    case DType::I64: return at::kLong;
    case DType::I32: return at::kInt;
    case DType::I16: return at::kShort;
    case DType::I8: return at::kChar;
    case DType::U8: return at::kByte;
    case DType::Bool: return at::kBool;
  }
  return at::kFloat;
}

at::Tensor toTensor(const TensorView& view) {
  at::Tensor out = at::empty(view.shape, at::TensorOptions().dtype(toScalarType(view.dtype)));
  if (view.bytes > 0) std::memcpy(out.data_ptr(), view.data, view.bytes);
  return out;
}

at::Tensor loadTensor(const SafetensorsFile& file, const std::string& name) {
  return toTensor(file.tensor(name));
}

}  // namespace sam3::weights
