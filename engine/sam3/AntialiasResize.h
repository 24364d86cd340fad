#pragma once
// Antialiased bilinear resizing of 8-bit images, bit for bit as torchvision resizes a uint8
// tensor on the CPU (torch >= 2.1's uint8 kernel, itself Pillow-SIMD's algorithm): per axis a
// triangle filter widened by the scale when shrinking, weights normalized and quantized to
// int16 with the most precision bits that fit, one pass per axis (horizontal first) with
// rounding and clamping to 8 bit after each. SAM3's preprocessing runs through this, so the
// backbone sees the same pixels as the official model (a float resize rounded back differs by
// one level on ~18 % of pixels, which moved random-weight embeddings by ~8 %). Torch-free; rows
// run in parallel through OpenCV.

#include <cstdint>
#include <vector>

namespace sam3::model {

// `src` is height x width x channels, row-major, interleaved; returns outHeight x outWidth x
// channels. Sizes must be positive.
std::vector<uint8_t> resizeAntialiasU8(const uint8_t* src, int height, int width, int channels, int outHeight, int outWidth);

}  // namespace sam3::model
