#include "engine/io/ImageLoader.h"

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace sam3::io {
namespace {

// Files larger than this are refused before they are read: no image we can label needs more,
// and reading one would cost that much memory.
constexpr int64_t kMaxFileBytes = int64_t(4) << 30;

std::string megapixels(int64_t pixels) { return std::to_string((pixels + 500'000) / 1'000'000) + " MP"; }

// Formats our header reader does not know still must not decode past the limit: OpenCV checks
// this variable (read once, on its first decode) against every header it parses.
void limitOpenCvDecoders(const ImageLimits& limits) {
  static std::once_flag once;
  std::call_once(once, [&] {
    if (std::getenv("OPENCV_IO_MAX_IMAGE_PIXELS") == nullptr) {
      setenv("OPENCV_IO_MAX_IMAGE_PIXELS", std::to_string(limits.maxPixels).c_str(), 0);
    }
  });
}

}  // namespace

std::string checkImageSize(const ImageHeader& header, const std::string& name, const ImageLimits& limits) {
  const int64_t pixels = header.width * header.height;
  if (pixels <= limits.maxPixels) return {};
  return name + " is " + std::to_string(header.width) + " x " + std::to_string(header.height) + " pixels (" + megapixels(pixels) +
         "), above the limit of " + megapixels(limits.maxPixels) + "; it was not decoded (raise the limit with " + limits.setting +
         " if the machine has the memory)";
}

cv::Mat applyOrientation(const cv::Mat& stored, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(stored, out, 1); return out;                            // mirrored left-right
    case 3: cv::rotate(stored, out, cv::ROTATE_180); return out;
    case 4: cv::flip(stored, out, 0); return out;                            // mirrored top-bottom
    case 5: cv::transpose(stored, out); return out;                          // mirrored, then 270° clockwise
    case 6: cv::rotate(stored, out, cv::ROTATE_90_CLOCKWISE); return out;
    case 7: cv::transpose(stored, out); cv::flip(out, out, -1); return out;  // mirrored, then 90° clockwise
    case 8: cv::rotate(stored, out, cv::ROTATE_90_COUNTERCLOCKWISE); return out;
    default: return stored;
  }
}

LoadedImage decodeImage(const std::string& bytes, const std::string& name, const ImageLimits& limits) {
  LoadedImage loaded;
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  if (const std::optional<ImageHeader> header = readImageHeader(data, bytes.size())) {
    loaded.header = *header;
    loaded.error = checkImageSize(*header, name, limits);
    if (!loaded.error.empty()) return loaded;
  }
  limitOpenCvDecoders(limits);
  cv::Mat stored;
  try {
    stored = cv::imdecode(cv::Mat(1, int(bytes.size()), CV_8U, const_cast<uint8_t*>(data)), cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    loaded.error = "cannot read the image " + name + ": it could not be decoded (" + e.what() + ")";
    return loaded;
  }
  if (stored.empty()) {
    loaded.error = "cannot read the image " + name + ": it could not be decoded (truncated or corrupt, not an image, or above the limit of " +
                   megapixels(limits.maxPixels) + ")";
    return loaded;
  }
  if (loaded.header.format.empty()) {
    loaded.header.width = stored.cols;
    loaded.header.height = stored.rows;
  } else if (stored.cols != loaded.header.width || stored.rows != loaded.header.height) {
    loaded.error = name + ": the decoder's size " + std::to_string(stored.cols) + " x " + std::to_string(stored.rows) +
                   " differs from the header's " + std::to_string(loaded.header.width) + " x " + std::to_string(loaded.header.height);
    return loaded;
  }
  loaded.pixels = applyOrientation(stored, loaded.header.orientation);
  return loaded;
}

LoadedImage loadImage(const std::string& path, const ImageLimits& limits) {
  LoadedImage loaded;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    loaded.error = "cannot read the image " + path + " (missing or unreadable)";
    return loaded;
  }
  const std::streamoff size = in.tellg();
  if (size <= 0 || size > kMaxFileBytes) {
    loaded.error = "cannot read the image " + path + (size <= 0 ? " (empty)" : " (larger than 4 GB)");
    return loaded;
  }
  std::string bytes(size_t(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) {
    loaded.error = "cannot read the image " + path + " (read error)";
    return loaded;
  }
  return decodeImage(bytes, path, limits);
}

}  // namespace sam3::io
