#pragma once
// The real-photo quality set (tests/data/real_photos/cases.json): reads its images, hand-made
// truth masks and prompts, and scores an engine on every case (IoU with the truth). Qt-free, so
// the quality test and the benchmark share it.

#include <map>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "engine/segment/Segmenter.h"

namespace sam3::test {

struct RealPhotoCase {
  std::string label;       // "cup / click 300,200"
  std::string object;      // "cup"
  std::string imageFile;   // absolute path
  cv::Mat truth;           // CV_8U, 255 = object, the image's size
  prompt::InteractivePrompt prompt;
  bool isBox = false;
  std::map<std::string, double> floors;  // engine name -> lowest IoU it must keep
};

struct RealPhotoScore {
  double iou = 0;
  double milliseconds = 0;
  std::string error;
};

// The folder holding cases.json: $SAM3_SOURCE_DIR/tests/data/real_photos, else next to this
// source file's tree.
std::string realPhotoFolder();

// Every case of cases.json; throws std::runtime_error naming the file and entry on bad data.
std::vector<RealPhotoCase> loadRealPhotoCases(const std::string& folder = realPhotoFolder());

// Runs one case on the engine (setImage once per image is the caller's choice: pass the image
// key it last set, and this sets the image only when it changes).
RealPhotoScore scoreCase(segment::Segmenter& engine, const RealPhotoCase& c, std::string& currentImage);

double maskIou(const mask::BinaryMask& m, const cv::Mat& truth);

}  // namespace sam3::test
