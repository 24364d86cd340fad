#pragma once
// Conversion of safetensors views to ATen tensors (engine-only: pulls in ATen).

#include <ATen/ATen.h>

#include "engine/weights/SafetensorsFile.h"

namespace sam3::weights {

at::ScalarType toScalarType(DType dtype);

// Copies the view into a new CPU tensor of its own dtype (U8 and BOOL as given).
at::Tensor toTensor(const TensorView& view);

// Loads a tensor by name; throws FormatError naming the file when it is absent.
at::Tensor loadTensor(const SafetensorsFile& file, const std::string& name);

}  // namespace sam3::weights
