// COCO compressed RLE strings: the first two bytes give the mask size (up to 64 x 64), the rest
// is the string. A string that parses must round-trip through the mask exactly.
#include <cstdlib>
#include <string>

#include "engine/mask/Rle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const int height = data[0] % 65, width = data[1] % 65;
  const std::string counts(reinterpret_cast<const char*>(data + 2), size - 2);
  try {
    const sam3::mask::Rle rle = sam3::mask::fromCompressedString(counts, height, width);
    const sam3::mask::BinaryMask mask = sam3::mask::decode(rle);
    if (sam3::mask::encode(mask).counts.empty() && height * width > 0) std::abort();
    if (sam3::mask::area(rle) != mask.area()) std::abort();
    const sam3::mask::Rle again = sam3::mask::fromCompressedString(sam3::mask::toCompressedString(rle), height, width);
    if (sam3::mask::decode(again) != mask) std::abort();
  } catch (const sam3::mask::RleError&) {
  }
  return 0;
}
