// COCO files from any bytes: the validator lists problems, it never crashes.
#include <nlohmann/json.hpp>

#include "engine/io/CocoValidator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json json = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  (void)sam3::io::validateCoco(json);  // problems are values: an exception is a finding
  return 0;
}
