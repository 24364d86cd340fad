#pragma once
// One annotated object. Its mask (COCO RLE) is the source of truth; polygons are derived.
// A COCO box-only annotation is kept as a box with an empty mask.

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/mask/Rle.h"

namespace sam3::annotation {

struct AnnotationObject {
  int64_t id = 0;  // >= 1, unique in the project
  int imageId = 0;
  int categoryId = 0;
  mask::Rle mask;
  std::optional<std::array<double, 4>> box;  // x, y, w, h; set for box-only annotations
  double score = 1.0;
  std::string source;                 // "manual", "classic", "sam3", "coco-import", ...
  nlohmann::json promptHistory = nlohmann::json::array();
  nlohmann::json attributes = nlohmann::json::object();
  bool isCrowd = false;

  bool operator==(const AnnotationObject& o) const {
    return id == o.id && imageId == o.imageId && categoryId == o.categoryId && mask == o.mask && box == o.box &&
           score == o.score && source == o.source && promptHistory == o.promptHistory &&
           attributes == o.attributes && isCrowd == o.isCrowd;
  }
};

}  // namespace sam3::annotation
