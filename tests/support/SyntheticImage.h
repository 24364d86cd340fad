#pragma once
// The synthetic images the tests and benchmarks draw (Qt-free, deterministic): a textured
// background with filled shapes, so segmenters have edges to find and every run sees the same
// pixels.

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

namespace sam3::test {

// 8-bit BGR noise in [low, high) per channel (cv::randu's fixed default seed: deterministic).
inline cv::Mat texturedBackground(int width, int height, cv::Scalar low = {40, 60, 40}, cv::Scalar high = {120, 140, 110}) {
  cv::Mat image(height, width, CV_8UC3);
  cv::randu(image, low, high);
  return image;
}

// `count` discs of random colour, position and size drawn from `seed`.
inline cv::Mat randomDiscs(int width, int height, int seed, int count = 6) {
  cv::Mat image = texturedBackground(width, height);
  cv::RNG rng(static_cast<uint64_t>(seed));
  for (int i = 0; i < count; ++i) {
    cv::circle(image, cv::Point(rng.uniform(0, width), rng.uniform(0, height)), rng.uniform(10, height / 4),
               cv::Scalar(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)), cv::FILLED);
  }
  return image;
}

// One orange disc (its blue channel shifted by `seed`, so two seeds are two images): centred
// with radius height / 4, or, with `withCard`, the classic benchmark's layout on a 640-wide
// grid scaled to the image (disc at (320, 240) r 90, a grey card at (60, 60) 120 x 90).
inline cv::Mat discScene(int width, int height, int seed = 0, bool withCard = false) {
  cv::Mat image = texturedBackground(width, height, {60, 90, 60}, {110, 140, 100});
  const double k = width / 640.0;
  const cv::Scalar orange(30 + seed, 140, 240);
  if (!withCard) {
    cv::circle(image, cv::Point(width / 2, height / 2), height / 4, orange, cv::FILLED);
    return image;
  }
  cv::circle(image, cv::Point(int(320 * k), int(240 * k)), int(90 * k), orange, cv::FILLED);
  cv::rectangle(image, cv::Rect(int(60 * k), int(60 * k), int(120 * k), int(90 * k)), cv::Scalar(200, 200, 205), cv::FILLED);
  return image;
}

// `image` as a JPEG file's bytes with an EXIF APP1 segment holding only the orientation tag
// (1-8): what a phone writes for a photo taken sideways.
inline std::string jpegWithOrientation(const cv::Mat& image, int orientation) {
  std::vector<uchar> encoded;
  cv::imencode(".jpg", image, encoded);
  const std::string jpeg(encoded.begin(), encoded.end());
  const unsigned char app1[] = {0xFF, 0xE1, 0x00, 34, 'E', 'x', 'i', 'f', 0, 0,                 // APP1, length 34, "Exif\0\0"
                                'I', 'I', 42, 0, 8, 0, 0, 0,                                     // TIFF, first IFD at 8
                                1, 0,                                                            // one entry:
                                0x12, 0x01, 3, 0, 1, 0, 0, 0, uchar(orientation), 0, 0, 0,       // 274, SHORT, 1 value
                                0, 0, 0, 0};                                                     // no next IFD
  return jpeg.substr(0, 2) + std::string(reinterpret_cast<const char*>(app1), sizeof app1) + jpeg.substr(2);
}

// A small PNG whose header (with a valid CRC) claims width x height: a decompression bomb as
// far as any reader that trusts the header is concerned.
inline std::string pngClaimingSize(uint32_t width, uint32_t height) {
  std::vector<uchar> png;
  cv::imencode(".png", texturedBackground(64, 64), png);
  for (int i = 0; i < 4; ++i) {
    png[size_t(16 + i)] = uchar(width >> (24 - 8 * i));
    png[size_t(20 + i)] = uchar(height >> (24 - 8 * i));
  }
  uint32_t crc = 0xFFFFFFFFu;  // CRC-32 of the chunk type and data (bytes 12..28)
  for (size_t i = 12; i < 29; ++i) {
    crc ^= png[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  crc = ~crc;
  for (int i = 0; i < 4; ++i) png[size_t(29 + i)] = uchar(crc >> (24 - 8 * i));
  return std::string(png.begin(), png.end());
}

}  // namespace sam3::test
