#pragma once
// Decoding a COCO "segmentation" value (polygons, uncompressed RLE, compressed RLE) the way
// pycocotools does. Shared by the validator and the importer.

#include <nlohmann/json.hpp>
#include <string>

#include "engine/mask/Rle.h"

namespace sam3::io {

// Throws mask::RleError naming what is wrong (relative to the segmentation value).
mask::Rle segmentationToRle(const nlohmann::json& segmentation, int height, int width);

}  // namespace sam3::io
