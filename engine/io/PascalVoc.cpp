#include "engine/io/PascalVoc.h"

#include <filesystem>
#include <map>

#include "engine/io/AtomicFile.h"
#include "engine/io/IndexedPng.h"

namespace sam3::io {

MaskExportReport exportPascalVoc(const annotation::Project& project, const std::string& folder) {
  namespace fs = std::filesystem;
  MaskExportReport report;
  const fs::path root(folder);
  for (const char* sub : {"SegmentationClass", "SegmentationObject", "ImageSets/Segmentation"}) fs::create_directories(root / sub);
  const Palette palette = vocPalette();
  std::map<int, int> classIndex;  // category id -> VOC index
  std::string labelmap = "# label:color_rgb:parts:actions\nbackground:0,0,0::\n";
  for (const auto& [id, category] : project.categories()) {
    const int index = int(classIndex.size()) + 1;
    if (index > 254) {
      report.warnings.push_back({CocoProblem::Severity::Warning, "class " + category.name, "beyond VOC's 254 classes: left out"});
      continue;
    }
    classIndex[id] = index;
    const auto& c = palette[size_t(index)];
    labelmap += category.name + ":" + std::to_string(c[0]) + "," + std::to_string(c[1]) + "," + std::to_string(c[2]) + "::\n";
  }
  std::string list;
  std::map<std::string, int> usedNames;
  for (const auto& [imageId, image] : project.images()) {
    std::string stem = fs::path(image.path).stem().string();
    if (usedNames[stem]++ > 0) stem += "_" + std::to_string(imageId);
    const size_t pixels = size_t(image.width) * size_t(image.height);
    std::vector<uint8_t> classes(pixels, 0), instances(pixels, 0);
    int instance = 0;
    for (const annotation::AnnotationObject* o : project.objectsOfImage(imageId)) {
      const auto cls = classIndex.find(o->categoryId);
      if (cls == classIndex.end() || ++instance > 254) {
        report.warnings.push_back({CocoProblem::Severity::Warning, image.path + " object " + std::to_string(o->id),
                                   cls == classIndex.end() ? "its class is beyond VOC's 254: left out" : "beyond 254 objects in one image: left out"});
        continue;
      }
      // Run lengths are column-major: pixel index x*h + y.
      size_t at = 0;
      bool on = false;
      for (const uint32_t run : o->mask.counts) {
        if (on) {
          for (size_t k = at; k < at + run && k < pixels; ++k) {
            const size_t x = k / size_t(image.height), y = k % size_t(image.height), rowMajor = y * size_t(image.width) + x;
            classes[rowMajor] = uint8_t(cls->second);
            instances[rowMajor] = uint8_t(instance);
          }
        }
        at += run;
        on = !on;
      }
    }
    writeFileAtomically((root / "SegmentationClass" / (stem + ".png")).string(), encodeIndexedPng(classes, image.width, image.height, palette));
    writeFileAtomically((root / "SegmentationObject" / (stem + ".png")).string(),
                        encodeIndexedPng(instances, image.width, image.height, palette));
    report.filesWritten += 2;
    list += stem + "\n";
  }
  writeFileAtomically((root / "ImageSets/Segmentation/default.txt").string(), list);
  writeFileAtomically((root / "labelmap.txt").string(), labelmap);
  report.filesWritten += 2;
  return report;
}

}  // namespace sam3::io
