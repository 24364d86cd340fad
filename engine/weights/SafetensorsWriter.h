#pragma once
// Writer of the safetensors format: the tensors' bytes after a JSON header (padded to 8 bytes),
// in the order given. Torch-free: callers pass views of their own buffers.

#include <map>
#include <string>
#include <vector>

#include "engine/weights/SafetensorsFile.h"

namespace sam3::weights {

// Serializes `tensors` (names unique, `bytes` = numel * dtype size) and the string metadata.
// Throws std::invalid_argument on a duplicate name or a size mismatch.
std::string serializeSafetensors(const std::vector<TensorView>& tensors,
                                 const std::map<std::string, std::string>& metadata = {});

}  // namespace sam3::weights
