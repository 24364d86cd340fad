#pragma once
// Checks any COCO instances file against the rules loaders rely on and reports every problem
// with its JSON path: ids >= 1 and unique, references that resolve, segmentation well formed
// and matching the image size, area = pixel count of the segmentation, bbox = its box,
// iscrowd 0/1 with RLE for crowd regions, no non-standard annotation keys (warning).

#include <nlohmann/json.hpp>
#include <vector>

#include "engine/io/CocoTypes.h"

namespace sam3::io {

std::vector<CocoProblem> validateCoco(const nlohmann::json& coco);

}  // namespace sam3::io
