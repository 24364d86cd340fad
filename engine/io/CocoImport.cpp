#include "engine/io/CocoImport.h"

#include <map>
#include <set>

#include "engine/io/CocoSegmentation.h"

namespace sam3::io {
namespace {

using nlohmann::json;

const std::set<std::string>& knownKeys() {
  static const std::set<std::string> keys = {"id", "image_id", "category_id", "segmentation", "area", "bbox", "iscrowd", "score"};
  return keys;
}

// A distinct colour per category from a fixed, readable palette.
std::array<uint8_t, 3> paletteColor(size_t index) {
  static const std::array<std::array<uint8_t, 3>, 10> palette = {{{230, 25, 75}, {60, 180, 75}, {255, 225, 25}, {0, 130, 200},
                                                                  {245, 130, 48}, {145, 30, 180}, {70, 240, 240}, {240, 50, 230},
                                                                  {210, 245, 60}, {250, 190, 212}}};
  return palette[index % palette.size()];
}

}  // namespace

CocoImportReport importCoco(const json& coco, annotation::Project& project) {
  CocoImportReport report;
  auto error = [&](const std::string& path, const std::string& message) {
    report.problems.push_back({CocoProblem::Severity::Error, path, message});
  };
  if (!coco.is_object()) {
    error("$", "a COCO file is a JSON object");
    return report;
  }
  std::map<int64_t, int> categoryMap, imageMap;  // COCO id -> project id
  const json categories = coco.value("categories", json::array());
  for (size_t i = 0; i < categories.size(); ++i) {
    const std::string path = "categories[" + std::to_string(i) + "]";
    const json& c = categories[i];
    if (!c.is_object() || !c.contains("id") || !c["id"].is_number_integer() || !c.contains("name") || !c["name"].is_string()) {
      error(path, "needs an integer id and a name; skipped");
      continue;
    }
    const std::string name = c["name"];
    if (const annotation::Category* existing = project.categoryByName(name)) {
      categoryMap[c["id"]] = existing->id;
      ++report.categoriesMatched;
    } else {
      annotation::Category category;
      category.name = name;
      category.supercategory = c.value("supercategory", std::string());
      category.color = paletteColor(project.categories().size());
      categoryMap[c["id"]] = project.putCategory(category);
      ++report.categoriesAdded;
    }
  }
  const json images = coco.value("images", json::array());
  for (size_t i = 0; i < images.size(); ++i) {
    const std::string path = "images[" + std::to_string(i) + "]";
    const json& im = images[i];
    if (!im.is_object() || !im.contains("id") || !im["id"].is_number_integer() || !im.contains("file_name") ||
        !im["file_name"].is_string()) {
      error(path, "needs an integer id and a file_name; skipped");
      continue;
    }
    if (const annotation::ImageRecord* existing = project.imageByFileName(im["file_name"])) {
      imageMap[im["id"]] = existing->id;
      ++report.imagesMatched;
      if (im.value("width", existing->width) != existing->width || im.value("height", existing->height) != existing->height) {
        error(path, "size differs from the project's image '" + existing->path + "'; its annotations are skipped");
        imageMap.erase(im["id"]);
      }
      continue;
    }
    if (!im.contains("width") || !im["width"].is_number_integer() || !im.contains("height") || !im["height"].is_number_integer() ||
        im["width"].get<int64_t>() <= 0 || im["height"].get<int64_t>() <= 0) {
      error(path, "needs a positive width and height; skipped");
      continue;
    }
    annotation::ImageRecord record;
    record.path = im["file_name"];
    record.width = im["width"];
    record.height = im["height"];
    imageMap[im["id"]] = project.putImage(record);
    ++report.imagesAdded;
  }
  const json annotations = coco.value("annotations", json::array());
  for (size_t i = 0; i < annotations.size(); ++i) {
    const std::string path = "annotations[" + std::to_string(i) + "]";
    const json& a = annotations[i];
    if (!a.is_object()) {
      error(path, "not an object; skipped");
      continue;
    }
    const auto image = a.contains("image_id") && a["image_id"].is_number_integer() ? imageMap.find(a["image_id"]) : imageMap.end();
    if (image == imageMap.end()) {
      error(path + ".image_id", "unknown image; skipped");
      continue;
    }
    const auto category = a.contains("category_id") && a["category_id"].is_number_integer() ? categoryMap.find(a["category_id"])
                                                                                             : categoryMap.end();
    if (category == categoryMap.end()) {
      error(path + ".category_id", "unknown category; skipped");
      continue;
    }
    const annotation::ImageRecord& record = *project.image(image->second);
    annotation::AnnotationObject object;
    object.imageId = record.id;
    object.categoryId = category->second;
    object.source = "coco-import";
    object.isCrowd = a.value("iscrowd", 0) == 1;
    if (a.contains("score") && a["score"].is_number()) object.score = a["score"];
    const bool hasSegmentation = a.contains("segmentation") && !(a["segmentation"].is_array() && a["segmentation"].empty()) &&
                                 !a["segmentation"].is_null();
    try {
      if (hasSegmentation) {
        object.mask = segmentationToRle(a["segmentation"], record.height, record.width);
      } else if (a.contains("bbox") && a["bbox"].is_array() && a["bbox"].size() == 4) {
        object.mask = mask::Rle{record.height, record.width, {uint32_t(record.height) * uint32_t(record.width)}};
        object.box = a["bbox"].get<std::array<double, 4>>();
        ++report.boxesOnly;
      } else {
        error(path, "has neither a segmentation nor a bbox; skipped");
        continue;
      }
    } catch (const std::exception& e) {
      error(path + ".segmentation", std::string(e.what()) + "; skipped");
      continue;
    }
    for (const auto& [key, value] : a.items()) {
      if (!knownKeys().count(key)) object.attributes["coco"][key] = value;  // preserved, not interpreted
    }
    project.putObject(std::move(object));
    ++report.objectsAdded;
  }
  return report;
}

}  // namespace sam3::io
