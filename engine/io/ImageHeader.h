#pragma once
// What an image file's first bytes say, without decoding a pixel: the format, the stored size
// and the EXIF orientation (1-8). PNG (IHDR, eXIf), JPEG (SOFn, APP1 Exif), BMP, GIF, WebP
// (VP8, VP8L, VP8X) and TIFF (first IFD). Every size is checked against the data; a damaged
// header gives nothing rather than a guess.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace sam3::io {

struct ImageHeader {
  std::string format;  // "png", "jpeg", "bmp", "gif", "webp", "tiff"
  int64_t width = 0, height = 0;  // as stored
  int orientation = 1;            // EXIF: 1 as stored, 6 rotate 90° clockwise, ... (1 when absent)

  // The size once the orientation is applied (5-8 swap width and height).
  int64_t orientedWidth() const { return orientation >= 5 ? height : width; }
  int64_t orientedHeight() const { return orientation >= 5 ? width : height; }
};

// Nothing when the bytes are no known format or their header is damaged.
std::optional<ImageHeader> readImageHeader(const uint8_t* data, size_t size);

// The orientation tag (274) of a TIFF structure ("II*\0" / "MM\0*" ...), as EXIF embeds it;
// 1 when absent, out of range or damaged.
int tiffOrientation(const uint8_t* data, size_t size);

}  // namespace sam3::io
