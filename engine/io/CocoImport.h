#pragma once
// COCO import into a project: categories mapped by name (created when missing), images matched
// by file name (created when missing), polygons / uncompressed / compressed RLE decoded as
// pycocotools does, bbox-only annotations kept as boxes, unknown annotation fields kept in the
// object's attributes. Every skipped item is reported with its JSON path.

#include <nlohmann/json.hpp>
#include <vector>

#include "engine/annotation/Project.h"
#include "engine/io/CocoTypes.h"

namespace sam3::io {

struct CocoImportReport {
  size_t imagesAdded = 0, imagesMatched = 0;
  size_t categoriesAdded = 0, categoriesMatched = 0;
  size_t objectsAdded = 0, boxesOnly = 0;
  std::vector<CocoProblem> problems;
};

CocoImportReport importCoco(const nlohmann::json& coco, annotation::Project& project);

}  // namespace sam3::io
