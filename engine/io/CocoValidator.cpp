#include "engine/io/CocoValidator.h"

#include <cstdint>
#include <cmath>
#include <map>
#include <set>

#include "engine/io/CocoSegmentation.h"

namespace sam3::io {
namespace {

using nlohmann::json;

class Checker {
 public:
  std::vector<CocoProblem> problems;

  void error(const std::string& path, const std::string& message) {
    problems.push_back({CocoProblem::Severity::Error, path, message});
  }
  void warning(const std::string& path, const std::string& message) {
    problems.push_back({CocoProblem::Severity::Warning, path, message});
  }

  // Checks an "id" member: integer >= 1, unique within `seen`. Returns it (or 0).
  int64_t id(const json& item, const std::string& path, std::set<int64_t>& seen) {
    const auto it = item.find("id");
    if (it == item.end() || !it->is_number_integer()) {
      error(path + ".id", "missing or not an integer");
      return 0;
    }
    const int64_t value = it->get<int64_t>();
    if (value < 1) error(path + ".id", "ids must be >= 1, got " + std::to_string(value));
    if (!seen.insert(value).second) error(path + ".id", "duplicate id " + std::to_string(value));
    return value;
  }
};

const std::set<std::string>& standardAnnotationKeys() {
  static const std::set<std::string> keys = {"id",   "image_id", "category_id", "segmentation", "area",
                                             "bbox", "iscrowd",  "score",       "keypoints",    "num_keypoints"};
  return keys;
}

}  // namespace

std::vector<CocoProblem> validateCoco(const json& coco) {
  Checker check;
  if (!coco.is_object()) {
    check.error("$", "a COCO file is a JSON object");
    return check.problems;
  }
  for (const char* key : {"images", "annotations", "categories"}) {
    if (!coco.contains(key) || !coco[key].is_array()) check.error(std::string("$.") + key, "missing or not an array");
  }
  if (!check.problems.empty()) return check.problems;

  struct ImageSize { int width, height; };
  std::map<int64_t, ImageSize> images;
  std::set<int64_t> imageIds, categoryIds, annotationIds;
  const json& imageList = coco["images"];
  for (size_t i = 0; i < imageList.size(); ++i) {
    const std::string path = "images[" + std::to_string(i) + "]";
    const json& image = imageList[i];
    if (!image.is_object()) {
      check.error(path, "not an object");
      continue;
    }
    const int64_t id = check.id(image, path, imageIds);
    if (!image.contains("file_name") || !image["file_name"].is_string() || image["file_name"].get<std::string>().empty()) {
      check.error(path + ".file_name", "missing or not a non-empty string");
    }
    const bool sized = image.contains("width") && image["width"].is_number_integer() && image["width"].get<int64_t>() > 0 &&
                       image.contains("height") && image["height"].is_number_integer() && image["height"].get<int64_t>() > 0;
    if (!sized) {
      check.error(path, "width and height must be positive integers");
    } else if (image["width"].get<int64_t>() > (1 << 20) || image["height"].get<int64_t>() > (1 << 20) ||
               uint64_t(image["width"].get<int64_t>()) * uint64_t(image["height"].get<int64_t>()) > UINT32_MAX) {
      // Found by fuzz_coco_validator: a 1333333330 x 10 image let a polygon's coordinates
      // overflow int in the rasterizer. Masks' run lengths are 32-bit, too.
      check.error(path, "width and height must be at most 1048576 and their product at most 4294967295");
    } else if (id > 0) {
      images[id] = {image["width"].get<int>(), image["height"].get<int>()};
    }
  }
  const json& categoryList = coco["categories"];
  for (size_t i = 0; i < categoryList.size(); ++i) {
    const std::string path = "categories[" + std::to_string(i) + "]";
    if (!categoryList[i].is_object()) {
      check.error(path, "not an object");
      continue;
    }
    check.id(categoryList[i], path, categoryIds);
    if (!categoryList[i].contains("name") || !categoryList[i]["name"].is_string()) check.error(path + ".name", "missing or not a string");
  }
  const json& annotationList = coco["annotations"];
  for (size_t i = 0; i < annotationList.size(); ++i) {
    const std::string path = "annotations[" + std::to_string(i) + "]";
    const json& a = annotationList[i];
    if (!a.is_object()) {
      check.error(path, "not an object");
      continue;
    }
    check.id(a, path, annotationIds);
    for (const auto& [key, value] : a.items()) {
      if (!standardAnnotationKeys().count(key)) check.warning(path + "." + key, "non-standard key");
    }
    const ImageSize* size = nullptr;
    if (!a.contains("image_id") || !a["image_id"].is_number_integer()) {
      check.error(path + ".image_id", "missing or not an integer");
    } else if (images.count(a["image_id"].get<int64_t>())) {
      size = &images[a["image_id"].get<int64_t>()];
    } else {
      check.error(path + ".image_id", "refers to unknown image " + std::to_string(a["image_id"].get<int64_t>()));
    }
    if (!a.contains("category_id") || !a["category_id"].is_number_integer() ||
        !categoryIds.count(a["category_id"].get<int64_t>())) {
      check.error(path + ".category_id", "missing or refers to an unknown category");
    }
    int64_t crowd = 0;
    if (!a.contains("iscrowd") || !a["iscrowd"].is_number_integer() || (a["iscrowd"] != 0 && a["iscrowd"] != 1)) {
      check.error(path + ".iscrowd", "must be 0 or 1");
    } else {
      crowd = a["iscrowd"].get<int64_t>();
    }
    const bool hasBbox = a.contains("bbox") && a["bbox"].is_array() && a["bbox"].size() == 4 &&
                         std::all_of(a["bbox"].begin(), a["bbox"].end(), [](const json& v) { return v.is_number(); });
    if (!hasBbox) check.error(path + ".bbox", "must be [x, y, width, height] numbers");
    if (!a.contains("area") || !a["area"].is_number() || a["area"].get<double>() < 0) check.error(path + ".area", "missing or negative");
    if (!a.contains("segmentation")) {
      check.error(path + ".segmentation", "missing");
      continue;
    }
    const json& seg = a["segmentation"];
    if (crowd == 1 && !seg.is_object()) check.error(path + ".segmentation", "a crowd region (iscrowd=1) must be RLE");
    if (!size) continue;
    mask::Rle rle;
    try {
      rle = segmentationToRle(seg, size->height, size->width);
    } catch (const mask::RleError& e) {
      check.error(path + ".segmentation", e.what());
      continue;
    }
    const int64_t pixels = mask::area(rle);
    if (pixels == 0) check.warning(path + ".segmentation", "empty mask");
    if (a.contains("area") && a["area"].is_number() && std::abs(a["area"].get<double>() - double(pixels)) > 0.5) {
      check.error(path + ".area", "is " + a["area"].dump() + " but the segmentation covers " + std::to_string(pixels) + " pixels");
    }
    if (hasBbox) {
      const auto box = mask::boundingBox(rle);
      for (int k = 0; k < 4; ++k) {
        if (std::abs(a["bbox"][k].get<double>() - box[k]) > 1.0) {
          check.error(path + ".bbox", "is " + a["bbox"].dump() + " but the segmentation's box is [" + std::to_string(int(box[0])) +
                                          ", " + std::to_string(int(box[1])) + ", " + std::to_string(int(box[2])) + ", " +
                                          std::to_string(int(box[3])) + "]");
          break;
        }
      }
    }
  }
  return check.problems;
}

}  // namespace sam3::io
