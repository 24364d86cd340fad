#include "engine/segment/ImageConversion.h"

#include <opencv2/imgproc.hpp>

namespace sam3::segment {

std::string checkSegmentableImage(const cv::Mat& image) {
  if (image.empty()) return "the image is empty";
  if (image.channels() != 1 && image.channels() != 3 && image.channels() != 4) {
    return "unsupported image with " + std::to_string(image.channels()) + " channels";
  }
  return {};
}

cv::Mat toBgr8(const cv::Mat& image) {
  cv::Mat eight;
  if (image.depth() == CV_16U) {
    image.convertTo(eight, CV_8U, 1.0 / 257.0);
  } else if (image.depth() == CV_8U) {
    eight = image;
  } else {
    double lo, hi;
    cv::minMaxLoc(image.reshape(1), &lo, &hi);
    image.convertTo(eight, CV_8U, hi > lo ? 255.0 / (hi - lo) : 1.0, hi > lo ? -lo * 255.0 / (hi - lo) : 0.0);
  }
  cv::Mat bgr;
  switch (eight.channels()) {
    case 1: cv::cvtColor(eight, bgr, cv::COLOR_GRAY2BGR); break;
    case 4: cv::cvtColor(eight, bgr, cv::COLOR_BGRA2BGR); break;
    default: bgr = eight.clone(); break;
  }
  return bgr;
}

}  // namespace sam3::segment
