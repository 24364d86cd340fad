#include "engine/io/Labelme.h"

#include <cmath>
#include <filesystem>
#include <algorithm>
#include <map>
#include <opencv2/imgcodecs.hpp>

#include "engine/io/AtomicFile.h"
#include "engine/io/Base64.h"
#include "engine/io/ImageHeader.h"
#include "engine/io/ImportSupport.h"
#include "engine/io/Sha256.h"
#include "engine/mask/Polygons.h"

namespace sam3::io {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The SHA-256 of the mask's compressed RLE string: an import remembers it beside the shapes it
// read, and an export writes those shapes back only while the mask still has this digest.
std::string digestOf(const mask::Rle& rle) { return Sha256::hexOf(mask::toCompressedString(rle)); }

// Whether `kept` is the digest of `rle`: its SHA-256, or the hex-encoded RLE string itself,
// which imports stored under that name until December 2026 (a helper named like a hash did not
// hash), recognised so the unedited shapes of those projects still export as read.
bool isDigestOf(const std::string& kept, const mask::Rle& rle) {
  const std::string counts = mask::toCompressedString(rle);
  return kept == Sha256::hexOf(counts) || kept == toHex(counts.data(), counts.size());
}

// The shape's points as numbers, refused when not pairs of finite numbers near the image.
std::vector<std::array<double, 2>> pointsOf(const json& shape, int height, int width, std::string* why) {
  std::vector<std::array<double, 2>> points;
  if (!shape.contains("points") || !shape["points"].is_array()) {
    *why = "has no points";
    return {};
  }
  const double reach = 4.0 * std::max(height, width) + 16;
  for (const json& p : shape["points"]) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number()) {
      *why = "has a point that is not [x, y]";
      return {};
    }
    const double x = p[0], y = p[1];
    if (!std::isfinite(x) || !std::isfinite(y) || std::abs(x) > reach || std::abs(y) > reach) {
      *why = "has a point far outside the image";
      return {};
    }
    points.push_back({x, y});
  }
  return points;
}

// A mask shape's PNG, decoded once its header says it is the box's size (so a header that
// claims a huge image costs nothing); empty with `why` set for anything else, a damaged PNG
// included (OpenCV throws on some broken IDAT streams: fuzz_labelme found one).
cv::Mat decodeMaskPng(const std::string& base64, int boxWidth, int boxHeight, std::string* why) {
  const std::optional<std::string> png = base64Decode(base64);
  const auto* bytes = png ? reinterpret_cast<const uint8_t*>(png->data()) : nullptr;
  const std::optional<ImageHeader> header = png ? readImageHeader(bytes, png->size()) : std::nullopt;
  if (!header || header->format != "png") {
    *why = "has a mask that is not a base64 PNG";
    return {};
  }
  if (header->width != boxWidth || header->height != boxHeight) {
    *why = "has a mask whose size is not its box's";
    return {};
  }
  cv::Mat crop;
  try {
    crop = cv::imdecode(cv::Mat(1, int(png->size()), CV_8U, const_cast<uint8_t*>(bytes)), cv::IMREAD_GRAYSCALE);
  } catch (const cv::Exception&) {
  }
  if (crop.empty() || crop.cols != boxWidth || crop.rows != boxHeight) *why = "has a mask PNG that is damaged (its pixels could not be decoded)";
  return crop.empty() || !why->empty() ? cv::Mat() : crop;
}

mask::BinaryMask maskShape(const json& shape, const std::vector<std::array<double, 2>>& points, int height, int width, std::string* why) {
  if (points.size() != 2 || !shape.contains("mask") || !shape["mask"].is_string()) {
    *why = "a mask shape needs two box corners and a base64 PNG";
    return {};
  }
  const int x0 = int(std::lround(points[0][0])), y0 = int(std::lround(points[0][1]));
  const int boxWidth = int(std::lround(points[1][0])) - x0 + 1, boxHeight = int(std::lround(points[1][1])) - y0 + 1;
  const cv::Mat crop = decodeMaskPng(shape["mask"].get<std::string>(), boxWidth, boxHeight, why);
  if (crop.empty()) return {};
  mask::BinaryMask m(height, width);
  for (int y = 0; y < crop.rows; ++y)
    for (int x = 0; x < crop.cols; ++x)
      if (crop.at<uint8_t>(y, x) && y0 + y >= 0 && y0 + y < height && x0 + x >= 0 && x0 + x < width) m.set(y0 + y, x0 + x, true);
  return m;
}

// The pixels a shape covers, or an empty mask with `why` set.
mask::BinaryMask shapeToMask(const json& shape, int height, int width, std::string* why) {
  const std::string type = shape.contains("shape_type") && shape["shape_type"].is_string() ? shape["shape_type"].get<std::string>() : "polygon";
  const std::vector<std::array<double, 2>> p = pointsOf(shape, height, width, why);
  if (!why->empty()) return {};
  if (type == "polygon" && p.size() >= 3) {
    mask::Ring ring;
    for (const auto& point : p) ring.insert(ring.end(), {point[0], point[1]});
    return mask::decode(mask::polygonToRle(ring, height, width));
  }
  if (type == "rectangle" && p.size() == 2) {
    const double x0 = std::min(p[0][0], p[1][0]), x1 = std::max(p[0][0], p[1][0]);
    const double y0 = std::min(p[0][1], p[1][1]), y1 = std::max(p[0][1], p[1][1]);
    return mask::decode(mask::polygonToRle({x0, y0, x1, y0, x1, y1, x0, y1}, height, width));
  }
  if (type == "circle" && p.size() == 2) {
    const double r2 = std::pow(p[1][0] - p[0][0], 2) + std::pow(p[1][1] - p[0][1], 2);
    mask::BinaryMask m(height, width);
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x)
        if (std::pow(x - p[0][0], 2) + std::pow(y - p[0][1], 2) <= r2) m.set(y, x, true);
    return m;
  }
  if (type == "mask") return maskShape(shape, p, height, width, why);
  if (type == "point" || type == "points" || type == "line" || type == "linestrip") {
    *why = "is a " + type + ": it has no area, so it cannot be an object; not imported";
  } else {
    *why = "is a '" + type + "' with " + std::to_string(p.size()) + " points: not a shape with an area; not imported";
  }
  return {};
}

struct Pending {  // one object being assembled from its shapes
  int categoryId = 0;
  mask::BinaryMask mask;
  json shapes = json::array();
  double score = 1.0;
};

json newShape(const std::string& label, const char* type, json points) {
  return {{"label", label}, {"points", std::move(points)}, {"group_id", nullptr}, {"description", ""},
          {"shape_type", type}, {"flags", json::object()}, {"mask", nullptr}};
}

// The mask as labelme 5.3+ writes one: the box's corners (inclusive) and a 0/1 PNG of the box.
json maskToShape(const std::string& label, const mask::BinaryMask& m) {
  int x0 = m.width(), y0 = m.height(), x1 = -1, y1 = -1;
  for (int y = 0; y < m.height(); ++y)
    for (int x = 0; x < m.width(); ++x)
      if (m.at(y, x)) x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
  if (x1 < 0) return nullptr;
  cv::Mat crop(y1 - y0 + 1, x1 - x0 + 1, CV_8U);
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) crop.at<uint8_t>(y - y0, x - x0) = m.at(y, x) ? 1 : 0;
  std::vector<uchar> png;
  cv::imencode(".png", crop, png);
  json shape = newShape(label, "mask", {{x0, y0}, {x1, y1}});
  shape["mask"] = base64Encode(std::string(png.begin(), png.end()));
  return shape;
}

// The shapes to write for one object, with warnings for what they cannot carry.
json objectShapes(const annotation::AnnotationObject& o, const std::string& label, const LabelmeExportOptions& options,
                  const std::string& where, std::vector<CocoProblem>& warnings) {
  json shapes = json::array();
  const json& kept = o.attributes.contains("labelme") ? o.attributes["labelme"] : json();
  if (kept.is_object() && isDigestOf(kept.value("digest", ""), o.mask) && kept.contains("shapes") && kept["shapes"].is_array()) {
    for (json shape : kept["shapes"]) {  // unedited: exactly as read, under the class's current name
      shape["label"] = label;
      shapes.push_back(std::move(shape));
    }
    return shapes;
  }
  if (o.box && mask::area(o.mask) == 0) {  // a box-only annotation
    const auto& b = *o.box;
    shapes.push_back(newShape(label, "rectangle", {{b[0], b[1]}, {b[0] + b[2], b[1] + b[3]}}));
    return shapes;
  }
  const mask::BinaryMask m = mask::decode(o.mask);
  if (!options.polygons) {
    if (json shape = maskToShape(label, m); !shape.is_null()) shapes.push_back(std::move(shape));
    return shapes;
  }
  const mask::PolygonSet polygons = mask::maskToPolygons(m, options.tolerance);
  if (!polygons.holes.empty()) {
    warnings.push_back({CocoProblem::Severity::Warning, where, "has holes a labelme polygon cannot carry (filled in)"});
  }
  for (const mask::Ring& ring : polygons.outer) {
    json points = json::array();
    for (size_t i = 0; i + 1 < ring.size(); i += 2) points.push_back({ring[i], ring[i + 1]});
    json shape = newShape(label, "polygon", std::move(points));
    if (polygons.outer.size() > 1) shape["group_id"] = o.id;  // the parts of one object
    shapes.push_back(std::move(shape));
  }
  return shapes;
}

// `path` as seen from `folder` (absolute when they share no root).
std::string relativeTo(const fs::path& path, const std::string& folder) {
  const fs::path absolute = fs::absolute(path).lexically_normal();
  const fs::path relative = absolute.lexically_relative(fs::absolute(folder).lexically_normal());
  return relative.empty() ? absolute.string() : relative.string();
}

}  // namespace

void importLabelme(const json& document, const std::string& jsonPath, annotation::Project& project, InterchangeReport& report) {
  const std::string name = fs::path(jsonPath).filename().string();
  auto problem = [&](const std::string& where, const std::string& message) {
    report.problems.push_back({CocoProblem::Severity::Error, name + (where.empty() ? "" : ": " + where), message});
  };
  ++report.files;
  if (!document.is_object() || !document.contains("shapes") || !document["shapes"].is_array() || !document.contains("imagePath") ||
      !document["imagePath"].is_string()) {
    problem("", "not a labelme file (needs shapes and imagePath); skipped");
    return;
  }
  const bool sized = document.contains("imageWidth") && document["imageWidth"].is_number_integer() && document.contains("imageHeight") &&
                     document["imageHeight"].is_number_integer();
  const int64_t width = sized ? document["imageWidth"].get<int64_t>() : 0, height = sized ? document["imageHeight"].get<int64_t>() : 0;
  if (!sized || width <= 0 || height <= 0 || width > (1 << 20) || height > (1 << 20) || uint64_t(width) * uint64_t(height) > UINT32_MAX) {
    problem("imageWidth", "needs the image's width and height (1 to 1048576, at most 4 gigapixels); skipped");
    return;
  }
  const fs::path imagePath = (fs::absolute(fs::path(jsonPath)).parent_path() / document["imagePath"].get<std::string>()).lexically_normal();
  bool created = false;
  std::string why;
  const int imageId = imageNamed(project, imagePath.string(), int(width), int(height), &created, &why);
  if (imageId == 0) {
    problem("imagePath", why + "; skipped");
    return;
  }
  ++(created ? report.imagesAdded : report.imagesMatched);
  std::vector<std::string> order;  // objects in the order their first shape appears
  std::map<std::string, Pending> pending;
  const json& shapes = document["shapes"];
  for (size_t i = 0; i < shapes.size(); ++i) {
    const std::string where = "shapes[" + std::to_string(i) + "]";
    const json& shape = shapes[i];
    if (!shape.is_object() || !shape.contains("label") || !shape["label"].is_string() || shape["label"].get<std::string>().empty()) {
      problem(where, "needs a label; skipped");
      ++report.skipped;
      continue;
    }
    why.clear();
    const mask::BinaryMask m = shapeToMask(shape, int(height), int(width), &why);
    if (!why.empty()) {
      problem(where, why);
      ++report.skipped;
      continue;
    }
    const std::string label = shape["label"];
    const bool grouped = shape.contains("group_id") && !shape["group_id"].is_null();
    const std::string key = grouped ? label + "\n" + shape["group_id"].dump() : "\n#" + std::to_string(i);
    auto [it, fresh] = pending.try_emplace(key);
    Pending& object = it->second;
    if (fresh) {
      order.push_back(key);
      object.categoryId = categoryNamed(project, label, &created);
      report.categoriesAdded += created;
      object.mask = m;
    } else {
      for (int y = 0; y < m.height(); ++y)
        for (int x = 0; x < m.width(); ++x)
          if (m.at(y, x)) object.mask.set(y, x, true);
    }
    if (shape.contains("score") && shape["score"].is_number()) object.score = shape["score"];
    object.shapes.push_back(shape);
  }
  for (const std::string& key : order) {
    Pending& p = pending[key];
    annotation::AnnotationObject object;
    object.imageId = imageId;
    object.categoryId = p.categoryId;
    object.mask = mask::encode(p.mask);
    object.score = p.score;
    object.source = "labelme-import";
    object.attributes["labelme"] = {{"shapes", p.shapes}, {"digest", digestOf(object.mask)}};
    project.putObject(std::move(object));
    ++report.objectsAdded;
  }
}

InterchangeReport importLabelmeFolder(const std::string& folder, annotation::Project& project) {
  InterchangeReport report;
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) {
    const json document = json::parse(readWholeFile(file), nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) {
      ++report.files;
      report.problems.push_back({CocoProblem::Severity::Error, fs::path(file).filename().string(), "is not valid JSON; skipped"});
      continue;
    }
    importLabelme(document, file, project, report);
  }
  return report;
}

LabelmeExportReport exportLabelme(const annotation::Project& project, const std::string& folder, const std::string& projectFolder,
                                  const LabelmeExportOptions& options) {
  LabelmeExportReport report;
  std::map<std::string, int> usedNames;
  for (const auto& [imageId, image] : project.images()) {
    const fs::path imagePath = fs::path(image.path).is_absolute() ? fs::path(image.path) : fs::path(projectFolder) / image.path;
    std::string stem = imagePath.stem().string();
    if (usedNames[stem]++ > 0) {
      stem += "_" + std::to_string(imageId);
      report.warnings.push_back({CocoProblem::Severity::Warning, image.path, "shares its name with another image: written as " + stem + ".json"});
    }
    json shapes = json::array();
    for (const annotation::AnnotationObject* o : project.objectsOfImage(imageId)) {
      const annotation::Category* category = project.category(o->categoryId);
      const std::string where = "object " + std::to_string(o->id);
      for (json& shape : objectShapes(*o, category ? category->name : "object", options, where, report.warnings)) shapes.push_back(std::move(shape));
    }
    const json document = {{"version", "5.5.0"},
                           {"flags", json::object()},
                           {"shapes", std::move(shapes)},
                           {"imagePath", relativeTo(imagePath, folder)},
                           {"imageData", nullptr},
                           {"imageHeight", image.height},
                           {"imageWidth", image.width}};
    writeFileAtomically((fs::path(folder) / (stem + ".json")).string(), document.dump(2) + "\n");
    ++report.filesWritten;
  }
  return report;
}

}  // namespace sam3::io
