#include "engine/io/CocoImport.h"

#include <cstdint>
#include <map>
#include <set>

#include "engine/io/CocoSegmentation.h"
#include "engine/io/ImportSupport.h"

namespace sam3::io {
namespace {

using nlohmann::json;

const std::set<std::string>& knownKeys() {
  static const std::set<std::string> keys = {"id", "image_id", "category_id", "segmentation", "area", "bbox", "iscrowd", "score"};
  return keys;
}


// Larger sides are refused: the project keeps sizes as int, and a mask's run lengths are 32-bit,
// so width × height must fit too (checked below).
constexpr int64_t kMaxImageSide = 1 << 20;

using IdMap = std::map<int64_t, int>;  // COCO id -> project id

struct Importer {
  const json& coco;
  annotation::Project& project;
  CocoImportReport report;
  IdMap categoryMap, imageMap;

  void error(const std::string& path, const std::string& message) {
    report.problems.push_back({CocoProblem::Severity::Error, path, message});
  }
  // A top-level list; anything else is reported and read as empty.
  json listOf(const char* key) {
    if (!coco.contains(key)) return json::array();
    if (!coco[key].is_array()) {
      error(key, "must be an array; ignored");
      return json::array();
    }
    return coco[key];
  }
  static bool isInteger(const json& j, const char* key) { return j.contains(key) && j[key].is_number_integer(); }
  static bool isString(const json& j, const char* key) { return j.contains(key) && j[key].is_string(); }

  void categories();
  void images();
  void annotations();
  bool segmentationOf(const json& a, const std::string& path, const annotation::ImageRecord& record, annotation::AnnotationObject& object);
};

void Importer::categories() {
  const json list = listOf("categories");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = "categories[" + std::to_string(i) + "]";
    const json& c = list[i];
    // An empty name threw out of Project::putCategory (found by fuzz_coco_import in CI).
    if (!c.is_object() || !isInteger(c, "id") || !isString(c, "name") || c["name"].get<std::string>().empty()) {
      error(path, "needs an integer id and a name; skipped");
      continue;
    }
    bool created = false;
    const std::string supercategory = isString(c, "supercategory") ? c["supercategory"].get<std::string>() : std::string();
    categoryMap[c["id"]] = categoryNamed(project, c["name"], &created, supercategory);
    ++(created ? report.categoriesAdded : report.categoriesMatched);
  }
}

void Importer::images() {
  const json list = listOf("images");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = "images[" + std::to_string(i) + "]";
    const json& im = list[i];
    if (!im.is_object() || !isInteger(im, "id") || !isString(im, "file_name")) {
      error(path, "needs an integer id and a file_name; skipped");
      continue;
    }
    const bool sized = isInteger(im, "width") && isInteger(im, "height");
    const int64_t width = sized ? im["width"].get<int64_t>() : 0, height = sized ? im["height"].get<int64_t>() : 0;
    if (const annotation::ImageRecord* existing = project.imageByFileName(im["file_name"])) {
      if (sized && (width != existing->width || height != existing->height)) {
        error(path, "size differs from the project's image '" + existing->path + "'; its annotations are skipped");
        continue;
      }
      imageMap[im["id"]] = existing->id;
      ++report.imagesMatched;
      continue;
    }
    if (!sized || width <= 0 || height <= 0 || width > kMaxImageSide || height > kMaxImageSide ||
        uint64_t(width) * uint64_t(height) > UINT32_MAX) {
      error(path, "needs a width and height from 1 to " + std::to_string(kMaxImageSide) + " (at most 4 gigapixels); skipped");
      continue;
    }
    annotation::ImageRecord record;
    record.path = im["file_name"];
    record.width = int(width);
    record.height = int(height);
    imageMap[im["id"]] = project.putImage(record);
    ++report.imagesAdded;
  }
}

bool Importer::segmentationOf(const json& a, const std::string& path, const annotation::ImageRecord& record,
                              annotation::AnnotationObject& object) {
  const bool hasSegmentation = a.contains("segmentation") && !(a["segmentation"].is_array() && a["segmentation"].empty()) &&
                               !a["segmentation"].is_null();
  try {
    if (hasSegmentation) {
      object.mask = segmentationToRle(a["segmentation"], record.height, record.width);
    } else if (a.contains("bbox") && a["bbox"].is_array() && a["bbox"].size() == 4) {
      object.box = a["bbox"].get<std::array<double, 4>>();
      object.mask = mask::Rle{record.height, record.width, {uint32_t(record.height) * uint32_t(record.width)}};
      ++report.boxesOnly;
    } else {
      error(path, "has neither a segmentation nor a bbox; skipped");
      return false;
    }
  } catch (const std::exception& e) {
    error(path + (hasSegmentation ? ".segmentation" : ".bbox"), std::string(e.what()) + "; skipped");
    return false;
  }
  return true;
}

void Importer::annotations() {
  const json list = listOf("annotations");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = "annotations[" + std::to_string(i) + "]";
    const json& a = list[i];
    if (!a.is_object()) {
      error(path, "not an object; skipped");
      continue;
    }
    const auto image = isInteger(a, "image_id") ? imageMap.find(a["image_id"]) : imageMap.end();
    if (image == imageMap.end()) {
      error(path + ".image_id", "unknown image; skipped");
      continue;
    }
    const auto category = isInteger(a, "category_id") ? categoryMap.find(a["category_id"]) : categoryMap.end();
    if (category == categoryMap.end()) {
      error(path + ".category_id", "unknown category; skipped");
      continue;
    }
    const annotation::ImageRecord& record = *project.image(image->second);
    annotation::AnnotationObject object;
    object.imageId = record.id;
    object.categoryId = category->second;
    object.source = "coco-import";
    object.isCrowd = a.contains("iscrowd") && a["iscrowd"] == 1;
    if (a.contains("score") && a["score"].is_number()) object.score = a["score"];
    if (!segmentationOf(a, path, record, object)) continue;
    for (const auto& [key, value] : a.items()) {
      if (!knownKeys().count(key)) object.attributes["coco"][key] = value;  // preserved, not interpreted
    }
    project.putObject(std::move(object));
    ++report.objectsAdded;
  }
}

}  // namespace

CocoImportReport importCoco(const json& coco, annotation::Project& project) {
  Importer importer{coco, project, {}, {}, {}};
  if (!coco.is_object()) {
    importer.error("$", "a COCO file is a JSON object");
    return importer.report;
  }
  importer.categories();
  importer.images();
  importer.annotations();
  return std::move(importer.report);
}

}  // namespace sam3::io
