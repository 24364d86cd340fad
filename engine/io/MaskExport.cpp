#include "engine/io/MaskExport.h"

#include <cstdio>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>

#include "engine/io/AtomicFile.h"
#include "engine/mask/Polygons.h"

namespace sam3::io {
namespace {

std::string stem(const std::string& path) {
  const size_t slash = path.find_last_of("/\\");
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const size_t dot = name.find_last_of('.');
  return dot == std::string::npos ? name : name.substr(0, dot);
}

void writePng(const std::string& path, const cv::Mat& image) {
  std::vector<uint8_t> bytes;
  if (!cv::imencode(".png", image, bytes)) throw std::runtime_error("cannot encode " + path);
  writeFileAtomically(path, std::string(bytes.begin(), bytes.end()));
}

}  // namespace

MaskExportReport exportObjectPngs(const annotation::Project& project, const std::string& folder) {
  MaskExportReport report;
  for (const auto& [id, object] : project.objects()) {
    const mask::BinaryMask m = mask::decode(object.mask);
    cv::Mat png(m.height(), m.width(), CV_8U);
    cv::Mat(m.height(), m.width(), CV_8U, const_cast<uint8_t*>(m.data())).convertTo(png, CV_8U, 255.0);
    writePng(folder + "/" + stem(project.image(object.imageId)->path) + "_" + std::to_string(id) + ".png", png);
    ++report.filesWritten;
  }
  return report;
}

MaskExportReport exportInstancePngs(const annotation::Project& project, const std::string& folder) {
  MaskExportReport report;
  for (const auto& [imageId, image] : project.images()) {
    cv::Mat instances(image.height, image.width, CV_16U, cv::Scalar(0));
    uint16_t index = 0;
    for (const annotation::AnnotationObject* object : project.objectsOfImage(imageId)) {
      if (index == UINT16_MAX) {
        report.warnings.push_back({CocoProblem::Severity::Warning, image.path, "more than 65535 objects; the rest are left out"});
        break;
      }
      ++index;
      const mask::BinaryMask m = mask::decode(object->mask);
      instances.setTo(cv::Scalar(index), cv::Mat(m.height(), m.width(), CV_8U, const_cast<uint8_t*>(m.data())));
    }
    writePng(folder + "/" + stem(image.path) + "_instances.png", instances);
    ++report.filesWritten;
  }
  return report;
}

MaskExportReport exportYoloSegmentation(const annotation::Project& project, const std::string& folder, double tolerance) {
  MaskExportReport report;
  std::map<int, int> classIndex;
  std::string classes;
  for (const auto& [id, category] : project.categories()) {
    classIndex[id] = int(classIndex.size());
    classes += category.name + "\n";
  }
  writeFileAtomically(folder + "/classes.txt", classes);
  ++report.filesWritten;
  for (const auto& [imageId, image] : project.images()) {
    std::string lines;
    for (const annotation::AnnotationObject* object : project.objectsOfImage(imageId)) {
      const mask::PolygonSet polygons = mask::maskToPolygons(mask::decode(object->mask), tolerance);
      if (!polygons.holes.empty()) {
        report.warnings.push_back({CocoProblem::Severity::Warning, "object " + std::to_string(object->id),
                                   "holes cannot be carried by YOLO polygons"});
      }
      for (const mask::Ring& ring : polygons.outer) {  // YOLO-seg: one polygon per line
        lines += std::to_string(classIndex[object->categoryId]);
        for (size_t k = 0; k < ring.size(); k += 2) {
          char buffer[64];
          std::snprintf(buffer, sizeof(buffer), " %.6f %.6f", ring[k] / image.width, ring[k + 1] / image.height);
          lines += buffer;
        }
        lines += "\n";
      }
    }
    writeFileAtomically(folder + "/" + stem(image.path) + ".txt", lines);
    ++report.filesWritten;
  }
  return report;
}

}  // namespace sam3::io
