#include "engine/weights/SafetensorsWriter.h"

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

namespace sam3::weights {

std::string serializeSafetensors(const std::vector<TensorView>& tensors,
                                 const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::set<std::string> seen;
  size_t offset = 0;
  for (const TensorView& t : tensors) {
    if (!seen.insert(t.name).second) throw std::invalid_argument("duplicate tensor name '" + t.name + "'");
    if (t.name == "__metadata__") throw std::invalid_argument("'__metadata__' is not a tensor name");
    if (size_t(t.numel()) * dtypeSize(t.dtype) != t.bytes) {
      throw std::invalid_argument("tensor '" + t.name + "': byte size does not match its shape");
    }
    header[t.name] = {{"dtype", dtypeName(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.bytes}}};
    offset += t.bytes;
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');
  std::string out;
  out.reserve(8 + json.size() + offset);
  for (int i = 0; i < 8; ++i) out += char(uint64_t(json.size()) >> (8 * i) & 0xff);
  out += json;
  for (const TensorView& t : tensors) out.append(reinterpret_cast<const char*>(t.data), t.bytes);
  return out;
}

}  // namespace sam3::weights
