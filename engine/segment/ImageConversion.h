#pragma once
// Image normalisation shared by the engines: every supported input (8/16-bit or float, gray,
// BGR or BGRA) becomes 8-bit BGR.

#include <opencv2/core.hpp>
#include <string>

namespace sam3::segment {

// "" when `image` can be segmented, else why not (empty, unsupported channel count).
std::string checkSegmentableImage(const cv::Mat& image);

// 16-bit is scaled by 1/257, float is stretched to its min..max; gray and BGRA become BGR.
cv::Mat toBgr8(const cv::Mat& image);

}  // namespace sam3::segment
