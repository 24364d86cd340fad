#pragma once
// Non-COCO exports: one PNG per object (0/255), one 16-bit instance-id PNG per image (0 =
// background, i = i-th object of the image in id order, later objects on top), and YOLO-seg
// label files (class index and normalized polygon per line, plus classes.txt).

#include <string>
#include <vector>

#include "engine/annotation/Project.h"
#include "engine/io/CocoTypes.h"

namespace sam3::io {

struct MaskExportReport {
  size_t filesWritten = 0;
  std::vector<CocoProblem> warnings;
};

// Each throws std::runtime_error naming a file it cannot write. `folder` must exist.
MaskExportReport exportObjectPngs(const annotation::Project& project, const std::string& folder);
MaskExportReport exportInstancePngs(const annotation::Project& project, const std::string& folder);
MaskExportReport exportYoloSegmentation(const annotation::Project& project, const std::string& folder,
                                        double polygonTolerance = 1.0);

}  // namespace sam3::io
