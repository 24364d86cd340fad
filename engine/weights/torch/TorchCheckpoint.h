#pragma once
// Reads the tensors of a checkpoint written by torch.save (zip format) without executing any
// pickle code: LibTorch's zip reader plus the restricted unpickler. Engine-only (ATen).

#include <ATen/ATen.h>

#include <map>
#include <string>

namespace sam3::weights {

// All tensors of the checkpoint, by dotted key. A top-level "model" or "state_dict" dict is
// descended into (the official SAM3 layout); other nested dicts join their keys with '.'.
// Throws std::runtime_error naming the file: not a zip (legacy torch.save format), truncated
// archive, refused pickle content, storage records that are missing or too small.
std::map<std::string, at::Tensor> readTorchCheckpoint(const std::string& path);

}  // namespace sam3::weights
