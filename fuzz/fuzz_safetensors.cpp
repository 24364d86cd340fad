// safetensors files from any bytes: either a clear FormatError or tensors that lie inside the
// buffer with the size their dtype and shape say.
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "engine/weights/SafetensorsFile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto file = sam3::weights::SafetensorsFile::parse(std::vector<uint8_t>(data, data + size), "fuzz");
    for (const std::string& name : file.names()) {
      const sam3::weights::TensorView& t = file.tensor(name);
      if (t.bytes != size_t(t.numel()) * sam3::weights::dtypeSize(t.dtype)) std::abort();
      volatile uint8_t sum = 0;
      for (size_t i = 0; i < t.bytes; ++i) sum = uint8_t(sum + t.data[i]);  // ASan checks every byte is ours
    }
  } catch (const std::exception&) {
  }
  return 0;
}
