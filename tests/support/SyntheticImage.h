#pragma once
// The synthetic images the tests and benchmarks draw (Qt-free, deterministic): a textured
// background with filled shapes, so segmenters have edges to find and every run sees the same
// pixels.

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

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

}  // namespace sam3::test
