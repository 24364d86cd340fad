#pragma once
// labelme / X-AnyLabeling annotation files (one JSON per image: `shapes` with `label`, `points`,
// `shape_type`, `group_id`, `flags`, `description`, base64 PNG `mask`; `imagePath`, image size)
// to and from projects. Shapes with an area become objects (polygon and rectangle by the COCO
// rasterization rule, circle as a disc, mask pasted at its box; shapes of one label sharing a
// group_id are one object); points and lines have no area and are reported, not imported.
// Each object keeps the shapes it came from, so an unedited object is written back exactly as
// read; an edited or new one is written as a `mask` shape (lossless) or, asked for, polygons.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/annotation/Project.h"
#include "engine/io/CocoTypes.h"

namespace sam3::io {

struct InterchangeReport {
  size_t files = 0, imagesAdded = 0, imagesMatched = 0, objectsAdded = 0, categoriesAdded = 0, skipped = 0;
  std::vector<CocoProblem> problems;  // path: "<file>: shapes[3]"; errors for what was skipped
};

// One labelme document read from `jsonPath` (the image path is relative to its folder).
void importLabelme(const nlohmann::json& document, const std::string& jsonPath, annotation::Project& project,
                   InterchangeReport& report);
// Every *.json of `folder` (not recursive; files that are not labelme are reported).
InterchangeReport importLabelmeFolder(const std::string& folder, annotation::Project& project);

struct LabelmeExportOptions {
  bool polygons = false;   // edited objects as polygons (what labelme < 5.3 reads) instead of masks
  double tolerance = 0.0;  // polygon simplification, pixels
};
struct LabelmeExportReport {
  size_t filesWritten = 0;
  std::vector<CocoProblem> warnings;
};
// One JSON per image into `folder` (which must exist); image paths of the project are relative
// to `projectFolder` when not absolute. Throws std::runtime_error naming a file it cannot write.
LabelmeExportReport exportLabelme(const annotation::Project& project, const std::string& folder, const std::string& projectFolder,
                                  const LabelmeExportOptions& options = {});

}  // namespace sam3::io
