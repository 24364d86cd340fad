#pragma once
// A pickle reader for checkpoints written by torch.save. It accepts only what a state dict is
// made of - dicts (incl. OrderedDict), lists, tuples, numbers, strings, and the tensor-rebuild
// globals - and refuses every other global with a clear message, so opening an untrusted
// checkpoint can never run code. Torch-free.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "engine/weights/PickleValue.h"

namespace sam3::weights {

class UnpicklingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses one pickle (protocol 2-5 opcodes used by torch.save). Throws UnpicklingError naming
// the offending opcode, global or offset; never reads outside [data, data + size).
PickleValuePtr unpickleRestricted(const uint8_t* data, size_t size);

}  // namespace sam3::weights
