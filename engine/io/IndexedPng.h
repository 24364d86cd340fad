#pragma once
// Palette PNGs (colour type 3, 8 bits), as Pascal VOC's SegmentationClass / SegmentationObject
// files are: OpenCV cannot write them. zlib for the compression and the CRCs.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace sam3::io {

using Palette = std::vector<std::array<uint8_t, 3>>;  // at most 256 entries

// Pascal VOC's colour map (index 255, "void", is 224,224,192).
Palette vocPalette();

// The PNG file bytes of `indices` (row-major, width × height). Throws std::invalid_argument when
// the sizes disagree or the palette has more than 256 colours.
std::string encodeIndexedPng(const std::vector<uint8_t>& indices, int width, int height, const Palette& palette);

}  // namespace sam3::io
