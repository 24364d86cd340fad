#pragma once
// Pascal VOC segmentation export: SegmentationClass/<stem>.png (palette PNG, pixel = class:
// 0 background, the project's classes in id order from 1) and SegmentationObject/<stem>.png
// (instance i = the image's i-th object in id order, later objects on top), with VOC's colour
// map, ImageSets/Segmentation/default.txt and labelmap.txt (`name:r,g,b::`, as CVAT writes it).

#include <string>

#include "engine/annotation/Project.h"
#include "engine/io/MaskExport.h"

namespace sam3::io {

// Creates the folders under `folder` (file names are the images' stems). More than 254 classes or objects in an image (255 is VOC's "void") are
// reported and left out. Throws std::runtime_error naming a file it cannot write.
MaskExportReport exportPascalVoc(const annotation::Project& project, const std::string& folder);

}  // namespace sam3::io
