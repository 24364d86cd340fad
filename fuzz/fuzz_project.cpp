// Project files (JSON) from any bytes: a clear error, or a project that survives a round trip.
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "engine/io/ProjectCodec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json json = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  try {
    const sam3::annotation::Project project = sam3::io::projectFromJson(json);
    if (!(sam3::io::projectFromJson(sam3::io::toJson(project)) == project)) std::abort();
  } catch (const sam3::io::ProjectFormatError&) {  // the reader's clear error; anything else is a finding
  }
  return 0;
}
