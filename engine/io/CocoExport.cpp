#include "engine/io/CocoExport.h"

#include <filesystem>
#include <optional>

#include "engine/mask/Polygons.h"
#include "engine/mask/Rle.h"

namespace sam3::io {
namespace {

using nlohmann::json;

json rleSegmentation(const mask::Rle& rle) {
  return {{"size", {rle.height, rle.width}}, {"counts", mask::toCompressedString(rle)}};
}

std::string location(const annotation::AnnotationObject& o) {
  return "annotations[id=" + std::to_string(o.id) + "]";
}

namespace fs = std::filesystem;

// The image's file as an absolute, normalized path ("" for a bundled ":/" sample).
fs::path absoluteImagePath(const std::string& stored, const std::string& projectFolder) {
  if (stored.empty() || stored[0] == ':') return {};
  fs::path p(stored);
  if (p.is_relative() && !projectFolder.empty()) p = fs::path(projectFolder) / p;
  return p.is_absolute() ? p.lexically_normal() : p;
}

// What file_name says of an image: relative to the root when inside it, else absolute.
std::string fileNameOf(const std::string& stored, const CocoExportOptions& options) {
  const fs::path path = absoluteImagePath(stored, options.projectFolder);
  if (path.empty() || !path.is_absolute()) return stored;
  if (!options.imageRoot.empty()) {
    const fs::path relative = path.lexically_relative(fs::path(options.imageRoot).lexically_normal());
    if (!relative.empty() && *relative.begin() != "..") return relative.generic_string();
  }
  return path.string();
}

}  // namespace

std::string imageRootOf(const annotation::Project& project, const std::string& projectFolder) {
  std::optional<fs::path> common;
  for (const auto& entry : project.images()) {
    const fs::path path = absoluteImagePath(entry.second.path, projectFolder);
    if (!path.is_absolute()) return {};
    const fs::path folder = path.parent_path();
    if (!common) {
      common = folder;
      continue;
    }
    fs::path shared;
    for (auto a = common->begin(), b = folder.begin(); a != common->end() && b != folder.end() && *a == *b; ++a, ++b) shared /= *a;
    common = shared;
  }
  return common ? common->string() : std::string();
}

CocoExportResult exportCoco(const annotation::Project& project, const CocoExportOptions& options,
                            const std::function<bool(size_t, size_t)>& progress) {
  CocoExportResult result;
  json images = json::array(), categories = json::array(), annotations = json::array();
  for (const auto& [id, image] : project.images()) {
    images.push_back({{"id", id}, {"file_name", fileNameOf(image.path, options)}, {"width", image.width}, {"height", image.height}});
  }
  for (const auto& [id, category] : project.categories()) {
    categories.push_back({{"id", id}, {"name", category.name},
                          {"supercategory", category.supercategory.empty() ? category.name : category.supercategory}});
  }
  const size_t total = project.objects().size();
  size_t done = 0;
  annotations.get_ref<json::array_t&>().reserve(total);
  for (const auto& [id, object] : project.objects()) {
    if (progress && !progress(done, total)) {
      result.warnings.push_back({CocoProblem::Severity::Warning, "annotations",
                                 "export cancelled after " + std::to_string(done) + " of " + std::to_string(total) + " objects"});
      break;
    }
    ++done;
    const annotation::ImageRecord* image = project.image(object.imageId);
    mask::Rle exported = object.mask;
    json segmentation;
    if (object.box && mask::area(object.mask) == 0) {
      // A box-only annotation (e.g. imported from a detection dataset) goes out as its rectangle.
      const auto& b = *object.box;
      const mask::Ring rect = {b[0], b[1], b[0] + b[2], b[1], b[0] + b[2], b[1] + b[3], b[0], b[1] + b[3]};
      exported = mask::polygonToRle(rect, image->height, image->width);
      segmentation = json::array({rect});
      result.warnings.push_back({CocoProblem::Severity::Warning, location(object), "box-only object exported as a rectangle polygon"});
    } else if (options.segmentation == CocoExportOptions::Segmentation::Polygons && !object.isCrowd) {
      const mask::PolygonSet polygons = mask::maskToPolygons(mask::decode(object.mask), options.polygonTolerance);
      segmentation = json::array();
      for (const mask::Ring& ring : polygons.outer) segmentation.push_back(ring);
      exported = polygons.outer.empty() ? mask::Rle{image->height, image->width, {uint32_t(image->height) * uint32_t(image->width)}}
                                        : mask::polygonsToRle(polygons.outer, image->height, image->width);
      if (!polygons.holes.empty()) {
        result.warnings.push_back({CocoProblem::Severity::Warning, location(object),
                                   std::to_string(polygons.holes.size()) + " hole(s) cannot be carried by COCO polygons; "
                                   "export as RLE to keep them"});
      }
      const int64_t lost = mask::area(mask::subtract(object.mask, exported)) + mask::area(mask::subtract(exported, object.mask));
      if (lost > 0 && polygons.holes.empty()) {
        result.warnings.push_back({CocoProblem::Severity::Warning, location(object),
                                   std::to_string(lost) + " pixel(s) differ after polygon conversion (thin or sub-pixel parts)"});
      }
    } else {
      segmentation = rleSegmentation(object.mask);  // crowd regions are always RLE
    }
    const auto box = mask::boundingBox(exported);
    annotations.push_back({{"id", id},
                           {"image_id", object.imageId},
                           {"category_id", object.categoryId},
                           {"segmentation", std::move(segmentation)},
                           {"area", double(mask::area(exported))},
                           {"bbox", {box[0], box[1], box[2], box[3]}},
                           {"iscrowd", object.isCrowd ? 1 : 0}});
  }
  result.coco = {{"info", {{"description", options.description}, {"version", "1.0"}}},
                 {"licenses", json::array()},
                 {"images", std::move(images)},
                 {"annotations", std::move(annotations)},
                 {"categories", std::move(categories)}};
  return result;
}

json exportCocoResults(const annotation::Project& project) {
  json results = json::array();
  for (const auto& [id, object] : project.objects()) {
    if (mask::area(object.mask) == 0) continue;  // box-only annotations are not detections with masks
    const auto box = mask::boundingBox(object.mask);
    results.push_back({{"image_id", object.imageId},
                       {"category_id", object.categoryId},
                       {"segmentation", rleSegmentation(object.mask)},
                       {"bbox", {box[0], box[1], box[2], box[3]}},
                       {"score", object.score}});
  }
  return results;
}

}  // namespace sam3::io
