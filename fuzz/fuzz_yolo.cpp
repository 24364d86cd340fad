// YOLO-seg label files from any bytes, read against a 64 x 48 image with three classes: every
// line becomes an object or a reported problem (file:line). Any exception or crash is a finding.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <unistd.h>

#include "engine/io/YoloImport.h"

namespace {

const std::filesystem::path& folder() {
  static const std::filesystem::path dir = [] {
    const std::filesystem::path d = std::filesystem::temp_directory_path() / ("fuzz_yolo_" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    cv::imwrite((d / "a.png").string(), cv::Mat(48, 64, CV_8UC3, cv::Scalar(10, 20, 30)));
    std::ofstream(d / "classes.txt") << "cat\ndog\nbird\n";
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::filesystem::path& dir = folder();
  std::ofstream(dir / "a.txt", std::ios::binary).write(reinterpret_cast<const char*>(data), std::streamsize(size));
  sam3::annotation::Project project;
  (void)sam3::io::importYoloSegmentation(dir.string(), dir.string(), "", project);
  for (const auto& [id, object] : project.objects()) {
    if (object.mask.height != 48 || object.mask.width != 64 || !project.category(object.categoryId)) __builtin_trap();
  }
  return 0;
}
