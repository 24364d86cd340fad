#pragma once
// The one way the engine side reads an image file (the CLI, the folder batch, the background
// pre-encoder): the header first - size and EXIF orientation - and a refusal above the pixel
// limit before anything is decoded or allocated; then OpenCV's decoder (16-bit and alpha kept);
// then the EXIF orientation applied as photo viewers, labelme and the window (Qt's
// autoTransform) do, so that masks are in the frame the user sees everywhere.

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>

#include "engine/io/ImageHeader.h"
#include "engine/io/ImageLimits.h"

namespace sam3::io {

struct LoadedImage {
  cv::Mat pixels;        // oriented; empty on failure
  ImageHeader header;    // as stored (format "" when OpenCV had to find out alone)
  std::string error;     // for the user: the file, and what is wrong with it
};

LoadedImage loadImage(const std::string& path, const ImageLimits& limits = {});
// The same from bytes in memory (`name` for the messages).
LoadedImage decodeImage(const std::string& bytes, const std::string& name, const ImageLimits& limits = {});

// Applies an EXIF orientation (1-8) to decoded pixels.
cv::Mat applyOrientation(const cv::Mat& stored, int orientation);

// "" or why an image of this header may not be decoded under `limits`.
std::string checkImageSize(const ImageHeader& header, const std::string& name, const ImageLimits& limits);

}  // namespace sam3::io
