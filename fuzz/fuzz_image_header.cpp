// Image headers from any bytes: never reads outside them; what it reports is self-consistent.
#include <cstdlib>

#include "engine/io/ImageHeader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (const auto header = sam3::io::readImageHeader(data, size)) {
    if (header->width <= 0 || header->height <= 0 || header->orientation < 1 || header->orientation > 8) std::abort();
  }
  const int orientation = sam3::io::tiffOrientation(data, size);
  if (orientation < 1 || orientation > 8) std::abort();
  return 0;
}
