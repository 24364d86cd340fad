#pragma once
// How large an image the app agrees to decode: checked on the header, before any allocation.

#include <cstdint>
#include <string>

namespace sam3::io {

// Sized for a 24 GB machine: a 400-megapixel RGBA image is 1.6 GB decoded, and SAM3's
// pre-processing and the masks need a few times that.
constexpr int64_t kDefaultMaxImagePixels = 400'000'000;

struct ImageLimits {
  int64_t maxPixels = kDefaultMaxImagePixels;
  std::string setting = "--max-pixels";  // how the user raises it, named in the refusal
};

}  // namespace sam3::io
